"""Untrusted Word and OpenDocument files, checked and cleaned before anything opens them.

The front of the only modules that open DOCX/ODT zip containers for safety checks (the
container, :mod:`filings.convert.officezip`; the cleanings, :mod:`filings.convert.officedocx`
and :mod:`filings.convert.officeodf`). Templates (before docxtpl opens them, and again after
rendering) and Word/ODT exhibits (before LibreOffice converts them) go through
:func:`sanitize_office`, which

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

import shutil
from pathlib import Path
from typing import IO, Collection

from filings.convert.officedocx import _clean_docx
from filings.convert.officeodf import _clean_odf
from filings.convert.officezip import OfficeFileError, _Allowance, _open_zip, _Reader, _write, check_zip
from filings.errors import ConversionError
from filings.limits import DEFAULT_LIMITS, Limits


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
