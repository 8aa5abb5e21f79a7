"""Word count and certificate of compliance: each motion or brief is followed by a certificate
stating its words, counted as the court counts them; over the limit is an error. Real LibreOffice."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from docx import Document

from conftest import ROOT
from filings.pipeline import pdf
from filings.papers.context import build_context
from filings.convert.libreoffice import LibreOffice
from filings.facts.load import load_facts
from filings.facts.plan import plan_papers
from filings.pipeline.builder import build
from filings.papers.wordcount import count_words


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def independent_count(motion_pdf: Path) -> int:
    """The motion's words read from its PDF, another way than the build's: the text between the
    title and the 'Dated:' line, without the page footers (court number, page number)."""
    text = pdftotext(motion_pdf)
    title = re.search(r"MOTION FOR A TEMPORARY RESTRAINING ORDER[^\n]*\n(?:[A-Z ,’']+\n)*", text)
    body = text[title.end():text.index("Dated:")]
    lines = [line for line in body.splitlines() if not re.fullmatch(r"\s*(\d+|Court No\. \S+)\s*", line)]
    return len(" ".join(lines).split())


def stated_count(certificate_pdf: Path) -> int:
    text = " ".join(pdftotext(certificate_pdf).split())
    return int(re.search(r"contains ([\d,]+) words", text).group(1).replace(",", ""))


def test_the_certificate_states_the_motion_count(example_build):
    out, result, _ = example_build
    stated = stated_count(out / "certificate-of-compliance-motion.pdf")
    independent = independent_count(out / "motion.pdf")
    assert stated > 1000
    assert abs(stated - independent) <= independent * 0.01, (stated, independent)
    assert stated == count_words(out / "motion.docx").words
    text = " ".join(pdftotext(out / "certificate-of-compliance-motion.pdf").split())
    assert "CERTIFICATE OF COMPLIANCE" in text and "/s/ Eleanor J. Marsh" in text
    assert "Plaintiff’s Motion for a Temporary Restraining Order and Preliminary Injunction contains" in text
    assert "complies with the limit of 14,000 words" in text


def test_the_certificate_follows_the_motion_in_its_packet(example_build):
    out, _, _ = example_build
    titles = [title for title, _ in pdf.outline_titles(out / "packet-motion.pdf")]
    assert titles[:2] == ["Motion for a Temporary Restraining Order and Preliminary Injunction",
                          "Certificate of Compliance"]
    assert "Certificate of Compliance" not in [t for t, _ in pdf.outline_titles(out / "packet-complaint.pdf")]


def test_the_count_leaves_out_caption_title_signature_and_dated_line(example_build):
    out, _, _ = example_build
    doc = Document(out / "motion.docx")
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    start = next(i for i, (s, _) in enumerate(styles) if s == "Paper Title") + 1
    # the date line and the signature block sit in their own table after the body (doc.paragraphs
    # lists the body's own paragraphs, so none of the block's)
    assert not any(t.startswith("Dated:") or s == "Signature" for s, t in styles[start:])
    by_paragraphs = sum(len(t.split()) for _, t in styles[start:])
    assert count_words(out / "motion.docx").words == by_paragraphs


def test_over_the_word_limit_is_an_error(facts_copy):
    path = facts_copy(("bundle:\n", "settings:\n  rules:\n    word_limits: {motion: {words: 1000}}\nbundle:\n"))
    proc = subprocess.run([sys.executable, "-m", "filings", "check", "--facts", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    line = proc.stderr.strip()
    assert re.fullmatch(r"motion: 1,\d{3} words, over the limit of 1,000 words for a motion \(Standard Chambers "
                        r"Procedures \(principal brief; a motion holds its argument since 2023\), unverified\); "
                        r"shorten it, or change settings\.rules\.word_limits\.motion if the Court allowed more",
                        line), line


def test_a_matter_brief_gets_its_certificate_after_it(facts_copy):
    path = facts_copy(("    papers: [motion, proposed-order, declaration]",
                       "    papers: [motion, reply, proposed-order, declaration]"),
                      ("bundle:\n", "papers: [summons, complaint, information-statement, disclosure-statement, motion,\n"
                                    "  {name: reply, template: motion.docx, title: Reply, words: reply},\n"
                                    "  proposed-order, declaration, certificate-of-service]\nbundle:\n"))
    matter = load_facts(path)
    plan = plan_papers(matter.facts, build_context(matter))
    motion_filing = [p.name for p in plan.filings[1].papers]
    assert motion_filing == ["motion", "certificate-of-compliance-motion", "reply", "certificate-of-compliance-reply",
                             "proposed-order", "declaration", "certificate-of-service-motion"]


def test_the_certificate_is_made_again_with_the_motion(facts_copy, tmp_path):
    path = facts_copy()
    out = tmp_path / "build"
    build(path, out, converter=LibreOffice())
    before = stated_count(out / "certificate-of-compliance-motion.pdf")
    text = path.read_text().replace("    outcome: Counsel for Defendants stated that Defendants oppose the motion.",
                                    "    outcome: Counsel for Defendants stated that Defendants oppose the motion "
                                    "in every respect and will file a response.")
    path.write_text(text)
    result = build(path, out, converter=LibreOffice())
    remade = {b.paper.name for b in result.papers if not b.carried}
    assert remade == {"motion", "certificate-of-compliance-motion"}
    after = stated_count(out / "certificate-of-compliance-motion.pdf")
    assert after == before + 8 == count_words(out / "motion.docx").words
    result = build(path, out, converter=LibreOffice(), only="certificate-of-compliance-motion")
    assert {b.paper.name for b in result.papers if not b.carried} == {"motion", "certificate-of-compliance-motion"}


def test_a_changed_word_limit_is_checked_again_by_an_incremental_build(facts_copy, tmp_path):
    """The word limit lives in the rules: lowering it below the motion's count after a build
    fails the next build (not only a forced one), and raising it reprints the certificate."""
    import pytest

    from filings.errors import FilingsError
    from filings.pipeline.builder import build

    facts = facts_copy()
    out = tmp_path / "build"
    build(facts, out, converter=LibreOffice())
    text = facts.read_text()
    assert "\nsettings:" not in text

    def limit(words: int) -> None:
        facts.write_text(text + f"\nsettings:\n  rules:\n    word_limits: {{motion: {{words: {words}}}}}\n")

    limit(100)
    with pytest.raises(FilingsError, match="over the limit of 100 words"):
        build(facts, out, converter=LibreOffice())
    limit(20000)
    result = build(facts, out, converter=LibreOffice())
    assert "certificate-of-compliance-motion" in {b.paper.name for b in result.papers if not b.carried}
    assert "20,000" in " ".join(pdf.extract_text(out / "certificate-of-compliance-motion.pdf").split())
