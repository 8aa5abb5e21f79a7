"""DOCX → PDF through LibreOffice: the only module that talks to LibreOffice.

Conversion sits behind one small interface, :class:`Converter`: ``convert(sources,
out_dir)`` turns a batch of DOCX files into PDFs in one go. :class:`LibreOffice` runs
one headless ``soffice`` process per batch (one cold start per build, not one per paper)
with a private profile so that a desktop LibreOffice the user has open does not block it.
:class:`filings.convert.pool.Pool` implements the same interface with warm LibreOffice instances
(unoserver) that outlive a build.

Documents are untrusted: the profile is locked down before every run (no macros, no
linked images or other resources fetched from the network or read from local files, no
link updates), LibreOffice's address space is bounded, and documents are converted under
plain names in a private folder, because LibreOffice reads some characters of a path
(``#``, ``%``, ``?``, ``;``) as parts of a URL.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from filings.determinism import normalize_pdf
from filings.errors import ConversionError
from filings.limits import DEFAULT_LIMITS
from filings.paths import link_or_copy
from filings.processes import TimedOut, run_bounded

DEFAULT_TIMEOUT = DEFAULT_LIMITS.convert_seconds
INSTALL_HINT = "run 'make setup' or 'apt-get install libreoffice-writer-nogui fonts-liberation2'"

# Embed every font and keep the text searchable; tagged PDF helps screen readers.
PDF_FILTER = 'pdf:writer_pdf_Export:{"EmbedStandardFonts":{"type":"boolean","value":"true"},' \
             '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
CALC_PDF_FILTER = PDF_FILTER.replace("writer_pdf_Export", "calc_pdf_Export")
SPREADSHEETS = {".xlsx", ".ods"}


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
                 profile_dir: Path | None = None, memory_bytes: int = DEFAULT_LIMITS.convert_memory_bytes):
        self.binary = binary
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self.profile_dir = profile_dir or _default_profile()

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        """Convert every source to PDF in ``out_dir`` in one LibreOffice process."""
        if not sources:
            return []
        binary = self.binary or find_soffice()
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="filings-convert-") as work, _profile(self.profile_dir) as profile:
            inputs = _plain_names(sources, Path(work) / "in")
            made = Path(work) / "out"
            _lock_down(profile)
            for pdf_filter, group in _by_filter(inputs):  # Writer's export cannot print a spreadsheet
                command = [binary, "--headless", "--norestore", "--nolockcheck", "--nodefault",
                           f"-env:UserInstallation={profile.resolve().as_uri()}",
                           "--convert-to", pdf_filter, "--outdir", str(made), *map(str, group)]
                _run(command, self.timeout, self.memory_bytes, tmp=Path(work))
            pdfs, missing = [], []
            for source, plain in zip(sources, inputs):
                pdf = made / (plain.stem + ".pdf")
                if not pdf.is_file() or pdf.stat().st_size == 0:
                    missing.append(Path(source))
                    continue
                pdfs.append(deliver(pdf, out_dir / (Path(source).stem + ".pdf")))
        if missing:
            raise NotConverted(missing, f"LibreOffice produced no PDF for "
                                        f"{', '.join(p.with_suffix('.pdf').name for p in missing)}; "
                                  "open the DOCX in Word or LibreOffice to check it is not damaged")
        return pdfs


def _by_filter(inputs: list[Path]) -> list[tuple[str, list[Path]]]:
    """The documents Writer exports, then the spreadsheets Calc exports (each printing its
    sheets in order, only the print areas of a sheet that defines them): one run each."""
    sheets = [p for p in inputs if p.suffix.lower() in SPREADSHEETS]
    documents = [p for p in inputs if p.suffix.lower() not in SPREADSHEETS]
    return [(f, group) for f, group in ((PDF_FILTER, documents), (CALC_PDF_FILTER, sheets)) if group]


def deliver(made: Path, target: Path) -> Path:
    """Move the PDF LibreOffice ``made`` to ``target`` with its dates and /ID fixed (the same
    document makes the same bytes in every build)."""
    shutil.move(made, target)
    normalize_pdf(target)
    return target


def _plain_names(sources: Sequence[Path], folder: Path) -> list[Path]:
    """Link (or copy) each source into ``folder`` as ``doc-001.docx``...: names LibreOffice
    cannot misread as URLs, and no two sources with the same stem overwrite each other's PDF."""
    folder.mkdir(parents=True)
    plain = []
    for n, source in enumerate(sources, 1):
        target = folder / f"doc-{n:03d}{Path(source).suffix.lower()}"
        link_or_copy(source, target)
        plain.append(target)
    return plain


# LibreOffice's own settings for untrusted documents, written into the profile before
# every run: macros never run, linked images and other resources are never loaded from
# outside the document (network or local files), and links are never updated.
_LOCKDOWN = {
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): "3",
    ("org.openoffice.Office.Writer/Content/Update", "Link"): "2",
    ("org.openoffice.Office.Calc/Content/Update", "Link"): "2",
}


def _lock_down(profile: Path) -> None:
    """Write the lockdown settings into ``profile`` (LibreOffice keeps them when it saves its own)."""
    items = "".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
        for (path, name), value in _LOCKDOWN.items())
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n", encoding="utf-8")


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


def _run(command: list[str], timeout: float, memory_bytes: int = DEFAULT_LIMITS.convert_memory_bytes,
         tmp: Path | None = None) -> None:
    """Run LibreOffice within its time and memory (:func:`filings.processes.run_bounded`). Its
    own temporary files go into ``tmp``, which the caller removes, killed or not."""
    env = {**os.environ, "TMPDIR": str(tmp)} if tmp else None
    try:
        code, output = run_bounded(command, timeout, env=env, memory_bytes=memory_bytes)
    except OSError as e:
        raise ConversionError(f"cannot start LibreOffice ({command[0]}): {e.strerror}; {INSTALL_HINT}") from e
    except TimedOut:
        raise ConversionError(f"LibreOffice did not finish within {timeout:g} s and was stopped; "
                              "close other LibreOffice windows, check the machine's load, or raise "
                              "--timeout") from None
    if code != 0:
        tail = " | ".join(line for line in output.strip().splitlines()[-3:])
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        if "std::bad_alloc" in output or "out of memory" in output.lower():
            how += f" (it ran out of the {memory_bytes / 2**30:g} GB it may use: a document too large or built to exhaust memory)"
        raise ConversionError(f"LibreOffice {how}{': ' + tail if tail else ''}; "
                              f"command: {' '.join(command[:2])} ... --convert-to pdf; "
                              "retry, or run with --debug and report the output")
