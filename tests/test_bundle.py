"""The exhibit bundle of the example matter, end to end on the real LibreOffice."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from filings.exhibits.bundle import page_label_ranges
from filings.exhibits.exhibit import BatesStyle
from filings.errors import TemplateError
from filings.facts.load import load_facts
from filings.pipeline.builder import build
from filings.typography import smart_quotes

from conftest import EXAMPLE

EXHIBIT_COUNT = len(load_facts(EXAMPLE).facts.exhibits)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def bundle_of(out: Path) -> Path:
    return out / "exhibits" / "exhibit-bundle.pdf"


def test_index_links_land_on_each_exhibit_cover(example_build):
    out, result, _ = example_build
    reader = PdfReader(bundle_of(out))
    index = result.bundle.index_pages
    links = [a.get_object() for p in reader.pages[:index] for a in p.get("/Annots", [])]
    assert len(links) == EXHIBIT_COUNT
    for n, link in enumerate(links, 1):
        target = reader.get_destination_page_number(_Dest(link["/Dest"]))
        assert flat(reader.pages[target].extract_text()).startswith(f"EXHIBIT {n} ")


class _Dest:  # pypdf wants an object with .page for get_destination_page_number
    def __init__(self, array):
        self.page = array[0]


def test_index_lists_label_title_date_and_bates_range(example_build):
    out, result, _ = example_build
    facts = load_facts(EXAMPLE).facts
    text = flat(PdfReader(bundle_of(out)).pages[0].extract_text())
    assert text.startswith("INDEX OF EXHIBITS Seko Customs Brokerage, Inc. v. United States et al. "
                           "Court No. 24-00097")
    for b in result.bundle.exhibits:
        assert f"Exhibit {b.exhibit.mark}" in text and f"{b.first_bates} – {b.last_bates}" in text
    assert "May 20, 2024" in text and "SEKO-000001" in text
    assert flat(facts.exhibits[0].title)[:30] in text


def test_bates_numbers_on_every_page_after_the_index_and_page_labels_match(example_build):
    out, result, _ = example_build
    reader = PdfReader(bundle_of(out))
    index = result.bundle.index_pages
    expected = [f"SEKO-{n:06d}" for n in range(1, len(reader.pages) - index + 1)]
    found = [re.findall(r"SEKO-\d{6}", page.extract_text()) for page in reader.pages[index:]]
    assert [f[-1] if f else None for f in found] == expected
    assert reader.page_labels == [_roman(i + 1) for i in range(index)] + expected


def _roman(n: int) -> str:
    return ["i", "ii", "iii", "iv", "v"][n - 1]


def test_covers_bookmarks_and_page_ranges(example_build):
    out, result, _ = example_build
    reader = PdfReader(bundle_of(out))
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    facts = load_facts(EXAMPLE).facts
    assert outline == [("INDEX OF EXHIBITS", 0)] + [
        (f"Exhibit {n} — {smart_quotes(e.title)}", b.first_page)
        for n, (e, b) in enumerate(zip(facts.exhibits, result.bundle.exhibits), 1)]
    for n, b in enumerate(result.bundle.exhibits, 1):
        cover = flat(reader.pages[b.first_page].extract_text())
        assert cover.startswith(f"EXHIBIT {n} {b.exhibit.title}")
        assert cover.endswith(b.first_bates)
    assert len(reader.pages) == result.bundle.index_pages + sum(b.pages + 1 for b in result.bundle.exhibits)


def test_per_exhibit_files_for_cm_ecf(example_build):
    out, result, _ = example_build
    names = sorted(p.name for p in (out / "exhibits").iterdir())
    assert names == sorted(["exhibit-bundle.pdf"] + [
        "Exhibit 1 - Trade portal status page showing the security program suspension.pdf",
        "Exhibit 2 - Agency notice of suspension from the informal entry test.pdf",
        "Exhibit 3 - Plaintiff's first request to identify the violations.pdf",
        "Exhibit 4 - Plaintiff's request concerning the security program suspension.pdf",
        "Exhibit 5 - Counsel's letter giving notice of intended litigation.pdf",
        "Exhibit 6 - Agency notice of conditional reinstatement.pdf"])
    for b in result.bundle.exhibits:
        [path] = b.files
        reader = PdfReader(path)
        assert len(reader.pages) == b.pages + 1
        assert flat(reader.pages[0].extract_text()).startswith(f"EXHIBIT {b.exhibit.mark} ")
        assert b.last_bates in reader.pages[-1].extract_text()
        assert path.stat().st_size < 35 * 1024 * 1024


def test_letters_are_drafted_from_the_facts_and_the_exhibit_is_the_sent_copy(example_build):
    out, result, _ = example_build
    draft = flat(PdfReader(out / "letters" / "litigation_notice.pdf").pages[0].extract_text())
    assert "May 28, 2024" in draft and "Dear Mr. Osei:" in draft  # the salutation the facts give
    assert "Re: Suspensions from the Entry Type 86 test and C-TPAT" in draft  # the request's subject
    assert "failing that, our client will seek relief in the United States Court of International Trade" in draft
    assert "Plaintiff" not in draft and "this Court" not in draft  # a letter speaks before any suit
    letter = next(b for b in result.bundle.exhibits if b.exhibit.id == "litigation_notice")
    text = flat(PdfReader(letter.files[0]).pages[1].extract_text())
    assert "Dear Mr. Osei:" in text and "ILLUSTRATIVE SAMPLE EXHIBIT" in text  # the committed sent copy


def test_papers_cite_exhibits_by_their_labels(example_build):
    out, _, _ = example_build
    complaint = flat(PdfReader(out / "complaint.pdf").pages[3].extract_text() +
                     " ".join(p.extract_text() for p in PdfReader(out / "complaint.pdf").pages))
    assert "See Exhibit 2 (Agency notice of suspension from the informal entry test)" in complaint
    assert "See Exhibit 5 (Counsel’s letter giving notice of intended litigation)" in complaint


def test_reordering_exhibits_changes_labels_index_ranges_and_citations(facts_copy, tmp_path, example_build):
    text = EXAMPLE.read_text()
    head, exhibits = text.split("\nexhibits:\n")
    exhibits, tail = exhibits.split("\nbundle:")
    items = re.split(r"(?m)^(?=  - id: )", exhibits)[1:]
    items[1], items[5] = items[5].rstrip("\n") + "\n", items[1]
    facts = facts_copy()
    facts.write_text(head + "\nexhibits:\n" + "".join(items) + "\nbundle:" + tail)
    out = tmp_path / "build"
    result = build(facts, out)
    before = {b.exhibit.id: b for b in example_build[1].bundle.exhibits}
    after = {b.exhibit.id: b for b in result.bundle.exhibits}
    assert (after["reinstatement_letter"].exhibit.mark, after["type86_notice"].exhibit.mark) == ("2", "6")
    assert after["reinstatement_letter"].first_bates != before["reinstatement_letter"].first_bates
    index = flat(PdfReader(bundle_of(out)).pages[0].extract_text())
    assert index.index("Agency notice of conditional reinstatement") < index.index("Agency notice of suspension")
    assert f"{after['type86_notice'].first_bates} – {after['type86_notice'].last_bates}" in index
    complaint = flat(" ".join(p.extract_text() for p in PdfReader(out / "complaint.pdf").pages))
    assert "See Exhibit 6 (Agency notice of suspension from the informal entry test)" in complaint
    assert "See Exhibit 2 (Agency notice of conditional reinstatement)" in complaint
    assert sorted(p.name for p in (out / "exhibits").iterdir())[1].startswith(
        "Exhibit 2 - Agency notice of conditional reinstatement")


def test_letters_as_labels(facts_copy, tmp_path):
    facts = facts_copy(("  labels: numbers", "  labels: letters"))
    result = build(facts, tmp_path / "build", papers=False)
    assert [b.exhibit.mark for b in result.bundle.exhibits] == ["A", "B", "C", "D", "E", "F"]
    assert (tmp_path / "build" / "exhibits" / "Exhibit C - Plaintiff's first request to identify the "
            "violations.pdf").is_file()
    assert not list((tmp_path / "build").glob("packet*.pdf"))  # papers=False builds the bundle only


UNCITED = (("    exhibit: ctpat_portal_status\n", ""),  # neither an event nor the declaration cites it
           ("    authenticated_by: [landis]                        # she captured it\n", ""))


def test_an_exhibit_no_paper_cites_is_a_warning(facts_copy, tmp_path):
    facts = facts_copy(*UNCITED)
    warnings = []
    result = build(facts, tmp_path / "build", warn=warnings.append)
    assert warnings == result.warnings == ["exhibit 'ctpat_portal_status' is not cited in any paper"]
    assert result.summary().endswith(f", 1 warning, in {result.seconds:.1f} s")


def test_strict_turns_warnings_into_errors_and_keeps_outputs(facts_copy, tmp_path):
    facts = facts_copy(*UNCITED)
    with pytest.raises(Exception) as info:
        build(facts, tmp_path / "build", strict=True)
    assert str(info.value) == "--strict: exhibit 'ctpat_portal_status' is not cited in any paper"
    assert not list((tmp_path / "build").glob("packet*.pdf"))


def test_citing_an_unknown_exhibit_names_the_template(template_tree, tmp_path):
    from docx import Document
    doc = Document(template_tree / "motion.docx")
    doc.add_paragraph("See {{ exhibit('reinstatement') }}.")
    doc.save(template_tree / "motion.docx")
    with pytest.raises(TemplateError) as info:
        build(EXAMPLE, tmp_path / "build", templates_dir=template_tree)
    assert str(info.value) == (f"{template_tree / 'motion.docx'}: exhibit('reinstatement'): no exhibit with "
                               "that id in the facts; did you mean 'reinstatement_letter'?")


def test_oversized_exhibit_is_reduced_then_split(tmp_path, facts_copy):
    from PIL import Image, ImageDraw
    facts = facts_copy(("  size_limit_mb: 35", "  size_limit_mb: 0.25"))
    big = tmp_path / "exhibits" / "ctpat-portal-status.png"
    image = Image.effect_noise((2400, 3100), 10).convert("RGB")  # 8 MB; about 130 KB at 150 dpi
    ImageDraw.Draw(image).text((100, 100), "BIG SCAN", fill="black")
    image.save(big)
    warnings = []
    result = build(facts, tmp_path / "build", papers=False, warn=warnings.append)
    reduced = [w for w in warnings if w.startswith("Exhibit 1: ")]
    assert len(reduced) == 1 and "over the 0.25 MB limit; reduced 1 image to 150 dpi" in reduced[0]
    split = [w for w in warnings if "split into" in w]
    assert split, "the two-page scan (160 KB a page, not finer than 150 dpi) stays over 0.25 MB and must be split"
    for b in result.bundle.exhibits:
        for f in b.files:
            assert f.is_file() and f.stat().st_size <= 0.25 * 1024 * 1024, f.name
    scan = next(b for b in result.bundle.exhibits if b.exhibit.id == "reinstatement_letter")
    assert [f.name for f in scan.files] == [
        "Exhibit 6 - Agency notice of conditional reinstatement (part 1 of 2).pdf",
        "Exhibit 6 - Agency notice of conditional reinstatement (part 2 of 2).pdf"]


@pytest.mark.parametrize("start, digits, total, labels", [
    (1, 6, 3, [(1, "X00000", 1)]),
    (8, 2, 5, [(1, "X0", 8), (3, "X", 10)]),
    (0, 3, 3, [(1, "X000", None), (2, "X00", 1)]),
])
def test_page_labels_follow_bates_numbers_across_digit_widths(start, digits, total, labels):
    ranges = page_label_ranges(1, total + 1, BatesStyle("X", start, digits))
    assert ranges[0][0] == 0 and ranges[0][1].S == "/r"
    assert [(page, str(d.P), int(d.St) if "/St" in d else None) for page, d in ranges[1:]] == labels


def reordered(facts: Path) -> None:
    """Swap the example's exhibits 2 and 6 in ``facts``."""
    text = facts.read_text()
    head, exhibits = text.split("\nexhibits:\n")
    exhibits, tail = exhibits.split("\nbundle:")
    items = re.split(r"(?m)^(?=  - id: )", exhibits)[1:]
    items[1], items[5] = items[5].rstrip("\n") + "\n", items[1]
    facts.write_text(head + "\nexhibits:\n" + "".join(items) + "\nbundle:" + tail)


