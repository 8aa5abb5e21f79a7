"""OCR as a paralegal needs it: only the pages without text, in the scan's language, read
straight from a skewed scan while the page's image stays a true copy, and failures in one
line naming the exhibit. Real OCRmyPDF and Tesseract on real rendered scans."""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import img2pdf
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from filings.errors import PdfError
from filings.exhibits.cleanup import open_exhibit
from filings.exhibits.exhibit import ExhibitPdf
from filings.exhibits.ocr import Ocr
from filings.limits import Limits

pytestmark = pytest.mark.e2e

ENGLISH = [f"Line {n}: the antidumping duty order on steel nails applies" for n in range(1, 13)]
GERMAN = ["Die Zollbehörde prüft die Einfuhranmeldung für Glühlampen.",
          "Größere Sendungen müssen schriftlich angemeldet werden."]


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True,
                          check=True).stdout
    return ImageFont.truetype(path, size)


def scan_image(lines: list[str], skew: float = 0.0) -> Image.Image:
    """A Letter page at 200 dpi as a scanner sees it: the lines as grey pixels, turned by ``skew`` degrees."""
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((150, 250 + 90 * n), line, font=_font(40), fill=0)
    if skew:
        image = image.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
    return image


def scan_pdf(path: Path, lines: list[str], skew: float = 0.0) -> Path:
    png = path.with_suffix(".png")
    scan_image(lines, skew).save(png, dpi=(200, 200))
    path.write_bytes(img2pdf.convert(str(png), nodate=True))
    png.unlink()
    return path


def exhibit(path: Path, id_: str = "scan") -> ExhibitPdf:
    return ExhibitPdf(id=id_, mark="1", title="Scan", date="", short_date="", description="", pdf=path,
                      source=Path("exhibits") / path.name)


def texts(pdf: pikepdf.Pdf, folder: Path) -> list[str]:
    """Each page's text as PDFium reads it, from ``pdf`` saved."""
    saved = folder / "saved.pdf"
    pdf.save(saved)
    doc = pdfium.PdfDocument(str(saved))
    try:
        return [doc[n].get_textpage().get_text_bounded() for n in range(len(doc))]
    finally:
        doc.close()


def image_hashes(page: pikepdf.Page) -> dict[str, str]:
    """sha256 of the raw (encoded) bytes of every image XObject the page draws itself."""
    xobjects = page.obj.Resources.get("/XObject", {})
    return {str(k): hashlib.sha256(v.read_raw_bytes()).hexdigest() for k, v in xobjects.items()
            if v.get("/Subtype") == "/Image"}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "filings" / "ocr"


def mixed_pdf(tmp_path: Path) -> Path:
    """Page 1 typed (text), page 2 a scan (an image, no text)."""
    typed = tmp_path / "typed.pdf"
    canvas = Canvas(str(typed), pagesize=LETTER, invariant=1)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 700, "A typed page whose text is already there")
    canvas.showPage()
    canvas.save()
    scanned = scan_pdf(tmp_path / "scanned.pdf", ENGLISH[:3])
    with pikepdf.open(typed) as one, pikepdf.open(scanned) as two:
        one.pages.extend(two.pages)
        one.save(tmp_path / "mixed.pdf")
    return tmp_path / "mixed.pdf"


def test_only_the_page_without_text_is_read_and_the_typed_page_is_untouched(tmp_path, cache):
    mixed = mixed_pdf(tmp_path)
    with pikepdf.open(mixed) as before:
        typed_content = before.pages[0].obj.Contents.read_bytes()
        typed_keys = set(before.pages[0].obj.keys())
        scan_images = image_hashes(before.pages[1])
    warnings: list[str] = []
    with Ocr(warnings.append, matter=tmp_path) as reader:
        pdf, _ = open_exhibit(exhibit(mixed), warnings.append, reader)
    with pdf:
        assert warnings == []
        page_one, page_two = texts(pdf, tmp_path)
        assert page_one.strip() == "A typed page whose text is already there"
        assert pdf.pages[0].obj.Contents.read_bytes() == typed_content  # not OCR'd, not rewritten
        assert set(pdf.pages[0].obj.keys()) == typed_keys
        assert "antidumping" in page_two
        assert image_hashes(pdf.pages[1]) == scan_images  # the scan's image is the same bytes
    (made,) = cache.rglob("*.pdf")
    with pikepdf.open(made) as ocred:
        assert len(ocred.pages) == 1, "OCRmyPDF was given the typed page too"


