"""The exhibit bundle: one PDF with an index, covers, bookmarks, Bates numbers and page
labels, plus one PDF per exhibit for CM/ECF.

Every exhibit is opened, checked and cleaned first (:mod:`.cleanup`), each in a worker
process of its own core (:mod:`.pagework`); then its pages follow
its cover, every page after the index is placed clear of the stamp band and stamped
(:mod:`.stamps`), its own links and bookmarks are pointed at its pages in the bundle
(:mod:`.links`), and it is written again on its own for CM/ECF (:mod:`.attachments`), from the written
bundle's pages, again on every core.
This module, :mod:`.cleanup`, :mod:`.stamps`, :mod:`.links` and :mod:`.attachments` are the
stage's only modules that import pikepdf.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from filings.exhibits.attachments import save_pdf
from filings.exhibits.exhibit import BatesStyle, BundledExhibit, ExhibitPdf, Warn
from filings.exhibits.frontmatter import FONT_PACKAGES, Cover, IndexEntry, draw_front_matter
from filings.exhibits.links import add_index_links, add_outline, resolve_links
from filings.exhibits.pagework import OcrOptions, Workers, jobs_for, prepare_exhibits, write_attachments
from filings.exhibits.ocr import matter_cache_dir
from filings.exhibits.stamps import Stamp, place_and_stamp
from filings.limits import DEFAULT_LIMITS, Limits


@dataclass
class BundleResult:
    path: Path
    exhibits: list[BundledExhibit]
    index_pages: int
    total_pages: int


def make_bundle(exhibits: Sequence[ExhibitPdf], out_dir: Path, *, bates: BatesStyle, heading: str,
                caption: list[str], size_limit_mb: float, warn: Warn, name: str = "exhibit-bundle.pdf",
                ocr: bool = False, limits: Limits = DEFAULT_LIMITS, matter: Path | None = None,
                ocr_languages: Sequence[str] = ("eng",), deskew: bool = True, jobs: int | None = None) -> BundleResult:
    """Assemble ``exhibits`` into ``out_dir/name`` and one file per exhibit; return where all went.

    With ``ocr``, exhibits with scanned pages get a searchable text layer first, in
    ``ocr_languages``, read from a deskewed copy when ``deskew`` (kept in the OCR cache of the
    ``matter`` folder, when given). The work per exhibit runs in ``jobs`` worker processes
    (default: one per core; :mod:`.pagework`); the bytes written are the same for any ``jobs``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="filings-bundle-") as tmp, \
            Workers(jobs_for(len(exhibits), jobs)) as workers:
        options = OcrOptions(tuple(ocr_languages), deskew, matter,
                             matter_cache_dir(matter) if matter is not None else None) if ocr else None
        prepared = prepare_exhibits(exhibits, warn, Path(tmp), workers, ocr=options, limits=limits)
        opened = []
        try:
            for path, outline in prepared:
                opened.append((pikepdf.open(path), outline))
            return _make(exhibits, opened, Path(tmp), out_dir, bates=bates, heading=heading, caption=caption,
                         size_limit_mb=size_limit_mb, warn=warn, name=name, workers=workers)
        finally:
            for src, _ in opened:
                src.close()


def _make(exhibits: Sequence[ExhibitPdf], opened: list, tmp: Path, out_dir: Path, *, bates: BatesStyle,
          heading: str, caption: list[str], size_limit_mb: float, warn: Warn, name: str,
          workers: Workers) -> BundleResult:
    """Number the opened exhibits, draw the front matter, assemble and write everything."""
    placed, number = [], bates.start
    for e, (src, outline) in zip(exhibits, opened):
        count = len(src.pages)
        placed.append(BundledExhibit(e, pages=count, first_bates=bates.number(number),
                                     last_bates=bates.number(number + count), outline=outline))
        number += count + 1
    front = draw_front_matter(
        tmp / "front.pdf", heading=heading, caption=caption, bates_prefix=bates.prefix,
        entries=[IndexEntry(f"Exhibit {b.exhibit.mark}", b.exhibit.title, b.exhibit.short_date,
                            f"{b.first_bates} – {b.last_bates}") for b in placed],
        covers=[Cover(f"EXHIBIT {b.exhibit.mark}", b.exhibit.title, b.exhibit.date,
                      b.exhibit.description, b.exhibit.note) for b in placed])
    if front.missing:
        shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in front.missing[:10])
        warn(f"no installed font has {shown}: the index, covers or Bates numbers show a box instead; "
             f"run make setup (it installs {FONT_PACKAGES}) or change the text")
    with pikepdf.open(front.path) as fm:
        bundle = _assemble(fm, front, [src for src, _ in opened], placed, bates, heading)
        path = out_dir / name
        save_pdf(bundle, path)
        total = len(bundle.pages)
        bundle.close()
    # each exhibit's own file, from the written bundle's pages: their streams are compressed once
    write_attachments(path, placed, out_dir, size_limit_mb, warn, bates, workers)
    return BundleResult(path, placed, front.index_pages, total)


