"""Papers for any parties, templates Word can own.

A third matter (tests/data/many-parties) has three plaintiffs, four defendants (the United
States, an agency with "the" and one without, an official sued in her official capacity),
a motion for a preliminary injunction alone and a program with a defined term; built on the
real LibreOffice, every paper must speak of the plaintiffs in the plural, show the right
caption, and never mention a temporary restraining order. Templates reworded in Word (runs
split in the middle of a tag, smart quotes) still render, and the lint finds each kind of
problem a template can have.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from filings.pipeline import pdf
from filings.papers.context import build_context
from filings.papers.nodes import tracking
from filings.papers.depends import MISSING, changed, fingerprint_at, fingerprints, index_nodes
from filings.errors import FactsError, TemplateError
from filings.facts.load import load_facts
from filings.papers.lint import lint_template
from filings.facts.plan import SHIPPED
from filings.facts.kinds import load_kinds
from filings.pipeline.builder import build
from filings.pipeline.checking import check
from filings.papers.render import Renderer

from conftest import DATA, EXAMPLE, ROOT, line_of
from test_build import docx_text, flat
from test_render import make_template

MANY = DATA / "many-parties" / "facts.yaml"
PLAINTIFFS = ["Calloway Ceramics Inc.", "Calloway Tile Distribution LLC", "Ardent Glazeworks Corp."]
CAPTION = ["CALLOWAY CERAMICS INC.;", "CALLOWAY TILE DISTRIBUTION LLC;", "ARDENT GLAZEWORKS CORP.,",
           "UNITED STATES;", "DEPARTMENT OF COMMERCE;", "U.S. CUSTOMS AND BORDER PROTECTION;",
           "ROSALIND TREMAINE, in her official capacity as Secretary of Commerce,"]
OFFICIAL = "Rosalind Tremaine, in her official capacity as Secretary of Commerce"
def papers(*names: str) -> list:
    return list(names)


PAPERS = [SHIPPED[name] for name in load_kinds()["residual"].papers  # the many-parties matter's kind, and of its
          if SHIPPED[name].applies_to(load_facts(MANY).facts)]  # papers those its facts have (a PI: no TRO order)
ALL = papers(*[p.name for p in PAPERS])
LATER = papers(*[p.name for p in PAPERS if p.name not in ("summons", "complaint")])


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """The many-parties matter built once (real LibreOffice)."""
    out = tmp_path_factory.mktemp("many") / "build"
    build(MANY, out)
    return out


def text_of(out: Path, name: str) -> str:
    """A paper's text as printed (PDF) and as the DOCX holds it, whitespace flattened."""
    return flat(pdf.extract_text(out / f"{name}.pdf")) + " \n " + flat(docx_text(out / f"{name}.docx"))


def first_page(out: Path, name: str) -> str:
    return flat(pdf.extract_text(out / f"{name}.pdf").split("\f")[0])


# --------------------------------------------------------------------------- several parties

SINGULAR = re.compile(r"\b(?:counsel for )?plaintiff(?![s\w])(?:[’']s)?", re.IGNORECASE)


@pytest.mark.parametrize("name", ALL)
def test_several_plaintiffs_are_never_spoken_of_as_one(many, name):
    text = text_of(many, name)
    singular = [m.group() + text[m.end():m.end() + 30] for m in SINGULAR.finditer(text)
                if not any(text.startswith(" " + p, m.end()) for p in PLAINTIFFS)]  # "Plaintiff Ardent ... is"
    assert singular == []
    assert "Plaintiffs" in text or "PLAINTIFFS" in text


def test_each_plaintiff_is_introduced_and_the_verbs_agree(many):
    text = text_of(many, "complaint")
    assert ("Plaintiffs Calloway Ceramics Inc. (“Calloway”), Calloway Tile Distribution LLC (“Calloway Tile”), and "
            "Ardent Glazeworks Corp. (“Ardent”) (together, “Plaintiffs”), through undersigned counsel, bring this "
            "action against Defendants United States, Department of Commerce (“Commerce” or “the agency”), U.S. "
            f"Customs and Border Protection (“CBP”), and {OFFICIAL}, and allege as follows:") in text
    for sentence in ["Plaintiffs have standing to commence this action under 28 U.S.C. § 2631(i) because they are "
                     "adversely affected", "Plaintiffs incorporate by reference the allegations",
                     "WHEREFORE, Plaintiffs respectfully request that the Court:", "Counsel for Plaintiffs"]:
        assert sentence in text
    motion = text_of(many, "motion")
    assert "Plaintiffs Are Likely to Succeed on the Merits" in motion
    assert "Plaintiffs need not prove their case" in motion
    assert "Defendants would sustain if they were later found" in motion


