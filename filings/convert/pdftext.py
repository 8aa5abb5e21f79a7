"""The text of PDF pages, as PDFium reads it: the one fast text engine for lints and checks.

pypdf's text extraction is pure Python and took 110 s of a 127 s cold bundle of 2,041 real
pages (the privacy lint reading every exhibit), printing thousands of font messages on the
way; PDFium (through pypdfium2) reads the same pages in a second or two and says nothing.
:func:`page_texts` reads one file, :func:`many_page_texts` several files at once in worker
processes (one per core), each file read once. PDFium is not thread-safe: every process
reads its own files. Bounded by pages and characters, like every untrusted input.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Sequence


# What the worker processes need, imported once by multiprocessing's fork server (before any
# PDF is opened) rather than by each worker: the bundle's workers are forked from it too.
PRELOAD = ["pypdfium2", "pikepdf", "filings.court.identifiers", "filings.exhibits.pagework",
           "filings.exhibits.cleanup", "filings.exhibits.attachments"]


@dataclass(frozen=True)
class TextJob:
    """One file to read: its path, its password, and the bounds of what is read."""

    path: Path
    password: str | None = None
    max_pages: int = 2000
    max_chars: int = 20_000_000


def page_texts(job: TextJob) -> list[str] | None:
    """The text of each page of ``job.path`` (the first ``max_pages``, until ``max_chars`` are
    read), or None when PDFium cannot open it (an unreadable file is reported elsewhere)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(job.path), password=job.password or None)
    except (pdfium.PdfiumError, OSError, ValueError):
        return None
    texts, chars = [], 0
    try:
        for n in range(min(len(pdf), job.max_pages)):
            page = pdf[n]
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_bounded()
            finally:
                textpage.close()
                page.close()
            chars += len(text)
            if chars > job.max_chars:
                break
            texts.append(text.replace("\r\n", "\n").replace("\r", "\n"))
    except pdfium.PdfiumError:
        return texts
    finally:
        pdf.close()
    return texts


def textless_pages(path: Path, password: str | None = None) -> list[int] | None:
    """The 0-based pages of ``path`` that show an image but have no text a reader can find:
    the pages a scanner made, that OCR should read (None: PDFium cannot open the file)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(str(path), password=password or None)
    except (pdfium.PdfiumError, OSError, ValueError):
        return None
    found = []
    try:
        for n in range(len(pdf)):
            page = pdf[n]
            try:
                if not any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4)):
                    continue  # no image: nothing a scanner made (and no text page to build)
                textpage = page.get_textpage()
                chars = textpage.count_chars()
                textpage.close()
                if chars == 0:
                    found.append(n)
            finally:
                page.close()
    finally:
        pdf.close()
    return found


def workers(jobs: int) -> int:
    """How many processes to read ``jobs`` files with: one per core, none for a single file."""
    return max(1, min(os.cpu_count() or 1, jobs))


def many_page_texts(jobs: Sequence[TextJob], then: Callable[[list[str] | None], Any] | None = None) -> list:
    """:func:`page_texts` of every job, in order, each passed through ``then`` when given (in the
    worker, so only its result crosses back: a module-level function or a partial of one); in
    worker processes when there are several files and several cores (the results are the same
    either way)."""
    read = partial(_read_then, then=then)
    count = workers(len(jobs))
    if count == 1 or len(jobs) < 4:
        return [read(job) for job in jobs]
    import multiprocessing

    context = multiprocessing.get_context("forkserver")  # no fork of a process holding PDFium or threads
    context.set_forkserver_preload(PRELOAD)  # imported once, in the server the workers are forked from
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        return list(pool.map(read, jobs, chunksize=max(1, len(jobs) // (count * 8))))


def _read_then(job: TextJob, then=None):
    texts = page_texts(job)
    return then(texts) if then is not None else texts
