"""Redlines: the old and the new version of a paper compared, as Word tracked changes and PDF.

The comparison engine is Docxodus (MIT), run through python-redlines, whose companion
package ``python-redlines-docxodus`` ships the engine as a self-contained binary: it runs
offline and needs no .NET installed. It was chosen over LibreOffice's own compare (the
engine behind unoserver's ``unocompare``, ``.uno:CompareDocuments``) measured on our papers
(``tools/compare_engines.py``): both record a changed date as ``w:del``/``w:ins``, but
LibreOffice silently drops a formatting-only change (a phrase made bold gives a document with
no revision at all), where Docxodus records it as ``w:rPrChange``; Docxodus also marks moved
paragraphs (``w:moveFrom``/``w:moveTo``). LibreOffice is faster once warm (0.1-0.3 s a paper
against 0.7-0.9 s, most of it the engine's start), so the papers are compared in parallel,
one engine per core. LibreOffice's compare stays as the fallback (:mod:`filings.convert.locompare`):
where Docxodus is not installed or cannot run, or with ``FILINGS_REDLINE_ENGINE=libreoffice``,
with a warning that formatting-only changes are then not shown.

The papers compared may come from anywhere (a build folder or a matter's history received
from elsewhere): both versions of every paper are cleaned first by the cleaner of Word
exhibits (:func:`filings.convert.office.sanitize_office`: no linked picture, subdocument or
INCLUDETEXT field reaches the engine or the redline a reviewer opens), and the engine runs
within ``limits.redline_seconds`` and ``limits.redline_memory_bytes`` of resident memory (its
.NET runtime reserves far more address space than it uses, so the bound is on what it holds,
watched while it runs, with its heap held to most of it, :func:`engine_environment`).

Every revision carries the author (``filings`` unless told) and the new build's date (the
deterministic date its outputs carry), and the redline DOCX is repacked with fixed ZIP dates,
so the same two versions give the same redline bytes. Its PDF is made by the build's own
LibreOffice converter (the warm pool): LibreOffice prints tracked changes as they show in
Writer, insertions underlined, deletions struck through, a change bar in the margin.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Callable, Mapping, Sequence

from filings.errors import FilingsError
from filings.limits import DEFAULT_LIMITS, Limits

AUTHOR = "filings"
HEAP_SHARE = 0.75  # of the memory bound, for the engine's .NET heap; the rest is the runtime's own
ENGINE_VARIABLE = "FILINGS_REDLINE_ENGINE"  # "docxodus" (default) or "libreoffice"
_RUNS = count()  # one pipe name per LibreOffice this process starts
INSTALL_HINT = "pip install 'python-redlines[docxodus]' (python-redlines and python-redlines-docxodus)"


@dataclass(frozen=True)
class Pair:
    """One paper to compare: its key (path relative to the build, without .docx) and versions."""

    key: str
    old: Path
    new: Path


def engine_binary() -> str:
    """The Docxodus binary (extracted from its package into the user's cache on first use)."""
    try:
        from python_redlines.engines import DocxodusEngine, EngineNotInstalledError
    except ImportError:
        raise FilingsError(f"the redline engine is not installed; {INSTALL_HINT}") from None
    try:
        return DocxodusEngine().extracted_binaries_path
    except (EngineNotInstalledError, EnvironmentError) as e:
        raise FilingsError(f"the redline engine cannot run here ({e}); {INSTALL_HINT}") from None


def redline_docx(old: Path, new: Path, target: Path, *, when: dt.datetime, author: str = AUTHOR,
                 binary: str | None = None, limits: Limits = DEFAULT_LIMITS, name: str | None = None) -> int:
    """Compare ``old`` with ``new`` into ``target``, a DOCX with tracked changes; return the
    number of revisions the engine reported (-1 when it did not say). Both are compared as
    they are: untrusted papers are cleaned first (:func:`clean_pairs`). ``name`` is the paper
    in messages (default: the new version's path)."""
    from filings.determinism import repack_docx, w3c_date
    from filings.processes import OverMemory, TimedOut, run_bounded
    from filings.review.paramarks import fix_revisions

    binary = binary or engine_binary()
    name = name or str(new)
    with tempfile.TemporaryDirectory(prefix="filings-redline-") as work:
        made = Path(work) / "redline.docx"
        command = [binary, str(old), str(new), str(made), f"--author={author}", "--detect-moves",
                   f"--date-time={w3c_date(when)}"]
        try:
            code, output = run_bounded(command, limits.redline_seconds, env=engine_environment(limits),
                                       resident_bytes=limits.redline_memory_bytes)
        except TimedOut:
            raise FilingsError(f"comparing the two versions did not finish within {limits.redline_seconds:g} s "
                               "(the redline_seconds bound); check both versions open in Word", path=name) from None
        except OverMemory:
            raise FilingsError(over_memory(limits), path=name) from None
        if "OutOfMemoryException" in output:  # the heap bound of engine_environment
            raise FilingsError(over_memory(limits), path=name)
        if code != 0 or not made.is_file():
            last = output.strip().splitlines()[-1] if output.strip() else f"exit code {code}"
            raise FilingsError(f"the redline engine could not compare the two versions: {last}", path=name)
        fix_revisions(made, author=author, date=w3c_date(when))
        target.parent.mkdir(parents=True, exist_ok=True)
        repack_docx(made, target, when)
    return _revisions(output)


def engine_environment(limits: Limits) -> dict[str, str]:
    """The engine's environment: no telemetry, and its .NET heap held to ``HEAP_SHARE`` of the
    memory bound, so that a paper too large ends in the runtime's own OutOfMemoryException
    (the resident bound, watched from outside, catches the rest)."""
    heap = int(limits.redline_memory_bytes * HEAP_SHARE)
    return dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_GCHeapHardLimit=f"{heap:x}",
                DOTNET_TieredPGO="0")  # no profiling for a process of one comparison: a tenth less CPU


