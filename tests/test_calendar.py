"""``filings deadlines CAMPAIGN/``: one table of every matter's deadlines, and an iCalendar file
that parses back to the same deadlines, day for day, as ``filings deadlines MATTER`` prints."""
from __future__ import annotations

import datetime as dt
import re
import stat
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def campaign(tmp_path):
    """camp/: two protest matters (one with its complaint filed later) and the residual example."""
    camp = tmp_path / "camp"
    camp.mkdir()
    for args in (["new", "camp/tidewater", "--kind", "protest"], ["new", "camp/seko"],
                 ["new", "camp/group/later", "--kind", "protest"]):
        assert run(*args, cwd=tmp_path).returncode == 0
    later = camp / "group" / "later" / "facts.yaml"
    text = later.read_text(encoding="utf-8")
    later.write_text(text.replace("complaint_filed: 2025-11-03", "complaint_filed: 2025-12-01", 1), encoding="utf-8")
    return tmp_path


def one_matter(folder: str, cwd: Path) -> set[tuple[str, str, dt.date]]:
    """(matter, deadline, day) of every deadline with a day ``filings deadlines MATTER`` prints."""
    proc = run("deadlines", folder, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    found = set()
    for line in proc.stdout.splitlines():
        m = re.match(r"(.+?): (\d{4}-\d{2}-\d{2}) \(", line)
        if m and not line.startswith("Time bar"):
            found.add((folder, m[1], dt.date.fromisoformat(m[2])))
    return found


def test_deadlines_of_a_campaign_as_a_table_and_an_icalendar_file(campaign):
    proc = run("deadlines", "camp", cwd=campaign)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert re.match(r"matter +deadline +date +rule$", lines[0])
    assert any(re.match(r"camp/seko/ +Reply in support of the motion +not yet: 14 days after", line) for line in lines)
    expected = set().union(*(one_matter(m, campaign) for m in ("camp/tidewater", "camp/seko", "camp/group/later")))
    assert len(expected) >= 6
    rows = {(line.split()[0].rstrip("/"), day) for line in lines[1:]
            for day in re.findall(r"  (\d{4}-\d{2}-\d{2})  ", line)}
    assert rows == {(m, d.isoformat()) for m, _, d in expected}

    ics = campaign / "camp" / "deadlines.ics"
    assert lines[-1] == f"{len(lines) - 2} deadlines of 3 matters; {len(expected)} with a day in camp/deadlines.ics"
    assert stat.S_IMODE(ics.stat().st_mode) == 0o600
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    found = set()
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is dt.date and end == start + dt.timedelta(days=1)  # all day
        matter, what = re.fullmatch(r"(.+?): (.+) due", str(event["summary"])).groups()
        found.add((matter, what, start))
        assert "Rule" in str(event["description"]) or "§" in str(event["description"])
    assert found == expected
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert "later.answer_complaint@filings" in uids

    # built again after a change: the same events keep their UIDs (a calendar updates them), the day moves
    later = campaign / "camp" / "group" / "later" / "facts.yaml"
    later.write_text(later.read_text().replace("complaint_filed: 2025-12-01", "complaint_filed: 2025-12-08"))
    again = run("deadlines", "camp", "--ics", "moved.ics", cwd=campaign)
    assert again.returncode == 0, again.stderr
    moved = {str(e["uid"]): e.decoded("dtstart") for e in
             icalendar.Calendar.from_ical((campaign / "moved.ics").read_bytes()).walk("VEVENT")}
    assert set(moved) == set(uids)
    before = {str(e["uid"]): e.decoded("dtstart") for e in events}
    assert moved["later.answer_complaint@filings"] == before["later.answer_complaint@filings"] + dt.timedelta(days=7)
    assert all(moved[u] == before[u] for u in uids if not u.startswith("later."))


def test_a_broken_matter_is_one_line_and_the_others_are_still_written(campaign):
    facts = campaign / "camp" / "tidewater" / "facts.yaml"
    facts.write_text(facts.read_text().replace("  filed: 2025-06-16", "  filed: 2025-02-30", 1))
    proc = run("deadlines", "camp", cwd=campaign)
    assert proc.returncode == 1
    assert re.fullmatch(r"FAIL  camp/tidewater/  camp/tidewater/facts\.yaml:\d+: case\.filed: .*\n", proc.stderr)
    assert proc.stdout.splitlines()[-1].endswith("; 1 failed: camp/tidewater/")
    events = icalendar.Calendar.from_ical((campaign / "camp" / "deadlines.ics").read_bytes()).walk("VEVENT")
    assert events and not any("tidewater" in str(e["summary"]) for e in events)