def test_the_official_is_sued_in_her_official_capacity(many):
    for name in ("summons", "complaint"):
        assert f"{OFFICIAL.replace('Rosalind Tremaine', 'ROSALIND TREMAINE')}," in first_page(many, name)
    complaint = text_of(many, "complaint")
    assert "Defendant Rosalind Tremaine is sued in her official capacity as Secretary of Commerce." in complaint
    assert f"Defendants: United States, Department of Commerce, U.S. Customs and Border Protection, and {OFFICIAL}" \
        in text_of(many, "information-statement")


@pytest.mark.parametrize("name", papers("summons", "complaint"))
def test_the_summons_and_the_complaint_name_every_party(many, name):
    page = first_page(many, name)
    assert [line for line in CAPTION if line not in page] == []
    assert "et al.," not in page


@pytest.mark.parametrize("name", LATER)
def test_later_papers_have_the_short_caption(many, name):
    page = first_page(many, name)
    assert "CALLOWAY CERAMICS INC., et al., Plaintiffs," in page and "UNITED STATES, et al., Defendants." in page
    assert [line for line in CAPTION if line in page] == []


def test_a_full_caption_on_later_papers_is_a_setting(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(MANY.read_text().replace("organizations:\n", "settings:\n  caption: full\norganizations:\n", 1))
    shutil.copytree(MANY.parent / "exhibits", tmp_path / "exhibits")
    renderer = Renderer(ROOT / "templates", build_context(load_facts(facts)))
    renderer.render("motion.docx", tmp_path / "motion.docx")
    caption = flat(" ".join(c.text for t in Document(tmp_path / "motion.docx").tables for c in t.rows[0].cells))
    assert all(line in caption for line in CAPTION) and "et al." not in caption


# --------------------------------------------------------------------------- the motion's kind

def test_a_motion_for_a_preliminary_injunction_never_mentions_a_restraining_order(many):
    motion, order = text_of(many, "motion"), text_of(many, "proposed-order")
    assert "PLAINTIFFS’ MOTION FOR A PRELIMINARY INJUNCTION" in motion
    assert "[PROPOSED] ORDER GRANTING A PRELIMINARY INJUNCTION" in order
    assert "respectfully move for a preliminary injunction, and ask that the Court" in motion
    assert "Upon consideration of Plaintiffs’ motion for a preliminary injunction," in order
    for text in (motion, order):
        assert "restraining order" not in text.lower()
    assert "both forms of relief" not in motion


def test_a_motion_for_a_restraining_order_alone(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(MANY.read_text().replace("  kind: pi\n", "  kind: tro\n"))
    renderer = Renderer(ROOT / "templates", build_context(load_facts(facts)))
    for name in ("motion", "tro-order"):
        renderer.render(f"{name}.docx", tmp_path / f"{name}.docx")
    motion, order = (flat(docx_text(tmp_path / f"{n}.docx")) for n in ("motion", "tro-order"))
    assert "PLAINTIFFS’ MOTION FOR A TEMPORARY RESTRAINING ORDER" in motion
    assert "[PROPOSED] TEMPORARY RESTRAINING ORDER" in order
    for text in (motion, order):
        assert "preliminary injunction" not in text.lower()


def test_the_example_still_asks_for_both(example_build):
    out = example_build[0]
    motion, order = text_of(out, "motion"), text_of(out, "proposed-order")
    assert "PLAINTIFF’S MOTION FOR A TEMPORARY RESTRAINING ORDER AND PRELIMINARY INJUNCTION" in motion
    assert "The same four factors govern both forms of relief." in motion
    assert "Upon consideration of Plaintiff’s motion for a temporary restraining order and a preliminary " \
           "injunction," in order
    complaint = text_of(out, "complaint")
    assert ("Plaintiff Seko Customs Brokerage, Inc. (“SEKO” or “Plaintiff”), through undersigned counsel, brings "
            "this action against Defendants United States and U.S. Customs and Border Protection (“CBP” or “the "
            "agency”), and alleges as follows:") in complaint
    assert "UNITED STATES; U.S. CUSTOMS AND BORDER PROTECTION, Defendants." in first_page(out, "complaint")
    assert "UNITED STATES, et al., Defendants." in first_page(out, "motion")


# --------------------------------------------------------------------------- articles and terms

def test_articles_and_defined_terms_come_from_the_facts(many):
    motion = text_of(many, "motion")
    assert ("Defendants are the United States, the Department of Commerce (“Commerce” or “the agency”), U.S. "
            f"Customs and Border Protection (“CBP”), and {OFFICIAL}.") in motion
    assert "the U.S. Customs" not in motion
    complaint = text_of(many, "complaint")
    assert "The Section 232 Product Exclusion Process (“the Exclusion Process”) is a procedure" in complaint
    assert "On April 10, 2025, in connection with the Exclusion Process, Commerce denied" in complaint
    assert "The action was to take effect on May 12, 2025, ten days later." in complaint
    assert "as to the Exclusion Process, Commerce denied" in motion


def test_named_values_are_read_tracked(facts_copy):
    context = build_context(load_facts(EXAMPLE))
    reads: set[str] = set()
    with tracking(reads):
        assert context["plaintiffs"].role == "Plaintiff"
        assert context["case"].number == "24-00097"
        assert context["programs"][0].term == "C-TPAT"
    # the value read, and the facts it comes from
    assert {"plaintiffs.role", "case.plaintiffs", "case.number", "case.court_no", "programs.ctpat.term",
            "programs.ctpat.short", "programs.ctpat.name"} <= reads
    recorded = fingerprints(index_nodes(context), reads)
    two = build_context(load_facts(facts_copy(("  plaintiffs: [seko]", "  plaintiffs: [seko, firm]"))))
    assert changed(index_nodes(two), recorded) == ["case.plaintiffs", "plaintiffs.role"]


@pytest.mark.parametrize("facts", [EXAMPLE, MANY])
def test_every_named_value_names_facts_that_exist(facts):
    index = index_nodes(build_context(load_facts(facts)))
    sources = {path for node in index.values() if hasattr(node, "_sources") for paths in node._sources.values()
               for path in paths}
    assert len(sources) > 50
    assert [path for path in sorted(sources) if fingerprint_at(index, path) == MISSING] == []


@pytest.mark.parametrize("tag, text", [
    ("{{ 'moves'|agree(plaintiffs) }} / {{ 'is'|agree(defendants) }} / {{ 'Is'|agree(case.defendants) }}",
     "moves / are / Are"),
    ("{{ 'has'|agree(plaintiffs.pronoun) }} / {{ 'has'|agree('they') }} / {{ 'applies'|agree(2) }}",
     "has / have / apply"),
    ("{{ 'day'|plural(1) }} / {{ 'day'|plural(7) }} / {{ 'Program'|plural(programs) }} / "
     "{{ 'person'|plural(3, 'people') }}", "day / days / Programs / people"),
    ("{{ 7|words }} / {{ 21|words }} / {{ 100|words }}", "seven / twenty-one / 100"),
    ("{{ 'corporation'|a }} / {{ 'agency'|a }} / {{ 'LLC'|a }} / {{ 'university'|a }}",
     "a corporation / an agency / an LLC / a university"),
    ("{{ case.defendants[0].the_name|capfirst }} / {{ case.defendants[1].the_name }}",
     "The United States / U.S. Customs and Border Protection"),
    ("{{ programs|and_list(attribute='term') }} / {{ motion.relief|length }}", "C-TPAT and Entry Type 86 / 3"),
    ("{{ ['a', 'b']|and_list(';') }} / {{ ['a', 'b', 'c']|and_list(';') }}", "a; and b / a; b; and c"),
    ("{{ ['x', 'y']|numbered_list }} / {{ ['x']|numbered_list }}", "(1) x; and (2) y / x"),
    ("{% for r in relief %}{{ loop|series_end }} {% endfor %}", "; ; ; ; and . "),
    ("{{ case.statute|nobreak }}", "28\u00a0U.S.C.\u00a0§\u00a01581(i)"),
    ("{{ case.accrued }} / {{ case.limitation_deadline }} / {{ case.agency.term }} / {{ case.number }}",
     "July 2023 / July 2025 / CBP / 24-00097"),
])
def test_filters_and_values(tmp_path, tag, text):
    name = make_template(tmp_path, "t.docx", tag)
    renderer = Renderer(tmp_path, build_context(load_facts(EXAMPLE)))
    renderer.render(name, tmp_path / "out.docx")
    assert Document(tmp_path / "out.docx").paragraphs[0].text == text


def test_agree_needs_something_to_agree_with(tmp_path):
    name = make_template(tmp_path, "t.docx", "{{ 'is'|agree(case.filed) }}")
    with pytest.raises(TemplateError) as info:
        Renderer(tmp_path, build_context(load_facts(EXAMPLE))).render(name, tmp_path / "out.docx")
    assert str(info.value) == (f"{tmp_path / name}: paragraph 1 (\"{{{{ 'is'|agree(case.filed) }}}}\"): |agree "
                               "needs a side (plaintiffs, defendants), a list, a number or a pronoun to agree with, "
                               "got a date")


@pytest.mark.parametrize("change, message, at", [
    (("  lindqvist:\n    name: Mateo Lindqvist\n", "  lindqvist:\n    name: Mateo Lindqvist\n    capacity: official\n"),
     "people.lindqvist.capacity: only a defendant is sued in an official capacity; add the person to "
     "case.defendants or remove 'capacity'", ("capacity: official", 2)),
    (("    title: Secretary of Commerce\n", ""),
     "people.secretary.capacity: a person sued in an official capacity needs the title of that office; add "
     "'title: Secretary of Commerce' or the like", ("capacity: official", 1)),
    (("    article: the\n    short: Commerce\n", "    article: The\n    short: Commerce\n"),
     "organizations.commerce.article: 'The' is not one of the choices; write 'the' or ''; did you mean 'the'?",
     ("article: The", 1)),
])
def test_capacity_and_article_are_checked(tmp_path, change, message, at):
    facts = tmp_path / "facts.yaml"
    facts.write_text(MANY.read_text().replace(*change, 1))
    with pytest.raises(FactsError) as info:
        load_facts(facts)
    assert [str(p) for p in info.value.problems] == [f"{facts}:{line_of(facts, *at)}: {message}"]


# --------------------------------------------------------------------------- templates edited in Word

def _word_runs(paragraph, pieces: list[str]) -> None:
    """Replace a paragraph's runs by ``pieces``, one run each, with the proofing marks Word puts
    between runs (so tags are split exactly as Word splits them)."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for n, piece in enumerate(pieces):
        if n:
            mark = OxmlElement("w:proofErr")
            mark.set(qn("w:type"), "spellStart" if n % 2 else "spellEnd")
            paragraph._p.append(mark)
        run = paragraph.add_run(piece)
        run.bold = n == 1 or None


REWORDED = ["Through undersigned counsel, {", "{ plaintiffs.ro", "le }} {{ plaintiffs.defined }} {{ ‘bri",
            "ngs’|agree(plain", "tiffs) }} this action against {{ defendants.role }} {", "{ defendants.defined }",
            "}, and {{ “alleges”|agree(plaintiffs) }} the following:"]


def test_a_paragraph_reworded_in_word_renders(tmp_path, template_tree):
    doc = Document(template_tree / "complaint.docx")
    [opening] = [p for p in doc.paragraphs if p.text.startswith("{{ plaintiffs.role }} {{ plaintiffs.defined }}")]
    _word_runs(opening, REWORDED)
    doc.save(template_tree / "complaint.docx")
    assert lint_template(template_tree / "complaint.docx") == []
    out = tmp_path / "build"
    build(MANY, out, templates_dir=template_tree, only="complaint")
    assert ("Through undersigned counsel, Plaintiffs Calloway Ceramics Inc. (“Calloway”), Calloway Tile "
            "Distribution LLC (“Calloway Tile”), and Ardent Glazeworks Corp. (“Ardent”) (together, “Plaintiffs”) "
            "bring this action against Defendants United States, Department of Commerce (“Commerce” or “the "
            f"agency”), U.S. Customs and Border Protection (“CBP”), and {OFFICIAL}, and allege the following:") \
        in text_of(out, "complaint")


@pytest.mark.parametrize("paragraphs, message", [
    (("Intro {{ case.", "title }} more"),
     'paragraph 1 ("{{ case."): \'{{\' opens a tag that is not closed in this paragraph; a tag must begin and end '
     "in the same paragraph (close it with '}}')"),
    (("{%p if case.judge %} Before the judge", "{%p endif %}"),
     'paragraph 1 ("{%p if case.judge %}"): {%p if %} shares its paragraph with text ("Before the judge"), which '
     "would be lost; put the tag in a paragraph of its own"),
])
def test_what_docxtpl_would_get_wrong_fails_with_one_line(tmp_path, paragraphs, message):
    """docxtpl would join the two paragraphs, or drop the text beside the paragraph tag."""
    name = make_template(tmp_path, "t.docx", *paragraphs)
    with pytest.raises(TemplateError) as info:
        Renderer(tmp_path, build_context(load_facts(EXAMPLE))).render(name, tmp_path / "out.docx")
    assert str(info.value) == f"{tmp_path / name}: {message}"


# --------------------------------------------------------------------------- the lint

def lint_of(folder: Path, *paragraphs: str | list[str]) -> list[str]:
    """The lint's messages for a template of ``paragraphs`` (a list: one paragraph of runs)."""
    doc = Document()
    for paragraph in paragraphs:
        p = doc.add_paragraph()
        for piece in ([paragraph] if isinstance(paragraph, str) else paragraph):
            p.add_run(piece)
    path = folder / "t.docx"
    doc.save(path)
    return [str(p) for p in lint_template(path)]


HINT = "a template's wording holds only facts, named values and filters (docs/templates.md lists them)"


@pytest.mark.parametrize("paragraphs, messages", [
    (["Intro {{ case.", "title }} more"],
     ['paragraph 1 ("{{ case."): \'{{\' opens a tag that is not closed in this paragraph; a tag must begin and end '
      "in the same paragraph (close it with '}}')",
      'paragraph 2 ("title }} more"): \'}}\' closes no tag opened in this paragraph; a tag must begin and end in '
      "the same paragraph"]),
    (["{%p if case.judge %} Before the judge", "{%p endif %}"],
     ['paragraph 1 ("{%p if case.judge %}"): {%p if %} shares its paragraph with text ("Before the judge"), which '
      "would be lost; put the tag in a paragraph of its own"]),
    (["{%p if case.judge %}{%p endif %}"],
     ['paragraph 1 ("{%p endif %}"): 2 paragraph tags in one paragraph, where only the first would count; put '
      "each in a paragraph of its own"]),
    (["{% if case.judge %}Judge", "in between", "{% endif %}"],
     ['paragraph 1 ("{% if case.judge %}"): \'{% if %}\' is not closed in this paragraph; close it here, or use '
      "{%p if %} … {%p endif %} in paragraphs of their own"]),
    (["{%p if case.judge %}", "Judge", "x{% endif %}"],
     ['paragraph 3 ("{% endif %}"): \'{% endif %}\' belongs to the \'{%p if %}\' of paragraph 1; write it as '
      "{%p endif %} in a paragraph of its own"]),
    (["{%p for r in requests %}", "{{ r.date }}"],
     ['paragraph 1 ("{%p for r in requests %}"): \'{%p for %}\' is never closed; add {%p endfor %}']),
    (["{%p endfor %}"], ['paragraph 1 ("{%p endfor %}"): \'{%p endfor %}\' has no open \'{% for %}\' before it to '
                         "close"]),
    (["{% set several = case.plaintiffs|length > 1 %}"],
     [f'paragraph 1 ("{{% set several = case.plaintiffs|length…"): {{% set %}} computes a value in the template; '
      f"{HINT}"]),
    (["{% macro who(x) %}{{ x }}{% endmacro %}"],
     [f'paragraph 1 ("{{% macro who(x) %}}"): {{% macro %}} defines a macro in the template; {HINT}']),
    (["{{ events|length + 1 }}"],
     [f'paragraph 1 ("{{{{ events|length + 1 }}}}"): arithmetic (\'+\') in a tag; {HINT}']),
    (["{% if case.plaintiffs|length > 1 %}s{% endif %}"],
     [f'paragraph 1 ("{{% if case.plaintiffs|length > 1 %}}"): a comparison (\'>\') in a tag; {HINT}']),
    (["{{ relief[0] }}"], [f'paragraph 1 ("{{{{ relief[0] }}}}"): indexing (\'[...]\') in a tag; {HINT}']),
    (["{{ case.counsel[1:]|and_list }}"],
     [f'paragraph 1 ("{{{{ case.counsel[1:]|and_list }}}}"): indexing (\'[...]\') in a tag; {HINT}']),
    (["{{ ['a', 'b']|join }}"], [f'paragraph 1 ("{{{{ [\'a\', \'b\']|join }}}}"): a list literal in a tag; {HINT}']),
    (["Plaintiff{{ 's' if plaintiffs.several }}"],
     [f'paragraph 1 ("{{{{ \'s\' if plaintiffs.several }}}}"): an inline \'if ... else\' in a tag; {HINT}']),
    (["{{ 'Plaintiff' ~ 's' }}"], [f'paragraph 1 ("{{{{ \'Plaintiff\' ~ \'s\' }}}}"): joining text with \'~\' in a '
                                   f"tag; {HINT}"]),
    (["{% if x is sameas plaintiff %}y{% endif %}"],
     [f'paragraph 1 ("{{% if x is sameas plaintiff %}}"): a test (\'is sameas\') in a tag; {HINT}']),
    (["{{ case.jurisdiction.startswith('1581') }}"],
     [f'paragraph 1 ("{{{{ case.jurisdiction.startswith(\'1581\')…"): a function call (\'startswith()\') in a '
      f"tag; {HINT}"]),
    (["{{ case.title | }}"], ['paragraph 1 ("{{ case.title | }}"): broken template tag: expected token \'name\', got '
                              "'end of print statement'"]),
])
def test_the_lint_finds_each_kind_of_problem(tmp_path, paragraphs, messages):
    assert lint_of(tmp_path, *paragraphs) == [f"{tmp_path / 't.docx'}: {m}" for m in messages]


@pytest.mark.parametrize("paragraphs", [
    [["{", "{ case.ti", "tle }}"], ["{%", "p if case.judge %}"], "{{ case.judge }}", ["{%p end", "if %}"]],
    ["{{ ‘moves’|agree(plaintiffs) }} and {{ “x”|upper }}", "{# a note #} {{ exhibit('type86_notice') }}"],
    ["{% if case.judge and not case.related %}{{ case.judge }}{% else %}none{% endif %}",
     "{% for r in relief %}{{ r }}{{ loop|series_end }}{% endfor %}",
     "{{ programs|and_list(';', attribute='term') }} {{ 'day'|plural(7) }}"],
])
def test_the_lint_accepts_what_word_and_the_rules_allow(tmp_path, paragraphs):
    assert lint_of(tmp_path, *paragraphs) == []


SHIPPED = papers(*[p.template.removesuffix(".docx") for p in PAPERS]) + ["exhibits/request-letter"]


@pytest.mark.parametrize("name", SHIPPED)
def test_the_shipped_templates_lint_clean(name):
    assert lint_template(ROOT / "templates" / f"{name}.docx") == []


def test_filings_check_warns_of_what_the_lint_finds(template_tree):
    doc = Document(template_tree / "summons.docx")
    doc.add_paragraph("Plaintiff{{ 's' if plaintiffs.several }}")
    doc.save(template_tree / "summons.docx")
    warnings: list[str] = []
    check(MANY, templates_dir=template_tree, warn=warnings.append)
    summons = [w for w in warnings if "summons" in w]
    assert len(summons) == 1 and summons[0].startswith(f"{template_tree / 'summons.docx'}: paragraph ")
    assert summons[0].endswith(f'("{{{{ \'s\' if plaintiffs.several }}}}"): an inline \'if ... else\' in a tag; {HINT}')
