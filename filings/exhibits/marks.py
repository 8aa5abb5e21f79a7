"""The marks laid on the bundle after it is assembled, and the size check on the bytes written.

A version's legend (CONFIDENTIAL VERSION, PUBLIC VERSION) goes on every page of the bundle
and of each exhibit's own file; with ``bundle.exhibit_stamp``, "EXHIBIT 3" in a ruled box goes
on each exhibit's first page. Both go in the stamp band the Bates number is in, which
:mod:`.stamps` keeps clear of the page's content: beside the Bates number where there is
room, else stacked above (or below) it in the band, shrunk to fit, so they never cover the
Bates number or the content, on a receipt as on a Letter page. They are drawn by reportlab
with the embedded Liberation fonts (:func:`.frontmatter.draw_mark`) and laid on each page as
form XObjects. Each exhibit's own file is then measured as written and reduced or split to
the size limit (:func:`.attachments.fit_to_limit`): whatever is stamped last, the limit is
checked on the final bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Name

from filings.exhibits.attachments import fit_to_limit, first_label_number, save_pdf
from filings.exhibits.exhibit import BatesStyle, BundledExhibit, Warn
from filings.exhibits.frontmatter import SERIF_BOLD, stamp_width, text_width
from filings.exhibits.drawn import BOX_PAD, MARK_DESCENT, draw_mark
from filings.exhibits.stamps import BAND, LETTER, STAMP_MARGIN, STAMP_SIZE
from filings.facts.schema import BundleSettings

DRAWN = 10.0  # the size the marks are drawn at; laid on scaled to the size each page needs
SMALLEST = 4.0  # points: a mark is never shrunk below this


@dataclass(frozen=True)
class Mark:
    """A mark to lay on a page: its text, and whether it is boxed (the exhibit stamp)."""

    text: str
    boxed: bool = False

    def width(self, size: float) -> float:
        """Its width at ``size`` points, as :func:`.frontmatter.draw_mark` draws it."""
        pad = BOX_PAD * size if self.boxed else size / DRAWN
        return text_width(self.text, SERIF_BOLD, size) + 2 * pad

    def height(self, size: float) -> float:
        return size * (1.25 + (2 * BOX_PAD if self.boxed else 0))

    def foot(self, size: float) -> float:
        """From the bottom of its box to its text's baseline."""
        return size * (MARK_DESCENT + (BOX_PAD if self.boxed else 0))


@dataclass(frozen=True)
class Placed:
    mark: Mark
    x: float  # the lower left corner of its box
    y: float
    size: float


def place_marks(width: float, height: float, bates: str | None, position: str, marks: list[Mark]) -> list[Placed]:
    """Where ``marks`` go on a bundle page ``width`` x ``height`` whose Bates number ``bates``
    (None: an index page, which has none) is stamped at ``position`` as :mod:`.stamps` stamps
    it: in the stamp band, beside the Bates number at its size when they fit, else in a row of
    their own above or below it in the band, shrunk to fit its height and the page's width."""
    grow = max(1.0, min(width, height) / LETTER[1])
    band, size, margin = BAND * grow, STAMP_SIZE * grow, min(STAMP_MARGIN * grow, 0.08 * width)
    edge, side = position.split("-")
    bottom = edge == "bottom"
    low, high = (0.0, band) if bottom else (height - band, height)
    baseline = (band - size) / 2 + grow if bottom else height - band / 2 - size / 2 + grow
    gap = size / 2
    free = [(margin, width - margin)]
    bates_x = None
    if bates is not None:  # the Bates number's box, as place_and_stamp draws it
        text_w = stamp_width(bates, size)
        bates_x = {"right": width - STAMP_MARGIN * grow - text_w, "left": STAMP_MARGIN * grow,
                   "center": (width - text_w) / 2}[side]
        free = [(a, b) for a, b in ((margin, bates_x - gap), (bates_x + text_w + gap, width - margin)) if b > a]
        if side != "right":  # the legend on the side away from the Bates number (on the right when centred)
            free.reverse()
    placed, rest = [], []
    for mark in marks:
        w, foot = mark.width(size), baseline - mark.foot(size)
        spot = next(((a, b) for a, b in free if b - a >= w), None)
        if spot is None or foot < low or foot + mark.height(size) > high:
            rest.append(mark)
            continue
        a, b = spot
        if mark.boxed:  # the exhibit stamp: in the middle of the room left
            x = (a + b - w) / 2
        elif bates_x is not None:  # the legend: at the outer edge, away from the Bates number
            x = a if b <= bates_x else b - w
        else:
            x = a if side == "right" else b - w
        placed.append(Placed(mark, x, foot, size))
        i = free.index(spot)
        free[i:i + 1] = [(s, e) for s, e in ((a, x - gap), (x + w + gap, b)) if e - s > 0]
    if rest:  # a row of their own, on the side of the Bates number with more room
        above = (baseline + 0.8 * size + grow, high - grow / 2)
        below = (low + grow / 2, baseline - 0.3 * size - grow)
        lo, hi = max(above, below, key=lambda r: r[1] - r[0])
        room = width - 2 * margin - gap * (len(rest) - 1)
        unit_w = sum(m.width(1.0) for m in rest)
        unit_h = max(m.height(1.0) for m in rest)
        row = max(SMALLEST, min(size, room / unit_w, (hi - lo) / unit_h))
        x = (width - sum(m.width(row) for m in rest) - gap * (len(rest) - 1)) / 2
        for mark in rest:
            placed.append(Placed(mark, x, lo + ((hi - lo) - mark.height(row)) / 2, row))
            x += mark.width(row) + gap
    return placed


