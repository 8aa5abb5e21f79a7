"""The ``filings`` command: a thin layer that turns arguments into library calls.

The only module that imports typer. It catches :class:`FilingsError` once and prints
one line per problem on stderr, exit code 1; ``--debug`` shows the traceback.
"""
from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from . import pipeline
from .convert import DEFAULT_TIMEOUT, LibreOffice
from .errors import FilingsError

# No locals in tracebacks: they would print facts, confidential ones included.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Assemble Court of International Trade papers from a facts file.")

FACTS = typer.Option(Path("facts.yaml"), "--facts", help="The matter's facts file.")
OUT = typer.Option(Path("build"), "--out", help="Where the papers, the packet and the exhibits go.")
TIMEOUT = typer.Option(DEFAULT_TIMEOUT, "--timeout", help="Seconds LibreOffice may take.")
QUIET = typer.Option(False, "--quiet", "-q", help="Print only warnings and the summary line.")
STRICT = typer.Option(False, "--strict", help="Treat warnings (an exhibit no paper cites, ...) as errors.")
DEBUG = typer.Option(False, "--debug", help="Show the traceback of an error.")
TEMPLATES = typer.Option(None, "--templates", help="A firm's template library, searched after the matter's "
                         "templates/ and before the shipped ones (or set FILINGS_TEMPLATES).")


def _progress(message: str) -> None:
    typer.echo(f"· {message}", err=True)


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _fail(error: FilingsError, debug: bool) -> None:
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    for problem in error.problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(1)


class Terminated(BaseException):
    """SIGTERM: unwind like Ctrl-C, so LibreOffice is stopped and nothing half-made is left."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def _run(debug: bool, quiet: bool, **kwargs) -> None:
    try:
        result = pipeline.build(progress=(lambda _: None) if quiet else _progress, warn=_warn, **kwargs)
    except FilingsError as e:
        _fail(e, debug)
    except (KeyboardInterrupt, Terminated) as e:
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        out = kwargs.get("out_dir", "the output folder")
        typer.echo(f"interrupted: nothing was published; {out} holds the last complete build", err=True)
        raise typer.Exit(130 if isinstance(e, KeyboardInterrupt) else 143) from None
    typer.echo(result.summary())


@app.command()
def build(facts: Path = FACTS, out: Path = OUT,
          only: Optional[str] = typer.Option(None, "--only", help="Build just this paper (e.g. complaint)."),
          timeout: float = TIMEOUT, strict: bool = STRICT, quiet: bool = QUIET, debug: bool = DEBUG,
          templates: Optional[Path] = TEMPLATES) -> None:
    """Build every paper as DOCX and PDF, the packet, and the exhibit bundle."""
    _run(debug, quiet, facts_path=facts, out_dir=out, only=only, strict=strict, templates_dir=templates,
         converter=LibreOffice(timeout=timeout))


@app.command()
def bundle(facts: Path = FACTS, out: Path = OUT, timeout: float = TIMEOUT, strict: bool = STRICT,
           quiet: bool = QUIET, debug: bool = DEBUG, templates: Optional[Path] = TEMPLATES) -> None:
    """Build the exhibit bundle and the per-exhibit files (in OUT/exhibits), and again the
    papers whose citations it changed."""
    _run(debug, quiet, facts_path=facts, out_dir=out, papers=False, strict=strict, templates_dir=templates,
         converter=LibreOffice(timeout=timeout))


@app.command()
def check(facts: Path = FACTS, debug: bool = DEBUG, templates: Optional[Path] = TEMPLATES) -> None:
    """Validate the facts, the exhibit files and every template without converting anything."""
    try:
        papers, exhibits = pipeline.check(facts, templates_dir=templates, warn=_warn)
    except FilingsError as e:
        _fail(e, debug)
    typer.echo(f"ok: {facts}, {len(papers)} papers, {exhibits} exhibits")


def main() -> None:
    """Entry point of the ``filings`` console script."""
    signal.signal(signal.SIGTERM, _terminate)
    app()
