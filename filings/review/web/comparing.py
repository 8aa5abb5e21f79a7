"""Two recorded builds compared for the review page: ``filings diff`` without rebuilding, its
redlines and summary written to a folder of the matter's ``reviews/`` (never into a build, so the
next build leaves it), and the diff as the page shows it (:class:`Comparison`).

The calls into ``filings diff`` are here alone: :func:`filings.review.diff.compare_builds` where
the diff compares recorded builds by number itself, else the history's records checked out and
compared here (:func:`filings.review.diff.compare`, :func:`filings.review.diff.write_diff`).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from filings.errors import FilingsError, display_path
from filings.paths import OutsideError, resolve_inside
from filings.pipeline.history import History, Record
from filings.review.web.matter import REVIEWS, Warn, text_of


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
    if hasattr(diffs, "compare_builds"):  # filings diff --since: two recorded builds, the review folder its own
        return diffs.compare_builds(facts_path, out_dir, old, new, converter=converter, warn=warn)
    return _compare_records(facts_path, out_dir, old, new, converter, warn)


def _compare_records(facts_path: Path, out_dir: Path, old: int, new: int, converter, warn: Warn):
    """The same where ``filings diff`` compares no recorded builds by number: each checked out of
    the history, compared, and written to ``reviews/DATE-rOLD-rNEW``."""
    from filings.review.diff import compare, write_diff
    from filings.review.sides import Side, new_workdir

    matter_root = Path(facts_path).parent
    history = History(matter_root, warn)
    records = {r.number: r for r in history.records(out_dir)}
    out = review_folder(matter_root, records[old], records[new])
    with new_workdir() as tmp:
        sides = []
        for number in (old, new):
            record = records[number]
            root = history.checkout(record, Path(tmp) / f"build-{number}")
            sides.append(Side(record.label, root, text_of(history, record.facts_sha256), record.facts_name))
        diff = compare(*sides)
        write_diff(diff, out, converter, warn=warn, confidential=confidential_now(facts_path))
    return diff, out


def review_folder(matter_root: Path, old: Record, new: Record) -> Path:
    """``MATTER/reviews/DATE-rOLD-rNEW``: inside the matter (a ``reviews`` link leading out of it
    is refused), never inside a build, so the next build leaves it."""
    reviews = Path(matter_root) / REVIEWS
    try:
        reviews.mkdir(exist_ok=True)
        resolve_inside(Path(os.path.abspath(matter_root)), REVIEWS, kind="folder")
    except (OSError, OutsideError, ValueError) as e:
        raise FilingsError(f"the comparison cannot be written here: {e}; remove it or make it a folder",
                           path=display_path(reviews)) from None
    return reviews / f"{dt.date.today().isoformat()}-r{old.number}-r{new.number}"


def confidential_now(facts_path: Path) -> dict[str, list[str]]:
    """The values confidential in the facts now (a public redline holding one is withheld)."""
    from filings.court.confidential import secrets_of
    from filings.facts.load import load_facts

    try:
        return secrets_of(load_facts(facts_path)).values
    except FilingsError:
        return {}


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

    view = Comparison(diff.summary_line(), display_path(out), bool(getattr(diff, "facts_known", True)),
                      facts=list(diff.facts))
    for paper in diff.papers:
        if paper.status == "unchanged":
            view.unchanged += 1
            continue
        view.papers.append({"key": paper.key, "status": paper.status, "causes": tuple(paper.causes),
                            "side": getattr(paper, "side", ""), "withheld": bool(getattr(paper, "withheld", False)),
                            "pdf": link(paper.redline_pdf), "docx": link(paper.redline_docx),
                            "revisions": paper.revisions})
    for item in [*getattr(diff, "exhibits", ()), *getattr(diff, "holdings", ())]:
        view.others.append(_other(item))
    for rel in summaries(out):
        side = Path(rel).parent.as_posix()
        view.summaries.append(("summary" if side == "." else f"{side} summary", link(Path(out) / rel)))
    return view


def _other(item) -> str:
    """One exhibit, bundle or packet change, in words."""
    name = getattr(item, "name", None) or getattr(item, "id", "")
    kind = getattr(item, "kind", "exhibit")
    old, new = getattr(item, "old_label", None), getattr(item, "new_label", None)
    labels = " → ".join(x for x in (old, new) if x)
    detail = getattr(item, "detail", "")
    return " ".join(x for x in (f"{kind} {name}:", item.status, f"({labels})" if labels else "", detail) if x)


def summaries(folder: Path) -> list[str]:
    """The summary pages a comparison wrote (one, or one per version), relative to its folder."""
    found = [p.relative_to(folder).as_posix() for p in Path(folder).rglob("summary.html") if not p.is_symlink()]
    return sorted(found, key=lambda rel: (rel.count("/"), rel))
