"""Papers are data, grouped into filings: a matter's own papers with their own facts
(``extra:``), one packet and one certificate of service per filing, on the real LibreOffice."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from filings.pipeline import pdf
from filings.papers.context import build_context
from filings.papers.depends import changed, fingerprints, index_nodes
from filings.errors import FactsError, FilingsError, TemplateError, display_path
from filings.facts.load import load_facts
from filings.papers.library import TemplateLibrary
from filings.facts.plan import SHIPPED
from filings.facts.kinds import load_kinds
from filings.pipeline.builder import build, plan_build
from filings.pipeline.checking import check
from filings.papers.render import Renderer
from filings.typography import smart_quotes

from conftest import EXAMPLE, line_of

PAPERS = [SHIPPED[name] for name in load_kinds()["residual"].papers]  # the example's kind of case

COMPLAINT_PAPERS = ["Summons", "Complaint", "Information Statement (Form 5)", "Disclosure Statement (Form 13)"]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def text_of(path: Path) -> str:
    return flat(pdf.extract_text(path))


def and_list(items: list[str]) -> str:
    return " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + ", and " + items[-1]


def messages(path: Path) -> list[str]:
    with pytest.raises(FactsError) as info:
        load_facts(path)
    return [str(p) for p in info.value.problems]


def example_titles() -> dict[str, str]:
    """Each of the example's papers by name → its bookmark title (the motion's may come from the facts)."""
    return {p.name: p.title for p in plan_build(load_facts(EXAMPLE))[0].papers}


# --------------------------------------------------------------------------- a matter's own paper

EXPEDITE_TEMPLATE = [
    "MOTION TO EXPEDITE",
    "Plaintiff moves for a briefing schedule that ends on {{ extra.expedite.respond_by }}, because "
    "{{ extra.expedite.reason }}.",
    "{%p for d in extra.expedite.deadlines %}",
    "{{ d.what }} due {{ d.date }}",
    "{%p endfor %}",
    "Filed on {{ filing.date }} with the {{ filing.title|lower }}.",
]

OWN_PAPERS = """papers:
  - summons
  - complaint
  - information-statement
  - disclosure-statement
  - {name: motion-to-expedite, template: motion-to-expedite.docx, title: Motion to Expedite}
  - motion
  - tro-order
  - proposed-order
  - declaration
  - certificate-of-service

extra:
  expedite:
    reason: the conditions of Plaintiff's reinstatement lapse on August 29, 2024
    respond_by: 2024-06-14
    deadlines:
      - {what: Response, date: 2024-06-14}
      - {what: Reply, date: 2024-06-18}

filings:
"""


def make_template(folder: Path, name: str, paragraphs: list[str]) -> Path:
    """A DOCX template made with python-docx, one paragraph per text."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / name)
    return folder / name


@pytest.fixture
def own_paper(facts_copy):
    """The example with a motion to expedite of its own, filed with the complaint papers."""
    def make(*replacements: tuple[str, str], template: list[str] = EXPEDITE_TEMPLATE) -> Path:
        facts = facts_copy(("filings:\n", OWN_PAPERS),
                           ("papers: [summons, complaint, information-statement, disclosure-statement]",
                            "papers: [summons, complaint, information-statement, disclosure-statement, "
                            "motion-to-expedite]"), *replacements)
        make_template(facts.parent / "templates", "motion-to-expedite.docx", template)
        return facts
    return make


