"""Cleaning an OpenDocument (ODT) package: what :func:`~filings.convert.office.sanitize_office` removes from it.

``xlink:href`` (and form images) pointing outside the package, linked sections and tables,
DDE, scripts, applets, plug-ins and frames, macros (``Basic/``, ``Scripts/``); an encrypted
document is refused. Planned as a :class:`~filings.convert.officezip._Clean`, which
:mod:`filings.convert.officezip` writes.
"""
from __future__ import annotations

import posixpath
import zipfile
from typing import Collection
from urllib.parse import unquote

from lxml import etree

from filings.convert.officezip import (SAFE_LINKS, OfficeFileError, _Clean, _local, _parse, _Reader, _scheme,
                                       _serialize, _short)

XLINK = "http://www.w3.org/1999/xlink"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF_FORM = "urn:oasis:names:tc:opendocument:xmlns:form:1.0"

# ODF elements that exist to pull in an outside file or run a script: dropped whole.
ODF_DROP = {"section-source", "dde-connection-decls", "dde-connection-decl", "dde-source", "dde-links",
            "dde-link", "dde-connection", "scripts", "event-listeners", "table-source", "cell-range-source",
            "applet", "plugin", "floating-frame"}
ODF_LINKS = {"a"}  # text:a and draw:a: hyperlinks, kept when http(s)/mailto
ODF_MACRO_DIRS = ("Basic/", "Scripts/")


def _clean_odf(reader: _Reader, infos: list[zipfile.ZipInfo], only: Collection[str] | None) -> _Clean:
    """Plan the cleaning of an OpenDocument package: outside links, DDE, scripts, macros."""
    clean = _Clean()
    for info in infos:
        if info.filename.startswith(ODF_MACRO_DIRS):
            clean.drop.add(info.filename)
            clean.note(f"macros ({info.filename.split('/')[0]}/)")
    manifest = next((i for i in infos if i.filename == "META-INF/manifest.xml"), None)
    if manifest is not None:  # first: an encrypted document's parts are not XML
        tree = _parse(reader, manifest)
        if _odf_manifest(tree, clean.drop):
            clean.edits[manifest.filename] = _serialize(tree)
    for info in infos:
        if info is manifest or info.filename in clean.drop or not info.filename.lower().endswith(".xml") or \
                (only is not None and info.filename not in only):
            continue
        tree = _parse(reader, info)
        if _clean_odf_part(tree, clean):
            clean.edits[info.filename] = _serialize(tree)
    return clean


def _odf_manifest(tree: etree._ElementTree, dropped: set[str]) -> bool:
    """Refuse an encrypted document; forget dropped files."""
    root = tree.getroot()
    if any(_local(el) == "encryption-data" for el in root.iter() if isinstance(el.tag, str)):
        raise OfficeFileError("the document is password-protected; open it in LibreOffice, remove the password "
                              "(File > Properties > Security), and save it again")
    changed = False
    for entry in list(root):
        path = entry.get(f"{{{MANIFEST}}}full-path", "") if isinstance(entry.tag, str) else ""
        if path in dropped or path.startswith(ODF_MACRO_DIRS):
            root.remove(entry)
            changed = True
    return changed


def _inside(href: str) -> bool:
    """Whether an ODF link points inside the package (``Pictures/x.png``, ``./Object 1``, ``#mark``)."""
    href = unquote(href.strip())
    if not href or href.startswith("#"):
        return True
    if _scheme(href) or href.startswith("/") or "\\" in href:
        return False
    return not posixpath.normpath(href).startswith("..")


_ODF_WORDS = {"section": "a linked section", "dde": "a DDE link", "scripts": "macros (office:scripts)",
              "event": "scripts run on events", "table": "a linked table", "cell": "a linked table",
              "applet": "an applet", "plugin": "a plug-in", "floating": "a frame"}


def _clean_odf_part(tree: etree._ElementTree, clean: _Clean) -> bool:
    """Clean one XML part of an OpenDocument package; return whether it changed."""
    changed = False
    for el in list(tree.getroot().iter()):  # whole elements first: their insides need no look
        if isinstance(el.tag, str) and _local(el) in ODF_DROP and el.getparent() is not None:
            local, href = _local(el), el.get(f"{{{XLINK}}}href")
            word = _ODF_WORDS.get(local.split("-")[0], f"a link to an outside file ({local})")
            clean.note(f"{word} ({_short(href)})" if href else word)
            el.getparent().remove(el)
            changed = True
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        local = _local(el)
        for attr, value in list(el.attrib.items()):
            qname = etree.QName(attr)
            if not ((qname.namespace == XLINK and qname.localname == "href") or
                    (qname.namespace == ODF_FORM and qname.localname in ("image-data", "href"))):
                continue
            if _inside(value) or (local in ODF_LINKS and _scheme(value) in SAFE_LINKS):
                continue
            del el.attrib[attr]
            changed = True
            word = "a link" if local in ODF_LINKS else ("a linked picture" if local == "image"
                                                        else f"a link to an outside file ({local})")
            clean.note(f"{word} ({_short(value)})" if "(" not in word else word.replace(")", f", {_short(value)})"))
    return changed
