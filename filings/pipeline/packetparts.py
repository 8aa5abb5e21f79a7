"""What goes into a filing's packet: its papers and the exhibits it files, and the links of their citations.

Each exhibit the filing files (:mod:`filings.facts.filed`) follows the paper that first cites
it, as the bundle wrote it for CM/ECF (its cover and its Bates-stamped pages, the file in
``exhibits/``), with a bookmark nested under that paper's. With ``settings.exhibits_in_packet:
false`` the packet holds the papers alone and those files are its attachments. Every citation of
an exhibit the packet holds, found in the papers' PDFs (:mod:`filings.pipeline.citelinks`), links
to the exhibit's cover in the packet.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from filings.facts.filed import Placed, filed_exhibits
from filings.facts.plan import Filing
from filings.pipeline.built import BuiltPaper

EXHIBITS_DIR = "exhibits"


def placed_exhibits(facts: Any, filings: tuple[Filing, ...], papers: list[BuiltPaper]) -> list[list[Placed]]:
    """The exhibits each filing of ``filings`` files, from what its papers read."""
    reads = {b.paper.name: set(b.facts or b.reads) for b in papers}
    return filed_exhibits(facts, filings, reads)


def exhibit_files(folder: Path, mark: str) -> list[Path]:
    """The bundle's file (or files, when split) of the exhibit labelled ``mark`` in ``folder``."""
    if not folder.is_dir():
        return []
    name = re.compile(rf"^Exhibit {re.escape(mark)}(?: - .*)?(?: \(?[Pp]art \d+.*)?\.pdf$")
    found = [p for p in folder.iterdir() if name.match(p.name)]
    return sorted(found, key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)])


def exhibits_folder(root: Path, prefix: str) -> Path:
    """Where the exhibits of the set in ``prefix`` are (a packet at the top of a versioned build: the public ones)."""
    for where in (prefix, "public/", ""):
        if (root / where / EXHIBITS_DIR).is_dir():
            return root / where / EXHIBITS_DIR
    return root / prefix / EXHIBITS_DIR


def packet_parts(papers: list[BuiltPaper], placed: list[Placed], labels: Mapping[int, str],
                 marks: Mapping[int, str], folder: Path, bookmark, in_packet: bool = True,
                 declaration: tuple[str, list[int]] | None = None) -> list:
    """The packet's parts in order: each paper, and after the paper it follows each exhibit it files
    (nested under it), the citations of those exhibits linked to their covers; with
    ``declaration`` (its short name, "Landis Decl.", and its paragraphs' numbers), each citation of
    one of its paragraphs ("Landis Decl. ¶ 7") linked to the page where that paragraph begins."""
    from filings.pipeline import pdf
    from filings.pipeline.citelinks import find_citations

    after: dict[str, list[Placed]] = {}
    for x in placed if in_packet else ():
        after.setdefault(x.after, []).append(x)
    parts: list[Any] = []
    starts: dict[int, int] = {}  # exhibit index → its first part
    where: dict[str, int] = {}  # paper → its part
    for b in papers:
        where[b.paper.name] = len(parts)
        parts.append(pdf.Part(b.pdf, bookmark(b)))
        # a motion's exhibits follow its certificate of compliance, nested under the motion
        top = where.get(b.paper.certifies or "", len(parts) - 1)
        for x in after.get(b.paper.name, ()):
            files = exhibit_files(folder, marks[x.index])
            for k, f in enumerate(files):
                if k == 0:
                    starts[x.index] = len(parts)
                parts.append(pdf.Part(f, pdf.title_of(f) if k == 0 else "", parent=top))
    wanted: dict[str, Any] = {labels[n]: starts[n] for n in starts}
    wanted.update(_paragraph_targets(declaration, where))
    linked = []
    for part in parts:
        if part.parent is None and wanted:
            found = find_citations(part.pdf, list(wanted))
            part = pdf.Part(part.pdf, part.bookmark, links=tuple((f.page, f.rect, wanted[f.label]) for f in found))
        linked.append(part)
    return linked


def _paragraph_targets(declaration: tuple[str, list[int], Path] | None, where: Mapping[str, int]) -> dict[str, Any]:
    """``Landis Decl. ¶ 7`` (PDFium finds it whatever spaces tie it) → (the declaration's part, its
    page where ¶ 7 begins), for a declaration in this packet."""
    if declaration is None or "declaration" not in where:
        return {}
    from filings.pipeline.citelinks import paragraph_pages

    short, numbers, path = declaration
    pages = paragraph_pages(path, numbers)
    return {f"{short} ¶ {n}": (where["declaration"], page) for n, page in pages.items()}

