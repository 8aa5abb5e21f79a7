"""Loading a facts file: ``load_facts(path)``, every problem in the file's own words with its line.

``load_facts`` returns a :class:`~filings.facts.schema.Matter` or raises :class:`FactsError`
listing every problem in the file at once, each as ``facts.yaml:LINE: path.to.field: message``:
first what the schema refuses, worded for whoever edits the YAML (never pydantic's words),
with a did-you-mean for a misspelt key; then the cross-checks (:mod:`filings.facts.checks`),
the papers (:mod:`filings.facts.plan`) and the rules' overrides (:mod:`filings.facts.rules`).
A facts file that extends a base (``extends: ../campaign.yaml``, :mod:`filings.facts.extend`) is
merged with it first, and each problem names the file its value is written in
(``../campaign.yaml:12: case.court: ...``).
"""
from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from filings.errors import FactsError, Problem
from filings.facts.extend import load_merged
from filings.facts.checks import _did_you_mean, _extra_problems, _quoting_fix, check_references
from filings.facts.kinds import kind_problems
from filings.facts.plan import paper_problems
from filings.facts.rules import rule_problems
from filings.facts.schema import Facts, Matter, _dotted
from filings.facts.source import Loc, SourceMap
from filings.limits import DEFAULT_LIMITS, Limits

ITEM = "on a line starting with '-'"  # how a YAML list's items are written
# A value that is not the number or true/false wanted: what is wanted, and how to write it.
_SCALARS = {**dict.fromkeys(("int_type", "int_parsing", "int_from_float"), ("a whole number", "one such as 12")),
            **dict.fromkeys(("float_type", "float_parsing"), ("a number", "one such as 35 or 12.5")),
            "finite_number": ("a finite number", "one such as 35 or 12.5"),
            **dict.fromkeys(("bool_type", "bool_parsing"), ("true or false", "true or false"))}
# A number out of range: the bound's name, the verdict and the fix.
_BOUNDS = {"greater_than_equal": ("ge", "too small", "{} or more"), "greater_than": ("gt", "too small", "more than {}"),
           "less_than_equal": ("le", "too large", "{} or less"), "less_than": ("lt", "too large", "less than {}")}


def load_facts(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> Matter:
    """Load and check a facts file; raise :class:`FactsError` with every problem in it."""
    path = Path(path)
    data, source = load_merged(path, limits)
    if not isinstance(data, dict):
        raise FactsError("the facts file must be a mapping of sections (organizations, people, case, ...)",
                         path=path, line=1)
    try:
        facts = Facts.model_validate(data)
    except ValidationError as e:
        raise FactsError(problems=_schema_problems(e, source)) from None
    kind = list(kind_problems(facts))  # the papers and filings are those of the kind: checked once it is known
    problems = [Problem(f"{_dotted(loc)}: {msg}", source.file_of(loc), source.line_of(loc))
                for loc, msg in [*kind, *check_references(facts), *([] if kind else paper_problems(facts)),
                                 *_extra_problems(facts, source), *rule_problems(facts.settings.rules)]]
    if problems:
        raise FactsError(problems=problems)
    return Matter(facts, source)


def _schema_problems(error: ValidationError, source: SourceMap) -> list[Problem]:
    problems = []
    for err in error.errors(include_url=False):
        loc = _data_loc(err["loc"])
        message = _message(err, loc, source)
        problems.append(Problem(f"{_dotted(loc)}: {message}", source.file_of(loc), source.line_of(loc)))
    problems.sort(key=lambda p: (p.path != source.path, str(p.path), p.line or 0))
    return problems


def _data_loc(loc: tuple) -> Loc:
    """Drop pydantic's union and validator markers from an error location."""
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function-"))))


def _message(err: dict, loc: Loc, source: SourceMap) -> str:
    """One schema error as the words after ``path.to.field:``, with what to do."""
    kind, value = err["type"], err["input"]
    if kind == "extra_forbidden":
        hint = _did_you_mean(loc[-1], _fields_at(loc[:-1]))
        return f"unknown key{hint}"
    if kind == "missing":
        return "required; add it"
    if kind == "string_type" and value is None:
        return f"has no value; write it after the '{_after(loc)}'"
    if kind == "string_type" and isinstance(value, (bool, int, float)):
        return _quoting_fix(loc, value, source)
    if kind == "string_too_short":
        return "is empty; write its text"
    if kind == "true_false_number":
        return f"{source.raw.get(loc, value)} is read as {str(value).lower()}; write a number"
    worded = _worded(kind, err.get("ctx") or {}, value, loc, source)
    if worded:
        return worded
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "value_error" and value is None and "; " in message:
        return "has no value; " + message.partition("; ")[2]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        message += f", got {_short(repr(value))}"
    return message


def _worded(kind: str, ctx: dict, value: Any, loc: Loc, source: SourceMap) -> str | None:
    """A value of the wrong kind or out of range, in the words of someone editing YAML; None for
    the kinds worded elsewhere."""
    written, empty = _written(loc, value, source), value is None
    if kind == "model_type":
        return _keys_needed(loc, value, source)
    if kind == "dict_type":
        if empty:
            return f"is empty; it needs entries, each {_entry(loc)}{_or_remove(loc)}"
        return f"is {_what(value, written)}, not entries; it needs entries, each {_entry(loc)}"
    if kind == "list_type":
        if empty:
            return f"is empty; write its items under it, each {ITEM}{_or_remove(loc)}"
        if isinstance(value, str):
            return f"is one value, not a list; write it as a list: [{_short(value, 40)}]"
        return f"is {_what(value, written)}, not a list; write each item {ITEM}"
    if kind == "string_type":
        return f"is {_what(value, written)}, not text; write the text itself after the '{_after(loc)}'"
    if kind == "too_short":
        need, have = ctx["min_length"], ctx["actual_length"]
        if have == 0:
            return f"is empty; it needs at least {_count(need, 'item')}, each {ITEM}"
        return f"has {_count(have, 'item')}; it needs at least {need}"
    if kind in _SCALARS:
        what, fix = _SCALARS[kind]
        if empty:
            return f"has no value; write {what} after the '{_after(loc)}'"
        return f"{written} is not {what}; write {fix}"
    if kind == "literal_error":
        expected = ctx["expected"]
        if empty:
            return f"has no value; write {expected}"
        choices = re.findall(r"'([^']*)'", expected)
        return f"{written} is not one of the choices; write {expected}{_did_you_mean(value, choices)}"
    if kind in _BOUNDS:
        key, verdict, fix = _BOUNDS[kind]
        return f"{written} is {verdict}; write {fix.format(_number(ctx[key]))}"
    return None


def _keys_needed(loc: Loc, value: Any, source: SourceMap) -> str:
    """A section or an entry that is empty or not a mapping: the keys it takes."""
    such_as, required = _such_as(_type_at(loc))
    if value is None and not required:
        return f"is empty; write keys such as {such_as}, indented under it, or remove it to keep the defaults"
    if value is None:
        return f"is empty; it needs keys such as {such_as}, each on a line of its own, indented under it"
    return (f"is {_what(value, _written(loc, value, source))}, not keys and values; it needs keys such as "
            f"{such_as}, each on a line of its own, indented under it")


def _such_as(model: Any) -> tuple[str, bool]:
    """A few keys of ``model``, the required ones first (``name, short, ...``), and whether any is required."""
    fields = _fields(model)
    required = [key for key, field in fields.items() if field.is_required()]
    names = required + [key for key in fields if key not in required]
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else ""), bool(required)


