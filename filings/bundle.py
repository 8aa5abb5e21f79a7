"""The exhibit bundle: one PDF with an index, covers, bookmarks, Bates numbers and page
labels, plus one PDF per exhibit for CM/ECF. The only module that imports pikepdf.

Exhibit files are untrusted: each is opened with its password, rejected with a clear
error when damaged, flattened when it has a form, and stripped of scripts and embedded
files. Every page is turned upright and shrunk by a few percent into the part of the page
that the stamp does not use, so a Bates number never covers the page's content.
"""
from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .errors import PdfError
from .frontmatter import Cover, IndexEntry, draw_front_matter, stamp_width

BAND = 30.0          # points kept free for the stamp at the bottom (or top) of each page
STAMP_SIZE = 9.0     # points
STAMP_MARGIN = 54.0  # from the side edge to the stamp
BLOCKED_ANNOTS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
BLOCKED_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm",
                   "/Rendition", "/GoToE", "/GoToR", "/Hide", "/Named", "/SetOCGState", "/Trans"}

Warn = Callable[[str], None]


@dataclass(frozen=True)
class BatesStyle:
    prefix: str = ""
    start: int = 1
    digits: int = 6
    position: str = "bottom-right"

    def number(self, n: int) -> str:
        return f"{self.prefix}{n:0{self.digits}d}"


@dataclass(frozen=True)
class ExhibitPdf:
    """An exhibit ready to bundle: its label and title, and the PDF that holds its pages."""

    id: str
    mark: str           # "3" or "C"
    title: str
    date: str           # as printed on the cover, may be ""
    short_date: str     # as printed in the index
    description: str
    pdf: Path
    source: Path        # the file named in the facts (for messages)
    password: str | None = None


@dataclass
class BundledExhibit:
    exhibit: ExhibitPdf
    first_page: int = 0   # 0-based page of its cover in the bundle
    pages: int = 0        # its own pages, cover excluded
    first_bates: str = ""
    last_bates: str = ""
    files: list[Path] = field(default_factory=list)
    outline: list[tuple[int, str, int]] = field(default_factory=list)  # its own bookmarks


@dataclass
class BundleResult:
    path: Path
    exhibits: list[BundledExhibit]
    index_pages: int
    total_pages: int


def make_bundle(exhibits: Sequence[ExhibitPdf], out_dir: Path, *, bates: BatesStyle, heading: str,
                caption: list[str], size_limit_mb: float, warn: Warn, name: str = "exhibit-bundle.pdf"
                ) -> BundleResult:
    """Assemble ``exhibits`` into ``out_dir/name`` and one file per exhibit; return where all went."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = _open_all(exhibits, warn)
    placed, number = [], bates.start
    for e, (src, outline) in zip(exhibits, sources):
        count = len(src.pages)
        placed.append(BundledExhibit(e, pages=count, first_bates=bates.number(number),
                                     last_bates=bates.number(number + count), outline=outline))
        number += count + 1
    sources = [src for src, _ in sources]
    with tempfile.TemporaryDirectory(prefix="filings-bundle-") as tmp:
        front = draw_front_matter(
            Path(tmp) / "front.pdf", heading=heading, caption=caption,
            entries=[IndexEntry(f"Exhibit {b.exhibit.mark}", b.exhibit.title, b.exhibit.short_date,
                                f"{b.first_bates} – {b.last_bates}") for b in placed],
            covers=[Cover(f"EXHIBIT {b.exhibit.mark}", b.exhibit.title, b.exhibit.date,
                          b.exhibit.description) for b in placed])
        with pikepdf.open(front.path) as fm:
            bundle = _assemble(fm, front, sources, placed, bates, heading)
            path = out_dir / name
            _save(bundle, path)
            pages = list(bundle.pages)  # indexing bundle.pages is linear: list them once
            total = len(pages)
            for b in placed:
                b.files = _write_attachment(pages, b, out_dir, size_limit_mb, warn)
            bundle.close()
    for src in sources:
        src.close()
    return BundleResult(path, placed, front.index_pages, total)


def _open_exhibit(e: ExhibitPdf, warn: Warn) -> tuple[pikepdf.Pdf, list[tuple[int, str, int]]]:
    """Open an exhibit's PDF safely, or raise a PdfError naming the exhibit and its file."""
    where = f"exhibit '{e.id}' ({e.source})"
    try:
        pdf = pikepdf.open(e.pdf, password=e.password or "")
        pages = len(pdf.pages)
    except pikepdf.PasswordError:
        hint = "the password in the facts is wrong" if e.password else \
            "add its password to the exhibit in the facts (password: ...)"
        raise PdfError(f"{where}: the PDF is encrypted; {hint}") from None
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as err:
        raise PdfError(f"{where}: not a readable PDF ({_first_line(err)}); get a fresh copy of the file") from None
    damage = [w for w in pdf.get_warnings() if w]
    if damage or pages == 0:
        pdf.close()
        reason = _first_line(damage[0]) if damage else "it has no pages"
        raise PdfError(f"{where}: the PDF is damaged or truncated ({reason}); get a fresh copy of the file")
    _flatten_forms(pdf)
    removed = _sanitize(pdf)
    if removed:
        warn(f"{where}: removed {removed}")
    targets = _Targets(pdf)
    broken = _mark_internal_links(pdf, targets)
    if broken:
        warn(f"{where}: removed {broken} link{'s' if broken != 1 else ''} to pages that do not exist")
    return pdf, _read_outline(pdf, targets)


