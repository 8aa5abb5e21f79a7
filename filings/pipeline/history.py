"""Every build remembered: its facts file and its Word papers, so a reviewer can compare later.

A build publishes over the one before it (:mod:`filings.pipeline.outputs` keeps only two
generations), so without a record a reviewer would have to copy ``build/`` before every
rebuild. After each build that changed something, :func:`record_build` stores, in the
matter's state folder (``MATTER/.filings/history``):

- ``objects/ab/abcdef...``: each file's bytes once, named by their SHA-256, shared by every
  build that has the same file (a one-date change adds the facts file and the two or three
  papers that read the date, not the whole set);
- ``records/000042.json``: one small record per build: when, into which output folder, the
  facts file's hash and, for each DOCX and manifest of the build, its path relative to the
  output folder and its hash. Paths are relative, so a build that writes subsets
  (``confidential/``, ``public/``) simply records more papers.

A build that changed nothing adds no record. Only the newest ``settings.history`` records
are kept (default 20; 0 keeps none); objects no kept record names are removed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from filings.errors import FilingsError, display_path

HISTORY_DIR = Path(".filings") / "history"
RECORDS = "records"
OBJECTS = "objects"
DEFAULT_KEEP = 20
DIFF_MARK = ".filings-diff"  # in a folder filings diff made (its redlines are no papers)


@dataclass(frozen=True)
class Record:
    """One build as the history remembers it."""

    number: int
    out: str               # the output folder, absolute
    recorded: str          # wall-clock time of the build (UTC), for people
    build_date: str        # the date the build stamped on its outputs (deterministic)
    facts_name: str        # the facts file's name, as it was
    facts_sha256: str
    files: dict[str, str]  # path relative to the output folder → sha256
    draft: bool = False

    @property
    def label(self) -> str:
        return f"build #{self.number} ({self.recorded})"


def history_dir(matter_root: Path) -> Path:
    return Path(matter_root) / HISTORY_DIR


class History:
    """The history of one matter (``MATTER/.filings/history``)."""

    def __init__(self, matter_root: Path):
        self.root = history_dir(matter_root)
        self.matter_root = Path(matter_root)

    def _where(self, out: Path) -> str:
        """How a record names its output folder: relative to the matter when inside it, so a
        matter moved or copied keeps its history."""
        absolute = _absolute(out)
        relative = os.path.relpath(absolute, _absolute(self.matter_root))
        return absolute if relative == ".." or relative.startswith(".." + os.sep) else Path(relative).as_posix()

    def _same_out(self, recorded: str, out: Path) -> bool:
        stored = recorded if os.path.isabs(recorded) else _absolute(self.matter_root / recorded)
        return stored == _absolute(out)

    # ------------------------------------------------------------------ reading
    def records(self, out: Path | None = None) -> list[Record]:
        """Every record, oldest first; only those of output folder ``out`` when given."""
        folder = self.root / RECORDS
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                record = Record(**data)
            except (OSError, ValueError, TypeError):
                continue  # a damaged record is skipped, never fatal
            if out is None or self._same_out(record.out, out):
                found.append(record)
        return found

    def object_path(self, sha256: str) -> Path:
        return self.root / OBJECTS / sha256[:2] / sha256

    def read(self, sha256: str) -> bytes | None:
        """The stored bytes of ``sha256``, or None when the history does not hold them."""
        try:
            return self.object_path(sha256).read_bytes()
        except OSError:
            return None

    def checkout(self, record: Record, dest: Path) -> Path:
        """Write the files of ``record`` into ``dest`` as the build laid them out."""
        for rel, sha in record.files.items():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            source = self.object_path(sha)
            if not source.is_file():
                raise FilingsError(f"the history has lost {rel} of {record.label}; compare two build folders "
                                   "instead (filings diff OLD NEW)", path=display_path(self.root))
            shutil.copyfile(source, target)
        return dest

    # ------------------------------------------------------------------ writing
    def record(self, facts_path: Path, generation: Path, out: Path, build_date: dt.datetime,
               keep: int = DEFAULT_KEEP, draft: bool = False) -> Record | None:
        """Remember the build in ``generation`` (published as ``out``); None when nothing is
        recorded (``keep`` is 0, or the build is the same as the last one recorded)."""
        if keep <= 0:  # nothing is kept: what earlier builds left goes too
            if self.root.is_dir():
                with self._locked():
                    self._prune(0)
            return None
        with self._locked():
            facts_sha = self._store_bytes(Path(facts_path).read_bytes())
            files = {rel: self._store_file(generation / rel) for rel in recorded_files(generation)}
            previous = self.records(out)
            if previous and previous[-1].files == files and previous[-1].facts_sha256 == facts_sha:
                return None
            number = max((r.number for r in self.records()), default=0) + 1
            record = Record(number=number, out=self._where(out),
                            recorded=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
                            build_date=build_date.astimezone(dt.timezone.utc).strftime("%Y-%m-%d"),
                            facts_name=Path(facts_path).name, facts_sha256=facts_sha, files=files, draft=draft)
            _write_atomic(self.root / RECORDS / f"{number:06d}.json",
                          (json.dumps(record.__dict__, indent=1, sort_keys=True) + "\n").encode("utf-8"))
            self._prune(keep)
            return record

    def _store_file(self, path: Path) -> str:
        return self._store_bytes(path.read_bytes())

    def _store_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.object_path(sha)
        if not target.is_file():
            _write_atomic(target, data)
        return sha

    def _prune(self, keep: int) -> None:
        """Keep the newest ``keep`` records and the objects they name."""
        records = self.records()
        kept = records[-keep:] if keep > 0 else []
        for old in records[:len(records) - len(kept)]:
            with contextlib.suppress(OSError):
                (self.root / RECORDS / f"{old.number:06d}.json").unlink()
        wanted = {sha for r in kept for sha in r.files.values()} | {r.facts_sha256 for r in kept}
        for path in (self.root / OBJECTS).glob("*/*"):
            if path.name not in wanted:
                with contextlib.suppress(OSError):
                    path.unlink()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Two builds into two output folders of one matter record one after the other."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


def recorded_files(folder: Path) -> list[str]:
    """What a build's history keeps of ``folder``: every DOCX (the papers, in any subset
    folder, not a diff's redlines) and every manifest, as paths relative to ``folder``, sorted."""
    found = []
    skipped = {p.parent for p in Path(folder).rglob(DIFF_MARK)}  # a diff written into the build
    for path in Path(folder).rglob("*"):
        rel = path.relative_to(folder)
        if not path.is_file() or path.is_symlink() or any(d in skipped for d in path.parents):
            continue
        if rel.parts[-2:] == (".filings", "manifest.json") or (
                path.suffix.lower() == ".docx" and ".filings" not in rel.parts):
            found.append(rel.as_posix())
    return sorted(found)


def _absolute(path: Path) -> str:
    return os.path.abspath(path)


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
