"""Private by default: what the toolkit keeps of a matter is readable by its user alone.

The outputs (a confidential version among them), the PDF and OCR caches and the history
hold confidential papers and exhibits. Under the usual umask (022) a new folder is open to
every user of the machine, so each folder they live in is made 0700 and each file 0600,
whatever the umask; a folder an earlier version left open is closed when it is next used.
Links are never followed to change a mode: a link is left as it is.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Collection

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path, top: Path | None = None) -> Path:
    """``path``, made if missing, 0700 with every folder from ``top`` (one of its parents;
    itself by default) down to it and every folder made for it; returns ``path``. Folders
    above ``top`` that exist are left as they are.

    Raises OSError when a folder cannot be made or closed (one of another user's)."""
    path = Path(path)
    top = path if top is None else Path(top)
    if top != path and top not in path.parents:
        raise ValueError(f"{top} is not a parent of {path}")  # a bug, not bad input
    chain = [path, *path.parents]
    chain = chain[:chain.index(top) + 1]
    for above in top.parents:  # made for it: private too
        if os.path.lexists(above):
            break
        chain.append(above)
    for folder in reversed(chain):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            pass
        _close(folder, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` (a file just written) made 0600; returns it."""
    _close(Path(path), FILE_MODE)
    return Path(path)


def private_tree(folder: Path, skip: Collection[str] = ()) -> None:
    """Make every folder under ``folder`` (itself too) 0700 and every file 0600, except the
    paths in ``skip`` (relative to ``folder``, POSIX form) and what lies under them."""
    folder = Path(folder)
    _close(folder, FOLDER_MODE)
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        rel = base.relative_to(folder)
        dirs[:] = [d for d in dirs if (rel / d).as_posix() not in skip]
        for name in dirs:
            _close(base / name, FOLDER_MODE)
        for name in files:
            if (rel / name).as_posix() not in skip:
                _close(base / name, FILE_MODE)


def _close(path: Path, mode: int) -> None:
    """Set ``path``'s permission bits to ``mode`` unless it is a link (or already so)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
        return
    os.chmod(path, mode)
