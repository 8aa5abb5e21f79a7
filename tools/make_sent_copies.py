"""Make the example's "sent copies": the letters of its requests as they were (notionally) sent.

    python tools/make_sent_copies.py

An exhibit is what was sent, never a paper rendered from today's facts; the example has no
real letters, so this draws illustrative ones: it builds the example, takes each letter the
build drafted into ``build/letters/`` for an exhibit that records a ``sent_copy:``, marks
every page "ILLUSTRATIVE SAMPLE EXHIBIT" (in an embedded font, as everything in a bundle
must be) and writes it to that path. Run it only when the letter template or a request's
letter text changes; the results are committed, and builds never change them.
"""
from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARK = "ILLUSTRATIVE SAMPLE EXHIBIT \u2014 drafted for the example, not a copy of an actual letter"


def mark_page(width: float, height: float) -> bytes:
    """A page-sized PDF holding the sample mark at the foot, in an embedded font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from filings.exhibits.frontmatter import _font_file

    pdfmetrics.registerFont(TTFont("SampleMark", _font_file("Liberation Sans:bold")))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName="SampleMark",
                      initialFontSize=8)  # else its default (Helvetica, never embedded) is on the page
    c.setFillColorRGB(0.70, 0.15, 0.12)
    c.setFont("SampleMark", 8)
    c.drawCentredString(width / 2, 22, MARK)
    c.save()
    return buffer.getvalue()


def main() -> None:
    import pikepdf

    from filings.convert.libreoffice import LibreOffice
    from filings.facts.load import load_facts
    from filings.pipeline.builder import build

    matter = load_facts(ROOT / "facts.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        build(ROOT / "facts.yaml", out, converter=LibreOffice())
        for e in matter.facts.exhibits:
            if not (e.template and e.sent_copy):
                continue
            target = ROOT / e.sent_copy
            with pikepdf.open(out / "letters" / f"{e.id}.pdf") as pdf:
                for page in pdf.pages:
                    box = [float(v) for v in page.mediabox]
                    with pikepdf.open(io.BytesIO(mark_page(box[2] - box[0], box[3] - box[1]))) as mark:
                        page.add_overlay(mark.pages[0])
                with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                    for key in list(meta):
                        del meta[key]
                pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(target.stem),
                                                 Producer=pikepdf.String("filings example")))
                pdf.save(target, static_id=True, deterministic_id=False)
            print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
