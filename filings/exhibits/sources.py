"""Exhibit sources → PDFs: files from the matter's folder, or templates rendered from the facts.

PDFs are used as they are (the bundle checks and cleans them); images become PDF pages
with img2pdf (lossless, one page per image or TIFF frame, fitted to Letter); Word and
OpenDocument files, spreadsheets (:mod:`.sheets`) and rendered templates are converted by
LibreOffice in the build's single conversion run. An excerpt (``pages:``) is cut from the
PDF once it is made (:mod:`.excerpts`).
"""
from __future__ import annotations

import contextlib
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from filings.papers.nodes import Empty
from filings.errors import FactsError, PdfError, Problem, display_path
from filings.facts.schema import Matter
from filings.limits import DEFAULT_LIMITS, Limits
from filings.convert.office import stage_exhibit
from filings.exhibits.mail import MAIL, MailError
from filings.exhibits.mailpage import MailPart, plan_mail
from filings.exhibits.sheets import SHEETS, stage_sheet
from filings.exhibits.excerpts import PastTheEnd, Unreadable, check_pages, cut_excerpt, page_count
from filings.facts.pages import describe_pages, parse_pages
from filings.paths import OutsideError
from filings.papers.render import Renderer

PDF = {".pdf"}
IMAGES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
OFFICE = {".docx", ".odt", ".doc", ".rtf"}
LETTER = (612.0, 792.0)


@dataclass
class ExhibitSource:
    """One exhibit on its way to PDF."""

    index: int
    id: str
    source: Path            # the file named in the facts, or the template
    pdf: Path               # where its PDF is (or will be, after conversion)
    convert: Path | None = None   # a DOCX/ODT that LibreOffice must convert into ``pdf``
    image: Path | None = None     # an image that img2pdf must turn into ``pdf``
    removed: list[str] = field(default_factory=list)  # what cleaning took out of a Word/ODT file
    letter: Path | None = None    # the draft a template made of a letter whose sent copy is the exhibit
    demonstrative: bool = False   # made by a template for this filing, not a copy of a document
    pages: list[int] = field(default_factory=list)  # an excerpt: only these pages (1-based), in order
    stem: Path | None = None      # where its own files in the staging folder go (``stem-excerpt.pdf``)
    facts_at: tuple[Path, int | None] | None = None  # the facts file and the line of ``pages:``
    note: str = ""                # on the cover: "Excerpt: pages 3–7, 12 of 40"
    title_note: str = ""          # after its title in the index and bookmarks: " (excerpt)"
    parts: list[MailPart] = field(default_factory=list)  # an e-mail: its page, then its sub-exhibits
    more: list[Path] = field(default_factory=list)  # more files LibreOffice converts (an e-mail's attachments)


def plan_exhibits(matter: Matter, staging: Path, renderer: Renderer,
                  letters: Path | None = None) -> list[ExhibitSource]:
    """Find every exhibit's file (or render its template); report every problem with a file at once.

    **An exhibit is what was sent.** A template that drafts correspondence (the request
    letters) is rendered into ``letters`` as a draft, never into the bundle: the exhibit is
    the copy that was sent, the file named by ``sent_copy``. A template exhibit without a
    sent copy is a demonstrative made for this filing (a chart, a timeline): it is rendered
    into the bundle and its cover says so (``demonstrative``).

    A file must be a regular file inside the matter's folder or a folder of
    ``settings.allow_outside`` (see :meth:`Matter.inside`); it is read from its real
    path, so a link changed after the check cannot redirect the read.
    """
    staging.mkdir(parents=True, exist_ok=True)
    plans, problems = [], []
    for i, e in enumerate(matter.facts.exhibits):
        stem = f"exhibit-{i + 1:03d}"
        if e.template and e.sent_copy:
            draft = (letters or staging / "letters") / f"{e.id}.docx"
            draft.parent.mkdir(parents=True, exist_ok=True)
            renderer.render(e.template, draft, extra=_template_subject(renderer.context, e.id))
            try:
                plan = _file_source(matter, i, staging / stem, e.sent_copy)
            except _Unusable as err:
                problems.append(Problem(f"exhibit '{e.id}': {err}", matter.path,
                                        matter.source.line_of(("exhibits", i, "sent_copy"))))
                continue
            plan.letter = draft
            plans.append(plan)
            continue
        if e.template:
            docx = staging / f"{stem}.docx"
            renderer.render(e.template, docx, extra=_template_subject(renderer.context, e.id))
            plans.append(ExhibitSource(i, e.id, renderer.locate(e.template),
                                       staging / f"{stem}.pdf",
                                       convert=docx, demonstrative=True))
            continue
        try:
            plans.append(_file_source(matter, i, staging / stem, e.file or "", _mark(renderer, i)))
        except _Unusable as err:
            problems.append(Problem(f"exhibit '{e.id}': {err}", matter.path,
                                    matter.source.line_of(("exhibits", i, "file"))))
    for plan in plans:
        try:
            _plan_excerpt(matter, plan, staging / f"exhibit-{plan.index + 1:03d}")
        except PastTheEnd as err:
            problems.append(Problem(f"exhibits.{plan.index}.pages: {err}", *plan.facts_at))
    if problems:
        raise FactsError(problems=problems)
    return plans


