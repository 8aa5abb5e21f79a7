"""A fact tagged confidential between two builds, compared by `filings diff` (issue 19), through the
real CLI, LibreOffice and redline engine.

The example matter with one figure in the motion, then the same figure tagged `!confidential`:
the motion and its certificate of compliance split into `confidential/` and `public/`. The diff
pairs each with its twins (never "removed and re-added"); the public summary and every public
redline pass the build's leak scan and hold no confidential value; the confidential redlines
and the confidential summary, under the legend, are in the review folder's `confidential/`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from filings.court.leaks import scan_outputs

pytestmark = pytest.mark.e2e

FIGURE = "$4,750,000"
PLAIN = f"      - Plaintiff stands to lose {FIGURE} in client contracts.\n    balance:\n"
TAGGED = f"      - !confidential Plaintiff stands to lose {FIGURE} in client contracts.\n    balance:\n"
SPLIT = ("motion", "certificate-of-compliance-motion")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


@pytest.fixture(scope="module")
def tagged(tmp_path_factory):
    matter = tmp_path_factory.mktemp("tagged") / "matter"
    matter.mkdir()
    text = (ROOT / "facts.yaml").read_text(encoding="utf-8")
    assert text.count("    balance:\n") == 1
    (matter / "facts.yaml").write_text(text.replace("    balance:\n", PLAIN), encoding="utf-8")
    shutil.copytree(ROOT / "exhibits", matter / "exhibits")
    for facts in (PLAIN, TAGGED):
        (matter / "facts.yaml").write_text(text.replace("    balance:\n", facts), encoding="utf-8")
        proc = cli("build", "-q", cwd=matter)
        assert proc.returncode == 0, proc.stderr
    assert (matter / "build" / "public" / "motion.docx").is_file()
    proc = cli("diff", "--exit-code", cwd=matter)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("review: "))
    return matter, proc, matter / line[len("review: "):].split("/ (", 1)[0]


def test_each_split_paper_is_paired_with_its_twins(tagged):
    _, proc, out = tagged
    assert proc.returncode == 1, proc.stderr
    public = (out / "summary.md").read_text(encoding="utf-8")
    confidential = (out / "confidential" / "summary.md").read_text(encoding="utf-8")
    for paper in SPLIT:
        assert re.search(rf"^\| public/{paper} \(was {paper}\) \| changed \|", public, re.M), public
        assert re.search(rf"^\| confidential/{paper} \(was {paper}\) \| changed \|", confidential, re.M)
        assert f"confidential/{paper}" not in public and f"public/{paper}" not in confidential
    for summary in (public, confidential):
        assert "| removed |" not in summary and "| added |" not in summary
        assert re.search(r"^\| complaint \| unchanged \|", summary, re.M)
    assert "removed" not in proc.stdout and "added" not in proc.stdout


def test_the_public_summary_and_redlines_hold_no_confidential_value(tagged):
    _, proc, out = tagged
    values = {"motion.factors.harm.2": [FIGURE, f"Plaintiff stands to lose {FIGURE} in client contracts."]}
    report = scan_outputs(out, values, raise_on_leak=False, skip=("confidential",))
    assert report.leaks == [], [(leak.file, leak.place) for leak in report.leaks]
    assert report.files >= 3  # the two summaries and at least one public redline were read
    public = sorted(p.relative_to(out).as_posix() for p in (out / "redline").rglob("*.*"))
    assert "redline/public/certificate-of-compliance-motion.docx" in public
    for path in (out / "summary.md", out / "summary.html"):
        assert "4,750,000" not in path.read_text(encoding="utf-8")
    # the public motion's redline would show the old, untagged figure: withheld, and said so
    assert not (out / "redline" / "public" / "motion.docx").exists()
    assert "withheld" in (out / "summary.md").read_text(encoding="utf-8")
    assert "the public redline of public/motion (was motion) is withheld" in proc.stderr


def test_the_confidential_redlines_and_summary_are_in_confidential(tagged):
    _, proc, out = tagged
    for paper in SPLIT:
        for suffix in (".docx", ".pdf"):
            assert (out / "confidential" / "redline" / f"{paper}{suffix}").is_file()
    confidential = (out / "confidential" / "summary.md").read_text(encoding="utf-8")
    assert confidential.startswith("**CONFIDENTIAL VERSION**")
    assert "[DOCX](redline/motion.docx)" in confidential
    html = (out / "confidential" / "summary.html").read_text(encoding="utf-8")
    assert '<p class="legend" id="legend">CONFIDENTIAL VERSION</p>' in html
    assert "CONFIDENTIAL VERSION" not in (out / "summary.md").read_text(encoding="utf-8")
    assert oct((out / "confidential").stat().st_mode & 0o777) == "0o700"
    assert "confidential summary: " in proc.stdout
