"""Page placement and the Bates stamp: where each page's content goes in the bundle and
where its Bates number is drawn.

Every page is turned upright and shrunk by a few percent into the part of the page that the
stamp does not use, so a Bates number never covers the page's content; a page smaller than 3
inches on a side is enlarged onto a Letter page, one larger than PDF's 200 inches is reduced.
Annotations move (and turn) with the content. The Bates prefix, any text, is drawn once by
reportlab and its operators copied (never the raw text) onto every page, whose resources get
the stamp's fonts.
"""
from __future__ import annotations

from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary

from filings.exhibits.frontmatter import stamp_width


BAND = 30.0          # points kept free for the stamp at the bottom (or top) of each page
STAMP_SIZE = 9.0     # points
STAMP_MARGIN = 54.0  # from the side edge to the stamp
MIN_SIDE = 3 * 72.0  # a page smaller than this on a side is enlarged onto a Letter page
MAX_SIDE = 14400.0   # PDF's largest page (200 in): a larger one is reduced to fit
LETTER = (612.0, 792.0)


class Stamp:
    """The Bates stamp of every page: the prefix as the text operators reportlab drew on the
    carrier page (so any text is drawn with embedded fonts and none is ever written raw into a
    content stream), then the digits in the carrier's stamp font, whose codes are ASCII."""

    def __init__(self, bundle: pikepdf.Pdf, carrier: pikepdf.Page, prefix: str):
        shows = _text_shows(carrier)
        digits_font = shows[0][0]  # the carrier's first line: printable ASCII in the stamp font
        names: dict[str, str] = {digits_font: "/FBates"}
        for font, _ in shows[1:]:
            names.setdefault(font, f"/FBates{len(names)}")
        fonts = bundle.copy_foreign(carrier.Resources.Font)
        self.fonts = {names[font]: fonts[font] for font in names}
        self.runs = [(names[font], shown) for font, shown in shows[1:]]
        self.prefix_width = stamp_width(prefix, 1.0)
        self._prefix: dict[tuple, bytes] = {}

    def content(self, page: pikepdf.Page, figures: str, size: float, x: float, y: float) -> bytes:
        """Add the stamp's fonts to ``page``; return the operators that draw its stamp."""
        rename = self._add_fonts(page)
        return b"\nQ q BT 1 0 0 1 %s Tm %s(%s) Tj ET Q\n" % (
            _nums([x, y]), self._prefix_ops(size, rename), figures.encode("ascii"))

    def _prefix_ops(self, size: float, rename: dict[str, str]) -> bytes:
        """The operators that draw the prefix and select the digits' font, at ``size``."""
        key = (size, tuple(sorted(rename.items())))
        if key not in self._prefix:
            ops, current = [], None
            for font, shown in [*self.runs, ("/FBates", b"")]:
                font = rename.get(font, font)
                if font != current:
                    ops.append(b"%s %s Tf " % (font.encode(), _nums([size])))
                    current = font
                if shown:
                    ops.append(shown + b" ")
            self._prefix[key] = b"".join(ops)
        return self._prefix[key]

    def _add_fonts(self, page: pikepdf.Page) -> dict[str, str]:
        """Put the stamp's fonts in the page's resources; where the page already uses one of
        their names for another font (a page of an earlier bundle, bundled again), under another
        name, returned as {our name: the name used}."""
        if not isinstance(page.obj.get("/Resources"), Dictionary):
            page.obj.Resources = Dictionary()
        resources = page.obj.Resources
        if not isinstance(resources.get("/Font"), Dictionary):
            resources.Font = Dictionary()
        fonts = resources.Font
        rename: dict[str, str] = {}
        for name, font in self.fonts.items():
            there = fonts.get(name)
            if there is None:
                fonts[name] = font
            elif not (there.is_indirect and there.objgen == font.objgen):
                n = 0
                while f"/FBatesStamp{n}" in fonts:
                    n += 1
                rename[name] = f"/FBatesStamp{n}"
                fonts[rename[name]] = font
        return rename


