"""Words for the redline's display document (:mod:`filings.review.marked`): a paragraph's text
cut into words, runs of spaces and single punctuation marks, compared token by token, so that a
change is always of whole words ("May 20" made "May 21" is "20" struck and "21" inserted, never
"2" and "0"/"1"); changes separated by nothing but spaces are one ("May 17" → "April 12").
"""
from __future__ import annotations

import re

TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in TOKEN.finditer(text)]


def _span(tokens, i1, i2, length) -> tuple[int, int]:
    """The characters of tokens ``i1:i2``."""
    start = tokens[i1][1] if i1 < len(tokens) else length
    end = tokens[i2][1] if i2 < len(tokens) else length
    return start, end


def _merged(opcodes, old_tokens, new_tokens):
    """The opcodes with changes separated by nothing but spaces made one change."""
    merged: list[list] = []
    for op in opcodes:
        tag, i1, i2, j1, j2 = op
        if tag != "equal":
            tag = "change"
        if merged and tag == "change":
            last = merged[-1]
            if last[0] == "change":
                last[2], last[4] = i2, j2
                continue
            if (last[0] == "equal" and len(merged) > 1 and merged[-2][0] == "change"
                    and all(t.isspace() for t, _ in old_tokens[last[1]:last[2]])):
                merged.pop()
                merged[-1][2], merged[-1][4] = i2, j2
                continue
        merged.append([tag, i1, i2, j1, j2])
    return [tuple(m) for m in merged]


def _shown(text: str) -> str:
    text = re.sub(r"[\ue000-\uf8ff]", "", text).replace("\t", " ").replace("\u00a0", " ").replace("\u2011", "-")
    return re.sub(r"\s+", " ", text).strip()


