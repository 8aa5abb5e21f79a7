"""What the review page reads from a matter: its builds, its facts, its outputs.

The calls into the rest of filings that the page makes to read a matter are here, in one place
(and those that compare two builds in :mod:`filings.review.web.comparing`), so a change of those
interfaces is met here alone: the history (:class:`filings.pipeline.history.History`, its marks
where it records them), the fact diff (:func:`filings.review.factdiff.fact_changes`) and the causes
of each paper's change (:func:`filings.pipeline.changes.causes_between`).

Everything read here comes from a matter folder, which may come from anyone: files are served
only from the current build and the matter's ``reviews/`` folder, each path resolved (links
followed) and checked to stay inside it (:func:`filings.paths.resolve_inside`), and only PDFs
and the diff's own files; the facts file is read within the facts bound.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from filings.errors import FilingsError, display_path
from filings.limits import DEFAULT_LIMITS
from filings.paths import resolve_inside
from filings.pipeline.history import History, Record

REVIEWS = "reviews"  # MATTER/reviews/DATE-rOLD-rNEW: comparisons, which no build replaces
SERVED = {".pdf": "application/pdf", ".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
MAX_LISTED = 2000  # files listed of one build: a build makes a few dozen
Warn = Callable[[str], None]


# --------------------------------------------------------------------------- the builds

@dataclass
class Build:
    """One build of the history, as the page lists it."""

    number: int
    recorded: str
    draft: bool
    facts: list[str] = field(default_factory=list)     # the facts that changed since the build before
    papers: list[str] = field(default_factory=list)    # "complaint (events.2.date)"
    first: bool = False                                # no earlier build recorded
    marks: list[str] = field(default_factory=list)

    @property
    def changed(self) -> str:
        if self.first:
            return "first build recorded"
        if not self.facts and not self.papers:
            return "no fact or paper changed"
        facts = f"{len(self.facts)} fact{'s' if len(self.facts) != 1 else ''} changed"
        papers = f"{len(self.papers)} paper{'s' if len(self.papers) != 1 else ''} changed"
        return f"{facts}; {papers}"


_CHANGES: dict[tuple, tuple[list[str], list[str]]] = {}  # (numbers, facts' hashes) → the change: records never change


def builds(matter_root: Path, out_dir: Path, warn: Warn = lambda _: None) -> list[Build]:
    """The builds of ``out_dir`` the history holds, newest first, each with what changed since
    the one before (read from the stored facts and manifests: nothing is checked out) and its marks."""
    history = History(matter_root, warn)
    records = history.records(out_dir)
    marked = marks_by_build(history)
    found = []
    for before, record in zip([None, *records], records):
        item = Build(record.number, record.recorded, record.draft, first=before is None,
                     marks=marked.get(record.number, []))
        if before is not None:
            item.facts, item.papers = _changes(history, before, record)
        found.append(item)
    return found[::-1]


def marks_by_build(history: History) -> dict[int, list[str]]:
    """Build number → the names a reviewer marked it with (``filings review mark``)."""
    found: dict[int, list[str]] = {}
    for name, number in sorted(history.marks().items()):
        found.setdefault(number, []).append(name)
    return found


def _changes(history: History, old: Record, new: Record) -> tuple[list[str], list[str]]:
    from filings.pipeline.changes import causes_between
    from filings.review.factdiff import fact_changes
    from filings.review.sides import base_texts

    key = (old.number, new.number, old.facts_sha256, new.facts_sha256)
    if key in _CHANGES:
        return _CHANGES[key]
    facts: list[str] = []
    old_text, new_text = text_of(history, old.facts_sha256), text_of(history, new.facts_sha256)
    if old_text is not None and new_text is not None:
        with contextlib.suppress(FilingsError):  # a version that no longer loads: the build is listed still
            facts = [c.path for c in fact_changes(old_text, new_text, new.facts_name,
                                                  old_bases=base_texts(history, old.bases),
                                                  new_bases=base_texts(history, new.bases))]
    causes: dict[str, tuple[str, ...]] = {}
    for rel in new.files:
        if rel.endswith(".filings/manifest.json") and rel in old.files:
            prefix = rel[:-len(".filings/manifest.json")]
            for name, why in causes_between(_json(history, old.files[rel]), _json(history, new.files[rel])).items():
                causes[prefix + name] = why
    papers = []
    for rel, sha in new.files.items():
        if rel.endswith(".docx") and old.files.get(rel) != sha:
            key_name = rel[:-len(".docx")]
            why = causes.get(key_name, ())
            papers.append(f"{key_name} ({', '.join(why)})" if why else
                          key_name + ("" if rel in old.files else " (added)"))
    papers += [f"{rel[:-len('.docx')]} (removed)" for rel in old.files if rel.endswith(".docx")
               and rel not in new.files]
    _CHANGES[key] = facts, papers
    return facts, papers


def text_of(history: History, sha: str) -> str | None:
    """The stored text of ``sha`` (a facts file, a manifest), or None."""
    data = history.read(sha)
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def _json(history: History, sha: str) -> dict | None:
    text = text_of(history, sha)
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------- the facts

@dataclass
class FactsLine:
    number: int
    text: str
    confidential: bool


def facts_lines(facts_path: Path) -> tuple[list[FactsLine], str | None]:
    """The facts file as numbered lines, each marked when it writes a confidential value, and the
    problem that keeps it from loading (None when it loads)."""
    from filings.facts.source import load_yaml

    path = Path(facts_path)
    try:
        if path.stat().st_size > DEFAULT_LIMITS.facts_bytes:
            raise FilingsError(f"larger than {DEFAULT_LIMITS.facts_bytes:,} bytes", path=display_path(path))
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return [], f"{display_path(path)}: cannot be read ({e.strerror})"
    except FilingsError as e:
        return [], str(e.problems[0])
    lines = text.splitlines()
    problem, marked = None, set()
    try:
        _, source = load_yaml(path)
        marked = confidential_lines(source.lines, source.confidential, lines)
    except FilingsError as e:
        problem = str(e.problems[0])
    marked |= {i for i, line in enumerate(lines, 1) if "[Confidential:" in line}
    return [FactsLine(i, line, i in marked) for i, line in enumerate(lines, 1)], problem


def confidential_lines(lines_of: Mapping[tuple, int], confidential: Iterable[tuple], text: list[str]) -> set[int]:
    """The lines that write a value tagged ``!confidential``: from the tagged value's line to the
    line before the next value not inside it, without the blank and comment lines at its end."""
    marked: set[int] = set()
    starts = sorted(set(lines_of.values()))
    for tagged in confidential:
        inside = [line for loc, line in lines_of.items() if loc[:len(tagged)] == tagged]
        if not inside:
            continue
        first, last = min(inside), max(inside)
        later = [line for line in starts if line > last]
        end = (later[0] - 1) if later else len(text)
        while end > last and (not text[end - 1].strip() or text[end - 1].lstrip().startswith("#")):
            end -= 1
        marked.update(range(first, end + 1))
    return marked


# --------------------------------------------------------------------------- the outputs

@dataclass
class Output:
    rel: str          # path inside the build folder
    name: str


def outputs(out_dir: Path, order: Iterable[str] = ()) -> dict[str, list[Output]]:
    """The PDFs of the current build, by group: papers (at the top and in each version's folder),
    letters, exhibits; each folder's papers in filing order (``order``: the manifest's)."""
    try:
        root = Path(out_dir).resolve(strict=True)
    except (OSError, RuntimeError):
        return {}
    if not root.is_dir():
        return {}
    rank = {name: i for i, name in enumerate(order)}
    groups: dict[str, list[Output]] = {}
    count = 0
    for folder, dirs, files in os.walk(root):  # links are not followed: a build writes none
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "diff")
        rel_folder = Path(folder).relative_to(root).as_posix()
        for name in files:
            if not name.lower().endswith(".pdf") or name.startswith("."):
                continue
            count += 1
            if count > MAX_LISTED:
                return groups
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            groups.setdefault(_group(rel_folder, name), []).append(Output(rel, name[:-4]))
    for items in groups.values():
        items.sort(key=lambda o: (o.name != "exhibit-bundle", rank.get(o.name, len(rank)), _natural(o.name)))
    return dict(sorted(groups.items(), key=lambda kv: _GROUPS.index(kv[0].split(" ")[0])
                       if kv[0].split(" ")[0] in _GROUPS else len(_GROUPS)))


_GROUPS = ["papers", "packets", "confidential", "public", "letters", "exhibits"]


def _group(rel_folder: str, name: str) -> str:
    """papers, packets, confidential papers, public packets, letters, exhibits, exhibits (public), ..."""
    parts = [] if rel_folder == "." else rel_folder.split("/")
    kind = "packets" if name.startswith("packet") else "papers"
    if not parts:
        return kind
    if parts[-1] == "exhibits":
        return "exhibits" + (f" ({parts[0]})" if len(parts) > 1 else "")
    if parts[0] in ("confidential", "public") and len(parts) == 1:
        return f"{parts[0]} {kind}"
    return "/".join(parts)


def _natural(name: str) -> list:
    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", name)]


def paper_order(out_dir: Path) -> list[str]:
    """The papers in filing order, as the current build's manifest lists them."""
    try:
        manifest = json.loads((Path(out_dir) / ".filings" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    papers = manifest.get("papers") if isinstance(manifest, dict) else None
    return [str(p) for p in papers] if isinstance(papers, dict) else []


def served_file(folder: Path, rel: str, matter_root: Path | None = None) -> tuple[Path, str]:
    """The file ``rel`` of ``folder`` (the current build, or the matter's reviews) and its media
    type, when it is a kind the page serves and stays inside ``folder`` and, given ``matter_root``,
    inside the matter too (a ``build`` or ``reviews`` link of a matter received from elsewhere may
    lead anywhere); raises :class:`FileNotFoundError` otherwise (the page answers 404 alike,
    whatever the reason)."""
    media = SERVED.get(Path(rel).suffix.lower())
    if media is None or not rel or rel.startswith("/") or "\0" in rel or \
            any(part.startswith(".") for part in rel.split("/")):
        raise FileNotFoundError(rel)
    try:
        real = resolve_inside(Path(folder).resolve(strict=True), rel)
        if matter_root is not None:
            resolve_inside(Path(matter_root).resolve(strict=True), real)
        return real, media
    except (OSError, ValueError, RuntimeError):  # OutsideError is a ValueError
        raise FileNotFoundError(rel) from None


def within_matter(folder: Path, matter_root: Path) -> Path | None:
    """``matter_root`` when ``folder`` is written inside it (the default ``build/``, ``reviews/``):
    what is served from there must really be in the matter; None for a folder named elsewhere
    (``--out``), which the user chose."""
    folder, root = Path(os.path.abspath(folder)), Path(os.path.abspath(matter_root))
    return matter_root if folder == root or root in folder.parents else None
