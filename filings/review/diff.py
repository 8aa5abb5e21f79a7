"""``filings diff``: what changed between two versions of a matter's papers, and why.

A version (:class:`Side`) is a folder of a build's outputs with the facts text it was built
from: a record of the matter's history (:mod:`filings.pipeline.history`, the default: the last two
builds), a build folder (``filings diff OLD NEW``; its facts are found in the history by the
hash its manifest records), or the matter at a git revision, built in a temporary
``git worktree`` that is removed afterwards. Papers are keyed by their path relative to the
build's folder without ``.docx`` (``complaint``, or ``public/complaint`` in a build with
subsets), so every DOCX of a build is a paper to compare.

The result (:class:`Diff`) holds the fact diff (:mod:`filings.review.factdiff`), each paper's status
with the facts that caused its change (the manifests' ``facts_read`` fingerprints, through
:func:`filings.pipeline.changes.paper_changes`), the exhibits added, removed or relabelled, and, after
:func:`write_diff`, a redline DOCX and PDF per changed paper (:mod:`filings.review.redline`) and the
summary as Markdown and HTML (:mod:`filings.review.summary`).
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from filings.pipeline.changes import causes_between
from filings.errors import FilingsError, display_path
from filings.review.factdiff import FactChange, fact_changes
from filings.pipeline.history import DIFF_MARK, History, recorded_files
from filings.papers.wording import exhibit_mark  # light: the context (the facts' schema) would cost a diff a third of a second

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


@dataclass
class PaperDiff:
    key: str
    status: str                       # added, removed, changed, unchanged
    causes: tuple[str, ...] = ()
    redline_docx: Path | None = None
    redline_pdf: Path | None = None
    revisions: int = 0


@dataclass
class ExhibitDiff:
    id: str
    status: str                       # added, removed, relabelled
    old_label: str | None = None
    new_label: str | None = None


@dataclass
class Diff:
    old: Side
    new: Side
    facts: list[FactChange] = field(default_factory=list)
    papers: list[PaperDiff] = field(default_factory=list)
    exhibits: list[ExhibitDiff] = field(default_factory=list)
    facts_known: bool = True          # both versions' facts were found

    @property
    def changed(self) -> bool:
        return bool(self.facts or self.exhibits or any(p.status != "unchanged" for p in self.papers))

    def summary_line(self) -> str:
        if not self.changed:
            return "no changes"
        changed = [p for p in self.papers if p.status != "unchanged"]
        return (f"{len(self.facts)} fact{'s' if len(self.facts) != 1 else ''} changed; "
                f"{len(changed)} of {len(self.papers)} papers changed"
                + (f": {', '.join(p.key for p in changed)}" if changed else "")
                + (f"; {len(self.exhibits)} exhibit{'s' if len(self.exhibits) != 1 else ''} changed"
                   if self.exhibits else ""))


# --------------------------------------------------------------------------- comparing

def compare(old: Side, new: Side) -> Diff:
    """Everything that differs between ``old`` and ``new``, without writing anything."""
    diff = Diff(old, new)
    diff.facts_known = old.facts_text is not None and new.facts_text is not None
    if diff.facts_known:
        diff.facts = fact_changes(old.facts_text, new.facts_text, new.facts_name)
    before, after = old.papers(), new.papers()
    causes = _causes(old.manifests(), new.manifests())
    for key, path in after.items():
        if key not in before:
            diff.papers.append(PaperDiff(key, "added"))
        elif _sha(before[key]) == _sha(path):
            diff.papers.append(PaperDiff(key, "unchanged"))
        else:
            diff.papers.append(PaperDiff(key, "changed", causes.get(key, ())))
    diff.papers += [PaperDiff(key, "removed") for key in before if key not in after]
    order = [prefix + name for side in (new, old) for prefix, m in sorted(side.manifests().items())
             for name in (m.get("papers") or {})]
    diff.papers.sort(key=lambda p: (order.index(p.key) if p.key in order else len(order), p.key))
    diff.exhibits = _exhibits(old, new)
    return diff


def _causes(old: dict[str, dict], new: dict[str, dict]) -> dict[str, tuple[str, ...]]:
    """Paper key → the facts (and ``template``) whose change made it change, per manifest."""
    found = {}
    for prefix in set(old) | set(new):
        for name, why in causes_between(old.get(prefix), new.get(prefix)).items():
            found[prefix + name] = why
    return found


def _exhibits(old: Side, new: Side) -> list[ExhibitDiff]:
    """Exhibits added, removed or relabelled (their position in the list is their label)."""
    def listed(side: Side) -> tuple[list[str], str]:
        manifest = side.manifests().get("", {})
        ids = [str(i) for i in manifest.get("exhibits") or []]
        return ids, _label_style(side.facts_text)

    (a, style_a), (b, style_b) = listed(old), listed(new)
    result = []
    for i, ident in enumerate(b):
        label = exhibit_mark(i, style_b)
        if ident not in a:
            result.append(ExhibitDiff(ident, "added", None, label))
        elif exhibit_mark(a.index(ident), style_a) != label:
            result.append(ExhibitDiff(ident, "relabelled", exhibit_mark(a.index(ident), style_a), label))
    result += [ExhibitDiff(ident, "removed", exhibit_mark(i, style_a), None) for i, ident in enumerate(a)
               if ident not in b]
    return result


def _label_style(facts_text: str | None) -> str:
    if facts_text is None:
        return "numbers"
    from filings.review.factdiff import load_text
    try:
        data, _ = load_text(facts_text)
    except FilingsError:
        return "numbers"
    bundle = data.get("bundle") if isinstance(data, dict) else None
    return "letters" if isinstance(bundle, dict) and bundle.get("labels") == "letters" else "numbers"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- writing

def write_diff(diff: Diff, out: Path, converter, *, progress: Progress = lambda _: None,
               warn: Progress = lambda _: None, confidential: Mapping[str, Iterable[str]] | None = None) -> Diff:
    """Write the redlines of every changed paper and the summary into ``out`` (replaced when
    an earlier diff made it; refused when it holds anything else). A public version's redline
    shows its old text too, which may hold a value confidential now (a fact tagged since): each
    public redline holding any of the ``confidential`` values is withheld, with a warning."""
    from filings import determinism
    from filings.review.redline import Pair, redline_all, redline_pdfs
    from filings.review.summary import write_summary

    _prepare(out)
    pairs = []
    old_papers, new_papers = diff.old.papers(), diff.new.papers()
    for paper in diff.papers:
        if paper.status == "changed":
            pairs.append(Pair(paper.key, old_papers[paper.key], new_papers[paper.key]))
    when = diff.new.date() or determinism.build_time()
    if pairs:
        progress(f"comparing {len(pairs)} paper{'s' if len(pairs) != 1 else ''}")
        docx = redline_all(pairs, out / "redline", when=when, warn=warn)
        progress(f"converting {len(docx)} redline{'s' if len(docx) != 1 else ''} to PDF with LibreOffice")
        with determinism.pinned_time(when):
            pdfs = redline_pdfs(docx, converter)
        for paper in diff.papers:
            if paper.key in docx:
                paper.redline_docx, paper.redline_pdf = docx[paper.key], pdfs[paper.key]
                paper.revisions = count_revisions(docx[paper.key])
        _withhold_public_leaks(diff, out / "redline", confidential or {}, warn)
    write_summary(diff, out)
    return diff


def _withhold_public_leaks(diff: Diff, redlines: Path, confidential: Mapping[str, Iterable[str]],
                           warn: Progress) -> None:
    """Remove each public redline in which the leak scan finds a confidential value."""
    public = redlines / "public"
    if not confidential or not public.is_dir():
        return
    from filings.court.leaks import scan_outputs

    report = scan_outputs(public, confidential, raise_on_leak=False)
    leaked = {(public / leak.file).with_suffix("") for leak in report.leaks}
    for paper in diff.papers:
        if paper.redline_docx is not None and paper.redline_docx.with_suffix("") in leaked:
            for made in (paper.redline_docx, paper.redline_pdf):
                if made is not None:
                    made.unlink(missing_ok=True)
            paper.redline_docx = paper.redline_pdf = None
            facts = sorted({leak.path for leak in report.leaks
                            if (public / leak.file).with_suffix("") == (redlines / paper.key)})
            warn(f"the redline of {paper.key} is withheld: it would show {', '.join(facts)}, confidential now; "
                 "compare the confidential version")


def count_revisions(docx: Path) -> int:
    """Tracked changes in a DOCX: insertions, deletions, moves and formatting changes."""
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return sum(xml.count(f"<w:{tag} ") for tag in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange"))


def _prepare(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FilingsError("cannot write the diff here: it is not a folder; choose another --out",
                           path=display_path(out))
    if out.is_dir() and any(out.iterdir()):
        if not (out / DIFF_MARK).is_file():
            raise FilingsError("cannot write the diff here: the folder holds files filings diff did not make; "
                               "choose a new or empty folder with --out", path=display_path(out))
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / DIFF_MARK).write_text("made by filings diff; replaced by the next diff into this folder\n",
                                 encoding="utf-8")


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


# --------------------------------------------------------------------------- the command

def run(facts_path: Path, build_out: Path, *, folders: list[Path] | None = None, revs: list[str] | None = None,
        out: Path | None = None, converter=None, templates_dir: Path | None = None,
        progress: Progress = lambda _: None, warn: Progress = lambda _: None) -> tuple[Diff, Path]:
    """``filings diff``: pick the two versions (history, folders or git revisions), compare
    them and write the redlines and the summary; return the diff and where it went."""
    folders, revs = list(folders or []), list(revs or [])
    if folders and revs:
        raise FilingsError("give two build folders or --rev, not both")
    if folders and len(folders) != 2:
        raise FilingsError("give two build folders to compare (filings diff OLD NEW), or none for the last two "
                           "builds")
    if len(revs) > 2:
        raise FilingsError("give --rev once (that revision against the working tree) or twice")
    with new_workdir() as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        if revs:
            sides = [_built_at(facts_path, rev, work, stack, converter, templates_dir, progress, warn)
                     for rev in revs]
            if len(sides) == 1:
                progress("building the working tree")
                _build(facts_path, build_out, converter, templates_dir, warn)
                sides.append(Side(f"working tree ({display_path(build_out)})", build_out,
                                  facts_path.read_text(encoding="utf-8"), facts_path.name))
            old, new = sides
        elif folders:
            old, new = (folder_side(f, facts_path.parent) for f in folders)
        else:
            old, new = history_sides(facts_path.parent, build_out, work)
        if out is None:
            out = build_out / "diff" if build_out.is_dir() else new.root / "diff" if folders else None
            if out is None:
                raise FilingsError("the matter has no build/ to write the diff into; give --out DIR",
                                   path=display_path(build_out))
        _refuse_inputs(facts_path, out, templates_dir)
        diff = compare(old, new)
        write_diff(diff, out, converter, progress=progress, warn=warn, confidential=_confidential(facts_path))
    return diff, out


def _refuse_inputs(facts_path: Path, out: Path, templates_dir: Path | None) -> None:
    """The diff goes where a build's outputs may: never over the facts, a template or an exhibit."""
    from filings.facts.schema import load_facts
    from filings.pipeline.outputs import check_output_folder
    from filings.pipeline.builder import _inputs, template_library

    try:
        matter = load_facts(facts_path)
    except FilingsError:
        return  # facts that cannot be read name no inputs: the folder checks below still hold
    check_output_folder(out, _inputs(matter, template_library(matter, templates_dir)))


def _confidential(facts_path: Path) -> Mapping[str, Iterable[str]]:
    """The values confidential in the matter's facts now (none when they cannot be read)."""
    from filings.court.confidential import secrets_of
    from filings.facts.schema import load_facts

    try:
        return secrets_of(load_facts(facts_path)).values
    except FilingsError:
        return {}


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
