"""Untrusted Word and OpenDocument files, checked and cleaned before anything opens them.

The only module that opens DOCX/ODT zip containers for safety checks. Templates (before
docxtpl opens them, and again after rendering) and Word/ODT exhibits (before LibreOffice
converts them) go through :func:`sanitize_office`, which

- checks the zip's central directory against :class:`~filings.limits.Limits`: a zip at all,
  at most ``office_entries`` files, at most ``office_unpacked_bytes`` unpacked, no part over
  1 MB that unpacks more than ``office_ratio`` times its packed size (a zip bomb), zips
  inside only one level deep and within the same bounds;
- reads every part with a cap (never more than its declared size, and never more than the
  bound in all) and writes a new package, so what LibreOffice inflates is what was checked
  even when the declared sizes lie;
- removes everything that would make LibreOffice fetch a URL or read a local file:
  external relationships other than http(s)/mailto hyperlinks (linked pictures, attached
  templates, subdocuments, frames, OLE links, mail-merge sources), INCLUDEPICTURE,
  INCLUDETEXT, LINK, DDE and similar fields (their last shown result stays), imported
  parts (altChunk), macros; in ODF, ``xlink:href`` to anything outside the package;
- returns what it removed, for a warning.

XML is parsed with a hardened lxml parser: no entities, no network, no DTD, no huge trees.
Old binary ``.doc`` and ``.rtf`` files are not zips and cannot be cleaned this way; they
are passed to LibreOffice as they are (see :func:`stage_exhibit`).
"""
from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Collection
from urllib.parse import unquote

from lxml import etree

from filings.errors import ConversionError, FilingsError
from filings.limits import DEFAULT_LIMITS, Limits

RATIO_FLOOR = 1024 * 1024   # parts smaller than this unpacked are not checked for their ratio
NESTING = 1                 # zips inside the package (embedded spreadsheets) may not hold zips
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
SAFE_LINKS = ("http", "https", "mailto")

W_NS = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main"}
R_NS = {"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships"}
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
VML = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
XLINK = "http://www.w3.org/1999/xlink"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF_FORM = "urn:oasis:names:tc:opendocument:xmlns:form:1.0"

# Fields whose instruction makes Word or LibreOffice read another file or program.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO",
                   "DATABASE", "RD"}
# DOCX elements that only exist to pull in something from outside: dropped whole.
DOCX_DROP = {"subDoc", "altChunk", "attachedTemplate", "mailMerge", "frameset", "linkedToFile"}
# Elements keeping their content when their reference to an outside file is removed.
DOCX_KEEP_ON_UNLINK = {"hyperlink", "blip", "imagedata", "hlinkClick", "hlinkHover", "hlinkMouseOver",
                       "fill", "stroke", "shape", "textpath", "object", "control"}
HYPERLINK_ELEMENTS = {"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"}
# ODF elements that exist to pull in an outside file or run a script: dropped whole.
ODF_DROP = {"section-source", "dde-connection-decls", "dde-connection-decl", "dde-source", "dde-links",
            "dde-link", "dde-connection", "scripts", "event-listeners", "table-source", "cell-range-source",
            "applet", "plugin", "floating-frame"}
ODF_LINKS = {"a"}  # text:a and draw:a: hyperlinks, kept when http(s)/mailto
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$", re.I)
ODF_MACRO_DIRS = ("Basic/", "Scripts/")
MACRO_TYPES = {"application/vnd.ms-word.document.macroEnabled.main+xml":
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml":
               "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"}


class OfficeFileError(FilingsError):
    """A Word or OpenDocument file that cannot be opened safely: not a zip, over a bound,
    damaged or encrypted. ``reason`` is the message without the file's name."""

    def __init__(self, reason: str, path=None):
        self.reason = reason
        super().__init__(reason, path=path)


def _parser() -> etree.XMLParser:
    """lxml hardened for untrusted XML."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=False)


def _brief(error: object) -> str:
    """An error's message on one short line (zipfile quotes raw header bytes)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _amount(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


