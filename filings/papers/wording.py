"""English the papers need around the facts: lists, numbers in words, singular and plural.

Plain text in, plain text out; :mod:`filings.papers.context` uses these to build the named values
templates print, and :mod:`filings.papers.filters` wraps them as filters (``and_list``, ``words``,
``plural``, ``agree``, ``a``, ``capfirst``).
"""
from __future__ import annotations

import re
from typing import Sequence

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def and_join(items: Sequence[str], sep: str = ",", conjunction: str = "and") -> str:
    """``A``, ``A and B``, ``A, B, and C`` (``sep=';'``: ``A; and B``, ``A; B; and C``)."""
    items = list(items)
    if len(items) <= 1 or (len(items) == 2 and sep == ","):
        return f" {conjunction} ".join(items)
    return f"{sep} ".join(items[:-1]) + f"{sep} {conjunction} " + items[-1]


def number_words(n: int) -> str:
    """A whole number in words below 100, as legal prose writes it (7 → ``seven``,
    21 → ``twenty-one``); 100 and more, and negative numbers, in digits."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _same_case(model: str, word: str) -> str:
    """``word`` in the case of ``model`` (``IS`` → ``ARE``, ``Is`` → ``Are``)."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def plural_noun(word: str) -> str:
    """``day`` → ``days``, ``party`` → ``parties``, ``class`` → ``classes``."""
    lower = word.lower()
    if re.search(r"[^aeiou]y$", lower):
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return word + ("ES" if word.isupper() else "es")
    return word + ("S" if word.isupper() and len(word) > 1 else "s")


_IRREGULAR_VERBS = {"is": "are", "was": "were", "has": "have", "does": "do"}


def plural_verb(word: str) -> str:
    """A verb agreeing with a singular subject made to agree with a plural one: ``moves`` →
    ``move``, ``is`` → ``are``, ``has`` → ``have``, ``applies`` → ``apply``; a form that does not
    change (``were``, ``must``) is returned as it is."""
    lower = word.lower()
    if lower in _IRREGULAR_VERBS:
        return _same_case(word, _IRREGULAR_VERBS[lower])
    if re.search(r"[^aeiou]ies$", lower) and len(lower) > 4:
        return word[:-3] + ("Y" if word.isupper() else "y")
    if re.search(r"(sses|shes|ches|xes|zzes|oes)$", lower):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


PLURAL_PRONOUNS = {"they", "we", "you"}

_LETTERS_WITH_AN = set("AEFHILMNORSX")  # letters whose names begin with a vowel sound: "an LLC", "an S corporation"
_AN_BEFORE = ("hour", "honest", "honor", "honour", "heir", "unin", "unim", "unid")
_A_BEFORE = ("uni", "use", "usu", "uti", "ure", "eu", "one", "once", "ubiq", "u.s.", "u.k.")


def indefinite(phrase: str) -> str:
    """``corporation`` → ``a corporation``, ``agency`` → ``an agency``: by the sound of the first
    word (``a university``, ``an hour``, ``an LLC``, ``a U.S. corporation``)."""
    text = phrase.strip()
    word = text.split()[0] if text else ""
    return f"{'an' if _vowel_sound(word) else 'a'} {text}"


def _vowel_sound(word: str) -> bool:
    """Whether ``word`` begins with a vowel sound (a heuristic with the usual exceptions)."""
    word = word.strip("“”\"'‘’(")
    lower = word.lower()
    if not word:
        return False
    if lower.startswith(_AN_BEFORE):
        return True
    if lower.startswith(_A_BEFORE):
        return False
    if word.replace(".", "").isupper():  # an acronym or a letter, read by the letters' names
        return word[0] in _LETTERS_WITH_AN
    return lower[0] in "aeiou"


def capfirst(text: str) -> str:
    """The first letter in capitals, the rest as it is (``the United States`` → ``The United
    States``; Jinja's ``capitalize`` would lower the rest)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
    return text


def roman(number: int) -> str:
    """4 → ``IV`` (count numbers)."""
    out, n = "", int(number)
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def exhibit_mark(index: int, style: str) -> str:
    """The label of the exhibit at 0-based ``index``: ``3`` or ``C`` (then ``AA``, ``AB``, ...)."""
    if style == "numbers":
        return str(index + 1)
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters
