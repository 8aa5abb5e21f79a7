"""Checking and cleaning the exhibit files before they are bundled.

Exhibit files are untrusted: each is opened with its password, rejected with a clear
error when damaged or over the page bound, given a text layer by OCR when it has scanned
pages (pages that show images but have no fonts), flattened when it has a form, and
stripped of scripts, embedded files and links other than http, https and mailto. Its links
to its own pages and its bookmarks are read as it is opened (:mod:`.links`).
"""
from __future__ import annotations

import re
from typing import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from filings.errors import PdfError
from filings.exhibits.carried import note_carried
from filings.exhibits.exhibit import ExhibitPdf, Warn
from filings.exhibits.links import Targets, mark_internal_links, read_outline
from filings.exhibits.ocr import Ocr
from filings.exhibits.textlayer import add_text_layer
from filings.limits import DEFAULT_LIMITS, Limits


BLOCKED_ANNOTS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
LINK_ACTIONS = {"/URI", "/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/Thread"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def open_exhibit(e: ExhibitPdf, warn: Warn, ocr: Ocr | None = None, limits: Limits = DEFAULT_LIMITS
                  ) -> tuple[pikepdf.Pdf, list[tuple[int, str, int]]]:
    """Open an exhibit's PDF safely, or raise a PdfError naming the exhibit and its file."""
    where = f"exhibit '{e.id}' ({e.source})"
    pdf = _open_checked(e, where, limits)
    if ocr is not None and _needs_ocr(pdf):
        add_text_layer(pdf, e, where, ocr)
    note_carried(pdf, where, warn)  # a page naming each attachment removed below; unembedded fonts (bundlefix)
    removed = _sanitize(pdf)
    if removed:
        warn(f"{where}: removed {removed}")
    _flatten_forms(pdf)
    targets = Targets(pdf)
    broken = mark_internal_links(pdf, targets)
    if broken:
        warn(f"{where}: removed {broken} link{'s' if broken != 1 else ''} to pages that do not exist")
    return pdf, read_outline(pdf, targets)


_open_exhibit = open_exhibit  # its name before the bundle's workers called it


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
    """True when a page shows images but has no fonts: a scan without a text layer (which pages
    PDFium finds no text on is asked only then: :mod:`.textlayer`)."""
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


def check_exhibits(exhibits: Sequence[ExhibitPdf], warn: Warn) -> None:
    """Open every exhibit PDF as the bundle would; raise a PdfError for all that cannot be used."""
    for pdf, _ in open_exhibits(exhibits, warn):
        pdf.close()


def open_exhibits(exhibits: Sequence[ExhibitPdf], warn: Warn, ocr: Ocr | None = None,
              limits: Limits = DEFAULT_LIMITS) -> list:
    """Open every exhibit; report every unreadable one at once."""
    opened, problems = [], []
    for e in exhibits:
        try:
            opened.append(open_exhibit(e, warn, ocr, limits))
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
