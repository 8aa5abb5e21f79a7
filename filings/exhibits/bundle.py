"""The exhibit bundle: one PDF with an index, covers, bookmarks, Bates numbers and page
labels, plus one PDF per exhibit for CM/ECF. The only module that imports pikepdf.

Exhibit files are untrusted: each is opened with its password, rejected with a clear
error when damaged or over the page bound, given a text layer by OCR when it has scanned
pages, flattened when it has a form, and stripped of scripts, embedded files and links
other than http, https and mailto. Every page is turned upright and shrunk by a few
percent into the part of the page that the stamp does not use, so a Bates number never
covers the page's content; a page smaller than 3 inches on a side is enlarged onto a
Letter page, one larger than PDF's 200 inches is reduced. The Bates prefix, any text, is
drawn once by reportlab and its operators copied (never the raw text) onto every page.
"""
from __future__ import annotations

import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from filings.determinism import stamp_pdf
from filings.errors import PdfError
from filings.exhibits.frontmatter import FONT_PACKAGES, Cover, IndexEntry, draw_front_matter, stamp_width
from filings.limits import DEFAULT_LIMITS, Limits
from filings.exhibits.ocr import Ocr

BAND = 30.0          # points kept free for the stamp at the bottom (or top) of each page
STAMP_SIZE = 9.0     # points
STAMP_MARGIN = 54.0  # from the side edge to the stamp
MIN_SIDE = 3 * 72.0  # a page smaller than this on a side is enlarged onto a Letter page
MAX_SIDE = 14400.0   # PDF's largest page (200 in): a larger one is reduced to fit
LETTER = (612.0, 792.0)
BLOCKED_ANNOTS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
LINK_ACTIONS = {"/URI", "/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/Thread"}
SAFE_SCHEMES = {"http", "https", "mailto"}

Warn = Callable[[str], None]


@dataclass(frozen=True)
class BatesStyle:
    prefix: str = ""
    start: int = 1
    digits: int = 6
    position: str = "bottom-right"

    def number(self, n: int) -> str:
        return f"{self.prefix}{self.figures(n)}"

    def figures(self, n: int) -> str:
        """The digits of Bates number ``n``, without the prefix."""
        return f"{n:0{self.digits}d}"


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
    note: str = ""      # on the cover: "Demonstrative — prepared for this filing"


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
                caption: list[str], size_limit_mb: float, warn: Warn, name: str = "exhibit-bundle.pdf",
                ocr: bool = False, limits: Limits = DEFAULT_LIMITS) -> BundleResult:
    """Assemble ``exhibits`` into ``out_dir/name`` and one file per exhibit; return where all went.

    With ``ocr``, exhibits with scanned pages get a searchable text layer first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with Ocr(warn, limits) as reader, tempfile.TemporaryDirectory(prefix="filings-bundle-") as tmp:
        opened = _open_all(exhibits, warn, reader if ocr else None, limits)
        sources = [src for src, _ in opened]
        try:
            return _make(exhibits, opened, Path(tmp), out_dir, bates=bates, heading=heading, caption=caption,
                         size_limit_mb=size_limit_mb, warn=warn, name=name)
        finally:
            for src in sources:
                src.close()


def _make(exhibits: Sequence[ExhibitPdf], opened: list, tmp: Path, out_dir: Path, *, bates: BatesStyle,
          heading: str, caption: list[str], size_limit_mb: float, warn: Warn, name: str) -> BundleResult:
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
        _save(bundle, path)
        pages = list(bundle.pages)  # indexing bundle.pages is linear: list them once
        for b in placed:
            b.files = _write_attachment(pages, b, out_dir, size_limit_mb, warn, bates)
        bundle.close()
    return BundleResult(path, placed, front.index_pages, len(pages))


def _open_exhibit(e: ExhibitPdf, warn: Warn, ocr: Ocr | None = None, limits: Limits = DEFAULT_LIMITS
                  ) -> tuple[pikepdf.Pdf, list[tuple[int, str, int]]]:
    """Open an exhibit's PDF safely, or raise a PdfError naming the exhibit and its file."""
    where = f"exhibit '{e.id}' ({e.source})"
    pdf = _open_checked(e, where, limits)
    if ocr is not None and _needs_ocr(pdf):
        pdf = _with_text_layer(pdf, e, where, ocr)
    removed = _sanitize(pdf)
    if removed:
        warn(f"{where}: removed {removed}")
    _flatten_forms(pdf)
    targets = _Targets(pdf)
    broken = _mark_internal_links(pdf, targets)
    if broken:
        warn(f"{where}: removed {broken} link{'s' if broken != 1 else ''} to pages that do not exist")
    return pdf, _read_outline(pdf, targets)