def check_exhibits(exhibits: Sequence[ExhibitPdf], warn: Warn) -> None:
    """Open every exhibit PDF as the bundle would; raise a PdfError for all that cannot be used."""
    for pdf, _ in _open_all(exhibits, warn):
        pdf.close()


def _open_all(exhibits: Sequence[ExhibitPdf], warn: Warn) -> list:
    """Open every exhibit; report every unreadable one at once."""
    opened, problems = [], []
    for e in exhibits:
        try:
            opened.append(_open_exhibit(e, warn))
        except PdfError as err:
            problems += err.problems
    if problems:
        for pdf, _ in opened:
            pdf.close()
        raise PdfError(problems=problems)
    return opened


def _first_line(err: object) -> str:
    text = str(err).strip().splitlines()
    line = text[0] if text else type(err).__name__
    return re.sub(r"^.*?\.pdf(?: \(.*?\))?: ", "", line)[:160]


def _flatten_forms(pdf: pikepdf.Pdf) -> None:
    """Fold filled form fields into the page so the bundle shows them and nobody can edit them."""
    acroform = pdf.Root.get("/AcroForm")
    if acroform is not None and len(acroform.get("/Fields", [])):
        pdf.generate_appearance_streams()
        pdf.flatten_annotations("all")
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]


def _sanitize(pdf: pikepdf.Pdf) -> str:
    """Drop scripts, launch actions and embedded files from the pages; say what went."""
    scripts = attachments = 0
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            scripts += 1
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            if not isinstance(annot, Dictionary):
                continue
            if annot.get("/Subtype") in BLOCKED_ANNOTS:
                attachments += 1
                continue
            if _blocked_action(annot.get("/A")):
                scripts += 1
                del annot["/A"]
            if "/AA" in annot:
                scripts += 1
                del annot["/AA"]
            kept.append(annot)
        page.obj.Annots = kept
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary):
        scripts += _count_names(names.get("/JavaScript"))
        attachments += _count_names(names.get("/EmbeddedFiles"))
    if isinstance(pdf.Root.get("/OpenAction"), Dictionary) and pdf.Root.OpenAction.get("/S") == "/JavaScript":
        scripts += 1
    parts = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in ((scripts, "script"),
                                                                  (attachments, "embedded file"))
             if n]
    return " and ".join(parts)


def _blocked_action(action, depth: int = 0) -> bool:
    """True when an action, or any action chained after it with /Next, is not a plain link."""
    if isinstance(action, Array):
        return any(_blocked_action(a, depth + 1) for a in action)
    if not isinstance(action, Dictionary) or depth > 50:
        return depth > 50
    return action.get("/S") in BLOCKED_ACTIONS or _blocked_action(action.get("/Next"), depth + 1)


def _count_names(tree) -> int:
    if tree is None:
        return 0
    try:
        return max(1, len(list(pikepdf.NameTree(tree).keys())))
    except Exception:  # a malformed name tree still held something
        return 1


