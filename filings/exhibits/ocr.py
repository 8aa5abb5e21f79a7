"""A searchable text layer for scanned exhibits, made by OCRmyPDF: the only module that runs it.

``ocrmypdf`` (Debian's package, with Tesseract) runs in a subprocess of its own process
group, bounded by ``limits.ocr_seconds``; pages that already have text are left as they
are (``--skip-text``) and images are not re-encoded (``--output-type pdf --optimize 0``).
Results are cached under ``$XDG_CACHE_HOME/filings/ocr/`` (default ``~/.cache``), in a
folder of each matter's own (named by a hash of its folder's path: one matter's OCR'd
confidential exhibits never serve another's) and keyed by the sha256 of the input PDF and
the options, so an unchanged exhibit is OCR'd only once. The cache is private: 0700
folders, 0600 files (:mod:`filings.private`); without a matter there is no cache.
When ``ocrmypdf`` is not installed the bundle is built without a text layer and one
warning says so.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from filings.errors import PdfError
from filings.limits import DEFAULT_LIMITS, Limits
from filings.private import private_file, private_folder
from filings.processes import TimedOut, run_bounded

LANGUAGES = "eng"
# What changes the result is part of the cache key; --jobs does not change it.
OPTIONS = ("--skip-text", "--output-type", "pdf", "--optimize", "0", "-l", LANGUAGES)
CACHE_VERSION = "1"  # bump when a change to this module should invalidate cached results
MISSING = "OCR skipped: ocrmypdf is not installed; run make setup"


def cache_dir() -> Path:
    """Where OCR results are kept: ``$XDG_CACHE_HOME/filings/ocr`` (default ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "filings" / "ocr"


class Ocr:
    """Adds text layers for one build: warns once if OCR is unavailable, reuses the cache."""

    def __init__(self, warn: Callable[[str], None], limits: Limits = DEFAULT_LIMITS, matter: Path | None = None):
        self.warn = warn
        self.folder = matter_cache_dir(matter) if matter is not None else None
        self.seconds = limits.ocr_seconds
        self.pixels = limits.image_pixels
        self.binary = shutil.which("ocrmypdf")
        self.warned = False
        self._scratch: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> "Ocr":
        return self

    def __exit__(self, *_) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()

    def key(self, pdf: Path) -> str:
        """The cache key of ``pdf``: sha256 of its bytes and of the OCR options."""
        digest = hashlib.sha256(f"filings-ocr {CACHE_VERSION} {' '.join(OPTIONS)}\0".encode())
        with open(pdf, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def cached(self, key: str) -> Path | None:
        """The OCR'd PDF made earlier for ``key``, if there is one."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pdf"
        return path if path.is_file() and path.stat().st_size > 0 else None

    def text_layer(self, pdf: Path, key: str, where: str) -> Path | None:
        """OCR ``pdf`` (an unencrypted PDF) into the cache under ``key``; return the result, or
        None when OCR is not possible (a warning says why)."""
        if self.binary is None:
            if not self.warned:
                self.warn(MISSING)
                self.warned = True
            return None
        folder = _writable_cache(self.folder)
        with tempfile.TemporaryDirectory(prefix="filings-ocr-") as tmp:
            made = Path(tmp) / "ocr.pdf"
            error = self._run(pdf, made, where)
            if error:
                self.warn(f"{where}: OCR failed ({error}); the exhibit is bundled without a text layer")
                return None
            if folder is None:  # no cache to keep it in: keep it for this build only
                if self._scratch is None:
                    self._scratch = tempfile.TemporaryDirectory(prefix="filings-ocr-")
                kept = Path(self._scratch.name) / f"{key}.pdf"
                shutil.move(made, kept)
                return kept
            staged = folder / f".{key}.{os.getpid()}.tmp"
            shutil.move(made, staged)
            private_file(staged)
            staged.replace(folder / f"{key}.pdf")  # atomic: a parallel build sees all or nothing
        return folder / f"{key}.pdf"

    def _run(self, pdf: Path, out: Path, where: str) -> str:
        """Run ocrmypdf in its own process group; '' on success, else the reason it failed.

        Raises a PdfError when it does not finish within the bound (it is killed)."""
        command = [self.binary, "--quiet", *OPTIONS, "--jobs", str(min(4, os.cpu_count() or 1)),
                   "--max-image-mpixels", f"{self.pixels / 1e6:g}", str(pdf), str(out)]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        try:
            code, output = run_bounded(command, self.seconds, env=env)
        except OSError as e:
            return f"cannot start ocrmypdf: {e.strerror}"
        except TimedOut:
            raise PdfError(f"{where}: OCR did not finish within {self.seconds:g} s and was stopped; "
                           "set 'ocr: false' under 'bundle:' in the facts, or split the exhibit") from None
        if code == 0 and out.is_file():
            return ""
        lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
        return f"ocrmypdf exited with code {code}" + (f": {lines[-1][:200]}" if lines else "")


def matter_cache_dir(matter: Path) -> Path:
    """The OCR cache of the matter in folder ``matter``: a folder of its own in :func:`cache_dir`."""
    name = hashlib.sha256(os.path.realpath(matter).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / name


def _writable_cache(folder: Path | None) -> Path | None:
    """``folder`` made private (with the cache folders above it), or None when there is none to use."""
    if folder is None:
        return None
    try:
        private_folder(folder, top=cache_dir().parent)
        for old in cache_dir().glob("*.pdf"):  # an earlier version's shared, world-readable entries
            old.unlink(missing_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None
