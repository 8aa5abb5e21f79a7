"""Confidential values (CIT Rule 5(g)): marked in the context, bracketed or removed when printed.

A value tagged ``!confidential`` in the facts (or every value of a mapping or list so
tagged, or of an exhibit with ``confidential: true``) reaches templates as a *marked*
value: :class:`Marked` (text that knows which of its characters are confidential and
which facts they come from), :class:`SecretDate` or :class:`SecretNumber`. Text the
context computes from the facts (``org.the_name``, ``case.title``, a caption line) is
marked where it contains a confidential value, so ``the [Acme Corp.]`` keeps its brackets.

How a marked value prints depends on the version being rendered (:func:`showing`):

- no version (a matter with nothing confidential in its papers): as written;
- the confidential version: each confidential stretch in brackets (``settings.bracket``);
- the public version: the brackets with nothing between them.

Every way a template prints a value goes through :func:`shown`: Jinja's ``finalize``,
``__html__`` (``join``, ``~``, markup), the list filters; a filter given a marked value
returns a marked result. What a template derives in a way that drops the mark (a string
method, arithmetic) prints plainly: the leak scan (:mod:`filings.court.leaks`) reads every public
output and fails the build when any confidential value is found in it, so such a slip
stops the build instead of reaching a filing.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from markupsafe import Markup, escape

from filings.court.factpaths import display, dotted  # noqa: F401 (display: where the stages above find it)
from filings.court.factpaths import leaves as _leaves, value_at as _resolve
from filings.court.variants import numbers_within
from filings.facts.citations import passages, resolve, texts
from filings.facts.dates import LegalDate
from filings.typography import smart_quotes

BRACKETS = {"single": ("[", "]"), "double": ("[[", "]]")}
MIN_SEARCH = 3  # shorter confidential values are bracketed where they stand, not searched for


@dataclass(frozen=True)
class Version:
    """One of the two sets a build writes when something is confidential."""

    name: str  # "confidential" or "public": also the set's folder
    legend: str  # printed in each paper's header and title area
    open: str = "["
    close: str = "]"
    deletion: str = ""  # what the public version prints for deleted text; the brackets with three spaces

    @property
    def public(self) -> bool:
        return self.name == "public"

    @property
    def deleted(self) -> str:
        """What stands for deleted text in the public version (``[   ]``: it shows something was deleted)."""
        return self.deletion or f"{self.open}   {self.close}"

    def bracket(self, text: str) -> str:
        """``[text]`` in the confidential version, ``[   ]`` in the public one."""
        return self.deleted if self.public else f"{self.open}{text}{self.close}"


def versions(settings: Any) -> list[Version]:
    """The confidential and the public version, with the legends and brackets of ``settings``."""
    open_, close = BRACKETS[settings.bracket]
    return [Version("confidential", settings.confidential_legend, open_, close),
            Version("public", settings.public_legend, open_, close, getattr(settings, "public_deletion", None) or "")]


_version: ContextVar[Version | None] = ContextVar("filings_version", default=None)


@contextmanager
def showing(version: Version | None) -> Iterator[None]:
    """Print marked values as ``version`` prints them while the block runs."""
    token = _version.set(version)
    try:
        yield
    finally:
        _version.reset(token)


def current_version() -> Version | None:
    return _version.get()


# --------------------------------------------------------------------------- marked values

Span = tuple  # (start, end, paths): a confidential stretch of a Marked text and the facts it is


class Marked(str):
    """Text with confidential stretches: ``spans`` are (start, end, fact paths)."""

    spans: tuple

    def __new__(cls, text: str, spans: Iterable[Span]):
        self = super().__new__(cls, text)
        self.spans = tuple(sorted(spans))
        return self

    @classmethod
    def whole(cls, text: str, paths: tuple[str, ...]) -> "Marked":
        return cls(text, [(0, len(text), paths)])

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for _, _, paths in self.spans for p in paths))

    def __html__(self) -> str:
        return as_markup(self)

    def __reduce__(self):
        return (Marked, (str(self), self.spans))


class SecretDate(LegalDate):
    """A confidential date: compares like the date, prints through :func:`shown`."""

    def __init__(self, date: LegalDate, paths: tuple[str, ...]):
        super().__init__(date.year, date.month, date.day)
        object.__setattr__(self, "paths", paths)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LegalDate) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __html__(self) -> str:
        return as_markup(shown(self))


class SecretNumber(int):
    """A confidential whole number (a volume, an amount): prints through :func:`shown`."""

    paths: tuple[str, ...]

    def __new__(cls, value: int, paths: tuple[str, ...]):
        self = super().__new__(cls, value)
        self.paths = paths
        return self

    def __html__(self) -> str:
        return as_markup(shown(self))


class SecretFloat(float):
    """A confidential number with a fraction (``extra: {rate: !confidential 12.5}``)."""

    paths: tuple[str, ...]

    def __new__(cls, value: float, paths: tuple[str, ...]):
        self = super().__new__(cls, value)
        self.paths = paths
        return self

    def __html__(self) -> str:
        return as_markup(shown(self))


def is_marked(value: Any) -> bool:
    return isinstance(value, (Marked, SecretDate, SecretNumber, SecretFloat))


def shown(value: Any) -> str:
    """``value`` as text, its confidential stretches bracketed or removed per the version."""
    version = _version.get()
    if isinstance(value, (SecretDate, SecretNumber, SecretFloat)):
        text = str(value) if isinstance(value, SecretDate) else \
            int.__repr__(value) if isinstance(value, SecretNumber) else float.__repr__(value)
        return version.bracket(text) if version else text
    if not isinstance(value, Marked):
        return str(value)
    text = str.__str__(value)
    if version is None or not value.spans:
        return text
    out, at = [], 0
    for start, end, _ in value.spans:
        if start < at:  # overlapping stretches: one pair of brackets
            continue
        out += [text[at:start], version.bracket(text[start:end])]
        at = end
    out.append(text[at:])
    return "".join(out)


# --------------------------------------------------------------------------- the matter's secrets

class Secrets:
    """The confidential facts of a matter, by dotted path, and their values as text."""

    def __init__(self, paths: Iterable[str] = (), public: Iterable[str] = ()):
        self.paths = set(paths)
        self.public = set(public)  # tagged !public: printed as written, never redacted
        self.values: dict[str, list[str]] = {}  # fact path → the texts it prints as
        self.dates: dict[str, tuple[str, ...]] = {}  # a confidential date (ISO) → its fact
        self.figures: dict[str, list[str]] = {}  # fact path → the figures in its text (numbers_within)
        self._pattern: re.Pattern | None = None
        self._typed: re.Pattern | None = None

    def __bool__(self) -> bool:
        return bool(self.paths or self.values)

    def is_public(self, path: str) -> bool:
        """True when ``path`` is (or lies under) a value tagged ``!public``."""
        parts = path.split(".")
        return any(".".join(parts[:n]) in self.public for n in range(len(parts), 0, -1))

    def covers(self, path: str) -> str | None:
        """The confidential path ``path`` is (or lies under), or None."""
        parts = path.split(".")
        for n in range(len(parts), 0, -1):
            prefix = ".".join(parts[:n])
            if prefix in self.paths:
                return prefix
        return None

    def wrap(self, value: Any, path: str) -> Any:
        """``value`` marked if it sits at a confidential path; recorded for searching. A date
        computed from a confidential one (``case.accrued``) is confidential too."""
        if not self or self.is_public(path):
            return value
        if self.covers(path) is None:
            if isinstance(value, str) and not isinstance(value, Marked) and "[Confidential:" in value:
                plain, spans = passages(value)  # [Confidential: ...] passages of facts text
                return Marked(plain, [(a, b, (path,)) for a, b in spans]) if spans else value
            same = self.dates.get(value.iso()) if isinstance(value, LegalDate) else None
            return SecretDate(value, same) if same else value
        paths = (path,)
        if isinstance(value, Marked):
            return value
        if isinstance(value, str):
            value = passages(value)[0]  # a tagged text is confidential all through, its passages too
            self._remember(path, [value])
            figures = numbers_within(value)
            if figures:
                self.figures[path] = figures
            return Marked.whole(value, paths)
        if isinstance(value, LegalDate):
            self._remember(path, [value.long(), value.short(), value.iso()])
            self.dates.setdefault(value.iso(), paths)
            return SecretDate(value, paths)
        if isinstance(value, int) and not isinstance(value, bool):
            self._remember(path, [str(value), f"{value:,}"])
            return SecretNumber(value, paths)
        if isinstance(value, float):
            self._remember(path, [repr(value), f"{value:,}"])
            return SecretFloat(value, paths)
        return value

    def _remember(self, path: str, texts: list[str]) -> None:
        self.values[path] = list(dict.fromkeys(t for t in texts if t))
        self._pattern = self._typed = None

    def remember_passage(self, path: str, passage: str) -> None:
        """A ``[Confidential: ...]`` passage of the untagged text at ``path``: searched for like a value."""
        self._remember(path, self.values.get(path, []) + [passage])
        figures = numbers_within(passage)
        if figures:
            self.figures[path] = self.figures.get(path, []) + figures

    def mark_within(self, text: str, typed: bool = False) -> str:
        """``text`` (computed from the facts) marked where a confidential value appears in it.
        ``typed``: text an attorney typed in a draft, where the figures of a confidential text
        (an amount of a tagged sentence) are confidential on their own too."""
        if not self.values or isinstance(text, Marked) or not text:
            return text
        pattern = self._search(typed)
        if pattern is None:
            return text
        spans = [(m.start(), m.end(), self._owner(m.group(0))) for m in pattern.finditer(text)]
        return Marked(text, spans) if spans else text

    def scanned(self) -> dict[str, list[str]]:
        """What the leak scan looks for, by fact: each value's texts and the figures within them."""
        return {path: texts + self.figures.get(path, []) for path, texts in self.values.items()}

    def _search(self, typed: bool = False) -> re.Pattern | None:
        if (self._typed if typed else self._pattern) is None:
            forms = sorted({t for texts in (self.scanned() if typed else self.values).values() for t in texts
                            if len(t) >= MIN_SEARCH}, key=len, reverse=True)
            if not forms:
                return None
            made = re.compile("|".join(_loose(t) for t in forms), re.IGNORECASE)
            if typed:
                self._typed = made
            else:
                self._pattern = made
        return self._typed if typed else self._pattern

    def _owner(self, found: str) -> tuple[str, ...]:
        folded = " ".join(found.split()).casefold()
        owners = tuple(p for p, texts in self.scanned().items()
                       if any(" ".join(t.split()).casefold() == folded for t in texts))
        return owners or tuple(self.values)[:1]


