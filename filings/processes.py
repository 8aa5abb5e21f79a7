"""Running an outside program (LibreOffice, OCRmyPDF) within bounds.

The program runs in a process group of its own, with its output captured, and the whole
group (it and everything it started) is killed when it runs past its time, and when the
build is interrupted (Ctrl-C, SIGTERM) or fails while it runs: nothing is left working
for a build that has ended. Its memory is bounded as its address space (``RLIMIT_AS``), or,
for a program that reserves far more address space than it uses (the .NET runtime of the
redline engine), as the resident memory of its group, read from ``/proc`` while it runs.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import time
from typing import Mapping, Sequence


POLL_SECONDS = 0.1  # how often a resident bound is checked: the bound holds within one poll's growth


class TimedOut(Exception):
    """The program did not finish within its time and was killed."""


class OverMemory(Exception):
    """The program's group went past its resident memory bound and was killed."""


def run_bounded(command: Sequence[str], timeout: float, *, env: Mapping[str, str] | None = None,
                memory_bytes: int = 0, resident_bytes: int = 0) -> tuple[int, str]:
    """Run ``command`` to its end; return its exit code and its output (stdout and stderr).

    Raises :class:`TimedOut` after ``timeout`` seconds, :class:`OverMemory` when the resident
    memory of its group passes ``resident_bytes`` (0: no bound), and OSError when it cannot
    start. ``memory_bytes`` bounds its address space (0: no bound).
    """
    def bound_memory() -> None:  # runs in the child, before the program starts
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(list(command), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=dict(env) if env is not None else None, start_new_session=True,
                                preexec_fn=bound_memory if memory_bytes else None)
        try:
            code = wait_bounded(proc, timeout, resident_bytes)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            proc.wait()
            raise TimedOut() from None
        except BaseException:
            kill_group(proc.pid)
            proc.wait()
            raise
        log.seek(0)
        return code, log.read().decode("utf-8", "replace")


def wait_bounded(proc: subprocess.Popen, timeout: float, resident_bytes: int) -> int:
    """Wait for ``proc`` to end; return its exit code. Raises subprocess.TimeoutExpired after
    ``timeout`` seconds and :class:`OverMemory` when its group's resident memory passes
    ``resident_bytes`` (0: no bound, nothing polled)."""
    if not resident_bytes:
        return proc.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return proc.wait(timeout=max(0.0, min(POLL_SECONDS, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                raise
        if group_resident_bytes(proc.pid) > resident_bytes:
            raise OverMemory(resident_bytes)


def group_resident_bytes(pgid: int) -> int:
    """The resident memory (VmRSS) of every live process of the process group ``pgid``, in bytes."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()  # after the command's name, which may hold spaces
            if int(fields[2]) != pgid:  # state, ppid, pgrp
                continue
            with open(f"/proc/{entry.name}/status", "rb") as f:
                total += next((int(line.split()[1]) * 1024 for line in f if line.startswith(b"VmRSS:")), 0)
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile, or another user's
    return total


def kill_group(pid: int) -> None:
    """Kill the process group led by ``pid`` (gone already: nothing to do)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
