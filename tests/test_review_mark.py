"""Review against a mark, through the real CLI, LibreOffice and redline engine (issue 19).

The example matter built and marked `reviewed`, then a date changed and built, then two
exhibits swapped and built: `filings diff --since reviewed` compares the marked build with the
latest from the history alone (no new record, the build folder untouched), into
`reviews/DATE-r1-r3/`, which the next build leaves alone; the swap is one row per exhibit
moved. Build folders that are not builds (a `cp -r` of the `build` link, an empty folder) are
one plain line, and `--exit-code` is 0 for no change, 1 for changed, 2 for an error.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.e2e

OLD_DATE, NEW_DATE = "id: ctpat_suspension\n    date: 2024-05-17", "id: ctpat_suspension\n    date: 2024-04-12"
SWAPPED = ("type86_notice", "litigation_notice")  # Exhibits 2 and 5


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stderr
    return proc


def swap_exhibits(facts: Path, first: str, second: str) -> None:
    """Swap two entries of the facts' exhibits list, as a user reorders them in the editor."""
    lines = facts.read_text(encoding="utf-8").split("\n")
    start = lines.index("exhibits:") + 1
    end = next(i for i in range(start, len(lines)) if lines[i] and not lines[i].startswith(" "))
    items, current = [], None
    for line in lines[start:end]:
        if line.startswith("  - "):
            current = [line]
            items.append(current)
        else:
            current.append(line)
    ids = [re.search(r"id: (\w+)", item[0]).group(1) for item in items]
    a, b = ids.index(first), ids.index(second)
    items[a], items[b] = items[b], items[a]
    facts.write_text("\n".join(lines[:start] + [ln for item in items for ln in item] + lines[end:]), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a build folder (through its link) with its hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def review_dir(proc: subprocess.CompletedProcess, cwd: Path) -> Path:
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("review: "))
    return cwd / line[len("review: "):].split("/ (", 1)[0]


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """Build, mark, copy build/ the wrong way (cp -r), change a date, build, swap two exhibits, build."""
    matter = tmp_path_factory.mktemp("review") / "matter"
    matter.mkdir()
    shutil.copy(ROOT / "facts.yaml", matter / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", matter / "exhibits")
    ok(cli("build", "-q", cwd=matter))
    mark = ok(cli("review", "mark", cwd=matter))
    subprocess.run(["cp", "-r", "build", "old"], cwd=matter, check=True)  # copies the link, not the build
    facts = matter / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert text.count(OLD_DATE) == 1
    facts.write_text(text.replace(OLD_DATE, NEW_DATE), encoding="utf-8")
    ok(cli("build", "-q", cwd=matter))
    swap_exhibits(facts, *SWAPPED)
    ok(cli("build", "-q", cwd=matter))
    records = sorted((matter / ".filings" / "history" / "records").glob("*.json"))
    link, files = os.readlink(matter / "build"), snapshot(matter / "build")
    proc = cli("diff", "--since", "reviewed", "--exit-code", cwd=matter)
    return matter, mark, proc, records, link, files


def test_review_mark_names_the_current_build_and_list_shows_it(marked):
    matter, mark, _, _, _, _ = marked
    assert mark.stdout.startswith("marked build #1 (") and "as 'reviewed'" in mark.stdout
    listed = ok(cli("review", "list", cwd=matter)).stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["r1", "r2", "r3"]
    assert listed[0].endswith("[reviewed]") and listed[-1].endswith("[current]")


def test_diff_since_reviewed_compares_the_marked_build_with_the_latest_without_rebuilding(marked):
    matter, _, proc, records, link, files = marked
    assert proc.returncode == 1, proc.stderr  # --exit-code: changed
    # no build: no new record, the build link and every file of the build as they were
    assert sorted((matter / ".filings" / "history" / "records").glob("*.json")) == records
    assert os.readlink(matter / "build") == link and snapshot(matter / "build") == files
    assert "building" not in proc.stderr
    out = review_dir(proc, matter)
    assert out == matter / "reviews" / f"{dt.date.today().isoformat()}-r1-r3"
    assert re.match(r"\d+ facts? changed; \d+ of \d+ papers changed: complaint, ", proc.stdout)
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "From **build #1 (" in summary and "[reviewed]** to **build #3 (" in summary
    assert "| `events[ctpat_suspension].date` | changed | 2024-05-17" in summary
    assert re.search(r"^\| complaint \| changed \| \d+ \| .*event ctpat_suspension: when it happened \(facts.yaml:\d+\)",
                     summary, re.M)
    assert (out / "redline" / "complaint.docx").is_file() and (out / "redline" / "complaint.pdf").is_file()


def test_a_swap_of_two_exhibits_is_one_row_per_exhibit_moved(marked):
    matter, _, proc, _, _, _ = marked
    summary = (review_dir(proc, matter) / "summary.md").read_text(encoding="utf-8")
    rows = [ln for ln in summary.splitlines() if ln.startswith("| exhibit |")]
    assert len(rows) == 2, rows
    moved = {ln.split(" | ")[1]: ln for ln in rows}
    assert set(moved) == set(SWAPPED)
    assert "| moved | Exhibit 2 → Exhibit 5; SEKO-000003–SEKO-000004 → SEKO-000009–SEKO-000010" in \
        moved["type86_notice"]
    assert "| moved | Exhibit 5 → Exhibit 2;" in moved["litigation_notice"]
    assert re.search(r"exhibit type86_notice, moved from place 2 to 5 \(facts.yaml:\d+\) \|$", moved["type86_notice"])
    # the bundle's pages and range are the same; the complaint's packet files them in the new order
    assert not any(ln.startswith("| bundle |") for ln in summary.splitlines())
    packet = next(ln for ln in summary.splitlines() if ln.startswith("| packet | packet-complaint.pdf |"))
    assert "exhibit:litigation_notice, exhibit:first_request, exhibit:second_request, exhibit:type86_notice" in packet
    assert "exhibits: 2 moved" in proc.stdout


def test_the_review_folder_survives_the_next_build(marked):
    matter, _, proc, _, _, _ = marked
    out = review_dir(proc, matter)
    before = snapshot(out)
    facts = matter / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(NEW_DATE, OLD_DATE), encoding="utf-8")
    ok(cli("build", "-q", cwd=matter))
    assert snapshot(out) == before
    # the build just made, compared with itself by its number: no changes, exit code 0
    latest = ok(cli("review", "list", cwd=matter)).stdout.splitlines()[-1].split()[0]
    same = cli("diff", "--since", latest, "--exit-code", cwd=matter)
    assert (same.returncode, same.stdout.splitlines()[0]) == (0, "no changes"), same.stderr
    # a date: the last build on or before it (today: the latest)
    today = cli("diff", "--since", dt.date.today().isoformat(), "--exit-code", cwd=matter)
    assert (today.returncode, today.stdout.splitlines()[0]) == (0, "no changes"), today.stderr


