"""The three-way merge of a draft: the draft as built (base), the attorney's copy (edited) and
the draft built from the new facts or templates (new).

The attorney's copy is the skeleton: its runs, styles, footnotes, comments and headers are
kept, and what changed from base to new is applied to it. Blocks (paragraphs, tables) are
matched by content, not position (:func:`align`): equal text first, in order; then the most
alike within a changed stretch; then equal or nearly equal text anywhere (a moved paragraph).
For each block of the attorney's copy:

- the facts did not change it: it stays as the attorney left it;
- the attorney did not change it: it becomes the new block;
- both changed it: its words are merged (:func:`merge_words`). Changes to different words
  both land; changes to the same words are a conflict: the attorney's words are kept as a
  tracked deletion and the new ones shown as a tracked insertion by "filings", with a comment
  naming both sides (accept: the facts' reading; reject: the attorney's);
- the facts removed it and the attorney had changed it: a conflict, shown as a tracked deletion.

A block the facts added goes after the block it follows in the new draft; a block the
attorney deleted that the facts changed comes back as a tracked insertion with a comment. A
table both sides changed is merged cell by cell when its shape is unchanged.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Callable

from lxml import etree

from filings.edits.wordxml import (DEL, INS, P, PPR, RPR, T, TBL, TC, TR, Chars, accept_all, blocks, has_revisions,
                                   runs, signature, style, text, tokens, w)

SIMILAR = 0.5        # within a changed stretch: this alike (token ratio) is the same paragraph, reworded
MOVED = 0.75         # anywhere in the draft: this alike, and long enough, is the same paragraph moved
MOVED_TOKENS = 12
_WORD = re.compile(r"\w+")


@dataclass
class Conflict:
    """Where the attorney's edit and a change of the facts or templates touch the same words."""

    place: str          # "paragraph 12" of the draft, or "the header"
    excerpt: str        # the paragraph's first words, as the attorney reads it
    yours: str          # the attorney's reading of the words in conflict
    generated: str      # the new draft's reading
    cause: str = ""     # what changed the new draft's words: "the facts (events.4.until)"

    def describe(self) -> str:
        mine = f'your edit "{short(self.yours)}"' if self.yours else "you removed it"
        theirs = f'the new draft "{short(self.generated)}"' if self.generated else "the new draft removes it"
        why = f" ({self.cause})" if self.cause else ""
        return f'{self.place} ("{short(self.excerpt, 48)}"): {mine}, {theirs}{why}'


@dataclass
class Outcome:
    """What a merge did: blocks it took from the new draft, and the conflicts it marked."""

    updated: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


class Marker:
    """How a merge marks what it cannot decide: tracked changes and comments by ``author``."""

    def __init__(self, author: str, date: str, cause: str, first_id: int = 9000,
                 comment: Callable[[etree._Element, etree._Element | None, etree._Element | None, str], None]
                 | None = None, plain: bool = False, attribute: Callable[[str, str], str | None] | None = None):
        self.author, self.date, self.cause = author, date, cause
        self.attribute = attribute  # (the new words, their paragraph) → what changed them, when it can tell
        self.plain = plain  # mark nothing: a conflict keeps the edited side's words, a removal is made
        self.next_id = first_id
        self.comment = comment  # anchors a comment: (paragraph, first element, last element, text)

    def revision(self, cause: str | None = None) -> dict:
        """A revision's id, author and date; ``cause`` (what changed the words) names the author."""
        self.next_id += 2
        return {"id": self.next_id, "author": f"filings ({cause})" if cause else self.author, "date": self.date}

    def cause_of(self, words: str, paragraph: str) -> str:
        """What changed ``words`` (of the new ``paragraph``): the facts whose values they print, if
        it can tell; else every change of the paper."""
        return (self.attribute(words, paragraph) if self.attribute is not None else None) or self.cause


