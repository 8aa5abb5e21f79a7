"""What a template sees: the facts as a tree of read-tracked nodes with references resolved.

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
"""
from __future__ import annotations

import datetime as dt
import decimal
import difflib
import enum
import re
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from markupsafe import Markup, escape
from pydantic import BaseModel

from .dates import LegalDate, legal_time
from .facts import Facts, Matter, extra_value
from .typography import smart_quotes

if TYPE_CHECKING:
    from .papers import Filing

_reads: ContextVar[set[str] | None] = ContextVar("filings_reads", default=None)


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


# Characters XML 1.0 forbids (a form feed pasted from a PDF would make the DOCX unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_markup(text: str) -> Markup:
    """Fact text as it goes into the DOCX XML: typographer's quotes, escaped, XML-safe."""
    return escape(smart_quotes(_NOT_XML.sub("", str(text))))


# Values a template may hold as they are: immutable, with no way back to shared state.
_ATOMS = (str, bytes, int, float, complex, decimal.Decimal, LegalDate, dt.date, dt.time,
          dt.datetime, dt.timedelta, enum.Enum, PurePath)


def _frozen(value: Any, path: str) -> Any:
    """``value`` made read-only for templates: lists → tuples, dicts → mapping proxies,
    models → :class:`Node`; a type that could be changed in place is a bug, said loudly."""
    if value is None or isinstance(value, (Node, NodeList, Empty, *_ATOMS)):
        return value
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


class Node:
    """A section of the facts; attributes are its facts. Reads are recorded.

    ``_data`` is a read-only mapping of read-only values (see :func:`_frozen`).
    """

    __slots__ = ("_data", "_path")

    def __init__(self, path: str, data: Mapping[str, Any]):
        self._path = path
        self._data = MappingProxyType({k: _frozen(v, f"{path}.{k}" if path else k) for k, v in data.items()})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            value = self._data[name]
        except KeyError:
            raise UnknownFact(f"{self._path}.{name}" if self._path else name, self._data) from None
        if not isinstance(value, NodeList):  # a list records itself when it is read
            _record(f"{self._path}.{name}")  # a section too: which one it is (events.3.exhibit → exhibits.1)
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
        return str(name)

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


def exhibit_mark(index: int, style: str) -> str:
    """The label of the exhibit at 0-based ``index``: ``3`` or ``C`` (then ``AA``, ``AB``, ...)."""
    if style == "numbers":
        return str(index + 1)
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def build_context(matter: Matter, filings: Sequence[Filing] = ()) -> Mapping[str, Any]:
    """The names a template sees, each a :class:`Node`, :class:`NodeList` or plain value;
    read-only, since every paper of a build renders from the same context. ``filings`` are
    the filings of the build (:func:`filings.papers.plan_papers`), seen as ``filings``."""
    return MappingProxyType(_ContextBuilder(matter.facts, filings).context())


def filing_for(context: Mapping[str, Any], index: int | None) -> Node | Empty:
    """What a paper sees as ``filing``: the filing at ``index`` of ``context['filings']``
    (its papers, date, service), or an empty fact for a paper in no filing."""
    filings = context.get("filings")
    if index is None or not isinstance(filings, NodeList) or index >= len(filings._items):
        return Empty("filing")
    return filings._items[index]


