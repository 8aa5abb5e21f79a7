"""The redline a reviewer reads: a plain display document made from the redline DOCX.

LibreOffice prints tracked changes as Writer shows them, not as a reviewer reads a redline
("10.[11.]" after a changed numbered paragraph, "May 2021" for "May 20" made "May 21", a
word made bold painting its paragraph). So :func:`display_docx` rewrites the redline DOCX
(the engine's alignment of paragraphs, its ``w:ins``/``w:del``/``w:moveFrom``/``w:moveTo``
and ``w:rPrChange``) into a plain DOCX with direct formatting and no tracked change, which
the build's LibreOffice converter (the warm pool) prints with the papers' fonts, styles,
headers and footers. A DOCX converted by our LibreOffice was chosen over drawing the pages
with reportlab because a paper's layout (styles, tables of the caption, line spacing,
footers, page breaks) is LibreOffice's to lay out: a redline drawn otherwise would break
lines and pages where the paper does not.

In the display document, paragraph by paragraph:

- each paragraph's old and new text are compared again *word by word* (words, spaces and
  single punctuation marks), so a change is always of whole words, and neighbouring changed
  words separated only by spaces are one change ("May 17" → "April 12");
- a deletion is struck through in red and printed *before* its insertion, underlined in
  blue (a struck space between them when neither has one);
- words whose format alone changed keep their new format and are double-underlined in
  green; the cover page says what changed ("bold added");
- list numbers are resolved to the new numbering and printed once as plain text (the list
  numbering is taken off the paragraph, its indents kept): a paragraph deleted whole shows
  its old number struck through;
- every changed paragraph has a change bar: a left border in the margin.

Each change is a :class:`Change`; its colour carries its index in the low bits of the three
channels (invisible: at most 15 of 255), so the page it prints on is read back from the PDF
(:mod:`filings.review.cover`).
"""
from __future__ import annotations

import copy
import difflib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from filings.review.words import _merged, _shown, _span, _tokens
from filings.review.numbers import (PPR_ORDER, REVISED, REVISION_MARKS, RPR_ORDER, W, Numbering, _clean_rpr, _el, parse,
                                    _format_note, _put, _visible)

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

DELETED, INSERTED, FORMATTED = (0xB0, 0x00, 0x00), (0x00, 0x00, 0xB0), (0x00, 0x70, 0x00)
CODES = 4096  # changes told apart by colour; beyond, the page search goes on in order
BAR = {"val": "single", "sz": "18", "space": "14", "color": "B00000"}  # the change bar: 2¼ pt, 14 pt left of the text

PARTS = re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml")
CONTAINERS = {f"{W}{t}" for t in ("hyperlink", "smartTag", "fldSimple", "customXml", "sdtContent", "dir", "bdo")}
OPAQUE = {f"{W}{t}" for t in ("br", "cr", "sym", "footnoteReference", "endnoteReference", "drawing", "pict",
                              "object", "ptab", "separator", "continuationSeparator", "footnoteRef", "endnoteRef",
                              "annotationRef", "pgNum")}
BDR_ORDER = [f"{W}{t}" for t in ("top", "left", "bottom", "right", "between", "bar")]


@dataclass
class Change:
    """One change as the display document prints it: words deleted and inserted, or words
    whose format changed (``note`` says how); ``part`` is where (``document``, ``footer1``...)."""

    index: int
    kind: str              # "changed", "deleted", "inserted", "format"
    deleted: str = ""
    inserted: str = ""
    note: str = ""
    part: str = "document"
    context: tuple[str, str] = ("", "")  # a few words before and after it, as the new version reads
    page: int | None = None


def colour(kind: str, index: int) -> str:
    """The hex colour of change ``index`` of a kind (deleted, inserted or formatted words)."""
    base = {"del": DELETED, "ins": INSERTED, "fmt": FORMATTED}[kind]
    code = index % CODES
    bits = (code >> 8 & 15, code >> 4 & 15, code & 15)
    return "".join(f"{b + o:02X}" for b, o in zip(base, bits))


