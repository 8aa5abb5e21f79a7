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
        root = etree.fromstring(parts[name])
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
    """``ins`` when every run of ``p`` is inserted, ``del`` when every run is deleted."""
    kinds = set()
    for r in p.iter(f"{W}r"):
        if any(a.tag == f"{W}pPr" for a in r.iterancestors()):
            continue
        ancestors = {a.tag for a in r.iterancestors() if a is not p}
        kinds.add("ins" if ancestors & set(INSERTED) else "del" if ancestors & set(DELETED) else "same")
        if "same" in kinds:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def _mark_paragraphs(root, author: str, date: str, next_id: list[int]) -> int:
    marked = 0
    for p in list(root.iter(f"{W}p")):
        kind = _kind_of(p)
        if kind is None:
            continue
        target = p
        following = [s for s in p.itersiblings() if s.tag in (f"{W}p", f"{W}tbl", f"{W}sdt")]
        if not following:  # a container's last paragraph mark stays: the one before it goes instead
            before = p.getprevious()
            while before is not None and before.tag != f"{W}p":
                before = before.getprevious() if before.tag not in (f"{W}tbl", f"{W}sdt") else None
            if before is None:
                continue
            target = before
        ppr = target.find(f"{W}pPr")
        if ppr is None:
            ppr = etree.Element(f"{W}pPr")
            target.insert(0, ppr)
        rpr = ppr.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(ppr, f"{W}rPr")
            change = ppr.find(f"{W}pPrChange")  # w:rPr comes before w:pPrChange and w:sectPr
            anchor = change if change is not None else ppr.find(f"{W}sectPr")
            if anchor is not None:
                anchor.addprevious(rpr)
        if any(el.tag in RPR_FIRST for el in rpr):
            continue
        mark = etree.Element(f"{W}{kind}")
        mark.set(f"{W}id", str(next_id[0]))
        mark.set(f"{W}author", author)
        mark.set(f"{W}date", date)
        next_id[0] += 1
        rpr.insert(0, mark)
        marked += 1
    return marked


def _unique_ids(root, next_id: list[int], seen: set[str]) -> None:
    """A fresh ``w:id`` for every revision whose id another revision (of any part) already has."""
    for el in root.iter(*REVISIONS):
        ident = el.get(f"{W}id")
        if ident is None or ident in seen:
            el.set(f"{W}id", str(next_id[0]))
            next_id[0] += 1
        seen.add(el.get(f"{W}id"))
