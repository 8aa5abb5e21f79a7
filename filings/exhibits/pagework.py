"""The bundle's work per exhibit, on every core: preparing the exhibits, writing their files.

pikepdf objects cannot cross processes, so the work is split where a file can: each exhibit
is opened, checked, given its text layer and cleaned (:mod:`.cleanup`) in a worker process
that writes the cleaned exhibit to a scratch file; the bundle is assembled from those in
this process; then workers open the written bundle and write the per-exhibit CM/ECF files
(:mod:`.attachments`) from its pages, whose streams are already compressed, so no image or
content stream is serialised twice. The same steps run in this process when there is one
core or few exhibits (``jobs=1``): the files are the same bytes either way (the tests check
it). Warnings come back with the results and are given in the exhibits' order, so a build
says the same thing whichever worker finished first.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from filings.errors import FilingsError, PdfError, Problem
from filings.exhibits.exhibit import BatesStyle, BundledExhibit, ExhibitPdf, Warn
from filings.limits import DEFAULT_LIMITS, Limits

MIN_PARALLEL = 8  # exhibits: fewer are done in this process (starting workers costs more)


@dataclass(frozen=True)
class OcrOptions:
    """What OCR an exhibit gets: none, or a text layer in these languages (with deskew of the
    text layer alone), kept in the OCR cache of the matter (when given)."""

    languages: tuple[str, ...] = ("eng",)
    deskew: bool = True
    matter: Path | None = None
    cache: Path | None = None  # the matter's OCR cache, found by the build's process: a worker's
    # environment is the one its pool started with, which may be older than the build's


@dataclass
class Done:
    """What a worker gives back: its result, the warnings on the way, the problems that stopped it."""

    result: object = None
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def jobs_for(count: int, jobs: int | None = None) -> int:
    """How many worker processes for ``count`` exhibits: ``jobs``, or one per core (1: this process)."""
    if jobs is not None:
        return max(1, jobs)
    if count < MIN_PARALLEL:
        return 1
    return max(1, min(os.cpu_count() or 1, count))


class Workers:
    """The worker processes of one bundle, started on first use and shared by its steps (so
    their start-up, the imports of pikepdf and the rest, is paid once); ``jobs=1``: none."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *_) -> None:
        if self._pool is not None:
            self._pool.shutdown()

    def map(self, fn: Callable, items: list) -> list[Done]:
        if self.jobs == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        if self._pool is None:
            import multiprocessing

            from filings.exhibits.noise import send_library_messages, settings

            from filings.convert.pdftext import PRELOAD

            context = multiprocessing.get_context("forkserver")  # a fork of a process holding qpdf state is unsafe
            context.set_forkserver_preload(PRELOAD)  # imported once, not by each worker
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=send_library_messages,
                                             initargs=settings())  # the libraries' messages to the debug log there too
        return list(self._pool.map(fn, items, chunksize=max(1, len(items) // (self.jobs * 8))))


def _gather(done: list[Done], warn: Warn) -> list:
    """The results in order; every warning given; every problem raised at once."""
    problems, said = [], set()
    for d in done:
        for w in d.warnings:
            if w not in said:  # "ocrmypdf is not installed": once, not once per exhibit
                said.add(w)
                warn(w)
        problems += [p for p in d.problems if p not in problems]  # a missing OCR language: said once
    if problems:
        raise PdfError(problems=problems)
    return [d.result for d in done]


def prepare_exhibits(exhibits: Sequence[ExhibitPdf], warn: Warn, scratch: Path, workers: Workers, *,
                     ocr: OcrOptions | None = None, limits: Limits = DEFAULT_LIMITS) -> list[tuple[Path, list]]:
    """Open, check, OCR and clean every exhibit into ``scratch``; return each cleaned file and its
    own bookmarks, in order. Raises one PdfError naming every exhibit that cannot be used."""
    items = [(n, e, ocr, limits, scratch) for n, e in enumerate(exhibits)]
    return _gather(workers.map(_prepare_one, items), warn)


def _prepare_one(item) -> Done:
    from filings.exhibits.cleanup import open_exhibit
    from filings.exhibits.ocr import Ocr

    n, exhibit, ocr, limits, scratch = item
    done = Done()
    try:
        with Ocr(done.warnings.append, limits, ocr.matter if ocr else None,
                 languages=ocr.languages if ocr else ("eng",), deskew=ocr.deskew if ocr else False,
                 cache=ocr.cache if ocr else None) as reader:
            pdf, outline = open_exhibit(exhibit, done.warnings.append, reader if ocr else None, limits)
            try:
                path = Path(scratch) / f"exhibit-{n:05d}.pdf"
                pdf.save(path)  # existing streams as they are: fast, and nothing lost
            finally:
                pdf.close()
        done.result = (path, outline)
    except FilingsError as e:
        done.problems = list(e.problems)
    return done


def write_attachments(bundle: Path, placed: list[BundledExhibit], out_dir: Path, limit_mb: float, warn: Warn,
                      bates: BatesStyle, workers: Workers) -> None:
    """Write each exhibit's CM/ECF file from the pages of the written ``bundle``; set ``b.files``."""
    groups = _groups(placed, workers.jobs)
    done = workers.map(_write_group, [(bundle, group, out_dir, limit_mb, bates) for group in groups])
    files = [f for group in _gather(done, warn) for f in group]
    for b, made in zip(placed, files):
        b.files = made


def _groups(placed: list[BundledExhibit], count: int) -> list[list[BundledExhibit]]:
    """``placed`` in runs of about equal pages, several per worker so a slow one does not hold the rest."""
    if count == 1:
        return [placed]
    runs = count * 4
    total = sum(b.pages + 1 for b in placed)
    groups: list[list[BundledExhibit]] = [[]]
    size = 0
    for b in placed:
        if groups[-1] and size >= total / runs:
            groups.append([])
            size = 0
        groups[-1].append(b)
        size += b.pages + 1
    return groups


def _write_group(item) -> Done:
    import pikepdf

    from filings.exhibits.attachments import write_attachment

    bundle, group, out_dir, limit_mb, bates = item
    done = Done(result=[])
    try:
        with pikepdf.open(bundle) as pdf:
            pages = list(pdf.pages)  # indexing .pages is linear in pikepdf: list them once
            for b in group:
                done.result.append(write_attachment(pages, b, out_dir, limit_mb, done.warnings.append, bates))
    except FilingsError as e:
        done.problems = list(e.problems)
    return done
