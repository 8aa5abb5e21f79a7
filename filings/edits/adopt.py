"""Folding an attorney's edit into the matter's own copy of the paper's template.

An edit that lies outside every fact (a sentence added, a phrase reworded, a paragraph
removed) belongs in the template when every later paper built from it should carry it too.
Each paragraph of the draft is traced to the template paragraph that made it: the template
paragraph's text, with each ``{{ ... }}`` read as "any value" and each ``{% ... %}`` as
nothing, must match the drafted paragraph, and no other paragraph of the draft. A change is
then made in the template paragraph's own runs when it lies in the template's words, not in
a value printed from the facts. What cannot be traced (a paragraph of a loop, a change
inside a fact's value, a change of format, a table) stays an edit, and is named.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from filings.edits.merge import align
from filings.edits.package import DOCUMENT, Package
from filings.edits.wordxml import OBJECT, P, R, Chars, blocks, deleted, signature, text, tokens, w

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CONTROL = re.compile(r"\{%-?\s*(p|tr|tc|r)\s")


@dataclass
class Adopted:
    """What went into the template, and what stayed an edit."""

    adopted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _pattern(template_text: str) -> tuple[re.Pattern, list[tuple[int, int, bool]]] | None:
    """A regex matching what a template paragraph renders, and its pieces: (start, end, literal)
    in the template's text. None for a paragraph of control tags (a loop or condition)."""
    if _CONTROL.search(template_text):
        return None
    pieces, regex, pos = [], [], 0
    for m in _TAG.finditer(template_text):
        if m.start() > pos:
            pieces.append((pos, m.start(), True))
            regex.append(f"({re.escape(template_text[pos:m.start()])})")
        pieces.append((m.start(), m.end(), False))
        regex.append("(.*?)" if m.group().startswith("{{") else "()")
        pos = m.end()
    if pos < len(template_text):
        pieces.append((pos, len(template_text), True))
        regex.append(f"({re.escape(template_text[pos:])})")
    return re.compile("".join(regex) + r"\Z", re.S), pieces


MIN_WORDS = 8  # characters of the template's own words a paragraph needs to be traced to it


def _literal(traced) -> int:
    return sum(end - start for start, end, literal in traced[1] if literal)


def _mapping(template_text: str, drafted: str, traced) -> list[int | None] | None:
    """For each character of ``drafted`` (and its end): where it is in the template's text, or
    None inside a printed value."""
    found = traced[0].match(drafted)
    if found is None:
        return None
    where: list[int | None] = [None] * (len(drafted) + 1)
    for g, (start, end, literal) in enumerate(traced[1], 1):
        s, e = found.span(g)
        if literal:
            for k in range(s, e):
                where[k] = start + (k - s)
            if where[e] is None:
                where[e] = end
    where[len(drafted)] = where[len(drafted)] if where[len(drafted)] is not None else len(template_text)
    return where


