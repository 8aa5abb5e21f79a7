"""PDF reading and assembly: the only module that imports pypdf."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, ByteStringObject

from filings.determinism import build_time, content_id, pdf_date
from filings.errors import PdfError


@dataclass(frozen=True)
class Part:
    """One document of a packet: its PDF and the bookmark that leads to it."""

    pdf: Path
    bookmark: str  # "": none (a later part of an exhibit split to fit the size limit)
    parent: int | None = None  # its bookmark nests under that part's (an exhibit under the paper citing it)
    # links to add: (its page, the box (x0, y0, x1, y1), the part whose first page it leads to, or
    # (that part, a page of it): a declaration's paragraph)
    links: tuple[tuple[int, tuple[float, float, float, float], int | tuple[int, int]], ...] = ()


def read_pdf(path: Path) -> PdfReader:
    """Open ``path``; any failure (pypdf raises more than its own errors) becomes a PdfError."""
    try:
        return PdfReader(path)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError) as e:
        raise PdfError(f"cannot read the PDF: {e}", path=path) from e


def page_count(path: Path) -> int:
    """Number of pages in ``path``."""
    return len(read_pdf(path).pages)


def merge(parts: Sequence[Part], out: Path, *, title: str, when: datetime | None = None) -> int:
    """Write ``parts`` one after another to ``out`` with one top-level bookmark per part.

    The same parts make the same bytes: the dates are ``when`` (default
    :func:`~filings.determinism.build_time`) and the /ID is derived from the parts and title.
    Returns the packet's page count.
    """
    writer = PdfWriter()
    identity = [title.encode("utf-8")]
    starts, items = [], {}
    for n, part in enumerate(parts):
        start = len(writer.pages)
        starts.append(start)
        writer.append(read_pdf(part.pdf), import_outline=False)
        if part.bookmark:
            items[n] = writer.add_outline_item(title=part.bookmark, page_number=start,
                                               parent=items.get(part.parent) if part.parent is not None else None)
        identity += [part.bookmark.encode("utf-8"), Path(part.pdf).read_bytes()]
    for n, part in enumerate(parts):
        for page, rect, target in part.links:
            to = starts[target] if isinstance(target, int) else starts[target[0]] + target[1]
            writer.add_annotation(starts[n] + page, Link(rect=rect, border=[0, 0, 0], target_page_index=to))
            identity.append(repr((n, page, rect, target)).encode())
    date = pdf_date(when or build_time())
    writer.add_metadata({"/Title": title, "/Producer": "filings", "/CreationDate": date, "/ModDate": date})
    file_id = ByteStringObject(content_id(*identity))
    writer._ID = ArrayObject([file_id, file_id])  # pypdf writes no /ID unless given one; no public setter
    writer.page_mode = "/UseOutlines"
    with open(out, "wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def title_of(path: Path) -> str:
    """The document title of ``path`` (an exhibit's file: "Exhibit 3 — Title"), or its file name."""
    title = (read_pdf(path).metadata or {}).get("/Title")
    return str(title) if title else Path(path).stem


def outline_titles(path: Path) -> list[tuple[str, int]]:
    """Top-level bookmarks of ``path`` as (title, 0-based page) pairs."""
    reader = read_pdf(path)
    return [(item.title, reader.get_destination_page_number(item))
            for item in reader.outline if not isinstance(item, list)]


def extract_text(path: Path) -> str:
    """All text of ``path``, pages separated by form feeds."""
    return "\f".join(page.extract_text() or "" for page in read_pdf(path).pages)


def unembedded_fonts(path: Path) -> list[str]:
    """Names of fonts used in ``path`` without an embedded font file (should be none)."""
    missing = set()
    for page in read_pdf(path).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor.get_object()
                                             for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
    return sorted(missing)
