"""One LibreOffice run for a build: every paper, Word exhibit, drafted letter and e-mail attachment
of every set converted together, each taken from the PDF cache when its bytes were converted
before; a document LibreOffice cannot convert is named in the facts' words (paper 'complaint',
exhibit 'notice' (notice.docx), the letter drafted for exhibit ...).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from filings.convert.cache import PdfCache
from filings.errors import ConversionError
from filings.paths import link_or_copy
from filings.pipeline.built import BuiltPaper
from filings.pipeline.outputs import Progress

if TYPE_CHECKING:
    from filings.convert.libreoffice import Converter
    from filings.exhibits.sources import ExhibitSource


def _convert(built: list[BuiltPaper], sources: list[ExhibitSource], staging: Path,
             converter: Converter | None, progress: Progress, cache: PdfCache | None = None) -> None:
    """Convert every paper, every Word exhibit and every drafted letter (of every version) in one
    LibreOffice run; a document converted before (the same bytes) takes its PDF from ``cache``."""
    docs = [b.docx for b in built] + [s.convert for s in sources if s.convert] + [s.letter for s in sources
                                                                                 if s.letter]
    docs += [more for s in sources for more in s.more]  # an e-mail exhibit's Word and spreadsheet attachments
    keys = {doc: cache.key(doc) for doc in docs} if cache is not None else {}
    docs = [doc for doc in docs if not (cache is not None and cache.take(keys[doc], doc.with_suffix(".pdf")))]
    if docs:
        from filings.convert.libreoffice import LibreOffice, NotConverted
        progress(f"converting {len(docs)} document{'s' if len(docs) != 1 else ''} to PDF with LibreOffice")
        named = _unique_names(_printable(docs, staging / "printable"), staging / "named")  # both versions
        # have a complaint.docx
        try:
            converter = converter or LibreOffice()
            pdfs = converter.convert(named, staging / "pdf")
        except NotConverted as e:
            names = {s.convert: f"exhibit '{s.id}' ({s.source})" for s in sources if s.convert}
            names.update({s.letter: f"the letter drafted for exhibit '{s.id}'" for s in sources if s.letter})
            names.update({p.convert: f"exhibit '{s.id}' ({s.source}), attachment '{p.title}'"
                          for s in sources for p in s.parts[1:] if p.convert})
            names.update({b.docx: f"paper '{b.key}'" for b in built})
            names = {n: names.get(d, d.name) for n, d in zip(named, docs)}
            raise ConversionError(problems=[
                f"{names.get(doc, doc.name)}: LibreOffice could not convert it to PDF (it is damaged, or needs "
                f"more than the {_gb(getattr(converter, 'memory_bytes', 0))} a conversion may use); open it in "
                "Word or LibreOffice to check it" for doc in e.sources]) from e
        finally:
            shutil.rmtree(staging / "named", ignore_errors=True)
            shutil.rmtree(staging / "printable", ignore_errors=True)
        for doc, made in zip(docs, pdfs):
            made.replace(doc.with_suffix(".pdf"))
            if cache is not None:
                cache.keep(keys[doc], doc.with_suffix(".pdf"))
        (staging / "pdf").rmdir()
        if cache is not None:
            cache.prune()
    if not built:
        return
    from filings.pipeline import pdf
    for b in built:  # every paper's PDF is in place now, converted or taken from the cache
        b.pdf = b.docx.with_suffix(".pdf")
        b.pages = pdf.page_count(b.pdf)


def _printable(docs: list[Path], folder: Path) -> list[Path]:
    """``docs``, each one with comments or a merge's open conflicts replaced by a copy to print
    (:mod:`filings.convert.printable`): no comment, each conflict one highlighted note."""
    from filings.convert.printable import needs_printing_copy, without_comments
    from filings.pipeline.drafts import CONFLICT_AUTHOR
    out = []
    for n, doc in enumerate(docs):
        if doc.suffix.lower() == ".docx" and needs_printing_copy(doc, CONFLICT_AUTHOR):
            (folder / f"{n:03d}").mkdir(parents=True, exist_ok=True)
            without_comments(doc, folder / f"{n:03d}" / doc.name, CONFLICT_AUTHOR)
            doc = folder / f"{n:03d}" / doc.name
        out.append(doc)
    return out


def _unique_names(docs: list[Path], folder: Path) -> list[Path]:
    """``docs`` as they are when no two share a name; else linked into ``folder`` under names
    that differ (a converter names each PDF after its document)."""
    if len({d.stem for d in docs}) == len(docs):
        return docs
    folder.mkdir(parents=True, exist_ok=True)
    named = []
    for n, doc in enumerate(docs, 1):
        target = folder / f"{n:03d}-{doc.name}"
        link_or_copy(doc, target)
        named.append(target)
    return named


def _gb(size: int) -> str:
    return f"{size / 2**30:.3g} GB" if size else "memory"
