"""The redline DOCX as Word and LibreOffice expect it: paragraph marks, revision ids, authors.

The engine marks the words of a paragraph inserted or deleted whole, but not always the
paragraph's own mark (``w:pPr/w:rPr/w:ins`` or ``w:del``): Accept All then leaves the
paragraph's mark behind after a deletion, and Reject All keeps an empty paragraph after an
insertion, which in a numbered list prints as an empty numbered paragraph (found in 2 of 12
papers). :func:`fix_revisions` marks the paragraph mark of every paragraph whose every run is
inserted (or deleted), gives each revision a unique ``w:id``, and an author and a date where
one is missing, so that Accept All gives exactly the new paper and Reject All the old one.
"""
from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
PARTS = re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml")
INSERTED = (f"{W}ins", f"{W}moveTo")
DELETED = (f"{W}del", f"{W}moveFrom")
REVISIONS = tuple(f"{W}{t}" for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange",
                                      "tblPrChange", "trPrChange", "tcPrChange", "tblGridChange", "numberingChange"))
RANGES = tuple(f"{W}{t}" for t in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"))
RPR_FIRST = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")  # a paragraph mark's revision comes first in its w:rPr


def fix_revisions(docx: Path, *, author: str, date: str) -> int:
    """Rewrite ``docx`` in place as the module says; return the paragraph marks it marked."""
    with zipfile.ZipFile(docx) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i.filename) for i in infos}
    marked, seen = 0, set()
    next_id = [1 + max([int(m) for name, data in parts.items() if PARTS.fullmatch(name)
                        for m in re.findall(rb'w:id="(-?\d+)"', data)] or [0])]
    for name in [n for n in parts if PARTS.fullmatch(n)]:
        root = etree.fromstring(parts[name], etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
        marked += _mark_paragraphs(root, author, date, next_id)
        _unique_ids(root, next_id, seen)
        for el in root.iter(*REVISIONS):
            if not el.get(f"{W}author"):
                el.set(f"{W}author", author)
            if not el.get(f"{W}date"):
                el.set(f"{W}date", date)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            z.writestr(info, parts[info.filename])
    return marked


def _kind_of(p) -> str | None:
    """The revision every run of ``p`` is in: ``ins``, ``del``, ``moveTo`` or ``moveFrom`` (``ins``
    or ``del`` for a mix of insertions and moves); None when some run is in neither."""
    kinds = set()
    for r in p.iter(f"{W}r"):
        if any(a.tag == f"{W}pPr" for a in r.iterancestors()):
            continue
        found = [a.tag for a in r.iterancestors() if a.tag in INSERTED + DELETED]
        if not found:
            return None
        kinds.add(etree.QName(found[0]).localname)
    if not kinds:  # an empty paragraph: inserted or deleted when its mark is
        rpr = p.find(f"{W}pPr/{W}rPr")
        marks = [etree.QName(el).localname for el in (rpr if rpr is not None else []) if el.tag in RPR_FIRST]
        return marks[0] if len(marks) == 1 else None
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"ins", "moveTo"}:
        return "ins"
    return "del" if kinds <= {"del", "moveFrom"} else None


BLOCKS = (f"{W}p", f"{W}tbl", f"{W}sdt")
MARK_OF = {"ins": "ins", "moveTo": "ins", "del": "del", "moveFrom": "del"}  # LibreOffice reads a moved mark as kept


def _mark_paragraphs(root, author: str, date: str, next_id: list[int]) -> int:
    """Mark the paragraph marks of every run of paragraphs inserted or deleted whole.

    Not each paragraph's own mark: LibreOffice would then join paragraphs keeping the wrong
    one's properties (an inserted numbered paragraph rejected numbers the paragraph after it; a
    moved-away paragraph accepted numbers the heading after it) or could not join them at all
    (the last paragraph before a table or the end of a cell left empty). The marks move up by
    one instead, as Word writes text typed after a paragraph (each paragraph's own mark only
    for a run at the start of its container).
    The paragraph before the run takes the revision of the run's first paragraph, each
    paragraph of the run that of the next, and the run's last mark stays in both versions
    (:func:`_take_properties`)."""
    marked = 0
    containers = {p.getparent() for p in root.iter(f"{W}p") if p.getparent() is not None}
    for container in containers:
        blocks = [el for el in container if el.tag in BLOCKS]
        kinds = [_kind_of(el) if el.tag == f"{W}p" else None for el in blocks]
        i = 0
        while i < len(blocks):
            if kinds[i] is None:
                i += 1
                continue
            j = i
            while j + 1 < len(blocks) and kinds[j + 1] is not None:
                j += 1
            run, tags = blocks[i:j + 1], [MARK_OF[k] for k in kinds[i:j + 1]]
            before = blocks[i - 1] if i > 0 and blocks[i - 1].tag == f"{W}p" else None
            after = blocks[j + 1] if j + 1 < len(blocks) else None
            if before is not None:
                for p, tag in zip([before] + run[:-1], tags):
                    marked += _set_mark(p, tag, author, date, next_id)
                marked += _set_mark(run[-1], None, author, date, next_id)
                _take_properties(run, tags, before, author, date, next_id)
            elif after is not None and after.tag == f"{W}p":
                for p, tag in zip(run, tags):
                    marked += _set_mark(p, tag, author, date, next_id)
            i = j + 1
    return marked