def _open_checked(e: ExhibitPdf, where: str, limits: Limits) -> pikepdf.Pdf:
    """Open ``e``'s PDF with its password; raise a PdfError if it is encrypted, damaged, empty
    or has more pages than one exhibit may."""
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
    if pages > limits.exhibit_pages:
        pdf.close()
        raise PdfError(f"{where}: the PDF has {pages:,} pages, over the bound of {limits.exhibit_pages:,} "
                       "pages for one exhibit; split it into several exhibits")
    return pdf


def _needs_ocr(pdf: pikepdf.Pdf) -> bool:
    """True when a page shows images but has no fonts: a scan without a text layer."""
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if resources is None:
            resources = _inherited(page.obj, "/Resources")
        if _draws(resources, "/Image", 0) and not _draws(resources, "/Font", 0):
            return True
    return False


def _inherited(obj, key: str):
    parent, depth = obj.get("/Parent"), 0
    while isinstance(parent, Dictionary) and depth < 64:
        if key in parent:
            return parent[key]
        parent, depth = parent.get("/Parent"), depth + 1
    return None


def _draws(resources, kind: str, depth: int) -> bool:
    """True when ``resources`` (or a form XObject in them) hold a font (``/Font``) or an image
    (``/Image``)."""
    if not isinstance(resources, Dictionary) or depth > 4:
        return False
    if kind == "/Font" and isinstance(resources.get("/Font"), Dictionary) and len(resources.Font):
        return True
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, Dictionary):
        return False
    for _, xobject in xobjects.items():
        subtype = xobject.get("/Subtype") if isinstance(xobject, (Dictionary, pikepdf.Stream)) else None
        if subtype == "/Image" and kind == "/Image":
            return True
        if subtype == "/Form" and _draws(xobject.get("/Resources"), kind, depth + 1):
            return True
    return False


def _with_text_layer(pdf: pikepdf.Pdf, e: ExhibitPdf, where: str, ocr: Ocr) -> pikepdf.Pdf:
    """``pdf`` with a text layer on its scanned pages (OCR'd now or taken from the cache)."""
    key = ocr.key(e.pdf)
    made = ocr.cached(key)
    if made is None:
        with tempfile.TemporaryDirectory(prefix="filings-ocr-in-") as tmp:
            source = e.pdf
            if pdf.is_encrypted:  # OCRmyPDF cannot open it: give it a decrypted copy
                source = Path(tmp) / "decrypted.pdf"
                pdf.save(source, encryption=False)
            made = ocr.text_layer(source, key, where)
    if made is None:
        return pdf
    try:
        result = pikepdf.open(made)
    except (pikepdf.PdfError, OSError) as err:
        ocr.warn(f"{where}: OCR made an unreadable PDF ({_first_line(err)}); the exhibit is bundled "
                 "without a text layer")
        return pdf
    if len(result.pages) != len(pdf.pages):
        result.close()
        return pdf
    pdf.close()
    return result


def check_exhibits(exhibits: Sequence[ExhibitPdf], warn: Warn) -> None:
    """Open every exhibit PDF as the bundle would; raise a PdfError for all that cannot be used."""
    for pdf, _ in _open_all(exhibits, warn):
        pdf.close()


def _open_all(exhibits: Sequence[ExhibitPdf], warn: Warn, ocr: Ocr | None = None,
              limits: Limits = DEFAULT_LIMITS) -> list:
    """Open every exhibit; report every unreadable one at once."""
    opened, problems = [], []
    for e in exhibits:
        try:
            opened.append(_open_exhibit(e, warn, ocr, limits))
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
    """Fold filled form fields into the page so the bundle shows them and nobody can edit them.

    Widgets of fields the form does not list (or of a file with no form) are flattened too."""
    acroform = _list_every_field(pdf)
    if acroform is not None and len(acroform.get("/Fields", [])):
        pdf.generate_appearance_streams()
        pdf.flatten_annotations("all")
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    for page in pdf.pages:  # widgets with nothing to show are left by flattening: without a form, drop them
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array) and any(isinstance(a, Dictionary) and a.get("/Subtype") == Name.Widget
                                             for a in annots):
            page.obj.Annots = Array([a for a in annots if not (isinstance(a, Dictionary) and
                                                               a.get("/Subtype") == Name.Widget)])


