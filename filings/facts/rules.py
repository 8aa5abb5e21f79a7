"""The court's rules as data: ``filings/rules.yaml``, changed per matter under ``settings.rules``.

Limitation periods, the periods that follow a filing (answer, response, reply), word limits
and the court's holidays are not constants in the code: they are entries of one data file
shipped with the package, each with its source and a ``verified`` mark, because several
could not be checked against the current rule text. A matter overrides any entry under
``settings: rules:`` in its facts file (mappings merge key by key, other values replace);
:func:`rule_problems` reports a bad override by its path, so the facts loader can name its
line. ``settings.answer_days`` (which the summons prints) is the answer period's days.
"""
from __future__ import annotations

import re

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from filings.facts.schema import Facts

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limitation(_Entry):
    """A time bar: ``years`` (or ``days``) after the claims accrued (or after ``trigger``)."""

    years: int | None = Field(None, ge=0)
    days: int | None = Field(None, ge=0)
    source: str
    verified: bool = False
    rule6: bool = False  # a last day on a weekend or holiday runs on to the next court day
    # What the period runs from, when it is not the first event of the facts (the denial of a
    # protest, a determination's publication): counted only from case.accrued, which the
    # matter sets to that day; without it the bar is not computed, and `filings deadlines` says so.
    trigger: str | None = None


class Period(_Entry):
    """A period counted under Rule 6(a) from an event (``after``)."""

    days: int = Field(ge=0)
    after: str
    source: str
    verified: bool = False
    rule6: bool = True  # False for a statute's period: a last day on a weekend is not moved


class WordLimit(_Entry):
    words: int = Field(gt=0)
    source: str
    verified: bool = False


class FixedHoliday(_Entry):
    name: str
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    since: int | None = None


class WeekdayHoliday(_Entry):
    name: str
    month: int = Field(ge=1, le=12)
    weekday: Literal[WEEKDAYS]  # type: ignore[valid-type]
    nth: Literal[1, 2, 3, 4, 5, -1]
    since: int | None = None


class ClosedDay(_Entry):
    date: dt.date
    name: str = "Court closed"
    source: str | None = None


class Observed(_Entry):
    saturday: int = -1
    sunday: int = 1


class Holidays(_Entry):
    source: str
    observed: Observed = Observed()
    fixed: list[FixedHoliday] = []
    weekday: list[WeekdayHoliday] = []
    closed: list[ClosedDay] = []
    extra: list[ClosedDay] = []


class Rules(_Entry):
    limitation: dict[str, Limitation] = {}
    periods: dict[str, Period] = {}
    word_limits: dict[str, WordLimit] = {}
    holidays: Holidays


@lru_cache(maxsize=1)
def shipped() -> dict[str, Any]:
    """The rules file shipped with the package, as data (read once)."""
    text = resources.files("filings.facts").joinpath("rules.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader where PyYAML has it: the shipped file is read on every build
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it: mappings merge key by key, other values replace."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def jurisdiction_key(jurisdiction: str) -> str:
    """The subsection of 28 U.S.C. § 1581 a jurisdiction written any way names: ``1581(i)`` for
    ``1581(i)(1)(C)–(D)`` or ``28 U.S.C. § 1581(i)``; the text as written when it names none."""
    found = re.search(r"1581\s*\(\s*([a-j])\s*\)", jurisdiction or "")
    return f"1581({found.group(1)})" if found else (jurisdiction or "").strip()


def jurisdiction_text(jurisdiction: str) -> str:
    """The jurisdiction as written, without a leading ``28 U.S.C. §`` (the papers print their own)."""
    return re.sub(r"^\s*(28\s*U\.?\s*S\.?\s*C\.?\s*)?§*\s*", "", jurisdiction or "")


def load_rules(override: Mapping[str, Any] | None = None, answer_days: int | None = None) -> Rules:
    """The shipped rules with a matter's ``settings.rules`` (and ``answer_days``) laid over them.

    Raises :class:`pydantic.ValidationError` for a bad override; the facts loader reports
    those by line first (:func:`rule_problems`), so a loaded matter's rules always load.
    """
    data = merged(shipped(), override or {})
    if answer_days is not None:
        data = merged(data, {"periods": {"answer": {"days": answer_days}}})
    return Rules.model_validate(data)


def rules_for(facts: Facts) -> Rules:
    """The rules of one matter."""
    return load_rules(facts.settings.rules, facts.settings.answer_days)


def rule_problems(override: Mapping[str, Any] | None) -> list[tuple[tuple, str]]:
    """What is wrong with a matter's ``settings.rules``, each as (location in the facts, message)."""
    if not override:
        return []
    try:
        load_rules(override)
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown key; the keys are those of filings/rules.yaml"
            elif err["type"] == "missing":
                message = "required for a new entry; add it"
            problems.append((("settings", "rules", *loc), message))
        return problems
    return []
