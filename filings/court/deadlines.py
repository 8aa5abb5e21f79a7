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
from filings.facts.kinds import fact_at, kind_of
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
    """The day the claims first accrued and the fact it comes from: ``case.accrued``; else the
    fact the kind of case counts from (a determination's publication, the earliest denial of a
    protest); else, for a kind that names none, the earliest event (a date known only to the
    month or year counts from its first day, the stricter reading)."""
    if facts.case.accrued is not None:
        return facts.case.accrued, "case.accrued"
    kind = kind_of(facts)
    if kind.accrues:
        return _earliest_at(facts, kind.accrues)
    if not facts.events:
        return None
    i = min(range(len(facts.events)), key=lambda i: facts.events[i].date.as_date())
    return facts.events[i].date, f"events.{i}.date"


def _earliest_at(facts: Facts, path: str) -> tuple[LegalDate, str] | None:
    """The earliest date at ``path`` (``protests.denied``: the earliest protest's) and its fact's path."""
    head, _, rest = path.partition(".")
    section = getattr(facts, head, None)
    if isinstance(section, list):
        found = [(fact_at(item, rest), f"{head}.{i}.{rest}") for i, item in enumerate(section)]
        found = [f for f in found if f[0] is not None]
        return min(found, key=lambda f: f[0]) if found else None
    value = fact_at(facts, path)
    return (value, path) if value is not None else None


def limitation(facts: Facts, rules: Rules | None = None) -> Limitation | None:
    """The time bar of the action's jurisdiction, or None when the rules have none for it or the
    facts do not say when the claims accrued."""
    rules = rules or rules_for(facts)
    rule = rules.limitation.get(jurisdiction_key(facts.case.jurisdiction))
    found = accrual(facts)
    if rule is not None and rule.trigger is not None and found is not None and found[1].startswith("events."):
        found = None  # a bar with its own trigger never counts from the first event
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
    late = _late_complaint(matter, rules or rules_for(facts))
    if bar is None or facts.case.filed.as_date() <= bar.last_day:
        return late
    accrued_loc = tuple(int(p) if p.isdigit() else p for p in bar.accrued_fact.split("."))
    where, accrued_line = display_path(matter.source.file_of(accrued_loc)), matter.source.line_of(accrued_loc)
    mark = "" if bar.verified else " (unverified)"
    return [Problem(f"case.filed: the action is late: filed {facts.case.filed.iso()}, but the {bar.period()} of "
                    f"{bar.source}{mark} ran out on {bar.last_day.isoformat()} (counted from "
                    f"{accrual_words(bar.accrued_fact)}, {bar.accrued.iso()}, {bar.accrued_fact} at {where}:"
                    f"{accrued_line}); the papers cannot allege a timely action: correct the dates, or set "
                    "case.accrued to the day the claims accrued", matter.source.file_of(("case", "filed")),
                    matter.source.line_of(("case", "filed")))
            ] + late


def _late_complaint(matter: Matter, rules: Rules) -> list[Problem]:
    """A complaint filed after the period the kind allows after the summons (§ 1581(c): 30 days)."""
    facts = matter.facts
    kind = kind_of(facts)
    period = rules.periods.get(kind.complaint_within or "")
    filed = _complaint_day(facts)
    if period is None or filed is None:
        return []
    last = _counted(facts.case.filed.as_date(), period, rules).day
    if filed[0] <= last:
        return []
    path = tuple(int(p) if p.isdigit() else p for p in filed[1].split("."))
    return [Problem(f"{filed[1]}: the complaint is late: filed {filed[0].isoformat()}, but {period.source} allows "
                    f"{period.days} days after the summons (filed {facts.case.filed.iso()}, case.filed), which ran "
                    f"out on {last.isoformat()}; correct the dates", matter.source.file_of(path), matter.source.line_of(path))]


