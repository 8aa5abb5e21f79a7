"""Identical inputs, identical bytes: fixed dates and identifiers in every DOCX and PDF.

A build stamps one time on everything it writes: ``SOURCE_DATE_EPOCH`` when set (the
reproducible-builds convention), else the time pinned for the build (the pipeline pins the
case's filing date, :func:`time_for`), else :data:`FALLBACK`. DOCX files get that time on
every ZIP entry, a fixed entry order and the core properties (created, modified, last
printed, revision 1); PDFs get it as CreationDate and ModDate, their /ID is computed from
their content, LibreOffice's /DocChecksum is dropped and XMP dates and ids are fixed.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Iterator

from lxml import etree

from filings.errors import FilingsError

FALLBACK = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # the earliest time a ZIP entry can hold

_pinned: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("filings_build_time", default=None)


def source_date_epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as a UTC time, or None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise FilingsError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds since 1970; "
                           "fix it or unset it") from None


def time_for(day: dt.date | None) -> dt.datetime:
    """The time a build stamps: ``SOURCE_DATE_EPOCH``, else midnight UTC of ``day`` (the case's
    filing date), else :data:`FALLBACK`."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return FALLBACK


@contextlib.contextmanager
def pinned_time(when: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, :func:`build_time` is ``when`` (``SOURCE_DATE_EPOCH`` still wins)."""
    token = _pinned.set(when)
    try:
        yield when
    finally:
        _pinned.reset(token)


def build_time() -> dt.datetime:
    """The time to stamp now: ``SOURCE_DATE_EPOCH``, else the pinned time, else :data:`FALLBACK`."""
    return source_date_epoch() or _pinned.get() or FALLBACK


def pdf_date(when: dt.datetime) -> str:
    """``when`` as a PDF date string, in UTC: ``D:20240603000000Z``."""
    return when.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")


def w3c_date(when: dt.datetime) -> str:
    """``when`` as a W3C date (DOCX core properties, XMP), in UTC: ``2024-06-03T00:00:00Z``."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- DOCX

CORE = "docProps/core.xml"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def docx_entry_order(names: list[str]) -> list[str]:
    """``[Content_Types].xml`` first (Office expects it there), then ``_rels/.rels``, then by name."""
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    return first + sorted(n for n in names if n not in first)


def repack_docx(src: Path | IO[bytes], dest: Path | IO[bytes], when: dt.datetime | None = None) -> None:
    """Write the package ``src`` to ``dest`` with every entry dated ``when`` (default
    :func:`build_time`), in :func:`docx_entry_order`, with fixed core properties."""
    when = when or build_time()
    stamp = max(when.astimezone(dt.timezone.utc), ZIP_EPOCH).timetuple()[:6]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        infos = {i.filename: i for i in zin.infolist()}
        for name in docx_entry_order(list(infos)):
            data = zin.read(name)
            if name == CORE:
                data = core_properties(data, when)
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = infos[name].compress_type
            entry.create_system = 0  # as Word writes: no Unix owner or mode bits
            entry.external_attr = 0
            zout.writestr(entry, data)


def core_properties(xml: bytes, when: dt.datetime) -> bytes:
    """``docProps/core.xml`` with created, modified and last printed set to ``when`` and revision 1."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    date = w3c_date(when)
    for tag, typed in ((f"{{{_DCTERMS}}}created", True), (f"{{{_DCTERMS}}}modified", True),
                       (f"{{{_CP}}}lastPrinted", False), (f"{{{_CP}}}revision", False)):
        element = root.find(tag)
        if element is None:
            element = etree.SubElement(root, tag)
        element.text = "1" if tag.endswith("revision") else date
        if typed:
            element.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- PDF

def stamp_pdf(pdf, when: dt.datetime | None = None) -> None:
    """Fix what changes from run to run in an open ``pikepdf.Pdf``: CreationDate and ModDate,
    LibreOffice's /DocChecksum, XMP dates and ids. Save it with ``deterministic_id=True``."""
    when = when or build_time()
    date = pdf_date(when)
    pdf.docinfo["/CreationDate"] = date
    pdf.docinfo["/ModDate"] = date
    for key in ("/DocChecksum", "/ID"):  # qpdf keeps an /ID's first half: drop it to have both computed
        if key in pdf.trailer:
            del pdf.trailer[key]
    if "/Metadata" in pdf.Root:
        _stamp_xmp(pdf, when)


def _stamp_xmp(pdf, when: dt.datetime) -> None:
    """XMP dates set to ``when``; document and instance ids derived from the pages' content."""
    import pikepdf

    digest = hashlib.sha256(str(len(pdf.pages)).encode())
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
        for stream in streams:
            digest.update(stream.read_raw_bytes())
    uuid = digest.hexdigest()[:32]
    uuid = f"uuid:{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
            if key in meta:
                meta[key] = w3c_date(when)
        for key in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
            if key in meta:
                meta[key] = uuid


def normalize_pdf(path: Path, when: dt.datetime | None = None) -> None:
    """Rewrite the PDF at ``path`` (LibreOffice's) with :func:`stamp_pdf` and an /ID computed
    from its content."""
    import pikepdf

    path = Path(path)
    with pikepdf.open(path) as pdf:
        stamp_pdf(pdf, when)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".normalize-", suffix=".pdf",
                                         delete=False) as tmp:
            try:
                pdf.save(tmp, deterministic_id=True)
            except BaseException:
                os.unlink(tmp.name)
                raise
    os.replace(tmp.name, path)


def content_id(*parts: bytes) -> bytes:
    """A 16-byte PDF /ID derived from ``parts`` (what determines the file's content)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()[:16]

