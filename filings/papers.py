"""The papers of a CIT action, in filing order, and the template each comes from."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import FilingsError
from .facts import Facts


@dataclass(frozen=True)
class Paper:
    """One paper: its name (file stem and ``--only`` value), template and bookmark title."""

    name: str
    template: str
    title: str
    needs: str | None = None  # a facts section without which the paper is not made

    def applies_to(self, facts: Facts) -> bool:
        """True when the facts hold what this paper needs."""
        return self.needs is None or getattr(facts, self.needs) is not None


PAPERS: tuple[Paper, ...] = (
    Paper("summons", "summons.docx", "Summons"),
    Paper("complaint", "complaint.docx", "Complaint"),
    Paper("information-statement", "information-statement.docx", "Information Statement (Form 5)"),
    Paper("disclosure-statement", "disclosure-statement.docx", "Disclosure Statement (Form 13)"),
    Paper("motion", "motion.docx", "Motion for a Temporary Restraining Order and Preliminary Injunction",
          needs="motion"),
    Paper("proposed-order", "proposed-order.docx", "Proposed Order", needs="motion"),
    Paper("declaration", "declaration.docx", "Declaration in Support", needs="declaration"),
    Paper("certificate-of-service", "certificate-of-service.docx", "Certificate of Service"),
)


def select_papers(facts: Facts, only: str | None = None) -> list[Paper]:
    """The papers to build for ``facts``: all that apply, or just ``only``."""
    if only is None:
        return [p for p in PAPERS if p.applies_to(facts)]
    by_name = {p.name: p for p in PAPERS}
    if only not in by_name:
        raise FilingsError(f"no paper named '{only}'; choose one of: {', '.join(by_name)}")
    paper = by_name[only]
    if not paper.applies_to(facts):
        raise FilingsError(f"the paper '{only}' needs a '{paper.needs}' section in the facts file; add it")
    return [paper]
