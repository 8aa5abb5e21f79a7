"""Rendering DOCX templates with the facts: the only module that touches docxtpl.

Templates are untrusted (they may come from other people), so they render in the
immutable, bounded sandbox of :mod:`filings.papers.sandbox`, with the facts read-only.

Every failure is one :class:`TemplateError` naming the template file and the tag or
paragraph to fix (:mod:`filings.papers.template_errors`). Templates are checked and cleaned
by :mod:`filings.convert.office` before docxtpl opens them, and the rendered DOCX is cleaned
again (a template can build a field instruction at render time).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2
from docxtpl import DocxTemplate

from filings.convert.office import sanitize_office
from filings.convert.officezip import OfficeFileError
from filings.court.confidential import Version, citing, showing
from filings.determinism import repack_docx
from filings.errors import TemplateError, display_path
from filings.limits import DEFAULT_LIMITS, Limits
from filings.papers.budget import _Budget, _budget
from filings.papers.filters import UnknownExhibit, _exhibit_function, _reason
from filings.papers.library import TemplateLibrary
from filings.papers.lint import unreadable_tags
from filings.papers.nodes import EmptyFact, SectionPrinted, UnknownFact, tracking
from filings.papers.sandbox import make_environment
from filings.papers.template_errors import _template_error
from filings.papers.typeset import typeset_docx


_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")
# What Word's AutoCorrect types inside a tag, as Jinja needs it: straight quotes, plain spaces.
_TAG_TYPING = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                             "‘": "'", "’": "'", "‚": "'", "‛": "'",
                             "\u00a0": " ", "\u202f": " ", "\u2007": " "})


def _as_typed(tag: str) -> str:
    """A tag's text as Jinja reads it: entities decoded (Word stores ``' & '`` as ``' &amp; '``)
    and smart quotes and no-break spaces typed by AutoCorrect made plain."""
    return (tag.replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
            .translate(_TAG_TYPING))


class _DocxTemplate(DocxTemplate):
    """docxtpl's template, with tags read as typed: ``&`` and quotes as they are (Word stores
    ``{{ xs|join(' & ') }}`` as ``' &amp; '``, which would print ``&amp;``), and the “smart
    quotes” and no-break spaces Word's AutoCorrect puts in a tag made straight quotes and
    spaces, so a template edited in Word renders. A tag that begins in one paragraph and ends
    in another, or a ``{%p`` tag beside text, is refused with one line naming the paragraph
    (docxtpl would join the paragraphs or drop the text)."""

    def patch_xml(self, src_xml: str) -> str:
        unreadable = unreadable_tags(src_xml)
        if unreadable:  # docxtpl would join the paragraphs or drop the text: one clear line instead
            raise jinja2.TemplateError(unreadable[0])
        src_xml = super().patch_xml(src_xml)
        return _IN_TAG.sub(lambda m: _as_typed(m.group(0)), src_xml)


class Renderer:
    """Renders templates from one folder with one matter's context."""

    def __init__(self, templates: TemplateLibrary | Path, context: Mapping[str, Any],
                 limits: Limits = DEFAULT_LIMITS, folder: str = "",
                 locate_fact: Callable[[str], str | None] | None = None, version: Version | None = None,
                 header_legend: bool = True):
        self.version = version  # the confidential or public version, or None (nothing confidential)
        self.header_legend = header_legend  # put the legend in the header of a template that lacks it
        self.locate_fact = locate_fact or (lambda fact: None)  # where a fact is written: facts.yaml:12
        self.library = templates if isinstance(templates, TemplateLibrary) else \
            TemplateLibrary([("templates", Path(templates))])
        self.folder = folder  # "exhibits/": exhibit templates are looked up in that subfolder
        self.context = context
        self.limits = limits
        self.env = make_environment(limits)
        self.env.globals["exhibit"] = _exhibit_function(context.get("exhibits"))
        self.removed: dict[str, list[str]] = {}  # template name → what the cleaning removed
        self.read_paths: set[str] = set()  # every fact read by every template rendered so far

    def render(self, template_name: str, out_path: Path, extra: Mapping[str, Any] | None = None) -> set[str]:
        """Render ``template_name`` to ``out_path``; return the fact paths it read.

        ``extra`` adds names to the context (an exhibit template's ``request``).
        """
        path = self.locate(template_name)
        tpl, removed = self._open(path)
        reads: set[str] = set()
        token = _budget.set(_Budget(self.limits))
        names = {**self.context, "version_legend": self.version.legend if self.version else "", **(extra or {})}
        try:
            with tracking(reads), showing(self.version), citing(self.context.get("cite")):
                tpl.render(names, self.env, autoescape=True)
        except (UnknownFact, EmptyFact, SectionPrinted, UnknownExhibit, jinja2.TemplateError) as e:
            raise _template_error(tpl, e, path, self.locate_fact) from e
        except RecursionError as e:  # in Jinja's parser: a tag nested thousands deep
            raise TemplateError("a tag is nested too deeply to read; simplify it", path=path) from e
        finally:
            _budget.reset(token)
        if self.version is not None:  # the legend and the brackets come from the settings
            reads |= {"settings.bracket", f"settings.{self.version.name}_legend"}
            if self.header_legend:
                add_header_legend(tpl.docx, self.version.legend)
        self.read_paths |= reads
        removed += self._save(tpl, out_path, path)
        if removed:
            self.removed[template_name] = removed
        return reads

    def _open(self, path: Path) -> tuple[DocxTemplate, list[str]]:
        """The template checked (a zip within bounds, no external references) and opened."""
        clean = io.BytesIO()
        try:
            removed = sanitize_office(path, clean, limits=self.limits)
        except OfficeFileError as e:
            raise TemplateError(e.reason, path=path) from e
        clean.seek(0)
        tpl = _DocxTemplate(clean)
        try:
            tpl.init_docx()
        except Exception as e:  # python-docx: a zip that is not a Word document
            reason = re.sub(r"file '<[^>]*>' ", "", _reason(e))  # python-docx names the in-memory copy
            raise TemplateError(f"not a Word document python-docx can open ({reason}); open it in Word and "
                                "save it again as .docx", path=path) from e
        _check_tag_scan(tpl, path)
        return tpl, removed

    def _save(self, tpl: DocxTemplate, out_path: Path, path: Path) -> list[str]:
        """Save the rendered DOCX, cleaned again (a template can build a field at render time),
        with the same bytes for the same facts: fixed entry dates, order and core properties."""
        rendered = io.BytesIO()
        tpl.save(rendered)
        rendered = io.BytesIO(typeset_docx(rendered.getvalue()))  # citations tied, ranges dashed
        cleaned = io.BytesIO()
        try:
            removed = sanitize_office(rendered, cleaned, limits=self.limits, parts=_rendered_parts(tpl))
        except OfficeFileError as e:
            raise TemplateError(f"the rendered paper {e.reason}", path=path) from e
        cleaned.seek(0)
        out_path = Path(out_path)
        with tempfile.NamedTemporaryFile(dir=out_path.parent, prefix=".render-", suffix=".docx",
                                         delete=False) as tmp:
            try:
                repack_docx(cleaned, tmp)
            except BaseException:
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, out_path)
        return [f"{r} (made while rendering)" for r in removed]

    def locate(self, template_name: str) -> Path:
        """The file the template ``template_name`` comes from, on the search path (as a user would
        type it); a TemplateError when no folder has it or the name leads out of its folder."""
        return Path(display_path(self.library.find(self.folder + template_name).path))


