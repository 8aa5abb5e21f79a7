"""Inputs stay inside the matter: resolving a path a user wrote, without leaving its folder.

A facts file names files relative to its own folder, the matter's folder. A path that
climbs out (``../``), starts elsewhere (``/etc/passwd``) or goes through a symbolic link
that leads elsewhere would pull into the papers a file nobody meant to file; such a path
is refused unless it lands in a folder the matter allows (a firm's shared exhibit store).
The same rule can be applied to any input a facts file or a command names.
"""
from __future__ import annotations

import itertools
import os
import shutil
import stat
from pathlib import Path
from typing import Iterable, Literal


class OutsideError(ValueError):
    """The path resolves to a place outside the matter's folder and every allowed folder."""


def resolve_inside(root: Path, relative: str | Path, allowed: Iterable[str | Path] = (),
                   kind: Literal["file", "folder"] | None = "file") -> Path:
    """The real path of ``relative``, read from ``root``, if it stays inside ``root`` or ``allowed``.

    ``relative`` may be absolute or climb with ``..``; every symbolic link on the way is
    followed, and the real path (with no link left in it) must lie inside ``root`` or one
    of the ``allowed`` folders (absolute, or relative to ``root``; ``~`` is expanded; they
    are resolved too). With ``kind`` it must also be a regular file or a folder.

    Read from the returned path, not from ``root / relative``: a link swapped after the
    check then cannot send the read elsewhere.

    Raises :class:`FileNotFoundError` when nothing is there, :class:`OutsideError` when
    it is outside, and :class:`ValueError` for any other reason; the message of the last
    two is a phrase to follow the path as the user wrote it ("is a folder, not a file").
    """
    root = Path(os.path.abspath(root))
    try:
        real = (root / relative).resolve(strict=True)
        mode = real.stat().st_mode
    except FileNotFoundError:
        raise
    except RuntimeError:  # Python < 3.13 reports a loop of links so
        raise ValueError("is a link that leads back to itself (a loop)") from None
    except ValueError:
        raise ValueError("is not a valid file name") from None
    except OSError as e:
        raise ValueError(f"cannot be opened ({e.strerror or e})") from None
    if not any(_within(real, folder) for folder in [root.resolve(), *_folders(root, allowed)]):
        written = Path(os.path.normpath(root / relative))
        if _within(written, root):
            raise OutsideError(f"leads through a link to {real}, outside the matter's folder")
        raise OutsideError("is outside the matter's folder")
    if kind == "file" and not stat.S_ISREG(mode):
        raise ValueError("is a folder, not a file" if stat.S_ISDIR(mode) else
                         "is not a regular file (a pipe, socket or device)")
    if kind == "folder" and not stat.S_ISDIR(mode):
        raise ValueError("is not a folder")
    return real


def is_plain_relative(text: object) -> bool:
    """True when ``text`` is a relative POSIX path that stays under the folder it is read
    from, as a build records the files it made: not absolute, no ``..``, ``.`` or empty
    part, no backslash or NUL. For paths read from a matter's state (its history, a
    manifest), which a matter received from elsewhere may have written."""
    if not isinstance(text, str) or not text or "\\" in text or "\0" in text:
        return False
    return all(part not in ("", ".", "..") for part in text.split("/"))


def _folders(root: Path, allowed: Iterable[str | Path]) -> list[Path]:
    """The allowed folders as real paths: ``~`` expanded, relative ones taken from ``root``."""
    folders = []
    for folder in allowed:
        try:
            folders.append((root / Path(folder).expanduser()).resolve())
        except (OSError, RuntimeError, ValueError):
            continue  # a folder that cannot be resolved allows nothing
    return folders


def _within(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies under it (both already absolute)."""
    return path == folder or folder in path.parents

def link_or_copy(source, target) -> None:
    """A hard link (the outputs of two generations, or a document and its converter's input, share
    their bytes), or a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def is_base_name(name: str) -> bool:
    """True for a base facts file as a matter names it: relative, a few ``..`` first at most,
    then plain names (``../campaign.yaml``, ``shared/firm.yaml``); never absolute."""
    parts = name.split("/")
    ups = len(parts) - len(list(itertools.dropwhile(lambda p: p == "..", parts)))
    rest = parts[ups:]
    return 0 < len(rest) and ups <= 8 and all(p not in ("", ".", "..") and "\\" not in p and "\0" not in p
                                              for p in rest) and not name.startswith("/")
