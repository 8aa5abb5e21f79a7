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
  authorities (paragraphs in Word's ``TOC n``/``Table of Authorities``/``TOA Heading`` styles);
- footnotes count (the body's ``word/footnotes.xml``, Word's separators left out);
- a word is what Word's count calls one: a run of characters between white space (a
  non-breaking space separates words too, as it does in the PDF's text).

Headers and footers (the court number, page numbers) and the certificates, which are papers
of their own, are not in it.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from filings.errors import FilingsError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE_STYLE = "Paper Title"
SIGNATURE_STYLE = "Signature"
_SKIPPED_STYLE = re.compile(r"^(toc \d|table of authorities|toa heading|table of figures)$", re.I)
_DATED = re.compile(r"^\s*(dated|date)\b", re.I)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


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
        footnotes = package.read("word/footnotes.xml") if "word/footnotes.xml" in package.namelist() else None
    body = root.find(f"{W}body")
    texts: list[str] = []
    started = False
    for element in body:
        if element.tag == f"{W}p":
            style = names.get(_style_id(element), "")
            if not started:
                started = style == TITLE_STYLE
                continue
            if style == SIGNATURE_STYLE:
                break
            if not _SKIPPED_STYLE.match(style):
                texts.append(_text(element))
        elif element.tag == f"{W}tbl" and started:
            if any(names.get(_style_id(p), "") == SIGNATURE_STYLE for p in element.iter(f"{W}p")):
                break
            texts += [_text(p) for p in element.iter(f"{W}p")
                      if not _SKIPPED_STYLE.match(names.get(_style_id(p), ""))]
    if not started:
        raise FilingsError(f"no paragraph in the '{TITLE_STYLE}' style, after which its words are counted; give "
                           "the paper's title that style in Word", path=docx)
    while texts and (not texts[-1].strip() or _DATED.match(texts[-1])):
        texts.pop()
    if footnotes is not None:
        notes = etree.fromstring(footnotes, _PARSER)
        texts += [_text(note) for note in notes.iter(f"{W}footnote") if note.get(f"{W}type") is None]
    counted = [t for t in texts if t.split()]
    words = sum(len(t.split()) for t in counted)
    return WordCount(words, counted[0].split("\n")[0][:60] if counted else "",
                     counted[-1][-60:] if counted else "")


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


def _text(element) -> str:
    """The text of a paragraph (or any element): its ``w:t``, tabs and breaks as spaces."""
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(parts)