def _list_every_field(pdf: pikepdf.Pdf):
    """The form, with every field that has a widget on a page in its /Fields (made if missing)."""
    acroform = pdf.Root.get("/AcroForm")
    listed = {f.objgen for f in acroform.get("/Fields", [])} if isinstance(acroform, Dictionary) else set()
    roots = []
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, Dictionary) or annot.get("/Subtype") != Name.Widget:
                continue
            root, depth = annot, 0
            while isinstance(root.get("/Parent"), Dictionary) and depth < 64:
                root, depth = root.Parent, depth + 1
            if root.is_indirect and root.objgen not in listed:
                listed.add(root.objgen)
                roots.append(root)
    if roots:
        if not isinstance(acroform, Dictionary):
            acroform = pdf.Root.AcroForm = pdf.make_indirect(Dictionary(Fields=Array()))
        if not isinstance(acroform.get("/Fields"), Array):
            acroform.Fields = Array()
        for root in roots:
            acroform.Fields.append(root)
    return acroform


def _sanitize(pdf: pikepdf.Pdf) -> str:
    """Drop scripts, unsafe links and embedded files from the pages; say what went."""
    removed = {"script": 0, "link": 0, "attachment": 0}
    seen: set = set()
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            removed["script"] += 1
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            if not isinstance(annot, Dictionary):
                continue
            if annot.get("/Subtype") in BLOCKED_ANNOTS:
                removed["attachment"] += 1
                continue
            _disarm(annot, removed, seen)
            _disarm_fields(annot, removed, seen)
            kept.append(annot)
        page.obj.Annots = kept
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary):
        removed["script"] += _count_names(names.get("/JavaScript"))
        removed["attachment"] += _count_names(names.get("/EmbeddedFiles"))
    opening = pdf.Root.get("/OpenAction")  # an action, or a destination (an array)
    if isinstance(opening, Dictionary) and _unsafe(opening) == "script":
        removed["script"] += 1
    return _removal_text(removed)


def _removal_text(removed: dict[str, int]) -> str:
    """``2 scripts, 1 unsafe link (only http, https and mailto links are kept) and 1 embedded file``."""
    def plural(n: int, what: str) -> str:
        return f"{n} {what}{'s' if n != 1 else ''}"

    parts = []
    if removed["script"]:
        parts.append(plural(removed["script"], "script"))
    if removed["link"]:
        parts.append(plural(removed["link"], "unsafe link") + " (only http, https and mailto links are kept)")
    if removed["attachment"]:
        parts.append(plural(removed["attachment"], "embedded file"))
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _disarm(obj: Dictionary, removed: dict[str, int], seen: set) -> None:
    """Remove ``obj``'s action hooks (/AA) and its action (/A) unless that is a safe link."""
    if obj.is_indirect:
        if obj.objgen in seen:
            return
        seen.add(obj.objgen)
    if "/AA" in obj:
        del obj["/AA"]
        removed["script"] += 1
    kind = _unsafe(obj.get("/A"))
    if kind:
        del obj["/A"]
        removed[kind] += 1


def _disarm_fields(annot: Dictionary, removed: dict[str, int], seen: set, limit: int = 10_000) -> None:
    """Disarm every form field of the tree a widget belongs to: its /Parent chain up to the root
    field, and every /Kids below (fields that are not annotations keep scripts too)."""
    root, depth = annot, 0
    while isinstance(root.get("/Parent"), Dictionary) and depth < 64:
        root, depth = root.Parent, depth + 1
    if root is annot:
        return
    stack, visited = [root], 0
    while stack and visited < limit:
        node = stack.pop()
        visited += 1
        _disarm(node, removed, seen)
        kids = node.get("/Kids")
        if isinstance(kids, Array):
            stack.extend(kid for kid in kids if isinstance(kid, Dictionary) and
                         not (kid.is_indirect and kid.objgen in seen))


def _unsafe(action, depth: int = 0) -> str:
    """What an action (with those chained after it by /Next) would do that the bundle must not
    keep: "script", "link" (a file, program or address other than http, https, mailto), or ""."""
    if isinstance(action, Array):
        kinds = [_unsafe(a, depth + 1) for a in action]
        return "script" if "script" in kinds else "link" if "link" in kinds else ""
    if not isinstance(action, Dictionary):
        return ""
    if depth > 50:
        return "script"
    kind = action.get("/S")
    if kind is None:  # not an action: nothing runs
        here = ""
    elif kind == "/GoTo":
        here = ""
    elif kind == "/URI":
        here = _uri_risk(action.get("/URI"))
    elif kind in LINK_ACTIONS:
        here = "link"
    else:
        here = "script"
    return here or _unsafe(action.get("/Next"), depth + 1)


