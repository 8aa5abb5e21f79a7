"""Untagged facts that print a confidential value, and the values tagged ``!public``.

Redaction follows the fact that was tagged: a value is confidential because the facts tag it
``!confidential``, never because it happens to equal one. So an untagged value of the facts
that holds a confidential value (compared as the leak scan compares: a number by value, a
date in any form, :mod:`filings.court.variants`) is a *twin*: either it should be tagged too,
or it is deliberately public. :func:`twins_of` finds them; :func:`twin_problems` names each one
a paper prints, with both lines, and the build stops before publishing. A value tagged
``!public`` is never a twin and never redacted, and the leak scan does not look for a
confidential form that a ``!public`` value prints (:func:`scanned_values`): it was declared
publishable.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Iterator, Mapping

from filings.court.confidential import Secrets
from filings.court.factpaths import display, dotted, value_at
from filings.court.needles import found_in, needles
from filings.errors import FactsError, Problem
from filings.facts.citations import passages
from filings.facts.dates import LegalDate


@dataclass(frozen=True)
class Twin:
    """An untagged fact that holds the value of a confidential one."""

    path: str  # the untagged fact, dotted (keys as written)
    line: int
    shows: str  # the confidential text it holds
    secret: str  # the confidential fact


def written_values(matter: Any) -> Iterator[tuple[str, int, str]]:
    """Every value written in the facts file (not under settings), as (path, line, text)."""
    for loc, line in matter.source.lines.items():
        if not loc or loc[0] == "settings":
            continue
        value = value_at(matter.facts, [str(p) for p in loc])
        if isinstance(value, bool) or not isinstance(value, (str, int, float, LegalDate, date)):
            continue
        yield dotted(loc), line, passages(value)[0] if isinstance(value, str) else str(value)


def twins_of(matter: Any, secrets: Secrets) -> list[Twin]:
    """The untagged, not ``!public`` values of the facts that hold a confidential value."""
    if not secrets:
        return []
    wanted = needles(secrets.scanned())
    found = []
    for path, line, text in written_values(matter):
        if secrets.covers(path) is not None or secrets.is_public(path):
            continue
        plain = _without_passages(matter, path, text)
        hits = [n for n in found_in(plain, wanted) if n.path != path]
        if hits:
            best = max(hits, key=lambda n: len(n.text))
            found.append(Twin(path, line, best.text, best.path))
    return found


def _without_passages(matter: Any, path: str, text: str) -> str:
    """``text`` with its own ``[Confidential: ...]`` passages left out: they are tagged."""
    raw = value_at(matter.facts, path.split("."))
    if not isinstance(raw, str) or "[Confidential:" not in raw:
        return text
    plain, spans = passages(raw)
    kept, at = [], 0
    for start, end in spans:
        kept.append(plain[at:start])
        at = end
    return " ".join(kept + [plain[at:]])


def printed(path: str, reads: Iterable[str]) -> bool:
    """True when a paper that read ``reads`` prints the fact at ``path`` (or the list or section it is in)."""
    return any(r == path or path.startswith(r + ".") or r.startswith(path + ".") for r in reads)


def twin_problems(matter: Any, twins: list[Twin], is_printed: Callable[[str], bool]) -> list[Problem]:
    """One line for each twin a paper prints, naming both facts and their lines, and what to do."""
    problems = []
    for twin in twins:
        if not is_printed(twin.path):
            continue
        where = matter.locate_fact(twin.secret)
        problems.append(Problem(
            f"{display(twin.path)} prints \"{twin.shows}\", the value of the confidential fact "
            f"{display(twin.secret)}{f' ({where})' if where else ''}; tag this one !confidential, or !public "
            "if it may be published", matter.source.file_of(tuple(int(p) if p.isdigit() else p
                                                                  for p in twin.path.split("."))), twin.line))
    return problems


def check_twins(matter: Any, reads: Mapping[str, set[str]], secrets: Secrets) -> None:
    """Stop the build when a paper (``reads``: what each paper read) prints a twin."""
    every = set().union(*reads.values()) if reads else set()
    problems = twin_problems(matter, twins_of(matter, secrets), lambda path: printed(path, every))
    if problems:
        raise FactsError(problems=problems)


def scanned_values(matter: Any, secrets: Secrets) -> dict[str, list[str]]:
    """What the leak scan looks for (:meth:`Secrets.scanned`), less the forms a ``!public`` value prints."""
    values = secrets.scanned()
    public = [text for path, _, text in written_values(matter) if secrets.is_public(path)]
    if not public:
        return values
    out = {}
    for path, texts in values.items():
        out[path] = [t for t in texts if not any(found_in(p, needles({path: [t]})) for p in public)]
    return out
