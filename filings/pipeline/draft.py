"""DRAFT on every page: a printed draft names the build it came from.

``filings build --draft`` stamps every page of every paper's PDF with a light diagonal
"DRAFT" and one line at the top: ``DRAFT · 2024-06-03 · 3f2a9c01d4`` — the build's date (the
deterministic date every output carries) and the first ten hex digits of the SHA-256 of the
paper's PDF before stamping (the bytes the same build without ``--draft`` makes, since the
outputs are deterministic), so a printed page can be matched to the build that made it.
The overlay is drawn once per page size by reportlab (``invariant=1``: the same bytes each
time) and laid over each page by pikepdf; the file keeps its deterministic dates and /ID.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Iterable

from filings.determinism import stamp_pdf

WORD = "DRAFT"


def draft_line(pdf_bytes: bytes, when: dt.datetime) -> str:
    """The top line of a stamped page: ``DRAFT · DATE · HASH``."""
    digest = hashlib.sha256(pdf_bytes).hexdigest()[:10]
    return f"{WORD} \u00b7 {when.astimezone(dt.timezone.utc):%Y-%m-%d} \u00b7 {digest}"


def _overlay(width: float, height: float, line: str) -> bytes:
    """One page of ``width`` × ``height`` points: the diagonal word and the top line."""
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.saveState()
    canvas.setFillColor(Color(0.55, 0.55, 0.55, alpha=0.25))
    canvas.setFont("Helvetica-Bold", min(width, height) / 4.2)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, -min(width, height) / 12, WORD)
    canvas.restoreState()
    canvas.setFillColor(Color(0.35, 0.35, 0.35))
    canvas.setFont("Helvetica", 8)
    canvas.drawCentredString(width / 2, height - 22, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def stamp_draft(path: Path, when: dt.datetime) -> str:
    """Stamp every page of the PDF at ``path``; return the line stamped."""
    import pikepdf

    path = Path(path)
    data = path.read_bytes()
    line = draft_line(data, when)
    overlays: dict[tuple[float, float], pikepdf.Pdf] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            box = page.mediabox
            size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
            if size not in overlays:
                overlays[size] = pikepdf.open(io.BytesIO(_overlay(*size, line)))
            page.add_overlay(overlays[size].pages[0], pikepdf.Rectangle(*[float(v) for v in box]))
        stamp_pdf(pdf, when)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".draft-", suffix=".pdf", delete=False) as tmp:
            try:
                pdf.save(tmp, deterministic_id=True)
            except BaseException:
                os.unlink(tmp.name)
                raise
    for overlay in overlays.values():
        overlay.close()
    os.replace(tmp.name, path)
    return line


def stamp_drafts(paths: Iterable[Path], when: dt.datetime) -> list[str]:
    """Stamp each PDF of ``paths``; return the lines stamped, in order."""
    return [stamp_draft(p, when) for p in paths]
