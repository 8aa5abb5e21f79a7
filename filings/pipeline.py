"""The build: facts → DOCX drafts → PDFs → packet, all or nothing.

Every output is written to a staging folder inside the output folder first and moved
into place only when the whole build has succeeded, so a failed build leaves the last
good outputs as they were.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import pdf
from .context import build_context
from .convert import Converter, LibreOffice
from .errors import FilingsError, TemplateError
from .facts import Matter, load_facts
from .papers import Paper, select_papers
from .render import Renderer

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PACKET = "packet.pdf"
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
    """What a build made and how long it took."""

    papers: list[BuiltPaper]
    packet: Path | None
    seconds: float

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.papers)

    def summary(self) -> str:
        """One line: papers, pages, seconds."""
        packet = f"packet {self.packet}" if self.packet else "packet not rebuilt (--only)"
        return (f"built {len(self.papers)} paper{'s' if len(self.papers) != 1 else ''}, "
                f"{self.pages} pages, {packet}, in {self.seconds:.1f} s")


def _quiet(_: str) -> None:
    pass


def build(facts_path: Path, out_dir: Path, *, only: str | None = None, templates_dir: Path | None = None,
          converter: Converter | None = None, progress: Progress = _quiet) -> BuildResult:
    """Build the papers of the matter in ``facts_path`` into ``out_dir``; return what was made."""
    started = time.perf_counter()
    progress(f"reading facts from {facts_path}")
    matter = load_facts(facts_path)
    papers = select_papers(matter.facts, only)
    out_dir = Path(out_dir)
    state = out_dir / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=state))
    context = build_context(matter)
    try:
        renderer = Renderer(templates_dir or DEFAULT_TEMPLATES, context)
        built = render_papers(renderer, papers, staging, progress)
        progress(f"converting {len(built)} paper{'s' if len(built) != 1 else ''} to PDF with LibreOffice")
        pdfs = (converter or LibreOffice()).convert([b.docx for b in built], staging)
        for b, path in zip(built, pdfs):
            b.pdf, b.pages = path, pdf.page_count(path)
        packet = None
        if only is None:
            progress("assembling the packet")
            packet = staging / PACKET
            title = f"{context['case'].title}, Court No. {matter.facts.case.court_no or '(unassigned)'}"
            pdf.merge([pdf.Part(b.pdf, b.paper.title) for b in built], packet, title=title)
        _write_manifest(staging, matter, built)
        result = BuildResult(built, packet, 0.0)
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


def check(facts_path: Path, *, templates_dir: Path | None = None, progress: Progress = _quiet) -> list[Paper]:
    """Validate the facts and render every template without converting; return the papers checked."""
    progress(f"reading facts from {facts_path}")
    matter = load_facts(facts_path)
    papers = select_papers(matter.facts)
    with tempfile.TemporaryDirectory(prefix="filings-check-") as tmp:
        renderer = Renderer(templates_dir or DEFAULT_TEMPLATES, build_context(matter))
        render_papers(renderer, papers, Path(tmp), progress)
    return papers


def _write_manifest(staging: Path, matter: Matter, built: list[BuiltPaper]) -> None:
    """Record, per paper, the template's hash and the facts it read (for incremental builds)."""
    entries = {}
    for b in built:
        entries[b.paper.name] = {
            "template": b.paper.template,
            "template_sha256": b.template_sha256,
            "facts_read": sorted(b.reads),
            "pages": b.pages,
        }
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
    _merge_manifest(staging / "manifest.json", out_dir / STATE_DIR / "manifest.json")


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
