"""Kinds of case as data: ``filings/kinds.yaml``, changed or added per matter under ``settings.kinds``.

The Court's docket has several shapes: a denied protest (28 U.S.C. § 1581(a)) begins with a
summons alone and its complaint comes months later; an appeal of an AD/CVD determination
(§ 1581(c)) begins with a summons within 30 days of the determination's publication and its
complaint within 30 days after; a residual action (§ 1581(i)) files the complaint with the
summons. Each kind names, as data rather than code, its summons and complaint templates, its
papers, the filings they are grouped in when the facts list none (each dated by a fact, and
not made until the facts give that day), the facts it needs, the fact its time bar runs from,
the deadlines that follow each filing (periods of ``rules.yaml``) and the grounds of review
its counts may rest on. A matter's kind is ``case.kind`` (a kind's name, or a jurisdiction)
or, when not given, the kind of ``case.jurisdiction`` however it is written
(``1581(i)(1)(C)`` is ``1581(i)``): :func:`kind_of`.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterator, Literal, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from filings.errors import FilingsError
from filings.facts.rules import jurisdiction_key, merged

if TYPE_CHECKING:
    from filings.facts.schema import Facts


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DefaultFiling(_Entry):
    """A filing the kind makes when the facts list none: made once the fact ``date`` names has a day."""

    name: str
    title: str
    date: str  # a fact's path: case.filed, case.complaint_filed, injunction.filed
    papers: list[str]
    certificate: bool = True  # False: the Clerk serves it (a summons alone), so it has no certificate of service


class Chained(_Entry):
    """A deadline that follows a filing: ``period`` of rules.yaml, counted from the service (or,
    for the summons, the filing) of the filing that holds the paper ``after``; with no ``after``,
    from an event the facts do not hold, listed without a day."""

    what: str
    period: str
    after: str | None = None


class Ground(_Entry):
    """A ground of review a count may rest on: the statute's subsection and its words."""

    citation: str  # "706(2)(A)", "1516a(b)(1)(B)(i)"
    words: str
    compel: bool = False  # § 706(1): the Court compels action, rather than setting it aside


class Kind(_Entry):
    name: str = ""
    title: str
    jurisdiction: str
    summary: str = ""
    commenced: Literal["summons", "summons and complaint"] = "summons and complaint"
    templates: dict[str, str] = {}
    papers: list[str]
    filings: list[DefaultFiling] = []
    requires: list[str] = []
    accrues: str | None = None  # the fact the time bar runs from, when not case.accrued
    complaint_within: str | None = None  # a period: the complaint is due within it after the summons
    deadlines: list[Chained] = []
    grounds: dict[str, Ground] = {}
    confidential: list[str] = []
    sample: str | None = None  # the facts file `filings new --kind` starts from (filings/facts/samples/)

    @property
    def summons_first(self) -> bool:
        """True when the summons is filed alone and the complaint later."""
        return self.commenced == "summons"

    def template_of(self, paper: str, default: str) -> str:
        """The template of ``paper`` in this kind: its own (the summons and complaint), else ``default``."""
        return self.templates.get(paper, default)


