"""A warm LibreOffice pool: unoserver instances that outlive one build.

:class:`Pool` is a :class:`~filings.convert.libreoffice.Converter`: ``convert(sources, out_dir)``
converts a batch in parallel, one document at a time on each of its instances (default:
one per core). An instance is a headless LibreOffice behind unoserver's XML-RPC API,
run by :mod:`filings.convert.poolserver` under the Python that has LibreOffice's ``uno`` module
(``$FILINGS_UNO_PYTHON``, else ``/usr/bin/python3``). Instances are started on demand and
found again by later builds through their state files in the pool's folder
(``$FILINGS_POOL_DIR``, else ``$XDG_RUNTIME_DIR/filings/pool``, else
``~/.cache/filings/pool``), one ``slot-N`` folder per instance with its own locked-down
profile and its own Unix socket. Each is health-checked before use, stops itself after
``idle_seconds`` without work, and is killed and replaced when it dies or a conversion
outlasts ``timeout`` (the document is retried once on the fresh instance).

Where the pool cannot run (no ``python3-uno``, or an instance does not start), the batch
goes to the one-run :class:`~filings.convert.libreoffice.LibreOffice` converter, with one warning.
``$FILINGS_CONVERTERS=host:port,...`` points the pool at unoserver instances elsewhere
instead (documents are sent as contents, never as paths).
"""
from __future__ import annotations

import contextlib
import fcntl
import http.client
import importlib.util
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from filings.convert.libreoffice import (DEFAULT_TIMEOUT, LibreOffice, NotConverted, _lock_down, _plain_names, deliver,
                      find_soffice)
from filings.errors import ConversionError
from filings.limits import DEFAULT_LIMITS
from filings.processes import kill_group

DEFAULT_IDLE = 900.0  # seconds an instance waits for work before it stops itself
STARTUP_SECONDS = 60.0  # for an instance to start answering
HEALTH_SECONDS = 10.0  # for an instance to answer a health check
PDF_OPTIONS = ["EmbedStandardFonts=true", "UseTaggedPDF=true"]  # as convert.PDF_FILTER
SERVER = Path(__file__).with_name("poolserver.py")
UNO_HINT = "install python3-uno (make setup does)"

Warn = Callable[[str], None]


