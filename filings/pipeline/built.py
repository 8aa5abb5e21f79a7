"""What a build makes, paper by paper and set by set, and the hashes that say what it is made of.

A :class:`BuiltPaper` is a paper made (or kept from the last build) with the facts it read; a
:class:`SetResult` is what a build made of one set (:mod:`filings.pipeline.versions`), its bundle
made or kept. The whole build's result is :class:`filings.pipeline.builder.BuildResult`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filings.facts.plan import Paper
from filings.pipeline.versions import OutputSet

if TYPE_CHECKING:
    from filings.exhibits.bundle import BundleResult


@dataclass
class BuiltPaper:
    """A paper made by a build, with the facts it read."""

    paper: Paper
    docx: Path
    pdf: Path | None = None
    pages: int = 0
    reads: set[str] = field(default_factory=set)
    template_sha256: str = ""
    facts: dict[str, str] = field(default_factory=dict)  # each fact read → fingerprint of its value
    carried: bool = False  # kept from the last build, not rebuilt
    prefix: str = ""  # the set it belongs to: "" (the only one), "confidential/" or "public/"
    edit: dict | None = None  # the attorney's edit merged into it: what the merge did (:mod:`.drafts`)
    tables: Any = None  # its tables of contents and authorities on their way (:mod:`.tables`), if any

    @property
    def key(self) -> str:
        """Its name in the manifest: the set's folder and the paper's name."""
        return self.prefix + self.paper.name

    @property
    def pdf_sha256(self) -> str:
        """The hash of the paper's PDF: what a packet holding it is made of."""
        return _sha256(self.pdf) if self.pdf else ""


@dataclass
class SetResult:
    """What a build made of one set: its bundle, made or kept, and what it read."""

    output: OutputSet
    bundle: BundleResult | None = None
    bundle_kept: dict | None = None
    bundle_reads: dict[str, str] = field(default_factory=dict)
    bundle_key: str = ""


def _key(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
                          .encode("utf-8")).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
