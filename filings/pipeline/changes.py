"""Which papers changed between two builds, and which facts caused each change.

Every build's manifest records, per paper, its template's hash, a fingerprint of every fact
the paper read and the hash of its PDF. Comparing two manifests therefore answers the
reviewer's question without reading a single PDF: a paper whose PDF hash differs changed,
and the facts whose fingerprints differ (plus its template, when that changed) are why.
``filings watch`` prints this after each rebuild; ``filings diff`` builds on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

TEMPLATE = "template"  # the cause named when a paper's template changed
EDIT = "edit"  # the cause named when the attorney's edit of a paper changed (edited in Word, or dropped)


@dataclass(frozen=True)
class PaperChange:
    """One paper's fate between two builds."""

    name: str
    status: str  # "added", "removed", "changed" or "unchanged"
    causes: tuple[str, ...] = ()  # fact paths whose value changed, TEMPLATE if the template did, EDIT if the
    # attorney's edit did

    def describe(self) -> str:
        """``complaint: changed (case.filed, template)``: one line for a terminal."""
        why = f" ({', '.join(self.causes)})" if self.causes else ""
        return f"{self.name}: {self.status}{why}"


@dataclass(frozen=True)
class Changes:
    """Every paper of either build, in the new build's order (removed papers last)."""

    papers: tuple[PaperChange, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> tuple[PaperChange, ...]:
        return tuple(p for p in self.papers if p.status != "unchanged")

    @property
    def facts(self) -> tuple[str, ...]:
        """Every fact path that caused some paper's change, sorted."""
        return tuple(sorted({c for p in self.papers for c in p.causes if c != TEMPLATE}))


def paper_changes(old: Mapping | None, new: Mapping | None) -> Changes:
    """Compare two manifests (``.filings/manifest.json`` as loaded); either may be ``None``."""
    before, after = _papers(old), _papers(new)
    result = []
    for name, entry in after.items():
        if name not in before:
            result.append(PaperChange(name, "added"))
            continue
        previous = before[name]
        causes = _causes(previous, entry)
        same = entry.get("pdf_sha256") == previous.get("pdf_sha256") and entry.get("pdf_sha256")
        result.append(PaperChange(name, "unchanged" if same else "changed", () if same else causes))
    result += [PaperChange(name, "removed") for name in before if name not in after]
    return Changes(tuple(result))


def _papers(manifest: Mapping | None) -> dict[str, Mapping]:
    papers = (manifest or {}).get("papers")
    if not isinstance(papers, Mapping):
        return {}
    return {name: entry for name, entry in papers.items() if isinstance(entry, Mapping)}


def causes_between(old: Mapping | None, new: Mapping | None) -> dict[str, tuple[str, ...]]:
    """Paper name → why it may differ (the facts whose fingerprints differ, TEMPLATE), for
    every paper in both manifests, whatever its PDF: ``filings diff`` finds a paper changed by
    its DOCX, which a formatting change alters even when the PDF looks alike."""
    before, after = _papers(old), _papers(new)
    return {name: _causes(before[name], entry) for name, entry in after.items() if name in before}


def _causes(old: Mapping, new: Mapping) -> tuple[str, ...]:
    """The facts read by either build whose fingerprints differ; TEMPLATE when it changed."""
    read_old, read_new = _reads(old), _reads(new)
    paths = sorted(p for p in set(read_old) | set(read_new) if read_old.get(p) != read_new.get(p))
    if old.get("template") != new.get("template") or old.get("template_sha256") != new.get("template_sha256"):
        paths.append(TEMPLATE)
    if old.get("edit_sha256") != new.get("edit_sha256") and _edited(old, new):
        paths.append(EDIT)
    return tuple(paths)


def _edited(old: Mapping, new: Mapping) -> bool:
    """True when the attorney's edit itself changed (made, changed in Word, or dropped), not only
    the facts or template merged into it."""
    merged = new.get("edit")
    return bool(old.get("edit_sha256")) != bool(new.get("edit_sha256")) or \
        (isinstance(merged, Mapping) and bool(merged.get("picked_up")))


def _reads(entry: Mapping) -> Mapping[str, str]:
    reads = entry.get("facts_read")
    return reads if isinstance(reads, Mapping) else {}
