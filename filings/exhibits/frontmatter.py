"""Index of exhibits and cover sheets, drawn with reportlab (with :mod:`.drawn`, the only modules that import it).

The pages are drawn with the Liberation fonts (the metric twins of Times New Roman and
Arial that the papers use), embedded as subsets. A character those fonts lack (Chinese,
Arabic, ...) is drawn with the first font of a fallback chain that has it: DejaVu Serif,
DejaVu Sans (Arabic, Hebrew), Droid Sans Fallback (Chinese, Japanese, Korean). Arabic is
shaped (arabic-reshaper) and right-to-left text put in display order (python-bidi).

The last page drawn is a *carrier*: it holds every printable ASCII character in the stamp
font, so that the bundle can reuse that one embedded font for the digits of its Bates
numbers, and the Bates prefix, drawn like any other text, whose operators the bundle
copies onto every page. It is never part of the bundle.
"""
from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from filings.errors import PdfError

SERIF, SERIF_BOLD, STAMP = "FilingsSerif", "FilingsSerifBold", "FilingsStamp"
_FONT_FILES = {SERIF: "Liberation Serif:style=Regular", SERIF_BOLD: "Liberation Serif:style=Bold",
               STAMP: "Liberation Sans:style=Regular"}
# Fallback fonts, in the order they are tried; each is optional (make setup installs them).
_FALLBACK_FILES = {"FilingsDejaVuSerif": "DejaVu Serif", "FilingsDejaVuSerifBold": "DejaVu Serif:bold",
                   "FilingsDejaVuSans": "DejaVu Sans", "FilingsDejaVuSansBold": "DejaVu Sans:bold",
                   "FilingsCJK": "Droid Sans Fallback"}
CHAINS = {SERIF: (SERIF, "FilingsDejaVuSerif", "FilingsDejaVuSans", "FilingsCJK"),
          SERIF_BOLD: (SERIF_BOLD, "FilingsDejaVuSerifBold", "FilingsDejaVuSansBold", "FilingsCJK"),
          STAMP: (STAMP, "FilingsDejaVuSans", "FilingsCJK")}
FONT_PACKAGES = "fonts-liberation2 fonts-dejavu-core fonts-droid-fallback"
PRINTABLE = "".join(chr(c) for c in range(32, 127))
INCH = 72.0
PREFIX_Y = 2 * INCH  # where the carrier page draws the Bates prefix

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
    note: str = ""  # "Demonstrative — prepared for this filing": not a copy of a document


@dataclass
class FrontMatter:
    """Where things landed in the drawn PDF."""

    path: Path
    index_pages: int = 0
    row_links: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    carrier_page: int = 0
    missing: list[str] = field(default_factory=list)  # characters no installed font has


@lru_cache(maxsize=None)
def register_fonts() -> None:
    """Register the Liberation fonts with reportlab; a clear error if they are missing."""
    for name, pattern in _FONT_FILES.items():
        path = _font_file(pattern)
        pdfmetrics.registerFont(TTFont(name, path))


@lru_cache(maxsize=None)
def _fallback(name: str) -> bool:
    """Register fallback font ``name`` (only when a character needs it: Droid Sans Fallback
    alone is 4 MB to parse); False when it is not installed."""
    try:
        pdfmetrics.registerFont(TTFont(name, _font_file(_FALLBACK_FILES[name])))
    except PdfError:
        return False
    return True


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


# --------------------------------------------------------------------------- text in any script

@lru_cache(maxsize=None)
def _cmap(font: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


@lru_cache(maxsize=4096)
def _font_for(ch: str, style: str) -> str | None:
    """The first font of ``style``'s chain that has ``ch``; None when no installed font has it."""
    register_fonts()
    for font in CHAINS[style]:
        if (font == style or _fallback(font)) and ord(ch) in _cmap(font):
            return font
    return None


def _rides_along(ch: str) -> bool:
    """Spaces, combining marks and joiners stay in the font of the character before them."""
    return ch.isspace() or unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf")


def _runs(text: str, style: str) -> list[tuple[str, str]]:
    """``text`` cut into (font, text) runs, each character in the first font of the chain that
    has it (the primary font when none has it: it prints as a box)."""
    if text.isascii():  # the primary fonts have every ASCII character
        return [(style, text)] if text else []
    runs: list[list[str]] = []
    for ch in text:
        if runs and _rides_along(ch):
            runs[-1][1] += ch
            continue
        font = _font_for(ch, style) or style
        if runs and runs[-1][0] == font:
            runs[-1][1] += ch
        else:
            runs.append([font, ch])
    return [(font, run) for font, run in runs]


def missing_glyphs(text: str, style: str = SERIF) -> set[str]:
    """Characters of ``text`` that no installed font of ``style``'s chain can draw."""
    if text.isascii():
        return set()
    return {ch for ch in set(text) if not _rides_along(ch) and _font_for(ch, style) is None}


def text_width(text: str, style: str, size: float) -> float:
    """Width in points of ``text`` drawn in ``style`` at ``size``."""
    if text.isascii():
        register_fonts()
        return pdfmetrics.stringWidth(text, style, size)
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in _runs(text, style))