class _Targets:
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


def _read_outline(pdf: pikepdf.Pdf, targets: _Targets, limit: int = 500) -> list[tuple[int, str, int]]:
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


def _mark_internal_links(pdf: pikepdf.Pdf, targets: _Targets) -> int:
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


def _assemble(fm: pikepdf.Pdf, front, sources, placed, bates: BatesStyle, heading: str) -> pikepdf.Pdf:
    bundle = pikepdf.new()
    front_pages = list(fm.pages)  # indexing .pages is linear in pikepdf: list pages once
    order = front_pages[:front.index_pages]
    for n, (b, src) in enumerate(zip(placed, sources)):
        b.first_page = len(order)
        order.append(front_pages[front.index_pages + n])
        order.extend(src.pages)
    _set_pages(bundle, order)
    font = bundle.copy_foreign(front_pages[front.carrier_page].Resources.Font)
    stamp_font = next(iter(font.values()))
    pages = list(bundle.pages)
    for i in range(front.index_pages, len(pages)):
        _place_and_stamp(bundle, pages[i], bates.number(bates.start + i - front.index_pages),
                         bates.position, stamp_font)
    for b in placed:
        _resolve_links(pages, b)
    _add_index_links(bundle, pages, front, placed)
    _add_outline(bundle, pages, placed, heading)
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


def _place_and_stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, text: str, position: str, font) -> None:
    """Turn the page upright, shrink its content clear of the stamp band, and stamp ``text``."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    if x0 > x1:
        x0, x1 = x1, x0
    if y0 > y1:
        y0, y1 = y1, y0
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    w, h = x1 - x0, y1 - y0
    upright = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x1),
               180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}[rotate]
    width, height = (w, h) if rotate in (0, 180) else (h, w)
    scale = (height - BAND) / height
    shift_y = BAND if position.startswith("bottom") else 0.0
    fit = (scale, 0, 0, scale, width * (1 - scale) / 2, shift_y)
    matrix = _multiply(upright, fit)
    size = stamp_width(text, STAMP_SIZE)
    x = {"right": width - STAMP_MARGIN - size, "left": STAMP_MARGIN,
         "center": (width - size) / 2}[position.split("-")[1]]
    y = (BAND - STAMP_SIZE) / 2 + 1 if position.startswith("bottom") else height - BAND / 2 - STAMP_SIZE / 2 + 1
    # Clip to the old crop box: what it hid must stay hidden, and out of the stamp band.
    page.contents_add(pdf.make_stream(b"q %s cm %s re W n\n" % (_nums(matrix), _nums([x0, y0, w, h]))),
                      prepend=True)
    page.contents_add(pdf.make_stream(
        b"\nQ q BT /FBates %s Tf 1 0 0 1 %s %s Tm (%s) Tj ET Q\n"
        % (_nums([STAMP_SIZE]), _nums([x]), _nums([y]), text.encode("ascii", "replace"))))
    page.add_resource(font, Name.Font, Name.FBates)
    page.obj.MediaBox = Array([0, 0, round(width, 3), round(height, 3)])
    for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate"):
        if box in page.obj:
            del page.obj[box]
    _move_annotations(page, matrix)


def _multiply(a, b):
    """The matrix that applies ``a`` then ``b`` (PDF's row-vector convention)."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (a0 * b0 + a1 * b2, a0 * b1 + a1 * b3, a2 * b0 + a3 * b2, a2 * b1 + a3 * b3,
            a4 * b0 + a5 * b2 + b4, a4 * b1 + a5 * b3 + b5)


