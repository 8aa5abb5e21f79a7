"""The container of a Word or OpenDocument file: its zip checked, read and written anew.

Used by :mod:`filings.convert.office` (and the cleanings, :mod:`filings.convert.officedocx`
and :mod:`filings.convert.officeodf`): :func:`check_zip` checks a zip's central directory
against :class:`~filings.limits.Limits`; :class:`_Reader` reads every part with a cap;
:func:`_write` writes the package anew with the changes a cleaning planned (:class:`_Clean`),
repacking the zips inside (:func:`_repack_nested`); :func:`_parse` parses one XML part with
a hardened lxml parser. Also the small helpers both cleanings use (element names, link
schemes).
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from filings.errors import FilingsError
from filings.limits import DEFAULT_LIMITS, Limits

RATIO_FLOOR = 1024 * 1024   # parts smaller than this unpacked are not checked for their ratio
NESTING = 1                 # zips inside the package (embedded spreadsheets) may not hold zips
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
SAFE_LINKS = ("http", "https", "mailto")


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


# --------------------------------------------------------------------------- writing anew

@dataclass
class _Clean:
    """The changes to make to a package while copying it."""

    edits: dict[str, bytes] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)
    removed: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)


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
