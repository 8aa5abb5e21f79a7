"""The merge of three DOCX files into a fourth: the document, its headers and footers, the
notes, links and pictures a block brings from the new draft, the comments a conflict adds.

The attorney's copy is the package written out: every part of it is kept (its styles, its
numbering, its comments, its settings) but the document, the headers and footers the merge
changed, and what a block taken from the new draft needs (its footnote, its hyperlink's or
picture's relationship, copied under new ids). What the result must
hold is checked by :mod:`filings.edits.check`.
"""
from __future__ import annotations

import copy
import io
import posixpath
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from filings.convert.officezip import OfficeFileError, _open_zip, check_zip
from filings.edits.merge import Marker, Outcome, merge_container
from filings.edits.wordxml import DEL, INS, PPR, R, RUN, T, W, iter_comment_ids, list_labels, w
from filings.errors import FilingsError

DOCUMENT = "word/document.xml"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


class Package:
    """A DOCX read whole into memory: its parts as bytes, the XML ones parsed on demand."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.parts: dict[str, bytes] = {}
        self.trees: dict[str, etree._Element] = {}
        try:  # bounded as any Word file from elsewhere: entries, sizes, ratios, encryption
            with _open_zip(self.path) as z:
                for info in check_zip(z):
                    self.parts[info.filename] = z.read(info)
        except OfficeFileError as e:
            raise FilingsError(e.reason, path=path) from None
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError, NotImplementedError, zlib.error) as e:
            raise FilingsError(f"cannot read it as a Word document ({e}); open it in Word and save it as .docx",
                               path=path) from e
        if DOCUMENT not in self.parts:
            raise FilingsError("it has no word/document.xml; open it in Word and save it as a Word document (.docx)",
                               path=path)

    def xml(self, name: str) -> etree._Element:
        if name not in self.trees:
            if name not in self.parts:
                raise FilingsError(f"it names a part it does not hold ({name}): it is damaged; open it in Word and "
                                   "save it again", path=self.path)
            try:
                tree = etree.fromstring(self.parts[name], _PARSER)
            except etree.XMLSyntaxError as e:
                raise FilingsError(f"its {name} is not well-formed XML ({e}); open it in Word and save it again",
                                   path=self.path) from e
            if tree.getroottree().docinfo.doctype:
                raise FilingsError(f"its {name} declares a DTD, which Word never writes; open it in Word and save "
                                   "it again", path=self.path)
            self.trees[name] = tree
        return self.trees[name]

    def rels_name(self, part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    def rels(self, part: str) -> etree._Element:
        name = self.rels_name(part)
        if name not in self.parts:
            self.parts[name] = f'<Relationships xmlns="{_PKG_REL}"/>'.encode()
        return self.xml(name)

    def target(self, part: str, rid: str) -> tuple[str, str, str] | None:
        """(type, target, mode) of relationship ``rid`` of ``part``; target resolved to a part name."""
        for rel in self.rels(part):
            if rel.get("Id") == rid:
                target, mode = rel.get("Target", ""), rel.get("TargetMode", "")
                if mode != "External":
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(part), target)).lstrip("/")
                return rel.get("Type", ""), target, mode
        return None

    def add_rel(self, part: str, kind: str, target: str, mode: str = "") -> str:
        rels = self.rels(part)
        taken = {r.get("Id") for r in rels}
        n = 1
        while f"rIdF{n}" in taken:
            n += 1
        rel = etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Id=f"rIdF{n}", Type=kind,
                               Target=target if mode == "External" else
                               posixpath.relpath(target, posixpath.dirname(part) or "."))
        if mode:
            rel.set("TargetMode", mode)
        return f"rIdF{n}"

    def ensure_type(self, part: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        if not any(o.get("PartName") == "/" + part for o in types.iter(f"{{{_CT}}}Override")):
            etree.SubElement(types, f"{{{_CT}}}Override", PartName="/" + part, ContentType=content_type)

    def ensure_default(self, extension: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        if not any(d.get("Extension", "").lower() == extension.lower() for d in types.iter(f"{{{_CT}}}Default")):
            etree.SubElement(types, f"{{{_CT}}}Default", Extension=extension, ContentType=content_type)

    def content_type(self, part: str) -> str:
        types = self.xml("[Content_Types].xml")
        for o in types.iter(f"{{{_CT}}}Override"):
            if o.get("PartName") == "/" + part:
                return o.get("ContentType", "")
        ext = part.rsplit(".", 1)[-1].lower()
        for d in types.iter(f"{{{_CT}}}Default"):
            if d.get("Extension", "").lower() == ext:
                return d.get("ContentType", "")
        return "application/octet-stream"

    def write(self, target: Path) -> None:
        for name, tree in self.trees.items():
            self.parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
        from filings.determinism import repack_docx
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        buffer.seek(0)
        repack_docx(buffer, target)


def header_parts(pkg: Package) -> dict[tuple[int, str, str], str]:
    """Each header and footer of the document by (section, kind, type) → its part name."""
    found = {}
    body = pkg.xml(DOCUMENT).find(w("body"))
    sections = [s for s in body.iter(w("sectPr"))] if body is not None else []
    for n, sect in enumerate(sections):
        for ref in sect:
            if ref.tag in (w("headerReference"), w("footerReference")):
                target = pkg.target(DOCUMENT, ref.get(f"{{{R}}}id", ""))
                if target:
                    found[(n, ref.tag, ref.get(w("type"), "default"))] = target[1]
    return found


class _Importer:
    """Copies a block of the new draft into the attorney's package, with what it refers to."""

    def __init__(self, new: Package, into: Package, new_part: str, part: str):
        self.new, self.into, self.new_part, self.part = new, into, new_part, part
        self.rels: dict[str, str] = {}
        self.notes: dict[tuple[str, str], str] = {}

    def __call__(self, block: etree._Element) -> etree._Element:
        made = copy.deepcopy(block)
        for element in made.iter():
            for name, value in list(element.attrib.items()):
                if name.startswith(f"{{{R}}}"):
                    element.set(name, self._rel(value))
            if element.tag in (w("footnoteReference"), w("endnoteReference")):
                element.set(w("id"), self._note(element.tag, element.get(w("id"), "")))
            if element.tag in (w("bookmarkStart"), w("bookmarkEnd")):
                element.set(w("id"), str(900000 + _number(element.get(w("id")))))
        return made

    def _rel(self, rid: str) -> str:
        if rid in self.rels:
            return self.rels[rid]
        found = self.new.target(self.new_part, rid)
        if found is None:
            return rid
        kind, target, mode = found
        if mode != "External" and target in self.new.parts:
            name = target
            n = 1
            while name in self.into.parts and self.into.parts[name] != self.new.parts[target]:
                stem, ext = posixpath.splitext(target)
                name = f"{stem}-f{n}{ext}"
                n += 1
            self.into.parts[name] = self.new.parts[target]
            self.into.ensure_default(name.rsplit(".", 1)[-1], self.new.content_type(target))
            target = name
        self.rels[rid] = self.into.add_rel(self.part, kind, target, mode)
        return self.rels[rid]

    def _note(self, tag: str, note_id: str) -> str:
        kind = "footnotes" if tag == w("footnoteReference") else "endnotes"
        if (kind, note_id) in self.notes:
            return self.notes[(kind, note_id)]
        source = _notes_part(self.new, kind)
        if source is None:
            return note_id
        note = next((n for n in self.new.xml(source) if n.get(w("id")) == note_id), None)
        target = _notes_part(self.into, kind)
        if note is None:
            return note_id
        if target is None:
            target = f"word/{kind}.xml"
            self.into.parts[target] = f'<w:{kind} xmlns:w="{W}"/>'.encode()
            self.into.add_rel(DOCUMENT, _REL_BASE + kind, target)
            self.into.ensure_type(target, _FOOTNOTES_TYPE.replace("footnotes", kind))
        root = self.into.xml(target)
        fresh = str(max([_number(n.get(w("id"))) for n in root]
                        + [0]) + 1)
        copied = copy.deepcopy(note)
        copied.set(w("id"), fresh)
        root.append(copied)
        self.notes[(kind, note_id)] = fresh
        return fresh