def decode(rgb: tuple[int, int, int]) -> int | None:
    """The change code (index modulo :data:`CODES`) a character's colour carries, or None."""
    for base in (DELETED, INSERTED, FORMATTED):
        bits = [c - b for c, b in zip(rgb, base)]
        if all(0 <= x <= 15 for x in bits):
            return bits[0] << 8 | bits[1] << 4 | bits[2]
    return None


# --------------------------------------------------------------------------- the document

def display_docx(redline: Path, target: Path) -> list[Change]:
    """Write the display document of ``redline`` (a DOCX with tracked changes) to ``target``;
    return its changes in the order they print."""
    with zipfile.ZipFile(redline) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    numbering = Numbering(parts.get("word/numbering.xml"), parts.get("word/styles.xml"))
    changes: list[Change] = []
    order = sorted((n for n in parts if PARTS.fullmatch(n)), key=lambda n: (n != "word/document.xml", n))
    for name in order:
        root = parse(parts[name])
        part = PARTS.fullmatch(name).group(1)
        marker = _Part(part, numbering if part == "document" else None, changes)
        for p in list(root.iter(f"{W}p")):
            if p.getparent() is not None and not any(a.tag == f"{W}p" for a in p.iterancestors()):
                marker.paragraph(p)
        _sweep(root)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if "word/settings.xml" in parts:  # nothing to track in the display document
        parts["word/settings.xml"] = re.sub(rb"<w:trackRevisions[^>]*/>", b"", parts["word/settings.xml"])
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return changes


def _sweep(root) -> None:
    """What is left of the tracked changes: marks removed, wrappers (a deleted table row's) opened."""
    for el in list(root.iter(*REVISION_MARKS)):
        if el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter(*REVISED)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (f"{W}rPr", f"{W}trPr", f"{W}tcPr", f"{W}pPr"):
            parent.remove(el)
        else:
            at = parent.index(el)
            for child in reversed(list(el)):
                parent.insert(at, child)
            parent.remove(el)


@dataclass
class _Piece:
    """One character (or one opaque element: a break, a picture, a note reference) of a paragraph."""

    char: str
    kind: str                 # same, del, ins
    new: object               # w:rPr as it is (None: none)
    old: object               # w:rPr as it was
    element: object = None    # the opaque element, for a private-use char


