"""DOCX → PDF through LibreOffice: the only module that talks to LibreOffice.

Conversion sits behind one small interface, :class:`Converter`: ``convert(sources,
out_dir)`` turns a batch of DOCX files into PDFs in one go. :class:`LibreOffice` runs
one headless ``soffice`` process per batch (one cold start per build, not one per paper)
with a private profile so that a desktop LibreOffice the user has open does not block it.
A warm pool (unoserver) can later implement the same interface.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from .errors import ConversionError

DEFAULT_TIMEOUT = 300.0
INSTALL_HINT = "run 'make setup' or 'apt-get install libreoffice-writer-nogui fonts-liberation2'"

# Embed every font and keep the text searchable; tagged PDF helps screen readers.
PDF_FILTER = 'pdf:writer_pdf_Export:{"EmbedStandardFonts":{"type":"boolean","value":"true"},' \
             '"UseTaggedPDF":{"type":"boolean","value":"true"}}'


class NotConverted(ConversionError):
    """LibreOffice ran but made no PDF of ``sources`` (damaged or unsupported files)."""

    def __init__(self, sources: list[Path], message: str):
        self.sources = sources
        super().__init__(message)


class Converter(Protocol):
    """Anything that turns DOCX files into PDFs."""

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        """Convert ``sources`` into ``out_dir``; return the PDFs in the same order."""


def find_soffice() -> str:
    """The LibreOffice binary: ``$FILINGS_SOFFICE``, else ``soffice`` or ``libreoffice`` on PATH."""
    configured = os.environ.get("FILINGS_SOFFICE")
    if configured:
        if shutil.which(configured) is None:
            raise ConversionError(f"LibreOffice not found at FILINGS_SOFFICE={configured}; "
                                  f"fix the variable or unset it")
        return configured
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(f"LibreOffice is not installed (no 'soffice' on PATH); {INSTALL_HINT}")


class LibreOffice:
    """Converts a batch of documents with one headless LibreOffice run."""

    def __init__(self, binary: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 profile_dir: Path | None = None):
        self.binary = binary
        self.timeout = timeout
        self.profile_dir = profile_dir or _default_profile()

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        """Convert every source to PDF in ``out_dir`` in one LibreOffice process."""
        if not sources:
            return []
        binary = self.binary or find_soffice()
        out_dir.mkdir(parents=True, exist_ok=True)
        with _profile(self.profile_dir) as profile:
            command = [binary, "--headless", "--norestore", "--nolockcheck", "--nodefault",
                       f"-env:UserInstallation={profile.resolve().as_uri()}",
                       "--convert-to", PDF_FILTER, "--outdir", str(out_dir), *map(str, sources)]
            _run(command, self.timeout)
        pdfs = [out_dir / (Path(s).stem + ".pdf") for s in sources]
        missing = [Path(s) for s, p in zip(sources, pdfs) if not p.is_file() or p.stat().st_size == 0]
        if missing:
            raise NotConverted(missing, f"LibreOffice produced no PDF for "
                                        f"{', '.join(p.with_suffix('.pdf').name for p in missing)}; "
                                  "open the DOCX in Word or LibreOffice to check it is not damaged")
        return pdfs


@contextlib.contextmanager
def _profile(preferred: Path) -> Iterator[Path]:
    """The LibreOffice profile to use: the shared warm one, or a fresh one while another
    build holds it (two LibreOffice processes on one profile make one of them fail)."""
    preferred.mkdir(parents=True, exist_ok=True)
    with open(preferred / ".filings-lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            with tempfile.TemporaryDirectory(prefix="filings-profile-") as fresh:
                yield Path(fresh)
            return
        yield preferred


def _default_profile() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "filings" / f"libreoffice-profile-{os.getuid()}"


def _run(command: list[str], timeout: float) -> None:
    """Run LibreOffice in its own process group; kill the whole group on timeout."""
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            raise ConversionError(f"cannot start LibreOffice ({command[0]}): {e.strerror}; {INSTALL_HINT}") from e
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionError(f"LibreOffice did not finish within {timeout:g} s and was stopped; "
                                  "close other LibreOffice windows, check the machine's load, or raise "
                                  "--timeout") from None
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if code != 0:
        tail = " | ".join(line for line in output.strip().splitlines()[-3:])
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        raise ConversionError(f"LibreOffice {how}{': ' + tail if tail else ''}; "
                              f"command: {' '.join(command[:2])} ... --convert-to pdf; "
                              "retry, or run with --debug and report the output")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
