"""A Word document as it goes to LibreOffice for its PDF: without its comments, and with
every open conflict of a merge printed plainly.

Comments never belong in a filed PDF (LibreOffice does not print them unless asked), and
the LibreOffice Debian installs without a user interface (``libreoffice-writer-nogui``, what
``make`` installs) aborts when a warm instance lays out a document with comments: it builds
each comment's margin window from a UI file that package does not have. So every DOCX with
comments is converted from a copy without them; the DOCX the attorney opens keeps them.

A merge marks a conflict between the attorney's edit and a changed fact as a tracked change
(:mod:`filings.edits.merge`). LibreOffice prints tracked changes in a numbered paragraph with
both numbers on every later paragraph ("22.[23.]"), and runs the two readings together
("August 30September 3"). The copy printed instead shows each conflict as one highlighted
note, ``[CONFLICT: yours "August 30" / new facts "September 3"]``, so the PDF of a paper
with an open conflict reads plainly and cannot be mistaken for a finished one.
"""
from __future__ import annotations

import copy
import shutil
import zipfile
from pathlib import Path

from lxml import etree

from filings.convert.officedocx import unwrap

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ANCHORS = {f"{{{_W}}}commentRangeStart", f"{{{_W}}}commentRangeEnd", f"{{{_W}}}commentReference"}
_PARTS = ("comments", "commentsExtended", "commentsIds", "commentsExtensible")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_DOCUMENT = "word/document.xml"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def needs_printing_copy(path: Path, conflicts_by: str | None = None) -> bool:
    """True when ``path`` has comments, or conflicts marked by an author starting ``conflicts_by``."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if any(_is_comments(n) for n in names):
                return True
            return bool(conflicts_by) and _DOCUMENT in names and \
                f'w:author="{conflicts_by}'.encode() in z.read(_DOCUMENT)
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def _is_comments(name: str) -> bool:
    return name.startswith("word/") and name.rsplit("/", 1)[-1].split(".")[0] in _PARTS


def without_comments(src: Path, dest: Path, conflicts_by: str | None = None) -> None:
    """Write ``src`` to ``dest`` without comments, each conflict by ``conflicts_by`` printed as a
    note (a copy as it is when it has neither, or cannot be read: LibreOffice says what is wrong)."""
    try:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if _is_comments(info.filename):
                    continue
                data = zin.read(info)
                if info.filename.endswith(".xml") and info.filename.startswith("word/") and \
                        (b"comment" in data or (conflicts_by and conflicts_by.encode() in data)):
                    data = _printable_part(data, conflicts_by)
                elif info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                    data = _strip_references(data)
                zout.writestr(info, data)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        shutil.copyfile(src, dest)


def _printable_part(data: bytes, conflicts_by: str | None) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for element in [e for e in root.iter() if e.tag in _ANCHORS]:
        parent = element.getparent()
        run = parent if parent.tag == _w("r") and len([c for c in parent if c.tag != _w("rPr")]) == 1 else None
        (run.getparent() if run is not None else parent).remove(run if run is not None else element)
    if conflicts_by:
        _print_conflicts(root, conflicts_by)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _ours(element, prefix: str) -> bool:
    return element is not None and element.tag in (_w("ins"), _w("del")) and \
        element.get(_w("author"), "").startswith(prefix)


def _print_conflicts(root: etree._Element, prefix: str) -> None:
    """Each conflict of a merge as one highlighted note; whole paragraphs kept, with a note."""
    for p in list(root.iter(_w("p"))):
        mark = p.find(f"{_w('pPr')}/{_w('rPr')}")
        whole = [m for m in (mark if mark is not None else []) if _ours(m, prefix)]
        for m in whole:
            mark.remove(m)
        if whole:
            why = ("you removed this paragraph; the new facts changed it" if whole[0].tag == _w("ins")
                   else "the new facts removed this paragraph; you had edited it")
            for wrapper in [e for e in p if _ours(e, prefix)]:
                _unwrap(wrapper)
            first = next(iter(p.iter(_w("r"))), None)
            note = _note(first, f"[CONFLICT: {why}] ")
            (first.addprevious(note) if first is not None else p.append(note))
    for gone in [e for e in root.iter(_w("del")) if _ours(e, prefix) and e.getparent().tag != _w("rPr")]:
        added = gone.getnext()
        new = _text(added) if _ours(added, prefix) and added.tag == _w("ins") else None
        first = next(iter(gone.iter(_w("r"))), None)
        gone.addprevious(_note(first, f'[CONFLICT: yours "{_text(gone)}" / new facts "{new or ""}"]'))
        if new is not None:
            added.getparent().remove(added)
        gone.getparent().remove(gone)
    for added in [e for e in root.iter(_w("ins")) if _ours(e, prefix) and e.getparent().tag != _w("rPr")]:
        first = next(iter(added.iter(_w("r"))), None)
        added.addprevious(_note(first, f'[CONFLICT: yours "" / new facts "{_text(added)}"]'))
        added.getparent().remove(added)


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t"), _w("delText")))


def _unwrap(element) -> None:
    """``element`` (a tracked change) replaced by its runs, deleted text made text again."""
    for t in element.iter(_w("delText")):
        t.tag = _w("t")
    unwrap(element)


def _note(model, value: str):
    """A highlighted run holding ``value``, in the format of the run ``model``."""
    run = etree.Element(_w("r"))
    props = copy.deepcopy(model.find(_w("rPr"))) if model is not None and model.find(_w("rPr")) is not None \
        else etree.Element(_w("rPr"))
    for tag in ("highlight", "b"):
        old = props.find(_w(tag))
        if old is not None:
            props.remove(old)
    etree.SubElement(props, _w("b"))
    etree.SubElement(props, _w("highlight"), {_w("val"): "yellow"})
    run.append(props)
    t = etree.SubElement(run, _w("t"))
    t.text = value
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _strip_references(data: bytes) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for element in list(root):
        where = element.get("Target") or element.get("PartName") or ""
        if _is_comments("word/" + where.lstrip("/").removeprefix("word/")):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
