"""The build: facts → DOCX drafts → PDFs → packets and exhibit bundle, all or nothing.

Every output is written to a new generation of the output folder and published in one
atomic step only when the whole build has succeeded (:mod:`filings.pipeline.outputs`), so a failed
or killed build leaves the last good outputs as they were. All DOCX files of a build
(papers and exhibits) go through one LibreOffice run. Each filing's papers are merged into
its packet (:mod:`filings.facts.plan`), its certificate of service last.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from typing import TYPE_CHECKING

from filings import determinism
from filings.papers.context import build_context, filing_for
from filings.errors import ConversionError, FactsError, FilingsError, Problem, TemplateError
from filings.papers.depends import changed, fingerprints, index_nodes
from filings.errors import display_path
from filings.facts.schema import Matter, load_facts
from filings.limits import DEFAULT_LIMITS, Limits
from filings.paths import link_or_copy
from filings.pipeline.outputs import MANIFEST, STATE_DIR, Generation, Input, OutputFolder, check_output_folder
from filings.facts.plan import Filing, Paper, Plan, plan_papers, select_papers, with_partners
from filings.convert.cache import PdfCache
from filings.papers.library import TemplateLibrary
from filings.facts.citations import counted_days, resolve
from filings.facts.rules import Rules, rules_for
from filings.papers.typeset import typeset_text
from filings.typography import smart_quotes
from filings.court.confidential import Version, confidential_exhibits, secrets_of, shown, showing
from filings.pipeline.versions import SINGLE, OutputSet, plan_sets

# Rendering (docxtpl, Jinja), PDF work (pikepdf, pypdf), the exhibit pipeline and the
# converter are imported where they are used: a build with nothing to make again, the
# common case while an attorney edits, must not pay for loading them.
if TYPE_CHECKING:
    from filings.papers.wordcount import WordCount
    from filings.court.leaks import LeakReport
    from filings.exhibits.bundle import BundleResult, ExhibitPdf
    from filings.convert.libreoffice import Converter
    from filings.exhibits.sources import ExhibitSource
    from filings.papers.render import Renderer

BUNDLE = "exhibit-bundle.pdf"
EXHIBITS_DIR = "exhibits"
LETTERS_DIR = "letters"  # drafts of correspondence made by templates; never exhibits themselves
DEMONSTRATIVE = "Demonstrative \u2014 prepared for this filing"

Progress = Callable[[str], None]


@dataclass
class BuiltPaper:
    """A paper made by a build, with the facts it read."""

    paper: Paper
    docx: Path
    pdf: Path | None = None
    pages: int = 0
    reads: set[str] = field(default_factory=set)
    template_sha256: str = ""
    facts: dict[str, str] = field(default_factory=dict)  # each fact read → fingerprint of its value
    carried: bool = False  # kept from the last build, not rebuilt
    prefix: str = ""  # the set it belongs to: "" (the only one), "confidential/" or "public/"

    @property
    def key(self) -> str:
        """Its name in the manifest: the set's folder and the paper's name."""
        return self.prefix + self.paper.name

    @property
    def pdf_sha256(self) -> str:
        """The hash of the paper's PDF: what a packet holding it is made of."""
        return _sha256(self.pdf) if self.pdf else ""


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
            parts.append("in confidential/ and public/ versions (the public one scanned: no confidential "
                         "value in it)")
        warned = f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        if self.unchanged:
            return f"nothing changed since the last build; its outputs stay as they are{warned}, in {self.seconds:.1f} s"
        return f"built {'; '.join(parts) or 'nothing'}{warned}, in {self.seconds:.1f} s"


@dataclass
class SetResult:
    """What a build made of one set: its bundle, made or kept, and what it read."""

    output: OutputSet
    bundle: BundleResult | None = None
    bundle_kept: dict | None = None
    bundle_reads: dict[str, str] = field(default_factory=dict)
    bundle_key: str = ""


