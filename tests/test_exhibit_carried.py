"""What an exhibit carries that cannot be filed (issue 20): each embedded file removed leaves a
page naming it, and fonts the exhibit does not embed are a warning naming it. Bundle-only
builds: no LibreOffice."""
from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from filings.pipeline.builder import build

from test_bundle_versions import fonts_of
from test_exhibit_safety import facts_with, pdftotext


def letter(path: Path, *texts: str) -> Path:
    canvas = Canvas(str(path), pagesize=LETTER)
    for text in texts:
        canvas.drawString(72, 700, text)
        canvas.showPage()
    canvas.save()
    return path


def with_attachments(path: Path) -> Path:
    """Two pages; an invoice in the document's list of embedded files, a photo as an annotation."""
    letter(path, "EMAIL PAGE ONE", "EMAIL PAGE TWO")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.attachments["invoice.xlsx"] = pikepdf.AttachedFileSpec(pdf, b"x" * 48213, filename="invoice.xlsx")
        spec = pikepdf.AttachedFileSpec(pdf, b"y" * 1500, filename="photo\u202e.jpg")
        pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([400, 700, 420, 720]), FS=spec.obj))]))
        pdf.save(path)
    return path


def run(folder: Path, exhibits: list[dict]):
    return build(facts_with(folder, exhibits), folder / "out", papers=False, force=True)


def test_each_removed_attachment_leaves_a_page_naming_it_after_the_exhibits_pages(tmp_path):
    with_attachments(tmp_path / "email.pdf")
    result = run(tmp_path, [{"id": "email", "title": "E-mail", "file": "email.pdf"}])
    (b,) = result.bundle.exhibits
    assert b.pages == 4
    path = result.bundle.path
    first = b.first_page + 1
    assert pdftotext(path, first).startswith("EMAIL PAGE ONE")
    assert pdftotext(path, first + 1).startswith("EMAIL PAGE TWO")
    placeholders = [pdftotext(path, first + 2), pdftotext(path, first + 3)]
    assert placeholders[0].startswith("ATTACHMENT REMOVED Attachment removed: invoice.xlsx (48,213 bytes) — the "
                                      "file attached to this exhibit was not filed")
    assert placeholders[1].startswith("ATTACHMENT REMOVED Attachment removed: photo .jpg (1,500 bytes)")
    assert all(" RSI" in p for p in placeholders)  # Bates-numbered like every page of the exhibit
    (own,) = b.files
    assert len(PdfReader(own).pages) == 5  # its cover, its two pages, two placeholders
    with pikepdf.open(path) as pdf:
        assert len(pdf.attachments) == 0
    assert all(embedded for n, _, embedded in fonts_of(path) if n >= first + 2)


def test_a_pdf_without_attachments_gets_no_placeholder(tmp_path):
    letter(tmp_path / "plain.pdf", "PLAIN")
    result = run(tmp_path, [{"id": "plain", "title": "Plain", "file": "plain.pdf"}])
    assert result.bundle.exhibits[0].pages == 1


def unembedded(path: Path) -> Path:
    """One page whose text is in Arial, named and not embedded."""
    letter(path, "ARIAL TEXT")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        fonts = page.obj.Resources.Font
        for key in list(fonts.keys()):
            fonts[key] = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.TrueType,
                                                      BaseFont=Name("/Arial-BoldMT"), Encoding=Name.WinAnsiEncoding))
        pdf.save(path)
    return path


def test_an_exhibit_with_fonts_it_does_not_embed_is_a_warning_naming_it(tmp_path):
    unembedded(tmp_path / "arial.pdf")
    letter(tmp_path / "standard.pdf", "HELVETICA TEXT")  # reportlab's Helvetica: a standard font, not embedded
    result = run(tmp_path, [{"id": "arial", "title": "Arial", "file": "arial.pdf"},
                            {"id": "standard", "title": "Standard", "file": "standard.pdf"}])
    assert [w for w in result.warnings if "not embedded" in w] == [
        f"exhibit 'arial' ({tmp_path / 'arial.pdf'}): 1 font not embedded (Arial-BoldMT); a reader without them "
        "shows the text in another font: make the PDF again with its fonts embedded (print it to PDF, or save "
        "it as PDF/A)"]