def _entry(loc: Loc) -> str:
    """How an entry of the mapping at ``loc`` is written: an id with its keys, or ``name: value``."""
    args = typing.get_args(_type_at(loc))
    model = _unwrap(args[1]) if len(args) == 2 else None
    if _fields(model):
        return f"an id followed by ':', with its keys ({_such_as(model)[0]}) indented under the id"
    return "written 'name: value' on a line of its own, indented under it"


def _written(loc: Loc, value: Any, source: SourceMap) -> str:
    """A single value as the facts file has it: a number or true/false as written, text in quotes."""
    if isinstance(value, str):
        return repr(_short(value, 40))
    if isinstance(value, (bool, int, float)):
        return source.raw.get(loc, str(value).lower() if isinstance(value, bool) else str(value))
    return _short(repr(value))


def _what(value: Any, written: str) -> str:
    """What a value is, in a few words: ``a list``, ``the text 'x'``, ``the number 3``."""
    if isinstance(value, bool):
        return f"{written} (read as {str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"the number {written}"
    if isinstance(value, str):
        return f"the text {written}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys and values"
    return written


def _after(loc: Loc) -> str:
    """What a value is written after: the ``-`` of a list item, or the ``:`` of a key."""
    return "-" if loc and isinstance(loc[-1], int) else ":"


def _or_remove(loc: Loc) -> str:
    """``, or remove it`` for a key the facts may leave out."""
    field = _fields(_type_at(loc[:-1])).get(loc[-1]) if loc else None
    return ", or remove it" if field is not None and not field.is_required() else ""


def _count(n: int, noun: str) -> str:
    return f"{'one' if n == 1 else n} {noun}{'' if n == 1 else 's'}"


def _number(bound: Any) -> str:
    """A bound as a user writes it: ``0``, not ``0.0``."""
    return str(int(bound)) if isinstance(bound, float) and bound.is_integer() else str(bound)


def _short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, so that a long value keeps its error on one line."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _fields_at(loc: Loc) -> list[str]:
    """The keys the schema accepts at ``loc`` (used for did-you-mean); [] where it has none."""
    return list(_fields(_type_at(loc)))


def _type_at(loc: Loc) -> Any:
    """The type the schema wants at ``loc``, unwrapped (see :func:`_unwrap`); None where it has none."""
    tp: Any = Facts
    for part in loc:
        tp = _unwrap(tp)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list and isinstance(part, int):
            tp = args[0]
        elif origin is dict and not isinstance(part, int):
            tp = args[1]
        elif _fields(tp) and part in _fields(tp):
            tp = _fields(tp)[part].annotation
        else:
            return None
    return _unwrap(tp)


def _fields(tp: Any) -> dict[str, FieldInfo]:
    """A model's fields by the key a facts file uses (its alias, if it has one); {} for other types."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {f.alias or name: f for name, f in tp.model_fields.items()}
    return {}


def _unwrap(tp: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` → ``X`` (lists and dicts are left as they are)."""
    while True:
        origin = typing.get_origin(tp)
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if origin is Annotated or (origin not in (list, dict) and origin is not None and len(args) == 1):
            tp = args[0]
        else:
            return tp
