"""Kinds of case as data (filings/facts/kinds.yaml): which kind a matter is, the facts each needs,
its filings (the summons first where the law says so), its time bar and deadline chain, and the
standard of review its counts rest on. Unit tests: no LibreOffice (tests/test_kinds_e2e.py builds)."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DATA, ROOT, line_of
from filings.cli import app
from filings.court.deadlines import limitation, limitation_problems
from filings.court.timeline import report
from filings.errors import FactsError
from filings.facts.kinds import kind_of, load_kinds
from filings.facts.load import load_facts
from filings.facts.plan import plan_papers
from filings.papers.context import build_context

SAMPLES = ROOT / "filings" / "facts" / "samples"


@pytest.fixture
def sample(tmp_path):
    """A copy of a kind's sample facts with text replaced: ``sample("adcvd", (old, new), ...)``."""
    def make(kind: str, *replacements: tuple[str, str], name: str = "facts.yaml") -> Path:
        text = (SAMPLES / f"{kind}.yaml").read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return make


def problems(path: Path) -> list[str]:
    with pytest.raises(FactsError) as e:
        load_facts(path)
    return [str(p) for p in e.value.problems]


@pytest.mark.parametrize("written, kind", [
    ("1581(i)", "residual"), ("1581(i)(1)(C)–(D)", "residual"), ("28 U.S.C. § 1581(c)", "adcvd"),
    ("§ 1581(a)", "protest"),
])
def test_the_kind_is_the_jurisdictions_however_it_is_written(facts_copy, written, kind):
    matter = load_facts(facts_copy(("  jurisdiction: 1581(i)", f"  jurisdiction: {written}")) if kind == "residual"
                        else facts_copy()) if kind == "residual" else None
    if matter is not None:
        assert kind_of(matter.facts).name == kind
    kinds = load_kinds()
    from filings.facts.kinds import find_kind
    assert find_kind(kinds, written).name == kind


def test_each_shipped_sample_loads_and_is_of_its_kind():
    for kind in ("adcvd", "protest"):
        matter = load_facts(SAMPLES / f"{kind}.yaml")
        assert kind_of(matter.facts).name == kind
    assert kind_of(load_facts(ROOT / "facts.yaml").facts).name == "residual"


def test_a_kind_that_contradicts_the_jurisdiction_names_both(sample):
    path = sample("adcvd", ("  jurisdiction: 1581(c)", "  jurisdiction: 1581(a)"))
    found = problems(path)
    assert f"{path}:{line_of(path, '  jurisdiction: 1581(a)')}: case.jurisdiction: the kind 'adcvd' is an action " \
           "under 28 U.S.C. § 1581(c), but case.jurisdiction is 1581(a); correct one of the two" in found


def test_an_unknown_jurisdiction_lists_the_kinds_and_says_how_to_add_one(facts_copy):
    path = facts_copy(("  jurisdiction: 1581(i)", "  jurisdiction: 1581(b)"))
    found = problems(path)
    assert any("case.jurisdiction: no kind of case is an action under 28 U.S.C. § 1581(b)" in m
               and "residual (1581(i)), adcvd (1581(c)), protest (1581(a))" in m and "settings.kinds" in m
               for m in found), found


def test_a_kind_without_the_facts_it_needs_is_refused(sample):
    text = (SAMPLES / "protest.yaml").read_text(encoding="utf-8")
    cut = text[text.index("protests:\n"):text.index("events:\n")]
    path = sample("protest", (cut, ""))
    assert any("protests: the kind 'protest'" in m and "needs 'protests:'" in m and "--kind protest" in m
               for m in problems(path))


def test_a_protest_whose_duties_are_unpaid_cannot_be_commenced(sample):
    path = sample("protest", ("    duties_paid: true", "    duties_paid: false"))
    line = line_of(path, "    duties_paid: false")
    assert any(m.startswith(f"{path}:{line}: protests.0.duties_paid:") and "2637(a)" in m for m in problems(path))


# ------------------------------------------------------------------ filings, the summons first

