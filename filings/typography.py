"""Typography shared by the papers and the bundle."""
from __future__ import annotations

import re

_OPENING = re.compile(r"(^|[\s(\[{\u2014-])'")
_OPENING_DOUBLE = re.compile(r'(^|[\s(\[{\u2014-])"')


def smart_quotes(text: str) -> str:
    """Typographer's quotes and apostrophes: ``Plaintiff's "notice"`` → ``Plaintiff’s “notice”``.

    The templates are typeset with curly quotes; facts typed with straight ones must match.
    """
    if "'" not in text and '"' not in text:
        return text
    text = _OPENING.sub("\\1\u2018", text)
    text = _OPENING_DOUBLE.sub("\\1\u201c", text)
    return _alternated(text.replace("'", "\u2019").replace('"', "\u201d"))


def _alternated(text: str) -> str:
    """A quotation inside a quotation takes single quotes: ``“the notice says “may result””`` →
    ``“the notice says ‘may result’”`` (and a third level double again)."""
    if text.count("\u201c") < 2:
        return text
    out, depth = [], 0
    for ch in text:
        if ch == "\u201c":
            out.append("\u201c" if depth % 2 == 0 else "\u2018")
            depth += 1
        elif ch == "\u201d" and depth:
            depth -= 1
            out.append("\u201d" if depth % 2 == 0 else "\u2019")
        else:
            out.append(ch)
    return "".join(out)