def _uri_risk(uri) -> str:
    """"" for an http, https or mailto address; "script" for javascript:; "link" for the rest."""
    if not isinstance(uri, String):
        return "link"
    text = "".join(ch for ch in str(uri) if ch.isprintable() and not ch.isspace())
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    name = scheme.group(1).lower() if scheme else ""
    if name in SAFE_SCHEMES:
        return ""
    return "script" if name in ("javascript", "vbscript") else "link"


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
    stamp = _Stamp(bundle, front_pages[front.carrier_page], bates.prefix)
    pages = list(bundle.pages)
    turned: set = set()
    for i in range(front.index_pages, len(pages)):
        _place_and_stamp(bundle, pages[i], bates.figures(bates.start + i - front.index_pages),
                         bates.position, stamp, turned)
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


class _Stamp:
    """The Bates stamp of every page: the prefix as the text operators reportlab drew on the
    carrier page (so any text is drawn with embedded fonts and none is ever written raw into a
    content stream), then the digits in the carrier's stamp font, whose codes are ASCII."""

    def __init__(self, bundle: pikepdf.Pdf, carrier: pikepdf.Page, prefix: str):
        shows = _text_shows(carrier)
        digits_font = shows[0][0]  # the carrier's first line: printable ASCII in the stamp font
        names: dict[str, str] = {digits_font: "/FBates"}
        for font, _ in shows[1:]:
            names.setdefault(font, f"/FBates{len(names)}")
        fonts = bundle.copy_foreign(carrier.Resources.Font)
        self.fonts = {names[font]: fonts[font] for font in names}
        self.runs = [(names[font], shown) for font, shown in shows[1:]]
        self.prefix_width = stamp_width(prefix, 1.0)
        self._prefix: dict[tuple, bytes] = {}

    def content(self, page: pikepdf.Page, figures: str, size: float, x: float, y: float) -> bytes:
        """Add the stamp's fonts to ``page``; return the operators that draw its stamp."""
        rename = self._add_fonts(page)
        return b"\nQ q BT 1 0 0 1 %s Tm %s(%s) Tj ET Q\n" % (
            _nums([x, y]), self._prefix_ops(size, rename), figures.encode("ascii"))

    def _prefix_ops(self, size: float, rename: dict[str, str]) -> bytes:
        """The operators that draw the prefix and select the digits' font, at ``size``."""
        key = (size, tuple(sorted(rename.items())))
        if key not in self._prefix:
            ops, current = [], None
            for font, shown in [*self.runs, ("/FBates", b"")]:
                font = rename.get(font, font)
                if font != current:
                    ops.append(b"%s %s Tf " % (font.encode(), _nums([size])))
                    current = font
                if shown:
                    ops.append(shown + b" ")
            self._prefix[key] = b"".join(ops)
        return self._prefix[key]

    def _add_fonts(self, page: pikepdf.Page) -> dict[str, str]:
        """Put the stamp's fonts in the page's resources; where the page already uses one of
        their names for another font (a page of an earlier bundle, bundled again), under another
        name, returned as {our name: the name used}."""
        if not isinstance(page.obj.get("/Resources"), Dictionary):
            page.obj.Resources = Dictionary()
        resources = page.obj.Resources
        if not isinstance(resources.get("/Font"), Dictionary):
            resources.Font = Dictionary()
        fonts = resources.Font
        rename: dict[str, str] = {}
        for name, font in self.fonts.items():
            there = fonts.get(name)
            if there is None:
                fonts[name] = font
            elif not (there.is_indirect and there.objgen == font.objgen):
                n = 0
                while f"/FBatesStamp{n}" in fonts:
                    n += 1
                rename[name] = f"/FBatesStamp{n}"
                fonts[rename[name]] = font
        return rename


def _text_shows(page: pikepdf.Page) -> list[tuple[str, bytes]]:
    """Each text-showing operator of ``page``, in order, as (font resource name, the operator
    serialised by pikepdf)."""
    shows, font = [], None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf" and operands:
            font = str(operands[0])
        elif op in ("Tj", "TJ") and font is not None:
            shows.append((font, pikepdf.unparse_content_stream([(operands, operator)]).strip()))
    return shows


