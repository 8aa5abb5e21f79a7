"""The ``filings`` command: a thin layer that turns arguments into library calls.

The only package that imports typer: the app and its options in :mod:`.common`, the
commands in :mod:`.building`, :mod:`.matters` and :mod:`.reviewing`. It catches :class:`FilingsError` once and prints
one line per problem on stderr, exit code 1; ``--debug`` shows the traceback. Every
command works on a matter folder: the one named, or the current folder; ``--facts`` and
``--out`` name the facts file and the output folder when they are elsewhere. The library
is imported by the commands that use it, so ``filings --help`` starts at once.
"""
from __future__ import annotations

import signal

from filings.cli import building, matters, reviewing  # noqa: F401  (each registers its commands on the app)
from filings.cli import facting  # noqa: F401  (the facts command)
from filings.cli import serving  # noqa: F401  (filings serve)
from filings.cli.common import _terminate, app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``filings`` console script."""
    import os

    # pydantic looks for plugins among every installed package's entry points when the first
    # model is made (a tenth of a no-op build); the command uses none
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGTERM, _terminate)
    app()
