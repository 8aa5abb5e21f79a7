"""Many matters in one command: ``filings build A B C`` and ``filings build campaign/``.

A matter is a folder holding a ``facts.yaml``; a campaign is a folder of matters (one level
down or deeper: :func:`find_matters`). :func:`build_many` builds every matter with
:func:`filings.pipeline.builder.build`, each into its own ``build/`` with its own history,
in worker processes (default: one per core), each worker converting on the warm
LibreOffice pool that every worker shares (:class:`filings.convert.pool.Pool`: the slots
are found again through their state files, one conversion at a time on each instance), or
on the converters ``FILINGS_CONVERTERS`` names. A matter that fails is one
:class:`MatterResult` with its first problem; the others still build and publish.

Worker processes rather than threads: a build's own work (rendering, PDF assembly, the
leak scan) is Python holding the interpreter's lock, so threads of one process keep one
core busy while the other waits on LibreOffice; ``tools/bench_campaign.py`` measures both.
"""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from filings.errors import FilingsError, display_path

FACTS_NAME = "facts.yaml"
MAX_MATTERS = 5_000   # matters one command builds
MAX_DEPTH = 4         # folders below a campaign folder searched for matters
# the folders of a matter and of a build, never themselves matters
NOT_MATTERS = {"build", "exhibits", "templates", "edits", "node_modules", "__pycache__"}


@dataclass
class MatterResult:
    """One matter's build: its line in the report."""

    folder: Path
    ok: bool
    papers: int = 0
    made: int = 0           # papers made again (the others were kept from the last build)
    pages: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return display_path(self.folder).rstrip("/") + "/"

    def line(self, width: int = 0) -> str:
        """``ok    acme/  5 papers, 12 pages, 3.1 s`` or ``FAIL  zenith/  facts.yaml:14: ...``."""
        name = self.label.ljust(width)
        if not self.ok:
            more = len(self.problems) - 1
            tail = f" (and {more} more: filings check {self.label})" if more > 0 else ""
            return f"FAIL  {name}  {self.problems[0] if self.problems else 'failed'}{tail}"
        papers = f"{self.papers} paper{'s' if self.papers != 1 else ''}"
        if self.unchanged:
            papers = f"nothing changed, {papers}"
        elif self.made != self.papers:
            papers += f" ({self.made} made again)"
        warned = f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        return f"ok    {name}  {papers}, {self.pages} pages{warned}, {self.seconds:.1f} s"


@dataclass(frozen=True)
class Options:
    """What every matter's build is given (the command's options)."""

    only: str | None = None
    strict: bool = False
    templates_dir: Path | None = None
    force: bool = False
    draft: bool = False
    timeout: float = 300.0


def is_matter(folder: Path) -> bool:
    return (folder / FACTS_NAME).is_file()


