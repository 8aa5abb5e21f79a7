"""Dates as lawyers write them: a day, a month or a year, from ISO text."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SHORT_MONTHS = ["", "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.",
                 "Oct.", "Nov.", "Dec."]


@total_ordering
@dataclass(frozen=True)
class LegalDate:
    """A date known to the day, the month or the year; prints as ``May 20, 2024``."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> "LegalDate":
        """Parse ``2024-05-20``, ``2023-07`` or ``2019``; raise ValueError with a fix otherwise."""
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        m = _ISO.match(str(value).strip())
        if not m or isinstance(value, bool):
            raise ValueError(f"not a valid date: {value!r}; write YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            if day is not None:
                dt.date(year, month, day)
            elif month is not None and not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            raise ValueError(f"not a valid date: {value!r}; no such day in the calendar") from None
        return cls(year, month, day)

    @property
    def is_day(self) -> bool:
        """True when the date is known to the day."""
        return self.day is not None

    def as_date(self) -> dt.date:
        """The first day the date can mean (``2023-07`` → July 1, 2023)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def _key(self) -> tuple:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: "LegalDate") -> bool:
        return self._key() < other._key()

    def iso(self) -> str:
        """The ISO text the date was written as."""
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def long(self) -> str:
        """``May 20, 2024``, ``July 2023`` or ``2019``."""
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        return f"{month} {self.day}, {self.year}" if self.day else f"{month} {self.year}"

    def short(self) -> str:
        """Citation style, ``Aug. 13, 2019``."""
        if self.month is None:
            return str(self.year)
        month = _SHORT_MONTHS[self.month]
        return f"{month} {self.day}, {self.year}" if self.day else f"{month} {self.year}"

    def days_until(self, other: "LegalDate") -> int:
        """Whole days from this date to ``other``."""
        return (other.as_date() - self.as_date()).days

    __str__ = long


def parse_time(value: object) -> dt.time:
    """Parse ``14:30`` (24-hour clock); raise ValueError with a fix otherwise."""
    m = re.match(r"^(\d{1,2}):(\d{2})$", str(value).strip())
    try:
        if not m:
            raise ValueError
        return dt.time(int(m.group(1)), int(m.group(2)))
    except ValueError:
        raise ValueError(f"not a valid time: {value!r}; write HH:MM on a 24-hour clock") from None


def legal_time(value: dt.time) -> str:
    """``14:30`` → ``2:30 p.m.``"""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'a.m.' if value.hour < 12 else 'p.m.'}"
