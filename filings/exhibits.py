"""Exhibit sources → PDFs: files from the matter's folder, or templates rendered from the facts.

PDFs are used as they are (the bundle checks and cleans them); images become PDF pages
with img2pdf (lossless, one page per image or TIFF frame, fitted to Letter); Word and
OpenDocument files and rendered templates are converted by LibreOffice in the build's
single conversion run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .context import Empty
from .errors import FactsError, PdfError, Problem, display_path
from .facts import Matter
from .office import stage_exhibit
from .paths import OutsideError
from .render import Renderer

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


def plan_exhibits(matter: Matter, staging: Path, renderer: Renderer) -> list[ExhibitSource]:
    """Find every exhibit's file (or render its template); report every problem with a file at once.

    A file must be a regular file inside the matter's folder or a folder of
    ``settings.allow_outside`` (see :meth:`Matter.inside`); it is read from its real
    path, so a link changed after the check cannot redirect the read.
    """
    staging.mkdir(parents=True, exist_ok=True)
    plans, problems = [], []
    for i, e in enumerate(matter.facts.exhibits):
        stem = f"exhibit-{i + 1:03d}"
        if e.template:
            docx = staging / f"{stem}.docx"
            renderer.render(e.template, docx, extra=_template_subject(renderer.context, e.id))
            plans.append(ExhibitSource(i, e.id, Path(display_path(renderer.templates_dir / e.template)),
                                       staging / f"{stem}.pdf",
                                       convert=docx))
            continue
        try:
            plans.append(_file_source(matter, i, staging / stem))
        except _Unusable as err:
            problems.append(Problem(f"exhibit '{e.id}': {err}", matter.path,
                                    matter.source.line_of(("exhibits", i, "file"))))
    if problems:
        raise FactsError(problems=problems)
    return plans


class _Unusable(Exception):
    """Why an exhibit's file cannot be used, and what to do: the words after ``exhibit 'id': ``."""


def _file_source(matter: Matter, i: int, stem: Path) -> ExhibitSource:
    """Exhibit ``i``'s file, checked and planned; ``stem`` names its files in the staging folder."""
    e = matter.facts.exhibits[i]
    try:
        path = Path(display_path(matter.inside(e.file or "")))  # the real path: no link left in it
    except (OSError, ValueError) as err:
        raise _Unusable(_file_problem(e.file or "", err)) from None
    suffix = path.suffix.lower()
    if suffix in PDF:
        return ExhibitSource(i, e.id, path, path)
    if suffix in IMAGES:
        return ExhibitSource(i, e.id, path, stem.with_suffix(".pdf"), image=path)
    if suffix in OFFICE:
        copy = stem.with_suffix(suffix)
        try:
            removed = stage_exhibit(e.id, path, copy)  # checked and cleaned (filings.office)
        except OSError as err:
            raise _Unusable(_file_problem(e.file or "", err)) from None
        return ExhibitSource(i, e.id, path, stem.with_suffix(".pdf"), convert=copy, removed=removed)
    kinds = ", ".join(sorted(s.lstrip(".").upper() for s in PDF | IMAGES | OFFICE))
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


def images_to_pdf(plans: list[ExhibitSource]) -> None:
    """Turn every image exhibit into a PDF, one Letter page per image or TIFF frame."""
    import img2pdf
    from PIL import UnidentifiedImageError

    layout = img2pdf.get_layout_fun(LETTER, fit=img2pdf.FitMode.into, auto_orient=True)
    for plan in plans:
        if plan.image is None:
            continue
        try:
            try:
                data = img2pdf.convert(str(plan.image), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
            except img2pdf.AlphaChannelError:
                data = img2pdf.convert(_flatten_alpha(plan.image), layout_fun=layout)
        except (img2pdf.ImageOpenError, UnidentifiedImageError, OSError, ValueError) as e:
            raise PdfError(f"exhibit '{plan.id}' ({plan.image}): not a readable image ({e}); "
                           "get a fresh copy of the file") from None
        plan.pdf.write_bytes(data)


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
