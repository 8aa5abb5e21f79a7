"""What a redaction needs to know of a PDF font: how many bytes each code of a string takes,
and how wide, tall and deep each glyph is, from the font's /Widths (a simple font) or /W (a
composite font); for PDF's 14 standard fonts, which a PDF may use without widths, from
reportlab's metrics.
"""
from __future__ import annotations

from pikepdf import Array, Dictionary, Name


class FontMetrics:
    """What the redaction needs of a font: how many bytes a code takes, and each glyph's width
    (in text space units per unit of font size), ascent and descent."""

    def __init__(self, font):
        self.two_bytes = font.get("/Subtype") == Name.Type0
        self.widths: dict[int, float] = {}
        self.default = 0.5
        scale = 0.001
        descriptor = font.get("/FontDescriptor")
        if self.two_bytes:
            kids = font.get("/DescendantFonts")
            kid = kids[0] if isinstance(kids, Array) and len(kids) else Dictionary()
            descriptor = kid.get("/FontDescriptor")
            self.default = float(kid.get("/DW", 1000)) * scale
            w = list(kid.get("/W", []))
            i = 0
            while i + 1 < len(w):
                if isinstance(w[i + 1], Array):
                    for n, width in enumerate(w[i + 1]):
                        self.widths[int(w[i]) + n] = float(width) * scale
                    i += 2
                elif i + 2 < len(w):
                    for code in range(int(w[i]), min(int(w[i + 1]), int(w[i]) + 65536) + 1):
                        self.widths[code] = float(w[i + 2]) * scale
                    i += 3
                else:
                    break
        else:
            if font.get("/Subtype") == Name.Type3 and isinstance(font.get("/FontMatrix"), Array):
                scale = float(font.FontMatrix[0])
            first = int(font.get("/FirstChar", 0))
            for n, width in enumerate(font.get("/Widths", [])):
                self.widths[first + n] = float(width) * scale
            if not self.widths:
                self.widths = standard_widths(str(font.get("/BaseFont", "")))
        self.ascent, self.descent = 0.95, -0.3
        if isinstance(descriptor, Dictionary):
            self.ascent = max(self.ascent, float(descriptor.get("/Ascent", 0)) / 1000)
            self.descent = min(self.descent, float(descriptor.get("/Descent", 0)) / 1000)
            if "/MissingWidth" in descriptor and not self.two_bytes:
                self.default = float(descriptor.MissingWidth) * scale

    def codes(self, data: bytes) -> list[bytes]:
        if self.two_bytes:
            return [data[i:i + 2] for i in range(0, len(data) - 1, 2)]
        return [data[i:i + 1] for i in range(len(data))]

    def width(self, code: bytes) -> float:
        return self.widths.get(int.from_bytes(code, "big"), self.default)


def standard_widths(base: str) -> dict[int, float]:
    """The widths of one of PDF's 14 standard fonts, which a PDF may use without /Widths."""
    from reportlab.pdfbase import pdfmetrics

    name = base.lstrip("/").split("+")[-1]
    try:
        face = pdfmetrics.getFont(name)
    except Exception:  # not a standard font (reportlab looks for its files): an estimate
        return {}
    return {code: face.stringWidth(bytes([code]).decode("cp1252", "replace"), 1.0) for code in range(32, 256)}
