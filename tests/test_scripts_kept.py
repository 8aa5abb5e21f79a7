"""Complex scripts in the index, covers and bookmarks (issue 20): Arabic shaped with its
harakat kept (they were dropped), Hebrew and Chinese kept, as PDFium extracts the text."""
from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
from pypdf import PdfReader

from filings.pipeline.builder import build

from test_exhibit_safety import facts_with, png

TITLES = [("arabic", "رسالة مُحَمَّد", "كَتَبَ مُحَمَّدٌ"), ("hebrew", "מכתב שלום", "הודעה מהסוכנות"),
          ("chinese", "进口商品通知", "海关通知")]


def nfc(text: str) -> str:
    """Marks in their canonical order (a shadda after a fatha), as the bundle writes them."""
    return unicodedata.normalize("NFC", text)


WORDS = [(key, [nfc(w) for w in title.split()], nfc(description)) for key, title, description in TITLES]


def texts(path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [nfc(pdf[n].get_textpage().get_text_range()) for n in range(len(pdf))]
    finally:
        pdf.close()


def test_arabic_with_harakat_hebrew_and_chinese_are_kept_in_the_index_covers_and_bookmarks(tmp_path):
    png(tmp_path / "a.png")
    facts = facts_with(tmp_path, [{"id": key, "title": title, "description": description, "file": "a.png"}
                                  for key, title, description in TITLES])
    result = build(facts, tmp_path / "out", papers=False, force=True)
    assert result.warnings == []
    pages = texts(result.bundle.path)
    index = " ".join(pages[:result.bundle.index_pages])
    for b, (key, title, description) in zip(result.bundle.exhibits, WORDS):
        cover = pages[b.first_page]
        for word in title:
            assert word in index, (key, word, index)
            assert word in cover, (key, word, cover)
        assert description in cover, (key, cover)
    assert nfc("مُحَمَّد") in index and nfc("كَتَبَ مُحَمَّدٌ") in pages[result.bundle.exhibits[0].first_page]
    marks = [item.title for item in PdfReader(result.bundle.path).outline if not isinstance(item, list)]
    assert marks[1:] == [f"Exhibit {label} — {title}" for label, (_, title, _) in zip("ABC", TITLES)]