def _number(value: str | None) -> int:
    """An id of a document as a number (0 when it is none: a crafted id cannot stop a merge)."""
    value = value or ""
    return int(value) if value.isascii() and value.lstrip("-").isdecimal() and len(value) < 12 else 0


def _notes_part(pkg: Package, kind: str) -> str | None:
    for rel in pkg.rels(DOCUMENT):
        if rel.get("Type", "").endswith("/" + kind):
            return posixpath.normpath(posixpath.join("word", rel.get("Target", ""))).lstrip("/")
    return None


class _Comments:
    """The comments a merge adds to the attorney's package (in its comments part, made if none)."""

    def __init__(self, pkg: Package, author: str, date: str):
        self.pkg, self.author, self.date = pkg, author, date
        self.part = _notes_part(pkg, "comments")
        ids = list(iter_comment_ids(pkg.xml(DOCUMENT)))
        if self.part:
            ids += list(iter_comment_ids(pkg.xml(self.part)))
        self.next = max(ids + [-1]) + 1
        self.added = 0

    def __call__(self, paragraph: etree._Element, first: etree._Element | None, last: etree._Element | None,
                 message: str) -> None:
        if self.part is None:
            self.part = "word/comments.xml"
            self.pkg.parts[self.part] = f'<w:comments xmlns:w="{W}"/>'.encode()
            self.pkg.add_rel(DOCUMENT, _REL_BASE + "comments", self.part)
            self.pkg.ensure_type(self.part, _COMMENTS_TYPE)
        cid = str(self.next)
        self.next += 1
        self.added += 1
        comment = etree.SubElement(self.pkg.xml(self.part), w("comment"),
                                   {w("id"): cid, w("author"): self.author, w("date"): self.date, w("initials"): "F"})
        para = etree.SubElement(comment, w("p"))
        t = etree.SubElement(etree.SubElement(para, RUN), T)
        t.text = message
        start = etree.Element(w("commentRangeStart"), {w("id"): cid})
        end = etree.Element(w("commentRangeEnd"), {w("id"): cid})
        ref = etree.Element(RUN)
        etree.SubElement(ref, w("commentReference"), {w("id"): cid})
        if first is not None and last is not None:
            first.addprevious(start)
            last.addnext(end)
        else:
            props = paragraph.find(PPR)
            if props is not None:
                props.addnext(start)
            else:
                paragraph.insert(0, start)
            paragraph.append(end)
        end.addnext(ref)


