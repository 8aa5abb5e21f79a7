"""The privacy lint (Rule 5.2): numbers, birth dates and minors' names a filing may show only in part."""
from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from reportlab.pdfgen import canvas

from conftest import DATA, EXAMPLE, OTHER, ROOT, line_of
from filings.facts.load import load_facts
from filings.court.privacy import privacy_findings, scan_text

SSN = "123-45-6789"
ACCOUNT = "0012 3456 7890"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def warnings(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]


@pytest.fixture
def private_facts(facts_copy):
    """The example with a fake SSN in a person's description and an account number in a request."""
    return facts_copy(
        ("    title: Global Chief Compliance Officer\n",
         f"    title: Global Chief Compliance Officer\n    description: whose SSN is {SSN}\n"),
        ("    channel: e-mail\n    asked: >-\n      that the agency identify the violations on which it based the "
         "suspension from [Term: ctpat]",
         f"    channel: e-mail\n    asked: >-\n      that the agency refund the bond paid from account no. {ACCOUNT} "
         "and identify the violations on which it based the suspension from [Term: ctpat]"))


def test_a_fake_ssn_and_an_account_number_are_found_with_their_lines(private_facts):
    proc = run("check", "--facts", str(private_facts))
    assert proc.returncode == 0, proc.stderr
    assert warnings(proc) == [
        f"warning: {private_facts}:{line_of(private_facts, SSN)}: people.landis.description: a Social Security "
        "number; Rule 5.2 allows only the last four digits: write XXX-XX-6789",
        f"warning: {private_facts}:{line_of(private_facts, 'asked: >-', 2)}: requests.1.asked: a financial account "
        "number; Rule 5.2 allows only the last four digits: write XXXX7890"]
    assert SSN not in proc.stderr and ACCOUNT not in proc.stderr  # the warning itself does not repeat them


def test_strict_makes_them_errors(private_facts):
    proc = run("check", "--strict", "--facts", str(private_facts))
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("--strict: ")]
    assert len(errors) == 2 and "XXX-XX-6789" in errors[0] and "XXXX7890" in errors[1]
    assert proc.stderr.splitlines() == errors  # each finding once: as an error, not also as a warning
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("facts", [EXAMPLE, OTHER, DATA / "many-parties" / "facts.yaml"])
def test_the_example_matters_have_none(facts):
    assert privacy_findings(load_facts(facts)) == []
    # the example is clean as a whole; the test matters carry other warnings on purpose (a motion
    # its declaration does not carry, papers of two days in one packet): none of them is Rule 5.2's
    proc = run("check", *(["--strict"] if facts == EXAMPLE else []), "--facts", str(facts))
    assert proc.returncode == 0, proc.stderr
    assert not [line for line in proc.stderr.splitlines() if "5.2" in line], proc.stderr


def test_birth_dates_taxpayer_numbers_and_minors(facts_copy):
    path = facts_copy(
        ("  gagne:\n    name: James Gagne\n",
         "  gagne:\n    name: James Gagne\n  child:\n    name: Mia Rowe\n    minor: true\n"),
        ("bundle:\n", "extra:\n  importer_number: 36-4123456AB\n  born: 2011-04-02\n"
                      "  note: Mia Rowe, born on April 2, 2011, signed for the shipment\nbundle:\n"))
    found = [str(f) for f in privacy_findings(load_facts(path))]
    assert found == [
        f"{path}:{line_of(path, 'Mia Rowe')}: people.child.name: a minor's full name; Rule 5.2 allows only a "
        "minor's initials: write M.R.",
        f"{path}:{line_of(path, 'importer_number')}: extra.importer_number: an importer-of-record number (a taxpayer "
        "number); Rule 5.2 allows only the last four digits: write XX-XXX3456AB",
        f"{path}:{line_of(path, 'born: 2011')}: extra.born: a full birth date; Rule 5.2 allows only the year of a "
        "birth date: write 2011",
        f"{path}:{line_of(path, 'note:')}: extra.note: a minor's name; Rule 5.2 allows only a minor's initials: "
        "write M.R.",
        f"{path}:{line_of(path, 'note:')}: extra.note: a full birth date; Rule 5.2 allows only the year of a "
        "birth date: write 2011"]