def _plan_excerpt(matter: Matter, plan: ExhibitSource, stem: Path) -> None:
    """Note the pages an excerpt takes; a PDF's page count is checked now (a converted file's
    once it is converted, :func:`cut_excerpts`)."""
    e = matter.facts.exhibits[plan.index]
    if not e.pages:
        return
    plan.pages, plan.stem = parse_pages(e.pages), stem
    plan.facts_at = (matter.path, matter.source.line_of(("exhibits", plan.index, "pages")))
    if plan.pdf == plan.source:
        total = page_count(plan.pdf, e.password)
        if total is not None:
            check_pages(plan.pages, total, _name(matter, plan.index))


def _name(matter: Matter, index: int) -> str:
    """The exhibit's file as the facts name it (its sent copy, or its template)."""
    e = matter.facts.exhibits[index]
    return Path(e.sent_copy or e.file or e.template or e.id).name


def cut_excerpts(matter: Matter, plans: list[ExhibitSource]) -> None:
    """Cut every excerpt's PDF (made now: PDFs, images and converted files alike) to its pages,
    and say on its cover which pages of how many; every page past the end is reported at once."""
    problems = []
    for plan in plans:
        if not plan.pages or plan.stem is None:
            continue
        e = matter.facts.exhibits[plan.index]
        dest = plan.stem.parent / f"{plan.stem.name}-excerpt.pdf"
        try:
            total = cut_excerpt(plan.pdf, plan.pages, dest, _name(matter, plan.index), e.password)
        except PastTheEnd as err:
            problems.append(Problem(f"exhibits.{plan.index}.pages: {err}", *(plan.facts_at or (matter.path, None))))
            continue
        except Unreadable:  # the bundle opens it whole and says why
            continue
        plan.pdf = dest
        plan.note = f"Excerpt: {describe_pages(plan.pages, total)}"
        plan.title_note = " (excerpt)"
    if problems:
        raise FactsError(problems=problems)


class _Unusable(Exception):
    """Why an exhibit's file cannot be used, and what to do: the words after ``exhibit 'id': ``."""


def _mark(renderer: Renderer, i: int) -> str:
    """Exhibit ``i``'s label ("4", "D"), which its e-mail's sub-exhibits extend ("4-A")."""
    try:
        return str(renderer.context["exhibits"][i].mark)
    except (KeyError, IndexError, TypeError, AttributeError):
        return str(i + 1)


