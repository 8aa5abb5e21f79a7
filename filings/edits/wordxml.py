"""WordprocessingML as the merge sees it: blocks, their text, their formatting, and the
characters of a paragraph as the runs that hold them.

A paragraph's text is what a reader sees with every tracked change accepted: the runs in
``w:del`` and ``w:moveFrom`` are not in it. Word and LibreOffice split a run wherever they
like (spell checking, revision ids, a cursor that passed), so nothing here depends on how
the text is split into runs: a paragraph's :func:`signature` merges neighbouring runs of one
format, and an edit is applied to characters (:class:`Chars`), splitting runs where needed.
"""
from __future__ import annotations

import copy
import re
from typing import Iterator

from lxml import etree

from filings.convert.officedocx import unwrap

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
OBJECT = "\ufffc"  # a footnote mark, a picture, a symbol: one character that is not text


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, RUN, T, RPR, PPR = (w(t) for t in ("p", "tbl", "tr", "tc", "r", "t", "rPr", "pPr"))
INS, DEL, DEL_TEXT = w("ins"), w("del"), w("delText")
_DELETED = {w("del"), w("moveFrom")}
_BLOCKS = {P, TBL, w("sdt")}
_CHARS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011",
          w("sym"): OBJECT, w("footnoteReference"): OBJECT, w("endnoteReference"): OBJECT,
          w("drawing"): OBJECT, w("pict"): OBJECT, w("object"): OBJECT, w("ptab"): "\t"}
# What a change of format is: what a reader sees (bold, italics, underline, size...), not
# the fonts, languages and revision ids an editor adds on its own.
_FORMAT = ("rStyle", "b", "i", "u", "strike", "dstrike", "caps", "smallCaps", "vertAlign", "highlight",
           "color", "sz", "vanish", "shd")
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def blocks(container: etree._Element) -> list[etree._Element]:
    """The paragraphs, tables and block content controls of a body, cell, header or footer."""
    return [child for child in container if child.tag in _BLOCKS]


def deleted(element: etree._Element) -> bool:
    """True when ``element`` lies inside a tracked deletion (not part of the text)."""
    return any(a.tag in _DELETED for a in element.iterancestors())


def runs(paragraph: etree._Element) -> list[etree._Element]:
    """The runs of ``paragraph`` that are part of its text, in order (not those deleted)."""
    return [r for r in paragraph.iter(RUN) if not deleted(r) and _own(r, paragraph)]


def _own(run: etree._Element, paragraph: etree._Element) -> bool:
    """True when ``run`` belongs to ``paragraph`` itself, not to a paragraph nested in it (a text box)."""
    for ancestor in run.iterancestors():
        if ancestor.tag == P:
            return ancestor is paragraph
    return False


def run_text(run: etree._Element) -> str:
    out = []
    for child in run:
        if child.tag == T:
            out.append(child.text or "")
        elif child.tag in _CHARS:
            out.append(_CHARS[child.tag])
    return "".join(out)


def text(block: etree._Element) -> str:
    """What a reader sees of a block: a paragraph's characters, a table's cells in order."""
    if block.tag == P:
        return "".join(run_text(r) for r in runs(block))
    return "\n".join(text(p) for p in block.iter(P) if not deleted(p))


def style(block: etree._Element) -> str:
    found = block.find(f"{PPR}/{w('pStyle')}")
    return found.get(w("val"), "") if found is not None else ""


# What a reader notices at a glance: what an edit "changed" means to the attorney. Editors
# write sizes, colours and shading of their own on a save (LibreOffice does), so these are
# left out of the count of paragraphs edited (and of what adopt leaves behind), not of the merge.
_NOTICED = ("rStyle", "b", "i", "u", "strike", "dstrike", "caps", "smallCaps", "vertAlign", "highlight")


def run_format(run: etree._Element, names: tuple[str, ...] = _FORMAT) -> str:
    """The run's format as a reader sees it (``names``: which properties), in a fixed order."""
    props = run.find(RPR)
    if props is None:
        return ""
    parts = []
    for name in names:
        found = props.find(w(name))
        if found is not None:
            value = found.get(w("val"), "")
            if name in ("b", "i", "strike", "dstrike", "caps", "smallCaps", "vanish") and value in ("0", "false", "off"):
                continue
            parts.append(f"{name}={value}")
    return ";".join(parts)