def test_a_summons_first_kind_files_the_complaint_later_in_its_own_packet(sample):
    matter = load_facts(sample("adcvd"))
    plan = plan_papers(matter.facts, build_context(matter))
    days = {f.name: (f.date.iso(), [p.name for p in f.papers]) for f in plan.filings}
    # the Clerk serves a summons filed alone (USCIT Rule 4): no certificate of service in its packet
    assert days["summons"] == ("2025-03-28", ["summons", "information-statement", "disclosure-statement"])
    assert days["complaint"][0] == "2025-04-24" and days["complaint"][1][0] == "complaint"
    assert days["injunction"][1][:2] == ["injunction-motion", "injunction-order"]
    assert days["brief"] == ("2025-09-15", ["judgment-motion", "certificate-of-compliance-judgment-motion",
                                            "judgment-order", "certificate-of-service-brief"])


def test_a_filing_whose_day_is_not_in_the_facts_yet_is_not_made(sample):
    matter = load_facts(sample("protest", ("  complaint_filed: 2025-11-03 ", "  complaint_filed:")))
    plan = plan_papers(matter.facts, build_context(matter))
    assert [f.name for f in plan.filings] == ["summons"]
    assert "complaint" not in [p.name for p in plan.papers]
    assert ("complaint", "case.complaint_filed") in plan.waiting


def test_a_residual_complaint_is_still_filed_with_its_summons(facts_copy):
    path = facts_copy(("  date: 2024-06-03\n    papers: [summons", "  date: 2024-06-05\n    papers: [summons"))
    assert any("(in this kind of case the complaint is filed with the summons); make them one day" in m
               for m in problems(path))


def test_a_complaint_before_its_summons_is_refused(sample):
    path = sample("adcvd", ("  complaint_filed: 2025-04-24", "  complaint_filed: 2025-03-20"))
    assert any("case.complaint_filed: the complaint (2025-03-20) is dated before the summons" in m
               for m in problems(path))


# ------------------------------------------------------------------ time bars

def test_a_late_ad_cvd_summons_fails_naming_the_statute_and_the_dates(sample):
    matter = load_facts(sample("adcvd", ("  filed: 2025-03-28", "  filed: 2025-04-07"),
                               ("  complaint_filed: 2025-04-24", "  complaint_filed: 2025-05-01")))
    bar = limitation(matter.facts)
    assert bar.last_day.isoformat() == "2025-04-03" and bar.accrued_fact == "determination.notice.published"
    message = limitation_problems(matter)[0].message
    assert "filed 2025-04-07" in message and "1516a(a)(2)(A)" in message and "2025-04-03" in message
    assert "the determination's publication, 2025-03-04" in message


def test_a_complaint_more_than_30_days_after_the_summons_fails(sample):
    path = sample("adcvd", ("  complaint_filed: 2025-04-24", "  complaint_filed: 2025-04-28"))
    found = limitation_problems(load_facts(path))
    assert len(found) == 1 and found[0].line == line_of(path, "  complaint_filed: 2025-04-28")
    assert found[0].message == ("case.complaint_filed: the complaint is late: filed 2025-04-28, but 19 U.S.C. "
                                "§ 1516a(a)(2)(A); 28 U.S.C. § 2636(c) allows 30 days after the summons (filed "
                                "2025-03-28, case.filed), which ran out on 2025-04-27; correct the dates")


@pytest.mark.parametrize("jurisdiction", ["1581(a)", "28 U.S.C. § 1581(a)"])
def test_a_late_protest_action_fails_however_the_jurisdiction_is_written(sample, jurisdiction):
    matter = load_facts(sample("protest", ("  jurisdiction: 1581(a)", f"  jurisdiction: {jurisdiction}"),
                               ("  filed: 2025-06-16", "  filed: 2025-08-11")))
    message = limitation_problems(matter)[0].message
    assert "28 U.S.C. § 2636(a)" in message and "ran out on 2025-08-09" in message
    assert "the denial of protest 1, 2025-02-10" in message


def test_check_refuses_a_late_action_on_the_command_line(sample):
    path = sample("protest", ("  filed: 2025-06-16", "  filed: 2025-08-11"))
    result = CliRunner().invoke(app, ["check", "--facts", str(path)])
    assert result.exit_code == 1 and "2636(a)" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ deadlines

