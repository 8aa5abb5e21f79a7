"""PDFs already made, kept by the content of the document they were made from.

Converting is what a build pays most for. A document whose bytes are the same as one
converted before gives the same PDF (our DOCX and PDF bytes are deterministic), so the PDF
is taken from this cache instead: a paper rendered again to identical bytes (a fact changed
that it reads but prints the same), a Word exhibit when only its label changed, and the
same paper in the confidential and the public set.

The cache lives in the output folder's store (``.build.filings/cache/pdf``), inside the
matter, never in a shared folder: a confidential paper's PDF stays where its outputs are.
The key is the SHA-256 of the document, the time the build stamps, this package's version
and LibreOffice's build; entries are files written atomically, and the oldest go when the
cache holds more than :data:`MAX_ENTRIES` files or :data:`MAX_BYTES` bytes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from filings import __version__
from filings.determinism import build_time

MAX_ENTRIES = 500
MAX_BYTES = 500 * 2**20
_VERSIONRC = Path("/usr/lib/libreoffice/program/versionrc")


class PdfCache:
    """The PDFs of one output store, by document content."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = 0

    def key(self, document: Path) -> str:
        digest = hashlib.sha256(f"filings-pdf {__version__} {build_time().isoformat()} {_office_build()}\0".encode())
        with open(document, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def take(self, key: str, target: Path) -> bool:
        """Put the cached PDF for ``key`` at ``target``; False when there is none."""
        cached = self.folder / f"{key}.pdf"
        try:
            shutil.copyfile(cached, target)
            os.utime(cached)  # used: the last to go
        except OSError:
            return False
        self.hits += 1
        return True

    def keep(self, key: str, made: Path) -> None:
        """Keep a copy of the PDF ``made`` for ``key``; a cache that cannot be written is skipped."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            part = self.folder / f".{key}.{os.getpid()}.part"
            shutil.copyfile(made, part)
            os.replace(part, self.folder / f"{key}.pdf")
        except OSError:
            return

    def prune(self) -> None:
        """Remove the least recently used entries beyond the bounds."""
        try:
            entries = sorted((p.stat().st_mtime_ns, p.stat().st_size, p) for p in self.folder.glob("*.pdf"))
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        while entries and (len(entries) > MAX_ENTRIES or total > MAX_BYTES):
            _, size, path = entries.pop(0)
            total -= size
            path.unlink(missing_ok=True)


def _office_build() -> str:
    """LibreOffice's build id (a new LibreOffice may lay a page out differently)."""
    try:
        return hashlib.sha256(_VERSIONRC.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unknown"