class _Forms:
    """Each mark drawn once (a PDF of its own), and laid on a file's pages as one form XObject."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.drawn: dict[Mark, pikepdf.Pdf] = {}

    def form(self, pdf: pikepdf.Pdf, copied: dict, mark: Mark):
        if mark not in self.drawn:
            self.scratch.mkdir(parents=True, exist_ok=True)
            path = self.scratch / f"mark-{len(self.drawn)}.pdf"
            draw_mark(path, mark.text, DRAWN, boxed=mark.boxed)
            self.drawn[mark] = pikepdf.open(path)
        if mark not in copied:
            copied[mark] = pdf.copy_foreign(self.drawn[mark].pages[0].as_form_xobject())
        return copied[mark]

    def close(self) -> None:
        for pdf in self.drawn.values():
            pdf.close()


def _lay(pdf: pikepdf.Pdf, page: pikepdf.Page, placed: list[Placed], forms: _Forms, copied: dict) -> None:
    """Lay the placed marks on ``page`` over its content (which is wrapped in q ... Q)."""
    if not placed:
        return
    ops = [b"Q"]
    for n, p in enumerate(placed):
        name = _free_name(page, f"/FilingsMark{n}")
        page.add_resource(forms.form(pdf, copied, p.mark), Name.XObject, Name(name))
        k = p.size / DRAWN
        ops.append(f"q {k:.5f} 0 0 {k:.5f} {p.x:.3f} {p.y:.3f} cm {name} Do Q".encode())
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"\n".join(ops) + b"\n"))


def _free_name(page: pikepdf.Page, name: str) -> str:
    """``name``, or one like it that the page's resources do not use yet (a page bundled again)."""
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    n = 0
    while isinstance(xobjects, pikepdf.Dictionary) and (name if n == 0 else f"{name}x{n}") in xobjects:
        n += 1
    return name if n == 0 else f"{name}x{n}"


def _mark_file(path: Path, marks_of, number_of, position: str, forms: _Forms, save) -> pikepdf.Pdf:
    """Lay ``marks_of(i)`` on each page ``i`` of ``path`` (whose Bates number is ``number_of(i)``)
    and save it with ``save(pdf, path)``; return the PDF, still open."""
    pdf = pikepdf.open(path, allow_overwriting_input=True)
    copied: dict = {}
    for i, page in enumerate(pdf.pages):
        marks = marks_of(i)
        if not marks:
            continue
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        _lay(pdf, page, place_marks(abs(x1 - x0), abs(y1 - y0), number_of(i), position, marks), forms, copied)
    save(pdf, path)
    return pdf


def _of_version(warn: Warn, legend: str) -> Warn:
    return lambda message: warn(f"{legend}: {message}")


def _parts_as_pdfa(parts: list[Path], save) -> list[Path]:
    for part in parts:
        with pikepdf.open(part, allow_overwriting_input=True) as pdf:
            save(pdf, part)
    return parts


def finish_bundle(result, settings: BundleSettings, legend: str, warn: Warn, scratch: Path) -> None:
    """Lay the version's ``legend`` (none: "") on every page of the bundle ``result`` and of each
    exhibit's file, and with ``settings.exhibit_stamp`` "EXHIBIT 3" on each exhibit's first
    page; with ``settings.pdfa`` write them as PDF/A-2b (:mod:`.pdfa`); then reduce or split each
    exhibit's file that all this took over the size limit."""
    exhibit_stamp, limit_mb, pdfa = settings.exhibit_stamp, settings.size_limit_mb, settings.pdfa
    if legend:  # which version's file a warning is about
        warn = _of_version(warn, legend)
    if pdfa:
        from filings.exhibits.pdfa import save_pdfa

        def save(pdf: pikepdf.Pdf, path: Path) -> None:
            save_pdfa(pdf, path, warn)
    else:
        save = save_pdf
    style = settings.bates
    bates = BatesStyle(style.prefix, style.start, style.digits, style.position)
    if not legend and not exhibit_stamp and not pdfa:
        return
    forms = _Forms(scratch)
    legend_marks = [Mark(legend)] if legend else []
    first_pages = {b.first_page + 1: b for b in result.exhibits if b.pages} if exhibit_stamp else {}

    def marks(b: BundledExhibit | None) -> list[Mark]:
        return legend_marks + ([Mark(f"EXHIBIT {b.exhibit.mark}", boxed=True)] if b is not None else [])

    def number(i: int) -> str | None:
        return bates.number(bates.start + i - result.index_pages) if i >= result.index_pages else None

    try:
        _mark_file(result.path, lambda i: marks(first_pages.get(i)), number, bates.position, forms, save).close()
        for b in result.exhibits:
            cover = bates.start + b.first_page - result.index_pages
            files, offset = [], 0
            for path in b.files:
                pdf = _mark_file(path, lambda i, o=offset: marks(b if exhibit_stamp and b.pages and o + i == 1
                                                                  else None),
                                 lambda i, o=offset: bates.number(cover + o + i), bates.position, forms, save)
                try:
                    count = len(pdf.pages)
                    first = first_label_number(pdf, bates, cover + offset)
                    fitted = fit_to_limit(pdf, path, b, limit_mb, warn, bates, first)
                    if pdfa and fitted != [path]:  # split: each part made PDF/A in turn
                        fitted = _parts_as_pdfa(fitted, save)
                    files += fitted
                finally:
                    pdf.close()
                offset += count
            b.files = files
    finally:
        forms.close()
