"""The three-way merge of Word documents (filings/edits): the draft as built (base), the
attorney's copy as Word saves it (edited) and the draft built from new facts (new)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from filings.edits.adopt import adopt
from filings.edits.merge import merge_words
from filings.edits.check import attorney_view, lost_edits
from filings.edits.package import DOCUMENT, Package, merge_docx
from filings.edits.wordxml import DEL, INS, OBJECT, P, RUN, T, W, run_text, text, w

AUTHOR = "filings (the facts (case.filed))"
DATE = "2024-06-03T00:00:00Z"
CAUSE = "the facts (case.filed)"
NS = {"w": W}
FOOTNOTE = "The number appears on the agency's acknowledgment letter."
ADDED_SENTENCE = " The letter denied the request."

TITLE = "COMPLAINT FOR DECLARATORY AND INJUNCTIVE RELIEF"
P1 = "1. Plaintiff Jane Doe brings this action under the Freedom of Information Act."
P2 = "2. On May 20, 2024, the agency wrote to Plaintiff."
P3 = "3. Plaintiff submitted a request to the Department of Labor on March 3, 2024."
P4 = "4. The agency assigned the request tracking number 2024-FOIA-0117."
P5 = "5. Defendant has not produced any records responsive to the request."
P6 = "6. Plaintiff exhausted all administrative remedies before filing suit."
P7 = "7. Venue is proper in this district because Plaintiff resides here."
P8 = "WHEREFORE, Plaintiff asks the Court to order the agency to produce the records."
BASE = [TITLE, P1, P2, P3, P4, P5, P6, P7, P8]

# The new facts: a name (paragraph 1), a date (paragraph 2), a paragraph added after 5.
N1 = P1.replace("Jane Doe", "Janet Doe")
N2 = P2.replace("May 20, 2024", "June 3, 2024")
N5A = "5a. The agency's time to respond to the request expired on July 1, 2024."
NEW = [TITLE, N1, N2, P3, P4, P5, N5A, P6, P7, P8]

# The attorney's edits that touch nothing the facts change.
REWORDED5 = "5. Defendant has not produced a single record responsive to the request."


# --------------------------------------------------------------------------- helpers

def build(path: Path, items: list, *, header: str | None = None) -> Path:
    """A document of paragraphs (str), runs ((text, bold) tuples) and tables (lists of rows)."""
    document = docx.Document()
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
        elif isinstance(item, tuple):
            p = document.add_paragraph()
            for value, bold in item:
                p.add_run(value).bold = True if bold else None
        else:
            table = document.add_table(rows=len(item), cols=len(item[0]))
            for r, row in enumerate(item):
                for c, value in enumerate(row):
                    table.cell(r, c).paragraphs[0].text = value
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    document.save(path)
    return path


def rewrite(path: Path, change) -> Path:
    """Edit the parts of a package in place: ``change(parts)`` on a dict of name → bytes."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def xml_part(parts: dict, name: str, edit) -> None:
    root = etree.fromstring(parts[name])
    edit(root)
    parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def word_saves(root: etree._Element, go_back: str | None = None) -> None:
    """Split every run as Word does when it saves: runs of two words with revision ids and a
    language, proofing marks between runs, and the _GoBack bookmark in the paragraph that
    starts with ``go_back``."""
    count = 0
    for p in list(root.iter(P)):
        count += 1
        p.set(w("rsidR"), f"00A{count:05d}")
        p.set(w("rsidRDefault"), "00A00001")
        for r in [r for r in p if r.tag == RUN]:
            t = r.find(T)
            if t is None or not t.text:
                continue
            pieces = re.findall(r"\S+\s*|\s+", t.text)
            chunks = ["".join(pieces[k:k + 2]) for k in range(0, len(pieces), 2)]
            for n, chunk in enumerate(chunks):
                made = etree.Element(RUN, {w("rsidR"): f"00B{count:03d}{n:02d}"})
                props = r.find(w("rPr"))
                props = etree.fromstring(etree.tostring(props)) if props is not None else etree.Element(w("rPr"))
                etree.SubElement(props, w("lang"), {w("val"): "en-US"})
                made.append(props)
                piece = etree.SubElement(made, T)
                piece.text = chunk
                piece.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                r.addprevious(made)
                if n == 1:
                    made.addprevious(etree.Element(w("proofErr"), {w("type"): "spellStart"}))
                    made.addnext(etree.Element(w("proofErr"), {w("type"): "spellEnd"}))
            r.getparent().remove(r)
        if go_back and text(p).startswith(go_back):
            last = [r for r in p if r.tag == RUN][-1]
            last.addnext(etree.Element(w("bookmarkEnd"), {w("id"): "0"}))
            last.addnext(etree.Element(w("bookmarkStart"), {w("id"): "0", w("name"): "_GoBack"}))


