"""Exhibit inputs made by real producers, run through the real bundle build.

Every input is made here, in a temporary folder: PDFs drawn with reportlab, edited with
pikepdf (rotation, encryption, attachments, scripts, outlines, links), images drawn with
Pillow, Word files written with python-docx and converted by LibreOffice. The bundle is
then checked the way a paralegal would: page sizes, upright pages, Bates numbers on every
page, nothing hidden under a stamp, forms flattened, scripts and attachments gone, links
kept, and clear errors for files that cannot be used.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from PIL import Image, ImageChops, ImageDraw, ImageStat
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LEGAL, LETTER, landscape
from reportlab.pdfgen.canvas import Canvas

from filings.convert.libreoffice import LibreOffice
from filings.errors import ConversionError, FactsError, PdfError
from filings.pipeline.builder import build

from conftest import OTHER, line_of

PREFIX, DIGITS = "RSI", 5  # the other matter's bundle settings


# --------------------------------------------------------------------------- producers

def draw_pdf(path: Path, pages: list[tuple[tuple[float, float], str]]) -> Path:
    """A PDF with one page per (size, text); the text is drawn in the middle of the page."""
    canvas = Canvas(str(path), pagesize=pages[0][0])
    for size, text in pages:
        canvas.setPageSize(size)
        canvas.setFont("Helvetica", 16)
        canvas.drawString(72, size[1] / 2, text)
        canvas.showPage()
    canvas.save()
    return path


def black_pdf(path: Path, size=LETTER, cropbox=None) -> Path:
    """One page filled edge to edge with black (and, optionally, a smaller CropBox)."""
    canvas = Canvas(str(path), pagesize=size)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(0, 0, size[0], size[1], fill=1, stroke=0)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont("Helvetica", 16)
    canvas.drawString(200, size[1] / 2, "BLACK PAGE")
    canvas.showPage()
    canvas.save()
    if cropbox is not None:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.pages[0].obj.CropBox = Array(list(cropbox))
            pdf.save(path)
    return path


ROTATIONS = [(90, "ROTATED"), (180, "UPSIDE DOWN"), (270, "TURNED LEFT")]


def rotated_pdf(path: Path) -> Path:
    """Portrait Letter pages with /Rotate 90, 180 and 270; text and a square off-centre."""
    canvas = Canvas(str(path), pagesize=LETTER)
    for _, text in ROTATIONS:
        canvas.setFont("Helvetica", 28)
        canvas.drawString(72, 650, text)
        canvas.rect(400, 100, 120, 80, fill=1, stroke=0)
        canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page, (angle, _) in zip(pdf.pages, ROTATIONS):
            page.Rotate = angle
        pdf.save(path)
    return path


def form_pdf(path: Path, value: str) -> Path:
    canvas = Canvas(str(path), pagesize=LETTER)
    canvas.setFont("Helvetica", 14)
    canvas.drawString(72, 720, "FORM PAGE")
    canvas.acroForm.textfield(name="entry_number", value=value, x=72, y=600, width=300, height=24,
                              fontName="Helvetica", fontSize=12, borderWidth=1)
    canvas.showPage()
    canvas.save()
    return path


def javascript(code: str) -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code))


def active_pdf(path: Path) -> Path:
    """Three pages with an outline, a link from page 1 to page 2, an attachment and scripts."""
    draw_pdf(path, [(LETTER, "ACTIVE ONE"), (LETTER, "ACTIVE TWO"), (LETTER, "ACTIVE THREE")])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        one, two = pdf.pages[0], pdf.pages[1]
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Part 1", 0))
            outline.root.append(pikepdf.OutlineItem("Part 2", 1))
        pdf.attachments["x.txt"] = pikepdf.AttachedFileSpec(pdf, b"data")
        script = pdf.make_indirect(javascript("app.alert('named');"))
        pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("hello"), script]))
        pdf.Root.OpenAction = pdf.make_indirect(javascript("app.alert('open');"))
        link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 700, 272, 720]),
                                            Border=Array([0, 0, 0]), Dest=Array([two.obj, Name.Fit])))
        script_link = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 650, 272, 670]),
            A=javascript("app.alert('clicked');")))
        spec = pikepdf.AttachedFileSpec(pdf, b"secret payload", filename="payload.txt")
        clip = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment,
                                            Rect=Array([400, 700, 420, 720]), FS=spec.obj,
                                            Contents=String("payload")))
        one.obj.Annots = pdf.make_indirect(Array([link, script_link, clip]))
        one.obj.AA = Dictionary(O=javascript("app.alert('page open');"))
        pdf.save(path)
    return path


def encrypted_pdf(path: Path, text: str, password: str = "secret") -> Path:
    plain = draw_pdf(path.with_name(path.stem + "-plain.pdf"), [(LETTER, text)])
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user=password))
    plain.unlink()
    return path


def image(path: Path, mode: str = "RGB", frames: int = 1, size=(850, 1100)) -> Path:
    colors = [(200, 30, 30), (30, 160, 30), (30, 30, 200)]
    pictures = []
    for n in range(frames):
        color = colors[n % 3] + ((128,) if mode == "RGBA" else ())
        picture = Image.new(mode, size, color)
        ImageDraw.Draw(picture).rectangle([50, 50, 300, 200], fill="white")
        pictures.append(picture)
    pictures[0].save(path, save_all=frames > 1, append_images=pictures[1:])
    return path


def phone_photo(path: Path) -> Path:
    """A landscape JPEG, black in its top-left corner, that says (EXIF orientation 6) it must be
    turned 90 degrees clockwise to be seen: a portrait photo, black in its top-right corner."""
    picture = Image.new("RGB", (800, 400), "white")
    ImageDraw.Draw(picture).rectangle([0, 0, 199, 99], fill="black")
    exif = Image.Exif()
    exif[0x0112] = 6
    picture.save(path, exif=exif)
    return path


def word(path: Path, paragraphs: list[str], landscape_tail: str | None = None) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if landscape_tail:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        doc.add_paragraph(landscape_tail)
    doc.save(path)
    return path


# --------------------------------------------------------------------------- facts and checks

def write_facts(folder: Path, exhibits: list[dict], name: str = "facts.yaml") -> Path:
    """The other matter's facts with ``exhibits`` in place of its own (and nothing citing them)."""
    data = yaml.safe_load(OTHER.read_text(encoding="utf-8"))
    for section in ("events", "requests"):
        for item in data[section]:
            item.pop("exhibit", None)
    data["exhibits"] = exhibits
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_texts(path: Path) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(path).pages]


