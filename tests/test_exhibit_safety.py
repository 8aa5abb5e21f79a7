"""Exhibits from any producer come out whole and safe (issue 6).

Each test makes its input here (reportlab, pikepdf, Pillow, img2pdf), runs it through the
real bundle build and checks the result with poppler (pdftotext, pdftoppm) the way a reader
would see it: pages of any size carry a readable Bates number and visible content,
annotations stay on what they marked, no script or unsafe link survives, every CM/ECF part
fits the size limit, damaged or oversized images are refused, titles and Bates prefixes in
any script are drawn with embedded fonts, and scanned pages become searchable.
"""
from __future__ import annotations

import random
import re
import subprocess
import unicodedata
import warnings
import zlib
from html import unescape
from pathlib import Path

import img2pdf
import pikepdf
import pytest
import yaml
from PIL import Image, ImageDraw, ImageFont
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from filings.exhibits.bundle import make_bundle
from filings.exhibits.exhibit import BatesStyle, ExhibitPdf
from filings.errors import PdfError
from filings.exhibits.sources import ExhibitSource, images_to_pdf
from filings.limits import Limits
from filings.exhibits.ocr import MISSING
from filings.pipeline.pdf import unembedded_fonts
from filings.pipeline.builder import build

from conftest import OTHER
from test_exhibit_inputs import exhibit_pages, forbidden, javascript, where

PREFIX, DIGITS = "RSI", 5  # the other matter's bundle settings


# --------------------------------------------------------------------------- helpers

def facts_with(folder: Path, exhibits: list[dict], **bundle) -> Path:
    """The other matter's facts with ``exhibits`` (cited by nothing) and ``bundle`` settings
    (``bates`` merged into its Bates settings); OCR off unless asked for."""
    data = yaml.safe_load(OTHER.read_text(encoding="utf-8"))
    for section in ("events", "requests"):
        for item in data[section]:
            item.pop("exhibit", None)
    data["exhibits"] = exhibits
    data["bundle"]["bates"].update(bundle.pop("bates", {}))
    data["bundle"].update({"ocr": False, **bundle})
    path = folder / "facts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run(folder: Path, exhibits: list[dict], **bundle):
    """Build the bundle of ``exhibits`` (made again each time: these tests are about making it);
    (result, bundle path)."""
    facts = facts_with(folder, exhibits, **bundle)
    result = build(facts, folder / "out", papers=False, force=True)
    return result, folder / "out" / "exhibits" / "exhibit-bundle.pdf"


def failed(folder: Path, exhibits: list[dict], **bundle) -> tuple[Path, PdfError]:
    facts = facts_with(folder, exhibits, **bundle)
    with pytest.raises(PdfError) as info:
        build(facts, folder / "out", papers=False)
    return facts, info.value


def pdftotext(pdf: Path, page: int | None = None) -> str:
    """Text of ``pdf`` (or of its 0-based ``page``) as poppler reads it, whitespace collapsed."""
    pages = ["-f", str(page + 1), "-l", str(page + 1)] if page is not None else []
    out = subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return re.sub(r"\s+", " ", out).strip()


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words poppler finds on ``page`` (0-based): (text, x0, y0, x1, y1), y from the top."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [(unescape(m.group(5)), *(float(m.group(i)) for i in range(1, 5))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out)]


def picture(pdf: Path, page: int, out: Path, *, longest: int = 600, annotations: bool = True) -> Image.Image:
    """``page`` (0-based) rendered by poppler, its longest side ``longest`` pixels, in grey."""
    hide = [] if annotations else ["-hide-annotations"]
    subprocess.run(["pdftoppm", "-scale-to", str(longest), "-png", "-f", str(page + 1), "-l", str(page + 1),
                    "-singlefile", *hide, str(pdf), str(out)], check=True, capture_output=True, timeout=120)
    with Image.open(out.with_suffix(".png")) as image:
        return image.convert("L")


def bates(n: int, prefix: str = PREFIX) -> str:
    return f"{prefix}{n:0{DIGITS}d}"


def bates_of(result, page: int) -> int:
    """The Bates number of 0-based bundle ``page``."""
    return page - result.bundle.index_pages + 1


