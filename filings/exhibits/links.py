"""An exhibit's own links and bookmarks, carried into the bundle.

As an exhibit is opened, each of its links to its own pages is marked with the page's index
(so it survives the copy; a link to a page that does not exist is marked for removal) and
its bookmarks are read. In the bundle, those links are pointed at the exhibit's pages there,
the index rows link to the covers, and the bundle's bookmarks are made, with each exhibit's
own nested, closed, under its bookmark.
"""
from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from filings.exhibits.exhibit import BundledExhibit


class Targets:
    """Finds the page (0-based) that a destination of one PDF points at."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        self.named = _named_destinations(pdf)

    def page_of(self, dest) -> int | None:
        if isinstance(dest, (String, Name)):
            dest = self.named.get(str(dest)[1:] if isinstance(dest, Name) else str(dest))
        if isinstance(dest, Array) and len(dest) and isinstance(dest[0], Dictionary):
            return self.index.get(dest[0].objgen)
        return None


def read_outline(pdf: pikepdf.Pdf, targets: Targets, limit: int = 500) -> list[tuple[int, str, int]]:
    """The exhibit's own bookmarks as (depth, title, page), to nest under its bookmark."""
    found: list[tuple[int, str, int]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if len(found) >= limit or depth > 3:
                return
            dest = item.destination
            if dest is None and isinstance(item.action, Dictionary) and item.action.get("/S") == "/GoTo":
                dest = item.action.get("/D")
            page = targets.page_of(dest)
            if page is not None:
                found.append((depth, str(item.title), page))
            walk(item.children, depth + 1)

    try:
        with pdf.open_outline() as outline:
            walk(outline.root, 0)
    except Exception:  # a broken outline costs the exhibit its bookmarks, nothing else
        return []
    return found


def mark_internal_links(pdf: pikepdf.Pdf, targets: Targets) -> int:
    """Replace links to pages of the same file by the page's index, so they survive the copy.

    Returns how many links lead nowhere (they are removed from the bundle).
    """
    broken = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and isinstance(action, Dictionary) and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if dest is None:
                continue
            target = targets.page_of(dest)
            for key in ("/Dest", "/A"):
                if key in annot and (key == "/Dest" or action.get("/S") == "/GoTo"):
                    del annot[key]
            annot["/FilingsTarget"] = target if target is not None else -1
            broken += target is None
    return broken


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, Array]:
    found: dict[str, Array] = {}
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary) and "/Dests" in names:
        try:
            for key, value in pikepdf.NameTree(names.Dests).items():
                found[str(key)] = value.get("/D") if isinstance(value, Dictionary) else value
        except Exception:
            pass
    dests = pdf.Root.get("/Dests")
    if isinstance(dests, Dictionary):
        for key, value in dests.items():
            found[key[1:]] = value.get("/D") if isinstance(value, Dictionary) else value
    return found


def resolve_links(pages: list[pikepdf.Page], b: BundledExhibit) -> None:
    """Point the exhibit's internal links at its pages in the bundle (dropping broken ones)."""
    for i in range(b.first_page + 1, b.first_page + 1 + b.pages):
        page = pages[i]
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            target = annot.get("/FilingsTarget")
            if target is None:
                kept.append(annot)
                continue
            del annot["/FilingsTarget"]
            if int(target) >= 0:
                annot.Dest = Array([pages[b.first_page + 1 + int(target)].obj, Name.Fit])
                kept.append(annot)
        page.obj.Annots = kept


def add_index_links(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], front, placed) -> None:
    for (page_no, rect), b in zip(front.row_links, placed):
        page = pages[page_no]
        link = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array(list(rect)), Border=Array([0, 0, 0]),
            Dest=Array([pages[b.first_page].obj, Name.Fit])))
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(link)


def add_outline(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], placed, heading: str) -> None:
    def to(page: int) -> Array:
        return Array([pages[page].obj, Name.Fit])

    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(heading, to(0)))
        for b in placed:
            item = pikepdf.OutlineItem(f"Exhibit {b.exhibit.mark} — {b.exhibit.title}", to(b.first_page))
            _nest(item, b.outline, lambda page, b=b: to(b.first_page + 1 + page))
            outline.root.append(item)


def _nest(parent: pikepdf.OutlineItem, entries: list[tuple[int, str, int]], to) -> None:
    """Hang an exhibit's own bookmarks (depth, title, page) under its bookmark, closed."""
    stack = [parent]
    for depth, title, page in entries:
        del stack[depth + 1:]
        item = pikepdf.OutlineItem(title, to(page))
        stack[-1].children.append(item)
        stack.append(item)