def short(value: str, limit: int = 60) -> str:
    """``value`` on one line, cut to ``limit`` characters with an ellipsis: a quotation in a message."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _key(block: etree._Element) -> tuple[str, str]:
    return (style(block) if block.tag == P else block.tag, text(block))


def _ratio(a: str, b: str) -> float:
    """How alike two paragraphs are, by their words (spaces and punctuation would make any two
    sentences half alike)."""
    ta, tb = _WORD.findall(a), _WORD.findall(b)
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def align(a: list[etree._Element], b: list[etree._Element]) -> dict[int, int]:
    """Which block of ``b`` each block of ``a`` became (unmatched: removed, or added in ``b``)."""
    ka, kb = [_key(x) for x in a], [_key(x) for x in b]
    pairs: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs.update({i1 + k: j1 + k for k in range(i2 - i1)})
        elif tag == "replace":
            last = j1
            for i in range(i1, i2):
                best, score = None, SIMILAR
                for j in range(last, j2):
                    if ka[i][0] != kb[j][0] and a[i].tag == b[j].tag == P and not (ka[i][1] and kb[j][1]):
                        continue
                    r = _ratio(ka[i][1], kb[j][1]) if a[i].tag == b[j].tag else 0.0
                    if r >= score:
                        best, score = j, r
                if best is not None:
                    pairs[i] = best
                    last = best + 1
    # Moved: the same text anywhere (once on each side), then nearly the same and long.
    used = set(pairs.values())
    free_a = [i for i in range(len(a)) if i not in pairs and ka[i][1].strip()]
    free_b = [j for j in range(len(b)) if j not in used and kb[j][1].strip()]
    count_a = defaultdict(int)
    count_b = defaultdict(int)
    for i in free_a:
        count_a[ka[i]] += 1
    for j in free_b:
        count_b[kb[j]] += 1
    by_key = {kb[j]: j for j in free_b if count_b[kb[j]] == 1}
    for i in free_a:
        if count_a[ka[i]] == 1 and ka[i] in by_key:
            pairs[i] = by_key[ka[i]]
            used.add(pairs[i])
    for i in [i for i in free_a if i not in pairs and len(_WORD.findall(ka[i][1])) >= MOVED_TOKENS // 2]:
        best, score = None, MOVED
        for j in free_b:
            if j in used or a[i].tag != b[j].tag:
                continue
            r = _ratio(ka[i][1], kb[j][1])
            if r >= score:
                best, score = j, r
        if best is not None:
            pairs[i] = best
            used.add(best)
    return pairs


def merge_container(base: etree._Element, edited: etree._Element, new: etree._Element,
                    take: Callable[[etree._Element], etree._Element], marker: Marker, outcome: Outcome,
                    where: str = "", label: Callable[[etree._Element], str | None] | None = None) -> None:
    """Merge the blocks of ``new`` (against ``base``) into ``edited``, in place. ``take`` makes a
    block of the new draft one of the edited document (a copy with its notes and links);
    ``label`` names a paragraph as its reader does ("¶ 12" for a numbered allegation)."""
    B, E, N = blocks(base), blocks(edited), blocks(new)
    be, bn = align(B, E), align(B, N)
    eb, nb = {j: i for i, j in be.items()}, {k: i for i, k in bn.items()}
    number = {id(e): n for n, e in enumerate([e for e in E if e.tag != P or text(e).strip()], 1)}
    named = {id(e): label(e) for e in E if e.tag == P} if label is not None else {}
    if marker.plain:  # what it takes carries no revision or comment of the other document
        take = (lambda given: lambda block: accept_all(given(block)))(take)

    def anchor(k: int) -> int | None:
        for kk in range(k - 1, -1, -1):
            i = nb.get(kk)
            if i is not None and i in be:
                return be[i]
        return None

    pending: dict[int | None, list[etree._Element]] = defaultdict(list)
    for k, block in enumerate(N):
        i = nb.get(k)
        if i is None:
            pending[anchor(k)].append(take(block))
            outcome.updated += 1
        elif i not in be and signature(B[i]) != signature(block) and not marker.plain:  # the attorney removed
            # what the facts changed
            added = take(block)
            _track_whole(added, INS, marker)
            place = f"{where}a paragraph you removed" if block.tag == P else f"{where}a table you removed"
            outcome.conflicts.append(Conflict(place, text(block), "", text(block), marker.cause))
            _note(added, marker, f"You removed this {'paragraph' if block.tag == P else 'table'}; {marker.cause} "
                                 "changed it since. Accept the insertion to take the new text, or reject it to "
                                 "keep it removed.")
            pending[anchor(k)].append(added)
    removed = []
    for j, e in enumerate(E):
        i = eb.get(j)
        if i is None:
            continue  # the attorney's own block
        place = (f"{where}{named.get(id(e)) or f'paragraph {number.get(id(e), j + 1)}'}" if e.tag == P
                 else f"{where}table {j + 1}")
        if i in bn:
            _merge_block(B[i], e, N[bn[i]], take, marker, outcome, place)
        elif signature(e) == signature(B[i]) or marker.plain:
            removed.append(e)
            outcome.updated += 1
        else:  # the facts removed a block the attorney had changed
            outcome.conflicts.append(Conflict(place, text(e), text(e), "", marker.cause))
            _track_whole(e, DEL, marker)
            _note(e, marker, f"{marker.cause.capitalize()} removed this paragraph; you had edited it. Accept the "
                             "deletion to remove it, or reject it to keep your text.")
    for j, added in pending.items():
        after = E[j] if j is not None else None
        for block in added:
            if after is not None:
                after.addnext(block)
            elif E:
                E[0].addprevious(block)
            else:
                sect = edited.find(w("sectPr"))
                if sect is not None:
                    sect.addprevious(block)
                else:
                    edited.append(block)
            after = block
    for e in removed:
        e.getparent().remove(e)


def _merge_block(b: etree._Element, e: etree._Element, n: etree._Element, take, marker: Marker,
                 outcome: Outcome, place: str) -> None:
    sb, se, sn = signature(b), signature(e), signature(n)
    if sn == sb or sn == se:
        return
    if se == sb:
        e.addprevious(take(n))
        e.getparent().remove(e)
        outcome.updated += 1
        return
    if e.tag == n.tag == b.tag == P:
        tb, te, tn = text(b), text(e), text(n)
        if tn == tb:
            return  # only the new draft's format changed: the attorney's paragraph stands
        if has_revisions(e) and not marker.plain:  # a conflict not yet resolved: say what the facts now give, change nothing
            outcome.conflicts.append(Conflict(place, te, te, tn, marker.cause))
            _note(e, marker, f"{marker.cause.capitalize()} changed this paragraph again; the new draft reads: "
                             f"\u201c{tn}\u201d")
            return
        _merge_paragraph(e, tb, te, tn, marker, outcome, place)
        outcome.updated += 1
        return
    if e.tag == n.tag == b.tag == TBL and _shape(b) == _shape(e) == _shape(n):
        for cb, ce, cn in zip(b.iter(TC), e.iter(TC), n.iter(TC)):
            merge_container(cb, ce, cn, take, marker, outcome, where=f"{place}, ")
        return
    outcome.conflicts.append(Conflict(place, text(e), text(e), text(n), marker.cause))
    first = next(iter(e.iter(P)), None) if not marker.plain else None
    if first is not None:
        _note(first, marker, f"You edited this table and {marker.cause} changed it; your table is kept. The new "
                             f"draft's table reads: \u201c{short(text(n), 400)}\u201d")


def _shape(table: etree._Element) -> list[int]:
    return [len(row.findall(TC)) for row in table.iter(TR)]


def merge_words(base: str, edited: str, new: str) -> list[tuple[int, int, str, bool]]:
    """The changes from ``base`` to ``new`` to make in ``edited``, as (start, end, text,
    conflict) in characters of ``edited``, last first. Changes to words the attorney did not
    change are plain; where both changed the same words (or put different words at one
    place) the change is a conflict: the new words against the attorney's."""
    tb, te, tn = tokens(base), tokens(edited), tokens(new)
    ours = [op for op in SequenceMatcher(None, tb, te, autojunk=False).get_opcodes() if op[0] != "equal"]
    theirs = [op for op in SequenceMatcher(None, tb, tn, autojunk=False).get_opcodes() if op[0] != "equal"]
    hunks = sorted([(i1, i2, "e") for _, i1, i2, _, _ in ours] + [(i1, i2, "n") for _, i1, i2, _, _ in theirs])
    clusters: list[list] = []
    for i1, i2, side in hunks:
        last = clusters[-1] if clusters else None
        if last is not None and _overlaps(last[0], last[1], i1, i2):
            last[0], last[1] = min(last[0], i1), max(last[1], i2)
            last[2].add(side)
            last[3].append((i1, i2, side))
        else:
            clusters.append([i1, i2, {side}, [(i1, i2, side)]])
    clusters = _widen(clusters)
    to_e, to_n = _positions(tb, te), _positions(tb, tn)
    offsets = [0]
    for token in te:
        offsets.append(offsets[-1] + len(token))
    changes = []
    for b0, b1, sides, members in clusters:
        if "n" not in sides:
            continue  # the attorney's change alone: already in the edited text
        starts = {(i1, i2) for i1, i2, s in members if s == "e"}
        e0 = to_e[0][b0] if any(i1 == b0 for i1, _ in starts) else to_e[1][b0]
        e1 = to_e[1][b1] if any(i1 == i2 == b1 for i1, i2 in starts) else to_e[0][b1]
        nstarts = {(i1, i2) for i1, i2, s in members if s == "n"}
        n0 = to_n[0][b0] if any(i1 == b0 for i1, _ in nstarts) else to_n[1][b0]
        n1 = to_n[1][b1] if any(i1 == i2 == b1 for i1, i2 in nstarts) else to_n[0][b1]
        mine, generated = "".join(te[e0:e1]), "".join(tn[n0:n1])
        if mine == generated:
            continue
        changes.append((offsets[e0], offsets[e1], generated, "e" in sides))
    return changes[::-1]


