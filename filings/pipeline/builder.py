"""The build: facts → DOCX drafts → PDFs → packets and exhibit bundle, all or nothing.

Every output is written to a new generation of the output folder and published in one
atomic step only when the whole build has succeeded (:mod:`filings.pipeline.outputs`), so a failed
or killed build leaves the last good outputs as they were. All DOCX files of a build
(papers and exhibits) go through one LibreOffice run. Each filing's papers are merged into
its packet (:mod:`filings.facts.plan`), its certificate of service last.

This module holds the flow, top to bottom; each set's papers and bundle are built in
:mod:`filings.pipeline.versionbuild` (:mod:`filings.pipeline.bundles`,
:mod:`filings.pipeline.packets`), the warnings are :mod:`filings.pipeline.cautions` and the
manifest :mod:`filings.pipeline.manifest`.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from typing import TYPE_CHECKING

from filings import determinism
from filings.papers.context import build_context
from filings.errors import FactsError, FilingsError, Problem, TemplateError
from filings.papers.depends import fingerprints, index_nodes
from filings.errors import display_path
from filings.facts.load import load_facts
from filings.facts.schema import Matter
from filings.limits import DEFAULT_LIMITS, Limits
from filings.pipeline.outputs import STATE_DIR, Input, OutputFolder, Progress, check_output_folder
from filings.facts.plan import Plan, plan_papers, select_papers
from filings.convert.cache import PdfCache
from filings.papers.library import TemplateLibrary
from filings.court.confidential import secrets_of
from filings.pipeline.versions import warn_unexpected_split, plan_sets
from filings.pipeline.built import BuiltPaper, SetResult
from filings.pipeline.cautions import (_warn_private, one_line, _warn_removed, _warn_unauthenticated, _warn_uncited,
                                       _warn_unsent, warn_plan)
from filings.pipeline.manifest import _previous_papers, _unchanged, _write_manifest, built_by_another_toolkit, said_library
from filings.pipeline.packets import packets_of_set
from filings.pipeline.tables import settle_tables
from filings.pipeline.conversion import _convert
from filings.pipeline.versionbuild import _SetBuild, _carry, _quiet, _reads_of_all

# Rendering (docxtpl, Jinja), PDF work (pikepdf, pypdf), the exhibit pipeline and the
# converter are imported where they are used: a build with nothing to make again, the
# common case while an attorney edits, must not pay for loading them.
if TYPE_CHECKING:
    from filings.papers.wordcount import WordCount
    from filings.court.leaks import LeakReport
    from filings.exhibits.bundle import BundleResult
    from filings.convert.libreoffice import Converter


@dataclass
class BuildResult:
    """What a build made, what it warned about, and how long it took."""

    papers: list[BuiltPaper]
    packets: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    bundle: BundleResult | None = None
    warnings: list[str] = field(default_factory=list)
    bundle_kept: dict | None = None  # the last build's bundle, kept: its manifest entry
    bundle_reads: dict[str, str] = field(default_factory=dict)  # facts the exhibit templates read
    packet_keys: dict[str, str] = field(default_factory=dict)  # what each packet is made of
    unchanged: bool = False  # nothing changed: nothing was written
    sets: list[SetResult] = field(default_factory=list)  # each set's bundle (one, or two versions)
    leak_scan: LeakReport | None = None  # what the public version's scan read
    draft: bool = False  # every paper's PDF stamped DRAFT (--draft)
    recorded: int | None = None  # the number of this build's record in the matter's history

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.papers)

    def summary(self) -> str:
        """One line: papers, pages, exhibits, seconds."""
        parts = []
        if self.papers:
            made = [b for b in self.papers if not b.carried]
            kept = len(self.papers) - len(made)
            packet = (f"packet{'s' if len(self.packets) > 1 else ''} {', '.join(map(str, self.packets))}"
                      if self.packets else "no packet until every paper is built")
            papers = f"{len(made)} paper{'s' if len(made) != 1 else ''}"
            if kept:
                papers += f"{' (' + ', '.join(b.key for b in made) + ')' if made else ''}, " \
                          f"kept {kept} from the last build"
            parts.append(f"{papers}, {self.pages} pages, {packet}")
        if self.bundle:
            n = len(self.bundle.exhibits)
            parts.append(f"{n} exhibit{'s' if n != 1 else ''}, {self.bundle.total_pages} pages, "
                         f"bundle {self.bundle.path}")
        elif self.bundle_kept:
            n = int(self.bundle_kept.get("exhibits", 0))
            parts.append(f"{n} exhibit{'s' if n != 1 else ''}, {self.bundle_kept.get('pages', 0)} pages, "
                         "bundle kept from the last build")
        if any(s.output.version for s in self.sets):
            split = list(dict.fromkeys(b.paper.name for b in self.papers if b.prefix))
            if any(s.output.version and s.output.bundle for s in self.sets):
                split.append("the exhibit bundle")
            parts.append(f"{', '.join(split)} in confidential/ and public/ versions")
        if self.leak_scan is not None:
            parts.append(f"the public outputs {self.leak_scan.describe()}")
        warned = f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        if self.unchanged:
            return f"nothing changed since the last build; its outputs stay as they are{warned}, in {self.seconds:.1f} s"
        return f"built {'; '.join(parts) or 'nothing'}{warned}, in {self.seconds:.1f} s"


def build(facts_path: Path, out_dir: Path, *, only: str | None = None, papers: bool = True,
          templates_dir: Path | None = None, converter: Converter | None = None,
          strict: bool = False, progress: Progress = _quiet, warn: Progress = _quiet,
          limits: Limits = DEFAULT_LIMITS, force: bool = False, draft: bool = False) -> BuildResult:
    """Build the matter in ``facts_path`` into ``out_dir``: papers, packets and exhibit bundle.

    Only what changed is made again: a paper whose template and every fact it read are as
    they were is kept from the last build (same bytes, same time), and so are a packet whose
    papers are all kept and a bundle whose exhibits are; ``force`` makes everything again.
    When nothing changed, nothing is written. ``draft`` stamps every page of every paper
    DRAFT with the build's date and the paper's short content hash (:mod:`filings.pipeline.draft`);
    it is part of what a kept paper must match. ``only`` builds one paper and keeps the others
    from the last build; ``papers=False``
    builds the bundle and rebuilds only the papers it made stale (a renumbered exhibit).
    The outputs are published all at once when everything succeeded; until then, and
    after any failure, ``out_dir`` holds the last complete build. Warnings go to
    ``warn``; with ``strict`` any warning fails the build.
    """
    started = time.perf_counter()
    progress(f"reading facts from {facts_path}")
    matter = load_facts(facts_path)
    legal_checks(matter)
    # Every date a build stamps (DOCX properties, PDF metadata) is the case's filing date, or
    # SOURCE_DATE_EPOCH: the same facts give the same bytes.
    with determinism.pinned_time(determinism.time_for(matter.facts.case.filed.as_date())):
        return _build(matter, Path(out_dir), started, only=only, papers=papers, templates_dir=templates_dir,
                      converter=converter, strict=strict, progress=progress, warn=warn, limits=limits,
                      force=force, draft=draft)


def _build(matter: Matter, out_dir: Path, started: float, *, only: str | None, papers: bool,
           templates_dir: Path | None, converter: Converter | None, strict: bool, progress: Progress,
           warn: Progress, limits: Limits, force: bool, draft: bool = False) -> BuildResult:
    plan, context = plan_build(matter)
    applicable = list(plan.papers)
    chosen = select_papers(applicable, only, matter.facts) if papers else []
    with_bundle = only is None and bool(matter.facts.exhibits)
    if not papers and not with_bundle:
        raise FilingsError("the facts list no exhibits, so there is no bundle to build; add them under "
                           "'exhibits:'", path=matter.path)
    library = template_library(matter, templates_dir)
    check_own_templates(matter, library)
    check_output_folder(Path(out_dir), _inputs(matter, library))
    index = index_nodes(context)
    folder = OutputFolder(Path(out_dir))
    result = BuildResult([], draft=draft)

    def warning(message: str) -> None:
        message = one_line(message)  # every warning one line (an OCR failure's traceback joined)
        result.warnings.append(message)
        warn(message)

    try:
        with folder.generation(progress, limits.lock_seconds) as gen:
            before = _previous_papers(gen)
            shelf = said_library(gen, matter, library, applicable, strict, warning)  # before anything is replaced
            force = force or built_by_another_toolkit(gen, progress)
            from filings.pipeline.drafts import edited_leak, pick_up, save_merged, warn_unused
            edits = pick_up(matter.root, gen, Path(out_dir), before, progress, warning)
            _warn_private(matter, warning)
            if chosen:
                warn_plan(matter, plan, warning, progress)
            reads: dict[str, set[str]] = {}  # what each template read, when something is confidential

            def render_all(tmp: Path) -> dict[str, set[str]]:
                reads.update(_reads_of_all(matter, library, context, limits, applicable, tmp))
                return reads
            sets = plan_sets(matter, context, render_all, applicable)
            if reads:  # redaction follows the fact that was tagged: a value that merely equals one stops the build
                from filings.court.twins import check_twins
                check_twins(matter, reads, secrets_of(matter))
            if any(o.version for o in sets):
                split = [p.name for p in applicable if any(o.version and o.holds(p.name) for o in sets)]
                progress(f"confidential facts: a confidential and a public version of {', '.join(split) or 'the bundle'}")
                warn_unexpected_split(matter, split, warning)
            redraft = bool((gen.previous_manifest() or {}).get("draft")) != draft  # never carry a draft stamp over
            states = [_SetBuild(o, gen, library, context, limits, matter, edits, warning, plan.filings) for o in sets]
            warn_unused(edits, {o.prefix + p.name for o in sets for p in applicable if o.holds(p.name)}, warning)
            counts: dict[str, WordCount] = {}  # the court counts the confidential version: both certify it
            for state in states:
                held = state.output.holds
                state.render([p for p in applicable if held(p.name)], [p for p in chosen if held(p.name)], before,
                             index, papers=papers, only=only, force=force, with_bundle=with_bundle and state.output.bundle,
                             progress=progress, redraft=redraft, counts=counts)
                state.plan_bundle(matter, progress)
            for state in [st for st in states if st.exhibits_renderer is not None][:1]:  # both versions warn alike
                _warn_removed(state.exhibits_renderer, state.sources, warning)
                _warn_unsent(matter, state.exhibits_renderer, state.sources, warning)
            for state in states:
                if state.renderer is not None and not (state.output.version and state.output.version.public):
                    _warn_removed(state.renderer, [], warning)
            built = [b for st in states for b in st.built]
            cache = None if force else PdfCache(gen.path.parent / "cache" / "pdf", warning)
            _convert(built, [src for st in states for src in st.sources], gen.path / STATE_DIR, converter, progress,
                     cache=cache)
            settle_tables(built, lambda b: _convert([b], [], gen.path / STATE_DIR, converter, progress, cache=cache),
                          progress, warning)  # a brief's tables: the pages of its headings and authorities
            if draft and built:
                from filings.pipeline.draft import stamp_drafts
                progress("stamping DRAFT on every page")
                stamp_drafts([b.pdf for b in built], determinism.build_time())
            for state in states:
                for b in state.built:
                    b.facts = fingerprints(index, b.reads)
                for paper in state.carried:
                    result.papers.append(_carry(gen, paper, state.before[paper.name], state.output.prefix))
                    if paper.name in state.stale:
                        warning(f"{paper.name} is out of date with the facts ({', '.join(state.stale[paper.name][:3])} "
                                "changed); run a full build")
            order = {p.name: i for i, p in enumerate(applicable)}
            result.papers = sorted(result.papers + built, key=lambda b: (b.prefix, order[b.paper.name]))
            if result.papers and only is None and matter.facts.exhibits:
                _warn_uncited(matter, result.papers, warning, plan)  # and cited again without a docket reference
                _warn_unauthenticated(matter, result.papers, warning)
            for state in states:
                result.sets.append(state.finish(matter, context, warning, progress))
            for state in states:  # after the bundles: a packet holds the exhibits its filing files
                packets, keys = packets_of_set(plan, state.output, result.papers, gen, context, progress, force, matter.facts)
                result.packets += packets
                result.packet_keys.update(keys)
            first = next((s for s in result.sets if s.output.bundle), result.sets[0])
            result.bundle, result.bundle_kept, result.bundle_reads = first.bundle, first.bundle_kept, first.bundle_reads
            shutil.rmtree(gen.path / STATE_DIR / "sources", ignore_errors=True)
            for state in states:
                shutil.rmtree(state.staging, ignore_errors=True)
            if strict and result.warnings:
                raise FilingsError(problems=[Problem(f"--strict: {w}") for w in result.warnings])
            _write_manifest(gen.path, matter, result.papers, plan, result.sets, packet_keys=result.packet_keys,
                            draft=result.draft, edits=edits, library=shelf)
            if _unchanged(gen, result.papers, result.sets):  # the outputs published last time, scanned then
                progress("nothing changed; the outputs stay as they are")
                result.unchanged = True
                folder.discard(gen)
            else:
                secrets = secrets_of(matter)
                if secrets or any(st.output.version for st in states):  # every output but confidential/
                    from filings.court.leaks import scan_outputs
                    from filings.court.twins import scanned_values
                    progress("scanning the public outputs for confidential values")
                    try:
                        result.leak_scan = scan_outputs(gen.path, scanned_values(matter, secrets), limits=limits,
                                                        locate=matter.locate_fact, skip=("confidential", STATE_DIR),
                                                        shown_as="")
                    except FilingsError as e:
                        raise edited_leak(e, edits) from e
                progress("publishing")
                folder.publish(gen)
                save_merged(edits, gen.path, warning)
                result.recorded = _remember(matter, gen.path, Path(out_dir), draft, warning)
    except OSError as e:  # a disk that is full or fails: the last good outputs stay as they were
        raise FilingsError(f"cannot write the outputs: {e.strerror or e}"
                           f"{' (' + display_path(e.filename) + ')' if e.filename else ''}; free some space or "
                           "choose another --out; the last complete build is unchanged", path=out_dir) from e
    _relocate(result, gen.path, Path(out_dir))
    result.seconds = time.perf_counter() - started
    return result


def _remember(matter: Matter, generation: Path, out_dir: Path, draft: bool, warn: Progress) -> int | None:
    """Record the published build in the matter's history (:mod:`filings.pipeline.history`), for
    ``filings diff``; a history that cannot be written is a warning, never a failed build."""
    from filings.pipeline.history import History

    try:
        record = History(matter.root).record(matter.path, generation, out_dir, determinism.build_time(),
                                             keep=matter.facts.settings.history, draft=draft)
    except OSError as e:
        warn(f"the build was not recorded in the matter's history ({e.strerror or e}); "
             "filings diff cannot compare with it")
        return None
    return record.number if record else None


def plan_build(matter: Matter) -> tuple[Plan, Mapping[str, Any]]:
    """The papers and filings of ``matter`` and the context they render from (which holds
    the filings, so a certificate of service can name its papers)."""
    plan = plan_papers(matter.facts, build_context(matter))
    return plan, build_context(matter, plan.filings)


def legal_checks(matter: Matter) -> None:
    """What the facts themselves show the papers cannot say: an action filed after its time bar
    (the complaint would allege a timely action its facts contradict)."""
    from filings.court.deadlines import limitation_problems

    problems = limitation_problems(matter)
    if problems:
        raise FactsError(problems=problems)


def check_own_templates(matter: Matter, library: TemplateLibrary) -> None:
    """Every template of the matter's own papers is on the search path; each that is not is
    named with its line in the facts file."""
    problems = []
    for i, entry in enumerate(matter.facts.papers or []):
        if entry.template is None:
            continue
        try:
            library.find(entry.template)
        except TemplateError as e:
            folders = ", ".join(display_path(f) for f in library.closed_folders())
            missing = e.problems[0].message.startswith("template not found")
            message = (f"no template '{entry.template}' on the template search path ({folders}); put it in the "
                       "matter's templates/ folder") if missing else e.problems[0].message
            problems.append(Problem(f"papers.{i}.template: {message}", matter.source.file_of(("papers", i, "template")),
                                    matter.source.line_of(("papers", i, "template"))))
    if problems:
        raise FactsError(problems=problems)


def template_library(matter: Matter, templates_dir: Path | None = None) -> TemplateLibrary:
    """The matter's template search path: its own, the firm's (``templates_dir``, the
    environment or the facts' setting), the shipped ones."""
    return TemplateLibrary.for_facts(matter, templates_dir)


def _inputs(matter: Matter, library: TemplateLibrary) -> list[Input]:
    """What a build reads: no output may be written over any of it."""
    inputs = [Input("the facts file", matter.path), Input("the matter folder", matter.root)]
    inputs += [Input("the templates folder", folder, closed=True) for folder in library.closed_folders()]
    inputs += [Input(f"exhibit '{e.id}'", matter.root / f) for e in matter.facts.exhibits
               for f in (e.file, e.sent_copy) if f]
    return inputs


def _relocate(result: BuildResult, generation: Path, out_dir: Path) -> None:
    """Report the published outputs by the folder the user named, not the generation."""
    def moved(path: Path) -> Path:
        return out_dir / path.relative_to(generation)
    for b in result.papers:
        b.docx, b.pdf = moved(b.docx), moved(b.pdf) if b.pdf else None
    result.packets = [moved(p) for p in result.packets]
    for bundle in [s.bundle for s in result.sets if s.bundle] or ([result.bundle] if result.bundle else []):
        bundle.path = moved(bundle.path)
        for e in bundle.exhibits:
            e.files = [moved(f) for f in e.files]
