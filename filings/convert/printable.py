"""A Word document as it goes to LibreOffice for its PDF: without its comments.

Comments never belong in a filed PDF (LibreOffice does not print them unless asked), and
the LibreOffice Debian installs without a user interface (``libreoffice-writer-nogui``, what
``make`` installs) aborts when a warm instance lays out a document with comments: it builds
each comment's margin window from a UI file that package does not have. So every DOCX is
converted from a copy with its comment anchors, references and comment parts removed; the
DOCX the attorney opens keeps them.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ANCHORS = {f"{{{_W}}}commentRangeStart", f"{{{_W}}}commentRangeEnd", f"{{{_W}}}commentReference"}
_PARTS = ("comments", "commentsExtended", "commentsIds", "commentsExtensible")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def has_comments(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any(_is_comments(n) for n in z.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _is_comments(name: str) -> bool:
    return name.startswith("word/") and name.rsplit("/", 1)[-1].split(".")[0] in _PARTS


def without_comments(src: Path, dest: Path) -> None:
    """Write ``src`` to ``dest`` without comments (a copy as it is when it has none, or cannot be read)."""
    try:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if _is_comments(info.filename):
                    continue
                data = zin.read(info)
                if info.filename.endswith(".xml") and info.filename.startswith("word/") and b"comment" in data:
                    data = _strip_anchors(data)
                elif info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                    data = _strip_references(data)
                zout.writestr(info, data)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        shutil.copyfile(src, dest)  # LibreOffice says what is wrong with it


def _strip_anchors(data: bytes) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for element in [e for e in root.iter() if e.tag in _ANCHORS]:
        parent = element.getparent()
        run = parent if parent.tag == f"{{{_W}}}r" and len([c for c in parent if c.tag != f"{{{_W}}}rPr"]) == 1 \
            else None
        (run.getparent() if run is not None else parent).remove(run if run is not None else element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _strip_references(data: bytes) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for element in list(root):
        where = element.get("Target") or element.get("PartName") or ""
        if _is_comments("word/" + where.lstrip("/").removeprefix("word/")):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
