"""What a merged draft must hold: every edit of the attorney's, read as the attorney would.

:func:`attorney_view` reads a document with every conflict the merge marked rejected (the
attorney's reading); :func:`lost_edits` compares it with the attorney's copy and names each
edit of theirs the merged draft does not hold: words they added or changed, a paragraph they
wrote, a footnote they added, a paragraph they removed that is back. The check that keeps a
build from publishing a draft that dropped an edit.
"""
from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from filings.convert.officedocx import unwrap
from filings.edits.merge import align, short
from filings.edits.package import DOCUMENT, Package
from filings.edits.wordxml import DEL, INS, OBJECT, P, PPR, RPR, RUN, T, W, deleted, text, tokens, w


def attorney_view(root: etree._Element, author_prefix: str = "filings") -> list[str]:
    """The paragraphs of a document as its attorney's reading: every change by ``author_prefix``
    (a conflict the merge marked) rejected, every other tracked change as it stands."""
    root = copy.deepcopy(root)
    for p in list(root.iter(P)):
        mark = p.find(f"{PPR}/{RPR}/{INS}")
        if mark is not None and mark.get(w("author"), "").startswith(author_prefix):
            p.getparent().remove(p)
    for ins in list(root.iter(INS)):
        if ins.get(w("author"), "").startswith(author_prefix) and ins.getparent() is not None \
                and ins.getparent().tag != RPR:
            ins.getparent().remove(ins)
    for gone in list(root.iter(DEL)):
        if gone.get(w("author"), "").startswith(author_prefix) and gone.getparent().tag != RPR:
            for t in gone.iter(w("delText")):
                t.tag = T
            unwrap(gone)
    return [text(p) for p in root.iter(P) if not deleted(p)]


def _paragraphs(root: etree._Element) -> list[etree._Element]:
    return [p for p in root.iter(P) if not deleted(p)]


def lost_edits(base: Path, edited: Path, merged: Path) -> list[str]:
    """The attorney's edits (``base`` → ``edited``) that ``merged`` does not hold, read with every
    conflict resolved their way: words they added or changed that are missing from the paragraph
    they wrote, a paragraph they wrote that is gone, a paragraph they removed that is back."""
    b, e, m = (Package(p).xml(DOCUMENT) for p in (base, edited, merged))
    theirs = attorney_view(m)
    wrote = attorney_view(e)
    was = [text(p) for p in _paragraphs(b)]
    lost = []
    mine = _shadow(wrote)
    to_merged = align(mine, _shadow(theirs))
    from_base = align(_shadow(was), mine)
    origin = {j: i for i, j in from_base.items()}
    for j, value in enumerate(wrote):
        if value in was and was.count(value) >= wrote.count(value):
            continue  # not the attorney's: as built
        if j not in to_merged:
            if value.strip():
                lost.append(f'the paragraph you wrote, "{short(value)}", is missing')
            continue
        now = theirs[to_merged[j]]
        before = was[origin[j]] if j in origin else ""
        for added in _added(before, value):
            if added not in now:
                lost.append(f'your words "{short(added)}" are missing from "{short(now)}"')
    notes = f"{{{W}}}footnoteReference"
    if sum(1 for _ in m.iter(notes)) < sum(1 for _ in e.iter(notes)) and \
            sum(1 for _ in e.iter(notes)) > sum(1 for _ in b.iter(notes)):
        lost.append("a footnote you added is missing")
    for i, value in enumerate(was):
        if value.strip() and OBJECT not in value and wrote.count(value) < was.count(value) \
                and theirs.count(value) > wrote.count(value) and i not in from_base:
            lost.append(f'the paragraph you removed, "{short(value)}", is back')
    return lost


def _shadow(values: list[str]) -> list[etree._Element]:
    """Paragraphs holding ``values``: what :func:`align` compares."""
    made = []
    for value in values:
        p = etree.Element(P)
        etree.SubElement(etree.SubElement(p, RUN), T).text = value
        made.append(p)
    return made


def _added(before: str, after: str) -> list[str]:
    from difflib import SequenceMatcher
    tb, ta = tokens(before), tokens(after)
    found = []
    for tag, _, _, j1, j2 in SequenceMatcher(None, tb, ta, autojunk=False).get_opcodes():
        piece = "".join(ta[j1:j2]).strip()
        if tag in ("insert", "replace") and any(c.isalnum() for c in piece):
            found.append(piece)
    return found
