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

Whoever can write the cache would decide the PDF that is filed (a matter received with its
``.build.filings/``, a shared folder), so each entry is signed: beside ``KEY.pdf``,
``KEY.sig`` holds an HMAC-SHA256 of the key and the PDF's SHA-256 under a key of this user's
own, kept outside every matter (:func:`user_key_path`, 0600). An entry whose signature does
not hold is not used: the document is converted again, the entry removed, with a warning.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import Callable

from filings import __version__
from filings.determinism import build_time
from filings.private import private_file, private_folder

MAX_ENTRIES = 500
MAX_BYTES = 500 * 2**20
_VERSIONRC = Path("/usr/lib/libreoffice/program/versionrc")
KEY_BYTES = 32


class PdfCache:
    """The PDFs of one output store, by document content."""

    def __init__(self, folder: Path, warn: Callable[[str], None] = lambda _: None):
        self.folder = Path(folder)
        self.hits = 0
        self.warn = warn  # told of each entry not used because its signature does not hold
        self._secret: bytes | None = None

    def key(self, document: Path) -> str:
        digest = hashlib.sha256(f"filings-pdf {__version__} {build_time().isoformat()} {_office_build()}\0".encode())
        with open(document, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def take(self, key: str, target: Path) -> bool:
        """Put the cached PDF for ``key`` at ``target``; False when there is none, or none this
        user's builds made as it is now (then it is removed, with a warning)."""
        cached = self.folder / f"{key}.pdf"
        secret = self._user_secret()
        if secret is None or not os.path.lexists(cached):
            return False
        try:
            digest = _copy_regular(cached, target)
            sig = _read_regular(cached.with_suffix(".sig"), 2 * hashlib.sha256().digest_size)
        except OSError:
            digest = sig = None
        if digest is None or sig is None or not hmac.compare_digest(sig, _sign(secret, key, digest).encode()):
            target.unlink(missing_ok=True)
            self._drop(key)
            self.warn(f"{cached}: the cached PDF is not one this user's build made (changed, or from elsewhere); "
                      "it is not used: the document is converted again")
            return False
        os.utime(cached)  # used: the last to go
        self.hits += 1
        return True

    def keep(self, key: str, made: Path) -> None:
        """Keep a copy of the PDF ``made`` for ``key``, signed; a cache that cannot be written is skipped."""
        secret = self._user_secret()
        if secret is None:
            return
        try:
            private_folder(self.folder)  # confidential PDFs: the user's alone
            part = self.folder / f".{key}.{os.getpid()}.part"
            signed = self.folder / f".{key}.{os.getpid()}.sig-part"
            digest = _copy_regular(made, part)
            private_file(part)
            signed.write_text(_sign(secret, key, digest), encoding="ascii")
            private_file(signed)
            os.replace(part, self.folder / f"{key}.pdf")
            os.replace(signed, self.folder / f"{key}.sig")
        except OSError:
            return

    def _drop(self, key: str) -> None:
        for suffix in (".pdf", ".sig"):
            (self.folder / f"{key}{suffix}").unlink(missing_ok=True)

    def _user_secret(self) -> bytes | None:
        """This user's signing key (made on first use); None when it cannot be had: no cache then."""
        if self._secret is None:
            self._secret = user_key()
        return self._secret

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
            path.with_suffix(".sig").unlink(missing_ok=True)


def user_key_path() -> Path:
    """Where this user's key for the PDF cache is kept: ``$XDG_CONFIG_HOME/filings/pdf-cache.key``
    (default ``~/.config/...``), outside every matter."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "filings" / "pdf-cache.key"


def user_key() -> bytes | None:
    """This user's key for the PDF cache, made on first use (0600, in a 0700 folder); None when
    it cannot be made or read, or is not the user's alone (then the cache is not used)."""
    path = user_key_path()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        private_folder(path.parent)
        part = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(part, path)  # whole or not at all; a build made it at the same moment: theirs
        except FileExistsError:
            pass
        finally:
            part.unlink(missing_ok=True)
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes:
    """The key in ``path``; OSError unless it is a regular file of the user's, 0600 or closer."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077 \
            or info.st_size != KEY_BYTES:
        raise OSError(f"{path}: not a key of this user's alone")
    data = _read_regular(path, KEY_BYTES)
    if data is None or len(data) != KEY_BYTES:
        raise OSError(f"{path}: not a key")
    return data


def _sign(secret: bytes, key: str, digest: str) -> str:
    """The signature of the PDF whose SHA-256 is ``digest``, cached for document ``key``."""
    return hmac.new(secret, f"filings-pdf-cache {key} {digest}".encode(), hashlib.sha256).hexdigest()


def _open_regular(path: Path) -> int:
    """A descriptor of ``path``, a regular file (no link, pipe or device); OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path}: not a regular file")
    return fd


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file ``path`` when it holds at most ``limit``; None when larger."""
    with os.fdopen(_open_regular(path), "rb") as f:
        data = f.read(limit + 1)
    return data if len(data) <= limit else None


def _copy_regular(source: Path, target: Path) -> str:
    """Copy the regular file ``source`` to ``target``; returns the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    with os.fdopen(_open_regular(source), "rb") as f, open(target, "wb") as out:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _office_build() -> str:
    """LibreOffice's build id (a new LibreOffice may lay a page out differently)."""
    try:
        return hashlib.sha256(_VERSIONRC.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unknown"
