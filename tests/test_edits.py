"""The attorney's Word edits survive every rebuild, end to end: the real CLI, the warm
LibreOffice pool, drafts edited as Word saves them (python-docx, runs split, rsids and a
_GoBack bookmark) and as LibreOffice saves them (a round trip through soffice), then facts and
a template changed under them. Checked as the attorney checks: the DOCX text, the PDF's text,
the packet's, the tracked changes and comments of a conflict, the files kept in edits/.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DATA, ROOT
from filings.cli import app

pytestmark = pytest.mark.e2e
NBSP = "\u00a0"
SENTENCE = "Plaintiff has asked the agency for this information four times."
FOOTNOTE = "Counsel confirmed this by telephone."


def cli(*args: str, ok: bool = True):
    result = CliRunner().invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(path).pages).split())


def docx_text(path: Path) -> str:
    return " ".join(" ".join(p.text for p in docx.Document(path).paragraphs).replace(NBSP, " ").split())


def find(document, start: str):
    for p in document.paragraphs:
        if p.text.replace(NBSP, " ").startswith(start):
            return p
    raise AssertionError(f"no paragraph starts {start!r}")


def split_like_word(paragraph) -> None:
    """Rewrite a paragraph's runs as Word leaves them: text split over runs with rsids, a
    proofing mark and the _GoBack bookmark."""
    value = paragraph.text
    for r in list(paragraph.runs):
        r._r.getparent().remove(r._r)
    third = max(1, len(value) // 3)
    for n, piece in enumerate((value[:third], value[third:2 * third], value[2 * third:])):
        run = paragraph.add_run(piece)
        run._r.set(qn("w:rsidR"), f"00A1B2C{n}")
    proof = paragraph._p.makeelement(qn("w:proofErr"), {qn("w:type"): "spellStart"})
    paragraph.runs[1]._r.addprevious(proof)
    mark = paragraph._p.makeelement(qn("w:bookmarkStart"), {qn("w:id"): "0", qn("w:name"): "_GoBack"})
    paragraph._p.append(mark)
    paragraph._p.append(paragraph._p.makeelement(qn("w:bookmarkEnd"), {qn("w:id"): "0"}))


def add_footnote(document, paragraph, note: str) -> None:
    """A footnote as Word writes one: a footnotes part (with its separators) and a reference run."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<w:footnotes xmlns:w="{w}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
           f'</w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
           f'<w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/>'
           f'</w:r><w:r><w:t xml:space="preserve"> {note}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml", xml.encode(),
                document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    run = paragraph.add_run()
    run._r.append(run._r.makeelement(qn("w:footnoteReference"), {qn("w:id"): "1"}))


def edit_like_an_attorney(path: Path) -> None:
    d = docx.Document(path)
    intro = find(d, "This is an action")
    split_like_word(intro)
    intro.add_run(" " + SENTENCE)                                    # a sentence inserted
    asks = find(d, "Plaintiff asks the Court to declare")
    for r in asks.runs:                                              # a paragraph reworded
        r.text = r.text.replace("Plaintiff asks the Court", "Plaintiff respectfully asks the Court")
    gone = find(d, "No other subsection of 28")                       # a paragraph deleted
    gone._p.getparent().remove(gone._p)
    cbp = find(d, "Defendant U.S. Customs and Border Protection is")   # a paragraph moved
    united = find(d, "Defendant United States acts")
    united._p.addprevious(cbp._p)
    court = find(d, "This Court has exclusive jurisdiction")          # a word made bold
    first = court.runs[0]
    head, tail = first.text.split("exclusive", 1)
    first.text = head
    bold = court.add_run("exclusive")
    bold.bold = True
    rest = court.add_run(tail)
    first._r.addnext(bold._r)
    bold._r.addnext(rest._r)
    add_footnote(d, find(d, "Plaintiff has standing"), FOOTNOTE)     # a footnote added
    d.save(path)


def through_libreoffice(path: Path, profile: Path) -> None:
    """Open and save ``path`` in LibreOffice as a Word document (what "Save" in Writer writes)."""
    out = path.parent / "lo-saved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out), str(path)], check=True, capture_output=True,
                   timeout=180)
    shutil.move(str(out / path.name), path)


def change(facts: Path, old: str, new: str) -> None:
    text = facts.read_text(encoding="utf-8")
    assert old in text, old
    facts.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = [SENTENCE, "Plaintiff respectfully asks the Court", FOOTNOTE]


