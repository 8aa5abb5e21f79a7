"""An e-mail exhibit put together: its page, then each sub-exhibit's cover and pages, bookmarked.

Runs once every part has its PDF (after the build's conversion run and img2pdf). The covers
of the sub-exhibits are drawn with reportlab in the bundle's embedded fonts
(:mod:`.frontmatter`); the parts' pages are copied with pikepdf into one PDF whose own
bookmarks (the e-mail, each sub-exhibit) the bundle hangs under the exhibit's bookmark. The
PDF is untrusted like any exhibit's and is checked and cleaned when the bundle opens it.
"""
from __future__ import annotations

from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from filings.errors import PdfError
from filings.exhibits.frontmatter import SERIF, SERIF_BOLD, draw_text, register_fonts, shaped, wrap
from filings.exhibits.mailpage import MailPart
from filings.limits import DEFAULT_LIMITS, Limits

INCH = 72.0


def compose_mail(parts: list[MailPart], dest: Path, where: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Write the e-mail exhibit of ``parts`` to ``dest``; a PdfError names an attachment that
    cannot be read (``where`` names the exhibit)."""
    covers = dest.with_name(dest.stem + "-covers.pdf")
    _draw_covers([p for p in parts[1:]], covers)
    out = pikepdf.new()
    marks: list[tuple[int, str, int]] = []
    with pikepdf.open(covers) as drawn:
        cover_pages = list(drawn.pages)
        for n, part in enumerate(parts):
            if n:
                marks.append((max(part.depth - 1, 0), f"Exhibit {part.label} \u2014 {part.title}", len(out.pages)))
                out.pages.append(cover_pages[n - 1])
            else:
                marks.append((0, f"E-mail \u2014 {part.title}", 0))
            try:
                with pikepdf.open(part.pdf) as pdf:
                    if len(out.pages) + len(pdf.pages) > limits.exhibit_pages:
                        raise PdfError(f"{where}: with its attachments it has more than {limits.exhibit_pages:,} "
                                       "pages, the bound for one exhibit; file the attachments as exhibits of "
                                       "their own")
                    out.pages.extend(pdf.pages)
            except pikepdf.PasswordError:
                raise PdfError(f"{where}: its attachment '{part.title}' (Exhibit {part.label}) is an encrypted PDF; "
                               "file it as an exhibit of its own, with its password") from None
            except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as err:
                raise PdfError(f"{where}: its attachment '{part.title}' (Exhibit {part.label}) is not a readable PDF "
                               f"({str(err).splitlines()[0][:160] if str(err) else type(err).__name__}); "
                               "get a fresh copy of the e-mail") from None
    _outline(out, marks)
    out.save(dest, deterministic_id=True)
    out.close()
    covers.unlink()


def _outline(pdf: pikepdf.Pdf, marks: list[tuple[int, str, int]]) -> None:
    """Bookmarks (depth, title, page): an attached e-mail's sub-exhibits under its own."""
    with pdf.open_outline() as outline:
        stack: list[pikepdf.OutlineItem] = []
        for depth, title, page in marks:
            item = pikepdf.OutlineItem(title, page)
            del stack[depth:]
            (stack[-1].children if stack else outline.root).append(item)
            stack.append(item)


def _draw_covers(parts: list[MailPart], path: Path) -> None:
    """One cover page for each sub-exhibit: its label, its name and whose attachment it is."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=LETTER, invariant=1, pageCompression=1)
    width, height = LETTER
    for part in parts:
        draw_text(canvas, width / 2, height * 0.58, f"EXHIBIT {part.label}", SERIF_BOLD, 28, centred=True)
        y = height * 0.58 - 40
        for line in wrap(shaped(part.title), SERIF, 14, width - 3 * INCH)[:6]:
            draw_text(canvas, width / 2, y, line, SERIF, 14, centred=True)
            y -= 18
        y -= 10
        for line in wrap(shaped(part.of), SERIF, 11, width - 3 * INCH)[:6]:
            draw_text(canvas, width / 2, y, line, SERIF, 11, centred=True)
            y -= 14
        canvas.showPage()
    if not parts:
        canvas.showPage()  # a PDF needs a page; this one is never used
    canvas.save()