def add_header_legend(document: Any, legend: str) -> None:
    """Put ``legend`` at the top of every header of ``document`` that does not show it.

    The shipped templates print ``{{ version_legend }}`` in their header, where Word owns its
    place and style; a template of a matter or a firm that has no such tag gets the legend
    here, so no page of a confidential or public version goes without it."""
    for i, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous and i > 0:
                continue  # shows the previous section's header
            if any(legend in p.text for p in header.paragraphs):
                continue
            header.is_linked_to_previous = False
            paragraphs = header.paragraphs
            paragraph = paragraphs[0].insert_paragraph_before() if paragraphs and paragraphs[0].text else \
                (paragraphs[0] if paragraphs else header.add_paragraph())
            paragraph.alignment = 2  # right
            run = paragraph.add_run(legend)
            run.bold = True


def _rendered_parts(tpl: DocxTemplate) -> set[str]:
    """The parts docxtpl renders: the body, headers, footers and footnotes."""
    package = tpl.docx.part.package
    names = {str(tpl.docx.part.partname).lstrip("/")}
    for part in package.iter_parts():
        if "header" in part.content_type or "footer" in part.content_type or "footnotes" in part.content_type:
            names.add(str(part.partname).lstrip("/"))
    return names


_SCAN_BUDGET = 20_000_000


def _check_tag_scan(tpl: DocxTemplate, path: Path) -> None:
    """Refuse a template whose unclosed ``{{``/``{%`` would make docxtpl's tag clean-up scan the
    rest of the document once for each of them (quadratic: minutes for a few MB)."""
    for xml in _raw_parts(tpl):
        cost = 0
        for line in xml.split("\n"):
            closers = [m.start() for m in re.finditer(r"[}%]\}", line)]
            j = 0
            for m in re.finditer(r"\{[{%]", line):
                while j < len(closers) and closers[j] < m.start():
                    j += 1
                cost += (closers[j] if j < len(closers) else len(line)) - m.start()
            if cost > _SCAN_BUDGET:
                raise TemplateError("has tags opened with '{{' or '{%' that are never closed; close each with "
                                    "'}}' or '%}'", path=path)


def _raw_parts(tpl: DocxTemplate) -> list[str]:
    """The XML of the body, headers and footers as docxtpl will scan it."""
    parts = [tpl.get_xml()]
    for rel in tpl.docx.part.rels.values():
        if not rel.is_external and ("header" in rel.reltype or "footer" in rel.reltype):
            parts.append(rel.target_part.blob.decode("utf-8", "replace"))
    return parts
