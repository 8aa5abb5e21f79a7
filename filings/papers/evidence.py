"""What the declaration and the papers that cite it see: numbered statements, their citations
(``Landis Decl. ¶ 7``), the exhibits the declarant authenticates and how they know them.

The declaration's numbered paragraphs are, in order: the declarant's introduction, the
definitions paragraph (when the case has an agency or programs: the shipped template prints
it then), the statements, and one paragraph authenticating each exhibit. :func:`evidence`
numbers them as the shipped ``declaration.docx`` does, so a citation names the paragraph the
PDF shows; a matter's own declaration template that numbers differently must keep that order.
"""
from __future__ import annotations

from typing import Any

from filings.court.confidential import Marked, carry_mark
from filings.facts.evidence import HARM, surname
from filings.papers.nodes import Node, NodeList, _secrets


def pin(numbers: list[int]) -> str:
    """``[7]`` → ``¶ 7``; ``[7, 8, 9, 12]`` → ``¶¶ 7–9, 12``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}\u2013{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)
    return f"¶¶\u00a0{text}" if len(numbers) > 1 else f"¶\u00a0{text}"


class Evidence:
    """The declaration's statements numbered, and who cites what: ``cited(ref)`` is the
    citation of the statements that support ``ref`` (an event, request or exhibit id, or
    ``harm``), empty when none does."""

    def __init__(self, facts: Any, has_definitions: bool):
        d = facts.declaration
        self.declaration = d
        self.opening = 2 if has_definitions else 1  # the introduction, and the definitions paragraph
        self.short = f"{surname(facts.people[d.declarant].name)} Decl." if d else ""
        secrets, name = _secrets.get(), f"people.{d.declarant}.name" if d else ""
        if d and secrets and secrets.covers(name) and not secrets.is_public(name):  # a confidential declarant
            self.short = Marked.whole(self.short, (name,))
        self.numbers = {}
        self.supporting: dict[str, list[int]] = {}
        for i, s in enumerate(d.statements if d else ()):
            number = self.opening + i + 1
            if s.id:
                self.numbers[s.id] = number
            for ref in s.supports:
                self.supporting.setdefault(ref, []).append(number)
        self.sources = ["declaration.statements", "declaration.declarant", "case.defendants", "programs"]
        # the exhibits it authenticates, in the index's order: each a numbered paragraph after the statements
        self.authenticated = [x.id for x in facts.exhibits if d and d.declarant in x.authenticated_by]

    def cited(self, ref: str) -> str:
        numbers = self.supporting.get(ref)
        return self.cite(pin(numbers)) if numbers else ""

    def cite(self, paragraphs: str) -> str:
        """``Landis Decl. ¶ 7``, confidential when the declarant's name is."""
        return carry_mark(self.short, f"{self.short} {paragraphs}")

    def statement_cites(self) -> dict[str, Node]:
        """Each statement with an id → a node whose ``cited`` is ``Landis Decl. ¶ 7``."""
        return {sid: Node(f"declaration.statements.{n - self.opening - 1}", {"cited": self.cite(f"¶\u00a0{n}")},
                          {"cited": self.sources}) for sid, n in self.numbers.items()}

    def node(self, parties: dict[str, Node], exhibits: dict[str, Node]) -> Node | None:
        """The ``declaration`` a template sees."""
        d = self.declaration
        if d is None:
            return None
        declarant = parties[d.declarant]
        statements = [Node(f"declaration.statements.{i}", {
            "text": s.text, "id": s.id, "basis": s.basis, "number": self.opening + i + 1,
            "cited": self.cite(f"¶\u00a0{self.opening + i + 1}")}, {"number": self.sources, "cited": self.sources})
            for i, s in enumerate(d.statements)]
        authenticated = [exhibits[x] for x in self.authenticated]
        first = self.opening + len(d.statements) + 1
        authentications = [Node(f"declaration.authenticates.{x._data['id']}", {
            "exhibit": x, "basis": d.authenticates.get(x._data["id"]), "number": first + n},
            {"number": self.sources}) for n, x in enumerate(authenticated)]
        return Node("declaration", {
            "declarant": declarant, "place": d.place, "signed": d.signed, "basis": d.basis,
            # its title, as packets bookmark it and certificates of service name it
            "title": f"Declaration of {declarant._data['name']}", "short": self.short,
            "exhibits": NodeList("declaration.exhibits", authenticated),
            "authentications": NodeList("declaration.authentications", authentications),
            "statements": NodeList("declaration.statements", statements),
            "harm_cited": self.cited(HARM)},
            {"title": ["declaration.declarant", f"people.{d.declarant}.name"],
             "short": ["declaration.declarant", f"people.{d.declarant}.name"],
             "harm_cited": self.sources})
