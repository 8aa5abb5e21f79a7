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
    """Find every exhibit's file (or render its template); report every missing one at once."""
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
        path = Path(display_path(matter.root / e.file)) if e.file else None
        line = matter.source.line_of(("exhibits", i, "file"))
        suffix = path.suffix.lower() if path else ""
        if path is None or not path.is_file():
            problems.append(Problem(f"exhibits.{i}.file: no such file '{e.file}' (paths are relative to "
                                    f"the facts file's folder)", matter.path, line))
        elif suffix in PDF:
            plans.append(ExhibitSource(i, e.id, path, path))
        elif suffix in IMAGES:
            plans.append(ExhibitSource(i, e.id, path, staging / f"{stem}.pdf", image=path))
        elif suffix in OFFICE:
            copy = staging / f"{stem}{suffix}"
            removed = stage_exhibit(e.id, path, copy)  # checked and cleaned (filings.office)
            plans.append(ExhibitSource(i, e.id, path, staging / f"{stem}.pdf", convert=copy, removed=removed))
        else:
            kinds = ", ".join(sorted(s.lstrip(".").upper() for s in PDF | IMAGES | OFFICE))
            problems.append(Problem(f"exhibits.{i}.file: cannot use a '{suffix or path.name}' file as an "
                                    f"exhibit; use one of {kinds}", matter.path, line))
    if problems:
        raise FactsError(problems=problems)
    return plans


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
