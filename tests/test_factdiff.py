"""The fact diff (paths, values, lines, confidential marks) and exhibits relabelled, without
LibreOffice: the versions are texts and folders laid out as builds."""
from __future__ import annotations

import json

from filings.review.diff import compare
from filings.review.sides import Side
from filings.review.factdiff import fact_changes

OLD = """\
case:
  filed: 2024-06-03
  court_no: "24-00097"
events:
  - id: one
    date: 2024-05-17
people:
  lee: {name: Kim Lee, phone: !confidential 555-0100}
"""
NEW = """\
case:
  filed: 2024-06-03

  court_no: "24-00098"
events:
  - id: one
    date: 2024-05-16
    until: 2024-08-29
people:
  lee: {name: Kim Lee, phone: !confidential 555-0199}
"""


def test_each_fact_by_path_with_both_values_and_lines():
    changes = {c.path: c for c in fact_changes(OLD, NEW)}
    assert set(changes) == {"case.court_no", "events[one].date", "events[one].until", "people.lee.phone"}
    court = changes["case.court_no"]
    assert (court.status, court.old, court.new, court.old_line, court.new_line) == \
        ("changed", "24-00097", "24-00098", 3, 4)
    assert changes["events[one].date"].describe() == "events[one].date: 2024-05-17 → 2024-05-16 (line 6 → 7)"
    assert changes["events[one].date"].place == "events.0.date" and changes["events[one].date"].where == "facts.yaml:7"
    until = changes["events[one].until"]
    assert (until.status, until.old, until.new, until.old_line, until.new_line) == \
        ("added", None, "2024-08-29", None, 8)
    phone = changes["people.lee.phone"]
    assert phone.confidential and "555" not in phone.describe(show=False)
    removed = fact_changes(NEW, OLD)
    assert [(c.path, c.status) for c in removed if c.status == "removed"] == [("events[one].until", "removed")]
    assert fact_changes(OLD, OLD) == []


def side(folder, exhibits, papers, facts):
    folder.mkdir()
    (folder / ".filings").mkdir()
    (folder / ".filings" / "manifest.json").write_text(json.dumps({
        "exhibits": exhibits,
        "papers": {name: {"template": f"{name}.docx", "template_sha256": "t", "facts_read": reads,
                          "pdf_sha256": text} for name, (text, reads) in papers.items()}}))
    for name, (text, _) in papers.items():
        (folder / f"{name}.docx").write_text(text)
    return Side(folder.name, folder, facts)


def test_papers_and_exhibits_added_removed_relabelled(tmp_path):
    old = side(tmp_path / "old", ["a", "b", "c"], {"complaint": ("Exhibit 2", {"exhibits.1.label": "2"}),
                                                    "summons": ("s", {}), "motion": ("m", {})}, OLD)
    new = side(tmp_path / "new", ["b", "a", "d"], {"complaint": ("Exhibit 1", {"exhibits.1.label": "1"}),
                                                    "summons": ("s", {}), "order": ("o", {})}, NEW)
    diff = compare(old, new)
    assert [(p.key, p.status, p.causes) for p in diff.papers] == [
        ("complaint", "changed", ("exhibits.1.label",)), ("summons", "unchanged", ()),
        ("order", "added", ()), ("motion", "removed", ())]
    assert [(h.name, h.status, h.old_label, h.new_label) for h in diff.holdings if h.kind == "exhibit"] == [
        ("b", "renumbered", "Exhibit 2", "Exhibit 1"), ("a", "renumbered", "Exhibit 1", "Exhibit 2"),
        ("d", "added", None, "Exhibit 3"), ("c", "removed", "Exhibit 3", None)]
    assert diff.changed
    assert diff.summary_line().startswith("4 facts changed; 3 of 4 papers changed: complaint, order, motion")


LIST = """\
exhibits:
  - {id: a, title: First}
  - {id: b, title: Second}
  - {id: c, title: Third}
  - {id: d, title: Fourth}
declaration:
  signed: 2024-06-01
"""


def test_list_items_are_matched_by_id_and_a_reorder_is_one_row_per_item_moved():
    moved = LIST.replace("  - {id: d, title: Fourth}\n", "").replace("  - {id: a, title: First}\n",
                                                                     "  - {id: d, title: Fourth}\n  - {id: a, title: First}\n")
    changes = fact_changes(LIST, moved)
    assert [(c.path, c.status, c.old, c.new) for c in changes] == [("exhibits[d]", "moved", "4", "1")]
    assert changes[0].place == "exhibits.0" and changes[0].old_place == "exhibits.3"
    # a title changed on an item that also moved: one change, named by id, both places kept
    retitled = moved.replace("title: Second", "title: Second one")
    [title] = [c for c in fact_changes(LIST, retitled) if c.status == "changed"]
    assert (title.path, title.place, title.old_place) == ("exhibits[b].title", "exhibits.2.title", "exhibits.1.title")


def test_tagging_and_untagging_a_fact_are_changes_that_never_show_the_value():
    tagged = LIST.replace("title: Third", "title: !confidential Third")
    [change] = fact_changes(LIST, tagged)
    assert (change.path, change.status, change.confidential) == ("exhibits[c].title", "tagged", True)
    assert "Third" not in change.describe(show=False) and "tagged !confidential" in change.describe()
    [back] = fact_changes(tagged, LIST)
    assert (back.status, back.confidential) == ("untagged", True)


def test_a_paper_s_causes_in_words_with_file_and_line_computed_names_folded():
    from filings.pipeline.changes import TEMPLATE
    from filings.review.attribution import explain

    later = LIST.replace("signed: 2024-06-01", "signed: 2024-06-02")
    facts = fact_changes(LIST, later)
    # the paper read the date itself and two names computed from it
    assert explain(["declaration.signed", "declaration.signed_on", "caption.dated"], facts) == (
        "the declaration: the day it is signed (facts.yaml:7)",)
    # a computed name of an item is folded into that item's changed facts
    renamed = LIST.replace("title: Second", "title: Other")
    assert explain(["exhibits.1.cite"], fact_changes(LIST, renamed)) == (
        "exhibit b: what the exhibit is (facts.yaml:3)",)
    # nothing explains it: the name is kept, said to be computed; the template is named
    assert explain(["plaintiffs.possessive", TEMPLATE], facts, template="complaint.docx") == (
        "its template (complaint.docx)", "a value computed from the facts (plaintiffs.possessive)")


def test_facts_that_extend_a_base_are_compared_merged_and_each_change_names_its_file():
    """A version is its facts file and the base files it extends (as the history records them): a
    change in the base is a change of the matter's facts, named by the base's file and line."""
    base = "case:\n  filed: 2024-06-03\n  court_no: '24-00097'\nexhibits:\n  - {id: a, title: First}\n"
    own = "extends: ../campaign.yaml\nexhibits:\n  - {id: a, title: First, date: 2024-05-01}\n"
    later = base.replace("2024-06-03", "2024-06-04")
    changes = fact_changes(own, own, old_bases={"../campaign.yaml": base}, new_bases={"../campaign.yaml": later})
    assert [(c.path, c.status, c.old, c.new, c.where) for c in changes] == [
        ("case.filed", "changed", "2024-06-03", "2024-06-04", "../campaign.yaml:2")]
    # the matter's own change names the matter's file; the base's other facts stay out of it
    mine = own.replace("2024-05-01", "2024-05-02")
    [change] = fact_changes(own, mine, old_bases={"../campaign.yaml": base}, new_bases={"../campaign.yaml": base})
    assert (change.path, change.where) == ("exhibits[a].date", "facts.yaml:3")
