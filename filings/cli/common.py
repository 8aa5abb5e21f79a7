"""What every command shares: the typer app, the options, and how an error, a warning and
progress are printed.

The ``filings.cli`` package is the only part of filings that imports typer. Each command
catches :class:`FilingsError` once (:func:`_guarded`, :func:`_fail`) and prints one line per
problem on stderr, exit code 1; ``--debug`` shows the traceback.
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Callable, Optional

import typer

from filings.errors import FilingsError, display_path
from filings.limits import DEFAULT_LIMITS

# No locals in tracebacks: they would print facts, confidential ones included.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  rich_markup_mode=None,
                  help="Assemble Court of International Trade papers from a matter's facts file.")


def _seconds(option: str, low: float, high: float) -> Callable[[float], float]:
    """A typer callback returning the seconds given to ``option``; one line and exit code 1 when they
    are not a number from ``low`` to ``high`` (0, a negative number, nan and inf included)."""
    def check(value: float) -> float:
        if not low <= value <= high:  # nan fails both comparisons
            typer.echo(f"{option} {value:g}: give a number of seconds from {low:g} to {high:g}", err=True)
            raise typer.Exit(1)
        return value
    return check


MATTER = typer.Argument(None, help="The matter's folder (default: the current folder).", show_default=False)
FACTS = typer.Option(None, "--facts", help="The facts file (default: MATTER/facts.yaml).", show_default=False)
OUT = typer.Option(None, "--out", help="Where the papers, the packets and the exhibits go (default: "
                   "MATTER/build).", show_default=False)
TIMEOUT = typer.Option(DEFAULT_LIMITS.convert_seconds, "--timeout", help="Seconds LibreOffice may take.",
                       callback=_seconds("--timeout", 1, 24 * 3600))
QUIET = typer.Option(False, "--quiet", "-q", help="Print only warnings and the summary line.")
STRICT = typer.Option(False, "--strict", help="Treat warnings (an exhibit no paper cites, ...) as errors.")
DEBUG = typer.Option(False, "--debug", help="Show the traceback of an error.")
TEMPLATES = typer.Option(None, "--templates", help="A firm's template library, searched after the matter's "
                         "templates/ and before the shipped ones (or set FILINGS_TEMPLATES).")


def _facts(matter: Optional[Path], facts: Optional[Path]) -> Path:
    """The facts file: ``--facts``, else ``MATTER/facts.yaml`` (the current folder's)."""
    return facts if facts is not None else (matter or Path(".")) / "facts.yaml"


def _out(matter: Optional[Path], facts: Optional[Path], out: Optional[Path]) -> Path:
    """The output folder: ``--out``, else ``build`` in the matter's folder (the facts file's)."""
    if out is not None:
        return out
    folder = matter if matter is not None else facts.parent if facts is not None else Path(".")
    return folder / "build"


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


def _guarded(debug: bool, action: Callable[[], object]) -> object:
    """Run ``action``; a FilingsError is one line per problem and exit code 1."""
    try:
        return action()
    except FilingsError as e:
        _fail(e, debug)


def _converter(timeout: float):
    """The warm pool; ``FILINGS_CONVERTER=soffice`` asks for one LibreOffice run per build instead.
    Made on first use: a build with nothing to convert does not load either."""
    import os

    def make():
        if os.environ.get("FILINGS_CONVERTER", "pool") == "soffice":
            from filings.convert.libreoffice import LibreOffice
            return LibreOffice(timeout=timeout)
        from filings.convert.pool import Pool
        return Pool(timeout=timeout, warn=_warn)
    return _OnFirstUse(make)


class _OnFirstUse:
    """A converter made when something is first converted."""

    def __init__(self, make: Callable[[], object]):
        self._make, self._made = make, None

    def _converter(self):
        if self._made is None:
            self._made = self._make()
        return self._made

    def convert(self, sources, out_dir):
        return self._converter().convert(sources, out_dir)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._converter(), name)


def _run(debug: bool, quiet: bool, timeout: float, **kwargs) -> None:
    from filings.exhibits.noise import debug_log, send_library_messages
    from filings.pipeline import builder as pipeline

    send_library_messages(debug_log(Path(kwargs["facts_path"]).parent), debug)  # never on the terminal
    try:
        result = pipeline.build(progress=(lambda _: None) if quiet else _progress,
                                warn=(lambda _: None) if kwargs.get("strict") else _warn,
                                converter=_converter(timeout), **kwargs)
    except FilingsError as e:
        _fail(e, debug)
    except (KeyboardInterrupt, Terminated) as e:
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        out = display_path(kwargs["out_dir"])
        typer.echo(f"interrupted: nothing was published; {out} holds the last complete build", err=True)
        raise typer.Exit(130 if isinstance(e, KeyboardInterrupt) else 143) from None
    typer.echo(result.summary())


