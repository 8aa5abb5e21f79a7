"""``filings diff``: what changed between two versions of a matter's papers, and why.

The two versions (:class:`filings.review.sides.Side`) are two records of the matter's history,
two build folders or the matter at git revisions (:mod:`filings.review.sides`).

The result (:class:`Diff`) holds the fact diff (:mod:`filings.review.factdiff`), each paper's status
with the facts that caused its change (the manifests' ``facts_read`` fingerprints, through
:func:`filings.pipeline.changes.paper_changes`), the exhibits added, removed or relabelled, and, after
:func:`write_diff`, a redline DOCX and PDF per changed paper (:mod:`filings.review.redline`) and the
summary as Markdown and HTML (:mod:`filings.review.summary`).
"""
from __future__ import annotations

import contextlib
import hashlib
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from filings.pipeline.changes import causes_between
from filings.errors import FilingsError, display_path
from filings.review.factdiff import FactChange, fact_changes
from filings.pipeline.history import DIFF_MARK
from filings.papers.wording import exhibit_mark  # light: the context (the facts' schema) would cost a diff a third of a second
from filings.review.sides import Progress, Side, _build, _built_at, folder_side, history_sides, new_workdir


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
    """Remove each public redline (of ``public/`` and of the unsplit papers at the top) in which the
    leak scan finds a confidential value."""
    public = redlines
    if not confidential or not public.is_dir():
        return
    from filings.court.leaks import scan_outputs

    report = scan_outputs(public, confidential, raise_on_leak=False, skip=("confidential",))
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
            old, new = history_sides(facts_path.parent, build_out, work, warn)
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
    from filings.facts.load import load_facts
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
    from filings.facts.load import load_facts

    try:
        return secrets_of(load_facts(facts_path)).values
    except FilingsError:
        return {}
