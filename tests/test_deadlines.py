"""Time under the court's rules: holidays, Rule 6(a) counting, the time bar, `filings deadlines`."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from conftest import EXAMPLE, OTHER, ROOT, line_of
from filings.court.deadlines import count, deadlines, holidays_in, limitation
from filings.errors import FactsError
from filings.facts.load import load_facts
from filings.pipeline.builder import build
from filings.facts.rules import load_rules

D = dt.date
HOLIDAYS = load_rules().holidays


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


# The federal holidays as OPM lists them (observed dates), for a few years.
KNOWN = {
    2021: [D(2021, 1, 1), D(2021, 1, 18), D(2021, 2, 15), D(2021, 5, 31), D(2021, 6, 18), D(2021, 7, 5),
           D(2021, 9, 6), D(2021, 10, 11), D(2021, 11, 11), D(2021, 11, 25), D(2021, 12, 24), D(2021, 12, 31)],
    2023: [D(2023, 1, 2), D(2023, 1, 16), D(2023, 2, 20), D(2023, 5, 29), D(2023, 6, 19), D(2023, 7, 4),
           D(2023, 9, 4), D(2023, 10, 9), D(2023, 11, 10), D(2023, 11, 23), D(2023, 12, 25)],
    2024: [D(2024, 1, 1), D(2024, 1, 15), D(2024, 2, 19), D(2024, 5, 27), D(2024, 6, 19), D(2024, 7, 4),
           D(2024, 9, 2), D(2024, 10, 14), D(2024, 11, 11), D(2024, 11, 28), D(2024, 12, 25)],
    2026: [D(2026, 1, 1), D(2026, 1, 19), D(2026, 2, 16), D(2026, 5, 25), D(2026, 6, 19), D(2026, 7, 3),
           D(2026, 9, 7), D(2026, 10, 12), D(2026, 11, 11), D(2026, 11, 26), D(2026, 12, 25)],
    2027: [D(2027, 1, 1), D(2027, 1, 18), D(2027, 2, 15), D(2027, 5, 31), D(2027, 6, 18), D(2027, 7, 5),
           D(2027, 9, 6), D(2027, 10, 11), D(2027, 11, 11), D(2027, 11, 25), D(2027, 12, 24), D(2027, 12, 31)],
}


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_holidays_match_the_known_observed_dates(year):
    assert list(holidays_in(HOLIDAYS, year)) == KNOWN[year]


def test_holidays_before_they_existed_and_days_the_court_declared():
    assert D(2020, 6, 19) not in holidays_in(HOLIDAYS, 2020)  # Juneteenth from 2021
    assert D(1985, 1, 21) not in holidays_in(HOLIDAYS, 1985)  # King's birthday from 1986
    days = holidays_in(HOLIDAYS, 2025)
    assert days[D(2025, 11, 27)] == "Thanksgiving Day"
    assert D(2025, 11, 28) in days and D(2025, 12, 26) in days  # declared by the Court


@pytest.mark.parametrize("start, days, due", [
    (D(2024, 7, 10), 21, D(2024, 7, 31)),  # a Wednesday: as counted
    (D(2024, 7, 1), 5, D(2024, 7, 8)),  # Saturday July 6 → Monday
    (D(2024, 6, 13), 21, D(2024, 7, 5)),  # July 4, 2024 (Thursday) → Friday
    (D(2026, 6, 13), 21, D(2026, 7, 6)),  # Saturday July 4, 2026 → past Sunday → Monday
    (D(2026, 6, 12), 21, D(2026, 7, 6)),  # Friday July 3, 2026, Independence Day observed → Monday
    (D(2024, 11, 7), 21, D(2024, 11, 29)),  # Thanksgiving 2024 → Friday
    (D(2025, 11, 6), 21, D(2025, 12, 1)),  # Thanksgiving 2025, the declared Friday, the weekend → Monday
    (D(2023, 12, 23), 21, D(2024, 1, 16)),  # Saturday Jan 13 → Sunday → Monday King's birthday → Tuesday
    (D(2024, 8, 2), 30, D(2024, 9, 3)),  # Sunday Sept 1 → Labor Day → Tuesday
])
def test_rule_6_counting(start, days, due):
    counted = count(start, days, HOLIDAYS)
    assert counted.day == due
    assert counted.nominal == start + dt.timedelta(days=days)
    assert bool(counted.skipped) == (due != counted.nominal)


def test_a_carried_deadline_says_why():
    counted = count(D(2023, 12, 23), 21, HOLIDAYS)
    assert counted.note == ("carried over from Saturday, January 13, 2024 (Saturday, Sunday, Birthday of "
                            "Martin Luther King, Jr.)")


def test_the_example_deadlines():
    facts = load_facts(EXAMPLE).facts
    found = {d.period: d for d in deadlines(facts)}
    assert found["answer"].trigger == D(2024, 6, 3) and found["answer"].due.day == D(2024, 8, 2)
    assert not found["answer"].verified
    assert found["response"].trigger == D(2024, 7, 10) and found["response"].due.day == D(2024, 7, 31)
    assert found["reply"].due is None
    bar = limitation(facts)
    assert (bar.accrued.iso(), bar.accrued_fact, bar.last_day) == ("2023-07", "events.0.date", D(2025, 7, 1))


def test_deadlines_command_counts_past_a_holiday(facts_copy):
    # the motion served on June 13, 2024: 21 days is July 4, so the response is due Friday July 5
    path = facts_copy(("service:\n  date: 2024-07-10", "service:\n  date: 2024-06-13"))
    proc = run("deadlines", "--facts", str(path))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    response = next(line for line in lines if line.startswith("Response to the motion"))
    assert response == ("Response to the motion: 2024-07-05 (Friday): 21 days after service of the motion, "
                        "2024-06-13; carried over from Thursday, July 4, 2024 (Independence Day) — USCIT Rule 7")
    answer = next(line for line in lines if line.startswith("Answer"))
    assert answer.startswith("Answer: 2024-08-02 (Friday): 60 days after service of the summons and complaint, "
                             "2024-06-03")
    assert answer.endswith("[unverified]")
    assert any(line.startswith("Reply in support of the motion: 14 days after service of the response")
               for line in lines)
    assert any(line.startswith("Time bar: 2025-07-01 (Tuesday):") for line in lines)


def test_a_matter_changes_a_period_and_adds_a_closed_day(facts_copy):
    path = facts_copy(("bundle:\n", "settings:\n  rules:\n    periods: {response: {days: 14, verified: false}}\n"
                                    "    holidays: {extra: [{date: 2024-07-24, name: Court closed by order}]}\n"
                                    "bundle:\n"))
    facts = load_facts(path).facts
    response = next(d for d in deadlines(facts) if d.period == "response")
    assert response.due.day == D(2024, 7, 25) and response.due.skipped == ("Court closed by order",)
    assert not response.verified


def test_a_bad_rules_override_names_its_line(facts_copy):
    path = facts_copy(("bundle:\n", "settings:\n  rules:\n    periods:\n      respnse: {days: 14}\n"
                                    "    holidays: {extra: [{date: 2024-02-30}]}\nbundle:\n"))
    with pytest.raises(FactsError) as info:
        load_facts(path)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith(f"{path}:{line_of(path, 'respnse')}: settings.rules.periods.respnse.") for m in messages)
    assert any(m.startswith(f"{path}:{line_of(path, '2024-02-30')}: settings.rules.holidays.extra.0.date")
               for m in messages)


def test_a_late_complaint_fails_check_and_build_with_the_dates(facts_copy, tmp_path):
    path = facts_copy(("  filed: 2024-06-03", "  filed: 2026-06-03"), ("    date: 2024-06-03", "    date: 2026-06-03"))
    expected = (f"{path}:{line_of(path, 'filed: 2026-06-03')}: case.filed: the action is late: filed 2026-06-03, "
                "but the 2 years of 28 U.S.C. § 2636(i) ran out on 2025-07-01 (counted from the claims accrued, 2023-07, "
                f"events.0.date at {path}:{line_of(path, 'date: 2023-07')}); the papers cannot allege a timely "
                "action: correct the dates, or set case.accrued to the day the claims accrued")
    proc = run("check", "--facts", str(path))
    assert (proc.returncode, proc.stderr.strip()) == (1, expected)
    with pytest.raises(FactsError) as info:
        build(path, tmp_path / "out")
    assert [str(p) for p in info.value.problems] == [expected]
    assert not (tmp_path / "out").exists()


def test_an_explicit_accrual_date_decides(facts_copy):
    # the claims accrued on the suspension (May 17, 2024): filed June 3, 2026 is still late by two weeks
    path = facts_copy(("  filed: 2024-06-03", "  filed: 2026-06-03\n  accrued: 2024-06-10"),
                      ("    date: 2024-06-03", "    date: 2026-06-03"))
    assert limitation(load_facts(path).facts).last_day == D(2026, 6, 10)
    assert run("check", "--facts", str(path)).returncode == 0
    path = facts_copy(("  filed: 2024-06-03", "  filed: 2026-06-03\n  accrued: 2024-05-17"),
                      ("    date: 2024-06-03", "    date: 2026-06-03"))
    proc = run("check", "--facts", str(path))
    assert proc.returncode == 1 and "ran out on 2026-05-17 (counted from the claims accrued, 2024-05-17, case.accrued" in proc.stderr


def test_the_example_and_the_other_matter_are_timely():
    for facts in (EXAMPLE, OTHER):
        proc = run("deadlines", "--facts", str(facts))
        assert proc.returncode == 0 and "filed in time" in proc.stdout, proc.stderr


def test_a_complaint_without_a_known_time_bar_alleges_no_period(facts_copy, tmp_path):
    """A jurisdiction whose limitation the rules do not give (here § 1581(b), a kind of the matter's
    own that uses the shipped complaint): the complaint states when the action was commenced and
    claims no period the facts cannot support."""
    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline.pdf import extract_text

    facts = facts_copy(("  jurisdiction: 1581(i)", "  jurisdiction: 1581(b)"), ('grounds: ["706(2)(B)"]', "grounds: []"),
                       ("bundle:\n", "settings:\n  kinds:\n    classification:\n      title: Domestic interested party "
                                     "action\n      jurisdiction: 1581(b)\n      papers: [summons, complaint, "
                                     "information-statement, disclosure-statement, motion, tro-order, proposed-order, declaration, "
                                     "certificate-of-service]\nbundle:\n"))
    out = tmp_path / "build"
    build(facts, out, only="complaint", converter=LibreOffice())
    text = " ".join(extract_text(out / "complaint.pdf").split())
    assert "less than two years" not in text
    assert "commenced this action on June 3, 2024." in text.replace("\u00a0", " ")


@pytest.mark.parametrize("old, new, fact, what", [
    ("      date: 2024-06-03\n      method", "      date: 9999-12-30\n      method", "filings.0.service.date",
     "the answer due 60 days after it"),
    ("  filed: 2024-06-03\n", "  filed: 2024-06-03\n  accrued: 9998-06-01\n", "case.accrued",
     "the time bar counted from it"),
])
def test_a_deadline_past_the_year_9999_is_one_line_naming_the_fact(facts_copy, old, new, fact, what):
    """A date near the end of the calendar (a typo of 2024): the period counted from it runs past
    December 31, 9999, which Python's dates cannot hold."""
    path = facts_copy((old, new))
    proc = run("deadlines", "--facts", str(path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stdout == ""
    line = line_of(path, "9999-12-30" if "9999" in new else "9998-06-01")
    assert proc.stderr.strip().splitlines() == [
        f"{path}:{line}: {fact}: {what} would fall after the year 9999; correct the date"]


def test_a_day_in_the_year_9999_is_counted():
    """The holidays of 9999 need none of the year 10000's."""
    assert count(D(9999, 6, 1), 60, HOLIDAYS).day == D(9999, 8, 2)
