"""What changed in the facts file between two versions: each fact by its path, with its lines.

Both versions are read the way a build reads them (:func:`filings.facts.source.load_yaml`:
safe, bounded, with the line of every value), then flattened to their leaves. Items of a
list that carry an ``id`` (events, exhibits, requests, ...) are matched by it, not by their
place: an exhibit moved up the list is one change ("moved"), not a change of every exhibit
after it, and a fact of a moved item is named by its id (``exhibits[ex-3].title``). Each change
also keeps its place as the build's paths give it (``exhibits.2.title``, the paths of the
manifest's ``facts_read``), so that the papers it changed can be named.

A leaf present in one version only is added or removed; one whose value differs is changed;
one whose value is the same but which is ``!confidential`` in one version and not in the other
is ``tagged`` or ``untagged`` (tagging a fact changes the papers: its value is then held back
from the public version). Each change carries the file and line of the value in the old and in
the new version (:meth:`SourceMap.where`), and whether either version marks it
``!confidential`` (the summary then says so instead of printing it).
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from filings.facts.source import SourceMap, load_yaml

Loc = tuple


@dataclass(frozen=True)
class FactChange:
    """One fact added, removed, changed, moved, tagged or untagged."""

    path: str                 # the fact, items of a list named by their id: exhibits[ex-3].title
    status: str               # "added", "removed", "changed", "moved", "tagged" or "untagged"
    old: str | None = None    # the value as text (None: absent); for "moved", the old place (1-based)
    new: str | None = None
    old_line: int | None = None
    new_line: int | None = None
    confidential: bool = False
    place: str = ""           # the path as the build reads it (exhibits.2.title): the new version's, else the old's
    old_place: str = ""       # the old version's path, where the item had another place
    where: str = ""           # FILE:LINE of the value: the new version's, else the old's

    def describe(self, show: bool = True) -> str:
        """``events[one].date: 2024-05-17 → 2024-05-16 (line 143 → 143)``."""
        def value(v: str | None) -> str:
            return "(absent)" if v is None else ("(confidential)" if self.confidential and not show else v)
        lines = f"line {self.old_line or '-'} → {self.new_line or '-'}"
        if self.status == "moved":
            return f"{self.path}: moved from place {self.old} to {self.new} ({lines})"
        if self.status in ("tagged", "untagged"):
            verb = "tagged !confidential" if self.status == "tagged" else "no longer tagged !confidential"
            return f"{self.path}: {verb} ({lines})"
        return f"{self.path}: {value(self.old)} → {value(self.new)} ({lines})"

    @property
    def places(self) -> tuple[str, ...]:
        """Every path the build may know this fact by (its place in either version)."""
        return tuple(dict.fromkeys(p for p in (self.place, self.old_place) if p))


@functools.lru_cache(maxsize=8)
def load_text(text: str, name: str = "facts.yaml") -> tuple[Any, SourceMap]:
    """Load facts given as text (a version from the history or git) as a build would; each
    version is read once per process (the fact diff and the exhibit labels both need it).
    The result is shared: do not change it."""
    with tempfile.TemporaryDirectory(prefix="filings-facts-") as work:
        path = Path(work) / name
        path.write_text(text, encoding="utf-8")
        data, source = load_yaml(path)
    source.path = Path(name)
    return data, source


@dataclass(frozen=True)
class _Leaf:
    loc: Loc         # the build's path: list items by their index
    value: Any


@functools.lru_cache(maxsize=8)
def load_version(text: str, name: str = "facts.yaml", bases: tuple[tuple[str, str], ...] = ()) -> tuple[Any, SourceMap]:
    """Facts given as text merged over the base files they extend (each by the name the matter
    gives it, ``../campaign.yaml``, with its text), read as a build reads them; each value knows
    its file and line (``../campaign.yaml:12``). Without bases, :func:`load_text`."""
    if not bases:
        return load_text(text, name)
    from filings.facts.extend import MARKER, load_merged
    from filings.paths import is_base_name

    with tempfile.TemporaryDirectory(prefix="filings-facts-") as work:
        top = Path(work)
        ups = max(len(list(itertools.takewhile(lambda part: part == "..", n.split("/")))) for n, _ in bases)
        folder = top.joinpath(*[f"d{i}" for i in range(ups + 1)])  # deep enough for every ../ of a base
        folder.mkdir(parents=True)
        (top / MARKER).write_text("", encoding="utf-8")
        for base, base_text in bases:
            target = Path(os.path.normpath(folder / base))
            if not is_base_name(base) or top not in target.parents:
                raise ValueError(f"{base!r} is not a base file's name")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(base_text, encoding="utf-8")
        (folder / name).write_text(text, encoding="utf-8")
        return load_merged(folder / name)


def fact_changes(old_text: str | None, new_text: str | None, name: str = "facts.yaml", *,
                 old_bases: dict[str, str] | None = None, new_bases: dict[str, str] | None = None) -> list[FactChange]:
    """Every fact that differs between two versions of a facts file (each merged over the base
    files it extends, given by name → text), in the new file's order (then the removed ones in
    the old file's order). A version that is None has no facts."""
    def load(text: str | None, bases: dict[str, str] | None) -> tuple[Any, SourceMap]:
        if text is None:
            return None, SourceMap(Path(name))
        return load_version(text, name, tuple(sorted((bases or {}).items())))
    old, old_map = load(old_text, old_bases)
    new, new_map = load(new_text, new_bases)
    before, after = dict(_leaves(old)), dict(_leaves(new))
    changes = _moves(old, new, old_map, new_map)
    for key, leaf in after.items():
        confidential = _confidential(leaf.loc, new_map)
        was = before.get(key)
        secret = confidential or (was is not None and _confidential(was.loc, old_map))
        common = dict(path=_shown(key), new_line=new_map.line_of(leaf.loc), place=_dotted(leaf.loc),
                      where=new_map.where(leaf.loc), confidential=secret)
        if was is None:
            changes.append(FactChange(status="added", new=_text(leaf.value), **common))
            continue
        common.update(old_line=old_map.line_of(was.loc),
                      old_place=_dotted(was.loc) if was.loc != leaf.loc else "")
        if not _same(was.value, leaf.value):
            changes.append(FactChange(status="changed", old=_text(was.value), new=_text(leaf.value), **common))
        elif confidential != _confidential(was.loc, old_map):
            changes.append(FactChange(status="tagged" if confidential else "untagged", **common))
    for key, leaf in before.items():
        if key not in after:
            changes.append(FactChange(_shown(key), "removed", _text(leaf.value), None, old_map.line_of(leaf.loc),
                                      None, _confidential(leaf.loc, old_map), place=_dotted(leaf.loc),
                                      where=old_map.where(leaf.loc)))
    return changes


