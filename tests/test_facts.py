"""Loading the facts: every bad input gets one exact line naming the file and line."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from filings.errors import FactsError
from filings.facts.load import load_facts

from conftest import DATA, EXAMPLE, line_of


def messages(path: Path) -> list[str]:
    with pytest.raises(FactsError) as info:
        load_facts(path)
    return [str(p) for p in info.value.problems]


def test_example_matter_loads():
    matter = load_facts(EXAMPLE)
    facts = matter.facts
    assert facts.case.court_no == "24-00097"
    assert str(facts.events[3].date) == "May 20, 2024"
    assert {r.id for r in facts.requests} == {"first_request", "second_request", "litigation_notice"}
    assert matter.source.confidential == set()


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    assert messages(path) == [f"{path}: no such file; pass --facts with the path of a facts file"]


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("case:\n  court_no: [24-00097\n  judge: X\n")
    assert messages(path) == [f"{path}:3: malformed YAML: expected ',' or ']', but got ':'"]


def test_key_written_twice_is_an_error(facts_copy):
    path = facts_copy(("  judge: Claire R. Kelly\n", "  judge: Claire R. Kelly\n  judge: Someone Else\n"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'judge: Someone')}: case.judge: key written twice "
        f"(first on line {line_of(path, 'judge: Claire')}); keep one"]


def test_all_schema_errors_in_one_run_with_lines(facts_copy):
    path = facts_copy(("  court_no: 24-00097", "  cout_no: 24-00097"),
                      ("    date: 2024-05-20\n", "    date: 2024-02-30\n"),
                      ("    channel: e-mail\n", ""))
    assert messages(path) == [
        f"{path}:{line_of(path, 'cout_no')}: case.cout_no: unknown key; did you mean 'court_no'?",
        f"{path}:{line_of(path, '2024-02-30')}: events.3.date: not a valid date: '2024-02-30'; "
        "no such day in the calendar",
        f"{path}:{line_of(path, '- id: first_request')}: requests.0.channel: required; add it",
    ]


def test_full_date_required_where_a_day_is_needed(facts_copy):
    path = facts_copy(("  filed: 2024-06-03", "  filed: 2024-06"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'filed: 2024-06')}: case.filed: needs a full date (YYYY-MM-DD), not '2024-06'"]


def test_response_dated_before_its_request(facts_copy):
    path = facts_copy(("      date: 2024-05-22", "      date: 2024-05-20"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'date: 2024-05-20', 2)}: requests.0.response.date: the response "
        "(2024-05-20) is dated before the request (2024-05-21)"]


def test_reference_to_a_missing_exhibit(facts_copy):
    path = facts_copy(("    exhibit: second_request", "    exhibit: second_requst"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'second_requst')}: requests.1.exhibit: no exhibit with id "
        "'second_requst'; did you mean 'second_request'?"]


def test_reference_to_a_missing_person(facts_copy):
    path = facts_copy(("  declarant: landis", "  declarant: lanids"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'lanids')}: declaration.declarant: no person with id 'lanids'; "
        "did you mean 'landis'?"]


def test_effective_date_before_the_notice(facts_copy):
    path = facts_copy(("    effective: 2024-05-27", "    effective: 2024-05-13"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'effective: 2024-05-13')}: events.3.effective: 2024-05-13 is before "
        "the event's date (2024-05-20)"]


def test_time_is_checked_and_unquoted_times_are_not_numbers(facts_copy):
    assert load_facts(facts_copy(('time: "14:30"', "time: 14:30"))).facts.motion.consultation.time.hour == 14
    path = facts_copy(('time: "14:30"', "time: 2:30pm"), name="bad-time.yaml")
    assert messages(path) == [f"{path}:{line_of(path, '2:30pm')}: motion.consultation.time: "
                              "not a valid time: '2:30pm'; write HH:MM on a 24-hour clock"]


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("- just\n- a list\n")
    assert messages(path) == [f"{path}:1: the facts file must be a mapping of sections "
                              "(organizations, people, case, ...)"]


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("case: !!python/object/apply:os.system ['echo hacked']\n")
    [message] = messages(path)
    assert message.startswith(f"{path}:1: malformed YAML: could not determine a constructor")


def test_confidential_mark_is_recorded(facts_copy):
    matter = load_facts(facts_copy(("    parent: SEKO Worldwide, LLC", "    parent: !confidential SEKO Worldwide, LLC")))
    assert matter.facts.organizations["seko"].parent == "SEKO Worldwide, LLC"
    assert matter.source.confidential == {("organizations", "seko", "parent")}


QUOTE = "put it in quotes to keep it as written"


def test_text_that_yaml_reads_as_a_number_or_true_false_is_an_error_quoting_the_fix(facts_copy):
    path = facts_copy(("  court_no: 24-00097", "  court_no: 0700"),
                      ("  judge: Claire R. Kelly", "  judge: yes"),
                      ("  jurisdiction: 1581(i)", "  jurisdiction: 0x1F"),
                      ('address: [1501 East Woodfield Road, "Schaumburg, Illinois 60173"]',
                       "address: [1501 East Woodfield Road, 1_000]"),
                      ("    short: SEKO", "    short: 1.50"),
                      ("    kind: sovereign", "    kind: on"),
                      ("    title: Trial Attorney", "    title: NO"))
    assert messages(path) == [
        f'{path}:{line_of(path, "short: 1.50")}: organizations.seko.short: 1.50 is read as a number; '
        f'{QUOTE}: short: "1.50"',
        f'{path}:{line_of(path, "1_000")}: organizations.seko.address.1: 1_000 is read as a number; '
        f'{QUOTE}: - "1_000"',
        f'{path}:{line_of(path, "kind: on")}: organizations.united_states.kind: on is read as true; '
        f'{QUOTE}: kind: "on"',
        f'{path}:{line_of(path, "title: NO")}: people.government_counsel.title: NO is read as false; {QUOTE}: title: "NO"',
        f'{path}:{line_of(path, "court_no: 0700")}: case.court_no: 0700 is read as a number; '
        f'{QUOTE}: court_no: "0700"',
        f'{path}:{line_of(path, "judge: yes")}: case.judge: yes is read as true; {QUOTE}: judge: "yes"',
        f'{path}:{line_of(path, "0x1F")}: case.jurisdiction: 0x1F is read as a number; '
        f'{QUOTE}: jurisdiction: "0x1F"',
    ]


def test_quoted_text_and_text_yaml_does_not_read_as_a_number_are_kept_as_written(facts_copy):
    facts = load_facts(facts_copy(("  court_no: 24-00097", '  court_no: "0700"'),
                                  ("  judge: Claire R. Kelly", "  judge: 1e3"),
                                  ("    short: SEKO", "    short: 08"))).facts
    assert (facts.case.court_no, facts.case.judge, facts.organizations["seko"].short) == ("0700", "1e3", "08")


def test_numbers_stay_numbers_where_numbers_are_wanted(facts_copy):
    facts = load_facts(facts_copy(("    start: 1\n", "    start: 1_000\n"))).facts
    assert facts.bundle.bates.start == 1000
    assert [(n.volume, n.page) for n in facts.programs["type86"].notices] == [(84, 40079), (89, 2630)]
    assert str(facts.programs["type86"].participant_since) == "2019"


def test_the_quoting_fix_keeps_the_confidential_mark(facts_copy):
    path = facts_copy(("  court_no: 24-00097", "  court_no: !confidential 0700"))
    assert messages(path) == [
        f'{path}:{line_of(path, "court_no: !confidential 0700")}: case.court_no: 0700 is read as a number; '
        f'{QUOTE}: court_no: !confidential "0700"']


@pytest.mark.parametrize("written", ["!confidential null", "!confidential ~", "!confidential"])
def test_a_confidential_null_is_no_value(facts_copy, written):
    matter = load_facts(facts_copy(("    parent: SEKO Worldwide, LLC", f"    parent: {written}")))
    assert matter.facts.organizations["seko"].parent is None
    assert matter.source.confidential == {("organizations", "seko", "parent")}


@pytest.mark.parametrize("written, message", [
    ("name:", "has no value; write it after the ':'"),
    ("name: null", "has no value; write it after the ':'"),
    ("name: !confidential", "has no value; write it after the ':'"),
    ('name: ""', "is empty; write its text"),
])
def test_a_printed_value_left_empty(facts_copy, written, message):
    path = facts_copy(("    name: Seko Customs Brokerage, Inc.", f"    {written}"))
    assert messages(path) == [f"{path}:{line_of(path, written)}: organizations.seko.name: {message}"]


def test_an_empty_list_item(facts_copy):
    path = facts_copy(('address: [1501 East Woodfield Road, "Schaumburg, Illinois 60173"]',
                       "address: [1501 East Woodfield Road, null]"))
    assert messages(path) == [f"{path}:{line_of(path, 'Woodfield Road, null')}: organizations.seko.address.1: "
                              "has no value; write it after the '-'"]


def test_misspelled_keys_in_list_items_are_all_reported(facts_copy):
    path = facts_copy(("    date: 2023-07\n", "    dat: 2023-07\n"),
                      ("    channel: e-mail\n", "    chanel: e-mail\n"),
                      ("    title: Agency notice of conditional reinstatement\n",
                       "    title: Agency notice of conditional reinstatement\n    fiel: x.pdf\n"),
                      ("  court_no: 24-00097", "  cout_no: 24-00097"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'cout_no')}: case.cout_no: unknown key; did you mean 'court_no'?",
        f"{path}:{line_of(path, '- id: first_review')}: events.0.date: required; add it",
        f"{path}:{line_of(path, 'dat: 2023-07')}: events.0.dat: unknown key; did you mean 'date'?",
        f"{path}:{line_of(path, '- id: first_request')}: requests.0.channel: required; add it",
        f"{path}:{line_of(path, 'chanel')}: requests.0.chanel: unknown key; did you mean 'channel'?",
        f"{path}:{line_of(path, 'fiel: x.pdf')}: exhibits.5.fiel: unknown key; did you mean 'file'?",
    ]


def test_true_false_or_infinity_where_a_number_is_wanted(facts_copy):
    path = facts_copy(("{volume: 84,", "{volume: yes,"), ("  size_limit_mb: 35", "  size_limit_mb: .inf"))
    assert messages(path) == [
        f"{path}:{line_of(path, 'volume: yes')}: programs.type86.notices.0.volume: yes is read as true; "
        "write a number",
        f"{path}:{line_of(path, 'size_limit_mb')}: bundle.size_limit_mb: .inf is not a finite number; "
        "write one such as 35 or 12.5"]


@pytest.mark.parametrize("filed, message", [
    ("2024-06-20", "the action was filed 2024-06-20, but the filing 'complaint' with the complaint is dated 2024-06-03 "
                   "(filings.0.date) (in this kind of case the complaint is filed with the summons); make them one day"),
    ("2022-06-03", "the action was filed 2022-06-03, before the first event it pleads ('first_review', 2023-07); "
                   "check the year"),
])
def test_the_filing_date_agrees_with_the_complaint_filing_and_the_events(facts_copy, filed, message):
    path = facts_copy(("  filed: 2024-06-03", f"  filed: {filed}"))
    line = line_of(path, f"  filed: {filed}")
    assert any(m == f"{path}:{line}: case.filed: {message}" for m in messages(path)), messages(path)


# ------------------------------------------------------------------ schema errors in the facts file's words

WRONG_KINDS = [(case["written"], case["line"], case["message"])
               for case in yaml.safe_load((DATA / "facts" / "wrong-kinds.yaml").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("written, line, message", WRONG_KINDS)
def test_a_value_of_the_wrong_kind_is_worded_for_the_facts_file(tmp_path, written, line, message):
    path = tmp_path / "facts.yaml"
    path.write_text(written)
    found = messages(path)
    assert f"{path}:{line}: {message}" in found, found


def test_no_schema_error_speaks_pydantic(tmp_path):
    """Every problem of a file full of wrong kinds is in the loader's words, none in pydantic's."""
    path = tmp_path / "facts.yaml"
    path.write_text("case: {plaintiffs: [], filed: 2024-06-03, judge: {a: 1}}\nclaims: [{title: x, allegations: 3}]\n"
                    "people: {p: {name: P, minor: 2, pronoun: it}}\nbundle: {bates: {start: -1, digits: x}}\n"
                    "settings: {rules: [], history: ''}\nmotion: x\n")
    found = messages(path)
    assert len(found) > 10
    assert not [m for m in found if "Input should" in m or "Field required" in m or "List should" in m], found