def _assemble(fm: pikepdf.Pdf, front, sources, placed, bates: BatesStyle, heading: str) -> pikepdf.Pdf:
    bundle = pikepdf.new()
    front_pages = list(fm.pages)  # indexing .pages is linear in pikepdf: list pages once
    order = front_pages[:front.index_pages]
    for n, (b, src) in enumerate(zip(placed, sources)):
        b.first_page = len(order)
        order.append(front_pages[front.index_pages + n])
        order.extend(src.pages)
    _set_pages(bundle, order)
    stamp = Stamp(bundle, front_pages[front.carrier_page], bates.prefix)
    pages = list(bundle.pages)
    turned: set = set()
    for i in range(front.index_pages, len(pages)):
        place_and_stamp(bundle, pages[i], bates.figures(bates.start + i - front.index_pages),
                         bates.position, stamp, turned)
    for b in placed:
        resolve_links(pages, b)
    add_index_links(bundle, pages, front, placed)
    add_outline(bundle, pages, placed, heading)
    _add_page_labels(bundle, front.index_pages, bates)
    bundle.docinfo["/Title"] = heading
    bundle.docinfo["/Producer"] = "filings"
    bundle.Root.PageMode = Name.UseOutlines
    return bundle


INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _set_pages(pdf: pikepdf.Pdf, pages: list[pikepdf.Page]) -> None:
    """Make ``pages`` (from other PDFs) the pages of the empty ``pdf``, in order.

    pikepdf's ``pages.extend`` takes time quadratic in the page count (10,000 pages: 5 s);
    copying each page once and writing the page tree directly is linear (0.6 s).
    """
    tree = pdf.Root.Pages
    kids = Array()
    for page in pages:
        obj = page.obj
        parent = obj.get("/Parent")
        while isinstance(parent, Dictionary):  # a page may inherit these from its ancestors
            for key in INHERITABLE:
                if key not in obj and key in parent:
                    obj[key] = parent[key]
            parent = parent.get("/Parent")
        if "/Parent" in obj:
            del obj["/Parent"]
        copy = pdf.copy_foreign(obj)
        copy.Parent = tree
        kids.append(copy)
    tree.Kids = kids
    tree.Count = len(kids)


def page_label_ranges(index_pages: int, total: int, bates: BatesStyle) -> list[tuple[int, Dictionary]]:
    """PDF page labels: i, ii for the index, then the Bates numbers (one range per digit width)."""
    ranges = [(0, Dictionary(S=Name.r))] if index_pages else []
    page, number, last = index_pages, bates.start, bates.start + total - index_pages - 1
    if number == 0 and last >= 0:  # a label's /St starts at 1: number 0 gets a label of its own
        ranges.append((page, Dictionary(P=String(bates.number(0)))))
        page, number = page + 1, 1
    while number <= last:
        width = len(str(number))
        end = min(last, 10 ** width - 1)
        pad = "0" * max(bates.digits - width, 0)
        ranges.append((page, Dictionary(S=Name.D, P=String(bates.prefix + pad), St=number)))
        page += end - number + 1
        number = end + 1
    return ranges


def _add_page_labels(pdf: pikepdf.Pdf, index_pages: int, bates: BatesStyle) -> None:
    nums = Array()
    for page, label in page_label_ranges(index_pages, len(pdf.pages), bates):
        nums.append(page)
        nums.append(label)
    pdf.Root.PageLabels = Dictionary(Nums=nums)
