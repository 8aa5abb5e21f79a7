"""The text layer of a scanned exhibit's pages: which pages need one, and grafting it on.

The pages to read are those PDFium finds no text on that show an image
(:func:`filings.convert.pdftext.textless_pages`); only they are copied out and given to
OCRmyPDF (:mod:`.ocr`). Of each page it returns, only the text is kept: its drawing of
images is taken out, and what remains (the invisible words) is laid over the exhibit's
own page as a form XObject. The page's own content, images and resources are left as they
were, so the exhibit stays a true copy of the scan, whatever OCRmyPDF did to its own copy
of the image (such as straightening it).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pikepdf
from pikepdf import Name

from filings.convert.pdftext import textless_pages
from filings.exhibits.exhibit import ExhibitPdf
from filings.exhibits.ocr import Ocr


def add_text_layer(pdf: pikepdf.Pdf, e: ExhibitPdf, where: str, ocr: Ocr) -> int:
    """Give ``pdf`` (the exhibit ``e`` as opened) a text layer on its textless pages (OCR'd
    now or taken from the cache); return how many pages got one."""
    pages = textless_pages(e.pdf, e.password)
    if not pages:
        return 0
    with tempfile.TemporaryDirectory(prefix="filings-ocr-in-") as tmp:
        source = Path(tmp) / "textless.pdf"
        with pikepdf.new() as only:  # the textless pages alone (decrypted): all OCRmyPDF reads
            every = list(pdf.pages)
            only.pages.extend(every[n] for n in pages)
            only.save(source, deterministic_id=True)  # the same pages, the same bytes
        key = ocr.key(source)  # by what is read: a scan filed twice, in two files, is read once
        with ocr.lock(key):
            made = ocr.cached(key) or ocr.text_layer(source, key, where)
    if made is None:
        return 0
    try:
        with pikepdf.open(made) as result:
            if len(result.pages) != len(pages):
                ocr.warn(f"{where}: OCR gave {len(result.pages)} pages for {len(pages)}; the exhibit is bundled "
                         "without a text layer")
                return 0
            graft_text_layers(pdf, pages, result)
    except pikepdf.PdfError:
        ocr.warn(f"{where}: OCR made an unreadable PDF; the exhibit is bundled without a text layer")
        return 0
    return len(pages)


def graft_text_layers(pdf: pikepdf.Pdf, pages: list[int], ocred: pikepdf.Pdf) -> None:
    """Lay the text of ``ocred``'s pages (one for each of ``pages``, in order) over those pages of
    ``pdf``, without the images OCRmyPDF drew: the pages' own content stays as it was."""
    targets = list(pdf.pages)
    for n, source in zip(pages, ocred.pages):
        text_only = _without_images(ocred, source)
        if text_only is None:
            continue
        form = pdf.copy_foreign(text_only.as_form_xobject(handle_transformations=False))
        _overlay(pdf, targets[n], form)


def _overlay(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object) -> None:
    """Draw ``form`` over ``page``, its box fitted to the page's media box (both unrotated page
    space: a /Rotate turns page and text layer alike), after the page's own content, whose
    graphics state is saved and restored around it."""
    bx0, by0, bx1, by1 = (float(v) for v in form.BBox)
    mx0, my0, mx1, my1 = (float(v) for v in page.mediabox)
    sx, sy = (mx1 - mx0) / ((bx1 - bx0) or 1), (my1 - my0) / ((by1 - by0) or 1)
    if not isinstance(page.obj.get("/Resources"), pikepdf.Dictionary):
        page.obj.Resources = pikepdf.Dictionary()
    if not isinstance(page.obj.Resources.get("/XObject"), pikepdf.Dictionary):
        page.obj.Resources.XObject = pikepdf.Dictionary()
    xobjects, n = page.obj.Resources.XObject, 0
    while f"/FOcr{n}" in xobjects:  # a name of our own, the same every build (add_resource's is random)
        n += 1
    name = Name(f"/FOcr{n}")
    xobjects[name] = form
    matrix = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in (sx, 0, 0, sy, mx0 - bx0 * sx, my0 - by0 * sy))
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"\nQ q %s cm %s Do Q\n" % (matrix.encode(), str(name).encode())))


def _without_images(ocred: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Page | None:
    """``page`` drawing everything but its images (None: it draws no text at all)."""
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    images = {str(k) for k, v in xobjects.items() if v.get("/Subtype") == Name.Image} \
        if isinstance(xobjects, pikepdf.Dictionary) else set()
    kept, text = [], False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Do" and operands and str(operands[0]) in images:
            continue
        if op in ("BI", "INLINE IMAGE"):
            continue
        text = text or op in ("Do", "Tj", "TJ", "'", '"')
        kept.append((operands, operator))
    if not text:
        return None
    page.obj.Contents = ocred.make_stream(pikepdf.unparse_content_stream(kept))
    if images:
        for name in images:
            del xobjects[name]
    return page