def as_word_saves(path: Path, go_back: str | None = None, *, headers: bool = False) -> Path:
    def change(parts):
        xml_part(parts, DOCUMENT, lambda root: word_saves(root, go_back))
        for name in parts:
            if headers and re.fullmatch(r"word/header\d*\.xml", name):
                xml_part(parts, name, word_saves)
    return rewrite(path, change)


def add_footnote(path: Path, starts: str, note: str) -> Path:
    """Add a footnotes part (as Word does at the first footnote) and a footnote at the end of
    the paragraph starting with ``starts``."""
    def change(parts):
        parts["word/footnotes.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
            '</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
            '</w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> ' + note + '</w:t></w:r></w:p>'
            '</w:footnote></w:footnotes>').encode()
        xml_part(parts, "word/_rels/document.xml.rels", lambda rels: etree.SubElement(
            rels, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
            Id="rId900", Target="footnotes.xml",
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"))
        xml_part(parts, "[Content_Types].xml", lambda types: etree.SubElement(
            types, "{http://schemas.openxmlformats.org/package/2006/content-types}Override",
            PartName="/word/footnotes.xml",
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"))

        def reference(root):
            p = paragraph(root, starts)
            r = etree.SubElement(p, RUN, {w("rsidR"): "00C00001"})
            etree.SubElement(etree.SubElement(r, w("rPr")), w("vertAlign"), {w("val"): "superscript"})
            etree.SubElement(r, w("footnoteReference"), {w("id"): "1"})
        xml_part(parts, DOCUMENT, reference)
    return rewrite(path, change)


def paragraph(root: etree._Element, starts: str) -> etree._Element:
    """The one paragraph of ``root`` (with tracked changes accepted) starting with ``starts``,
    or (failing that) the one whose attorney's reading starts so."""
    found = [p for p in root.iter(P) if text(p).startswith(starts)]
    if not found:
        found = [p for p in root.iter(P) if (attorney_view(alone(p)) or [""])[0].startswith(starts)]
    assert len(found) == 1, f"{len(found)} paragraphs start with {starts!r}"
    return found[0]


def alone(p: etree._Element) -> etree._Element:
    """A copy of paragraph ``p`` in a body of its own."""
    holder = etree.Element(w("body"))
    holder.append(etree.fromstring(etree.tostring(p)))
    return holder


def body(path: Path) -> etree._Element:
    return Package(path).xml(DOCUMENT)


def view(path: Path) -> list[str]:
    """The attorney's reading of a document, without empty paragraphs."""
    return [t for t in attorney_view(body(path)) if t.strip()]


def accepted(path: Path) -> list[str]:
    """The document with every tracked change accepted, without empty paragraphs."""
    root = body(path)
    return [text(p) for p in root.iter(P) if text(p).strip() and not p.xpath("ancestor::w:del", namespaces=NS)]


def merge(base: Path, edited: Path, new: Path, target: Path):
    return merge_docx(base, edited, new, target, author=AUTHOR, date=DATE, cause=CAUSE)


def edit_paragraphs(path: Path, change) -> Path:
    """Open ``path`` with python-docx, let ``change(document)`` edit it, save it."""
    document = docx.Document(path)
    change(document)
    document.save(path)
    return path


def find(document, starts: str):
    hits = [p for p in document.paragraphs if p.text.startswith(starts)]
    assert len(hits) == 1, starts
    return hits[0]


def set_runs(p, *runs: tuple[str, bool]) -> None:
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    for value, bold in runs:
        p.add_run(value).bold = True if bold else None


def apply(edited: str, changes) -> str:
    for start, end, value, _ in changes:  # last first
        edited = edited[:start] + value + edited[end:]
    return edited


# --------------------------------------------------------------------------- fixtures

@pytest.fixture
def base(tmp_path):
    return build(tmp_path / "base.docx", BASE)


@pytest.fixture
def new(tmp_path):
    return build(tmp_path / "new.docx", NEW)


@pytest.fixture
def edited(tmp_path, base):
    """The attorney's copy: a sentence added to 2, "Freedom of Information Act" bold in 1, 5
    reworded, 6 moved after 3, 7 deleted, a footnote on 4; then saved by Word."""
    path = tmp_path / "edited.docx"
    path.write_bytes(base.read_bytes())

    def change(document):
        set_runs(find(document, "1."), ("1. Plaintiff Jane Doe brings this action under the ", False),
                 ("Freedom of Information Act", True), (".", False))
        find(document, "2.").add_run(ADDED_SENTENCE)
        set_runs(find(document, "5."), (REWORDED5, False))
        moved = find(document, "6.")._p
        find(document, "3.")._p.addnext(moved)
        gone = find(document, "7.")._p
        gone.getparent().remove(gone)
    edit_paragraphs(path, change)
    as_word_saves(path, go_back="2.")
    return add_footnote(path, "4.", FOOTNOTE)


@pytest.fixture
def merged(tmp_path, base, edited, new):
    target = tmp_path / "merged.docx"
    outcome = merge(base, edited, new, target)
    return target, outcome


@pytest.fixture
def conflicting(tmp_path, base, new):
    """The attorney rewrote the very date the facts change: "May 20, 2024" → "mid-May 2024"."""
    path = tmp_path / "conflict.docx"
    path.write_bytes(base.read_bytes())
    edit_paragraphs(path, lambda d: set_runs(find(d, "2."), (P2.replace("May 20, 2024", "mid-May 2024"), False)))
    as_word_saves(path)
    target = tmp_path / "merged.docx"
    return target, merge(base, path, new, target)


# --------------------------------------------------------------------------- 1. edits apart

EXPECTED = [TITLE, N1, N2 + ADDED_SENTENCE, P3, P6, P4 + OBJECT, REWORDED5, N5A, P8]


def test_edited_fixture_is_split_as_word_saves_it(edited):
    """The fixture is what the merge must cope with: one paragraph's text over many runs,
    revision ids, proofing marks and the _GoBack bookmark."""
    root = body(edited)
    p2 = paragraph(root, "2.")
    assert len(p2.findall(RUN)) >= 5
    assert p2.find(w("bookmarkStart")).get(w("name")) == "_GoBack"
    assert root.findall(".//w:proofErr", NS) and root.findall(".//w:r[@w:rsidR]", NS)
    assert view(edited) == [TITLE, P1, P2 + ADDED_SENTENCE, P3, P6, P4 + OBJECT, REWORDED5, P8]


def test_edits_apart_all_land(merged, base, edited):
    target, outcome = merged
    assert outcome.conflicts == []
    assert sorted(view(target)) == sorted(EXPECTED)
    # The attorney's order (6 moved after 3, 7 gone) with the facts' paragraph somewhere
    # after 4 (where exactly: test_added_paragraph_follows_its_predecessor).
    assert [t for t in view(target) if t != N5A] == [t for t in EXPECTED if t != N5A]
    assert view(target).index(N5A) > view(target).index(P4 + OBJECT)
    assert accepted(target) == view(target)  # nothing left as a tracked change
    root = body(target)
    assert not root.findall(".//w:ins", NS) and not root.findall(".//w:del", NS)
    assert not any(P7 in t for t in view(target))
    assert lost_edits(base, edited, target) == []


def test_unrelated_paragraph_not_taken_for_reworded_one(tmp_path):
    x = "5. Venue is proper in this district because Plaintiff resides here."
    y = "6. Defendant has not produced any records responsive to the request."
    mine = y.replace("any records", "a single record")
    theirs = y.replace("the request.", "the request of March 3, 2024.")
    base = build(tmp_path / "base.docx", [TITLE, P1, x, y, P8])
    new = build(tmp_path / "new.docx", [TITLE, P1, x, theirs, P8])
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())

    def change(document):
        document.element.body.remove(find(document, "5.")._p)
        set_runs(find(document, "6."), (mine, False))
    edit_paragraphs(edited, change)
    as_word_saves(edited)
    target = tmp_path / "merged.docx"
    outcome = merge(base, edited, new, target)
    both = "6. Defendant has not produced a single record responsive to the request of March 3, 2024."
    assert outcome.conflicts == []
    assert view(target) == accepted(target) == [TITLE, P1, both, P8]


def test_added_paragraph_follows_its_predecessor(merged):
    target, _ = merged
    assert view(target) == EXPECTED


def test_bold_word_stays_bold(merged):
    target, _ = merged
    p1 = paragraph(body(target), "1.")
    assert text(p1) == N1
    bold = "".join(run_text(r) for r in p1.iter(RUN) if r.find("w:rPr/w:b", NS) is not None)
    plain = "".join(run_text(r) for r in p1.iter(RUN) if r.find("w:rPr/w:b", NS) is None)
    assert bold == "Freedom of Information Act"
    assert "Janet Doe" in plain


def test_footnote_carried(merged):
    target, _ = merged
    pkg = Package(target)
    p4 = paragraph(pkg.xml(DOCUMENT), "4.")
    refs = p4.findall(".//w:footnoteReference", NS)
    assert len(refs) == 1
    assert "word/footnotes.xml" in pkg.parts
    notes = pkg.xml("word/footnotes.xml")
    note = notes.find(f"w:footnote[@w:id='{refs[0].get(w('id'))}']", NS)
    assert note is not None
    assert "".join(note.itertext()).strip() == FOOTNOTE
    rels = pkg.xml("word/_rels/document.xml.rels")
    assert any(r.get("Type", "").endswith("/footnotes") for r in rels)


def test_merged_opens_in_python_docx(merged):
    target, _ = merged
    texts = [p.text for p in docx.Document(target).paragraphs if p.text.strip()]
    assert texts[:5] == [TITLE, N1, N2 + ADDED_SENTENCE, P3, P6]


# --------------------------------------------------------------------------- 2. a conflict

def test_conflict_same_words(conflicting):
    target, outcome = conflicting
    assert len(outcome.conflicts) == 1
    conflict = outcome.conflicts[0]
    assert "mid-May" in conflict.yours and "June 3" in conflict.generated
    assert "May 20" not in conflict.yours
    assert "mid-May" in conflict.describe() and "June 3" in conflict.describe()

    pkg = Package(target)
    root = pkg.xml(DOCUMENT)
    p2 = paragraph(root, "2.")
    deletions, insertions = p2.findall(".//w:del", NS), p2.findall(".//w:ins", NS)
    assert len(deletions) == 1 and len(insertions) == 1
    assert {deletions[0].get(w("author")), insertions[0].get(w("author"))} == {AUTHOR}
    assert deletions[0].get(w("date")) == DATE
    removed = "".join(t.text for t in deletions[0].iter(w("delText")))
    inserted = "".join(t.text for t in insertions[0].iter(T))
    assert "mid-May" in removed and not deletions[0].findall(".//w:t", NS)
    assert "June 3" in inserted

    # Accept: the facts' reading; reject: the attorney's.
    assert text(p2) == N2
    assert view(target)[2] == P2.replace("May 20, 2024", "mid-May 2024")
    assert accepted(target) == NEW


def test_conflict_comment(conflicting):
    target, _ = conflicting
    pkg = Package(target)
    assert "word/comments.xml" in pkg.parts
    comments = pkg.xml("word/comments.xml").findall("w:comment", NS)
    assert len(comments) == 1
    words = "".join(comments[0].itertext())
    assert "mid-May" in words and "June 3" in words
    cid = comments[0].get(w("id"))
    p2 = paragraph(pkg.xml(DOCUMENT), "2.")
    start = p2.find(f"w:commentRangeStart[@w:id='{cid}']", NS)
    end = p2.find(f"w:commentRangeEnd[@w:id='{cid}']", NS)
    assert start is not None and end is not None
    children = list(p2)
    assert children.index(start) < children.index(p2.find("w:del", NS)) < children.index(end)
    assert children.index(p2.find("w:ins", NS)) < children.index(end)
    assert p2.find(f"w:r/w:commentReference[@w:id='{cid}']", NS) is not None
    rels = pkg.xml("word/_rels/document.xml.rels")
    assert any(r.get("Type", "").endswith("/comments") and r.get("Target") == "comments.xml" for r in rels)
    types = pkg.xml("[Content_Types].xml")
    assert any(o.get("PartName") == "/word/comments.xml" for o in types)


def test_conflict_is_not_a_lost_edit(tmp_path, base, new, conflicting):
    target, _ = conflicting
    edited = tmp_path / "conflict.docx"
    assert lost_edits(base, edited, target) == []


# --------------------------------------------------------------------------- 3. removed vs changed

def test_removed_against_changed(tmp_path, base):
    # Facts: paragraph 3 gone, paragraph 4's number changed. Attorney: 3 edited, 4 removed.
    new = build(tmp_path / "new.docx", [TITLE, P1, P2, P4.replace("0117", "0999"), P5, P6, P7, P8])
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())
    p3_mine = P3.replace("a request", "a written request")

    def change(document):
        set_runs(find(document, "3."), (p3_mine, False))
        gone = find(document, "4.")._p
        gone.getparent().remove(gone)
    edit_paragraphs(edited, change)
    as_word_saves(edited)
    target = tmp_path / "merged.docx"
    outcome = merge(base, edited, new, target)

    assert len(outcome.conflicts) == 2
    by_yours = {c.yours: c for c in outcome.conflicts}
    assert by_yours[p3_mine].generated == ""                       # the facts removed it
    assert by_yours[""].generated == P4.replace("0117", "0999")    # the attorney removed it

    root = body(target)
    p3 = paragraph(root, "3.")
    assert text(p3) == ""  # accepted: deleted
    assert p3.find("w:pPr/w:rPr/w:del", NS).get(w("author")) == AUTHOR
    assert "".join(t.text for t in p3.iter(w("delText"))) == p3_mine
    assert not [r for r in p3.iter(RUN) if r.find(T) is not None and r.getparent().tag != DEL]

    p4 = paragraph(root, "4.")
    assert text(p4) == P4.replace("0117", "0999")
    assert p4.find("w:pPr/w:rPr/w:ins", NS).get(w("author")) == AUTHOR
    assert all(r.getparent().tag == INS for r in p4.iter(RUN) if r.find(T) is not None)

    assert view(target) == [TITLE, P1, P2, p3_mine, P5, P6, P7, P8]
    assert accepted(target) == [TITLE, P1, P2, P4.replace("0117", "0999"), P5, P6, P7, P8]
    assert lost_edits(base, edited, target) == []


# --------------------------------------------------------------------------- 4. tables

def test_table_cells_merge(tmp_path):
    rows = [["Date filed", "March 3, 2024"], ["Tracking number", "2024-FOIA-0117"]]
    base = build(tmp_path / "base.docx", [TITLE, P1, rows, P8])
    new = build(tmp_path / "new.docx", [TITLE, P1, [rows[0], ["Tracking number", "2024-FOIA-0999"]], P8])
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())
    edit_paragraphs(edited, lambda d: setattr(d.tables[0].cell(0, 0).paragraphs[0], "text",
                                              "Date the request was filed"))
    as_word_saves(edited)
    target = tmp_path / "merged.docx"
    outcome = merge(base, edited, new, target)
    assert outcome.conflicts == []
    table = docx.Document(target).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Date the request was filed", "March 3, 2024"], ["Tracking number", "2024-FOIA-0999"]]
    assert not body(target).findall(".//w:ins", NS)
    assert lost_edits(base, edited, target) == []


# --------------------------------------------------------------------------- 5. headers

def test_header_follows_facts(tmp_path):
    base = build(tmp_path / "base.docx", BASE, header="Doe v. Department of Labor, No. 1:24-cv-00117")
    new = build(tmp_path / "new.docx", BASE, header="Doe v. Department of Labor, No. 1:24-cv-00999")
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())
    edit_paragraphs(edited, lambda d: find(d, "2.").add_run(ADDED_SENTENCE))
    as_word_saves(edited, headers=True)
    target = tmp_path / "merged.docx"
    outcome = merge(base, edited, new, target)
    assert outcome.conflicts == []
    merged = docx.Document(target)
    assert merged.sections[0].header.paragraphs[0].text == "Doe v. Department of Labor, No. 1:24-cv-00999"
    assert view(target) == [TITLE, P1, P2 + ADDED_SENTENCE, P3, P4, P5, P6, P7, P8]


