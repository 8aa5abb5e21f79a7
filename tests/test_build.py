"""End to end: facts → DOCX → PDF → packet, on the real LibreOffice."""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from filings.pipeline import pdf
from filings.pipeline.builder import build
from filings.typography import smart_quotes
from filings.facts.citations import resolve
from filings.papers.context import build_context
from filings.convert.libreoffice import LibreOffice
from filings.errors import ConversionError, FactsError, TemplateError
from filings.facts.load import load_facts
from filings.facts.plan import SHIPPED
from filings.facts.kinds import load_kinds
from filings.pipeline.builder import plan_build

from conftest import EXAMPLE

PAPERS = [SHIPPED[name] for name in load_kinds()["residual"].papers]  # the example's kind of case

PLAN = plan_build(load_facts(EXAMPLE))[0]
PAPER_NAMES = [p.name for p in PLAN.papers]  # the example's: a certificate of service per filing
PACKETS = [f.packet for f in PLAN.filings]  # packet-complaint.pdf, packet-motion.pdf


def flat(text: str) -> str:
    """Text with all runs of whitespace made one space (PDF lines break anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


def typeset(fact: str) -> str:
    """A fact as the papers print it: citations ([Term: id]) resolved, whitespace flattened,
    typographer's quotes."""
    return flat(smart_quotes(resolve(fact, build_context(load_facts(EXAMPLE))["cite"])))


def docx_text(path: Path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def test_every_paper_as_docx_and_pdf_plus_the_packets(example_build):
    out, result, runs = example_build
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(
        [f"{n}.docx" for n in PAPER_NAMES] + [f"{n}.pdf" for n in PAPER_NAMES] + PACKETS)
    assert runs == 1  # one LibreOffice run converts the whole build
    assert result.summary().startswith(f"built {len(PAPER_NAMES)} papers, {result.pages} pages, packets ")


def test_packets_have_one_bookmark_per_paper_and_every_page(example_build):
    out, result, _ = example_build
    pages = {b.paper.name: b.pages for b in result.papers}
    # the complaint files all six exhibits, each with its cover, right after it (tests/test_filed_exhibits.py)
    filed = {"complaint": result.bundle.total_pages - result.bundle.index_pages}
    for filing in PLAN.filings:
        starts, page = [], 0
        for paper in filing.papers:
            assert pages[paper.name] == pdf.page_count(out / f"{paper.name}.pdf") >= 1
            starts.append((paper.title, page))
            page += pages[paper.name] + filed.get(paper.name, 0)
        assert pdf.outline_titles(out / filing.packet) == starts  # the top level: the exhibits nest
        assert pdf.page_count(out / filing.packet) == page
    assert sum(pdf.page_count(out / p) for p in PACKETS) == result.pages + filed["complaint"]


def test_packet_text_shows_caption_number_statute_dates_requests_and_relief(example_build):
    out, _, _ = example_build
    text = " ".join(flat(pdf.extract_text(out / p)) for p in PACKETS)
    facts = load_facts(EXAMPLE).facts
    for expected in ["UNITED STATES COURT OF INTERNATIONAL TRADE", "SEKO CUSTOMS BROKERAGE, INC.",
                     "Court No. 24-00097", "Before: Hon. Claire R. Kelly, Judge",
                     "28 U.S.C. § 1581(i)", "May 20, 2024", "May 27, 2024"]:
        assert expected in text
    for request in facts.requests:
        assert typeset(request.asked) in text
    for item in facts.relief + facts.motion.relief:
        assert typeset(item) in text


def test_court_number_and_page_number_on_every_page(example_build):
    """Every page shows the Court No. and its page number; the papers that commence the action
    (June 3, before the Clerk docketed it) print the blanks the Court expects, and the motion's
    filing (July 10) prints the number and the judge."""
    out, _, _ = example_build
    commencing = {p.name for p in PLAN.filings[0].papers}
    for name in PAPER_NAMES:
        pages = pdf.extract_text(out / f"{name}.pdf").split("\f")
        expected = "Court No. __________" if name in commencing else "Court No. 24-00097"
        assert ("Before: __________" if name in commencing else "Before: Hon. Claire R. Kelly, Judge") in \
            flat(pages[0]), name
        for number, page in enumerate(pages, 1):
            lines = [line.strip() for line in page.strip().splitlines()]
            assert expected in flat(page), f"{name} page {number}"
            assert str(number) in lines[-3:], f"{name} page {number} has no page number at the bottom"


def test_pdfs_are_letter_size_searchable_with_fonts_embedded(example_build):
    out, _, _ = example_build
    # The example's bundle too: its exhibits (the sample sent copies included) embed every font.
    assert pdf.unembedded_fonts(out / "exhibits" / "exhibit-bundle.pdf") == []
    for path in [out / f"{name}.pdf" for name in PAPER_NAMES] + [out / p for p in PACKETS]:
        assert pdf.unembedded_fonts(path) == []
        reader = pdf.read_pdf(path)
        # a packet holds its exhibits as the bundle placed them: a landscape screen capture stays so
        assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} \
            <= ({(612, 792), (792, 612)} if path.name.startswith("packet") else {(612, 792)})


def test_docx_format_letter_margins_times_double_spaced(example_build):
    out, _, _ = example_build
    with zipfile.ZipFile(out / "complaint.docx") as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
    section = re.search(r"<w:sectPr.*?</w:sectPr>", document, re.S).group(0)
    assert 'w:w="12240"' in section and 'w:h="15840"' in section  # 8.5 x 11 in
    for side in ("top", "bottom", "left", "right"):
        assert f'w:{side}="1440"' in section  # 1 inch
    assert 'w:ascii="Times New Roman"' in styles and '<w:sz w:val="24"/>' in styles
    assert 'w:line="480"' in styles  # double spacing
    assert "<w:numPr>" in styles  # numbered paragraphs use Word's own numbering


