"""The tree of read-tracked, immutable nodes a template sees the facts as.

Templates never see the pydantic models. They see :class:`Node` objects whose attributes
are facts; each read is recorded under the fact's own path (``people.landis.name``), so a
build can tell which facts each paper depends on. Asking for a fact that does not exist
raises :class:`UnknownFact`; printing a fact that is empty raises :class:`EmptyFact`:
never a silent blank.

The context is read-only all the way down, because every paper of a build renders from
the same one: a node's facts are a ``MappingProxyType``, lists are tuples, and nothing
reachable from a node is a list, a dict or a model. A template cannot change what the
next paper prints. Printed as markup (``__html__``, used by ``join`` and by Markup), a
fact is XML-escaped text, so ``AT&T`` never turns into a broken entity in the DOCX.

The context of :mod:`filings.papers.context` is made of these nodes.
"""
from __future__ import annotations

import datetime as dt
import decimal
import difflib
import enum
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import PurePath
from types import MappingProxyType
from typing import Any, Iterable

from markupsafe import Markup
from pydantic import BaseModel

from filings.court.confidential import Secrets, as_markup, is_marked
from filings.facts.dates import LegalDate

_reads: ContextVar[set[str] | None] = ContextVar("filings_reads", default=None)
_secrets: ContextVar[Secrets | None] = ContextVar("filings_secrets", default=None)  # while a context is built
# what one paper sees in place of a fact (a later filing's "Exhibit 4, ECF No. 2-3"): path → (value, its sources)
_overrides: ContextVar[Mapping[str, tuple[Any, tuple[str, ...]]] | None] = ContextVar("filings_overrides",
                                                                                      default=None)


class overriding:
    """While one paper renders, the facts at these paths print as given (path → (value, the facts
    it comes from, recorded as read)): a later filing cites an exhibit filed earlier by its docket
    reference (:mod:`filings.facts.filed`)."""

    def __init__(self, values: Mapping[str, tuple[Any, tuple[str, ...]]] | None):
        self.values = values or None

    def __enter__(self) -> None:
        self.token = _overrides.set(self.values)

    def __exit__(self, *exc: Any) -> None:
        _overrides.reset(self.token)


class UnknownFact(Exception):
    """A template asked for a fact the facts do not have."""

    def __init__(self, path: str, choices: Iterable[str]):
        close = difflib.get_close_matches(path.rsplit(".", 1)[-1], list(choices), n=1, cutoff=0.6)
        self.path = path
        self.hint = f"; did you mean '{path.rsplit('.', 1)[0]}.{close[0]}'?" if close else ""
        super().__init__(path)


class SectionPrinted(Exception):
    """A template printed a whole section or list of facts instead of one fact."""

    def __init__(self, path: str, hint: str):
        self.path = path
        self.hint = hint
        super().__init__(path)


