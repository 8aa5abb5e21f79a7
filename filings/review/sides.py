"""The two versions ``filings diff`` compares (:class:`Side`), and where each comes from.

A version is a folder of a build's outputs with the facts text it was built from: a record
of the matter's history (:mod:`filings.pipeline.history`, the default: the last two builds),
a build folder (``filings diff OLD NEW``; its facts are found in the history by the hash its
manifest records), or the matter at a git revision, built in a temporary ``git worktree``
that is removed afterwards (and, should a diff be killed before it could, by the next
``--rev``). Papers are keyed by their path relative to the build's folder
without ``.docx`` (``complaint``, or ``public/complaint`` in a build with subsets), so every
DOCX of a build is a paper to compare.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from filings.errors import FilingsError, display_path
from filings.limits import DEFAULT_LIMITS
from filings.paths import resolve_inside
from filings.paths import is_base_name
from filings.pipeline.history import History, Record, is_sha256, read_regular_file, recorded_files

MANIFEST_TAIL = (".filings", "manifest.json")

Progress = Callable[[str], None]


@dataclass
class Side:
    """One version: a folder holding its DOCX papers and manifests, and its facts."""

    label: str
    root: Path
    facts_text: str | None = None
    facts_name: str = "facts.yaml"
    record: Record | None = None          # the history's record, for a recorded build
    recorded_holdings: dict | None = None  # its holdings' fingerprints, as recorded
    name: str | None = None               # a short name for a review folder's name
    facts_bases: dict[str, str] | None = None  # the base files the facts extend, as the matter names them → text

    @property
    def short(self) -> str:
        """The version in a review folder's name: ``r12``, a folder's name, a revision."""
        return f"r{self.record.number}" if self.record is not None else self.name or self.root.name

    def holdings(self) -> dict:
        """What the build holds besides its papers (:mod:`filings.pipeline.holdings`): recorded
        for a build of the history, read from the folder otherwise."""
        if self.record is not None:
            return self.recorded_holdings or {}
        if not hasattr(self, "_holdings"):
            from filings.pipeline.holdings import fingerprint
            self._holdings = fingerprint(self.root)
        return self._holdings

    def papers(self) -> dict[str, Path]:
        """key (path relative to the build without .docx) → DOCX."""
        return {rel[:-len(".docx")]: self.root / rel for rel in recorded_files(self.root)
                if rel.lower().endswith(".docx")}

    def manifests(self) -> dict[str, dict]:
        """prefix of the papers a manifest describes ("" or "public/") → the manifest."""
        found = {}
        for rel in recorded_files(self.root):
            parts = Path(rel).parts
            if parts[-2:] == MANIFEST_TAIL:
                try:
                    data = json.loads((self.root / rel).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                prefix = "/".join(parts[:-2])
                found[prefix + "/" if prefix else ""] = data if isinstance(data, dict) else {}
        return found

    def date(self) -> dt.datetime | None:
        """The date the build stamped (its DOCX core properties), for the redline's revisions."""
        for docx in self.papers().values():
            with contextlib.suppress(OSError, KeyError, ValueError, zipfile.BadZipFile):
                with zipfile.ZipFile(docx) as z:
                    core = z.read("docProps/core.xml").decode("utf-8")
                start = core.index("<dcterms:modified")
                text = core[core.index(">", start) + 1:core.index("</dcterms:modified>")]
                return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return None


# --------------------------------------------------------------------------- versions

def history_sides(matter_root: Path, out_dir: Path, work: Path,
                  warn: Progress = lambda _: None) -> tuple[Side, Side]:
    """The last two builds into ``out_dir`` that the matter's history holds whole, checked out
    in ``work``; each damaged record (or one whose files are lost) is skipped with a warning."""
    history = History(matter_root, warn)
    sides: list[Side] = []
    for record in reversed(history.records(out_dir)):
        try:
            sides.insert(0, record_side(history, record, work))
        except FilingsError as e:
            warn(f"{e}; skipped")
        if len(sides) == 2:
            break
    if len(sides) < 2:
        have = "one build" if sides else "no build"
        raise FilingsError(f"the matter's history has {have} into {display_path(out_dir)} to compare; build "
                           "again after a change, or name two build folders (filings diff OLD NEW) or a git "
                           "revision (filings diff --rev HEAD~1)", path=display_path(history.root))
    return sides[0], sides[1]