def _complaint_day(facts: Facts) -> tuple[dt.date, str] | None:
    """The day the complaint is filed and its fact: the filing that holds it, else case.complaint_filed."""
    for i, filing in enumerate(facts.filings):
        if "complaint" in filing.papers:
            return filing.date.as_date(), f"filings.{i}.date"
    if facts.case.complaint_filed is not None:
        return facts.case.complaint_filed.as_date(), "case.complaint_filed"
    return None


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
    """The deadlines that follow from the filings in the facts, in the order they fall due: the
    kind of case's chain (``filings/kinds.yaml``), each a period of the rules counted from the
    filing that holds a paper (the summons: the day it is filed; any other paper: the day its
    filing was served). An answer is due only when a defendant is the United States (or one of
    its agencies or officers); a deadline after a paper the facts do not have (no motion) is
    left out; one after an event the facts do not hold (the response) is listed without a day;
    a period the rules do not have is listed as missing (:func:`missing_periods`)."""
    rules = rules or rules_for(facts)
    out: list[Deadline] = []
    for link in kind_of(facts).deadlines:
        period = rules.periods.get(link.period)
        if period is None or (link.period.startswith("answer") and not _against_united_states(facts)):
            continue
        trigger = None
        if link.after is not None:
            trigger = _trigger(facts, link.after)
            if trigger is None and not _paper_in_facts(facts, link.after):
                continue
        try:
            due = _counted(trigger[0], period, rules) if trigger is not None else None
        except OverflowError:
            raise PastYear9999(trigger[1], f"the {link.what.lower()} due {period.days} days after it") from None
        out.append(Deadline(link.what, link.period, period.days, period.after, trigger[0] if trigger else None,
                            due, period.source, period.verified))
    return sorted(out, key=lambda d: (d.due is None, d.due.day if d.due else dt.date.max))


def missing_periods(facts: Facts, rules: Rules | None = None) -> list[str]:
    """The periods the kind's chain names that the rules do not have."""
    rules = rules or rules_for(facts)
    return [link.period for link in kind_of(facts).deadlines if link.period not in rules.periods]


def _counted(start: dt.date, period, rules: Rules) -> Counted:
    """The last day of ``period`` after ``start``: under Rule 6(a), or a statute's plain days."""
    if period.rule6:
        return count(start, period.days, rules.holidays)
    day = start + dt.timedelta(days=period.days)
    return Counted(day, day, ())


def _trigger(facts: Facts, paper: str) -> tuple[dt.date, str] | None:
    """The day a deadline after ``paper`` runs from, and its fact: the summons's filing day (the
    action's), or the service of the filing holding the paper."""
    if paper == "summons":
        return facts.case.filed.as_date(), "case.filed"
    return _filing_of(facts, paper)


def _paper_in_facts(facts: Facts, paper: str) -> bool:
    return paper == "complaint" or (paper == "motion" and facts.motion is not None)


def _filing_of(facts: Facts, paper: str) -> tuple[dt.date, str] | None:
    """The day the filing holding ``paper`` was served and the fact that says so: its own
    ``service``, else the top-level one; in a kind's own filings (facts that list none), the
    day of the filing, from its fact."""
    for i, filing in enumerate(facts.filings):
        if paper in filing.papers:
            if filing.service is not None:
                return filing.service.date.as_date(), f"filings.{i}.service.date"
            return facts.service.date.as_date(), "service.date"
    kind = kind_of(facts)
    if not facts.filings and kind.filings:
        for filing in kind.filings:
            if paper in filing.papers:
                day = fact_at(facts, filing.date)
                return (day.as_date(), filing.date) if day is not None else None
        return None
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


def accrual_words(fact: str) -> str:
    """What a time bar runs from, in words, by the fact that gives its day."""
    if fact.startswith("determination."):
        return "the determination's publication"
    if fact.startswith("protests."):
        return f"the denial of protest {int(fact.split('.')[1]) + 1}"
    return "the claims accrued"