def _loose(text: str) -> str:
    """A pattern for ``text`` that allows any run of spaces where it has one."""
    return r"\s+".join(re.escape(part) for part in text.split())


def secrets_of(matter: Any) -> Secrets:
    """The confidential paths of ``matter``: its ``!confidential`` marks (an exhibit's title is
    public unless it is tagged too: the public index lists every exhibit)."""
    secrets = Secrets((dotted(loc) for loc in matter.source.confidential if loc and loc[0] != "settings"),
                      public=(dotted(loc) for loc in getattr(matter.source, "public", ())))
    for path in sorted(secrets.paths):  # every value known before any text is searched for them
        for leaf, value in _leaves(path, _resolve(matter.facts, path.split("."))):
            secrets.wrap(value, leaf)
    for loc, text in texts(matter.facts):  # the [Confidential: ...] passages of untagged text
        path = dotted(loc)
        if "[Confidential:" in text and secrets.covers(path) is None and not secrets.is_public(path):
            plain, spans = passages(text)
            for start, end in spans:
                secrets.remember_passage(path, plain[start:end])
    return secrets


def confidential_exhibits(matter: Any) -> set[int]:
    """The indexes of the exhibits whose pages are confidential: ``confidential: true``, or the
    whole entry tagged ``!confidential``."""
    marked = {dotted(loc) for loc in matter.source.confidential}
    return {i for i, e in enumerate(matter.facts.exhibits)
            if e.confidential or f"exhibits.{i}" in marked or "exhibits" in marked}


