"""A brief's tables: its contents and its authorities, each with the pages it is printed on.

Both are read from the paper itself, never from the facts alone, so a sentence the attorney
adds in the template or in Word counts like the facts' own:

- the **contents** are the paragraphs in the heading styles of the rendered DOCX
  (``Section Heading``, ``Point Heading``, ``Sub Heading``: levels 1, 2 and 3), in order; each
  is found on the PDF's pages as a line (or lines) of its own, with its printed label (``I.``,
  ``A.``), so an entry of the table itself (which ends in a page number) is never taken for it;
- the **authorities** are the citations eyecite finds in the paper's text (cases, statutes
  and regulations, the Federal Register), with a small supplement for what eyecite 2.x misses:
  a U.S.C. or C.F.R. section with a letter after its number (``19 U.S.C. § 1516a(b)(1)(B)(i)``,
  ``§ 1677b(f)(2)``). A short form counts for the authority it refers to: ``Nippon Steel, 458
  F.3d at 1351`` for the last full citation of that volume and reporter (eyecite's own rule for
  short cites), ``Id.`` for the citation just before it, whichever found it (eyecite's
  resolver would skip the supplement's). A statute or regulation is listed by its section
  (``19 U.S.C. § 1677b``), whatever subsections are cited; a case by its full citation
  without pin cite. Unverified: that the Court expects that grouping (Bluebook practice varies).

Pages are the **printed** page numbers: the running lines (header, footer) repeated on the
pages are taken off each page's text first, and the number among them is the page's own.
The text of the tables themselves (from the ``TOC Heading`` paragraph that opens the table of
contents to the first heading after them) is left out, so an authority is listed on the pages
of the brief where it is cited. :mod:`filings.pipeline.tables` makes the passes.
"""
from __future__ import annotations

import logging
import re
import zipfile
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LEVELS = {"section heading": 1, "point heading": 2, "sub heading": 3}
TABLE_TITLE = "toc heading"
GROUPS = ("Cases", "Statutes", "Regulations", "Other Authorities")
# The supplement: a U.S.C. or C.F.R. section eyecite 2.x does not see (a letter after its number).
_LAW = re.compile(r"\b(?P<title>\d+)\s+(?P<code>U\.S\.C\.|C\.F\.R\.)\s+§§?\s*(?P<section>\d+[a-z]*(?:\.\d+[a-z]*)?)")
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                        "\u2011": "-", "\u2013": "-", "\u202f": " "})  # one character each: offsets stay
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class Heading:
    """A heading of the brief: its level (1 to 3), its text and its label (``I.``, ``A.``, or none)."""

    level: int
    text: str
    label: str = ""


@dataclass(frozen=True)
class Authority:
    """One entry of the table of authorities: its group, the italic name (a case's) and the citation."""

    group: str
    name: str
    cite: str
    order: tuple = ()

    def __lt__(self, other: "Authority") -> bool:
        return (GROUPS.index(self.group), self.order) < (GROUPS.index(other.group), other.order)


@dataclass(frozen=True)
class Tables:
    """What the tables print: each heading with its page, each authority with its pages."""

    contents: tuple[tuple[Heading, str], ...]
    authorities: tuple[tuple[Authority, str], ...]


def plain(text: str) -> str:
    """``text`` with typographer's quotes, dashes and no-break spaces made plain, one character for one."""
    return text.translate(_PLAIN)


# ------------------------------------------------------------------------------------- the DOCX
def docx_paragraphs(docx: Path) -> list[tuple[str, str]]:
    """Each paragraph of the DOCX body: its style's name (lower case) and its text."""
    with zipfile.ZipFile(docx) as z:
        document = etree.fromstring(z.read("word/document.xml"), _PARSER)
        styles = etree.fromstring(z.read("word/styles.xml"), _PARSER)
    names = {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val").lower()
             for s in styles.iter(f"{W}style") if s.find(f"{W}name") is not None}
    out = []
    for p in document.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(e.text or "" if e.tag == f"{W}t" else "\t" for e in p.iter(f"{W}t", f"{W}tab"))
        out.append((names.get(style.get(f"{W}val"), "") if style is not None else "", text))
    return out


def headings(paragraphs: list[tuple[str, str]]) -> list[Heading]:
    """The brief's headings in order, each labelled as Word numbers them: points I., II. through the
    paper, subsections A., B. again under each point."""
    out, point, sub = [], 0, 0
    for style, text in paragraphs:
        level = LEVELS.get(style)
        if level is None or not text.strip():
            continue
        label = ""
        if level == 2:
            point, sub = point + 1, 0
            label = f"{_roman(point)}."
        elif level == 3:
            sub += 1
            label = f"{chr(ord('A') + (sub - 1) % 26)}."
        out.append(Heading(level, " ".join(text.split()), label))
    return out


def table_titles(paragraphs: list[tuple[str, str]]) -> list[str]:
    """The titles of the tables (``TABLE OF CONTENTS``): where the tables' text begins."""
    return [" ".join(t.split()) for s, t in paragraphs if s == TABLE_TITLE and t.strip()]


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


