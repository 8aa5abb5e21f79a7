"""The bundle is correct under every version (issue 20): the CONFIDENTIAL/PUBLIC legend and
the exhibit stamp never cover a Bates number or content, every font the tool draws is
embedded, each exhibit's own file is labelled with its Bates numbers and is under the size
limit as written, after the last stamp. Bundle-only builds: no LibreOffice."""
from __future__ import annotations

import random
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from filings.exhibits.frontmatter import register_fonts
from filings.pipeline.builder import build

from test_exhibit_safety import facts_with

INCH = 72.0
VERSIONS = ("confidential", "public")


def receipt(path: Path, width: float = 3.2 * INCH, height: float = 11 * INCH, lines: int = 60) -> Path:
    """A till receipt, in an embedded font (the canvas starts in it: no unembedded Helvetica)."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=(width, height), initialFontName="FilingsStamp", initialFontSize=9)
    canvas.setFont("FilingsStamp", 9)
    for i in range(lines):
        canvas.drawString(8, height - 14 - i * 12.5, f"ITEM {i:02d} 12.50 TOTAL")
    canvas.showPage()
    canvas.save()
    return path


def chars(path: Path, n: int, spaces: bool = False) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every character of page ``n`` with its box (left, bottom, right, top), as PDFium reads it;
    the spaces and line ends it adds between words only with ``spaces``."""
    pdf = pdfium.PdfDocument(path)
    try:
        text = pdf[n].get_textpage()
        found = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
        return [(ch, box) for ch, box in found if spaces or ch.strip()]
    finally:
        pdf.close()