# --------------------------------------------------------------------------- 6. determinism

def test_same_inputs_same_bytes(tmp_path, base, edited, new, conflicting):
    first, second = tmp_path / "one.docx", tmp_path / "two.docx"
    merge(base, edited, new, first)
    merge(base, edited, new, second)
    assert first.read_bytes() == second.read_bytes()
    conflict = tmp_path / "conflict.docx"
    third, fourth = tmp_path / "three.docx", tmp_path / "four.docx"
    merge(base, conflict, new, third)
    merge(base, conflict, new, fourth)
    assert third.read_bytes() == fourth.read_bytes()


# --------------------------------------------------------------------------- 7. a planted loss

def test_lost_edits_catches_dropped_sentence(tmp_path, merged, base, edited):
    target, _ = merged
    planted = tmp_path / "planted.docx"
    planted.write_bytes(target.read_bytes())

    def drop(root):
        p2 = paragraph(root, "2.")
        whole = text(p2)
        start = whole.index(ADDED_SENTENCE)
        pos = 0
        for r in [r for r in p2.iter(RUN)]:
            n = len(run_text(r))
            if start <= pos and pos + n <= start + len(ADDED_SENTENCE) and n:
                r.getparent().remove(r)
            pos += n
        assert text(p2) == N2  # the sentence, and only it, is gone
    rewrite(planted, lambda parts: xml_part(parts, DOCUMENT, drop))

    lost = lost_edits(base, edited, planted)
    assert len(lost) == 1
    assert "The letter denied the request." in lost[0]
    assert lost_edits(base, edited, target) == []


