"""Which filing files which exhibit, and where in its packet; how a later filing cites it.

A filing files the exhibits its papers cite that no earlier filing filed, or, when its entry in
``filings:`` lists ``exhibits: [ids]``, exactly those. A paper cites an exhibit when it reads
its label (``exhibits.3.label``, as :func:`~filings.facts.citations.citer` and a template's
``{{ e.exhibit.label }}`` do); certificates (of service, of compliance) are not counted: they
name what their filing's papers cite. In the packet each exhibit follows the paper of its filing
that first cites it (with that paper's certificate of compliance), or the last paper before the
certificate of service when none does. A paper of a later filing that cites an exhibit filed
earlier prints its docket reference when the facts give one (``Exhibit 4, ECF No. 2-3``: the
docket entry as the Court's opinions cite a docketed paper, after a comma so that a citation in
parentheses never nests them; no-break spaces keep it on one line); until then it prints the
label alone, and ``filings check`` warns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from filings.facts.plan import CERTIFICATE, Filing, Paper

if TYPE_CHECKING:
    from filings.facts.schema import Facts

CITES = re.compile(r"exhibits\.(\d+)\.(?:label|mark|number)$")


def cited(reads: Iterable[str]) -> list[int]:
    """The exhibits (by index) a paper that read ``reads`` cites, in order."""
    return sorted({int(m.group(1)) for r in reads if (m := CITES.match(r))})


def citing(paper: Paper) -> bool:
    """True for a paper whose citations count (not a certificate of service or of compliance)."""
    return paper.entry != CERTIFICATE and paper.certifies is None


@dataclass(frozen=True)
class Placed:
    """An exhibit a filing files: its index, and the paper of the packet it follows."""

    index: int
    after: str


def filed_exhibits(facts: Facts, filings: Iterable[Filing],
                   reads: Mapping[str, Iterable[str]]) -> list[list[Placed]]:
    """For each filing of ``filings`` (in order), the exhibits it files, in packet order;
    ``reads``: what each paper read (a paper not in it cites nothing yet)."""
    ids = {e.id: i for i, e in enumerate(facts.exhibits)}
    listed = {f.name: f.exhibits for f in facts.filings if f.exhibits is not None}
    done: set[int] = set()
    result = []
    for filing in filings:
        papers = [p for p in filing.papers if citing(p)]
        first: dict[int, str] = {}
        for paper in papers:
            for n in cited(reads.get(paper.name, ())):
                first.setdefault(n, _anchor(filing, paper))
        last = _anchor(filing, papers[-1]) if papers else (filing.papers[-1].name if filing.papers else "")
        if filing.name in listed:
            chosen = [ids[i] for i in listed[filing.name] if i in ids]
        else:
            chosen = [n for n in sorted(first) if n not in done]
        order = {p.name: k for k, p in enumerate(filing.papers)}
        placed = sorted((Placed(n, first.get(n, last)) for n in dict.fromkeys(chosen)),
                        key=lambda x: (order.get(x.after, len(order)), x.index))
        done |= {x.index for x in placed}
        result.append(placed)
    return result


def _anchor(filing: Filing, paper: Paper) -> str:
    """The paper after which an exhibit ``paper`` cites goes: its certificate of compliance, if any."""
    after = [p.name for p in filing.papers if p.certifies == paper.name]
    return after[0] if after else paper.name


def filed_in(placed: list[list[Placed]]) -> dict[int, int]:
    """Exhibit index → the filing (position) that files it."""
    return {x.index: k for k, filing in enumerate(placed) for x in filing}


def docket_labels(facts: Facts, placed: list[list[Placed]], filing: int | None,
                  labels: Mapping[int, str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """What a paper of filing ``filing`` prints for each exhibit an earlier filing filed that has a
    docket reference: ``exhibits.N.label`` → ("Exhibit 4, ECF No. 2-3", the facts it comes from)."""
    if filing is None:
        return {}
    out = {}
    for n, k in filed_in(placed[:filing]).items():
        docket = facts.exhibits[n].docket
        if docket and k < filing:
            # no-break spaces: a citation is never split across lines
            out[f"exhibits.{n}.label"] = (f"{labels[n]}, {docket}".replace(" ", "\u00a0"), (f"exhibits.{n}.docket",))
    return out


def undocketed(facts: Facts, filings: list[Filing], placed: list[list[Placed]],
               reads: Mapping[str, Iterable[str]]) -> list[str]:
    """Warnings: a later filing cites an exhibit an earlier one filed, and the facts give no docket
    reference for it yet."""
    where = filed_in(placed)
    warned: list[str] = []
    for j, filing in enumerate(filings):
        for paper in (p for p in filing.papers if citing(p)):
            for n in cited(reads.get(paper.name, ())):
                k = where.get(n)
                e = facts.exhibits[n]
                if k is not None and k < j and not e.docket and e.id not in {w.split("'")[1] for w in warned}:
                    warned.append(f"exhibit '{e.id}' was filed with the {filings[k].title.lower()} and is cited "
                                  f"again by the {paper.name}; add its docket reference (docket: \"ECF No. ...\") "
                                  "to the exhibit once the Court dockets it")
    return warned