def bates(n: int) -> str:
    return f"{PREFIX}{n:0{DIGITS}d}"


def exhibit_pages(result, exhibit_id: str) -> range:
    """0-based bundle pages of an exhibit's own pages (its cover excluded)."""
    b = next(b for b in result.bundle.exhibits if b.exhibit.id == exhibit_id)
    return range(b.first_page + 1, b.first_page + 1 + b.pages)


def size(page) -> tuple[float, float]:
    box = page.mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


def forbidden(path: Path) -> list[str]:
    """Every script, action hook, embedded file or file attachment left in the PDF."""
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        seen: set = set()

        def walk(obj, where: str) -> None:
            if isinstance(obj, (Dictionary, pikepdf.Stream)):
                if obj.is_indirect:
                    if obj.objgen in seen:
                        return
                    seen.add(obj.objgen)
                for key in obj.keys():
                    value = obj.get(key)
                    if key in ("/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/AA", "/OpenAction"):
                        found.append(f"{where}{key}")
                    if key in ("/S", "/Subtype") and value in (Name.JavaScript, Name.FileAttachment,
                                                               Name.Launch):
                        found.append(f"{where}{key} {value}")
                    walk(value, f"{where}{key}")
            elif isinstance(obj, Array):
                for n, item in enumerate(obj):
                    walk(item, f"{where}[{n}]")

        walk(pdf.trailer, "trailer")
        for obj in pdf.objects:
            walk(obj, f"obj{getattr(obj, 'objgen', '')}")
    return found


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def render(pdf: Path, page: int, out: Path) -> Image.Image:
    """Page ``page`` (0-based) of ``pdf`` rendered by poppler at 50 dpi."""
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(page + 1), "-l", str(page + 1), "-singlefile",
                    str(pdf), str(out)], check=True, capture_output=True, timeout=60)
    with Image.open(out.with_suffix(".png")) as picture:
        return picture.convert("L")


def where(facts: Path, file: str) -> str:
    return str((facts.parent / file).resolve())


# --------------------------------------------------------------------------- the good bundle