def planted_copy(tmp_path: Path, merged_file: Path, change) -> Path:
    """A copy of a merged file with ``change(document root)`` made to it."""
    planted = tmp_path / "planted.docx"
    planted.write_bytes(merged_file.read_bytes())
    return rewrite(planted, lambda parts: xml_part(parts, DOCUMENT, change))


def put_back(root: etree._Element, after: str, value: str) -> None:
    """A paragraph reading ``value`` after the one starting with ``after``."""
    anchor = paragraph(root, after)
    made = etree.SubElement(etree.SubElement(etree.Element(P), RUN), T)
    made.text = value
    anchor.addnext(made.getparent().getparent())


def test_lost_edits_catches_dropped_paragraph(tmp_path, merged, base, edited):
    def drop(root):
        p5 = paragraph(root, "5.")
        p5.getparent().remove(p5)
    planted = planted_copy(tmp_path, merged[0], drop)
    assert REWORDED5 not in view(planted)
    lost = lost_edits(base, edited, planted)
    assert len(lost) == 1
    assert "missing" in lost[0] and "5. Defendant has not produced a single record" in lost[0]


def test_lost_edits_catches_resurrected_paragraph(tmp_path, base):
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())
    edit_paragraphs(edited, lambda d: d.element.body.remove(find(d, "7.")._p))
    as_word_saves(edited)
    lost = lost_edits(base, edited, base)  # a "merge" that put the paragraph back
    assert len(lost) == 1
    assert "is back" in lost[0] and "7. Venue is proper" in lost[0]


