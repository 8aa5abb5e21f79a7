"""List numbers as text: the number each paragraph of a redline prints, in the new version
(and in the old, for a paragraph deleted whole), counted from numbering.xml's levels and a
paragraph's own ``w:numPr`` or its style's, so that the display document
(:mod:`filings.review.marked`) prints them once, as plain text, with no list numbering that
LibreOffice could draw again as "10.[11.]". Also the WordprocessingML helpers both use, and
what of a run's format shows (:func:`_visible`), said in words (:func:`_format_note`).
"""
from __future__ import annotations

import copy
import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
# The parts come from papers cleaned as Word exhibits are; still, no entity expanded, nothing fetched.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse(data: bytes):
    """One part of a DOCX package, read with :data:`PARSER`."""
    return etree.fromstring(data, PARSER)
REVISION_MARKS = {f"{W}{t}" for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange",
                                      "trPrChange", "tcPrChange", "tblGridChange", "numberingChange",
                                      "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                                      "moveToRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd",
                                      "customXmlDelRangeStart", "customXmlDelRangeEnd", "proofErr",
                                      "lastRenderedPageBreak")}
REVISED = {f"{W}ins": "ins", f"{W}moveTo": "ins", f"{W}del": "del", f"{W}moveFrom": "del"}
PPR_ORDER = [f"{W}{t}" for t in (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
    "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")]

def _el(name: str, **attrs):
    el = etree.Element(f"{W}{name}")
    for k, v in attrs.items():
        el.set(f"{W}{k}", v)
    return el


def _put(parent, child, order) -> None:
    """Insert ``child`` in ``parent`` where the schema's ``order`` puts it."""
    rank = order.index(child.tag) if child.tag in order else len(order)
    for i, el in enumerate(parent):
        if (order.index(el.tag) if el.tag in order else len(order)) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def _clean_rpr(rpr):
    """A copy of ``rpr`` without its revision marks (None for none)."""
    if rpr is None:
        return None
    made = copy.deepcopy(rpr)
    for el in list(made):
        if el.tag in REVISION_MARKS or el.tag in REVISED:
            made.remove(el)
    return made



FORMAT_WORDS = {"b": "bold", "i": "italic", "u": "underline", "strike": "strikethrough", "dstrike": "double strikethrough",
                "caps": "capitals", "smallCaps": "small capitals", "vanish": "hidden", "highlight": "highlight",
                "vertAlign": "superscript/subscript", "color": "colour", "sz": "size", "rFonts": "font",
                "rStyle": "character style", "shd": "shading", "spacing": "spacing"}
