"""The word count of a motion or brief, as the court counts it, for its certificate of compliance.

The count is taken from the **rendered** DOCX (what is filed), by the paragraph styles the
templates use, so a lawyer who rewrites a paragraph in Word changes the count and nothing
else has to know:

- it starts after the paper's title (the first paragraph in the ``Paper Title`` style):
  the court name, the caption table and the title are the caption;
- it stops at the signature block: the first paragraph in the ``Signature`` style, with the
  ``Dated:`` line (and empty paragraphs) just before it, or the table that holds it (the
  shipped templates put the date line and the block in one row that cannot split, so it never
  stands alone on a page);
- in between it counts every paragraph and table, except a table of contents or of
  authorities (paragraphs in Word's ``TOC n``/``TOC Heading``/``Table of Authorities``/``TOA
  Heading`` styles);
- footnotes and endnotes count: each note referenced from the counted text (Word's separators
  are no notes, and a note whose mark is in the caption or the signature block is theirs);
- the document is walked as Word lays it out, whatever a firm's template wraps the text in:
  the content of a content control (``w:sdt``, around paragraphs or within one) and of custom
  XML (``w:customXml``) counts as if it stood there alone; of alternate content
  (``mc:AlternateContent``) one branch counts, the one LibreOffice shows when it makes the PDF
  (the first ``mc:Choice`` requiring only what it reads, else ``mc:Fallback``); a text box
  (``w:txbxContent``) counts once, with the paragraph it is anchored in;
- a word is what Word's count calls one: a run of characters between white space (a
  non-breaking space separates words too, as it does in the PDF's text).

Headers and footers (the court number, page numbers) and the certificates, which are papers
of their own, are not in it.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from filings.errors import FilingsError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
TITLE_STYLE = "Paper Title"
SIGNATURE_STYLE = "Signature"
_SKIPPED_STYLE = re.compile(r"^(toc \d|toc heading|table of authorities|toa heading|table of figures)$", re.I)
_DATED = re.compile(r"^\s*(dated|date)\b", re.I)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
# The mc:Choice LibreOffice's Word reader takes: one whose Requires attribute is one of these
# names exactly (writerfilter compares the string; "wps wpc" is passed over): shapes, groups
# and Word 2010 features. Any other Choice gives way to the next one or to the mc:Fallback, in
# the PDF and so in the count.
_CHOICES_TAKEN = {"wps", "wpg", "w14"}
_BREAKS = {f"{W}tab", f"{W}br", f"{W}cr"}
_NOTE_REFERENCES = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}
# Properties hold no text a reader sees: passing them over keeps out of the count a w:t a
# hostile document hides in one, where no reader shows it.
_PROPERTIES = {f"{W}sdtPr", f"{W}sdtEndPr", f"{W}customXmlPr", f"{W}pPr", f"{W}rPr"}


@dataclass(frozen=True)
class WordCount:
    """The words of a paper's body, and the text it starts and ends with (to show what was counted)."""

    words: int
    first: str
    last: str


def count_words(docx: Path | str) -> WordCount:
    """Count the words of the body of the rendered DOCX at ``docx`` (see the module's rules)."""
    with zipfile.ZipFile(docx) as package:
        names = _style_names(package)
        root = etree.fromstring(package.read("word/document.xml"), _PARSER)
        notes = {kind: _read_notes(package, kind) for kind in ("footnote", "endnote")}
    references: list[tuple[str, str]] = []
    texts = _body_texts(root.find(f"{W}body"), names, references, docx)
    while texts and (not texts[-1].strip() or _DATED.match(texts[-1])):
        texts.pop()
    texts += _note_texts(notes, references)
    counted = [t for t in texts if t.split()]
    words = sum(len(t.split()) for t in counted)
    return WordCount(words, counted[0].split("\n")[0][:60] if counted else "",
                     counted[-1][-60:] if counted else "")


