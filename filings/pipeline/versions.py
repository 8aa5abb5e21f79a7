"""Which sets a build writes: one, or also a confidential and a public version (CIT Rule 5(g)).

Only a paper that reads a confidential fact is written twice, in ``confidential/`` and
``public/`` (a motion or brief and its certificate of compliance together); every other
paper is written once, unmarked, at the top of the output folder. A filing that holds a
split paper gets a packet in each version's folder, holding its unsplit papers too; the
others one packet at the top. The exhibit bundle is split when an exhibit is confidential
or an exhibit template reads a confidential fact. Deciding needs the facts each template
reads, so every template is rendered once, plainly, into a scratch folder first (rendering
costs milliseconds; converting is what takes time). In the public bundle a confidential exhibit's pages are replaced by as
many slip-sheet pages, so its Bates numbers, like its label, stay those of the
confidential bundle; every page of either bundle carries the version's legend.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from filings.court.confidential import Version, confidential_exhibits, is_marked, secrets_of, versions
from filings.papers.nodes import Node, NodeList
from filings.papers.depends import index_nodes
from filings.errors import FilingsError
from filings.facts.kinds import kind_of
from filings.facts.plan import SHIPPED
from filings.facts.schema import Matter


@dataclass(frozen=True)
class OutputSet:
    """One set of outputs: its folder inside the output folder ("" for the unmarked set) and version,
    the papers it holds (None: every paper) and whether it holds the exhibit bundle."""

    prefix: str
    version: Version | None
    papers: frozenset[str] | None = None
    bundle: bool = True

    def holds(self, name: str) -> bool:
        """True when the paper ``name`` is written in this set."""
        return self.papers is None or name in self.papers

    @property
    def bundle_entry(self) -> str:
        """The manifest's name for this set's bundle."""
        return f"bundle-{self.version.name}" if self.version else "bundle"


SINGLE = OutputSet("", None)
EXHIBIT_TEMPLATES = "exhibits/"  # the key of the exhibit templates' reads in ``render_all``'s answer


def marked_paths(context: Mapping[str, Any]) -> set[str]:
    """Every path of the context whose value is, or holds, a confidential value (a list read
    whole records only its own path)."""
    paths: set[str] = set()
    for path, node in index_nodes(dict(context)).items():
        if isinstance(node, Node):
            paths |= {f"{path}.{k}" for k, v in node._data.items() if is_marked(v)}
        elif isinstance(node, NodeList):
            hits = {f"{path}.{i}" for i, v in enumerate(node._items) if is_marked(v)}
            paths |= hits | ({path} if hits else set())
    return paths


def plan_sets(matter: Matter, context: Mapping[str, Any], render_all, papers: Iterable[Any] = ()) -> list[OutputSet]:
    """The sets to build: the papers that read a confidential fact (``render_all(folder)`` renders
    every template plainly there and returns the facts each paper, and under
    :data:`EXHIBIT_TEMPLATES` the exhibit templates, read) in both versions, with their
    partners (``papers``: a certificate of compliance and what it certifies); the others in the
    unmarked set; the bundle in both versions when an exhibit is confidential or an exhibit
    template reads a confidential fact. One unmarked set when nothing is confidential."""
    hidden = bool(confidential_exhibits(matter))
    if not hidden and not secrets_of(matter):
        return [SINGLE]
    marked = marked_paths(context)
    with tempfile.TemporaryDirectory(prefix="filings-versions-") as tmp:
        try:
            reads = render_all(Path(tmp))
        except FilingsError:  # a template that does not render: everything in both, the build will say why
            return [OutputSet(f"{v.name}/", v) for v in versions(matter.facts.settings)]
    split = {name for name, read in reads.items() if name != EXHIBIT_TEMPLATES and read & marked}
    for paper in papers:  # a certificate of compliance is split exactly when its paper is
        if paper.certifies is not None and (paper.certifies in split or paper.name in split):
            split |= {paper.name, paper.certifies}
    split_bundle = hidden or bool(reads.get(EXHIBIT_TEMPLATES, set()) & marked)
    if not split and not split_bundle:
        return [SINGLE]
    unsplit = frozenset(name for name in reads if name != EXHIBIT_TEMPLATES and name not in split)
    sets = [OutputSet("", None, unsplit, bundle=not split_bundle)] if unsplit or not split_bundle else []
    return sets + [OutputSet(f"{v.name}/", v, frozenset(split), bundle=split_bundle)
                   for v in versions(matter.facts.settings)]


def warn_unexpected_split(matter: Matter, split: Iterable[str], warning) -> None:
    """Warn of a shipped paper that shows a confidential value though its kind of case does not
    expect one there (``confidential:`` in kinds.yaml): a tag on the wrong fact, most often."""
    kind = kind_of(matter.facts)
    odd = [name for name in split if name in SHIPPED and name not in kind.confidential]
    if odd:
        warning(f"{', '.join(odd)} {'shows' if len(odd) == 1 else 'show'} a confidential value, but in a "
                f"{kind.title.lower()} only {', '.join(kind.confidential) or 'no paper'} may carry confidential "
                f"information (kinds.yaml); check the !confidential tags, or add the paper under "
                f"settings.kinds.{kind.name}.confidential")


def slip_sheet(index: int, label: str, title: str, source: Path, password: str | None, folder: Path,
               version: Version) -> Path:
    """The slip sheet standing in the public bundle for exhibit ``label`` (as many pages as it has)."""
    import pikepdf  # PDF work is loaded when there is some (a build that keeps everything has none)

    from filings.exhibits.drawn import draw_slip_sheet
    try:
        with pikepdf.open(source, password=password or "") as pdf:
            pages = len(pdf.pages)
    except (pikepdf.PdfError, OSError) as e:
        raise FilingsError(f"exhibit {label} ({source}): cannot count its pages for the public version's "
                           f"slip sheet ({e})") from None
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{label}: {title}" if title.strip("[] ") else label,
             f"This exhibit ({pages} page{'s' if pages != 1 else ''}) contains confidential information "
             "and is omitted from the public version."]
    return draw_slip_sheet(folder / f"slip-{index + 1:03d}.pdf", heading="CONFIDENTIAL EXHIBIT OMITTED",
                           lines=lines, pages=pages, legend=version.legend)
