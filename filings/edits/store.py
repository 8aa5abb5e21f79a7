"""The attorney's edits, kept in the matter: ``edits/`` beside the facts, committed with them.

An edit of a paper is two files: ``edits/<paper>.docx``, the draft as the attorney last left it
(after the last build's merge), and ``edits/<paper>.base.docx``, the draft the build made from
the facts and templates it is an edit of. A paper of one version of a matter with confidential
facts is under its folder (``edits/confidential/complaint.docx``). Nothing here depends on
``build/``, the output store or the history: a matter copied or cloned carries its edits.

Every write is atomic (a temporary file renamed into place), and nothing is ever deleted:
:meth:`Edits.drop` moves an edit into ``.filings/dropped-edits/`` of the matter, dated, where
it can be taken back.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filings.errors import FilingsError, display_path

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

    def get(self, key: str) -> Edit | None:
        docx, base = self.folder / f"{key}.docx", self.folder / f"{key}{BASE}"
        if docx.is_file() and not docx.is_symlink():
            if not base.is_file() or base.is_symlink():
                raise FilingsError(f"{display_path(docx)} has no {base.name} beside it (the draft it is an edit "
                                   "of), so it cannot be merged; put it back from git, or run "
                                   f"'filings edits drop {key}'", path=docx)
            return Edit(key, docx, base)
        return None

    def all(self) -> list[Edit]:
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.rglob("*.docx")):
            rel = path.relative_to(self.folder).as_posix()
            if rel.endswith(BASE) or rel.startswith(REPLACED + "/") or path.name.startswith("~$"):
                continue
            edit = self.get(rel[: -len(".docx")])
            if edit is not None:
                found.append(edit)
        return found

    def save(self, key: str, edited: Path, base: Path) -> Edit:
        """Keep ``edited`` as the attorney's copy of ``key`` and ``base`` as the draft it edits."""
        target = self.folder / f"{key}.docx"
        _copy_atomic(base, self.folder / f"{key}{BASE}")
        _copy_atomic(edited, target)
        return Edit(key, target, self.folder / f"{key}{BASE}")

    def keep_replaced(self, rel: str, source: Path) -> Path:
        """Keep an output replaced by hand (``rel`` in the outputs) in ``edits/replaced/``."""
        target = self.folder / REPLACED / rel
        if target.exists() and sha256(target) != sha256(source):
            stem, suffix = os.path.splitext(rel)
            n = 2
            while (self.folder / REPLACED / f"{stem}-{n}{suffix}").exists():
                n += 1
            target = self.folder / REPLACED / f"{stem}-{n}{suffix}"
        _copy_atomic(source, target)
        return target

    def drop(self, key: str, when: dt.datetime | None = None) -> Path:
        """Return ``key`` to the generated text: move its edit out of ``edits/``; return where to."""
        edit = self.get(key)
        if edit is None:
            raise FilingsError(f"'{key}' has no edit; 'filings edits' lists the papers that have one")
        stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = self.root / DROPPED / f"{key}-{stamp}"
        target.mkdir(parents=True, exist_ok=True)
        shutil.move(str(edit.docx), target / edit.docx.name)
        shutil.move(str(edit.base), target / edit.base.name)
        return target


def _copy_atomic(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".filings-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
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
