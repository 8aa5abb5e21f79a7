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
are kept (default 20; 0 keeps none), and every record a reviewer marked (``marks.json``:
name → record number, ``filings review mark``): a marked record is never pruned. Objects no
kept record names are removed.

A record also names, as an object, the small fingerprints of what the build holds besides its
Word papers (:mod:`filings.pipeline.holdings`: each exhibit's pages, Bates range and label,
the bundle, each packet's parts), so a later diff compares them without the PDFs.

A matter received from elsewhere (a zip, a share) brings its history along, so everything
read from it is untrusted: a record is used only when every path in it is relative and
stays in its folder and every hash is 64 lowercase hex digits (others are skipped, with a
warning when a ``warn`` is given), an object only when its bytes hash to its name, and
nothing is read through a link, pipe or device or written through a link leading out of
the matter.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from filings.errors import FilingsError, display_path
from filings.paths import OutsideError, is_base_name, is_plain_relative, resolve_inside
from filings.private import private_folder

HISTORY_DIR = Path(".filings") / "history"
RECORDS = "records"
OBJECTS = "objects"
DEFAULT_KEEP = 20
MARKS = "marks.json"
DIFF_MARK = ".filings-diff"  # in a folder filings diff made (its redlines are no papers)
RECORD_BYTES = 8 * 2**20      # a record lists a build's files: thousands fit in far less
_SHA256 = re.compile(r"[0-9a-f]{64}")
MARK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


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
    holdings: str | None = None  # sha256 of the holdings' fingerprints (:mod:`filings.pipeline.holdings`)
    bases: dict[str, str] = field(default_factory=dict)  # each base file the facts extend, as the matter
    # names it (../campaign.yaml) → sha256 of its bytes

    @property
    def label(self) -> str:
        return f"build #{self.number} ({self.recorded})"


def history_dir(matter_root: Path) -> Path:
    return Path(matter_root) / HISTORY_DIR


class History:
    """The history of one matter (``MATTER/.filings/history``)."""

    def __init__(self, matter_root: Path, warn: Callable[[str], None] | None = None):
        self.root = history_dir(matter_root)
        self.matter_root = Path(matter_root)
        self.warn = warn or (lambda _: None)  # told of each damaged record skipped

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
                record = parse_record(path.name, read_regular_file(path, RECORD_BYTES))
            except ValueError as e:  # a damaged record is skipped, never fatal
                self.warn(f"{display_path(path)}: a damaged history record, skipped: {e}")
                continue
            if out is None or self._same_out(record.out, out):
                found.append(record)
        return found

    def object_path(self, sha256: str) -> Path:
        if not is_sha256(sha256):  # a name read from a record or a manifest: never a path of its own
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / OBJECTS / sha256[:2] / sha256

    def read(self, sha256: str) -> bytes | None:
        """The stored bytes of ``sha256``, or None when the history does not hold them (or
        holds other bytes under that name, or ``sha256`` is no SHA-256)."""
        try:
            data = read_regular_file(self.object_path(sha256))
        except ValueError:
            return None
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def checkout(self, record: Record, dest: Path) -> Path:
        """Write the files of ``record`` into ``dest`` (a new folder) as the build laid them out;
        a :class:`FilingsError` names the record's file when one is lost or damaged."""
        where = display_path(self.root / RECORDS / f"{record.number:06d}.json")
        for rel, sha in record.files.items():
            data = self.read(sha)
            if data is None or not is_plain_relative(rel):
                raise FilingsError(f"{record.label}: {rel} is lost, or its stored bytes are not the ones "
                                   "recorded", path=where)
            target = dest / rel
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                resolve_inside(dest, target.parent, kind="folder")
                with open(target, "xb") as f:  # never through a file or link already there
                    f.write(data)
            except (OSError, ValueError) as e:  # two files of the record in each other's way
                raise FilingsError(f"{record.label}: {rel} cannot be laid out ({e})", path=where) from None
        return dest

    def marks(self) -> dict[str, int]:
        """Mark name → record number (``marks.json``; a damaged file or entry is skipped with a warning)."""
        path = self.root / MARKS
        if not path.exists():
            return {}
        try:
            data = json.loads(read_regular_file(path, RECORD_BYTES).decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("it is not a mapping of names to build numbers")
        except (ValueError, UnicodeDecodeError) as e:
            self.warn(f"{display_path(path)}: the review marks cannot be read, skipped: {e}")
            return {}
        return {name: number for name, number in data.items()
                if isinstance(name, str) and MARK_NAME.fullmatch(name) and type(number) is int and number > 0}

    def holdings(self, record: Record) -> dict | None:
        """The holdings' fingerprints the record names (None: not recorded, lost or damaged)."""
        data = self.read(record.holdings) if record.holdings is not None else None
        try:
            found = json.loads(data.decode("utf-8")) if data is not None else None
        except (ValueError, UnicodeDecodeError):
            return None
        return found if isinstance(found, dict) else None

    # ------------------------------------------------------------------ writing
    def set_mark(self, name: str, record: Record) -> None:
        """Mark ``record`` with ``name`` (moving the name from any record that had it)."""
        if not MARK_NAME.fullmatch(name):
            raise FilingsError(f"the mark '{name}' is not a name: use letters, digits, '.', '_' and '-' (at most 64)")
        with self._locked():
            marks = self.marks()
            marks[name] = record.number
            self._write(self.root / MARKS, (json.dumps(marks, indent=1, sort_keys=True) + "\n").encode("utf-8"))

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
            bases = self._store_bases(Path(facts_path), generation)
            files = {rel: self._store_file(generation / rel) for rel in recorded_files(generation)}
            holdings = self._store_holdings(generation)
            previous = self.records(out)
            if previous and previous[-1].files == files and previous[-1].facts_sha256 == facts_sha and \
                    previous[-1].holdings == holdings and previous[-1].bases == bases:
                return None
            number = max((r.number for r in self.records()), default=0) + 1
            record = Record(number=number, out=self._where(out),
                            recorded=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
                            build_date=build_date.astimezone(dt.timezone.utc).strftime("%Y-%m-%d"),
                            facts_name=Path(facts_path).name, facts_sha256=facts_sha, files=files, draft=draft,
                            holdings=holdings, bases=bases)
            self._write(self.root / RECORDS / f"{number:06d}.json",
                        (json.dumps(record.__dict__, indent=1, sort_keys=True) + "\n").encode("utf-8"))
            self._prune(keep)
            return record

    def _store_bases(self, facts_path: Path, generation: Path) -> dict[str, str]:
        """Store each base file the build's facts extended (the manifest's ``facts_files`` after
        the first), as the matter names it; a base whose bytes are no longer those the build
        read is left out (the fact diff then compares without it)."""
        try:
            manifest = json.loads((generation / ".filings" / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        files = manifest.get("facts_files") if isinstance(manifest, dict) else None
        stored = {}
        for entry in (files if isinstance(files, list) else [])[1:]:
            if not isinstance(entry, dict):
                continue
            name, sha = entry.get("file"), entry.get("sha256")
            if not (isinstance(name, str) and is_base_name(name) and is_sha256(sha)):
                continue
            try:
                data = (facts_path.parent / name).read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest() == sha:
                stored[name] = self._store_bytes(data)
        return stored

    def _store_holdings(self, generation: Path) -> str | None:
        """Store the fingerprints of what ``generation`` holds besides its papers; their hash
        (None when it holds none: no exhibit, bundle or packet)."""
        from filings.pipeline.holdings import fingerprint

        found = fingerprint(generation)
        if not found:
            return None
        return self._store_bytes((json.dumps(found, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    def _store_file(self, path: Path) -> str:
        return self._store_bytes(path.read_bytes())

    def _store_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.object_path(sha)
        if self.read(sha) is None:  # absent, or other bytes under its name: written (again)
            self._write(target, data)
        return sha

    def _write(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self._check_inside(target.parent)
        private_folder(target.parent, top=self.root)  # past papers, confidential ones too: the user's alone
        _write_atomic(target, data)

    def _check_inside(self, folder: Path) -> None:
        """Refuse to write into ``folder`` when a link takes it out of the matter's folder."""
        try:
            # both absolute: a relative folder is already relative to the working folder, not to the matter
            resolve_inside(Path(_absolute(self.matter_root)), _absolute(folder), kind="folder")
        except (OutsideError, ValueError, OSError) as e:
            raise FilingsError(f"the matter's history cannot be written: {display_path(folder)} {e}; remove "
                               f"{HISTORY_DIR.as_posix()} (it holds only past builds)",
                               path=display_path(self.matter_root)) from None

    def _prune(self, keep: int) -> None:
        """Keep the newest ``keep`` records and the objects they name."""
        records = self.records()
        marked = set(self.marks().values())
        newest = {r.number for r in records[-keep:]} if keep > 0 else set()
        kept = [r for r in records if r.number in newest or r.number in marked]
        for old in records:
            if old not in kept:
                with contextlib.suppress(OSError):
                    (self.root / RECORDS / f"{old.number:06d}.json").unlink()
        wanted = {sha for r in kept for sha in r.files.values()} | {r.facts_sha256 for r in kept} | \
            {r.holdings for r in kept if r.holdings} | {sha for r in kept for sha in r.bases.values()}
        objects = self.root / OBJECTS
        if not objects.is_dir():
            return
        self._check_inside(objects)
        for path in objects.glob("*/*"):
            # only objects of ours: where a received history's link leads, nothing is ours to remove
            if path.name not in wanted and is_sha256(path.name) and not path.parent.is_symlink():
                with contextlib.suppress(OSError):
                    path.unlink()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Two builds into two output folders of one matter record one after the other."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._check_inside(self.root)
        private_folder(self.root, top=self.root.parent)
        try:  # not truncated, never through a link: a received matter may hold anything here
            fd = os.open(self.root / ".lock", os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise FilingsError(f"the matter's history cannot be locked ({e.strerror}); remove "
                               f"{HISTORY_DIR.as_posix()}/.lock", path=display_path(self.matter_root)) from None
        with os.fdopen(fd, "w") as lock:
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


def is_sha256(text: object) -> bool:
    """True when ``text`` is a SHA-256 as this package writes one: 64 lowercase hex digits."""
    return isinstance(text, str) and _SHA256.fullmatch(text) is not None


def parse_record(name: str, data: bytes) -> Record:
    """The record in ``data`` (the bytes of the record file ``name``) when it is as a build
    writes one; raises :class:`ValueError` saying what is wrong."""
    try:
        fields = json.loads(data.decode("utf-8"))
        record = Record(**fields)
    except (ValueError, TypeError):
        raise ValueError("it is not a record a build wrote") from None
    if type(record.number) is not int or name != f"{record.number:06d}.json":
        raise ValueError("its number is not its file's")
    texts = (record.out, record.recorded, record.build_date, record.facts_name)
    if not all(isinstance(t, str) for t in texts) or not isinstance(record.draft, bool):
        raise ValueError("it is not a record a build wrote")
    if not is_plain_relative(record.facts_name) or "/" in record.facts_name:
        raise ValueError(f"its facts file {record.facts_name!r} is not a file name")
    if not is_sha256(record.facts_sha256):
        raise ValueError("its facts file's hash is not 64 hex digits")
    if not isinstance(record.bases, dict) or not all(isinstance(n, str) and is_base_name(n) and is_sha256(s)
                                                     for n, s in record.bases.items()):
        raise ValueError("its base facts files are not named as a matter names them")
    if record.holdings is not None and not is_sha256(record.holdings):
        raise ValueError("its holdings' hash is not 64 hex digits")
    if not isinstance(record.files, dict):
        raise ValueError("it lists no files")
    for rel, sha in record.files.items():
        if not is_plain_relative(rel):
            raise ValueError(f"it names the file {rel!r}, which leaves the build folder")
        if not is_sha256(sha):
            raise ValueError(f"the hash of {rel} is not 64 hex digits")
    return record


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file (no link, pipe or device) of at most
    ``limit`` bytes; raises :class:`ValueError` otherwise."""
    try:  # O_NONBLOCK: opening a pipe must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise ValueError(f"it cannot be read ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a regular file")
        if limit is not None and info.st_size > limit:
            raise ValueError(f"it is larger than {limit:,} bytes")
        return f.read()


def _absolute(path: Path) -> str:
    return os.path.abspath(path)


def _write_atomic(target: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