def _text_shows(page: pikepdf.Page) -> list[tuple[str, bytes]]:
    """Each text-showing operator of ``page``, in order, as (font resource name, the operator
    serialised by pikepdf)."""
    shows, font = [], None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf" and operands:
            font = str(operands[0])
        elif op in ("Tj", "TJ") and font is not None:
            shows.append((font, pikepdf.unparse_content_stream([(operands, operator)]).strip()))
    return shows


def _layout(width: float, height: float, position: str) -> tuple[float, float, tuple, float]:
    """Where the upright content of a ``width`` x ``height`` page goes: the new page's size, the
    matrix that places the content clear of the stamp band, and the stamp's scale.

    A page under 3 inches on a side is enlarged onto a Letter page (of its orientation), one
    over 200 inches reduced to fit; content keeps its aspect and is centred. On a page larger
    than Tabloid the stamp grows with the page so it stays readable when the page is shown
    whole."""
    w, h = max(width, 1.0), max(height, 1.0)
    k = min(1.0, MAX_SIDE / max(w, h))
    page_w, page_h = w * k, h * k
    if min(page_w, page_h) < MIN_SIDE:
        page_w, page_h = LETTER if h >= w else LETTER[::-1]
    stamp_scale = max(1.0, min(page_w, page_h) / LETTER[1])
    band = BAND * stamp_scale
    scale = min(page_w / w, (page_h - band) / h)
    dx = (page_w - w * scale) / 2
    dy = (0.0 if position.startswith("top") else band) + (page_h - band - h * scale) / 2
    return page_w, page_h, (scale, 0, 0, scale, dx, dy), stamp_scale


UPRIGHT = {0: lambda x0, y0, x1, y1: (1, 0, 0, 1, -x0, -y0), 90: lambda x0, y0, x1, y1: (0, -1, 1, 0, -y0, x1),
           180: lambda x0, y0, x1, y1: (-1, 0, 0, -1, x1, y1), 270: lambda x0, y0, x1, y1: (0, 1, -1, 0, y1, -x0)}


def _rotation(page: pikepdf.Page) -> int:
    """The page's /Rotate as 0, 90, 180 or 270 (anything else, as viewers do, as 0)."""
    try:
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        return 0
    return rotate if rotate in UPRIGHT else 0


def place_and_stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, figures: str, position: str, stamp: Stamp,
                     turned: set) -> None:
    """Turn the page upright, fit its content clear of the stamp band, and stamp it."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    if x0 > x1:
        x0, x1 = x1, x0
    if y0 > y1:
        y0, y1 = y1, y0
    rotate = _rotation(page)
    w, h = x1 - x0, y1 - y0
    upright = UPRIGHT[rotate](x0, y0, x1, y1)
    width, height = (w, h) if rotate in (0, 180) else (h, w)
    page_w, page_h, fit, grow = _layout(width, height, position)
    matrix = _multiply(upright, fit)
    size, band, margin = STAMP_SIZE * grow, BAND * grow, STAMP_MARGIN * grow
    text_w = stamp.prefix_width * size + stamp_width(figures, size)
    x = {"right": page_w - margin - text_w, "left": margin,
         "center": (page_w - text_w) / 2}[position.split("-")[1]]
    y = (band - size) / 2 + grow if position.startswith("bottom") else page_h - band / 2 - size / 2 + grow
    # Clip to the old crop box: what it hid must stay hidden, and out of the stamp band.
    page.contents_add(pdf.make_stream(b"q %s cm %s re W n\n" % (_nums(matrix), _nums([x0, y0, w, h]))),
                      prepend=True)
    page.contents_add(pdf.make_stream(stamp.content(page, figures, size, x, y)))
    page.obj.MediaBox = Array([0, 0, round(page_w, 3), round(page_h, 3)])
    for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate"):
        if box in page.obj:
            del page.obj[box]
    _move_annotations(page, matrix, fit[0], upright[:4], turned)


def _multiply(a, b):
    """The matrix that applies ``a`` then ``b`` (PDF's row-vector convention)."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (a0 * b0 + a1 * b2, a0 * b1 + a1 * b3, a2 * b0 + a3 * b2, a2 * b1 + a3 * b3,
            a4 * b0 + a5 * b2 + b4, a4 * b1 + a5 * b3 + b5)


