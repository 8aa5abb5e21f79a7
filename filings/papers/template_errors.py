"""The one-line :class:`~filings.errors.TemplateError` for each way rendering fails.

Every failure names the template file and the tag or paragraph to fix: the tag that
mentions a missing or empty fact (``{{ case.court_num }}: no such fact ...``), the line of the
facts file where an empty fact is written, or the paragraph of docxtpl's
one-paragraph-per-line XML where the error happened (``paragraph 12 ("text…"): ...``).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import jinja2
from jinja2.sandbox import SecurityError

from filings.errors import TemplateError
from filings.papers.filters import UnknownExhibit, _kind, _reason
from filings.papers.nodes import Empty, EmptyFact, SectionPrinted, UnknownFact
from filings.papers.sandbox import _MUTATORS, MissingAttribute

if TYPE_CHECKING:
    from docxtpl import DocxTemplate


def _template_error(tpl: DocxTemplate, e: Exception, path: Path,
                    locate_fact: Callable[[str], str | None]) -> TemplateError:
    """The one-line :class:`TemplateError` for an error raised while rendering; an empty fact
    is named with the line of the facts file where it is (or would be) written."""
    if isinstance(e, UnknownFact):
        return TemplateError(f"{_tag_naming(tpl, e.path)}no such fact '{e.path}'{e.hint}", path=path)
    if isinstance(e, EmptyFact):
        return TemplateError(f"{_tag_naming(tpl, e.path)}the fact '{e.path}' is empty in the facts file"
                             f"{_at(locate_fact(e.path))}; give it a value or wrap the tag in {{% if %}}", path=path)
    if isinstance(e, SectionPrinted):
        return TemplateError(f"{_tag_naming(tpl, e.path)}'{e.path}' is a group of facts, not one fact; "
                             f"{e.hint}", path=path)
    if isinstance(e, UnknownExhibit):
        exhibit_id, known = e.args
        close = difflib.get_close_matches(exhibit_id, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return TemplateError(f"exhibit('{exhibit_id}'): no exhibit with that id in the facts{hint}", path=path)
    if isinstance(e, MissingAttribute):
        return TemplateError(f"{_where_or_tag(tpl, e, str(e.name))}{_missing(e, locate_fact)}", path=path)
    if isinstance(e, SecurityError):
        return TemplateError(f"{_where(tpl, e)}{_reason(e).rstrip('.')}; templates can only read and print "
                             "the facts", path=path)
    if isinstance(e, jinja2.UndefinedError):
        name = _undefined_name(e)
        return TemplateError(f"{_tag_naming(tpl, name)}no such fact '{name}'", path=path)
    if isinstance(e, jinja2.TemplateSyntaxError):
        return TemplateError(f"{_where(tpl, e)}broken template tag: {e.message}", path=path)
    return TemplateError(f"{_where(tpl, e)}{_reason(e)}", path=path)


def _at(where: str | None) -> str:
    return f" ({where})" if where else ""


def _missing(e: MissingAttribute, locate_fact: Callable[[str], str | None]) -> str:
    """``a list has no 'append'; ...`` for a name asked of a value that does not have it."""
    if isinstance(e.obj, Empty):
        return (f"the fact '{e.obj._path}' is empty in the facts file{_at(locate_fact(e.obj._path))}, so it has "
                f"no '{e.name}'; give it a value or wrap the tag in {{% if %}}")
    what = f"element {e.name!r}" if not isinstance(e.name, str) else f"'{e.name}'"
    if e.name in _MUTATORS:
        return f"{_kind(e.obj)} has no {what}: templates can only read the facts, not change them"
    return f"{_kind(e.obj)} has no {what}; check the spelling (docs/templates.md lists what each fact has)"


def _where_or_tag(tpl: DocxTemplate, e: jinja2.TemplateError, name: str) -> str:
    """The paragraph of the error, or else the tag that mentions ``name``."""
    return _where(tpl, e) or _tag_naming(tpl, name)


def _undefined_name(error: jinja2.UndefinedError) -> str:
    m = re.search(r"'([^']+)' is undefined", str(error))
    return m.group(1) if m else str(error)


def _tag_naming(tpl: DocxTemplate, fact: str) -> str:
    """``{{ case.court_num }}: `` — the tag in the template that mentions the fact's last name."""
    last = fact.rsplit(".", 1)[-1]
    for xml in _template_xml(tpl):
        for tag in re.findall(r"\{[{%].*?[}%]\}", xml, flags=re.S):
            if re.search(rf"\b{re.escape(last)}\b", tag):
                return re.sub(r"<[^>]+>", "", tag) + ": "
    return ""


def _template_xml(tpl: DocxTemplate) -> list[str]:
    """The text of the template's body, headers and footers after docxtpl's tag clean-up."""
    parts = [tpl.docx.element.xml] if tpl.docx else []
    for rel in (tpl.docx.part.rels.values() if tpl.docx else []):
        if not rel.is_external and ("header" in rel.reltype or "footer" in rel.reltype):
            parts.append(rel.target_part.blob.decode("utf-8", "replace"))
    return [tpl.patch_xml(x) for x in parts]


def _where(tpl: DocxTemplate, error: jinja2.TemplateError) -> str:
    """``paragraph 12 ("text…"): `` for an error at a line of docxtpl's one-paragraph-per-line XML."""
    context = [line.strip() for line in getattr(error, "docx_context", []) or []]
    lineno = getattr(error, "lineno", None)
    if lineno is None:
        return ""
    part = getattr(tpl, "current_rendering_part", None)
    part_name = str(part.partname).lstrip("/") if part is not None else ""
    where = "" if part_name in ("", "word/document.xml") else f"{part_name}, "
    index = (lineno - 1) - max(lineno - 4, 0)  # docxtpl keeps lines lineno-4 .. lineno+2
    text = context[index] if 0 <= index < len(context) else ""
    excerpt = f' ("{text[:60]}")' if text else ""
    return f"{where}paragraph {max(lineno - 1, 1)}{excerpt}: "