def _quiet(_: str) -> None:
    pass


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
        result.warnings.append(message)
        warn(message)

    try:
        with folder.generation(progress, limits.lock_seconds) as gen:
            before = _previous_papers(gen)
            _warn_private(matter, warning)
            if chosen:
                _warn_unfiled(plan, warning)
                _warn_counted_days(matter, warning)
            sets = plan_sets(matter, context, lambda tmp: _reads_of_all(matter, library, context, limits,
                                                                        applicable, tmp))
            if sets[0].version:
                progress("confidential facts: building a confidential and a public version")
            redraft = bool((gen.previous_manifest() or {}).get("draft")) != draft  # never carry a draft stamp over
            states = [_SetBuild(o, gen, library, context, limits, matter) for o in sets]
            counts: dict[str, WordCount] = {}  # the court counts the confidential version: both certify it
            for state in states:
                state.render(applicable, chosen, before, index, papers=papers, only=only, force=force,
                             with_bundle=with_bundle, progress=progress, redraft=redraft, counts=counts)
                state.plan_bundle(matter, progress)
            for state in states[:1]:  # both versions warn alike: say it once
                if state.exhibits_renderer is not None:
                    _warn_removed(state.exhibits_renderer, state.sources, warning)
                    _warn_unsent(matter, state.exhibits_renderer, state.sources, warning)
                if state.renderer is not None:
                    _warn_removed(state.renderer, [], warning)
            built = [b for st in states for b in st.built]
            _convert(built, [src for st in states for src in st.sources], gen.path / STATE_DIR, converter, progress,
                     cache=None if force else PdfCache(gen.path.parent / "cache" / "pdf"))
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
            for state in states:
                prefix = state.output.prefix
                with showing(state.output.version):
                    packets, keys = _packets(plan, [b for b in result.papers if b.prefix == prefix],
                                             gen.path / prefix, context, progress,
                                             keep=_previous_packets(gen, prefix) if not force else {}, prefix=prefix)
                result.packets += packets
                result.packet_keys.update(keys)
            if result.papers and only is None and matter.facts.exhibits:
                _warn_uncited(matter, result.papers, warning)
                _warn_unauthenticated(matter, result.papers, warning)
            for state in states:
                result.sets.append(state.finish(matter, context, warning, progress))
            first = result.sets[0]
            result.bundle, result.bundle_kept, result.bundle_reads = first.bundle, first.bundle_kept, first.bundle_reads
            shutil.rmtree(gen.path / STATE_DIR / "sources", ignore_errors=True)
            for state in states:
                shutil.rmtree(state.staging, ignore_errors=True)
            if strict and result.warnings:
                raise FilingsError(problems=[Problem(f"--strict: {w}") for w in result.warnings])
            _write_manifest(gen.path, matter, result.papers, plan, result)
            if _unchanged(gen, result):  # the outputs published last time, scanned then
                progress("nothing changed; the outputs stay as they are")
                result.unchanged = True
                folder.discard(gen)
            else:
                for public in [st.output for st in states if st.output.version and st.output.version.public]:
                    from filings.court.leaks import scan_outputs
                    progress("scanning the public version for confidential values")
                    result.leak_scan = scan_outputs(gen.path / public.prefix, secrets_of(matter).values,
                                                    limits=limits, locate=matter.locate_fact)
                progress("publishing")
                folder.publish(gen)
                result.recorded = _remember(matter, gen.path, Path(out_dir), draft, warning)
    except OSError as e:  # a disk that is full or fails: the last good outputs stay as they were
        raise FilingsError(f"cannot write the outputs: {e.strerror or e}"
                           f"{' (' + display_path(e.filename) + ')' if e.filename else ''}; free some space or "
                           "choose another --out; the last complete build is unchanged", path=out_dir) from e
    _relocate(result, gen.path, Path(out_dir))
    result.seconds = time.perf_counter() - started
    return result


