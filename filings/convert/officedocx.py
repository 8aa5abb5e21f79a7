"""Cleaning a Word (DOCX) package: what :func:`~filings.convert.office.sanitize_office` removes from it.

External relationships other than http(s)/mailto hyperlinks, the parts and elements that
only pull in something from outside (subdocuments, altChunk, attached templates, mail
merge, frames, OLE links), fields that read another file (INCLUDEPICTURE, INCLUDETEXT,
LINK, DDE...; their shown result stays), macros and their content types. Planned as a
:class:`~filings.convert.officezip._Clean`, which :mod:`filings.convert.officezip` writes.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Collection

from lxml import etree

from filings.convert.officezip import (SAFE_LINKS, _Clean, _local, _ns, _parse, _Reader, _scheme, _serialize,
                                       _short)

W_NS = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main"}
R_NS = {"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships"}
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
VML = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"

# Fields whose instruction makes Word or LibreOffice read another file or program.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO",
                   "DATABASE", "RD"}
# DOCX elements that only exist to pull in something from outside: dropped whole.
DOCX_DROP = {"subDoc", "altChunk", "attachedTemplate", "mailMerge", "frameset", "linkedToFile"}
# Elements keeping their content when their reference to an outside file is removed.
DOCX_KEEP_ON_UNLINK = {"hyperlink", "blip", "imagedata", "hlinkClick", "hlinkHover", "hlinkMouseOver",
                       "fill", "stroke", "shape", "textpath", "object", "control"}
HYPERLINK_ELEMENTS = {"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"}
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$", re.I)
MACRO_TYPES = {"application/vnd.ms-word.document.macroEnabled.main+xml":
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml":
               "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"}


_REL_WORDS = {"image": "a linked picture", "attachedTemplate": "an attached template",
              "subDocument": "a subdocument", "oleObject": "a linked object", "frame": "a frame",
              "hyperlink": "a link", "aFChunk": "an imported part (altChunk)", "package": "a linked package",
              "mailMergeSource": "a mail-merge data source", "mailMergeHeaderSource": "a mail-merge data source",
              "recipientData": "a mail-merge data source", "video": "a linked video", "audio": "a linked sound",
              "media": "linked media"}


def _rels_source(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml`` (``_rels/.rels`` → ``""``)."""
    folder, file = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), file[:-len(".rels")]) if file != ".rels" else ""


def _rels_name(part: str) -> str:
    folder, file = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{file}.rels")


def _clean_docx(reader: _Reader, infos: list[zipfile.ZipInfo], only: Collection[str] | None) -> _Clean:
    """Plan the cleaning of a Word package: relationships, parts, fields, macros, content types."""
    clean = _Clean()
    by_name = {i.filename: i for i in infos}
    for name in by_name:
        if MACRO_PARTS.search(name):
            clean.drop.add(name)
            clean.note(f"macros ({name})")
    unlinked: dict[str, set[str]] = {}    # source part → relationship ids removed
    hyperlinks: dict[str, set[str]] = {}  # source part → ids of kept outside hyperlinks
    rels_names = [n for n in by_name if n.endswith(".rels")]
    for name in rels_names:
        source = _rels_source(name)
        tree = _parse(reader, by_name[name])
        gone, links = _clean_rels(tree, source, clean)
        unlinked[source], hyperlinks[source] = gone, links
        if gone:
            clean.edits[name] = _serialize(tree)
    for name in list(clean.drop):  # the relationships of a dropped part go with it
        if _rels_name(name) in by_name:
            clean.drop.add(_rels_name(name))
    for name, info in by_name.items():
        if name in clean.drop or name in clean.edits or name.endswith(".rels") or name == "[Content_Types].xml":
            continue
        if not name.lower().endswith(".xml") or (only is not None and name not in only):
            continue
        tree = _parse(reader, info)
        if _clean_docx_part(tree, unlinked.get(name, set()), hyperlinks.get(name, set()), clean):
            clean.edits[name] = _serialize(tree)
    types = _parse(reader, by_name["[Content_Types].xml"])
    if _clean_content_types(types, clean.drop):
        clean.edits["[Content_Types].xml"] = _serialize(types)
    return clean


