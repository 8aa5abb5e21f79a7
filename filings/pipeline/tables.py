"""The passes that give a brief's tables of contents and of authorities the pages they are on.

A paper whose template prints ``tables`` (the Rule 56.2 brief) is rendered twice before it is
converted (:func:`render_with_tables`): once to read its headings and citations from the DOCX
(:mod:`filings.papers.authorities`), once more with the tables listing them, without pages, so
that they already take the room they will take. After the build's one conversion,
:func:`settle_tables` reads the PDF's pages, finds the page of each heading and of each
citation, and renders and converts the paper again with those pages, until the pages it
printed are the pages found (a longer table can push the text onto another page): at most
:data:`PASSES` conversions, else a warning. Other papers are not touched.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from filings.papers.authorities import Heading, Tables, docx_paragraphs, headings, listed, locate, table_titles
from filings.papers.nodes import Node, NodeList

if TYPE_CHECKING:
    from filings.facts.plan import Paper
    from filings.papers.render import Renderer
    from filings.pipeline.built import BuiltPaper

PASSES = 3  # conversions of a paper with tables, the build's own included
NAME = "tables"


@dataclass
class TablesJob:
    """A paper with tables on its way: how to render it again, and what its tables print now."""

    renderer: Renderer
    paper: Paper
    docx: Path
    extra: Mapping[str, Any]
    heads: list[Heading]
    titles: list[str]
    printed: Tables
    on_draft: Callable[[Paper, Path], None] | None = None
    passes: int = 1

    def render(self, tables: Tables) -> None:
        self.renderer.render(self.paper.template, self.docx, {**self.extra, NAME: tables_node(tables)})
        if self.on_draft is not None:
            self.on_draft(self.paper, self.docx)
        self.printed = tables


def tables_node(tables: Tables | None) -> Node:
    """What a template sees as ``tables``: ``contents`` (``heading``, ``label``, ``page``, and
    ``first_level``/``second_level``/``third_level``) and ``authorities`` (groups: ``name``,
    ``entries``: ``name``, the italic case name or empty, ``cite``, ``pages``)."""
    contents, groups = [], []
    for i, (h, page) in enumerate(tables.contents if tables else ()):
        contents.append(Node(f"{NAME}.contents.{i}", {
            "heading": h.text, "label": h.label, "page": page, "first_level": h.level == 1,
            "second_level": h.level == 2, "third_level": h.level == 3}))
    for a, pages in tables.authorities if tables else ():
        if not groups or groups[-1][0] != a.group:
            groups.append((a.group, []))
        groups[-1][1].append((a, pages))
    return Node(NAME, {"contents": NodeList(f"{NAME}.contents", contents), "authorities": NodeList(
        f"{NAME}.authorities", [Node(f"{NAME}.authorities.{g}", {"name": name, "entries": NodeList(
            f"{NAME}.authorities.{g}.entries", [Node(f"{NAME}.authorities.{g}.entries.{k}", {
                "name": a.name, "cite": a.cite, "pages": pages}) for k, (a, pages) in enumerate(entries)])})
            for g, (name, entries) in enumerate(groups)])})


def render_with_tables(renderer: Renderer, paper: Paper, docx: Path,
                       extra: Mapping[str, Any]) -> tuple[set[str], TablesJob | None]:
    """Render ``paper``; when its template prints ``tables``, render it again with its headings and
    authorities listed (no pages yet). The reads of ``tables`` are no facts: they are left out."""
    reads = renderer.render(paper.template, docx, {**extra, NAME: tables_node(None)})
    if not any(r == NAME or r.startswith(NAME + ".") for r in reads):
        return reads, None
    paragraphs = docx_paragraphs(docx)
    job = TablesJob(renderer, paper, docx, extra, headings(paragraphs), table_titles(paragraphs),
                    Tables((), ()))
    first = listed(paragraphs)
    reads = renderer.render(paper.template, docx, {**extra, NAME: tables_node(first)})
    job.printed = first
    return {r for r in reads if r != NAME and not r.startswith(NAME + ".")}, job


def settle_tables(built: list[BuiltPaper], convert: Callable[[BuiltPaper], None],
                  progress: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Give each converted paper with tables the pages its headings and citations are printed on."""
    for b in built:
        job: TablesJob | None = b.tables
        if job is None or b.pdf is None:
            continue
        while True:
            found = locate(page_texts(b.pdf), job.heads, job.titles)
            if found == job.printed:
                break
            if job.passes >= PASSES:
                warn(f"{b.key}: the page numbers of its tables of contents and authorities did not settle after "
                     f"{PASSES} conversions; check them in the PDF")
                break
            progress(f"{b.key}: page numbers of its tables, pass {job.passes + 1}")
            job.render(found)
            convert(b)
            job.passes += 1


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, as pypdf reads it in layout order."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(pdf).pages]
