"""The redline engine alone (Docxodus, no LibreOffice): a moved paragraph is a move, and the
same two versions give the same redline bytes."""
from __future__ import annotations

import datetime as dt
import re
import zipfile

import docx

from filings.review.redline import redline_docx

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