def signature(block: etree._Element, noticed: bool = False) -> tuple:
    """What a block says and how it looks, however its runs are split: equal signatures are
    the same paragraph to a reader. ``noticed``: only what a reader notices at a glance (bold,
    italics, underline...), not the sizes and colours an editor writes on its own."""
    if block.tag != P:
        return (block.tag, tuple(signature(p, noticed) for p in block.iter(P) if not deleted(p) and p is not block))
    segments: list[list[str]] = []
    for r in runs(block):
        chars, form = run_text(r), run_format(r, _NOTICED if noticed else _FORMAT)
        if not chars:
            continue
        if segments and segments[-1][1] == form:
            segments[-1][0] += chars
        else:
            segments.append([chars, form])
    return (P, style(block), tuple((s, f) for s, f in segments))


def tokens(value: str) -> list[str]:
    """Words, spaces and single punctuation marks: what a three-way merge of a sentence compares."""
    return TOKEN.findall(value)


def has_revisions(block: etree._Element) -> bool:
    """True when ``block`` holds tracked changes not yet accepted or rejected."""
    return any(True for _ in block.iter(INS, DEL, w("moveFrom"), w("moveTo"), w("rPrChange"), w("pPrChange")))


class Chars:
    """The characters of one paragraph, each in its own run where an edit needs it.

    Runs holding several things (text and a tab) are first split so that each run holds one;
    :meth:`cut` then splits a run of text at a character, so any range of characters is a
    whole number of runs. Formatting, hyperlinks and fields around the runs stay as they are.
    """

    def __init__(self, paragraph: etree._Element):
        self.paragraph = paragraph
        for r in runs(paragraph):
            _explode(r)

    def runs(self) -> list[tuple[etree._Element, int]]:
        """Each run of the text with the number of characters it holds."""
        return [(r, len(run_text(r))) for r in runs(self.paragraph)]

    def cut(self, at: int) -> etree._Element | None:
        """Split the runs so a run begins at character ``at``; return that run (None at the end)."""
        pos = 0
        for r, n in self.runs():
            if n == 0:
                continue
            if pos == at:
                return r
            if pos < at < pos + n:
                t = r.find(T)
                head, tail = (t.text or "")[: at - pos], (t.text or "")[at - pos:]
                second = copy.deepcopy(r)
                _set_text(t, head)
                _set_text(second.find(T), tail)
                r.addnext(second)
                return second
            pos += n
        return None

    def span(self, start: int, end: int) -> list[etree._Element]:
        """The runs holding characters ``start`` to ``end`` (split so they hold only those)."""
        if start >= end:
            return []
        self.cut(start)
        self.cut(end)
        pos, found = 0, []
        for r, n in self.runs():
            if start <= pos and pos + n <= end and n:
                found.append(r)
            pos += n
        return found

    def format_at(self, at: int) -> etree._Element | None:
        """The run whose format text inserted at ``at`` takes: the one before it, else the one after."""
        pos, before, after = 0, None, None
        for r, n in self.runs():
            if n == 0:
                continue
            if pos < at:
                before = r
            elif after is None:
                after = r
            pos += n
        return before if before is not None else after

    def replace(self, start: int, end: int, new: str, *, tracked: dict | None = None) -> list[etree._Element]:
        """Put ``new`` in place of characters ``start`` to ``end``. With ``tracked`` (the
        ``w:author``, ``w:date`` and ``w:id`` of a revision), the old characters are kept as a
        tracked deletion and ``new`` is a tracked insertion: accepting gives ``new``, rejecting
        the old. Returns the elements now holding the range (for a comment to span)."""
        old = self.span(start, end)
        model = old[0] if old else self.format_at(start)
        anchor = old[0] if old else self.cut(start)
        made = _new_run(model, new) if new else None
        placed: list[etree._Element] = []
        if tracked is None:
            if made is not None:
                _place(self.paragraph, anchor, made)
                placed.append(made)
            for r in old:
                r.getparent().remove(r)
            return placed
        if old:
            gone = etree.Element(DEL, _revision(tracked, 0))
            old[0].addprevious(gone)
            for r in old:
                gone.append(r)
                for t in r.findall(T):
                    t.tag = DEL_TEXT
                for t in r.findall(w("instrText")):
                    t.tag = w("delInstrText")
            placed.append(gone)
            anchor = gone.getnext()
        if made is not None:
            added = etree.Element(INS, _revision(tracked, 1))
            added.append(made)
            if old:
                placed[0].addnext(added)
            else:
                _place(self.paragraph, anchor, added)
            placed.append(added)
        return placed


