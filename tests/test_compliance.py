"""Word count and certificate of compliance: each motion or brief is followed by a certificate
stating its words, counted as the court counts them; over the limit is an error. Real LibreOffice."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
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
    path = facts_copy(("    papers: [motion, tro-order, proposed-order, declaration]",
                       "    papers: [motion, reply, tro-order, proposed-order, declaration]"),
                      ("bundle:\n", "papers: [summons, complaint, information-statement, disclosure-statement, motion,\n"
                                    "  {name: reply, template: motion.docx, title: Reply, words: reply},\n"
                                    "  tro-order, proposed-order, declaration, certificate-of-service]\nbundle:\n"))
    matter = load_facts(path)
    plan = plan_papers(matter.facts, build_context(matter))
    motion_filing = [p.name for p in plan.filings[1].papers]
    assert motion_filing == ["motion", "certificate-of-compliance-motion", "reply", "certificate-of-compliance-reply",
                             "tro-order", "proposed-order", "declaration", "certificate-of-service-motion"]


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


# ------------------------------------------------------------------ the count walks the document as Word holds it
# Issue 15: a brief whose words sat in a firm template's content control was certified as 5
# words; endnotes were not counted, and a text box (one shape, two branches of alternate
# content) was counted twice. Each structure below is written as Word writes it.

NAMESPACES = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
              'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')


def words(n: int, tag: str) -> str:
    """``n`` distinct words (``tag1 tag2 ...``), so a word counted twice or lost shows."""
    return " ".join(f"{tag}{i}" for i in range(1, n + 1))


def para(text: str, style: str | None = None, runs: str = "") -> str:
    style_xml = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{style_xml}<w:r><w:t xml:space="preserve">{text}</w:t></w:r>{runs}</w:p>'


def block_sdt(content: str, gallery: str | None = None) -> str:
    """A block-level content control around paragraphs, as a firm template (or Word's own table of
    contents, with its gallery) holds it."""
    part = (f'<w:docPartObj><w:docPartGallery w:val="{gallery}"/><w:docPartUnique/></w:docPartObj>'
            if gallery else '<w:showingPlcHdr/>')
    return (f'<w:sdt><w:sdtPr><w:alias w:val="Argument"/><w:tag w:val="argument"/><w:id w:val="-1795400631"/>'
            f'{part}</w:sdtPr><w:sdtEndPr/><w:sdtContent>{content}</w:sdtContent></w:sdt>')


def run_sdt(text: str) -> str:
    return (f'<w:sdt><w:sdtPr><w:alias w:val="Party"/><w:id w:val="1"/><w:text/></w:sdtPr><w:sdtContent>'
            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:sdtContent></w:sdt>')


def custom_xml(content: str) -> str:
    return (f'<w:customXml w:uri="urn:firm:brief" w:element="argument"><w:customXmlPr>'
            f'<w:attr w:name="kind" w:val="body"/></w:customXmlPr>{content}</w:customXml>')


def text_box(choice: str, fallback: str, requires: str = "wps") -> str:
    """A paragraph anchoring a text box as Word 2010 and later writes it: the shape in mc:Choice
    (wps:txbx) and its VML copy for older readers in mc:Fallback (v:textbox)."""
    def content(text):
        return f'<w:txbxContent>{para(text)}</w:txbxContent>'
    return (f'<w:p><w:r><mc:AlternateContent><mc:Choice Requires="{requires}"><w:drawing>'
            '<wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="5486400" cy="914400"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            '<wp:wrapTopAndBottom/><wp:docPr id="1" name="Text Box 1"/><wp:cNvGraphicFramePr/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5486400" cy="914400"/>'
            '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
            f'<wps:txbx>{content(choice)}</wps:txbx><wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" '
            'tIns="45720" rIns="91440" bIns="45720" anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp>'
            '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            '<v:shape id="Text Box 1" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;'
            'margin-left:0;margin-top:0;width:6in;height:1in;z-index:1" strokeweight=".5pt">'
            f'<v:textbox>{content(fallback)}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
            '</w:r></w:p>')


def note_mark(kind: str, note_id: int) -> str:
    return (f'<w:r><w:rPr><w:rStyle w:val="{kind.capitalize()}Reference"/></w:rPr>'
            f'<w:{kind}Reference w:id="{note_id}"/></w:r>')


def notes_part(kind: str, texts: list[str]) -> bytes:
    """A footnotes or endnotes part as Word writes it: its two separators, then the notes."""
    separators = "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:{t}/></w:r></w:p></w:{kind}>'
                         for i, t in ((-1, "separator"), (0, "continuationSeparator")))
    notes = "".join(f'<w:{kind} w:id="{i}"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}'
                    f'</w:t></w:r></w:p></w:{kind}>' for i, text in enumerate(texts, 1))
    return f'<w:{kind}s {NAMESPACES}>{separators}{notes}</w:{kind}s>'.encode()


def make_docx(path: Path, body: str, footnotes: list[str] = (), endnotes: list[str] = ()) -> Path:
    """A DOCX made by python-docx, its body between the title ('Paper Title') and the signature
    block ('Signature') replaced by the raw WordprocessingML ``body``, with notes parts."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    doc = Document()
    for name in ("Paper Title", "Signature", "toc 1"):
        doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    ids = {name: doc.styles[name].style_id for name in ("Paper Title", "Signature", "toc 1", "TOC Heading")}
    for name, style_id in ids.items():
        body = body.replace(f'w:val="{{{name}}}"', f'w:val="{style_id}"')
    xml = (para("BRIEF IN SUPPORT", ids["Paper Title"]) + body + para("Dated: May 1, 2026")
           + para("/s/ Eleanor J. Marsh", ids["Signature"]))
    sect = doc.element.body[-1]
    for element in parse_xml(f"<w:body {NAMESPACES}>{xml}</w:body>"):
        sect.addprevious(element)
    for kind, texts, content_type, relation in (("footnote", footnotes, CT.WML_FOOTNOTES, RT.FOOTNOTES),
                                                ("endnote", endnotes, CT.WML_ENDNOTES, RT.ENDNOTES)):
        if texts:
            part = Part(PackURI(f"/word/{kind}s.xml"), content_type, notes_part(kind, list(texts)), doc.part.package)
            doc.part.relate_to(part, relation)
    doc.save(path)
    return path