def words(path: Path, n: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The words of page ``n`` as PDFium separates them, with their boxes."""
    out: list[list] = []
    word: list = []
    for ch, box in [*chars(path, n, spaces=True), (" ", None)]:
        if ch.strip():
            word.append((ch, box))
        elif word:
            out.append(["".join(c for c, _ in word), union(b for _, b in word)])
            word = []
    return [(w, tuple(b)) for w, b in out]


def union(boxes):
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def run(folder: Path, exhibits: list[dict], **bundle):
    facts = facts_with(folder, exhibits, **bundle)
    return build(facts, folder / "out", papers=False, force=True)


def _receipts(folder: Path, **bundle):
    receipt(folder / "receipt.pdf")
    receipt(folder / "letter.pdf", 8.5 * INCH, 11 * INCH, lines=40)
    result = run(folder, [{"id": "receipt", "title": "Receipt", "file": "receipt.pdf", "confidential": True},
                          {"id": "till", "title": "Till receipt", "file": "receipt.pdf"},
                          {"id": "letter", "title": "Letter", "file": "letter.pdf"}],
                 bates={"prefix": "ACME-", "digits": 6}, **bundle)
    return folder, result


@pytest.fixture(scope="module")
def receipts(tmp_path_factory):
    """A receipt-sized exhibit, confidential, beside a public one and a Letter one; Bates prefix ACME-."""
    return _receipts(tmp_path_factory.mktemp("receipts"))


@pytest.fixture(scope="module")
def stamped(tmp_path_factory):
    """The same, with the exhibit stamp on each exhibit's first page."""
    return _receipts(tmp_path_factory.mktemp("stamped"), exhibit_stamp=True)


def _bundle(folder: Path, version: str) -> Path:
    return folder / "out" / version / "exhibits" / "exhibit-bundle.pdf"


@pytest.mark.parametrize("version", VERSIONS)
def test_on_a_receipt_the_legend_and_the_bates_number_cover_nothing(receipts, version):
    _cover_nothing(receipts[0], version, stamp=False)


@pytest.mark.parametrize("version", VERSIONS)
def test_on_a_receipt_the_legend_the_exhibit_stamp_and_the_bates_number_cover_nothing(stamped, version):
    _cover_nothing(stamped[0], version, stamp=True)


def _cover_nothing(folder: Path, version: str, stamp: bool) -> None:
    """On each narrow page, the boxes of the legend, the Bates number, the stamp and the content are apart."""
    legend = {"confidential": "CONFIDENTIAL VERSION", "public": "PUBLIC VERSION"}[version]
    path = _bundle(folder, version)
    pdf = pdfium.PdfDocument(path)
    sizes = [pdf[n].get_size() for n in range(len(pdf))]
    pdf.close()
    narrow = [n for n, (w, _) in enumerate(sizes) if 3 * INCH <= w <= 3.9 * INCH]
    # the receipt and the till receipt; in the public version the receipt is a (Letter) slip sheet
    assert len(narrow) == (2 if version == "confidential" else 1)
    for n in narrow:
        found = words(path, n)
        bates = [b for w, b in found if w.startswith("ACME-")]
        legend_boxes = [b for w, b in found if w in legend.split()]
        stamp_boxes = [b for w, b in found if w == "EXHIBIT" or (len(w) == 1 and w.isupper())]
        content = [b for w, b in found if w.startswith(("ITEM", "12.50", "TOTAL")) or w.isdigit()]
        assert len(bates) == 1 and len(legend_boxes) == len(legend.split()), found
        assert len(stamp_boxes) == (2 if stamp else 0), found
        boxes = {"bates": bates[0], "legend": union(legend_boxes), "content": union(content)}
        if stamp:
            boxes["stamp"] = union(stamp_boxes)
        for a in boxes:
            for b in boxes:
                if a < b:
                    assert not meet(boxes[a], boxes[b]), (n, a, b, boxes)
        assert all(box[3] < boxes["content"][1] for name, box in boxes.items() if name != "content")


def test_on_a_letter_page_the_legend_sits_beside_the_bates_number_at_its_size(receipts):
    folder, result = receipts
    path = _bundle(folder, "confidential")
    letter = result.sets[1].bundle.exhibits[2]
    found = words(path, letter.first_page + 1)
    bates = next(b for w, b in found if w.startswith("ACME-"))
    legend = union(b for w, b in found if w in ("CONFIDENTIAL", "VERSION"))
    assert abs(legend[1] - bates[1]) < 1 and legend[2] < bates[0]  # one row: same baseline, to its left
    assert legend[3] - legend[1] > 5  # not shrunk


def fonts_of(path: Path) -> list[tuple[int, str, bool]]:
    """Every font every page of ``path`` uses, in its own resources or its forms': (page, name, embedded)."""
    out = []
    with pikepdf.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            stack, seen = [page.obj.get("/Resources")], set()
            while stack:
                resources = stack.pop()
                if not isinstance(resources, pikepdf.Dictionary):
                    continue
                for _, font in (resources.get("/Font") or {}).items():
                    descriptor = font.get("/FontDescriptor")
                    if font.get("/Subtype") == "/Type0":
                        descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                    embedded = font.get("/Subtype") == "/Type3" or descriptor is not None and any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    out.append((n, str(font.get("/BaseFont")), embedded))
                for _, xobject in (resources.get("/XObject") or {}).items():
                    if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                        seen.add(xobject.objgen)
                        stack.append(xobject.get("/Resources"))
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_every_font_on_every_page_of_both_versions_is_embedded(receipts, version):
    folder, _ = receipts
    files = sorted((folder / "out" / version / "exhibits").glob("*.pdf"))
    assert len(files) == 4
    for path in files:
        fonts = fonts_of(path)
        with pikepdf.open(path) as pdf:
            assert {n for n, _, _ in fonts} == set(range(len(pdf.pages))), path.name  # every page has text
        assert [f for f in fonts if not f[2]] == [], path.name
        assert any("LiberationSerif-Bold" in name for _, name, _ in fonts)  # the legend's font


@pytest.mark.parametrize("version", VERSIONS)
def test_each_exhibits_own_file_is_labelled_with_its_bates_numbers(receipts, version):
    folder, result = receipts
    bundle = result.sets[1 if version == "confidential" else 2].bundle
    for b in bundle.exhibits:
        (path,) = b.files
        first = int(b.first_bates.removeprefix("ACME-"))
        assert PdfReader(path).page_labels == [f"ACME-{n:06d}" for n in range(first, first + b.pages + 1)]


def test_an_unversioned_exhibit_file_is_labelled_too(tmp_path):
    receipt(tmp_path / "letter.pdf", 8.5 * INCH, 11 * INCH)
    result = run(tmp_path, [{"id": "a", "title": "One", "file": "letter.pdf"},
                            {"id": "b", "title": "Two", "file": "letter.pdf"}], bates={"prefix": "X-", "digits": 3})
    (one,), (two,) = (b.files for b in result.bundle.exhibits)
    assert PdfReader(one).page_labels == ["X-001", "X-002"]
    assert PdfReader(two).page_labels == ["X-003", "X-004"]


def test_the_exhibit_stamp_is_on_each_exhibits_first_page_only_when_asked(tmp_path, stamped):
    folder, result = stamped
    bundle = result.sets[1].bundle
    path = _bundle(folder, "confidential")
    for b in bundle.exhibits:
        text = "".join(ch for ch, _ in chars(path, b.first_page + 1))
        assert f"EXHIBIT{b.exhibit.mark}" in text
    receipt(tmp_path / "letter.pdf", 8.5 * INCH, 11 * INCH)
    plain = run(tmp_path, [{"id": "a", "title": "One", "file": "letter.pdf"}])
    (b,) = plain.bundle.exhibits
    text = "".join(ch for ch, _ in chars(plain.bundle.path, b.first_page + 1))
    assert "EXHIBIT" not in text and "ITEM00" in text


def noise_png(path: Path, side: int) -> Path:
    rng = random.Random(20)
    Image.frombytes("L", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side))).save(path)
    return path


def test_the_size_limit_is_checked_on_the_bytes_written_after_the_legend(tmp_path):
    """An exhibit's file just under the limit unstamped goes over it with the legend: it is
    reduced (with a warning) so that the file written is under the limit."""
    noise_png(tmp_path / "scan.png", 1800)
    exhibits = [{"id": "scan", "title": "Scan", "file": "scan.png"},
                {"id": "note", "title": "Note", "file": "scan.png"}]
    plain = run(tmp_path, exhibits, size_limit_mb=1000)
    (file,) = plain.bundle.exhibits[0].files
    size = file.stat().st_size
    limit = size + 2000  # the legend adds more than 2 KB (its font, its form, a stream on each page)
    exhibits[1]["confidential"] = True
    result = run(tmp_path, exhibits, size_limit_mb=limit / 1024 / 1024)
    (file,) = result.sets[1].bundle.exhibits[0].files
    assert file.stat().st_size <= limit
    assert any(w.startswith("CONFIDENTIAL VERSION: Exhibit A: ") and "over the" in w
               and "reduced 1 image to 150 dpi" in w
               for w in result.warnings), result.warnings
    for version in VERSIONS:
        for path in (tmp_path / "out" / version / "exhibits").glob("*.pdf"):
            if path.name != "exhibit-bundle.pdf":
                assert path.stat().st_size <= limit, path
