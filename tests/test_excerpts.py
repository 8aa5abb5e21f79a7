"""Exhibits made of some pages of a file (``pages: 3-7, 12``), through the real build.

The inputs are made here: a ten-page PDF with bookmarks and links drawn with reportlab and
pikepdf, a three-page Word letter converted by LibreOffice in the build. The bundle is read
the way a paralegal would: which pages are in it, in which order, their Bates numbers, the
cover and the index, the exhibit's own file, its bookmarks and links.
"""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import yaml
from docx import Document
from docx.enum.text import WD_BREAK
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from filings.errors import FactsError
from filings.facts.load import load_facts
from filings.facts.pages import describe_pages, parse_pages
from filings.pipeline.builder import build
from filings.pipeline.checking import check

from conftest import line_of
from test_exhibit_inputs import bates, exhibit_pages, page_texts, tree, write_facts

pytestmark = pytest.mark.e2e


def ten_pages(path: Path) -> Path:
    """PAGE-1 ... PAGE-10, bookmarks to pages 1, 3, 5 and 9, and on page 3 links to pages 5 and 9."""
    canvas = Canvas(str(path), pagesize=LETTER)
    for n in range(1, 11):
        canvas.setFont("Helvetica", 16)
        canvas.drawString(72, 600, f"PAGE-{n} of the scan")
        canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            for n in (1, 3, 5, 9):
                outline.root.append(pikepdf.OutlineItem(f"Mark {n}", n - 1))
        links = [pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 590, 300, 620]),
                                              Border=Array([0, 0, 0]), Dest=Array([pdf.pages[n - 1].obj, Name.Fit])))
                 for n in (5, 9)]
        pdf.pages[2].obj.Annots = Array(links)
        pdf.save(path)
    return path


def three_page_letter(path: Path) -> Path:
    doc = Document()
    for n in range(1, 4):
        paragraph = doc.add_paragraph(f"LETTER-PAGE-{n}")
        if n < 3:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory):
    """A bundle with a whole exhibit, an excerpt of a PDF (``5, 2-3``) and of a Word letter (``3``)."""
    base = tmp_path_factory.mktemp("excerpt")
    ten_pages(base / "scan.pdf")
    three_page_letter(base / "letter.docx")
    exhibits = [{"id": "whole", "title": "The whole scan", "file": "scan.pdf"},
                {"id": "part", "title": "Part of the scan", "file": "scan.pdf", "pages": "5, 2-3"},
                {"id": "last", "title": "The letter's last page", "file": "letter.docx", "pages": 3}]
    facts = write_facts(base, exhibits)
    warnings: list[str] = []
    result = build(facts, base / "out", papers=False, warn=warnings.append)
    return base, result, base / "out" / "exhibits" / "exhibit-bundle.pdf", warnings


def test_only_the_pages_named_are_in_the_bundle_in_the_order_written(excerpt):
    _, result, path, _ = excerpt
    texts = page_texts(path)
    part = [texts[i] for i in exhibit_pages(result, "part")]
    assert [t.split()[0] for t in part] == ["PAGE-5", "PAGE-2", "PAGE-3"]
    assert not any("PAGE-1 " in t or "PAGE-4" in t for t in part)
    last = [texts[i] for i in exhibit_pages(result, "last")]
    assert len(last) == 1 and "LETTER-PAGE-3" in last[0] and "LETTER-PAGE-1" not in last[0]
    assert {b.exhibit.id: b.pages for b in result.bundle.exhibits} == {"whole": 10, "part": 3, "last": 1}


def test_bates_numbers_run_over_the_excerpts_pages_only(excerpt):
    _, result, path, _ = excerpt
    texts = page_texts(path)
    b = next(b for b in result.bundle.exhibits if b.exhibit.id == "part")
    # the whole scan: cover and 10 pages are 1-11; the excerpt's cover is 12, its pages 13-15
    assert (b.first_bates, b.last_bates) == (bates(12), bates(15))
    assert [bates(n) in texts[i] for n, i in zip(range(13, 16), exhibit_pages(result, "part"))] == [True] * 3
    last = next(b for b in result.bundle.exhibits if b.exhibit.id == "last")
    assert (last.first_bates, last.last_bates) == (bates(16), bates(17))


def test_the_cover_and_the_index_say_it_is_an_excerpt_and_which_pages(excerpt):
    _, result, path, _ = excerpt
    texts = page_texts(path)
    covers = {b.exhibit.id: texts[b.first_page] for b in result.bundle.exhibits}
    assert "Excerpt: pages 5, 2\u20133 of 10" in covers["part"]
    assert "Excerpt: page 3 of 3" in covers["last"]
    assert "Excerpt" not in covers["whole"]
    index = texts[0]
    assert "Part of the scan (excerpt)" in index and "The whole scan (excerpt)" not in index


def test_the_exhibits_own_file_holds_its_cover_and_the_excerpt(excerpt):
    _, result, _, _ = excerpt
    b = next(b for b in result.bundle.exhibits if b.exhibit.id == "part")
    texts = page_texts(b.files[0])
    assert len(texts) == 4 and "Excerpt: pages 5, 2\u20133 of 10" in texts[0]
    assert [t.split()[0] for t in texts[1:]] == ["PAGE-5", "PAGE-2", "PAGE-3"]
    assert "(excerpt)" in b.files[0].name


