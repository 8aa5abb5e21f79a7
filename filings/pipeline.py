"""The build: facts → DOCX drafts → PDFs → packet and exhibit bundle, all or nothing.

Every output is written to a staging folder inside the output folder first and moved
into place only when the whole build has succeeded, so a failed build leaves the last
good outputs as they were. All DOCX files of a build (papers and exhibits) go through
one LibreOffice run.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import pdf
from .bundle import BatesStyle, BundleResult, ExhibitPdf, check_exhibits, make_bundle
from .context import build_context
from .convert import Converter, LibreOffice, NotConverted
from .errors import ConversionError, FilingsError, Problem, TemplateError
from .exhibits import ExhibitSource, images_to_pdf, plan_exhibits
from .facts import Matter, load_facts
from .papers import Paper, select_papers
from .render import Renderer
from .typography import smart_quotes

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PACKET = "packet.pdf"
BUNDLE = "exhibit-bundle.pdf"
EXHIBITS_DIR = "exhibits"
STATE_DIR = ".filings"

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


@dataclass
class BuildResult:
    """What a build made, what it warned about, and how long it took."""

    papers: list[BuiltPaper]
    packet: Path | None
    seconds: float = 0.0
    bundle: BundleResult | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.papers)

    def summary(self) -> str:
        """One line: papers, pages, exhibits, seconds."""
        parts = []
        if self.papers:
            packet = f"packet {self.packet}" if self.packet else "packet not rebuilt (--only)"
            parts.append(f"{len(self.papers)} paper{'s' if len(self.papers) != 1 else ''}, "
                         f"{self.pages} pages, {packet}")
        if self.bundle:
            n = len(self.bundle.exhibits)
            parts.append(f"{n} exhibit{'s' if n != 1 else ''}, {self.bundle.total_pages} pages, "
                         f"bundle {self.bundle.path}")
        warned = f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        return f"built {'; '.join(parts) or 'nothing'}{warned}, in {self.seconds:.1f} s"


def _quiet(_: str) -> None:
    pass


def build(facts_path: Path, out_dir: Path, *, only: str | None = None, papers: bool = True,
          templates_dir: Path | None = None, converter: Converter | None = None,
          strict: bool = False, progress: Progress = _quiet, warn: Progress = _quiet) -> BuildResult:
    """Build the matter in ``facts_path`` into ``out_dir``: papers, packet and exhibit bundle.

    ``only`` builds one paper (no packet, no bundle); ``papers=False`` builds just the
    bundle. Warnings go to ``warn``; with ``strict`` any warning fails the build.
    """
    started = time.perf_counter()
    progress(f"reading facts from {facts_path}")
    matter = load_facts(facts_path)
    chosen = select_papers(matter.facts, only) if papers else []
    with_bundle = only is None and bool(matter.facts.exhibits)
    if not papers and not with_bundle:
        raise FilingsError("the facts list no exhibits, so there is no bundle to build; add them under "
                           "'exhibits:'", path=matter.path)
    templates = Path(templates_dir or DEFAULT_TEMPLATES)
    out_dir = Path(out_dir)
    try:
        state = out_dir / STATE_DIR
        state.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=state))
    except OSError as e:
        raise FilingsError(f"cannot write the outputs here: {e.strerror}; choose another --out",
                           path=out_dir) from e
    result = BuildResult([], None)

    def warning(message: str) -> None:
        result.warnings.append(message)
        warn(message)

    try:
        context = build_context(matter)
        built = render_papers(Renderer(templates, context), chosen, staging, progress)
        sources: list[ExhibitSource] = []
        if with_bundle:
            progress(f"preparing {len(matter.facts.exhibits)} exhibits")
            sources = plan_exhibits(matter, staging / "sources", Renderer(templates / EXHIBITS_DIR, context))
        _convert(built, sources, staging, converter, progress)
        result.papers = built
        if built and only is None:
            progress("assembling the packet")
            result.packet = staging / PACKET
            title = f"{context['case'].title}, Court No. {matter.facts.case.court_no or '(unassigned)'}"
            pdf.merge([pdf.Part(b.pdf, b.paper.title) for b in built], result.packet, title=title)
        if built and with_bundle:
            _warn_uncited(matter, built, warning)
        if with_bundle:
            progress("assembling the exhibit bundle")
            images_to_pdf(sources)
            result.bundle = _bundle(matter, context, sources, staging / EXHIBITS_DIR, warning)
        if strict and result.warnings:
            raise FilingsError(problems=[Problem(f"--strict: {w}") for w in result.warnings])
        _write_manifest(staging, matter, built)
        _publish(staging, out_dir, result)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def render_papers(renderer: Renderer, papers: list[Paper], out_dir: Path,
                  progress: Progress = _quiet) -> list[BuiltPaper]:
    """Render each paper's DOCX into ``out_dir``; report every template problem at once."""
    built, problems = [], []
    for paper in papers:
        progress(f"rendering {paper.name}")
        docx = out_dir / f"{paper.name}.docx"
        try:
            reads = renderer.render(paper.template, docx)
        except TemplateError as e:
            problems += e.problems
            continue
        built.append(BuiltPaper(paper, docx, reads=reads,
                                template_sha256=_sha256(renderer.templates_dir / paper.template)))
    if problems:
        raise TemplateError(problems=problems)
    return built