def test_lost_edits_catches_resurrected_paragraph_among_other_edits(tmp_path, merged, base, edited):
    planted = planted_copy(tmp_path, merged[0], lambda root: put_back(root, "5.", P7))
    assert P7 in view(planted)
    lost = lost_edits(base, edited, planted)
    assert any("is back" in message and "7. Venue is proper" in message for message in lost)


def test_lost_edits_catches_dropped_footnote(tmp_path, base):
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())
    add_footnote(edited, "4.", FOOTNOTE)
    assert OBJECT in view(edited)[4]
    lost = lost_edits(base, edited, base)  # a "merge" that dropped the attorney's footnote
    assert lost != []


# --------------------------------------------------------------------------- 8. merge_words

def test_words_insertions_at_one_point_conflict():
    changes = merge_words("on May 20", "on or about May 20", "on about May 20")
    assert changes and all(conflict for *_, conflict in changes)
    assert len(changes) == 1
    edited = "on or about May 20"
    start, end, value, _ = changes[0]
    assert "or" in edited[start:end] and value.strip() == "about"
    assert apply(edited, changes) == "on about May 20"


def test_words_different_insertions_at_one_point_conflict():
    changes = merge_words("The fee is due.", "The fee is now due.", "The fee is still due.")
    assert len(changes) == 1 and changes[0][3] is True
    start, end, value, _ = changes[0]
    assert "now" in "The fee is now due."[start:end] and "still" in value


@pytest.mark.parametrize("base, edited, new, expected", [
    ("The fee is 100 dollars today", "The fee is 100 euros today", "The fee is 200 dollars today",
     "The fee is 200 euros today"),
    ("Case 24-117 filed", "Case 25-117 filed", "Case 24/117 filed", "Case 25/117 filed"),
    ("on May 20, 2024", "on or about May 20, 2024", "on June 3, 2024", "on or about June 3, 2024"),
    ("Plaintiff wrote. The agency replied.", "Plaintiff wrote twice. The agency replied.",
     "Plaintiff wrote. The agency never replied.", "Plaintiff wrote twice. The agency never replied."),
])
def test_words_adjacent_changes_both_land(base, edited, new, expected):
    changes = merge_words(base, edited, new)
    assert not any(conflict for *_, conflict in changes)
    assert apply(edited, changes) == expected


def test_words_identical_changes_are_not_a_conflict():
    assert merge_words("on May 20, 2024", "on June 3, 2024", "on June 3, 2024") == []
    changes = merge_words("Jane wrote on May 20.", "Janet wrote on June 3.", "Jane wrote on June 3.")
    assert not any(conflict for *_, conflict in changes)
    assert apply("Janet wrote on June 3.", changes) == "Janet wrote on June 3."


def test_words_only_facts_changed():
    changes = merge_words("on May 20, 2024", "on May 20, 2024", "on June 3, 2024")
    assert changes and not any(conflict for *_, conflict in changes)
    assert apply("on May 20, 2024", changes) == "on June 3, 2024"


