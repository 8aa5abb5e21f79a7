"""LibreOffice missing, crashing or hanging: a clear message saying what to do.

These tests replace the soffice binary with small scripts to provoke each failure; the
conversions themselves are tested with the real LibreOffice in test_build.py.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from docx import Document

from filings.convert.libreoffice import LibreOffice
from filings.errors import ConversionError


def fake_soffice(folder: Path, body: str) -> str:
    script = folder / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def docx(tmp_path) -> Path:
    path = tmp_path / "paper.docx"
    doc = Document()
    doc.add_paragraph("Hello")
    doc.save(path)
    return path


def convert_error(converter: LibreOffice, docx: Path) -> str:
    with pytest.raises(ConversionError) as info:
        converter.convert([docx], docx.parent / "out")
    return str(info.value)


def test_libreoffice_not_installed(tmp_path, docx, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("FILINGS_SOFFICE", raising=False)
    assert convert_error(LibreOffice(), docx) == (
        "LibreOffice is not installed (no 'soffice' on PATH); run 'make setup' or "
        "'apt-get install libreoffice-writer-nogui fonts-liberation2'")


def test_configured_binary_missing(docx, monkeypatch):
    monkeypatch.setenv("FILINGS_SOFFICE", "/opt/nowhere/soffice")
    assert convert_error(LibreOffice(), docx) == (
        "LibreOffice not found at FILINGS_SOFFICE=/opt/nowhere/soffice; fix the variable or unset it")


def test_libreoffice_crashes(tmp_path, docx):
    binary = fake_soffice(tmp_path, "echo 'Fatal exception: Signal 6' >&2; exit 134")
    assert convert_error(LibreOffice(binary=binary, profile_dir=tmp_path / "p"), docx) == (
        f"LibreOffice exited with code 134: Fatal exception: Signal 6; command: {binary} --headless "
        "... --convert-to pdf; retry, or run with --debug and report the output")


def test_libreoffice_hangs_and_is_stopped(tmp_path, docx):
    binary = fake_soffice(tmp_path, "sleep 60.25 & sleep 60.25")  # a length no other process sleeps
    message = convert_error(LibreOffice(binary=binary, timeout=1, profile_dir=tmp_path / "p"), docx)
    assert message == ("LibreOffice did not finish within 1 s and was stopped; close other LibreOffice "
                       "windows, check the machine's load, or raise --timeout")
    # the whole process group was killed, the child it left in the background too
    assert subprocess.run(["pgrep", "-f", "sleep 60.25"], capture_output=True).returncode == 1


def test_libreoffice_succeeds_but_writes_nothing(tmp_path, docx):
    binary = fake_soffice(tmp_path, "exit 0")
    assert convert_error(LibreOffice(binary=binary, profile_dir=tmp_path / "p"), docx) == (
        "LibreOffice produced no PDF for paper.pdf; open the DOCX in Word or LibreOffice to check "
        "it is not damaged")


def test_real_libreoffice_converts_a_batch(tmp_path, docx):
    second = tmp_path / "second.docx"
    doc = Document()
    doc.add_paragraph("Second paper")
    doc.save(second)
    pdfs = LibreOffice().convert([docx, second], tmp_path / "out")
    assert [p.name for p in pdfs] == ["paper.pdf", "second.pdf"]
    assert all(p.stat().st_size > 0 for p in pdfs)


def test_two_builds_at_once_share_no_profile(tmp_path, docx):
    """A second LibreOffice on the same profile would fail: the second run gets its own."""
    import threading

    errors, outs = [], []

    def convert(n: int) -> None:
        try:
            outs.extend(LibreOffice(profile_dir=tmp_path / "profile").convert([docx], tmp_path / f"out{n}"))
        except Exception as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(outs) == 2 and all(p.stat().st_size > 0 for p in outs)


def test_the_same_document_converts_to_the_same_bytes(tmp_path, docx, monkeypatch):
    """LibreOffice dates its PDFs and gives them a random /ID and a /DocChecksum: fixed after conversion."""
    from datetime import datetime, timezone

    import pikepdf

    from filings.determinism import pinned_time

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pinned_time(datetime(2024, 6, 3, tzinfo=timezone.utc)):
        first = LibreOffice().convert([docx], tmp_path / "one")[0]
        time.sleep(1.1)
        second = LibreOffice().convert([docx], tmp_path / "two")[0]
    assert first.read_bytes() == second.read_bytes()
    with pikepdf.open(first) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20240603000000Z"
        assert "/DocChecksum" not in pdf.trailer