def test_deadlines_print_each_kinds_chain(sample):
    adcvd = "\n".join(report(load_facts(sample("adcvd")).facts))
    assert adcvd.startswith("Kind of case: adcvd, Appeal of an antidumping or countervailing duty determination")
    assert "Complaint: 2025-04-27 (Sunday): 30 days after the filing of the summons, 2025-03-28" in adcvd
    assert "Administrative record: 2025-06-03" in adcvd and "Motion for a statutory injunction" in adcvd
    assert "Time bar: 2025-04-03 (Thursday): 30 days after the determination's publication (2025-03-04" in adcvd
    protest = "\n".join(report(load_facts(sample("protest", name="p.yaml")).facts))
    assert "Customs Case Management Calendar" in protest and "Answer: " in protest
    assert "Time bar: 2025-08-09 (Saturday; not moved to the next court day): 180 days after the denial of protest 1 (2025-02-10" in protest
    residual = "\n".join(report(load_facts(ROOT / "facts.yaml").facts))
    assert "Answer: 2024-08-02" in residual and "Complaint:" not in residual


def test_a_period_the_rules_lack_is_said_not_left_out(sample):
    path = sample("adcvd", ("exhibits: []", "exhibits: []\nsettings:\n  kinds:\n    adcvd:\n      deadlines:\n"
                                         "        - {what: Remand results, period: remand}"))
    lines = report(load_facts(path).facts)
    assert "Remand results: not computed: the rules have no period 'remand'; add it under settings.rules.periods " \
           "in the facts" in lines


def test_a_kind_of_your_own_without_a_time_bar_says_so(facts_copy):
    path = facts_copy(("  jurisdiction: 1581(i)", "  jurisdiction: 1581(b)"), ('grounds: ["706(2)(B)"]', "grounds: []"),
                      ("bundle:\n", "settings:\n  kinds:\n    classification:\n      title: Domestic interested party "
                                    "action\n      jurisdiction: 1581(b)\n      papers: [summons, complaint]\n"
                                    "bundle:\n"))
    assert any("filings.1.papers.0: 'motion' is not a paper of the kind 'classification' (its papers: summons, "
               "complaint); list the matter's papers under 'papers:'" in m for m in problems(path))
    path.write_text(path.read_text(encoding="utf-8").replace(
        "papers: [summons, complaint]\n", "papers: [summons, complaint, information-statement, disclosure-statement, "
        "motion, tro-order, proposed-order, declaration, certificate-of-service]\n"), encoding="utf-8")
    matter = load_facts(path)
    assert kind_of(matter.facts).name == "classification"
    line = report(matter.facts)[-1]
    assert line.startswith("Time bar: not checked: the rules have no time bar for 28 U.S.C. § 1581(b)")


# ------------------------------------------------------------------ the standard of review

def test_the_standard_of_review_cites_the_counts_grounds_and_only_those(facts_copy):
    example = build_context(load_facts(facts_copy()))["case"].review
    assert str(example.citation) == "5 U.S.C. § 706(1), (2)(A), (2)(B)"
    assert "without observance of procedure" not in str(example.standard)
    text = (DATA / "other-matter" / "facts.yaml").read_text(encoding="utf-8")
    assert "706" in text or "grounds" in text  # the second matter's counts name theirs


def test_a_count_on_706_2_c_gets_its_words(facts_copy):
    path = facts_copy(("  - title: Agency action unlawfully withheld (5 U.S.C. § 706(1))",
                       "  - title: Agency action in excess of statutory authority\n    grounds: [\"706(2)(C)\"]"),
                      ("  - title: Arbitrary and capricious agency action (5 U.S.C. § 706(2)(A))",
                       "  - title: Arbitrary and capricious agency action\n    grounds: [\"706(2)(C)\"]"),
                      ("    grounds: [\"706(2)(B)\"]", "    grounds: [\"706(2)(C)\"]"))
    review = build_context(load_facts(path))["case"].review
    assert str(review.citation) == "5 U.S.C. § 706(2)(C)"
    assert str(review.standard) == ("hold unlawful and set aside agency action found to be in excess of statutory "
                                    "jurisdiction, authority, or limitations, or short of statutory right")


def test_a_count_without_a_ground_is_refused_naming_the_kinds_grounds(sample):
    path = sample("adcvd", ("    grounds: [not in accordance with law]\n", ""))
    assert any("claims.1.title: name the ground of review this count rests on" in m
               and "substantial evidence, not in accordance with law" in m for m in problems(path))


def test_a_ground_of_another_kind_is_refused(sample):
    path = sample("adcvd", ("    grounds: [substantial evidence]", "    grounds: [\"706(2)(A)\"]"))
    assert any("claims.0.grounds.0: '706(2)(A)' is not a ground of review" in m for m in problems(path))
