import datetime as dt

import pytest

from filings.facts.dates import LegalDate, legal_time, parse_time


@pytest.mark.parametrize("text, long, short", [
    ("2024-05-20", "May 20, 2024", "May 20, 2024"),
    ("2019-08-13", "August 13, 2019", "Aug. 13, 2019"),
    ("2023-07", "July 2023", "July 2023"),
    ("2019", "2019", "2019"),
])
def test_dates_print_in_legal_style(text, long, short):
    date = LegalDate.parse(text)
    assert (str(date), date.short(), date.iso()) == (long, short, text)


@pytest.mark.parametrize("text, why", [
    ("2024-02-30", "no such day in the calendar"),
    ("2024-13", "no such day in the calendar"),
    ("May 20", "write YYYY-MM-DD, YYYY-MM or YYYY"),
])
def test_impossible_dates_are_rejected(text, why):
    with pytest.raises(ValueError, match=why):
        LegalDate.parse(text)


def test_dates_order_and_count_days():
    assert LegalDate.parse("2023-07") < LegalDate.parse("2023-07-02") < LegalDate.parse("2024")
    assert LegalDate.parse("2024-05-20").days_until(LegalDate.parse("2024-05-27")) == 7


def test_times_print_with_am_pm():
    assert legal_time(parse_time("14:30")) == "2:30 p.m."
    assert legal_time(parse_time("9:05")) == "9:05 a.m."
    assert legal_time(dt.time(12, 0)) == "12:00 p.m."
    with pytest.raises(ValueError, match="write HH:MM"):
        parse_time("25:00")
