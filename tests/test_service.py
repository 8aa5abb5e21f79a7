"""Service that follows the rules, and papers before docketing (issue 18): the papers that commence
an action reach the Attorney General and each agency defendant, not by CM/ECF; a filing's
certificate is dated its own day; a filing made before the Clerk docketed the action prints the
blanks the Court expects, a later one the Court No. and the judge."""
from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from filings.court.service import service_warnings
from filings.facts.load import load_facts
from filings.papers.view import paper_view
from filings.pipeline.builder import plan_build

SAMPLES = ROOT / "filings" / "facts" / "samples"


def warnings_of(path: Path) -> list[str]:
    matter = load_facts(path)
    return list(service_warnings(matter.facts, plan_build(matter)[0]))


def test_the_example_serves_its_commencing_papers_as_the_rules_ask(facts_copy):
    assert warnings_of(facts_copy()) == []


def test_an_agency_defendant_nobody_serves_is_warned_of(facts_copy):
    path = facts_copy(("served: [attorney_general, itfo_attorney_in_charge, cbp_chief_counsel]",
                       "served: [attorney_general, itfo_attorney_in_charge]"))
    assert warnings_of(path) == ["filing 'complaint' commences the action against U.S. Customs and Border "
                                 "Protection, but no one of it is served; add its counsel's office (a person of "
                                 "organization 'cbp') to the filing's service: served"]


def test_commencing_papers_served_by_cm_ecf_on_counsel_who_have_not_appeared_are_warned_of(facts_copy):
    path = facts_copy(("      method: certified mail, return receipt requested  # illustrative\n"
                       "      served: [attorney_general, itfo_attorney_in_charge, cbp_chief_counsel]",
                       "      method: the Court's CM/ECF system\n      served: [government_counsel]"))
    found = warnings_of(path)
    assert any("commences the action, but it is served by the Court's CM/ECF system" in w for w in found)
    assert any("no one served is the Attorney General" in w for w in found)
    assert any("against U.S. Customs and Border Protection, but no one of it is served" in w for w in found)


def test_a_filing_served_on_another_day_than_it_is_filed_is_warned_of(facts_copy):
    path = facts_copy(("service:\n  date: 2024-07-10", "service:\n  date: 2024-07-12"))
    assert warnings_of(path) == ["filing 'motion' is dated 2024-07-10, but its certificate of service says the "
                                 "papers were served on 2024-07-12 (service.date); give the filing its own service: "
                                 "date, or make them one day"]


def test_a_summons_the_clerk_serves_needs_no_service_of_its_own(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text((SAMPLES / "protest.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert warnings_of(path) == []


def test_papers_before_docketing_print_blanks_and_later_ones_the_number(facts_copy):
    def caption(path: Path) -> list[tuple[str, str]]:
        matter = load_facts(path)
        plan, context = plan_build(matter)
        return [(str(paper_view(context, i)["case"].number) if "case" in paper_view(context, i)
                 else str(context["case"].number),
                 str(paper_view(context, i).get("case", context["case"]).judge or ""))
                for i in range(len(plan.filings))]
    assert caption(facts_copy()) == [("__________", ""), ("24-00097", "Claire R. Kelly")]
    docketed = facts_copy(("  court_no: 24-00097", "  court_no: 24-00097\n  docketed: 2024-06-03"), name="d.yaml")
    assert caption(docketed) == [("24-00097", "Claire R. Kelly"), ("24-00097", "Claire R. Kelly")]
    late = facts_copy(("  court_no: 24-00097", "  court_no: 24-00097\n  docketed: 2024-07-11"), name="l.yaml")
    assert caption(late)[1] == ("__________", "")