STRUCTURES = {
    # a firm template's content control around the argument, many paragraphs in it
    "block content control": (block_sdt("".join(para(words(10, f"p{i}w")) for i in range(12))), 120),
    # a content control within a paragraph (a party's name from a template's field)
    "run content control": (para(words(4, "a"), runs=run_sdt(" " + words(3, "sdt"))), 7),
    # custom XML around paragraphs and around a run
    "custom XML": (custom_xml(para(words(6, "c")) + custom_xml(para(words(2, "d"))))
                   + "<w:p>" + custom_xml("<w:r><w:t>r1</w:t></w:r>") + "</w:p>", 9),
    # a text box: the same text in mc:Choice and in mc:Fallback, counted once
    "text box": (para(words(5, "b")) + text_box(words(8, "box"), words(8, "box")), 13),
    # content controls within content controls, a table and custom XML
    "nested": (block_sdt(f'<w:tbl><w:tr><w:tc>{custom_xml(block_sdt(para(words(4, "n"))))}</w:tc></w:tr></w:tbl>'
                         + block_sdt(para(words(3, "m")))), 7),
}


@pytest.mark.parametrize("structure", STRUCTURES)
def test_the_count_walks_each_structure_word_holds(structure, tmp_path):
    body, expected = STRUCTURES[structure]
    assert count_words(make_docx(tmp_path / "brief.docx", body)).words == expected


def test_footnotes_and_endnotes_referenced_from_the_body_count(tmp_path):
    body = (para(words(5, "x"), runs=note_mark("footnote", 1) + note_mark("endnote", 1))
            + block_sdt(para(words(2, "y"), runs=note_mark("endnote", 2))))
    docx = make_docx(tmp_path / "brief.docx", body, footnotes=[words(6, "fn")],
                     endnotes=[words(7, "en"), words(4, "en2x")])
    assert count_words(docx).words == 5 + 2 + 6 + 7 + 4


def test_notes_marked_outside_the_counted_text_are_not_counted(tmp_path):
    """A note whose mark is outside the counted text (here on the signature) is not the paper's, nor
    is a note nothing marks (a template's condition dropped its paragraph; Word drops the note)."""
    body = para(words(3, "x")) + para("/s/ Signer", "{Signature}", runs=note_mark("footnote", 1))
    docx = make_docx(tmp_path / "brief.docx", body, footnotes=[words(6, "fn")], endnotes=[words(7, "en")])
    assert count_words(docx).words == 3