def _clean_rels(tree: etree._ElementTree, source: str, clean: _Clean) -> tuple[set[str], set[str]]:
    """Remove outside relationships (bar http(s)/mailto hyperlinks), those to dropped parts and
    imported parts; return the ids removed and the ids of the hyperlinks kept."""
    gone, links = set(), set()
    base = posixpath.dirname(source)
    for rel in list(tree.getroot()):
        if _local(rel) != "Relationship":
            continue
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        rid = rel.get("Id", "")
        if rel.get("TargetMode", "").lower() == "external" or _scheme(target):
            if kind == "hyperlink" and _scheme(target) in SAFE_LINKS:
                links.add(rid)
                continue
            clean.note(f"{_REL_WORDS.get(kind, 'a link to an outside file')} ({_short(target)})")
        else:
            part = posixpath.normpath(posixpath.join(base, target)).lstrip("/") if not target.startswith("/") \
                else target.lstrip("/")
            if kind == "aFChunk":
                clean.drop.add(part)
                clean.note(f"an imported part (altChunk, {part})")
            elif part not in clean.drop:
                continue
        gone.add(rid)
        rel.getparent().remove(rel)
    return gone, links


_DROP_WORDS = {"mailMerge": "mail-merge settings", "frameset": "a frame set", "subDoc": "a subdocument",
               "altChunk": "an imported part (altChunk)", "attachedTemplate": "an attached template",
               "linkedToFile": "a linked object"}


def _clean_docx_part(tree: etree._ElementTree, unlinked: set[str], hyperlinks: set[str], clean: _Clean) -> bool:
    """Clean one XML part of a Word package; return whether it changed.

    A reference to a removed relationship goes: the attribute from a picture or hyperlink
    (which keeps its content), the whole element otherwise (a ``subDoc``, a header reference).
    ``r:link`` (linked media) always goes, and a kept outside hyperlink may only be used by
    a hyperlink element (a picture pointing at it would be fetched).
    """
    root = tree.getroot()
    doomed: list[etree._Element] = []
    changed = False
    for el in list(root.iter(*_DROP_TAGS)):  # whole elements first: their insides need no look
        if (_local(el) != "OLEObject" or (el.get("Type") or "").lower() == "link") and el.getparent() is not None:
            word = _DROP_WORDS.get(_local(el), "a linked object (OLE link)")
            if not any(r.startswith(word) for r in clean.removed):  # said already with its target
                clean.note(word)
            el.getparent().remove(el)
            changed = True
    linking = {a.getparent() for a in _LINKING(root, r1=_R1, r2=_R2, o=O_NS)}
    linking.update(_VML_SRC(root, v=VML))
    for el in linking:
        local, ns = _local(el), _ns(el)
        for attr, value in list(el.attrib.items()):
            verdict = _docx_attribute(etree.QName(attr), value, local, ns, unlinked, hyperlinks)
            if verdict == "element":
                doomed.append(el)
                break
            if verdict == "attribute":
                del el.attrib[attr]
                changed = True
                if etree.QName(attr).namespace in (O_NS, None):
                    clean.note(f"a linked picture ({_short(value)})")
    changed |= _drop_fields(root, clean)
    for el in doomed:
        if el.getparent() is not None:
            el.getparent().remove(el)
            changed = True
    return changed


_DROP_TAGS = [f"{{{ns}}}{local}" for ns in W_NS for local in DOCX_DROP] + [f"{{{O_NS}}}OLEObject"]
# Attributes that may point outside: r:* and o:*; VML elements with a src.
_R1, _R2 = sorted(R_NS)
_LINKING = etree.XPath("//@*[namespace-uri()=$r1 or namespace-uri()=$r2 or namespace-uri()=$o]")
_VML_SRC = etree.XPath("//*[namespace-uri()=$v][@src]")


