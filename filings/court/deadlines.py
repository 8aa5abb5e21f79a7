"""Time under the court's rules: holidays, Rule 6(a) counting, the limitation period, deadlines.

Everything here is computed from the facts and the rules file (:mod:`filings.facts.rules`), never
from constants: the periods, the holidays and the time bar are entries a matter can change.

- :func:`holidays_in` gives the court's legal holidays of a year: the fixed-date holidays
  as observed (a Saturday's on the Friday before, a Sunday's on the Monday after), the
  nth-weekday holidays, and the days the court declared or was closed.
- :func:`count` counts a period the way USCIT Rule 6(a)(1) does: exclude the day of the
  event, count every day, and when the last day is a Saturday, Sunday or legal holiday,
  continue to the next day that is none of these.
- :func:`limitation` finds when the claims accrued and when the time bar ran out;
  :func:`limitation_problems` fails a matter whose filing date is after it.
- :func:`deadlines` lists what follows from the filings in the facts: the answer, the
  response to a motion and the reply.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from filings.facts.dates import LegalDate
from filings.errors import FactsError, Problem, display_path
from filings.facts.rules import WEEKDAYS, Holidays, Rules, jurisdiction_key, rules_for

if TYPE_CHECKING:
    from filings.facts.schema import Facts, Matter


# --------------------------------------------------------------------------- holidays

def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The ``nth`` ``weekday`` (0 = Monday) of a month; ``nth`` -1 is the last."""
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if dt.date(year, month, d).weekday() == weekday]
    return dt.date(year, month, days[nth - 1 if nth > 0 else nth])


def _holidays_of(rules: Holidays, year: int) -> dict[dt.date, str]:
    """The holidays whose (unobserved) date falls in ``year``, on the day they are observed."""
    days: dict[dt.date, str] = {}
    for h in rules.fixed:
        if h.since is not None and year < h.since:
            continue
        try:
            day = dt.date(year, h.month, h.day)
        except ValueError:
            continue
        shift = {5: rules.observed.saturday, 6: rules.observed.sunday}.get(day.weekday(), 0)
        observed = day + dt.timedelta(days=shift)
        days[observed] = h.name + (" (observed)" if shift else "")
    for h in rules.weekday:
        if h.since is None or year >= h.since:
            days[_nth_weekday(year, h.month, WEEKDAYS.index(h.weekday), h.nth)] = h.name
    return days


def _year(rules: Holidays, year: int) -> dict[dt.date, str]:
    days = {}
    for y in (year - 1, year, year + 1):  # New Year's Day of the next year may be observed on Dec 31
        if not dt.MINYEAR <= y <= dt.MAXYEAR:
            continue  # the year before 1 or after 9999 has no dates to observe
        days.update({d: n for d, n in _holidays_of(rules, y).items() if d.year == year})
    for closed in [*rules.closed, *rules.extra]:
        if closed.date.year == year:
            days[closed.date] = closed.name
    return days


def holidays_in(rules: Holidays, year: int) -> dict[dt.date, str]:
    """The court's legal holidays of ``year``, each on the day it is observed, with its name."""
    return dict(sorted(_year(rules, year).items()))


def closed_reason(rules: Holidays, day: dt.date) -> str | None:
    """Why the court is closed on ``day`` (``Saturday``, ``Independence Day``), or None."""
    if day.weekday() >= 5:
        return calendar.day_name[day.weekday()]
    return _year(rules, day.year).get(day)


@dataclass(frozen=True)
class Counted:
    """The last day of a period, and the days it was carried past (weekend, holidays)."""

    day: dt.date
    nominal: dt.date  # the last day before Rule 6(a)(1)(C) carried it on
    skipped: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """``carried over from Saturday, July 4, 2026 (Saturday, Sunday, Independence Day (observed))``,
        or ``""`` when the period's last day is a court day."""
        if not self.skipped:
            return ""
        return (f"carried over from {calendar.day_name[self.nominal.weekday()]}, "
                f"{LegalDate.parse(self.nominal).long()} ({', '.join(self.skipped)})")


def count(start: dt.date, days: int, rules: Holidays) -> Counted:
    """The last day of a period of ``days`` days after ``start`` (USCIT Rule 6(a)(1)); OverflowError
    when it falls after December 31, 9999."""
    nominal = day = start + dt.timedelta(days=days)
    skipped = []
    while (reason := closed_reason(rules, day)) is not None:
        skipped.append(reason)
        day += dt.timedelta(days=1)
    return Counted(day, nominal, tuple(skipped))