def over_memory(limits: Limits) -> str:
    """The one line for a comparison stopped at the memory bound."""
    from filings.convert.officezip import _amount

    return (f"comparing the two versions needed more than {_amount(limits.redline_memory_bytes)} of memory (the "
            "redline_memory_bytes bound) and was stopped; a paper this large may be damaged or built to exhaust "
            "memory: check both versions open in Word")


def clean_pairs(pairs: Sequence[Pair], work: Path, *, limits: Limits = DEFAULT_LIMITS,
                warn: Callable[[str], None] = lambda _: None) -> list[Pair]:
    """The pairs with both versions cleaned into ``work`` as Word exhibits are
    (:func:`filings.convert.office.sanitize_office`), with a warning for each version that lost
    something; raises FilingsError naming the paper when a version cannot be cleaned."""
    from filings.convert.office import sanitize_office
    from filings.convert.officezip import OfficeFileError

    cleaned = []
    for i, pair in enumerate(pairs):
        versions = {}
        for label, source in (("old", pair.old), ("new", pair.new)):
            versions[label] = work / f"{i:04d}-{label}.docx"
            try:
                removed = sanitize_office(source, versions[label], limits=limits)
            except OfficeFileError as e:
                raise FilingsError(f"the {label} version cannot be compared: {e.reason}", path=pair.key) from None
            if removed:
                listed = ", ".join(removed[:-1]) + " and " + removed[-1] if len(removed) > 1 else removed[0]
                warn(f"{pair.key} ({label} version): removed {listed} before comparing")
        cleaned.append(Pair(pair.key, versions["old"], versions["new"]))
    return cleaned


def _revisions(output: str) -> int:
    for line in output.splitlines():
        if "revision(s) found" in line:
            try:
                return int(line.split(":", 1)[1].split()[0])
            except (IndexError, ValueError):
                break
    return -1


def redline_all(pairs: Sequence[Pair], out_dir: Path, *, when: dt.datetime, author: str = AUTHOR,
                workers: int | None = None, warn: Callable[[str], None] = lambda _: None,
                limits: Limits = DEFAULT_LIMITS) -> dict[str, Path]:
    """Redline DOCX of every pair into ``out_dir/KEY.docx``, in parallel, both versions cleaned
    first (:func:`clean_pairs`); key → path.

    The engine is Docxodus; ``FILINGS_REDLINE_ENGINE=libreoffice``, or a Docxodus that is not
    installed or cannot run here, uses LibreOffice's compare instead, with a warning that
    formatting-only changes are then not shown."""
    if not pairs:
        return {}
    with tempfile.TemporaryDirectory(prefix="filings-redline-clean-") as work:
        cleaned = clean_pairs(pairs, Path(work), limits=limits, warn=warn)
        return _compare_all(cleaned, out_dir, when=when, author=author, workers=workers, warn=warn, limits=limits)