class _Part:
    def __init__(self, part: str, numbering: "Numbering | None", changes: list[Change]):
        self.part, self.numbering, self.changes = part, numbering, changes
        self.in_field = []    # per open field: True while in its instructions

    # ..................................................................... reading
    def _collect(self, parent, kind, found) -> None:
        for el in parent:
            tag = el.tag
            if tag in REVISED:
                self._collect(el, REVISED[tag], found)
            elif tag in CONTAINERS or tag == f"{W}sdt":
                self._collect(el, kind, found)
            elif tag == f"{W}r":
                self._run(el, kind, found)

    def _run(self, r, kind, found) -> None:
        rpr = r.find(f"{W}rPr")
        new = _clean_rpr(rpr)
        change = rpr.find(f"{W}rPrChange") if rpr is not None else None
        old = _clean_rpr(change.find(f"{W}rPr")) if change is not None else new
        if change is not None and old is None:
            old = etree.Element(f"{W}rPr")
        for child in r:
            tag = child.tag
            if tag == f"{W}fldChar":
                what = child.get(f"{W}fldCharType")
                if what == "begin":
                    self.in_field.append(True)
                elif what == "separate" and self.in_field:
                    self.in_field[-1] = False
                elif what == "end" and self.in_field:
                    self.in_field.pop()
                continue
            if self.in_field and self.in_field[-1]:
                continue
            if tag in (f"{W}t", f"{W}delText"):
                found += [_Piece(c, kind, new, old) for c in (child.text or "")]
            elif tag == f"{W}tab":
                found.append(_Piece("\t", kind, new, old))
            elif tag == f"{W}noBreakHyphen":
                found.append(_Piece("\u2011", kind, new, old))
            elif tag in OPAQUE:
                found.append(_Piece(chr(0xE000 + len(found) % 6000), kind, new, old, copy.deepcopy(child)))

    # ..................................................................... writing
    def paragraph(self, p) -> None:
        ppr = p.find(f"{W}pPr")
        had_ppr_change = ppr is not None and ppr.find(f".//{W}pPrChange") is not None
        if not _revised(p) and _mark_kind(ppr) is None:  # as it is (fields, links), numbered as text
            label = self.numbering.label(p, None) if self.numbering is not None else None
            at = 1 if ppr is not None else 0
            for run in reversed(_make_runs(*label) if label is not None else []):
                p.insert(at, run)
            if had_ppr_change:
                _change_bar(ppr)
            return
        self.in_field = []
        pieces: list[_Piece] = []
        self._collect(p, "same", pieces)
        has_old = any(x.kind != "ins" for x in pieces)
        has_new = any(x.kind != "del" for x in pieces)
        whole = "del" if pieces and not has_new else "ins" if pieces and not has_old else None
        if not pieces:
            whole = _mark_kind(ppr)
        label = self.numbering.label(p, whole) if self.numbering is not None else None
        if label is not None and whole == "del":  # the old number, struck with the paragraph
            pieces[:0] = [_Piece(c, "del", label[1], label[1]) for c in label[0]]
        old_side = [x for x in pieces if x.kind != "ins"]
        new_side = [x for x in pieces if x.kind != "del"]
        runs, changed = self._runs(old_side, new_side)
        if label is not None and whole != "del":
            runs[:0] = _make_runs(*label)
        for child in list(p):
            if child.tag != f"{W}pPr":
                p.remove(child)
        for run in runs:
            p.append(run)
        if changed or had_ppr_change or whole:
            if ppr is None:
                ppr = etree.Element(f"{W}pPr")
                p.insert(0, ppr)
            _change_bar(ppr)

    def _new_change(self, kind: str, **fields) -> int:
        self.changes.append(Change(len(self.changes), kind, part=self.part, **fields))
        return len(self.changes) - 1

    def _runs(self, old_side, new_side):
        """The paragraph's runs, word by word; whether anything in it changed."""
        old_text, new_text = "".join(x.char for x in old_side), "".join(x.char for x in new_side)
        old_tokens, new_tokens = _tokens(old_text), _tokens(new_text)
        matcher = difflib.SequenceMatcher(None, [t for t, _ in old_tokens], [t for t, _ in new_tokens],
                                          autojunk=False)
        runs, changed = [], False
        for op, i1, i2, j1, j2 in _merged(matcher.get_opcodes(), old_tokens, new_tokens):
            o1, o2 = _span(old_tokens, i1, i2, len(old_text))
            n1, n2 = _span(new_tokens, j1, j2, len(new_text))
            if op == "equal":
                made, formatted = self._equal(old_side[o1:o2], new_side[n1:n2], new_tokens[j1:j2], n1)
                runs += made
                changed = changed or formatted
                continue
            changed = True
            deleted, inserted = old_side[o1:o2], new_side[n1:n2]
            gone, added = old_text[o1:o2], new_text[n1:n2]
            kind = "changed" if gone.strip() and added.strip() else "deleted" if gone.strip() else "inserted"
            index = self._new_change(kind, deleted=_shown(gone), inserted=_shown(added),
                                     context=(" ".join(_shown(new_text[:n1]).split()[-3:]),
                                              " ".join(_shown(new_text[n2:]).split()[:3])))
            if deleted and inserted and not gone[-1:].isspace() and not added[:1].isspace():
                deleted = deleted + [_Piece(" ", "del", deleted[-1].old, deleted[-1].old)]
            runs += _pieces_runs(deleted, "old", lambda rpr: _marked(rpr, "del", index))
            runs += _pieces_runs(inserted, "new", lambda rpr: _marked(rpr, "ins", index))
        return runs, changed

    def _equal(self, old, new, tokens, start):
        """Runs of words the same in both versions: those whose format changed are marked."""
        runs, flagged, formatted = [], [], False
        for token, at in tokens:
            a, b = at - start, at - start + len(token)
            differs = [_visible(o.old) != _visible(n.new) for o, n in zip(old[a:b], new[a:b])]
            flagged.append(any(differs))
        i = 0
        while i < len(tokens):
            if not flagged[i]:
                a, b = tokens[i][1] - start, tokens[i][1] - start + len(tokens[i][0])
                runs += _pieces_runs(new[a:b], "new", lambda rpr: rpr)
                i += 1
                continue
            j = i
            while j + 1 < len(tokens) and (flagged[j + 1] or (tokens[j + 1][0].isspace() and j + 2 < len(tokens)
                                                              and flagged[j + 2])):
                j += 1
            a, b = tokens[i][1] - start, tokens[j][1] - start + len(tokens[j][0])
            words = "".join(x.char for x in new[a:b])
            index = self._new_change("format", inserted=_shown(words), note=_format_note(old[a:b], new[a:b]))
            runs += _pieces_runs(new[a:b], "new", lambda rpr: _marked(rpr, "fmt", index))
            formatted = True
            i = j + 1
        return runs, formatted


