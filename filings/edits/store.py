"""The attorney's edits, kept in the matter: ``edits/`` beside the facts, committed with them.

An edit of a paper is two files: ``edits/<paper>.docx``, the draft as the attorney last left it
(after the last build's merge), and ``edits/<paper>.base.docx``, the draft the build made from
the facts and templates it is an edit of. A paper of one version of a matter with confidential
facts is under its folder (``edits/confidential/complaint.docx``). Nothing here depends on
``build/``, the output store or the history: a matter copied or cloned carries its edits.

Every write is atomic (a temporary file renamed into place), and nothing is ever deleted:
:meth:`Edits.drop` moves an edit into ``.filings/dropped-edits/`` of the matter, dated, where
it can be taken back.

A matter may come from elsewhere: every path here is checked before it is read or written
(:meth:`Edits._inside`): a paper's name with no ``..``, and no link on the way (``edits/`` itself,
``edits/confidential``, an edit, ``.filings/dropped-edits``) that leads out of the matter, to
nothing, or to something other than a file or folder. An edit is read as a Word document only
through :class:`~filings.edits.package.Package`, which bounds it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filings.errors import FilingsError, display_path
from filings.paths import OutsideError, is_plain_relative, resolve_inside

KEEP_INSIDE = ("the edits of a matter are kept inside its folder, as plain files and folders: remove it, "
               "and put the file itself there if it is yours")
FOLDER = "edits"
BASE = ".base.docx"
DROPPED = Path(".filings") / "dropped-edits"
REPLACED = "replaced"  # outputs other than drafts replaced by hand (a signed PDF): kept here


@dataclass(frozen=True)
class Edit:
    """One paper's edit: the attorney's copy and the draft it was edited from."""

    key: str          # the paper as the manifest names it: "complaint", "confidential/complaint"
    docx: Path
    base: Path

    def sha256(self) -> str:
        return sha256(self.docx)

    def check(self) -> None:
        """A FilingsError naming the file unless both files read as Word documents."""
        for path in (self.docx, self.base):
            check_docx(path, f"; or run 'filings edits drop {self.key}' to have the build's own draft again")


def check_docx(path: Path, then: str = "", shown: Path | None = None) -> None:
    """A FilingsError naming ``shown`` (or ``path``), ``then`` appended, unless ``path`` is a Word document."""
    from filings.edits.package import DOCUMENT, Package
    try:
        Package(path).xml(DOCUMENT)
    except FilingsError as e:
        raise FilingsError(e.problems[0].message + then, path=display_path(shown or path)) from None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Edits:
    """The edits of one matter."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.folder = self.root / FOLDER

    def get(self, key: str, whole: bool = True) -> Edit | None:
        """The edit of ``key``, or None; with ``whole``, an edit without its base is an error."""
        docx = self._inside(f"{key}.docx")
        base = self._inside(f"{key}{BASE}")
        if not docx.exists():
            return None
        if whole and not base.exists():
            raise FilingsError(f"has no {base.name} beside it (the draft it is an edit "
                               "of), so it cannot be merged; put it back from git, or run "
                               f"'filings edits drop {key}'", path=display_path(docx))
        return Edit(key, docx, base)

    def _inside(self, rel: str, under: Path = Path(FOLDER), kind: str = "file") -> Path:
        """The matter's ``under/rel``, refused (a FilingsError naming it) when ``rel`` is not a plain
        relative path or a level of it that exists leads out of the matter (a link), to nothing, or
        is not a folder (the last: a ``kind``)."""
        if not is_plain_relative(rel):
            raise FilingsError(f"'{rel}' is not the name of a paper (it leaves the edits folder); 'filings edits' "
                               "lists the papers that have an edit")
        parts = (under / rel).parts
        for depth in range(1, len(parts) + 1):
            level = Path(*parts[:depth])
            if not os.path.lexists(self.root / level):
                break
            try:
                resolve_inside(self.root, level, kind=kind if depth == len(parts) else "folder")
            except FileNotFoundError:
                raise FilingsError(f"is a link to nothing; {KEEP_INSIDE}", path=display_path(self.root / level)) \
                    from None
            except (OutsideError, ValueError) as e:
                raise FilingsError(f"{e}; {KEEP_INSIDE}", path=display_path(self.root / level)) from None
        return self.root / under / rel

    def all(self) -> list[Edit]:
        if not os.path.lexists(self.folder):
            return []
        self._inside(FOLDER, under=Path(), kind="folder")
        found = []
        for path in sorted(self.folder.rglob("*.docx")):
            rel = path.relative_to(self.folder).as_posix()
            if rel.endswith(BASE) or rel.startswith(REPLACED + "/") or path.name.startswith("~$"):
                continue
            edit = self.get(rel[: -len(".docx")])
            if edit is not None:
                found.append(edit)
        return found

    def save(self, key: str, edited: Path, base: Path, shown: Path | None = None) -> Edit:
        """Keep ``edited`` as the attorney's copy of ``key`` and ``base`` as the draft it edits;
        ``edited`` must be a Word document (an error names it as ``shown``, where the user saved it)."""
        target, kept = self._inside(f"{key}.docx"), self._inside(f"{key}{BASE}")
        check_docx(edited, " (your edit is not kept until it reads as one: the file stays as it is)", shown)
        _copy_atomic(base, kept)
        _copy_atomic(edited, target)
        return Edit(key, target, kept)

    def keep_replaced(self, rel: str, source: Path) -> Path:
        """Keep an output replaced by hand (``rel`` in the outputs) in ``edits/replaced/``."""
        target = self._inside(f"{REPLACED}/{rel}")
        if target.exists() and sha256(target) != sha256(source):
            stem, suffix = os.path.splitext(rel)
            n = 2
            while self._inside(f"{REPLACED}/{stem}-{n}{suffix}").exists():
                n += 1
            target = self.folder / REPLACED / f"{stem}-{n}{suffix}"
        _copy_atomic(source, target)
        return target

    def drop(self, key: str, when: dt.datetime | None = None) -> Path:
        """Return ``key`` to the generated text: move its edit out of ``edits/``; return where to."""
        edit = self.get(key, whole=False)  # an edit that lost its base may be put away too
        if edit is None:
            raise FilingsError(f"'{key}' has no edit; 'filings edits' lists the papers that have one")
        stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = self._inside(f"{key}-{stamp}", under=DROPPED, kind="folder")
        target.mkdir(parents=True, exist_ok=True)
        for path in (edit.docx, edit.base):
            if os.path.lexists(path):
                shutil.move(str(path), self._inside(path.name, under=DROPPED / f"{key}-{stamp}"))
        return target


def _copy_atomic(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".filings-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, _open_file(source) as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with open(os.devnull, "w"):
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise


def _open_file(path: Path):
    """``path`` opened to read if it is a regular file, not a link (nor a pipe: never waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise FilingsError(f"cannot be read ({e.strerror or e}); it must be a file, not a link", path=display_path(path)) \
            from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise FilingsError("is not a regular file (a pipe, socket or device); remove it", path=display_path(path))
    return os.fdopen(fd, "rb")
