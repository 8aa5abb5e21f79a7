"""The privacy lint (USCIT Rule 5.2, after FRCP 5.2(a)): what a filing may not show in full.

A paper or exhibit filed with the court may show only the last four digits of a Social
Security or taxpayer identification number and of a financial account number, only the
year of a birth date, and only a minor's initials. :func:`privacy_findings` looks through
every value of the facts file and the text of the exhibits' PDF files for:

- **Social Security numbers** ``NNN-NN-NNNN`` (or nine digits next to "SSN", "Social
  Security", "TIN", "taxpayer");
- **taxpayer (employer) identification numbers** ``NN-NNNNNNN``, also with the two-character
  suffix of a CBP importer-of-record number (``NN-NNNNNNNXX``); an importer number written as
  an SSN is found as one;
- **full birth dates**: a day-month-year date within a few words after "born", "birth",
  "DOB" (or the value of a key named so);
- **financial account numbers**: a run of six or more digits within a few words after
  "account", "acct", "routing", "IBAN", "bank" (or the value of a key named so);
- **minors' names**: the full name of a person marked ``minor: true``, wherever it appears.

Exhibits are read as text: a PDF's text layer page by page, a Word or ODT file's paragraphs
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
from pathlib import Path
from typing import Any, Iterator

from filings.facts.dates import LegalDate
from filings.errors import display_path
from filings.facts.schema import Matter

MAX_PAGES = 2000
MAX_CHARS = 20_000_000
_NEAR = 40  # characters after a keyword in which a number counts as the keyword's

_SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
_NINE = re.compile(r"(?<![\w-])\d{9}(?![\w-])")
_SSN_WORDS = re.compile(r"\b(ssn|ss#|social\s+security|tin|taxpayer|itin)\b", re.I)
_EIN = re.compile(r"(?<![\w-])(\d{2})-(\d{7})([A-Z0-9]{2})?(?![\w-])")
_BIRTH_WORDS = re.compile(r"\b(born|birth|births|birthdate|birthday|dob|d\.o\.b)\b", re.I)
_MONTHS = ("jan(?:uary|\\.)?|feb(?:ruary|\\.)?|mar(?:ch|\\.)?|apr(?:il|\\.)?|may|june?|july?|aug(?:ust|\\.)?|"
           "sept?(?:ember|\\.)?|oct(?:ober|\\.)?|nov(?:ember|\\.)?|dec(?:ember|\\.)?")
_FULL_DATE = re.compile(rf"\b(?:(\d{{4}})-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/(\d{{4}}|\d{{2}})|"
                        rf"(?:{_MONTHS})\s+\d{{1,2}},?\s+(\d{{4}})|\d{{1,2}}\s+(?:{_MONTHS})\s+(\d{{4}}))\b", re.I)
_ACCOUNT_WORDS = re.compile(r"\b(account|acct|a/c|routing|aba|iban|bank)\b", re.I)
_ACCOUNT_NUMBER = re.compile(r"(?<![\w-])([A-Z]{2}\d{2}[ ]?)?\d(?:[ -]?\d){5,33}(?![\w-])")
_PHONE_OR_ZIP = re.compile(r"(\d{3}[ .-])?\d{3}[ .-]\d{4}|\d{5}-\d{4}")
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


_LAST_FOUR = "only the last four digits"


def scan_text(text: str, minors: dict[str, str] | None = None) -> Iterator[tuple[str, str, str]]:
    """``(kind, redacted form, what Rule 5.2 allows)`` for each finding in ``text``, in order."""
    found: list[tuple[int, str, str, str]] = []
    taken: list[range] = []

    def add(start: int, end: int, kind: str, redacted: str, allowed: str = _LAST_FOUR) -> None:
        if any(start in r or end - 1 in r for r in taken):
            return
        taken.append(range(start, end))
        found.append((start, kind, redacted, allowed))

    for m in _SSN.finditer(text):
        if m.group(1) not in ("000", "666") and m.group(3) != "00" and m.group(4) != "0000":
            add(m.start(), m.end(), "a Social Security number", f"XXX-XX-{m.group(4)}")
    for m in _EIN.finditer(text):
        kind = "an importer-of-record number (a taxpayer number)" if m.group(3) else "a taxpayer identification number"
        digits = m.group(1) + m.group(2)
        add(m.start(), m.end(), kind, f"XX-XXX{digits[-4:]}{m.group(3) or ''}")
    for word in _SSN_WORDS.finditer(text):
        for m in _near(_NINE, text, word.end()):
            add(m.start(), m.end(), "a Social Security or taxpayer number", f"XXXXX{m.group()[-4:]}")
    for word in _BIRTH_WORDS.finditer(text):
        m = next(_near(_FULL_DATE, text, word.end()), None)
        if m:
            year = next(g for g in m.groups() if g)
            add(m.start(), m.end(), "a full birth date", _year(year), "only the year of a birth date")
    for word in _ACCOUNT_WORDS.finditer(text):
        for m in _near(_ACCOUNT_NUMBER, text, word.end()):
            digits = re.sub(r"\D", "", m.group())
            if len(digits) >= 6 and not _FULL_DATE.fullmatch(m.group()) and not _PHONE_OR_ZIP.fullmatch(m.group()):
                add(m.start(), m.end(), "a financial account number", f"XXXX{digits[-4:]}")
    for name, initials in (minors or {}).items():
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I):
            add(m.start(), m.end(), "a minor's name", initials, "only a minor's initials")
    for _, kind, redacted, allowed in sorted(found):
        yield kind, redacted, allowed


def _near(pattern: re.Pattern, text: str, start: int) -> Iterator[re.Match]:
    """The matches of ``pattern`` that begin within :data:`_NEAR` characters of ``start`` (whole: a
    number that runs past the window is not cut short)."""
    for m in pattern.finditer(text, start, min(len(text), start + _NEAR + 80)):
        if m.start() >= start + _NEAR:
            return
        yield m


def _year(text: str) -> str:
    return text if len(text) == 4 else ("20" if int(text) < 30 else "19") + text


def initials(name: str) -> str:
    """``Jane Q. Doe`` → ``J.Q.D.``"""
    return "".join(f"{part[0].upper()}." for part in re.split(r"[\s.]+", name) if part)


def privacy_findings(matter: Matter) -> list[Finding]:
    """Every finding in the facts file and in the exhibits' PDF text, facts first."""
    minors = {p.name: initials(p.name) for p in matter.facts.people.values() if p.minor}
    findings = list(_facts_findings(matter, minors))
    for i, exhibit in enumerate(matter.facts.exhibits):
        suffix = Path(exhibit.file).suffix.lower() if exhibit.file else ""
        if suffix == ".pdf":
            findings += _cached(matter, i, minors, _exhibit_findings)
        elif suffix in (".docx", ".odt"):
            findings += _cached(matter, i, minors, _office_findings)
    return findings


