"""The merged facts of a matter as YAML, each value with the file and line it comes from.

``filings facts [MATTER] [PATH] [--origin]`` prints what a build reads: the matter's facts
merged over the bases they extend (:mod:`filings.facts.extend`), or the part of them at a
dotted PATH (``case.plaintiffs``, ``events.2``, ``events.second_review``: a list item by its
index or its id). Values keep their ``!confidential`` and ``!public`` marks, so the output is
itself a facts file; with ``--origin`` each value ends with a comment naming its file and
line (``# ../campaign.yaml:12``), the same words as every error about it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from filings.errors import FactsError
from filings.facts.extend import load_merged
from filings.facts.source import CONFIDENTIAL_TAG, PUBLIC_TAG, Loc, SourceMap, yaml_scalar
from filings.limits import DEFAULT_LIMITS, Limits


def show_facts(path: Path | str, dotted: str | None = None, *, origin: bool = False,
               limits: Limits = DEFAULT_LIMITS) -> str:
    """The merged facts of ``path`` (or the part at ``dotted``) as YAML text; ``origin`` adds
    ``# FILE:LINE`` to every value."""
    data, source = load_merged(path, limits)
    _, loc = select(data, source, dotted)
    return "\n".join(_Writer(source, origin, loc).value(data, (), 0)) + "\n"


def select(data: Any, source: SourceMap, dotted: str | None) -> tuple[Any, Loc]:
    """The value at the dotted path (a list item by index or id) and its loc; a FactsError naming
    what is there when the path leads nowhere."""
    value, loc = data, ()
    for part in (dotted or "").split(".") if dotted else ():
        if isinstance(value, dict) and part in value:
            value, loc = value[part], loc + (part,)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value, loc = value[int(part)], loc + (int(part),)
        elif isinstance(value, list) and any(isinstance(v, dict) and v.get("id") == part for v in value):
            index = next(i for i, v in enumerate(value) if isinstance(v, dict) and v.get("id") == part)
            value, loc = value[index], loc + (index,)
        else:
            here = ".".join(str(p) for p in loc) or "the facts"
            if isinstance(value, dict):
                have = f"it has {', '.join(map(str, list(value)[:12]))}{', ...' if len(value) > 12 else ''}"
            elif isinstance(value, list):
                have = f"it is a list of {len(value)} item{'s' if len(value) != 1 else ''}: give an index or an id"
            else:
                have = "it is a single value"
            raise FactsError(f"{dotted}: {here} has no '{part}' ({have}); name a fact as dotted keys, "
                             "such as case.plaintiffs", path=source.file_of(loc), line=source.line_of(loc))
    return value, loc


class _Writer:
    """Block-style YAML, one value a line, with marks and (on request) origins; only the values on
    the way to ``only`` and under it."""

    def __init__(self, source: SourceMap, origin: bool, only: Loc = ()):
        self.source, self.origin, self.only = source, origin, only

    def shown(self, loc: Loc) -> bool:
        return loc[:len(self.only)] == self.only[:len(loc)]

    def value(self, value: Any, loc: Loc, indent: int) -> list[str]:
        if isinstance(value, dict) and value:
            return self.mapping(value, loc, indent)
        if isinstance(value, list) and value:
            return self.sequence(value, loc, indent)
        return [f"{' ' * indent}{self.tag(loc)}{_scalar(value)}{self.note(loc)}"]

    def mapping(self, value: dict, loc: Loc, indent: int) -> list[str]:
        pad, lines = " " * indent, []
        for key, child in value.items():
            at = loc + (key,)
            if not self.shown(at):
                continue
            if _inline(child):
                lines.append(f"{pad}{_key(key)}: {self.tag(at)}{_scalar(child)}{self.note(at)}")
            else:
                lines.append(f"{pad}{_key(key)}:{(' ' + self.tag(at)).rstrip()}{self.note(at)}")
                lines += self.value(child, at, indent + 2)
        return lines

    def sequence(self, value: list, loc: Loc, indent: int) -> list[str]:
        pad, lines = " " * indent, []
        for i, child in enumerate(value):
            at = loc + (i,)
            if not self.shown(at):
                continue
            if _inline(child):
                lines.append(f"{pad}- {self.tag(at)}{_scalar(child)}{self.note(at)}")
            elif isinstance(child, dict) and not self.tag(at):
                inner = self.mapping(child, at, indent + 2)
                lines += [f"{pad}- {inner[0].lstrip()}", *inner[1:]]
            else:
                lines.append(f"{pad}-{(' ' + self.tag(at)).rstrip()}{self.note(at)}")
                lines += self.value(child, at, indent + 2)
        return lines

    def tag(self, loc: Loc) -> str:
        if loc in self.source.confidential:
            return CONFIDENTIAL_TAG + " "
        if loc in self.source.public:
            return PUBLIC_TAG + " "
        return ""

    def note(self, loc: Loc) -> str:
        return f"  # {self.source.where(loc)}" if self.origin else ""


def _inline(value: Any) -> bool:
    return not isinstance(value, (dict, list)) or not value


def _scalar(value: Any) -> str:
    return "{}" if value == {} else "[]" if value == [] else yaml_scalar(value)


def _key(key: Any) -> str:
    return yaml_scalar(key) if isinstance(key, str) else str(key)
