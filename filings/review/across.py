"""``filings diff A B`` on two matters of a campaign: how one matter's papers differ from another's.

The proof that fifty complaints differ only where they should: the facts of matter A and of
matter B are compared leaf by leaf as a build reads them
(:func:`filings.facts.source.load_yaml`: with the line of every value, and a base's values
when the facts extend one), and the papers of their latest builds are compared as
``filings diff OLD NEW`` compares two build folders (:func:`filings.review.sides.folder_side`,
:func:`filings.review.diff.compare`, :func:`filings.review.diff.write_diff`): a redline
(Word tracked changes and PDF) of each paper that differs, and the summary. A matter whose
facts changed since its last build is compared anyway, with a warning: its papers are its
last build's.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping

from filings.errors import FilingsError, display_path
from filings.review.diff import Diff, compare, named_review, write_diff
from filings.review.factdiff import FactChange, _confidential, _text  # read as the fact diff reads them
from filings.review.sides import Progress, folder_side

FACTS_NAME = "facts.yaml"


def load_facts_data(path: Path):
    """The facts of ``path`` as a build reads them: merged over the bases they extend
    (:mod:`filings.facts.extend`)."""
    from filings.facts.extend import load_merged

    return load_merged(path)


def where(source, loc) -> str:
    """``campaign/acme/facts.yaml:17``: the file (a base's, for a value from a base) and line of ``loc``."""
    return f"{display_path(source.file_of(loc))}:{source.line_of(loc)}"


def _leaves(data: Any, loc: tuple = ()):
    """(location, value) of every scalar, and of every empty mapping or list: list items by place,
    as the build's paths name them (the two matters' lists are the template's, item for item)."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaves(value, loc + (key,))
    elif isinstance(data, list) and data:
        for i, value in enumerate(data):
            yield from _leaves(value, loc + (i,))
    elif loc:
        yield loc, data


def _dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def fact_differences(a: Path, b: Path) -> tuple[list[FactChange], dict[str, tuple[str | None, str | None]]]:
    """Every fact whose value differs between the facts files ``a`` and ``b`` (``old`` is A's,
    ``new`` B's), in B's order, then A's facts that B lacks; and where each is written in A and in B."""
    old, old_map = load_facts_data(a)
    new, new_map = load_facts_data(b)
    before, after = dict(_leaves(old)), dict(_leaves(new))
    places = {_dotted(loc): (where(old_map, loc) if loc in before else None,
                             where(new_map, loc) if loc in after else None) for loc in {*before, *after}}
    changes = []
    for loc, value in after.items():
        confidential = _confidential(loc, old_map) or _confidential(loc, new_map)
        if loc not in before:
            changes.append(FactChange(path=_dotted(loc), status="added", new=_text(value),
                                      new_line=new_map.line_of(loc), confidential=confidential, place=_dotted(loc),
                                      where=where(new_map, loc)))
        elif not (type(before[loc]) is type(value) and before[loc] == value):
            changes.append(FactChange(path=_dotted(loc), status="changed", old=_text(before[loc]), new=_text(value),
                                      old_line=old_map.line_of(loc), new_line=new_map.line_of(loc),
                                      confidential=confidential, place=_dotted(loc), where=where(new_map, loc)))
    for loc, value in before.items():
        if loc not in after:
            changes.append(FactChange(path=_dotted(loc), status="removed", old=_text(value),
                                      old_line=old_map.line_of(loc), confidential=_confidential(loc, old_map),
                                      place=_dotted(loc), where=where(old_map, loc)))
    return changes, {change.path: places[change.path] for change in changes}


def compare_matters(a: Path, b: Path, *, warn: Progress = lambda _: None) -> Diff:
    """The differences between matter ``a`` and matter ``b``: their facts, and their latest
    builds' papers and exhibits."""
    sides = []
    for matter in (a, b):
        if not (matter / FACTS_NAME).is_file():
            raise FilingsError(f"not a matter folder (no {FACTS_NAME})", path=display_path(matter))
        build = matter / "build"
        if not build.is_dir():
            raise FilingsError("the matter has no build to compare; build it first: filings build "
                               f"{display_path(matter)}", path=display_path(matter))
        side = folder_side(build, matter)
        side.label = f"matter {display_path(matter).rstrip('/')}/ (its last build)"
        if _stale(side.manifests().get("", {}), matter):
            warn(f"{display_path(matter / FACTS_NAME)}: changed since the matter's last build; its papers are "
                 f"those of that build: run filings build {display_path(matter)} first to compare the facts now")
        sides.append(side)
    diff = compare(*sides)
    diff.facts, diff.places = fact_differences(a / FACTS_NAME, b / FACTS_NAME)
    diff.facts_known = True
    return diff


def _stale(manifest: dict, matter: Path) -> bool:
    """Whether the facts the matter's last build read (its manifest: the files and their hashes, or
    the facts file's hash) differ from its facts files now. Only the files the facts are read from
    now are hashed, never a path the (untrusted) manifest names."""
    _, source = load_facts_data(matter / FACTS_NAME)
    files = source.all_files() if hasattr(source, "all_files") else [source.path]
    shown = source.shown if hasattr(source, "shown") else (lambda file: file.name)
    now = {(shown(file), hashlib.sha256(file.read_bytes()).hexdigest()) for file in files}
    recorded = manifest.get("facts_files")
    if isinstance(recorded, list):
        return {(r.get("file"), r.get("sha256")) for r in recorded if isinstance(r, dict)} != now
    sha = manifest.get("facts_sha256")
    return isinstance(sha, str) and len(now) == 1 and sha != next(iter(now))[1]


def describe(change: FactChange, places: tuple[str | None, str | None]) -> str:
    """``organizations.plaintiff.name: Acme Inc. → Bolt Inc. (camp/acme/facts.yaml:4 → camp/bolt/facts.yaml:4)``;
    a confidential value is not printed."""
    def value(v: str | None) -> str:
        return "(absent)" if v is None else "(confidential)" if change.confidential else v
    return f"{change.path}: {value(change.old)} → {value(change.new)} ({places[0] or '-'} → {places[1] or '-'})"


def run(a: Path, b: Path, *, out: Path | None = None, converter=None, progress: Progress = lambda _: None,
        warn: Progress = lambda _: None) -> tuple[Diff, Path]:
    """``filings diff A B`` on two matter folders: compare them and write the redlines and the
    summary into ``out`` (default: ``B/reviews/DATE-A-vs-B``, which builds never replace)."""
    if a.resolve() == b.resolve():
        raise FilingsError("the same matter twice; name two matters of the campaign", path=display_path(a))
    diff = compare_matters(a, b, warn=warn)
    where = out if out is not None else named_review(b, a.resolve().name, b.resolve().name, joiner="-vs-")
    write_diff(diff, where, converter, progress=progress, warn=warn, confidential=_confidential_values((a, b)))
    return diff, where


def _confidential_values(matters: Iterable[Path]) -> Mapping[str, Iterable[str]]:
    """The values either matter's facts tag confidential now: a public redline holding one is withheld."""
    from filings.court.confidential import secrets_of
    from filings.facts.load import load_facts

    values: dict[str, list[str]] = {}
    for matter in matters:
        try:
            found = secrets_of(load_facts(matter / FACTS_NAME)).values
        except FilingsError:
            continue
        for key, items in found.items():
            values.setdefault(key, []).extend(items)
    return values