# --------------------------------------------------------------------------- the container

def _open_zip(src: Path | IO[bytes]) -> zipfile.ZipFile:
    """``src`` as a zip, or an :class:`OfficeFileError` saying what it is instead."""
    try:
        return zipfile.ZipFile(src)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        head = _head(src)
        if head.startswith(OLE_SIGNATURE):
            if _contains(src, ENCRYPTED_OOXML):
                raise OfficeFileError("the document is password-protected; open it in Word, remove the "
                                      "password (File > Info > Protect Document), and save it again") from None
            raise OfficeFileError("this is an old Word 97-2003 file with a new-style name; save it again "
                                  "from Word as .docx") from None
        raise OfficeFileError(f"not a Word or OpenDocument file: it is damaged or not a zip archive ({_brief(e)}); "
                              "open it in Word or LibreOffice and save it again") from None


def _head(src: Path | IO[bytes]) -> bytes:
    if isinstance(src, (str, Path)):
        with open(src, "rb") as f:
            return f.read(8)
    src.seek(0)
    return src.read(8)


def _contains(src: Path | IO[bytes], marker: bytes) -> bool:
    """Whether ``marker`` occurs in the file (read in chunks)."""
    f = open(src, "rb") if isinstance(src, (str, Path)) else src
    try:
        f.seek(0)
        tail = b""
        while chunk := f.read(1 << 20):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker):]
        return False
    finally:
        if f is not src:
            f.close()


@dataclass
class _Allowance:
    """What is left of the unpacked-size bound while a package (and the zips in it) is read."""

    limits: Limits
    left: int = field(init=False)

    def __post_init__(self):
        self.left = self.limits.office_unpacked_bytes


def check_zip(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS, allowance: _Allowance | None = None,
              inside: str = "") -> list[zipfile.ZipInfo]:
    """Check a zip's central directory against the bounds; return its entries."""
    where = f" (in {inside})" if inside else ""
    infos = zf.infolist()
    if len(infos) > limits.office_entries:
        raise OfficeFileError(f"holds {len(infos):,} files{where}, more than the {limits.office_entries:,} a Word "
                              "or OpenDocument file may hold; check that it is the right file, or save it as PDF")
    names = set()
    total = 0
    for info in infos:
        if info.filename in names:
            raise OfficeFileError(f"holds two parts named '{info.filename}'{where}; it is damaged or built to "
                                  "mislead; open it in Word or LibreOffice and save it again")
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise OfficeFileError(f"'{info.filename}'{where} is encrypted; remove the password and save it again")
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.office_ratio * max(info.compress_size, 1):
            raise OfficeFileError(
                f"'{info.filename}'{where} unpacks to {info.file_size / max(info.compress_size, 1):,.0f} times its "
                f"packed size, more than the {limits.office_ratio}:1 of a real document (a zip bomb?); use "
                "another copy of the file, or save it as PDF")
    bound = allowance.left if allowance else limits.office_unpacked_bytes
    if total > bound:
        raise OfficeFileError(f"unpacks to {_amount(total)}{where}, more than the {_amount(limits.office_unpacked_bytes)} "
                              "bound for a Word or OpenDocument file; compress its pictures, split it, or save "
                              "it as PDF")
    return infos


