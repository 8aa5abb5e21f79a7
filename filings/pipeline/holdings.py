"""What a build holds besides its Word papers, as small fingerprints a later diff compares
without the PDFs: each exhibit, the bundle and each packet of every set of outputs.

:func:`fingerprint` reads a build folder (a generation, or a build folder given to ``filings
diff``) and returns, per set (``""``, ``"public/"``, ``"confidential/"``):

- ``exhibits``: per exhibit in the bundle's order, its id (the manifest's list, matched by
  position in the bundle), label, title, page count (its cover excluded), Bates range (the
  stamps of its cover and last page) and a hash of each page's text with its Bates number and
  the exhibit's label masked, so an exhibit that only moves keeps its page hashes;
- ``bundle``: its page count and Bates range;
- ``packets``: per packet, its parts in order: the papers (by name, from the manifest) and
  the exhibits it files (``exhibit:ID``), from its bookmarks.

The history records it with each build (:mod:`filings.pipeline.history`). Only text is read,
through PDFium (pypdfium2), within the page bound of the bundle; a PDF that cannot be read
gives no fingerprint rather than a failed build.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import Any

BUNDLE = "exhibit-bundle.pdf"
EXHIBITS = "exhibits"
MAX_PAGES = 20_000                     # beyond this a bundle is not fingerprinted (it is still built)
_LABEL = re.compile(r"^Exhibit (\S+) \u2014 (.*)$", re.S)
_BATES = re.compile(r"\S*\d{3,}")


def _page_texts(pdf: Path) -> tuple[list[str], list[tuple[int, str, int]]]:
    """The text of every page and the bookmarks (level, title, page) of ``pdf``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        if len(document) > MAX_PAGES:
            return [], []
        texts = []
        for i in range(len(document)):
            page = document[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts, _toc(document)
    finally:
        document.close()


def _toc(document) -> list[tuple[int, str, int]]:
    marks = []
    for bookmark in document.get_toc(max_depth=4):
        dest = bookmark.get_dest()
        marks.append((bookmark.level, bookmark.get_title(), dest.get_index() if dest is not None else -1))
    return marks


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def _stamp(text: str) -> str:
    """The page's Bates number: the last word of the page, from its end, that ends in three or
    more digits (the stamp; a version's legend may be drawn after it)."""
    for line in reversed(_lines(text)):
        for word in reversed(line.split()):
            if _BATES.fullmatch(word):
                return word
    return ""


def _masked_hash(text: str, label: str) -> str:
    """A hash of the page's text without its Bates number and its exhibit's label (``EXHIBIT 3``
    on the cover, an exhibit stamp): what the exhibit says, wherever it stands."""
    stamp = _stamp(text)
    lines = [line.replace(stamp, "") if stamp else line for line in _lines(text)]
    masked = re.sub(rf"\bexhibit\s+{re.escape(label)}\b", "exhibit", "\n".join(lines), flags=re.I)
    return hashlib.sha256(masked.encode("utf-8")).hexdigest()[:16]


def _bundle(folder: Path, ids: list[str]) -> dict[str, Any] | None:
    pdf = folder / EXHIBITS / BUNDLE
    if not pdf.is_file():
        return None
    texts, toc = _page_texts(pdf)
    if not texts:
        return None
    starts = [(page, *_label(title)) for level, title, page in toc if level == 0 and _label(title)[0]]
    exhibits = []
    for n, (start, label, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(texts)
        if not 0 <= start < end <= len(texts):
            continue
        exhibits.append({"id": ids[n] if len(ids) == len(starts) else f"Exhibit {label}", "label": label,
                         "title": title, "pages": end - start - 1,
                         "bates": [_stamp(texts[start]), _stamp(texts[end - 1])],
                         "page_hashes": [_masked_hash(texts[i], label) for i in range(start, end)]})
    first = starts[0][0] if starts else len(texts)
    return {"bundle": {"pages": len(texts), "bates": [_stamp(texts[first]), _stamp(texts[-1])] if starts else []},
            "exhibits": exhibits}


def _label(title: str) -> tuple[str, str]:
    found = _LABEL.match(title.strip())
    return (found.group(1), found.group(2).strip()) if found else ("", "")


def _packet(pdf: Path, papers: list[str], labels: dict[str, str]) -> list[str]:
    """The parts of a packet in order: its papers (named as the manifest names them) and the
    exhibits it files (``exhibit:ID``)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        toc = _toc(document)
    finally:
        document.close()
    parts, names = [], iter(papers)
    for level, title, _ in toc:
        label, _title = _label(title)
        if label:
            parts.append(f"exhibit:{labels.get(label, 'Exhibit ' + label)}")
        elif level == 0:
            parts.append(next(names, title))
    parts += list(names)
    return parts


def fingerprint(folder: Path) -> dict[str, Any]:
    """The holdings of the build in ``folder`` (see the module's docstring); empty when it
    holds no exhibit bundle and no packet."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / ".filings" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    ids = [str(i) for i in manifest.get("exhibits") or [] if isinstance(i, (str, int))]
    packets = manifest.get("packets") if isinstance(manifest.get("packets"), dict) else {}
    sets: dict[str, Any] = {}
    for prefix in ("", "public/", "confidential/"):
        with contextlib.suppress(Exception):  # a PDF PDFium cannot read: no fingerprint, never a failed build
            found = _bundle(folder / prefix, ids)
            if found is not None:
                sets[prefix] = found
    result: dict[str, Any] = {}
    if sets:
        result["sets"] = sets
    found_packets = {}
    for name, papers in sorted(packets.items()):
        if not isinstance(name, str) or not isinstance(papers, list) or not (folder / name).is_file():
            continue
        prefix = name[:name.rindex("/") + 1] if "/" in name else ""
        bundle = sets.get(prefix) or sets.get("") or {}
        labels = {e["label"]: e["id"] for e in bundle.get("exhibits", [])}
        with contextlib.suppress(Exception):
            found_packets[name] = _packet(folder / name, [str(p) for p in papers], labels)
    if found_packets:
        result["packets"] = found_packets
    return {"version": 1, **result} if result else {}
