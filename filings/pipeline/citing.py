"""The exhibits each filing files, found as its papers render (:mod:`filings.facts.filed`).

Papers render in filing order. :class:`Citing` keeps what each paper read (the last build's
reads for a paper kept from it), so when a filing's certificate of service renders, its
filing's exhibits are known: it sees them as ``filing.exhibits`` and ``filing.exhibits_named``
("Exhibits 1–6 to the Complaint"), and it is made again whenever a reference to an exhibit
(``events.3.exhibit``) or an exhibit's facts that a paper of its filing or an earlier one read
changed. A paper of a later filing that cites exhibits depends on those of the earlier filings'
papers likewise, and sees an exhibit filed earlier with its docket reference
(``Exhibit 4, ECF No. 2-3``). A template that chooses what to cite by other facts (``{% if %}``)
is followed when it renders again: a full build settles it.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from filings.facts.filed import CITES, Placed, cited, citing, docket_labels, filed_exhibits
from filings.facts.plan import CERTIFICATE, Filing, Paper
from filings.facts.schema import Facts
from filings.papers.nodes import Node, NodeList


class Citing:
    """What the papers of a build cite, as they render; ``known``: the reads of papers not rendered."""

    def __init__(self, facts: Facts, filings: Iterable[Filing], context: Mapping[str, Any],
                 known: Mapping[str, Iterable[str]] | None = None):
        self.facts, self.filings, self.context = facts, tuple(filings), context
        self.reads: dict[str, set[str]] = {name: set(r) for name, r in (known or {}).items()}
        items = context["exhibits"]._items if "exhibits" in context else ()
        self.nodes = list(items)
        self.labels = {i: str(n._data["label"]) for i, n in enumerate(items)}

    def placed(self) -> list[list[Placed]]:
        return filed_exhibits(self.facts, self.filings, self.reads)

    def overrides(self, paper: Paper) -> dict[str, tuple[Any, tuple[str, ...]]]:
        """What ``paper`` prints in place of an exhibit's label: its docket reference, when filed earlier."""
        if paper.filing is None or not self.facts.exhibits or paper.entry == CERTIFICATE:
            return {}
        return docket_labels(self.facts, self.placed(), paper.filing, self.labels)

    def filing_node(self, paper: Paper, node: Any) -> Any:
        """The filing a certificate of service sees: with the exhibits it files."""
        if paper.entry != CERTIFICATE or paper.filing is None or not isinstance(node, Node):
            return node
        placed = self.placed()[paper.filing]
        i = paper.filing
        return Node(f"filings.{i}", {**node._data,
                                     "exhibits": NodeList(f"filings.{i}.exhibits", [self.nodes[x.index] for x in placed]),
                                     "exhibits_named": named(placed, self.labels, self._titles(i))})

    def _titles(self, i: int) -> dict[str, str]:
        papers = self.filings[i].papers
        by_name = {p.name: p for p in papers}
        return {p.name: (by_name[p.certifies].title if p.certifies in by_name else p.title) for p in papers}

    def rendered(self, paper: Paper, reads: set[str]) -> set[str]:
        """Note what ``paper`` read; return its reads with what its words depend on besides: a certificate
        of service, every paper of its filing and the earlier ones; a paper that cites an exhibit, the
        papers of the earlier filings (which of them filed it)."""
        if citing(paper):
            self.reads[paper.name] = set(reads)
        if paper.filing is None:
            return reads
        upto = paper.filing + (1 if paper.entry == CERTIFICATE else 0)
        if paper.entry != CERTIFICATE and not (upto and cited(reads)):
            return reads
        others = [p.name for f in self.filings[:upto] for p in f.papers if citing(p) and p.name != paper.name]
        # of their facts, those that say which exhibits they cite (``events.3.exhibit``, an exhibit's
        # facts), not the labels: a paper cites only what it printed itself (the manifest says so)
        reads = reads.union(*({r for r in self.reads.get(n, ()) if _cites(r)} for n in others))
        if paper.entry == CERTIFICATE:  # the labels it names
            reads |= {f"exhibits.{x.index}.label" for x in self.placed()[paper.filing]}
        return reads


def _cites(path: str) -> bool:
    """A fact that says which exhibit a paper cites (a reference to one, or an exhibit's own facts)."""
    return (path.endswith(".exhibit") or path.startswith("exhibits.")) and not CITES.match(path)


def named(placed: list[Placed], labels: Mapping[int, str], titles: Mapping[str, str]) -> str:
    """"Exhibits 1–6 to the Complaint and Exhibit 7 to the Motion ...": the exhibits, by the paper they follow."""
    groups: dict[str, list[int]] = {}
    for x in placed:
        groups.setdefault(x.after, []).append(x.index)
    parts = []
    for after, indices in groups.items():
        marks = [labels[n].split(" ", 1)[1] for n in indices]
        runs: list[list[int]] = []
        for k, n in enumerate(indices):
            if runs and n == indices[k - 1] + 1:
                runs[-1].append(k)
            else:
                runs.append([k])
        words = [w for r in runs for w in ([marks[k] for k in r] if len(r) < 3 else [f"{marks[r[0]]}\u2013{marks[r[-1]]}"])]
        noun = "Exhibit" if len(indices) == 1 else "Exhibits"
        parts.append(f"{noun} {_and(words)} to the {titles.get(after, after)}")
    return _and(parts)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