# ------------------------------------------------------------------------------ the citations
def citations(text: str) -> list[tuple[int, Authority]]:
    """Each citation of ``text`` (full or short) with its offset and the authority it cites, in order."""
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation, FullLawCitation, IdCitation, ShortCaseCitation

    logging.getLogger("eyecite").setLevel(logging.ERROR)  # its notes on overlapping citations are no user's
    text = plain(text)
    found: list[tuple[int, object]] = []
    law_starts = set()
    for c in get_citations(text):
        start = c.span()[0]
        if isinstance(c, FullLawCitation):
            law_starts.add(start)
        if isinstance(c, (FullCaseCitation, FullLawCitation, IdCitation, ShortCaseCitation)):
            found.append((start, c))
    for m in _LAW.finditer(text):
        if m.start() not in law_starts:
            found.append((m.start(), m))
    found.sort(key=lambda item: item[0])
    out: list[tuple[int, Authority]] = []
    cases: list[tuple[tuple[str, str], Authority]] = []  # the full case citations so far: (volume, reporter)
    for start, c in found:
        if isinstance(c, re.Match):
            authority = _law(c.group("title"), c.group("code"), c.group("section"), c.group(0))
        elif isinstance(c, FullCaseCitation):
            authority = _case(c, text)
            cases.append(((c.groups.get("volume", ""), c.groups.get("reporter", "")), authority))
        elif isinstance(c, FullLawCitation):
            g = c.groups
            authority = _law(g.get("title") or g.get("chapter") or g.get("volume", ""), g.get("reporter", ""),
                             g.get("section") or g.get("page", ""), c.matched_text())
        elif isinstance(c, ShortCaseCitation):
            key = (c.groups.get("volume", ""), c.groups.get("reporter", ""))
            earlier = [a for k, a in cases if k == key]
            if not earlier:
                continue
            authority = earlier[-1]
        else:  # Id.: the citation just before it
            if not out:
                continue
            authority = out[-1][1]
        out.append((start, authority))
    return out


def _case(c, text: str) -> Authority:
    g, meta = c.groups, c.metadata
    start, end = c.span()
    name = _case_name(text[max(0, start - 240):start]) or " v. ".join(n for n in (meta.plaintiff, meta.defendant)
                                                                       if n)
    m = _PAREN.match(text, end)
    court = f" ({m.group(1)})" if m else (f" ({meta.year})" if meta.year else "")
    cite = f"{g.get('volume')} {g.get('reporter')} {g.get('page')}{court}"
    return Authority("Cases", name, f", {cite}" if name else cite, (name.lower(), cite))


# After a case's volume, reporter and page: a pin cite, then the court and year ("(Fed. Cir. 2006)").
_PAREN = re.compile(r"(?:,\s*\d[\d\-, n.]*?)?\s*\(([^()]*\d{4})\)")
# Abbreviations that end in a period inside a case name (eyecite 2.x cuts "Motor Vehicle Mfrs. Ass'n" short).
_ABBREVIATED = {"mfrs.", "mfg.", "co.", "corp.", "inc.", "ltd.", "mut.", "auto.", "ins.", "bros.", "u.s.", "fed.",
                "am.", "elec.", "indus.", "sec.", "sys.", "tech.", "univ.", "assocs.", "int'l.", "nat'l.", "no.",
                "dep't.", "ass'n.", "comm'n.", "gov't.", "v.", "s.", "n.", "e.", "w.", "st.", "ct.", "cos."}
_SIGNALS = {"see", "also", "cf.", "e.g.,", "but", "accord", "compare", "contra", "see,"}
_JOINING = {"of", "the", "and", "&", "for", "de", "ex", "rel.", "in", "on", "v."}


def _case_name(before: str) -> str:
    """The case name that ends ``before`` (``… Ass'n v. State Farm Mut. Auto. Ins. Co., ``): the
    defendant after the last `` v. ``, the plaintiff's words back to a sentence's end or a signal."""
    before = before.rstrip()
    if not before.endswith(",") or " v. " not in before:
        return ""
    plaintiff, _, defendant = before[:-1].rpartition(" v. ")
    words: list[str] = []
    for word in reversed(plaintiff.split()):
        low = word.lower()
        if low in _SIGNALS or (words and word[-1] in '.;:?"\')' and low not in _ABBREVIATED) \
                or (word[:1].islower() and low not in _JOINING) or len(words) >= 12:
            break
        words.insert(0, word)
    while words and words[0].lower() in _JOINING:
        words.pop(0)
    return f"{' '.join(words)} v. {defendant.strip()}" if words else ""


