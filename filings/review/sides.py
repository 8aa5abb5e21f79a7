"""The two versions ``filings diff`` compares (:class:`Side`), and where each comes from.

A version is a folder of a build's outputs with the facts text it was built from: a record
of the matter's history (:mod:`filings.pipeline.history`, the default: the last two builds),
a build folder (``filings diff OLD NEW``; its facts are found in the history by the hash its
manifest records), or the matter at a git revision, built in a temporary ``git worktree``
that is removed afterwards. Papers are keyed by their path relative to the build's folder
without ``.docx`` (``complaint``, or ``public/complaint`` in a build with subsets), so every
DOCX of a build is a paper to compare.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from filings.errors import FilingsError, display_path
from filings.pipeline.history import History, recorded_files

MANIFEST_TAIL = (".filings", "manifest.json")

Progress = Callable[[str], None]


@dataclass
class Side:
    """One version: a folder holding its DOCX papers and manifests, and its facts."""

    label: str
    root: Path
    facts_text: str | None = None
    facts_name: str = "facts.yaml"

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

def history_sides(matter_root: Path, out_dir: Path, work: Path) -> tuple[Side, Side]:
    """The last two builds into ``out_dir`` that the matter's history holds, checked out in ``work``."""
    history = History(matter_root)
    records = history.records(out_dir)
    if len(records) < 2:
        have = "one build" if records else "no build"
        raise FilingsError(f"the matter's history has {have} into {display_path(out_dir)} to compare; build "
                           "again after a change, or name two build folders (filings diff OLD NEW) or a git "
                           "revision (filings diff --rev HEAD~1)", path=display_path(history.root))
    sides = []
    for record in records[-2:]:
        root = history.checkout(record, work / f"build-{record.number}")
        text = history.read(record.facts_sha256)
        sides.append(Side(record.label, root, text.decode("utf-8") if text is not None else None, record.facts_name))
    return sides[0], sides[1]


def folder_side(folder: Path, matter_root: Path | None) -> Side:
    """A build folder; its facts from the matter's history (by the manifest's hash) or from
    the facts file it names, when that file is still the same."""
    if not folder.is_dir():
        raise FilingsError("no such build folder; name two folders that builds made", path=display_path(folder))
    side = Side(f"build folder {display_path(folder)}", folder)
    manifest = side.manifests().get("")
    if manifest is None:
        raise FilingsError("not a build folder (it has no .filings/manifest.json); name a folder a build made",
                           path=display_path(folder))
    sha, named = manifest.get("facts_sha256"), manifest.get("facts")
    if isinstance(named, str):
        side.facts_name = Path(named).name
    if isinstance(sha, str):
        for root in filter(None, [matter_root, Path(named).parent if isinstance(named, str) else None]):
            data = History(root).read(sha)
            if data is not None:
                side.facts_text = data.decode("utf-8")
                break
        if side.facts_text is None and isinstance(named, str):
            with contextlib.suppress(OSError):
                data = Path(named).read_bytes()
                if hashlib.sha256(data).hexdigest() == sha:
                    side.facts_text = data.decode("utf-8")
    return side


@contextlib.contextmanager
def revision_tree(facts_path: Path, rev: str, work: Path) -> Iterator[Path]:
    """The matter's facts file as it is at git revision ``rev``, in a temporary worktree
    (removed on leaving, whatever happens)."""
    folder = facts_path.resolve().parent
    top = Path(_git(folder, "rev-parse", "--show-toplevel").strip())
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


def new_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="filings-diff-")


def _built_at(facts_path: Path, rev: str, work: Path, stack: contextlib.ExitStack, converter,
              templates_dir: Path | None, progress: Progress, warn: Progress) -> Side:
    """The matter at ``rev``, built in a temporary worktree (removed when ``stack`` closes)."""
    progress(f"building the matter at git revision {rev}")
    tree_facts = stack.enter_context(revision_tree(facts_path, rev, work))
    out = tree_facts.parent / "build"
    _build(tree_facts, out, converter, templates_dir, warn)
    return Side(f"git {rev}", out.resolve(), tree_facts.read_text(encoding="utf-8"), tree_facts.name)


def _build(facts_path: Path, out: Path, converter, templates_dir: Path | None, warn: Progress) -> None:
    from filings.pipeline import builder as pipeline

    pipeline.build(facts_path, out, converter=converter, templates_dir=templates_dir, warn=warn)
