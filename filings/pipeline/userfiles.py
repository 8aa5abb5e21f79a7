"""What a user put in an output folder: found, carried into the next build, never pruned.

``build/`` is a link to a generation (:mod:`.outputs`); a user may still save files there
(a client-signed copy, a folder of notes). Each generation records, as it is published,
every file and folder its build wrote (``.filings/outputs.json``, with each file's size and
SHA-256: the same bytes for the same build, and no file time trusted); anything else in it is
the user's. The next build carries the user's files and
folders into its generation (as hard links: the same files), and a generation is pruned
only when nothing in it would be lost: no file of the user's, and no output changed since
the build wrote it (an edited draft), unless a kept generation shares that file.

A generation published before this record existed is read by its manifest: its papers,
packets, ``exhibits/`` and ``letters/`` are the build's, the rest the user's.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Iterator

from filings.paths import link_or_copy

STATE_DIR = ".filings"          # inside each generation: its manifest and its record
MANIFEST = "manifest.json"
RECORD = "outputs.json"
_FOLDERS = ("exhibits", "letters")     # what the build makes under a set's folder, whole
_SETS = ("confidential", "public")     # a matter with confidential facts: a folder per version


class Made:
    """What the build of one generation wrote, as its record (or, for an older one, its manifest) says."""

    def __init__(self, generation: Path):
        self.files: dict[str, list] | None = None
        self.folders: set[str] = set()
        self.outputs: set[str] = set()  # an older generation's papers and packets
        self.root = Path(generation)
        state = self.root / STATE_DIR
        record = _read_json(state / RECORD)
        if isinstance(record.get("files"), dict) and isinstance(record.get("folders"), list):
            self.files = record["files"]
            self.folders = {f for f in record["folders"] if isinstance(f, str)}
            return
        manifest = _read_json(state / MANIFEST)
        papers, packets = manifest.get("papers"), manifest.get("packets")
        self.outputs = {f"{name}{ext}" for name in (papers if isinstance(papers, dict) else {})
                        for ext in (".docx", ".pdf")} | set(packets if isinstance(packets, dict) else {})

    def wrote(self, rel: str, folder: bool) -> bool:
        """True when the build wrote ``rel`` (a path relative to the generation, POSIX form)."""
        if self.files is not None:
            return rel in self.folders if folder else rel in self.files
        parts = rel.split("/")
        rest = parts[1:] if parts[0] in _SETS else parts
        if not rest:
            return folder
        if rest[0] in _FOLDERS:
            return True
        return not folder and rel in self.outputs

    def unchanged(self, rel: str, info: os.stat_result) -> bool:
        """True when the file at ``rel`` is as its build wrote it (for an older generation: is an output)."""
        if self.files is None:
            return self.wrote(rel, False)
        recorded = self.files.get(rel)
        return (isinstance(recorded, list) and recorded[:1] == [info.st_size]
                and recorded[1:] == [_sha256(self.root / rel)])


def users_paths(generation: Path) -> list[str]:
    """What in ``generation`` its build did not write: files, and folders with all they hold
    (paths relative to it, POSIX form, sorted)."""
    made = Made(generation)
    found: list[str] = []

    def visit(folder: Path, prefix: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            rel = prefix + entry.name
            is_folder = entry.is_dir(follow_symlinks=False)
            if rel == STATE_DIR:
                continue
            if not made.wrote(rel, is_folder):
                found.append(rel)
            elif is_folder:
                visit(Path(entry.path), rel + "/")

    visit(Path(generation), "")
    return found


def carry_users_paths(previous: Path, generation: Path, paths: list[str]) -> list[str]:
    """Bring ``paths`` of ``previous`` into ``generation`` (hard links where possible); return
    those that cannot come because ``generation`` has something of that name already."""
    clashes = [rel for rel in paths if os.path.lexists(generation / rel)]
    if clashes:
        return clashes
    for rel in paths:
        source, target = previous / rel, generation / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            shutil.copytree(source, target, symlinks=True, copy_function=link_or_copy)
        else:
            link_or_copy(source, target)
    return []


def write_record(generation: Path, users: list[str]) -> None:
    """Record in ``generation`` every file and folder in it (but ``users``' paths): what its build wrote."""
    files, folders = {}, []
    for rel, info, is_folder in _entries(Path(generation), skip=set(users)):
        if is_folder:
            folders.append(rel)
        else:
            files[rel] = [info.st_size, _sha256(Path(generation) / rel)]
    path = Path(generation) / STATE_DIR / RECORD
    path.write_text(json.dumps({"files": files, "folders": folders}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")


def file_keys(generation: Path) -> set:
    """Keys of every file in ``generation``: its inode, and its path with size and time (a copy
    keeps both); a file of an older generation with one of them lives on in this one."""
    keys: set = set()
    for rel, info, is_folder in _entries(Path(generation)):
        if not is_folder:
            keys.update({(info.st_dev, info.st_ino), (rel, info.st_size, info.st_mtime_ns)})
    return keys


def unsaved_files(generation: Path, kept: set) -> list[str]:
    """The files that removing ``generation`` would lose: the user's, or outputs changed
    since the build, that no kept generation shares (``kept``: their :func:`file_keys`)."""
    made = Made(generation)
    lost = []
    for rel, info, is_folder in _entries(Path(generation)):
        if is_folder or (info.st_dev, info.st_ino) in kept or (rel, info.st_size, info.st_mtime_ns) in kept:
            continue
        if not made.unchanged(rel, info):
            lost.append(rel)
    return lost


def _entries(generation: Path, skip: set[str] = frozenset()) -> Iterator[tuple[str, os.stat_result, bool]]:
    """(relative path, lstat, is a folder) of everything in ``generation`` but its state folder
    and ``skip``; links are not followed."""
    for root, dirs, files in os.walk(generation):
        rel = Path(root).relative_to(generation)
        for name in dirs + files:
            path = (rel / name).as_posix()
            if path == STATE_DIR or path in skip:
                continue
            info = os.lstat(os.path.join(root, name))
            yield path, info, stat.S_ISDIR(info.st_mode)  # a link to a folder is a file here
        dirs[:] = [d for d in dirs if (rel / d).as_posix() not in skip and (rel / d).as_posix() != STATE_DIR]


def _sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, not following a link ("" when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
