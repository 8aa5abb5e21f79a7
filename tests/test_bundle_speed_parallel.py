"""The bundle built on every core is the bundle built on one, byte for byte; real-world PDFs
bundle without a library's message on the terminal; text is read by PDFium."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from filings.convert.pdftext import TextJob, many_page_texts, page_texts, textless_pages
from filings.exhibits.bundle import make_bundle
from filings.exhibits.exhibit import BatesStyle, ExhibitPdf
from filings.exhibits.noise import send_library_messages

from test_exhibit_safety import facts_with

CORPUS = Path(__file__).parent / "data" / "corpus"
ROOT = Path(__file__).resolve().parent.parent
# several producers, with links, bookmarks, a form with scripts, an embedded file, rotated scans
MIXED = ["debian-shared-mime-info-spec.pdf", "pypdf-SF424_page2.pdf", "pypdf-example.pdf", "pypdf-git.pdf",
         "pypdf-indirect-rotation.pdf", "pikepdf-outlines.pdf", "pypdf-pdflatex-outline.pdf", "pikepdf-congress.pdf",
         "pypdf-GeoBase_NHNC1_Data_Model_UML_EN.pdf", "pikepdf-pdfa-tagged.pdf", "pypdf-test-Orient.pdf"]


def exhibits_of(names: list[str]) -> list[ExhibitPdf]:
    return [ExhibitPdf(id=f"ex{n}", mark=str(n + 1), title=f"Exhibit file {name}", date="May 20, 2024",
                       short_date="May 20, 2024", description="", pdf=CORPUS / name, source=Path("exhibits") / name)
            for n, name in enumerate(names)]


def bundle_files(out: Path, jobs: int) -> tuple[dict[str, bytes], list[str]]:
    warnings: list[str] = []
    make_bundle(exhibits_of(MIXED), out, bates=BatesStyle("ACME-", 1, 6), heading="INDEX OF EXHIBITS",
                caption=["Acme v. United States"], size_limit_mb=35, warn=warnings.append, jobs=jobs)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}, warnings


@pytest.mark.e2e
def test_the_parallel_bundle_is_the_serial_bundle_byte_for_byte(tmp_path):
    serial, serial_warnings = bundle_files(tmp_path / "serial", jobs=1)
    parallel, parallel_warnings = bundle_files(tmp_path / "parallel", jobs=2)
    assert sorted(serial) == sorted(parallel) and len(serial) == len(MIXED) + 1
    assert [name for name in serial if serial[name] != parallel[name]] == []
    assert serial_warnings == parallel_warnings  # the same warnings, in the exhibits' order
    assert any("SF424" in w and "removed" in w for w in serial_warnings), serial_warnings
    with pikepdf.open(tmp_path / "parallel" / "exhibit-bundle.pdf") as pdf:
        own = sum(len(pikepdf.open(CORPUS / name).pages) for name in MIXED)
        removed = sum(1 for w in serial_warnings if "SF424" in w and "removed" in w)
        # index, a cover per exhibit, its pages, a page naming SF424's removed attachments
        assert len(pdf.pages) == 1 + len(MIXED) + own + removed


def broken_font_pdf(path: Path) -> Path:
    """A page whose font dictionary is broken in ways pypdf reports on stderr as it reads the text."""
    canvas = Canvas(str(path), invariant=1)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 700, "Broken font dictionary here")
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for _, font in pdf.pages[0].Resources.Font.items():
            font.Encoding = pikepdf.Name("/NoSuchEncoding")
            font.FirstChar = pikepdf.Name("/x")
        pdf.save(path)
    return path


@pytest.mark.e2e
def test_a_cold_bundle_of_real_world_pdfs_prints_no_library_messages(tmp_path):
    broken_font_pdf(tmp_path / "broken.pdf")
    names = ["broken.pdf"]
    for name in MIXED + ["pikepdf-badlin1.pdf", "pypdf-issue-301.pdf", "pypdf-AutoCad_Diagram.pdf"]:
        shutil.copy(CORPUS / name, tmp_path / name)
        names.append(name)
    facts_with(tmp_path, [{"id": f"ex{n}", "title": f"File {name}", "file": name} for n, name in enumerate(names)])
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "filings", "bundle", str(tmp_path), "-q"], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("built 15 exhibits"), proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("warning: ") for line in lines), proc.stderr[:2000]
    assert (tmp_path / ".filings" / "debug.log").stat().st_mode & 0o077 == 0


def test_library_messages_go_to_the_debug_log_not_the_terminal(tmp_path, capfd):
    log = tmp_path / ".filings" / "debug.log"
    try:
        send_library_messages(log)
        logging.getLogger("pypdf._cmap").warning("Advanced encoding /NoSuchEncoding not implemented yet")
        logging.getLogger("pikepdf._core").warning("object 12 0: expected endobj")
        for handler in logging.getLogger("pypdf").handlers:
            handler.flush()
        assert capfd.readouterr().err == ""
        text = log.read_text(encoding="utf-8")
        assert "Advanced encoding /NoSuchEncoding" in text and "expected endobj" in text
        send_library_messages(log, debug=True)  # --debug: shown as well
        logging.getLogger("pypdf").warning("shown with --debug")
        assert "debug: pypdf: shown with --debug" in capfd.readouterr().err
    finally:
        send_library_messages(None)


def test_pdfium_reads_text_in_workers_as_in_this_process():
    jobs = [TextJob(CORPUS / name) for name in MIXED]
    alone = [page_texts(job) for job in jobs]
    assert many_page_texts(jobs) == alone
    assert "shared mime-info database" in alone[0][0].lower()
    assert textless_pages(CORPUS / "pikepdf-congress.pdf") == [0]
    assert textless_pages(CORPUS / "pypdf-jpeg.pdf") == []  # an image, and text beside it
    assert textless_pages(CORPUS / "pypdf-imagemagick-images.pdf") == [3, 4]