GOOD = [
    ("sizes", "Pages of every size", "in/sizes.pdf"),
    ("office_pdf", "A PDF saved by LibreOffice", "in/office.pdf"),
    ("rotated", "A page with /Rotate 90", "in/rotated.pdf"),
    ("black", "A page black to the edges", "in/black.pdf"),
    ("form", "A filled form", "in/form.pdf"),
    ("active", "A PDF with links, scripts and an attachment", "in/active.pdf"),
    ("png", "A PNG screenshot", "in/shot.png"),
    ("jpeg", "A JPEG photo", "in/photo.jpg"),
    ("tiff", "A three-page TIFF fax", "in/fax.tiff"),
    ("alpha", "A PNG with transparency", "in/alpha.png"),
    ("docx", "A Word letter", "in/letter.docx"),
    ("locked", "An encrypted PDF", "in/locked.pdf"),
    ("restricted", "A PDF with an owner password only", "in/restricted.pdf"),
    ("phone", "A phone photo turned by its EXIF tag", "in/phone.jpg"),
]
FORM_VALUE = "ENTRY 231-4567890-1"


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """One build of a bundle holding one exhibit of every kind; (folder, result, bundle path)."""
    base = tmp_path_factory.mktemp("good")
    inputs = base / "in"
    inputs.mkdir()
    draw_pdf(inputs / "sizes.pdf", [(LETTER, "LETTER PORTRAIT"), (landscape(LETTER), "LETTER LANDSCAPE"),
                                    (A4, "A4 PORTRAIT"), (LEGAL, "LEGAL PORTRAIT")])
    office = LibreOffice(profile_dir=base / "lo-profile")  # private: other runs may share the default
    made = office.convert([word(base / "office.docx", ["OFFICE PORTRAIT TEXT"],
                                       landscape_tail="OFFICE LANDSCAPE TEXT")], base / "lo")
    shutil.copyfile(made[0], inputs / "office.pdf")
    rotated_pdf(inputs / "rotated.pdf")
    black_pdf(inputs / "black.pdf")
    form_pdf(inputs / "form.pdf", FORM_VALUE)
    active_pdf(inputs / "active.pdf")
    image(inputs / "shot.png")
    image(inputs / "photo.jpg")
    image(inputs / "fax.tiff", frames=3)
    image(inputs / "alpha.png", mode="RGBA")
    word(inputs / "letter.docx", ["WORD LETTER TEXT", "Second paragraph of the letter."])
    encrypted_pdf(inputs / "locked.pdf", "LOCKED CONTENT")
    with pikepdf.open(draw_pdf(base / "restricted.pdf", [(LETTER, "RESTRICTED CONTENT")])) as pdf:
        pdf.save(inputs / "restricted.pdf", encryption=pikepdf.Encryption(
            owner="owner", user="", allow=pikepdf.Permissions(extract=False, modify_other=False)))
    phone_photo(inputs / "phone.jpg")
    exhibits = [{"id": i, "title": t, "file": f} for i, t, f in GOOD]
    next(e for e in exhibits if e["id"] == "locked")["password"] = "secret"
    facts = write_facts(base, exhibits)
    warnings: list[str] = []
    result = build(facts, base / "out", papers=False, warn=warnings.append, converter=office)
    assert warnings == result.warnings
    return base, result, base / "out" / "exhibits" / "exhibit-bundle.pdf"


def test_every_exhibit_is_in_the_bundle_in_order(good):
    base, result, path = good
    assert path.is_file() and result.bundle.path == path
    assert [b.exhibit.id for b in result.bundle.exhibits] == [i for i, _, _ in GOOD]
    pages = {b.exhibit.id: b.pages for b in result.bundle.exhibits}  # active: 3 and 2 attachment placeholders
    assert pages == {"sizes": 4, "office_pdf": 2, "rotated": 3, "black": 1, "form": 1, "active": 5,
                     "png": 1, "jpeg": 1, "tiff": 3, "alpha": 1, "docx": 1, "locked": 1,
                     "restricted": 1, "phone": 1}
    assert len(PdfReader(path).pages) == result.bundle.total_pages == \
        result.bundle.index_pages + sum(p + 1 for p in pages.values())


def test_bates_number_on_every_page_after_the_index_consecutive(good):
    _, result, path = good
    texts = page_texts(path)
    index = result.bundle.index_pages
    labels = PdfReader(path).page_labels
    assert labels[:index] == ["i", "ii", "iii"][:index]
    assert labels[index:] == [bates(n) for n in range(1, len(texts) - index + 1)]
    for n, text in enumerate(texts[index:], 1):
        assert re.findall(rf"{PREFIX}\d{{{DIGITS}}}", text)[-1:] == [bates(n)], f"bundle page {index + n - 1}"
    assert len(texts) - index == sum(b.pages + 1 for b in result.bundle.exhibits)
    for b in result.bundle.exhibits:
        assert b.first_bates == bates(b.first_page - index + 1)
        assert b.last_bates == bates(b.first_page - index + 1 + b.pages)


def test_every_page_keeps_its_size_and_orientation_and_its_text(good):
    _, result, path = good
    reader = PdfReader(path)
    texts = page_texts(path)
    expected = [(LETTER, "LETTER PORTRAIT"), (landscape(LETTER), "LETTER LANDSCAPE"), (A4, "A4 PORTRAIT"),
                (LEGAL, "LEGAL PORTRAIT")]
    for n, ((w, h), text) in zip(exhibit_pages(result, "sizes"), expected):
        page = reader.pages[n]
        assert size(page) == (round(w, 1), round(h, 1)), text
        assert "/Rotate" not in page and text in texts[n]
    landscape_page = reader.pages[exhibit_pages(result, "sizes")[1]]
    assert landscape_page.mediabox.width > landscape_page.mediabox.height
    office = exhibit_pages(result, "office_pdf")
    assert size(reader.pages[office[0]]) == (612.0, 792.0) and "OFFICE PORTRAIT TEXT" in texts[office[0]]
    assert size(reader.pages[office[1]]) == (792.0, 612.0) and "OFFICE LANDSCAPE TEXT" in texts[office[1]]


