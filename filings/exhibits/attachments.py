"""The per-exhibit files for CM/ECF: each exhibit (its cover included) as a PDF of its own,
named for its title and kept under the size limit (its large images reduced to 150 dpi, then,
if still too large, its pages split into parts); and how every PDF of the bundle is saved.
"""
from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from filings.determinism import stamp_pdf
from filings.errors import PdfError
from filings.exhibits.exhibit import BatesStyle, BundledExhibit, Warn
from filings.limits import DEFAULT_LIMITS, Limits


def save_pdf(pdf: pikepdf.Pdf, path: Path) -> None:
    """Save ``pdf`` compactly; the same pages make the same bytes (fixed dates, /ID from the content)."""
    stamp_pdf(pdf)
    pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             linearize=False, deterministic_id=True)


NAME_PUNCTUATION = set(" ,.()&'-")
NAME_BYTES = 150  # of the title, in UTF-8: with "Exhibit 12 - " and " (part 2 of 3).pdf", under 255


def attachment_name(b: BundledExhibit) -> str:
    """``Exhibit 3 - Agency notice of suspension.pdf``: safe on every file system and CM/ECF.

    Letters, marks and digits of any script are kept; path separators, control and format
    characters (such as a right-to-left override) and other punctuation become spaces."""
    title = unicodedata.normalize("NFC", b.exhibit.title.replace("\u2019", "'").replace("\u2018", "'"))
    title = "".join(ch if ch in NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LMN" else " "
                    for ch in title)
    title = re.sub(r"\s+", " ", title).strip()[:80]
    while len(title.encode("utf-8")) > NAME_BYTES:
        title = title[:-1]
    title = title.rstrip(" .")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in title):  # none left (a public version's "[]")
        return f"Exhibit {b.exhibit.mark}.pdf"
    return f"Exhibit {b.exhibit.mark} - {title}.pdf"


def write_attachment(pages: list[pikepdf.Page], b: BundledExhibit, out_dir: Path, limit_mb: float,
                      warn: Warn, bates: BatesStyle) -> list[Path]:
    """Write the exhibit (cover included) as its own PDF, each page labelled with its Bates
    number; shrink or split it to fit the limit."""
    part = pikepdf.new()
    part.pages.extend(pages[b.first_page:b.first_page + b.pages + 1])
    part.docinfo["/Title"] = f"Exhibit {b.exhibit.mark} — {b.exhibit.title}"
    path = out_dir / attachment_name(b)
    first = _first_number(b, bates)
    label_pages(part, first, bates)
    save_pdf(part, path)
    return fit_to_limit(part, path, b, limit_mb, warn, bates, first)


def fit_to_limit(part: pikepdf.Pdf, path: Path, b: BundledExhibit, limit_mb: float, warn: Warn,
                 bates: BatesStyle, first: int) -> list[Path]:
    """``part``, as just written to ``path`` (its first page's Bates number ``first``), measured
    on the bytes written: kept when under the limit, else its large images reduced and, if
    still too large, split into parts; the files that hold it."""
    limit = int(limit_mb * 1024 * 1024)
    size = path.stat().st_size
    if size <= limit:
        return [path]
    reduced = _reduce_images(part)
    if reduced:
        save_pdf(part, path)
        new_size = path.stat().st_size
        warn(f"Exhibit {b.exhibit.mark}: {_mb(size)} is over the {limit_mb:g} MB limit; reduced "
             f"{reduced} image{'s' if reduced != 1 else ''} to 150 dpi ({_mb(new_size)})")
        size = new_size
        if size <= limit:
            return [path]
    path.unlink()
    cover = _first_number(b, bates)

    def too_big(page: int, page_size: int) -> PdfError:
        number = first + page
        what = "its cover" if number == cover else f"page {number - cover} ({bates.number(number)})"
        return PdfError(f"exhibit '{b.exhibit.id}' ({b.exhibit.source}): {what} alone is {_size(page_size)}, "
                        f"over the size limit of {limit_mb:g} MB for one file; raise bundle.size_limit_mb in "
                        "the facts or reduce the file (scan it at a lower resolution)")

    files = _split(part, path, limit, too_big, lambda pdf, page: label_pages(pdf, first + page, bates))
    warn(f"Exhibit {b.exhibit.mark}: {_mb(size)} is over the {limit_mb:g} MB limit; split into "
         f"{len(files)} files: {', '.join(f.name for f in files)}")
    return files


def label_pages(pdf: pikepdf.Pdf, first: int, bates: BatesStyle) -> None:
    """Label the pages of an exhibit's own file with their Bates numbers, the first ``first``."""
    nums = Array()
    page, number, last = 0, first, first + len(pdf.pages) - 1
    if number == 0 and last >= 0:  # a label's /St starts at 1: number 0 gets a label of its own
        nums.extend([0, Dictionary(P=String(bates.number(0)))])
        page, number = 1, 1
    while number <= last:
        width = len(str(number))
        end = min(last, 10 ** width - 1)
        nums.extend([page, Dictionary(S=Name.D, P=String(bates.prefix + "0" * max(bates.digits - width, 0)),
                                      St=number)])
        page += end - number + 1
        number = end + 1
    pdf.Root.PageLabels = Dictionary(Nums=nums)


