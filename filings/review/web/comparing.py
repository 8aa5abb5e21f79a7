"""Two recorded builds compared for the review page: ``filings diff`` without rebuilding, its
redlines and summary written to a folder of the matter's ``reviews/`` (never into a build, so the
next build leaves it), and the diff as the page shows it (:class:`Comparison`).

The calls into ``filings diff`` are here alone: :func:`filings.review.diff.compare_builds`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from filings.errors import FilingsError, display_path
from filings.pipeline.history import History
from filings.review.web.matter import REVIEWS, Warn


def compare_builds(facts_path: Path, out_dir: Path, old: int, new: int, converter, *,
                   warn: Warn = lambda _: None) -> tuple[object, Path]:
    """``filings diff`` of two recorded builds, without rebuilding, the redlines and the summary
    written into a folder of the matter's ``reviews/``; returns the diff and that folder."""
    from filings.review import diff as diffs

    history = History(Path(facts_path).parent, warn)
    numbers = {r.number for r in history.records(out_dir)}
    for number in (old, new):
        if number not in numbers:
            raise FilingsError(f"no build #{number} in the matter's history; pick two builds the page lists",
                               path=display_path(history.root))
    if old == new:
        raise FilingsError("pick two different builds to compare")
    return diffs.compare_builds(facts_path, out_dir, old, new, converter=converter, warn=warn)


@dataclass
class Comparison:
    """A diff as the page shows it: plain rows, links into ``/review/``."""

    line: str
    folder: str
    facts_known: bool
    facts: list = field(default_factory=list)           # FactChange
    papers: list[dict] = field(default_factory=list)    # the papers that changed, added or removed
    unchanged: int = 0
    others: list[str] = field(default_factory=list)     # exhibits, the bundle, packets
    summaries: list[tuple[str, str]] = field(default_factory=list)  # (label, link)


def comparison(diff, out: Path, matter_root: Path) -> Comparison:
    """The page's view of ``diff``, written into ``out`` (a folder of the matter's reviews)."""
    reviews = (Path(matter_root) / REVIEWS).resolve()

    def link(path) -> str | None:
        try:
            real = Path(path).resolve(strict=True)
            return "/review/" + quote(real.relative_to(reviews).as_posix(), safe="/")
        except (TypeError, OSError, ValueError, RuntimeError):
            return None

    view = Comparison(diff.summary_line(), display_path(out), diff.facts_known,
                      facts=list(diff.facts))
    for paper in diff.papers:
        if paper.status == "unchanged":
            view.unchanged += 1
            continue
        view.papers.append({"key": paper.key, "status": paper.status, "causes": tuple(paper.causes),
                            "side": paper.side, "withheld": paper.withheld,
                            "pdf": link(paper.redline_pdf), "docx": link(paper.redline_docx),
                            "revisions": paper.revisions})
    for item in diff.holdings:
        view.others.append(_other(item))
    for rel in summaries(out):
        side = Path(rel).parent.as_posix()
        view.summaries.append(("summary" if side == "." else f"{side} summary", link(Path(out) / rel)))
    return view


def _other(item) -> str:
    """One exhibit, bundle or packet change, in words."""
    labels = " → ".join(x for x in (item.old_label, item.new_label) if x)
    return " ".join(x for x in (f"{item.kind} {item.name}:", item.status, f"({labels})" if labels else "",
                                item.detail) if x)


def summaries(folder: Path) -> list[str]:
    """The summary pages a comparison wrote (one, or one per version), relative to its folder."""
    found = [p.relative_to(folder).as_posix() for p in Path(folder).rglob("summary.html") if not p.is_symlink()]
    return sorted(found, key=lambda rel: (rel.count("/"), rel))
