"""A warm LibreOffice pool: unoserver instances that outlive one build.

:class:`Pool` is a :class:`~filings.convert.libreoffice.Converter`: ``convert(sources, out_dir)``
converts a batch in parallel, one document at a time on each of its instances (default:
one per core). An instance is a headless LibreOffice behind unoserver's XML-RPC API,
run by :mod:`filings.convert.poolserver` under the Python that has LibreOffice's ``uno`` module
(``$FILINGS_UNO_PYTHON``, else ``/usr/bin/python3``). Instances are started on demand and
found again by later builds through their state files in the pool's folder
(``$FILINGS_POOL_DIR``, else ``$XDG_RUNTIME_DIR/filings/pool``, else
``~/.cache/filings/pool``), one ``slot-N`` folder per instance with its own locked-down
profile and its own Unix socket, in a folder of each install's own (one version, server
script and checkout: a build never uses nor stops a server another install started; see
:mod:`filings.convert.instances`). Each is health-checked before use, stops itself after
``idle_seconds`` without work, and is killed and replaced when it dies or a conversion
outlasts ``timeout`` (the document is retried once on the fresh instance).

Where the pool cannot run (no ``python3-uno``, or an instance does not start), the batch
goes to the one-run :class:`~filings.convert.libreoffice.LibreOffice` converter, with one warning.
``$FILINGS_CONVERTERS=host:port,...`` points the pool at unoserver instances elsewhere
instead (documents are sent as contents, never as paths). Those are outside our control: one
that answers with anything but a PDF, or not within ``timeout``, is given up for the batch
(its documents go to the others, else to the fallback, with one warning naming it), and an
interrupted build abandons its calls to them at once (:meth:`Endpoint.abort`).
"""
from __future__ import annotations

import json
import os
import queue
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from itertools import count, islice
from pathlib import Path
from typing import Callable, Sequence

from filings.convert.endpoint import HEALTH_SECONDS, DocumentFailed, Endpoint, InstanceFailed, configured_endpoints
from filings.convert.instances import (SERVER, STARTUP_SECONDS, UNO_HINT, Slot, Unavailable, _Settings,
                                       describe_owner, install_dir, pool_dir, running, start_instance, stop_all,
                                       this_install, uno_python, unoserver_folder)
from filings.convert.libreoffice import (DEFAULT_TIMEOUT, LibreOffice, NotConverted, _lock_down, _plain_names, deliver,
                      find_soffice)
from filings.errors import ConversionError
from filings.limits import DEFAULT_LIMITS

DEFAULT_IDLE = 900.0  # seconds an instance waits for work before it stops itself

Warn = Callable[[str], None]


