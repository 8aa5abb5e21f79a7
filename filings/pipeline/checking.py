"""``filings check``: the facts, the exhibit files and every template checked without converting.

Everything a build would refuse is found here first, in the order a build meets it: the facts
(and what they show the papers cannot say), the matter's own templates, the plan's warnings,
each paper rendered into a scratch folder (the template errors and the citations), the
exhibit files opened and checked, and the lints. Nothing is written to the matter.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from filings.errors import FilingsError, Problem
from filings.facts.load import load_facts
from filings.facts.plan import Paper
from filings.facts.rules import rules_for
from filings.pipeline.builder import (_quiet, check_own_templates, legal_checks, plan_build, template_library)
from filings.pipeline.bundles import EXHIBITS_DIR, _exhibit_pdfs
from filings.pipeline.cautions import _lint, _warn_private, _warn_undocketed, one_line, warn_plan
from filings.pipeline.citing import Citing
from filings.pipeline.outputs import Progress
from filings.pipeline.versionbuild import render_papers


def check(facts_path: Path, *, templates_dir: Path | None = None, progress: Progress = _quiet,
          warn: Progress = _quiet, strict: bool = False) -> tuple[list[Paper], int]:
    """Validate the facts, the exhibit files and every template without converting.

    Returns the papers checked and the number of exhibits. With ``strict`` any warning (the
    privacy lint's among them) fails the check.
    """
    warnings: list[str] = []

    def warning(message: str) -> None:
        message = one_line(message)
        warnings.append(message)
        warn(message)

    found = _check(facts_path, templates_dir, progress, warning)
    if strict and warnings:
        raise FilingsError(problems=[Problem(f"--strict: {w}") for w in warnings])
    return found


def _check(facts_path: Path, templates_dir: Path | None, progress: Progress,
           warn: Progress) -> tuple[list[Paper], int]:
    from filings.exhibits.cleanup import check_exhibits
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
    warn_plan(matter, plan, warn, progress, checking=True)
    from filings.pipeline.drafts import warn_open_conflicts
    warn_open_conflicts(matter.root, warn)
    with tempfile.TemporaryDirectory(prefix="filings-check-") as tmp:
        _warn_undocketed(matter, plan, render_papers(Renderer(library, context, locate_fact=matter.locate_fact), papers,
                         Path(tmp), progress, rules_for(matter.facts), citing=Citing(matter.facts, plan.filings, context)), warn)
        if matter.facts.exhibits:
            sources = plan_exhibits(matter, Path(tmp) / "sources",
                                    Renderer(library, context, folder=f"{EXHIBITS_DIR}/",
                                             locate_fact=matter.locate_fact))
            pdfs = [s for s in sources if s.pdf == s.source]  # Word exhibits are checked when converted
            check_exhibits(_exhibit_pdfs(matter, context, pdfs), warn)
        _lint(library, context, papers, matter, warn)
    return papers, len(matter.facts.exhibits)