def stamp_width(text: str, size: float) -> float:
    """Width in points of ``text`` in the stamp font (with its fallbacks)."""
    return text_width(text, STAMP, size)


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def shaped(text: str) -> str:
    """``text`` cleaned for drawing: control characters become spaces, Arabic letters take
    their joined forms. Still in logical order (see :func:`visual`)."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in unicodedata.normalize("NFC", text))
    if any(unicodedata.bidirectional(ch) == "AL" for ch in text):
        text = _reshaper().reshape(text)
    return text


@lru_cache(maxsize=None)
def _reshaper():
    """Arabic's joined forms, its vowel marks (harakat: the damma, fatha and shadda of
    "مُحَمَّد") kept, not dropped as arabic-reshaper does by default."""
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


def visual(line: str) -> str:
    """One line in display order: right-to-left runs reversed (Unicode bidi algorithm), the
    invisible direction marks dropped."""
    if _has_rtl(line):
        from bidi import get_display

        line = get_display(line)
    return "".join(ch for ch in line if unicodedata.category(ch) != "Cf")


def draw_text(canvas: Canvas, x: float, y: float, text: str, style: str, size: float, *,
              centred: bool = False) -> float:
    """Draw one line of shaped, logical-order ``text`` at ``x`` (its centre with ``centred``);
    return its width."""
    runs = _runs(visual(text), style)
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs)
    if centred:
        x -= width / 2
    rtl = _has_rtl(text)
    for font, run in runs:
        canvas.setFont(font, size)
        for piece, spoken in _clusters(run) if rtl else [(run, None)]:
            if spoken is not None:  # what a reader copies or searches: the letter and its marks as written
                canvas._code.append(f"/Span <</ActualText <{_utf16_hex(spoken)}>>> BDC")
            canvas.drawString(x, y, piece)
            if spoken is not None:
                canvas._code.append("EMC")
            x += pdfmetrics.stringWidth(piece, font, size)
    return width


def _clusters(run: str) -> list[tuple[str, str | None]]:
    """``run`` (display order) in pieces to draw: the words that
    carry combining marks (Arabic harakat, Hebrew points), with the spaces between them, with
    the text they stand for in reading order (letters unshaped, each mark after its letter),
    so that a reader extracting the text keeps the marks where they belong; the rest as it is
    (None)."""
    def marked(word: str) -> bool:
        return any(unicodedata.category(ch) == "Mn" for ch in word) and _has_rtl(word)

    tokens = [t for t in re.split(r"(\s+)", run) if t]
    pieces: list[tuple[str, list[str] | None]] = []
    for n, token in enumerate(tokens):
        if marked(token):
            if pieces and pieces[-1][1] is not None:
                pieces[-1][1].append(token)
            else:
                pieces.append(("", [token]))
        elif token.isspace() and pieces and pieces[-1][1] is not None and n + 1 < len(tokens) \
                and marked(tokens[n + 1]):
            pieces[-1][1].append(token)
        elif pieces and pieces[-1][1] is None:
            pieces[-1] = (pieces[-1][0] + token, None)
        else:
            pieces.append((token, None))
    return [("".join(words), "".join(_reading_order(_unshaped(w)) for w in reversed(words)))
            if words is not None else (text, None) for text, words in pieces]


def _reading_order(word: str) -> str:
    """A right-to-left word in display order (each letter's marks before it, where the fonts
    draw them over it) back in reading order."""
    return word[::-1]


def _unshaped(text: str) -> str:
    """Shaped text as it was written: Arabic's presentation forms folded back into its letters."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"
                   else ch for ch in text)


def _utf16_hex(text: str) -> str:
    """``text`` as a PDF text string in hexadecimal (UTF-16BE with its byte order mark): safe to
    write into a content stream whatever it holds."""
    return "FEFF" + text.encode("utf-16-be").hex().upper()


# One token per word, space or ideograph: Chinese, Japanese and Korean break between characters.
_IDEOGRAPH = "\u2e80-\u2fff\u3000-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef" \
             "\U00020000-\U0003ffff"
_TOKENS = re.compile(rf"\s+|[{_IDEOGRAPH}]|[^\s{_IDEOGRAPH}]+")