@lru_cache(maxsize=1)
def shipped() -> dict[str, Any]:
    """The kinds file shipped with the package, as data (read once)."""
    text = resources.files("filings.facts").joinpath("kinds.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_kinds(override: Mapping[str, Any] | None = None) -> dict[str, Kind]:
    """The shipped kinds with a matter's ``settings.kinds`` laid over them, by name.

    Raises :class:`pydantic.ValidationError` for a bad override; the facts loader reports it by
    line first (:func:`kind_problems`). Asked for many times a build (the plan, the context, the
    deadlines, the checks), the kinds of one override are validated once."""
    return dict(_validated(json.dumps(override or {}, sort_keys=True, default=str)))


@lru_cache(maxsize=8)
def _validated(override: str) -> tuple[tuple[str, Kind], ...]:
    data = merged(shipped(), json.loads(override))
    return tuple((name, Kind.model_validate({**entry, "name": name})) for name, entry in data.items())


def kind_lines(kinds: Mapping[str, Kind]) -> list[str]:
    """``filings kinds``: two lines a kind (its name, jurisdiction, title, commencement and needs; its
    papers), then how to start a matter of one."""
    lines = []
    for k in kinds.values():
        needs = f"; needs {', '.join(k.requires)}" if k.requires else ""
        lines += [f"{k.name}  28 U.S.C. § {k.jurisdiction}  {k.title}: commenced by the {k.commenced}{needs}",
                  f"    papers: {', '.join(k.papers)}"]
    return lines + ["Start a matter of one: filings new DIR --kind NAME (docs/kinds.md)"]


def kinds_for(facts: Facts) -> dict[str, Kind]:
    """The kinds one matter knows."""
    return load_kinds(facts.settings.kinds)


def find_kind(kinds: Mapping[str, Kind], wanted: str) -> Kind | None:
    """The kind named ``wanted``, or whose jurisdiction it is (``1581(c)``, ``28 U.S.C. § 1581(c)``)."""
    if wanted in kinds:
        return kinds[wanted]
    key = jurisdiction_key(wanted)
    return next((k for k in kinds.values() if jurisdiction_key(k.jurisdiction) == key), None)


def kind_of(facts: Facts) -> Kind:
    """The matter's kind of case: ``case.kind``, else the kind of ``case.jurisdiction``. A
    FilingsError when it names none (the loader has already reported it by line)."""
    found = _kind_or_problem(facts)
    if isinstance(found, tuple):
        raise FilingsError(found[1])
    return found


def _kind_or_problem(facts: Facts) -> Kind | tuple[str, str]:
    """The matter's kind, or (the case field at fault, the message)."""
    kinds = kinds_for(facts)
    names = ", ".join(f"{k.name} ({k.jurisdiction})" for k in kinds.values())
    case = facts.case
    if case.kind:
        kind = find_kind(kinds, case.kind)
        if kind is None:
            return "kind", f"no kind of case '{case.kind}'; choose one of: {names}, or add yours under settings.kinds"
        if jurisdiction_key(case.jurisdiction) != jurisdiction_key(kind.jurisdiction):
            return "jurisdiction", (f"the kind '{kind.name}' is an action under 28 U.S.C. § {kind.jurisdiction}, "
                                    f"but case.jurisdiction is {case.jurisdiction}; correct one of the two")
        return kind
    kind = find_kind(kinds, case.jurisdiction)
    if kind is None:
        return "jurisdiction", (f"no kind of case is an action under 28 U.S.C. § "
                                f"{jurisdiction_key(case.jurisdiction)}; the kinds are: {names}; add yours under "
                                "settings.kinds (see docs/kinds.md)")
    return kind


def kind_problems(facts: Facts) -> Iterator[tuple[tuple, str]]:
    """What is wrong with the matter's kind: an unknown kind, a kind of another jurisdiction, a
    fact the kind needs that is missing, a bad ``settings.kinds``; each as (location, message)."""
    try:
        found = _kind_or_problem(facts)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            yield ("settings", "kinds", *err["loc"]), err["msg"]
        return
    if isinstance(found, tuple):
        yield ("case", found[0]), found[1]
        return
    for section in found.requires:
        if not getattr(facts, section, None):
            yield (section,), (f"the kind '{found.name}' ({found.title}, 28 U.S.C. § {found.jurisdiction}) needs "
                               f"'{section}:' in the facts; add it (`filings new DIR --kind {found.name}` shows one)")
    yield from _ground_problems(facts, found)


def _ground_problems(facts: Facts, kind: Kind) -> Iterator[tuple[tuple, str]]:
    """A count's ground that the kind does not know, or a count that names none (the complaint's
    standard of review cites the grounds of its counts)."""
    known = ", ".join(kind.grounds) or "none: its standard of review is fixed"
    for i, claim in enumerate(facts.claims):
        if kind.grounds and not claim_grounds(claim, kind):
            yield ("claims", i, "title"), (f"name the ground of review this count rests on, e.g. grounds: "
                                           f"[{next(iter(kind.grounds))}] (the grounds of a {kind.title.lower()}: "
                                           f"{known})")
        for n, ground in enumerate(claim.grounds):
            if ground not in kind.grounds:
                yield ("claims", i, "grounds", n), (f"'{ground}' is not a ground of review of a "
                                                    f"{kind.title.lower()} (the kind's grounds: {known})")


def claim_grounds(claim: Any, kind: Kind) -> list[str]:
    """The grounds a count rests on: those it names, else each ground of the kind whose name its
    title cites (``Arbitrary and capricious agency action (5 U.S.C. § 706(2)(A))``)."""
    if claim.grounds:
        return list(claim.grounds)
    title = claim.title.lower().replace(" ", "")
    return [name for name in kind.grounds if name.lower().replace(" ", "") in title]


def fact_at(facts: Facts, path: str) -> Any:
    """The value at a dotted path of the facts (``case.complaint_filed``), or None when absent; a
    path through a list (``protests.denied``) gives the earliest of the values."""
    values = [facts]
    for part in path.split("."):
        nxt = []
        for value in values:
            value = getattr(value, part, None) if not isinstance(value, Mapping) else value.get(part)
            if isinstance(value, (list, tuple)):
                nxt += list(value)
            elif value is not None:
                nxt.append(value)
        values = nxt
    return min(values) if values else None