class PastYear9999(FactsError):
    """A period counted from a fact's date ends after December 31, 9999: a typo in the date."""

    def __init__(self, fact: str, what: str):
        self.fact, self.what = fact, what
        super().__init__(f"{fact}: {what} would fall after the year 9999; correct the date")

    def located(self, matter: Matter | None) -> FactsError:
        """The same error with the facts file and line of the fact, when ``matter`` is known."""
        where = matter.locate_fact(self.fact) if matter is not None else None
        return FactsError(f"{where}: {self}") if where else self


# --------------------------------------------------------------------------- the limitation period

@dataclass(frozen=True)
class Limitation:
    """When the claims accrued (and which fact says so), and the last day to commence the action."""

    accrued: LegalDate
    accrued_fact: str  # "case.accrued" or "events.0.date"
    last_day: dt.date
    source: str
    verified: bool
    years: int | None
    days: int | None

    def period(self) -> str:
        if self.years is not None:
            return f"{self.years} year{'s' if self.years != 1 else ''}"
        return f"{self.days} days"


def accrual(facts: Facts) -> tuple[LegalDate, str] | None:
    """The day the claims first accrued and the fact it comes from: ``case.accrued``, else the
    earliest event (a date known only to the month or year counts from its first day, the
    stricter reading)."""
    if facts.case.accrued is not None:
        return facts.case.accrued, "case.accrued"
    if not facts.events:
        return None
    i = min(range(len(facts.events)), key=lambda i: facts.events[i].date.as_date())
    return facts.events[i].date, f"events.{i}.date"


def limitation(facts: Facts, rules: Rules | None = None) -> Limitation | None:
    """The time bar of the action's jurisdiction, or None when the rules have none for it or the
    facts do not say when the claims accrued."""
    rules = rules or rules_for(facts)
    rule = rules.limitation.get(jurisdiction_key(facts.case.jurisdiction))
    found = accrual(facts) if rule is None or rule.trigger is None else \
        ((facts.case.accrued, "case.accrued") if facts.case.accrued is not None else None)
    if rule is None or found is None or (rule.years is None and rule.days is None):
        return None
    accrued, fact = found
    start = accrued.as_date()
    try:
        if rule.years is not None:
            year = start.year + rule.years
            last = dt.date(year, start.month, min(start.day, calendar.monthrange(year, start.month)[1]))
        else:
            last = start + dt.timedelta(days=rule.days)
        if rule.rule6:
            last = count(last, 0, rules.holidays).day
    except (OverflowError, ValueError):  # a year past 9999
        raise PastYear9999(fact, "the time bar counted from it") from None
    return Limitation(accrued, fact, last, rule.source, rule.verified, rule.years, rule.days)


def limitation_problems(matter: Matter, rules: Rules | None = None) -> list[Problem]:
    """A matter whose filing date is after its time bar: one problem naming both dates and lines.

    The complaint must not allege a timely action that its own facts show to be late."""
    facts = matter.facts
    try:
        bar = limitation(facts, rules)
    except PastYear9999 as e:
        raise e.located(matter) from None
    if bar is None or facts.case.filed.as_date() <= bar.last_day:
        return []
    where = display_path(matter.path)
    accrued_line = matter.source.line_of(tuple(int(p) if p.isdigit() else p for p in bar.accrued_fact.split(".")))
    mark = "" if bar.verified else " (unverified)"
    return [Problem(f"case.filed: the action is late: filed {facts.case.filed.iso()}, but the {bar.period()} of "
                    f"{bar.source}{mark} ran out on {bar.last_day.isoformat()} (the claims accrued "
                    f"{bar.accrued.iso()}, {bar.accrued_fact} at {where}:{accrued_line}); the complaint cannot "
                    "allege a timely action: correct the dates, or set case.accrued to the day the claims "
                    "accrued", matter.path, matter.source.line_of(("case", "filed")))]


# --------------------------------------------------------------------------- deadlines

@dataclass(frozen=True)
class Deadline:
    """One deadline that follows from the facts."""

    what: str  # "Answer"
    period: str  # the rules' key: "answer"
    days: int
    after: str  # what it runs from, in words
    trigger: dt.date | None  # None: the event is not in the facts yet
    due: Counted | None
    source: str
    verified: bool


