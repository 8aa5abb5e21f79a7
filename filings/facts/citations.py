"""Citations written in facts text: ``[Exhibit: id]`` and ``[Term: id]``, checked and resolved.

Facts text is prose the papers print as it is, so it cannot hold template tags (a
``{{ exhibit('x') }}`` typed there would print as typed, into a sworn declaration). It may
instead cite, with a small syntax of its own:

- ``[Exhibit: type86_notice]`` prints the exhibit's label (``Exhibit 2``), renumbered when
  the exhibits are reordered, exactly like a template's ``{{ exhibit('type86_notice') }}``;
- ``[Term: ctpat]`` prints the defined term of a program, an organization or a person
  (``C-TPAT``, ``CBP``), the name the papers define at its first mention;
- ``[Decl: no_findings]`` prints the declaration statement's citation, ``Landis Decl. ¶ 7``
  (the declarant's surname and the statement's number, renumbered when statements move);
- ``[Record: final_memo]`` prints where a document of the administrative record (``record:``)
  is in the agency's indexes, ``P.R. 312, C.R. 98``; with a pin, ``[Record: final_memo at 14]``,
  ``P.R. 312 at 14`` (:func:`record_cite`; the form is unverified against the Court's practice).
- ``[Confidential: 18,250 metric tons]`` is a confidential passage inside a sentence (CIT
  Rule 5(g)): bracketed in the confidential version, deleted in the public one
  (:func:`passages` finds them; :mod:`filings.court.confidential` prints them).

:func:`citation_problems` finds, when the facts are loaded, every citation to an unknown id
or of an unknown kind and every template tag in facts text, each with the path of the value
(the loader adds its line), so ``filings check`` and every build stop on them.
:func:`resolve` turns the citations of one text into words when it is printed.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Callable, Iterator, Mapping

from pydantic import BaseModel

# [Kind: id]; an id is a facts id (letters, digits, '_', '-'), so "[Note: see below]" is no citation.
# A record citation may add a pin: "[Record: final_memo at 14-15]"; the id keeps it, " at 14-15".
CITATION = re.compile(r"\[([A-Z][a-z]+):[ \u00a0]*([A-Za-z_][\w-]*(?:[ \u00a0]+at[ \u00a0]+[\w.,\u2013-]+)?)\]")
KINDS = ("Exhibit", "Term", "Record", "Decl")
_PIN = re.compile(r"[ \u00a0]+at[ \u00a0]+")
_TAG = re.compile(r"\{\{|\{%|%\}|\}\}")
# [Confidential: any words]: a confidential passage of facts text (no brackets inside it).
PASSAGE = re.compile(r"\[Confidential:[ \u00a0]*([^\[\]\n]*?)[ \u00a0]*\]")
_PASSAGE_MEANT = re.compile(r"\[[ \u00a0]*confidential[ \u00a0]*:", re.IGNORECASE)
# What looks meant as a citation of a known kind, well formed or not ("[exhibit: x]", "[Exhibit: ]",
# "[Exhibit: a, b]", an unclosed "[Term: x"): each must be a CITATION, or it would print as typed.
_UNCLOSED = re.compile(r"\[[^:\]\n]*:[ \u00a0]*[^\s,\]]*")  # an unclosed one, as far as its id
_MEANT = re.compile(r"\[[ \u00a0]*(?:exhibit|term|record|decl)[ \u00a0]*:[^\]\n]{0,60}\]?", re.IGNORECASE)

Loc = tuple


def texts(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every piece of text in the facts, with its path (YAML keys as written: ``from``)."""
    if isinstance(value, str):
        yield loc, value
    elif getattr(value, "_plain", False):  # a declaration statement written as text alone
        yield loc, value.text
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from texts(getattr(value, name), loc + (field.alias or name,))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from texts(item, loc + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from texts(item, loc + (i,))


def citation_problems(facts: Any) -> Iterator[tuple[Loc, str]]:
    """Template tags in facts text, citations of an unknown kind, citations of unknown ids."""
    known = {"Exhibit": [e.id for e in facts.exhibits],
             "Term": [*facts.programs, *facts.organizations, *facts.people],
             "Record": [d.id for d in facts.record],
             "Decl": [s.id for s in facts.declaration.statements if s.id] if facts.declaration else []}
    what = {"Exhibit": "exhibit", "Term": "program, organization or person", "Record": "document of the record",
            "Decl": "statement of the declaration"}
    seen: set[str] = set()
    for i, document in enumerate(facts.record):
        if document.id in seen:
            yield ("record", i, "id"), f"a second record document with id '{document.id}'; give each its own id"
        seen.add(document.id)
    for loc, text in texts(facts):
        if _TAG.search(text):
            yield loc, ("template tags are not read in facts text (they would print as typed); cite an exhibit "
                        "with [Exhibit: id] or a defined term with [Term: id]")
            continue
        for m in _PASSAGE_MEANT.finditer(text):
            if not (PASSAGE.match(text, m.start()) and PASSAGE.match(text, m.start()).group(1)):
                yield loc, ("malformed confidential passage; write [Confidential: the words], 'Confidential' "
                            "capitalised, some words, no brackets inside, and the closing bracket")
        for m in _MEANT.finditer(text):
            if not CITATION.match(text, m.start()):
                shown = m.group(0) if m.group(0).endswith("]") else _UNCLOSED.match(text, m.start()).group(0)
                yield loc, (f"malformed citation '{shown}'; write [Exhibit: id], [Term: id], [Record: id] or "
                            "[Decl: id]: the kind capitalised, one id, and the closing bracket")
        for m in CITATION.finditer(text):
            kind, ref = m.group(1), m.group(2)
            if kind == "Confidential":  # a passage of one word: not a citation
                continue
            if _PIN.search(ref):
                if kind == "Record":
                    ref = _PIN.split(ref, 1)[0]
                else:
                    yield loc, f"'{m.group(0)}': only a record citation takes a pin ([Record: id at 14])"
                    continue
            if kind not in KINDS:
                close = difflib.get_close_matches(kind, KINDS, n=1)
                hint = (f"; did you mean [{close[0]}: {ref}]?" if close
                        else "; write [Exhibit: id], [Term: id] or [Record: id]")
                yield loc, f"unknown citation '{m.group(0)}'{hint}"
            elif ref not in known[kind]:
                close = difflib.get_close_matches(ref, known[kind], n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield loc, f"'{m.group(0)}' cites no {what[kind]} with id '{ref}'{hint}"


def passages(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without its ``[Confidential: ...]`` markup, and where each passage now stands."""
    out, spans, at = [], [], 0
    for m in PASSAGE.finditer(text):
        out.append(text[at:m.start()])
        start = sum(len(part) for part in out)
        out.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        at = m.end()
    out.append(text[at:])
    return "".join(out), spans


def resolve(text: str, cite: Callable[[str, str], str] | None) -> str:
    """``text`` with each citation replaced by ``cite(kind, id)``; unchanged without a citer."""
    if cite is None or "[" not in text:
        return text
    return CITATION.sub(lambda m: cite(m.group(1), m.group(2)) if m.group(1) in KINDS else m.group(0), text)


def record_cite(public: int | None, confidential: int | None, pin: str | None = None) -> str:
    """Where a record document is: ``P.R. 312, C.R. 98``; pinned, ``P.R. 312 at 14`` (the page of
    the public version; ``C.R. 98 at 14`` for a document only on the confidential record).
    Unverified: the Court's rules fix no form; this follows the common ``P.R.``/``C.R.`` usage."""
    if pin:
        return f"P.R. {public} at {pin}" if public is not None else f"C.R. {confidential} at {pin}"
    return ", ".join(f"{mark} {n}" for mark, n in (("P.R.", public), ("C.R.", confidential)) if n is not None)


def citer(exhibits: Mapping[str, Any], named: Mapping[str, Any],
          record: Mapping[str, Any] | None = None,
          statements: Mapping[str, Any] | None = None) -> Callable[[str, str], str]:
    """The words for a citation: the exhibit's label (``exhibits``: id → exhibit node), the
    term of a program or party (``named``: id → node), a record document's numbers
    (``record``: id → node), or a declaration statement's ``Landis Decl. ¶ 7`` (``statements``). Each read is recorded like a template's, so a paper whose facts
    cite Exhibit 4 is rebuilt when that exhibit is relabelled."""
    def cite(kind: str, ref: str) -> str:
        if kind == "Record":
            ref, _, pin = _PIN.sub(" at ", ref).partition(" at ")
            if record is not None and ref in record:
                public, confidential = record[ref].public, record[ref].confidential  # recorded; empty: falsy
                return record_cite(public or None, confidential or None, pin or None)
        if kind == "Exhibit" and ref in exhibits:
            exhibits[ref].id  # recorded: a reorder that moves another exhibit here changes the id
            return str(exhibits[ref].label)
        if kind == "Decl" and statements is not None and ref in statements:
            return str(statements[ref].cited)  # recorded: the statement's number and the declarant's name
        if kind == "Term" and ref in named:
            return named[ref].term  # as it is: a confidential term keeps its mark, to be bracketed
        return f"[{kind}: {ref}]"
    return cite


_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "twenty|thirty|forty|forty-five|sixty|ninety|\\d+")
_COUNTED = re.compile(rf"\b(?:{_NUMBER_WORDS})(?:\s*\(\d+\))?[\s-]+(?:calendar\s+|business\s+)?days?(?:['’]s?)?"
                      rf"(?:\s+(?:later|earlier|after|before|notice|to\s+respond))?", re.IGNORECASE)


def counted_days(facts: Any) -> Iterator[tuple[Loc, str]]:
    """Free text that counts the days between events ("seven days' notice", "nine days
    later") in the facts' own story (events, requests, claims, declaration): it goes stale when
    a date changes, while the papers compute such counts from the dates (``notice_days``). A
    deadline asked for ("within two business days") is what was asked, and is left alone."""
    for loc, text in texts(facts):
        if not loc or loc[0] not in ("events", "claims", "declaration", "exhibits"):
            continue
        for m in _COUNTED.finditer(text):
            phrase = m.group(0)
            if re.search(r"later|earlier|notice", phrase, re.IGNORECASE):
                yield loc, phrase

