"""The leak scan: no confidential value may be anywhere in the public version (CIT Rule 5(g)).

The court has warned of "redacted" public versions whose hidden text could still be read, so
the scan reads every public output the way anyone who gets the file could:

- each PDF: the text of every page; the document information; the XMP metadata; every
  bookmark (title and link); every annotation (contents, title, subject, rich text, name,
  link URI); every attached file (name, description, and its bytes as text); every string
  object in the file; and every other stream (an annotation's appearance by the text it
  draws, a page's own XMP, private data), images and font programs apart;
- each DOCX: every part of the package (document, headers, footers, footnotes, comments,
  core, app and custom properties, relationships), text and attribute values alike, and
  the names of its parts;
- the name of every file and folder.

A confidential value is found by its meaning, not its spelling (:mod:`filings.court.variants`):
look-alike letters, zero-width characters, hyphenation and letter-spacing, case; a number by
value (``$1,250,000`` for ``1,250,000.00``); a date in any common form (``7/8/24``, ``July 8th,
2024``); an address with its street words abbreviated (``Ln.`` for ``Lane``). Values of fewer
than three characters are not searched for (they would be found in any text). Any finding
fails the build with the fact's path, where it is and what to do; the build then publishes
nothing, so the last good outputs stay. The report says what was read, never just "clean".

The scan is bounded: a DOCX is read within the office bounds (:mod:`filings.limits`), a PDF
page by page (every page: a page not read would be a page not checked), an attached file up
to 16 MB. A file it cannot read fails the build too: what cannot be checked is not published.
"""
from __future__ import annotations

import html
import io
import itertools
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote_plus

import pikepdf
from pypdf import PdfReader

from filings.court.confidential import display
from filings.court.needles import Needle, _Haystack, needles  # noqa: F401 (Needle: the scan's own word)
from filings.errors import FilingsError, Problem
from filings.limits import DEFAULT_LIMITS, Limits

ATTACHMENT_BYTES = 16 << 20
_TAG = re.compile(r"<[^>]+>")
_ATTRIBUTE = re.compile(r'=\s*"([^"]*)"')
KINDS = ("PDF", "DOCX", "exhibit file", "other file")  # what the report counts the files as


@dataclass
class Leak:
    path: str   # the fact
    file: str   # relative to the public folder
    place: str  # "page 2 text", "document information /Title", ...


@dataclass
class LeakReport:
    files: int = 0
    places: int = 0
    seconds: float = 0.0
    leaks: list[Leak] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # files read, of each kind

    def describe(self) -> str:
        """What was read and what was found: ``scanned 29 PDFs, 14 DOCX, 6 exhibit files: ...``."""
        counts = [f"{n} {kind}{'s' if n != 1 and kind != 'DOCX' else ''}" for kind, n in self.kinds.items() if n]
        found = (f"{len(self.leaks)} confidential value{'s' if len(self.leaks) != 1 else ''} found" if self.leaks
                 else "no confidential value found in the forms checked")
        return f"scanned {', '.join(counts) or 'no file'}: {found}"


def scan_outputs(folder: Path, values: Mapping[str, Iterable[str]], *, limits: Limits = DEFAULT_LIMITS,
                 locate: Callable[[str], str | None] = lambda path: None, raise_on_leak: bool = True,
                 skip: Iterable[str] = (), shown_as: str | None = None) -> LeakReport:
    """Read every output under ``folder`` (but the folders named in ``skip``) for the confidential
    ``values`` (fact path → texts); raise a :class:`FilingsError` naming each fact found, where
    (its file as ``shown_as/file``: the folder's name unless given), and what to do."""
    started = time.perf_counter()
    report = LeakReport()
    wanted = needles(values)
    seen: set[tuple[str, str]] = set()
    skip = set(skip)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative.split("/")[0] in skip:
            continue
        places = [("its file name", relative)]
        if path.is_file() and not path.is_symlink():
            report.files += 1
            kind = _kind(relative)
            report.kinds[kind] += 1
            places = itertools.chain(places, _places(path, limits))
        for place, text in places:
            report.places += 1
            hay = _Haystack(text)
            for needle in wanted:
                if (needle.path, relative) not in seen and hay.has(needle):
                    seen.add((needle.path, relative))
                    report.leaks.append(Leak(needle.path, relative, place))
    report.seconds = time.perf_counter() - started
    if report.leaks and raise_on_leak:
        shown = folder.name if shown_as is None else shown_as
        raise FilingsError(problems=[Problem(_message(leak, shown, locate)) for leak in report.leaks])
    return report


def _kind(relative: str) -> str:
    """What the report counts a file as: an exhibit file, a PDF, a DOCX or another file."""
    if relative.startswith(("exhibits/", "public/exhibits/")):
        return "exhibit file"
    return {".pdf": "PDF", ".docx": "DOCX"}.get(Path(relative).suffix.lower(), "other file")