def _stderr_warning(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def pool_dir() -> Path:
    """The pool's folder: ``$FILINGS_POOL_DIR``, else ``$XDG_RUNTIME_DIR/filings/pool``, else
    ``~/.cache/filings/pool``."""
    configured = os.environ.get("FILINGS_POOL_DIR")
    if configured:
        return Path(configured)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "filings" / "pool"
    return Path.home() / ".cache" / "filings" / "pool"


def uno_python() -> str:
    """The Python to run instances with: ``$FILINGS_UNO_PYTHON``, else ``/usr/bin/python3``,
    else ``python3`` on PATH."""
    configured = os.environ.get("FILINGS_UNO_PYTHON")
    if configured:
        return configured
    if os.access("/usr/bin/python3", os.X_OK):
        return "/usr/bin/python3"
    return shutil.which("python3") or "python3"


def unoserver_folder() -> str | None:
    """unoserver's package folder in this environment, which an instance loads alone (the
    rest of this environment may not suit the other Python); None when it is not installed."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(list(spec.submodule_search_locations)[0])


def configured_endpoints() -> list[str]:
    """``$FILINGS_CONVERTERS``: unoserver instances elsewhere, as ``host:port`` or URLs."""
    value = os.environ.get("FILINGS_CONVERTERS", "")
    return [e.strip() for e in value.split(",") if e.strip()]


class Unavailable(Exception):
    """The pool cannot run here (or an instance would not start): why, in a few words."""


class InstanceFailed(Exception):
    """An instance died, stopped answering or did not finish in time: replace it and retry."""

    def __init__(self, message: str, timed_out: bool = False):
        self.timed_out = timed_out
        super().__init__(message)


class DocumentFailed(Exception):
    """A healthy LibreOffice could not convert the document (damaged or unsupported)."""


# --------------------------------------------------------------------------- talking to an instance

class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over a Unix socket (``path``) or TCP, with a timeout, one connection per call."""

    def __init__(self, timeout: float, path: str | None = None, https: bool = False):
        super().__init__()
        self.timeout, self.path, self.https = timeout, path, https

    def make_connection(self, host):
        if self.path:
            connection = _UnixConnection(self.path, self.timeout)
        else:
            name, _, _ = self.get_host_info(host)
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            connection = cls(name, timeout=self.timeout)
        self._connection = (host, connection)  # so that close() closes it, after a failed call too
        return connection


@dataclass
class Endpoint:
    """Where one unoserver answers: a local instance's Unix socket (documents passed as paths),
    or ``host:port`` elsewhere (documents sent as contents)."""

    address: str
    slot: "Slot | None" = None

    @property
    def local(self) -> bool:
        return self.address.startswith("/")

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        if self.local:
            return xmlrpc.client.ServerProxy("http://localhost/", transport=_Transport(timeout, self.address),
                                             allow_none=True)
        url = self.address if "://" in self.address else f"http://{self.address}"
        return xmlrpc.client.ServerProxy(url, transport=_Transport(timeout, https=url.startswith("https:")),
                                         allow_none=True)

    def healthy(self, timeout: float = HEALTH_SECONDS) -> bool:
        """True when the instance answers, and its LibreOffice too, within ``timeout``."""
        try:
            with self._proxy(timeout) as proxy:
                if self.slot is not None:
                    return proxy.filings_status().get("protocol") == 1
                return str(proxy.info().get("api")) == "3"
        except (OSError, http.client.HTTPException, xmlrpc.client.Error, AttributeError):
            return False

    def convert(self, source: Path, target: Path, timeout: float) -> None:
        """Convert ``source`` to the PDF ``target``; raise InstanceFailed or DocumentFailed."""
        try:
            with self._proxy(timeout) as proxy:
                if self.local:
                    proxy.convert(str(source), None, str(target), "pdf", None, PDF_OPTIONS, False)
                else:
                    data = xmlrpc.client.Binary(source.read_bytes())
                    result = proxy.convert(None, data, None, "pdf", None, PDF_OPTIONS, False)
                    target.write_bytes(result.data)
        except (socket.timeout, TimeoutError):
            raise InstanceFailed(f"did not finish within {timeout:g} s", timed_out=True) from None
        except xmlrpc.client.Fault as e:
            if not self.healthy():
                raise InstanceFailed("LibreOffice failed while converting") from None
            raise DocumentFailed(e.faultString.strip().splitlines()[-1] if e.faultString.strip() else "") from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as e:
            raise InstanceFailed(f"stopped answering ({type(e).__name__})") from None
        if not target.is_file() or target.stat().st_size == 0:
            raise DocumentFailed("no PDF was written")


# --------------------------------------------------------------------------- local instances

class Slot:
    """The place of one local instance: ``slot-N/`` with its state file, profile, socket and log."""

    def __init__(self, root: Path, number: int):
        self.root = root
        self.number = number
        self.folder = root / f"slot-{number}"
        self.state_file = self.folder / "state.json"
        self.profile = self.folder / "profile"
        self.log = self.folder / "server.log"

    def state(self) -> dict | None:
        """The running instance's state, or None when there is none (no file, or its process is gone)."""
        try:
            state = json.loads(self.state_file.read_text())
            pid = int(state["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return state if _is_server(pid) else None

    def endpoint(self) -> Endpoint | None:
        state = self.state()
        return Endpoint(state["address"], self) if state else None

    @contextlib.contextmanager
    def starting(self, wait: float) -> Iterator[None]:
        """Hold the slot's start lock: one process starts (or replaces) its instance at a time."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.folder / "start.lock", "w") as lock:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Unavailable(f"another build has been starting {self.folder} for {wait:g} s") from None
                    time.sleep(0.05)
            yield

    def kill(self) -> None:
        """Kill the instance (its server, LibreOffice and all they started) and forget it."""
        state = self.state()
        if state:
            _kill_group(int(state["pid"]))
            if state.get("office_pid"):  # in the server's group, so killed with it: wait until it is gone
                _wait_gone(int(state["office_pid"]))
        for leftover in (self.state_file, _socket_path(self)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()

    def stop(self, wait: float = 10.0) -> None:
        """Ask the instance to stop (SIGTERM: LibreOffice quits); kill it when it has not within ``wait``."""
        state = self.state()
        if not state:
            return
        pid = int(state["pid"])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while _is_server(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _is_server(pid):
            self.kill()


def _is_server(pid: int) -> bool:
    """True when ``pid`` is a live pool server (not another process that got its number)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = status.rsplit(")", 1)[-1].split()[0]
    return state != "Z" and SERVER.name.encode() in cmdline


def _wait_gone(pid: int, seconds: float = 10.0) -> None:
    """Wait until process ``pid`` has exited (a zombie has), for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.02)


def _kill_group(pid: int) -> None:
    """SIGKILL the process group of the server ``pid`` (it leads its own session) and wait for it."""
    kill_group(pid)
    deadline = time.monotonic() + 10
    while _is_server(pid) and time.monotonic() < deadline:
        time.sleep(0.02)


def _socket_path(slot: Slot) -> Path:
    """The slot's Unix socket; a short name in the temporary folder when the slot's path is
    over the 107 bytes a socket's path may have."""
    path = slot.folder / "rpc.sock"
    if len(os.fsencode(path)) < 100:
        return path
    import hashlib
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"filings-{os.getuid()}-{digest}.sock"


@dataclass
class _Settings:
    python: str
    soffice: str | None
    timeout: float
    idle_seconds: float
    memory_bytes: int
    startup_seconds: float
    health_seconds: float


def start_instance(slot: Slot, settings: _Settings, fresh_profile: bool = False) -> Endpoint:
    """The slot's instance, healthy: the running one, else a new one (Unavailable when it does not start)."""
    with slot.starting(settings.startup_seconds + 30):
        endpoint = slot.endpoint()
        if endpoint is not None:
            if endpoint.healthy(settings.health_seconds):
                return endpoint
            slot.kill()
            fresh_profile = True
        if fresh_profile:  # a killed LibreOffice may have left its profile half written
            shutil.rmtree(slot.profile, ignore_errors=True)
        return _launch(slot, settings)


def _launch(slot: Slot, settings: _Settings) -> Endpoint:
    """Start the server in ``slot`` and wait until it answers."""
    soffice = settings.soffice or find_soffice()
    _lock_down(slot.profile)
    tmp = slot.folder / "tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sock = _socket_path(slot)
    command = [settings.python, "-I", str(SERVER), "--soffice", soffice, "--profile", str(slot.profile),
               "--tmp", str(tmp), "--state", str(slot.state_file), "--log", str(slot.log), "--socket", str(sock),
               "--idle", f"{settings.idle_seconds:g}", "--conversion-timeout", f"{settings.timeout + 30:g}",
               "--startup-timeout", f"{settings.startup_seconds:g}", "--memory", str(settings.memory_bytes)]
    folder = unoserver_folder()
    if folder:
        command += ["--unoserver", folder]
    try:
        launched = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=60, cwd=slot.folder)
    except FileNotFoundError:
        raise Unavailable(f"no Python at {settings.python} to run LibreOffice's uno module; {UNO_HINT}") from None
    except OSError as e:
        raise Unavailable(f"cannot run {settings.python}: {e.strerror}") from None
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{settings.python} did not start the pool's server") from None
    if launched.returncode != 0:
        reason = (launched.stderr.strip().splitlines() or [f"exit code {launched.returncode}"])[-1]
        hint = {3: UNO_HINT, 4: "install unoserver into this environment (pip install unoserver)"}
        raise Unavailable(f"{reason}; {hint[launched.returncode]}" if launched.returncode in hint else reason)
    pid = int(launched.stdout.split()[0])
    deadline = time.monotonic() + settings.startup_seconds + 10
    while time.monotonic() < deadline:
        state = slot.state()
        if state and int(state["pid"]) == pid:
            return Endpoint(state["address"], slot)
        if not _is_server(pid):
            raise Unavailable(f"LibreOffice did not start ({_last_line(slot.log)})")
        time.sleep(0.02)
    _kill_group(pid)
    raise Unavailable(f"LibreOffice did not start within {settings.startup_seconds:g} s")


def _last_line(log: Path) -> str:
    """The server's last word on why it stopped."""
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if "] " in line]
    except OSError:
        return "no log"
    return lines[-1].split("] ", 1)[1] if lines else "no log"


def running(directory: Path | None = None) -> list[dict]:
    """The states of the instances running in the pool's folder."""
    root = directory or pool_dir()
    slots = sorted(root.glob("slot-*"), key=lambda p: int(p.name.split("-")[1]) if p.name[5:].isdigit() else 0)
    return [s for s in (Slot(root, int(p.name[5:])).state() for p in slots if p.name[5:].isdigit()) if s]


def stop_all(directory: Path | None = None) -> int:
    """Stop every instance in the pool's folder; return how many were running."""
    root = directory or pool_dir()
    slots = [Slot(root, int(p.name[5:])) for p in root.glob("slot-*") if p.name[5:].isdigit()]
    alive = [s for s in slots if s.state()]
    for slot in alive:
        slot.stop()
    return len(alive)


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
        self.warned = False

    @property
    def root(self) -> Path:
        """The folder of this pool's local instances."""
        return self.directory or pool_dir()

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
        local instances that were converting are killed (the next build starts fresh ones)."""
        self._cancelled.set()
        for _ in range(2):  # again after the workers have stopped: one may have been starting one
            for worker in workers:
                if isinstance(worker, Slot):
                    worker.kill()
            for thread in threads:
                thread.join(timeout=self.settings.startup_seconds)

    def _workers(self, jobs: int) -> list[Slot | str]:
        """What each worker converts on: the configured endpoints, else local slots (no more than
        the pool's size or the batch's documents)."""
        remote = self.endpoints if self.endpoints is not None else configured_endpoints()
        if remote:
            return list(remote)
        return [Slot(self.root, n) for n in range(min(jobs, self.size))]

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
    commands.add_parser("status", help="list this user's local instances")
    args = parser.parse_args(argv)
    if args.command == "stop":
        print(f"stopped {stop_all()} instance(s)")
        return 0
    if args.command == "status":
        for state in running():
            print(f"pid {state['pid']}  LibreOffice {state.get('office_pid')}  {state['address']}")
        return 0
    folder = (args.dir or pool_dir()) / f"serve-{args.listen.replace(':', '-').strip('[]')}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _lock_down(folder / "profile")
    (folder / "tmp").mkdir(exist_ok=True)
    command = [uno_python(), "-I", str(SERVER), "--foreground", "--soffice", find_soffice(),
               "--profile", str(folder / "profile"), "--tmp", str(folder / "tmp"), "--state",
               str(folder / "state.json"), "--log", str(folder / "server.log"), "--listen", args.listen,
               "--idle", f"{args.idle:g}", "--memory", str(DEFAULT_LIMITS.convert_memory_bytes)]
    if unoserver_folder():
        command += ["--unoserver", unoserver_folder()]
    try:
        os.execv(command[0], command)  # the server itself, so that signals reach it
    except OSError as e:
        print(f"cannot run {command[0]}: {e.strerror}; {UNO_HINT}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
