"""Index of exhibits and cover sheets, drawn with reportlab: the only module that imports it.

The pages are drawn with the Liberation fonts (the metric twins of Times New Roman and
Arial that the papers use), embedded as subsets. The last page drawn is a *carrier*: it
holds every printable ASCII character in the stamp font so that the bundle can reuse that
one embedded font for its Bates numbers; it is never part of the bundle.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .errors import PdfError

SERIF, SERIF_BOLD, STAMP = "FilingsSerif", "FilingsSerifBold", "FilingsStamp"
_FONT_FILES = {SERIF: "Liberation Serif:style=Regular", SERIF_BOLD: "Liberation Serif:style=Bold",
               STAMP: "Liberation Sans:style=Regular"}
PRINTABLE = "".join(chr(c) for c in range(32, 127))
INCH = 72.0


@dataclass(frozen=True)
class IndexEntry:
    """One row of the index: an exhibit's label, title, date and Bates range."""

    label: str
    title: str
    date: str
    pages: str


@dataclass(frozen=True)
class Cover:
    """What a cover sheet says."""

    heading: str  # "EXHIBIT 3"
    title: str
    date: str
    description: str


@dataclass
class FrontMatter:
    """Where things landed in the drawn PDF."""

    path: Path
    index_pages: int = 0
    row_links: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    carrier_page: int = 0


@lru_cache(maxsize=None)
def register_fonts() -> None:
    """Register the Liberation fonts with reportlab; a clear error if they are missing."""
    for name, pattern in _FONT_FILES.items():
        path = _font_file(pattern)
        pdfmetrics.registerFont(TTFont(name, path))


def _font_file(pattern: str) -> str:
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        found = ""
    family = pattern.split(":")[0].replace(" ", "")
    if not found or family.lower() not in Path(found).name.lower():
        raise PdfError(f"font '{pattern.split(':')[0]}' not found; run 'make setup' or "
                       "'apt-get install fonts-liberation2'")
    return found


def stamp_width(text: str, size: float) -> float:
    """Width in points of ``text`` in the stamp font."""
    register_fonts()
    return pdfmetrics.stringWidth(text, STAMP, size)


def draw_front_matter(path: Path, *, heading: str, caption: list[str], entries: list[IndexEntry],
                      covers: list[Cover]) -> FrontMatter:
    """Draw the index pages, one cover per exhibit and the font carrier page into ``path``."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=LETTER, pageCompression=1, invariant=1)
    canvas.setTitle(heading)
    result = FrontMatter(path)
    _draw_index(canvas, heading, caption, entries, result)
    for cover in covers:
        _draw_cover(canvas, cover)
    canvas.setFont(STAMP, 9)
    canvas.drawString(INCH, INCH, PRINTABLE)
    canvas.showPage()
    result.carrier_page = result.index_pages + len(covers)
    canvas.save()
    return result


_COLUMNS = (("Exhibit", 0.8), ("Title", 2.45), ("Date", 1.1), ("Pages", 2.15))


def _draw_index(canvas: Canvas, heading: str, caption: list[str], entries: list[IndexEntry],
                result: FrontMatter) -> None:
    width, height = LETTER
    y = _index_page_top(canvas, heading, caption, first=True)
    for entry in entries:
        cells = [entry.label, entry.title, entry.date, entry.pages]
        lines = [simpleSplit(text, SERIF, 11, w * INCH - 8) or [""] for text, (_, w) in zip(cells, _COLUMNS)]
        row_height = max(len(c) for c in lines) * 13 + 8
        if y - row_height < INCH:
            canvas.showPage()
            result.index_pages += 1
            y = _index_page_top(canvas, heading, caption, first=False)
        x = INCH
        for cell_lines, (_, w) in zip(lines, _COLUMNS):
            for n, line in enumerate(cell_lines):
                canvas.setFont(SERIF, 11)
                canvas.drawString(x + 4, y - 13 - n * 13, line)
            x += w * INCH
        canvas.setLineWidth(0.3)
        canvas.line(INCH, y - row_height, width - INCH, y - row_height)
        result.row_links.append((result.index_pages, (INCH, y - row_height, width - INCH, y)))
        y -= row_height
    canvas.showPage()
    result.index_pages += 1


def _index_page_top(canvas: Canvas, heading: str, caption: list[str], *, first: bool) -> float:
    width, height = LETTER
    y = height - INCH
    canvas.setFont(SERIF_BOLD, 13)
    canvas.drawCentredString(width / 2, y, heading + ("" if first else " (continued)"))
    y -= 20
    canvas.setFont(SERIF, 11)
    for line in caption:
        canvas.drawCentredString(width / 2, y, line)
        y -= 14
    y -= 10
    x = INCH
    canvas.setFont(SERIF_BOLD, 11)
    for title, w in _COLUMNS:
        canvas.drawString(x + 4, y - 13, title)
        x += w * INCH
    canvas.setLineWidth(0.8)
    canvas.line(INCH, y - 18, width - INCH, y - 18)
    return y - 18


def _draw_cover(canvas: Canvas, cover: Cover) -> None:
    width, height = LETTER
    canvas.setFont(SERIF_BOLD, 28)
    canvas.drawCentredString(width / 2, height * 0.58, cover.heading)
    y = height * 0.58 - 40
    canvas.setFont(SERIF, 14)
    for line in simpleSplit(cover.title, SERIF, 14, width - 3 * INCH):
        canvas.drawCentredString(width / 2, y, line)
        y -= 18
    if cover.date:
        y -= 6
        canvas.setFont(SERIF, 12)
        canvas.drawCentredString(width / 2, y, cover.date)
        y -= 16
    if cover.description:
        y -= 10
        canvas.setFont(SERIF, 11)
        for line in simpleSplit(cover.description, SERIF, 11, width - 3 * INCH):
            canvas.drawCentredString(width / 2, y, line)
            y -= 14
    canvas.showPage()
