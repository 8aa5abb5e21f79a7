"""The filters and functions the sandbox offers templates, and values named in a template author's words.

The filters word the facts (``and_list``, ``numbered_list``, ``series_end``, ``plural``,
``agree``, ``words``, ``a``, ``nobreak``, ``short_date``, ``roman``) with the English of
:mod:`filings.papers.wording`; text stays text: a filter applied to markup (a macro's output)
works on its text, never on its entities (:func:`_per_text`, :func:`_as_text`), and ``|safe``
is refused. ``exhibit('id')`` cites an exhibit by its label. :func:`_kind` and
:func:`_reason` say what a value is and what went wrong without Python's class names.
:mod:`filings.papers.sandbox` puts these into the environment.
"""
from __future__ import annotations

import functools
import re
from types import MappingProxyType
from typing import Any, Callable

import jinja2
from markupsafe import Markup, escape

from filings.court.confidential import as_markup
from filings.facts.dates import LegalDate
from filings.papers.budget import _Range
from filings.papers.nodes import Empty, Node, NodeList
from filings.papers.wording import PLURAL_PRONOUNS, indefinite, number_words, plural_noun, plural_verb, roman


def _markup_of(value: Any) -> Markup:
    """Any printable value as escaped markup (facts escaped, markup kept)."""
    if isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return as_markup(str(value))


@jinja2.pass_environment
def _and_list(environment, items, sep: str = ",", attribute: str | None = None) -> Markup:
    """``a``, ``a and b``, ``a, b, and c``; ``and_list(';')`` for items that hold commas: ``a; and b``,
    ``a; b; and c``; ``attribute='term'`` lists that value of each item (each item escaped once,
    markup kept)."""
    if attribute is not None:
        items = map(jinja2.filters.make_attrgetter(environment, attribute), items)
    words = [_markup_of(i) for i in items]
    if len(words) <= 1 or (len(words) == 2 and sep == ","):
        return Markup(" and ").join(words)
    return Markup(f"{sep} ").join(words[:-1]) + Markup(f"{sep} and ") + words[-1]


def _numbered_list(items) -> Markup:
    """``(1) a; (2) b; and (3) c`` (one item: ``a``): relief asked for in one sentence."""
    words = [_markup_of(i) for i in items]
    if len(words) == 1:
        return words[0]
    numbered = [Markup(f"({n}) ") + w for n, w in enumerate(words, 1)]
    return Markup("; ").join(numbered[:-1]) + Markup("; and ") + numbered[-1]


def _series_end(loop: Any, last: str = ".") -> str:
    """The punctuation after one of a run of paragraphs (``{{ item }}{{ loop|series_end }}``):
    ``;``, then ``; and`` before the last, then ``.`` (or ``last``)."""
    if not isinstance(loop, jinja2.runtime.LoopContext):
        raise jinja2.TemplateRuntimeError(f"|series_end needs a loop, got {_kind(loop)}; use it inside "
                                          "{%p for %} as {{ loop|series_end }}")
    if loop.last:
        return last
    return "; and" if loop.revindex == 2 else ";"


def _count(subject: Any, name: str) -> int:
    """How many a filter's subject is: a side (``plaintiffs``), a list, a number or a pronoun."""
    if isinstance(subject, Node) and "several" in subject:
        return 2 if subject.several else 1
    if isinstance(subject, (NodeList, tuple, list)):
        return len(subject)
    if isinstance(subject, int) and not isinstance(subject, bool):
        return subject
    if isinstance(subject, str):  # a pronoun: "they" takes the plural
        text = _text_of(subject) if isinstance(subject, Markup) else subject
        return 2 if text.strip().lower() in PLURAL_PRONOUNS else 1
    raise jinja2.TemplateRuntimeError(f"|{name} needs a side (plaintiffs, defendants), a list, a number or a "
                                      f"pronoun to agree with, got {_kind(subject)}")


def _plural(word: str, subject: Any, plural: str | None = None) -> str:
    """``{{ 'day'|plural(e.notice_days) }}`` → ``day`` or ``days``; ``{{ 'Program'|plural(programs) }}``."""
    return word if _count(subject, "plural") == 1 else (plural or plural_noun(word))


def _agree(word: str, subject: Any, plural: str | None = None) -> str:
    """``{{ 'moves'|agree(plaintiffs) }}`` → ``moves`` or ``move``; ``'is'`` → ``is``/``are``; with a
    pronoun: ``{{ 'is'|agree(plaintiffs.pronoun) }}`` (``they are``)."""
    return word if _count(subject, "agree") == 1 else (plural or plural_verb(word))


