"""The redline's display document alone (no engine, no LibreOffice): tracked changes as the
engine writes them (an insertion before its deletion, inside a word) become whole words,
each deletion before its insertion; list numbers become text, counted as the new version
numbers them; the paragraph marks of inserted paragraphs are set so nothing is left behind."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from lxml import etree

from filings.review.marked import display_docx
from filings.review.paramarks import fix_revisions

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REV = 'w:author="filings" w:date="2024-06-03T00:00:00Z"'


def redline(path: Path, paragraphs: list[str], numbered: set[int] = frozenset()) -> Path:
    """A DOCX whose paragraphs are given as WordprocessingML runs (tracked changes and all)."""
    made = docx.Document()
    for i in range(len(paragraphs)):
        made.add_paragraph("x", style="List Number" if i in numbered else None)
    made.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"].decode()
    for content in paragraphs:
        xml = xml.replace("<w:r><w:t>x</w:t></w:r>", content, 1)
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def ins(text: str, n: int) -> str:
    return f'<w:ins w:id="{n}" {REV}><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'


def dele(text: str, n: int) -> str:
    return f'<w:del w:id="{n}" {REV}><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'


def shown(path: Path) -> list[list[tuple[str, str]]]:
    """Each paragraph as (text, mark) runs: mark "del" (struck), "ins" (underlined) or ""."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    paragraphs = []
    for p in root.iter(f"{W}p"):
        runs = []
        for r in p.iter(f"{W}r"):
            text = "".join("\t" if el.tag == f"{W}tab" else el.text or "" for el in r.iter(f"{W}t", f"{W}tab"))
            mark = "del" if r.find(f"{W}rPr/{W}strike") is not None else \
                "ins" if r.find(f"{W}rPr/{W}u") is not None else ""
            if runs and runs[-1][1] == mark:
                runs[-1] = (runs[-1][0] + text, mark)
            else:
                runs.append((text, mark))
        paragraphs.append(runs)
    return paragraphs


def test_changes_are_whole_words_each_deletion_before_its_insertion(tmp_path):
    source = redline(tmp_path / "redline.docx", [
        run("On ") + ins("April 12", 1) + dele("May 17", 2) + run(", 2024, the agency acted."),
        run("See Exhibit ") + ins("3", 3) + dele("2", 4) + run(" of May 2") + ins("1", 5) + dele("0", 6) + run(", 2024."),
    ])
    changes = display_docx(source, tmp_path / "display.docx")
    first, second = shown(tmp_path / "display.docx")
    assert first == [("On ", ""), ("May 17 ", "del"), ("April 12", "ins"), (", 2024, the agency acted.", "")]
    assert second == [("See Exhibit ", ""), ("2 ", "del"), ("3", "ins"), (" of May ", ""), ("20 ", "del"),
                      ("21", "ins"), (", 2024.", "")]
    assert [(c.kind, c.deleted, c.inserted) for c in changes] == [
        ("changed", "May 17", "April 12"), ("changed", "2", "3"), ("changed", "20", "21")]


def test_list_numbers_are_text_counted_as_the_new_version_numbers_them(tmp_path):
    source = redline(tmp_path / "redline.docx", [
        run("The first allegation."),
        ins("An allegation added.", 1),
        dele("An allegation removed.", 2),
        run("The last allegation."),
    ], numbered={0, 1, 2, 3})
    display_docx(source, tmp_path / "display.docx")
    assert shown(tmp_path / "display.docx") == [
        [("1.\tThe first allegation.", "")],
        [("2.\t", ""), ("An allegation added.", "ins")],
        [("2.\tAn allegation removed.", "del")],  # its old number, struck with it
        [("3.\tThe last allegation.", "")],
    ]
    with zipfile.ZipFile(tmp_path / "display.docx") as z:
        root = etree.fromstring(z.read("word/document.xml"))
    assert {n.get(f"{W}val") for n in root.iter(f"{W}numId")} == {"0"}  # no list left to number again
    assert [p.find(f"{W}pPr/{W}pBdr/{W}left") is not None for p in root.iter(f"{W}p")] == [False, True, True, False]


def test_inserted_paragraphs_mark_the_paragraph_mark_before_them(tmp_path):
    source = redline(tmp_path / "redline.docx", [
        run("Kept before."), ins("Inserted one.", 1), ins("Inserted two.", 2), run("Kept after."),
    ])
    assert fix_revisions(source, author="filings", date="2024-06-03T00:00:00Z") == 2
    with zipfile.ZipFile(source) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    marks = [[etree.QName(el).localname for el in p.find(f"{W}pPr/{W}rPr")] if p.find(f"{W}pPr/{W}rPr") is not None
             else [] for p in root.iter(f"{W}p")]
    assert marks == [["ins"], ["ins"], [], []]
    ids = [el.get(f"{W}id") for el in root.iter(f"{W}ins")]
    assert len(ids) == len(set(ids)) == 4