def merge_docx(base: Path, edited: Path, new: Path, target: Path, *, author: str, date: str,
               cause: str, plain: bool = False, attribute=None) -> Outcome:
    """Write to ``target`` the attorney's ``edited`` copy with what changed from ``base`` to
    ``new`` merged in (:mod:`filings.edits.merge`); conflicts are tracked changes by
    ``author`` on ``date`` with a comment naming ``cause`` (what changed: "the facts (case.filed)").
    ``plain`` marks nothing: a conflict keeps ``edited``'s words, a block ``new`` removed is removed
    (how a confidential draft's edit is carried into the public one, whose redactions must stay).
    ``attribute`` names what changed a conflict's new words, when it can tell (:class:`Marker`)."""
    b, e, n = Package(base), Package(edited), Package(new)
    outcome = Outcome()
    comments = _Comments(e, "filings", date) if not plain else None
    marker = Marker(author, date, cause, first_id=_max_revision_id(e.xml(DOCUMENT)) + 10, comment=comments,
                    plain=plain, attribute=attribute)
    bodies = [p.xml(DOCUMENT).find(w("body")) for p in (b, e, n)]
    if any(body is None for body in bodies):
        raise FilingsError("it has no document body; open it in Word and save it again", path=edited)
    styles = _notes_part(e, "styles")
    labels = list_labels(bodies[1], e.xml(styles) if styles and styles in e.parts else None)
    merge_container(*bodies, _Importer(n, e, DOCUMENT, DOCUMENT), marker, outcome, label=labels.get)
    heads = [header_parts(p) for p in (b, e, n)]
    quiet = Marker(author, date, cause, first_id=marker.next_id + 10, plain=plain)
    for key, part in heads[1].items():
        if key in heads[0] and key in heads[2]:
            label = "the header" if key[1] == w("headerReference") else "the footer"
            merge_container(b.xml(heads[0][key]), e.xml(part), n.xml(heads[2][key]),
                            _Importer(n, e, heads[2][key], part), quiet, outcome, where=f"{label}, ")
    e.write(target)
    return outcome


def _max_revision_id(root: etree._Element) -> int:
    ids = [int(v) for el in root.iter() for v in [el.get(w("id"))]
           if v and v.isdecimal() and len(v) < 18 and el.tag in (INS, DEL, w("rPrChange"), w("pPrChange"), w("moveFrom"), w("moveTo"))]
    return max(ids + [0])


__all__ = ["Package", "merge_docx", "header_parts", "DOCUMENT"]