class EmptyFact(Exception):
    """A template printed a fact that has no value in the facts file."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(path)


def _record(path: str) -> None:
    reads = _reads.get()
    if reads is not None:
        reads.add(path)


# Values a template may hold as they are: immutable, with no way back to shared state.
_ATOMS = (str, bytes, int, float, complex, decimal.Decimal, LegalDate, dt.date, dt.time,
          dt.datetime, dt.timedelta, enum.Enum, PurePath)


def _frozen(value: Any, path: str) -> Any:
    """``value`` made read-only for templates: lists → tuples, dicts → mapping proxies,
    models → :class:`Node`; a type that could be changed in place is a bug, said loudly."""
    if value is None or isinstance(value, (Node, NodeList, Empty)):
        return value
    if isinstance(value, _ATOMS):
        secrets = _secrets.get()
        if not secrets or is_marked(value):
            return value
        marked = secrets.wrap(value, path)
        return secrets.mark_within(marked) if isinstance(marked, str) and not secrets.is_public(path) else marked
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v, f"{path}.{i}") for i, v in enumerate(value))
    if isinstance(value, (set, frozenset)):
        return frozenset(_frozen(v, path) for v in value)
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v, f"{path}.{k}") for k, v in value.items()})
    if isinstance(value, BaseModel):
        return Node(path, dict(value.__dict__))
    raise TypeError(f"{path}: a {type(value).__name__} cannot be given to templates read-only")


class Empty:
    """An optional fact with no value: false in ``{% if %}``, an error when printed."""

    __slots__ = ("_path",)

    def __init__(self, path: str):
        self._path = path

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __str__(self) -> str:
        raise EmptyFact(self._path)

    __html__ = __str__


class Absent(Empty):
    """A section the facts do not have (no ``declaration:``): false in ``{% if %}``, and that
    test is a read of it, so a paper that asked is made again when the section appears."""

    __slots__ = ()

    def __bool__(self) -> bool:
        _record(self._path)
        return False

    def __iter__(self):
        _record(self._path)
        return iter(())


class Node:
    """A section of the facts; attributes are its facts. Reads are recorded.

    ``_data`` is a read-only mapping of read-only values (see :func:`_frozen`). ``_sources``
    maps a named value computed from other facts (``plaintiffs.role``) to the paths of those
    facts (``case.plaintiffs``): reading the value records them too, so the manifest names the
    facts a paper depends on, not only the values it printed.
    """

    __slots__ = ("_data", "_path", "_sources")

    def __init__(self, path: str, data: Mapping[str, Any], sources: Mapping[str, Iterable[str]] | None = None):
        self._path = path
        self._data = MappingProxyType({k: _frozen(v, f"{path}.{k}" if path else k) for k, v in data.items()})
        self._sources = MappingProxyType({k: tuple(v) for k, v in (sources or {}).items()})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            value = self._data[name]
        except KeyError:
            raise UnknownFact(f"{self._path}.{name}" if self._path else name, self._data) from None
        if not isinstance(value, NodeList):  # a list records itself when it is read
            _record(f"{self._path}.{name}")  # a section too: which one it is (events.3.exhibit → exhibits.1)
        for source in self._sources.get(name, ()):
            _record(source)
        over = _overrides.get()
        if over and f"{self._path}.{name}" in over:
            value, sources = over[f"{self._path}.{name}"]
            for source in sources:
                _record(source)
        return Empty(f"{self._path}.{name}") if value is None else value

    def __getitem__(self, name: str) -> Any:
        """``case['court_no']``; private and special names are no facts (a KeyError)."""
        if not isinstance(name, str) or name.startswith("_"):
            raise KeyError(name)
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __str__(self) -> str:
        # A node printed whole: print its name if it has one (a party, a person).
        name = self._data.get("name")
        if name is None:
            raise SectionPrinted(self._path, f"print one of its facts ({', '.join(sorted(self._data)[:6])}, ...)")
        _record(f"{self._path}.name")
        return name if isinstance(name, str) else str(name)  # a confidential name keeps its mark

    def __html__(self) -> Markup:
        """The name as escaped XML text (``join`` and Markup use this, not ``__str__``)."""
        return as_markup(str(self))

    def __repr__(self) -> str:
        return f"<facts {self._path}>"


class NodeList:
    """A list of facts; iterating records that the paper reads the list. ``_items`` is a tuple."""

    __slots__ = ("_items", "_path")

    def __init__(self, path: str, items: Iterable[Any]):
        self._path = path
        self._items = tuple(_frozen(v, f"{path}.{i}") for i, v in enumerate(items))

    def __iter__(self):
        _record(self._path)
        return iter(self._items)

    def __len__(self) -> int:
        _record(self._path)
        return len(self._items)

    def __getitem__(self, index: int | slice) -> Any:
        _record(self._path)
        return self._items[index]

    def __bool__(self) -> bool:
        return bool(self._items)

    @property
    def several(self) -> bool:
        """True when the list holds more than one item (``{% if claims.several %}``); a read of the list."""
        _record(self._path)
        return len(self._items) > 1

    def __str__(self) -> str:
        raise SectionPrinted(self._path, "loop over it with {% for %}, or print it with |and_list")

    __html__ = __str__

    def __repr__(self) -> str:
        return f"<facts {self._path} ({len(self._items)})>"


def tracking(reads: set[str]):
    """Context manager: record every fact read while rendering into ``reads``."""
    class _Scope:
        def __enter__(self):
            self.token = _reads.set(reads)
            return reads

        def __exit__(self, *exc):
            _reads.reset(self.token)
    return _Scope()