def _body_texts(body, names: dict[str, str], references: list[tuple[str, str]], docx) -> list[str]:
    """The texts of the paragraphs between the title and the signature block, as counted (see
    the module's rules), adding the notes they reference to ``references``."""
    texts: list[str] = []
    started = False
    for element in _shown(body, enter=lambda e: e.tag not in (f"{W}p", f"{W}tbl")):
        if element.tag == f"{W}p":
            style = names.get(_style_id(element), "")
            if not started:
                started = style == TITLE_STYLE
                continue
            if style == SIGNATURE_STYLE:
                break
            if not _SKIPPED_STYLE.match(style):
                texts += _paragraph_texts(element, references)
        elif element.tag == f"{W}tbl" and started:
            paragraphs = _paragraphs(element)
            if any(names.get(_style_id(p), "") == SIGNATURE_STYLE for p in paragraphs):
                break
            for p in paragraphs:
                if not _SKIPPED_STYLE.match(names.get(_style_id(p), "")):
                    texts += _paragraph_texts(p, references)
    if not started:
        raise FilingsError(f"no paragraph in the '{TITLE_STYLE}' style, after which its words are counted; give "
                           "the paper's title that style in Word", path=docx)
    return texts


def _shown(element, enter: Callable) -> Iterator:
    """Yield the descendants of ``element`` a reader shows, in document order, entering those for
    which ``enter`` is true: a content control or custom XML is gone through to its content, of
    alternate content only the branch taken is, and properties are passed over. Walked with a
    stack, not recursion, so no nesting of a hostile document runs out of Python's stack."""
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == f"{MC}AlternateContent":
            branch = _branch_taken(child)
            if branch is not None:
                stack.append(iter(branch))
        elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent"):
            stack.append(iter(child))
        elif child.tag not in _PROPERTIES:
            yield child
            if enter(child):
                stack.append(iter(child))


def _branch_taken(alternate):
    """The branch of ``mc:AlternateContent`` LibreOffice shows: the first ``mc:Choice`` it reads
    (see ``_CHOICES_TAKEN``), else the ``mc:Fallback`` (None if there is neither)."""
    for branch in alternate:
        if branch.tag == f"{MC}Choice":
            if branch.get("Requires") in _CHOICES_TAKEN:
                return branch
        elif branch.tag == f"{MC}Fallback":
            return branch
    return None


def _paragraphs(container) -> list:
    """The paragraphs of a table, cell, note or text box, in order, those of nested tables
    included (a text box's own paragraphs are counted with the paragraph it is anchored in)."""
    return [e for e in _shown(container, enter=lambda e: e.tag != f"{W}p") if e.tag == f"{W}p"]


def _paragraph_texts(paragraph, references: list[tuple[str, str]]) -> list[str]:
    """The text of ``paragraph`` and then those of the paragraphs of the text boxes anchored in it
    (each once, whatever branch of alternate content holds it), adding the notes they reference
    to ``references``."""
    texts, todo = [], [paragraph]
    while todo:
        parts, boxes = [], []
        for node in _shown(todo.pop(0), enter=lambda e: e.tag != f"{W}txbxContent"):
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            elif node.tag in _BREAKS:
                parts.append(" ")
            elif node.tag == f"{W}txbxContent":
                boxes.append(node)
            elif node.tag in _NOTE_REFERENCES:
                references.append((_NOTE_REFERENCES[node.tag], node.get(f"{W}id")))
        texts.append("".join(parts))
        todo[0:0] = [p for box in boxes for p in _paragraphs(box)]
    return texts


def _read_notes(package: zipfile.ZipFile, kind: str) -> dict[str, object]:
    """The notes of ``word/{kind}s.xml`` (footnotes or endnotes) by id, Word's separators left out."""
    part = f"word/{kind}s.xml"
    if part not in package.namelist():
        return {}
    root = etree.fromstring(package.read(part), _PARSER)
    return {note.get(f"{W}id"): note for note in root.iter(f"{W}{kind}") if note.get(f"{W}type") in (None, "normal")}


def _note_texts(notes: dict[str, dict[str, object]], references: list[tuple[str, str]]) -> list[str]:
    """The texts of the notes referenced (each once, in the order of their first mark)."""
    texts: list[str] = []
    for kind, note_id in dict.fromkeys(references):
        note = notes[kind].get(note_id)
        if note is not None:
            for p in _paragraphs(note):
                texts += _paragraph_texts(p, [])  # a note's own marks are not notes of the paper
    return texts


def _style_names(package: zipfile.ZipFile) -> dict[str, str]:
    """Paragraph style ids → names (``PaperTitle`` → ``Paper Title``)."""
    if "word/styles.xml" not in package.namelist():
        return {}
    styles = etree.fromstring(package.read("word/styles.xml"), _PARSER)
    names = {}
    for style in styles.iter(f"{W}style"):
        name = style.find(f"{W}name")
        names[style.get(f"{W}styleId")] = name.get(f"{W}val") if name is not None else style.get(f"{W}styleId")
    return names


def _style_id(paragraph) -> str | None:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None