def _docx_attribute(attr: etree.QName, value: str, local: str, ns: str, unlinked: set[str],
                    hyperlinks: set[str]) -> str:
    """What to remove for one attribute of a Word XML element: ``""``, ``"attribute"`` or ``"element"``."""
    if attr.namespace in R_NS:
        if attr.localname == "link":
            return "attribute"
        if value in unlinked:
            return "attribute" if local in DOCX_KEEP_ON_UNLINK else "element"
        if value in hyperlinks and local not in HYPERLINK_ELEMENTS:
            return "attribute"
        return ""
    if attr.namespace == O_NS and attr.localname == "href":
        return "attribute"
    if ns == VML and attr.namespace is None and attr.localname == "src" and value.strip():
        return "attribute"
    return ""


@dataclass
class _Field:
    begin: etree._Element
    instr: list[etree._Element] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    separate: etree._Element | None = None
    end: etree._Element | None = None


def _field_name(text: str) -> str:
    m = re.match(r"\s*\\?([A-Za-z]+)", text)
    return m.group(1).upper() if m else ""


def _fetches(*instructions: str) -> str:
    """The name of a field that reads an outside file, if any instruction is one."""
    for text in instructions:
        if _field_name(text) in FETCHING_FIELDS:
            return _field_name(text)
    return ""


_FIELD_TAGS = [f"{{{ns}}}{local}" for ns in W_NS for local in ("fldSimple", "fldChar", "instrText", "delInstrText", "t")]


def _drop_fields(root: etree._Element, clean: _Clean) -> bool:
    """Drop the instructions of fields that read outside files, keeping their shown result.

    Complex fields (``fldChar`` begin/separate/end around ``instrText``) may nest; a nested
    field's result inside an instruction counts as part of it (``{ {QUOTE "INCLUDE"}PICTURE }``).
    """
    changed = False
    stack: list[_Field] = []
    done: list[_Field] = []
    simple: list[tuple[etree._Element, str]] = []
    for el in root.iter(*_FIELD_TAGS):
        local = _local(el)
        if local == "fldSimple":
            name = _fetches(el.get(f"{{{_ns(el)}}}instr", ""))
            if name:
                simple.append((el, name))
        elif local == "fldChar":
            kind = el.get(f"{{{_ns(el)}}}fldCharType")
            if kind == "begin":
                stack.append(_Field(el))
            elif kind == "separate" and stack:
                stack[-1].separate = el
            elif kind == "end" and stack:
                stack[-1].end = el
                done.append(stack.pop())
        elif local in ("instrText", "delInstrText") and stack:
            stack[-1].instr.append(el)
            stack[-1].own.append(el.text or "")
            stack[-1].merged.append(el.text or "")
        elif local == "t" and len(stack) >= 2 and stack[-1].separate is not None and stack[-2].separate is None:
            stack[-2].merged.append(el.text or "")
    for f in done + stack:
        name = _fetches("".join(f.own), "".join(f.merged))
        if not name:
            continue
        clean.note(f"an {name} field" if name[0] in "AEIOU" else f"a {name} field")
        for el in (f.begin, *f.instr, f.separate, f.end):
            if el is not None and el.getparent() is not None:
                el.getparent().remove(el)
        changed = True
    for el, name in reversed(simple):  # inner fields first
        clean.note(f"an {name} field" if name[0] in "AEIOU" else f"a {name} field")
        if el.getparent() is not None:
            unwrap(el)
            changed = True
    return changed


def unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its children, in place (a simple field by its shown result, a tracked
    insertion by what it inserted)."""
    parent = el.getparent()
    index = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(index, child)
    parent.remove(el)


def _clean_content_types(tree: etree._ElementTree, dropped: set[str]) -> bool:
    """No entries for dropped parts or macros; a macro-enabled main part becomes a plain one."""
    changed = False
    for entry in list(tree.getroot()):
        if not isinstance(entry.tag, str):
            continue
        kind = entry.get("ContentType", "")
        part = (entry.get("PartName") or "").lstrip("/")
        if (_local(entry) == "Override" and part in dropped) or "vbaProject" in kind or "vbaData" in kind:
            tree.getroot().remove(entry)
            changed = True
        elif kind in MACRO_TYPES:
            entry.set("ContentType", MACRO_TYPES[kind])
            changed = True
    return changed