def test_words_changes_listed_last_first():
    changes = merge_words("a b c d e", "a b c d e", "A b C d E")
    starts = [start for start, *_ in changes]
    assert starts == sorted(starts, reverse=True) and len(changes) == 3
    assert apply("a b c d e", changes) == "A b C d E"


# --------------------------------------------------------------------------- 9. adopt

T1 = "{{ plaintiff }} brings this action under the Freedom of Information Act."
T2 = "The agency received the request on {{ filed }} and did not respond."
T3 = "Venue is proper in this district."
VALUES = {"{{ plaintiff }}": "Jane Doe", "{{ filed }}": "March 3, 2024"}


def rendered(value: str) -> str:
    for tag, fact in VALUES.items():
        value = value.replace(tag, fact)
    return value


def test_adopt_into_template(tmp_path):
    template = build(tmp_path / "template.docx", [TITLE, T1, T2, T3])
    base = build(tmp_path / "base.docx", [TITLE, rendered(T1), rendered(T2), T3])
    edited = tmp_path / "edited.docx"
    edited.write_bytes(base.read_bytes())
    sentence = " She seeks every record about her claim."

    def change(document):
        find(document, "Jane Doe").add_run(sentence)
        p = find(document, "The agency")
        set_runs(p, (p.text.replace("March 3, 2024", "early March 2024"), False))
    edit_paragraphs(edited, change)
    as_word_saves(edited)
    target = tmp_path / "adopted.docx"
    result = adopt(base, edited, template, target)

    assert len(result.adopted) == 1 and "Jane Doe brings" in result.adopted[0]
    assert len(result.kept) == 1 and "The agency received" in result.kept[0]
    assert "printed from the facts" in result.kept[0]
    texts = [p.text for p in docx.Document(target).paragraphs]
    assert texts == [TITLE, T1[:-1] + "." + sentence, T2, T3]
    assert "{{ plaintiff }}" in texts[1] and "{{ filed }}" in texts[2]

    import docxtpl
    out = tmp_path / "rendered.docx"
    tpl = docxtpl.DocxTemplate(target)
    tpl.render({"plaintiff": "Jane Doe", "filed": "March 3, 2024"})
    tpl.save(out)
    assert docx.Document(out).paragraphs[1].text == rendered(T1) + sentence
