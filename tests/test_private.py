"""Private by default: under the usual umask, no other user reads a confidential output or a cache.

A matter with a confidential, scanned exhibit is built with umask 022 in a folder every user
may enter; then every folder and file of the output store, the history and the OCR and
privacy caches must be 0700 or 0600, and another user id (``nobody``, through setpriv or
runuser) must be refused each of them. And one matter's OCR cache never serves another's.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from filings.pipeline.builder import build

from conftest import DATA
from test_exhibit_inputs import exhibit_pages
from test_exhibit_safety import WORDS, pdftotext, run, scanned_pdf

NOBODY = 65534


@pytest.fixture
def open_folder(monkeypatch):
    """A folder every user may enter, with umask 022 and a user cache in it (pytest's own
    folders are closed to other users: a test there would prove nothing)."""
    folder = Path(tempfile.mkdtemp(prefix="filings-private-", dir="/tmp"))
    folder.chmod(0o755)
    (folder / "cache").mkdir(mode=0o755)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    umask = os.umask(0o022)
    yield folder
    os.umask(umask)
    shutil.rmtree(folder)


def as_nobody(*command: str) -> subprocess.CompletedProcess:
    """Run ``command`` as user and group ``nobody``, with no other group."""
    if shutil.which("setpriv"):
        switch = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    else:
        switch = ["runuser", "-u", "nobody", "--"]
    return subprocess.run([*switch, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=60)


def open_modes(folder: Path) -> list[str]:
    """Every folder under ``folder`` (itself too) not 0700 and file not 0600; links aside."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        want = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) != want:
            found.append(f"{oct(stat.S_IMODE(info.st_mode))} {path}")
    return found


@pytest.mark.skipif(os.geteuid() != 0 or not (shutil.which("setpriv") or shutil.which("runuser")),
                    reason="switching to another user id needs root and setpriv or runuser")
def test_no_other_user_reads_a_confidential_output_or_cache(open_folder):
    matter = open_folder / "matter"
    shutil.copytree(DATA / "confidential-matter", matter)
    scanned_pdf(matter / "exhibits" / "revocation-notice.pdf")  # the confidential exhibit, a scan: OCR'd
    result = build(matter / "facts.yaml", matter / "build")
    assert not any("OCR" in w for w in result.warnings), result.warnings

    caches = open_folder / "cache" / "filings"
    ocr, pdf = list((caches / "ocr").rglob("*.pdf")), list((matter / ".build.filings" / "cache").rglob("*.pdf"))
    history = list((matter / ".filings" / "history" / "objects").rglob("*"))
    privacy = list((caches / "privacy").glob("*.json"))
    assert ocr and pdf and privacy and [p for p in history if p.is_file()], "the build kept nothing to test"
    for folder in (matter / ".build.filings", matter / ".filings", caches / "ocr", caches / "privacy"):
        assert open_modes(folder) == []
    assert stat.S_IMODE(caches.stat().st_mode) == 0o700

    assert as_nobody("cat", str(matter / "facts.yaml")).returncode == 0, "the other user cannot read at all"
    confidential = sorted(p for p in (matter / "build" / "confidential").rglob("*") if p.is_file())
    assert matter / "build" / "confidential" / "exhibits" / "exhibit-bundle.pdf" in confidential
    for path in [*confidential, ocr[0], pdf[0], next(p for p in history if p.is_file()), privacy[0]]:
        assert path.is_file(), path
        read = as_nobody("cat", str(path))
        assert read.returncode != 0 and "Permission denied" in read.stderr, f"{path} is readable by another user"


def test_one_matters_ocr_never_serves_another(tmp_path, monkeypatch):
    """Two matters holding the same scan: what the first's OCR cache holds is not the second's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    exhibits = [{"id": "scan", "title": "A scanned letter", "file": "scan.pdf"}]
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        scanned_pdf(tmp_path / name / "scan.pdf")
    run(tmp_path / "first", exhibits, ocr=True)
    (cached,) = (tmp_path / "cache" / "filings" / "ocr").rglob("*.pdf")
    canvas = Canvas(str(cached), pagesize=LETTER)  # what only the first matter's OCR made
    canvas.drawString(72, 700, "THE FIRST MATTER'S")
    canvas.showPage()
    canvas.save()
    result, bundle = run(tmp_path / "second", exhibits, ocr=True)
    text = pdftotext(bundle, exhibit_pages(result, "scan")[0])
    assert WORDS in text and "FIRST MATTER" not in text
