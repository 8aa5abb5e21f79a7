"""What the leak scan looks for, and how it compares (:mod:`filings.court.leaks`).

Each confidential value becomes the *needles* it is looked for as (:func:`needles`): its
words by meaning (numbers by value, street words abbreviated), run together when it may be
letter-spaced, its digits alone when it is a number, any form of a date; each text read
becomes a :class:`_Haystack` in the same views (:mod:`filings.court.variants`).
:func:`found_in` says which needles a text holds: the scan's comparison, also used to find an
untagged value that holds a confidential one (:mod:`filings.court.twins`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from filings.court.confidential import MIN_SEARCH
from filings.court.variants import as_date, canonical, date_pattern, fold, unspaced

_SEPARATOR = re.compile(r"(?<=\d)[\s,.'\-/](?=\d)")
SPACELESS_MIN = 6  # a value of several words is also looked for with its spaces gone, from this length
DIGITS_MIN = 5  # a number (an EIN, an account) is also looked for with any separators, from this length


@dataclass
class Needle:
    """One form of one confidential value, and the fact it comes from."""

    path: str
    pattern: re.Pattern
    kind: str  # the view of the haystack it is looked for in: "text", "spaceless", "digits" or "date"
    text: str = ""  # the value's text it was made from


def needles(values: Mapping[str, Iterable[str]]) -> list[Needle]:
    """The forms to look for, for each confidential fact path → the texts it prints as."""
    found: dict[tuple[str, str], Needle] = {}
    for path, texts in values.items():
        for text in texts:
            for kind, pattern in _forms(str(text)):
                found.setdefault((pattern.pattern, kind), Needle(path, pattern, kind, str(text)))
    return list(found.values())


def found_in(text: str, wanted: Iterable[Needle]) -> list[Needle]:
    """The needles of ``wanted`` found in ``text``, compared as the scan compares."""
    hay = _Haystack(text)
    return [needle for needle in wanted if hay.has(needle)]


def _forms(text: str) -> Iterator[tuple[str, re.Pattern]]:
    """The (view, pattern) pairs a value is looked for as."""
    date = as_date(text)
    pattern = date_pattern(date) if date is not None else None
    if pattern is not None:  # a date is found in any of its forms, and by nothing less
        yield "date", pattern
        return
    norm = canonical(fold(text))  # numbers by value, punctuation as spaces, street words abbreviated
    if len(norm.replace(" ", "")) < MIN_SEARCH:  # shorter values would be found in any text
        return
    yield "text", _word_pattern(norm)
    if " " in norm:  # letter-spaced text has no word gaps: look for the words run together, as written too
        for form in {norm.replace(" ", ""), canonical(fold(text), streets=False).replace(" ", "")}:
            if len(form) >= SPACELESS_MIN:  # no word bounds without spaces; a number's bounds stay
                before, after = r"(?<!\d)" if form[0].isdigit() else "", r"(?!\d)" if form[-1].isdigit() else ""
                yield "spaceless", re.compile(before + re.escape(form) + after)
    digits = re.sub(r"\D", "", norm)
    if len(digits) >= DIGITS_MIN and not re.search(r"[^\W\d_]|\d\.\d", norm):  # a number, no fraction
        yield "digits", re.compile(rf"(?<!\d){digits}(?!\d)")


def _word_pattern(form: str) -> re.Pattern:
    """``form``'s words with or without a space between, not inside a longer word or number."""
    body = r"\s?".join(re.escape(w) for w in form.split(" "))
    before = r"(?<!\w)(?<!\d\.)" if form[:1].isalnum() else ""
    after = r"(?!\w)(?!\.\d)" if form[-1:].isalnum() else ""
    return re.compile(before + body + after)


class _Haystack:
    """One piece of text from an output, in the views the needles are looked for in: as
    written and, when it is letter-spaced, closed up."""

    def __init__(self, text: str):
        folded = fold(text)
        closed = unspaced(folded)
        self.texts = [folded] if closed == folded else [folded, closed]
        self._views: dict[tuple[int, str], str] = {}

    def has(self, needle: Needle) -> bool:
        return any(needle.pattern.search(self._view(n, needle.kind)) for n in range(len(self.texts)))

    def _view(self, n: int, kind: str) -> str:
        key = (n, kind)
        if key not in self._views:
            if kind == "date":
                self._views[key] = " ".join(self.texts[n].split())
            elif kind == "text":
                self._views[key] = canonical(self.texts[n])
            else:
                text = self._view(n, "text")
                self._views[key] = text.replace(" ", "") if kind == "spaceless" else _SEPARATOR.sub("", text)
        return self._views[key]
