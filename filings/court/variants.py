"""The forms a confidential value can take, for the leak scan (:mod:`filings.court.leaks`).

A leak is a value's meaning, not its spelling, so both sides, the value and the text it is
looked for in, are brought to the same forms:

- :func:`fold`: Unicode compatibility forms (NFKC), format characters (zero-width spaces,
  joiners, soft hyphens) removed, look-alike letters of other scripts mapped to the Latin
  letter they imitate (Unicode's confusables table, from ``confusable-homoglyphs``), plain
  quotes and dashes, a word hyphenated at a line end joined, case folded;
- :func:`unspaced`: letter-spaced text (``K e s t r e l``) closed up;
- :func:`canonical`: numbers by value (``$1,250,000.00``, ``1 250 000``, ``1.25 million`` are
  all ``1250000``; ``12.50 percent`` is ``12.5%``), punctuation as spaces, ``&`` as ``and``,
  street suffixes and directions as the USPS abbreviates them (``Lane`` and ``Ln.`` are
  ``ln``), one space between words;
- :func:`date_pattern`: a date in every common US form (``7/8/24``, ``07-08-2024``, ``July 8th,
  2024``, ``Jul 8 2024``, ``8 July 2024``), ISO and European dotted (``8.7.2024``).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from filings.facts.dates import LegalDate

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2010": "-", "\u2011": "-",
                        "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n\s*(?=[^\W\d_])")
_SOFT_LINE_END = re.compile(r"\u00ad[ \t]*\r?\n\s*")  # a soft hyphen where a line broke: one word
_LETTER_SPACED = re.compile(r"(?<!\S)\w(?: \w){2,}(?!\S)")  # three or more single characters, one space apart

# The USPS abbreviations (Publication 28, appendix C) of the common street suffixes, unit
# designators and directions: each word and its abbreviation compare as the abbreviation.
STREET_WORDS = {
    "alley": "aly", "avenue": "ave", "av": "ave", "boulevard": "blvd", "building": "bldg", "center": "ctr",
    "centre": "ctr", "circle": "cir", "court": "ct", "crossing": "xing", "department": "dept", "drive": "dr",
    "expressway": "expy", "floor": "fl", "fort": "ft", "freeway": "fwy", "heights": "hts", "highway": "hwy",
    "lane": "ln", "mount": "mt", "parkway": "pkwy", "place": "pl", "plaza": "plz", "point": "pt",
    "road": "rd", "room": "rm", "route": "rte", "saint": "st", "square": "sq", "street": "st",
    "suite": "ste", "terrace": "ter", "trail": "trl", "turnpike": "tpke", "apartment": "apt",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw",
}
_STREET = re.compile(r"\b(" + "|".join(sorted(STREET_WORDS, key=len, reverse=True)) + r")\b")

_SCALE = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
_NUMBER = re.compile(
    r"(?<![\d.,])(?:(?P<eu>\d{1,3}(?:\.\d{3})+),(?P<eufrac>\d+)"  # 1.250.000,00
    r"|(?P<dotted>\d{1,3}(?:\.\d{3}){2,})"  # 1.250.000
    r"|(?P<int>\d{1,3}(?:[,'\u00a0\u202f\u2009]\d{3})+|\d{1,3}(?: \d{3}){2,}|\d+)(?:\.(?P<frac>\d+))?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b)?(?!\d)")
_PERCENT = re.compile(r"(?<=\d)\s?(?:%|percent\b|per cent\b)")
_PUNCTUATION = re.compile(r"[^\w%.]+|(?<!\d)\.|\.(?!\d)|_")


def fold(text: str) -> str:
    """``text`` in the letters the scan compares: compatibility forms, no format characters,
    look-alikes as the Latin letter, plain quotes and dashes, line-end hyphens joined, case
    folded (its spaces and lines as they were)."""
    text = _SOFT_LINE_END.sub("", unicodedata.normalize("NFKC", text))
    text = "".join(_plain_char(c) for c in text) if not text.isascii() else text
    return _LINE_END_HYPHEN.sub("", text.translate(_PLAIN)).casefold()


@lru_cache(maxsize=4096)
def _plain_char(char: str) -> str:
    """The character as compared: '' for a format character, its Latin look-alike if any."""
    if char.isascii():
        return char
    if unicodedata.category(char) == "Cf":  # zero-width space, joiners, soft hyphen, bidi marks
        return ""
    return _homoglyphs().get(char, char)


@lru_cache(maxsize=1)
def _homoglyphs() -> dict[str, str]:
    """Each non-ASCII character Unicode lists as confusable with one ASCII letter or digit → that one."""
    from confusable_homoglyphs.utils import load  # the TR39 confusables table, loaded once when needed

    table = {}
    for char, glyphs in load("confusables.json").items():
        if len(char) == 1 and not char.isascii():
            plain = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum()]
            if plain:
                table[char] = plain[0]
    return table


def unspaced(text: str) -> str:
    """``text`` with letter-spacing closed up (``q u a r r y`` → ``quarry``); wider gaps stay."""
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


def canonical(folded: str, streets: bool = True) -> str:
    """Folded text with numbers by value, punctuation as spaces and (unless ``streets`` is
    False) street words abbreviated, one space between words."""
    text = _PUNCTUATION.sub(" ", _PERCENT.sub("%", _NUMBER.sub(_number_text, folded.replace("&", " and "))))
    if streets:
        text = _STREET.sub(lambda m: STREET_WORDS[m.group(1)], text)
    return " ".join(text.split())


def _number_text(m: re.Match) -> str:
    """A number as its value prints: no separators, no trailing zeros in its fraction, a
    scale word multiplied out (its leading zeros stay: ``007`` is a code, not seven)."""
    whole = re.sub(r"[^0-9]", "", m.group("eu") or m.group("dotted") or m.group("int"))
    fraction = (m.group("eufrac") or m.group("frac") or "").rstrip("0")
    if not m.group("scale"):
        return f"{whole}.{fraction}" if fraction else whole
    try:
        value = Decimal(f"{whole}.{fraction or '0'}") * _SCALE[m.group("scale")]
    except InvalidOperation:
        return m.group(0)
    return format(value.normalize(), "f").rstrip("0").rstrip(".") if value % 1 else str(int(value))


# --------------------------------------------------------------------------- dates

_MONTHS = {n: calendar.month_name[n].lower() for n in range(1, 13)}
_LONG_DATE = ("%B %d, %Y", "%B %d %Y", "%b. %d, %Y", "%b %d, %Y", "%d %B %Y", "%m/%d/%Y", "%B %Y", "%b. %Y")


def as_date(text: str) -> LegalDate | None:
    """The date ``text`` is (ISO, ``May 20, 2024``, ``Sept. 3, 2024``, ``5/20/2024``), or None."""
    text = " ".join(text.split())
    try:
        return LegalDate.parse(text)
    except ValueError:
        pass
    text = text.replace("Sept.", "Sep.")
    for form in _LONG_DATE:
        try:
            day = dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return LegalDate(day.year, day.month, day.day if "%d" in form else None)
    return None


def date_pattern(date: LegalDate) -> re.Pattern | None:
    """A pattern for ``date`` in every common form, in folded text; None for a bare year
    (a year alone is every other date of that year)."""
    if date.month is None:
        return None
    name = _MONTHS[date.month]
    month = rf"(?:{name}|{name[:3]}{'|sept' if date.month == 9 else ''})\.?"
    y4, y2, m = str(date.year), f"{date.year % 100:02d}", rf"0?{date.month}"
    year = rf"(?:{y4}|'?{y2})"
    if date.day is None:
        forms = [rf"{month},? ?{y4}", rf"{m} ?[/.-] ?{y4}", rf"{y4} ?[/.-] ?{m}(?! ?[/.-] ?\d)"]
    else:
        d = rf"0?{date.day}"
        day = rf"{d}(?:st|nd|rd|th)?"
        forms = [rf"{month} ?(?:the )?{day},? ?(?:{y4}|'{y2})",           # July 8th, 2024; Jul. 8 '24
                 rf"(?:the )?{day} ?(?:of )?{month},? ?{y4}",              # 8 July 2024; the 8th of July, 2024
                 rf"{m} ?([/.-]) ?{d} ?\1 ?{year}",                        # 7/8/24, 07-08-2024
                 rf"{d} ?\. ?{m} ?\. ?{year}",                              # 8.7.2024 (European)
                 rf"{y4} ?([/.-]) ?{m} ?\2 ?{d}",                          # 2024-07-08, 2024/7/8
                 rf"{y4}{date.month:02d}{date.day:02d}"]                   # 20240708
    return re.compile(r"(?<![\w/.-])(?:" + "|".join(forms) + r")(?![\w/-]|\.\d)")


_FIGURE = re.compile(r"(?<![\w.,])\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]*\d)|(?<![\w.,])\$?\d{4,}(?:\.\d+)?(?!\w)")


def numbers_within(text: str) -> list[str]:
    """The figures of a confidential text (an amount, a tonnage: written with thousands
    separators or a dollar sign, or of six digits or more): confidential on their own too,
    wherever an attorney types them. Not a year, a street number or a suite: those are no
    secret alone, and would be found in any text."""
    found = []
    for m in _FIGURE.finditer(text):
        figure = m.group(0)
        digits = re.sub(r"\D", "", figure.split(".")[0])
        if ("," in figure or figure.startswith("$") or len(digits) >= 6) and figure != text.strip():
            found.append(figure)
    return found
