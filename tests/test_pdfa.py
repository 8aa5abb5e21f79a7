"""PDF/A-2b output for the bundle and each exhibit's file (``bundle.pdfa: true``), checked by
pikepdf's PDF/A validator and by what a reader can see: the output intent, the XMP
declaration, every font embedded, no encryption. Bundle-only builds."""
from __future__ import annotations

from pathlib import Path

import pikepdf

from filings.exhibits.pdfa import is_pdfa
from filings.pipeline.builder import build

from test_bundle_versions import INCH, fonts_of, receipt
from test_exhibit_carried import unembedded
from test_exhibit_safety import facts_with, png


def test_the_bundle_and_each_exhibits_file_are_pdfa_2b(tmp_path):
    receipt(tmp_path / "letter.pdf", 8.5 * INCH, 11 * INCH, lines=20)
    png(tmp_path / "photo.png")
    facts = facts_with(tmp_path, [{"id": "letter", "title": "Letter", "file": "letter.pdf"},
                                  {"id": "photo", "title": "Photo", "file": "photo.png"}], pdfa=True)
    result = build(facts, tmp_path / "out", papers=False, force=True)
    assert [w for w in result.warnings if "PDF/A" in w] == []
    files = [result.bundle.path] + [f for b in result.bundle.exhibits for f in b.files]
    assert len(files) == 3
    for path in files:
        assert is_pdfa(path), path.name
        with pikepdf.open(path) as pdf:
            assert not pdf.is_encrypted
            (intent,) = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
            meta = pdf.open_metadata()
            assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
            assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert all(embedded for _, _, embedded in fonts_of(path)), path.name


def test_the_same_pdfa_bundle_is_the_same_bytes_build_after_build(tmp_path):
    receipt(tmp_path / "letter.pdf", 8.5 * INCH, 11 * INCH, lines=5)
    facts = facts_with(tmp_path, [{"id": "letter", "title": "Letter", "file": "letter.pdf"}], pdfa=True)
    first = build(facts, tmp_path / "one", papers=False, force=True).bundle.path.read_bytes()
    second = build(facts, tmp_path / "two", papers=False, force=True).bundle.path.read_bytes()
    assert first == second


def test_an_exhibit_with_unembedded_fonts_makes_a_plain_pdf_and_a_warning(tmp_path):
    unembedded(tmp_path / "arial.pdf")
    facts = facts_with(tmp_path, [{"id": "arial", "title": "Arial", "file": "arial.pdf"}], pdfa=True)
    result = build(facts, tmp_path / "out", papers=False, force=True)
    warned = [w for w in result.warnings if "not PDF/A-2b" in w]
    assert warned and warned[0].startswith("exhibit-bundle.pdf: written as a plain PDF, not PDF/A-2b: ")
    assert any(w.startswith("Exhibit A - Arial.pdf: written as a plain PDF") for w in warned)
    with pikepdf.open(result.bundle.path) as pdf:
        assert "pdfaid:part" not in pdf.open_metadata()
    assert not is_pdfa(Path(result.bundle.path))
