"""Which papers changed between two manifests, and which facts caused it."""
from filings.pipeline.changes import TEMPLATE, paper_changes


def _entry(pdf, template="t.docx", sha="a", **reads):
    return {"template": template, "template_sha256": sha, "pdf_sha256": pdf, "facts_read": reads}


def test_a_changed_fact_is_named_as_the_cause_of_each_paper_that_read_it():
    old = {"papers": {"complaint": _entry("1", **{"case.filed": "x", "case.judge": "j"}),
                      "summons": _entry("2", **{"case.judge": "j"})}}
    new = {"papers": {"complaint": _entry("3", **{"case.filed": "y", "case.judge": "j"}),
                      "summons": _entry("2", **{"case.judge": "j"})}}
    changes = paper_changes(old, new)
    assert [c.describe() for c in changes.papers] == ["complaint: changed (case.filed)", "summons: unchanged"]
    assert changes.facts == ("case.filed",)
    assert [c.name for c in changes.changed] == ["complaint"]


def test_added_removed_and_template_changes():
    old = {"papers": {"a": _entry("1", sha="old"), "gone": _entry("2")}}
    new = {"papers": {"a": _entry("5", sha="new"), "fresh": _entry("6")}}
    changes = {c.name: c for c in paper_changes(old, new).papers}
    assert changes["a"].status == "changed" and changes["a"].causes == (TEMPLATE,)
    assert changes["fresh"].status == "added" and changes["gone"].status == "removed"


def test_a_first_build_has_every_paper_added_and_garbage_is_ignored():
    assert [c.status for c in paper_changes(None, {"papers": {"a": _entry("1")}}).papers] == ["added"]
    assert paper_changes({"papers": "junk"}, {"papers": {"a": "junk"}}).papers == ()
