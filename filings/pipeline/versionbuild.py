"""The build of one set of outputs (the only one, or one version): its papers and its bundle.

:class:`_SetBuild` renders the set's papers that changed (or were chosen), keeps the others
from the last build (:func:`_carry`) and plans and assembles its bundle
(:mod:`filings.pipeline.bundles`). :func:`render_papers` renders each paper's DOCX and counts
each motion's or brief's words against its limit, for its certificate of compliance
(:func:`compliance_node`); :mod:`filings.pipeline.conversion` converts the papers and Word
exhibits of every set in one LibreOffice run.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from filings.papers.view import paper_view
from filings.errors import FilingsError, Problem, TemplateError
from filings.papers.depends import changed, fingerprints
from filings.facts.schema import Matter
from filings.limits import Limits
from filings.pipeline.outputs import STATE_DIR, Generation, Progress
from filings.facts.plan import Paper, with_partners
from filings.papers.library import TemplateLibrary
from filings.facts.rules import Rules, rules_for
from filings.court.confidential import showing
from filings.pipeline.versions import OutputSet
from filings.pipeline.built import BuiltPaper, SetResult, _sha256
from filings.pipeline.bundles import EXHIBITS_DIR, LETTERS_DIR, _bundle, _bundle_key, _kept_bundle

# Rendering (docxtpl, Jinja), PDF work (pikepdf, pypdf), the exhibit pipeline and the
# converter are imported where they are used: a build with nothing to make again, the
# common case while an attorney edits, must not pay for loading them.
if TYPE_CHECKING:
    from filings.papers.wordcount import WordCount
    from filings.exhibits.sources import ExhibitSource
    from filings.papers.render import Renderer
    from filings.pipeline.citing import Citing
    from filings.pipeline.drafts import EditState


def _quiet(_: str) -> None:
    pass


class _SetBuild:
    """One set of outputs on its way: the papers it renders and carries, its exhibits, its bundle."""

    def __init__(self, output: OutputSet, gen: Generation, library: TemplateLibrary, context: Mapping[str, Any],
                 limits: Limits, matter: Matter, edits: EditState | None = None, warn: Progress = _quiet,
                 filings: tuple = ()):
        self.output, self.gen, self.library, self.context, self.limits = output, gen, library, context, limits
        self.filings = filings  # the plan's: which exhibits each files (pipeline/citing)
        self.matter, self.edits, self.warn = matter, edits, warn
        self.secrets = None  # the matter's confidential values, when an edit needs them (_secrets)
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
        self.index = index
        self.before = {k[len(prefix):]: e for k, e in before.items()
                       if k.startswith(prefix) and "/" not in k[len(prefix):]}
        self.stale = {name: changed(index, entry["facts_read"]) or ["its template"]
                      for name, entry in self.before.items() if _is_stale(entry, index, self.library)}
        if redraft:
            self.stale.update({name: ["--draft"] for name in self.before})
        if self.edits is not None:  # an edit made, changed or dropped since the last build
            for key in self.edits.changed:
                if self.output.version and self.output.version.public and key.startswith("confidential/"):
                    key = prefix + key[len("confidential/"):]  # the public draft carries the confidential edit
                if key.startswith(prefix) and key[len(prefix):] in self.before:
                    self.stale.setdefault(key[len(prefix):], []).append("your edit")
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
            from filings.pipeline.citing import Citing
            known = {name: set(entry["facts_read"]) for name, entry in self.before.items()
                     if name not in {p.name for p in chosen}}
            self.built = render_papers(self.renderer, chosen, self.gen.path / prefix, progress,
                                       rules_for(self.matter.facts), prefix=prefix, counts=counts,
                                       on_draft=self._merge if self.edits is not None else None,
                                       citing=Citing(self.matter.facts, self.filings, self.context, known))
        if self.edits is not None:
            from filings.pipeline.drafts import carry_draft
            for paper in self.carried:
                carry_draft(self.gen, prefix + paper.name)
        self.with_bundle = with_bundle
        self.force = force

    def _merge(self, paper: Paper, docx: Path) -> None:
        """Keep the paper's draft as made; merge the attorney's edit of it, if any, into ``docx``."""
        from filings.pipeline.drafts import merge_draft
        causes = self.stale.get(paper.name, [])
        merge_draft(self.edits, self.gen, self.output.prefix + paper.name, docx, causes, self.warn,
                    printed={path: printed_forms(self.index, path) for path in causes})
        if self.output.version and self.output.version.public:
            from filings.pipeline.drafts import carry_to_public
            carry_to_public(self.edits, self.gen, paper.name, docx, self._secrets(), self.output.version, self.warn)
        elif self.output.version and self.output.prefix + paper.name in self.edits.current:
            from filings.pipeline.drafts import bracket_typed
            bracket_typed(paper.name, docx, self._secrets(), self.output.version, self.warn)

    def _secrets(self):
        """The matter's confidential values, found once for every paper of the set."""
        if self.secrets is None:
            from filings.court.confidential import secrets_of
            self.secrets = secrets_of(self.matter)
        return self.secrets

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
            from filings.exhibits.sources import make_pdfs
            progress(f"assembling the exhibit bundle{self._of()}")
            make_pdfs(matter, self.sources)  # images, e-mails with their attachments, excerpts
            from filings.exhibits.redact import redact_sources  # the areas of pages the facts redact, removed
            redact_sources(matter, self.sources, self.staging / "redacted")
            with showing(self.output.version):
                out.bundle = _bundle(matter, context, self.sources, self.gen.path / prefix / EXHIBITS_DIR, warning,
                                     self.output.version, self.staging)
            if self.output.version or matter.facts.bundle.exhibit_stamp or matter.facts.bundle.pdfa:
                from filings.exhibits.marks import finish_bundle  # legend, stamp, PDF/A, then each file's size
                finish_bundle(out.bundle, matter.facts.bundle, self.output.version.legend if self.output.version
                              else "", warning, self.staging / "marks")
        elif self.kept is None:
            self.gen.carry(prefix + EXHIBITS_DIR)
            self.gen.carry(prefix + LETTERS_DIR)
        return out


