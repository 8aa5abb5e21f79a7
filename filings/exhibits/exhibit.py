"""What the bundle's modules pass each other: an exhibit ready to bundle (``ExhibitPdf``), the
Bates numbering (``BatesStyle``), where an exhibit went in the bundle (``BundledExhibit``) and
the callback that takes warnings (``Warn``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


Warn = Callable[[str], None]


@dataclass(frozen=True)
class BatesStyle:
    prefix: str = ""
    start: int = 1
    digits: int = 6
    position: str = "bottom-right"

    def number(self, n: int) -> str:
        return f"{self.prefix}{self.figures(n)}"

    def figures(self, n: int) -> str:
        """The digits of Bates number ``n``, without the prefix."""
        return f"{n:0{self.digits}d}"


@dataclass(frozen=True)
class ExhibitPdf:
    """An exhibit ready to bundle: its label and title, and the PDF that holds its pages."""

    id: str
    mark: str           # "3" or "C"
    title: str
    date: str           # as printed on the cover, may be ""
    short_date: str     # as printed in the index
    description: str
    pdf: Path
    source: Path        # the file named in the facts (for messages)
    password: str | None = None
    note: str = ""      # on the cover: "Demonstrative — prepared for this filing"


@dataclass
class BundledExhibit:
    exhibit: ExhibitPdf
    first_page: int = 0   # 0-based page of its cover in the bundle
    pages: int = 0        # its own pages, cover excluded
    first_bates: str = ""
    last_bates: str = ""
    files: list[Path] = field(default_factory=list)
    outline: list[tuple[int, str, int]] = field(default_factory=list)  # its own bookmarks
