"""The redline PDF as a reviewer reads it, on documents of our own (python-docx), the real
redline engine and the real LibreOffice: a formatting-only change marks only the words whose
format changed; a changed number is a changed whole word, struck before its replacement; with
the LibreOffice engine a warning says formatting-only changes are not shown."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from filings.review.marked import display_docx
from filings.review.redline import Pair, redline_all, redline_pdfs
from test_redline_steps import coloured_words, pdftext

pytestmark = pytest.mark.e2e

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)
BEFORE = "Plaintiff asked the agency twice in writing to identify the violations on which it relied."
AFTER = "The agency has not answered, and the suspension remains in place."


def paper(path: Path, *, bold: bool = False, day: str = "20", exhibit: str = "2") -> Path:
    made = docx.Document()
    made.add_paragraph(BEFORE)
    p = made.add_paragraph("The agency suspended Plaintiff ")
    p.add_run("without any notice").bold = bold
    p.add_run(f" on May {day}, 2024, as Exhibit {exhibit} shows, and kept the suspension in place.")
    for n in range(3):
        made.add_paragraph(f"Numbered allegation {n + 1} of the complaint.", style="List Number")
    made.add_paragraph(AFTER)
    made.save(path)
    return path


@pytest.fixture(scope="module")
def converter():
    from filings.convert.pool import Pool

    return Pool()


def test_a_bold_only_change_marks_only_the_words_made_bold(tmp_path, converter):
    old, new = paper(tmp_path / "old.docx"), paper(tmp_path / "new.docx", bold=True)
    docx_of = redline_all([Pair("motion", old, new)], tmp_path / "redline", when=WHEN)
    with zipfile.ZipFile(docx_of["motion"]) as z:
        assert "<w:rPrChange" in z.read("word/document.xml").decode()  # the tracked change itself

    changes = display_docx(docx_of["motion"], tmp_path / "display.docx")
    assert [(c.kind, c.inserted, c.note) for c in changes] == [
        ("format", "without any notice", "format changed: bold added")]
    with zipfile.ZipFile(tmp_path / "display.docx") as z:
        root = etree.fromstring(z.read("word/document.xml"))
    assert not list(root.iter(f"{W}ins", f"{W}del", f"{W}rPrChange"))  # a plain document: nothing tracked
    marked = {"".join(r.itertext()) for r in root.iter(f"{W}r") if r.find(f"{W}rPr/{W}u") is not None}
    assert marked == {"without any notice"}
    run = next(r for r in root.iter(f"{W}r") if "".join(r.itertext()) == "without any notice")
    assert run.find(f"{W}rPr/{W}b") is not None and run.find(f"{W}rPr/{W}u").get(f"{W}val") == "double"
    barred = ["".join(p.itertext()) for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}pBdr/{W}left") is not None]
    assert len(barred) == 1 and "without any notice" in barred[0]  # the change bar: that paragraph alone

    pdf = redline_pdfs(docx_of, converter, versions=("v1", "v2"))["motion"]
    cover = pdftext(pdf, 1)
    assert re.search(r"1\.\s+page 2\s+“without any notice”: bold added", cover), cover
    stretches = coloured_words(pdf, 2)
    assert [s for s in stretches if s[1] != "plain"] == [("without any notice", "formatted")]
    assert any(text.endswith("The agency suspended Plaintiff") for text, kind in stretches if kind == "plain")
    assert any(text.startswith("on May 20, 2024") for text, kind in stretches if kind == "plain")
    assert re.search(r"1\.\s+Numbered allegation 1", pdftext(pdf, 2))


def test_a_changed_number_is_a_changed_word_struck_before_its_replacement(tmp_path, converter):
    """"May 20" made "May 21" and "Exhibit 2" made "Exhibit 3": the old number struck, then the
    new one, each a whole word, never "2021" or "Exhibit 32"."""
    old, new = paper(tmp_path / "old.docx"), paper(tmp_path / "new.docx", day="21", exhibit="3")
    docx_of = redline_all([Pair("complaint", old, new)], tmp_path / "redline", when=WHEN)
    pdf = redline_pdfs(docx_of, converter)["complaint"]
    text = " ".join(pdftext(pdf, 2).split())
    assert "on May 20 21, 2024, as Exhibit 2 3 shows" in text, text
    stretches = coloured_words(pdf, 2)
    assert [s for s in stretches if s[1] != "plain"] == [("20", "deleted"), ("21", "inserted"),
                                                         ("2", "deleted"), ("3", "inserted")]
    cover = " ".join(pdftext(pdf, 1).split())
    assert "1. page 2 …notice on May “20” → “21”, 2024, as… 2. page 2 …2024, as Exhibit “2” → “3” shows, and kept…" \
        in cover, cover
    assert "Old version: the old version New version: the new version" in cover


def test_the_libreoffice_engine_warns_that_formatting_changes_are_not_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("FILINGS_REDLINE_ENGINE", "libreoffice")
    old, new = paper(tmp_path / "old.docx"), paper(tmp_path / "new.docx", bold=True, day="21")
    warnings: list[str] = []
    docx_of = redline_all([Pair("motion", old, new)], tmp_path / "redline", when=WHEN, warn=warnings.append)
    assert warnings == ["FILINGS_REDLINE_ENGINE=libreoffice: comparing with LibreOffice, which does not show "
                        "formatting-only changes (a word made bold)"]
    with zipfile.ZipFile(docx_of["motion"]) as z:
        xml = z.read("word/document.xml").decode()
    assert "<w:del " in xml and "<w:ins " in xml  # the date is compared
