"""Where a paper's PDF prints each exhibit citation, read with pypdfium2 (as is a redline's cover).

The citations are found in the converted PDF's text, as printed, with PDFium's text search (whole
words, case as printed), so they are found whatever template or facts text printed them and
whatever an exhibit is numbered this build: the links a packet gets from them
(:mod:`filings.pipeline.packetparts`) are made again with the packet. A citation broken across
two lines gives one box per line.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

NBSP = "\u00a0"


@dataclass(frozen=True)
class Found:
    """One printed citation: its page (0-based) in the paper, the label and its box (x0, y0, x1, y1)."""

    page: int
    label: str
    rect: tuple[float, float, float, float]


def find_citations(pdf: Path, labels: Iterable[str]) -> list[Found]:
    """Every place ``pdf`` prints one of ``labels`` ("Exhibit 4"), with a space or a no-break space."""
    labels = list(dict.fromkeys(labels))
    found: list[Found] = []
    for n, text in _text_pages(pdf) if labels else ():
        for label in labels:
            for form in dict.fromkeys((label, label.replace(" ", NBSP))):
                found += [Found(n, label, rect) for rect in _boxes(text, form)]
    return _unique(found)


def paragraph_pages(pdf: Path, numbers: Iterable[int]) -> dict[int, int]:
    """The page (0-based) on which each numbered paragraph of ``pdf`` begins: the first page with a
    line that starts with its number and a period (``7.``), as Word prints a numbered paragraph."""
    wanted, pages = set(numbers), {}
    for n, text in _text_pages(pdf):
        for line in text.get_text_range().splitlines():
            head = line.strip().split(".", 1)[0]
            if head.isdigit() and int(head) in wanted and line.strip()[len(head):].startswith("."):
                pages.setdefault(int(head), n)
    return pages


def _text_pages(pdf: Path) -> Iterator[tuple[int, Any]]:
    """Each page of ``pdf`` (0-based) with its PDFium text page, closed once the caller moves on."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(len(doc)):
            page = doc[n]
            text = page.get_textpage()
            try:
                yield n, text
            finally:
                text.close()
                page.close()
    finally:
        doc.close()


def _boxes(text, form: str) -> list[tuple[float, float, float, float]]:
    """The boxes of each whole-word match of ``form`` on one page (a line's, for a match that wraps)."""
    searcher = text.search(form, match_case=True, match_whole_word=True)
    boxes = []
    try:
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            lines: list[list[float]] = []  # PDFium gives a box per word: one per line, the words' union
            for i in range(text.count_rects(start, count)):
                left, bottom, right, top = text.get_rect(i)
                if right <= left or top <= bottom:
                    continue
                if lines and bottom < lines[-1][3] and top > lines[-1][1]:
                    last = lines[-1]
                    last[:] = [min(last[0], left), min(last[1], bottom), max(last[2], right), max(last[3], top)]
                else:
                    lines.append([left, bottom, right, top])
            boxes += [(round(a, 2), round(b, 2), round(c, 2), round(d, 2)) for a, b, c, d in lines]
    finally:
        searcher.close()
    return boxes


def _unique(found: list[Found]) -> list[Found]:
    """Each box once (a label searched with a space and with a no-break space finds the same one)."""
    seen, out = set(), []
    for f in found:
        key = (f.page, f.rect)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
