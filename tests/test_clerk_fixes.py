"""The clerk's small fixes of issue 18, each on two matters of different shape (the example, one
plaintiff; the many-parties matter, eight plaintiffs and officials): a parent ending in a period
is not given a second; Form 13 numbers each party's disclosures from 1; Form 5 lists the events
in the complaint's order and ends its lines with periods; nested quotations alternate; citations
keep together; an exhibit dated only by its event is said. Rendered to Word, no LibreOffice."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from conftest import DATA, EXAMPLE, ROOT
from filings.facts.load import load_facts
from filings.papers.context import build_context
from filings.papers.render import Renderer
from filings.papers.typeset import typeset_text
from filings.pipeline.checking import check
from filings.typography import smart_quotes

MANY = DATA / "many-parties" / "facts.yaml"


def rendered(facts: Path, template: str, tmp_path: Path) -> list[str]:
    out = tmp_path / f"{template}.docx"
    Renderer(ROOT / "templates", build_context(load_facts(facts))).render(f"{template}.docx", out)
    return [p.text.replace("\u00a0", " ") for p in Document(out).paragraphs]


def with_parent(tmp_path: Path, source: Path, parent: str) -> Path:
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^    parent: .*\n", "", text)  # every plaintiff corporation has this parent
    text = re.sub(r"(?m)^(    kind: corporation.*\n)", lambda m: m.group(1) + f"    parent: {parent}\n", text)
    (tmp_path / "facts.yaml").write_text(text, encoding="utf-8")
    if (source.parent / "exhibits").is_dir() and not (tmp_path / "exhibits").exists():
        __import__("shutil").copytree(source.parent / "exhibits", tmp_path / "exhibits")
    return tmp_path / "facts.yaml"


@pytest.mark.parametrize("source", [EXAMPLE, MANY], ids=["example", "many-parties"])
def test_a_parent_ending_in_a_period_gets_no_second_one(tmp_path, source):
    lines = rendered(with_parent(tmp_path, source, "Harbor Holdings, Inc."), "disclosure-statement", tmp_path)
    parents = [line for line in lines if "Parent corporation:" in line]
    assert parents and any(line.endswith("Harbor Holdings, Inc.") for line in parents), parents
    assert not any(".." in line for line in lines)


@pytest.mark.parametrize("source", [EXAMPLE, MANY], ids=["example", "many-parties"])
def test_form_13_numbers_each_partys_disclosures_from_one(tmp_path, source):
    lines = rendered(source, "disclosure-statement", tmp_path)
    numbers = [int(m.group(1)) for line in lines if (m := re.match(r"(\d+)\.\t", line))]
    plaintiffs = len(load_facts(source).facts.case.plaintiffs)
    assert numbers.count(1) == plaintiffs and max(numbers) <= 6, numbers


@pytest.mark.parametrize("source", [EXAMPLE, MANY], ids=["example", "many-parties"])
def test_form_5_lists_the_events_in_the_complaints_order_with_periods(tmp_path, source):
    facts = load_facts(source)
    context = build_context(facts)
    order = [str(e.date) for e in context["chronology"] if e.is_event]
    lines = rendered(source, "information-statement", tmp_path)
    listed = [line.split(":")[0] for line in lines if re.match(r"^[A-Z][a-z]+ (\d+, )?\d{4}:", line)]
    assert listed == order
    counsel = [line for line in lines if line.startswith(facts.facts.people[facts.facts.case.counsel[0]].name)]
    assert counsel and "Nature of the action:" in " ".join(lines)
    assert all(line.endswith(".") for line in lines if line.startswith("Nature of the action:"))


def test_a_month_only_event_sorts_the_same_in_the_complaint_and_in_form_5(facts_copy, tmp_path):
    path = facts_copy(("  - id: first_review\n    date: 2023-07", "  - id: first_review\n    date: 2024-01-22"),
                      ("  - id: second_review\n    date: 2024-01-22", "  - id: second_review\n    date: 2024-01"))
    context = build_context(load_facts(path))
    order = [str(e.date) for e in context["chronology"] if e.is_event]
    lines = rendered(path, "information-statement", tmp_path)
    listed = [line.split(":")[0] for line in lines if re.match(r"^[A-Z][a-z]+ (\d+, )?\d{4}:", line)]
    assert listed == order and listed[:2] == ["January 2024", "January 22, 2024"]


def test_a_quotation_inside_a_quotation_takes_single_quotes():
    assert smart_quotes('The letter says "the test "may result" in suspension".') == \
        "The letter says \u201cthe test \u2018may result\u2019 in suspension\u201d."
    assert smart_quotes('"notice" and "reply"') == "\u201cnotice\u201d and \u201creply\u201d"


def test_declaration_docket_and_record_citations_keep_together():
    assert typeset_text("Landis Decl. ¶ 7; ECF No. 2-3; P.R. 312, C.R. 98") == \
        "Landis Decl.\u00a0¶\u00a07; ECF\u00a0No.\u00a02-3; P.R.\u00a0312, C.R.\u00a098"


def test_an_exhibit_dated_only_by_its_event_is_said(facts_copy):
    path = facts_copy(("    title: Agency notice of suspension from the informal entry test\n    date: 2024-05-20\n",
                       "    title: Agency notice of suspension from the informal entry test\n"))
    warnings: list[str] = []
    check(path, warn=warnings.append)
    assert any("(type86_notice) has no date of its own, so the index and its cover date it by the event "
               "'type86_notice' (2024-05-20)" in w for w in warnings), warnings


@pytest.mark.e2e
@pytest.mark.parametrize("source", [EXAMPLE, MANY], ids=["example", "many-parties"])
def test_the_summons_first_page_holds_the_notice_and_the_clerks_block(tmp_path, source):
    """Eight parties' caption left the summons' first page half blank: the answer paragraph, the
    Clerk's block and the attorney's block were one unbreakable chain, and moved to page 2."""
    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline import pdf
    from filings.pipeline.builder import build

    build(source, tmp_path / "build", only="summons", converter=LibreOffice())
    first = " ".join(pdf.extract_text(tmp_path / "build" / "summons.pdf").split("\f")[0].split())
    assert "PLEASE TAKE NOTICE" in first and "CLERK OF THE COURT" in first and "Deputy Clerk" in first


def test_the_motions_parties_section_names_every_plaintiff(tmp_path):
    """A motion named only the plaintiffs the facts describe (5 of 8 in one matter): a plaintiff
    without a description was skipped. Here no organization of the many-parties matter has one."""
    text = MANY.read_text(encoding="utf-8")
    head, rest = text.split("\npeople:", 1)  # the organizations, without their descriptions
    text = re.sub(r"(?m)^    description: .*\n(?:      .*\n)*", "", head) + "\npeople:" + rest
    (tmp_path / "facts.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(MANY.parent / "exhibits", tmp_path / "exhibits")
    facts = load_facts(tmp_path / "facts.yaml").facts
    lines = rendered(tmp_path / "facts.yaml", "motion", tmp_path)
    start = next(i for i, line in enumerate(lines) if line.startswith("The Parties"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("Defendant"))
    section = " ".join(lines[start:end])
    names = [facts.organizations[p].name if p in facts.organizations else facts.people[p].name
             for p in facts.case.plaintiffs]
    assert len(names) == 3 and [n for n in names if n not in section] == []


@pytest.mark.e2e
def test_the_declaration_has_no_near_blank_page(tmp_path):
    """The authentication paragraphs were one unbreakable chain with the signature: a page held two
    statements and the signature sat alone on the last page. Now every page but the last is full,
    and a statement goes with the signature."""
    import subprocess

    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline.builder import build

    build(EXAMPLE, tmp_path / "build", only="declaration", converter=LibreOffice())
    pdf = tmp_path / "build" / "declaration.pdf"
    count = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                    text=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], capture_output=True,
                            text=True).stdout for n in range(1, count + 1)]
    lines = [[ln for ln in page.splitlines() if ln.strip()] for page in pages]
    assert all(len(page) >= 18 for page in lines[:-1]), [len(page) for page in lines]
    last = " ".join(" ".join(lines[-1]).split())
    assert re.search(r"\b\d+\. .*I declare under penalty of perjury", last), last[:200]


@pytest.mark.e2e
def test_each_declaration_citation_links_to_its_paragraph(example_build):
    """In the motion's packet, every "Landis Decl. ¶ N" is a link to the page where paragraph N of the
    declaration begins (the declaration is in the same packet)."""
    import pikepdf

    out, _, _ = example_build
    packet = out / "packet-motion.pdf"
    with pikepdf.open(packet) as pdf:
        index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        links = [(n, index[a.Dest[0].objgen]) for n, page in enumerate(pdf.pages)
                 for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link" and "/Dest" in a]
    import subprocess
    text = [subprocess.run(["pdftotext", "-f", str(n + 1), "-l", str(n + 1), "-layout", str(packet), "-"],
                           capture_output=True, text=True).stdout for n in range(max(t for _, t in links) + 1)]
    cited = {int(m) for page in text[:5] for m in re.findall(r"Decl\.\s¶\s(\d+)", page)}
    assert cited and len(links) >= len(cited)
    for number in cited:
        begins = next(n for n, page in enumerate(text) if re.search(rf"(?m)^\s+{number}\.\s", page))
        assert any(target == begins for _, target in links), (number, begins, links)


def test_form_5_ends_each_related_action_with_a_period(facts_copy, tmp_path):
    """Form 5's lines are sentences: a related action listed as written got no period."""
    path = facts_copy(("  filed: 2024-06-03\n", "  filed: 2024-06-03\n  related: [\"Ridgeline Steel Imports LLC v. "
                                                  "United States, Court No. 24-00051\"]\n"))
    lines = rendered(path, "information-statement", tmp_path)
    assert "Ridgeline Steel Imports LLC v. United States, Court No. 24-00051." in lines
