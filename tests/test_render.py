"""Rendering: strict facts, sandboxed templates, exact error messages."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from filings.papers.context import build_context
from filings.errors import TemplateError
from filings.facts.load import load_facts
from filings.limits import Limits
from filings.papers.render import Renderer

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
    # citations and dates are tied with no-break spaces (filings.papers.typeset)
    assert text.splitlines()[0] == "Seko Customs Brokerage, Inc. v. United States et al., Court No.\u00a024-00097"
    assert "May\u00a020, 2024; May\u00a031, 2024;" in text
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
    assert render_text(tmp_path, name)[0] == "See Exhibit\u00a05."  # never "Exhibit" at a line's end


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
    assert str(info.value) == (f"{tmp_path / 'nope.docx'}: template not found; check its name and the "
                               "templates folders")


def test_printing_a_list_is_an_error_not_a_repr(tmp_path):
    name = make_template(tmp_path, "list.docx", "Plaintiffs: {{ case.plaintiffs }}")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: {{{{ case.plaintiffs }}}}: 'case.plaintiffs' is a group of facts, not one fact; "
        "loop over it with {% for %}, or print it with |and_list")


def test_printing_a_section_is_an_error(tmp_path):
    name = make_template(tmp_path, "section.docx", "{{ motion.consultation }}")
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: {{{{ motion.consultation }}}}: 'motion.consultation' is a group of facts, not one "
        "fact; print one of its facts (attendees, channel, date, outcome, participants, time, ...)")


# --------------------------------------------------------------------------- read-only facts

def render_with(folder: Path, context, name: str, limits=None) -> str:
    """Render ``name`` with an existing context; the paper's text, or the one-line error."""
    renderer = Renderer(folder, context) if limits is None else Renderer(folder, context, limits)
    try:
        renderer.render(name, folder / f"out-{name}")
    except TemplateError as e:
        assert "\n" not in str(e)
        return f"error: {e}"
    return "\n".join(p.text for p in Document(folder / f"out-{name}").paragraphs)


MUTATIONS = [
    ("{{ case.related.append('Acme v. United States') }}",
     "a list has no 'append': templates can only read the facts, not change them"),
    ("{{ plaintiff.litigation_funders.append('Acme Capital') }}",
     "a list has no 'append': templates can only read the facts, not change them"),
    ("{{ case.plaintiffs.extend(case.defendants) }}",
     "a list has no 'extend': templates can only read the facts, not change them"),
    ("{{ motion.relief.pop() }}", "a list has no 'pop': templates can only read the facts, not change them"),
    ("{{ case.__setitem__('court_no', '99-99999') }}",
     "a group of facts has no '__setitem__': templates can only read the facts, not change them"),
    ("{{ settings._data.update(answer_days=1) }}",
     "access to attribute '_data' of 'group of facts' object is unsafe; templates can only read and print "
     "the facts"),
    ("{{ dict.update(settings, answer_days=1) }}",
     "access to attribute 'update' of 'type' object is unsafe; templates can only read and print the facts"),
    ("{% set d = {'court_no': 'x'} %}{{ d.update(court_no='y') }}",
     "access to attribute 'update' of 'dict' object is unsafe; templates can only read and print the facts"),
    ("{{ case.plaintiffs._items }}",
     "access to attribute '_items' of 'list of facts' object is unsafe; templates can only read and print "
     "the facts"),
    ("{{ exhibits[0]._path }}",
     "access to attribute '_path' of 'group of facts' object is unsafe; templates can only read and print "
     "the facts"),
    ("{{ case.__class__.__init__.__globals__ }}",
     "access to attribute '__class__' of 'group of facts' object is unsafe; templates can only read and "
     "print the facts"),
]

FORM_13 = ("Funders: {{ plaintiff.litigation_funders|length }}; related: {{ case.related|length }}; "
           "plaintiffs: {{ case.plaintiffs|length }}; relief: {{ motion.relief|length }}; "
           "answer: {{ settings.answer_days }}; No. {{ case.court_no }}; {{ plaintiff }}")


def test_a_template_cannot_change_what_the_next_paper_prints(tmp_path):
    context = build_context(load_facts(EXAMPLE))
    make_template(tmp_path, "form13.docx", FORM_13)
    before = render_with(tmp_path, context, "form13.docx")
    assert before == ("Funders: 0; related: 0; plaintiffs: 1; relief: 3; answer: 60; No.\u00a024-00097; "
                      "Seko Customs Brokerage, Inc.")
    for n, (tag, problem) in enumerate(MUTATIONS):
        name = make_template(tmp_path, f"summons{n}.docx", tag)
        assert render_with(tmp_path, context, name) == (
            f"error: {tmp_path / name}: paragraph 1 (\"{tag[:60]}\"): {problem}")
    assert render_with(tmp_path, context, "form13.docx") == before


