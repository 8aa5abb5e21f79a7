"""What a clerk sees before reading a word: citations that do not break across lines, and
en dashes in ranges.

Applied to every rendered paper (and drafted letter), after the template has been filled
in, so it holds for the wording in the template as a lawyer typed it in Word, for the
facts and for the values computed from them alike:

- **no-break spaces** (U+00A0) tie a citation's parts: ``28 U.S.C. § 1581(i)``,
  ``§§ 961–963``, ``84 Fed. Reg. 40,079``, ``555 U.S. 7``, ``USCIT Rule 65(c)``,
  ``Exhibit 4``, ``Court No. 24-00097``, ``U.S. Const. amend. V``, a telephone number's
  ``(202) 555-0147`` (a hyphen before a digit never breaks), a date's ``May 17``;
- **en dashes** (U+2013) in ranges: sections (``§§ 961–963``), pages (``pp. 12–15``, ``at
  22–24``), years (``2019–2024``) and days (``May 17–20``). Court numbers (``24-00097``),
  telephone numbers and dates written with hyphens are left alone.

Every change replaces one character by one character, so a paragraph's text can be
changed across its runs (``Exhibit `` in the template, ``4`` from the facts) without
touching their formatting.
"""
from __future__ import annotations

import io
import re
import zipfile

NBSP, EN_DASH = "\u00a0", "\u2013"
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
           r"Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)")
_REPORTERS = r"(?:U\.S\.C\.|C\.F\.R\.|Fed\. Reg\.|U\.S\.|F\.[234]d|F\. Supp\.(?: [23]d)?|S\. Ct\.|Stat\.|Ct\. Int'l Trade|CIT)"

# Each pattern's group "s" is one character to replace: a space (→ no-break) or a hyphen (→ en dash).
_TIES = [re.compile(p) for p in (
    rf"\d(?P<s> ){_REPORTERS}",                      # 28 U.S.C. / 84 Fed. Reg. / 555 U.S.
    r"(?:U\.S\.C\.|C\.F\.R\.|Fed\. Reg\.|U\.S\.|Stat\.)(?P<s> )[\d§]",  # U.S.C. § / Fed. Reg. 40,079 / U.S. 7
    r"Fed\.(?P<s> )Reg\.",
    r"§(?P<s> )[\d(]",                                # § 1581 / §§ 961
    r"\b(?:Exhibits?|EXHIBITS?|Ex\.|Exs\.)(?P<s> )[0-9A-Z]{1,3}\b",
    r"\b(?:Rules?|USCIT)(?P<s> )(?:Rule|\d)",         # USCIT Rule 65(c)
    r"\bNos?\.(?P<s> )\d",                            # Court No. 24-00097
    r"\b(?:pp?\.|at)(?P<s> )\d",                      # pp. 12 / at 22
    r"Const\.(?P<s> )amend\.",
    r"amend\.(?P<s> )[IVX]+\b",
    r"U\.S\.(?P<s> )Const\.",
    r"\(\d{3}\)(?P<s> )\d{3}-\d{4}",                  # (202) 555-0147
    rf"\b{_MONTHS}(?P<s> )\d{{1,2}}\b",                # May 17 (a date's month and day)
    r"¶¶?(?P<s> )\d",                                # Decl. ¶ 7 / ¶¶ 7-9
    r"\bDecl\.(?P<s> )¶",                             # Landis Decl. ¶ 7
    r"\bECF(?P<s> )No",                               # ECF No. 2-3
    r"\b[PC]\.R\.(?P<s> )\d",                         # P.R. 312 / C.R. 98 (record citations)
)]
_DASHES = [re.compile(p) for p in (
    r"§§[ \u00a0]?\d+[\w().]*?(?P<s>-)\d",              # §§ 961-963
    r"\b(?:pp\.|at)[ \u00a0]\d+(?P<s>-)\d+\b",           # pp. 12-15, at 22-24
    r"\b(?:1[89]|20)\d\d(?P<s>-)(?:1[89]|20)\d\d\b",     # 2019-2024
    rf"\b{_MONTHS}[ \u00a0]\d{{1,2}}(?P<s>-)\d{{1,2}}\b",  # May 17-20
)]


def positions(text: str) -> dict[int, str]:
    """Where ``text`` needs a no-break space or an en dash: index → the character to put there."""
    changes: dict[int, str] = {}
    for pattern in _TIES:
        for at in _matches(pattern, text):
            changes[at] = NBSP
    tied = _with(text, changes)
    for pattern in _DASHES:
        for at in _matches(pattern, tied):
            changes[at] = EN_DASH
    return changes


def _matches(pattern: re.Pattern, text: str) -> list[int]:
    """Where ``pattern``'s group "s" falls, matches overlapping (``USCIT Rule 65``: both spaces)."""
    found, pos = [], 0
    while (m := pattern.search(text, pos)) is not None:
        found.append(m.start("s"))
        pos = m.start("s") + 1
    return found


def _with(text: str, changes: dict[int, str]) -> str:
    if not changes:
        return text
    chars = list(text)
    for i, ch in changes.items():
        chars[i] = ch
    return "".join(chars)


def typeset_text(text: str) -> str:
    """``text`` with its citations tied and its ranges dashed (same length)."""
    return _with(text, positions(text))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def typeset_xml(xml: bytes) -> bytes:
    """One WordprocessingML part with every paragraph typeset across its runs."""
    from lxml import etree

    root = etree.fromstring(xml)
    changed = False
    for paragraph in root.iter(f"{_W}p"):
        texts = [t for t in paragraph.iter(f"{_W}t") if next(t.iterancestors(f"{_W}p")) is paragraph]
        joined = "".join(t.text or "" for t in texts)
        changes = positions(joined)
        if not changes:
            continue
        changed = True
        offset = 0
        for t in texts:
            text = t.text or ""
            new = _with(text, {i - offset: ch for i, ch in changes.items() if offset <= i < offset + len(text)})
            if new != text:
                t.text = new
            offset += len(text)
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def typeset_docx(data: bytes) -> bytes:
    """A DOCX (its bytes) with the body, headers, footers and notes typeset."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if _PARTS.match(info.filename):
                body = typeset_xml(body)
            dst.writestr(info, body)
    return out.getvalue()
