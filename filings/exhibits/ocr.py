"""A searchable text layer for scanned exhibits, made by OCRmyPDF: the only module that runs it.

Only the pages that need it are read: those that show an image but have no text PDFium can
find (:func:`filings.convert.pdftext.textless_pages`); they are copied into a PDF of their
own, which ``ocrmypdf`` (Debian's package, with Tesseract) reads on every core (``--jobs``),
in a subprocess of its own process group bounded by ``limits.ocr_seconds``, in the
languages of ``settings.ocr.languages`` (default ``eng``; each needs Debian's
``tesseract-ocr-LANG``: a missing one is an error naming the package). With
``settings.ocr.deskew`` (the default) Tesseract reads a straightened copy of each page. Only
the text layer OCRmyPDF made is kept: it is grafted onto the exhibit's own page
(:func:`graft_text_layers`), whose content and images stay byte for byte as they were (a
true copy; a page with text is never touched). On a page read straightened, the invisible
words lie a degree or two off the skewed image: they are found, copied and highlighted there.

Results are cached under ``$XDG_CACHE_HOME/filings/ocr/`` (default ``~/.cache``), in a
folder of each matter's own (named by a hash of its folder's path: one matter's OCR'd
confidential exhibits never serve another's) and keyed by the sha256 of the pages read (the
textless pages copied out, the same bytes for the same pages) and the options, so an
unchanged scan is OCR'd only once, even when it is filed again in another file. The cache is private: 0700
folders, 0600 files (:mod:`filings.private`); without a matter there is no cache.
When ``ocrmypdf`` is not installed the bundle is built without a text layer and one
warning says so; when it fails, one warning line names the exhibit and the reason in plain
words (its own output goes to the debug log, :mod:`.noise`).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator, Sequence

from filings.errors import PdfError
from filings.limits import DEFAULT_LIMITS, Limits
from filings.private import private_file, private_folder
from filings.processes import TimedOut, run_bounded

_log = logging.getLogger("filings.ocr")

LANGUAGES = ("eng",)
# What changes the result is part of the cache key; --jobs does not change it. Every page
# given is textless (the others are not given): --force-ocr reads it whatever it holds.
OPTIONS = ("--force-ocr", "--output-type", "pdf", "--optimize", "0")
CACHE_VERSION = "3"  # bump when a change to this module should invalidate cached results
MISSING = "OCR skipped: ocrmypdf is not installed; run make setup"
TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
# OCRmyPDF's exit codes, in words (its own messages may be Python's: they go to the debug log)
EXIT_REASONS = {1: "OCRmyPDF was given options it does not take", 2: "OCRmyPDF cannot read the PDF",
                3: "a program OCRmyPDF needs (Tesseract or Ghostscript) is missing; run make setup",
                4: "OCRmyPDF made a PDF that is not valid", 5: "OCRmyPDF cannot read or write its files",
                6: "the pages already have text", 7: "Tesseract or Ghostscript failed on a page",
                8: "the PDF is encrypted", 9: "OCRmyPDF's configuration is invalid",
                15: "OCRmyPDF stopped with an internal error", 130: "OCR was interrupted"}


def cache_dir() -> Path:
    """Where OCR results are kept: ``$XDG_CACHE_HOME/filings/ocr`` (default ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "filings" / "ocr"


class Ocr:
    """Adds text layers for one build: warns once if OCR is unavailable, reuses the cache."""

    def __init__(self, warn: Callable[[str], None], limits: Limits = DEFAULT_LIMITS, matter: Path | None = None,
                 languages: Sequence[str] = LANGUAGES, deskew: bool = True, cache: Path | None = None):
        self.warn = warn
        self.languages = tuple(languages) or LANGUAGES
        self.options = OPTIONS + ("-l", "+".join(self.languages)) + (("--deskew",) if deskew else ())
        self.folder = cache or (matter_cache_dir(matter) if matter is not None else None)
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
        digest = hashlib.sha256(f"filings-ocr {CACHE_VERSION} {' '.join(self.options)}\0".encode())
        with open(pdf, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold ``key`` while it is read: another worker reading the same pages (a scan filed
        twice) waits, then finds it in the cache, instead of reading it again beside it."""
        folder = _writable_cache(self.folder)
        if folder is None:
            yield
            return
        fd = os.open(folder / f".{key}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # and the lock with it

    def cached(self, key: str) -> Path | None:
        """The OCR'd PDF made earlier for ``key``, if there is one."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pdf"
        return path if path.is_file() and path.stat().st_size > 0 else None

    def text_layer(self, pdf: Path, key: str, where: str) -> Path | None:
        """OCR every page of ``pdf`` (an unencrypted PDF of the pages to read) into the cache under
        ``key``; return the result, or None when OCR is not possible (a warning says why).
        Raises a PdfError naming the Debian package of a language whose data is missing."""
        if self.binary is None:
            if not self.warned:
                self.warn(MISSING)
                self.warned = True
            return None
        check_languages(self.languages)
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
        command = [self.binary, "--quiet", *self.options, "--jobs", str(os.cpu_count() or 1),
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
        _log.debug("ocrmypdf on %s exited with code %s:\n%s", where, code, output)
        return EXIT_REASONS.get(code, f"OCRmyPDF exited with code {code}")


def matter_cache_dir(matter: Path) -> Path:
    """The OCR cache of the matter in folder ``matter``: a folder of its own in :func:`cache_dir`."""
    name = hashlib.sha256(os.path.realpath(matter).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / name


def _writable_cache(folder: Path | None) -> Path | None:
    """``folder`` made private (with the cache folders above it), or None when there is none to use."""
    if folder is None:
        return None
    try:
        private_folder(folder, top=folder.parent.parent)  # a matter's folder in cache_dir(): filings/ocr/HASH
        for old in folder.parent.glob("*.pdf"):  # an earlier version's shared, world-readable entries
            old.unlink(missing_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


LANGUAGE = re.compile(r"^[a-z]{3}(_[a-z]{3,4})?$")  # Tesseract's names: eng, deu, chi_sim, ...


def check_languages(languages: Sequence[str]) -> None:
    """Raise a PdfError naming the Debian package to install for each language whose
    Tesseract data is missing (``TESSDATA_PREFIX`` or Debian's folders)."""
    folders = [Path(os.environ["TESSDATA_PREFIX"])] if os.environ.get("TESSDATA_PREFIX") else []
    folders += [Path(f) for f in TESSDATA]
    missing = [lang for lang in languages
               if not LANGUAGE.match(lang) or not any((f / f"{lang}.traineddata").is_file() for f in folders)]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang.replace('_', '-')}" for lang in missing)
        raise PdfError(f"OCR language {', '.join(repr(m) for m in missing)} is not installed: install "
                       f"{packages} (sudo apt-get install {packages}) or change settings.ocr.languages in the facts")
