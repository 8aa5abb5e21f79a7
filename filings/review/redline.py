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
from pathlib import Path
from typing import Callable, Sequence

from filings.errors import FilingsError

AUTHOR = "filings"
TIMEOUT = 120.0
ENGINE_VARIABLE = "FILINGS_REDLINE_ENGINE"  # "docxodus" (default) or "libreoffice"
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
                 binary: str | None = None, timeout: float = TIMEOUT) -> int:
    """Compare ``old`` with ``new`` into ``target``, a DOCX with tracked changes; return the
    number of revisions the engine reported (-1 when it did not say)."""
    from filings.determinism import repack_docx, w3c_date
    from filings.processes import TimedOut, run_bounded

    binary = binary or engine_binary()
    with tempfile.TemporaryDirectory(prefix="filings-redline-") as work:
        made = Path(work) / "redline.docx"
        command = [binary, str(old), str(new), str(made), f"--author={author}", "--detect-moves",
                   f"--date-time={w3c_date(when)}"]
        env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1")
        try:
            code, output = run_bounded(command, timeout, env=env)
        except TimedOut:
            raise FilingsError(f"comparing the two versions did not finish within {timeout:g} s",
                               path=str(new)) from None
        if code != 0 or not made.is_file():
            last = output.strip().splitlines()[-1] if output.strip() else f"exit code {code}"
            raise FilingsError(f"the redline engine could not compare the two versions: {last}", path=str(new))
        target.parent.mkdir(parents=True, exist_ok=True)
        repack_docx(made, target, when)
    return _revisions(output)


def _revisions(output: str) -> int:
    for line in output.splitlines():
        if "revision(s) found" in line:
            try:
                return int(line.split(":", 1)[1].split()[0])
            except (IndexError, ValueError):
                break
    return -1


def redline_all(pairs: Sequence[Pair], out_dir: Path, *, when: dt.datetime, author: str = AUTHOR,
                workers: int | None = None, warn: Callable[[str], None] = lambda _: None) -> dict[str, Path]:
    """Redline DOCX of every pair into ``out_dir/KEY.docx``, in parallel; key → path.

    The engine is Docxodus; ``FILINGS_REDLINE_ENGINE=libreoffice``, or a Docxodus that is not
    installed or cannot run here, uses LibreOffice's compare instead, with a warning that
    formatting-only changes are then not shown."""
    if not pairs:
        return {}
    targets = {p.key: out_dir / f"{p.key}.docx" for p in pairs}
    if os.environ.get(ENGINE_VARIABLE, "docxodus") == "libreoffice":
        binary = None
    else:
        try:
            binary = engine_binary()
        except FilingsError as e:
            warn(f"{e.problems[0].message}; comparing with LibreOffice instead, which does not show "
                 "formatting-only changes")
            binary = None
    if binary is None:
        libreoffice_redlines(pairs, targets, when=when, author=author)
        return targets
    workers = workers or max(1, min(len(pairs), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [pool.submit(redline_docx, p.old, p.new, targets[p.key], when=when, author=author, binary=binary)
                for p in pairs]
        for job in jobs:
            job.result()
    return targets


def redline_pdfs(docx: dict[str, Path], converter) -> dict[str, Path]:
    """The PDF of each redline DOCX, beside it, by the build's converter in one batch (the
    tracked changes printed as LibreOffice shows them); key → path."""
    if not docx:
        return {}
    keys = list(docx)
    with tempfile.TemporaryDirectory(prefix="filings-redline-pdf-") as work:
        sources = []
        for i, key in enumerate(keys):  # plain, unique names: subset folders may repeat a paper's name
            source = Path(work) / "in" / f"redline-{i:04d}.docx"
            source.parent.mkdir(exist_ok=True)
            shutil.copyfile(docx[key], source)
            sources.append(source)
        made = converter.convert(sources, Path(work) / "out")
        result = {}
        for key, pdf in zip(keys, made):
            target = docx[key].with_suffix(".pdf")
            shutil.move(pdf, target)
            result[key] = target
    return result


def libreoffice_redlines(pairs: Sequence[Pair], targets: dict[str, Path], *, when: dt.datetime,
                         author: str = AUTHOR, timeout: float = TIMEOUT) -> None:
    """The fallback: LibreOffice's own compare (:mod:`filings.convert.locompare`, run under the
    Python that has ``uno``) on a locked-down profile of its own, one LibreOffice for every
    pair; each revision then given ``author`` and ``when``, the package repacked."""
    from filings.convert.libreoffice import _lock_down
    from filings.determinism import repack_docx
    from filings.convert.instances import uno_python
    from filings.processes import TimedOut, run_bounded

    with tempfile.TemporaryDirectory(prefix="filings-locompare-") as work:
        profile = Path(work) / "profile"
        _lock_down(profile)
        jobs = [[str(Path(p.old).resolve()), str(Path(p.new).resolve()), str(Path(work) / f"{i}.docx")]
                for i, p in enumerate(pairs)]
        (Path(work) / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
        script = Path(__file__).resolve().parent.parent / "convert" / "locompare.py"
        try:
            code, output = run_bounded([uno_python(), str(script), str(profile), f"filings-compare-{os.getpid()}",
                                        str(Path(work) / "jobs.json")], timeout * max(1, len(pairs)))
        except TimedOut:
            raise FilingsError(f"LibreOffice's compare did not finish within {timeout:g} s a paper") from None
        if code != 0 or not all(Path(out).is_file() for _, _, out in jobs):
            last = output.strip().splitlines()[-1] if output.strip() else f"exit code {code}"
            raise FilingsError(f"LibreOffice could not compare the papers ({last}); install the redline engine: "
                               f"{INSTALL_HINT}")
        for p, (_, _, made) in zip(pairs, jobs):
            _sign(Path(made), author, when)
            targets[p.key].parent.mkdir(parents=True, exist_ok=True)
            repack_docx(Path(made), targets[p.key], when)


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