RPR_ORDER = [f"{W}{t}" for t in (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath")]

def _visible(rpr) -> tuple:
    """What of a run's format shows, comparable between the two versions."""
    if rpr is None:
        return ()
    found = []
    for el in rpr:
        name = etree.QName(el).localname
        if name in ("lang", "noProof", "rtl", "cs", "webHidden", "snapToGrid", "bCs", "iCs", "szCs"):
            continue
        value = tuple(sorted((etree.QName(k).localname, v) for k, v in el.attrib.items()))
        if name in ("b", "i", "caps", "smallCaps", "strike", "dstrike", "vanish") and value in (
                (("val", "0"),), (("val", "false"),)):
            continue
        found.append((name, value))
    return tuple(sorted(found))


def _format_note(old, new) -> str:
    """What changed in the format of these words, in words ("bold added")."""
    before = {name for x in old for name, _ in _visible(x.old)}
    after = {name for x in new for name, _ in _visible(x.new)}
    both = {name for x, y in zip(old, new) for name in dict(_visible(x.old)).keys() & dict(_visible(y.new)).keys()
            if dict(_visible(x.old))[name] != dict(_visible(y.new))[name]}
    said = [f"{FORMAT_WORDS.get(n, n)} added" for n in sorted(after - before)]
    said += [f"{FORMAT_WORDS.get(n, n)} removed" for n in sorted(before - after)]
    said += [f"{FORMAT_WORDS.get(n, n)} changed" for n in sorted(both - (after - before) - (before - after))]
    return "format changed: " + (", ".join(said) if said else "formatting")


# --------------------------------------------------------------------------- list numbers

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """The list numbers of a document's paragraphs, counted in the old and the new version
    apart, printed as text: numbering.xml's levels, a paragraph's own ``w:numPr`` or its style's."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None):
        self.levels: dict[str, dict[int, dict]] = {}
        self.abstract_of: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str | None, str | None]] = {}
        self.counts = {"old": {}, "new": {}}
        if numbering_xml:
            root = parse(numbering_xml)
            for a in root.iter(f"{W}abstractNum"):
                self.levels[a.get(f"{W}abstractNumId")] = {
                    int(lvl.get(f"{W}ilvl", "0")): self._level(lvl) for lvl in a.iter(f"{W}lvl")}
            for num in root.iter(f"{W}num"):
                ident = num.get(f"{W}numId")
                ref = num.find(f"{W}abstractNumId")
                self.abstract_of[ident] = ref.get(f"{W}val") if ref is not None else None
                self.overrides[ident] = {int(o.get(f"{W}ilvl", "0")): int(s.get(f"{W}val"))
                                         for o in num.iter(f"{W}lvlOverride")
                                         for s in o.iter(f"{W}startOverride")}
        if styles_xml:
            root = parse(styles_xml)
            based, own = {}, {}
            for style in root.iter(f"{W}style"):
                sid = style.get(f"{W}styleId")
                base = style.find(f"{W}basedOn")
                based[sid] = base.get(f"{W}val") if base is not None else None
                num = style.find(f"{W}pPr/{W}numPr")
                if num is not None:
                    own[sid] = (_val(num, "numId"), _val(num, "ilvl"))
            for sid in based:
                seen, at, num_id, ilvl = set(), sid, None, None
                while at and at not in seen:
                    seen.add(at)
                    n, lv = own.get(at, (None, None))
                    num_id, ilvl = num_id or n, ilvl or lv
                    at = based.get(at)
                self.style_num[sid] = (num_id, ilvl)

    @staticmethod
    def _level(lvl) -> dict:
        start = lvl.find(f"{W}start")
        return {"start": int(start.get(f"{W}val")) if start is not None else 1,
                "fmt": _val(lvl, "numFmt") or "decimal", "text": _val(lvl, "lvlText") or "",
                "suffix": _val(lvl, "suff") or "tab", "ind": lvl.find(f"{W}pPr/{W}ind"),
                "rPr": lvl.find(f"{W}rPr")}

    def _num_of(self, ppr) -> tuple[str | None, int]:
        if ppr is None:
            return None, 0
        style = ppr.find(f"{W}pStyle")
        num_id, ilvl = self.style_num.get(style.get(f"{W}val"), (None, None)) if style is not None else (None, None)
        direct = ppr.find(f"{W}numPr")
        if direct is not None:
            num_id = _val(direct, "numId") or num_id
            ilvl = _val(direct, "ilvl") or ilvl
        return num_id, int(ilvl or 0)

    def _count(self, side: str, num_id: str, ilvl: int) -> tuple[str, dict] | None:
        abstract = self.abstract_of.get(num_id)
        levels = self.levels.get(abstract)
        if not levels or ilvl not in levels:
            return None
        counts = self.counts[side].setdefault(abstract, {})
        start = lambda lv: self.overrides.get(num_id, {}).get(lv, levels.get(lv, {}).get("start", 1))
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else start(ilvl)
        for deeper in [lv for lv in counts if lv > ilvl]:
            del counts[deeper]
        level = levels[ilvl]
        if level["fmt"] == "bullet":
            return level["text"], level
        text = re.sub(r"%([1-9])", lambda m: _format_number(
            counts.get(int(m.group(1)) - 1, start(int(m.group(1)) - 1)), levels.get(int(m.group(1)) - 1, level)["fmt"]),
            level["text"])
        return text, level

    def label(self, p, whole: str | None):
        """The number paragraph ``p`` prints (the new one; the old one for a paragraph deleted
        whole) with its separator and format, the list numbering taken off ``p`` (its indents
        kept); None for a paragraph outside a list."""
        ppr = p.find(f"{W}pPr")
        change = ppr.find(f"{W}pPrChange/{W}pPr") if ppr is not None else None
        old_num = self._num_of(change if change is not None else ppr)
        new_num = self._num_of(ppr)
        shown = None
        if whole != "ins" and old_num[0] not in (None, "0"):
            counted = self._count("old", *old_num)
            if whole == "del":
                shown = counted
        if whole != "del" and new_num[0] not in (None, "0"):
            shown = self._count("new", *new_num)
        if new_num[0] in (None, "0") and old_num[0] in (None, "0"):
            return None
        if ppr is not None:
            level = shown[1] if shown else None
            if level is not None and level["ind"] is not None and ppr.find(f"{W}ind") is None:
                _put(ppr, copy.deepcopy(level["ind"]), PPR_ORDER)
            for el in ppr.findall(f"{W}numPr"):
                ppr.remove(el)
            off = etree.Element(f"{W}numPr")
            off.append(_el("ilvl", val="0"))
            off.append(_el("numId", val="0"))
            _put(ppr, off, PPR_ORDER)
        if shown is None or not shown[0]:
            return None
        text, level = shown
        separator = {"tab": "\t", "space": " "}.get(level["suffix"], "")
        rpr = _clean_rpr(level["rPr"])
        if rpr is None and ppr is not None:
            rpr = _clean_rpr(ppr.find(f"{W}rPr"))
        return text + separator, rpr


def _val(parent, name: str) -> str | None:
    el = parent.find(f"{W}{name}")
    return el.get(f"{W}val") if el is not None else None
