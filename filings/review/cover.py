"""A redline PDF's cover page: the paper, the two versions, and every change with its page and causes.

The display document (:mod:`filings.review.marked`) colours each change with a colour that
carries its index; once LibreOffice has printed it, :func:`change_pages` reads each
character's fill colour back with PDFium, so each change is listed with the page it prints
on. The cover is drawn with reportlab in the fonts of the exhibit index
(:mod:`filings.exhibits.frontmatter`: Liberation Serif, with fallbacks for other scripts), put
in front of the redline with pikepdf, and each row links to its page.
"""
from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Sequence

from filings.review.marked import CODES, Change, decode

PAGE_W, PAGE_H, MARGIN = 612.0, 792.0, 72.0
KEY = ("Deletions are struck through in red, each before the words that replace it, which are underlined in "
       "blue; words whose format alone changed are double-underlined in green. A bar in the left margin marks "
       "every changed paragraph. List numbers are the new version's; a paragraph deleted whole shows its old "
       "number struck through.")


def change_pages(pdf: Path, changes: Sequence[Change], offset: int = 0) -> None:
    """Set each change's ``page`` (1-based, plus ``offset``) from the colours printed in ``pdf``."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    seen: dict[int, list[int]] = {}
    doc = pdfium.PdfDocument(str(pdf))
    try:
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        for number in range(len(doc)):
            page = doc[number]
            text = page.get_textpage()
            last = None
            for i in range(text.count_chars()):
                if not raw.FPDFText_GetFillColor(text.raw, i, r, g, b, a):
                    continue
                rgb = (r.value, g.value, b.value)
                if rgb == last or rgb == (0, 0, 0):
                    continue
                last = rgb
                code = decode(rgb)
                if code is not None and (not seen.get(code) or seen[code][-1] != number + 1):
                    seen.setdefault(code, []).append(number + 1)
            text.close()
            page.close()
    finally:
        doc.close()
    floor = 1
    for change in changes:
        pages = seen.get(change.index % CODES, [])
        if change.part == "document":
            later = [p for p in pages if p >= floor]
            change.page = later[0] if later else (pages[0] if pages else None)
            floor = change.page or floor
        else:
            change.page = pages[0] if pages else None
        if change.page is not None:
            change.page += offset


def describe(change: Change) -> str:
    """One change in words, for the cover."""
    def quoted(text: str, limit: int = 90) -> str:
        return "\u201c" + (text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026") + "\u201d"

    where = "" if change.part == "document" else f" (in the {change.part.rstrip('0123456789')})"
    if change.kind == "format":
        return f"{quoted(change.inserted)}: {change.note.removeprefix('format changed: ')}{where}"
    before, after = change.context
    before = f"\u2026{before} " if before else ""
    after = (after if after[:1] in ",.;:)" else f" {after}") + "\u2026" if after else ""
    if change.kind == "deleted":
        return f"deleted {quoted(change.deleted)}{where}"
    if change.kind == "inserted":
        return f"inserted {quoted(change.inserted)}{where}"
    return f"{before}{quoted(change.deleted, 60)} \u2192 {quoted(change.inserted, 60)}{after}{where}"


def draw_cover(path: Path, *, paper: str, versions: tuple[str, str], changes: Sequence[Change],
               causes: Sequence[str] = ()) -> list[tuple[int, tuple[float, float, float, float], int]]:
    """Draw the cover into ``path``; return (cover page, link rectangle, target page) for each
    change with a page."""
    from reportlab.pdfgen.canvas import Canvas

    from filings.exhibits.frontmatter import SERIF, SERIF_BOLD, draw_text, register_fonts, wrap

    register_fonts()
    canvas = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    canvas.setTitle(f"Redline of {paper}")
    links: list[tuple[int, tuple[float, float, float, float], int]] = []
    width = PAGE_W - 2 * MARGIN
    state = {"page": 0, "y": PAGE_H - MARGIN}

    def line(text: str, style: str = SERIF, size: float = 11, indent: float = 0, gap: float = 3) -> None:
        """``text`` wrapped, its lines ``size`` * 1.2 apart, ``gap`` after the last."""
        for piece in wrap(text, style, size, width - indent) or [""]:
            room(size * 1.2)
            draw_text(canvas, MARGIN + indent, state["y"] - size, piece, style, size)
            state["y"] -= size * 1.2
        state["y"] -= max(0.0, gap - size * 0.2)

    def room(height: float) -> None:
        if state["y"] - height < MARGIN:
            canvas.showPage()
            state["page"] += 1
            state["y"] = PAGE_H - MARGIN

    line(f"Redline: {paper}", SERIF_BOLD, 16, gap=10)
    line(f"Old version: {versions[0]}")
    line(f"New version: {versions[1]}", gap=10)
    line(KEY, size=10, gap=12)
    if causes:
        line("Why it changed", SERIF_BOLD, 12, gap=6)
        for cause in causes:
            line(f"\u2022 {cause}", indent=12)
        state["y"] -= 8
    count = len(changes)
    line(f"{count} change{'s' if count != 1 else ''}" if count else "No change is shown in this redline.",
         SERIF_BOLD, 12, gap=6)
    for n, change in enumerate(changes, 1):
        page = f"page {change.page}" if change.page else ""
        lines = wrap(describe(change), SERIF, 10.5, width - 100) or [""]
        room((10.5 + 3) * len(lines))
        top = state["y"]
        draw_text(canvas, MARGIN, top - 10.5, f"{n}.", SERIF, 10.5)
        draw_text(canvas, MARGIN + 28, top - 10.5, page, SERIF, 10.5)
        for piece in lines:
            draw_text(canvas, MARGIN + 100, state["y"] - 10.5, piece, SERIF, 10.5)
            state["y"] -= 10.5 + 3
        if change.page:
            links.append((state["page"], (MARGIN, state["y"], PAGE_W - MARGIN, top), change.page))
    canvas.showPage()
    canvas.save()
    return links


def with_cover(redline_pdf: Path, *, paper: str, versions: tuple[str, str], changes: Sequence[Change],
               causes: Sequence[str] = ()) -> None:
    """Put the cover in front of ``redline_pdf`` (in place), each change listed with its page
    in the finished file and linked to it."""
    import pikepdf

    cover = redline_pdf.with_name(redline_pdf.stem + ".cover.pdf")
    try:
        pages = 1
        for _ in range(3):  # the pages the cover takes move every page number after it
            change_pages(redline_pdf, changes, offset=pages)
            links = draw_cover(cover, paper=paper, versions=versions, changes=changes, causes=causes)
            with pikepdf.open(cover) as drawn:
                made = len(drawn.pages)
            if made == pages:
                break
            pages = made
        with pikepdf.open(redline_pdf, allow_overwriting_input=True) as body, pikepdf.open(cover) as front:
            for i, page in enumerate(front.pages):
                body.pages.insert(i, page)
            for on, rect, target in links:
                if target - 1 >= len(body.pages):
                    continue
                annot = body.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=list(rect),
                    Border=[0, 0, 0], Dest=[body.pages[target - 1].obj, pikepdf.Name.Fit]))
                host = body.pages[on].obj
                if "/Annots" not in host:
                    host.Annots = body.make_indirect(pikepdf.Array())
                host.Annots.append(annot)
            body.save(redline_pdf, deterministic_id=True)
    finally:
        cover.unlink(missing_ok=True)