class _Reader:
    """Reads a package's parts, each capped at its declared size, all within the bound."""

    def __init__(self, zf: zipfile.ZipFile, allowance: _Allowance, inside: str = ""):
        self.zf = zf
        self.allowance = allowance
        self.inside = inside
        self.counted: set[str] = set()

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The bytes of one part, never more than declared nor than what is left of the bound
        (a part read twice counts once)."""
        first = info.filename not in self.counted
        cap = min(info.file_size, self.allowance.left if first else info.file_size)
        where = f" (in {self.inside})" if self.inside else ""
        try:
            with self.zf.open(info) as f:
                data = f.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
            raise OfficeFileError(f"the part '{info.filename}'{where} is damaged ({_brief(e)}); open the file in "
                                  "Word or LibreOffice and save it again") from None
        if len(data) > cap:
            raise OfficeFileError(f"unpacks to more than the {_amount(self.allowance.limits.office_unpacked_bytes)} "
                                  "bound for a Word or OpenDocument file; compress its pictures, split it, or "
                                  "save it as PDF")
        if first:
            self.counted.add(info.filename)
            self.allowance.left -= len(data)
        return data


# --------------------------------------------------------------------------- cleaning

@dataclass
class _Clean:
    """The changes to make to a package while copying it."""

    edits: dict[str, bytes] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)
    removed: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)


def sanitize_office(src: Path | IO[bytes], dest: Path | IO[bytes], *, limits: Limits = DEFAULT_LIMITS,
                    parts: Collection[str] | None = None) -> list[str]:
    """Check ``src`` (a DOCX or ODT) and write a cleaned copy to ``dest``; return what was removed.

    ``parts`` limits the cleaning to those XML parts (and every relationship part), for a
    package whose other parts were cleaned before (a rendered template). Raises
    :class:`OfficeFileError` when the file is not a zip, is over a bound, damaged or encrypted.
    """
    with _open_zip(src) as zf:
        allowance = _Allowance(limits)
        infos = check_zip(zf, limits, allowance)
        reader = _Reader(zf, allowance)
        names = {i.filename for i in infos}
        if "[Content_Types].xml" in names:
            clean = _clean_docx(reader, infos, parts)
        elif "mimetype" in names:
            clean = _clean_odf(reader, infos, parts)
        else:
            raise OfficeFileError("not a Word or OpenDocument file (a zip without [Content_Types].xml or mimetype); "
                                  "open it in Word or LibreOffice and save it again")
        _write(reader, infos, dest, clean, limits)
    return clean.removed


def _write(reader: _Reader, infos: list[zipfile.ZipInfo], dest: Path | IO[bytes], clean: _Clean,
           limits: Limits) -> None:
    """Write the package anew: same parts in the same order, edited parts replaced, sizes true."""
    with zipfile.ZipFile(dest, "w") as out:
        for info in infos:
            if info.filename in clean.drop:
                continue
            data = clean.edits.get(info.filename)
            if data is None:
                data = reader.read(info)
                if data[:4] == b"PK\x03\x04":
                    data = _repack_nested(data, info.filename, reader.allowance, limits)
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
            copy.external_attr = info.external_attr
            out.writestr(copy, data)


def _repack_nested(data: bytes, name: str, allowance: _Allowance, limits: Limits) -> bytes:
    """A zip inside the package (an embedded spreadsheet): checked within what is left of the
    bound and rewritten with true sizes. A zip inside that is refused."""
    try:
        inner = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data  # not a zip after all, just bytes that start like one
    with inner:
        infos = check_zip(inner, limits, allowance, inside=name)
        reader = _Reader(inner, allowance, inside=name)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repacked:
            for info in infos:
                part = reader.read(info)
                if part[:4] == b"PK\x03\x04":
                    raise OfficeFileError(f"holds a zip inside a zip inside it ('{info.filename}' in {name}); "
                                          "save the file as PDF and use that")
                repacked.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), part)
    return out.getvalue()


def _parse(reader: _Reader, info: zipfile.ZipInfo) -> etree._ElementTree:
    """One XML part, parsed with the hardened parser; a DTD is refused."""
    data = reader.read(info)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        raise OfficeFileError(f"the part '{info.filename}' is damaged: not well-formed XML ({_brief(e.msg or e)}); open "
                              "the file in Word or LibreOffice and save it again") from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise OfficeFileError(f"the part '{info.filename}' declares a DTD, which Word and OpenDocument files "
                              "never do; open the file in Word or LibreOffice and save it again")
    return tree


def _serialize(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _local(el: etree._Element) -> str:
    """``fldChar`` for ``{...main}fldChar``; ``""`` for comments and processing instructions."""
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _ns(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _scheme(target: str) -> str:
    """``http`` for ``http://...``; ``c`` for ``C:\\x``; ``""`` for a relative path."""
    m = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", target)
    return m.group(1).lower() if m else ""


