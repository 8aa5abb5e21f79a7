"""What a paper depends on: the facts it read, fingerprinted, so a later build can tell it is stale."""
from __future__ import annotations

from filings.papers.context import build_context
from filings.papers.nodes import tracking
from filings.papers.depends import MISSING, changed, fingerprints, index_nodes
from filings.facts.load import load_facts
from filings.papers.filters import _exhibit_function

from test_bundle import reordered


def reads_of(context, read) -> set[str]:
    reads: set[str] = set()
    with tracking(reads):
        read(context)
    return reads


def test_a_citation_depends_on_which_exhibit_it_names(facts_copy):
    facts = facts_copy()
    before = build_context(load_facts(facts))
    cite = reads_of(before, lambda c: _exhibit_function(c["exhibits"])("type86_notice"))
    via_event = reads_of(before, lambda c: str(c["events"][3].exhibit.label))
    recorded = fingerprints(index_nodes(before), cite | via_event)
    assert changed(index_nodes(before), recorded) == []
    reordered(facts)  # labels stay "Exhibit 1..6": only which exhibit holds each label changes
    after = build_context(load_facts(facts))
    assert set(changed(index_nodes(after), recorded)) >= {"exhibits.1.id", "events.3.exhibit"}


def test_a_fact_that_is_gone_is_a_change(facts_copy):
    context = build_context(load_facts(facts_copy()))
    recorded = fingerprints(index_nodes(context), {"exhibits.9.label", "case.court_no"})
    assert recorded["exhibits.9.label"] == MISSING
    assert changed(index_nodes(context), {**recorded, "case.court_no": "0"}) == ["case.court_no"]