def _leaves(data: Any, key: Loc = (), loc: Loc = ()) -> Iterator[tuple[Loc, _Leaf]]:
    """(key, leaf) of every scalar, and of every empty mapping or list. The key names an item
    of a list of mappings with distinct ids by its id (an :class:`_Id`), any other by its index."""
    if isinstance(data, dict) and data:
        for name, value in data.items():
            yield from _leaves(value, key + (name,), loc + (name,))
    elif isinstance(data, list) and data:
        ids = _ids(data)
        for i, value in enumerate(data):
            yield from _leaves(value, key + ((_Id(ids[i]),) if ids else (i,)), loc + (i,))
    elif loc:
        yield key, _Leaf(loc, data)


class _Id(str):
    """An item of a list named by its id in a fact's key."""


def _ids(items: list) -> list[str] | None:
    """The items' ids when every item is a mapping with its own, distinct, text id."""
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    if all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids):
        return ids
    return None


def _moves(old: Any, new: Any, old_map: SourceMap, new_map: SourceMap, loc: Loc = (), key: Loc = ()) -> list[FactChange]:
    """One "moved" change per item of a list with ids that changed its place among the items
    both versions have: the fewest moves (the items outside their longest common order)."""
    found: list[FactChange] = []
    if isinstance(old, dict) and isinstance(new, dict):
        for name in new:
            if name in old:
                found += _moves(old[name], new[name], old_map, new_map, loc + (name,), key + (name,))
    elif isinstance(old, list) and isinstance(new, list):
        old_ids, new_ids = _ids(old), _ids(new)
        if old_ids and new_ids:
            common = set(old_ids) & set(new_ids)
            before = [i for i in old_ids if i in common]
            after = [i for i in new_ids if i in common]
            stay = _longest_common(before, after)
            for ident in after:
                if ident not in stay:
                    i, j = old_ids.index(ident), new_ids.index(ident)
                    found.append(FactChange(_shown(key + (_Id(ident),)), "moved", str(i + 1), str(j + 1),
                                            old_map.line_of(loc + (i,)), new_map.line_of(loc + (j,)),
                                            _confidential(loc + (j,), new_map), place=_dotted(loc + (j,)),
                                            old_place=_dotted(loc + (i,)), where=new_map.where(loc + (j,))))
            for ident in after:
                i, j = old_ids.index(ident), new_ids.index(ident)
                found += _moves(old[i], new[j], old_map, new_map, loc + (j,), key + (_Id(ident),))
        elif not old_ids and not new_ids:
            for i, (a, b) in enumerate(zip(old, new)):
                found += _moves(a, b, old_map, new_map, loc + (i,), key + (i,))
    return found


def _longest_common(a: list[str], b: list[str]) -> set[str]:
    """The items of the longest common subsequence of two orders of the same items."""
    where = {x: i for i, x in enumerate(a)}
    seq = [where[x] for x in b]
    # longest increasing subsequence of seq, by patience sorting
    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(seq)
    import bisect
    for k, v in enumerate(seq):
        i = bisect.bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
            tail_at.append(k)
        else:
            tails[i], tail_at[i] = v, k
        parent[k] = tail_at[i - 1] if i else -1
    keep: set[str] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        keep.add(b[k])
        k = parent[k]
    return keep


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _confidential(loc: Loc, source: SourceMap) -> bool:
    return any(loc[:i] in source.confidential for i in range(1, len(loc) + 1))


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return str(value)


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _shown(key: Loc) -> str:
    """``exhibits[ex-3].title``: an item named by its id in brackets after its list."""
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, _Id) else (f".{part}" if text else str(part))
    return text