def test_a_matter_paper_with_its_own_facts_joins_its_filing_and_builds_alone(own_paper):
    facts = own_paper()
    out = facts.parent / "build"
    result = build(facts, out)
    assert result.warnings == []
    assert (out / "motion-to-expedite.docx").is_file() and (out / "motion-to-expedite.pdf").is_file()
    assert [t for t, _ in pdf.outline_titles(out / "packet-complaint.pdf")] == \
        COMPLAINT_PAPERS + ["Motion to Expedite", "Certificate of Service"]
    packet = text_of(out / "packet-complaint.pdf")
    assert smart_quotes("Plaintiff moves for a briefing schedule that ends on June 14, 2024, because the conditions "
                        "of Plaintiff's reinstatement lapse on August 29, 2024.") in packet
    assert "Response due June 14, 2024 Reply due June 18, 2024" in packet
    assert "Filed on June 3, 2024 with the complaint papers." in packet
    assert (f"I certify that on June 3, 2024, I served the following papers: "
            f"{and_list(COMPLAINT_PAPERS + ['Motion to Expedite'])}, with Exhibits 1–6 to the Complaint, on the "
            "following persons by certified mail, "
            "return receipt requested:") in text_of(out / "certificate-of-service-complaint.pdf")
    assert "Motion to Expedite" not in text_of(out / "packet-motion.pdf")
    entry = json.loads((out / ".filings" / "manifest.json").read_text())["papers"]["motion-to-expedite"]
    assert (entry["template"], entry["filing"]) == ("motion-to-expedite.docx", "complaint")
    assert {"extra.expedite.reason", "extra.expedite.respond_by", "extra.expedite.deadlines",
            "extra.expedite.deadlines.1.date", "filings.0.date", "filings.0.title"} <= set(entry["facts_read"])

    # The command line builds it alone, keeps the others and merges its filing's packet again.
    facts.write_text(facts.read_text().replace("lapse on August 29, 2024", "lapse at the end of August"))
    proc = subprocess.run([sys.executable, "-m", "filings", "build", "--facts", str(facts), "--out", str(out),
                           "--only", "motion-to-expedite", "-q"], cwd=facts.parent, capture_output=True, text=True,
                          timeout=600)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("built 1 paper (motion-to-expedite), kept 11 from the last build, ")
    packet = text_of(out / "packet-complaint.pdf")
    assert smart_quotes("reinstatement lapse at the end of August.") in packet
    assert "lapse on August 29, 2024" not in packet
    assert [t for t, _ in pdf.outline_titles(out / "packet-complaint.pdf")] == \
        COMPLAINT_PAPERS + ["Motion to Expedite", "Certificate of Service"]


def test_an_extra_value_printed_empty_names_the_template_the_tag_and_the_facts_line(own_paper):
    facts = own_paper(("    respond_by: 2024-06-14\n", "    respond_by: 2024-06-14\n    hearing:\n"),
                      template=["Hearing on {{ extra.expedite.hearing }}."])
    template = facts.parent / "templates" / "motion-to-expedite.docx"
    with pytest.raises(TemplateError) as info:
        check(facts)
    assert str(info.value) == (
        f"{template}: {{{{ extra.expedite.hearing }}}}: the fact 'extra.expedite.hearing' is empty in the facts "
        f"file ({facts}:{line_of(facts, 'hearing:')}); give it a value or wrap the tag in {{% if %}}")


def test_a_missing_extra_key_names_the_template_and_the_tag(own_paper):
    facts = own_paper(template=["Because {{ extra.expedite.reasn }}."])
    with pytest.raises(TemplateError) as info:
        check(facts)
    assert str(info.value) == (
        f"{facts.parent / 'templates' / 'motion-to-expedite.docx'}: {{{{ extra.expedite.reasn }}}}: no such fact "
        "'extra.expedite.reasn'; did you mean 'extra.expedite.reason'?")


def test_a_matter_paper_whose_template_is_nowhere(own_paper):
    facts = own_paper()
    (facts.parent / "templates" / "motion-to-expedite.docx").unlink()
    folders = ", ".join(display_path(f) for f in TemplateLibrary.for_matter(facts.parent).closed_folders())
    with pytest.raises(FactsError) as info:
        check(facts)
    assert str(info.value) == (
        f"{facts}:{line_of(facts, 'template: motion-to-expedite.docx')}: papers.4.template: no template "
        f"'motion-to-expedite.docx' on the template search path ({folders}); put it in the matter's "
        "templates/ folder")


def test_only_a_paper_the_matter_does_not_have(own_paper):
    with pytest.raises(FilingsError) as info:
        build(own_paper(), Path("unused"), only="motion-to-expedit")
    assert str(info.value) == (
        "no paper named 'motion-to-expedit'; choose one of: summons, complaint, information-statement, "
        "disclosure-statement, motion-to-expedite, motion, certificate-of-compliance-motion, tro-order, "
        "proposed-order, declaration, "
        "certificate-of-service-complaint, certificate-of-service-motion")


def test_extra_is_read_tracked_and_fingerprinted(own_paper):
    facts = own_paper()
    reads = {"extra.expedite.reason", "extra.expedite.deadlines", "extra.expedite.deadlines.0.date"}
    before = fingerprints(index_nodes(build_context(load_facts(facts))), reads)
    facts.write_text(facts.read_text().replace("{what: Response, date: 2024-06-14}",
                                               "{what: Response, date: 2024-06-13}"))
    assert changed(index_nodes(build_context(load_facts(facts))), before) == ["extra.expedite.deadlines.0.date"]