def _message(leak: Leak, folder: str, locate: Callable[[str], str | None]) -> str:
    where = locate(leak.path)
    fix = ("if an exhibit's own pages show it, mark that exhibit 'confidential: true' or give a redacted copy "
           "as its file; if a paper prints it, print the fact itself" if _kind(leak.file) == "exhibit file" else
           "print the fact itself in the template (a filter or string method that rewrites it loses its "
           "brackets), or tag the fact it is written in as !confidential too")
    return (f"leak scan: the confidential value of {display(leak.path)}{f' ({where})' if where else ''} is in "
            f"the public version, {folder + '/' if folder else ''}{leak.file} ({leak.place}); nothing was published. {fix[0].upper()}"
            f"{fix[1:]}")


def _places(path: Path, limits: Limits) -> Iterator[tuple[str, str]]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        yield from pdf_places(path, limits)
    elif suffix in (".docx", ".docm", ".dotx", ".odt", ".zip"):
        yield from docx_places(path, limits)
    else:
        with path.open("rb") as f:
            yield "its contents", f.read(ATTACHMENT_BYTES).decode("utf-8", "replace")


# --------------------------------------------------------------------------- PDF

def pdf_places(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[str, str]]:
    """Every place of a PDF where text can be read, as (place, text)."""
    reader = PdfReader(path)
    for n, page in enumerate(reader.pages, 1):  # every page: the outputs were made within bounds
        try:
            text = page.extract_text() or ""
        except Exception as e:  # noqa: BLE001 - pypdf raises many kinds; a page it cannot read is an error
            raise FilingsError(f"leak scan: cannot read the text of page {n} ({e}); the public version cannot be "
                               "checked, so nothing was published", path=path) from None
        yield f"page {n} text", text
    with pikepdf.open(path) as pdf:
        for key, value in pdf.docinfo.items():
            yield f"document information {key}", _string(value)
        metadata = pdf.Root.get("/Metadata")
        if isinstance(metadata, pikepdf.Stream):
            yield "XMP metadata", _xml_text(metadata.read_bytes().decode("utf-8", "replace"))
        yield from _outline_places(pdf)
        for n, page in enumerate(pdf.pages, 1):
            for annot in page.obj.get("/Annots", []) or []:
                yield from _annotation_places(annot, n)
        for name, spec in pdf.attachments.items():
            yield "attached file name", str(name)
            yield "attached file description", str(spec.description or "")
            yield "attached file name", str(spec.filename or "")
            try:
                data = spec.get_file().read_bytes()[:ATTACHMENT_BYTES]
            except (pikepdf.PdfError, KeyError, AttributeError):
                data = b""
            yield "attached file contents", data.decode("utf-8", "replace")
        for obj in pdf.objects:  # the catch-all: any string anywhere (forms, page labels, ...)
            if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Array):
                strings = list(_strings(obj))
                if strings:
                    yield f"PDF object {obj.objgen[0]}", "\n".join(strings)
        yield from _stream_places(pdf)


_NOT_TEXT = {"/Image", "/XRef", "/ObjStm", "/EmbeddedFile", "/Type1C", "/CIDFontType0C", "/OpenType"}


def _stream_places(pdf: pikepdf.Pdf) -> Iterator[tuple[str, str]]:
    """Every stream the page text has not read (annotation appearances, a page's or an
    object's own metadata, private data), as text: a drawing by the text it draws and by its
    code; any other stream decoded, XML by its text. Images and font programs are not text."""
    read = _drawn_by_pages(pdf)
    metadata = pdf.Root.get("/Metadata")
    if isinstance(metadata, pikepdf.Stream):
        read.add(metadata.objgen)  # read above as the XMP metadata
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.objgen in read or _not_text(obj):
            continue
        try:
            data = obj.read_bytes()[:ATTACHMENT_BYTES]
        except (pikepdf.PdfError, NotImplementedError):  # a filter qpdf cannot decode: its raw bytes
            data = obj.read_raw_bytes()[:ATTACHMENT_BYTES]
        text = data.decode("utf-8", "replace")
        if obj.get("/Subtype") == "/Form":  # by its text: its code's numbers would read as digits
            yield f"drawing {obj.objgen[0]} (an annotation's appearance or a form)", _form_text(obj, text)
            continue
        if "begincmap" in text:  # a font's character map: hex codes, no text of the document
            continue
        xml = "<x:xmpmeta" in text or text.startswith("<?xml")
        yield f"{'XMP or XML ' if xml else ''}stream {obj.objgen[0]}", _xml_text(text) if xml else text


