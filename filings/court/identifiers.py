"""The forms of the numbers and dates Rule 5.2 redacts, as people write them, and the scan for them.

:func:`scan_text` finds, in any text:

- **Social Security numbers** ``NNN-NN-NNNN``, the groups split by a hyphen, an en or em dash, a
  minus sign, a dot or a space (the same one twice), or nine digits next to "SSN", "Social
  Security", "TIN", "ITIN", "taxpayer"; with a two-character suffix (``123-45-6789-01``) it is
  an importer-of-record number made from one;
- **employer identification numbers** ``NN-NNNNNNN`` (any dash), or nine digits next to "EIN",
  "FEIN", "employer identification", "tax ID", "importer number"; with the two-character
  suffix of a CBP importer-of-record number (``12-3456789-00``, ``12-345678900``);
- **full birth dates** within a few words after "born", "birth", "DOB": ISO, numeric with
  ``/ - .`` (day or month first, two- or four-digit year), written out (``April 2nd, 1980``,
  ``2 April 1980``, ``2nd of April 1980``) or eight digits (``19800402``);
- **payment card numbers** anywhere: 13 to 19 digits (in groups or not) that begin as a card
  network's numbers do and pass the Luhn check;
- **financial account numbers**: six or more digits (an IBAN's letters too) within a few words
  after "account", "acct", "a/c", "routing", "ABA", "IBAN", "bank", "checking", "savings";
- **minors' names**, given with their initials.

Court numbers (``24-00097``), HTS numbers (``8471.30.0100``), entry numbers
(``112-1234567-8``), telephone numbers, ZIP codes, dates that are not birth dates, Bates
numbers and redacted forms (``XXX-XX-1234``) are not found: the corpus in
``tests/data/privacy/forms.yaml`` holds each form and each near miss.
"""
from __future__ import annotations

import re
from typing import Iterator

NEAR = 40  # characters after a keyword in which a number counts as the keyword's
LAST_FOUR = "only the last four digits"

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphens, figure/en/em dashes, minus: as typeset
_BEFORE = rf"(?<![\w{_DASHES}.])"  # not the middle of a longer number, code or decimal
_AFTER = rf"(?![\w{_DASHES}]|\.\d)"
_SUFFIX = rf"(?:([{_DASHES}]?)([A-Z0-9]{{2}}))?"  # an importer-of-record number's two characters
_SSN = re.compile(rf"{_BEFORE}(\d{{3}})([{_DASHES}. ])(\d{{2}})\2(\d{{4}}){_SUFFIX}{_AFTER}")
_EIN = re.compile(rf"{_BEFORE}(\d{{2}})[{_DASHES}](\d{{7}}){_SUFFIX}{_AFTER}")
_NINE = re.compile(rf"{_BEFORE}(\d{{9}}){_SUFFIX}{_AFTER}")
_TAXPAYER_WORDS = re.compile(
    r"\b(ssn|ss#|social\s+security|tin|itin|taxpayer|ein|fein|employer\s+identification|tax\s+id"
    r"|tax\s+identification|irs\s+no|importer(\s+of\s+record)?\s+(number|no|id)|ior\s+(number|no))\b", re.I)

_BIRTH_WORDS = re.compile(r"\b(born|birth|births|birthdate|birthday|dob|d\.o\.b)\b", re.I)
_MONTHS = ("jan(?:uary|\\.)?|feb(?:ruary|\\.)?|mar(?:ch|\\.)?|apr(?:il|\\.)?|may|june?|july?|aug(?:ust|\\.)?|"
           "sept?(?:ember|\\.)?|oct(?:ober|\\.)?|nov(?:ember|\\.)?|dec(?:ember|\\.)?")
_ORDINAL = r"(?:st|nd|rd|th)?"
_NUMERIC = r"[-/.\u2013]"
# one capturing group per form: the year
FULL_DATE = re.compile(
    rf"\b(?:(\d{{4}}){_NUMERIC}\d{{1,2}}{_NUMERIC}\d{{1,2}}"
    rf"|\d{{1,2}}{_NUMERIC}\d{{1,2}}{_NUMERIC}(\d{{4}}|\d{{2}})"
    rf"|(?:{_MONTHS})\s+\d{{1,2}}{_ORDINAL},?\s+(\d{{4}})"
    rf"|\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?(?:{_MONTHS}),?\s+(\d{{4}})"
    rf"|((?:18|19|20)\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\b", re.I)