def assert_edits(out: Path) -> None:
    text = docx_text(out / "complaint.docx")
    for words in [SENTENCE, "Plaintiff respectfully asks the Court"]:
        assert words in text
    assert "No other subsection of 28" not in text
    assert text.index("Defendant U.S. Customs and Border Protection is") < text.index("Defendant United States acts")
    with zipfile.ZipFile(out / "complaint.docx") as z:
        assert FOOTNOTE in z.read("word/footnotes.xml").decode()
        body = z.read("word/document.xml").decode()
    d = docx.Document(out / "complaint.docx")
    assert any(r.bold and r.text == "exclusive" for r in find(d, "This Court has").runs)
    assert "w:footnoteReference" in body
    for pdf in (out / "complaint.pdf", out / "packet-complaint.pdf"):
        printed = pdf_text(pdf)
        assert SENTENCE in printed and "respectfully asks the Court" in printed and FOOTNOTE in printed
        assert "No other subsection of 28" not in printed


def append_to_longest(draft: Path, words: str) -> None:
    """Add ``words`` at the end of the draft's longest paragraph, and save it as Word would."""
    d = docx.Document(draft)
    max(d.paragraphs, key=lambda p: len(p.text)).add_run(words)
    d.save(draft)


@pytest.fixture
def confidential_matter(tmp_path):
    """The confidential test matter, built: a confidential and a public version."""
    folder = tmp_path / "confidential-matter"
    shutil.copytree(DATA / "confidential-matter", folder)
    cli("build", str(folder), "-q")
    return folder