def _convert(built: list[BuiltPaper], sources: list[ExhibitSource], staging: Path,
             converter: Converter | None, progress: Progress) -> None:
    """Convert every paper and every Word exhibit in one LibreOffice run."""
    docs = [b.docx for b in built] + [s.convert for s in sources if s.convert]
    if not docs:
        return
    progress(f"converting {len(docs)} document{'s' if len(docs) != 1 else ''} to PDF with LibreOffice")
    try:
        pdfs = (converter or LibreOffice()).convert(docs, staging / "pdf")
    except NotConverted as e:
        names = {s.convert: f"exhibit '{s.id}' ({s.source})" for s in sources if s.convert}
        names.update({b.docx: f"paper '{b.paper.name}'" for b in built})
        raise ConversionError(problems=[
            f"{names.get(doc, doc.name)}: LibreOffice could not convert it to PDF; open it in Word or "
            "LibreOffice to check that it is not damaged" for doc in e.sources]) from e
    for doc, made in zip(docs, pdfs):
        made.replace(doc.with_suffix(".pdf"))
    for b in built:
        b.pdf = b.docx.with_suffix(".pdf")
        b.pages = pdf.page_count(b.pdf)


def _warn_uncited(matter: Matter, built: list[BuiltPaper], warn: Progress) -> None:
    """An exhibit no paper cites is probably a mistake: say which."""
    cited = {int(m.group(1)) for b in built for r in b.reads
             if (m := re.match(r"exhibits\.(\d+)\.(label|mark|number)$", r))}
    for i, e in enumerate(matter.facts.exhibits):
        if i not in cited:
            warn(f"exhibit '{e.id}' is not cited in any paper")


def _exhibit_pdfs(matter: Matter, context: dict, sources: list[ExhibitSource]) -> list[ExhibitPdf]:
    """What the bundle needs to know of each exhibit: label, title, dates, PDF, password."""
    exhibits = []
    for source in sources:
        e = matter.facts.exhibits[source.index]
        node = context["exhibits"][source.index]
        date = node.date or None  # an exhibit with no date of its own or of what cites it
        exhibits.append(ExhibitPdf(id=e.id, mark=node.mark, title=smart_quotes(e.title),
                                   date=str(date or ""), short_date=date.short() if date else "",
                                   description=smart_quotes(e.description or ""),
                                   pdf=source.pdf, source=source.source, password=e.password))
    return exhibits


def _bundle(matter: Matter, context: dict, sources: list[ExhibitSource], out: Path, warn: Progress) -> BundleResult:
    facts = matter.facts
    exhibits = _exhibit_pdfs(matter, context, sources)
    bates = facts.bundle.bates
    case = context["case"]
    caption = [case.title, f"Court No. {facts.case.court_no or '__________'}"]
    return make_bundle(exhibits, out, bates=BatesStyle(bates.prefix, bates.start, bates.digits, bates.position),
                       heading="INDEX OF EXHIBITS", caption=caption,
                       size_limit_mb=facts.bundle.size_limit_mb, warn=warn, name=BUNDLE, ocr=facts.bundle.ocr)


def check(facts_path: Path, *, templates_dir: Path | None = None, progress: Progress = _quiet,
          warn: Progress = _quiet) -> tuple[list[Paper], int]:
    """Validate the facts, the exhibit files and every template without converting.

    Returns the papers checked and the number of exhibits.
    """
    progress(f"reading facts from {facts_path}")
    matter = load_facts(facts_path)
    papers = select_papers(matter.facts)
    templates = Path(templates_dir or DEFAULT_TEMPLATES)
    context = build_context(matter)
    with tempfile.TemporaryDirectory(prefix="filings-check-") as tmp:
        render_papers(Renderer(templates, context), papers, Path(tmp), progress)
        if matter.facts.exhibits:
            sources = plan_exhibits(matter, Path(tmp) / "sources", Renderer(templates / EXHIBITS_DIR, context))
            pdfs = [s for s in sources if s.pdf == s.source]  # Word exhibits are checked when converted
            check_exhibits(_exhibit_pdfs(matter, context, pdfs), warn)
    return papers, len(matter.facts.exhibits)


def _write_manifest(staging: Path, matter: Matter, built: list[BuiltPaper]) -> None:
    """Record, per paper, the template's hash and the facts it read (for incremental builds)."""
    entries = {b.paper.name: {"template": b.paper.template, "template_sha256": b.template_sha256,
                              "facts_read": sorted(b.reads), "pages": b.pages} for b in built}
    manifest = {"facts": str(matter.path), "facts_sha256": _sha256(matter.path), "papers": entries}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _publish(staging: Path, out_dir: Path, result: BuildResult) -> None:
    """Move the staged outputs into ``out_dir``; each file is replaced atomically."""
    for b in result.papers:
        for attr in ("docx", "pdf"):
            src = getattr(b, attr)
            dest = out_dir / src.name
            src.replace(dest)
            setattr(b, attr, dest)
    if result.packet:
        dest = out_dir / PACKET
        result.packet.replace(dest)
        result.packet = dest
    if result.bundle:
        _replace_folder(staging / EXHIBITS_DIR, out_dir / EXHIBITS_DIR)
        bundle = result.bundle
        bundle.path = out_dir / EXHIBITS_DIR / bundle.path.name
        for b in bundle.exhibits:
            b.files = [out_dir / EXHIBITS_DIR / f.name for f in b.files]
    _merge_manifest(staging / "manifest.json", out_dir / STATE_DIR / "manifest.json")


def _replace_folder(new: Path, current: Path) -> None:
    """Swap in the new exhibits folder whole, so files of a previous order do not linger."""
    old = current.with_name(f".{current.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    new.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def _merge_manifest(new: Path, current: Path) -> None:
    """Keep entries of papers not rebuilt (``--only``) in the manifest."""
    data = json.loads(new.read_text(encoding="utf-8"))
    if current.is_file():
        try:
            old = json.loads(current.read_text(encoding="utf-8"))
            data["papers"] = {**old.get("papers", {}), **data["papers"]}
        except (ValueError, AttributeError):
            pass
    tmp = current.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(current)