def test_extra_values_print_as_written(facts_copy):
    path = facts_copy(("filings:\n", "extra:\n  code: 0700\n  days: 30\n  rate: 2.5\n  urgent: yes\n"
                                     "  hearing: 2024-02-30\n  items:\n    - _x: 1\n    - true\n\nfilings:\n"))
    assert messages(path) == [
        f'{path}:{line_of(path, "code: 0700")}: extra.code: 0700 is read as a number; put it in quotes to keep '
        'it as written: code: "0700"',
        f'{path}:{line_of(path, "urgent: yes")}: extra.urgent: yes is read as true; put it in quotes to keep it '
        'as written: urgent: "yes"',
        f"{path}:{line_of(path, 'hearing: 2024-02-30')}: extra.hearing: not a valid date: '2024-02-30'; "
        "no such day in the calendar",
        f"{path}:{line_of(path, '- _x: 1')}: extra.items.0._x: a name starting with '_' cannot be read by "
        "templates; rename it",
    ]


# --------------------------------------------------------------------------- the example's filings

def test_the_example_builds_one_packet_per_filing_with_its_bookmarks_in_order(example_build):
    out, result, _ = example_build
    titles = example_titles()
    assert sorted(p.name for p in out.glob("packet*.pdf")) == ["packet-complaint.pdf", "packet-motion.pdf"]
    assert [t for t, _ in pdf.outline_titles(out / "packet-complaint.pdf")] == \
        COMPLAINT_PAPERS + ["Certificate of Service"]
    assert [t for t, _ in pdf.outline_titles(out / "packet-motion.pdf")] == \
        [titles["motion"], "Certificate of Compliance", "Proposed Temporary Restraining Order",
         "Proposed Preliminary Injunction Order", "Declaration of Lila Landis",
         "Certificate of Service"]
    assert "packets " in result.summary() and str(out / "packet-motion.pdf") in result.summary()


def test_each_certificate_names_exactly_its_filings_papers_and_date(example_build):
    out, _, _ = example_build
    titles = example_titles()
    complaint = text_of(out / "certificate-of-service-complaint.pdf")
    # and the exhibits the complaint files with it (tests/test_filed_exhibits.py)
    assert (f"I certify that on June 3, 2024, I served the following papers: {and_list(COMPLAINT_PAPERS)}, with "
            "Exhibits 1–6 to the Complaint, on the following persons by certified mail, return receipt "
            "requested:") in complaint
    assert "Attorney General of the United States U.S. Department of Justice 950 Pennsylvania Avenue" in complaint
    assert "Attorney-in-Charge U.S. Department of Justice, Civil Division" in complaint
    assert "Dated: June 3, 2024" in complaint and "July 10, 2024" not in complaint
    motion = text_of(out / "certificate-of-service-motion.pdf")
    served = and_list([titles["motion"], "Proposed Temporary Restraining Order", "Proposed Preliminary Injunction Order",
                       "Declaration of Lila Landis"])
    assert (f"I certify that on July 10, 2024, I served the following papers: {served}, on the following "
            "person by the Court\u2019s CM/ECF system: Patricia L. Ngata, Trial Attorney") in motion
    assert "Dated: July 10, 2024" in motion and "June 3, 2024" not in motion
    assert "Summons" not in motion and "Attorney General" not in motion


def test_the_manifest_records_each_certificate_its_filing_and_each_packet(example_build):
    out, _, _ = example_build
    manifest = json.loads((out / ".filings" / "manifest.json").read_text())
    assert manifest["packets"] == {
        "packet-complaint.pdf": ["summons", "complaint", "information-statement", "disclosure-statement",
                                 "certificate-of-service-complaint"],
        "packet-motion.pdf": ["motion", "certificate-of-compliance-motion", "tro-order", "proposed-order", "declaration",
                              "certificate-of-service-motion"]}
    certificate = manifest["papers"]["certificate-of-service-complaint"]
    assert certificate["filing"] == "complaint"
    assert {"filings.0.name", "filings.0.papers", "filings.0.papers.3.title", "filings.0.service.date",
            "filings.0.service.served", "people.attorney_general.name"} <= set(certificate["facts_read"])
    assert "service.date" in manifest["papers"]["certificate-of-service-motion"]["facts_read"]  # the top-level one