def _stderr_warning(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


# --------------------------------------------------------------------------- the pool

@dataclass
class _Job:
    """One document of a batch: where it is (a plain-named copy), where its PDF goes, its tries."""

    index: int
    source: Path
    target: Path
    attempts: int = 0
    timeouts: int = 0
    reasons: list[str] = field(default_factory=list)


class Pool:
    """Converts batches on warm LibreOffice instances (unoserver) shared by later builds."""

    def __init__(self, size: int | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 idle_seconds: float = DEFAULT_IDLE, memory_bytes: int = DEFAULT_LIMITS.convert_memory_bytes,
                 directory: Path | None = None, endpoints: Sequence[str] | None = None,
                 python: str | None = None, soffice: str | None = None, warn: Warn = _stderr_warning,
                 fallback: LibreOffice | None = None, startup_seconds: float = STARTUP_SECONDS,
                 health_seconds: float = HEALTH_SECONDS):
        self.size = max(1, size or os.cpu_count() or 1)
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self.directory = Path(directory) if directory else None
        self.endpoints = list(endpoints) if endpoints is not None else None
        self.settings = _Settings(python or uno_python(), soffice, timeout, idle_seconds, memory_bytes,
                                  startup_seconds, health_seconds)
        self.warn = warn
        self.fallback = fallback
        self.used: dict[str, int] = {}  # endpoint → documents it converted in the last batch
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._remote: list[Endpoint] = []  # endpoints elsewhere in use, abandoned when a batch is cancelled
        self.warned = False

    @property
    def root(self) -> Path:
        """The folder of this pool's local instances: ``directory`` as given, else this install's
        folder in the pool's folder."""
        return self.directory or install_dir()

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        """Convert every source to PDF in ``out_dir``, in parallel on the pool's instances."""
        if not sources:
            return []
        out_dir.mkdir(parents=True, exist_ok=True)
        self.used = {}
        with tempfile.TemporaryDirectory(prefix="filings-pool-") as work:
            inputs = _plain_names(sources, Path(work) / "in")
            made = Path(work) / "out"
            made.mkdir()
            jobs = [_Job(i, plain, made / f"{plain.stem}.pdf") for i, plain in enumerate(inputs)]
            left, failed, why = self._run(jobs)
            if left:  # the pool could not run: the one-run converter takes what is left
                self._warn_fallback(why)
                pdfs = self._fallback().convert([sources[j.index] for j in left], made / "fallback")
                for job, pdf in zip(left, pdfs):
                    pdf.replace(job.target)
            if failed:
                self._raise(failed, sources)
            return [deliver(job.target, out_dir / (Path(sources[job.index]).stem + ".pdf")) for job in jobs]

    def _raise(self, failed: list[_Job], sources: Sequence[Path]) -> None:
        """One line: the document that timed out twice, else the documents LibreOffice could not convert."""
        hung = [j for j in failed if j.timeouts >= 2]
        if hung:
            raise ConversionError(f"LibreOffice did not convert {Path(sources[hung[0].index]).name} within "
                                  f"{self.timeout:g} s, twice, each time on a fresh instance; open it in Word or "
                                  "LibreOffice to check it, check the machine's load, or raise --timeout")
        missing = [Path(sources[j.index]) for j in failed]
        raise NotConverted(missing, f"LibreOffice produced no PDF for "
                                    f"{', '.join(p.with_suffix('.pdf').name for p in missing)}; "
                                    "open the DOCX in Word or LibreOffice to check it is not damaged")

    def stop(self) -> int:
        """Stop this pool's local instances (all of its folder's); return how many were running."""
        return stop_all(self.root)

    # ------------------------------------------------------------------ scheduling

    def _run(self, jobs: list[_Job]) -> tuple[list[_Job], list[_Job], str]:
        """Convert ``jobs`` with one worker per instance. Returns the jobs no instance could take
        (the pool is unavailable), the jobs that failed, and why the pool was unavailable."""
        todo: queue.Queue[_Job] = queue.Queue()
        for job in jobs:
            todo.put(job)
        events: queue.Queue[tuple[str, _Job | str | None]] = queue.Queue()
        workers = self._workers(len(jobs))
        self._cancelled.clear()
        self._remote = []
        threads = [threading.Thread(target=self._work, args=(worker, todo, events), daemon=True,
                                    name=f"filings-pool-{worker}") for worker in workers]
        for thread in threads:
            thread.start()
        failed, why, active = [], "", len(workers)
        try:
            while active:
                kind, item = events.get()
                if kind == "failed":
                    failed.append(item)
                elif kind == "exit":
                    active -= 1
                    why = why or str(item or "")
        except BaseException:  # Ctrl-C, SIGTERM: stop the instances converting this batch
            self._cancel(workers, threads)
            raise
        left = []
        while not todo.empty():
            left.append(todo.get_nowait())
        return sorted(left, key=lambda j: j.index), sorted(failed, key=lambda j: j.index), why

    def _cancel(self, workers: list[Slot | str], threads: list[threading.Thread]) -> None:
        """Stop a batch: no worker takes another document or starts another instance, and the
        local instances that were converting are killed (the next build starts fresh ones);
        never another install's."""
        self._cancelled.set()
        for endpoint in list(self._remote):  # a converter elsewhere may never answer: leave it now
            endpoint.abort()
        for _ in range(2):  # again after the workers have stopped: one may have been starting one
            for worker in workers:
                if isinstance(worker, Slot) and not worker.other_install():
                    worker.kill()
            for thread in threads:
                thread.join(timeout=self.settings.startup_seconds)

    def _workers(self, jobs: int) -> list[Slot | str]:
        """What each worker converts on: the configured endpoints, else local slots (no more than
        the pool's size or the batch's documents), passing over those another install's server holds."""
        remote = self.endpoints if self.endpoints is not None else configured_endpoints()
        if remote:
            return list(remote)
        free = (slot for slot in (Slot(self.root, n) for n in count()) if not slot.other_install())
        return list(islice(free, min(jobs, self.size)))

    def _work(self, where: Slot | str, todo: queue.Queue, events: queue.Queue) -> None:
        """One worker: take jobs until none is left; replace its instance when it fails. Its last
        event is ("exit", why it gave up or None)."""
        why = None
        try:
            endpoint = self._connect(where)
            while not self._cancelled.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    break
                endpoint = self._attempt(where, endpoint, job, todo, events)
        except Unavailable as e:
            why = str(e)
        except Exception as e:  # a bug: the build still gets its PDFs from the fallback
            why = f"{type(e).__name__}: {e}"
        finally:
            events.put(("exit", why))

    def _attempt(self, where: Slot | str, endpoint: Endpoint, job: _Job, todo: queue.Queue,
                 events: queue.Queue) -> Endpoint:
        """Convert ``job`` on ``endpoint``; on an instance failure, requeue it (once) and return
        a fresh instance. Raises Unavailable when none can be had."""
        job.attempts += 1
        try:
            endpoint.convert(job.source, job.target, self.timeout)
        except DocumentFailed as e:
            job.reasons.append(str(e))
            events.put(("failed", job))
        except InstanceFailed as e:
            job.reasons.append(str(e))
            job.timeouts += e.timed_out
            if isinstance(where, str):  # a converter elsewhere is not trusted twice: the others, or the fallback
                todo.put(job)
                raise Unavailable(f"the converter at {where} {e}") from None
            if job.attempts < 2:
                todo.put(job)
            else:
                events.put(("failed", job))
            return self._replace(where, endpoint)
        else:
            with self._lock:
                self.used[endpoint.address] = self.used.get(endpoint.address, 0) + 1
            events.put(("done", job))
        return endpoint

    def _connect(self, where: Slot | str) -> Endpoint:
        """A healthy endpoint: the slot's instance (started when needed), or the configured one."""
        if isinstance(where, str):
            endpoint = Endpoint(where)
            with self._lock:
                self._remote.append(endpoint)
            if self._cancelled.is_set():
                endpoint.abort()
            if not endpoint.healthy(self.settings.health_seconds):
                raise Unavailable(f"the converter at {where} does not answer")
            return endpoint
        return start_instance(where, self.settings)

    def _replace(self, where: Slot | str, failed: Endpoint) -> Endpoint:
        """After a failure: kill the local instance and start a fresh one; a configured endpoint
        is used again only if it answers."""
        if self._cancelled.is_set():
            raise Unavailable("the build was interrupted")
        if isinstance(where, str):
            return self._connect(where)
        with where.starting(self.settings.startup_seconds + 30):
            state = where.state()
            if state and state.get("address") == failed.address:
                where.kill()
        return start_instance(where, self.settings, fresh_profile=True)

    def _fallback(self) -> LibreOffice:
        return self.fallback or LibreOffice(binary=self.settings.soffice, timeout=self.timeout,
                                            memory_bytes=self.memory_bytes)

    def _warn_fallback(self, why: str) -> None:
        if not self.warned:
            self.warned = True
            self.warn(f"the warm LibreOffice pool is not available ({why}); converting with one LibreOffice "
                      "run per build instead")


def main(argv: list[str] | None = None) -> int:
    """``python -m filings.convert.pool serve|stop|status``: a shared server, or the local pool."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m filings.convert.pool", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run one locked-down instance in the foreground, for other machines")
    serve.add_argument("--listen", default="127.0.0.1:2003", help="HOST:PORT (default 127.0.0.1:2003)")
    serve.add_argument("--dir", type=Path, help="its folder (profile, log); default: the pool's folder")
    serve.add_argument("--idle", type=float, default=0, help="stop after this many idle seconds (0: never)")
    commands.add_parser("stop", help="stop this user's local instances")
    commands.add_parser("status", help="list this user's local instances, with the version and checkout of each")
    args = parser.parse_args(argv)
    if args.command == "stop":
        print(f"stopped {stop_all()} instance(s)")
        return 0
    if args.command == "status":
        for state in running():
            mine = "  (this install)" if state.get("owner") == this_install() else ""
            print(f"pid {state['pid']}  LibreOffice {state.get('office_pid')}  {state['address']}  "
                  f"{describe_owner(state)}{mine}")
        return 0
    folder = (args.dir or pool_dir()) / f"serve-{args.listen.replace(':', '-').strip('[]')}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _lock_down(folder / "profile")
    (folder / "tmp").mkdir(exist_ok=True)
    command = [uno_python(), "-I", str(SERVER), "--foreground", "--soffice", find_soffice(),
               "--profile", str(folder / "profile"), "--tmp", str(folder / "tmp"), "--state",
               str(folder / "state.json"), "--log", str(folder / "server.log"), "--listen", args.listen,
               "--idle", f"{args.idle:g}", "--memory", str(DEFAULT_LIMITS.convert_memory_bytes),
               "--owner", json.dumps(this_install())]
    if unoserver_folder():
        command += ["--unoserver", unoserver_folder()]
    try:
        os.execv(command[0], command)  # the server itself, so that signals reach it
    except OSError as e:
        print(f"cannot run {command[0]}: {e.strerror}; {UNO_HINT}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