def _apply(m, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _nums(values) -> bytes:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0" for v in values).encode()


def _move_annotations(page: pikepdf.Page, matrix) -> None:
    """Keep links and notes over the content they belonged to after the page moved."""
    for annot in page.obj.get("/Annots", []):
        rect = annot.get("/Rect")
        if rect is not None and len(rect) == 4:
            xs, ys = zip(*(_apply(matrix, float(rect[i]), float(rect[j])) for i, j in ((0, 1), (2, 3), (0, 3), (2, 1))))
            annot.Rect = Array([min(xs), min(ys), max(xs), max(ys)])
        quads = annot.get("/QuadPoints")
        if quads is not None:
            points = [float(v) for v in quads]
            moved = []
            for k in range(0, len(points) - 1, 2):
                moved += _apply(matrix, points[k], points[k + 1])
            annot.QuadPoints = Array(moved)


def _resolve_links(pages: list[pikepdf.Page], b: BundledExhibit) -> None:
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


def _add_index_links(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], front, placed) -> None:
    for (page_no, rect), b in zip(front.row_links, placed):
        page = pages[page_no]
        link = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array(list(rect)), Border=Array([0, 0, 0]),
            Dest=Array([pages[b.first_page].obj, Name.Fit])))
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(link)


def _add_outline(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], placed, heading: str) -> None:
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


def _save(pdf: pikepdf.Pdf, path: Path) -> None:
    pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             linearize=False)


def attachment_name(b: BundledExhibit) -> str:
    """``Exhibit 3 - Agency notice of suspension.pdf``: safe on every file system and CM/ECF."""
    title = b.exhibit.title.replace("\u2019", "'").replace("\u2018", "'")
    title = re.sub(r"[^A-Za-z0-9 ,.()&'-]+", " ", title).strip()
    title = re.sub(r"\s+", " ", title)[:80].rstrip(" .")
    return f"Exhibit {b.exhibit.mark} - {title}.pdf"


def _write_attachment(pages: list[pikepdf.Page], b: BundledExhibit, out_dir: Path, limit_mb: float,
                      warn: Warn) -> list[Path]:
    """Write the exhibit (cover included) as its own PDF; shrink or split it to fit the limit."""
    limit = int(limit_mb * 1024 * 1024)
    part = pikepdf.new()
    part.pages.extend(pages[b.first_page:b.first_page + b.pages + 1])
    part.docinfo["/Title"] = f"Exhibit {b.exhibit.mark} — {b.exhibit.title}"
    path = out_dir / attachment_name(b)
    _save(part, path)
    size = path.stat().st_size
    if size <= limit:
        return [path]
    reduced = _reduce_images(part)
    if reduced:
        _save(part, path)
        new_size = path.stat().st_size
        warn(f"Exhibit {b.exhibit.mark}: {_mb(size)} is over the {limit_mb:g} MB limit; reduced "
             f"{reduced} image{'s' if reduced != 1 else ''} to 150 dpi ({_mb(new_size)})")
        size = new_size
        if size <= limit:
            return [path]
    files = _split(part, path, limit)
    path.unlink()
    warn(f"Exhibit {b.exhibit.mark}: {_mb(size)} is over the {limit_mb:g} MB limit; split into "
         f"{len(files)} files: {', '.join(f.name for f in files)}")
    return files


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _page_images(page: pikepdf.Page) -> list:
    """The image XObjects a page draws, including those inside form XObjects."""
    getter = getattr(page, "get_images", None)
    images = getter() if getter else page.images  # get_images: pikepdf 10.9 and later
    return list(images.values())


def _reduce_images(pdf: pikepdf.Pdf, dpi: int = 150) -> int:
    """Re-encode images finer than ``dpi`` on a letter page as JPEG at ``dpi``; return how many."""
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
            if max(w, h) <= longest:
                continue
            try:
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


def _split(pdf: pikepdf.Pdf, path: Path, limit: int) -> list[Path]:
    """Split ``pdf`` into consecutive parts that each fit under ``limit`` bytes."""
    pages = list(pdf.pages)
    sizes = []
    for page in pages:
        one = pikepdf.new()
        one.pages.append(page)
        buffer = io.BytesIO()
        one.save(buffer, compress_streams=True)
        sizes.append(len(buffer.getvalue()))
    groups, current, total = [], [], 0
    for i, size in enumerate(sizes):
        if current and total + size > limit * 0.95:
            groups.append(current)
            current, total = [], 0
        current.append(i)
        total += size
    groups.append(current)
    files = []
    for n, group in enumerate(groups, 1):
        part = pikepdf.new()
        part.pages.extend(pages[group[0]:group[-1] + 1])
        target = path.with_name(f"{path.stem} (part {n} of {len(groups)}).pdf")
        _save(part, target)
        files.append(target)
    return files