def test_a_certificate_is_stale_when_its_filing_changes(facts_copy, tmp_path):
    facts = facts_copy()
    matter = load_facts(facts)
    plan, context = plan_build(matter)
    certificate = next(p for p in plan.papers if p.name == "certificate-of-service-motion")
    renderer = Renderer(TemplateLibrary.for_matter(facts.parent), {**context, "filing": context["filings"][1]})
    recorded = fingerprints(index_nodes(context), renderer.render(certificate.template, tmp_path / "c.docx"))
    facts.write_text(facts.read_text().replace("[motion, tro-order, proposed-order, declaration]", "[motion, tro-order, proposed-order]"))
    assert changed(index_nodes(plan_build(load_facts(facts))[1]), recorded) == \
        ["filings.1.papers", "filings.1.papers.3.title"]


def test_another_matter_without_filings_builds_one_packet_with_one_certificate(other_build):
    out, result = other_build
    assert sorted(p.name for p in out.glob("packet*.pdf")) == ["packet.pdf"]
    titled = {"declaration": "Declaration of Wendell Okafor"}  # a paper whose title is a fact of the matter
    assert [t for t, _ in pdf.outline_titles(out / "packet.pdf")] == \
        [t for p in PAPERS for t in ([p.title, "Certificate of Compliance"] if p.words else [titled.get(p.name, p.title)])]
    served = and_list([b.paper.title for b in result.papers if b.paper.certifies is None][:-1])
    assert (f"I certify that on March 17, 2025, I served the following papers: {served}, with Exhibits A and B to "
            "the Complaint, on the following person by first-class mail: Marcus Feld, Senior Trial Counsel") in text_of(out / "certificate-of-service.pdf")
    assert f"packet {out / 'packet.pdf'}" in result.summary()


# --------------------------------------------------------------------------- checking the facts

def test_a_paper_in_no_filing_is_built_in_no_packet_with_a_warning(facts_copy):
    facts = facts_copy(("[motion, tro-order, proposed-order, declaration]", "[motion, tro-order, proposed-order]"))
    warnings = []
    papers, _ = check(facts, warn=warnings.append)
    assert "declaration" in [p.name for p in papers]
    assert warnings == ["the paper 'declaration' is in no filing, so it is in no packet; add it to the papers "
                        "of a filing"]


def test_errors_in_the_papers_list_name_their_lines(facts_copy):
    path = facts_copy(("filings:\n", """papers:
  - summons
  - complint
  - complaint
  - information-statement
  - complaint
  - {name: Motion to Expedite, template: expedite.docx, title: Motion to Expedite}
  - {name: motion-to-expedite, template: motion-to-expedite.doc, title: Motion to Expedite}
  - {name: complaint, template: mine.docx, title: My Complaint}
  - {name: packet-extra, template: extra.docx, title: Extra}
  - {name: brief, template: brief.docx}
  - wholly-unknown

filings:
"""))
    line = lambda text, nth=1: line_of(path, text, nth)  # noqa: E731
    assert messages(path) == [
        f"{path}:{line('- complint')}: papers.1: no shipped paper named 'complint'; did you mean 'complaint'? "
        "(a paper of the matter's own is written {name: ..., template: ..., title: ...})",
        f"{path}:{line('  - complaint', 2)}: papers.4: 'complaint' is listed twice (first as papers.2); list each "
        "paper once",
        f"{path}:{line('name: Motion to Expedite')}: papers.5.name: 'Motion to Expedite' cannot be a file name; use "
        "lower-case letters, digits and hyphens, such as 'motion-to-expedite'",
        f"{path}:{line('expedite.doc,')}: papers.6.name: its template 'motion-to-expedite.doc' is not a .docx "
        "file; save it from Word as .docx",
        f"{path}:{line('mine.docx')}: papers.7.name: 'complaint' is a shipped paper; list it by name alone, or "
        "give your own paper another name",
        f"{path}:{line('packet-extra')}: papers.8.name: 'packet-extra' is kept for packets and certificates of "
        "service; give the paper another name",
        f"{path}:{line('name: brief')}: papers.9.name: a paper of the matter's own needs a title; add it",
        f"{path}:{line('wholly-unknown')}: papers.10: no shipped paper named 'wholly-unknown' (a paper of the "
        "matter's own is written {name: ..., template: ..., title: ...})",
    ]