def _short(target: str) -> str:
    target = target.strip()
    return target if len(target) <= 80 else target[:77] + "..."


# --------------------------------------------------------------------------- DOCX

_REL_WORDS = {"image": "a linked picture", "attachedTemplate": "an attached template",
              "subDocument": "a subdocument", "oleObject": "a linked object", "frame": "a frame",
              "hyperlink": "a link", "aFChunk": "an imported part (altChunk)", "package": "a linked package",
              "mailMergeSource": "a mail-merge data source", "mailMergeHeaderSource": "a mail-merge data source",
              "recipientData": "a mail-merge data source", "video": "a linked video", "audio": "a linked sound",
              "media": "linked media"}


def _rels_source(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml`` (``_rels/.rels`` → ``""``)."""
    folder, file = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), file[:-len(".rels")]) if file != ".rels" else ""


def _rels_name(part: str) -> str:
    folder, file = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{file}.rels")


def _clean_docx(reader: _Reader, infos: list[zipfile.ZipInfo], only: Collection[str] | None) -> _Clean:
    """Plan the cleaning of a Word package: relationships, parts, fields, macros, content types."""
    clean = _Clean()
    by_name = {i.filename: i for i in infos}
    for name in by_name:
        if MACRO_PARTS.search(name):
            clean.drop.add(name)
            clean.note(f"macros ({name})")
    unlinked: dict[str, set[str]] = {}    # source part → relationship ids removed
    hyperlinks: dict[str, set[str]] = {}  # source part → ids of kept outside hyperlinks
    rels_names = [n for n in by_name if n.endswith(".rels")]
    for name in rels_names:
        source = _rels_source(name)
        tree = _parse(reader, by_name[name])
        gone, links = _clean_rels(tree, source, clean)
        unlinked[source], hyperlinks[source] = gone, links
        if gone:
            clean.edits[name] = _serialize(tree)
    for name in list(clean.drop):  # the relationships of a dropped part go with it
        if _rels_name(name) in by_name:
            clean.drop.add(_rels_name(name))
    for name, info in by_name.items():
        if name in clean.drop or name in clean.edits or name.endswith(".rels") or name == "[Content_Types].xml":
            continue
        if not name.lower().endswith(".xml") or (only is not None and name not in only):
            continue
        tree = _parse(reader, info)
        if _clean_docx_part(tree, unlinked.get(name, set()), hyperlinks.get(name, set()), clean):
            clean.edits[name] = _serialize(tree)
    types = _parse(reader, by_name["[Content_Types].xml"])
    if _clean_content_types(types, clean.drop):
        clean.edits["[Content_Types].xml"] = _serialize(types)
    return clean


def _clean_rels(tree: etree._ElementTree, source: str, clean: _Clean) -> tuple[set[str], set[str]]:
    """Remove outside relationships (bar http(s)/mailto hyperlinks), those to dropped parts and
    imported parts; return the ids removed and the ids of the hyperlinks kept."""
    gone, links = set(), set()
    base = posixpath.dirname(source)
    for rel in list(tree.getroot()):
        if _local(rel) != "Relationship":
            continue
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        rid = rel.get("Id", "")
        if rel.get("TargetMode", "").lower() == "external" or _scheme(target):
            if kind == "hyperlink" and _scheme(target) in SAFE_LINKS:
                links.add(rid)
                continue
            clean.note(f"{_REL_WORDS.get(kind, 'a link to an outside file')} ({_short(target)})")
        else:
            part = posixpath.normpath(posixpath.join(base, target)).lstrip("/") if not target.startswith("/") \
                else target.lstrip("/")
            if kind == "aFChunk":
                clean.drop.add(part)
                clean.note(f"an imported part (altChunk, {part})")
            elif part not in clean.drop:
                continue
        gone.add(rid)
        rel.getparent().remove(rel)
    return gone, links


_DROP_WORDS = {"mailMerge": "mail-merge settings", "frameset": "a frame set", "subDoc": "a subdocument",
               "altChunk": "an imported part (altChunk)", "attachedTemplate": "an attached template",
               "linkedToFile": "a linked object"}


def _clean_docx_part(tree: etree._ElementTree, unlinked: set[str], hyperlinks: set[str], clean: _Clean) -> bool:
    """Clean one XML part of a Word package; return whether it changed.

    A reference to a removed relationship goes: the attribute from a picture or hyperlink
    (which keeps its content), the whole element otherwise (a ``subDoc``, a header reference).
    ``r:link`` (linked media) always goes, and a kept outside hyperlink may only be used by
    a hyperlink element (a picture pointing at it would be fetched).
    """
    root = tree.getroot()
    doomed: list[etree._Element] = []
    changed = False
    for el in list(root.iter(*_DROP_TAGS)):  # whole elements first: their insides need no look
        if (_local(el) != "OLEObject" or (el.get("Type") or "").lower() == "link") and el.getparent() is not None:
            word = _DROP_WORDS.get(_local(el), "a linked object (OLE link)")
            if not any(r.startswith(word) for r in clean.removed):  # said already with its target
                clean.note(word)
            el.getparent().remove(el)
            changed = True
    linking = {a.getparent() for a in _LINKING(root, r1=_R1, r2=_R2, o=O_NS)}
    linking.update(_VML_SRC(root, v=VML))
    for el in linking:
        local, ns = _local(el), _ns(el)
        for attr, value in list(el.attrib.items()):
            verdict = _docx_attribute(etree.QName(attr), value, local, ns, unlinked, hyperlinks)
            if verdict == "element":
                doomed.append(el)
                break
            if verdict == "attribute":
                del el.attrib[attr]
                changed = True
                if etree.QName(attr).namespace in (O_NS, None):
                    clean.note(f"a linked picture ({_short(value)})")
    changed |= _drop_fields(root, clean)
    for el in doomed:
        if el.getparent() is not None:
            el.getparent().remove(el)
            changed = True
    return changed


_DROP_TAGS = [f"{{{ns}}}{local}" for ns in W_NS for local in DOCX_DROP] + [f"{{{O_NS}}}OLEObject"]
# Attributes that may point outside: r:* and o:*; VML elements with a src.
_R1, _R2 = sorted(R_NS)
_LINKING = etree.XPath("//@*[namespace-uri()=$r1 or namespace-uri()=$r2 or namespace-uri()=$o]")
_VML_SRC = etree.XPath("//*[namespace-uri()=$v][@src]")


def _docx_attribute(attr: etree.QName, value: str, local: str, ns: str, unlinked: set[str],
                    hyperlinks: set[str]) -> str:
    """What to remove for one attribute of a Word XML element: ``""``, ``"attribute"`` or ``"element"``."""
    if attr.namespace in R_NS:
        if attr.localname == "link":
            return "attribute"
        if value in unlinked:
            return "attribute" if local in DOCX_KEEP_ON_UNLINK else "element"
        if value in hyperlinks and local not in HYPERLINK_ELEMENTS:
            return "attribute"
        return ""
    if attr.namespace == O_NS and attr.localname == "href":
        return "attribute"
    if ns == VML and attr.namespace is None and attr.localname == "src" and value.strip():
        return "attribute"
    return ""


@dataclass
class _Field:
    begin: etree._Element
    instr: list[etree._Element] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    separate: etree._Element | None = None
    end: etree._Element | None = None


def _field_name(text: str) -> str:
    m = re.match(r"\s*\\?([A-Za-z]+)", text)
    return m.group(1).upper() if m else ""


def _fetches(*instructions: str) -> str:
    """The name of a field that reads an outside file, if any instruction is one."""
    for text in instructions:
        if _field_name(text) in FETCHING_FIELDS:
            return _field_name(text)
    return ""


_FIELD_TAGS = [f"{{{ns}}}{local}" for ns in W_NS for local in ("fldSimple", "fldChar", "instrText", "delInstrText", "t")]


def _drop_fields(root: etree._Element, clean: _Clean) -> bool:
    """Drop the instructions of fields that read outside files, keeping their shown result.

    Complex fields (``fldChar`` begin/separate/end around ``instrText``) may nest; a nested
    field's result inside an instruction counts as part of it (``{ {QUOTE "INCLUDE"}PICTURE }``).
    """
    changed = False
    stack: list[_Field] = []
    done: list[_Field] = []
    simple: list[tuple[etree._Element, str]] = []
    for el in root.iter(*_FIELD_TAGS):
        local = _local(el)
        if local == "fldSimple":
            name = _fetches(el.get(f"{{{_ns(el)}}}instr", ""))
            if name:
                simple.append((el, name))
        elif local == "fldChar":
            kind = el.get(f"{{{_ns(el)}}}fldCharType")
            if kind == "begin":
                stack.append(_Field(el))
            elif kind == "separate" and stack:
                stack[-1].separate = el
            elif kind == "end" and stack:
                stack[-1].end = el
                done.append(stack.pop())
        elif local in ("instrText", "delInstrText") and stack:
            stack[-1].instr.append(el)
            stack[-1].own.append(el.text or "")
            stack[-1].merged.append(el.text or "")
        elif local == "t" and len(stack) >= 2 and stack[-1].separate is not None and stack[-2].separate is None:
            stack[-2].merged.append(el.text or "")
    for f in done + stack:
        name = _fetches("".join(f.own), "".join(f.merged))
        if not name:
            continue
        clean.note(f"an {name} field" if name[0] in "AEIOU" else f"a {name} field")
        for el in (f.begin, *f.instr, f.separate, f.end):
            if el is not None and el.getparent() is not None:
                el.getparent().remove(el)
        changed = True
    for el, name in reversed(simple):  # inner fields first
        clean.note(f"an {name} field" if name[0] in "AEIOU" else f"a {name} field")
        if el.getparent() is not None:
            _unwrap(el)
            changed = True
    return changed


def _unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its children (a simple field by its shown result)."""
    parent = el.getparent()
    index = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(index, child)
    parent.remove(el)


def _clean_content_types(tree: etree._ElementTree, dropped: set[str]) -> bool:
    """No entries for dropped parts or macros; a macro-enabled main part becomes a plain one."""
    changed = False
    for entry in list(tree.getroot()):
        if not isinstance(entry.tag, str):
            continue
        kind = entry.get("ContentType", "")
        part = (entry.get("PartName") or "").lstrip("/")
        if (_local(entry) == "Override" and part in dropped) or "vbaProject" in kind or "vbaData" in kind:
            tree.getroot().remove(entry)
            changed = True
        elif kind in MACRO_TYPES:
            entry.set("ContentType", MACRO_TYPES[kind])
            changed = True
    return changed


# --------------------------------------------------------------------------- OpenDocument

def _clean_odf(reader: _Reader, infos: list[zipfile.ZipInfo], only: Collection[str] | None) -> _Clean:
    """Plan the cleaning of an OpenDocument package: outside links, DDE, scripts, macros."""
    clean = _Clean()
    for info in infos:
        if info.filename.startswith(ODF_MACRO_DIRS):
            clean.drop.add(info.filename)
            clean.note(f"macros ({info.filename.split('/')[0]}/)")
    manifest = next((i for i in infos if i.filename == "META-INF/manifest.xml"), None)
    if manifest is not None:  # first: an encrypted document's parts are not XML
        tree = _parse(reader, manifest)
        if _odf_manifest(tree, clean.drop):
            clean.edits[manifest.filename] = _serialize(tree)
    for info in infos:
        if info is manifest or info.filename in clean.drop or not info.filename.lower().endswith(".xml") or \
                (only is not None and info.filename not in only):
            continue
        tree = _parse(reader, info)
        if _clean_odf_part(tree, clean):
            clean.edits[info.filename] = _serialize(tree)
    return clean


def _odf_manifest(tree: etree._ElementTree, dropped: set[str]) -> bool:
    """Refuse an encrypted document; forget dropped files."""
    root = tree.getroot()
    if any(_local(el) == "encryption-data" for el in root.iter() if isinstance(el.tag, str)):
        raise OfficeFileError("the document is password-protected; open it in LibreOffice, remove the password "
                              "(File > Properties > Security), and save it again")
    changed = False
    for entry in list(root):
        path = entry.get(f"{{{MANIFEST}}}full-path", "") if isinstance(entry.tag, str) else ""
        if path in dropped or path.startswith(ODF_MACRO_DIRS):
            root.remove(entry)
            changed = True
    return changed


def _inside(href: str) -> bool:
    """Whether an ODF link points inside the package (``Pictures/x.png``, ``./Object 1``, ``#mark``)."""
    href = unquote(href.strip())
    if not href or href.startswith("#"):
        return True
    if _scheme(href) or href.startswith("/") or "\\" in href:
        return False
    return not posixpath.normpath(href).startswith("..")


_ODF_WORDS = {"section": "a linked section", "dde": "a DDE link", "scripts": "macros (office:scripts)",
              "event": "scripts run on events", "table": "a linked table", "cell": "a linked table",
              "applet": "an applet", "plugin": "a plug-in", "floating": "a frame"}


def _clean_odf_part(tree: etree._ElementTree, clean: _Clean) -> bool:
    """Clean one XML part of an OpenDocument package; return whether it changed."""
    changed = False
    for el in list(tree.getroot().iter()):  # whole elements first: their insides need no look
        if isinstance(el.tag, str) and _local(el) in ODF_DROP and el.getparent() is not None:
            local, href = _local(el), el.get(f"{{{XLINK}}}href")
            word = _ODF_WORDS.get(local.split("-")[0], f"a link to an outside file ({local})")
            clean.note(f"{word} ({_short(href)})" if href else word)
            el.getparent().remove(el)
            changed = True
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        local = _local(el)
        for attr, value in list(el.attrib.items()):
            qname = etree.QName(attr)
            if not ((qname.namespace == XLINK and qname.localname == "href") or
                    (qname.namespace == ODF_FORM and qname.localname in ("image-data", "href"))):
                continue
            if _inside(value) or (local in ODF_LINKS and _scheme(value) in SAFE_LINKS):
                continue
            del el.attrib[attr]
            changed = True
            word = "a link" if local in ODF_LINKS else ("a linked picture" if local == "image"
                                                        else f"a link to an outside file ({local})")
            clean.note(f"{word} ({_short(value)})" if "(" not in word else word.replace(")", f", {_short(value)})"))
    return changed


# --------------------------------------------------------------------------- exhibits

CLEANABLE = {".docx", ".odt"}


def stage_exhibit(exhibit_id: str, src: Path, dest: Path, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Put a Word or OpenDocument exhibit where LibreOffice will convert it; return what was removed.

    DOCX and ODT files are checked and cleaned (:func:`sanitize_office`). Old ``.doc`` and
    ``.rtf`` files are not zip packages and are copied as they are: their outside links are
    left to LibreOffice's own lockdown of the conversion run.
    """
    if src.suffix.lower() not in CLEANABLE:
        shutil.copyfile(src, dest)
        return []
    try:
        return sanitize_office(src, dest, limits=limits)
    except OfficeFileError as e:
        raise ConversionError(f"exhibit '{exhibit_id}' ({src}): {e.reason}") from e
