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
    assert set(changes) == {"case.court_no", "events.0.date", "events.0.until", "people.lee.phone"}
    court = changes["case.court_no"]
    assert (court.status, court.old, court.new, court.old_line, court.new_line) == \
        ("changed", "24-00097", "24-00098", 3, 4)
    assert changes["events.0.date"].describe() == "events.0.date: 2024-05-17 → 2024-05-16 (line 6 → 7)"
    until = changes["events.0.until"]
    assert (until.status, until.old, until.new, until.old_line, until.new_line) == \
        ("added", None, "2024-08-29", None, 8)
    phone = changes["people.lee.phone"]
    assert phone.confidential and "555" not in phone.describe(show=False)
    removed = fact_changes(NEW, OLD)
    assert [(c.path, c.status) for c in removed if c.status == "removed"] == [("events.0.until", "removed")]
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
    assert [(e.id, e.status, e.old_label, e.new_label) for e in diff.exhibits] == [
        ("b", "relabelled", "2", "1"), ("a", "relabelled", "1", "2"), ("d", "added", None, "3"),
        ("c", "removed", "3", None)]
    assert diff.changed
    assert diff.summary_line().startswith("4 facts changed; 3 of 4 papers changed: complaint, order, motion")


def test_exhibit_labels_as_the_papers_print_them():
    from filings.papers import context
    from filings.review import diff

    for style in ("numbers", "letters"):
        assert [diff.exhibit_mark(i, style) for i in range(800)] == \
            [context.exhibit_mark(i, style) for i in range(800)]
