"""The evidence model: a declaration's numbered statements carry the motion; the motion cites
them as "Landis Decl. ¶ 7", generated from the facts; check warns of what no statement
supports; an unknown [Decl: x] is an error naming its line."""
from __future__ import annotations

import re

import pytest

from filings.errors import FactsError
from filings.facts.load import load_facts
from filings.papers.context import build_context
from filings.papers.evidence import pin
from filings.papers.render import Renderer
from filings.pipeline.checking import check

from conftest import EXAMPLE, ROOT, line_of
from test_build import docx_text, flat

NBSP = "\u00a0"


def render(path, name, tmp_path) -> str:
    out = tmp_path / f"{name}.docx"
    Renderer(ROOT / "templates", build_context(load_facts(path))).render(f"{name}.docx", out)
    return flat(docx_text(out))


def test_pins_run_together():
    assert pin([7]) == f"¶{NBSP}7" and pin([9, 7, 8, 12]) == f"¶¶{NBSP}7–9, 12" and pin([9, 10]) == f"¶¶{NBSP}9, 10"


def test_a_statement_is_numbered_after_the_declarations_opening_paragraphs():
    declaration = build_context(load_facts(EXAMPLE))["declaration"]
    statements = list(declaration.statements)
    # 1: the declarant's introduction, 2: the definitions; the statements follow
    assert [s.number for s in statements] == list(range(3, 3 + len(statements)))
    no_findings = next(s for s in statements if s.id == "no_findings")
    assert no_findings.cited == f"Landis Decl. ¶{NBSP}{no_findings.number}"


def test_the_motion_cites_the_declaration_for_its_facts_and_harm(tmp_path):
    text = render(EXAMPLE, "motion", tmp_path).replace(NBSP, " ")
    assert "(Exhibit 1; Landis Decl. ¶ 8)" in text  # the C-TPAT suspension
    assert "See Landis Decl. ¶¶ 13, 14." in text  # the harm
    assert "(“Landis Decl.”)" in text and "Decl. of Lila Landis" not in text


def test_the_declaration_authenticates_each_exhibit_with_how_she_knows_it(tmp_path):
    text = render(EXAMPLE, "declaration", tmp_path)
    assert ("described as “Agency notice of suspension from the informal entry test.” I "
            "received this e-mail from the agency at my Plaintiff e-mail address.") in text
    assert "I wrote and sent this e-mail on May 21, 2024." in text
    assert "I know the facts stated in this declaration from my own work" in text


CITED = ("        wrong; an agency", "        wrong ([Decl: no_findings]); an agency")


def test_facts_text_cites_a_statement(facts_copy, tmp_path):
    facts = facts_copy(CITED)
    assert "wrong (Landis Decl. ¶ 11); an agency" in render(facts, "motion", tmp_path).replace(NBSP, " ")


def test_statements_renumber_when_they_move(facts_copy, tmp_path):
    facts = facts_copy(CITED, ("  statements:\n", "  statements:\n    - A statement put first.\n"))
    statements = list(build_context(load_facts(facts))["declaration"].statements)
    assert next(s for s in statements if s.id == "no_findings").number == 12
    assert "wrong (Landis Decl. ¶ 12)" in render(facts, "motion", tmp_path).replace(NBSP, " ")


def test_the_example_checks_without_evidence_warnings():
    warnings: list[str] = []
    check(EXAMPLE, warn=warnings.append)
    assert not [w for w in warnings if "declaration" in w or "statement" in w], warnings


def test_check_warns_of_an_event_no_statement_supports(facts_copy):
    facts = facts_copy(("      supports: [first_review, second_review]\n", "      supports: [first_review]\n"))
    warnings: list[str] = []
    check(facts, warn=warnings.append)
    line = line_of(facts, "  - id: second_review")
    assert (f"{facts}:{line}: events.1: the motion relies on the event 'second_review', which no statement of the "
            "declaration supports; add a statement that supports it (supports: [second_review])") in warnings


def test_check_warns_of_harm_no_statement_shows_and_an_exhibit_without_basis(facts_copy):
    facts = facts_copy(("      supports: [harm]\n", "      supports: []\n"), ("      supports: [harm]\n", ""),
                       ("    first_request: I wrote and sent this e-mail on May 21, 2024.\n", ""))
    warnings: list[str] = []
    check(facts, warn=warnings.append)
    assert any(w.endswith("the motion argues irreparable harm that no statement of the declaration shows; add a "
                          "statement with supports: [harm]") for w in warnings), warnings
    assert any("the declaration authenticates exhibit 'first_request' without saying how the declarant knows it"
               in w for w in warnings), warnings


def test_check_warns_of_an_exhibit_the_declarant_cannot_authenticate(facts_copy):
    facts = facts_copy(("    authenticated_by: [landis]                        # illustrative: she was copied on it",
                        "    authenticated_by: []"),
                       ("    litigation_notice: I received this e-mail as a copy when Plaintiff's counsel sent it on "
                        "May 28, 2024.\n", ""))
    warnings: list[str] = []
    check(facts, warn=warnings.append)
    assert any("the motion cites exhibit 'litigation_notice', which the declarant 'landis' cannot authenticate"
               in w for w in warnings), warnings


def test_an_unknown_decl_citation_fails_naming_its_line(facts_copy):
    facts = facts_copy(("        wrong; an agency", "        wrong ([Decl: no_finding]); an agency"))
    with pytest.raises(FactsError) as info:
        load_facts(facts)
    line = line_of(facts, "The agency suspended Plaintiff from two programs") - 1  # the value's "- >-"
    assert [str(p) for p in info.value.problems] == [
        f"{facts}:{line}: motion.factors.success.0: '[Decl: no_finding]' cites no statement of the declaration "
        "with id 'no_finding'; did you mean 'no_findings'?"]


def test_a_statement_supporting_an_unknown_id_is_an_error(facts_copy):
    facts = facts_copy(("      supports: [ctpat_suspension]\n", "      supports: [ctpat_suspended]\n"))
    with pytest.raises(FactsError) as info:
        load_facts(facts)
    assert any(re.search(r"declaration\.statements\.5\.supports\.0: 'ctpat_suspended' is no event, request or "
                         r"exhibit", str(p)) for p in info.value.problems)


@pytest.mark.e2e
def test_every_declaration_citation_in_the_example_motion_is_a_paragraph_of_its_pdf(tmp_path):
    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline.builder import build
    from filings.pipeline.pdf import extract_text
    out = tmp_path / "build"
    build(EXAMPLE, out, converter=LibreOffice())
    motion = " ".join(extract_text(out / "motion.pdf").split())
    declaration = " ".join(extract_text(out / "declaration.pdf").split()).replace("\u2019", "'")
    cited: set[int] = set()
    for group in re.findall(r"Landis Decl\. ¶¶? ([\d,–\s]+\d)", motion):
        for part in group.split(","):
            a, _, b = part.strip().partition("–")
            cited |= set(range(int(a), int(b or a) + 1))
    assert cited, motion
    statements = {s.number: s.text for s in build_context(load_facts(EXAMPLE))["declaration"].statements}
    for n in sorted(cited):
        assert n in statements, n
        first_words = " ".join(statements[n].split()[:4])
        assert re.search(rf"(^|\s){n}\. {re.escape(first_words)}", declaration), (n, first_words)