def test_a_rotated_page_is_turned_upright_and_stamped(good):
    _, result, path = good
    n = exhibit_pages(result, "rotated")[0]  # /Rotate 90
    page = PdfReader(path).pages[n]
    assert "/Rotate" not in page and page.rotation == 0
    assert size(page) == (792.0, 612.0)  # shown upright: the portrait page lies on its side
    text = flat(page.extract_text())
    assert "ROTATED" in text
    assert bates(n - result.bundle.index_pages + 1) in text
    with pikepdf.open(path) as pdf:
        assert "/Rotate" not in pdf.pages[n].obj


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean difference of two grey pictures of one size, 0 (same) to 255."""
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.parametrize("turn", range(len(ROTATIONS)), ids=[str(a) for a, _ in ROTATIONS])
def test_a_rotated_page_looks_as_it_did_in_a_viewer(good, tmp_path, turn):
    """poppler shows the original page with its /Rotate; the bundle page, upright, must show the
    same picture, only shrunk towards the top by the stamp band."""
    base, result, path = good
    angle, text = ROTATIONS[turn]
    n = exhibit_pages(result, "rotated")[turn]
    original = render(base / "in" / "rotated.pdf", turn, tmp_path / "original")
    bundled = render(path, n, tmp_path / "bundled")
    assert original.size == bundled.size == ((425, 550) if angle == 180 else (550, 425))
    width, height = original.size
    scale = (height * 72 / 50 - 30) / (height * 72 / 50)
    expected = Image.new("L", original.size, 255)
    expected.paste(original.resize((round(width * scale), round(height * scale))),
                   (round(width * (1 - scale) / 2), 0))
    top = (0, 0, width, height - 20)  # leave out the stamp band
    assert difference(expected.crop(top), bundled.crop(top)) < 2, angle
    assert difference(expected.rotate(180).crop(top), bundled.crop(top)) > 5  # a wrong turn shows
    assert text in flat(PdfReader(path).pages[n].extract_text())


def test_the_stamp_never_covers_content(good, tmp_path):
    _, result, path = good
    (n,) = exhibit_pages(result, "black")
    picture = render(path, n, tmp_path / "black")
    width, height = picture.size
    assert (width, height) == (425, 550)  # Letter at 50 dpi
    band = picture.crop((0, height - 20, width, height))
    left = band.crop((0, 0, width // 3, 20))
    assert left.getextrema() == (255, 255), "the page's content reaches into the stamp band"
    assert band.getextrema()[0] < 128, "the stamp is not drawn"
    assert picture.getpixel((width // 2, height // 2 - 40)) < 32, "the page's content is gone"
    assert bates(n - result.bundle.index_pages + 1) in flat(PdfReader(path).pages[n].extract_text())


def test_a_form_is_flattened_into_the_page(good):
    _, result, path = good
    (n,) = exhibit_pages(result, "form")
    assert FORM_VALUE in page_texts(path)[n]
    with pikepdf.open(path) as pdf:
        assert "/AcroForm" not in pdf.Root
        widgets = [a for page in pdf.pages for a in page.obj.get("/Annots", [])
                   if a.get("/Subtype") == Name.Widget]
        assert widgets == []
        assert not any(isinstance(o, Dictionary) and o.get("/FT") is not None for o in pdf.objects)


def test_scripts_and_attachments_are_removed_with_a_warning(good):
    base, result, path = good
    assert forbidden(path) == []
    active = where(base / "facts.yaml", "in/active.pdf")
    assert result.warnings == [f"exhibit 'active' ({active}): removed 4 scripts and 2 embedded files"]
    with pikepdf.open(path) as pdf:
        assert len(pdf.attachments) == 0
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                assert annot.get("/Subtype") in (Name.Link, None), annot.get("/Subtype")


def test_an_internal_link_still_leads_to_its_page(good):
    _, result, path = good
    first, second, *_ = exhibit_pages(result, "active")  # then ACTIVE THREE and the attachments' placeholders
    texts = page_texts(path)
    assert "ACTIVE ONE" in texts[first] and "ACTIVE TWO" in texts[second]
    with pikepdf.open(path) as pdf:
        pages = list(pdf.pages)
        links = [a for a in pages[first].obj.get("/Annots", []) if "/Dest" in a]
        assert len(links) == 1
        dest = links[0].Dest
        assert dest[0].objgen == pages[second].obj.objgen and dest[1] == Name.Fit
        # the link still sits over the text it covered: inside the page, above the stamp band
        x0, y0, x1, y1 = (float(v) for v in links[0].Rect)
        assert 0 < x0 < x1 < 612 and 30 < y0 < y1 < 792
    outline = PdfReader(path).outline
    reader = PdfReader(path)
    marks = [(item.title, reader.get_destination_page_number(item)) for item in outline
             if not isinstance(item, list)]
    assert marks[0] == ("INDEX OF EXHIBITS", 0)
    covers = {b.exhibit.id: b.first_page for b in result.bundle.exhibits}
    assert ("Exhibit F — A PDF with links, scripts and an attachment", covers["active"]) in marks


def test_images_become_pages(good):
    _, result, path = good
    reader = PdfReader(path)
    index = result.bundle.index_pages
    texts = page_texts(path)
    for exhibit, count in (("png", 1), ("jpeg", 1), ("tiff", 3), ("alpha", 1)):
        pages = exhibit_pages(result, exhibit)
        assert len(pages) == count, exhibit
        for n in pages:
            page = reader.pages[n]
            assert size(page) == (612.0, 792.0), exhibit
            assert page.images, f"{exhibit}: page {n} shows no image"
            assert bates(n - index + 1) in texts[n], exhibit


def test_a_phone_photo_is_turned_as_its_exif_tag_says(good, tmp_path):
    _, result, path = good
    (n,) = exhibit_pages(result, "phone")
    assert size(PdfReader(path).pages[n]) == (612.0, 792.0)
    picture = render(path, n, tmp_path / "phone")
    width, height = picture.size
    corners = {name: picture.crop(box).getextrema()[0] for name, box in (
        ("top-left", (0, 0, width // 3, height // 3)), ("top-right", (2 * width // 3, 0, width, height // 3)),
        ("bottom-left", (0, 2 * height // 3, width // 3, height - 30)))}
    assert corners["top-right"] < 64 and corners["top-left"] > 192 and corners["bottom-left"] > 192, corners


def test_a_word_exhibit_is_converted_in_the_build(good):
    _, result, path = good
    (n,) = exhibit_pages(result, "docx")
    assert "WORD LETTER TEXT" in page_texts(path)[n]
    assert "Second paragraph of the letter." in page_texts(path)[n]


def test_an_encrypted_exhibit_opens_with_its_password(good):
    _, result, path = good
    (n,) = exhibit_pages(result, "locked")
    assert "LOCKED CONTENT" in page_texts(path)[n]
    assert not PdfReader(path).is_encrypted


def test_a_pdf_with_only_an_owner_password_needs_none(good):
    _, result, path = good
    (n,) = exhibit_pages(result, "restricted")
    assert "RESTRICTED CONTENT" in page_texts(path)[n]


def test_the_stamp_sits_in_the_band_at_the_bottom_right_of_every_size(good, tmp_path):
    _, result, path = good
    for n in exhibit_pages(result, "sizes"):
        picture = render(path, n, tmp_path / f"page-{n}")
        width, height = picture.size
        band = picture.crop((0, height - 20, width, height))
        assert band.crop((0, 0, width // 2, 20)).getextrema() == (255, 255), n
        assert band.crop((width // 2, 0, width, 20)).getextrema()[0] < 128, f"page {n}: no stamp"
        assert picture.crop((0, 0, width, height - 20)).getextrema()[0] < 128, f"page {n}: no text"


def test_each_exhibit_file_for_cm_ecf_holds_its_cover_and_pages(good):
    base, result, _ = good
    for b in result.bundle.exhibits:
        assert len(b.files) == 1 and b.files[0].parent == base / "out" / "exhibits"
        assert len(PdfReader(b.files[0]).pages) == b.pages + 1
    assert forbidden(next(b for b in result.bundle.exhibits if b.exhibit.id == "active").files[0]) == []


# --------------------------------------------------------------------------- one-off inputs

def small_build(folder: Path, exhibits: list[dict], out: Path | None = None, name: str = "facts.yaml"):
    facts = write_facts(folder, exhibits, name=name)
    warnings: list[str] = []
    result = build(facts, out or folder / "out", papers=False, warn=warnings.append)
    return facts, result


def test_content_hidden_by_the_cropbox_stays_hidden(tmp_path):
    """A page cropped to a window: what lay outside the CropBox was never shown and must not
    appear in the bundle, least of all in the band under the Bates number."""
    black_pdf(tmp_path / "cropped.pdf", cropbox=(100, 100, 512, 692))
    facts, result = small_build(tmp_path, [{"id": "cropped", "title": "Cropped", "file": "cropped.pdf"}])
    (n,) = exhibit_pages(result, "cropped")
    path = tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf"
    page = PdfReader(path).pages[n]
    assert size(page) == (412.0, 592.0)
    picture = render(path, n, tmp_path / "cropped")
    width, height = picture.size
    band = picture.crop((0, height - 20, width // 3, height))
    assert band.getextrema() == (255, 255), "content from outside the CropBox shows in the stamp band"


def test_a_script_chained_behind_a_link_is_removed(tmp_path):
    """A link whose first action is harmless can chain a script with /Next."""
    draw_pdf(tmp_path / "chained.pdf", [(LETTER, "CHAINED")])
    with pikepdf.open(tmp_path / "chained.pdf", allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 380, 272, 420]),
            A=Dictionary(S=Name.URI, URI=String("https://example.com/"),
                         Next=javascript("app.alert('chained');"))))])
        pdf.save(tmp_path / "chained.pdf")
    _, result = small_build(tmp_path, [{"id": "chained", "title": "Chained", "file": "chained.pdf"}])
    assert forbidden(tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf") == []
    assert len(result.warnings) == 1 and "removed 1 script" in result.warnings[0]


def test_a_link_to_an_old_style_named_destination_is_kept(tmp_path):
    """PDF 1.1 named destinations: /Dest /Chapter2 looked up in the catalog's /Dests."""
    draw_pdf(tmp_path / "named.pdf", [(LETTER, "NAMED ONE"), (LETTER, "NAMED TWO")])
    with pikepdf.open(tmp_path / "named.pdf", allow_overwriting_input=True) as pdf:
        two = pdf.pages[1].obj
        pdf.Root.Dests = pdf.make_indirect(Dictionary(Chapter2=Array([two, Name.Fit])))
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 380, 272, 420]), Dest=Name("/Chapter2")))])
        pdf.save(tmp_path / "named.pdf")
    _, result = small_build(tmp_path, [{"id": "named", "title": "Named", "file": "named.pdf"}])
    first, second = exhibit_pages(result, "named")
    with pikepdf.open(tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf") as pdf:
        pages = list(pdf.pages)
        links = [a for a in pages[first].obj.get("/Annots", []) if a.get("/Subtype") == Name.Link]
        assert len(links) == 1, "the link was dropped"
        assert links[0].Dest[0].objgen == pages[second].obj.objgen


def test_a_link_to_a_named_destination_in_the_name_tree_is_kept(tmp_path):
    draw_pdf(tmp_path / "named.pdf", [(LETTER, "TREE ONE"), (LETTER, "TREE TWO")])
    with pikepdf.open(tmp_path / "named.pdf", allow_overwriting_input=True) as pdf:
        two = pdf.pages[1].obj
        pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(
            Names=Array([String("chapter-2"), Array([two, Name.Fit])]))))
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 380, 272, 420]),
            A=Dictionary(S=Name.GoTo, D=String("chapter-2"))))])
        pdf.save(tmp_path / "named.pdf")
    _, result = small_build(tmp_path, [{"id": "named", "title": "Named", "file": "named.pdf"}])
    first, second = exhibit_pages(result, "named")
    with pikepdf.open(tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf") as pdf:
        pages = list(pdf.pages)
        links = [a for a in pages[first].obj.get("/Annots", []) if a.get("/Subtype") == Name.Link]
        assert len(links) == 1 and "/A" not in links[0]
        assert links[0].Dest[0].objgen == pages[second].obj.objgen


# --------------------------------------------------------------------------- bad inputs

@pytest.fixture
def last_good(tmp_path):
    """A folder with a good bundle already built in ``out``; (folder, out, snapshot)."""
    draw_pdf(tmp_path / "good.pdf", [(LETTER, "GOOD EXHIBIT")])
    small_build(tmp_path, [{"id": "good", "title": "A good exhibit", "file": "good.pdf"}],
                name="good.yaml")
    out = tmp_path / "out"
    before = tree(out)
    assert "exhibits/exhibit-bundle.pdf" in before
    return tmp_path, out, before


def failed_build(folder: Path, out: Path, bad: dict, expected_error=PdfError):
    exhibits = [{"id": "good", "title": "A good exhibit", "file": "good.pdf"},
                {"id": "bad", "title": "A bad exhibit", **bad}]
    facts = write_facts(folder, exhibits)
    with pytest.raises(expected_error) as info:
        build(facts, out, papers=False)
    return facts, info.value


def test_encrypted_without_a_password(last_good):
    folder, out, before = last_good
    encrypted_pdf(folder / "locked.pdf", "LOCKED")
    facts, error = failed_build(folder, out, {"file": "locked.pdf"})
    assert str(error) == (f"exhibit 'bad' ({where(facts, 'locked.pdf')}): the PDF is encrypted; "
                          "add its password to the exhibit in the facts (password: ...)")
    assert tree(out) == before


def test_encrypted_with_the_wrong_password(last_good):
    folder, out, before = last_good
    encrypted_pdf(folder / "locked.pdf", "LOCKED")
    facts, error = failed_build(folder, out, {"file": "locked.pdf", "password": "guess"})
    assert str(error) == (f"exhibit 'bad' ({where(facts, 'locked.pdf')}): the PDF is encrypted; "
                          "the password in the facts is wrong")
    assert tree(out) == before


def truncated(path: Path) -> Path:
    draw_pdf(path.with_name("whole.pdf"), [(LETTER, f"PAGE {n}") for n in range(1, 6)])
    data = path.with_name("whole.pdf").read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    return path


def random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(7).randbytes(4000))
    return path


