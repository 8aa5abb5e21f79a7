"""Rule 65 papers: a TRO order of its own (findings, the acts restrained, who is bound, expiry
within 14 days, the hearing on the preliminary injunction, security) and a separate
preliminary injunction order; each made only when the motion asks for it."""
from __future__ import annotations

import pytest

from filings.errors import FactsError
from filings.facts.load import load_facts
from filings.papers.context import build_context
from filings.papers.render import Renderer
from filings.pipeline.builder import plan_build

from conftest import DATA, EXAMPLE, ROOT, line_of
from test_build import docx_text, flat

MANY = DATA / "many-parties" / "facts.yaml"
HEARING = "  consultation:\n    date: 2024-07-09"


def papers_of(path) -> list[str]:
    return [p.name for p in plan_build(load_facts(path))[0].papers]


def render(path, name, tmp_path) -> str:
    out = tmp_path / f"{name}.docx"
    Renderer(ROOT / "templates", build_context(load_facts(path))).render(f"{name}.docx", out)
    return flat(docx_text(out))


def test_the_example_files_a_tro_order_and_a_pi_order_with_its_motion():
    matter = load_facts(EXAMPLE)
    plan, _ = plan_build(matter)
    motion = next(f for f in plan.filings if f.name == "motion")
    assert [p.name for p in motion.papers] == ["motion", "certificate-of-compliance-motion", "tro-order",
                                               "proposed-order", "declaration", "certificate-of-service-motion"]
    titles = {p.name: p.title for p in plan.papers}
    assert titles["tro-order"] == "Proposed Temporary Restraining Order"
    assert titles["proposed-order"] == "Proposed Preliminary Injunction Order"


def test_the_tro_order_names_its_expiry_hearing_findings_bound_and_security(facts_copy, tmp_path):
    facts = facts_copy((HEARING, '  hearing: {date: 2024-07-17, time: "10:00"}\n  security: "$1,000"\n'
                                 '  tro_lasts: 10 days\n' + HEARING))
    text = render(facts, "tro-order", tmp_path)
    assert "[PROPOSED] TEMPORARY RESTRAINING ORDER" in text
    assert ("ORDERED that this order expires 10 days after its entry, at __________ on ____________________, "
            "unless before that time the Court, for good cause, extends it") in text
    assert "ORDERED that the motion for a preliminary injunction will be heard on July 17, 2024, at 10:00 a.m." in text
    assert "Plaintiff has shown that it is likely to succeed on the merits of its claims." in text
    assert "The balance of hardships tips in Plaintiff’s favor." in text
    assert "The relief ordered is in the public interest." in text
    assert ("binds the parties; their officers, agents, servants, employees, and attorneys; and other persons who "
            "are in active concert or participation with any of them") in text
    assert "security under USCIT Rule 65(c) in the amount of $1,000" in text
    # the restrained acts are in the order itself, not by reference to a letter
    assert "ORDERED that, until this order expires, Defendants shall not require Plaintiff to take any remedial" in text
    assert "pending final judgment" not in text and "letter" not in text.lower()
    assert "Entered: ____________________, at __________" in text


def test_the_tro_order_leaves_blanks_for_the_court_by_default(tmp_path):
    text = render(EXAMPLE, "tro-order", tmp_path)
    assert "This order expires 14 days after its entry" in text.replace("ORDERED that this", "This")
    assert "will be heard on ____________________, at __________, before the undersigned" in text
    assert "in the amount of $__________" in text


def test_the_pi_order_lasts_until_judgment_with_findings(facts_copy, tmp_path):
    facts = facts_copy((HEARING, "  security: none\n" + HEARING))
    text = render(facts, "proposed-order", tmp_path)
    assert "[PROPOSED] ORDER GRANTING A PRELIMINARY INJUNCTION" in text
    assert "GRANTED insofar as it seeks a preliminary injunction" in text
    assert "ORDERED that, pending final judgment in this action, Defendants shall not require" in text
    assert "Plaintiff is not required to give security under USCIT Rule 65(c)" in text
    assert "Plaintiff has shown that it is likely to suffer irreparable harm" in text
    assert "supersedes any temporary restraining order" in text
    assert "expires" not in text


def test_findings_written_in_the_facts_replace_the_standard_ones(facts_copy, tmp_path):
    findings = ("  findings:\n    success: Plaintiff is likely to show that the suspensions were arbitrary.\n"
                "    harm: Plaintiff will likely lose clients it cannot win back.\n"
                "    balance: The agency loses nothing by naming the violations.\n"
                "    public_interest: The public has an interest in reasoned agency action.\n")
    text = render(facts_copy((HEARING, findings + HEARING)), "tro-order", tmp_path)
    assert "Plaintiff is likely to show that the suspensions were arbitrary." in text
    assert "Plaintiff will likely lose clients it cannot win back." in text
    assert "Plaintiff has shown that it is likely to succeed" not in text


def test_a_pi_only_motion_has_no_tro_order():
    assert "tro-order" not in papers_of(MANY) and "proposed-order" in papers_of(MANY)


def test_a_tro_only_motion_has_the_tro_order_only(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(MANY.read_text().replace("  kind: pi\n", "  kind: tro\n"))
    names = papers_of(facts)
    assert "tro-order" in names and "proposed-order" not in names
    text = render(facts, "tro-order", tmp_path)
    assert "preliminary injunction" not in text.lower() and "Plaintiffs have shown" in text


def test_a_pi_only_motion_that_files_a_tro_order_is_told_why(facts_copy):
    facts = facts_copy(("kind: both ", "kind: pi "))
    with pytest.raises(FactsError) as info:
        load_facts(facts)
    line = line_of(facts, "papers: [motion, tro-order")
    assert [str(p) for p in info.value.problems] == [
        f"{facts}:{line}: filings.1.papers.1: the paper 'tro-order' needs motion.kind to be tro or both (it is pi); "
        "change it, or remove the paper from this filing"]


def test_a_tro_lasts_at_most_fourteen_days(facts_copy):
    facts = facts_copy((HEARING, "  tro_lasts: 20 days\n" + HEARING))
    with pytest.raises(FactsError) as info:
        load_facts(facts)
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 1 and f"{facts}:{line_of(facts, 'tro_lasts:')}:" in problems[0]
    assert "at most 14 days unless extended (USCIT Rule 65(b)(2))" in problems[0]


@pytest.mark.e2e
def test_the_built_tro_order_names_its_expiry_and_the_hearing(facts_copy, tmp_path):
    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline.builder import build
    from filings.pipeline.pdf import extract_text
    facts = facts_copy((HEARING, '  hearing: {date: 2024-07-17, time: "10:00"}\n' + HEARING))
    out = tmp_path / "build"
    build(facts, out, only="tro-order", converter=LibreOffice())
    text = flat(extract_text(out / "tro-order.pdf"))
    assert "This order expires 14 days after its entry" in text.replace("ORDERED that this order", "This order")
    assert "will be heard on July 17, 2024, at 10:00 a.m." in text
