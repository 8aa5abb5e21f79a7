"""Excerpts: an exhibit made of some pages of a file (``pages: 3-7, 12``).

The file's PDF is cut to those pages, in the order written, before the bundle opens it: the
bundle, its Bates numbers and the exhibit's own file hold only them. The cut keeps the
file's bookmarks and links to the pages kept; a link to a page left out is taken out here, and a
bookmark to one finds no page when the bundle reads it (:mod:`.links`) and is dropped.
"""
from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary

from filings.exhibits.links import Targets

INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class Unreadable(ValueError):
    """The file cannot be cut: the bundle opens it whole and says why."""


class PastTheEnd(ValueError):
    """A page the facts name is past the end of the file: the words after ``exhibits.N.pages: ``."""


def _drop_links_out(pdf: pikepdf.Pdf, kids: list, pages: list[int]) -> None:
    """Take out the links of the kept pages that lead to a page left out: the excerpt meant to
    leave it out, so no warning is due (a link that led nowhere in the file is left for
    :mod:`.links` to drop and warn of)."""
    targets, wanted = Targets(pdf), set(pages)
    for n in pages:
        page = kids[n - 1].obj
        annots = page.get("/Annots")
        if not isinstance(annots, Array):
            continue
        kept = Array()
        for annot in annots:
            dest = annot.get("/Dest") if isinstance(annot, Dictionary) else None
            action = annot.get("/A") if isinstance(annot, Dictionary) else None
            if dest is None and isinstance(action, Dictionary) and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            target = targets.page_of(dest) if dest is not None and annot.get("/Subtype") == "/Link" else None
            if target is None or target + 1 in wanted:
                kept.append(annot)
        page.Annots = kept


def page_count(pdf: Path, password: str | None = None) -> int | None:
    """How many pages ``pdf`` has; None when it cannot be opened (the bundle says why, later)."""
    try:
        with pikepdf.open(pdf, password=password or "") as opened:
            return len(opened.pages)
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError):
        return None


def check_pages(pages: list[int], total: int, name: str) -> None:
    """Raise :class:`PastTheEnd` when a page of ``pages`` is past the end of a ``total``-page file."""
    last = max(pages)
    if last > total:
        raise PastTheEnd(f"page {last} is past the end of {name} ({total} page{'s' if total != 1 else ''}); "
                         "check the page numbers against the file")


def cut_excerpt(source: Path, pages: list[int], dest: Path, name: str, password: str | None = None) -> int:
    """Write the ``pages`` (1-based, in order) of ``source`` to ``dest``; return the page count of
    ``source``. Raises :class:`PastTheEnd`, or :class:`Unreadable` for a file it cannot read."""
    try:
        return _cut(source, pages, dest, name, password)
    except (pikepdf.PdfError, OSError, RuntimeError) as err:
        raise Unreadable(str(err)) from None


def _cut(source: Path, pages: list[int], dest: Path, name: str, password: str | None) -> int:
    with pikepdf.open(source, password=password or "") as pdf:
        kids = list(pdf.pages)
        total = len(kids)
        check_pages(pages, total, name)
        _drop_links_out(pdf, kids, pages)
        tree = pdf.Root.Pages
        kept = Array()
        for n in pages:
            obj = kids[n - 1].obj
            parent = obj.get("/Parent")
            depth = 0
            while isinstance(parent, Dictionary) and depth < 64:  # what a page inherits, made its own
                for key in INHERITABLE:
                    if key not in obj and key in parent:
                        obj[key] = parent[key]
                parent, depth = parent.get("/Parent"), depth + 1
            obj.Parent = tree
            kept.append(obj)
        tree.Kids = kept
        tree.Count = len(kept)
        for key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):
            if key in tree:
                del tree[key]
        pdf.save(dest, deterministic_id=True)
    return total