def _words(number: Any) -> str:
    """7 → ``seven``: whole numbers below 100 in words, others in digits."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise jinja2.TemplateRuntimeError(f"|words needs a whole number, got {_kind(number)}")
    return number_words(number)


def _indefinite(phrase: str) -> str:
    """``{{ p.kind|a }}`` → ``a corporation``, ``an agency``."""
    return indefinite(phrase)


def _period(value: Any) -> Any:
    """``{{ party.parent|period }}``: the value and a period, unless it already ends a sentence
    (``Acme Holdings, Inc.`` stays as it is, never ``Inc..``). A confidential value keeps its marks."""
    text = _text_of(value) if isinstance(value, Markup) else str(value)
    return value if text.rstrip().endswith((".", "?", "!")) else value + "."


def _nobreak(text: str) -> str:
    """Spaces as no-break spaces, hyphens as non-breaking hyphens: ``28 U.S.C. § 1581(i)``
    and ``(202) 555-0147`` never break across lines."""
    return text.replace(" ", "\u00a0").replace("-", "\u2011")


def _short_date(value: Any) -> str:
    """``Aug. 13, 2019`` (citation style)."""
    if not isinstance(value, LegalDate):
        raise jinja2.TemplateRuntimeError(f"|short_date needs a date, got {_kind(value)}; use it on a date "
                                          "fact, like case.filed|short_date")
    return value.short()


def _roman(number: int) -> str:
    """4 → ``IV`` (count numbers)."""
    return roman(int(number))


def _no_safe(value: Any) -> Any:
    """``|safe`` would let fact text become raw WordML: refused."""
    raise jinja2.TemplateRuntimeError(
        "|safe is not allowed: facts always print as text, and Word markup cannot come from a "
        "tag; remove |safe and format the text in Word")


_TAG = re.compile(r"(<[^>]*>)")


def _text_of(markup: Markup) -> str:
    """The text a piece of markup shows: tags dropped, entities decoded."""
    return Markup(_TAG.sub("", str(markup))).unescape()


def _passed(fn: Callable) -> int:
    """How many leading arguments Jinja passes a filter before its value (context, environment)."""
    return 1 if getattr(fn, "jinja_pass_arg", None) is not None else 0


def _per_text(fn: Callable) -> Callable:
    """A text filter that, given markup, works on the text between its tags (entities decoded
    first, escaped again after), so ``upper`` never turns ``&amp;`` into ``&AMP;``."""
    skip = _passed(fn)

    @functools.wraps(fn)
    def filter_(*args, **kwargs):
        head, value, rest = args[:skip], args[skip], args[skip + 1:]
        if not isinstance(value, Markup):
            return fn(*args, **kwargs)
        rest = [_text_of(a) if isinstance(a, Markup) else a for a in rest]
        pieces = _TAG.split(str(value))
        return Markup("".join(p if i % 2 else str(escape(fn(*head, Markup(p).unescape(), *rest, **kwargs)))
                              for i, p in enumerate(pieces)))
    return filter_


def _as_text(fn: Callable) -> Callable:
    """A filter that, given markup, works on its plain text (the result is escaped when printed)."""
    skip = _passed(fn)

    @functools.wraps(fn)
    def filter_(*args, **kwargs):
        args = [*args[:skip], *(_text_of(a) if isinstance(a, Markup) else a for a in args[skip:])]
        return fn(*args, **kwargs)
    return filter_


_PER_TEXT = ("upper", "lower", "title", "replace", "nobreak")
_AS_TEXT = ("capitalize", "capfirst", "a", "plural", "agree", "trim", "truncate", "wordwrap", "center", "reverse",
            "first", "last", "indent", "list", "wordcount", "length", "count")


# --------------------------------------------------------------------------- in a template author's words

_INTERNAL_NAMES = {"LegalDate": "date", "NodeList": "list of facts", "Node": "group of facts",
                   "Empty": "empty fact", "_Range": "range", "NoneType": "none", "Markup": "str",
                   "mappingproxy": "mapping", "tuple": "list"}


def _reason(error: Exception) -> str:
    """A Python error's message in the words of a template (no internal class names)."""
    text = (str(error) or type(error).__name__).rstrip(".")
    return re.sub(r"'(\w+)'", lambda m: f"'{_INTERNAL_NAMES.get(m.group(1), m.group(1))}'", text)


def _kind(value: Any) -> str:
    """What a value is, in a template author's words: ``a date``, ``text``, ``a list``."""
    if isinstance(value, Empty):
        return f"the empty fact '{value._path}'"
    if value is None:
        return "none"
    for types, word in (((Node,), "a group of facts"), ((NodeList, tuple, list, _Range), "a list"),
                        ((str,), "text"), ((bool,), "true/false"), ((int, float), "a number"),
                        ((LegalDate,), "a date"), ((dict, MappingProxyType), "a mapping")):
        if isinstance(value, types):
            return word
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- citing exhibits

class UnknownExhibit(Exception):
    """A template cited an exhibit id that the facts do not list."""


def _exhibit_function(exhibits) -> Any:
    by_id = {e.id: e for e in exhibits._items} if exhibits else {}

    def exhibit(exhibit_id: str) -> str:
        """``exhibit('type86_notice')`` → ``Exhibit 1`` (the read is recorded as a citation)."""
        if exhibit_id not in by_id:
            raise UnknownExhibit(exhibit_id, list(by_id))
        cited = by_id[exhibit_id]
        cited.id  # recorded with the label: a reorder that moves another exhibit here changes the id
        return cited.label
    return exhibit