def text_file(path: Path) -> Path:
    path.write_text("Dear Sir,\nthis is not a PDF at all.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("make, problem", [
    (random_bytes, "not a readable PDF"),
    (text_file, "not a readable PDF"),
    (truncated, "the PDF is damaged or truncated"),
])
def test_an_unreadable_pdf_names_the_exhibit_and_leaves_the_last_bundle(last_good, make, problem):
    folder, out, before = last_good
    make(folder / "bad.pdf")
    facts, error = failed_build(folder, out, {"file": "bad.pdf"})
    message = str(error)
    prefix = f"exhibit 'bad' ({where(facts, 'bad.pdf')}): {problem} ("
    assert message.startswith(prefix), message
    assert message.endswith("); get a fresh copy of the file"), message
    assert len(message) > len(prefix) + len("); get a fresh copy of the file"), "the reason is empty"
    assert "\n" not in message
    reason = message[len(prefix):-len("); get a fresh copy of the file")]
    assert "bad.pdf" not in reason  # the file is named once, before the reason
    assert tree(out) == before


def test_an_unreadable_image_names_the_exhibit(last_good):
    folder, out, before = last_good
    text_file(folder / "scan.png")
    facts, error = failed_build(folder, out, {"file": "scan.png"})
    message = str(error)
    assert message.startswith(f"exhibit 'bad' ({where(facts, 'scan.png')}): not a readable image ("), message
    assert message.endswith("); get a fresh copy of the file"), message
    assert tree(out) == before


