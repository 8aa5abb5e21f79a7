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
    return text.replace("'", "\u2019").replace('"', "\u201d")