def _file_source(matter: Matter, i: int, stem: Path, file: str, mark: str = "") -> ExhibitSource:
    """Exhibit ``i``'s ``file`` (its file, or the sent copy of its letter), checked and planned;
    ``stem`` names its files in the staging folder, ``mark`` is its label."""
    e = matter.facts.exhibits[i]
    try:
        path = Path(display_path(matter.inside(file)))  # the real path: no link left in it
    except (OSError, ValueError) as err:
        raise _Unusable(_file_problem(file, err)) from None
    suffix = path.suffix.lower()
    if suffix in PDF:
        return ExhibitSource(i, e.id, path, path)
    if suffix in IMAGES:
        return ExhibitSource(i, e.id, path, stem.with_suffix(".pdf"), image=path)
    if suffix in OFFICE:
        copy = stem.with_suffix(suffix)
        try:
            removed = stage_exhibit(e.id, path, copy)  # checked and cleaned (filings.convert.office)
        except OSError as err:
            raise _Unusable(_file_problem(file, err)) from None
        return ExhibitSource(i, e.id, path, stem.with_suffix(".pdf"), convert=copy, removed=removed)
    if suffix in MAIL:
        try:
            parts, removed = plan_mail(e.id, mark or str(i + 1), path, stem.parent / f"{stem.name}-mail")
        except MailError as err:
            raise _Unusable(f"'{file}': {err}") from None
        except OSError as err:
            raise _Unusable(_file_problem(file, err)) from None
        return ExhibitSource(i, e.id, path, parts[0].pdf, convert=parts[0].convert, removed=removed, parts=parts,
                             more=[p.convert for p in parts[1:] if p.convert])
    if suffix in SHEETS:
        copy = stem.with_suffix(suffix)
        try:
            removed = stage_sheet(e.id, path, copy)  # checked and cleaned, printed by Calc (.sheets)
        except OSError as err:
            raise _Unusable(_file_problem(file, err)) from None
        return ExhibitSource(i, e.id, path, stem.with_suffix(".pdf"), convert=copy, removed=removed)
    kinds = ", ".join(sorted(s.lstrip(".").upper() for s in PDF | IMAGES | OFFICE | SHEETS | MAIL))
    raise _Unusable(f"cannot use a '{suffix or path.name}' file as an exhibit; use one of {kinds}")


def _file_problem(file: str, err: Exception) -> str:
    """Why an exhibit's file cannot be used, and what to do, after ``exhibit 'id': ``."""
    if isinstance(err, FileNotFoundError):
        return f"no such file '{file}' (paths are relative to the facts file's folder)"
    if isinstance(err, OutsideError):
        return (f"'{file}' {err}; move the file into the matter's folder, or add the folder it is in "
                "to settings.allow_outside")
    if isinstance(err, ValueError):
        return f"'{file}' {err}; give the path of the exhibit's file"
    reason = getattr(err, "strerror", None) or err
    return f"cannot read '{file}' ({reason}); check the file and its permissions"


def _template_subject(context: dict, exhibit_id: str) -> dict:
    """What an exhibit template sees besides the facts: the request or event that cites it."""
    extra = {"request": Empty("request"), "event": Empty("event")}
    for name, items in (("request", context["requests"]), ("event", context["events"])):
        for item in items:
            if item.exhibit and item.exhibit.id == exhibit_id:
                extra[name] = item
                break
    return extra


def images_to_pdf(plans: list[ExhibitSource], limits: Limits = DEFAULT_LIMITS) -> None:
    """Turn every image exhibit into a PDF, one Letter page per image or TIFF frame.

    Every frame is decoded in full first, so a damaged or truncated image is refused (img2pdf
    would embed a JPEG's bytes unread); each frame's size is checked against
    ``limits.image_pixels`` before it is decoded, and the frames against ``limits.exhibit_pages``.
    """
    import img2pdf
    from PIL import UnidentifiedImageError

    logging.getLogger("img2pdf").setLevel(logging.ERROR)  # its notes on alpha channels are not the user's concern
    layout = img2pdf.get_layout_fun(LETTER, fit=img2pdf.FitMode.into, auto_orient=True)
    # The same image must make the same PDF (the OCR cache is keyed by its bytes): no date, and
    # img2pdf's own writer, which adds no /ID (through pikepdf it adds a random one: img2pdf 0.6
    # compares pikepdf's version as a string, so pikepdf 10 gets no deterministic_id).
    same_bytes = {"nodate": True, "engine": img2pdf.Engine.internal}
    jobs = [(plan.image, plan.pdf, f"exhibit '{plan.id}' ({plan.image})") for plan in plans if plan.image]
    jobs += [(part.image, part.pdf, f"exhibit '{plan.id}' ({plan.source}), attachment '{part.title}'")
             for plan in plans for part in plan.parts if part.image]
    for image, pdf, where in jobs:
        with _pillow_bounded_by_us():
            _check_image(image, where, limits)
            try:
                try:
                    data = img2pdf.convert(str(image), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid,
                                           **same_bytes)
                except img2pdf.AlphaChannelError:
                    data = img2pdf.convert(_flatten_alpha(image), layout_fun=layout, **same_bytes)
            except (img2pdf.ImageOpenError, UnidentifiedImageError, OSError, ValueError) as e:
                raise PdfError(f"{where}: not a readable image ({_reason(e)}); get a fresh copy of the file") from None
        pdf.write_bytes(data)