def _revised(p) -> bool:
    """Whether anything in ``p`` but its properties is a tracked change."""
    return any(True for child in p if child.tag != f"{W}pPr" for _ in child.iter(*REVISED, f"{W}rPrChange"))


def _mark_kind(ppr) -> str | None:
    """``ins``/``del`` when the paragraph mark itself is tracked as inserted or deleted."""
    rpr = ppr.find(f"{W}rPr") if ppr is not None else None
    if rpr is None:
        return None
    kinds = {REVISED[el.tag] for el in rpr if el.tag in REVISED}
    return kinds.pop() if len(kinds) == 1 else None


# --------------------------------------------------------------------------- runs and their format

def _marked(rpr, kind: str, index: int):
    """``rpr`` with the mark of change ``index``: struck red, underlined blue, double-underlined green."""
    made = copy.deepcopy(rpr) if rpr is not None else etree.Element(f"{W}rPr")
    for name in ("color", "u", "strike", "dstrike", "highlight"):
        for el in made.findall(f"{W}{name}"):
            made.remove(el)
    _put(made, _el("color", val=colour(kind, index)), RPR_ORDER)
    if kind == "del":
        _put(made, _el("strike"), RPR_ORDER)
    else:
        _put(made, _el("u", val="single" if kind == "ins" else "double", color=colour(kind, index)), RPR_ORDER)
    return made


def _pieces_runs(pieces, side: str, style) -> list:
    """Runs for ``pieces``, consecutive characters of one format in one run."""
    runs, group, key = [], [], None
    for piece in pieces:
        rpr = style(piece.old if side == "old" else piece.new)
        this = etree.tostring(rpr) if rpr is not None else b""
        if group and (this != key or piece.element is not None or group[-1][0].element is not None):
            runs.append(_run(group))
            group = []
        group.append((piece, rpr))
        key = this
    if group:
        runs.append(_run(group))
    return runs


def _run(group):
    r = etree.Element(f"{W}r")
    rpr = group[0][1]
    if rpr is not None and len(rpr):
        r.append(copy.deepcopy(rpr))
    if group[0][0].element is not None:
        r.append(group[0][0].element)
        return r
    _text_into(r, "".join(p.char for p, _ in group))
    return r


def _make_runs(text: str, rpr) -> list:
    r = etree.Element(f"{W}r")
    if rpr is not None and len(rpr):
        r.append(copy.deepcopy(rpr))
    _text_into(r, text)
    return [r]


def _text_into(r, text: str) -> None:
    for i, chunk in enumerate(text.split("\t")):
        if i:
            etree.SubElement(r, f"{W}tab")
        if chunk:
            t = etree.SubElement(r, f"{W}t")
            t.text = chunk
            t.set(XML_SPACE, "preserve")


def _change_bar(ppr) -> None:
    bdr = ppr.find(f"{W}pBdr")
    if bdr is None:
        bdr = etree.Element(f"{W}pBdr")
        _put(ppr, bdr, PPR_ORDER)
    for el in bdr.findall(f"{W}left"):
        bdr.remove(el)
    _put(bdr, _el("left", **BAR), BDR_ORDER)