def find_matters(paths: Iterable[Path]) -> list[Path]:
    """The matters named: each path a matter's folder, or a campaign folder whose matters are
    found below it (hidden folders, a matter's own folders and symbolic links are not entered;
    a matter's folder is not searched for more). In the order given, a campaign's sorted by
    name; each once. A path that is neither is an error naming it."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if is_matter(path):
            found.append(path)
        elif path.is_dir():
            below = _below(path, MAX_DEPTH)
            if not below:
                raise FilingsError(f"no matter in this folder (a matter is a folder with a {FACTS_NAME}, at most "
                                   f"{MAX_DEPTH} folders down); name matter folders or a campaign folder",
                                   path=display_path(path))
            found += below
        else:
            raise FilingsError("no such matter or campaign folder", path=display_path(path))
        if len(found) > MAX_MATTERS:
            raise FilingsError(f"more than {MAX_MATTERS} matters in one command; build the campaign in parts",
                               path=display_path(path))
    seen, unique = set(), []
    for matter in found:
        key = matter.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(matter)
    return unique


def _below(folder: Path, depth: int) -> list[Path]:
    if depth <= 0:
        return []
    try:
        children = sorted(child for child in folder.iterdir()
                          if not child.name.startswith(".") and child.name not in NOT_MATTERS
                          and not child.is_symlink() and child.is_dir())
    except OSError:
        return []
    found = []
    for child in children:
        found += [child] if is_matter(child) else _below(child, depth - 1)
        if len(found) > MAX_MATTERS:
            break
    return found


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def workers_for(matters: int, jobs: int | None = None) -> int:
    """The worker processes for ``matters`` matters: ``jobs`` (default one per core), never more
    than the matters."""
    return max(1, min(jobs or default_jobs(), matters or 1))


# --------------------------------------------------------------------------- building

Report = Callable[[MatterResult], None]


def build_many(matters: list[Path], options: Options, *, jobs: int | None = None,
               report: Report = lambda _: None) -> list[MatterResult]:
    """Build every matter (in worker processes when ``jobs`` > 1), calling ``report`` with each
    result as it is known; return the results in the matters' order. A matter's failure is its
    result; Ctrl-C or SIGTERM stops every worker's build (nothing half-made is published) and
    is raised."""
    jobs = workers_for(len(matters), jobs)
    if jobs == 1:
        results = []
        for matter in matters:
            try:
                results.append(build_one(matter, options))
            except Exception as e:  # a bug in one build: the others still build
                results.append(_crashed(matter, e))
            report(results[-1])
        return results
    import multiprocessing

    by_future: dict[Future, Path] = {}
    results: dict[Path, MatterResult] = {}
    # forkserver: the workers start from a clean process (no threads, no open converter inherited)
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_worker_start,
                                   initargs=(options.timeout, signal.getsignal(signal.SIGINT) is signal.SIG_IGN))
    try:
        pending = set()
        for matter in matters:
            future = executor.submit(build_one, matter, options)
            by_future[future] = matter
            pending.add(future)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                matter = by_future[future]
                try:
                    result = future.result()
                except Exception as e:  # a bug, or the worker died (killed, out of memory): that matter failed
                    result = _crashed(matter, e)
                results[matter] = result
                report(result)
    except BaseException:
        _stop_workers(executor)
        raise
    executor.shutdown(wait=True)
    return [results[m] for m in matters]


def _crashed(matter: Path, error: Exception) -> MatterResult:
    """The result of a build that ended on something other than a FilingsError."""
    from concurrent.futures.process import BrokenProcessPool

    why = ("its process ended (killed, or out of memory)" if isinstance(error, BrokenProcessPool) else
           f"it stopped on an unexpected error ({type(error).__name__})")  # its words may quote facts
    return MatterResult(matter, False, problems=[f"{display_path(matter / FACTS_NAME)}: the build failed: {why}; "
                                                 f"build it alone with --debug: filings build {display_path(matter)} "
                                                 "--debug"])


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Ctrl-C or SIGTERM: no further matter starts; each worker's build is interrupted (SIGINT, as
    Ctrl-C would: it stops its conversions and publishes nothing), and the workers are waited for."""
    processes = dict(getattr(executor, "_processes", None) or {})
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        if process.is_alive():
            try:
                os.kill(process.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 60
    for process in processes.values():
        process.join(timeout=max(0.1, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()


_CONVERTER = None       # each worker's converter, made on first use
_WARNINGS: list[str] = []  # the warnings of the matter the worker is building
_BUILDING = False       # a worker is in a build (a signal interrupts it) or waiting for one (it ends)


def _worker_start(timeout: float, ignore_sigint: bool = False) -> None:
    """A worker: Ctrl-C and SIGTERM interrupt its build like the one-matter command's (Ctrl-C is
    ignored, as by the command, when the command was started ignoring it); the converter is the
    shared warm pool (or one LibreOffice run per build with ``FILINGS_CONVERTER=soffice``)."""
    global _CONVERTER
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_sigint else _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    _CONVERTER = _make_converter(timeout)


def _interrupt(signum, frame) -> None:
    """In a build: unwind it as Ctrl-C does (its conversions stopped, nothing published). Waiting
    for a matter: end at once, quietly."""
    if _BUILDING:
        raise KeyboardInterrupt()
    os._exit(128 + signum)


def _make_converter(timeout: float):
    if os.environ.get("FILINGS_CONVERTER", "pool") == "soffice":
        from filings.convert.libreoffice import LibreOffice
        return LibreOffice(timeout=timeout)
    from filings.convert.pool import Pool
    return Pool(timeout=timeout, warn=_WARNINGS.append)


def build_one(matter: Path, options: Options) -> MatterResult:
    """Build one matter into its ``build/``: its result, a failure included."""
    global _BUILDING, _CONVERTER
    from filings.pipeline.builder import build

    if _CONVERTER is None:
        _CONVERTER = _make_converter(options.timeout)
    _WARNINGS.clear()
    started = time.perf_counter()
    _BUILDING = True
    try:
        result = build(matter / FACTS_NAME, matter / "build", only=options.only, strict=options.strict,
                       templates_dir=options.templates_dir, force=options.force, draft=options.draft,
                       converter=_CONVERTER, warn=_WARNINGS.append)
    except FilingsError as e:
        problems = [str(p) for p in e.problems] or [str(e)]
        return MatterResult(matter, False, problems=problems, warnings=list(_WARNINGS),
                            seconds=time.perf_counter() - started)
    finally:
        _BUILDING = False
    return MatterResult(matter, True, papers=len(result.papers),
                        made=sum(1 for b in result.papers if not b.carried), pages=result.pages,
                        seconds=result.seconds, unchanged=result.unchanged, warnings=list(_WARNINGS))


def summary(results: list[MatterResult], seconds: float, jobs: int) -> str:
    """One line for the whole run: how many built, papers, pages, time; the failed ones named."""
    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    papers, pages = sum(r.papers for r in ok), sum(r.pages for r in ok)
    workers = f"{jobs} worker{'s' if jobs != 1 else ''}"
    if not failed:
        return (f"built {len(ok)} matter{'s' if len(ok) != 1 else ''}: {papers} papers, {pages} pages, "
                f"in {seconds:.1f} s on {workers}")
    names = ", ".join(r.label for r in failed)
    return (f"built {len(ok)} of {len(results)} matters ({papers} papers, {pages} pages) in {seconds:.1f} s on "
            f"{workers}; {len(failed)} failed: {names}")