def plain(text: str) -> str:
    """Text compared as a reader sees it: compatibility forms (Arabic presentation forms)
    folded, direction marks dropped, whitespace collapsed."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def png(path: Path, size=(600, 400), color=(40, 90, 160)) -> Path:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle([50, 50, size[0] - 50, size[1] - 50], fill=color)
    image.save(path)
    return path


# --------------------------------------------------------------------------- 1. pages of any size

SIZES = [  # (width, height) in points, what the bundle page must be
    ((4, 4), (612.0, 792.0)),             # a few points: onto Letter, not a negative scale
    ((10, 700), (612.0, 792.0)),          # a thin strip
    ((144, 100), (792.0, 612.0)),         # 2 x 1.4 inches, landscape: onto landscape Letter
    ((14400, 14400), (14400.0, 14400.0)),  # 200 inches: PDF's largest page, kept
    ((18000, 9000), (14400.0, 7200.0)),   # over 200 inches: reduced to fit
]


def sized_pdf(path: Path) -> Path:
    """One page per size: a black block over the middle half, and a white mark in it."""
    canvas = Canvas(str(path), pagesize=SIZES[0][0])
    for (w, h), _ in SIZES:
        canvas.setPageSize((w, h))
        canvas.setFillColorRGB(0, 0, 0)
        canvas.rect(w / 4, h / 4, w / 2, h / 2, fill=1, stroke=0)
        canvas.showPage()
    canvas.save()
    return path


def test_pages_of_any_size_are_shown_whole_with_a_readable_bates_number(tmp_path):
    sized_pdf(tmp_path / "sizes.pdf")
    result, path = run(tmp_path, [{"id": "sizes", "title": "Pages of odd sizes", "file": "sizes.pdf"}])
    reader = PdfReader(path)
    for n, ((w, h), expected) in zip(exhibit_pages(result, "sizes"), SIZES):
        page = reader.pages[n]
        box = (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1))
        assert box == expected, (w, h)
        number = bates(bates_of(result, n))
        found = [wd for wd in words(path, n) if wd[0] == number]
        assert found, f"{w} x {h}: no Bates number {number} in {pdftotext(path, n)!r}"
        _, x0, y0, x1, y1 = found[0]
        assert 0 <= x0 < x1 <= box[0] and 0 <= y0 < y1 <= box[1], f"{w} x {h}: the stamp is off the page"
        assert y1 - y0 >= 8 * max(1.0, min(box) / 792), f"{w} x {h}: the stamp is too small to read"
        image = picture(path, n, tmp_path / f"page-{n}")
        width, height = image.size
        band = round(height * 30 * max(1.0, min(box) / 792) / box[1]) + 1
        content = image.crop((0, 0, width, height - band))
        assert content.getextrema()[0] < 64, f"{w} x {h}: the page's content is not visible"
        assert image.getpixel((width // 2, (height - band) // 2)) < 64, f"{w} x {h}: the content is not centred"


# --------------------------------------------------------------------------- 2. annotations

SQUARE = (400, 100, 520, 180)  # a black square on the page, in the page's own coordinates


def annotated_pdf(path: Path) -> Path:
    """A portrait Letter page shown turned (/Rotate 90), a black square on it, and markup
    annotations drawn over the square: ink strokes, a line, a polygon, a callout."""
    canvas = Canvas(str(path), pagesize=LETTER)
    x0, y0, x1, y1 = SQUARE
    canvas.rect(x0, y0, x1 - x0, y1 - y0, fill=1, stroke=0)
    canvas.showPage()
    canvas.save()
    inside = [(410, 110), (510, 170), (460, 140), (410, 170), (510, 110)]
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.Rotate = 90
        rect = Array([x0 - 5, y0 - 5, x1 + 5, y1 + 5])
        page.obj.Annots = pdf.make_indirect(Array([
            pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Ink, Rect=rect, C=Array([1, 0, 0]),
                                         InkList=Array([Array([c for p in inside[:3] for c in p]),
                                                        Array([c for p in inside[3:] for c in p])]))),
            pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Line, Rect=rect,
                                         L=Array([*inside[0], *inside[1]]), LL=10)),
            pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Polygon, Rect=rect,
                                         Vertices=Array([c for p in inside[:4] for c in p]))),
            pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FreeText, Rect=rect,
                                         DA=String("/Helv 10 Tf 0 g"), Contents=String("note"),
                                         CL=Array([*inside[2], *inside[3], *inside[4]]),
                                         RD=Array([1, 2, 3, 4]))),
        ]))
        pdf.save(path)
    return path


def test_annotations_stay_over_what_they_marked_on_a_turned_and_shrunk_page(tmp_path):
    annotated_pdf(tmp_path / "marked.pdf")
    result, path = run(tmp_path, [{"id": "marked", "title": "A marked-up page", "file": "marked.pdf"}])
    (n,) = exhibit_pages(result, "marked")
    image = picture(path, n, tmp_path / "marked", annotations=False)
    width, height = image.size
    with pikepdf.open(path) as pdf:
        page = pdf.pages[n]
        page_w, page_h = float(page.mediabox[2]), float(page.mediabox[3])
        assert (page_w, page_h) == (792.0, 612.0)  # the turned page, upright
        black = image.point(lambda v: 255 if v < 64 else 0).getbbox()  # the square, as drawn now
        annots = {str(a.Subtype): a for a in page.obj.Annots}

        def inside_square(x: float, y: float) -> bool:
            px, py = x * width / page_w, (page_h - y) * height / page_h
            return black[0] - 1 <= px <= black[2] + 1 and black[1] - 1 <= py <= black[3] + 1

        def points(values) -> list[tuple[float, float]]:
            values = [float(v) for v in values]
            return list(zip(values[::2], values[1::2]))

        ink = annots["/Ink"]
        strokes = [points(stroke) for stroke in ink.InkList]
        assert [len(s) for s in strokes] == [3, 2]
        for x, y in (p for s in strokes for p in s):
            assert inside_square(x, y), ("ink", x, y, black)
        rx0, ry0, rx1, ry1 = (float(v) for v in ink.Rect)
        assert all(rx0 <= x <= rx1 and ry0 <= y <= ry1 for s in strokes for x, y in s), "ink outside its /Rect"
        for key, subtype in (("/L", "/Line"), ("/Vertices", "/Polygon"), ("/CL", "/FreeText")):
            for x, y in points(annots[subtype][key]):
                assert inside_square(x, y), (subtype, x, y, black)
        scale = (612 - 30) / 612
        assert float(annots["/Line"].LL) == pytest.approx(10 * scale)
        rd = [float(v) for v in annots["/FreeText"].RD]  # left, top, right, bottom: turned a quarter
        assert rd == pytest.approx([4 * scale, 1 * scale, 2 * scale, 3 * scale])


# --------------------------------------------------------------------------- 3. active content

def field_script_pdf(path: Path) -> Path:
    """A widget whose parent field (not an annotation) runs scripts, with a second widget of the
    same field that is on no page; no /AcroForm, so nothing flattens it away."""
    canvas = Canvas(str(path), pagesize=LETTER)
    canvas.drawString(72, 700, "FIELD PAGE")
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        parent = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("amount"),
                                              AA=Dictionary(K=javascript("app.alert('keystroke');")),
                                              A=javascript("app.alert('parent');")))
        widget = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, Rect=Array([72, 600, 272, 624]),
                                              Parent=parent))
        stray = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, Rect=Array([0, 0, 1, 1]),
                                             Parent=parent, AA=Dictionary(Fo=javascript("app.alert('focus');"))))
        parent.Kids = Array([widget, stray])
        pdf.pages[0].obj.Annots = Array([widget])
        with warnings.catch_warnings():  # pikepdf rightly warns that no form lists the field
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            pdf.save(path)
    return path


def test_a_script_on_a_form_fields_parent_is_removed(tmp_path):
    field_script_pdf(tmp_path / "field.pdf")
    facts = facts_with(tmp_path, [{"id": "field", "title": "A field with scripts", "file": "field.pdf"}])
    result = build(facts, tmp_path / "out", papers=False)
    path = tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf"
    assert forbidden(path) == []
    assert result.warnings == [f"exhibit 'field' ({where(facts, 'field.pdf')}): removed 3 scripts"]
    assert "FIELD PAGE" in pdftotext(path)


LINKS = [  # (action, kept)
    (Dictionary(S=Name.URI, URI=String("https://www.cit.uscourts.gov/")), True),
    (Dictionary(S=Name.URI, URI=String("http://example.com/notice")), True),
    (Dictionary(S=Name.URI, URI=String("mailto:clerk@example.com")), True),
    (Dictionary(S=Name.URI, URI=String("javascript:app.alert('uri')")), False),
    (Dictionary(S=Name.URI, URI=String(" JavaScript:app.alert('spaced')")), False),
    (Dictionary(S=Name.URI, URI=String("file:///etc/passwd")), False),
    (Dictionary(S=Name.URI, URI=String("smb://server/share/evidence.pdf")), False),
    (Dictionary(S=Name.URI, URI=String("../other/secret.pdf")), False),
    (Dictionary(S=Name.Launch, F=String("calc.exe")), False),
    (Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit])), False),
    (Dictionary(S=Name.GoToE, T=Dictionary(R=Name.C, N=String("inner.pdf")), D=Array([0, Name.Fit])), False),
]


def links_pdf(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=LETTER)
    canvas.drawString(72, 740, "LINKS PAGE")
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Annots = Array([
            pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Border=Array([0, 0, 0]),
                                         Rect=Array([72, 700 - 30 * n, 300, 720 - 30 * n]), A=action))
            for n, (action, _) in enumerate(LINKS)])
        pdf.save(path)
    return path


def test_only_http_https_and_mailto_links_are_kept(tmp_path):
    links_pdf(tmp_path / "links.pdf")
    facts = facts_with(tmp_path, [{"id": "links", "title": "Links of every kind", "file": "links.pdf"}])
    result = build(facts, tmp_path / "out", papers=False)
    path = tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf"
    assert result.warnings == [f"exhibit 'links' ({where(facts, 'links.pdf')}): removed 2 scripts and 6 unsafe "
                               "links (only http, https and mailto links are kept)"]
    with pikepdf.open(path) as pdf:
        (n,) = exhibit_pages(result, "links")
        actions = [a.A for a in pdf.pages[n].obj.Annots if "/A" in a]
        assert [str(a.URI) for a in actions] == [str(a.URI) for a, kept in LINKS if kept]
        kinds = {str(o.get("/S")) for o in pdf.objects if isinstance(o, Dictionary) and "/S" in o}
        assert kinds & {"/Launch", "/GoToR", "/GoToE", "/JavaScript"} == set()
    assert forbidden(path) == []


# --------------------------------------------------------------------------- 4. size limit

def noise(seed: int, side: int) -> Image.Image:
    """An image that does not compress: ``side`` x ``side`` RGB pixels of noise."""
    return Image.frombytes("RGB", (side, side), random.Random(seed).randbytes(side * side * 3))


def noisy_pdf(path: Path, sides: list[int]) -> Path:
    """One page per side length, each showing its own incompressible image of that size."""
    canvas = Canvas(str(path), pagesize=LETTER)
    for n, side in enumerate(sides):
        canvas.drawImage(ImageReader(noise(n, side)), 72, 300, 200, 200)
        canvas.showPage()
    canvas.save()
    return path


LIMIT_MB = 0.1  # a cover sheet alone, with its three embedded fonts, is about 60 KB


def annotated_noise_pdf(path: Path, pages: int, notes: int) -> Path:
    """Pages whose weight is in their dictionaries, not in streams: ``notes`` sticky notes each,
    with text that does not compress."""
    draw = Canvas(str(path), pagesize=LETTER)
    for n in range(pages):
        draw.drawString(72, 700, f"NOTED PAGE {n + 1}")
        draw.showPage()
    draw.save()
    rng = random.Random(3)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            page.obj.Annots = Array([pdf.make_indirect(Dictionary(
                Type=Name.Annot, Subtype=Name.Text, Rect=Array([72, 72, 92, 92]),
                Contents=String(rng.randbytes(24).hex()))) for _ in range(notes)])
        pdf.save(path)
    return path


@pytest.mark.parametrize("make", [
    lambda path: noisy_pdf(path, [70, 60, 90, 40, 80, 75, 30, 85]),
    lambda path: annotated_noise_pdf(path, pages=4, notes=500),  # the plan from streams is too small
], ids=["images", "dictionaries"])
def test_every_split_part_is_under_the_size_limit(tmp_path, make):
    make(tmp_path / "noisy.pdf")
    result, path = run(tmp_path, [{"id": "noisy", "title": "Noisy scans", "file": "noisy.pdf"}],
                       size_limit_mb=LIMIT_MB)
    (b,) = result.bundle.exhibits
    assert len(b.files) > 1
    pages = []
    for n, part in enumerate(b.files, 1):
        assert part.name == f"Exhibit A - Noisy scans (part {n} of {len(b.files)}).pdf"
        assert part.stat().st_size <= LIMIT_MB * 1024 * 1024, f"{part.name}: {part.stat().st_size} bytes"
        pages += [pdftotext(part, k).split()[-1] for k in range(len(PdfReader(part).pages))]
    assert pages == [bates(k) for k in range(1, b.pages + 2)], "the parts do not hold every page in order"
    assert not list(path.parent.glob(".*.tmp"))
    (split,) = [w for w in result.warnings if "split into" in w]
    assert split.startswith("Exhibit A: ") and split.endswith(
        f" is over the {LIMIT_MB:g} MB limit; split into {len(b.files)} files: {', '.join(f.name for f in b.files)}")


def test_a_page_over_the_size_limit_on_its_own_is_an_error(tmp_path):
    noisy_pdf(tmp_path / "big.pdf", [40, 200, 40])
    facts, error = failed(tmp_path, [{"id": "big", "title": "A big scan", "file": "big.pdf"}],
                          size_limit_mb=LIMIT_MB)
    message = str(error)
    assert re.fullmatch(
        re.escape(f"exhibit 'big' ({where(facts, 'big.pdf')}): page 2 ({bates(3)}) alone is ") + r"\d+ KB" +
        re.escape(f", over the size limit of {LIMIT_MB:g} MB for one file; raise bundle.size_limit_mb in the "
                  "facts or reduce the file (scan it at a lower resolution)"), message), message
    assert not (tmp_path / "out" / "exhibits").exists()


# --------------------------------------------------------------------------- 5. images

def truncated_jpeg(path: Path) -> Path:
    image = noise(1, 400)
    ImageDraw.Draw(image).text((20, 20), "TRUNCATED PHOTO", fill="white")
    image.save(path, quality=90)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def truncated_tiff(path: Path) -> Path:
    """Three uncompressed frames; the file ends in the middle of the last frame's pixels."""
    frames = [Image.new("L", (400, 400), shade) for shade in (40, 120, 200)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    data = path.read_bytes()
    with Image.open(path) as image:
        image.seek(2)
        last = image.tile[0][2]  # where the last frame's pixels start
    path.write_bytes(data[: last + 1000])
    return path


@pytest.mark.parametrize("make, name", [(truncated_jpeg, "photo.jpg"), (truncated_tiff, "fax.tiff")])
def test_a_damaged_image_is_refused(tmp_path, make, name):
    make(tmp_path / name)
    facts, error = failed(tmp_path, [{"id": "photo", "title": "A damaged image", "file": name}])
    message = str(error)
    start = f"exhibit 'photo' ({where(facts, name)}): the image is damaged or truncated ("
    assert message.startswith(start) and message.endswith("); get a fresh copy of the file"), message
    assert "\n" not in message and len(message) > len(start) + 32


def bomb_png(path: Path, side: int = 20000) -> Path:
    """A 20,000 x 20,000 one-bit PNG of zeros: 50 KB on disk, 400 megapixels decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    packer = zlib.compressobj(9)
    row = bytes(1 + side // 8)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def test_a_decompression_bomb_fails_fast_naming_the_bound(tmp_path):
    bomb_png(tmp_path / "bomb.png")
    facts, error = failed(tmp_path, [{"id": "bomb", "title": "A huge image", "file": "bomb.png"}])
    # the message names the pixel bound: the image was refused from its header, never decoded
    assert str(error) == (f"exhibit 'bomb' ({where(facts, 'bomb.png')}): it is 20,000 x 20,000 pixels, over the "
                          "bound of 150,000,000 pixels for one image; scan it at a lower resolution")


def test_an_image_over_pillows_own_warning_size_but_within_the_bound_is_used(tmp_path):
    """Pillow warns above 89 megapixels; the bound is ours (150): no warning may escape."""
    source = bomb_png(tmp_path / "large.png", side=9600)  # 92 megapixels
    plan = ExhibitSource(0, "large", source, tmp_path / "large.pdf", image=source)
    images_to_pdf([plan])
    assert len(PdfReader(plan.pdf).pages) == 1


def test_pages_per_exhibit_are_bounded(tmp_path):
    frames = [Image.new("L", (50, 50), shade) for shade in (0, 100, 200)]
    frames[0].save(tmp_path / "fax.tiff", save_all=True, append_images=frames[1:])
    plan = ExhibitSource(0, "fax", tmp_path / "fax.tiff", tmp_path / "fax.pdf", image=tmp_path / "fax.tiff")
    with pytest.raises(PdfError) as info:
        images_to_pdf([plan], Limits(exhibit_pages=2))
    assert str(info.value) == (f"exhibit 'fax' ({tmp_path / 'fax.tiff'}): the image has 3 frames, over the bound of "
                               "2 pages for one exhibit; split it into several exhibits")
    images_to_pdf([plan])
    exhibit = ExhibitPdf(id="fax", mark="1", title="Fax", date="", short_date="", description="", pdf=plan.pdf,
                         source=plan.source)
    with pytest.raises(PdfError) as info:
        make_bundle([exhibit], tmp_path / "out", bates=BatesStyle(), heading="INDEX", caption=[], size_limit_mb=35,
                    warn=lambda _: None, limits=Limits(exhibit_pages=2))
    assert str(info.value) == (f"exhibit 'fax' ({plan.source}): the PDF has 3 pages, over the bound of 2 pages "
                               "for one exhibit; split it into several exhibits")


# --------------------------------------------------------------------------- 6. any script

SCRIPTS = [
    ("chinese", "进口商品暂停通知书", "海关关于暂停进口商品的正式通知。"),
    ("arabic", "إشعار تعليق البرنامج", "رسالة من الوكالة بشأن التعليق"),
    ("greek", "Ειδοποίηση αναστολής", "Επιστολή του οργανισμού"),
    ("cyrillic", "Уведомление о приостановке", "Письмо агентства о приостановке"),
    ("hebrew", "הודעה על השעיה", "מכתב מהסוכנות"),
]


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scripts")
    exhibits = [{"id": key, "title": title, "description": description, "file": f"{key}.png"}
                for key, title, description in SCRIPTS]
    for key, _, _ in SCRIPTS:
        png(folder / f"{key}.png")
    result, path = run(folder, exhibits)
    return folder, result, path


def test_titles_in_any_script_are_in_the_index_and_on_the_covers(scripts):
    _, result, path = scripts
    index = plain(" ".join(pdftotext(path, n) for n in range(result.bundle.index_pages)))
    for b, (key, title, description) in zip(result.bundle.exhibits, SCRIPTS):
        assert plain(title) in index, key
        cover = plain(pdftotext(path, b.first_page))
        assert plain(title) in cover and plain(description) in cover, (key, cover)
    assert result.warnings == []


def test_titles_in_any_script_are_in_the_bookmarks_and_file_names(scripts):
    _, result, path = scripts
    reader = PdfReader(path)
    marks = [item.title for item in reader.outline if not isinstance(item, list)]
    labels = "ABCDE"
    assert marks[1:] == [f"Exhibit {label} — {title}" for label, (_, title, _) in zip(labels, SCRIPTS)]
    assert [b.files[0].name for b in result.bundle.exhibits] == [
        f"Exhibit {label} - {title}.pdf" for label, (_, title, _) in zip(labels, SCRIPTS)]
    assert all(b.files[0].is_file() for b in result.bundle.exhibits)


def test_the_index_and_covers_embed_every_font(scripts):
    """reportlab starts each page in Helvetica, which is never embedded, unless told otherwise."""
    _, _, path = scripts
    assert unembedded_fonts(path) == []


def test_a_file_name_keeps_no_path_separator_or_control_character(tmp_path):
    png(tmp_path / "odd.png")
    title = "Notice\u202eFDP.exe / ..\\secret:\tpart 2 — Ünïcode"
    result, _ = run(tmp_path, [{"id": "odd", "title": title, "file": "odd.png"}])
    (b,) = result.bundle.exhibits
    assert b.files[0].name == "Exhibit A - Notice FDP.exe .. secret part 2 Ünïcode.pdf"
    assert b.files[0].parent == tmp_path / "out" / "exhibits"


def test_a_character_no_font_has_is_a_warning(tmp_path):
    png(tmp_path / "receipt.png")
    result, _ = run(tmp_path, [{"id": "receipt", "title": "Receipt \U0001F9FE", "file": "receipt.png"}])
    assert result.warnings == [
        "no installed font has \U0001F9FE (U+1F9FE): the index, covers or Bates numbers show a box instead; "
        "run make setup (it installs fonts-liberation2 fonts-dejavu-core fonts-droid-fallback) or change the text"]


# --------------------------------------------------------------------------- 7. any Bates prefix

PREFIXES = ["SÉKO–", ") Tj (EVIL", ") Tj ET 1 0 0 rg 0 0 612 792 re f BT (", "a\\(b)c\\", "证据-", "Δ-"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_bates_prefix_of_any_text_is_drawn_as_it_is(tmp_path, prefix):
    png(tmp_path / "one.png")
    canvas = Canvas(str(tmp_path / "two.pdf"), pagesize=LETTER)
    canvas.drawString(72, 700, "SECOND EXHIBIT")
    canvas.showPage()
    canvas.save()
    result, path = run(tmp_path, [{"id": "one", "title": "One", "file": "one.png"},
                                  {"id": "two", "title": "Two", "file": "two.pdf"}], bates={"prefix": prefix})
    index = result.bundle.index_pages
    total = result.bundle.total_pages
    for n in range(index, total):
        text = pdftotext(path, n)
        assert text.endswith(bates(bates_of(result, n), prefix)), (n, text)
        assert text.count(prefix) == 1, (n, text)  # drawn once, nothing else drawn by it
    assert PdfReader(path).page_labels[index:] == [bates(k, prefix) for k in range(1, total - index + 1)]
    with pikepdf.open(path) as pdf:  # the stamp is text drawn in one text object, nothing else
        stamp = pdf.pages[-1].obj.Contents[-1]
        ops = pikepdf.parse_content_stream(stamp)
        assert {str(op) for _, op in ops} <= {"Q", "q", "BT", "ET", "Tm", "Tf", "Tj"}
        assert [str(op) for _, op in ops].count("BT") == 1
        assert all(isinstance(operands[0], String) for operands, op in ops if str(op) == "Tj")
    assert bates(1, prefix) in pdftotext(path, 0)  # the index gives the ranges in the same text


def test_a_page_of_an_earlier_bundle_keeps_its_stamp_when_bundled_again(tmp_path):
    """Its resources already name fonts /FBates and /FBates1: the new stamp must not take them."""
    png(tmp_path / "one.png")
    first = tmp_path / "first"
    first.mkdir()
    png(first / "one.png")
    result, _ = run(first, [{"id": "one", "title": "One", "file": "one.png"}], bates={"prefix": "证据-"})
    earlier = result.bundle.exhibits[0].files[0]
    (tmp_path / "earlier.pdf").write_bytes(earlier.read_bytes())
    result, path = run(tmp_path, [{"id": "earlier", "title": "Earlier production", "file": "earlier.pdf"}],
                       bates={"prefix": "新-"})
    for n, old in zip(exhibit_pages(result, "earlier"), (bates(1, "证据-"), bates(2, "证据-"))):
        text = pdftotext(path, n)
        assert old in text and text.endswith(bates(bates_of(result, n), "新-")), text


# --------------------------------------------------------------------------- 9. OCR

WORDS = "CONDITIONAL REINSTATEMENT GRANTED"


def scanned_png(path: Path, text: str = WORDS) -> Path:
    """A page as a scanner sees it: the text rendered into a 150 dpi grey image."""
    font_file = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True,
                               check=True).stdout
    image = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(image)
    draw.text((150, 300), text, font=ImageFont.truetype(font_file, 44), fill=0)
    draw.text((150, 400), "Entry number 231-4567890-1", font=ImageFont.truetype(font_file, 36), fill=0)
    image.save(path, dpi=(150, 150))
    return path


def scanned_pdf(path: Path, text: str = WORDS) -> Path:
    """A scanned page wrapped in a PDF, as a scanner makes it: an image, no text layer."""
    scan = scanned_png(path.with_suffix(".png"), text)
    path.write_bytes(img2pdf.convert(str(scan), nodate=True))
    scan.unlink()
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty OCR cache for this test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "filings" / "ocr"


def test_a_scanned_exhibit_becomes_searchable_and_keeps_its_bates_number(tmp_path, cache):
    scanned_pdf(tmp_path / "scan.pdf")
    result, path = run(tmp_path, [{"id": "scan", "title": "A scanned letter", "file": "scan.pdf"}], ocr=True)
    (n,) = exhibit_pages(result, "scan")
    text = pdftotext(path, n)
    assert WORDS in text and "4567890" in text, text
    assert text.endswith(bates(bates_of(result, n))), text
    assert result.warnings == []
    assert len(list(cache.rglob("*.pdf"))) == 1


def test_an_encrypted_scan_is_read_with_its_password(tmp_path, cache):
    with pikepdf.open(scanned_pdf(tmp_path / "plain.pdf")) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
    result, path = run(tmp_path, [{"id": "locked", "title": "A locked scan", "file": "locked.pdf",
                                   "password": "secret"}], ocr=True)
    assert WORDS in pdftotext(path, exhibit_pages(result, "locked")[0])
    assert result.warnings == []


def test_an_unchanged_scan_is_taken_from_the_cache(tmp_path, cache):
    scanned_pdf(tmp_path / "scan.pdf")
    exhibits = [{"id": "scan", "title": "A scanned letter", "file": "scan.pdf"}]
    run(tmp_path, exhibits, ocr=True)
    (cached,) = cache.rglob("*.pdf")
    canvas = Canvas(str(cached), pagesize=LETTER)  # what the cache holds is what the bundle uses
    canvas.drawString(72, 700, "FROM THE CACHE")
    canvas.showPage()
    canvas.save()
    result, path = run(tmp_path, exhibits, ocr=True)
    assert "FROM THE CACHE" in pdftotext(path, exhibit_pages(result, "scan")[0])
    scanned_pdf(tmp_path / "scan.pdf", "A DIFFERENT LETTER")  # a changed file is OCR'd again
    result, path = run(tmp_path, exhibits, ocr=True)
    assert "A DIFFERENT LETTER" in pdftotext(path, exhibit_pages(result, "scan")[0])
    assert len(list(cache.rglob("*.pdf"))) == 2


def test_a_scanned_image_is_searchable_and_read_once(tmp_path, cache):
    scanned_png(tmp_path / "scan.png")
    exhibits = [{"id": "scan", "title": "A scanned letter", "file": "scan.png"}]
    for _ in range(2):
        result, path = run(tmp_path, exhibits, ocr=True)
        assert WORDS in pdftotext(path, exhibit_pages(result, "scan")[0])
    assert len(list(cache.rglob("*.pdf"))) == 1, "the same image made a different PDF: OCR'd again"


def test_with_ocr_off_a_scan_has_no_text_layer(tmp_path, cache):
    scanned_pdf(tmp_path / "scan.pdf")
    result, path = run(tmp_path, [{"id": "scan", "title": "A scanned letter", "file": "scan.pdf"}], ocr=False)
    (n,) = exhibit_pages(result, "scan")
    assert pdftotext(path, n) == bates(bates_of(result, n))
    assert not cache.exists()


def test_without_ocrmypdf_the_bundle_is_built_with_one_warning(tmp_path, cache, monkeypatch):
    scanned_pdf(tmp_path / "one.pdf")
    scanned_pdf(tmp_path / "two.pdf")
    tools = tmp_path / "bin"  # a PATH with what the bundle needs but no ocrmypdf
    tools.mkdir()
    for tool in ("fc-match",):
        (tools / tool).symlink_to(subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip())
    monkeypatch.setenv("PATH", str(tools))
    result, path = run(tmp_path, [{"id": "one", "title": "One scan", "file": "one.pdf"},
                                  {"id": "two", "title": "Two scans", "file": "two.pdf"}], ocr=True)
    assert result.warnings == [MISSING] == ["OCR skipped: ocrmypdf is not installed; run make setup"]
    monkeypatch.undo()
    assert WORDS not in pdftotext(path)


def test_ocr_that_runs_too_long_is_stopped_with_one_line(tmp_path, cache):
    scanned_pdf(tmp_path / "scan.pdf")
    exhibit = ExhibitPdf(id="scan", mark="1", title="Scan", date="", short_date="", description="",
                         pdf=tmp_path / "scan.pdf", source=Path("exhibits/scan.pdf"))
    with pytest.raises(PdfError) as info:
        make_bundle([exhibit], tmp_path / "out", bates=BatesStyle(), heading="INDEX", caption=[], size_limit_mb=35,
                    warn=lambda _: None, ocr=True, limits=Limits(ocr_seconds=0.2))
    assert str(info.value) == ("exhibit 'scan' (exhibits/scan.pdf): OCR did not finish within 0.2 s and was "
                               "stopped; set 'ocr: false' under 'bundle:' in the facts, or split the exhibit")
    assert not list(cache.rglob("*.pdf"))
