"""``filings diff``: what changed between two versions of a matter's filings, and why.

The two versions (:class:`filings.review.sides.Side`) are two records of the matter's history
(the last two, or a marked or numbered one and the latest: ``--since``, without rebuilding),
two build folders or the matter at git revisions (:mod:`filings.review.sides`).

The result (:class:`Diff`) holds the fact diff (:mod:`filings.review.factdiff`), each paper's
and letter's status with the facts that caused its change (paired across the confidential
split, :mod:`filings.review.pairing`), what else the filing holds (each exhibit, the bundle,
the packets: :mod:`filings.review.holdings`) and, after :func:`write_diff`, a redline DOCX and
PDF per changed paper (:mod:`filings.review.redline`) and the summaries
(:mod:`filings.review.summary`): a public one beside the public redlines, and a confidential
one in the review folder's ``confidential/`` when the diff has a confidential side. The
review folder is ``MATTER/reviews/DATE-FROM-TO/``, which no build replaces.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from filings.errors import FilingsError, display_path
from filings.pipeline.history import DIFF_MARK, History
from filings.review.counts import count_revisions, paper_revisions
from filings.review.factdiff import FactChange, fact_changes
from filings.review.holdings import HoldingDiff, compare_holdings, listed_exhibits
from filings.review.pairing import causes, is_letter, letter_causes, manifest_entries, pair, said_in_words, side_of, split
from filings.review.sides import Progress, Side, _build, _built_at, folder_side, history_sides, new_workdir

__all__ = ["PaperDiff", "Diff", "compare", "write_diff", "count_revisions", "run", "compare_builds"]
REVIEWS = "reviews"


@dataclass
class PaperDiff:
    key: str                          # the paper in the new version (in the old, when removed)
    status: str                       # added, removed, changed, unchanged
    causes: tuple[str, ...] = ()
    redline_docx: Path | None = None
    redline_pdf: Path | None = None
    revisions: int = 0
    old_key: str | None = None        # the paper it is compared with, when another (across the split)
    side: str = ""                    # "public", "confidential", or "" (a paper both versions share)
    withheld: bool = False            # its public redline would show a value confidential now
    template: str | None = None       # its template, as the new build's manifest names it
    because: tuple[str, ...] = ()     # its causes in words, with file:line (filings.review.attribution)

    @property
    def reasons(self) -> tuple[str, ...]:
        """What a reviewer reads: the causes in words, else the paths the build read."""
        return self.because or self.causes

    @property
    def public(self) -> bool:
        return self.side != "confidential" and split(self.key)[0] != "confidential"

    @property
    def name(self) -> str:
        """The paper in messages and in its folder of redlines: its key, or ``confidential/BASE`` for
        the confidential side of a paper compared across the split (unique in a diff)."""
        return self.key if self.public else f"confidential/{split(self.key)[1]}"

    @property
    def shown(self) -> str:
        """The paper as a summary names it: ``public/complaint (was complaint)``."""
        return self.key if self.old_key in (None, self.key) else f"{self.key} (was {self.old_key})"


@dataclass
class Diff:
    old: Side
    new: Side
    facts: list[FactChange] = field(default_factory=list)
    papers: list[PaperDiff] = field(default_factory=list)
    holdings: list[HoldingDiff] = field(default_factory=list)
    facts_known: bool = True          # both versions' facts were found

    @property
    def confidential_side(self) -> bool:
        """True when a summary of the confidential version is due: a confidential paper, holding or fact."""
        return any(not p.public for p in self.papers) or any(f.confidential for f in self.facts) or \
            any(h.side == "confidential" or split(h.name)[0] == "confidential" for h in self.holdings)

    @property
    def changed(self) -> bool:
        return bool(self.facts or self.holdings or any(p.status != "unchanged" for p in self.papers))

    def summary_line(self) -> str:
        if not self.changed:
            return "no changes"
        changed = [p for p in self.papers if p.status != "unchanged"]
        line = (f"{len(self.facts)} fact{'s' if len(self.facts) != 1 else ''} changed; "
                f"{len(changed)} of {len(self.papers)} papers changed"
                + (f": {', '.join(dict.fromkeys(p.key for p in changed))}" if changed else ""))
        kinds: dict[str, dict[str, int]] = {}
        for h in self.holdings:
            kinds.setdefault(h.kind, {}).setdefault(h.status, 0)
            kinds[h.kind][h.status] += 1
        for kind, statuses in kinds.items():
            line += f"; {kind}s: " + ", ".join(f"{n} {status}" for status, n in statuses.items())
        return line


# --------------------------------------------------------------------------- comparing

def compare(old: Side, new: Side) -> Diff:
    """Everything that differs between ``old`` and ``new``, without writing anything."""
    diff = Diff(old, new)
    diff.facts_known = old.facts_text is not None and new.facts_text is not None
    if diff.facts_known:
        diff.facts = fact_changes(old.facts_text, new.facts_text, new.facts_name, old_bases=old.facts_bases,
                                  new_bases=new.facts_bases)
    # each changed fact by its place in the build's paths (exhibits.2.title) and by its id-path
    fact_paths = list(dict.fromkeys(p for f in diff.facts for p in (*f.places, f.path)))
    before, after = old.papers(), new.papers()
    old_manifests, new_manifests = old.manifests(), new.manifests()
    old_entries, new_entries = manifest_entries(old_manifests), manifest_entries(new_manifests)
    for p in pair(before, after):
        side = side_of(p)
        if p.old is None:
            diff.papers.append(PaperDiff(p.new, "added", side=side))
        elif p.new is None:
            diff.papers.append(PaperDiff(p.old, "removed", side=side))
        elif _sha(before[p.old]) == _sha(after[p.new]):
            diff.papers.append(PaperDiff(p.new, "unchanged", old_key=p.old, side=p.side))
        else:
            why = letter_causes(old_manifests, new_manifests, p, fact_paths) if is_letter(p.new) else \
                causes(old_entries.get(p.old), new_entries.get(p.new))
            entry = new_entries.get(p.new) or {}
            diff.papers.append(PaperDiff(p.new, "changed", why, old_key=p.old, side=p.side,
                                         template=entry.get("template") if isinstance(entry.get("template"), str)
                                         else None))
    order = [prefix + name for side in (new, old) for prefix, m in sorted(side.manifests().items())
             for name in (m.get("papers") or {})]
    rank = {key: n for n, key in reversed(list(enumerate(order)))}
    diff.papers.sort(key=lambda p: (rank.get(p.key, rank.get(split(p.key)[1], len(order))), split(p.key)[1],
                                    not p.public, p.key))
    old_holdings, new_holdings = old.holdings(), new.holdings()
    if old_holdings and new_holdings:
        diff.holdings = compare_holdings(old_holdings, new_holdings, fact_paths)
    else:  # a version recorded before holdings were: its exhibits by the manifest's list
        ids = [[str(i) for i in (side.manifests().get("", {}).get("exhibits") or [])] for side in (old, new)]
        diff.holdings = listed_exhibits(ids[0], old.facts_text, ids[1], new.facts_text)
    said_in_words(diff)
    return diff


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- writing

def write_diff(diff: Diff, out: Path, converter, *, progress: Progress = lambda _: None,
               warn: Progress = lambda _: None, confidential: Mapping[str, Iterable[str]] | None = None,
               legend: str = "CONFIDENTIAL VERSION") -> Diff:
    """Write the redlines of every changed paper and the summaries into ``out`` (replaced when
    an earlier diff made it; refused when it holds anything else): the public redlines in
    ``redline/``, the confidential ones in ``confidential/redline/``. A public redline shows its
    old text too, which may hold a value confidential now (a fact tagged since): each public
    redline holding any of the ``confidential`` values is withheld, with a warning; the public
    summary is scanned too, and a leak in it is an error (nothing of it is left)."""
    from filings import determinism
    from filings.review.redline import Pair, redline_all, redline_pdfs
    from filings.review.summary import write_summaries

    _prepare(out)
    old_papers, new_papers = diff.old.papers(), diff.new.papers()
    changed = [p for p in diff.papers if p.status == "changed"]
    when = diff.new.date() or determinism.build_time()
    if changed:
        progress(f"comparing {len(changed)} paper{'s' if len(changed) != 1 else ''}")
        docx = {}
        for public, folder in ((True, out / "redline"), (False, out / "confidential" / "redline")):
            group = [p for p in changed if p.public == public]
            if not group:
                continue
            if not public:
                _private(out / "confidential", out)
            # each paper by its own name: public/motion in redline/, motion in confidential/redline/
            names = {p.name: (p.key if public else split(p.key)[1]) for p in group}
            made = redline_all([Pair(names[p.name], old_papers[p.old_key or p.key], new_papers[p.key]) for p in group],
                               folder, when=when, warn=warn)
            docx.update({name: made[key] for name, key in names.items() if key in made})
        progress(f"converting {len(docx)} redline{'s' if len(docx) != 1 else ''} to PDF with LibreOffice")
        with determinism.pinned_time(when):
            pdfs = redline_pdfs(docx, converter, causes={p.name: p.reasons for p in changed},
                                versions=(diff.old.label, diff.new.label))
        for paper in changed:
            if paper.name in docx:
                paper.redline_docx, paper.redline_pdf = docx[paper.name], pdfs.get(paper.name)
                paper.revisions = paper_revisions(docx[paper.name], old_papers[paper.old_key or paper.key],
                                                  new_papers[paper.key])
        _withhold_public_leaks(diff, out, confidential or {}, warn)
    write_summaries(diff, out, confidential or {}, legend)
    return diff


def _withhold_public_leaks(diff: Diff, out: Path, confidential: Mapping[str, Iterable[str]],
                           warn: Progress) -> None:
    """Remove each public redline (of ``public/`` and of the unsplit papers) in which the leak
    scan finds a confidential value."""
    if not confidential or not (out / "redline").is_dir():
        return
    from filings.court.leaks import scan_outputs

    report = scan_outputs(out, confidential, raise_on_leak=False, skip=("confidential",))
    leaked: dict[Path, set[str]] = {}
    for leak in report.leaks:
        leaked.setdefault((out / leak.file).with_suffix(""), set()).add(leak.path)
    for paper in diff.papers:
        if paper.redline_docx is not None and paper.redline_docx.with_suffix("") in leaked:
            facts = sorted(leaked[paper.redline_docx.with_suffix("")])
            for made in (paper.redline_docx, paper.redline_pdf):
                if made is not None:
                    made.unlink(missing_ok=True)
            paper.redline_docx = paper.redline_pdf = None
            paper.withheld = True
            warn(f"the public redline of {paper.shown} is withheld: it would show {', '.join(facts)}, confidential "
                 "now; its confidential redline is in confidential/redline/")


def _private(folder: Path, top: Path) -> None:
    from filings.private import private_folder

    private_folder(folder, top=top)


def _prepare(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FilingsError("cannot write the diff here: it is not a folder; choose another --out",
                           path=display_path(out))
    for above in Path(out).resolve().parents:
        if (above / ".filings" / "manifest.json").is_file():
            raise FilingsError(f"cannot write the diff inside a build ({display_path(above)}): the next build "
                               "replaces it; choose a folder outside (by default the matter's reviews/)",
                               path=display_path(out))
    if out.is_dir() and any(out.iterdir()):
        if not (out / DIFF_MARK).is_file():
            raise FilingsError("cannot write the diff here: the folder holds files filings diff did not make; "
                               "choose a new or empty folder with --out", path=display_path(out))
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    _private(out, out)
    (out / DIFF_MARK).write_text("made by filings diff; replaced by the next diff into this folder\n",
                                 encoding="utf-8")


# --------------------------------------------------------------------------- the command

def run(facts_path: Path, build_out: Path, *, folders: list[Path] | None = None, revs: list[str] | None = None,
        since: str | None = None, until: str | None = None, out: Path | None = None, converter=None,
        templates_dir: Path | None = None, progress: Progress = lambda _: None,
        warn: Progress = lambda _: None) -> tuple[Diff, Path]:
    """``filings diff``: pick the two versions (history, a mark, folders or git revisions),
    compare them and write the redlines and the summaries; return the diff and where it went."""
    folders, revs = list(folders or []), list(revs or [])
    if sum(map(bool, (folders, revs, since or until))) > 1:
        raise FilingsError("give two build folders, --rev or --since, not two of them")
    if folders and len(folders) != 2:
        raise FilingsError("give two build folders to compare (filings diff OLD NEW), or none for the last two "
                           "builds")
    if len(revs) > 2:
        raise FilingsError("give --rev once (that revision against the working tree) or twice")
    matter_root = facts_path.parent
    with new_workdir() as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        if revs:
            sides = [_built_at(facts_path, rev, work, stack, converter, templates_dir, progress, warn)
                     for rev in revs]
            if len(sides) == 1:
                progress("building the working tree")
                _build(facts_path, build_out, converter, templates_dir, warn)
                sides.append(Side(f"working tree ({display_path(build_out)})", build_out,
                                  facts_path.read_text(encoding="utf-8"), facts_path.name, name="working-tree"))
            old, new = sides
        elif folders:
            old, new = (folder_side(f, matter_root) for f in folders)
            for folder in folders:
                if folder.is_symlink() and folder.resolve() != Path(build_out).resolve():
                    warn(f"{display_path(folder)} is a link to {display_path(folder.resolve())}, a build's "
                         "generation, which the next builds remove; keep a copy with cp -rL build NAME")
        elif since or until:
            old, new = _recorded_sides(matter_root, build_out, since, until, work, warn)
        else:
            old, new = history_sides(matter_root, build_out, work, warn)
        out = out if out is not None else review_folder(matter_root, old, new)
        matter = _load(facts_path)
        _refuse_inputs(matter, out, templates_dir)
        diff = compare(old, new)
        secrets, legend = _confidential(matter)
        for f in diff.facts:  # a value confidential in either version of the facts
            if f.confidential and f.status != "moved":  # a moved item's values are its places
                secrets.setdefault(f.path, []).extend(v for v in (f.old, f.new) if v)
        write_diff(diff, out, converter, progress=progress, warn=warn, confidential=secrets, legend=legend)
    return diff, out


def compare_builds(facts_path: Path, build_out: Path, old: str | int, new: str | int | None = None, *,
                   out: Path | None = None, converter=None, progress: Progress = lambda _: None,
                   warn: Progress = lambda _: None) -> tuple[Diff, Path]:
    """Compare two recorded builds of the matter's history, each named by its number or a mark
    (``new``: the latest build when not given), without rebuilding; write the redlines and
    summaries (into the matter's ``reviews/`` unless ``out``) and return the diff and where."""
    return run(facts_path, build_out, since=str(old), until=None if new is None else str(new), out=out,
               converter=converter, progress=progress, warn=warn)


def _recorded_sides(matter_root: Path, build_out: Path, since: str | None, until: str | None, work: Path,
                    warn: Progress) -> tuple[Side, Side]:
    from filings.review.marks import resolve
    from filings.review.sides import record_side

    history = History(matter_root, warn)
    latest = history.records(build_out)[-1:]
    newest = resolve(history, build_out, until) if until or not latest else latest[0]
    oldest = resolve(history, build_out, since) if since else newest
    return record_side(history, oldest, work), record_side(history, newest, work)


def review_folder(matter_root: Path, old: Side, new: Side) -> Path:
    """``MATTER/reviews/DATE-FROM-TO``: today's date and the two versions' short names."""
    return named_review(matter_root, old.short, new.short)


def named_review(matter_root: Path, *names: str, joiner: str = "-") -> Path:
    """``MATTER/reviews/DATE-NAME-NAME``: the review folder of a matter, never through a link."""
    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:40] or "build"
    folder = Path(matter_root) / REVIEWS
    if folder.is_symlink():
        raise FilingsError(f"{display_path(folder)} is a link; the reviews stay in the matter's folder: remove "
                           "the link or give --out")
    return folder / f"{dt.date.today().isoformat()}-{joiner.join(clean(n) for n in names)}"


def _load(facts_path: Path):
    """The matter as its facts are now, or None when they cannot be read."""
    from filings.facts.load import load_facts

    try:
        return load_facts(facts_path)
    except FilingsError:
        return None


def _refuse_inputs(matter, out: Path, templates_dir: Path | None) -> None:
    """The diff goes where a build's outputs may: never over the facts, a template or an exhibit
    (facts that cannot be read name no inputs: the folder checks of :func:`_prepare` still hold)."""
    from filings.pipeline.outputs import check_output_folder
    from filings.pipeline.builder import _inputs, template_library

    if matter is not None:
        check_output_folder(out, _inputs(matter, template_library(matter, templates_dir)))


def _confidential(matter) -> tuple[dict[str, list[str]], str]:
    """The values confidential in the matter's facts now (none when they cannot be read), and
    the confidential version's legend."""
    from filings.court.confidential import secrets_of

    if matter is None:
        return {}, "CONFIDENTIAL VERSION"
    values = {path: list(texts) for path, texts in secrets_of(matter).values.items()}
    return values, str(matter.facts.settings.confidential_legend)