def test_an_exhibit_pdf_is_read_page_by_page(facts_copy):
    path = facts_copy()
    pdf = path.parent / "exhibits" / "statement.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 700, "Statement of account")
    c.showPage()
    c.drawString(72, 700, f"Payment from checking account {ACCOUNT}; employer ID 12-3456789")
    c.save()
    text = path.read_text().replace("file: exhibits/type86-suspension-notice.pdf", "file: exhibits/statement.pdf")
    path.write_text(text)
    found = [str(f) for f in privacy_findings(load_facts(path))]
    where = "exhibit 'type86_notice' (exhibits/statement.pdf), page 2"
    assert found == [f"{where}: a financial account number; Rule 5.2 allows only the last four digits: write XXXX7890",
                     f"{where}: a taxpayer identification number; Rule 5.2 allows only the last four digits: "
                     "write XX-XXX6789"]


@pytest.mark.parametrize("text", [
    "Court No. 24-00097", "Tel.: (202) 555-0147", "call the bank at 202-555-0147", "Schaumburg, Illinois 60173",
    "Chicago, IL 60601-1234 (bank branch)", "SEKO-000123 through SEKO-000140", "84 Fed. Reg. 40,079 (Aug. 13, 2019)",
    "a compliance rate above 99.999 percent", "6 U.S.C. §§ 961-963", "the account was suspended on May 20, 2024",
    "entries 2024-05-20 and 2024-05-22", "P.O. Box 480", "Slip Op. 24-02",
])
def test_no_false_positives_on_ordinary_legal_text(text):
    assert list(scan_text(text)) == []


def test_every_build_warns_and_strict_fails_it(private_facts, tmp_path):
    from filings.convert.libreoffice import LibreOffice
    from filings.errors import FilingsError
    from filings.pipeline.builder import build

    out = tmp_path / "out"
    result = build(private_facts, out, only="summons", converter=LibreOffice())
    assert [w for w in result.warnings if "Rule 5.2" in w] == [
        f"{private_facts}:{line_of(private_facts, SSN)}: people.landis.description: a Social Security number; "
        "Rule 5.2 allows only the last four digits: write XXX-XX-6789",
        f"{private_facts}:{line_of(private_facts, 'asked: >-', 2)}: requests.1.asked: a financial account number; "
        "Rule 5.2 allows only the last four digits: write XXXX7890"]
    with pytest.raises(FilingsError) as info:
        build(private_facts, out, only="summons", converter=LibreOffice(), strict=True, force=True)
    assert any(str(p).startswith("--strict: ") and "XXX-XX-6789" in str(p) for p in info.value.problems)


def test_a_word_exhibit_is_read(facts_copy):
    from docx import Document

    path = facts_copy()
    doc = Document()
    doc.add_paragraph("Employee record")
    doc.add_paragraph("Date of birth: April 2, 1980. SSN 078-05-1120.")
    doc.save(path.parent / "exhibits" / "record.docx")
    path.write_text(path.read_text().replace("file: exhibits/type86-suspension-notice.pdf",
                                             "file: exhibits/record.docx"))
    found = [str(f) for f in privacy_findings(load_facts(path))]
    where = "exhibit 'type86_notice' (exhibits/record.docx)"
    assert found == [f"{where}: a full birth date; Rule 5.2 allows only the year of a birth date: write 1980",
                     f"{where}: a Social Security number; Rule 5.2 allows only the last four digits: write XXX-XX-1120"]


FORMS = yaml.safe_load((DATA / "privacy" / "forms.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", FORMS, ids=[case["text"] for case in FORMS])
def test_every_form_of_each_identifier_and_no_near_miss(case):
    """Each form in tests/data/privacy/forms.yaml is found as it says (a near miss: not at all)."""
    found = list(scan_text(case["text"]))
    assert [f"{kind}: {redacted}" for kind, redacted, _ in found] == case["finds"]
    assert all(allowed == ("only the year of a birth date" if kind == "a full birth date" else
                           "only the last four digits") for kind, _, allowed in found)


def test_the_corpus_holds_every_kind_of_identifier_and_near_misses():
    kinds = {line.split(":")[0] for case in FORMS for line in case["finds"]}
    assert {"a Social Security number", "a taxpayer identification number", "a payment card number",
            "an importer-of-record number (a taxpayer number)", "a full birth date",
            "a financial account number"} <= kinds
    assert len(FORMS) >= 42 and sum(not case["finds"] for case in FORMS) >= 20


def test_a_card_number_in_the_facts_is_found_with_its_line(facts_copy):
    path = facts_copy(("    title: Global Chief Compliance Officer\n",
                       "    title: Global Chief Compliance Officer\n    description: paid by card 4111-1111-1111-1111\n"))
    found = [str(f) for f in privacy_findings(load_facts(path))]
    assert found == [f"{path}:{line_of(path, '4111-1111')}: people.landis.description: a payment card number; "
                     "Rule 5.2 allows only the last four digits: write XXXX1111"]
