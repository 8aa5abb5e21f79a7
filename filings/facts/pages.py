"""Page ranges as a paralegal writes them: ``3-7, 12``, the pages of a file an exhibit is made of.

:data:`PageRange` is the facts field (an exhibit's ``pages:``): its syntax is checked when the
facts are read, the page count of the file only once the file is a PDF
(:mod:`filings.exhibits.excerpts`). :func:`parse_pages` gives the 1-based pages in the order
written; :func:`describe_pages` writes them back for a cover ("pages 3–7, 12 of 40").
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from filings.limits import DEFAULT_LIMITS

_PART = re.compile(r"^(\d{1,7})(?:\s*[-\u2013\u2014]\s*(\d{1,7}))?$")
MAX_TEXT = 2000  # characters of one pages: value


def parse_pages(text: str | int, most: int = DEFAULT_LIMITS.exhibit_pages) -> list[int]:
    """The pages ``text`` names, 1-based, in the order written; ValueError says what is wrong
    in the words of the facts file."""
    text = str(text).strip()
    if not text:
        raise ValueError("is empty; write the pages to file, as 3-7, 12 (or leave pages: out for the whole file)")
    if len(text) > MAX_TEXT:
        raise ValueError(f"is over {MAX_TEXT} characters; file the whole document, or split it into exhibits")
    pages: list[int] = []
    seen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        m = _PART.match(part)
        if not m:
            raise ValueError(f"'{part}' is not a page or a range of pages; write them as 3-7, 12")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if first == 0 or last == 0:
            raise ValueError("page 0 does not exist: pages are numbered from 1, as a PDF viewer shows them")
        if last < first:
            raise ValueError(f"'{part}' runs backwards; write the lower page first ({last}-{first})")
        if len(pages) + last - first + 1 > most:
            raise ValueError(f"names more than {most:,} pages, the bound for one exhibit; split it into exhibits")
        for page in range(first, last + 1):
            if page in seen:
                raise ValueError(f"page {page} is named twice; name each page once")
            seen.add(page)
            pages.append(page)
    return pages


def describe_pages(pages: list[int], total: int) -> str:
    """``pages 3–7, 12 of 40``: the pages as runs, in their order, and the file's page count."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][1] + 1:
            runs[-1][1] = page
        else:
            runs.append([page, page])
    shown = ", ".join(f"{a}\u2013{b}" if b > a else str(a) for a, b in runs)
    word = "page" if len(pages) == 1 else "pages"
    return f"{word} {shown} of {total}"


def _check(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError("pages", "write the pages as text, as \"3-7, 12\"")
    try:
        parse_pages(value)
    except ValueError as e:
        raise PydanticCustomError("pages", str(e)) from None
    return str(value).strip()


_PAGES_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\s*\d+(\s*[-\u2013\u2014]\s*\d+)?(\s*,\s*\d+(\s*[-\u2013\u2014]\s*\d+)?)*\s*$"},
                           {"type": "integer", "minimum": 1}],
                 "description": 'pages and ranges of pages, as "3-7, 12"'}
PageRange = Annotated[str, BeforeValidator(_check), WithJsonSchema(_PAGES_SCHEMA)]
