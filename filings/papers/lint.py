"""Checks a template the way a lawyer edits it: in Word, paragraph by paragraph.

``lint_template(path)`` returns one :class:`~filings.errors.Problem` per thing to fix, each
one line naming the template, the paragraph and a short excerpt::

    templates/complaint.docx: paragraph 14 ("{% set residual = case.jurisdiction…"): {% set %} computes a value in the template; ...

It finds what docxtpl cannot read or would silently get wrong, and the logic that keeps
a paragraph from being reworded in Word:

- **tags split across paragraphs**: a ``{{`` or ``{%`` closed in another paragraph (or a
  ``}}`` that closes nothing in its own), an inline ``{% if %}``/``{% for %}`` closed in
  another paragraph (the Word markup between them would be cut in half), a paragraph-level
  ``{%p if %}`` closed by an inline ``{% endif %}``, a block never closed;
- **paragraph tags sharing their paragraph**: docxtpl replaces the whole paragraph of a
  ``{%p ... %}`` tag by the tag, so any text beside it is lost (and so is a second one);
- **logic in prose**: ``{% set %}``, ``{% macro %}``, arithmetic, comparisons, ``is`` tests,
  indexing, list literals, inline ``x if y else z``, ``~`` and function calls other than
  ``exhibit()``. A template's paragraphs hold wording, ``{{ fact }}``, ``{{ x|filter }}``
  and ``{% if fact %}`` on facts and named values (docs/templates.md); ``and``, ``or`` and
  ``not`` may combine facts in a condition.

Runs split in the middle of a tag, the way Word saves an edited paragraph, are fine: the
paragraph's text is read whole, as docxtpl reads it; so are “smart quotes” inside a tag.
Unknown facts are found by rendering (``filings check``).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import nodes
from lxml import etree

from filings.errors import Problem
from filings.limits import DEFAULT_LIMITS, Limits
from filings.convert.office import sanitize_office
from filings.convert.officezip import OfficeFileError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_DELIMITERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER = re.compile(r"\{[{%#]")
_CLOSER = re.compile(r"[}%#]\}")
_LEVEL = re.compile(r"^\{[{%#](p|tr|tc|r) ")
_TYPED = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                        "‚": "'", "‛": "'", "\u00a0": " ", "\u202f": " ", "\u2007": " "})
_BLOCKS = {"if", "for", "macro", "call", "filter", "with", "raw", "block", "autoescape", "trans"}
_MIDDLES = {"elif": "if", "else": "if"}  # else also ends the body of a for
_LOGIC_HINT = "a template's wording holds only facts, named values and filters (docs/templates.md lists them)"
_KEYWORD_LOGIC = {"set": "{% set %} computes a value in the template",
                  "macro": "{% macro %} defines a macro in the template",
                  "call": "{% call %} calls a macro in the template"}
_OPERATORS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "in": "in",
              "notin": "not in"}
_PARSER = jinja2.Environment()


@dataclass
class _Tag:
    """One tag as read from a paragraph: its text, level (``p``, ``tr``, ... or ``""``), keyword."""

    text: str
    paragraph: int
    where: str
    level: str = ""
    inner: str = ""
    keyword: str = ""
    reported: bool = field(default=False, compare=False)

    @property
    def shown(self) -> str:
        """``'{%p if %}'``: the tag by its keyword, as messages name it."""
        return f"'{{%{self.level} {self.keyword} %}}'"


def lint_template(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """The problems of the template at ``path``, in document order; [] when it is clean."""
    clean = io.BytesIO()
    try:
        sanitize_office(Path(path), clean, limits=limits)
    except OfficeFileError as e:
        return [Problem(e.reason, path)]
    problems: list[Problem] = []
    with zipfile.ZipFile(clean) as package:
        for name in sorted(n for n in package.namelist() if _PARTS.match(n)):
            where = "" if name == "word/document.xml" else f"{name}, "
            root = etree.fromstring(package.read(name), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                         huge_tree=False))
            problems += [Problem(message, path) for message in _lint_part(root, where)]
    return problems


def unreadable_tags(part_xml: str) -> list[str]:
    """The problems of one part's XML that docxtpl would not report but get wrong: a tag begun in
    one paragraph and ended in another (it would join the paragraphs) and a ``{%p`` tag sharing
    its paragraph (the text would be lost). The renderer refuses a template that has them."""
    if "{" not in part_xml:
        return []
    root = etree.fromstring(part_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                      huge_tree=True))
    return _lint_part(root, "", full=False)


def _lint_part(root, where: str, full: bool = True) -> list[str]:
    """The problems of one part of the document (body, header, footer, notes); with ``full``
    false, only those that would make docxtpl render something else than the paragraphs show."""
    problems: list[str] = []
    stack: list[_Tag] = []
    paragraphs = [(p, _paragraph_text(p)) for p in root.iter(f"{W}p")]
    for number, (paragraph, text) in enumerate(paragraphs, 1):
        if "{" not in text and "}" not in text:
            continue
        tags, split, unclosed = _tags_of(text, number, where)
        if full:
            problems += split
        elif unclosed and _closed_later(unclosed, [t for _, t in paragraphs[number:]]):
            problems += split[-1:]  # docxtpl would join the paragraphs up to the closer
        problems += _paragraph_level(paragraph, text, tags)
        if not full:
            continue
        for tag in tags:
            problems += _logic(tag)
            problems += _structure(tag, stack)
        for tag in stack:
            if tag.paragraph == number and not tag.level and not tag.reported:
                tag.reported = True
                problems.append(_at(tag, f"{tag.shown} is not closed in this paragraph; close it here, or use "
                                         f"{{%p {tag.keyword} %}} … {{%p end{tag.keyword} %}} in paragraphs of "
                                         "their own"))
    problems += [_at(tag, f"{tag.shown} is never closed; add {{%{tag.level} end{tag.keyword} %}}")
                 for tag in stack if not tag.reported]
    return problems


def _paragraph_text(paragraph) -> str:
    """The text of a paragraph as docxtpl joins it: its runs' ``w:t``, deleted text left out,
    the text of paragraphs nested in it (a text box) left to them."""
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t")
                   if next(t.iterancestors(f"{W}p"), None) is paragraph)


def _excerpt(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _at(tag: _Tag, message: str) -> str:
    return f'{tag.where}paragraph {tag.paragraph} ("{_excerpt(tag.text)}"): {message}'


def _closed_later(closer: str, later: list[str]) -> bool:
    """Whether ``closer`` comes in a later paragraph before any tag opens: the tag spans paragraphs."""
    for text in later:
        opener, end = _OPENER.search(text), text.find(closer)
        if end >= 0 and (opener is None or end < opener.start()):
            return True
        if opener is not None:
            return False
    return False


def _tags_of(text: str, number: int, where: str) -> tuple[list[_Tag], list[str], str | None]:
    """The tags of one paragraph's text, the problems of tags not closed in it, and the closer
    of a tag left open at its end (None when every tag closes)."""
    tags: list[_Tag] = []
    problems: list[str] = []
    pos = 0
    while True:
        opener = _OPENER.search(text, pos)
        stray = _CLOSER.search(text, pos, opener.start() if opener else len(text))
        if stray:
            problems.append(f'{where}paragraph {number} ("{_excerpt(text[max(stray.start() - 30, 0):])}"): '
                            f"'{stray.group()}' closes no tag opened in this paragraph; a tag must begin and "
                            "end in the same paragraph")
        if not opener:
            return tags, problems, None
        close = _DELIMITERS[opener.group()]
        end = text.find(close, opener.end())
        if end < 0:
            problems.append(f'{where}paragraph {number} ("{_excerpt(text[opener.start():])}"): '
                            f"'{opener.group()}' opens a tag that is not closed in this paragraph; a tag must "
                            f"begin and end in the same paragraph (close it with '{close}')")
            return tags, problems, close
        tags.append(_read_tag(text[opener.start():end + 2], number, where))
        pos = end + 2


def _read_tag(text: str, number: int, where: str) -> _Tag:
    """A tag's level, inner text (delimiters, level and whitespace control stripped) and keyword."""
    level = _LEVEL.match(text)
    inner = text[2:-2].translate(_TYPED)
    if level:
        inner = inner[len(level.group(1)):]
    inner = inner.strip().strip("-+").strip()
    keyword = inner.split(None, 1)[0] if text.startswith("{%") and inner else ""
    return _Tag(text, number, where, level.group(1) if level else "", inner, keyword)


def _paragraph_level(paragraph, text: str, tags: list[_Tag]) -> list[str]:
    """Paragraph tags (``{%p``) stand alone in their paragraph; row tags (``{%tr``) sit in a table row."""
    problems = []
    whole = [t for t in tags if t.level in ("p", "tr", "tc")]
    if any(t.level == "p" for t in whole):
        rest = text
        for tag in tags:
            rest = rest.replace(tag.text, "", 1)
        if rest.strip():
            tag = next(t for t in whole if t.level == "p")
            problems.append(_at(tag, f"{{%p {tag.keyword} %}} shares its paragraph with text "
                                     f"(\"{_excerpt(rest.strip(), 30)}\"), which would be lost; put the tag in a "
                                     "paragraph of its own"))
    if len(whole) > 1:
        problems.append(_at(whole[1], f"{len(whole)} paragraph tags in one paragraph, where only the first would "
                                      "count; put each in a paragraph of its own"))
    for tag in whole:
        cell = next(paragraph.iterancestors(f"{W}{tag.level}"), None) if tag.level in ("tr", "tc") else True
        if cell is None:
            problems.append(_at(tag, f"{{%{tag.level} %}} is outside a table {'row' if tag.level == 'tr' else 'cell'}; "
                                     "use {%p %} for paragraphs"))
    return problems


def _structure(tag: _Tag, stack: list[_Tag]) -> list[str]:
    """Open, continue or close a block; blocks must close at the level they opened."""
    if not tag.text.startswith("{%") or not tag.keyword:
        return []
    keyword = tag.keyword
    if keyword in _BLOCKS or (keyword == "set" and "=" not in tag.inner):
        stack.append(tag)
        return []
    opened = keyword[3:] if keyword.startswith("end") else _MIDDLES.get(keyword)
    if opened is None:
        return []
    if keyword == "else" and stack and stack[-1].keyword == "for":
        opened = "for"
    if not stack or stack[-1].keyword != opened:
        return [_at(tag, f"{tag.shown} has no open '{{% {opened} %}}' before it to "
                         f"{'close' if keyword.startswith('end') else 'continue'}")]
    top = stack[-1]
    if keyword.startswith("end"):
        stack.pop()
    if top.level == tag.level or top.reported:
        return []
    if top.level:
        return [_at(tag, f"{tag.shown} belongs to the {top.shown} of paragraph {top.paragraph}; write it as "
                         f"{{%{top.level} {keyword} %}} in a paragraph of its own")]
    return []  # an inline block closed by a paragraph tag: reported where the block opened


def _logic(tag: _Tag) -> list[str]:
    """Logic in a tag: what a lawyer rewording the paragraph in Word could not follow."""
    if tag.text.startswith("{#") or not tag.inner:
        return []
    keyword = tag.keyword
    if keyword in _KEYWORD_LOGIC:
        return [_at(tag, f"{_KEYWORD_LOGIC[keyword]}; {_LOGIC_HINT}")]
    if tag.text.startswith("{%") and keyword not in ("if", "elif", "for"):
        if keyword == "else" or keyword.startswith("end"):
            return []
        return [_at(tag, f"'{{% {keyword} %}}' is template logic; {_LOGIC_HINT}")]
    try:
        expressions = _expressions(tag)
    except jinja2.TemplateSyntaxError as e:
        return [_at(tag, f"broken template tag: {e.message}")]
    for expression in expressions:
        found = _logic_in(expression)
        if found:
            return [_at(tag, f"{found} in a tag; {_LOGIC_HINT}")]
    return []


def _expressions(tag: _Tag) -> list[nodes.Node]:
    """The expressions of a ``{{ }}``, ``{% if %}``/``{% elif %}`` or ``{% for %}`` tag, parsed."""
    if tag.text.startswith("{{"):
        body = _PARSER.parse("{{ " + tag.inner + " }}").body[0]
        return [n for n in body.nodes if not isinstance(n, nodes.TemplateData)]
    if tag.keyword in ("if", "elif"):
        return [_PARSER.parse("{% if " + tag.inner.split(None, 1)[-1] + " %}{% endif %}").body[0].test]
    loop = _PARSER.parse("{% " + tag.inner + " %}{% endfor %}").body[0]
    return [loop.iter] + ([loop.test] if loop.test is not None else [])


def _logic_in(node: nodes.Node) -> str | None:
    """What in ``node`` computes instead of printing a fact, or None."""
    if isinstance(node, nodes.Compare):
        return f"a comparison ('{_OPERATORS.get(node.ops[0].op, node.ops[0].op)}')"
    if isinstance(node, nodes.Test):
        return f"a test ('is {node.name}')"
    if isinstance(node, nodes.Concat):
        return "joining text with '~'"
    if isinstance(node, nodes.BinExpr) and not isinstance(node, (nodes.And, nodes.Or)):  # and/or join facts
        return f"arithmetic ('{node.operator}')"
    if isinstance(node, (nodes.Neg, nodes.Pos)):
        return "arithmetic ('-')"
    if isinstance(node, nodes.Getitem):
        return "indexing ('[...]')"
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Dict)):
        return "a list literal"
    if isinstance(node, nodes.CondExpr):
        return "an inline 'if ... else'"
    if isinstance(node, nodes.Call) and not (isinstance(node.node, nodes.Name) and node.node.name == "exhibit"):
        callee = node.node.name if isinstance(node.node, nodes.Name) else getattr(node.node, "attr", "a method")
        return f"a function call ('{callee}()')"
    for child in node.iter_child_nodes():
        found = _logic_in(child)
        if found:
            return found
    return None