class _SetBuild:
    """One set of outputs on its way: the papers it renders and carries, its exhibits, its bundle."""

    def __init__(self, output: OutputSet, gen: Generation, library: TemplateLibrary, context: Mapping[str, Any],
                 limits: Limits, matter: Matter):
        self.output, self.gen, self.library, self.context, self.limits = output, gen, library, context, limits
        self.matter = matter
        self.renderer: Renderer | None = None  # made when a paper is rendered: a build that keeps every
        self.exhibits_renderer: Renderer | None = None  # paper need not load docxtpl
        self.built: list[BuiltPaper] = []
        self.carried: list[Paper] = []
        self.sources: list[ExhibitSource] = []
        self.before: dict[str, dict] = {}
        self.stale: dict[str, list[str]] = {}
        self.kept: dict | None = None
        self.with_bundle = False
        self.bundle_key = ""
        self.reads: dict[str, str] = {}
        self.force, self.index = False, {}
        self.staging = gen.path / STATE_DIR / f"sources{'-' + output.version.name if output.version else ''}"
        (gen.path / output.prefix).mkdir(parents=True, exist_ok=True)

    def render(self, applicable: list[Paper], chosen: list[Paper], before: dict[str, dict], index: dict, *,
               papers: bool, only: str | None, force: bool, with_bundle: bool, progress: Progress,
               redraft: bool = False, counts: dict | None = None) -> None:
        """Render the papers that changed (or were chosen) and plan the exhibits, if the bundle changed."""
        prefix = self.output.prefix
        self.before = {k[len(prefix):]: e for k, e in before.items()
                       if k.startswith(prefix) and "/" not in k[len(prefix):]}
        self.stale = {name: changed(index, entry["facts_read"]) or ["its template"]
                      for name, entry in self.before.items() if _is_stale(entry, index, self.library)}
        if redraft:
            self.stale.update({name: ["--draft"] for name in self.before})
        if not papers:  # the bundle alone: rebuild the papers whose citations it changed
            chosen = [p for p in applicable if p.name in self.stale]
        elif only is None and not force:  # only what changed
            chosen = [p for p in applicable if p.name in self.stale or p.name not in self.before]
        chosen = with_partners(applicable, chosen)  # a motion and its certificate of compliance together
        self.carried = [p for p in applicable if p not in chosen and p.name in self.before]
        if chosen:
            from filings.papers.render import Renderer
            self.renderer = Renderer(self.library, self.context, self.limits, locate_fact=self.matter.locate_fact,
                                     version=self.output.version)
            self.built = render_papers(self.renderer, chosen, self.gen.path / prefix, progress,
                                       rules_for(self.matter.facts), prefix=prefix, counts=counts)
        self.with_bundle = with_bundle
        self.force, self.index = force, index

    def plan_bundle(self, matter: Matter, progress: Progress) -> None:
        """Keep the last bundle of this set when nothing it is made of changed; else plan its exhibits."""
        if not self.with_bundle:
            return
        prefix = self.output.prefix
        self.bundle_key = _bundle_key(matter, self.context, self.library, self.output)
        self.kept = _kept_bundle(self.gen, self.bundle_key, self.index, self.output) \
            if self.bundle_key and not self.force else None
        if self.kept is not None:
            self.gen.carry(prefix + EXHIBITS_DIR)
            self.gen.carry(prefix + LETTERS_DIR)
            self.with_bundle = False
            return
        from filings.exhibits.sources import plan_exhibits
        from filings.papers.render import Renderer
        progress(f"preparing {len(matter.facts.exhibits)} exhibits{self._of()}")
        self.exhibits_renderer = Renderer(self.library, self.context, self.limits, folder=f"{EXHIBITS_DIR}/",
                                          locate_fact=matter.locate_fact, version=self.output.version,
                                          header_legend=False)
        self.sources = plan_exhibits(matter, self.staging, self.exhibits_renderer,
                                     letters=self.gen.path / prefix / LETTERS_DIR)
        self.reads = fingerprints(self.index, self.exhibits_renderer.read_paths)

    def _of(self) -> str:
        return f" ({self.output.version.name} version)" if self.output.version else ""

    def finish(self, matter: Matter, context: Mapping[str, Any], warning: Progress, progress: Progress) -> SetResult:
        """Assemble this set's bundle (or carry the last one over)."""
        out = SetResult(self.output, bundle_kept=self.kept, bundle_reads=self.reads, bundle_key=self.bundle_key)
        prefix = self.output.prefix
        if self.with_bundle:
            from filings.exhibits.sources import images_to_pdf
            from filings.pipeline.versions import stamp_legend
            progress(f"assembling the exhibit bundle{self._of()}")
            images_to_pdf(self.sources)
            with showing(self.output.version):
                out.bundle = _bundle(matter, context, self.sources, self.gen.path / prefix / EXHIBITS_DIR, warning,
                                     self.output.version, self.staging)
            if self.output.version:  # every page of the bundle and of each exhibit's file says which version
                stamp_legend(self.gen.path / prefix / EXHIBITS_DIR, self.output.version,
                             matter.facts.bundle.bates.position, self.staging / "legend")
        elif self.kept is None:
            self.gen.carry(prefix + EXHIBITS_DIR)
            self.gen.carry(prefix + LETTERS_DIR)
        return out


def _reads_of_all(matter: Matter, library: TemplateLibrary, context: Mapping[str, Any], limits: Limits,
                  papers: list[Paper], folder: Path) -> set[str]:
    """Every fact the papers and the exhibit templates read, rendered plainly into ``folder``."""
    from filings.exhibits.sources import _template_subject
    from filings.papers.render import Renderer
    renderer = Renderer(library, context, limits, locate_fact=matter.locate_fact)
    reads: set[str] = set()
    for b in render_papers(renderer, papers, folder):
        reads |= b.reads
    exhibits = Renderer(library, context, limits, folder=f"{EXHIBITS_DIR}/", locate_fact=matter.locate_fact)
    for i, e in enumerate(matter.facts.exhibits):
        if e.template:
            reads |= exhibits.render(e.template, folder / f"exhibit-{i + 1:03d}.docx",
                                     extra=_template_subject(context, e.id))
    return reads


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


def _warn_private(matter: Matter, warn: Progress) -> None:
    """Rule 5.2: what the facts or the exhibits show that a filing may show only in part."""
    from filings.court.privacy import privacy_findings

    for finding in privacy_findings(matter):
        warn(str(finding))


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
            problems.append(Problem(f"papers.{i}.template: {message}", matter.path,
                                    matter.source.line_of(("papers", i, "template"))))
    if problems:
        raise FactsError(problems=problems)