def test_the_bundle_after_a_reorder_rebuilds_the_papers_whose_citations_changed(facts_copy, tmp_path):
    facts = facts_copy()
    out = tmp_path / "build"
    build(facts, out)
    summons = (out / "summons.pdf").read_bytes()
    reordered(facts)
    result = build(facts, out, papers=False)  # filings bundle
    rebuilt = sorted(b.paper.name for b in result.papers if not b.carried)
    assert "complaint" in rebuilt and "summons" not in rebuilt
    assert (out / "summons.pdf").read_bytes() == summons  # a paper citing no exhibit is kept as it was
    complaint = flat(" ".join(p.extract_text() for p in PdfReader(out / "complaint.pdf").pages))
    assert "See Exhibit 6 (Agency notice of suspension from the informal entry test)" in complaint
    assert "See Exhibit 2 (Agency notice of conditional reinstatement)" in complaint
    packet = flat(" ".join(p.extract_text() for p in PdfReader(out / "packet-complaint.pdf").pages))
    assert "See Exhibit 6 (Agency notice of suspension" in packet  # the packet holds the rebuilt complaint
    assert result.warnings == []


def test_only_names_the_papers_the_facts_have_overtaken(facts_copy, tmp_path):
    facts = facts_copy()
    out = tmp_path / "build"
    build(facts, out)
    reordered(facts)
    warnings = []
    build(facts, out, only="summons", warn=warnings.append)
    assert any(w.startswith("complaint is out of date with the facts (") and w.endswith("changed); run a full build")
               for w in warnings), warnings