def _layout(width: float, height: float, position: str) -> tuple[float, float, tuple, float]:
    """Where the upright content of a ``width`` x ``height`` page goes: the new page's size, the
    matrix that places the content clear of the stamp band, and the stamp's scale.

    A page under 3 inches on a side is enlarged onto a Letter page (of its orientation), one
    over 200 inches reduced to fit; content keeps its aspect and is centred. On a page larger
    than Tabloid the stamp grows with the page so it stays readable when the page is shown
    whole."""
    w, h = max(width, 1.0), max(height, 1.0)
    k = min(1.0, MAX_SIDE / max(w, h))
    page_w, page_h = w * k, h * k
    if min(page_w, page_h) < MIN_SIDE:
        page_w, page_h = LETTER if h >= w else LETTER[::-1]
    stamp_scale = max(1.0, min(page_w, page_h) / LETTER[1])
    band = BAND * stamp_scale
    scale = min(page_w / w, (page_h - band) / h)
    dx = (page_w - w * scale) / 2
    dy = (0.0 if position.startswith("top") else band) + (page_h - band - h * scale) / 2
    return page_w, page_h, (scale, 0, 0, scale, dx, dy), stamp_scale


UPRIGHT = {0: lambda x0, y0, x1, y1: (1, 0, 0, 1, -x0, -y0), 90: lambda x0, y0, x1, y1: (0, -1, 1, 0, -y0, x1),
           180: lambda x0, y0, x1, y1: (-1, 0, 0, -1, x1, y1), 270: lambda x0, y0, x1, y1: (0, 1, -1, 0, y1, -x0)}


def _rotation(page: pikepdf.Page) -> int:
    """The page's /Rotate as 0, 90, 180 or 270 (anything else, as viewers do, as 0)."""
    try:
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        return 0
    return rotate if rotate in UPRIGHT else 0


