"""Spreadsheet exhibits (``.xlsx``, ``.ods``): checked and cleaned, then printed by LibreOffice Calc.

A spreadsheet is untrusted like a Word file: its zip is checked against the bounds and it is
cleaned by :func:`filings.convert.office.sanitize_office` (external workbook links, linked
pictures, macros removed) before LibreOffice opens it. It is converted in the build's one
conversion run with Calc's PDF export (:mod:`filings.convert.libreoffice`), which prints every
sheet in order and, on a sheet with a print area, only the print area, as Excel would print it.
Old binary ``.xls`` files cannot be cleaned and are refused (save them as ``.xlsx``); ``.csv``
files have no pages or print areas to keep (open them in a spreadsheet and save as ``.xlsx``).
"""
from __future__ import annotations

from pathlib import Path

from filings.convert.office import sanitize_office
from filings.convert.officezip import OfficeFileError
from filings.errors import ConversionError
from filings.limits import DEFAULT_LIMITS, Limits

SHEETS = {".xlsx", ".ods"}


def stage_sheet(exhibit_id: str, src: Path, dest: Path, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Put a cleaned copy of the spreadsheet ``src`` at ``dest`` (same suffix, for Calc); return
    what cleaning removed. Raises a ConversionError naming the exhibit when it cannot be used."""
    try:
        return sanitize_office(src, dest, limits=limits)
    except OfficeFileError as e:
        raise ConversionError(f"exhibit '{exhibit_id}' ({src}): {e.reason}") from e
