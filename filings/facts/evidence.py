"""The evidence a motion rests on: a declaration's statements, what each supports, and how the
declarant knows.

A declaration holds numbered statements; each may have an ``id`` (cited in facts text as
``[Decl: id]``, printed ``Landis Decl. ¶ 7``), say what it ``supports`` (the ids of events,
requests and exhibits, or ``harm``) and its ``basis`` of knowledge. The declaration says how
the declarant knows each exhibit it authenticates (``authenticates``: exhibit id → "I
received it by e-mail on May 20, 2024."). :func:`evidence_warnings` finds what the motion
relies on that no statement supports, and exhibits it cites that the declarant cannot
authenticate; :func:`evidence_problems` the errors (an unknown id a statement supports).
"""
from __future__ import annotations

from typing import Annotated, Any, Iterator

from pydantic import AfterValidator, Field, PrivateAttr

from filings.facts.fields import Model, Ref, Text

HARM = "harm"  # what a statement supports when it shows the irreparable harm




class Statement(Model):
    """One numbered statement of a declaration."""

    _plain: bool = PrivateAttr(False)  # written as text alone
    id: Ref | None = Field(None, description="the id facts text cites it by: [Decl: id] prints Landis Decl. ¶ 7")
    text: Text = Field(description="what the declarant states, one paragraph")
    supports: list[Ref] = Field([], description="what it supports: ids of events, requests or exhibits, or "
                                                "harm (the irreparable harm the motion argues)")
    basis: str | None = Field(None, description="how the declarant knows it, when not the declaration's basis: "
                                                "I received the agency's e-mail")


def _as_statement(value: Statement | str) -> Statement:
    """A statement written as plain text is a statement with no id."""
    if not isinstance(value, str):
        return value
    statement = Statement(text=value)
    statement._plain = True  # its text's place in the facts file is the statement's own
    return statement


Statements = list[Annotated[Statement | Text, AfterValidator(_as_statement)]]


def surname(name: str) -> str:
    """``Lila Landis`` → ``Landis``: how a declaration is cited (a suffix is skipped)."""
    words = [w for w in name.replace(",", " ").split() if w not in ("Jr.", "Sr.", "II", "III", "IV", "Esq.")]
    return words[-1] if words else name


def evidence_problems(facts: Any) -> Iterator[tuple[tuple, str]]:
    """Errors: two statements with one id, a statement supporting an unknown id, a basis given
    for an exhibit the declaration does not authenticate."""
    d = facts.declaration
    if d is None:
        return
    known = _supportable(facts)
    seen: set[str] = set()
    for i, s in enumerate(d.statements):
        if s.id and s.id in seen:
            yield ("declaration", "statements", i, "id"), f"a second statement with id '{s.id}'; give each its own id"
        seen.add(s.id or "")
        for n, ref in enumerate(s.supports):
            if ref not in known:
                yield (("declaration", "statements", i, "supports", n),
                       f"'{ref}' is no event, request or exhibit; a statement supports their ids, or harm")
    exhibits = {e.id for e in facts.exhibits}
    for ref in d.authenticates:
        if ref not in exhibits:
            yield ("declaration", "authenticates", ref), f"no exhibit with id '{ref}'"


def _supportable(facts: Any) -> set[str]:
    return {HARM, *(e.id for e in facts.events), *(r.id for r in facts.requests), *(x.id for x in facts.exhibits)}


def evidence_warnings(facts: Any, authentication: bool = True) -> Iterator[tuple[tuple, str]]:
    """What a motion relies on that its declaration does not carry: an event or request it
    pleads that no statement supports, harm it argues that no statement shows, an exhibit it
    cites that the declarant cannot authenticate (unless ``authentication`` is false: a build
    says so from the exhibits its papers did cite) or gives no basis of knowledge for."""
    m, d = facts.motion, facts.declaration
    if m is None or d is None:
        return
    supported = {ref for s in d.statements for ref in s.supports}
    for i, e in enumerate(facts.events):
        if e.id not in supported:
            yield (("events", i), f"the motion relies on the event '{e.id}', which no statement of the declaration "
                                  "supports; add a statement that supports it (supports: [" + e.id + "])")
    for i, r in enumerate(facts.requests):
        if r.id not in supported:
            yield (("requests", i), f"the motion relies on the request '{r.id}', which no statement of the "
                                    f"declaration supports; add a statement that supports it (supports: [{r.id}])")
    if HARM not in supported:
        yield (("motion", "factors", "harm"), "the motion argues irreparable harm that no statement of the "
                                              "declaration shows; add a statement with supports: [harm]")
    cited = [x for x in (*(e.exhibit for e in facts.events), *(r.exhibit for r in facts.requests)) if x]
    for i, x in enumerate(facts.exhibits):
        if x.id not in cited or (x.template and not x.sent_copy):
            continue
        if d.declarant not in x.authenticated_by:
            if not authentication:
                continue
            yield (("exhibits", i), f"the motion cites exhibit '{x.id}', which the declarant '{d.declarant}' "
                                    "cannot authenticate (not in its authenticated_by); add a declaration of someone "
                                    "who can (its author or recipient), or name the declarant if they can")
        elif x.id not in d.authenticates:
            yield (("exhibits", i), f"the declaration authenticates exhibit '{x.id}' without saying how the "
                                    f"declarant knows it; add it under declaration.authenticates ({x.id}: I "
                                    "received it ...)")
