"""Rendering DOCX templates with the facts: the only module that touches docxtpl.

Templates are untrusted (they may come from other people), so they render in Jinja's
sandbox, with autoescaping (a fact may contain ``&`` or ``<``) and strict undefined names.
Every Jinja failure is turned into a :class:`TemplateError` naming the template file
and the tag or paragraph to fix.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from .context import EmptyFact, Node, NodeList, SectionPrinted, UnknownFact, tracking
from .dates import LegalDate
from .errors import TemplateError, display_path
from .typography import smart_quotes


def _and_list(items) -> str:
    """``a``, ``a and b``, ``a, b, and c`` (items printed with str)."""
    words = [str(i) for i in items]
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def _short_date(value: Any) -> str:
    if not isinstance(value, LegalDate):
        raise jinja2.TemplateRuntimeError(f"short_date needs a date, got {value!r}")
    return value.short()


def _roman(number: int) -> str:
    """4 → ``IV`` (count numbers)."""
    out, n = "", int(number)
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


class UnknownExhibit(Exception):
    """A template cited an exhibit id that the facts do not list."""


def _exhibit_function(exhibits) -> Any:
    by_id = {e.id: e for e in exhibits._items} if exhibits else {}

    def exhibit(exhibit_id: str) -> str:
        """``exhibit('type86_notice')`` → ``Exhibit 1`` (the read is recorded as a citation)."""
        if exhibit_id not in by_id:
            raise UnknownExhibit(exhibit_id, list(by_id))
        return by_id[exhibit_id].label
    return exhibit


def _finalize(value: Any) -> Any:
    """Called on every ``{{ }}``: printing an empty fact is an error, never a blank."""
    if isinstance(value, (Node, NodeList)):
        value = str(value)
    if value is None:
        raise EmptyFact("(a value computed in the template)")
    if isinstance(value, str) and not isinstance(value, Markup):
        return smart_quotes(value)
    return value


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment every template renders in."""
    env = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined,
                               finalize=_finalize, keep_trailing_newline=True)
    env.filters.update(and_list=_and_list, short_date=_short_date, roman=_roman)
    return env


class Renderer:
    """Renders templates from one folder with one matter's context."""

    def __init__(self, templates_dir: Path, context: dict[str, Any]):
        self.templates_dir = Path(templates_dir)
        self.context = context
        self.env = make_environment()
        self.env.globals["exhibit"] = _exhibit_function(context.get("exhibits"))

    def render(self, template_name: str, out_path: Path, extra: dict[str, Any] | None = None) -> set[str]:
        """Render ``template_name`` to ``out_path``; return the fact paths it read.

        ``extra`` adds names to the context (an exhibit template's ``request``).
        """
        path = Path(display_path(self.templates_dir / template_name))
        if not path.is_file():
            raise TemplateError("template not found; check the templates folder", path=path)
        tpl = DocxTemplate(path)
        reads: set[str] = set()
        try:
            with tracking(reads):
                tpl.render({**self.context, **extra} if extra else self.context, self.env, autoescape=True)
        except UnknownFact as e:
            raise TemplateError(f"{_tag_naming(tpl, e.path)}no such fact '{e.path}'{e.hint}", path=path) from e
        except EmptyFact as e:
            raise TemplateError(f"{_tag_naming(tpl, e.path)}the fact '{e.path}' is empty in the facts file; "
                                "give it a value or wrap the tag in {% if %}", path=path) from e
        except SectionPrinted as e:
            raise TemplateError(f"{_tag_naming(tpl, e.path)}'{e.path}' is a group of facts, not one fact; "
                                f"{e.hint}", path=path) from e
        except UnknownExhibit as e:
            exhibit_id, known = e.args
            close = difflib.get_close_matches(exhibit_id, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise TemplateError(f"exhibit('{exhibit_id}'): no exhibit with that id in the facts{hint}",
                                path=path) from e
        except jinja2.UndefinedError as e:
            name = _undefined_name(e)
            raise TemplateError(f"{_tag_naming(tpl, name)}no such fact '{name}'", path=path) from e
        except jinja2.TemplateSyntaxError as e:
            raise TemplateError(f"{_where(tpl, e)}broken template tag: {e.message}", path=path) from e
        except jinja2.TemplateError as e:
            raise TemplateError(f"{_where(tpl, e)}{e}", path=path) from e
        tpl.save(out_path)
        return reads

    def names(self) -> list[str]:
        """The template files in the folder."""
        return sorted(p.name for p in self.templates_dir.glob("*.docx"))


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
        if "header" in rel.reltype or "footer" in rel.reltype:
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
