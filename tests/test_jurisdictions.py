"""The jurisdiction as real complaints write it, and the time bar of each kind of action:
`1581(i)(1)(C)–(D)` is checked like `1581(i)`; a § 1581(a) or (c) action's bar runs from its
own trigger (the determination's publication, the protest's denial, or case.accrued), never from
the first event."""
from __future__ import annotations

import pytest

from filings.court.deadlines import limitation, limitation_problems
from filings.court.timeline import report
from filings.facts.load import load_facts
from filings.facts.rules import jurisdiction_key, jurisdiction_text
from filings.papers.context import build_context

SAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "filings" / "facts" / "samples"


@pytest.mark.parametrize("written, key", [
    ("1581(i)", "1581(i)"), ("1581(i)(1)(C)–(D)", "1581(i)"), ("28 U.S.C. § 1581(i)(4)", "1581(i)"),
    ("1581 (c)", "1581(c)"), ("§ 1581(a)", "1581(a)"), ("1491(a)", "1491(a)"),
])
def test_a_jurisdiction_written_any_way_names_its_subsection(written, key):
    assert jurisdiction_key(written) == key


def test_the_papers_print_the_jurisdiction_as_written_without_a_second_section_sign():
    assert jurisdiction_text("28 U.S.C. § 1581(i)(1)(C)–(D)") == "1581(i)(1)(C)–(D)"
    assert jurisdiction_text("1581(c)") == "1581(c)"


def test_a_jurisdiction_with_subparagraphs_has_the_time_bar_of_its_subsection(facts_copy):
    plain = load_facts(facts_copy())
    sub = load_facts(facts_copy(("  jurisdiction: 1581(i)", "  jurisdiction: 1581(i)(1)(C)–(D)"), name="sub.yaml"))
    assert limitation(sub.facts) is not None and limitation(sub.facts) == limitation(plain.facts)
    context = build_context(sub)
    assert context["case"].residual and str(context["case"].statute) == "28 U.S.C. § 1581(i)(1)(C)–(D)"


def test_a_late_action_with_subparagraphs_is_refused_naming_the_statute(facts_copy):
    late = load_facts(facts_copy(("  jurisdiction: 1581(i)", "  jurisdiction: 1581(i)(1)(C)–(D)"),
                                 ("  filed: 2024-06-03", "  filed: 2024-06-03\n  accrued: 2021-01-04")))
    problems = limitation_problems(late)
    assert problems and "28 U.S.C. § 2636(i)" in problems[0].message and "2023-01-04" in problems[0].message


def test_an_ad_cvd_appeal_counts_30_days_from_the_publication_never_from_the_first_event(tmp_path):
    text = (SAMPLES / "adcvd.yaml").read_text(encoding="utf-8")
    matter = load_facts(_write(tmp_path / "a.yaml", text))
    bar = limitation(matter.facts)
    assert bar.accrued_fact == "determination.notice.published" and bar.last_day.isoformat() == "2025-04-03"
    unpublished = load_facts(_write(tmp_path / "b.yaml", text.replace(
        "  notice: {volume: 90, page: 11342, published: 2025-03-04}\n", "")))
    assert limitation(unpublished.facts) is None  # the events start in 2023: no false "late"
    assert not limitation_problems(unpublished)
    said = "\n".join(report(unpublished.facts))
    assert "Time bar: not checked: 19 U.S.C. § 1516a(a)(2)(A)" in said and "set case.accrued to that day" in said
    mailed = load_facts(_write(tmp_path / "c.yaml", text.replace(
        "  notice: {volume: 90, page: 11342, published: 2025-03-04}\n", "").replace(
        "  filed: 2025-03-28", "  filed: 2025-03-28\n  accrued: 2025-02-20")))
    problems = limitation_problems(mailed)
    assert problems and "2025-03-22" in problems[0].message and "1516a(a)(2)(A)" in problems[0].message


def test_a_protest_action_counts_180_days_from_the_earliest_denial(tmp_path):
    text = (SAMPLES / "protest.yaml").read_text(encoding="utf-8")
    matter = load_facts(_write(tmp_path / "p.yaml", text))
    bar = limitation(matter.facts)
    assert bar is not None and bar.last_day.isoformat() == "2025-08-09" and "2636(a)" in bar.source
    assert bar.accrued_fact == "protests.0.denied" and not limitation_problems(matter)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path