def _warn_unfiled(plan: Plan, warn: Progress) -> None:
    """A paper in no filing is built but is in no packet: probably a filing that forgot it."""
    for name in plan.unfiled:
        warn(f"the paper '{name}' is in no filing, so it is in no packet; add it to the papers of a filing")


def _packets(plan: Plan, built: list[BuiltPaper], out: Path, context: Mapping[str, Any],
             progress: Progress, keep: Mapping[str, str], prefix: str = "") -> tuple[list[Path], dict[str, str]]:
    """Merge each filing's papers into its packet, one bookmark per paper; a filing whose
    papers are not all built (``--only`` after a build that lacked one) gets none. A packet
    whose key (its title, and each paper's bookmark and PDF) is in ``keep`` is kept as it was."""
    by_name = {b.paper.name: b for b in built}
    packets, keys = [], {}
    for filing in plan.filings:
        papers = [by_name.get(p.name) for p in filing.papers]
        if not papers or None in papers:
            continue
        packet, title, name = out / filing.packet, _packet_title(filing, context), prefix + filing.packet
        keys[name] = _key([title] + [[shown(b.paper.title), b.pdf_sha256] for b in papers])
        packets.append(packet)
        if keep.get(name) == keys[name] and packet.exists():
            continue
        if packet.exists():  # carried from the last build but out of date: a new file, not the linked one
            packet.unlink()
        progress(f"assembling the packet {name}")
        from filings.pipeline import pdf
        pdf.merge([pdf.Part(b.pdf, shown(b.paper.title)) for b in papers], packet, title=title)
    return packets, keys


def _previous_packets(gen: Generation, prefix: str = "") -> dict[str, str]:
    """The last build's packets of the set in ``prefix`` that may be kept: each carried over now,
    with its key."""
    keys = (gen.previous_manifest() or {}).get("packet_keys") or {}
    return {name: key for name, key in keys.items() if isinstance(key, str) and name.startswith(prefix)
            and "/" not in name[len(prefix):] and gen.carry(name) is not None}


def _key(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
                          .encode("utf-8")).hexdigest()


def _bundle_key(matter: Matter, context: Mapping[str, Any], library: TemplateLibrary,
                output: OutputSet = SINGLE) -> str:
    """What the bundle is made of, besides the facts its templates read: every exhibit's facts
    (and label and date, as the index and covers print them), each file's and template's
    size and time, the bundle settings and the caption."""
    exhibits = []
    for e, node in zip(matter.facts.exhibits, context["exhibits"]._items):
        try:
            source = [_signature(matter.inside(f)) for f in (e.file, e.sent_copy) if f]
            if e.template:
                source.append(_signature(library.find(f"{EXHIBITS_DIR}/{e.template}").path))
        except (OSError, ValueError, FilingsError):
            return ""  # an exhibit that cannot be read: the bundle is made again, and says why
        exhibits.append([e.model_dump(mode="json"), node._data["mark"], str(node._data["date"] or ""), source])
    case = context["case"]
    key = [exhibits, matter.facts.bundle.model_dump(mode="json"), case._data["title"], matter.facts.case.court_no]
    if output.version:  # the version's legend and brackets, and which exhibits are confidential
        key += [repr(output.version), sorted(confidential_exhibits(matter)),
                [repr(getattr(n._data["title"], "spans", "")) for n in context["exhibits"]._items]]
    return _key(key)


def _signature(path: Path) -> list:
    """A file's size and modification time, as make and ninja compare them: hashing every
    exhibit (hundreds of MB in a large matter) on every build would put the bundle's whole
    size on the path of a one-fact rebuild. A file replaced keeping both: ``--force``."""
    stat = path.stat()
    return [str(path), stat.st_size, stat.st_mtime_ns]


def _kept_bundle(gen: Generation, key: str, index: dict, output: OutputSet = SINGLE) -> dict | None:
    """The last build's bundle of the set, when nothing it is made of has changed (None: make it again)."""
    bundle = (gen.previous_manifest() or {}).get(output.bundle_entry)
    if not isinstance(bundle, dict) or bundle.get("key") != key or not isinstance(bundle.get("reads"), dict):
        return None
    if changed(index, bundle["reads"]) or gen.previous is None or \
            not (gen.previous / output.prefix / EXHIBITS_DIR).is_dir():
        return None
    return bundle


