"""Confidential by paper and by passage (issue 17), through the real CLI and LibreOffice.

The example matter with ONE confidential figure in its motion: only the motion and its
certificate of compliance are written twice (build/confidential/, build/public/), with the
motion's packet; every other paper once, unmarked, at the top of build/. An untagged value
elsewhere that equals the figure stops the build naming both facts (redaction follows the
fact that was tagged); ``!public`` on it lets the build through with the value printed. A
``[Confidential: ...]`` passage inside a sentence is bracketed in the confidential version and
shows as ``[   ]`` in the public one.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT

pytestmark = pytest.mark.e2e

FIGURE = "$4,750,000"
HARM = f"      - !confidential Plaintiff stands to lose {FIGURE} in client contracts.\n    balance:\n"
TWIN = "      - Plaintiff's client contracts, worth $4,750,000, are at risk.\n"
SPLIT = ["motion", "certificate-of-compliance-motion"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "filings", *args], capture_output=True, text=True, timeout=900,
                          env=env)


def _text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(path).pages).split())


def _raw_text(path: Path) -> str:
    """The text as pypdf reads it, spaces kept (``[   ]``)."""
    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_one_confidential_figure_splits_the_motion_alone(facts_copy):
    facts = facts_copy(("    balance:\n", HARM))
    out = facts.parent / "build"
    proc = _cli("build", str(facts.parent))
    assert proc.returncode == 0, proc.stderr
    for version, legend in (("confidential", "CONFIDENTIAL VERSION"), ("public", "PUBLIC VERSION")):
        assert sorted(p.stem for p in (out / version).glob("*.docx")) == sorted(SPLIT)
        assert sorted(p.name for p in (out / version).glob("*.pdf")) == sorted(
            [f"{p}.pdf" for p in SPLIT] + ["packet-motion.pdf"])
        for paper in SPLIT:
            assert legend in _text(out / version / f"{paper}.pdf")
        packet = PdfReader(out / version / "packet-motion.pdf")
        titles = [item.title for item in packet.outline if not isinstance(item, list)]
        assert len(titles) > len(SPLIT)  # the filing's unsplit papers are in each packet too
    assert f"[Plaintiff stands to lose {FIGURE} in client contracts.]" in _text(out / "confidential" / "motion.pdf")
    public = _raw_text(out / "public" / "motion.pdf")
    assert "4,750,000" not in public and "[   ]" in public
    top = sorted(p.stem for p in out.glob("*.docx"))
    for paper in ("summons", "complaint", "information-statement", "disclosure-statement", "proposed-order",
                  "declaration"):
        assert paper in top
    assert any(p.startswith("certificate-of-service") for p in top)
    assert not set(SPLIT) & set(top)
    for pdf in out.glob("*.pdf"):
        assert "VERSION" not in _text(pdf), pdf.name  # filed once, unmarked
    assert (out / "packet-complaint.pdf").is_file() and not (out / "confidential" / "packet-complaint.pdf").exists()
    assert not (out / "packet-motion.pdf").exists()
    assert not (out / "confidential" / "exhibits").exists() and (out / "exhibits").is_dir()  # the bundle: once
    assert "the public outputs scanned" in proc.stderr + proc.stdout

    # an untagged value equal to the figure, printed by the complaint: stops the build, naming both
    before = _files(out)
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("    allegations:\n", "    allegations:\n" + TWIN, 1), encoding="utf-8")
    failed = _cli("build", str(facts.parent))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    lines = [line for line in failed.stderr.splitlines() if line.strip() and not line.startswith(("· ", "warning: "))]
    twin_line = next(i for i, line in enumerate(facts.read_text().splitlines(), 1) if "worth $4,750,000" in line)
    harm_line = next(i for i, line in enumerate(facts.read_text().splitlines(), 1) if "stands to lose" in line)
    assert len(lines) == 1, failed.stderr
    assert f"facts.yaml:{twin_line}: claims[0].allegations[0] prints \"{FIGURE}\", the value of the confidential fact " \
           f"motion.factors.harm[2] (" in lines[0] and lines[0].endswith(
               f"facts.yaml:{harm_line}); tag this one !confidential, or !public if it may be published"), lines[0]
    assert _files(out) == before  # nothing published

    # !public: deliberately public; printed as written, and the build goes through
    facts.write_text(text.replace("    allegations:\n", "    allegations:\n" + TWIN.replace("- ", "- !public ", 1), 1),
                     encoding="utf-8")
    passed = _cli("build", str(facts.parent))
    assert passed.returncode == 0, passed.stderr
    assert "worth $4,750,000, are at risk" in _text(out / "complaint.pdf")
    assert not (out / "public" / "complaint.pdf").exists()


def test_a_confidential_passage_is_bracketed_and_deleted(facts_copy):
    facts = facts_copy(("  statements:\n", "  statements:\n    - >-\n      Plaintiff filed [Confidential: 18,250 "
                                             "informal entries] under the program last year.\n"))
    out = facts.parent / "build"
    proc = _cli("build", str(facts.parent))
    assert proc.returncode == 0, proc.stderr
    assert "filed [18,250 informal entries] under the program" in _text(out / "confidential" / "declaration.pdf")
    public = _raw_text(out / "public" / "declaration.pdf")
    assert "18,250" not in public and "informal entries" not in public
    assert "filed [   ] under the program" in " ".join(public.split("\n"))
    assert (out / "complaint.pdf").is_file() and not (out / "public" / "complaint.pdf").exists()