def free_facts(path: str, value: Any) -> Any:
    """A free-form value of the facts (``extra:``) as read-tracked nodes: mappings are
    sections, lists are lists, a day written ``2024-07-15`` is a date, and an empty value
    (``~`` or ``""``) is an empty fact."""
    if isinstance(value, Mapping):
        return Node(path, {str(k): free_facts(f"{path}.{k}", v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return NodeList(path, [free_facts(f"{path}.{i}", v) for i, v in enumerate(value)])
    return None if value == "" else extra_value(value)


class _ContextBuilder:
    """Turns :class:`Facts` into nodes, resolving ids to the nodes they name."""

    def __init__(self, facts: Facts, filings: Sequence[Filing] = ()):
        self.f = facts
        self.filings = filings
        self.orgs = {k: self._org(k, o) for k, o in facts.organizations.items()}
        self.people = {k: self._person(k, p) for k, p in facts.people.items()}
        self.parties = {**self.orgs, **self.people}
        self.exhibits = {e.id: self._exhibit(i, e) for i, e in enumerate(facts.exhibits)}
        self.programs = {k: self._program(k, p) for k, p in facts.programs.items()}

    def context(self) -> dict[str, Any]:
        f = self.f
        case = self._case()
        service = self._service("service", f.service)
        return {
            "case": case,
            "plaintiff": case._data["plaintiffs"][0],
            "signer": case._data["counsel"][0],
            "programs": NodeList("programs", list(self.programs.values())),
            "events": NodeList("events", [self._event(i, e) for i, e in enumerate(f.events)]),
            "requests": NodeList("requests", [self._request(i, r) for i, r in enumerate(f.requests)]),
            "claims": NodeList("claims", [Node(f"claims.{i}", {
                "title": c.title, "number": i + 1,
                "allegations": NodeList(f"claims.{i}.allegations", list(c.allegations))})
                for i, c in enumerate(f.claims)]),
            "relief": NodeList("relief", list(f.relief)),
            "motion": self._motion(),
            "declaration": self._declaration(),
            "service": service,
            "exhibits": NodeList("exhibits", list(self.exhibits.values())),
            "settings": Node("settings", f.settings.__dict__.copy()),
            "extra": free_facts("extra", f.extra),
            "filings": NodeList("filings", [self._filing(i, filing, service)
                                            for i, filing in enumerate(self.filings)]),
        }

    def _service(self, path: str, s) -> Node:
        """A service: its date, method and the people served."""
        return Node(path, {"date": s.date, "method": s.method, "served": self._refs(f"{path}.served", s.served)})

    def _filing(self, i: int, filing: Filing, service: Node) -> Node:
        """A filing: its name, title, day, the papers its certificate serves, and their service
        (its own, or the top-level ``service``)."""
        own = self.f.filings[i].service if filing.name else None
        papers = NodeList(f"filings.{i}.papers", [Node(f"filings.{i}.papers.{j}", {"name": p.name, "title": p.title})
                                                  for j, p in enumerate(filing.served)])
        return Node(f"filings.{i}", {"name": filing.name or "", "title": filing.title, "date": filing.date,
                                     "papers": papers,
                                     "service": self._service(f"filings.{i}.service", own) if own else service})

    def _refs(self, path: str, ids: list[str]) -> NodeList:
        return NodeList(path, [self.parties[i] for i in ids])

    def _org(self, key: str, o) -> Node:
        data = o.__dict__.copy()
        data.update(id=key, short=o.short or o.name, is_person=False,
                    address=NodeList(f"organizations.{key}.address", list(o.address)),
                    public_owners=NodeList(f"organizations.{key}.public_owners", list(o.public_owners)),
                    affiliates=NodeList(f"organizations.{key}.affiliates", list(o.affiliates)))
        return Node(f"organizations.{key}", data)

    def _person(self, key: str, p) -> Node:
        org = self.orgs.get(p.organization) if p.organization else None
        address = list(p.address) or (list(org._data["address"]) if org is not None else [])
        data = p.__dict__.copy()
        data.update(id=key, short=p.name, is_person=True, organization=org,
                    address=NodeList(f"people.{key}.address", address))
        return Node(f"people.{key}", data)

    def _case(self) -> Node:
        c = self.f.case
        data = c.__dict__.copy()
        plaintiffs = self._refs("case.plaintiffs", c.plaintiffs)
        defendants = self._refs("case.defendants", c.defendants)
        first_p, first_d = plaintiffs._items[0], defendants._items[0]
        title = (f"{first_p._data['name']}{' et al.' if len(plaintiffs) > 1 else ''} v. "
                 f"{first_d._data['name']}{' et al.' if len(defendants) > 1 else ''}")
        data.update(plaintiffs=plaintiffs, defendants=defendants,
                    counsel=self._refs("case.counsel", c.counsel),
                    statute=f"28 U.S.C. § {c.jurisdiction}", title=title)
        return Node("case", data)

    def _program(self, key: str, p) -> Node:
        notices = [Node(f"programs.{key}.notices.{i}", {
            **n.__dict__, "citation": f"{n.volume} Fed. Reg. {n.page:,} ({n.published.short()})"})
            for i, n in enumerate(p.notices)]
        data = p.__dict__.copy()
        data.update(id=key, short=p.short or p.name, notices=NodeList(f"programs.{key}.notices", notices))
        return Node(f"programs.{key}", data)

    def _exhibit(self, i: int, e) -> Node:
        data = e.__dict__.copy()
        del data["password"]  # never printed
        mark = exhibit_mark(i, self.f.bundle.labels)
        data.update(number=i + 1, mark=mark, label=f"Exhibit {mark}", date=e.date or self._exhibit_date(e.id))
        return Node(f"exhibits.{i}", data)

    def _exhibit_date(self, exhibit_id: str) -> LegalDate | None:
        for item in [*self.f.events, *self.f.requests]:
            if item.exhibit == exhibit_id:
                return item.date
        return None

    def _event(self, i: int, e) -> Node:
        data = e.__dict__.copy()
        data.update(actor=self.parties[e.actor], program=self.programs.get(e.program),
                    exhibit=self.exhibits.get(e.exhibit),
                    notice_days=e.date.days_until(e.effective) if e.effective else None)
        return Node(f"events.{i}", data)

    def _request(self, i: int, r) -> Node:
        data = r.__dict__.copy()
        response = None
        if r.response:
            response = Node(f"requests.{i}.response", {**r.response.__dict__,
                                                        "by": self.parties[r.response.by]})
        data.update(sender=self.parties[r.sender], recipient=self.parties[r.to],
                    exhibit=self.exhibits.get(r.exhibit), response=response, number=i + 1)
        data.pop("to", None)
        return Node(f"requests.{i}", data)

    def _motion(self) -> Node | None:
        m = self.f.motion
        if m is None:
            return None
        c = m.consultation
        consultation = Node("motion.consultation", {
            "date": c.date, "time": legal_time(c.time), "channel": c.channel, "outcome": c.outcome,
            "participants": self._refs("motion.consultation.participants", c.participants)})
        factors = Node("motion.factors", {k: NodeList(f"motion.factors.{k}", list(v))
                                          for k, v in m.factors.__dict__.copy().items()})
        return Node("motion", {"filed": m.filed, "relief": NodeList("motion.relief", list(m.relief)),
                               "order": NodeList("motion.order", list(m.order)),
                               "factors": factors, "consultation": consultation})

    def _declaration(self) -> Node | None:
        d = self.f.declaration
        if d is None:
            return None
        return Node("declaration", {"declarant": self.parties[d.declarant], "place": d.place,
                                    "signed": d.signed,
                                    "statements": NodeList("declaration.statements", list(d.statements))})
