"""The privacy lint (USCIT Rule 5.2, after FRCP 5.2(a)): what a filing may not show in full.

A paper or exhibit filed with the court may show only the last four digits of a Social
Security or taxpayer identification number and of a financial account number, only the
year of a birth date, and only a minor's initials. :func:`privacy_findings` looks through
every value of the facts file and the text of the exhibits' PDF files for:

- Social Security and taxpayer (employer) identification numbers, also as CBP importer-of-record
  numbers (with their two-character suffix);
- full birth dates near "born", "birth", "DOB" (or the value of a key named so);
- payment card numbers (Luhn-checked) and financial account numbers near "account", "routing",
  "IBAN", "bank" (or the value of a key named so);
- minors' names: the full name of a person marked ``minor: true``, wherever it appears.

The forms each is written in, and the near misses that are not found, are in
:mod:`.identifiers`, which scans the text.

Exhibits are read as text: a PDF's text layer page by page (by PDFium, every file not read
before at once, one process per core), a Word or ODT file's paragraphs
(after the same checks and cleaning the build applies).

Each finding names where it is (``facts.yaml:LINE: path`` or ``exhibit 'id' (file), page N``)
and the redacted form to write instead; it never prints the number itself. The patterns are
narrow on purpose: court numbers (``24-00097``), dates, telephone numbers, ZIP codes and Bates
numbers do not match. Images are not read (their OCR text is made later, in the bundle); the
text of each exhibit is read from its first :data:`MAX_PAGES` pages, :data:`MAX_CHARS`
characters at most. Rule 5.2(b) exempts some papers (the record of an agency proceeding):
these are warnings, errors only with ``--strict``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Iterator

from filings.facts.dates import LegalDate
from filings.errors import display_path
from filings.private import private_file, private_folder
from filings.facts.schema import Matter
from filings.court.identifiers import FULL_DATE, scan_text

__all__ = ["Finding", "initials", "privacy_findings", "scan_text"]

MAX_PAGES = 2000
MAX_CHARS = 20_000_000
_KEY_BIRTH = re.compile(r"(^|_)(born|birth|birthdate|birthday|dob|date_of_birth)($|_)", re.I)
_KEY_ACCOUNT = re.compile(r"(^|_)(account|acct|routing|iban|bank)($|_)", re.I)
_KEY_TAXPAYER = re.compile(r"(^|_)(ssn|tin|ein|taxpayer|social_security)($|_)", re.I)


@dataclass(frozen=True)
class Finding:
    """One thing Rule 5.2 would have redacted: where, what, and the form to write instead."""

    where: str
    kind: str
    redacted: str
    allowed: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}; Rule 5.2 allows {self.allowed}: write {self.redacted}"


def initials(name: str) -> str:
    """``Jane Q. Doe`` → ``J.Q.D.``"""
    return "".join(f"{part[0].upper()}." for part in re.split(r"[\s.]+", name) if part)


def privacy_findings(matter: Matter) -> list[Finding]:
    """Every finding in the facts file and in the exhibits' PDF text, facts first."""
    minors = {p.name: initials(p.name) for p in matter.facts.people.values() if p.minor}
    findings = list(_facts_findings(matter, minors))
    _read_pdfs(matter, minors)
    for i, exhibit in enumerate(matter.facts.exhibits):
        suffix = Path(exhibit.file).suffix.lower() if exhibit.file else ""
        if suffix == ".pdf":
            findings += _cached(matter, i, minors, _exhibit_findings)
        elif suffix in (".docx", ".odt"):
            findings += _cached(matter, i, minors, _office_findings)
    return findings


CACHE_VERSION = "3"  # 3: read by PDFium  # bump when a change to the patterns should invalidate cached results
_memory: dict[str, list[Finding]] = {}


def _cached(matter: Matter, i: int, minors: dict[str, str], scan) -> list[Finding]:
    """``scan``'s findings in exhibit ``i``, kept by the file's path, size and time (and what else
    changes them): every build looks, so an unchanged exhibit is not read again, in this process
    (``filings watch``) or the next (``$XDG_CACHE_HOME/filings/privacy``, which holds only the
    redacted forms)."""
    key = _key(matter, i, minors)
    if key is None:
        return []
    found = _known(key)
    if found is None:
        found = scan(matter, i, minors)
        _keep(key, found)
    return found


def _key(matter: Matter, i: int, minors: dict[str, str]) -> str | None:
    """What exhibit ``i``'s findings are kept under (None: the file cannot be read)."""
    exhibit = matter.facts.exhibits[i]
    try:
        stat = matter.inside(exhibit.file or "").stat()
    except Exception:  # noqa: BLE001 - a missing or refused file is reported by the exhibit checks
        return None
    return hashlib.sha256(json.dumps([CACHE_VERSION, str(matter.root), exhibit.id, exhibit.file, exhibit.password,
                                      stat.st_size, stat.st_mtime_ns, sorted(minors.items())]).encode()).hexdigest()