def _mark_rpr(p):
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    rpr = ppr.find(f"{W}rPr")
    if rpr is None:
        rpr = etree.SubElement(ppr, f"{W}rPr")
        anchor = ppr.find(f"{W}pPrChange")  # w:rPr comes before w:pPrChange and w:sectPr
        anchor = anchor if anchor is not None else ppr.find(f"{W}sectPr")
        if anchor is not None:
            anchor.addprevious(rpr)
    return rpr


def _set_mark(p, tag: str | None, author: str, date: str, next_id: list[int]) -> int:
    """Give ``p``'s paragraph mark the revision ``tag`` (None: no revision); 1 when it changed."""
    rpr = _mark_rpr(p)
    present = [el for el in rpr if el.tag in RPR_FIRST]
    if tag is not None and len(present) == 1 and present[0].tag == f"{W}{tag}":
        return 0
    for el in present:
        rpr.remove(el)
    if tag is None:
        return 1 if present else 0
    mark = etree.Element(f"{W}{tag}")
    mark.set(f"{W}id", str(next_id[0]))
    mark.set(f"{W}author", author)
    mark.set(f"{W}date", date)
    next_id[0] += 1
    rpr.insert(0, mark)
    return 1


PROPERTY_SKIP = (f"{W}rPr", f"{W}pPrChange", f"{W}sectPr")


def _take_properties(run, tags, before, author: str, date: str, next_id: list[int]) -> None:
    """The run's last paragraph keeps its mark in both versions: it ends the last paragraph
    inserted (or ``before``) once accepted and the last deleted (or ``before``) once rejected, so
    its properties become the first's, with the second's recorded as the change
    (``w:pPrChange``): accepting and rejecting give each paragraph its own properties."""
    def plain(p):
        ppr = p.find(f"{W}pPr")
        made = etree.Element(f"{W}pPr")
        for el in (ppr if ppr is not None else []):
            if el.tag not in PROPERTY_SKIP:
                child = copy.deepcopy(el)
                for note in child.iter(f"{W}numberingChange"):
                    note.getparent().remove(note)
                made.append(child)
        return made

    inserted = [p for p, t in zip(run, tags) if t in ("ins", "moveTo")]
    deleted = [p for p, t in zip(run, tags) if t in ("del", "moveFrom")]
    now, was = plain(inserted[-1] if inserted else before), plain(deleted[-1] if deleted else before)
    last = run[-1]
    ppr = last.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        last.insert(0, ppr)
    keep = [el for el in ppr if el.tag in (f"{W}rPr", f"{W}sectPr")]
    for el in list(ppr):
        ppr.remove(el)
    for el in list(now):
        ppr.append(el)
    for el in keep:
        ppr.append(el)
    if etree.tostring(now) != etree.tostring(was):
        change = etree.SubElement(ppr, f"{W}pPrChange")
        change.set(f"{W}id", str(next_id[0]))
        change.set(f"{W}author", author)
        change.set(f"{W}date", date)
        next_id[0] += 1
        change.append(was)  # last: after w:rPr and w:sectPr, as the schema orders them


def _unique_ids(root, next_id: list[int], seen: set[str]) -> None:
    """A fresh ``w:id`` for every revision whose id another revision (of any part) already has."""
    for el in root.iter(*REVISIONS):
        ident = el.get(f"{W}id")
        if ident is None or ident in seen:
            el.set(f"{W}id", str(next_id[0]))
            next_id[0] += 1
        seen.add(el.get(f"{W}id"))