def carry_mark(source: Any, result: Any) -> Any:
    """What a filter made of a marked ``source`` (``upper``, ``short_date``, ``words``), marked
    again: where the confidential text still appears in it, those stretches; otherwise all of it."""
    if not is_marked(source) or not isinstance(result, str) or is_marked(result) or hasattr(result, "__html__"):
        return result
    if isinstance(source, Marked):
        texts = [str.__str__(source)[a:b] for a, b, _ in source.spans]
    elif isinstance(source, SecretDate):
        texts = [source.long(), source.short(), source.iso()]
    elif isinstance(source, SecretFloat):
        texts = [float.__repr__(source), f"{float(source):,}"]
    else:
        texts = [int.__repr__(source), f"{int(source):,}"]
    texts = sorted({t for t in texts if t.strip()}, key=len, reverse=True)
    spans = []
    if texts:
        pattern = re.compile("|".join(_loose(t) for t in texts), re.IGNORECASE)
        spans = [(m.start(), m.end(), source.paths) for m in pattern.finditer(result)]
    return Marked(result, spans or [(0, len(result), source.paths)])


# Printing: fact text as it goes into a paper's XML, for the version being rendered.
# How facts text being printed cites exhibits and terms ([Exhibit: id]): set while a paper renders.
_citing: ContextVar[Callable[[str, str], str] | None] = ContextVar("filings_citing", default=None)


# Characters XML 1.0 forbids (a form feed pasted from a PDF would make the DOCX unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_markup(text: str) -> Markup:
    """Fact text as it goes into the DOCX XML: its confidential stretches bracketed or removed
    for the version being rendered, citations (``[Exhibit: id]``) resolved while a paper
    renders, typographer's quotes, escaped, XML-safe."""
    cite = _citing.get()
    shown_cite = (lambda kind, ref: shown(cite(kind, ref))) if cite is not None else None  # a cited term too
    return escape(smart_quotes(resolve(_NOT_XML.sub("", shown(text)), shown_cite)))


def citing(cite: Callable[[str, str], str] | None):
    """Context manager: print the citations of facts text with ``cite`` (the context's ``cite``)."""
    class _Scope:
        def __enter__(self):
            self.token = _citing.set(cite)

        def __exit__(self, *exc):
            _citing.reset(self.token)
    return _Scope()