def _apply(m, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _nums(values) -> bytes:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0" for v in values).encode()


POINT_LISTS = ("/QuadPoints", "/Vertices", "/L", "/CL")  # flat x y x y ... in page space
PATH_LISTS = ("/InkList", "/Path")                      # arrays of such lists
LENGTHS = ("/LL", "/LLE", "/LLO")                        # distances along a line annotation


def _move_annotations(page: pikepdf.Page, matrix, scale: float, turn, turned: set) -> None:
    """Keep annotations over the content they belonged to after the page moved: their
    rectangles, points, paths and lengths go through ``matrix`` and their appearances turn with
    the page (``turn``: the rotation part of the matrix)."""
    for annot in page.obj.get("/Annots", []):
        if not isinstance(annot, Dictionary):
            continue
        rect = _numbers(annot.get("/Rect"))
        if rect is not None and len(rect) == 4:
            annot.Rect = Array(_box(matrix, rect))
            differences = _numbers(annot.get("/RD"))
            if differences is not None and len(differences) == 4:
                annot.RD = Array(_moved_differences(matrix, rect, differences))
        for key in POINT_LISTS:
            points = _numbers(annot.get(key))
            if points is not None:
                annot[key] = Array(_points(matrix, points))
        for key in PATH_LISTS:
            paths = annot.get(key)
            if isinstance(paths, Array):
                annot[key] = Array([Array(_points(matrix, _numbers(path) or [])) for path in paths])
        for key in LENGTHS:
            value = annot.get(key)
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                annot[key] = float(value) * scale
        flags = annot.get("/F", 0)
        if tuple(turn) != (1, 0, 0, 1) and not (isinstance(flags, int) and flags & 16):  # 16: NoRotate
            _turn_appearances(annot, turn, turned)


def _numbers(value) -> list[float] | None:
    """The numbers of a PDF array, or None when it is not an array of numbers."""
    if not isinstance(value, Array):
        return None
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        return None


def _points(matrix, values: list[float]) -> list[float]:
    moved: list[float] = []
    for k in range(0, len(values) - 1, 2):
        moved += _apply(matrix, values[k], values[k + 1])
    return moved


def _box(matrix, rect: list[float]) -> list[float]:
    """The rectangle covering ``rect`` (x0 y0 x1 y1) after ``matrix``."""
    xs, ys = zip(*(_apply(matrix, rect[i], rect[j]) for i, j in ((0, 1), (2, 3), (0, 3), (2, 1))))
    return [min(xs), min(ys), max(xs), max(ys)]


def _moved_differences(matrix, rect: list[float], rd: list[float]) -> list[float]:
    """/RD (the insets left, top, right, bottom of the drawn shape inside /Rect) after ``matrix``."""
    x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    outer = _box(matrix, [x0, y0, x1, y1])
    inner = _box(matrix, [x0 + rd[0], y0 + rd[3], x1 - rd[2], y1 - rd[1]])
    return [max(0.0, inner[0] - outer[0]), max(0.0, outer[3] - inner[3]),
            max(0.0, outer[2] - inner[2]), max(0.0, inner[1] - outer[1])]


def _turn_appearances(annot: Dictionary, turn, turned: set) -> None:
    """Turn the annotation's appearance streams with the page: a viewer fits an appearance into
    /Rect by scaling only, so a turn must be in the appearance's own /Matrix. (``turned``: the
    streams already turned, as annotations may share one.)"""
    appearances = annot.get("/AP")
    if not isinstance(appearances, Dictionary):
        return
    for key in ("/N", "/R", "/D"):
        entry = appearances.get(key)
        streams = [entry] if isinstance(entry, pikepdf.Stream) else \
            [v for _, v in entry.items() if isinstance(v, pikepdf.Stream)] if isinstance(entry, Dictionary) else []
        for stream in streams:
            if stream.objgen in turned:
                continue
            if stream.is_indirect:
                turned.add(stream.objgen)
            old = _numbers(stream.get("/Matrix")) or [1, 0, 0, 1, 0, 0]
            if len(old) == 6:
                stream.Matrix = Array(list(_multiply(old, (*turn, 0, 0))))
