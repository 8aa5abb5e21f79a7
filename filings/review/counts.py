"""How many changes a paper's redline holds, headers and footers included.

The count is read from the redline DOCX: insertions, deletions, moves and formatting changes in
the body, the headers, the footers and the notes. Where the redline shows none in a header or
footer although the two papers' headers or footers differ (an engine that compares the body
alone), each paragraph of a header or footer that differs between the two papers counts one.
Only the paper DOCX files are read.
"""
from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

TAGS = ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange")
_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_EDGE = re.compile(r"word/(header|footer)\d*\.xml")
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>|<w:p/>", re.S)
_TEXT = re.compile(r"<w:(?:t|delText)(?: [^>]*)?>([^<]*)</w:(?:t|delText)>")
_FIELD = re.compile(r"<w:instrText(?: [^>]*)?>([^<]*)</w:instrText>")
PART_BYTES = 32 * 2**20   # a part larger than this is not counted (a paper's parts are far smaller)


def _parts(docx: Path, pattern: re.Pattern) -> dict[str, str]:
    found = {}
    with zipfile.ZipFile(docx) as z:
        for info in z.infolist():
            if pattern.fullmatch(info.filename) and info.file_size <= PART_BYTES:
                found[info.filename] = z.read(info).decode("utf-8", "replace")
    return found


def _count(xml: str) -> int:
    return sum(xml.count(f"<w:{tag} ") + xml.count(f"<w:{tag}>") for tag in TAGS)


def count_revisions(docx: Path) -> int:
    """Tracked changes in a DOCX, in its body, headers, footers and notes."""
    return sum(_count(xml) for xml in _parts(docx, _PART).values())


def _edge_paragraphs(docx: Path) -> list[str]:
    """The paragraphs of every header and footer, in part order (a field's code with its text)."""
    paragraphs = []
    for name, xml in sorted(_parts(docx, _EDGE).items()):
        for p in _PARAGRAPH.findall(xml):
            paragraphs.append(f"{name}:" + "".join(_TEXT.findall(p)) + "|" + "".join(_FIELD.findall(p)))
    return paragraphs


def edge_changes(old: Path, new: Path) -> int:
    """Paragraphs of the headers and footers that differ between two papers."""
    a, b = _edge_paragraphs(old), _edge_paragraphs(new)
    changed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed += max(i2 - i1, j2 - j1)
    return changed


def paper_revisions(redline: Path, old: Path, new: Path) -> int:
    """The count a summary shows for a paper: the redline's tracked changes, and the header and
    footer paragraphs that differ where the redline marks none there."""
    total = count_revisions(redline)
    if not sum(_count(xml) for xml in _parts(redline, _EDGE).values()):
        try:
            total += edge_changes(old, new)
        except (OSError, zipfile.BadZipFile):
            pass
    return total
