"""True redaction (issue 20): what is under an area of a page is removed, not covered: its text
is gone from the page (the rest stays), the pixels of an image under it are black in the image
itself, a shape drawn under it is gone, and the area renders black. Bundle-only builds."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from filings.errors import FactsError, PdfError
from filings.exhibits.stamps import _layout
from filings.pipeline.builder import build

from test_exhibit_safety import facts_with

# The area, from the top left of the page: 1 in from the left, 3 in down, 5 in wide, 1 in high.
AREA = ["1in", "3in", "6in", "4in"]
TOP = 792.0


def exhibit(path: Path, picture: Path) -> Path:
    """Page 1: a line above the area, a secret and a word to its right inside and beside the area,
    a line below; a red photo half under the area; a green square wholly under it. Page 2: the same
    secret, not redacted."""
    Image.new("RGB", (200, 100), (220, 30, 30)).save(picture)
    canvas = Canvas(str(path), pagesize=LETTER)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, TOP - 2.5 * 72, "ABOVE THE AREA")
    canvas.drawString(90, TOP - 3.5 * 72, "SECRET 123-45-6789")
    canvas.drawString(7 * 72, TOP - 3.5 * 72, "BESIDE")
    canvas.drawString(72, TOP - 4.5 * 72, "BELOW THE AREA")
    canvas.drawImage(ImageReader(str(picture)), 4 * 72, TOP - 3.75 * 72, width=3 * 72, height=0.5 * 72)
    canvas.setFillColorRGB(0.1, 0.7, 0.2)
    canvas.rect(300, TOP - 3.9 * 72, 20, 20, stroke=0, fill=1)
    canvas.showPage()
    canvas.setFont("Helvetica", 12)
    canvas.drawString(90, TOP - 3.5 * 72, "SECRET 123-45-6789")
    canvas.showPage()
    canvas.save()
    return path


@pytest.fixture(scope="module")
def redacted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redact")
    exhibit(folder / "letter.pdf", folder / "photo.png")
    facts = facts_with(folder, [{"id": "letter", "title": "Letter", "file": "letter.pdf",
                                 "redact": [{"page": 1, "box": AREA}]}])
    result = build(facts, folder / "out", papers=False, force=True)
    (b,) = result.bundle.exhibits
    return result, b


def page_text(path: Path, n: int) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        return pdf[n].get_textpage().get_text_range()
    finally:
        pdf.close()


def test_the_text_under_the_area_is_gone_and_the_rest_stays(redacted):
    result, b = redacted
    text = page_text(result.bundle.path, b.first_page + 1)
    assert "SECRET" not in text and "6789" not in text
    for kept in ("ABOVE THE AREA", "BELOW THE AREA", "BESIDE"):
        assert kept in text
    assert "SECRET 123-45-6789" in page_text(result.bundle.path, b.first_page + 2)  # page 2 is not redacted


def _streams(path: Path) -> list[bytes]:
    with pikepdf.open(path) as pdf:
        out = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    out.append(obj.read_bytes())
                except pikepdf.PdfError:
                    out.append(obj.read_raw_bytes())
        return out


def test_the_secret_is_in_no_stream_of_the_exhibits_own_file_but_page_two(redacted):
    _, b = redacted
    (own,) = b.files
    with pikepdf.open(own) as pdf:
        first = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[1]))
        second = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[2]))
    assert b"SECRET" not in first and b"6789" not in first and b"BESIDE" in first
    assert b"SECRET" in second


def _images(path: Path, n: int) -> list[Image.Image]:
    with pikepdf.open(path) as pdf:
        return [pikepdf.PdfImage(image).as_pil_image().convert("RGB")
                for image in pdf.pages[n].get_images().values()]


def test_the_pixels_of_the_image_under_the_area_are_black_in_the_image_itself(redacted):
    _, b = redacted
    (own,) = b.files
    (image,) = _images(own, 1)
    w, h = image.size
    # the photo spans 4 to 7 in; the area ends at 6 in: its left two thirds are black, the rest red
    assert image.getpixel((w // 3, h // 2)) == (0, 0, 0)
    assert image.getpixel((w - 3, h // 2)) == (220, 30, 30)


def test_the_shape_under_the_area_is_gone(redacted):
    _, b = redacted
    (own,) = b.files
    with pikepdf.open(own) as pdf:
        ops = pikepdf.parse_content_stream(pdf.pages[1])
    rects = [[float(v) for v in operands] for operands, op in ops if str(op) == "re"]
    assert [300.0, TOP - 3.9 * 72, 20.0, 20.0] not in rects


def test_the_area_renders_black_and_the_page_around_it_does_not(redacted, tmp_path):
    _, b = redacted
    (own,) = b.files
    pdf = pdfium.PdfDocument(own)
    try:
        picture = pdf[1].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    _, page_h, (scale, _, _, _, dx, dy), _ = _layout(612.0, 792.0, "bottom-right")

    def pixel(x: float, y_from_top: float) -> int:  # a point of the source page, on the bundle page
        return picture.getpixel((int(dx + x * scale), int(page_h - (dy + (TOP - y_from_top) * scale))))

    for x in (80, 200, 300, 420):
        for y in (3.1 * 72, 3.5 * 72, 3.9 * 72):
            assert pixel(x, y) < 16, (x, y)
    assert pixel(6.5 * 72, 2.9 * 72) > 200  # above the photo, right of the area: the white page
    assert 50 < pixel(6.6 * 72, 3.5 * 72) < 200  # the photo right of the area: still red
    assert pixel(300, 2 * 72) > 200


def test_a_page_the_file_does_not_have_is_an_error_naming_the_exhibit(tmp_path):
    exhibit(tmp_path / "letter.pdf", tmp_path / "photo.png")
    facts = facts_with(tmp_path, [{"id": "letter", "title": "Letter", "file": "letter.pdf",
                                   "redact": [{"page": 3, "box": [0, 0, 72, 72]}]}])
    with pytest.raises(PdfError) as info:
        build(facts, tmp_path / "out", papers=False, force=True)
    assert "exhibit 'letter'" in str(info.value) and "redact names page 3, but the file has 2 pages" in str(info.value)


def test_a_box_that_is_not_a_length_is_a_facts_error(tmp_path):
    exhibit(tmp_path / "letter.pdf", tmp_path / "photo.png")
    facts = facts_with(tmp_path, [{"id": "letter", "title": "Letter", "file": "letter.pdf",
                                   "redact": [{"page": 1, "box": [0, 0, "two inches", 72]}]}])
    with pytest.raises(FactsError) as info:
        build(facts, tmp_path / "out", papers=False, force=True)
    assert "'two inches' is not a length" in str(info.value)