def record_side(history: History, record: Record, work: Path) -> Side:
    """A recorded build checked out in ``work`` (its papers and manifests) with its facts and
    holdings as recorded; a :class:`FilingsError` when its files are lost or damaged."""
    root = work / f"build-{record.number}"
    if not root.is_dir():
        try:
            history.checkout(record, root)
        except FilingsError:
            shutil.rmtree(root, ignore_errors=True)
            raise
    text = history.read(record.facts_sha256)
    with contextlib.suppress(UnicodeDecodeError):
        text = text.decode("utf-8") if text is not None else None
    label = record.label + "".join(f" [{name}]" for name, n in sorted(history.marks().items())
                                   if n == record.number)
    side = Side(label, root, text if isinstance(text, str) else None, record.facts_name, record,
                history.holdings(record))
    side.facts_bases = base_texts(history, record.bases)
    return side


def base_texts(history: History, named: dict[str, str]) -> dict[str, str] | None:
    """The texts of base facts files by their names, from the history's objects; None when one
    is lost (the fact diff then reads the facts file alone)."""
    texts = {}
    for name, sha in named.items():
        data = history.read(sha)
        try:
            texts[name] = data.decode("utf-8")
        except (AttributeError, UnicodeDecodeError):
            return None
    return texts


def folder_side(folder: Path, matter_root: Path | None) -> Side:
    """A build folder (a link to one is followed: ``build/`` is a link to the current
    generation); its facts from the matter's history (by the manifest's hash) or from the
    facts file it names, when that file is still the same."""
    name = display_path(folder)
    if folder.is_symlink() and not folder.exists():
        raise FilingsError(f"{name}: not a build (build is a link; copy with cp -rL): {name} is a link to "
                           f"{os.readlink(folder)}, which no longer exists")
    if not folder.is_dir():
        raise FilingsError(f"{name}: not a build (no such folder); name two folders that builds made")
    side = Side(f"build folder {name}", folder.resolve())
    side.name = folder.name
    manifest = side.manifests().get("")
    if manifest is None:
        raise FilingsError(f"{name}: not a build (it has no .filings/manifest.json); name a folder a build made, "
                           "or a copy of one made with cp -rL")
    sha, named = manifest.get("facts_sha256"), manifest.get("facts")
    if isinstance(named, str):
        side.facts_name = Path(named).name
    if isinstance(sha, str) and matter_root is not None:
        # The manifest is untrusted: its hash names an object only when it is one (History.read
        # checks), and the facts file it names is read only inside the matter's folder.
        data = History(matter_root).read(sha)
        if data is None and isinstance(named, str):
            data = _facts_inside(matter_root, named)
        files = manifest.get("facts_files") if isinstance(manifest.get("facts_files"), list) else []
        own = files[0].get("sha256") if files and isinstance(files[0], dict) else None
        if data is None and is_sha256(own) and len(files) > 1:  # facts that extend a base: the file's own hash
            data, sha = History(matter_root).read(own), own
        if data is not None and hashlib.sha256(data).hexdigest() == sha:
            with contextlib.suppress(UnicodeDecodeError):
                side.facts_text = data.decode("utf-8")
        bases = {f.get("file"): f.get("sha256") for f in files[1:] if isinstance(f, dict)}
        if all(isinstance(n, str) and is_base_name(n) and is_sha256(s) for n, s in bases.items()):
            side.facts_bases = base_texts(History(matter_root), bases)
    return side


