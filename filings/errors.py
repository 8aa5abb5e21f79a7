"""The one family of errors a user sees.

Every error the CLI reports is a :class:`FilingsError`; it prints as one line,
``path:line: message``, and never prints itself when raised. Any other exception is
a bug and keeps its traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path


def display_path(path: Path | str) -> str:
    """``path`` as a user would type it: relative to the working folder when inside it."""
    try:  # links are kept as written: build/ is a link to the current generation
        return str(Path(os.path.abspath(path)).relative_to(os.getcwd()))
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what to do about it."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class FilingsError(Exception):
    """Base of every error the toolkit reports to a user.

    ``problems`` holds one or more :class:`Problem`; a build reports all of them at once.
    """

    def __init__(self, message: str = "", *, path=None, line=None, problems=None):
        self.problems: list[Problem] = list(problems or [Problem(message, path, line)])
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class FactsError(FilingsError):
    """The facts file is missing, malformed or fails the schema."""


class TemplateError(FilingsError):
    """A template is broken or asks for a fact that does not exist."""


class ConversionError(FilingsError):
    """LibreOffice is missing, failed, or did not finish in time."""


class PdfError(FilingsError):
    """A PDF could not be read or assembled."""