def test_a_listed_paper_whose_section_is_missing(facts_copy):
    text = EXAMPLE.read_text(encoding="utf-8")
    motion = text[text.index("\nmotion:\n") + 1:text.index("declaration:\n  declarant:")]
    path = facts_copy((motion, ""), ("filings:\n", "papers: [summons, complaint, motion, proposed-order]\n\n"
                                                   "filings:\n"))
    line = line_of(path, "papers: [summons, complaint, motion")
    assert messages(path) == [
        f"{path}:{line}: papers.2: the paper 'motion' needs a 'motion' section in the facts file; add it, or "
        "remove the paper",
        f"{path}:{line}: papers.3: the paper 'proposed-order' needs a 'motion' section in the facts file; add "
        "it, or remove the paper",
    ]


def test_errors_in_the_filings_name_their_lines(facts_copy):
    text = EXAMPLE.read_text(encoding="utf-8")
    filings = text[text.index("filings:\n"):text.index("exhibits:\n")]
    path = facts_copy((filings, """filings:
  - name: complaint
    title: Complaint papers
    date: 2024-06-03
    papers: [summons, complaint, information-statement, disclosure-statement, certificate-of-service]
  - name: Motion Papers
    title: Motion papers
    date: 2024-07-10
    papers:
      - motion
      - proposed-order
      - declaraton
      - complaint
      - motion
  - name: complaint
    title: More papers
    date: 2024-07-11
    papers: [declaration]
    service: {date: 2024-07-11, method: e-mail, served: [goverment_counsel]}

"""))
    line = lambda text, nth=1: line_of(path, text, nth)  # noqa: E731
    assert messages(path) == [
        f"{path}:{line('goverment_counsel')}: filings.2.service.served.0: no person with id 'goverment_counsel'; "
        "did you mean 'government_counsel'?",
        f"{path}:{line('certificate-of-service]')}: filings.0.papers.4: the certificate of service is made for "
        "each filing and placed last in its packet; remove it from the list",
        f"{path}:{line('name: Motion Papers')}: filings.1.name: 'Motion Papers' cannot be a file name; use "
        "lower-case letters, digits and hyphens, such as 'motion-papers'",
        f"{path}:{line('- declaraton')}: filings.1.papers.2: no paper named 'declaraton'; did you mean "
        "'declaration'?",
        f"{path}:{line('      - complaint')}: filings.1.papers.3: 'complaint' is already in filing 'complaint' "
        "(filings.0.papers.1); a paper is filed once",
        f"{path}:{line('      - motion', 2)}: filings.1.papers.4: 'motion' is already in this filing "
        "(filings.1.papers.0); a paper is filed once",
        f"{path}:{line('name: complaint', 2)}: filings.2.name: 'complaint' names two filings (first filings.0); "
        "give each filing its own name",
    ]


def test_the_motion_title_comes_from_the_facts_when_they_have_one():
    motion = SHIPPED["motion"]
    assert motion.title_in({"motion": {"title": "Motion for a Preliminary Injunction"}}) == \
        "Motion for a Preliminary Injunction"
    assert motion.title_in({"motion": None}) == motion.title
    assert motion.title_in({"motion": {"filed": "2024-07-10"}}) == motion.title
    assert SHIPPED["complaint"].title_in({"motion": {"title": "x"}}) == "Complaint"


def test_an_empty_fact_names_its_line_in_the_facts_file(facts_copy, tmp_path):
    facts = facts_copy(("  judge: Claire R. Kelly", "  judge:"))
    make_template(tmp_path / "t", "t.docx", ["Before {{ case.judge }}"])
    make_template(tmp_path / "t", "u.docx", ["{{ signer.title }}"])
    matter = load_facts(facts)
    renderer = Renderer(tmp_path / "t", build_context(matter), locate_fact=matter.locate_fact)
    for name, tag, fact, where in [
            ("t.docx", "{{ case.judge }}", "case.judge", f"{facts}:{line_of(facts, '  judge:')}"),
            ("u.docx", "{{ signer.title }}", "people.lead_counsel.title",
             f"{facts}:{line_of(facts, '  lead_counsel:')}, under 'people.lead_counsel'")]:
        with pytest.raises(TemplateError) as info:
            renderer.render(name, tmp_path / name)
        assert str(info.value) == (f"{tmp_path / 't' / name}: {tag}: the fact '{fact}' is empty in the facts file "
                                   f"({where}); give it a value or wrap the tag in {{% if %}}")
