"""What changed in the facts file between two versions: each fact by its path, with its lines.

Both versions are read the way a build reads them (:func:`filings.facts.source.load_yaml`:
safe, bounded, with the line of every value), then flattened to their leaves
(``events.2.date``, the paths the manifest's ``facts_read`` and the templates use). A leaf
present in one version only is added or removed; one whose value differs is changed. Each
change carries the line of the value in the old and in the new file, and whether either
version marks it ``!confidential`` (the summary then says so instead of printing it).
"""
from __future__ import annotations

import datetime as dt
import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filings.facts.source import SourceMap, load_yaml

Loc = tuple


@dataclass(frozen=True)
class FactChange:
    """One fact added, removed or changed."""

    path: str
    status: str               # "added", "removed" or "changed"
    old: str | None = None    # the value as text (None: absent)
    new: str | None = None
    old_line: int | None = None
    new_line: int | None = None
    confidential: bool = False

    def describe(self, show: bool = True) -> str:
        """``events.2.date: 2024-05-17 → 2024-05-16 (line 143 → 143)``."""
        def value(v: str | None) -> str:
            return "(absent)" if v is None else ("(confidential)" if self.confidential and not show else v)
        lines = f"line {self.old_line or '-'} → {self.new_line or '-'}"
        return f"{self.path}: {value(self.old)} → {value(self.new)} ({lines})"


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


def fact_changes(old_text: str | None, new_text: str | None, name: str = "facts.yaml") -> list[FactChange]:
    """Every fact that differs between two versions of a facts file, in the new file's order
    (then the removed ones in the old file's order). A version that is None has no facts."""
    old, old_map = load_text(old_text, name) if old_text is not None else (None, SourceMap(Path(name)))
    new, new_map = load_text(new_text, name) if new_text is not None else (None, SourceMap(Path(name)))
    before, after = dict(_leaves(old)), dict(_leaves(new))
    changes = []
    for loc, value in after.items():
        confidential = _confidential(loc, old_map) or _confidential(loc, new_map)
        if loc not in before:
            changes.append(FactChange(_dotted(loc), "added", None, _text(value), None, new_map.line_of(loc),
                                      confidential))
        elif not _same(before[loc], value):
            changes.append(FactChange(_dotted(loc), "changed", _text(before[loc]), _text(value),
                                      old_map.line_of(loc), new_map.line_of(loc), confidential))
    for loc, value in before.items():
        if loc not in after:
            changes.append(FactChange(_dotted(loc), "removed", _text(value), None, old_map.line_of(loc), None,
                                      _confidential(loc, old_map)))
    return changes


def _leaves(data: Any, loc: Loc = ()):
    """(location, value) of every scalar, and of every empty mapping or list."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaves(value, loc + (key,))
    elif isinstance(data, list) and data:
        for i, value in enumerate(data):
            yield from _leaves(value, loc + (i,))
    elif loc:
        yield loc, data


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