def _law(title: str, code: str, section: str, matched: str) -> Authority:
    if code in ("U.S.C.", "C.F.R."):
        group = "Statutes" if code == "U.S.C." else "Regulations"
        numbers = tuple(int(n) if n.isdigit() else n for n in re.split(r"(\d+)", section) if n)
        return Authority(group, "", f"{title} {code} § {section}", (code, int(title) if title.isdigit() else 0,
                                                                    numbers))
    if code == "Fed. Reg.":
        return Authority("Other Authorities", "", f"{title} Fed. Reg. {section}", (code, title, section))
    return Authority("Other Authorities", "", " ".join(matched.split()), (code, matched))


# -------------------------------------------------------------------------------- the pages
def running_lines(pages: list[str]) -> tuple[list[str], list[str]]:
    """Each page's text without its running lines (a header or footer line printed, numbers aside,
    on at least half the pages and at most three lines from the top or bottom), and each page's
    printed number: the running line that is a number alone, else its place in the document."""
    split = [[line.strip() for line in page.splitlines()] for page in pages]
    shapes = Counter(s for lines in split for s in {re.sub(r"\d+", "#", line) for line in lines if line})
    threshold = max(2, (len(pages) + 1) // 2)
    texts, numbers = [], []
    for n, lines in enumerate(split):
        body = [line for line in lines if line]
        edge = set(range(min(3, len(body)))) | set(range(max(0, len(body) - 3), len(body)))
        running = {i for i in edge if shapes[re.sub(r"\d+", "#", body[i])] >= threshold}
        printed = [body[i] for i in sorted(running) if body[i].isdigit()]
        numbers.append(printed[-1] if printed else str(n + 1))
        texts.append("\n".join(line for i, line in enumerate(body) if i not in running))
    return texts, numbers


def locate(pages: list[str], heads: list[Heading], titles: list[str]) -> Tables:
    """The tables of a brief whose PDF pages read ``pages``: each heading's page, each authority's pages."""
    texts, numbers = running_lines(pages)
    starts, whole = [], ""
    for page in texts:
        starts.append(len(whole))
        whole += plain(page) + "\n"

    def page_at(offset: int) -> str:
        return numbers[bisect_right(starts, offset) - 1]

    contents, at = [], 0
    for h in heads:
        words = _words(h.text)
        m = re.compile(rf"(?:^|\n)[ \t]*(?:(?P<label>[IVXLC]+\.|[A-Z]\.|\d+\.)\s+)?{words}[ \t]*(?=\n)",
                       re.IGNORECASE).search(whole, at)
        if m is None:
            contents.append((h, "?"))
            continue
        at = m.end()
        label = m.group("label") or h.label if h.level > 1 else ""
        contents.append((Heading(h.level, h.text, label), page_at(m.start() + (m.group(0)[:1] == "\n"))))
    text = whole
    first = _line(whole, titles[0]) if titles else None
    if first is not None:
        end = _first_heading(whole, heads, first)
        text = whole[:first] + " " * (end - first) + whole[end:]
    return Tables(tuple(contents), tuple(_pages(citations(text.replace("\n", " ")), page_at)))


def listed(paragraphs: list[tuple[str, str]]) -> Tables:
    """The tables before the paper is converted: every heading and every authority of the DOCX's
    text, without pages (a first rendering lays them out as they will be)."""
    heads = headings(paragraphs)
    text = "\n".join(t for s, t in paragraphs if s not in ("toc 1", "toc 2", "toc 3", "table of authorities"))
    return Tables(tuple((h, "") for h in heads), tuple((a, "") for a, _ in _grouped(
        [("", a) for _, a in citations(text)])))


def _pages(cites: list[tuple[int, Authority]], page_at) -> list[tuple[Authority, str]]:
    return [(a, ", ".join(pages_of)) for a, pages_of in _grouped([(page_at(o), a) for o, a in cites])]


def _grouped(cites: list[tuple[str, Authority]]) -> list[tuple[Authority, list[str]]]:
    """Each authority once, in the table's order, with the pages it is cited on (in order, once each)."""
    by: dict[Authority, list[str]] = {}
    for page, a in cites:
        pages = by.setdefault(a, [])
        if page and page not in pages:
            pages.append(page)
    return sorted(by.items(), key=lambda item: item[0])


def _line(whole: str, title: str) -> int | None:
    words = _words(title)
    m = re.compile(rf"(?:^|\n)[ \t]*{words}[ \t]*(?=\n)", re.IGNORECASE).search(whole)
    return m.start() if m else None


def _first_heading(whole: str, heads: list[Heading], after: int) -> int:
    """Where the brief's text resumes after its tables: the first heading standing as a line of its own."""
    for h in heads[:1]:
        words = _words(h.text)
        m = re.compile(rf"\n[ \t]*(?:(?:[IVXLC]+\.|[A-Z]\.|\d+\.)\s+)?{words}[ \t]*(?=\n)", re.IGNORECASE) \
            .search(whole, after)
        if m:
            return m.start()
    return after


def _words(text: str) -> str:
    """A pattern for ``text`` as the PDF prints it: its words, any white space between them."""
    return r"\s+".join(re.escape(w) for w in plain(text).split())