def _facts_inside(matter_root: Path, named: str) -> bytes | None:
    """The bytes of the facts file a manifest names, when it is a file of the matter's folder
    no larger than a facts file may be; None otherwise."""
    try:
        path = resolve_inside(matter_root, named)
        return read_regular_file(path, DEFAULT_LIMITS.facts_bytes)
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def revision_tree(facts_path: Path, rev: str, work: Path) -> Iterator[Path]:
    """The matter's facts file as it is at git revision ``rev``, in a temporary worktree
    (removed on leaving, whatever happens)."""
    folder = facts_path.resolve().parent
    top = Path(_git(folder, "rev-parse", "--show-toplevel").strip())
    remove_stale_worktrees(top)
    commit = _git(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    tree = work / f"rev-{commit[:12]}"
    while tree.exists():  # the same revision twice
        tree = tree.with_name(tree.name + "-again")
    _git(top, "worktree", "add", "--detach", str(tree), commit)
    try:
        yield tree / facts_path.resolve().relative_to(top)
    finally:
        with contextlib.suppress(FilingsError):
            _git(top, "worktree", "remove", "--force", str(tree))
        shutil.rmtree(tree, ignore_errors=True)
        with contextlib.suppress(FilingsError):
            _git(top, "worktree", "prune")


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise FilingsError("git is not installed; install git to compare revisions") from None
    except subprocess.TimeoutExpired:
        raise FilingsError(f"git {args[0]} did not finish within 120 s") from None
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        if args[:1] == ("rev-parse",) and "--show-toplevel" in args:
            message = "the matter is not in a git repository; --rev compares git revisions"
        elif "--verify" in args:
            message = f"no such git revision '{args[-1].split('^')[0]}'"
        raise FilingsError(f"git: {message}", path=display_path(folder))
    return done.stdout


WORKDIR_PREFIX = "filings-diff-"
WORKDIR_LOCK = ".filings-diff.lock"  # held while a diff runs: its worktrees are in use


@contextlib.contextmanager
def new_workdir() -> Iterator[str]:
    """A new temporary folder for one diff, locked while the diff runs (see
    :func:`remove_stale_worktrees`), removed afterwards; yields its path."""
    with tempfile.TemporaryDirectory(prefix=WORKDIR_PREFIX) as tmp:
        with open(Path(tmp) / WORKDIR_LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # taken before any worktree is added in it
            yield tmp


def remove_stale_worktrees(top: Path) -> None:
    """Remove the worktrees of repository ``top`` that an earlier ``filings diff --rev`` left
    registered (killed with ``kill -9``, it could not remove them): those in a temporary folder
    of ours whose diff no longer runs. Worktrees a user made are never touched."""
    with contextlib.suppress(FilingsError):
        for tree in _diff_worktrees(_git(top, "worktree", "list", "--porcelain")):
            if _in_use(tree.parent):
                continue
            with contextlib.suppress(FilingsError):
                _git(top, "worktree", "remove", "--force", str(tree))
            shutil.rmtree(tree.parent, ignore_errors=True)


def _diff_worktrees(listing: str) -> list[Path]:
    """The worktrees in ``git worktree list --porcelain`` output that a diff made: ``rev-*``
    in a ``filings-diff-*`` folder of the temporary folder."""
    temp = Path(os.path.realpath(tempfile.gettempdir()))
    trees = [Path(line[len("worktree "):]) for line in listing.splitlines() if line.startswith("worktree ")]
    return [tree for tree in trees if tree.name.startswith("rev-") and tree.parent.name.startswith(WORKDIR_PREFIX)
            and Path(os.path.realpath(tree.parent.parent)) == temp]


def _in_use(workdir: Path) -> bool:
    """True when a running diff holds the lock of ``workdir``."""
    try:
        lock = open(workdir / WORKDIR_LOCK, "rb")
    except OSError:
        return False  # no folder or no lock: no diff runs there (a diff locks before it adds a worktree)
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        return False


def _built_at(facts_path: Path, rev: str, work: Path, stack: contextlib.ExitStack, converter,
              templates_dir: Path | None, progress: Progress, warn: Progress) -> Side:
    """The matter at ``rev``, built in a temporary worktree (removed when ``stack`` closes)."""
    progress(f"building the matter at git revision {rev}")
    tree_facts = stack.enter_context(revision_tree(facts_path, rev, work))
    out = tree_facts.parent / "build"
    _build(tree_facts, out, converter, templates_dir, warn)
    return Side(f"git {rev}", out.resolve(), tree_facts.read_text(encoding="utf-8"), tree_facts.name, name=rev)


def _build(facts_path: Path, out: Path, converter, templates_dir: Path | None, warn: Progress) -> None:
    from filings.pipeline import builder as pipeline

    pipeline.build(facts_path, out, converter=converter, templates_dir=templates_dir, warn=warn)