def test_missing_and_unsupported_files_are_reported_together(last_good):
    folder, out, before = last_good
    (folder / "notes.xyz").write_text("not an exhibit", encoding="utf-8")
    exhibits = [{"id": "good", "title": "A good exhibit", "file": "good.pdf"},
                {"id": "gone", "title": "A missing exhibit", "file": "scans/missing.pdf"},
                {"id": "odd", "title": "An odd exhibit", "file": "notes.xyz"}]
    facts = write_facts(folder, exhibits)
    with pytest.raises(FactsError) as info:
        build(facts, out, papers=False)
    kinds = "DOC, DOCX, EML, JPEG, JPG, MSG, ODS, ODT, PDF, PNG, RTF, TIF, TIFF, XLSX"
    assert [str(p) for p in info.value.problems] == [
        f"{facts}:{line_of(facts, 'file: scans/missing.pdf')}: exhibit 'gone': no such file "
        "'scans/missing.pdf' (paths are relative to the facts file's folder)",
        f"{facts}:{line_of(facts, 'file: notes.xyz')}: exhibit 'odd': cannot use a '.xyz' file as an "
        f"exhibit; use one of {kinds}",
    ]
    assert str(info.value).count("\n") == 1
    assert tree(out) == before


def test_an_exhibits_own_bookmarks_hang_under_its_bookmark(good):
    _, result, path = good
    reader = PdfReader(path)
    first, second, *_ = exhibit_pages(result, "active")  # then ACTIVE THREE and the attachments' placeholders
    outline = reader.outline
    titles = [item.title if not isinstance(item, list) else None for item in outline]
    at = titles.index("Exhibit F — A PDF with links, scripts and an attachment")
    children = outline[at + 1]
    assert isinstance(children, list)
    assert [(c.title, reader.get_destination_page_number(c)) for c in children] == [
        ("Part 1", first), ("Part 2", second)]