@pytest.mark.parametrize("exit_code", [True, False])
def test_a_copied_link_and_a_folder_that_is_no_build_are_one_plain_line(marked, exit_code):
    matter, _, _, _, _, _ = marked
    assert (matter / "old").is_symlink() and not (matter / "old").exists()  # its generation is gone
    (matter / "notes").mkdir(exist_ok=True)
    flag = ["--exit-code"] if exit_code else []
    dangling = cli("diff", "old", "build", *flag, cwd=matter)
    empty = cli("diff", "notes", "build", *flag, cwd=matter)
    for proc, first in ((dangling, "old: not a build (build is a link; copy with cp -rL)"),
                        (empty, "notes: not a build (it has no .filings/manifest.json)")):
        assert proc.returncode == (2 if exit_code else 1), proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(first), proc.stderr
        assert "Traceback" not in proc.stderr and proc.stdout == ""
    unknown = cli("diff", "--since", "approved", *flag, cwd=matter)
    assert unknown.returncode == (2 if exit_code else 1)
    assert unknown.stderr.splitlines() == [unknown.stderr.strip()] and "not a mark (marks: reviewed)" in unknown.stderr


def test_a_copy_made_with_cp_rL_is_a_build(marked, tmp_path):
    matter, _, _, _, _, _ = marked
    subprocess.run(["cp", "-rL", "build", str(tmp_path / "kept")], cwd=matter, check=True)
    proc = cli("diff", str(tmp_path / "kept"), "build", "--exit-code", cwd=matter)
    assert (proc.returncode, proc.stdout.splitlines()[0]) == (0, "no changes"), proc.stderr
    assert review_dir(proc, matter).name.endswith("-kept-build")
