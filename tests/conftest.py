"""Shared fixtures: the example matter, a second matter, and facts files made inline."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from filings.convert.libreoffice import LibreOffice
from filings.pipeline.builder import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "facts.yaml"
OTHER = ROOT / "tests" / "data" / "other-matter" / "facts.yaml"
DATA = ROOT / "tests" / "data"


def pytest_configure(config):
    """Ctrl-C works in the suite, whoever started it. A shell without job control starts a
    command put in the background with SIGINT ignored, and the ignoring is inherited down to
    every build a test runs (Python then installs no KeyboardInterrupt handler): the tests
    that interrupt a build, a batch or a watch would wait for nothing. Each process of the
    suite (xdist's workers too) takes SIGINT back, and the programs it starts inherit that."""
    import signal
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``path`` containing ``text``."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return hits[nth - 1]


@pytest.fixture
def facts_copy(tmp_path):
    """Copy the example facts to a temporary folder, with text replacements applied."""
    def make(*replacements: tuple[str, str], name: str = "facts.yaml") -> Path:
        text = EXAMPLE.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"the example facts no longer contain {old!r}"
            text = text.replace(old, new, 1)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        if not (tmp_path / "exhibits").exists():
            shutil.copytree(ROOT / "exhibits", tmp_path / "exhibits")
        return path
    return make


@pytest.fixture
def template_tree(tmp_path):
    """A templates folder holding copies of the shipped templates."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


class CountingLibreOffice(LibreOffice):
    """The real converter, counting its runs."""

    runs = 0

    def convert(self, sources, out_dir):
        type(self).runs += 1
        return super().convert(sources, out_dir)


@pytest.fixture(scope="session")
def other_build(tmp_path_factory):
    """The second matter (no filings: one packet) built once: (out dir, result)."""
    out = tmp_path_factory.mktemp("other") / "build"
    return out, build(OTHER, out)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example matter built once (real LibreOffice): (out dir, result, LibreOffice runs)."""
    out = tmp_path_factory.mktemp("example") / "build"
    CountingLibreOffice.runs = 0
    result = build(EXAMPLE, out, converter=CountingLibreOffice())
    return out, result, CountingLibreOffice.runs


@pytest.fixture(scope="session", autouse=True)
def private_caches(tmp_path_factory):
    """The suite never reads or writes the user's caches and keys (OCR, PDF cache key,
    LibreOffice profile, privacy): each session (each xdist worker) has its own. Two checkouts
    of different versions testing at once on one machine would otherwise share them."""
    import os

    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    home = tmp_path_factory.mktemp("home")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def private_pool(tmp_path_factory):
    """Every warm LibreOffice pool the tests start lives in this session's folder (never the
    user's pool), and is stopped when the session ends: no server outlives it."""
    import os

    from filings.convert.instances import stop_all

    folder = tmp_path_factory.mktemp("pool")
    before = os.environ.get("FILINGS_POOL_DIR")
    os.environ["FILINGS_POOL_DIR"] = str(folder)
    yield folder
    # Pools live in the session's folder or one level down (an install's, or a test's own); not deeper, where
    # LibreOffice profiles come and go.
    for root in {slot.parent for pattern in ("slot-*", "*/slot-*") for slot in folder.glob(pattern)}:
        stop_all(root)
    if before is None:
        os.environ.pop("FILINGS_POOL_DIR", None)
    else:
        os.environ["FILINGS_POOL_DIR"] = before
    assert pool_processes(folder) == [], "a pool server or its LibreOffice outlived the test session"


def pool_processes(folder: Path) -> list[int]:
    """Pids of live processes (servers, LibreOffice) whose command line names ``folder``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if str(folder).encode() in cmdline and state != "Z":
            pids.append(int(proc.name))
    return pids


@pytest.fixture
def loopback():
    """An HTTP server on 127.0.0.1 that records every request: ``.url`` to link to, ``.requests``
    what it was asked (a build must ask nothing)."""
    import http.server
    import io
    import threading
    from types import SimpleNamespace

    from PIL import Image

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append(self.path)
            buffer = io.BytesIO()
            Image.new("RGB", (50, 50), (0, 255, 0)).save(buffer, "PNG")
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(buffer.getvalue())))
            self.end_headers()
            self.wfile.write(buffer.getvalue())

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_address[1]}", requests=seen)
    httpd.shutdown()
    httpd.server_close()
    thread.join()


# ------------------------------------------------------------------ fast and end-to-end tests
# `make test-fast` runs the tests not marked e2e: the unit tests of facts, rendering, office
# files, rules, the architecture. Marked e2e (run by `make test` with the rest): every test of a
# module that builds matters, converts on LibreOffice, runs OCR, Chromium or git, or installs
# a wheel, and any other test that asks for a built matter.
E2E_MODULES = {"test_build", "test_bundle", "test_clerk", "test_cli", "test_compliance", "test_confidential",
               "test_convert", "test_deadlines", "test_determinism", "test_diff", "test_exhibit_inputs",
               "test_exhibit_safety", "test_history", "test_incremental", "test_matter", "test_outputs",
               "test_papers", "test_pool", "test_privacy", "test_private", "test_redline", "test_watch"}
E2E_FIXTURES = {"example_build", "other_build", "many"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        if module in E2E_MODULES or E2E_FIXTURES & set(getattr(item, "fixturenames", ())) or "wheel" in item.name:
            item.add_marker(pytest.mark.e2e)