def deadlines(facts: Facts, rules: Rules | None = None) -> list[Deadline]:
    """The deadlines that follow from the filings in the facts, in the order they fall due.

    - the **answer**, when a complaint is filed and a defendant is the United States (or one of
      its agencies or officers): from the service of the complaint's filing (its ``service``,
      else the day it was filed);
    - the **response** to each motion, from its service; the **reply**, from the service of
      the response, which the facts do not hold: it is listed without a date.
    """
    rules = rules or rules_for(facts)
    out: list[Deadline] = []

    def add(what: str, key: str, trigger: tuple[dt.date, str] | None) -> None:
        period = rules.periods.get(key)
        if period is None:
            return
        try:
            due = count(trigger[0], period.days, rules.holidays) if trigger is not None else None
        except OverflowError:
            raise PastYear9999(trigger[1], f"the {what.lower()} due {period.days} days after it") from None
        day = trigger[0] if trigger is not None else None
        out.append(Deadline(what, key, period.days, period.after, day, due, period.source, period.verified))

    if _against_united_states(facts):
        add("Answer", "answer", _filing_of(facts, "complaint") or (facts.case.filed.as_date(), "case.filed"))
    if facts.motion is not None:
        add("Response to the motion", "response",
            _filing_of(facts, "motion") or (facts.motion.filed.as_date(), "motion.filed"))
        add("Reply in support of the motion", "reply", None)
    return sorted(out, key=lambda d: (d.due is None, d.due.day if d.due else dt.date.max))


def _filing_of(facts: Facts, paper: str) -> tuple[dt.date, str] | None:
    """The day the filing holding ``paper`` was served and the fact that says so: its own
    ``service``, else the top-level one."""
    for i, filing in enumerate(facts.filings):
        if paper in filing.papers:
            if filing.service is not None:
                return filing.service.date.as_date(), f"filings.{i}.service.date"
            return facts.service.date.as_date(), "service.date"
    if not facts.filings and (paper != "motion" or facts.motion is not None):
        return facts.service.date.as_date(), "service.date"  # one filing of every paper
    return None


def _against_united_states(facts: Facts) -> bool:
    """True when a defendant is the United States, one of its agencies or an officer sued as such."""
    for d in facts.case.defendants:
        org = facts.organizations.get(d)
        if org is not None and org.kind in ("sovereign", "agency"):
            return True
        person = facts.people.get(d)
        if person is not None and person.capacity == "official":
            return True
    return False


def report(facts: Facts, rules: Rules | None = None, matter: Matter | None = None) -> list[str]:
    """``filings deadlines``: one line per deadline, with its rule and a mark when unverified. A
    period that ends after the year 9999 is a FactsError naming the date's fact (and its line in
    ``matter``'s facts file, when given)."""
    try:
        return _report(facts, rules or rules_for(facts))
    except PastYear9999 as e:
        raise e.located(matter) from None


def _report(facts: Facts, rules: Rules) -> list[str]:
    """The lines of :func:`report`."""
    lines = []
    for d in deadlines(facts, rules):
        mark = "" if d.verified else " [unverified]"
        if d.due is None:
            when = f"{d.days} days after {d.after} (not in the facts yet)"
        else:
            when = (f"{d.due.day.isoformat()} ({calendar.day_name[d.due.day.weekday()]}): {d.days} days after "
                    f"{d.after}, {d.trigger.isoformat()}")
            if d.due.skipped:
                when += f"; {d.due.note}"
        lines.append(f"{d.what}: {when} — {d.source}{mark}")
    bar = limitation(facts, rules)
    if bar is not None:
        mark = "" if bar.verified else " [unverified]"
        state = "filed in time" if facts.case.filed.as_date() <= bar.last_day else "LATE"
        lines.append(f"Time bar: {bar.last_day.isoformat()}: {bar.period()} after the claims accrued "
                     f"({bar.accrued.iso()}, {bar.accrued_fact}); the action was filed {facts.case.filed.iso()}, "
                     f"{state} — {bar.source}{mark}")
    else:
        lines.append(f"Time bar: not checked: {no_bar_reason(facts, rules)}")
    return lines


def no_bar_reason(facts: Facts, rules: Rules) -> str:
    """Why no time bar is computed for ``facts``, in words saying what to do."""
    key = jurisdiction_key(facts.case.jurisdiction)
    rule = rules.limitation.get(key)
    if rule is None:
        known = ", ".join(sorted(rules.limitation)) or "none"
        return (f"the rules have no time bar for 28 U.S.C. § {key} (they have: {known}); add one under "
                "settings.rules.limitation in the facts")
    if rule.trigger is not None:
        return (f"{rule.source} runs from {rule.trigger}; set case.accrued to that day")
    return "the facts do not say when the claims accrued; set case.accrued, or list the events"