def test_every_unreadable_exhibit_is_reported_in_one_run(last_good):
    folder, out, before = last_good
    encrypted_pdf(folder / "locked.pdf", "LOCKED")
    truncated(folder / "cut.pdf")
    exhibits = [{"id": "locked", "title": "Locked", "file": "locked.pdf"},
                {"id": "good", "title": "A good exhibit", "file": "good.pdf"},
                {"id": "cut", "title": "Cut", "file": "cut.pdf"}]
    facts = write_facts(folder, exhibits)
    with pytest.raises(PdfError) as info:
        build(facts, out, papers=False)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 2
    assert lines[0] == (f"exhibit 'locked' ({where(facts, 'locked.pdf')}): the PDF is encrypted; "
                        "add its password to the exhibit in the facts (password: ...)")
    assert lines[1].startswith(f"exhibit 'cut' ({where(facts, 'cut.pdf')}): the PDF is damaged or truncated (")
    assert tree(out) == before


def test_a_damaged_word_exhibit_names_the_exhibit(last_good):
    folder, out, before = last_good
    (folder / "letter.docx").write_bytes(b"PK\x03\x04 this is not really a Word file")
    facts, error = failed_build(folder, out, {"file": "letter.docx"}, expected_error=ConversionError)
    assert str(error) == (f"exhibit 'bad' ({where(facts, 'letter.docx')}): not a Word or OpenDocument file: it "
                          "is damaged or not a zip archive (File is not a zip file); open it in Word or "
                          "LibreOffice and save it again")
    assert tree(out) == before