def _revision(tracked: dict, offset: int) -> dict:
    return {w("id"): str(int(tracked["id"]) + offset), w("author"): tracked["author"], w("date"): tracked["date"]}


def _place(paragraph: etree._Element, anchor: etree._Element | None, element: etree._Element) -> None:
    """Put ``element`` before ``anchor`` (a run of the paragraph), or at the paragraph's end."""
    if anchor is not None:
        anchor.addprevious(element)
    else:
        paragraph.append(element)


def _new_run(model: etree._Element | None, value: str) -> etree._Element:
    """A run holding ``value`` in the format of ``model`` (tabs and line breaks as Word writes them)."""
    r = etree.Element(RUN)
    if model is not None and model.find(RPR) is not None:
        r.append(copy.deepcopy(model.find(RPR)))
    for i, piece in enumerate(re.split(r"(\t|\n)", value)):
        if piece == "\t":
            etree.SubElement(r, w("tab"))
        elif piece == "\n":
            etree.SubElement(r, w("br"))
        elif piece:
            _set_text(etree.SubElement(r, T), piece)
    return r


def _set_text(t: etree._Element, value: str) -> None:
    t.text = value
    t.set(XML_SPACE, "preserve")


def _explode(run: etree._Element) -> None:
    """Split a run that holds several things into runs of one thing each, of the same format."""
    content = [c for c in run if c.tag != RPR]
    if len(content) <= 1:
        return
    props = run.find(RPR)
    for child in content[1:][::-1]:
        single = etree.Element(RUN, dict(run.attrib))
        if props is not None:
            single.append(copy.deepcopy(props))
        single.append(child)
        run.addnext(single)


def iter_comment_ids(root: etree._Element) -> Iterator[int]:
    for element in root.iter(w("comment"), w("commentRangeStart"), w("commentReference")):
        value = element.get(w("id")) or ""
        if value.isascii() and value.lstrip("-").isdecimal() and len(value) < 12:  # Word's ids are 32-bit
            yield int(value)


def list_labels(body: etree._Element, styles: etree._Element | None) -> dict[etree._Element, str]:
    """How a reader names each paragraph of a numbered list (keyed by the element itself: lxml
    keeps one proxy per element while it is referenced, so an ``id()`` would not last): "¶ 12" in the
    longest list of the document (a complaint's allegations), "item 3 of its list" in another.
    A paragraph is numbered by its own ``w:numPr`` or its style's; counted per list (``numId``)."""
    by_style: dict[str, str] = {}
    for found in (styles.iter(w("style")) if styles is not None else ()):
        num = found.find(f"{PPR}/{w('numPr')}/{w('numId')}")
        if num is not None:
            by_style[found.get(w("styleId"), "")] = num.get(w("val"), "")
    counted: dict[str, int] = {}
    numbers: dict[etree._Element, tuple[str, int]] = {}
    for p in body.iter(P):
        if deleted(p) or not text(p).strip():
            continue
        own = p.find(f"{PPR}/{w('numPr')}")
        level = own.find(w("ilvl")) if own is not None else None
        if level is not None and level.get(w("val"), "0") != "0":
            continue
        num = own.find(w("numId")) if own is not None else None
        list_id = num.get(w("val"), "") if num is not None else by_style.get(style(p), "")
        if list_id and list_id != "0":
            counted[list_id] = counted.get(list_id, 0) + 1
            numbers[p] = (list_id, counted[list_id])
    main = max(counted, key=counted.get) if counted else None
    return {key: (f"\u00b6 {n}" if list_id == main else f"item {n} of its list")
            for key, (list_id, n) in numbers.items()}


def accept_all(block: etree._Element) -> etree._Element:
    """``block`` with every tracked change accepted and its comment anchors removed: what a
    document that must not carry revisions (the public version) takes of it."""
    for gone in [e for e in block.iter(DEL, w("moveFrom"), w("rPrChange"), w("pPrChange"), w("commentRangeStart"),
                                       w("commentRangeEnd"))]:
        if gone.getparent() is not None:
            gone.getparent().remove(gone)
    for ref in list(block.iter(w("commentReference"))):
        run = ref.getparent()
        if run is not None and run.getparent() is not None:
            run.getparent().remove(run)
    for kept in [e for e in block.iter(INS, w("moveTo"))]:
        parent = kept.getparent()
        if parent is None:
            continue
        if parent.tag == RPR:  # a paragraph mark inserted: the mark simply stays
            parent.remove(kept)
            continue
        unwrap(kept)
    return block