def _widen(clusters: list[list], gap: int = 2) -> list[list]:
    """Join a conflict with changes a word or two away: the attorney reads "mid-May 2024"
    against "May 13, 2024", not a lone "13" against a space."""
    joined = True
    while joined:
        joined = False
        for k in range(len(clusters) - 1):
            a, c = clusters[k], clusters[k + 1]
            if (len(a[2]) == 2 or len(c[2]) == 2) and c[0] - a[1] <= gap:
                clusters[k] = [a[0], max(a[1], c[1]), a[2] | c[2], a[3] + c[3]]
                del clusters[k + 1]
                joined = True
                break
    return clusters


def _overlaps(a0: int, a1: int, c0: int, c1: int) -> bool:
    if a0 == a1 and c0 == c1:
        return a0 == c0
    if a0 == a1:
        return c0 < a0 < c1
    if c0 == c1:
        return a0 < c0 < a1
    return a0 < c1 and c0 < a1


def _positions(base: list[str], other: list[str]) -> tuple[list[int], list[int]]:
    """For each position of ``base`` (0 to its length): where it is in ``other`` before and
    after anything inserted there."""
    start = [0] * (len(base) + 1)
    inserted: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base, other, autojunk=False).get_opcodes():
        if tag == "insert":
            inserted[i1] = j1
        for k in range(i1, i2):
            start[k] = j1 + (k - i1) if tag == "equal" else j1
    start[len(base)] = len(other)
    return [inserted.get(k, start[k]) for k in range(len(base) + 1)], start