def test_the_context_is_read_only_below_the_templates_too():
    context = build_context(load_facts(EXAMPLE))
    with pytest.raises(TypeError):
        context["case"] = None
    with pytest.raises(TypeError):
        context["plaintiff"]._data["litigation_funders"] = ("Acme Capital",)
    assert context["plaintiff"]._data["litigation_funders"] == ()
    assert isinstance(context["case"].plaintiffs._items, tuple)
    assert context["plaintiff"].address._items == ("1501 East Woodfield Road", "Schaumburg, Illinois 60173")


# --------------------------------------------------------------------------- escaping

ESCAPING = [
    ("{{ case.plaintiffs|join(', ') }}", "AT&T <Inc.> “Q” O’Neil"),
    ("{{ case.plaintiffs|join(' & ') }}", "AT&T <Inc.> “Q” O’Neil"),
    ("{{ case.plaintiffs|and_list }}", "AT&T <Inc.> “Q” O’Neil"),
    ("{{ [plaintiff, 'B&C']|and_list }}", "AT&T <Inc.> “Q” O’Neil and B&C"),
    ("{{ plaintiff.name|replace('Inc', 'Co') }}", "AT&T <Co.> “Q” O’Neil"),
    ("{{ '%s, Plaintiff'|format(plaintiff.name) }}", "AT&T <Inc.> “Q” O’Neil, Plaintiff"),
    ("{{ plaintiff.name|upper }}", "AT&T <INC.> “Q” O’NEIL"),
    ("{{ plaintiff ~ ' v. ' ~ case.defendants[0] }}", "AT&T <Inc.> “Q” O’Neil v. United States"),
    ("{{ (plaintiff ~ ' & co')|title }}", "At&t <Inc.> “q” O’neil & Co"),
    ("{% macro party(p) %}{{ p }}{% endmacro %}{{ party(plaintiff)|upper }}", "AT&T <INC.> “Q” O’NEIL"),
    ("{% set t %}{{ plaintiff.name }}{% endset %}{{ t|replace('&', 'and') }}; {{ t|lower }}; {{ t[0:4] }}",
     "ATandT <Inc.> “Q” O’Neil; at&t <inc.> “q” o’neil; AT&T"),
    ("{% set t %}{{ plaintiff.name }}{% endset %}{{ t|reverse|reverse }}; {{ t|truncate(9) }}",
     "AT&T <Inc.> “Q” O’Neil; AT&T..."),
    ("{{ '{} et al.'.format(plaintiff.name) }}", "AT&T <Inc.> “Q” O’Neil et al."),
    ("{{ case.title }}", "AT&T <Inc.> “Q” O’Neil v. United States et al."),
]


@pytest.fixture
def att_facts(facts_copy):
    return facts_copy(("name: Seko Customs Brokerage, Inc.", "name: \"AT&T <Inc.> \\\"Q\\\" O'Neil\""))


def test_facts_stay_text_through_every_filter_and_operator(tmp_path, att_facts):
    name = make_template(tmp_path, "amp.docx", *[tag for tag, _ in ESCAPING])
    text, _ = render_text(tmp_path, name, att_facts)
    assert text.splitlines() == [expected for _, expected in ESCAPING]


def test_safe_cannot_turn_a_fact_into_word_markup(tmp_path, att_facts):
    context = build_context(load_facts(att_facts))
    name = make_template(tmp_path, "safe.docx", "{{ plaintiff.name|safe }}")
    assert render_with(tmp_path, context, name) == (
        f"error: {tmp_path / name}: paragraph 1 (\"{{{{ plaintiff.name|safe }}}}\"): |safe is not allowed: "
        "facts always print as text, and Word markup cannot come from a tag; remove |safe and format the "
        "text in Word")


# --------------------------------------------------------------------------- bounds

def bounded(seconds: float = 2, output: int = 1 << 20) -> Limits:
    return Limits(render_seconds=seconds, render_output_bytes=output)


# Each case trips one bound; the others are lifted, so that a slow machine (where the clock
# runs out first) or a fast one gives the same answer. Only the time cases keep a clock.
ON_THE_CLOCK = bounded(seconds=2, output=1 << 40)  # output and memory (8x output) out of reach
OFF_THE_CLOCK = bounded(seconds=3600)              # 1 MB of text, 8 MB of memory; no deadline in reach


TIME = ("rendering took longer than 2 s, the bound for one template, and was stopped; look for a loop that does "
        "not end or a macro that calls itself")