def _place_and_stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, figures: str, position: str, stamp: _Stamp,
                     turned: set) -> None:
    """Turn the page upright, fit its content clear of the stamp band, and stamp it."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    if x0 > x1:
        x0, x1 = x1, x0
    if y0 > y1:
        y0, y1 = y1, y0
    rotate = _rotation(page)
    w, h = x1 - x0, y1 - y0
    upright = UPRIGHT[rotate](x0, y0, x1, y1)
    width, height = (w, h) if rotate in (0, 180) else (h, w)
    page_w, page_h, fit, grow = _layout(width, height, position)
    matrix = _multiply(upright, fit)
    size, band, margin = STAMP_SIZE * grow, BAND * grow, STAMP_MARGIN * grow
    text_w = stamp.prefix_width * size + stamp_width(figures, size)
    x = {"right": page_w - margin - text_w, "left": margin,
         "center": (page_w - text_w) / 2}[position.split("-")[1]]
    y = (band - size) / 2 + grow if position.startswith("bottom") else page_h - band / 2 - size / 2 + grow
    # Clip to the old crop box: what it hid must stay hidden, and out of the stamp band.
    page.contents_add(pdf.make_stream(b"q %s cm %s re W n\n" % (_nums(matrix), _nums([x0, y0, w, h]))),
                      prepend=True)
    page.contents_add(pdf.make_stream(stamp.content(page, figures, size, x, y)))
    page.obj.MediaBox = Array([0, 0, round(page_w, 3), round(page_h, 3)])
    for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate"):
        if box in page.obj:
            del page.obj[box]
    _move_annotations(page, matrix, fit[0], upright[:4], turned)


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


POINT_LISTS = ("/QuadPoints", "/Vertices", "/L", "/CL")  # flat x y x y ... in page space
PATH_LISTS = ("/InkList", "/Path")                      # arrays of such lists
LENGTHS = ("/LL", "/LLE", "/LLO")                        # distances along a line annotation


def _move_annotations(page: pikepdf.Page, matrix, scale: float, turn, turned: set) -> None:
    """Keep annotations over the content they belonged to after the page moved: their
    rectangles, points, paths and lengths go through ``matrix`` and their appearances turn with
    the page (``turn``: the rotation part of the matrix)."""
    for annot in page.obj.get("/Annots", []):
        if not isinstance(annot, Dictionary):
            continue
        rect = _numbers(annot.get("/Rect"))
        if rect is not None and len(rect) == 4:
            annot.Rect = Array(_box(matrix, rect))
            differences = _numbers(annot.get("/RD"))
            if differences is not None and len(differences) == 4:
                annot.RD = Array(_moved_differences(matrix, rect, differences))
        for key in POINT_LISTS:
            points = _numbers(annot.get(key))
            if points is not None:
                annot[key] = Array(_points(matrix, points))
        for key in PATH_LISTS:
            paths = annot.get(key)
            if isinstance(paths, Array):
                annot[key] = Array([Array(_points(matrix, _numbers(path) or [])) for path in paths])
        for key in LENGTHS:
            value = annot.get(key)
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                annot[key] = float(value) * scale
        flags = annot.get("/F", 0)
        if tuple(turn) != (1, 0, 0, 1) and not (isinstance(flags, int) and flags & 16):  # 16: NoRotate
            _turn_appearances(annot, turn, turned)


def _numbers(value) -> list[float] | None:
    """The numbers of a PDF array, or None when it is not an array of numbers."""
    if not isinstance(value, Array):
        return None
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        return None


def _points(matrix, values: list[float]) -> list[float]:
    moved: list[float] = []
    for k in range(0, len(values) - 1, 2):
        moved += _apply(matrix, values[k], values[k + 1])
    return moved


def _box(matrix, rect: list[float]) -> list[float]:
    """The rectangle covering ``rect`` (x0 y0 x1 y1) after ``matrix``."""
    xs, ys = zip(*(_apply(matrix, rect[i], rect[j]) for i, j in ((0, 1), (2, 3), (0, 3), (2, 1))))
    return [min(xs), min(ys), max(xs), max(ys)]


def _moved_differences(matrix, rect: list[float], rd: list[float]) -> list[float]:
    """/RD (the insets left, top, right, bottom of the drawn shape inside /Rect) after ``matrix``."""
    x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    outer = _box(matrix, [x0, y0, x1, y1])
    inner = _box(matrix, [x0 + rd[0], y0 + rd[3], x1 - rd[2], y1 - rd[1]])
    return [max(0.0, inner[0] - outer[0]), max(0.0, outer[3] - inner[3]),
            max(0.0, outer[2] - inner[2]), max(0.0, inner[1] - outer[1])]


def _turn_appearances(annot: Dictionary, turn, turned: set) -> None:
    """Turn the annotation's appearance streams with the page: a viewer fits an appearance into
    /Rect by scaling only, so a turn must be in the appearance's own /Matrix. (``turned``: the
    streams already turned, as annotations may share one.)"""
    appearances = annot.get("/AP")
    if not isinstance(appearances, Dictionary):
        return
    for key in ("/N", "/R", "/D"):
        entry = appearances.get(key)
        streams = [entry] if isinstance(entry, pikepdf.Stream) else \
            [v for _, v in entry.items() if isinstance(v, pikepdf.Stream)] if isinstance(entry, Dictionary) else []
        for stream in streams:
            if stream.objgen in turned:
                continue
            if stream.is_indirect:
                turned.add(stream.objgen)
            old = _numbers(stream.get("/Matrix")) or [1, 0, 0, 1, 0, 0]
            if len(old) == 6:
                stream.Matrix = Array(list(_multiply(old, (*turn, 0, 0))))


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


def _write_attachment(pages: list[pikepdf.Page], b: BundledExhibit, out_dir: Path, limit_mb: float,
                      warn: Warn, bates: BatesStyle) -> list[Path]:
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
    path.unlink()

    def too_big(page: int, page_size: int) -> PdfError:
        what = "its cover" if page == 0 else f"page {page} ({bates.number(_first_number(b, bates) + page)})"
        return PdfError(f"exhibit '{b.exhibit.id}' ({b.exhibit.source}): {what} alone is {_size(page_size)}, "
                        f"over the size limit of {limit_mb:g} MB for one file; raise bundle.size_limit_mb in "
                        "the facts or reduce the file (scan it at a lower resolution)")

    files = _split(part, path, limit, too_big)
    warn(f"Exhibit {b.exhibit.mark}: {_mb(size)} is over the {limit_mb:g} MB limit; split into "
         f"{len(files)} files: {', '.join(f.name for f in files)}")
    return files


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


def _split(pdf: pikepdf.Pdf, path: Path, limit: int, too_big: Callable[[int, int], PdfError]) -> list[Path]:
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
            _write_pages(pages[group[0]:group[-1] + 1], staged)
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


def _write_pages(pages: list[pikepdf.Page], path: Path) -> None:
    part = pikepdf.new()
    part.pages.extend(pages)
    _save(part, path)
