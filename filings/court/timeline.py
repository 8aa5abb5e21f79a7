"""``filings deadlines``: the kind of case, its deadlines and its time bar, one line each, in words.

Each line names its rule's source and marks a rule that could not be verified; a period the
kind's chain names that the rules lack, and a time bar that cannot be computed, are said
plainly rather than left out.
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from filings.court.deadlines import PastYear9999, accrual_words, deadlines, limitation, missing_periods
from filings.facts.kinds import kind_of
from filings.facts.rules import Rules, jurisdiction_key, rules_for

if TYPE_CHECKING:
    from filings.facts.schema import Facts, Matter


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
    kind = kind_of(facts)
    lines = [f"Kind of case: {kind.name}, {kind.title} (28 U.S.C. § {kind.jurisdiction})"]
    lines += [f"{link.what}: not computed: the rules have no period '{link.period}'; add it under "
              "settings.rules.periods in the facts" for link in kind.deadlines if link.period in missing_periods(facts, rules)]
    for d in deadlines(facts, rules):
        mark = "" if d.verified else " [unverified]"
        if d.due is None:
            when = f"{d.days} days after {d.after} (not in the facts yet)"
        else:
            when = (f"{d.due.day.isoformat()} ({calendar.day_name[d.due.day.weekday()]}): {d.days} days after "
                    f"{d.after}, {d.trigger.isoformat()}")
            if d.due.skipped:
                when += f"; {d.due.note}"
            elif d.due.day.weekday() >= 5:  # a statute's period is not moved: say so, and the court day before
                before = d.due.day - dt.timedelta(days=d.due.day.weekday() - 4)
                when += (f"; a {calendar.day_name[d.due.day.weekday()]}: a statute's period is not assumed to run on "
                         f"to the next court day, so file by {calendar.day_name[before.weekday()]}, "
                         f"{before.isoformat()}, unless the Court's rule is confirmed")
        lines.append(f"{d.what}: {when} — {d.source}{mark}")
    bar = limitation(facts, rules)
    if bar is not None:
        mark = "" if bar.verified else " [unverified]"
        state = "filed in time" if facts.case.filed.as_date() <= bar.last_day else "LATE"
        weekend = "; not moved to the next court day" if bar.last_day.weekday() >= 5 else ""
        lines.append(f"Time bar: {bar.last_day.isoformat()} ({calendar.day_name[bar.last_day.weekday()]}{weekend}): "
                     f"{bar.period()} after {accrual_words(bar.accrued_fact)} "
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