# --------------------------------------------------------------------------- warnings a paralegal can act on

def test_many_uncited_exhibits_make_one_line_naming_them(tmp_path):
    """A matter whose papers cite none of its exhibits: one line naming them all, not one line each."""
    ids = [f"ex-{n}" for n in range(1, 8)]
    for n, name in enumerate(ids):
        draw_pdf(tmp_path / f"{name}.pdf", [(LETTER, f"EXHIBIT {n}")])
    facts = write_facts(tmp_path, [{"id": name, "title": f"Exhibit {name}", "file": f"{name}.pdf"} for name in ids])
    warnings: list[str] = []
    build(facts, tmp_path / "out", warn=warnings.append)
    uncited = [w for w in warnings if "cited in any paper" in w]
    assert uncited == ["none of the 7 exhibits is cited in any paper: ex-1, ex-2, ex-3, ex-4, ex-5, ex-6, ex-7; "
                       "cite each where a paper relies on it (an event's or a statement's exhibit:, or [Exhibit: id] "
                       "in the facts' text), or take out those filed by mistake"]


def test_an_ocr_failure_is_one_line_naming_the_exhibit(tmp_path, monkeypatch):
    """OCRmyPDF failing with Python's traceback: one warning line, naming the exhibit, no traceback."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "ocrmypdf"  # a real program on PATH that fails the way OCRmyPDF does on a bad page
    fake.write_text("#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
                    "echo '  File \"/usr/lib/python3/dist-packages/ocrmypdf/_exec.py\", line 99, in run' >&2\n"
                    "echo 'ocrmypdf.exceptions.SubprocessOutputError: tesseract failed on page 1' >&2\nexit 7\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    image(tmp_path / "scan.png")
    warnings: list[str] = []
    build(write_facts(tmp_path, [{"id": "scan", "title": "A scan", "file": "scan.png"}]), tmp_path / "out",
          papers=False, warn=warnings.append)
    ocr = [w for w in warnings if "OCR" in w]
    assert len(ocr) == 1 and "\n" not in ocr[0] and "Traceback" not in ocr[0] and 'File "' not in ocr[0]
    assert ocr[0].startswith("exhibit 'scan' (") and "OCR failed" in ocr[0], ocr


def test_a_warning_on_several_lines_is_joined_into_one():
    from filings.pipeline.cautions import one_line
    message = ("exhibit 'scan' (scan.pdf): OCR failed\nTraceback (most recent call last):\n"
               '  File "x.py", line 3, in f\n    raise ValueError\nValueError: bad page\n')
    assert one_line(message) == "exhibit 'scan' (scan.pdf): OCR failed \u2026 ValueError: bad page"
    assert one_line("one line") == "one line"
    assert len(one_line("x" * 5000)) == 600


# --------------------------------------------------------------------------- spreadsheets

def workbook(path: Path) -> Path:
    """An .xlsx as Excel writes it: a first sheet with a print area (A1:C5) and cells outside it,
    a second sheet with none, and an external link's formula result."""
    import openpyxl
    book = openpyxl.Workbook()
    entries = book.active
    entries.title = "Entries"
    entries.append(["Entry", "Date", "Value"])
    for n in range(1, 5):
        entries.append([f"ENTRY-{n:03d}", f"2024-05-{n:02d}", f"VALUE-{n}"])
    entries["F1"] = "OUTSIDE-RIGHT"
    entries["A40"] = "OUTSIDE-BELOW"
    entries.print_area = "A1:C5"
    totals = book.create_sheet("Totals")
    totals["A1"] = "TOTALS-SHEET"
    totals["A2"] = "GRAND-TOTAL"
    book.save(path)
    return path


def test_a_spreadsheet_prints_its_print_areas_and_sheets_in_order(tmp_path):
    workbook(tmp_path / "entries.xlsx")
    warnings: list[str] = []
    facts = write_facts(tmp_path, [{"id": "sheet", "title": "Entry summary", "file": "entries.xlsx"}])
    result = build(facts, tmp_path / "out", papers=False, warn=warnings.append)
    path = result.bundle.path
    texts = [page_texts(path)[i] for i in exhibit_pages(result, "sheet")]
    text = " ".join(texts)
    assert all(f"ENTRY-{n:03d}" in text and f"VALUE-{n}" in text for n in range(1, 5))
    assert "OUTSIDE-RIGHT" not in text and "OUTSIDE-BELOW" not in text  # outside the print area
    assert text.index("ENTRY-004") < text.index("TOTALS-SHEET")  # the sheets in order, the second whole
    assert len(texts) == 2 and "TOTALS-SHEET" in texts[1] and "GRAND-TOTAL" in texts[1]
    assert all(bates(n) in texts[n - 2] for n in (2, 3))  # stamped like every page
    assert not [w for w in warnings if "sheet" in w]
