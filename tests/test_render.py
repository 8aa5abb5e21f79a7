"""Rendering: strict facts, sandboxed templates, exact error messages."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from filings.context import build_context
from filings.errors import TemplateError
from filings.facts import load_facts
from filings.render import Renderer

from conftest import EXAMPLE


def make_template(folder: Path, name: str, *paragraphs: str) -> str:
    """Write a one-section DOCX template whose paragraphs hold the given texts."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / name)
    return name


def render_text(folder: Path, name: str, facts: Path = EXAMPLE) -> tuple[str, set[str]]:
    renderer = Renderer(folder, build_context(load_facts(facts)))
    out = folder / f"out-{name}"
    reads = renderer.render(name, out)
    return "\n".join(p.text for p in Document(out).paragraphs), reads


def render_error(folder: Path, name: str) -> str:
    with pytest.raises(TemplateError) as info:
        render_text(folder, name)
    return str(info.value)


def test_facts_render_and_reads_are_recorded(tmp_path):
    name = make_template(tmp_path, "t.docx", "{{ case.title }}, Court No. {{ case.court_no }}",
                         "{% for e in events %}{{ e.date }}; {% endfor %}")
    text, reads = render_text(tmp_path, name)
    assert text.splitlines()[0] == "Seko Customs Brokerage, Inc. v. United States et al., Court No. 24-00097"
    assert "May 20, 2024; May 31, 2024;" in text
    assert {"case.title", "case.court_no", "events", "events.3.date"} <= reads


def test_unknown_fact_names_template_and_tag(tmp_path):
    name = make_template(tmp_path, "bad.docx", "Intro", "Court No. {{ case.court_num }}")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: {{{{ case.court_num }}}}: no such fact 'case.court_num'; "
        "did you mean 'case.court_no'?")


def test_unknown_top_level_name(tmp_path):
    name = make_template(tmp_path, "bad.docx", "{{ plantiff.name }}")
    assert render_error(tmp_path, name) == f"{tmp_path / name}: {{{{ plantiff.name }}}}: no such fact 'plantiff'"


def test_printing_an_empty_fact_is_an_error_not_a_blank(tmp_path):
    name = make_template(tmp_path, "empty.docx", "Phone: {{ signer.title }}")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: {{{{ signer.title }}}}: the fact 'people.lead_counsel.title' is empty in "
        "the facts file; give it a value or wrap the tag in {% if %}")


def test_empty_fact_is_false_in_a_test(tmp_path):
    name = make_template(tmp_path, "ok.docx", "{% if signer.title %}T{% else %}none{% endif %}")
    assert render_text(tmp_path, name)[0] == "none"


def test_broken_jinja_names_template_and_paragraph(tmp_path):
    name = make_template(tmp_path, "broken.docx", "First", "Second", "Third {{ case.court_no }",
                         "Fourth")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: paragraph 3 (\"Third {{{{ case.court_no }}Fourth\"): broken template tag: "
        "unexpected '}'")


def test_citing_an_unknown_exhibit(tmp_path):
    name = make_template(tmp_path, "cite.docx", "See {{ exhibit('type86_notise') }}.")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: exhibit('type86_notise'): no exhibit with that id in the facts; "
        "did you mean 'type86_notice'?")


def test_exhibit_citation_follows_the_order(tmp_path):
    name = make_template(tmp_path, "cite.docx", "See {{ exhibit('litigation_notice') }}.")
    assert render_text(tmp_path, name)[0] == "See Exhibit 5."


def test_templates_run_in_the_sandbox(tmp_path):
    name = make_template(tmp_path, "evil.docx", "{{ case.__class__.__init__.__globals__ }}")
    assert "no such fact" in render_error(tmp_path, name) or "unsafe" in render_error(tmp_path, name)
    name = make_template(tmp_path, "evil2.docx", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    message = render_error(tmp_path, name)
    assert message.startswith(f"{tmp_path / name}: ") and "unsafe" in message


def test_facts_are_xml_escaped(tmp_path, facts_copy):
    facts = facts_copy(("name: Marlow Kestrel LLP", "name: Marlow & Kestrel <LLP>"))
    name = make_template(tmp_path, "amp.docx", "{{ signer.organization.name }}")
    assert render_text(tmp_path, name, facts)[0] == "Marlow & Kestrel <LLP>"


def test_missing_template_file(tmp_path):
    renderer = Renderer(tmp_path, build_context(load_facts(EXAMPLE)))
    with pytest.raises(TemplateError) as info:
        renderer.render("nope.docx", tmp_path / "out.docx")
    assert str(info.value) == f"{tmp_path / 'nope.docx'}: template not found; check the templates folder"


def test_printing_a_list_is_an_error_not_a_repr(tmp_path):
    name = make_template(tmp_path, "list.docx", "Plaintiffs: {{ case.plaintiffs }}")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: {{{{ case.plaintiffs }}}}: 'case.plaintiffs' is a group of facts, not one fact; "
        "loop over it with {% for %}, or print it with |and_list")


def test_printing_a_section_is_an_error(tmp_path):
    name = make_template(tmp_path, "section.docx", "{{ motion.consultation }}")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: {{{{ motion.consultation }}}}: 'motion.consultation' is a group of facts, not one "
        "fact; print one of its facts (channel, date, outcome, participants, time, ...)")
