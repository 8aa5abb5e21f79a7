"""Why a paper changed, in words: the facts the user wrote, by file and line.

A build records, for each paper, a fingerprint of every value its templates read
(:mod:`filings.papers.depends`): the facts themselves (``events.2.date``) and the named values
computed from them (``plaintiffs.possessive``, ``caption.full``), each read recording the facts
it is computed from too. A reviewer wants the first kind only, said as the facts file says it.
:func:`explain` takes a paper's changed reads and the fact diff (:mod:`.factdiff`) and returns
one line per source fact that changed, e.g. ``the declaration: the day it is signed
(facts.yaml:336)``: a computed name is folded into the source facts the same paper's reads name
(or, failing that, those of the item it belongs to), and only a name no changed fact explains
is shown as itself. The words come from the facts schema's own descriptions of each field
(those ``filings schema`` gives an editor), so no list of phrases needs keeping up.
"""
from __future__ import annotations

import functools
import re
import typing
from typing import Any, Iterable, Sequence

from filings.pipeline.changes import EDIT, TEMPLATE
from filings.review.factdiff import FactChange

# A list's or a mapping's items are spoken of in the singular.
_ITEM = {"organizations": "organization", "people": "person", "events": "event", "requests": "request",
         "claims": "count", "exhibits": "exhibit", "programs": "program", "protests": "protest",
         "filings": "filing", "papers": "paper", "record": "record document", "relief": "relief",
         "entries": "entry", "statements": "statement", "notices": "notice", "factors": "factor"}
_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


def explain(causes: Iterable[str], facts: Sequence[FactChange], *, template: str | None = None) -> tuple[str, ...]:
    """One line per reason a paper changed: each source fact (in words, with its file and line),
    "its template" (named when known), "an edit in Word"; a computed name that no changed fact
    explains is kept as itself."""
    causes = list(causes)
    found: dict[str, None] = {}
    unexplained: list[str] = []
    for cause in causes:
        if cause == TEMPLATE:
            found[f"its template ({template})" if template else "its template"] = None
            continue
        if cause == EDIT:
            found["an edit in Word (edits/)"] = None
            continue
        hits = [f for f in facts if any(_related(place, cause) for place in f.places)]
        if hits:
            found.update(dict.fromkeys(fact_words(f) for f in hits))
        else:
            unexplained.append(cause)
    for cause in unexplained:
        item = _item_of(cause)
        hits = [f for f in facts if item and any(p == item or p.startswith(item + ".") for p in f.places)]
        if hits:
            found.update(dict.fromkeys(fact_words(f) for f in hits))
        elif not any(_is_fact(c) for c in found):
            found[f"a value computed from the facts ({cause})"] = None
    return tuple(found)


def _is_fact(line: str) -> bool:
    return not line.startswith(("its template", "an edit in Word", "a value computed"))


def _related(place: str, cause: str) -> bool:
    """True when the fact at ``place`` is the value read at ``cause``, inside it, or holds it."""
    return place == cause or place.startswith(cause + ".") or cause.startswith(place + ".")


def _item_of(cause: str) -> str | None:
    """The item a computed name belongs to (``organizations.acme`` of ``organizations.acme.term``):
    its first two parts, when it has more; never a whole section."""
    parts = cause.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else None


def fact_words(change: FactChange) -> str:
    """``the declaration: the day it is signed (facts.yaml:336)``; what happened to a fact that was
    moved, tagged or untagged is said too."""
    owner, field = describe_path(change.path)
    text = f"{owner}: {field}" if field else owner
    verb = {"moved": f"moved from place {change.old} to {change.new}", "tagged": "tagged !confidential",
            "untagged": "no longer tagged !confidential", "added": "added", "removed": "removed"}.get(change.status)
    if verb:
        text += f", {verb}"
    return f"{text} ({change.where})" if change.where else text


def describe_path(path: str) -> tuple[str, str]:
    """(whose, what) of a fact's path in the words of the facts schema: ``("event
    ctpat_suspension", "when it happened")`` for ``events[ctpat_suspension].date``, ``("count 1",
    "its numbered allegations (allegation 4)")`` for ``claims.0.allegations.3``."""
    from filings.facts.schema import Facts

    parts = [(m.group(1), True) if m.group(1) is not None else (m.group(2), False) for m in _TOKEN.finditer(path)]
    model: Any = Facts
    owner, field, items = "", "", []
    last = ""  # the name of the last list or mapping entered: its items are named after it
    for i, (name, is_id) in enumerate(parts):
        fields = _fields(model)
        if name in fields and not is_id:
            info = fields[name]
            if not owner:
                owner = f"the {name.replace('_', ' ')}"
                if _is_collection(info.annotation) and i + 1 < len(parts):
                    owner = ""  # an item of it owns what follows
            else:
                field = _short(info.description) or name.replace("_", " ")
            model, last = _inner(info.annotation), name
        elif not owner and last:
            owner = f"{_singular(last)} {_item_name(name, is_id)}"
        else:
            numbered = is_id or name.isdigit()
            items.append(f"{_singular(last)} {_item_name(name, is_id)}" if last and numbered else name)
            last = name
    if items:
        field = f"{field} ({', '.join(items)})" if field else ", ".join(items)
    return owner or path, field


def _singular(name: str) -> str:
    if name in _ITEM:
        return _ITEM[name]
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _item_name(name: str, is_id: bool) -> str:
    return name if is_id or not name.isdigit() else str(int(name) + 1)


def _short(description: str | None) -> str:
    """A field's description up to its first example, format or aside."""
    text = (description or "").strip()
    for stop in (" (", ": ", "; ", ", each", ", one", ", as ", ". "):
        if stop in text:
            text = text[: text.index(stop)]
    return text


@functools.lru_cache(maxsize=None)
def _fields(model: Any) -> dict:
    return dict(getattr(model, "model_fields", {}) or {})


def _inner(annotation: Any) -> Any:
    """The model a field holds: itself, or its list's, mapping's or optional's items'."""
    for arg in (annotation, *typing.get_args(annotation)):
        if getattr(arg, "model_fields", None):
            return arg
        for deeper in typing.get_args(arg):
            found = _inner(deeper)
            if getattr(found, "model_fields", None):
                return found
    return annotation


def _is_collection(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, dict, tuple):
        return True
    return any(_is_collection(arg) for arg in typing.get_args(annotation) if arg is not type(None))