def _unchanged(gen: Generation, result: BuildResult) -> bool:
    """True when this build made nothing new: every output is the last build's, as it was."""
    if gen.previous is None or any(not b.carried for b in result.papers) or \
            any(s.bundle is not None for s in result.sets):
        return False
    ours = (gen.path / STATE_DIR / MANIFEST).read_text(encoding="utf-8")
    try:
        theirs = (gen.previous / STATE_DIR / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return False
    return ours == theirs


def _packet_title(filing: Filing, context: Mapping[str, Any]) -> str:
    """The packet's document title: the case, its number and, for a named filing, its title."""
    case = context["case"]
    title = f"{shown(case.title)}, Court No. {shown(case['court_no'] or '(unassigned)')}"
    return f"{title}: {shown(filing.title)}" if filing.name else title


def template_library(matter: Matter, templates_dir: Path | None = None) -> TemplateLibrary:
    """The matter's template search path: its own, the firm's (``templates_dir``, the
    environment or the facts' setting), the shipped ones."""
    return TemplateLibrary.for_facts(matter, templates_dir)


def _warn_removed(renderer: Renderer, sources: list[ExhibitSource], warn: Progress) -> None:
    """Say what was taken out of a template or a Word exhibit (macros, linked pictures, ...)."""
    for name, removed in renderer.removed.items():
        warn(f"{renderer.locate(name)}: removed {_and(removed)}")
    for source in sources:
        if source.removed:
            warn(f"exhibit '{source.id}' ({source.source}): removed {_and(source.removed)}")


def _warn_counted_days(matter: Matter, warn: Progress) -> None:
    """Free text that counts days between events goes stale when a date changes: say where."""
    for loc, phrase in counted_days(matter.facts):
        line = matter.source.line_of(loc)
        where = f"{display_path(matter.path)}{f':{line}' if line else ''}"
        warn(f"{where}: {'.'.join(map(str, loc))}: '{phrase}' counts days in free text, which goes stale when a "
             "date changes; give the dates (an event's effective:) and let the papers count, or remove it")


def _warn_unsent(matter: Matter, renderer: Renderer, sources: list[ExhibitSource], warn: Progress) -> None:
    """A template exhibit that drafts a request's letter but records no sent copy is shown as a
    demonstrative, never as the letter sent: say so, and how to make it the sent letter."""
    drafted = {r.exhibit for r in matter.facts.requests if r.exhibit}
    for source in sources:
        if source.demonstrative and source.id in drafted:
            warn(f"exhibit '{source.id}' is drafted by the template '{matter.facts.exhibits[source.index].template}' "
                 "and no sent copy is recorded, so its cover marks it a demonstrative; once the letter is sent, "
                 "record the copy (sent_copy: exhibits/...)")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _inputs(matter: Matter, library: TemplateLibrary) -> list[Input]:
    """What a build reads: no output may be written over any of it."""
    inputs = [Input("the facts file", matter.path), Input("the matter folder", matter.root)]
    inputs += [Input("the templates folder", folder, closed=True) for folder in library.closed_folders()]
    inputs += [Input(f"exhibit '{e.id}'", matter.root / f) for e in matter.facts.exhibits
               for f in (e.file, e.sent_copy) if f]
    return inputs


def _previous_papers(gen: Generation) -> dict[str, dict]:
    """The papers of the current outputs, from their manifest (empty for a first build)."""
    manifest = gen.previous_manifest() or {}
    papers = manifest.get("papers")
    if not isinstance(papers, dict):
        return {}
    return {name: entry for name, entry in papers.items()
            if isinstance(entry, dict) and isinstance(entry.get("facts_read"), dict)}


def _is_stale(entry: dict, index: dict, library: TemplateLibrary) -> bool:
    """True when a paper built earlier no longer matches the facts or its template."""
    try:
        template = library.find(str(entry.get("template", ""))).path
    except TemplateError:
        return True
    if _sha256(template) != entry.get("template_sha256"):
        return True
    return bool(changed(index, entry["facts_read"]))


def _carry(gen: Generation, paper: Paper, entry: dict, prefix: str = "") -> BuiltPaper:
    """A paper kept from the last build as it was (``--only`` another, or the bundle alone)."""
    docx, made = gen.carry(f"{prefix}{paper.name}.docx"), gen.carry(f"{prefix}{paper.name}.pdf")
    if docx is None or made is None:
        raise FilingsError(f"the last build's {paper.name} is incomplete; run a full build")
    return BuiltPaper(paper, docx, made, pages=int(entry.get("pages", 0)), reads=set(entry["facts_read"]),
                      template_sha256=str(entry.get("template_sha256", "")), facts=dict(entry["facts_read"]),
                      carried=True, prefix=prefix)


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


def render_papers(renderer: Renderer, papers: list[Paper], out_dir: Path,
                  progress: Progress = _quiet, rules: Rules | None = None, prefix: str = "",
                  counts: dict | None = None) -> list[BuiltPaper]:
    """Render each paper's DOCX into ``out_dir``; report every template problem at once.

    A paper sees its filing as ``filing``; which filing that is counts as a fact it read. Each
    motion or brief is counted as rendered (:mod:`filings.papers.wordcount`): over its limit in
    ``rules`` it is an error; its certificate of compliance, rendered after it, sees the count
    as ``compliance`` and is stale whenever its paper is.
    """
    from filings.papers.wordcount import count_words

    built, problems = [], []
    counted: dict[str, tuple[Paper, WordCount, set[str]]] = {}  # each motion or brief rendered: its words
    for paper in papers:
        progress(f"rendering {prefix}{paper.name}")
        docx = out_dir / f"{paper.name}.docx"
        extra = {"filing": filing_for(renderer.context, paper.filing)}
        if paper.certifies is not None:
            if paper.certifies not in counted:
                continue  # its paper failed to render: reported there
            certified, count, certified_reads = counted[paper.certifies]
            extra["compliance"] = compliance_node(certified, count, rules)
        try:
            reads = renderer.render(paper.template, docx, extra)
        except TemplateError as e:
            problems += e.problems
            continue
        if paper.filing is not None:
            reads.add(f"filings.{paper.filing}.name")
        if paper.words:  # its word limit is the rules': a matter's change to them is checked again
            reads.add("settings.rules")
            # A paper counted in an earlier version (the confidential one, rendered first) keeps that
            # count: a public version's redactions must not change what its certificate certifies.
            count = counts.get(paper.name) if counts is not None and paper.name in counts else count_words(docx)
            if counts is not None:
                counts.setdefault(paper.name, count)
            counted[paper.name] = (paper, count, reads)
            problems += word_limit_problems(paper, count, rules)
        if paper.certifies is not None:  # it says what its paper says: stale when that is
            reads = {r for r in reads if not r.startswith("compliance.")} | certified_reads
        built.append(BuiltPaper(paper, docx, reads=reads, prefix=prefix,
                                template_sha256=_sha256(renderer.locate(paper.template))))
    if problems:
        raise TemplateError(problems=problems)
    return built


def compliance_node(paper: Paper, count: WordCount, rules: Rules | None):
    """What a certificate of compliance prints: the paper's title, its words and its limit."""
    from filings.papers.context import Node

    limit = rules.word_limits.get(paper.words) if rules is not None and paper.words else None
    return Node("compliance", {"paper": paper.title, "words": f"{count.words:,}", "count": count.words,
                               "limit": f"{limit.words:,}" if limit else None})


def word_limit_problems(paper: Paper, count: WordCount, rules: Rules | None) -> list[Problem]:
    """A motion or brief over its word limit (the rules' word_limits): one line naming the paper, its
    count and the limit."""
    limit = rules.word_limits.get(paper.words) if rules is not None and paper.words else None
    if limit is None or count.words <= limit.words:
        return []
    mark = "" if limit.verified else ", unverified"
    return [Problem(f"{paper.name}: {count.words:,} words, over the limit of {limit.words:,} words for a "
                    f"{paper.words} ({limit.source}{mark}); shorten it, or change settings.rules.word_limits."
                    f"{paper.words} if the Court allowed more")]


def _convert(built: list[BuiltPaper], sources: list[ExhibitSource], staging: Path,
             converter: Converter | None, progress: Progress, cache: PdfCache | None = None) -> None:
    """Convert every paper, every Word exhibit and every drafted letter (of every version) in one
    LibreOffice run; a document converted before (the same bytes) takes its PDF from ``cache``."""
    docs = [b.docx for b in built] + [s.convert for s in sources if s.convert] + [s.letter for s in sources
                                                                                 if s.letter]
    keys = {doc: cache.key(doc) for doc in docs} if cache is not None else {}
    docs = [doc for doc in docs if not (cache is not None and cache.take(keys[doc], doc.with_suffix(".pdf")))]
    if docs:
        from filings.convert.libreoffice import LibreOffice, NotConverted
        progress(f"converting {len(docs)} document{'s' if len(docs) != 1 else ''} to PDF with LibreOffice")
        named = _unique_names(docs, staging / "named")  # both versions have a complaint.docx
        try:
            converter = converter or LibreOffice()
            pdfs = converter.convert(named, staging / "pdf")
        except NotConverted as e:
            names = {s.convert: f"exhibit '{s.id}' ({s.source})" for s in sources if s.convert}
            names.update({s.letter: f"the letter drafted for exhibit '{s.id}'" for s in sources if s.letter})
            names.update({b.docx: f"paper '{b.key}'" for b in built})
            names = {n: names.get(d, d.name) for n, d in zip(named, docs)}
            raise ConversionError(problems=[
                f"{names.get(doc, doc.name)}: LibreOffice could not convert it to PDF (it is damaged, or needs "
                f"more than the {_gb(getattr(converter, 'memory_bytes', 0))} a conversion may use); open it in "
                "Word or LibreOffice to check it" for doc in e.sources]) from e
        finally:
            if named is not docs:
                shutil.rmtree(staging / "named", ignore_errors=True)
        for doc, made in zip(docs, pdfs):
            made.replace(doc.with_suffix(".pdf"))
            if cache is not None:
                cache.keep(keys[doc], doc.with_suffix(".pdf"))
        (staging / "pdf").rmdir()
        if cache is not None:
            cache.prune()
    if not built:
        return
    from filings.pipeline import pdf
    for b in built:  # every paper's PDF is in place now, converted or taken from the cache
        b.pdf = b.docx.with_suffix(".pdf")
        b.pages = pdf.page_count(b.pdf)


def _unique_names(docs: list[Path], folder: Path) -> list[Path]:
    """``docs`` as they are when no two share a name; else linked into ``folder`` under names
    that differ (a converter names each PDF after its document)."""
    if len({d.stem for d in docs}) == len(docs):
        return docs
    folder.mkdir(parents=True, exist_ok=True)
    named = []
    for n, doc in enumerate(docs, 1):
        target = folder / f"{n:03d}-{doc.name}"
        link_or_copy(doc, target)
        named.append(target)
    return named


def _gb(size: int) -> str:
    return f"{size / 2**30:.3g} GB" if size else "memory"


def _warn_uncited(matter: Matter, built: list[BuiltPaper], warn: Progress) -> None:
    """An exhibit no paper cites is probably a mistake: say which."""
    cited = {int(m.group(1)) for b in built for r in b.facts
             if (m := re.match(r"exhibits\.(\d+)\.(label|mark|number)$", r))}
    for i, e in enumerate(matter.facts.exhibits):
        if i not in cited:
            warn(f"exhibit '{e.id}' is not cited in any paper")


def _warn_unauthenticated(matter: Matter, built: list[BuiltPaper], warn: Progress) -> None:
    """A motion or brief relies on the exhibits it cites: each must be authenticated by the
    matter's declarant (``authenticated_by``), unless it is a demonstrative made for the filing."""
    declarant = matter.facts.declaration.declarant if matter.facts.declaration else None
    said: set[int] = set()
    for b in built:
        if not b.paper.words:
            continue
        for r in b.facts:
            m = re.match(r"exhibits\.(\d+)\.(label|mark|number)$", r)
            if not m or int(m.group(1)) in said:
                continue
            i = int(m.group(1))
            e = matter.facts.exhibits[i]
            if (e.template and not e.sent_copy) or (declarant and declarant in e.authenticated_by):
                continue
            said.add(i)
            who = f"the declarant '{declarant}'" if declarant else "a declaration"
            warn(f"exhibit '{e.id}' is cited by the {b.paper.name} but not authenticated by {who}; add "
                 "'authenticated_by' naming the declarant if they can swear to it, or a declaration of someone "
                 "who can (its author or recipient)")


def _exhibit_pdfs(matter: Matter, context: dict, sources: list[ExhibitSource]) -> list[ExhibitPdf]:
    """What the bundle needs to know of each exhibit: label, title, dates, PDF, password."""
    from filings.exhibits.bundle import ExhibitPdf
    exhibits = []
    for source in sources:
        e = matter.facts.exhibits[source.index]
        node = context["exhibits"][source.index]
        date = node.date or None  # an exhibit with no date of its own or of what cites it
        data = node._data  # as the version shows them: a confidential title in brackets, or emptied
        cite = context.get("cite")
        # one date style: the index prints the date as the cover and the papers do ("May 20, 2024")
        exhibits.append(ExhibitPdf(id=e.id, mark=node.mark,
                                   title=typeset_text(smart_quotes(resolve(shown(data["title"]), cite))),
                                   date=shown(date or ""), short_date=shown(date or ""),
                                   description=typeset_text(smart_quotes(resolve(shown(data["description"] or ""),
                                                                                 cite))),
                                   pdf=source.pdf, source=source.source, password=e.password,
                                   note=DEMONSTRATIVE if source.demonstrative else ""))
    return exhibits


def _bundle(matter: Matter, context: dict, sources: list[ExhibitSource], out: Path, warn: Progress,
            version: Version | None = None, staging: Path | None = None) -> BundleResult:
    from filings.exhibits.bundle import BatesStyle, make_bundle
    from filings.pipeline.versions import slip_sheet
    facts = matter.facts
    exhibits = _exhibit_pdfs(matter, context, sources)
    if version is not None and version.public:  # confidential exhibits: slip sheets, as many pages
        hidden = confidential_exhibits(matter)
        exhibits = [replace(e, pdf=slip_sheet(s.index, f"Exhibit {e.mark}", e.title, e.pdf, e.password,
                                              (staging or out) / "slips", version), password=None)
                    if s.index in hidden else e for e, s in zip(exhibits, sources)]
    bates = facts.bundle.bates
    case = context["case"]
    caption = [shown(case.title), f"Court No. {shown(case._data['court_no'] or '__________')}"]
    if version is not None:
        caption.insert(0, version.legend)
    return make_bundle(exhibits, out, bates=BatesStyle(bates.prefix, bates.start, bates.digits, bates.position),
                       heading="INDEX OF EXHIBITS", caption=caption,
                       size_limit_mb=facts.bundle.size_limit_mb, warn=warn, name=BUNDLE, ocr=facts.bundle.ocr)


def check(facts_path: Path, *, templates_dir: Path | None = None, progress: Progress = _quiet,
          warn: Progress = _quiet, strict: bool = False) -> tuple[list[Paper], int]:
    """Validate the facts, the exhibit files and every template without converting.

    Returns the papers checked and the number of exhibits. With ``strict`` any warning (the
    privacy lint's among them) fails the check.
    """
    warnings: list[str] = []

    def warning(message: str) -> None:
        warnings.append(message)
        warn(message)

    found = _check(facts_path, templates_dir, progress, warning)
    if strict and warnings:
        raise FilingsError(problems=[Problem(f"--strict: {w}") for w in warnings])
    return found


def _check(facts_path: Path, templates_dir: Path | None, progress: Progress,
           warn: Progress) -> tuple[list[Paper], int]:
    from filings.exhibits.bundle import check_exhibits
    from filings.exhibits.sources import plan_exhibits
    from filings.papers.render import Renderer

    progress(f"reading facts from {facts_path}")
    matter = load_facts(facts_path)
    legal_checks(matter)
    _warn_private(matter, warn)
    plan, context = plan_build(matter)
    papers = list(plan.papers)
    library = template_library(matter, templates_dir)
    check_own_templates(matter, library)
    _warn_unfiled(plan, warn)
    _warn_counted_days(matter, warn)
    with tempfile.TemporaryDirectory(prefix="filings-check-") as tmp:
        render_papers(Renderer(library, context, locate_fact=matter.locate_fact), papers, Path(tmp), progress,
                      rules_for(matter.facts))
        if matter.facts.exhibits:
            sources = plan_exhibits(matter, Path(tmp) / "sources",
                                    Renderer(library, context, folder=f"{EXHIBITS_DIR}/",
                                             locate_fact=matter.locate_fact))
            pdfs = [s for s in sources if s.pdf == s.source]  # Word exhibits are checked when converted
            check_exhibits(_exhibit_pdfs(matter, context, pdfs), warn)
        _lint(library, context, papers, matter, warn)
    return papers, len(matter.facts.exhibits)


def _lint(library: TemplateLibrary, context, papers: list[Paper], matter: Matter, warn: Progress) -> None:
    """Warn of what in each template used would break or keep it from being edited in Word."""
    from filings.papers.lint import lint_template
    from filings.papers.render import Renderer
    exhibit_templates = Renderer(library, context, folder=f"{EXHIBITS_DIR}/")
    paths = {Renderer(library, context).locate(p.template) for p in papers}
    paths |= {exhibit_templates.locate(e.template) for e in matter.facts.exhibits if e.template}
    for path in sorted(paths):
        for problem in lint_template(path):
            warn(str(problem))


def _write_manifest(generation: Path, matter: Matter, papers: list[BuiltPaper], plan: Plan,
                    result: BuildResult) -> None:
    """Record, per paper, its template's hash, its filing, and each fact it read with a
    fingerprint of its value: what tells a later build whether the paper is still current;
    and, per packet, its papers; per set, its bundle. A paper of the confidential or public
    version is named with its folder (``public/complaint``). Written last: a generation with
    a manifest is complete."""
    filings = plan.filings
    entries = {b.key: {"template": b.paper.template, "template_sha256": b.template_sha256,
                       "filing": filings[b.paper.filing].name if b.paper.filing is not None else None,
                       "facts_read": b.facts, "pages": b.pages, "pdf_sha256": b.pdf_sha256}
               for b in papers}
    prefixes = [s.output.prefix for s in result.sets] or [""]
    packets = {prefix + f.packet: [p.name for p in f.papers] for prefix in prefixes for f in filings
               if (generation / prefix / f.packet).is_file()}
    manifest = {"facts": str(matter.path), "facts_sha256": _sha256(matter.path), "papers": entries,
                "packets": packets, "packet_keys": result.packet_keys,
                "exhibits": [e.id for e in matter.facts.exhibits], "draft": result.draft}
    for s in result.sets:
        if s.bundle is not None:
            manifest[s.output.bundle_entry] = {"key": s.bundle_key, "reads": s.bundle_reads,
                                               "exhibits": len(s.bundle.exhibits), "pages": s.bundle.total_pages}
        elif s.bundle_kept is not None:
            manifest[s.output.bundle_entry] = s.bundle_kept
    path = generation / STATE_DIR / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