def test_exclusions_hold_inside_content_controls(tmp_path):
    """Word's table of contents sits in a content control of its own: its heading and entries are
    still left out, and a signature block inside a content control still ends the count."""
    toc = block_sdt(para("Table of Contents", "{TOC Heading}") + para("Argument 1", "{toc 1}")
                    + para("Conclusion 2", "{toc 1}"), gallery="Table of Contents")
    signature = block_sdt(para("Dated: May 1, 2026") + para("/s/ Signer", "{Signature}") + para(words(50, "after")))
    docx = make_docx(tmp_path / "brief.docx", toc + block_sdt(para(words(9, "body"))) + signature)
    assert count_words(docx).words == 9


def test_only_the_branch_libreoffice_shows_counts(tmp_path):
    """A Choice LibreOffice does not read is passed over for the Fallback it prints."""
    for requires in ("wpc", "wps wpc"):  # LibreOffice prints the Fallback of both (seen with pdftotext)
        body = text_box(words(3, "choice"), words(20, "fallback"), requires=requires)
        assert count_words(make_docx(tmp_path / "brief.docx", body)).words == 20
    body = text_box(words(3, "choice"), words(20, "fallback"))
    assert count_words(make_docx(tmp_path / "other.docx", body)).words == 3


def test_the_count_is_the_pdf_s_words_for_each_structure(tmp_path):
    """LibreOffice's PDF of a document of every structure above holds, as pdftotext reads it, the
    counted words plus the title's and the signature block's (the default template has no headers)."""
    docx = make_docx(tmp_path / "brief.docx", "".join(body for body, _ in STRUCTURES.values()))
    counted = count_words(docx).words
    assert counted == sum(expected for _, expected in STRUCTURES.values())
    pdf_file, = LibreOffice().convert([docx], tmp_path / "pdf")
    printed = pdftotext(pdf_file).split()
    outside = len("BRIEF IN SUPPORT Dated: May 1, 2026 /s/ Eleanor J. Marsh".split())
    assert len(printed) - outside == counted, sorted(set(printed))


def test_a_motion_whose_words_sit_in_a_content_control_over_the_limit_is_not_certified(facts_copy, tmp_path):
    """A matter's motion template with its body in a content control (as a firm template holds it),
    some 20,000 words in all: the build fails over the limit, with no certificate of 'complies'
    (before, the count saw none of them and certified a handful)."""
    from lxml import etree

    from filings.errors import FilingsError

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    source = zipfile.ZipFile(ROOT / "templates" / "motion.docx")
    root = etree.fromstring(source.read("word/document.xml"))
    body = root.find(f"{w}body")
    titles = [p for p in body if p.tag == f"{w}p" and p.find(f"{w}pPr/{w}pStyle") is not None
              and p.find(f"{w}pPr/{w}pStyle").get(f"{w}val") == "PaperTitle"]
    argument = list(body)[list(body).index(titles[-1]) + 1:-3]  # to the signature table, sectPr
    assert argument[-1].tag == f"{w}p" and list(body)[-3].tag == f"{w}tbl"
    sdt = etree.fromstring(block_sdt(para(words(18500, "filler"))).replace("<w:sdt>", f"<w:sdt {NAMESPACES}>"))
    content = sdt.find(f"{w}sdtContent")
    argument[0].addprevious(sdt)
    for element in argument:
        content.append(element)
    (tmp_path / "templates").mkdir()
    target = tmp_path / "templates" / "motion.docx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if item.filename == "word/document.xml" else source.read(item)
            out.writestr(item, data)
    facts = facts_copy()
    with pytest.raises(FilingsError, match=r"motion: [\d,]+ words, over the limit of 14,000 words") as failed:
        build(facts, tmp_path / "build", converter=LibreOffice())
    counted = int(re.search(r"motion: ([\d,]+) words", str(failed.value)).group(1).replace(",", ""))
    assert counted > 18500 + 1000  # the filler and the motion's own argument, all inside the control
    assert not (tmp_path / "build" / "certificate-of-compliance-motion.pdf").exists()