def _merge_paragraph(e: etree._Element, tb: str, te: str, tn: str, marker: Marker, outcome: Outcome,
                     place: str) -> None:
    chars = Chars(e)
    for start, end, value, conflict in merge_words(tb, te, tn):
        if not conflict:
            chars.replace(start, end, value)
            continue
        cause = marker.cause_of(value, tn)
        outcome.conflicts.append(Conflict(place, te, te[start:end], value, cause))
        if marker.plain:
            continue
        placed = chars.replace(start, end, value, tracked=marker.revision(cause))
        if placed:
            _note(e, marker, f"Your edit and {cause} changed the same words. Yours: "
                             f"\u201c{te[start:end]}\u201d; the new draft: \u201c{value}\u201d. Accept the change "
                             "to take the new draft's words, or reject it to keep yours.",
                  placed[0], placed[-1])


def _track_whole(block: etree._Element, kind: str, marker: Marker) -> None:
    """Mark every run of ``block`` (and each paragraph's mark) as inserted or deleted."""
    for p in ([block] if block.tag == P else list(block.iter(P))):
        props = p.find(PPR)
        if props is None:
            props = etree.SubElement(p, PPR)
            p.insert(0, props)
        mark_props = props.find(RPR)
        if mark_props is None:
            mark_props = etree.SubElement(props, RPR)
        mark = etree.SubElement(mark_props, kind)
        for k, v in _attrs(marker.revision()).items():
            mark.set(k, v)
        for r in runs(p):
            wrapper = etree.Element(kind, _attrs(marker.revision()))
            r.addprevious(wrapper)
            wrapper.append(r)
            if kind == DEL:
                for t in r.findall(T):
                    t.tag = w("delText")


def _attrs(revision: dict) -> dict:
    return {w("id"): str(revision["id"]), w("author"): revision["author"], w("date"): revision["date"]}


def _note(paragraph: etree._Element, marker: Marker, message: str, first: etree._Element | None = None,
          last: etree._Element | None = None) -> None:
    if marker.comment is not None:
        target = paragraph if paragraph.tag == P else next(iter(paragraph.iter(P)), paragraph)
        marker.comment(target, first, last, message)