def test_a_german_scan_is_read_in_german(tmp_path, cache):
    scan = scan_pdf(tmp_path / "bescheid.pdf", GERMAN)
    warnings: list[str] = []
    with Ocr(warnings.append, matter=tmp_path, languages=["deu"]) as reader:
        pdf, _ = open_exhibit(exhibit(scan), warnings.append, reader)
    with pdf:
        (text,) = texts(pdf, tmp_path)
    assert warnings == []
    for word in ("Zollbehörde", "prüft", "Glühlampen", "Größere", "müssen"):
        assert word in text, text


def test_a_language_whose_data_is_missing_is_one_line_naming_the_package(tmp_path, cache):
    scan = scan_pdf(tmp_path / "scan.pdf", ENGLISH[:1])
    with Ocr(lambda _: None, matter=tmp_path, languages=["tlh"]) as reader, pytest.raises(PdfError) as info:
        open_exhibit(exhibit(scan), lambda _: None, reader)
    message = str(info.value)
    assert message == ("OCR language 'tlh' is not installed: install tesseract-ocr-tlh (sudo apt-get install "
                       "tesseract-ocr-tlh) or change settings.ocr.languages in the facts")


def test_deskew_reads_a_skewed_scan_and_leaves_its_image_bytes_as_they_were(tmp_path, cache):
    scan = scan_pdf(tmp_path / "skewed.pdf", ENGLISH, skew=3.0)
    with pikepdf.open(scan) as before:
        original = image_hashes(before.pages[0])
        content = before.pages[0].obj.Contents.read_bytes()
    warnings: list[str] = []
    with Ocr(warnings.append, matter=tmp_path, deskew=True) as reader:
        pdf, _ = open_exhibit(exhibit(scan), warnings.append, reader)
    with pdf:
        (text,) = texts(pdf, tmp_path)
        assert image_hashes(pdf.pages[0]) == original, "the scan's image was rewritten"
        streams = pdf.pages[0].obj.Contents
        assert any(s.read_bytes() == content for s in (streams if isinstance(streams, pikepdf.Array) else [streams]))
    assert warnings == []
    found = sum("antidumping" in line for line in text.splitlines())
    assert found >= 10, text  # of 12 lines


def test_an_ocr_failure_is_one_line_naming_the_exhibit_without_python_internals(tmp_path, cache):
    scan = scan_pdf(tmp_path / "scan.pdf", ENGLISH[:2])
    warnings: list[str] = []
    # a bound on image size OCRmyPDF enforces itself: it refuses the page, as on a real oversized scan
    with Ocr(warnings.append, Limits(image_pixels=1000), matter=tmp_path) as reader:
        pdf, _ = open_exhibit(exhibit(scan), warnings.append, reader)
    pdf.close()
    assert len(warnings) == 1, warnings
    (line,) = warnings
    assert "\n" not in line
    assert line.startswith("exhibit 'scan' (exhibits/scan.pdf): OCR failed (")
    assert line.endswith("); the exhibit is bundled without a text layer")
    for internal in ("Traceback", "File \"", "Error:", "Exception", ".py", "ocrmypdf."):
        assert internal not in line, line


