"""The leak scan: no confidential value may be anywhere in the public version (CIT Rule 5(g)).

The court has warned of "redacted" public versions whose hidden text could still be read, so
the scan reads every public output the way anyone who gets the file could:

- each PDF: the text of every page; the document information; the XMP metadata; every
  bookmark (title and link); every annotation (contents, title, subject, rich text, name,
  link URI); every attached file (name, description, and its bytes as text); and, as a
  catch-all, every string object in the file;
- each DOCX: every part of the package (document, headers, footers, footnotes, comments,
  core, app and custom properties, relationships), text and attribute values alike, and
  the names of its parts;
- the name of every file and folder.

A confidential value is found in any normalized form: case folded, spaces collapsed (and,
for a value of several words, ignored), quotes and dashes made plain, a number with or
without its separators (``1,234,567``, ``1234567``), a date as the papers print it (``May
20, 2024``, ``May 20, 2024``'s short form ``Mar. 4, 2024``, ``2024-05-20``, ``5/20/2024``).
Values of fewer than three characters are not searched for (they would be found in any
text). Any finding fails the build with the fact's path, where it is and what to do; the
build then publishes nothing, so the last good outputs stay.

The scan is bounded: a DOCX is read within the office bounds (:mod:`filings.limits`), a PDF
page by page (every page: a page not read would be a page not checked), an attached file up
to 16 MB. A file it cannot read fails the build too: what cannot be checked is not published.
"""
from __future__ import annotations

import html
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote_plus

import pikepdf
from pypdf import PdfReader

from filings.court.confidential import MIN_SEARCH, display
from filings.facts.dates import LegalDate
from filings.errors import FilingsError, Problem
from filings.limits import DEFAULT_LIMITS, Limits

ATTACHMENT_BYTES = 16 << 20
_TAG = re.compile(r"<[^>]+>")
_ATTRIBUTE = re.compile(r'=\s*"([^"]*)"')
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"',
                        "\u201d": '"', "\u201e": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-",
                        "\u2013": "-", "\u2014": "-", "\u00ad": ""})
_SEPARATOR = re.compile(r"(?<=\d)[\s,.'\u00a0\u202f\-/](?=\d)")


def normalize(text: str) -> str:
    """Text as the scan compares it: compatibility forms, plain quotes and dashes, case folded,
    every run of spaces one space."""
    text = unicodedata.normalize("NFKC", text).translate(_PLAIN).casefold()
    return " ".join(text.split())


@dataclass
class Needle:
    """One form of one confidential value, and the fact it comes from."""

    path: str
    pattern: re.Pattern
    kind: str  # "text", "spaceless" or "digits": which form of the haystack it is looked for in


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


def needles(values: Mapping[str, Iterable[str]]) -> list[Needle]:
    """The forms to look for, for each confidential fact path → the texts it prints as."""
    found: dict[tuple[str, str], Needle] = {}
    for path, texts in values.items():
        for text in texts:
            for form, kind in _forms(str(text)):
                if len(form.replace(" ", "")) < MIN_SEARCH:
                    continue
                found.setdefault((form, kind), Needle(path, _pattern(form, kind), kind))
    return list(found.values())


def _forms(text: str) -> Iterator[tuple[str, str]]:
    norm = normalize(text)
    yield norm, "text"
    if " " in norm and len(norm.replace(" ", "")) >= 6:
        yield norm.replace(" ", ""), "spaceless"
    digits = re.sub(r"\D", "", norm)
    if len(digits) >= MIN_SEARCH and not re.search(r"[^\W\d_]", norm):  # a number, an amount, a date
        yield digits, "digits"
    try:
        date = LegalDate.parse(text.strip())
    except ValueError:
        return
    for form in _date_forms(date):
        yield normalize(form), "text"


def _date_forms(date: LegalDate) -> list[str]:
    forms = [date.long(), date.short(), date.iso(), date.long().replace(",", "")]
    if date.day:
        forms += [f"{date.month}/{date.day}/{date.year}", f"{date.month:02d}/{date.day:02d}/{date.year}",
                  f"{date.day} {date.long().split()[0]} {date.year}"]
    return forms


def _pattern(form: str, kind: str) -> re.Pattern:
    body = re.escape(form) if kind != "text" else r"\s?".join(re.escape(w) for w in form.split(" "))
    if kind == "digits":
        return re.compile(rf"(?<!\d){body}(?!\d)")
    before = r"(?<!\w)" if form[:1].isalnum() else ""
    after = r"(?!\w)" if form[-1:].isalnum() else ""
    return re.compile(before + body + after)


class _Haystack:
    """One piece of text from an output, in the forms the needles are looked for in."""

    def __init__(self, text: str):
        self.text = normalize(text)
        self._spaceless: str | None = None
        self._digits: str | None = None

    def has(self, needle: Needle) -> bool:
        if needle.kind == "text":
            return needle.pattern.search(self.text) is not None
        if needle.kind == "spaceless":
            if self._spaceless is None:
                self._spaceless = self.text.replace(" ", "")
            return needle.pattern.search(self._spaceless) is not None
        if self._digits is None:
            self._digits = _SEPARATOR.sub("", self.text)
        return needle.pattern.search(self._digits) is not None


def scan_outputs(folder: Path, values: Mapping[str, Iterable[str]], *, limits: Limits = DEFAULT_LIMITS,
                 locate: Callable[[str], str | None] = lambda path: None, raise_on_leak: bool = True) -> LeakReport:
    """Read every output under ``folder`` for the confidential ``values`` (fact path → texts);
    raise a :class:`FilingsError` naming each fact found, where, and what to do."""
    started = time.perf_counter()
    report = LeakReport()
    wanted = needles(values)
    seen: set[tuple[str, str]] = set()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        places = [("its file name", relative)]
        if path.is_file() and not path.is_symlink():
            report.files += 1
            places = _chain(places, _places(path, limits))
        for place, text in places:
            report.places += 1
            hay = _Haystack(text)
            for needle in wanted:
                if (needle.path, relative) not in seen and hay.has(needle):
                    seen.add((needle.path, relative))
                    report.leaks.append(Leak(needle.path, relative, place))
    report.seconds = time.perf_counter() - started
    if report.leaks and raise_on_leak:
        raise FilingsError(problems=[Problem(_message(leak, folder, locate)) for leak in report.leaks])
    return report


def _message(leak: Leak, folder: Path, locate: Callable[[str], str | None]) -> str:
    where = locate(leak.path)
    fix = ("if an exhibit's own pages show it, mark that exhibit 'confidential: true' or give a redacted copy "
           "as its file; if a paper prints it, print the fact itself" if leak.file.startswith("exhibits/") else
           "print the fact itself in the template (a filter or string method that rewrites it loses its "
           "brackets), or tag the fact it is written in as !confidential too")
    return (f"leak scan: the confidential value of {display(leak.path)}{f' ({where})' if where else ''} is in "
            f"the public version, {folder.name}/{leak.file} ({leak.place}); nothing was published. {fix[0].upper()}"
            f"{fix[1:]}")


def _chain(*parts: Iterable) -> Iterator:
    for part in parts:
        yield from part


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


def _uri(value) -> str:
    """A link's address, and the same decoded with its separators as spaces (``Quarry-Lane``)."""
    uri = _string(value)
    return f"{uri}\n{re.sub(r'[-_+/.=&?]', ' ', unquote_plus(uri))}"


def _string(value) -> str:
    if isinstance(value, pikepdf.String):
        return str(value)
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    return str(value)


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