def first_label_number(pdf: pikepdf.Pdf, bates: BatesStyle, default: int) -> int:
    """The Bates number :func:`label_pages` gave the first page of ``pdf`` (``default`` when it has none)."""
    try:
        first = pdf.Root.PageLabels.Nums[1]
        return 0 if "/St" not in first else int(first.St)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return default


def _first_number(b: BundledExhibit, bates: BatesStyle) -> int:
    """The Bates number of the exhibit's cover."""
    return int(b.first_bates[len(bates.prefix):])


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else _mb(size)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _page_images(page: pikepdf.Page) -> list:
    """The image XObjects a page draws, including those inside form XObjects."""
    getter = getattr(page, "get_images", None)
    images = getter() if getter else page.images  # get_images: pikepdf 10.9 and later
    return list(images.values())


def _reduce_images(pdf: pikepdf.Pdf, dpi: int = 150, limits: Limits = DEFAULT_LIMITS) -> int:
    """Re-encode images finer than ``dpi`` on a letter page as JPEG at ``dpi``; return how many.

    Images over ``limits.image_pixels`` are left as they are (decoding them could exhaust memory)."""
    import warnings

    from PIL import Image  # only needed here, and Pillow is a pikepdf dependency

    longest = int(11 * dpi)
    count = 0
    seen = set()
    for page in pdf.pages:
        for image in _page_images(page):
            if image.objgen in seen or "/SMask" in image or "/Mask" in image:
                continue
            seen.add(image.objgen)
            w, h = int(image.Width), int(image.Height)
            if max(w, h) <= longest or w * h > limits.image_pixels:
                continue
            try:
                with warnings.catch_warnings():  # bounded above: Pillow's own bomb warning is moot
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    pil = pikepdf.PdfImage(image).as_pil_image()
            except Exception:  # an image format Pillow cannot decode stays as it is
                continue
            ratio = longest / max(w, h)
            pil = pil.convert("L" if pil.mode in ("1", "L") else "RGB").resize(
                (max(1, int(w * ratio)), max(1, int(h * ratio))), Image.LANCZOS)
            buffer = io.BytesIO()
            pil.save(buffer, "JPEG", quality=70, optimize=True)
            image.write(buffer.getvalue(), filter=Name.DCTDecode)
            image.Width, image.Height, image.BitsPerComponent = pil.width, pil.height, 8
            image.ColorSpace = Name.DeviceGray if pil.mode == "L" else Name.DeviceRGB
            for key in ("/DecodeParms", "/Decode"):
                if key in image:
                    del image[key]
            count += 1
    return count


def _split(pdf: pikepdf.Pdf, path: Path, limit: int, too_big: Callable[[int, int], PdfError],
           label: Callable[[pikepdf.Pdf, int], None] = lambda pdf, page: None) -> list[Path]:
    """Split ``pdf`` into consecutive parts that each fit under ``limit`` bytes, as written.

    Parts are planned from the streams the pages draw (a font or image that pages share
    counted once per part), then written and measured: a part still over the limit (its
    dictionaries, cross-reference table and the like were not counted) is split again; a page
    over the limit on its own raises ``too_big(page, size)``."""
    pages = list(pdf.pages)
    planned, current, counted, total = [], [], set(), 0
    for i, page in enumerate(pages):
        own = _stream_sizes(page)
        added = sum(size for key, size in own.items() if key not in counted)
        if current and total + added > limit * 0.95:
            planned.append(current)
            current, counted, added = [], set(), sum(own.values())
            total = 0
        current.append(i)
        counted.update(own)
        total += added
    planned.append(current)
    written: list[Path] = []
    try:
        while planned:
            group = planned.pop(0)
            staged = path.with_name(f".{path.stem}.part{len(written)}.tmp")
            _write_pages(pages[group[0]:group[-1] + 1], staged, lambda part: label(part, group[0]))
            size = staged.stat().st_size
            if size <= limit:
                written.append(staged)
                continue
            staged.unlink()
            if len(group) == 1:
                raise too_big(group[0], size)
            half = len(group) // 2
            planned[:0] = [group[:half], group[half:]]
    except BaseException:
        for staged in written:
            staged.unlink(missing_ok=True)
        raise
    files = []
    for n, staged in enumerate(written, 1):
        target = path.with_name(f"{path.stem} (part {n} of {len(written)}).pdf")
        staged.replace(target)
        files.append(target)
    return files


def _stream_sizes(page: pikepdf.Page, limit: int = 100_000) -> dict[tuple[int, int], int]:
    """The streams ``page`` needs (contents, fonts, images, appearances), by object, with their
    stored sizes; other pages it links to are not followed."""
    found: dict[tuple[int, int], int] = {}
    seen: set = set()
    stack = [page.obj[key] for key in page.obj.keys() if key != "/Parent"]
    while stack and len(seen) < limit:
        obj = stack.pop()
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            if obj.get("/Type") == Name.Page:
                continue  # a link's destination: another page, in this part or not
            if isinstance(obj, pikepdf.Stream) and obj.is_indirect:
                found[obj.objgen] = len(obj.read_raw_bytes())
            stack.extend(obj[key] for key in obj.keys() if key not in ("/Parent", "/P"))
        elif isinstance(obj, Array):
            stack.extend(obj)
    return found


def _write_pages(pages: list[pikepdf.Page], path: Path, label: Callable[[pikepdf.Pdf], None]) -> None:
    part = pikepdf.new()
    part.pages.extend(pages)
    label(part)  # each part's pages keep their Bates numbers as page labels
    save_pdf(part, path)
