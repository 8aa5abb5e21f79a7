"""PDF/A-2b for the bundle and each exhibit's file (``bundle.pdfa: true``), checked as written.

pikepdf's own PDF/A support (:mod:`pikepdf.pdfa`, which needs fontTools) prepares the file
(one sRGB output intent, XMP metadata declaring PDF/A-2b and agreeing with the document
information, the Print flag on annotations, no document JavaScript) and validates the bytes it
writes with its allowlist validator built from veraPDF's rules: a file is PDF/A only when
every construct in it is known to conform. Page transitions (reportlab's empty /Trans) are
dropped first; the XMP dates and ids are fixed (:func:`filings.determinism.stamp_pdf`), so
the same bundle makes the same bytes. A file that does not pass (most often an exhibit whose
fonts are not embedded) is written as a plain PDF, its PDF/A claim removed, with a warning
naming it and the first reason.
"""
from __future__ import annotations

from pathlib import Path

import pikepdf

from filings.determinism import stamp_pdf
from filings.exhibits.attachments import save_pdf
from filings.exhibits.exhibit import Warn

FLAVOUR = "2b"


def save_pdfa(pdf: pikepdf.Pdf, path: Path, warn: Warn) -> bool:
    """Write ``pdf`` to ``path`` as PDF/A-2b, validated as written; else as a plain PDF with a
    warning. True when it is PDF/A."""
    from pikepdf import pdfa

    for page in pdf.pages:
        if "/Trans" in page.obj:  # a page transition: for slide shows, and not one PDF/A checks
            del page.obj["/Trans"]
    pdfa.prepare(pdf, FLAVOUR)
    stamp_pdf(pdf)
    try:
        pdfa.save(pdf, path, FLAVOUR, repair=False, compress_streams=True, deterministic_id=True,
                  object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return True
    except pdfa.PdfaError as e:
        findings = e.report.findings
        reason = findings[0].message if findings else e.report.summary().splitlines()[0]
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        warn(f"{path.name}: written as a plain PDF, not PDF/A-2b: {reason}{more}")
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key in ("pdfaid:part", "pdfaid:conformance"):
            if key in meta:
                del meta[key]
    save_pdf(pdf, path)
    return False


def is_pdfa(path: Path) -> bool:
    """True when the file at ``path`` passes pikepdf's PDF/A-2b validator."""
    from pikepdf import pdfa

    return pdfa.validate_written(path, FLAVOUR).passed
