"""Pages of their own, drawn with reportlab in the embedded Liberation fonts like the front
matter (:mod:`.frontmatter`, whose text drawing they use): the public version's slip sheets,
the marks laid on the bundle's pages (a version's legend, the exhibit stamp) and the pages
that stand for attachments removed from an exhibit. Every page starts in an embedded font,
never in reportlab's unembedded Helvetica.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from filings.exhibits.frontmatter import INCH, SERIF, SERIF_BOLD, draw_text, register_fonts, shaped, text_width, wrap


def draw_slip_sheet(path: Path, *, heading: str, lines: list[str], pages: int, legend: str) -> Path:
    """The pages that stand in the public bundle for a confidential exhibit (CIT Rule 5(g)):
    as many as the exhibit has, so Bates numbers and ranges are those of the confidential
    bundle; the first says why, each carries ``legend`` at its top."""
    register_fonts()
    width, height = LETTER
    canvas = Canvas(str(path), pagesize=LETTER, pageCompression=1, invariant=1,
                    initialFontName=SERIF, initialFontSize=11, initialLeading=13)
    canvas.setTitle(heading)
    for n in range(max(pages, 1)):
        draw_text(canvas, width - INCH - text_width(shaped(legend), SERIF_BOLD, 11), height - 0.6 * INCH,
                  shaped(legend), SERIF_BOLD, 11)
        if n == 0:
            draw_text(canvas, width / 2, height * 0.58, shaped(heading), SERIF_BOLD, 20, centred=True)
            y = height * 0.58 - 36
            for text in lines:
                for line in wrap(shaped(text), SERIF, 12, width - 3 * INCH):
                    draw_text(canvas, width / 2, y, line, SERIF, 12, centred=True)
                    y -= 16
                y -= 8
        else:
            draw_text(canvas, width / 2, height / 2, shaped(f"Page {n + 1} of {pages} withheld"), SERIF, 12,
                      centred=True)
        canvas.showPage()
    canvas.save()
    return path


def draw_legend(path: Path, legend: str, size: float) -> tuple[float, float]:
    """``legend`` alone on a page just its size (bold, ``size`` points), to be laid over the
    pages of a confidential or public bundle; returns the page's width and height. Every font
    on the page is embedded (the canvas starts in the legend's font, not reportlab's Helvetica)."""
    return draw_mark(path, legend, size, boxed=False)


MARK_DESCENT, MARK_HEIGHT, BOX_PAD = 0.3, 1.25, 0.35  # of the size: a mark's baseline and height, a box's padding


def draw_mark(path: Path, text: str, size: float, *, boxed: bool) -> tuple[float, float]:
    """``text`` alone on a page just its size (bold, ``size`` points), its baseline
    ``MARK_DESCENT * size`` above the page's foot, in a ruled box with ``boxed`` (the exhibit
    stamp of an exhibit's first page); returns the page's width and height. Only the embedded
    Liberation fonts (and their fallbacks) are used."""
    register_fonts()
    pad = BOX_PAD * size if boxed else 1.0
    text = shaped(text)
    width = text_width(text, SERIF_BOLD, size) + 2 * pad
    height = MARK_HEIGHT * size + (2 * pad if boxed else 0)
    canvas = Canvas(str(path), pagesize=(width, height), pageCompression=1, invariant=1,
                    initialFontName=SERIF_BOLD, initialFontSize=size)
    if boxed:
        line = max(0.5, size / 12)
        canvas.setLineWidth(line)
        inset = line / 2
        canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)
    draw_text(canvas, pad, MARK_DESCENT * size + (pad if boxed else 0), text, SERIF_BOLD, size)
    canvas.showPage()
    canvas.save()
    return width, height


def draw_placeholders(path: Path, lines: list[str]) -> Path:
    """One Letter page for each of ``lines`` (an attachment removed from an exhibit: "Attachment
    removed: NAME (N bytes) — the file attached to this exhibit was not filed"), in the middle
    of the page, in the embedded Liberation fonts."""
    register_fonts()
    width, height = LETTER
    canvas = Canvas(str(path), pagesize=LETTER, pageCompression=1, invariant=1,
                    initialFontName=SERIF, initialFontSize=12, initialLeading=16)
    for text in lines:
        draw_text(canvas, width / 2, height * 0.58, "ATTACHMENT REMOVED", SERIF_BOLD, 16, centred=True)
        y = height * 0.58 - 32
        for line in wrap(shaped(text), SERIF, 12, width - 3 * INCH):
            draw_text(canvas, width / 2, y, line, SERIF, 12, centred=True)
            y -= 16
        canvas.showPage()
    canvas.save()
    return path
