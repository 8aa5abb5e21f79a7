"""The parts of a diff that need no LibreOffice: exhibits, bundle and packets compared from their
fingerprints, papers paired across the confidential split, header and footer changes counted."""
from __future__ import annotations

from pathlib import Path

import docx

from filings.review.counts import count_revisions, edge_changes, paper_revisions
from filings.review.holdings import compare_holdings
from filings.review.pairing import Paired, pair


def exhibit(ident: str, label: int, first: int, pages: int = 1, text: str | None = None) -> dict:
    return {"id": ident, "label": str(label), "title": f"The {ident}", "pages": pages,
            "bates": [f"B-{first:03d}", f"B-{first + pages:03d}"],
            "page_hashes": [f"{text or ident}-{n}" for n in range(pages + 1)]}


def holdings(order: list[str], sizes: dict[str, int] | None = None, texts: dict[str, str] | None = None,
             packet: list[str] | None = None) -> dict:
    sizes, texts = sizes or {}, texts or {}
    exhibits, first = [], 1
    for n, ident in enumerate(order, 1):
        exhibits.append(exhibit(ident, n, first, sizes.get(ident, 1), texts.get(ident)))
        first += sizes.get(ident, 1) + 1
    return {"version": 1, "sets": {"": {"bundle": {"pages": first, "bates": ["B-001", f"B-{first - 1:03d}"]},
                                        "exhibits": exhibits}},
            "packets": {"packet-complaint.pdf": packet or ["summons", "complaint", *(f"exhibit:{i}" for i in order)]}}


ORDER = ["a", "b", "c", "d", "e", "f"]


def test_moving_one_exhibit_to_the_front_is_one_moved_row_and_one_renumbered_row():
    rows = compare_holdings(holdings(ORDER), holdings(["f", *ORDER[:-1]]))
    exhibits = [r for r in rows if r.kind == "exhibit"]
    assert [(r.name, r.status) for r in exhibits] == [("f", "moved"), ("5 other exhibits", "renumbered")]
    assert exhibits[0].detail == "Exhibit 6 → Exhibit 1; B-011–B-012 → B-001–B-002"
    assert "a: Exhibit 1 → Exhibit 2; B-001–B-002 → B-003–B-004" in exhibits[1].detail
    assert [r.kind for r in rows if r.kind != "exhibit"] == ["packet"]  # the bundle's pages and range stay


def test_a_swap_is_one_row_per_exhibit_moved_and_nothing_else():
    rows = compare_holdings(holdings(ORDER), holdings(["a", "e", "c", "d", "b", "f"]))
    assert sorted((r.name, r.status) for r in rows if r.kind == "exhibit") == [("b", "moved"), ("e", "moved")]


def test_changed_added_and_removed_exhibits_and_the_bundle():
    old = holdings(ORDER)
    new = holdings(["a", "b", "c", "d", "e", "g"], sizes={"c": 3}, texts={"b": "b, reworded"})
    rows = {(r.kind, r.name): r for r in compare_holdings(old, new, ["exhibits.1.title", "events.2.date"])}
    assert rows["exhibit", "b"].status == "changed" and rows["exhibit", "b"].detail == "2 of 2 pages differ"
    assert rows["exhibit", "b"].causes == ("exhibits.1.title",)
    assert rows["exhibit", "c"].status == "changed" and rows["exhibit", "c"].detail.startswith("1 → 3 pages")
    assert rows["exhibit", "g"].status == "added" and rows["exhibit", "f"].status == "removed"
    assert rows["bundle", "exhibits/exhibit-bundle.pdf"].detail == "13 → 15 pages; Bates B-001–B-012 → B-001–B-014"


def test_a_packet_that_files_another_exhibit():
    old = holdings(ORDER, packet=["summons", "complaint", "exhibit:a"])
    new = holdings(ORDER, packet=["summons", "complaint", "exhibit:a", "exhibit:b"])
    (row,) = compare_holdings(old, new)
    assert (row.kind, row.status, row.detail) == ("packet", "changed", "added exhibit:b")


def test_the_sets_are_paired_across_the_confidential_split():
    old = holdings(ORDER)
    sets = old["sets"][""]
    new = {"version": 1, "sets": {"public/": sets, "confidential/": sets},
           "packets": {"public/packet-complaint.pdf": old["packets"]["packet-complaint.pdf"],
                       "confidential/packet-complaint.pdf": old["packets"]["packet-complaint.pdf"]}}
    assert compare_holdings(old, new) == []


def test_papers_are_paired_across_the_split_both_ways():
    assert pair(["summons", "motion"], ["summons", "public/motion", "confidential/motion"]) == [
        Paired("summons", "summons", ""), Paired("public/motion", "motion", "public"),
        Paired("confidential/motion", "motion", "confidential")]
    assert pair(["public/motion", "confidential/motion", "gone"], ["motion", "new"]) == [
        Paired("motion", "public/motion", "public"), Paired("motion", "confidential/motion", "confidential"),
        Paired("new", None, ""), Paired(None, "gone", "")]


def paper(path: Path, body: str, footer: str) -> Path:
    document = docx.Document()
    document.add_paragraph(body)
    document.sections[0].footer.paragraphs[0].text = footer
    document.save(path)
    return path


def test_a_changed_footer_is_counted(tmp_path):
    old = paper(tmp_path / "old.docx", "Same body.", "Case No. 24-00097")
    new = paper(tmp_path / "new.docx", "Same body.", "Case No. 24-00098")
    same = paper(tmp_path / "same.docx", "Same body.", "Case No. 24-00097")
    assert edge_changes(old, new) == 1 and edge_changes(old, same) == 0
    # a redline that marks nothing in the footer: the footer's change is counted from the papers
    assert count_revisions(new) == 0 and paper_revisions(new, old, new) == 1


def test_a_build_recorded_before_holdings_compares_its_exhibits_by_the_manifests_ids():
    from filings.review.holdings import listed_exhibits

    rows = listed_exhibits(["a", "b", "c"], "bundle: {labels: letters}\n", ["b", "a", "d"], None)
    assert [(r.name, r.status, r.detail) for r in rows] == [
        ("b", "renumbered", "Exhibit B → Exhibit 1"), ("a", "renumbered", "Exhibit A → Exhibit 2"),
        ("d", "added", "Exhibit 3"), ("c", "removed", "was Exhibit C")]


def test_an_exhibit_a_template_drafts_takes_its_letters_causes_and_every_cause_is_said_in_words():
    from filings.review.diff import Diff, PaperDiff
    from filings.review.factdiff import FactChange
    from filings.review.holdings import HoldingDiff
    from filings.review.pairing import ORDER, said_in_words

    date = FactChange("requests[first_request].date", "changed", "2024-05-21", "2024-05-22", 184, 184,
                      place="requests.0.date", where="facts.yaml:184")
    diff = Diff(None, None, facts=[date],
                papers=[PaperDiff("letters/first_request", "changed", ("requests.0.date",))],
                holdings=[HoldingDiff("exhibit", "first_request", "changed"), HoldingDiff("exhibit", "scan", "changed"),
                          HoldingDiff("exhibit", "moved_one", "moved", causes=(ORDER,))])
    said_in_words(diff)
    assert diff.papers[0].causes == ("requests.0.date",)  # the path the build read, as recorded
    (words,) = diff.papers[0].because
    assert words.startswith("request first_request: ") and words.endswith(" (facts.yaml:184)")
    assert [h.causes for h in diff.holdings] == [(words,), ("the exhibit's file",), (ORDER,)]