def _not_text(stream: pikepdf.Stream) -> bool:
    """True for an image, a font program, a color profile or the file's own structure."""
    return (stream.get("/Type") in _NOT_TEXT or stream.get("/Subtype") in _NOT_TEXT
            or any(key in stream for key in ("/Length1", "/Length2", "/Length3", "/N")))


def _drawn_by_pages(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The streams the pages draw (their contents and the drawings they use): read as page text."""
    read: set[tuple[int, int]] = set()
    resources = []
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(stream, pikepdf.Stream):
                read.add(stream.objgen)
        resources.append(page.obj.get("/Resources"))
    while resources:
        found = resources.pop()
        drawings = found.get("/XObject") if isinstance(found, pikepdf.Dictionary) else None
        for drawing in (drawings.values() if isinstance(drawings, pikepdf.Dictionary) else []):
            if isinstance(drawing, pikepdf.Stream) and drawing.get("/Subtype") == "/Form" \
                    and drawing.objgen not in read:
                read.add(drawing.objgen)
                resources.append(drawing.get("/Resources"))
    return read


def _form_text(form: pikepdf.Stream, code: str) -> str:
    """The text a drawing shows, read as pypdf reads a page's: the drawing on a page of its own."""
    try:
        with pikepdf.new() as pdf:
            page = pdf.add_blank_page()
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X0=pdf.copy_foreign(form)))
            page.obj.Contents = pdf.make_stream(b"q /X0 Do Q")
            buffer = io.BytesIO()
            pdf.save(buffer)
        return PdfReader(buffer).pages[0].extract_text() or ""
    except Exception:  # noqa: BLE001 - a drawing pypdf cannot read is read as its code
        return code


def _uri(value) -> str:
    """A link's address, and the same decoded with its separators as spaces (``Quarry-Lane``)."""
    uri = _string(value)
    return f"{uri}\n{re.sub(r'[-_+/.=&?]', ' ', unquote_plus(uri))}"


def _string(value) -> str:
    """A PDF string, name (without its slash) or number as text."""
    return str(value)[1:] if isinstance(value, pikepdf.Name) else str(value)


def _strings(obj, depth: int = 0) -> Iterator[str]:
    """The strings directly in a dictionary or array (indirect objects are visited on their own)."""
    if depth > 32:
        return
    items = obj.values() if isinstance(obj, pikepdf.Dictionary) else obj
    for value in items:
        if isinstance(value, pikepdf.String):
            yield str(value)
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
            yield from _strings(value, depth + 1)


def _outline_places(pdf: pikepdf.Pdf) -> Iterator[tuple[str, str]]:
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        n = 0
        while stack:
            item = stack.pop()
            n += 1
            yield f"bookmark {n}", item.title or ""  # by number: its title may be what leaks
            action = item.action
            if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
                yield "bookmark link", _uri(action["/URI"])
            stack.extend(reversed(item.children))


def _annotation_places(annot, page: int) -> Iterator[tuple[str, str]]:
    if not isinstance(annot, pikepdf.Dictionary):
        return
    for key in ("/Contents", "/T", "/Subj", "/RC", "/NM", "/TU"):
        if key in annot:
            yield f"annotation {key} on page {page}", _string(annot[key])
    action = annot.get("/A")
    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
        yield f"link on page {page}", _uri(action["/URI"])


# --------------------------------------------------------------------------- DOCX

def docx_places(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[str, str]]:
    """Every part of a Word (or other zip) package: its name, its text and attribute values."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise FilingsError(f"leak scan: not a readable package ({e}); the public version cannot be checked, "
                           "so nothing was published", path=path) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.office_entries or \
                sum(e.file_size for e in entries) > limits.office_unpacked_bytes:
            raise FilingsError("leak scan: the package is larger than the office bounds; the public version "
                               "cannot be checked, so nothing was published", path=path)
        for entry in entries:
            yield f"part name {entry.filename}", entry.filename
            data = archive.read(entry)
            if entry.filename.endswith((".xml", ".rels")) or data[:5] == b"<?xml":
                yield f"part {entry.filename}", _xml_text(data.decode("utf-8", "replace"))
            else:
                yield f"part {entry.filename}", data[:ATTACHMENT_BYTES].decode("utf-8", "replace")


def _xml_text(xml: str) -> str:
    """The text of XML (runs of a paragraph joined, paragraphs on lines) and its attribute values."""
    text = re.sub(r"</w:p>|</a:p>|<w:br/>|<w:tab/>|</rdf:li>", "\n", xml)
    attributes = "\n".join(html.unescape(v) for v in _ATTRIBUTE.findall(xml))
    glued = html.unescape(_TAG.sub("", text))  # a word split into runs is whole again
    spaced = html.unescape(_TAG.sub(" ", text))  # elements side by side stay apart
    return f"{glued}\n{spaced}\n{attributes}"
