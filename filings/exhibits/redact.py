"""True redaction: the content under a rectangle of a page removed, not covered, then a black box drawn.

An exhibit's ``redact:`` lists areas ``{page: 2, box: [x0, y0, x1, y1]}``, measured from the
page's top left corner as it is shown (points, or ``"1.5in"``). On each such page the content
stream (and that of every form it draws, copied for the page) is rewritten: each glyph whose
box meets an area is taken out of its text-showing operator (replaced by the space it took,
so the rest of the line stays where it was); each image drawn over an area is re-encoded with
those pixels black (an image that cannot be decoded, or an inline image, is dropped); each
painted path that meets an area is dropped (a clipping path stays, unpainted); annotations over
an area and marked-content replacement texts (/ActualText, /Alt) of the page go too. Then a
black box is drawn over each area. Glyph widths come from :mod:`.glyphs`, so a glyph's box is
as wide as it is drawn.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from filings.errors import PdfError, display_path
from filings.exhibits.glyphs import FontMetrics
from filings.facts.schema import points

Box = tuple[float, float, float, float]
FORM_DEPTH = 6
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"}
BUILD = {"m", "l", "c", "v", "y", "h", "re"}


@dataclass(frozen=True)
class Area:
    page: int  # 1-based
    box: Box   # x0, y0, x1, y1 in points from the top left corner of the page as shown


def redact_file(source: Path, target: Path, areas: list[Area], where: str, password: str | None = None) -> Path:
    """Write ``source`` to ``target`` with ``areas`` truly redacted; a PdfError naming the exhibit
    for a page it does not have or a file that cannot be read."""
    try:
        pdf = pikepdf.open(source, password=password or "")
    except (pikepdf.PdfError, OSError, ValueError) as e:
        raise PdfError(f"{where}: cannot open it to redact ({str(e).splitlines()[0][:160]})") from None
    with pdf:
        pages = list(pdf.pages)
        for area in areas:
            if not 1 <= area.page <= len(pages):
                raise PdfError(f"{where}: redact names page {area.page}, but the file has {len(pages)} "
                               f"page{'s' if len(pages) != 1 else ''}; correct the page in the facts")
        for number in sorted({a.page for a in areas}):
            page = pages[number - 1]
            redact_page(pdf, page, [user_box(page, a.box) for a in areas if a.page == number])
        pdf.save(target, encryption=False, deterministic_id=True)
    return target


def user_box(page: pikepdf.Page, box: Box) -> Box:
    """``box`` (from the top left of the page as shown, after /Rotate) in the page's user space."""
    cx0, cy0, cx1, cy1 = _rect(page.obj.get("/CropBox", page.mediabox))
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    corners = []
    for dx, dy in ((box[0], box[1]), (box[2], box[3])):
        corners.append({0: (cx0 + dx, cy1 - dy), 90: (cx0 + dy, cy0 + dx), 180: (cx1 - dx, cy0 + dy),
                        270: (cx1 - dy, cy1 - dx)}.get(rotate, (cx0 + dx, cy1 - dy)))
    (ax, ay), (bx, by) = corners
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _rect(value) -> Box:
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def redact_page(pdf: pikepdf.Pdf, page: pikepdf.Page, boxes: list[Box]) -> None:
    """Remove what ``page`` draws under ``boxes`` (user space), then draw them black."""
    resources = page.obj.get("/Resources")
    if not isinstance(resources, Dictionary):
        resources = Dictionary()
    page.obj.Resources = _own_resources(pdf, resources)
    ops = _Redactor(pdf, boxes).run(pikepdf.parse_content_stream(page), page.obj.Resources,
                                    (1, 0, 0, 1, 0, 0), 0)
    fill = b"".join(b"%.3f %.3f %.3f %.3f re\n" % (x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes)
    page.obj.Contents = pdf.make_stream(b"q\n" + pikepdf.unparse_content_stream(ops) + b"\nQ\nq 0 g\n" + fill
                                        + b"f\nQ\n")
    annots = page.obj.get("/Annots")
    if isinstance(annots, Array):
        page.obj.Annots = Array([a for a in annots if not (isinstance(a, Dictionary) and _meets_any(
            _rect(a.get("/Rect", [0, 0, 0, 0])), boxes))])
    for key in ("/Thumb", "/PieceInfo"):
        if key in page.obj:
            del page.obj[key]


def _own_resources(pdf: pikepdf.Pdf, resources: Dictionary) -> Dictionary:
    """A copy of ``resources`` for one page (its XObject dictionary copied too): what this page's
    redaction changes must not change another page that shares them."""
    own = Dictionary({k: v for k, v in resources.items()})
    if isinstance(resources.get("/XObject"), Dictionary):
        own.XObject = Dictionary({k: v for k, v in resources.XObject.items()})
    if isinstance(resources.get("/Properties"), Dictionary):
        own.Properties = Dictionary({k: _without_text(v) for k, v in resources.Properties.items()})
    return own


def _without_text(props):
    if isinstance(props, Dictionary) and any(k in props for k in ("/ActualText", "/Alt", "/E")):
        props = Dictionary({k: v for k, v in props.items() if k not in ("/ActualText", "/Alt", "/E")})
    return props


def _meets(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _meets_any(a: Box, boxes: list[Box]) -> bool:
    return any(_meets(a, b) for b in boxes)


def _mul(a, b):
    """``a`` then ``b`` (PDF matrices as 6-tuples)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bbox(m, x0: float, y0: float, x1: float, y1: float) -> Box:
    xs, ys = zip(*(_apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))))
    return min(xs), min(ys), max(xs), max(ys)


def _nums(operands) -> list[float]:
    return [float(v) for v in operands]


class _Redactor:
    """Walks a content stream with its graphics and text state, keeping what the boxes do not meet."""

    def __init__(self, pdf: pikepdf.Pdf, boxes: list[Box]):
        self.pdf, self.boxes = pdf, boxes
        self.fonts: dict = {}

    def run(self, instructions, resources: Dictionary, ctm, depth: int) -> list:
        out: list = []
        stack: list = []
        font, size, tc, tw, th, tl, rise = None, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0
        tm = tlm = (1, 0, 0, 1, 0, 0)
        path: list = []
        path_box: list[float] | None = None
        line_width = 1.0
        for operands, operator in instructions:
            op = str(operator)
            if op == "INLINE IMAGE":
                if not _meets_any(_bbox(ctm, 0, 0, 1, 1), self.boxes):
                    out.append((operands, operator))
                continue
            if op == "q":
                stack.append((ctm, font, size, tc, tw, th, tl, rise, line_width))
            elif op == "Q" and stack:
                ctm, font, size, tc, tw, th, tl, rise, line_width = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = _mul(tuple(_nums(operands)), ctm)
            elif op == "w" and operands:
                line_width = float(operands[0])
            elif op in BUILD:
                path.append((operands, operator))
                values = _nums(operands)
                if op == "re" and len(values) == 4:
                    x, y, w, h = values
                    coords = [(x, y), (x + w, y + h)]
                else:
                    coords = list(zip(values[0::2], values[1::2]))
                for x, y in coords:
                    px, py = _apply(ctm, x, y)
                    path_box = [px, py, px, py] if path_box is None else \
                        [min(path_box[0], px), min(path_box[1], py), max(path_box[2], px), max(path_box[3], py)]
                continue
            elif op in ("W", "W*"):
                path.append((operands, operator))
                continue
            elif op in PAINT:
                clip = [p for p in path if str(p[1]) in ("W", "W*")]
                grow = line_width * max(abs(ctm[0]), abs(ctm[3]), abs(ctm[1]), abs(ctm[2])) / 2
                hit = op != "n" and path_box is not None and _meets_any(
                    (path_box[0] - grow, path_box[1] - grow, path_box[2] + grow, path_box[3] + grow), self.boxes)
                if hit and clip:
                    out += path + [([], Operator("n"))]
                elif not hit:
                    out += path + [(operands, operator)]
                path, path_box = [], None
                continue
            elif op == "BT":
                tm = tlm = (1, 0, 0, 1, 0, 0)
            elif op == "Tf" and len(operands) == 2:
                font, size = self._font(resources, operands[0]), float(operands[1])
            elif op == "Tc" and operands:
                tc = float(operands[0])
            elif op == "Tw" and operands:
                tw = float(operands[0])
            elif op == "Tz" and operands:
                th = float(operands[0]) / 100
            elif op == "TL" and operands:
                tl = float(operands[0])
            elif op == "Ts" and operands:
                rise = float(operands[0])
            elif op in ("Td", "TD") and len(operands) == 2:
                tx, ty = _nums(operands)
                if op == "TD":
                    tl = -ty
                tm = tlm = _mul((1, 0, 0, 1, tx, ty), tlm)
            elif op == "Tm" and len(operands) == 6:
                tm = tlm = tuple(_nums(operands))
            elif op == "T*":
                tm = tlm = _mul((1, 0, 0, 1, 0, -tl), tlm)
            elif op in ("Tj", "TJ", "'", '"'):
                if op == "'" or op == '"':
                    if op == '"' and len(operands) == 3:
                        tw, tc = float(operands[0]), float(operands[1])
                        out += [([tw], Operator("Tw")), ([tc], Operator("Tc"))]
                    out.append(([], Operator("T*")))
                    tm = tlm = _mul((1, 0, 0, 1, 0, -tl), tlm)
                    operands = operands[-1:]
                items = list(operands[0]) if op == "TJ" and operands and isinstance(operands[0], Array) else \
                    operands[-1:]
                shown, tm = self._show(items, font, size, tc, tw, th, rise, tm, ctm)
                out.append(([Array(shown)], Operator("TJ")))
                continue
            elif op == "Do" and operands:
                if self._draw(resources, operands[0], ctm, depth):
                    out.append((operands, operator))
                continue
            elif op == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary):
                operands = [operands[0], _without_text(operands[1])]
            elif op == "BI":  # never reached: pikepdf gives inline images whole
                continue
            out.append((operands, operator))
        return out

    def _font(self, resources: Dictionary, name) -> FontMetrics | None:
        fonts = resources.get("/Font")
        font = fonts.get(str(name)) if isinstance(fonts, Dictionary) else None
        if not isinstance(font, Dictionary):
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            self.fonts[key] = FontMetrics(font)
        return self.fonts[key]

    def _show(self, items, font: FontMetrics | None, size: float, tc, tw, th, rise, tm, ctm):
        """The TJ array that shows ``items`` without the glyphs the boxes meet; the text matrix after."""
        font = font or FontMetrics(Dictionary())
        shown: list = []
        current = b""
        for item in items:
            if isinstance(item, pikepdf.String):
                for code in font.codes(bytes(item)):
                    w0 = font.width(code)
                    space = tw if (not font.two_bytes and code == b" ") else 0.0
                    advance = (w0 * size + tc + space) * th
                    trm = _mul(tm, ctm)
                    box = _bbox(trm, 0, font.descent * size + rise, max(w0 * size * th, 0.01),
                                font.ascent * size + rise)
                    if _meets_any(box, self.boxes):
                        if current:
                            shown.append(pikepdf.String(current))
                            current = b""
                        shown.append(-(advance / th) * 1000 / size if size else 0)
                    else:
                        current += code
                    tm = _mul((1, 0, 0, 1, advance, 0), tm)
            else:
                if current:
                    shown.append(pikepdf.String(current))
                    current = b""
                shown.append(item)
                tm = _mul((1, 0, 0, 1, -float(item) / 1000 * size * th, 0), tm)
        if current:
            shown.append(pikepdf.String(current))
        return shown, tm

    def _draw(self, resources: Dictionary, name, ctm, depth: int) -> bool:
        """Redact an XObject drawn with ``ctm``; False when it must not be drawn at all."""
        xobjects = resources.get("/XObject")
        xobject = xobjects.get(str(name)) if isinstance(xobjects, Dictionary) else None
        if not isinstance(xobject, pikepdf.Stream):
            return True
        if xobject.get("/Subtype") == Name.Image:
            box = _bbox(ctm, 0, 0, 1, 1)
            if not _meets_any(box, self.boxes):
                return True
            blacked = self._black_image(xobject, ctm)
            if blacked is None:
                return False
            xobjects[str(name)] = blacked
            return True
        if xobject.get("/Subtype") == Name.Form:
            matrix = tuple(_nums(xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])))
            inner = _mul(matrix, ctm)
            bbox = xobject.get("/BBox")
            if isinstance(bbox, Array) and len(bbox) == 4 and not _meets_any(_bbox(inner, *_rect(bbox)), self.boxes):
                return True
            if depth >= FORM_DEPTH:
                return False
            form_resources = xobject.get("/Resources")
            form_resources = _own_resources(self.pdf, form_resources if isinstance(form_resources, Dictionary)
                                            else resources)
            ops = self.run(pikepdf.parse_content_stream(xobject), form_resources, inner, depth + 1)
            copy = self.pdf.make_stream(pikepdf.unparse_content_stream(ops))
            for key, value in xobject.items():
                if key not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
                    copy[key] = value
            copy.Resources = form_resources
            xobjects[str(name)] = copy
            return True
        return True

    def _black_image(self, image: pikepdf.Stream, ctm):
        """A copy of ``image`` with the pixels under the boxes black; None when it cannot be decoded."""
        from PIL import ImageDraw

        if image.get("/ImageMask") is True:
            return None
        try:
            pil = pikepdf.PdfImage(image).as_pil_image()
        except Exception:  # a format Pillow cannot decode (JBIG2, some JPX): the image goes
            return None
        pil = pil.convert("CMYK" if pil.mode == "CMYK" else "RGB" if pil.mode not in ("L", "1") else "L")
        w, h = pil.size
        inverse = _invert(ctm)
        if inverse is None:
            return None
        draw = ImageDraw.Draw(pil)
        black = {"L": 0, "RGB": (0, 0, 0), "CMYK": (0, 0, 0, 255)}[pil.mode]
        for box in self.boxes:
            u0, v0, u1, v1 = _bbox(inverse, *box)
            u0, u1 = max(0.0, u0), min(1.0, u1)
            v0, v1 = max(0.0, v0), min(1.0, v1)
            if u0 >= u1 or v0 >= v1:
                continue
            draw.rectangle([int(u0 * w) - 1, int((1 - v1) * h) - 1, int(u1 * w) + 1, int((1 - v0) * h) + 1],
                           fill=black)
        copy = self.pdf.make_stream(zlib.compress(pil.tobytes()))
        for key, value in image.items():
            if key not in ("/Length", "/Filter", "/DecodeParms", "/Decode", "/ColorSpace", "/BitsPerComponent"):
                copy[key] = value
        copy.Filter = Name.FlateDecode
        copy.ColorSpace = {"L": Name.DeviceGray, "RGB": Name.DeviceRGB, "CMYK": Name.DeviceCMYK}[pil.mode]
        copy.BitsPerComponent = 8
        copy.Width, copy.Height = w, h
        return copy


def _invert(m):
    det = m[0] * m[3] - m[1] * m[2]
    if abs(det) < 1e-12:
        return None
    a, b, c, d = m[3] / det, -m[1] / det, -m[2] / det, m[0] / det
    return a, b, c, d, -(m[4] * a + m[5] * c), -(m[4] * b + m[5] * d)


def redact_sources(matter, sources, folder: Path) -> None:
    """Point each exhibit source whose facts list areas to redact at a truly redacted copy of its PDF."""
    for source in sources:
        exhibit = matter.facts.exhibits[source.index]
        if not getattr(exhibit, "redact", None):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        areas = [Area(r.page, tuple(points(v) for v in r.box)) for r in exhibit.redact]
        source.pdf = redact_file(source.pdf, folder / f"redacted-{source.index + 1:03d}.pdf", areas,
                                 f"exhibit '{exhibit.id}' ({display_path(source.source)})", exhibit.password)