@pytest.mark.parametrize("tag, problem, limits", [
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", TIME, ON_THE_CLOCK),
    ("{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", TIME, ON_THE_CLOCK),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}", TIME, ON_THE_CLOCK),
    ("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
     "the template produced more than 1 MB of text, the bound for one template, and was stopped; look for a "
     "loop that does not end", OFF_THE_CLOCK),
    ("{% set x %}{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}, {% endfor %}{% endfor %}"
     "{% endset %}",
     "rendering used more than 8 MB of memory, the bound for one template, and was stopped; look for a loop "
     "that builds ever longer text", OFF_THE_CLOCK),
    ("{{ 'x' * 10**9 }}", "'*' would make a value larger than 1 MB, the bound for one template's text; use "
     "smaller numbers", OFF_THE_CLOCK),
    ("{{ 10**(10**10) }}", "'**' would make a value larger than 1 MB, the bound for one template's text; use "
     "smaller numbers", OFF_THE_CLOCK),
    ("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "'~' would make a value larger than 1 MB, the bound for one template's text; use smaller numbers", OFF_THE_CLOCK),
    ("{{ 'x'|center(10**9) }}", "|center would make a value larger than 1 MB, the bound for one template's "
     "text; use smaller numbers", OFF_THE_CLOCK),
    ("{{ '{:>999999999}'.format(1) }}", "format would make a value larger than 1 MB, the bound for one "
     "template's text; use smaller numbers", OFF_THE_CLOCK),
    ("{{ range(100000)|join('x' * 1000) }}", "|join would make a value larger than 1 MB, the bound for one "
     "template's text; use smaller numbers", OFF_THE_CLOCK),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
     "a macro or recursive loop calls itself without end (deeper than Python's limit of 1000 nested calls); "
     "make sure the recursion stops", OFF_THE_CLOCK),
    ("{{ range(10**6)|length }}", "range() is limited to 100,000 numbers in a template; use a smaller range", OFF_THE_CLOCK),
])
def test_rendering_is_bounded(tmp_path, tag, problem, limits):
    context = build_context(load_facts(EXAMPLE))
    name = make_template(tmp_path, "endless.docx", tag)
    message = render_with(tmp_path, context, name, limits)
    assert message == f"error: {tmp_path / name}: paragraph 1 (\"{tag[:60]}\"): {problem}"


def test_unclosed_tags_are_refused_before_docxtpl_scans_them(tmp_path):
    name = make_template(tmp_path, "unclosed.docx", *["text {{ unclosed " + "y" * 50] * 1500)
    # this message comes from the check made before docxtpl's scan (which would take hours), not from docxtpl
    assert render_error(tmp_path, name) == (
        f"{tmp_path / name}: has tags opened with '{{{{' or '{{%' that are never closed; close each with "
        "'}}' or '%}'")


# --------------------------------------------------------------------------- runtime errors

@pytest.mark.parametrize("tag, problem", [
    ("{{ 1/0 }}", "cannot compute this tag: division by zero; fix the expression"),
    ("{{ case.title() }}", "cannot compute this tag: 'str' object is not callable; fix the expression"),
    ("{{ case.filed|short_date(3) }}", "|short_date was given arguments it does not take (too many positional "
     "arguments); see docs/templates.md for how to use it"),
    ("{{ case.title|short_date }}", "|short_date needs a date, got text; use it on a date fact, like "
     "case.filed|short_date"),
    ("{{ case.filed + 1 }}", "cannot compute this tag: unsupported operand type(s) for +: 'date' and 'int'; "
     "fix the expression"),
    ("{{ none.court_no }}", "none has no 'court_no'; check the spelling (docs/templates.md lists what each fact "
     "has)"),
    ("{{ signer.title.upper() }}", "the fact 'people.lead_counsel.title' is empty in the facts file, so it has no "
     "'upper'; give it a value or wrap the tag in {% if %}"),
    ("{{ case.title.name }}", "text has no 'name'; check the spelling (docs/templates.md lists what each fact "
     "has)"),
    ("{{ case.related[0] }}", "a list has no element 0; check the spelling (docs/templates.md lists what each "
     "fact has)"),
    ("{{ case.title|roman }}", "cannot compute this tag: invalid literal for int() with base 10: 'Seko Customs "
     "Brokerage, Inc. v. United States et al.'; fix the expression"),
])
def test_a_failing_tag_is_one_line_naming_the_paragraph(tmp_path, tag, problem):
    name = make_template(tmp_path, "fails.docx", "Intro", tag)
    assert render_error(tmp_path, name) == f"{tmp_path / name}: paragraph 2 (\"{tag[:60]}\"): {problem}"


def test_an_undefined_name_in_an_expression_names_the_tag(tmp_path):
    name = make_template(tmp_path, "undefined.docx", "{{ none_thing.x }}")
    assert render_error(tmp_path, name) == f"{tmp_path / name}: {{{{ none_thing.x }}}}: no such fact 'none_thing'"
