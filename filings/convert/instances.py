"""The pool's local instances: their folder, their slots and state files; starting, finding
and stopping them.

Each install (one version of filings, one pool server script, one checkout or environment)
has its own folder in the pool's folder (:func:`install_dir`), one ``slot-N`` folder per
instance with its state file, profile, socket and log. A server's state file names the
install that started it (:func:`this_install`), and a build uses only its own install's
servers: one found in its slot from another install is neither used nor stopped.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import filings
from filings.convert.endpoint import Endpoint
from filings.convert.libreoffice import _lock_down, find_soffice
from filings.processes import kill_group

STARTUP_SECONDS = 60.0  # for an instance to start answering
SERVER = Path(__file__).with_name("poolserver.py")
UNO_HINT = "install python3-uno (make setup does)"


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


class Unavailable(Exception):
    """The pool cannot run here (or an instance would not start): why, in a few words."""


# --------------------------------------------------------------------------- one pool per install

@functools.lru_cache(maxsize=None)
def this_install() -> dict:
    """Who this process's servers belong to: filings' version, a hash of the server script's
    bytes, and the folder filings is imported from (a checkout, or an environment's
    site-packages). Written into each server's state file; a build uses only servers whose
    state file names the same."""
    return {"version": filings.__version__, "code": hashlib.sha256(SERVER.read_bytes()).hexdigest()[:16],
            "checkout": str(Path(filings.__file__).resolve().parent.parent)}


def install_key(owner: dict | None = None) -> str:
    """The name of an install's folder in the pool's folder: ``VERSION-HASH``, the hash of all
    of ``owner`` (default: this install)."""
    owner = owner or this_install()
    version = re.sub(r"[^\w.+-]", "_", str(owner["version"]))
    return f"{version}-{hashlib.sha256(json.dumps(owner, sort_keys=True).encode()).hexdigest()[:12]}"


def install_dir() -> Path:
    """This install's folder in the pool's folder: its servers, apart from every other install's."""
    return pool_dir() / install_key()


def describe_owner(state: dict) -> str:
    """``version 0.1.0  checkout /home/me/filings``: the install that started a server."""
    owner = state.get("owner") or {}
    return f"version {owner.get('version', '?')}  checkout {owner.get('checkout', '?')}"


# --------------------------------------------------------------------------- local instances

class Slot:
    """The place of one local instance: ``slot-N/`` with its state file, profile, socket and log."""

    def __init__(self, root: Path, number: int, owner: dict | None = None):
        self.root = root
        self.number = number
        self.owner = owner or this_install()  # the install whose servers this slot may use
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
        """The running instance, when its install is this slot's."""
        state = self.state()
        return Endpoint(state["address"], self) if state and self.ours(state) else None

    def ours(self, state: dict) -> bool:
        """Whether ``state`` is of a server started by this slot's install (version, code, checkout)."""
        return state.get("owner") == self.owner

    def other_install(self) -> dict | None:
        """The state of a live server another install started here, else None: a build neither
        uses nor stops it."""
        state = self.state()
        return state if state and not self.ours(state) else None

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
    """The slot's instance, healthy: the running one, else a new one (Unavailable when it does not
    start, or when a server of another install holds the slot: that one is left alone)."""
    with slot.starting(settings.startup_seconds + 30):
        other = slot.other_install()
        if other:
            raise Unavailable(f"{slot.folder} holds a server of another install ({describe_owner(other)})")
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
               "--startup-timeout", f"{settings.startup_seconds:g}", "--memory", str(settings.memory_bytes),
               "--owner", json.dumps(slot.owner)]
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


def _slots(root: Path) -> list[Slot]:
    """The slots in ``root`` and in each install's folder in it (one level down), in order."""
    found = [p for pattern in ("slot-*", "*/slot-*") for p in root.glob(pattern) if p.name[5:].isdigit()]
    return [Slot(p.parent, int(p.name[5:])) for p in sorted(found, key=lambda p: (str(p.parent), int(p.name[5:])))]


def running(directory: Path | None = None) -> list[dict]:
    """The states of the instances running in the pool's folder (every install's)."""
    return [s for s in (slot.state() for slot in _slots(directory or pool_dir())) if s]


def stop_all(directory: Path | None = None) -> int:
    """Stop every instance in the pool's folder (every install's); return how many were running."""
    alive = [s for s in _slots(directory or pool_dir()) if s.state()]
    for slot in alive:
        slot.stop()
    return len(alive)