def adopt(base: Path, edited: Path, template: Path, target: Path) -> Adopted:
    """Write to ``target`` the ``template`` with each of the attorney's changes (``base`` →
    ``edited``) that can be traced to the template's own words made in it."""
    tpl = Package(template)
    b_root, e_root = Package(base).xml(DOCUMENT), Package(edited).xml(DOCUMENT)
    t_body = tpl.xml(DOCUMENT).find(w("body"))
    B, E = blocks(b_root.find(w("body"))), blocks(e_root.find(w("body")))
    T = [t for t in t_body.iter(P) if not deleted(t)]
    traced = {id(t): _pattern(text(t)) for t in T}
    best: dict[int, etree._Element] = {}  # base block → the most specific template paragraph matching it
    for i, b in enumerate(B):
        if b.tag != P or not text(b).strip():
            continue
        hits = [(_literal(traced[id(t)]), t) for t in T
                if traced[id(t)] is not None and traced[id(t)][0].match(text(b))]
        top = max((n for n, _ in hits), default=0)
        chosen = [t for n, t in hits if n == top]
        if top >= MIN_WORDS and len(chosen) == 1:
            best[i] = chosen[0]
    made = {}
    for t in best.values():
        made[id(t)] = made.get(id(t), 0) + 1
    owner = {i: t for i, t in best.items() if made[id(t)] == 1}  # the template makes this paragraph once
    result = Adopted()
    be = align(B, E)
    eb = {j: i for i, j in be.items()}
    for j, e in enumerate(E):
        i = eb.get(j)
        if i is None:
            _adopt_inserted(B, E, j, e, eb, owner, result)
            continue
        b = B[i]
        if signature(b, True) == signature(e, True):
            continue
        label = _label(text(e))
        if text(b) == text(e):
            result.kept.append(f"{label}: only its formatting changed (adopt takes words, not formatting; "
                               "the edit keeps it)")
            continue
        t = owner.get(i)
        if t is None or e.tag != P:
            result.kept.append(f"{label}: not traced to one paragraph of the template (a loop, a table, or "
                               "a paragraph the template makes more than once)")
            continue
        where = _mapping(text(t), text(b), traced[id(t)])
        changes = _changes(text(b), text(e))
        mapped = []
        for s, end, value in changes:
            ts, te = where[s] if where else None, where[end] if where else None
            inside = where is None or ts is None or te is None or any(where[k] is None for k in range(s, end))
            if inside or te - ts != end - s:
                mapped = None
                break
            mapped.append((ts, te, value))
        if mapped is None:
            result.kept.append(f"{label}: it changes words printed from the facts")
            continue
        chars = Chars(t)
        for ts, te, value in sorted(mapped, reverse=True):
            chars.replace(ts, te, value)
        result.adopted.append(f"{label}: reworded")
    for i, b in enumerate(B):
        if i not in be and b.tag == P and text(b).strip() and i not in owner:
            result.kept.append(f"{_label(text(b))}: removed, but not traced to one paragraph of the template")
        if i not in be and i in owner and b.tag == P:
            t = owner[i]
            if "{{" in text(t) or "{%" in text(t):
                result.kept.append(f"{_label(text(b))}: removed, but the template prints facts in it")
                continue
            t.getparent().remove(t)
            result.adopted.append(f"{_label(text(b))}: removed")
    tpl.write(target)
    return result


def _adopt_inserted(B, E, j, e, eb, owner, result: Adopted) -> None:
    label = _label(text(e))
    if e.tag != P or any(a.startswith(f"{{{R}}}") for x in e.iter() for a in x.attrib) or \
            any(True for _ in e.iter(w("footnoteReference"), w("endnoteReference"))):
        result.kept.append(f"{label}: added, but it holds a note, link or table the template cannot take")
        return
    if "{{" in text(e) or "{%" in text(e):
        result.kept.append(f"{label}: added, but it holds template tags")
        return
    for k in range(j - 1, -1, -1):
        i = eb.get(k)
        if i is not None:
            t = owner.get(i)
            if t is None:
                break
            t.addnext(copy.deepcopy(e))
            result.adopted.append(f"{label}: added")
            return
    result.kept.append(f"{label}: added after a paragraph not traced to the template")


def _changes(before: str, after: str) -> list[tuple[int, int, str]]:
    """The changes from ``before`` to ``after``, in characters of ``before``."""
    tb, ta = tokens(before), tokens(after)
    starts = [0]
    for t in tb:
        starts.append(starts[-1] + len(t))
    return [(starts[i1], starts[i2], "".join(ta[j1:j2]))
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, tb, ta, autojunk=False).get_opcodes() if tag != "equal"]


def _label(value: str) -> str:
    value = " ".join(value.replace(OBJECT, "[note]").split())
    if not value:
        return "an empty paragraph"
    return f'"{value[:50].rstrip()}…"' if len(value) > 50 else f'"{value}"'