def test_bookmarks_and_links_to_pages_left_out_are_dropped(excerpt):
    _, result, path, warnings = excerpt
    reader = PdfReader(path)
    first = exhibit_pages(result, "part")[0]  # PAGE-5, then PAGE-2, PAGE-3

    def marks(items, found):
        for item in items:
            if isinstance(item, list):
                marks(item, found)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))
        return found
    cover = next(b for b in result.bundle.exhibits if b.exhibit.id == "part").first_page
    part = [m for m in marks(reader.outline, []) if cover <= m[1] <= cover + 3 and not m[0].startswith("Exhibit")]
    assert part == [("Mark 3", first + 2), ("Mark 5", first)]  # Mark 1 and Mark 9: pages left out
    with pikepdf.open(path) as pdf:
        pages = list(pdf.pages)
        links = [a for a in pages[first + 2].obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert len(links) == 1  # to PAGE-5, now the excerpt's first page; the link to page 9 is gone
        assert links[0].Dest[0].objgen == pages[first].obj.objgen
    assert not [w for w in warnings if "'part'" in w]  # left out on purpose: nothing to warn of


def test_a_page_past_the_end_is_one_error_naming_the_facts_line(tmp_path):
    ten_pages(tmp_path / "scan.pdf")
    three_page_letter(tmp_path / "letter.docx")
    build(write_facts(tmp_path, [{"id": "good", "title": "Good", "file": "scan.pdf"}], name="good.yaml"),
          tmp_path / "out", papers=False)
    before = tree(tmp_path / "out")
    facts = write_facts(tmp_path, [{"id": "good", "title": "Good", "file": "scan.pdf"},
                                   {"id": "far", "title": "Too far", "file": "scan.pdf", "pages": "3-7, 45"}])
    with pytest.raises(FactsError) as info:
        build(facts, tmp_path / "out", papers=False)
    assert str(info.value) == (f"{facts}:{line_of(facts, 'pages: 3-7, 45')}: exhibits.1.pages: page 45 is past the "
                               "end of scan.pdf (10 pages); check the page numbers against the file")
    with pytest.raises(FactsError) as checked:  # filings check says so too, converting nothing
        check(facts)
    assert str(checked.value) == str(info.value)
    # a Word file's pages are counted once LibreOffice has converted it
    facts = write_facts(tmp_path, [{"id": "letter", "title": "Letter", "file": "letter.docx", "pages": "2-4"}])
    with pytest.raises(FactsError) as info:
        build(facts, tmp_path / "out", papers=False)
    assert str(info.value) == (f"{facts}:{line_of(facts, 'pages: 2-4')}: exhibits.0.pages: page 4 is past the "
                               "end of letter.docx (3 pages); check the page numbers against the file")
    assert tree(tmp_path / "out") == before


@pytest.mark.parametrize("pages, problem", [
    ("3-7; 12", "'3-7; 12' is not a page or a range of pages; write them as 3-7, 12"),
    ("0-2", "page 0 does not exist: pages are numbered from 1, as a PDF viewer shows them"),
    ("7-3", "'7-3' runs backwards; write the lower page first (3-7)"),
    ("2, 1-3", "page 2 is named twice; name each page once"),
])
def test_a_bad_page_range_is_one_error_naming_the_line(tmp_path, pages, problem):
    ten_pages(tmp_path / "scan.pdf")
    facts = write_facts(tmp_path, [{"id": "bad", "title": "Bad", "file": "scan.pdf", "pages": pages}])
    with pytest.raises(FactsError) as info:
        load_facts(facts)
    line = line_of(facts, "pages:")
    assert [str(p) for p in info.value.problems] == [f"{facts}:{line}: exhibits.0.pages: {problem}"]


def test_a_change_of_pages_rebuilds_the_bundle(tmp_path):
    """The pages are part of what the bundle is made of: a changed range is a new bundle."""
    ten_pages(tmp_path / "scan.pdf")
    exhibits = [{"id": "part", "title": "Part", "file": "scan.pdf", "pages": "2"}]
    build(write_facts(tmp_path, exhibits), tmp_path / "out", papers=False)
    bundle = tmp_path / "out" / "exhibits" / "exhibit-bundle.pdf"
    assert "PAGE-2" in page_texts(bundle)[2]
    exhibits[0]["pages"] = "7"
    build(write_facts(tmp_path, exhibits), tmp_path / "out", papers=False)
    texts = page_texts(bundle)
    assert len(texts) == 3 and "PAGE-7" in texts[2] and "Excerpt: page 7 of 10" in texts[1]


def test_pages_are_read_as_written():
    assert parse_pages("3-7, 12") == [3, 4, 5, 6, 7, 12]
    assert parse_pages("12, 3\u20134") == [12, 3, 4]
    assert parse_pages(5) == [5]
    assert describe_pages([3, 4, 5, 6, 7, 12], 40) == "pages 3\u20137, 12 of 40"
    assert describe_pages([9], 9) == "page 9 of 9"
    data = yaml.safe_load("pages: 3-7, 12")
    assert parse_pages(data["pages"]) == [3, 4, 5, 6, 7, 12]