def test_complaint_has_one_numbered_paragraph_per_request_and_event(example_build):
    out, _, _ = example_build
    facts = load_facts(EXAMPLE).facts
    doc = Document(out / "complaint.docx")
    numbered = [flat(p.text) for p in doc.paragraphs if p.style.name == "Numbered Paragraph"]
    for request in facts.requests:
        assert sum(typeset(request.asked) in p for p in numbered) == 1
    for event in facts.events:
        assert sum(typeset(event.text) in p for p in numbered) == 1
    assert all(numbered), "an empty numbered paragraph would print a bare number"


def test_motion_recites_consultation_date_time_and_participants(example_build):
    out, _, _ = example_build
    text = flat(pdf.extract_text(out / "motion.pdf"))
    assert "July 9, 2024" in text and "2:30 p.m." in text
    assert "Eleanor J. Marsh" in text and "Patricia L. Ngata" in text


def test_manifest_records_the_facts_each_paper_reads(example_build):
    out, _, _ = example_build
    manifest = json.loads((out / ".filings" / "manifest.json").read_text())
    assert set(manifest["papers"]) == set(PAPER_NAMES)
    complaint = manifest["papers"]["complaint"]["facts_read"]
    assert "events.3.date" in complaint and "case.court_no" in complaint
    assert "motion.consultation.time" not in complaint
    assert "motion.consultation.time" in manifest["papers"]["motion"]["facts_read"]


def test_changing_a_date_changes_it_everywhere(facts_copy, tmp_path):
    # the event and the notice it sent, dated the same day: both move
    facts = facts_copy(("    date: 2024-05-20\n", "    date: 2024-05-21\n"), ("    date: 2024-05-20\n", "    date: 2024-05-21\n"))
    out = tmp_path / "build"
    build(facts, out)
    for name in PAPER_NAMES:
        for text in (pdf.extract_text(out / f"{name}.pdf"), docx_text(out / f"{name}.docx")):
            assert "May 20, 2024" not in flat(text), name
    assert "May 21, 2024" in flat(pdf.extract_text(out / "packet-complaint.pdf"))


def test_another_matter_leaves_no_trace_of_the_example(other_build):
    out, result = other_build
    assert len(result.papers) == len(PAPERS) + 1  # the motion's certificate of compliance
    text = flat(pdf.extract_text(out / "packet.pdf")) + " " + " ".join(
        flat(docx_text(out / f"{p.name}.docx")) for p in PAPERS)
    assert "RIDGELINE STEEL IMPORTS LLC" in text and "Court No. __________" in text
    assert "Harriet V. Lund" in text and "9:15 a.m." in text
    for trace in ["Seko", "SEKO", "CBP", "C-TPAT", "Entry Type 86", "24-00097", "Kelly", "Landis",
                  "Gagne", "Marsh", "Ngata", "Marlow", "Schaumburg", "2024", "Type 86", "99.999"]:
        assert trace not in text, trace


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def last_good(example_build, tmp_path):
    out = tmp_path / "build"
    shutil.copytree(example_build[0], out)
    return out, snapshot(out)


def test_bad_facts_leave_the_last_good_outputs(last_good, facts_copy):
    out, before = last_good
    with pytest.raises(FactsError):
        build(facts_copy(("  filed: 2024-06-03", "  filed: 2024-06-31")), out)
    assert snapshot(out) == before


def test_broken_template_leaves_the_last_good_outputs(last_good, template_tree):
    out, before = last_good
    doc = Document(template_tree / "complaint.docx")
    doc.add_paragraph("{{ case.no_such_fact }}")
    doc.save(template_tree / "complaint.docx")
    with pytest.raises(TemplateError) as info:
        build(EXAMPLE, out, templates_dir=template_tree)
    assert str(info.value) == (f"{template_tree / 'complaint.docx'}: {{{{ case.no_such_fact }}}}: "
                               "no such fact 'case.no_such_fact'")
    assert snapshot(out) == before


def test_failed_conversion_leaves_the_last_good_outputs(last_good, tmp_path):
    out, before = last_good
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 81\n")
    fake.chmod(0o755)
    with pytest.raises(ConversionError):
        build(EXAMPLE, out, converter=LibreOffice(binary=str(fake)), force=True)
    assert snapshot(out) == before
    assert sorted(p.name for p in (out / ".filings").iterdir()) == ["drafts", "manifest.json", "outputs.json"]  # no staging left (drafts: each paper as made, for merging edits)


def test_only_one_paper(last_good):
    out, before = last_good
    result = build(EXAMPLE, out, only="proposed-order")
    assert [b.paper.name for b in result.papers if not b.carried] == ["proposed-order"]
    assert [b.paper.name for b in result.papers] == PAPER_NAMES  # the others kept as they were
    assert f"1 paper (proposed-order), kept {len(PAPER_NAMES) - 1} from the last build" in result.summary()
    after = snapshot(out)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"proposed-order.docx", "proposed-order.pdf", *PACKETS}
    # The packets are merged again from the current papers, so they never hold an old one.
    for filing in PLAN.filings:
        assert [t for t, _ in pdf.outline_titles(out / filing.packet)] == [p.title for p in filing.papers]
    exhibits = sum(pdf.page_count(f) for f in (out / "exhibits").glob("Exhibit *.pdf"))  # in the complaint's
    assert sum(pdf.page_count(out / p) for p in PACKETS) == result.pages + exhibits
