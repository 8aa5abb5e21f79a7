"""The redline engine alone (Docxodus, no LibreOffice): a moved paragraph is a move, the
same two versions give the same redline bytes, a hostile old paper is cleaned before the
comparison and a paper built to exhaust the engine stops at its memory bound."""
from __future__ import annotations

import datetime as dt
import random
import re
import string
import sys
import tempfile
import zipfile
from pathlib import Path

import docx

import pytest
from docx.shared import Inches
from PIL import Image

from filings.errors import FilingsError
from filings.limits import Limits
from filings.review.redline import Pair, redline_all, redline_docx

WHEN = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)
PARAGRAPHS = [
    "The agency suspended the broker from the program without naming any entry or any defect at all.",
    "The broker asked the agency twice in writing to identify the violations on which it relied.",
    "The agency reinstated the broker on conditions that include remedial measures and a deadline.",
    "The broker now asks the court to set aside the suspension and to order a proper notice.",
]


def document(path, order):
    made = docx.Document()
    for i in order:
        made.add_paragraph(PARAGRAPHS[i])
    made.save(path)
    return path


def test_a_moved_paragraph_is_a_move_and_the_bytes_repeat(tmp_path):
    old, new = document(tmp_path / "old.docx", [0, 1, 2, 3]), document(tmp_path / "new.docx", [1, 2, 3, 0])
    redline_docx(old, new, tmp_path / "one.docx", when=WHEN)
    redline_docx(old, new, tmp_path / "two.docx", when=WHEN)
    assert (tmp_path / "one.docx").read_bytes() == (tmp_path / "two.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.docx") as z:
        xml = z.read("word/document.xml").decode()
    moved_from = re.search(r"<w:moveFrom [^>]*>(.*?)</w:moveFrom>", xml, re.S)
    moved_to = re.search(r"<w:moveTo [^>]*>(.*?)</w:moveTo>", xml, re.S)
    assert moved_from and moved_to
    assert "without naming any entry" in moved_from.group(1) and "without naming any entry" in moved_to.group(1)
    assert 'w:author="filings"' in moved_to.group(0) and 'w:date="2024-06-03T00:00:00Z"' in moved_to.group(0)


# --------------------------------------------------------------------------- hostile old papers

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def hostile_paper(path, url: str):
    """An old version of a paper as someone else may send it: a picture linked to ``url``, an
    INCLUDETEXT field reading /etc/passwd and a subdocument linked to it, each of which Word
    follows when a reviewer opens the redline."""
    picture = path.with_name("red.png")
    Image.new("RGB", (40, 40), (255, 0, 0)).save(picture)
    made = docx.Document()
    made.add_paragraph(PARAGRAPHS[0])
    made.add_paragraph("FIELD: ")
    made.add_picture(str(picture), width=Inches(1))
    made.add_paragraph("SUBDOCUMENT: ")
    made.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"].decode()
    embedded = re.findall(r'r:embed="(rId\d+)"', xml)[0]
    xml = xml.replace(f'r:embed="{embedded}"', 'r:link="rIdWeb"')
    xml = xml.replace('<w:t xml:space="preserve">FIELD: </w:t></w:r>',
                      '<w:t xml:space="preserve">FIELD: </w:t></w:r><w:fldSimple w:instr=" INCLUDETEXT '
                      '&quot;/etc/passwd&quot; "><w:r><w:t>TEXT SHOWN</w:t></w:r></w:fldSimple>')
    xml = xml.replace('<w:t xml:space="preserve">SUBDOCUMENT: </w:t></w:r></w:p>',
                      '<w:t xml:space="preserve">SUBDOCUMENT: </w:t></w:r></w:p><w:p><w:subDoc r:id="rIdSub"/></w:p>')
    parts["word/document.xml"] = xml
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].decode().replace(
        "</Relationships>",
        f'<Relationship Id="rIdWeb" Type="{RELS}/image" Target="{url}/linked.png" TargetMode="External"/>'
        f'<Relationship Id="rIdSub" Type="{RELS}/subDocument" Target="file:///etc/passwd" TargetMode="External"/>'
        "</Relationships>")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def outside_references(redline) -> list[str]:
    """What in a redline DOCX reaches outside it: linked pictures, fields reading a file,
    subdocuments, outside relationships other than web links."""
    with zipfile.ZipFile(redline) as z:
        text = "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    found = re.findall(r"r:link=|INCLUDETEXT|INCLUDEPICTURE|<w:subDoc\b|/etc/passwd|127\.0\.0\.1", text)
    found += [t for t in re.findall(r'Target="([^"]*)" TargetMode="External"', text) if not t.startswith("http")]
    return found