def wrap(text: str, style: str, size: float, width: float) -> list[str]:
    """Break shaped ``text`` into lines no wider than ``width``; a word wider than a line is
    broken between characters."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            line += " " if line else ""
            continue
        if line.strip() and text_width(line + token, style, size) > width:
            lines.append(line.rstrip())
            line = ""
        if text_width(line + token, style, size) <= width:
            line += token
            continue
        for ch in token:  # alone on its line and still too wide
            if line.strip() and text_width(line + ch, style, size) > width:
                lines.append(line.rstrip())
                line = ""
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines


# --------------------------------------------------------------------------- the pages

def draw_front_matter(path: Path, *, heading: str, caption: list[str], entries: list[IndexEntry],
                      covers: list[Cover], bates_prefix: str = "") -> FrontMatter:
    """Draw the index pages, one cover per exhibit and the carrier page into ``path``."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=LETTER, pageCompression=1, invariant=1,
                    initialFontName=SERIF, initialFontSize=11, initialLeading=13)
    canvas.setTitle(heading)
    result = FrontMatter(path)
    _draw_index(canvas, heading, caption, entries, result)
    for cover in covers:
        _draw_cover(canvas, cover)
    canvas.setFont(STAMP, 9)
    canvas.drawString(INCH, INCH, PRINTABLE)
    if bates_prefix:
        draw_text(canvas, INCH, PREFIX_Y, shaped(bates_prefix), STAMP, 9)
    canvas.showPage()
    result.carrier_page = result.index_pages + len(covers)
    canvas.save()
    texts = [heading, *caption, *(t for e in entries for t in (e.label, e.title, e.date, e.pages)),
             *(t for c in covers for t in (c.heading, c.title, c.date, c.description, c.note))]
    missing = set().union(*(missing_glyphs(shaped(t), SERIF) for t in texts),
                          missing_glyphs(shaped(bates_prefix), STAMP))
    result.missing = sorted(missing)
    return result


_COLUMNS = (("Exhibit", 0.8), ("Title", 2.2), ("Date", 1.35), ("Pages", 2.15))


def _draw_index(canvas: Canvas, heading: str, caption: list[str], entries: list[IndexEntry],
                result: FrontMatter) -> None:
    width, height = LETTER
    y = _index_page_top(canvas, heading, caption, first=True)
    for entry in entries:
        cells = [entry.label, entry.title, entry.date, entry.pages]
        lines = [wrap(shaped(text), SERIF, 11, w * INCH - 8) or [""] for text, (_, w) in zip(cells, _COLUMNS)]
        row_height = max(len(c) for c in lines) * 13 + 8
        if y - row_height < INCH:
            canvas.showPage()
            result.index_pages += 1
            y = _index_page_top(canvas, heading, caption, first=False)
        x = INCH
        for cell_lines, (_, w) in zip(lines, _COLUMNS):
            for n, line in enumerate(cell_lines):
                draw_text(canvas, x + 4, y - 13 - n * 13, line, SERIF, 11)
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
    draw_text(canvas, width / 2, y, shaped(heading + ("" if first else " (continued)")), SERIF_BOLD, 13,
              centred=True)
    y -= 20
    for line in caption:
        draw_text(canvas, width / 2, y, shaped(line), SERIF, 11, centred=True)
        y -= 14
    y -= 10
    x = INCH
    for title, w in _COLUMNS:
        draw_text(canvas, x + 4, y - 13, title, SERIF_BOLD, 11)
        x += w * INCH
    canvas.setLineWidth(0.8)
    canvas.line(INCH, y - 18, width - INCH, y - 18)
    return y - 18


def _draw_cover(canvas: Canvas, cover: Cover) -> None:
    width, height = LETTER
    draw_text(canvas, width / 2, height * 0.58, shaped(cover.heading), SERIF_BOLD, 28, centred=True)
    if cover.note:
        draw_text(canvas, width / 2, height * 0.58 + 40, shaped(cover.note), SERIF_BOLD, 13, centred=True)
    y = height * 0.58 - 40
    for line in wrap(shaped(cover.title), SERIF, 14, width - 3 * INCH):
        draw_text(canvas, width / 2, y, line, SERIF, 14, centred=True)
        y -= 18
    if cover.date:
        y -= 6
        draw_text(canvas, width / 2, y, shaped(cover.date), SERIF, 12, centred=True)
        y -= 16
    if cover.description:
        y -= 10
        for line in wrap(shaped(cover.description), SERIF, 11, width - 3 * INCH):
            draw_text(canvas, width / 2, y, line, SERIF, 11, centred=True)
            y -= 14
    canvas.showPage()