_ACCOUNT_WORDS = re.compile(r"\b(account|acct|a/c|routing|aba|iban|bank|checking|savings)\b", re.I)
_ACCOUNT_NUMBER = re.compile(r"(?<![\w-])([A-Z]{2}\d{2}[ ]?)?\d(?:[ -]?\d){5,33}(?![\w-])")
_NOT_ACCOUNT = re.compile(r"(1[ .-])?(\d{3}[ .-])?\d{3}[ .-]\d{4}|\d{5}-\d{4}|[A-Z0-9]{3}-\d{7}-\d")  # phone, ZIP, entry
_CARD = re.compile(r"(?<![\w-])(?<!\d[ -])\d(?:[ -]?\d){12,18}(?![\w-]|[ -]\d)")


def passes_luhn(digits: str) -> bool:
    """True when ``digits`` end in the check digit of the Luhn formula, as card numbers do."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """True for 13 to 19 digits that begin as a card network's do (American Express, Diners,
    JCB 3; Visa 4; Mastercard 2221-2720 and 5; Discover 6) and pass the Luhn check."""
    network = digits[0] in "3456" or "2221" <= digits[:4] <= "2720"
    return 13 <= len(digits) <= 19 and network and passes_luhn(digits)


def scan_text(text: str, minors: dict[str, str] | None = None) -> Iterator[tuple[str, str, str]]:
    """``(kind, redacted form, what Rule 5.2 allows)`` for each finding in ``text``, in order."""
    found: list[tuple[int, str, str, str]] = []
    taken: list[range] = []

    def add(start: int, end: int, kind: str, redacted: str, allowed: str = LAST_FOUR) -> None:
        if any(start in r or end - 1 in r for r in taken):
            return
        taken.append(range(start, end))
        found.append((start, kind, redacted, allowed))

    for m in _SSN.finditer(text):
        if m.group(1) not in ("000", "666") and m.group(3) != "00" and m.group(4) != "0000":
            kind = "an importer-of-record number (a Social Security number)" if m.group(6) else \
                "a Social Security number"
            add(m.start(), m.end(), kind, f"XXX-XX-{m.group(4)}{_suffix(m, 5)}")
    for m in _EIN.finditer(text):
        if m.group(1) != "00":
            kind = "an importer-of-record number (a taxpayer number)" if m.group(4) else \
                "a taxpayer identification number"
            add(m.start(), m.end(), kind, f"XX-XXX{m.group(2)[-4:]}{_suffix(m, 3)}")
    for word in _TAXPAYER_WORDS.finditer(text):
        for m in _near(_NINE, text, word.end()):
            add(m.start(), m.end(), "a Social Security or taxpayer number", f"XXXXX{m.group(1)[-4:]}{_suffix(m, 2)}")
    for word in _BIRTH_WORDS.finditer(text):
        m = next(_near(FULL_DATE, text, word.end()), None)
        if m:
            year = next(g for g in m.groups() if g)
            add(m.start(), m.end(), "a full birth date", _year(year), "only the year of a birth date")
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if is_card_number(digits):
            add(m.start(), m.end(), "a payment card number", f"XXXX{digits[-4:]}")
    for word in _ACCOUNT_WORDS.finditer(text):
        for m in _near(_ACCOUNT_NUMBER, text, word.end()):
            digits = re.sub(r"\D", "", m.group())
            if len(digits) >= 6 and not FULL_DATE.fullmatch(m.group()) and not _NOT_ACCOUNT.fullmatch(m.group()):
                add(m.start(), m.end(), "a financial account number", f"XXXX{digits[-4:]}")
    for name, initials in (minors or {}).items():
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I):
            add(m.start(), m.end(), "a minor's name", initials, "only a minor's initials")
    for _, kind, redacted, allowed in sorted(found):
        yield kind, redacted, allowed


def _suffix(m: re.Match, group: int) -> str:
    """The importer-of-record suffix of ``m`` (its separator in group ``group``, its two characters
    in the next), as the redacted form writes it: ``-00``, ``AB``, or nothing."""
    if not m.group(group + 1):
        return ""
    return ("-" if m.group(group) else "") + m.group(group + 1)


def _near(pattern: re.Pattern, text: str, start: int) -> Iterator[re.Match]:
    """The matches of ``pattern`` that begin within :data:`NEAR` characters of ``start`` (whole: a
    number that runs past the window is not cut short)."""
    for m in pattern.finditer(text, start, min(len(text), start + NEAR + 80)):
        if m.start() >= start + NEAR:
            return
        yield m


def _year(text: str) -> str:
    return text if len(text) == 4 else ("20" if int(text) < 30 else "19") + text