def printed_forms(index: dict, path: str) -> list[str]:
    """How the fact at ``path`` prints (a date in its long and short forms): what tells which
    changed fact a conflict's new words hold. Nothing for a section or a list."""
    from filings.facts.dates import LegalDate
    from filings.papers.nodes import Node, NodeList

    parent, _, name = path.rpartition(".")
    node = index.get(parent)
    if not isinstance(node, Node) or name not in node._data:
        return []
    value = node._data[name]
    if isinstance(value, LegalDate):
        return [value.long(), value.short()]
    if isinstance(value, (Node, NodeList)) or value is None:
        return []
    return [str(value)] if len(str(value)) >= 3 else []


def _reads_of_all(matter: Matter, library: TemplateLibrary, context: Mapping[str, Any], limits: Limits,
                  papers: list[Paper], folder: Path) -> dict[str, set[str]]:
    """The facts each paper read, and under :data:`~filings.pipeline.versions.EXHIBIT_TEMPLATES` those
    the exhibit templates read, rendered plainly into ``folder``."""
    from filings.exhibits.sources import _template_subject
    from filings.papers.render import Renderer
    from filings.pipeline.versions import EXHIBIT_TEMPLATES
    renderer = Renderer(library, context, limits, locate_fact=matter.locate_fact)
    reads = {b.paper.name: set(b.reads) for b in render_papers(renderer, papers, folder)}
    exhibits = Renderer(library, context, limits, folder=f"{EXHIBITS_DIR}/", locate_fact=matter.locate_fact)
    reads[EXHIBIT_TEMPLATES] = set()
    for i, e in enumerate(matter.facts.exhibits):
        if e.template:
            reads[EXHIBIT_TEMPLATES] |= exhibits.render(e.template, folder / f"exhibit-{i + 1:03d}.docx",
                                                        extra=_template_subject(context, e.id))
    return reads


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
                      carried=True, prefix=prefix,
                      edit=entry.get("edit") if isinstance(entry.get("edit"), dict) else None)


def render_papers(renderer: Renderer, papers: list[Paper], out_dir: Path,
                  progress: Progress = _quiet, rules: Rules | None = None, prefix: str = "",
                  counts: dict | None = None,
                  on_draft: Callable[[Paper, Path], None] | None = None,
                  citing: Citing | None = None) -> list[BuiltPaper]:
    """Render each paper's DOCX into ``out_dir``; report every template problem at once.

    A paper sees its filing as ``filing``; which filing that is counts as a fact it read. Each
    motion or brief is counted as rendered (:mod:`filings.papers.wordcount`): over its limit in
    ``rules`` it is an error; its certificate of compliance, rendered after it, sees the count
    as ``compliance`` and is stale whenever its paper is. ``on_draft`` sees each DOCX as
    rendered, before it is counted: the attorney's edit is merged into it there. ``citing`` follows
    which exhibits each filing files (:mod:`filings.pipeline.citing`).
    """
    from filings.papers.nodes import overriding
    from filings.papers.wordcount import count_words
    from filings.pipeline.tables import render_with_tables

    built, problems = [], []
    counted: dict[str, tuple[Paper, WordCount, set[str]]] = {}  # each motion or brief rendered: its words
    for paper in papers:
        progress(f"rendering {prefix}{paper.name}")
        docx = out_dir / f"{paper.name}.docx"
        extra = paper_view(renderer.context, paper.filing)
        if citing is not None:
            extra["filing"] = citing.filing_node(paper, extra["filing"])
        if paper.certifies is not None:
            if paper.certifies not in counted:
                continue  # its paper failed to render: reported there
            certified, count, certified_reads = counted[paper.certifies]
            extra["compliance"] = compliance_node(certified, count, rules)
        try:
            with overriding(citing.overrides(paper) if citing is not None else None):
                reads, tables = render_with_tables(renderer, paper, docx, extra)
        except TemplateError as e:
            problems += e.problems
            continue
        if on_draft is not None:
            on_draft(paper, docx)
            if tables is not None:
                tables.on_draft = on_draft
        if paper.filing is not None:
            reads.add(f"filings.{paper.filing}.name")
        if citing is not None:
            reads = citing.rendered(paper, reads)
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
        built.append(BuiltPaper(paper, docx, reads=reads, prefix=prefix, tables=tables,
                                template_sha256=_sha256(renderer.locate(paper.template))))
    if problems:
        raise TemplateError(problems=problems)
    return built


def compliance_node(paper: Paper, count: WordCount, rules: Rules | None):
    """What a certificate of compliance prints: the paper's title, its words and its limit."""
    from filings.papers.nodes import Node

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