CACHE_VERSION = "1"  # bump when a change to the patterns should invalidate cached results
_memory: dict[str, list[Finding]] = {}


def _cached(matter: Matter, i: int, minors: dict[str, str], scan) -> list[Finding]:
    """``scan``'s findings in exhibit ``i``, kept by the file's path, size and time (and what else
    changes them): every build looks, so an unchanged exhibit is not read again, in this process
    (``filings watch``) or the next (``$XDG_CACHE_HOME/filings/privacy``, which holds only the
    redacted forms)."""
    exhibit = matter.facts.exhibits[i]
    try:
        stat = matter.inside(exhibit.file or "").stat()
    except Exception:  # noqa: BLE001 - a missing or refused file is reported by the exhibit checks
        return []
    key = hashlib.sha256(json.dumps([CACHE_VERSION, str(matter.root), exhibit.id, exhibit.file, exhibit.password,
                                     stat.st_size, stat.st_mtime_ns, sorted(minors.items())]).encode()).hexdigest()
    if key in _memory:
        return _memory[key]
    stored = _cache_dir() / f"{key}.json"
    try:
        found = [Finding(*row) for row in json.loads(stored.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        found = scan(matter, i, minors)
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_text(json.dumps([[f.where, f.kind, f.redacted, f.allowed] for f in found]), encoding="utf-8")
        except OSError:
            pass  # no cache: read again next time
    _memory[key] = found
    return found


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "filings" / "privacy"


def _facts_findings(matter: Matter, minors: dict[str, str]) -> Iterator[Finding]:
    where = display_path(matter.path)
    data = matter.facts.model_dump(by_alias=True, exclude_defaults=False)
    for key, person in matter.facts.people.items():
        if person.minor:
            loc = ("people", key, "name")
            yield Finding(f"{where}:{matter.source.line_of(loc)}: people.{key}.name", "a minor's full name",
                          initials(person.name), "only a minor's initials")
    for loc, value in _values(data, ()):
        at = f"{where}:{matter.source.line_of(loc)}: {'.'.join(map(str, loc))}"
        key = str(next((p for p in reversed(loc) if isinstance(p, str)), ""))
        if loc[:1] == ("people",) and loc[-1] == "name" and loc[1] in matter.facts.people \
                and matter.facts.people[loc[1]].minor:
            continue  # reported above
        if isinstance(value, LegalDate):
            if value.is_day and _KEY_BIRTH.search(key):
                yield Finding(at, "a full birth date", str(value.year), "only the year of a birth date")
            continue
        text = str(value)
        if _KEY_BIRTH.search(key) and _FULL_DATE.search(text):
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
    """The findings in one exhibit PDF's text layer, page by page (bounded)."""
    from pypdf import PdfReader

    exhibit = matter.facts.exhibits[i]
    try:
        path = matter.inside(exhibit.file or "")
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt(exhibit.password or "")
        pages = reader.pages
        findings, chars = [], 0
        for n in range(min(len(pages), MAX_PAGES)):
            text = pages[n].extract_text() or ""
            chars += len(text)
            if chars > MAX_CHARS:
                break
            where = f"exhibit '{exhibit.id}' ({exhibit.file}), page {n + 1}"
            findings += [Finding(where, kind, redacted, allowed) for kind, redacted, allowed in scan_text(text, minors)]
        return findings
    except Exception:  # noqa: BLE001 - an unreadable exhibit is reported by the exhibit checks, not here
        return []


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
