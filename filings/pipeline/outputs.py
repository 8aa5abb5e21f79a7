"""Where a build's outputs go, and how they are published: all at once, or not at all.

The output folder a user names (``build``) is a link to the current *generation*: a
complete folder of outputs kept beside it in ``.build.filings/``. A build writes a new
generation there, and one atomic rename of the link makes it current, so anyone reading
``build/`` (or a build killed at any moment) sees the old complete set or the new one,
never a mix. The previous generation stays until the next build; older and unfinished
ones are removed. A lock makes a second build into the same folder wait its turn.

Nothing the toolkit did not make is ever replaced or deleted: an output folder that
holds the facts, the templates or an exhibit, or files of someone else's, is refused, and
what a user saves in ``build/`` is carried into each new generation and never pruned
(:mod:`.userfiles`). The store is private (:mod:`filings.private`): 0700 folders and 0600
files, whatever the umask, for it holds confidential outputs and their PDF cache.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from filings.paths import is_plain_relative, link_or_copy
from filings.errors import FilingsError, display_path
from filings.pipeline.userfiles import (MANIFEST, STATE_DIR, carry_users_paths, file_keys, unsaved_files,
                                        users_paths, write_record)
from filings.private import private_file, private_folder, private_tree

STORE_MARK = "OWNER"            # inside the store: says what the folder is
KEEP = 2                        # generations kept: the current one and the one before
# What a build of the toolkit's first versions left in a real output folder.
_LEGACY = {".filings", "exhibits", ".exhibits-old", "letters"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Input:
    """A file or folder a build reads and must never overwrite: what it is, and where."""

    what: str     # "the facts file", "the templates folder", "exhibit 'notice'"
    path: Path
    closed: bool = False  # a folder no output may go inside (templates: every file there is read)


class OutputError(FilingsError):
    """The output folder cannot be used, or is busy."""


def store_of(out: Path) -> Path:
    """The folder that holds the generations of ``out``: ``build`` → ``.build.filings``."""
    return out.parent / f".{out.name}.filings"


def check_output_folder(out: Path, inputs: list[Input]) -> None:
    """Refuse an output folder that holds, is, or lies inside an input of the build."""
    where = _absolute(out)
    for item in inputs:
        source = _absolute(item.path)
        if where == source or where in source.parents:
            raise OutputError(f"cannot build into this folder: it holds {item.what} ({display_path(item.path)}); "
                              "choose a folder of its own with --out, such as build", path=out)
        if item.closed and source in where.parents:
            raise OutputError(f"cannot build into this folder: it is inside {item.what} "
                              f"({display_path(item.path)}); choose a folder of its own with --out, such as build",
                              path=out)


def _absolute(path: Path) -> Path:
    """``path`` made absolute with every link resolved (as far as it exists)."""
    return Path(os.path.realpath(os.path.abspath(path)))


class Generation:
    """A new, not yet published set of outputs, and the current one it may carry files from."""

    def __init__(self, path: Path, previous: Path | None, progress: Progress = lambda _: None):
        self.path = path
        self.previous = previous
        self.progress = progress
        self.users: list[str] = []  # what the user saved in the outputs, carried over when published

    def previous_manifest(self) -> dict | None:
        """The manifest of the current outputs, or None for a first build."""
        if self.previous is None:
            return None
        try:
            data = json.loads((self.previous / STATE_DIR / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def carry(self, name: str) -> Path | None:
        """Bring ``name`` (a file or folder) over from the current outputs; None if it has none.
        ``name`` may come from the last manifest (a packet's): only a plain relative path is carried."""
        if self.previous is None or not is_plain_relative(name):
            return None
        source = self.previous / name
        target = self.path / name
        if source.is_dir() and not source.is_symlink():
            users = set(users_paths(self.previous))  # come over when published, as the user's

            def theirs(folder: str, names: list[str]) -> set[str]:
                rel = Path(folder).relative_to(self.previous).as_posix()
                return {n for n in names if (n if rel == "." else f"{rel}/{n}") in users}
            shutil.copytree(source, target, copy_function=link_or_copy, ignore=theirs)
        elif source.is_file() and not source.is_symlink():
            link_or_copy(source, target)
        else:
            return None
        return target



class OutputFolder:
    """The output folder a user named, its generations, and its lock."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.store = store_of(self.out)

    def current(self) -> Path | None:
        """The generation the output folder points at now, if it is one of ours."""
        if not self.out.is_symlink():
            return None
        target = _absolute(self.out)
        return target if target.parent == _absolute(self.store) and target.is_dir() else None

    @contextlib.contextmanager
    def generation(self, progress: Progress, wait_seconds: float) -> Iterator[Generation]:
        """Lock the folder and give a new, empty generation; it is removed unless published."""
        self._make_store()
        with self._locked(progress, wait_seconds):
            self._adopt_legacy_folder()
            current = self.current()
            self._remove_unfinished(keep={current})
            path = self._new_generation_path()
            path.mkdir()
            (path / STATE_DIR).mkdir()
            gen = Generation(path, current, progress)
            try:
                yield gen
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise

    def publish(self, gen: Generation) -> None:
        """Make ``gen`` current in one atomic step, then drop generations older than the last two."""
        if not (gen.path / STATE_DIR / MANIFEST).is_file():
            raise RuntimeError("a generation is published only with its manifest")  # a bug, not bad input
        self._carry_users_paths(gen)
        write_record(gen.path, gen.users)
        private_tree(gen.path, skip=gen.users)  # the user's own files keep their modes
        _fsync_tree(gen.path)
        link = self.out.with_name(f".{self.out.name}.link-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        os.symlink(os.path.relpath(gen.path, self.out.parent), link)
        os.replace(link, self.out)
        _fsync_dir(self.out.parent)
        self._prune(current=gen.path, previous=gen.previous)

    def _carry_users_paths(self, gen: Generation) -> None:
        """Bring what the user saved in the current outputs into ``gen``, saying so; refuse to
        publish over one whose name the new build also wrote."""
        if gen.previous is None:
            return
        found = users_paths(gen.previous)
        clashes = carry_users_paths(gen.previous, gen.path, found)
        if clashes:
            raise OutputError(f"cannot publish: {display_path(self.out / clashes[0])} was not made by filings, "
                              "and this build makes a file of that name; move it out of "
                              f"{display_path(self.out)} and build again", path=self.out)
        gen.users = found
        if found:
            shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
            gen.progress(f"keeping what filings did not make in {display_path(self.out)}: {shown}")

    def discard(self, gen: Generation) -> None:
        """Drop ``gen`` unpublished: a build that found nothing to change leaves the outputs alone."""
        shutil.rmtree(gen.path, ignore_errors=True)

    # -- the store ----------------------------------------------------------------------

    def _make_store(self) -> None:
        try:
            if self.out.exists() and not self.out.is_dir():
                raise OutputError("cannot build into this folder: it is a file; choose a folder with --out",
                                  path=self.out)
            if self.store.exists() and not (self.store / STORE_MARK).is_file():
                raise OutputError(f"cannot build here: {display_path(self.store)} exists and was not made by "
                                  "filings; move it away or choose another --out", path=self.out)
            self._refuse_foreign()  # before the store is made: a refused folder gets nothing beside it
            private_folder(self.store)  # confidential outputs and their PDF cache: the user's alone
            (self.store / STORE_MARK).write_text(
                f"Made by filings: the builds of {self.out.name}/ (a link to the newest one here). "
                "Safe to delete together with that link.\n", encoding="utf-8")
            private_file(self.store / STORE_MARK)
        except OSError as e:
            raise OutputError(f"cannot write the outputs here: {e.strerror}; choose another --out",
                              path=self.out) from e

    @contextlib.contextmanager
    def _locked(self, progress: Progress, wait_seconds: float) -> Iterator[None]:
        """Hold the store's lock for the whole build; wait for a build already running."""
        with open(self.store / "lock", "a+", encoding="utf-8") as lock:
            private_file(self.store / "lock")
            deadline = time.monotonic() + wait_seconds
            told = False
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                holder = _read_holder(lock)
                if time.monotonic() >= deadline:
                    raise OutputError(f"another build into this folder{holder} is still running after "
                                      f"{wait_seconds:g} s; wait for it to finish or choose another --out",
                                      path=self.out)
                if not told:
                    progress(f"waiting for another build into {display_path(self.out)}{holder} to finish")
                    told = True
                time.sleep(0.2)
            lock.seek(0)
            lock.truncate()
            lock.write(f"{os.getpid()}\n")
            lock.flush()
            try:
                yield
            finally:
                lock.seek(0)
                lock.truncate()
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _refuse_foreign(self) -> list[str]:
        """The names in a real output folder (empty, or one an earlier version built); an OutputError
        when it is a link filings did not make or holds files of someone else's."""
        if self.out.is_symlink():
            if self.current() is None:
                raise OutputError(f"cannot build into this folder: it is a link to {os.readlink(self.out)}, "
                                  "which filings did not make; remove the link or choose another --out",
                                  path=self.out)
            return []
        if not self.out.exists():
            return []
        entries = sorted(p.name for p in self.out.iterdir())
        foreign = [name for name in entries if name not in _LEGACY and
                   not (name.endswith((".docx", ".pdf")) and (self.out / name).is_file())]
        if foreign or (entries and not (self.out / STATE_DIR / MANIFEST).is_file()):
            shown = ", ".join(foreign[:3] or entries[:3]) + (", ..." if len(foreign or entries) > 3 else "")
            raise OutputError(f"cannot build into this folder: it holds files that filings did not make "
                              f"({shown}); choose a new or empty folder with --out, or move those files",
                              path=self.out)
        return entries

    def _adopt_legacy_folder(self) -> None:
        """Turn a real output folder into a link: an empty one, or one an earlier version built."""
        entries = self._refuse_foreign()  # again, under the lock: it may have changed since
        if self.out.is_symlink() or not self.out.exists():
            return
        if not entries:
            self.out.rmdir()
            return
        shutil.rmtree(self.out / ".exhibits-old", ignore_errors=True)
        adopted = self._new_generation_path()
        os.replace(self.out, adopted)
        os.symlink(os.path.relpath(adopted, self.out.parent), self.out)

    def _generations(self) -> list[Path]:
        return sorted(p for p in self.store.iterdir() if p.is_dir() and p.name.isdigit())

    def _new_generation_path(self) -> Path:
        existing = self._generations()
        number = int(existing[-1].name) + 1 if existing else 1
        return self.store / f"{number:06d}"

    def _remove_unfinished(self, keep: set[Path | None]) -> None:
        """Remove what builds killed before publishing left behind."""
        for path in self._generations():
            if path not in keep and not (path / STATE_DIR / MANIFEST).is_file():
                shutil.rmtree(path, ignore_errors=True)
        for stray in self.out.parent.glob(f".{self.out.name}.link-*"):
            with contextlib.suppress(OSError):
                stray.unlink()

    def _prune(self, current: Path, previous: Path | None) -> None:
        """Remove finished generations older than the last two, but never one holding a file
        that would be lost with it (the user's, or an output changed since; see :mod:`.userfiles`)."""
        keep = {current, previous}
        finished = [p for p in self._generations() if (p / STATE_DIR / MANIFEST).is_file()]
        old = [path for path in finished[:-KEEP] if path not in keep]
        kept = set().union(*(file_keys(p) for p in keep if p is not None)) if old else set()
        for path in old:
            if not unsaved_files(path, kept):
                shutil.rmtree(path, ignore_errors=True)
        self._remove_unfinished(keep)


def _read_holder(lock) -> str:
    lock.seek(0)
    pid = lock.read().strip()
    return f" (process {pid})" if pid.isdigit() else ""


def _fsync_tree(folder: Path) -> None:
    """Put every file of ``folder`` on disk before the link points at it (a power cut after
    the rename must not leave a current generation with empty files)."""
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(Path(root))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
