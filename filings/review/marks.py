"""Review marks: a name on a recorded build (``filings review mark``), and which recorded build
``filings diff --since`` means.

A mark is a name (``reviewed`` unless told) on a record of the matter's history
(:mod:`filings.pipeline.history`, ``marks.json``); the record it names is never pruned. Marking
again moves the name to the current build. ``--since`` takes a mark, a build's number (``12``
or ``r12``, as ``filings review list`` shows them) or a date (``2026-12-01``: the last build
recorded on or before that day, UTC).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from filings.errors import FilingsError, display_path
from filings.pipeline.history import History, Record

DEFAULT_MARK = "reviewed"
_NUMBER = re.compile(r"[rR#]?(\d{1,9})")


def _records(history: History, out_dir: Path) -> list[Record]:
    records = history.records(out_dir)
    if not records:
        raise FilingsError(f"the matter's history holds no build into {display_path(out_dir)}; build first "
                           "(filings build), with settings.history above 0", path=display_path(history.root))
    return records


def current(history: History, out_dir: Path) -> Record:
    """The latest recorded build into ``out_dir``: the one published there, when its manifest is the
    record's (a build with ``settings.history: 0`` is not recorded)."""
    latest = _records(history, out_dir)[-1]
    manifest = Path(out_dir) / ".filings" / "manifest.json"
    try:
        published = hashlib.sha256(manifest.read_bytes()).hexdigest()
    except OSError:
        published = None
    if published is not None and latest.files.get(".filings/manifest.json") not in (None, published):
        raise FilingsError(f"the build in {display_path(out_dir)} is not in the matter's history (the latest "
                           f"recorded is build #{latest.number}); build again with settings.history above 0",
                           path=display_path(history.root))
    return latest


def mark(matter_root: Path, out_dir: Path, name: str = DEFAULT_MARK,
         warn=lambda _: None) -> Record:
    """Mark the current build with ``name``; return its record."""
    history = History(matter_root, warn)
    record = current(history, out_dir)
    history.set_mark(name, record)
    return record


def resolve(history: History, out_dir: Path, since: str) -> Record:
    """The recorded build into ``out_dir`` that ``since`` names (a mark, a number, a date)."""
    records = _records(history, out_dir)
    by_number = {r.number: r for r in records}
    marks = history.marks()
    where = display_path(history.root)
    if since in marks:
        if marks[since] not in by_number:
            raise FilingsError(f"the mark '{since}' names build #{marks[since]}, which the history no longer holds "
                               f"for {display_path(out_dir)}; filings review list shows the builds", path=where)
        return by_number[marks[since]]
    number = _NUMBER.fullmatch(since.strip())
    if number:
        n = int(number.group(1))
        if n not in by_number:
            raise FilingsError(f"--since {since}: the history holds no build #{n} into {display_path(out_dir)} "
                               f"(it holds {_span(records)}); filings review list shows them", path=where)
        return by_number[n]
    try:
        day = dt.date.fromisoformat(since.strip())
    except ValueError:
        names = ", ".join(sorted(marks)) or "none yet"
        raise FilingsError(f"--since {since}: not a mark (marks: {names}), a build number or a date "
                           "(2026-12-01); filings review list shows the builds and their marks") from None
    on_or_before = [r for r in records if r.recorded[:10] <= day.isoformat()]
    if not on_or_before:
        raise FilingsError(f"--since {since}: no build recorded on or before that day (the first is build "
                           f"#{records[0].number}, {records[0].recorded})", path=where)
    return on_or_before[-1]


def _span(records: list[Record]) -> str:
    numbers = [r.number for r in records]
    return ", ".join(f"#{n}" for n in numbers) if len(numbers) <= 6 else f"#{numbers[0]} to #{numbers[-1]}"


def builds(matter_root: Path, out_dir: Path, warn=lambda _: None) -> list[tuple[Record, tuple[str, ...]]]:
    """Every recorded build into ``out_dir``, oldest first, with its marks (for ``filings review
    list`` and the review page)."""
    history = History(matter_root, warn)
    marks: dict[int, list[str]] = {}
    for name, number in sorted(history.marks().items()):
        marks.setdefault(number, []).append(name)
    return [(r, tuple(marks.get(r.number, ()))) for r in history.records(out_dir)]


def listing(matter_root: Path, out_dir: Path, warn=lambda _: None) -> list[str]:
    """One line per recorded build into ``out_dir``, newest last: number, time, build date,
    its marks, whether it is a draft and the current build."""
    found = builds(matter_root, out_dir, warn)
    lines = []
    for n, (r, names) in enumerate(found, 1):
        tags = [*names, *(["draft"] if r.draft else []), *(["current"] if n == len(found) else [])]
        papers = sum(1 for rel in r.files if rel.endswith(".docx"))
        lines.append(f"r{r.number}  {r.recorded}  dated {r.build_date}  {papers} papers"
                     + (f"  [{', '.join(tags)}]" if tags else ""))
    return lines
