"""What an exhibit's PDF carries that the bundle cannot file: embedded files and fonts it does
not embed. Called as each exhibit is opened, before it is cleaned (:mod:`.cleanup`).

Embedded files (the document's attachments and file-attachment annotations) are removed by
the clean-up; here each is named on a page of its own added after the exhibit's pages
("Attachment removed: invoice.xlsx (48,213 bytes) — the file attached to this exhibit was
not filed"), so the record shows that something was attached. A font the exhibit uses
without embedding it prints in whatever font the reader substitutes: a warning names the
exhibit and the fonts (PDF's 14 standard fonts, Helvetica, Times and Courier among them,
which every reader has, excepted).
"""
from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from filings.exhibits.exhibit import Warn
from filings.exhibits.drawn import draw_placeholders

NAME_CHARS = 120  # of an attachment's name, as printed
MEASURED = 16 * 1024 * 1024  # an attachment's stream decoded to count its bytes only up to this, stored
FORM_DEPTH = 8
# PDF's standard fonts: every reader has them (PDF/A still wants them embedded)
STANDARD = {f"{family}{style}" for family, styles in (
    ("Times", ("-Roman", "-Bold", "-Italic", "-BoldItalic")),
    ("Helvetica", ("", "-Bold", "-Oblique", "-BoldOblique")),
    ("Courier", ("", "-Bold", "-Oblique", "-BoldOblique")), ("Symbol", ("",)), ("ZapfDingbats", ("",)))
    for style in styles}


def note_carried(pdf: pikepdf.Pdf, where: str, warn: Warn) -> None:
    """Add a placeholder page after ``pdf``'s pages for each file embedded in it; warn of the
    fonts it uses without embedding them (but PDF's standard fonts, which every reader has)."""
    unembedded = [name for name in unembedded_fonts(pdf) if name not in STANDARD]
    if unembedded:
        shown = ", ".join(unembedded[:6]) + (f" and {len(unembedded) - 6} more" if len(unembedded) > 6 else "")
        warn(f"{where}: {len(unembedded)} font{'s' if len(unembedded) != 1 else ''} not embedded ({shown}); a "
             "reader without them shows the text in another font: make the PDF again with its fonts embedded "
             "(print it to PDF, or save it as PDF/A)")
    found = attachments(pdf)
    if found:
        add_placeholders(pdf, [f"Attachment removed: {name} ({size:,} bytes) \u2014 the file attached to this "
                               "exhibit was not filed" if size is not None else
                               f"Attachment removed: {name} \u2014 the file attached to this exhibit was not filed"
                               for name, size in found])


def attachments(pdf: pikepdf.Pdf) -> list[tuple[str, int | None]]:
    """The files embedded in ``pdf``, in the document's list and in file-attachment annotations:
    (name, size in bytes or None when it does not say)."""
    specs = []
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary) and names.get("/EmbeddedFiles") is not None:
        try:
            specs += [(str(key), spec) for key, spec in pikepdf.NameTree(names.EmbeddedFiles).items()]
        except Exception:  # a malformed name tree: its files are removed all the same
            specs.append(("", None))
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if isinstance(annot, Dictionary) and annot.get("/Subtype") == Name.FileAttachment:
                specs.append(("", annot.get("/FS")))
    found, seen = [], set()
    for key, spec in specs:
        if isinstance(spec, Dictionary) and spec.is_indirect:
            if spec.objgen in seen:
                continue
            seen.add(spec.objgen)
        found.append((_printable(_spec_name(spec) or key) or "an unnamed file", _spec_size(spec)))
    return found


def _spec_name(spec) -> str:
    if isinstance(spec, pikepdf.String):
        return str(spec)
    if not isinstance(spec, Dictionary):
        return ""
    for key in ("/UF", "/F", "/DOS", "/Unix"):
        if isinstance(spec.get(key), pikepdf.String):
            return str(spec.get(key))
    return ""


def _spec_size(spec) -> int | None:
    if not isinstance(spec, Dictionary) or not isinstance(spec.get("/EF"), Dictionary):
        return None
    stream = spec.EF.get("/F") or spec.EF.get("/UF")
    if not isinstance(stream, pikepdf.Stream):
        return None
    params = stream.get("/Params")
    if isinstance(params, Dictionary) and isinstance(params.get("/Size"), int) and params.Size >= 0:
        return int(params.Size)
    if isinstance(stream.get("/DL"), int) and stream.DL >= 0:
        return int(stream.DL)
    try:
        if int(stream.get("/Length", 0)) <= MEASURED:
            return len(stream.read_bytes())
    except (pikepdf.PdfError, TypeError, ValueError):
        pass
    return None


def _printable(name: str) -> str:
    """A name as printed: no control or format characters (a right-to-left override), bounded."""
    name = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in name)
    name = " ".join(name.split())
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "\u2026"


def add_placeholders(pdf: pikepdf.Pdf, lines: list[str]) -> None:
    """Append one placeholder page per line to ``pdf``, its data copied in (no tie to a scratch file)."""
    with tempfile.TemporaryDirectory(prefix="filings-placeholders-") as tmp:
        with pikepdf.open(draw_placeholders(Path(tmp) / "placeholders.pdf", lines)) as drawn:
            start = len(pdf.pages)
            pdf.pages.extend(drawn.pages)
            for page in list(pdf.pages)[start:]:
                _own_streams(page.obj)


def _own_streams(root) -> None:
    """Read every stream under ``root`` into memory: a page copied from another PDF reads its
    streams from that file until the copy is saved, and the file is gone by then."""
    stack, seen = [root], set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            if isinstance(obj, pikepdf.Stream):
                obj.write(obj.read_raw_bytes(), filter=obj.get("/Filter"), decode_parms=obj.get("/DecodeParms"))
            stack.extend(obj[k] for k in obj.keys() if k not in ("/Parent", "/P"))
        elif isinstance(obj, Array):
            stack.extend(obj)


def unembedded_fonts(pdf: pikepdf.Pdf) -> list[str]:
    """The fonts ``pdf``'s pages (and their forms) use without embedding them, by name."""
    missing: set[str] = set()
    seen: set = set()
    for page in pdf.pages:
        stack = [(page.obj.get("/Resources"), 0)]
        while stack:
            resources, depth = stack.pop()
            if not isinstance(resources, Dictionary) or depth > FORM_DEPTH:
                continue
            fonts = resources.get("/Font")
            for _, font in (fonts.items() if isinstance(fonts, Dictionary) else []):
                if isinstance(font, Dictionary) and not (font.is_indirect and font.objgen in seen):
                    if font.is_indirect:
                        seen.add(font.objgen)
                    if not _embedded(font):
                        missing.add(str(font.get("/BaseFont", "unnamed")).lstrip("/"))
            xobjects = resources.get("/XObject")
            for _, xobject in (xobjects.items() if isinstance(xobjects, Dictionary) else []):
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form and \
                        not (xobject.is_indirect and xobject.objgen in seen):
                    seen.add(xobject.objgen)
                    stack.append((xobject.get("/Resources"), depth + 1))
    return sorted(missing)


def _embedded(font: Dictionary) -> bool:
    if font.get("/Subtype") == Name.Type3:
        return True  # drawn by the PDF's own procedures
    if font.get("/Subtype") == Name.Type0:
        kids = font.get("/DescendantFonts")
        font = kids[0] if isinstance(kids, Array) and len(kids) and isinstance(kids[0], Dictionary) else font
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, Dictionary) and any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                                "/FontFile3"))