@pytest.fixture
def matter(tmp_path):
    folder = tmp_path / "matter"
    folder.mkdir()
    shutil.copy(ROOT / "facts.yaml", folder / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    cli("build", str(folder), "-q")
    return folder


def test_edits_survive_fact_changes_a_template_change_and_ten_rebuilds(matter, tmp_path):
    out, facts = matter / "build", matter / "facts.yaml"
    edit_like_an_attorney(out / "complaint.docx")
    change(facts, "date: 2024-05-17", "date: 2024-05-16")    # an event of a paragraph not edited
    change(facts, "  court_no: 24-00097", "  court_no: 24-00097\n  docketed: 2024-06-03")  # the judge is printed
    change(facts, "judge: Claire R. Kelly", "judge: Jane A. Restani")
    cli("build", str(matter), "-q")
    assert (matter / "edits" / "complaint.docx").is_file() and (matter / "edits" / "complaint.base.docx").is_file()
    assert_edits(out)
    printed = pdf_text(out / "complaint.pdf")
    assert "On May 16, 2024" in printed and "Jane A. Restani" in printed and "May 17, 2024" not in printed

    cli("templates", "copy", "complaint", str(matter))                 # a template change under the edit
    template = docx.Document(matter / "templates" / "complaint.docx")
    heading = find(template, "CLAIMS FOR RELIEF")
    heading.runs[0].text = "CAUSES OF ACTION"
    template.save(matter / "templates" / "complaint.docx")
    cli("build", str(matter), "-q")
    assert_edits(out)
    assert "CAUSES OF ACTION" in docx_text(out / "complaint.docx") and "CLAIMS FOR RELIEF" not in docx_text(
        out / "complaint.docx")

    for n in range(10):                                               # ten rebuilds, each a merge
        change(facts, "judge: Jane A. Restani" if n % 2 == 0 else "judge: Claire R. Kelly",
               "judge: Claire R. Kelly" if n % 2 == 0 else "judge: Jane A. Restani")
        cli("build", str(matter), "-q")
    assert_edits(out)
    assert "Jane A. Restani" in pdf_text(out / "complaint.pdf")
    assert (matter / "edits" / "complaint.docx").is_file() and (matter / "edits" / "complaint.base.docx").is_file()
    assert len(list((matter / ".build.filings").glob("0*"))) <= 3  # old generations pruned: the edit lives on
    listed = cli("edits", str(matter)).output
    assert "complaint:" in listed and "paragraphs edited" in listed and "conflict" not in listed


def test_a_draft_saved_by_libreoffice_merges_too(matter, tmp_path):
    out, facts = matter / "build", matter / "facts.yaml"
    append_to_longest(out / "summons.docx", " Added in LibreOffice.")
    through_libreoffice(out / "summons.docx", tmp_path / "profile")
    change(facts, "court_no: 24-00097", "court_no: 24-00098\n  docketed: 2024-06-03")  # a conformed copy
    cli("build", str(matter), "-q")
    printed = pdf_text(out / "summons.pdf")
    assert "Added in LibreOffice." in printed and "24-00098" in printed and "24-00097" not in printed


def test_a_fact_changed_inside_an_edited_sentence_is_a_conflict_shown_in_the_draft(matter):
    out, facts = matter / "build", matter / "facts.yaml"
    d = docx.Document(out / "complaint.docx")
    p = find(d, "On January 22, 2024")
    value = p.text.replace(f"January{NBSP}22, 2024", "late January 2024")
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    p.runs[0].text = value
    d.save(out / "complaint.docx")
    change(facts, "date: 2024-01-22", "date: 2024-01-23")
    result = cli("build", str(matter), "-q")
    warning = [line for line in result.output.splitlines() if line.startswith("warning: complaint: \u00b6 ")]
    assert warning and "late January" in warning[0] and "January 23" in warning[0].replace(NBSP, " ")
    assert "(the facts (events.1.date))" in warning[0]  # the fact whose value the new words print, alone
    with zipfile.ZipFile(out / "complaint.docx") as z:
        body = z.read("word/document.xml").decode()
        comments = z.read("word/comments.xml").decode()
    assert 'w:author="filings (the facts (events' in body and "<w:del " in body and "<w:ins " in body
    assert "late January" in comments and "January" in comments
    for pdf in (out / "complaint.pdf", out / "packet-complaint.pdf"):  # both readings, as one plain note
        printed = pdf_text(pdf)
        assert re.search(r'CONFLICT: yours "late January" / new facts "January.23,"\] 2024', printed), printed
        assert not re.search(r"\d+\.\[\d+\.\]", printed)       # no "22.[23.]": numbering untouched
    cli("diff", "--facts", str(facts), "--out", str(matter / "review"))  # a draft with comments compares
    assert (matter / "review" / "redline" / "complaint.pdf").is_file()
    strict = cli("build", str(matter), "--strict", ok=False)
    assert strict.exit_code == 1 and "conflict" in strict.output
    assert "1 paragraph edited, 1 conflict open" in cli("edits", str(matter)).output


def test_a_build_never_publishes_a_draft_that_drops_an_edit(matter, monkeypatch):
    import filings.edits.package as package
    out, facts = matter / "build", matter / "facts.yaml"
    d = docx.Document(out / "complaint.docx")
    find(d, "This is an action").add_run(" " + SENTENCE)
    d.save(out / "complaint.docx")
    cli("build", str(matter), "-q")
    before = (out / "complaint.docx").read_bytes()
    real = package.merge_docx

    def dropping(base, edited, new, target, **kw):
        outcome = real(base, edited, new, target, **kw)
        with zipfile.ZipFile(target) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        parts["word/document.xml"] = parts["word/document.xml"].replace(SENTENCE.encode(), b"")
        with zipfile.ZipFile(target, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)
        return outcome

    monkeypatch.setattr(package, "merge_docx", dropping)
    change(facts, "date: 2024-05-17", "date: 2024-05-15")
    result = cli("build", str(matter), "-q", ok=False)
    assert result.exit_code == 1
    assert "complaint" in result.output and "would drop it" in result.output and "Plaintiff has asked the agency" in result.output
    assert (out / "complaint.docx").read_bytes() == before           # the last good outputs stay
    monkeypatch.setattr(package, "merge_docx", real)
    cli("build", str(matter), "-q")
    assert SENTENCE in docx_text(out / "complaint.docx")


def test_drop_returns_a_paper_to_the_generated_text_and_keeps_the_edit(matter):
    out = matter / "build"
    append_to_longest(out / "summons.docx", " Added in LibreOffice.")
    cli("build", str(matter), "-q")
    assert "Added in LibreOffice." in pdf_text(out / "summons.pdf")
    result = cli("edits", "drop", "summons", str(matter))
    assert "dropped-edits" in result.output
    assert not (matter / "edits" / "summons.docx").exists()
    assert list((matter / ".filings" / "dropped-edits").glob("summons-*/summons.docx"))
    cli("build", str(matter), "-q")
    assert "Added in LibreOffice." not in pdf_text(out / "summons.pdf")
    assert "summons" not in cli("edits", str(matter)).output


def test_adopt_folds_an_edit_outside_the_facts_into_the_matters_template(matter):
    folder = matter
    d = docx.Document(folder / "build" / "complaint.docx")
    p = find(d, "On January 22, 2024")                                 # words printed from the facts only
    p.runs[0].text = p.runs[0].text.replace("January", "Jan.")
    d.save(folder / "build" / "complaint.docx")
    assert "saved since the last build" in cli("edits", str(folder)).output
    cli("build", str(folder), "-q")
    result = cli("edits", "adopt", "complaint", str(folder))
    assert "nothing could go into the template" in result.output
    assert not (folder / "templates" / "complaint.docx").exists()      # no copy made for nothing
    cli("edits", "drop", "complaint", str(folder))
    cli("build", str(folder), "-q")
    d = docx.Document(folder / "build" / "complaint.docx")
    find(d, "This is an action").add_run(" " + SENTENCE)
    d.save(folder / "build" / "complaint.docx")
    cli("build", str(folder), "-q")
    result = cli("edits", "adopt", "complaint", str(folder))
    assert "reworded" in result.output and "put away" in result.output
    template = docx_text(folder / "templates" / "complaint.docx")
    assert SENTENCE in template and "{{ case.nature }}" in template
    assert "no paper has an edit" in cli("edits", str(folder)).output
    change(folder / "facts.yaml", "date: 2024-05-17", "date: 2024-05-16")
    cli("build", str(folder), "-q")
    assert SENTENCE in pdf_text(folder / "build" / "complaint.pdf")


def test_diff_attributes_a_change_to_the_edit(matter, tmp_path):
    folder = matter
    append_to_longest(folder / "build" / "motion.docx", " " + SENTENCE)
    cli("build", str(folder), "-q")
    cli("diff", "--facts", str(folder / "facts.yaml"), "--out", str(tmp_path / "diff"))
    summary = (tmp_path / "diff" / "summary.md").read_text(encoding="utf-8")
    row = next(line for line in summary.splitlines() if line.startswith("| motion"))
    assert "an edit in Word" in row


def test_an_edit_of_the_confidential_draft_reaches_the_public_one_without_its_values(confidential_matter):
    folder = confidential_matter
    append_to_longest(folder / "build" / "confidential" / "complaint.docx",
                      " The harm was immediate. It is an importer of flat-rolled steel from Kestrel Mills. The "
                      "contracts at risk are worth $4,750,000.")  # the figure of a tagged sentence, typed on its own
    result = cli("build", str(folder), "-q")
    assert "removed from the public version" in result.output and "as the confidential version shows them" in \
        result.output
    for pdf in (folder / "build" / "public" / "complaint.pdf", folder / "build" / "public" / "packet.pdf"):
        public = pdf_text(pdf)
        assert "The harm was immediate." in public and "worth [ ]." in public  # "[   ]", spaces joined
        assert "flat-rolled" not in public and "4,750,000" not in public
    confidential = pdf_text(folder / "build" / "confidential" / "complaint.pdf")
    assert "[an importer of flat-rolled steel from Kestrel Mills]" in confidential and "[$4,750,000]" in confidential
    pd = docx.Document(folder / "build" / "public" / "complaint.docx")
    find(pd, "Plaintiff").add_run(" Typed in the public draft.")
    pd.save(folder / "build" / "public" / "complaint.docx")
    result = cli("build", str(folder), "-q")
    assert "make the edit in confidential/complaint" in result.output.replace(".docx", "")
    assert (folder / "edits" / "replaced" / "public" / "complaint.docx").is_file()
    assert "Typed in the public draft." not in pdf_text(folder / "build" / "public" / "complaint.pdf")


def test_a_confidential_figure_typed_in_another_form_stops_the_build_naming_the_edit(confidential_matter):
    folder = confidential_matter
    public_before = (folder / "build" / "public" / "complaint.pdf").read_bytes()
    append_to_longest(folder / "build" / "confidential" / "complaint.docx", " The loss would be $4.75 million.")
    result = cli("build", str(folder), "-q", ok=False)
    assert result.exit_code == 1
    assert "leak scan: the confidential value of motion.factors.harm[1]" in result.output
    assert "public/complaint carries your edit of confidential/complaint" in result.output
    assert (folder / "build" / "public" / "complaint.pdf").read_bytes() == public_before  # nothing published
