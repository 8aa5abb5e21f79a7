"""The libraries' own messages, kept off the user's terminal: into the matter's debug log.

pypdf, pikepdf (qpdf), OCRmyPDF, Pillow and fontTools report what they find odd in a
file through Python's ``logging`` and ``warnings``; with no handler set, Python prints them
on stderr, where a cold build of real-world exhibits printed 22,598 lines of font messages
and the build's own warnings were lost among them. :func:`send_library_messages` gives
those loggers a handler of their own: a file, ``MATTER/.filings/debug.log`` (0600, kept
under 4 MB, one older file beside it), and with ``--debug`` the terminal too. The worker
processes of the bundle (:mod:`.pagework`) are set up alike as they start.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

LIBRARIES = ("pypdf", "pikepdf", "PIL", "ocrmypdf", "fontTools", "reportlab", "pdfminer", "pypdfium2",
             "filings.ocr", "py.warnings")
LOG_BYTES = 4 * 1024 * 1024
FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s: %(message)s"

_settings: tuple[Path | None, bool] = (None, False)  # what the workers are set up with


class _PrivateLog(logging.handlers.RotatingFileHandler):
    """The debug log, made (0600, its folder too) only when a first message comes: a build that
    writes nothing to the matter (a refused output folder) leaves no log behind."""

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        return super()._open()


def send_library_messages(log: Path | None, debug: bool = False) -> None:
    """Send the libraries' messages to ``log`` (none: nowhere) and, with ``debug``, to stderr;
    never to the terminal otherwise. Python's warnings go the same way."""
    global _settings
    _settings = (log, debug)
    handlers: list[logging.Handler] = []
    if log is not None:
        try:
            handler: logging.Handler = _PrivateLog(log, maxBytes=LOG_BYTES, backupCount=1, encoding="utf-8",
                                                   delay=True)
            handler.setFormatter(logging.Formatter(FORMAT))
            handlers.append(handler)
        except OSError:
            pass  # no log (a read-only matter): the messages are dropped, never shown
    if debug:
        shown = logging.StreamHandler(sys.stderr)
        shown.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
        handlers.append(shown)
    if not handlers:
        handlers.append(logging.NullHandler())
    for name in LIBRARIES:
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
            old.close()
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if debug else logging.INFO)
        logger.propagate = False
    if not sys.warnoptions and "pytest" not in sys.modules:  # the test suite turns warnings into errors
        logging.captureWarnings(True)


def settings() -> tuple[Path | None, bool]:
    """The log and debug flag this process sends messages with: what its workers start with."""
    return _settings


def debug_log(matter: Path) -> Path:
    """The debug log of the matter in folder ``matter``."""
    return matter / ".filings" / "debug.log"
