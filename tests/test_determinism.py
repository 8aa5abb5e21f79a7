"""Identical inputs make identical bytes: every output of two builds at different times,
with the one-run converter and with the warm pool, compared byte for byte; the time stamped
is the pinned one (the case's filing date) or SOURCE_DATE_EPOCH."""
from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from filings.determinism import (FALLBACK, normalize_pdf, pinned_time, repack_docx, source_date_epoch,
                                 time_for)
from filings.errors import FilingsError
from filings.facts.load import load_facts
from filings.pipeline.builder import build
from filings.convert.pool import Pool

from conftest import EXAMPLE


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file of a build, by its path in the build, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_at_different_times_make_the_same_bytes_with_either_converter(tmp_path, private_pool):
    made = {}
    for name, converter in (("first", None), ("second", None), ("pool", Pool(directory=private_pool / "same")),
                            ("pool-warm", Pool(directory=private_pool / "same"))):
        out = tmp_path / name / "build"
        build(EXAMPLE, out, converter=converter)
        made[name] = outputs(out)
        time.sleep(1.1)  # a second later: any clock in the output would show
    first = made.pop("first")
    kinds = {Path(name).suffix for name in first}
    assert {".docx", ".pdf", ".json"} <= kinds and "packet-complaint.pdf" in first and "packet-motion.pdf" in first
    assert "exhibits/exhibit-bundle.pdf" in first and sum(n.startswith("exhibits/Exhibit ") for n in first) == 6
    for name, files in made.items():
        assert sorted(files) == sorted(first), name
        differing = [path for path in first if files[path] != first[path]]
        assert differing == [], f"{name}: {differing}"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    doc = Document()
    doc.add_paragraph("Dated")
    doc.save(buffer)
    return buffer.getvalue()


def repacked(when: dt.datetime | None = None) -> zipfile.ZipFile:
    out = io.BytesIO()
    repack_docx(io.BytesIO(docx_bytes()), out, when)
    return zipfile.ZipFile(out)


def test_a_docx_carries_the_pinned_time_in_its_entries_and_core_properties(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    filed = load_facts(EXAMPLE).facts.case.filed
    with pinned_time(time_for(dt.date(filed.year, filed.month, filed.day))):
        docx = repacked()
    names = docx.namelist()
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"] and names[2:] == sorted(names[2:])
    assert {i.date_time for i in docx.infolist()} == {(2024, 6, 3, 0, 0, 0)}
    core = docx.read("docProps/core.xml").decode()
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        assert core.split(f"<{tag}", 1)[1].split("</", 1)[0].endswith(">2024-06-03T00:00:00Z")
    assert "<cp:revision>1</cp:revision>" in core


def test_source_date_epoch_wins_over_the_filing_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717430400")  # 2024-06-03T16:00:00Z
    when = time_for(dt.date(2020, 1, 1))
    assert when == dt.datetime(2024, 6, 3, 16, 0, tzinfo=dt.timezone.utc)
    with pinned_time(FALLBACK):
        assert {i.date_time for i in repacked().infolist()} == {(2024, 6, 3, 16, 0, 0)}


def test_an_unreadable_source_date_epoch_is_one_line(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(FilingsError) as info:
        source_date_epoch()
    assert str(info.value) == ("SOURCE_DATE_EPOCH='yesterday' is not a whole number of seconds since 1970; "
                               "fix it or unset it")


def test_a_pdf_gets_the_time_an_id_from_its_content_and_no_checksum(tmp_path, monkeypatch):
    """What LibreOffice writes that changes from run to run: dates, a random /ID, /DocChecksum, XMP."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    paths = []
    for n in range(2):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.docinfo["/CreationDate"] = f"D:2026112800401{n}Z'"
        pdf.trailer["/DocChecksum"] = pikepdf.Name(f"/ABCDEF{n}")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["xmp:CreateDate"] = f"2026-11-28T00:40:1{n}Z"
            meta["xmpMM:InstanceID"] = f"uuid:random-{n}"
        path = tmp_path / f"{n}.pdf"
        pdf.save(path)  # a random /ID
        paths.append(path)
        normalize_pdf(path, dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with pikepdf.open(paths[0]) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == "D:20240603000000Z"
        assert "/DocChecksum" not in pdf.trailer
        assert bytes(pdf.trailer.ID[0]) == bytes(pdf.trailer.ID[1])
        meta = pdf.open_metadata()
        assert meta["xmp:CreateDate"] == "2024-06-03T00:00:00Z" and meta["xmpMM:InstanceID"].startswith("uuid:")