def _compare_all(pairs: Sequence[Pair], out_dir: Path, *, when: dt.datetime, author: str, workers: int | None,
                 warn: Callable[[str], None], limits: Limits) -> dict[str, Path]:
    """:func:`redline_all` on pairs already cleaned."""
    targets = {p.key: out_dir / f"{p.key}.docx" for p in pairs}
    if os.environ.get(ENGINE_VARIABLE, "docxodus") == "libreoffice":
        warn(f"{ENGINE_VARIABLE}=libreoffice: comparing with LibreOffice, which does not show formatting-only "
             "changes (a word made bold)")
        binary = None
    else:
        try:
            binary = engine_binary()
        except FilingsError as e:
            warn(f"{e.problems[0].message}; comparing with LibreOffice instead, which does not show "
                 "formatting-only changes")
            binary = None
    if binary is None:
        libreoffice_redlines(pairs, targets, when=when, author=author, limits=limits)
        return targets
    workers = workers or max(1, min(len(pairs), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [pool.submit(redline_docx, p.old, p.new, targets[p.key], when=when, author=author, binary=binary,
                            limits=limits, name=p.key) for p in pairs]
        try:
            for job in jobs:
                job.result()
        except BaseException:  # one paper failed, or Ctrl-C: start no other comparison
            for job in jobs:
                job.cancel()
            raise
    return targets


def redline_pdfs(docx: dict[str, Path], converter, *, causes: Mapping[str, Sequence[str]] | None = None,
                 versions: tuple[str, str] | None = None, workers: int | None = None) -> dict[str, Path]:
    """The PDF a reviewer reads of each redline DOCX, beside it; key → path.

    Not LibreOffice's print of the tracked changes: each redline DOCX becomes a display
    document (:func:`filings.review.marked.display_docx`: deletions struck in red before the
    insertions underlined in blue, whole words, change bars, the new list numbers as text,
    words whose format changed double-underlined in green), converted by the build's
    converter in one batch, behind a cover page (:func:`filings.review.cover.with_cover`)
    naming the paper, the two ``versions`` compared (labels; default "old" and "new") and
    each change with its page and the paper's ``causes`` (key → cause strings)."""
    if not docx:
        return {}
    from filings.convert.libreoffice import NotConverted
    from filings.convert.printable import without_comments
    from filings.review.cover import with_cover
    from filings.review.marked import display_docx

    keys = list(docx)
    causes = causes or {}
    versions = versions or ("the old version", "the new version")
    with tempfile.TemporaryDirectory(prefix="filings-redline-pdf-") as work:
        sources = [Path(work) / "in" / f"redline-{i:04d}.docx" for i in range(len(keys))]  # plain, unique names
        (Path(work) / "in").mkdir()

        def display(i: int):
            plain = Path(work) / f"plain-{i:04d}.docx"
            without_comments(docx[keys[i]], plain)  # comments never print, and a warm nogui LibreOffice aborts on them
            return display_docx(plain, sources[i])

        with ThreadPoolExecutor(max_workers=workers or max(1, min(len(keys), os.cpu_count() or 1))) as pool:
            changes = list(pool.map(display, range(len(keys))))
        try:
            made = converter.convert(sources, Path(work) / "out")
        except NotConverted as e:
            names = {source: key for source, key in zip(sources, keys)}
            raise FilingsError(problems=[f"{names.get(Path(s), Path(s).name)}: LibreOffice could not make the "
                                         "redline's PDF; its DOCX is in the diff folder to open in Word"
                                         for s in e.sources]) from e

        def finish(i: int) -> Path:
            key = keys[i]
            target = docx[key].with_suffix(".pdf")
            shutil.move(made[i], target)
            with_cover(target, paper=key, versions=versions, changes=changes[i], causes=list(causes.get(key, ())))
            return target

        return {key: finish(i) for i, key in enumerate(keys)}  # one at a time: PDFium is not thread-safe


def libreoffice_redlines(pairs: Sequence[Pair], targets: dict[str, Path], *, when: dt.datetime,
                         author: str = AUTHOR, limits: Limits = DEFAULT_LIMITS) -> None:
    """The fallback: LibreOffice's own compare (:mod:`filings.convert.locompare`, run under the
    Python that has ``uno``) on a locked-down profile of its own, one LibreOffice for every
    pair, within ``redline_seconds`` a pair and LibreOffice's memory bound; each revision then
    given ``author`` and ``when``, the package repacked."""
    from filings.determinism import repack_docx

    with tempfile.TemporaryDirectory(prefix="filings-locompare-out-") as work:
        jobs = [[str(Path(p.old).resolve()), str(Path(p.new).resolve()), str(Path(work) / f"{i}.docx")]
                for i, p in enumerate(pairs)]
        why = run_office_jobs(jobs, limits.redline_seconds * max(1, len(pairs)), limits=limits)
        if why is not None:
            raise FilingsError(f"LibreOffice could not compare the papers ({why}); install the redline engine: "
                               f"{INSTALL_HINT}")
        for p, (_, _, made) in zip(pairs, jobs):
            _sign(Path(made), author, when)
            targets[p.key].parent.mkdir(parents=True, exist_ok=True)
            repack_docx(Path(made), targets[p.key], when)


def run_office_jobs(jobs: list[list[str]], seconds: float, *, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Run :mod:`filings.convert.locompare`'s ``jobs`` (their last-but-one or last item the file
    each writes) on one LibreOffice of its own, on a locked-down profile, within ``seconds`` and
    LibreOffice's memory bound; None when every job wrote its file, else why not (one line)."""
    from filings.convert.instances import uno_python
    from filings.convert.libreoffice import _lock_down
    from filings.processes import TimedOut, run_bounded

    with tempfile.TemporaryDirectory(prefix="filings-locompare-") as work:
        profile = Path(work) / "profile"
        _lock_down(profile)
        (Path(work) / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
        script = Path(__file__).resolve().parent.parent / "convert" / "locompare.py"
        try:
            code, output = run_bounded([uno_python(), str(script), str(profile), f"filings-compare-{os.getpid()}-"
                                        f"{next(_RUNS)}", str(Path(work) / "jobs.json")], seconds,
                                       memory_bytes=limits.convert_memory_bytes)
        except TimedOut:
            return f"it did not finish within {seconds:g} s"
    outputs = [job[2] if job[0] == "text" else job[-1] for job in jobs]
    if code != 0 or not all(Path(out).is_file() for out in outputs):
        return output.strip().splitlines()[-1] if output.strip() else f"exit code {code}"
    return None


def tracked_texts(documents: Sequence[tuple[Path, str]], *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The text LibreOffice gives each document (list numbers included) after ``how``: ``"accept"``
    (Accept All tracked changes), ``"reject"`` (Reject All) or ``"as-is"``; one LibreOffice for all.
    What a reviewer gets from a redline, to compare with the paper itself."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="filings-tracked-") as work:
        jobs = [["text", str(Path(doc).resolve()), str(Path(work) / f"{i}.txt"), how]
                for i, (doc, how) in enumerate(documents)]
        why = run_office_jobs(jobs, limits.redline_seconds * max(1, len(jobs)), limits=limits)
        if why is not None:
            raise FilingsError(f"LibreOffice could not read the documents ({why})")
        return [Path(job[2]).read_text(encoding="utf-8-sig") for job in jobs]


def _sign(docx: Path, author: str, when: dt.datetime) -> None:
    """Every tracked change in ``docx`` by ``author`` at ``when`` (LibreOffice signs them with its
    profile's user and the wall clock)."""
    import re
    import zipfile

    from filings.determinism import w3c_date

    with zipfile.ZipFile(docx) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    xml = re.sub(r'(<w:(?:ins|del|moveFrom|moveTo|rPrChange|pPrChange)\b[^>]*?)w:author="[^"]*"',
                 lambda m: f'{m.group(1)}w:author="{author}"', xml)
    xml = re.sub(r'(<w:(?:ins|del|moveFrom|moveTo|rPrChange|pPrChange)\b[^>]*?)w:date="[^"]*"',
                 lambda m: f'{m.group(1)}w:date="{w3c_date(when)}"', xml)
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
