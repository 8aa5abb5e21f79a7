"""The command line: one line per problem on stderr, exit code 1, no traceback."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, line_of


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_check_passes_on_the_example():
    proc = run("check", "--facts", str(EXAMPLE))
    assert (proc.returncode, proc.stdout.strip()) == (0, f"ok: {EXAMPLE}, 11 papers, 6 exhibits")


def test_bad_facts_print_one_line_per_problem_and_exit_1(facts_copy):
    path = facts_copy(("  court_no: 24-00097", "  cout_no: 24-00097"),
                      ("    date: 2024-05-20\n", "    date: 2024-02-30\n"))
    proc = run("check", "--facts", str(path))
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("·")]
    assert proc.returncode == 1
    assert lines == [
        f"{path}:{line_of(path, 'cout_no')}: case.cout_no: unknown key; did you mean 'court_no'?",
        f"{path}:{line_of(path, '2024-02-30')}: events.3.date: not a valid date: '2024-02-30'; "
        "no such day in the calendar"]
    assert "Traceback" not in proc.stderr


def test_missing_facts_file():
    proc = run("build", "--facts", "nowhere.yaml", "--quiet")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "nowhere.yaml: no such file; pass --facts with the path of a facts file"


def test_debug_shows_the_traceback():
    proc = run("check", "--facts", "nowhere.yaml", "--debug")
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def test_unknown_paper_for_only(tmp_path):
    proc = run("build", "--facts", str(EXAMPLE), "--only", "complint", "--out", str(tmp_path), "-q")
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("no paper named 'complint'; choose one of: summons, complaint,")


def test_build_py_builds_with_the_defaults(tmp_path):
    work = tmp_path / "matter"
    work.mkdir()
    (work / "facts.yaml").write_text(EXAMPLE.read_text())
    shutil.copytree(ROOT / "exhibits", work / "exhibits")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=work, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("built 11 papers, ")  # with a certificate of service per filing, one of compliance
    assert "· converting 14 documents to PDF with LibreOffice" in proc.stderr
    assert (work / "build" / "packet-complaint.pdf").is_file() and (work / "build" / "packet-motion.pdf").is_file()


def test_check_finds_an_encrypted_exhibit_without_converting(facts_copy):
    import pikepdf
    facts = facts_copy()
    notice = facts.parent / "exhibits" / "type86-suspension-notice.pdf"
    with pikepdf.open(notice, allow_overwriting_input=True) as pdf:
        pdf.save(notice, encryption=pikepdf.Encryption(owner="o", user="secret"))
    proc = run("check", "--facts", str(facts))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"exhibit 'type86_notice' ({notice}): the PDF is encrypted; add its "
                                   "password to the exhibit in the facts (password: ...)")


def test_bundle_without_exhibits_says_so(tmp_path):
    text = (ROOT / "tests" / "data" / "other-matter" / "facts.yaml").read_text()
    text = text[:text.index("exhibits:\n")].replace("    exhibit: revocation_notice\n", "")
    text = text.replace("    exhibit: stay_request\n", "")
    facts = tmp_path / "facts.yaml"
    facts.write_text(text)
    proc = run("bundle", "--facts", str(facts), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"{facts}: the facts list no exhibits, so there is no bundle to build; "
                                   "add them under 'exhibits:'")


def test_an_output_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    proc = run("build", "--facts", str(EXAMPLE), "--out", str(tmp_path / "taken" / "build"), "-q")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"{tmp_path / 'taken' / 'build'}: cannot write the outputs here: "
                                   "Not a directory; choose another --out")


@pytest.mark.parametrize("command", ["build", "bundle", "diff", "watch"])
@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf"])
def test_a_timeout_that_is_no_number_of_seconds_is_one_line_and_exit_1(facts_copy, command, timeout):
    """--timeout 0 once ran the build and failed it with advice to free some space."""
    path = facts_copy()
    proc = run(command, "--facts", str(path), "--timeout", timeout, cwd=path.parent)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [f"--timeout {float(timeout):g}: give a number of seconds from 1 to 86400"]
    assert not (path.parent / "build").exists()
