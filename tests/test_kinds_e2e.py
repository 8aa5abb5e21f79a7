"""Each kind of case built end to end, as a practitioner starts one: `filings new m --kind KIND`,
then `filings build m`, on the real LibreOffice; every paper's PDF text is read back. The
matters are the kinds' samples (an AD/CVD appeal of a Korean producer; a denied protest of a
Georgia importer), a variant with two plaintiffs and an intervenor, and, for § 1581(i), the
second matter of the test data: none is the example."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DATA
from filings.cli import app

pytestmark = pytest.mark.e2e

# Sentences that belong to one kind only: none may appear in a paper of another kind.
ONLY = {
    "residual": ["1581(i)", "2631(i)", "2636(i)", "5 U.S.C. § 706", "manifestly inadequate",
                 "The complaint is filed with this summons"],
    "adcvd": ["1581(c)", "1516a", "2631(c)", "1677(9)", "substantial evidence", "2640(b)"],
    "protest": ["§ 1581(a),", "2631(a)", "2636(a)", "2637(a)", "2639(a)(1)", "2640(a)(1)", "19 U.S.C. § 1515"],
}


def cli(*args: str, ok: bool = True):
    result = CliRunner().invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def text_of(pdf: Path) -> str:
    """The PDF's text with lines joined and spaces made plain, as a reader searches it; each page's
    footer (``Court No. ...`` and the page number) left out, so a sentence reads on across pages."""
    raw = "\n".join(re.sub(r"\s*Court No\. \S+\s+\d+\s*$", "", page.extract_text() or "")
                    for page in PdfReader(pdf).pages)
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " "))


def papers(build: Path) -> dict[str, str]:
    return {pdf.stem: text_of(pdf) for pdf in sorted(build.glob("*.pdf")) if not pdf.stem.startswith("packet")}


def no_other_kind(texts: dict[str, str], kind: str) -> None:
    for other, phrases in ONLY.items():
        if other == kind:
            continue
        for name, text in texts.items():
            found = [p for p in phrases if p in text]
            assert not found, f"{name} of a {kind} case says {found}, which belong to a {other} case"


def new_and_built(folder: Path, kind: str) -> Path:
    """`filings new FOLDER --kind KIND`, then `filings build FOLDER`: as a practitioner starts a matter."""
    cli("new", str(folder), "--kind", kind)
    cli("build", str(folder), "-q")
    return folder


@pytest.fixture(scope="module")
def adcvd(tmp_path_factory):
    return new_and_built(tmp_path_factory.mktemp("kinds") / "orebridge", "1581(c)")


@pytest.fixture(scope="module")
def protest(tmp_path_factory):
    return new_and_built(tmp_path_factory.mktemp("kinds") / "tidewater", "protest")


def test_an_ad_cvd_appeal_files_its_summons_alone_then_its_complaint(adcvd):
    build = adcvd / "build"
    assert sorted(p.name for p in build.glob("packet-*.pdf")) == ["packet-brief.pdf", "packet-complaint.pdf",
                                                                  "packet-injunction.pdf", "packet-summons.pdf"]
    summons_packet = text_of(build / "packet-summons.pdf")
    assert "SUMMONS" in summons_packet and "INFORMATION STATEMENT" in summons_packet
    assert "COMPLAINT" not in summons_packet.replace("complaint", "")
    texts = papers(build)
    summons = texts["summons"]
    for fact in ("28 U.S.C. § 1581(c)", "Brass Pipe Fittings From the Republic of Korea: Final Results of Antidumping "
                 "Duty Administrative Review", "90 Fed. Reg. 11,342 (Mar. 4, 2025)", "3. Date of determination "
                 "February 26, 2025", "A-580-917", "19 U.S.C. § 1677(9)(A)", "Date filed: March 28, 2025"):
        assert fact in summons, fact
    assert not any("filed with this summons" in t or "complaint is filed with" in t for t in texts.values())
    complaint = texts["complaint"]
    for paragraph in ("This Court has exclusive jurisdiction over this action under 28 U.S.C. § 1581(c)",
                      "standing to commence this action under 28 U.S.C. § 2631(c) and 19 U.S.C. § 1516a(a)(2)(A)",
                      "commenced this action by filing a summons on March 28, 2025, within thirty days after that "
                      "publication", "28 U.S.C. § 2640(b)", "unsupported by substantial evidence on the record or "
                      "otherwise not in accordance with law. 19 U.S.C. § 1516a(b)(1)(B)(i)", "Dated: April 24, 2025"):
        assert paragraph in complaint, paragraph
    assert "1516a(c)(2)" in texts["injunction-motion"] and "consents" in texts["injunction-motion"]
    assert "1516a(e)" in texts["injunction-order"]
    assert "BUSINESS PROPRIETARY INFORMATION CERTIFICATION" in texts["bpi-certification"]
    assert "NOTICE OF APPEARANCE" in texts["notice-of-appearance"]
    no_other_kind(texts, "adcvd")


def test_an_ad_cvd_appeals_deadlines_and_a_late_complaint(adcvd):
    said = cli("deadlines", str(adcvd)).output
    assert "Complaint: 2025-04-27" in said and "Time bar: 2025-04-03" in said and "filed in time" in said
    facts = adcvd / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (adcvd / "build").glob("*.pdf")}
    facts.write_text(text.replace("complaint_filed: 2025-04-24", "complaint_filed: 2025-05-02"), encoding="utf-8")
    try:
        refused = cli("build", str(adcvd), "-q", ok=False)
        assert refused.exit_code == 1 and "the complaint is late: filed 2025-05-02" in refused.output
        assert "1516a(a)(2)(A)" in refused.output and "2025-04-27" in refused.output
        assert {p.name: p.read_bytes() for p in (adcvd / "build").glob("*.pdf")} == before
        assert cli("check", str(adcvd), ok=False).exit_code == 1
    finally:
        facts.write_text(text, encoding="utf-8")


def test_a_protest_action_lists_its_protests_and_entries_and_waits_for_its_complaint(protest):
    build = protest / "build"
    assert {p.name for p in build.glob("packet-*.pdf")} == {"packet-summons.pdf", "packet-complaint.pdf"}
    texts = papers(build)
    summons = texts["summons"]
    for fact in ("28 U.S.C. § 1581(a)", "Protest No. 1703-25-100482", "Port of entry: Port of Savannah (1703)",
                 "8TG-0412763-5, entered May 14, 2024, liquidated September 27, 2024", "8TG-0413921-0",
                 "Date protest denied: February 10, 2025", "all liquidated duties, charges, and exactions on the "
                 "entries it covers have been paid. 28 U.S.C. § 2637(a)"):
        assert fact in summons, fact
    complaint = texts["complaint"]
    for paragraph in ("exclusive jurisdiction over this action under 28 U.S.C. § 1581(a)",
                      "standing to commence it under 28 U.S.C. § 2631(a)", "within 180 days after February 10, 2025",
                      "28 U.S.C. § 2640(a)(1)", "28 U.S.C. § 2639(a)(1)", "Dated: November 3, 2025"):
        assert paragraph in complaint, paragraph
    no_other_kind(texts, "protest")
    # before the complaint is filed only the summons papers are made
    facts = protest / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("  complaint_filed: 2025-11-03 ", "  complaint_filed:"),
                     encoding="utf-8")
    cli("build", str(protest), "-q")
    assert [p.name for p in build.glob("packet-*.pdf")] == ["packet-summons.pdf"]
    assert not (build / "complaint.pdf").exists()


def test_a_late_protest_action_is_refused_by_check_and_build(tmp_path):
    matter = tmp_path / "late"
    cli("new", str(matter), "--kind", "1581(a)")
    facts = matter / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("filed: 2025-06-16", "filed: 2025-08-11"),
                     encoding="utf-8")
    for command in ("check", "build"):
        result = cli(command, str(matter), ok=False)
        assert result.exit_code == 1 and "28 U.S.C. § 2636(a)" in result.output and "2025-08-09" in result.output
        assert "Traceback" not in result.output
    assert not (matter / "build").exists()


def test_a_residual_action_of_another_matter_keeps_its_own_law(tmp_path):
    matter = tmp_path / "other"
    shutil.copytree(DATA / "other-matter", matter)
    cli("build", str(matter), "-q")
    texts = papers(matter / "build")
    complaint = texts["complaint"]
    for paragraph in ("28 U.S.C. § 1581(i)", "28 U.S.C. § 2631(i)", "28 U.S.C. § 2636(i)", "5 U.S.C. § 706"):
        assert paragraph in complaint, paragraph
    assert "The complaint is filed with this summons" in texts["summons"]
    no_other_kind(texts, "residual")


def test_two_plaintiffs_and_an_intervenor_in_an_ad_cvd_appeal(tmp_path):
    matter = tmp_path / "two"
    cli("new", str(matter), "--kind", "adcvd")
    facts = matter / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("  united_states:\n", "  trading:\n    name: Orebridge Trading Co., Ltd.\n    kind: corporation\n"
                                              "    state: the Republic of Korea\n  united_states:\n", 1)
    text = text.replace("  plaintiffs: [plaintiff]", "  plaintiffs: [plaintiff, trading]")
    text = text.replace("  defendants: [united_states]", "  defendants: [united_states]\n"
                                                         "  defendant_intervenors: [petitioner]")
    facts.write_text(text, encoding="utf-8")
    refused = cli("check", str(matter), ok=False)  # each plaintiff needs its own standing
    assert refused.exit_code == 1 and "the plaintiff 'trading' has no standing here" in refused.output
    text = text.replace("  standing:\n    category:", "  standing:\n    - party: plaintiff\n      category:")
    text = text.replace("\n    statute: 19 U.S.C. § 1677(9)(A)\n    participation: >-\n",
                        "\n      statute: 19 U.S.C. § 1677(9)(A)\n      participation: >-\n")
    text = text.replace("      took part in the administrative review as a mandatory respondent, answered the agency's\n"
                        "      questionnaires and filed a case brief\n",
                        "        took part in the administrative review as a mandatory respondent, answered the agency's\n"
                        "        questionnaires and filed a case brief\n"
                        "    - party: trading\n      category: a U.S. importer of the subject merchandise\n"
                        "      statute: 19 U.S.C. § 1677(9)(A)\n      participation: filed a case brief in the review\n")
    facts.write_text(text, encoding="utf-8")
    cli("build", str(matter), "-q")
    texts = papers(matter / "build")
    assert "Orebridge Brass Fittings Co., Ltd. is a foreign producer and exporter" in texts["summons"]
    assert "Orebridge Trading Co., Ltd. is a U.S. importer of the subject merchandise" in texts["summons"]
    assert "It filed a case brief in the review, and so was a party to the proceeding" in texts["complaint"]
    for name, paper in texts.items():
        assert "GREAT LAKES FITTINGS COALITION, Defendant-Intervenor." in paper, name
        assert "Defendant, and" in paper, name
    assert "Plaintiffs contest the final results" in texts["complaint"]


def test_one_confidential_figure_in_the_brief_splits_the_brief_alone(tmp_path):
    """Confidential by paper, in a Rule 56.2 motion: the brief and its certificate of compliance are
    written twice, every other paper once, the leak scan passes; an untagged equal value in the
    complaint stops the build naming both places and leaves build/ as it was."""
    matter = tmp_path / "bpi"
    cli("new", str(matter), "--kind", "adcvd")
    facts = matter / "facts.yaml"
    text = facts.read_text(encoding="utf-8").replace("2.3 percent", "[Confidential: 2.3 percent]")
    facts.write_text(text, encoding="utf-8")
    result = cli("build", str(matter))
    assert "no confidential value found" in result.output
    build = matter / "build"
    for version in ("confidential", "public"):
        assert sorted(p.name for p in (build / version).glob("*.pdf")) == [
            "certificate-of-compliance-judgment-motion.pdf", "judgment-motion.pdf", "packet-brief.pdf"]
    assert {p.stem for p in build.glob("*.pdf")} >= {"summons", "complaint", "injunction-motion", "judgment-order"}
    assert "The plating services were [2.3 percent] of" in text_of(build / "confidential" / "judgment-motion.pdf")
    public = text_of(build / "public" / "judgment-motion.pdf")
    assert "2.3 percent" not in public and "The plating services were [ ] of" in public.replace("[   ]", "[ ]")
    assert "CONFIDENTIAL" not in text_of(build / "complaint.pdf") and "PUBLIC VERSION" not in text_of(build / "summons.pdf")
    before = {p.relative_to(build).as_posix(): p.read_bytes() for p in build.rglob("*.pdf")}
    facts.write_text(text.replace("a major input to the subject merchandise, and so acted",
                                  "a major input to the subject merchandise (2.3 percent of its cost), and so acted"),
                     encoding="utf-8")
    refused = cli("build", str(matter), ok=False)
    assert refused.exit_code == 1
    assert 'claims[1].allegations[0] prints "2.3 percent", the value of the confidential fact brief.' in refused.output
    assert "tag this one !confidential, or !public" in refused.output
    assert {p.relative_to(build).as_posix(): p.read_bytes() for p in build.rglob("*.pdf")} == before
