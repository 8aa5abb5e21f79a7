"""The edits of a matter from elsewhere, and of a careless user: links out of the matter, pipes
and folders where an edit should be, a record that climbs out of its generation, drafts that
are not Word documents (encrypted, bombs, DTDs). Each is one line naming the file (a
FilingsError), and nothing is read or written outside the matter."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest

from filings.edits.package import Package
from filings.edits.store import Edits
from filings.errors import FilingsError
from filings.pipeline.drafts import pick_up
from filings.pipeline.editing import drop_edit


def word(path: Path, text: str = "This Court has jurisdiction.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    d.add_paragraph(text)
    d.save(path)
    return path


def rezip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    change(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return target


@pytest.fixture
def matter(tmp_path):
    root = tmp_path / "matter"
    root.mkdir()
    (root / "facts.yaml").write_text("{}\n")
    return root


@pytest.fixture
def drafts(tmp_path):
    return word(tmp_path / "draft" / "base.docx"), word(tmp_path / "draft" / "edited.docx", "Edited by counsel.")


def refused(call, *names: str) -> str:
    with pytest.raises(FilingsError) as e:
        call()
    message = str(e.value)
    assert "\n" not in message and all(n in message for n in names), message
    return message


def test_an_edits_folder_linked_outside_is_neither_written_nor_read(tmp_path, matter, drafts):
    outside = tmp_path / "outside"
    outside.mkdir()
    (matter / "edits").symlink_to(outside)
    refused(lambda: Edits(matter).save("complaint", drafts[1], drafts[0]), "edits", "outside the matter")
    assert list(outside.iterdir()) == []
    word(outside / "complaint.docx"), word(outside / "complaint.base.docx")
    refused(lambda: Edits(matter).all(), "outside the matter")
    refused(lambda: Edits(matter).get("complaint"), "outside the matter")


def test_a_version_folder_linked_outside_is_refused(tmp_path, matter, drafts):
    outside = tmp_path / "outside"
    word(outside / "complaint.docx"), word(outside / "complaint.base.docx")
    (matter / "edits").mkdir()
    (matter / "edits" / "confidential").symlink_to(outside)
    refused(lambda: Edits(matter).get("confidential/complaint"), "confidential", "outside the matter")
    refused(lambda: Edits(matter).save("confidential/complaint", drafts[1], drafts[0]), "outside the matter")
    assert sorted(p.name for p in outside.iterdir()) == ["complaint.base.docx", "complaint.docx"]


@pytest.mark.parametrize("kind", ["link", "pipe", "folder", "dangling"])
def test_an_edit_that_is_not_a_file_is_named_not_ignored(tmp_path, matter, kind):
    edits = matter / "edits"
    word(edits / "complaint.base.docx")
    target = edits / "complaint.docx"
    if kind == "link":
        target.symlink_to(word(tmp_path / "elsewhere.docx"))
    elif kind == "pipe":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target.symlink_to(tmp_path / "nothing.docx")
    refused(lambda: Edits(matter).get("complaint"), "complaint.docx")
    refused(lambda: Edits(matter).all(), "complaint.docx")


def test_a_base_linked_outside_is_named_as_outside(tmp_path, matter):
    word(matter / "edits" / "complaint.docx")
    (matter / "edits" / "complaint.base.docx").symlink_to(word(tmp_path / "elsewhere.docx"))
    refused(lambda: Edits(matter).get("complaint"), "complaint.base.docx", "outside the matter")


def test_dropped_edits_linked_outside_moves_nothing_out(tmp_path, matter):
    word(matter / "edits" / "complaint.docx"), word(matter / "edits" / "complaint.base.docx")
    outside = tmp_path / "outside"
    outside.mkdir()
    (matter / ".filings").mkdir()
    (matter / ".filings" / "dropped-edits").symlink_to(outside)
    refused(lambda: Edits(matter).drop("complaint"), "dropped-edits", "outside the matter")
    assert list(outside.iterdir()) == []
    assert (matter / "edits" / "complaint.docx").is_file()


def test_a_paper_name_that_climbs_out_moves_nothing(tmp_path, matter):
    victim = tmp_path / "victim"
    word(victim / "x.docx"), word(victim / "x.base.docx")
    (matter / "edits").mkdir()
    refused(lambda: drop_edit(matter / "facts.yaml", "../../victim/x"), "../../victim/x")
    assert sorted(p.name for p in victim.iterdir()) == ["x.base.docx", "x.docx"]


def test_an_edit_without_its_base_can_be_dropped_as_the_message_says(matter):
    word(matter / "edits" / "complaint.docx")
    message = refused(lambda: Edits(matter).get("complaint"), "filings edits drop complaint")
    assert "complaint.base.docx" in message
    moved = drop_edit(matter / "facts.yaml", "complaint")
    assert (moved / "complaint.docx").is_file() and not (matter / "edits" / "complaint.docx").exists()


def _not_zip(p: Path) -> Path:
    p.write_bytes(b"hello, this is not a docx\n")
    return p


def _encrypted(p: Path) -> Path:  # what Word writes for a password-protected .docx: an OLE file
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    return p


def _dtd(entity: str):
    def change(parts):
        doc = parts["word/document.xml"].decode()
        at = doc.index("?>") + 2
        parts["word/document.xml"] = (doc[:at] + f"<!DOCTYPE w:document [{entity}]>" + doc[at:]).encode()
    return change


LAUGHS = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{k} "{("&a%d;" % (k - 1)) * 10}">' for k in range(1, 10))
BAD = {
    "not a zip": (_not_zip, "not a zip"),
    "encrypted": (_encrypted, "password"),
    "no document": (lambda p: rezip(p, p, lambda parts: parts.pop("word/document.xml")), "word/document.xml"),
    "external entity": (lambda p: rezip(p, p, _dtd('<!ENTITY x SYSTEM "file:///etc/hostname">')), "DTD"),
    "entity expansion": (lambda p: rezip(p, p, _dtd(LAUGHS)), "DTD"),
    "zip bomb": (lambda p: rezip(p, p, lambda parts: parts.update({"word/media/a.bin": b"\0" * (4 << 20)})),
                 "zip bomb"),
    "thousands of entries": (lambda p: rezip(p, p, lambda parts: parts.update(
        {f"word/media/{n}.bin": b"" for n in range(6000)})), "more than the 5,000"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_an_edited_draft_that_is_not_a_word_document_is_refused_before_it_is_kept(tmp_path, matter, drafts, case):
    make, says = BAD[case]
    bad = make(drafts[1])
    refused(lambda: Edits(matter).save("complaint", bad, drafts[0]), str(bad), says)
    assert not (matter / "edits").exists()
    shown = tmp_path / "build" / "complaint.docx"  # where the user saved it, named so
    refused(lambda: Edits(matter).save("complaint", bad, drafts[0], shown=shown), str(shown), says)
    refused(lambda: Package(bad).xml("word/document.xml"), says)


def test_a_kept_edit_that_is_not_a_word_document_stops_the_build_naming_it(tmp_path, matter, drafts):
    (matter / "edits").mkdir()
    _not_zip(matter / "edits" / "complaint.docx")
    word(matter / "edits" / "complaint.base.docx")
    refused(lambda: pick_up(matter, SimpleNamespace(previous=None), matter / "build", {}, print, print),
            "complaint.docx", "filings edits drop complaint")


def test_a_record_that_climbs_out_of_its_generation_reads_and_writes_nothing_outside(tmp_path, matter):
    previous = matter / "out" / "gens" / "000001"
    (previous / ".filings").mkdir(parents=True)
    secret = tmp_path / "src" / "secret.pdf"
    secret.parent.mkdir()
    secret.write_bytes(b"%PDF- not the matter's")
    rel = "../../../../src/secret.pdf"
    (previous / ".filings" / "outputs.json").write_text(json.dumps({"files": {rel: [1, "0"]}, "folders": []}))
    warned = []
    pick_up(matter, SimpleNamespace(previous=previous), matter / "build", {}, print, warned.append)
    assert not (tmp_path.parent / "src").exists()
    assert not (matter / "edits").exists() and warned == []