def make_pdfs(matter: Matter, plans: list[ExhibitSource], limits: Limits = DEFAULT_LIMITS) -> None:
    """Once LibreOffice has converted what it converts: every exhibit's PDF made (images, an
    e-mail with its sub-exhibits: :mod:`.compose`), then every excerpt cut."""
    from filings.exhibits.compose import compose_mail

    images_to_pdf(plans, limits)
    for plan in plans:
        if plan.parts:
            dest = plan.pdf.with_name(f"exhibit-{plan.index + 1:03d}-email.pdf")
            compose_mail(plan.parts, dest, f"exhibit '{plan.id}' ({plan.source})", limits)
            plan.pdf = dest
    cut_excerpts(matter, plans)


@contextlib.contextmanager
def _pillow_bounded_by_us() -> Iterator[None]:
    """Pillow's own decompression-bomb check off (it warns at 89 and fails at 179 megapixels):
    :func:`_check_image` applies ``limits.image_pixels`` itself, before anything is decoded."""
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _check_image(path: Path, where: str, limits: Limits) -> None:
    """Raise a PdfError unless every frame of ``path`` is within the bounds and decodes whole."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise PdfError(f"{where}: not a readable image ({_reason(e)}); get a fresh copy of the file") from None
    with image, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's notes on odd but readable files are not the user's concern
        frames = getattr(image, "n_frames", 1)
        if frames > limits.exhibit_pages:
            raise PdfError(f"{where}: the image has {frames:,} frames, over the bound of "
                           f"{limits.exhibit_pages:,} pages for one exhibit; split it into several exhibits")
        for n in range(frames):
            try:
                image.seek(n)
            except (OSError, ValueError, EOFError, SyntaxError) as e:
                raise _damaged(where, e) from None
            width, height = image.size
            if width * height > limits.image_pixels:
                frame = f"frame {n + 1} is" if frames > 1 else "it is"
                raise PdfError(f"{where}: {frame} {width:,} x {height:,} pixels, over the bound of "
                               f"{limits.image_pixels:,} pixels for one image; scan it at a lower resolution")
            try:
                image.load()
            except (OSError, ValueError, EOFError, SyntaxError, MemoryError, Image.DecompressionBombError) as e:
                raise _damaged(where, e) from None


def _damaged(where: str, error: BaseException) -> PdfError:
    return PdfError(f"{where}: the image is damaged or truncated ({_reason(error)}); get a fresh copy of the file")


def _reason(error: BaseException) -> str:
    """The first line of an error, without the file name Pillow or img2pdf may repeat."""
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:160]


def _flatten_alpha(path: Path) -> list[bytes]:
    """Images with transparency, put on white (img2pdf will not drop an alpha channel itself)."""
    import io

    from PIL import Image, ImageSequence

    frames = []
    with Image.open(path) as image:
        for frame in ImageSequence.Iterator(image):
            rgba = frame.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.split()[-1])
            buffer = io.BytesIO()
            flat.save(buffer, "PNG")
            frames.append(buffer.getvalue())
    return frames