def _known(key: str) -> list[Finding] | None:
    """The findings kept under ``key``, in this process or on disk (None: not kept)."""
    if key in _memory:
        return _memory[key]
    try:
        found = [Finding(*row) for row in json.loads((_cache_dir() / f"{key}.json").read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return None
    _memory[key] = found
    return found


def _keep(key: str, found: list[Finding]) -> None:
    stored = _cache_dir() / f"{key}.json"
    try:
        private_folder(stored.parent, top=stored.parent.parent)  # the user's alone, like every cache
        stored.write_text(json.dumps([[f.where, f.kind, f.redacted, f.allowed] for f in found]), encoding="utf-8")
        private_file(stored)
    except OSError:
        pass  # no cache: read again next time
    _memory[key] = found


def _read_pdfs(matter: Matter, minors: dict[str, str]) -> None:
    """Read every PDF exhibit not read before, all at once on every core (PDFium, one worker
    process per core: :mod:`filings.convert.pdftext`), and keep their findings."""
    from filings.convert.pdftext import TextJob, many_page_texts

    todo = []
    for i, exhibit in enumerate(matter.facts.exhibits):
        if not (exhibit.file and Path(exhibit.file).suffix.lower() == ".pdf"):
            continue
        key = _key(matter, i, minors)
        if key is not None and _known(key) is None:
            todo.append((i, key, TextJob(matter.inside(exhibit.file), exhibit.password, MAX_PAGES, MAX_CHARS)))
    scan = partial(_page_findings, minors=minors)  # in the workers: only the findings come back
    for (i, key, _), found in zip(todo, many_page_texts([job for _, _, job in todo], then=scan)):
        exhibit = matter.facts.exhibits[i]
        _keep(key, [Finding(f"exhibit '{exhibit.id}' ({exhibit.file}), page {n + 1}", *row) for n, *row in found])


def _page_findings(texts: list[str] | None, minors: dict[str, str]) -> list[tuple[int, str, str, str]]:
    """(page, kind, redacted, allowed) of each finding in the pages' ``texts``."""
    return [(n, *found) for n, text in enumerate(texts or []) for found in scan_text(text, minors)]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "filings" / "privacy"


def _facts_findings(matter: Matter, minors: dict[str, str]) -> Iterator[Finding]:
    data = matter.facts.model_dump(by_alias=True, exclude_defaults=False)
    for key, person in matter.facts.people.items():
        if person.minor:
            loc = ("people", key, "name")
            yield Finding(f"{display_path(matter.source.file_of(loc))}:{matter.source.line_of(loc)}: people.{key}.name", "a minor's full name",
                          initials(person.name), "only a minor's initials")
    for loc, value in _values(data, ()):
        at = f"{display_path(matter.source.file_of(loc))}:{matter.source.line_of(loc)}: {'.'.join(map(str, loc))}"
        key = str(next((p for p in reversed(loc) if isinstance(p, str)), ""))
        if loc[:1] == ("people",) and loc[-1] == "name" and loc[1] in matter.facts.people \
                and matter.facts.people[loc[1]].minor:
            continue  # reported above
        if isinstance(value, LegalDate):
            if value.is_day and _KEY_BIRTH.search(key):
                yield Finding(at, "a full birth date", str(value.year), "only the year of a birth date")
            continue
        text = str(value)
        if _KEY_BIRTH.search(key) and FULL_DATE.search(text):
            text = f"born {text}"
        elif _KEY_ACCOUNT.search(key):
            text = f"account {text}"
        elif _KEY_TAXPAYER.search(key):
            text = f"taxpayer {text}"
        for kind, redacted, allowed in scan_text(text, minors):
            yield Finding(at, kind, redacted, allowed)


def _values(value: Any, loc: tuple) -> Iterator[tuple[tuple, Any]]:
    """Every text, number and date of the facts with its location."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _values(v, loc + (k,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _values(v, loc + (i,))
    elif isinstance(value, (str, LegalDate)) or (isinstance(value, int) and not isinstance(value, bool)):
        yield loc, value


def _exhibit_findings(matter: Matter, i: int, minors: dict[str, str]) -> list[Finding]:
    """The findings in one exhibit PDF's text layer, page by page (bounded), read by PDFium."""
    from filings.convert.pdftext import TextJob, page_texts

    exhibit = matter.facts.exhibits[i]
    try:
        texts = page_texts(TextJob(matter.inside(exhibit.file or ""), exhibit.password, MAX_PAGES, MAX_CHARS))
    except Exception:  # noqa: BLE001 - an unreadable exhibit is reported by the exhibit checks, not here
        return []
    return _findings_in(exhibit, texts or [], minors)


def _findings_in(exhibit, texts: list[str], minors: dict[str, str]) -> list[Finding]:
    findings = []
    for n, text in enumerate(texts):
        where = f"exhibit '{exhibit.id}' ({exhibit.file}), page {n + 1}"
        findings += [Finding(where, kind, redacted, allowed) for kind, redacted, allowed in scan_text(text, minors)]
    return findings


_OFFICE_PARTS = re.compile(r"^(word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml|content\.xml)$")
_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
_W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_ODF_P = ("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p", "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}h")


def _office_findings(matter: Matter, i: int, minors: dict[str, str]) -> list[Finding]:
    """The findings in a Word or ODT exhibit's text (checked and cleaned first, within the office
    bounds): its body, notes, headers and footers, paragraph by paragraph; it has no pages yet."""
    import io
    import zipfile

    from lxml import etree

    from filings.convert.office import sanitize_office

    exhibit = matter.facts.exhibits[i]
    try:
        clean = io.BytesIO()
        sanitize_office(matter.inside(exhibit.file or ""), clean)
        paragraphs = []
        with zipfile.ZipFile(clean) as package:
            for name in (n for n in package.namelist() if _OFFICE_PARTS.match(n)):
                root = etree.fromstring(package.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
                paragraphs += ["".join(t.text or "" for t in p.iter(_W_T)) for p in root.iter(_W_P)]
                paragraphs += ["".join(p.itertext()) for p in root.iter(*_ODF_P)]
    except Exception:  # noqa: BLE001 - an unreadable exhibit is reported by the exhibit checks, not here
        return []
    text = "\n".join(paragraphs)[:MAX_CHARS]
    where = f"exhibit '{exhibit.id}' ({exhibit.file})"
    return [Finding(where, kind, redacted, allowed) for kind, redacted, allowed in scan_text(text, minors)]