def test_a_hostile_old_paper_is_cleaned_before_the_comparison(tmp_path):
    """The old version of a paper (from a build folder or history received from elsewhere) is
    cleaned as a Word exhibit is: the redline a reviewer opens links to nothing."""
    old = hostile_paper(tmp_path / "old.docx", "http://127.0.0.1:9")
    new = document(tmp_path / "new.docx", [0, 1])
    warnings: list[str] = []
    made = redline_all([Pair("complaint", old, new)], tmp_path / "redline", when=WHEN, warn=warnings.append)
    assert outside_references(made["complaint"]) == []
    assert warnings == ["complaint (old version): removed a linked picture (http://127.0.0.1:9/linked.png), a "
                        "subdocument (file:///etc/passwd) and an INCLUDETEXT field before comparing"]
    assert "without naming any entry" in "".join(docx.Document(made["complaint"]).paragraphs[0].text)


def random_words(count: int, seed: int) -> str:
    """Words of random letters: text that packs too poorly to look like a zip bomb."""
    rng = random.Random(seed)
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8))) for _ in range(count))


def test_a_paper_built_to_exhaust_the_engine_stops_at_the_memory_bound(tmp_path, monkeypatch):
    """A paper of one paragraph of 200,000 words passes the office-file bounds (it packs like
    text) but costs the engine hundreds of MB (a larger one took it to 13 GB): the comparison
    stops at the memory bound with one line, and no engine is left running. The bound is made
    small here so that the test is quick; the default is 2 GB."""
    text = random_words(200_000, seed=7)
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    for path, tail in ((old, " end"), (new, " finish")):
        made = docx.Document()
        made.add_paragraph(text + tail)
        made.save(path)
    limits = Limits(redline_memory_bytes=200 * 1024 * 1024)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # this test's engines name this folder
    with pytest.raises(FilingsError) as info:
        redline_all([Pair("brief", old, new)], tmp_path / "redline", when=WHEN, limits=limits)
    assert str(info.value) == (
        "brief: comparing the two versions needed more than 200 MB of memory (the redline_memory_bytes bound) and "
        "was stopped; a paper this large may be damaged or built to exhaust memory: check both versions open in Word")
    assert not (tmp_path / "redline" / "brief.docx").exists()
    assert engines_of(tmp_path) == []


def engines_of(folder) -> list[int]:
    """Pids of live redline engines comparing papers of ``folder`` (their copies are cleaned
    into a temporary folder, made under ``folder``: an engine whose command line names a
    cleaned copy there; engines of other builds on the machine are not this test's)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if proc.name.isdigit() and b"filings-redline-clean-" in cmdline and b"--detect-moves" in cmdline \
                and str(folder).encode() in cmdline:
            pids.append(int(proc.name))
    return pids


def test_a_program_past_its_resident_bound_is_killed():
    """The watchdog of run_bounded: a program holding more resident memory than its bound
    (here 400 MB written, against 100 MB) is killed with its group, and says so."""
    from filings.processes import OverMemory, run_bounded

    script = "import time\nheld = b'x' * (400 << 20)\nprint('holding', flush=True)\ntime.sleep(600)\n"
    with pytest.raises(OverMemory):
        run_bounded([sys.executable, "-c", script], 120, resident_bytes=100 << 20)
