"""Running an outside program (LibreOffice, OCRmyPDF) within bounds.

The program runs in a process group of its own, with its output captured, and the whole
group (it and everything it started) is killed when it runs past its time, and when the
build is interrupted (Ctrl-C, SIGTERM) or fails while it runs: nothing is left working
for a build that has ended.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
from typing import Mapping, Sequence


class TimedOut(Exception):
    """The program did not finish within its time and was killed."""


def run_bounded(command: Sequence[str], timeout: float, *, env: Mapping[str, str] | None = None,
                memory_bytes: int = 0) -> tuple[int, str]:
    """Run ``command`` to its end; return its exit code and its output (stdout and stderr).

    Raises :class:`TimedOut` after ``timeout`` seconds, and OSError when it cannot start.
    ``memory_bytes`` bounds its address space (0: no bound).
    """
    def bound_memory() -> None:  # runs in the child, before the program starts
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(list(command), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=dict(env) if env is not None else None, start_new_session=True,
                                preexec_fn=bound_memory if memory_bytes else None)
        try:
            code = proc.wait(timeout=timeout)
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


def kill_group(pid: int) -> None:
    """Kill the process group led by ``pid`` (gone already: nothing to do)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
