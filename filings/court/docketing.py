"""``filings deadlines CAMPAIGN/``: every matter's deadlines as one table and one iCalendar file.

Each matter's deadlines are those ``filings deadlines MATTER`` prints
(:func:`filings.court.deadlines.deadlines`: the kind's chain, counted under Rule 6(a) with
the court's holidays). The table has one row per deadline: the matter (its folder), the
deadline, its day (or what it waits for) and its rule. The iCalendar file (RFC 5545, written
by the ``icalendar`` library) has one all-day VEVENT per deadline that has a day: its UID is
the matter's folder and the deadline's period (``acme.answer@filings``), so importing the
file again updates an event rather than adding a second; its SUMMARY names the matter and the
deadline, its DESCRIPTION the count and the rule. Matters are named by their folders, never
by facts: a value tagged confidential never reaches the file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from filings.court.deadlines import Deadline, deadlines
from filings.errors import FilingsError, display_path

PRODID = "-//filings//CIT deadlines//EN"


@dataclass(frozen=True)
class Row:
    """One deadline of one matter."""

    matter: str        # the matter's folder as shown: acme/
    key: str           # the matter's folder name, for the UID: acme
    deadline: Deadline

    @property
    def when(self) -> str:
        d = self.deadline
        if d.due is None:
            return f"not yet: {d.days} days after {d.after}"
        return d.due.day.isoformat()

    @property
    def rule(self) -> str:
        return self.deadline.source + ("" if self.deadline.verified else " [unverified]")

    def uid(self) -> str:
        return f"{_slug(self.key)}.{_slug(self.deadline.period)}@filings"

    def description(self) -> str:
        d = self.deadline
        counted = f"{d.days} days after {d.after}" + (f", {d.trigger.isoformat()}" if d.trigger else "")
        if d.due is not None and d.due.skipped:
            counted += f"; {d.due.note}"
        return f"{counted}. Rule: {self.rule}. Matter folder: {self.matter}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "matter"


def matter_rows(folder: Path) -> list[Row]:
    """The deadlines of the matter in ``folder`` (a FactsError naming its facts file when they
    cannot be read)."""
    from filings.court.timeline import report
    from filings.facts.load import load_facts

    matter = load_facts(folder / "facts.yaml")
    report(matter.facts, matter=matter)  # a period past the year 9999 is the one-matter command's error
    shown = display_path(folder).rstrip("/") + "/"
    return [Row(shown, folder.resolve().name, d) for d in deadlines(matter.facts)]


def table(rows: list[Row]) -> list[str]:
    """The rows as an aligned table, in the order they fall due (those without a day last)."""
    ordered = sorted(rows, key=lambda r: (r.deadline.due is None,
                                          r.deadline.due.day if r.deadline.due else dt.date.max, r.matter))
    head = ("matter", "deadline", "date", "rule")
    cells = [head] + [(r.matter, r.deadline.what, r.when, r.rule) for r in ordered]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    return ["  ".join(c[i].ljust(widths[i]) for i in range(3)) + "  " + c[3] for c in cells]


def calendar_bytes(rows: list[Row], stamp: dt.datetime | None = None) -> bytes:
    """The iCalendar file: one all-day event per deadline that has a day."""
    import icalendar

    from filings import determinism

    stamp = stamp or determinism.source_date_epoch() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "CIT deadlines")
    for row in rows:
        if row.deadline.due is None:
            continue
        day = row.deadline.due.day
        event = icalendar.Event()
        event.add("uid", row.uid())
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"{row.matter.rstrip('/')}: {row.deadline.what} due")
        event.add("description", row.description())
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def write_calendar(path: Path, rows: list[Row]) -> int:
    """Write the iCalendar file to ``path`` (0600: it names the firm's matters); return the events."""
    from filings.private import private_file

    data = calendar_bytes(rows)
    if path.is_dir():
        raise FilingsError("is a folder; name the iCalendar file to write (--ics FILE.ics)", path=display_path(path))
    if not path.parent.is_dir():
        raise FilingsError("no such folder for the iCalendar file; make it, or name another with --ics",
                           path=display_path(path.parent))
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        private_file(temporary)
        temporary.replace(path)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        raise FilingsError(f"cannot write the iCalendar file: {e.strerror}", path=display_path(path)) from None
    return sum(1 for r in rows if r.deadline.due is not None)