def test_the_same_scan_in_two_files_is_read_once(tmp_path, cache):
    scan = scan_pdf(tmp_path / "scan.pdf", ENGLISH[:2])
    again = tmp_path / "again.pdf"
    again.write_bytes(scan.read_bytes() + b"\n% the same scan, filed again in another file\n")
    for path in (scan, again):
        warnings: list[str] = []
        with Ocr(warnings.append, matter=tmp_path) as reader:
            pdf, _ = open_exhibit(exhibit(path), warnings.append, reader)
        with pdf:
            assert "antidumping" in texts(pdf, tmp_path)[0]
        assert warnings == []
    assert len(list(cache.rglob("*.pdf"))) == 1


def test_the_build_reads_scans_in_the_languages_of_settings_ocr(tmp_path, cache):
    import yaml

    from filings.pipeline.builder import build
    from test_exhibit_safety import facts_with

    scan_pdf(tmp_path / "bescheid.pdf", GERMAN)
    facts = facts_with(tmp_path, [{"id": "bescheid", "title": "Der Bescheid", "file": "bescheid.pdf"}], ocr=True)
    data = yaml.safe_load(facts.read_text(encoding="utf-8"))
    data.setdefault("settings", {})["ocr"] = {"languages": ["deu"], "deskew": False}
    facts.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = build(facts, tmp_path / "out", papers=False)
    assert result.warnings == []
    bundle = tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf"
    text = subprocess.run(["pdftotext", str(bundle), "-"], capture_output=True, text=True, check=True).stdout
    assert "Glühlampen" in text and "Zollbehörde" in text, text


def test_a_scan_gets_the_same_bytes_every_build(tmp_path, cache):
    scan = scan_pdf(tmp_path / "scan.pdf", ENGLISH[:2])
    made = []
    for n in range(2):
        with Ocr(lambda _: None, matter=tmp_path) as reader:
            pdf, _ = open_exhibit(exhibit(scan), lambda _: None, reader)
        with pdf:
            pdf.save(tmp_path / f"{n}.pdf", deterministic_id=True)
        made.append((tmp_path / f"{n}.pdf").read_bytes())
    assert made[0] == made[1]


def test_a_scan_turned_by_its_rotate_entry_is_read(tmp_path, cache):
    scan = scan_pdf(tmp_path / "scan.pdf", ENGLISH[:3])
    image = scan_image(ENGLISH[:3]).rotate(90, expand=True)  # scanned sideways, shown upright by /Rotate
    image.save(tmp_path / "side.png", dpi=(200, 200))
    scan.write_bytes(img2pdf.convert(str(tmp_path / "side.png"), nodate=True))
    with pikepdf.open(scan, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(scan)
    with Ocr(lambda _: None, matter=tmp_path) as reader:
        pdf, _ = open_exhibit(exhibit(scan), lambda _: None, reader)
    with pdf:
        (text,) = texts(pdf, tmp_path)
        assert int(pdf.pages[0].obj.Rotate) == 90
    assert sum("antidumping" in line for line in text.splitlines()) == 3, text


def test_copies_of_a_scan_bundled_by_two_workers_are_all_searchable_from_one_cache_entry(tmp_path, cache):
    """(The workers take turns on a scan's pages: Ocr.lock; the second finds the first's result.)"""
    from filings.exhibits.bundle import make_bundle
    from filings.exhibits.exhibit import BatesStyle

    scan = scan_pdf(tmp_path / "scan.pdf", ENGLISH[:2])
    copies = []
    for n in range(8):
        copy = tmp_path / f"copy-{n}.pdf"
        copy.write_bytes(scan.read_bytes() + b"\n%% copy %d\n" % n)
        copies.append(exhibit(copy, f"copy{n}"))
    warnings: list[str] = []
    result = make_bundle(copies, tmp_path / "out", bates=BatesStyle(), heading="INDEX", caption=[], size_limit_mb=35,
                         warn=warnings.append, ocr=True, matter=tmp_path, jobs=2)
    assert warnings == []
    assert len(list(cache.rglob("*.pdf"))) == 1
    doc = pdfium.PdfDocument(str(result.path))
    try:
        found = [doc[n].get_textpage().get_text_bounded() for n in range(len(doc))]
    finally:
        doc.close()
    assert sum("antidumping" in text for text in found) == 8
