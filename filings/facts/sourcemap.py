"""Where each value of a facts file was written: :class:`SourceMap`, what :mod:`filings.facts.source`
returns with the data it reads, and what :mod:`filings.facts.extend` merges for a matter whose facts
extend a base file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

Loc = tuple  # a path into the data: keys and list indexes


class Deleted:
    """A value tagged ``!delete``: removes the base file's value where it stands (``key: !delete``),
    or, as a list item with only an ``id`` (``- !delete {id: x}``), the base's item of that id.
    :mod:`filings.facts.extend` takes every one out while merging; one left over is refused."""

    __slots__ = ("id", "line")

    def __init__(self, id: str | None, line: int):
        self.id, self.line = id, line

    def __repr__(self) -> str:
        return f"Deleted({self.id!r})"


@dataclass
class SourceMap:
    """Where each value of a loaded YAML document stands, how it was written, what is confidential.

    A matter whose facts extend a base file (:mod:`filings.facts.extend`) has one map for the
    merged facts: ``files`` says, for each value that came from a base, which base file it was
    written in; every other value is from :attr:`path`.
    """

    path: Path
    lines: dict[Loc, int] = field(default_factory=dict)
    confidential: set[Loc] = field(default_factory=set)
    public: set[Loc] = field(default_factory=set)  # tagged !public: published as written, never redacted
    raw: dict[Loc, str] = field(default_factory=dict)  # unquoted values YAML read as not text, as written
    files: dict[Loc, Path] = field(default_factory=dict)  # values written in a base file: that file
    bases: list[Path] = field(default_factory=list)  # the base files, nearest first (extends: ...)

    def _written(self, loc: Loc) -> Loc:
        """``loc``, or its nearest ancestor the file has a line for."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return loc

    def line_of(self, loc: Loc) -> int:
        """The 1-based line of ``loc``, or of its nearest ancestor that has one."""
        return self.lines.get(self._written(loc), 1)

    def file_of(self, loc: Loc) -> Path:
        """The file ``loc`` (or its nearest ancestor written) was written in: this map's own, or
        the base file a value of a matter whose facts extend others came from."""
        return self.files.get(self._written(loc), self.path)

    def shown_file(self, loc: Loc) -> str:
        """The file of ``loc`` as the matter names it: ``facts.yaml``, or a base file relative to
        the matter's folder (``../firm.yaml``)."""
        return self.shown(self.file_of(loc))

    def shown(self, file: Path) -> str:
        """``file`` (this map's or a base's) relative to the matter's folder."""
        if file == self.path:
            return file.name
        return os.path.relpath(os.path.abspath(file), os.path.abspath(self.path.parent))

    def where(self, loc: Loc) -> str:
        """``FILE:LINE`` of ``loc``, the file named as the matter names it (``facts.yaml:336``,
        ``../base.yaml:12``)."""
        return f"{self.shown_file(loc)}:{self.line_of(loc)}"

    def all_files(self) -> list[Path]:
        """The facts file and every base file it extends: what the merged facts were read from."""
        return [self.path, *self.bases]
