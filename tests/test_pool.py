"""The warm LibreOffice pool, on the real LibreOffice through unoserver: parallel batches,
servers reused by later builds, dead or hung instances replaced, idle stop, the fallback
when the pool cannot run, the profile's lockdown, and one pool per install (another
version's servers neither used nor stopped)."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Inches
from PIL import Image

import filings
from filings.pipeline import pdf
from filings.errors import ConversionError
from filings.convert.endpoint import Endpoint
from filings.convert.instances import Slot, running, start_instance, this_install
from filings.convert.pool import Pool, main

from conftest import pool_processes

IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


@pytest.fixture
def folder(private_pool, request) -> Path:
    """A pool folder of the test's own (inside the session's), its instances stopped after it."""
    path = private_pool / re.sub(r"\W", "", request.node.name)[:40]
    yield path
    Pool(directory=path).stop()


def docx(path: Path, text: str, paragraphs: int = 1) -> Path:
    doc = Document()
    for n in range(paragraphs):
        doc.add_paragraph(f"{text} {n}" if paragraphs > 1 else text)
    doc.save(path)
    return path


def state(folder: Path, slot: int = 0) -> dict:
    found = Slot(folder, slot).state()
    assert found, f"no instance running in slot {slot}"
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_batch_converts_in_parallel_on_two_instances(folder, tmp_path):
    pool = Pool(2, directory=folder)
    for n in range(2):  # both warm, so both take documents from the start
        start_instance(Slot(folder, n), pool.settings)
    sources = [docx(tmp_path / f"paper-{n}.docx", f"PAPER NUMBER {n}") for n in range(8)]
    pdfs = pool.convert(sources, tmp_path / "out")
    assert [p.name for p in pdfs] == [f"paper-{n}.pdf" for n in range(8)]
    assert [pdf.extract_text(p).strip() for p in pdfs] == [f"PAPER NUMBER {n}" for n in range(8)]
    assert len(pool.used) == 2 and sum(pool.used.values()) == 8, pool.used
    assert len(running(folder)) == 2


def test_a_later_build_reuses_the_running_server(folder, tmp_path):
    """Speed is measured in the benchmark (make bench), not here: reuse is shown by the pids."""
    source = docx(tmp_path / "paper.docx", "FIRST BUILD")
    Pool(1, directory=folder).convert([source], tmp_path / "one")
    first = state(folder)
    pdfs = Pool(1, directory=folder).convert([source], tmp_path / "two")  # a new converter: a later build
    assert state(folder)["pid"] == first["pid"] and state(folder)["office_pid"] == first["office_pid"]
    assert pdf.extract_text(pdfs[0]).strip() == "FIRST BUILD"


def test_an_interrupted_batch_stops_the_instances_converting_it(folder, tmp_path):
    """Ctrl-C or SIGTERM during a build: the LibreOffice instances working on its documents are
    killed (the next build starts fresh ones), not left converting for nobody."""
    pool = Pool(2, directory=folder)
    for n in range(2):
        start_instance(Slot(folder, n), pool.settings)
    pids = [state(folder, n)["office_pid"] for n in range(2)]
    sources = [docx(tmp_path / f"long-{n}.docx", "A LONG PAPER", paragraphs=6000) for n in range(6)]
    # A real SIGINT (as Ctrl-C sends), which wakes the build waiting for its documents.
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        pool.convert(sources, tmp_path / "out")
    timer.join()
    assert running(folder) == []
    assert not any(alive(pid) for pid in pids)


def test_a_killed_libreoffice_is_detected_and_replaced(folder, tmp_path):
    source = docx(tmp_path / "paper.docx", "AFTER THE CRASH")
    pool = Pool(1, directory=folder, health_seconds=3)
    pool.convert([source], tmp_path / "one")
    before = state(folder)
    os.kill(before["office_pid"], signal.SIGKILL)
    pdfs = pool.convert([source], tmp_path / "two")
    assert pdf.extract_text(pdfs[0]).strip() == "AFTER THE CRASH"
    after = state(folder)
    assert after["office_pid"] != before["office_pid"] and after["pid"] != before["pid"]
    assert not alive(before["pid"])


def test_a_hung_conversion_is_killed_and_retried_on_a_fresh_instance(folder, tmp_path, monkeypatch):
    """LibreOffice stops (SIGSTOP) after the health check, during the conversion: the
    conversion times out, the instance is killed and replaced, the retry succeeds."""
    source = docx(tmp_path / "paper.docx", "CONVERTED ON RETRY")
    pool = Pool(1, directory=folder, timeout=3)
    pool.convert([source], tmp_path / "warm")
    hung = state(folder)
    checked = Endpoint.healthy

    def stop_after_check(self, timeout=10.0):
        ok = checked(self, timeout)
        if alive(hung["office_pid"]):
            os.kill(hung["office_pid"], signal.SIGSTOP)
        return ok

    monkeypatch.setattr(Endpoint, "healthy", stop_after_check)
    pdfs = pool.convert([source], tmp_path / "out")
    assert pdf.extract_text(pdfs[0]).strip() == "CONVERTED ON RETRY"
    assert state(folder)["pid"] != hung["pid"]
    assert not alive(hung["office_pid"]) and not alive(hung["pid"])


def test_a_document_too_slow_twice_is_one_line(folder, tmp_path):
    slow = docx(tmp_path / "long.docx", "A long paragraph of text that LibreOffice lays out " * 20, paragraphs=3000)
    pool = Pool(1, directory=folder, timeout=0.5)
    with pytest.raises(ConversionError) as info:
        pool.convert([slow], tmp_path / "out")
    assert str(info.value) == (
        "LibreOffice did not convert long.docx within 0.5 s, twice, each time on a fresh instance; open it in "
        "Word or LibreOffice to check it, check the machine's load, or raise --timeout")
    quick = Pool(1, directory=folder).convert([docx(tmp_path / "short.docx", "STILL WORKS")], tmp_path / "out")
    assert pdf.extract_text(quick[0]).strip() == "STILL WORKS"


def test_an_idle_instance_stops_itself(folder, tmp_path):
    Pool(1, directory=folder, idle_seconds=1).convert([docx(tmp_path / "p.docx", "IDLE")], tmp_path / "out")
    first = state(folder)
    deadline = time.monotonic() + 30
    while (running(folder) or alive(first["pid"]) or alive(first["office_pid"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running(folder) == []
    assert not alive(first["pid"]) and not alive(first["office_pid"])
    assert pool_processes(folder) == []
    assert not (folder / "slot-0" / "state.json").exists()


def test_without_python3_uno_the_build_falls_back_with_one_warning(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FILINGS_UNO_PYTHON", "/nonexistent/python3")
    warnings: list[str] = []
    pool = Pool(2, directory=folder, warn=warnings.append)
    sources = [docx(tmp_path / f"p{n}.docx", f"FALLBACK {n}") for n in range(3)]
    pdfs = pool.convert(sources, tmp_path / "out")
    assert [pdf.extract_text(p).strip() for p in pdfs] == ["FALLBACK 0", "FALLBACK 1", "FALLBACK 2"]
    assert warnings == [
        "the warm LibreOffice pool is not available (no Python at /nonexistent/python3 to run LibreOffice's uno "
        "module; install python3-uno (make setup does)); converting with one LibreOffice run per build instead"]
    assert running(folder) == []


def linked_picture_docx(path: Path, url: str) -> Path:
    """A Word file whose picture is linked to ``url`` (not embedded), as nothing cleaned it."""
    picture = path.with_name("red.png")
    Image.new("RGB", (40, 40), (255, 0, 0)).save(picture)
    doc = Document()
    doc.add_paragraph("LINKED PICTURE BELOW")
    doc.add_picture(str(picture), width=Inches(1))
    doc.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    embedded = re.findall(r'r:embed="(rId\d+)"', xml)[0]
    parts["word/document.xml"] = xml.replace(f'r:embed="{embedded}"', 'r:link="rIdWeb"')
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].decode().replace(
        "</Relationships>", f'<Relationship Id="rIdWeb" Type="{IMAGE_REL}" Target="{url}/linked.png" '
                            'TargetMode="External"/></Relationships>')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_the_lockdown_holds_in_the_pool(folder, tmp_path, loopback):
    """LibreOffice in the pool runs on the locked-down profile: a linked picture is not fetched."""
    source = linked_picture_docx(tmp_path / "linked.docx", loopback.url)
    pool = Pool(1, directory=folder)
    pdfs = pool.convert([source], tmp_path / "out")
    assert "LINKED PICTURE BELOW" in pdf.extract_text(pdfs[0])
    assert pool.used  # converted by the pool, not the fallback
    time.sleep(0.5)
    assert loopback.requests == []


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_converters_elsewhere_get_contents_never_paths(folder, tmp_path, monkeypatch):
    """FILINGS_CONVERTERS points the pool at shared servers (here `filings.convert.pool serve` on the
    loopback): documents go as contents; a request naming a path on the server is refused."""
    import subprocess
    import sys
    import xmlrpc.client

    address = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen([sys.executable, "-m", "filings.convert.pool", "serve", "--listen", address,
                               "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        shared = Endpoint(address)
        deadline = time.monotonic() + 60
        while not shared.healthy(2) and time.monotonic() < deadline:
            time.sleep(0.2)
        monkeypatch.setenv("FILINGS_CONVERTERS", address)
        pool = Pool(directory=folder / "local")
        pdfs = pool.convert([docx(tmp_path / "shared.docx", "CONVERTED ELSEWHERE")], tmp_path / "out")
        assert pdf.extract_text(pdfs[0]).strip() == "CONVERTED ELSEWHERE"
        assert pool.used == {address: 1} and running(folder / "local") == []
        with xmlrpc.client.ServerProxy(f"http://{address}", allow_none=True) as proxy:
            with pytest.raises(xmlrpc.client.Fault, match="converts file contents"):
                proxy.convert("/etc/hostname", None, str(tmp_path / "stolen.pdf"), "pdf")
    finally:
        server.terminate()
        server.wait(30)
    assert pool_processes(folder) == []


def another_install(tmp_path: Path, version: str) -> Path:
    """A copy of the package in a checkout of its own, claiming ``version``: a second install."""
    checkout = tmp_path / "other-checkout"
    shutil.copytree(Path(filings.__file__).parent, checkout / "filings", ignore=shutil.ignore_patterns("__pycache__"))
    init = checkout / "filings" / "__init__.py"
    text, replaced = re.subn(r'^__version__ = ".*"$', f'__version__ = "{version}"', init.read_text(), flags=re.M)
    assert replaced == 1
    init.write_text(text)
    return checkout


START_ONE = ("from filings.convert.instances import Slot, start_instance\n"
             "from filings.convert.pool import Pool\n"
             "pool = Pool(1)\n"
             "start_instance(Slot(pool.root, 0), pool.settings)\n")


def test_a_server_of_another_install_is_neither_used_nor_stopped(folder, tmp_path, monkeypatch):
    """Another checkout of another version shares the user's pool folder and has a server
    running: this install's build starts one of its own and converts there, the other keeps
    running, and status shows both with their versions and checkouts."""
    other = another_install(tmp_path, "0.0.1.dev0")
    started = subprocess.run([sys.executable, "-c", START_ONE], cwd=other, capture_output=True, text=True,
                             timeout=180, env={**os.environ, "FILINGS_POOL_DIR": str(folder), "PYTHONPATH": str(other)})
    assert started.returncode == 0, started.stderr
    [theirs] = running(folder)
    assert theirs["owner"]["version"] == "0.0.1.dev0" and theirs["owner"]["checkout"] == str(other)

    monkeypatch.setenv("FILINGS_POOL_DIR", str(folder))
    pool = Pool(1)
    pdfs = pool.convert([docx(tmp_path / "mine.docx", "ON MY OWN SERVER")], tmp_path / "out")
    assert pdf.extract_text(pdfs[0]).strip() == "ON MY OWN SERVER"
    mine = Slot(pool.root, 0).state()
    assert pool.used == {mine["address"]: 1} and mine["pid"] != theirs["pid"]  # the pool's own, not theirs
    assert alive(theirs["pid"]) and alive(theirs["office_pid"])
    assert sorted(s["owner"]["version"] for s in running(folder)) == ["0.0.1.dev0", filings.__version__]

    status = subprocess.run([sys.executable, "-m", "filings.convert.pool", "status"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env={**os.environ, "FILINGS_POOL_DIR": str(folder)})
    lines = status.stdout.splitlines()
    assert len(lines) == 2, status.stdout + status.stderr
    assert any(line.endswith(f"version 0.0.1.dev0  checkout {other}") for line in lines), lines
    assert any(line.endswith(f"version {filings.__version__}  checkout {this_install()['checkout']}  (this install)")
               for line in lines), lines


def test_a_state_file_claiming_another_version_is_passed_over(folder, tmp_path, capsys, monkeypatch):
    """A server whose state file names another install (here: another version) holds slot 0:
    the build neither converts on it nor kills it, and starts its own in the next slot."""
    pool = Pool(1, directory=folder)
    start_instance(Slot(folder, 0), pool.settings)
    claimed = state(folder, 0)
    claimed["owner"] = {**claimed["owner"], "version": "9.9.9"}
    Slot(folder, 0).state_file.write_text(json.dumps(claimed))
    pdfs = pool.convert([docx(tmp_path / "p.docx", "NOT ON 9.9.9")], tmp_path / "out")
    assert pdf.extract_text(pdfs[0]).strip() == "NOT ON 9.9.9"
    assert pool.used == {state(folder, 1)["address"]: 1}
    assert state(folder, 0)["pid"] == claimed["pid"] and alive(claimed["office_pid"])
    monkeypatch.setenv("FILINGS_POOL_DIR", str(folder))
    assert main(["status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  version ")[1] for line in lines] == [
        f"9.9.9  checkout {this_install()['checkout']}",
        f"{filings.__version__}  checkout {this_install()['checkout']}  (this install)"]


# --------------------------------------------------------------------------- converters elsewhere, hostile

class HostileConverter:
    """An XML-RPC server on the loopback that answers health checks as unoserver does and each
    conversion as ``mode`` says: ``garbage`` (bytes that are no XML-RPC), ``not-a-pdf``, ``damaged-pdf``,
    ``hang`` (accepts and never answers; with ``interrupt``, it sends this process SIGINT, as
    Ctrl-C would, once the conversion has reached it)."""

    def __init__(self, mode: str, interrupt: bool = False):
        import http.server
        import xmlrpc.client

        self.mode, self.released, self.calls = mode, threading.Event(), []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                _, method = xmlrpc.client.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.calls.append(method)
                if method == "info":
                    body = xmlrpc.client.dumps(({"api": "3"},), methodresponse=True).encode()
                elif server.mode == "hang":
                    if interrupt:
                        os.kill(os.getpid(), signal.SIGINT)
                    server.released.wait(600)
                    return
                elif server.mode == "garbage":
                    body = b"\x00\xffHELLO this is no XML-RPC at all <<<"
                else:
                    data = b"MZ\x90\x00 a program, not a PDF" if server.mode == "not-a-pdf" else \
                        b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 9 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
                    body = xmlrpc.client.dumps((xmlrpc.client.Binary(data),), methodresponse=True).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.address = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "HostileConverter":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class FakeFallback:
    """The one-run converter, stood in for: a one-page PDF per source, and the sources it got."""

    def __init__(self):
        self.got: list[str] = []

    def convert(self, sources, out_dir):
        import pikepdf

        out_dir.mkdir(parents=True, exist_ok=True)
        made = []
        for source in sources:
            self.got.append(Path(source).name)
            with pikepdf.new() as doc:
                doc.add_blank_page()
                doc.save(out_dir / (Path(source).stem + ".pdf"))
            made.append(out_dir / (Path(source).stem + ".pdf"))
        return made


@pytest.mark.parametrize("mode, why", [
    ("garbage", "answered with something that is not XML-RPC (ExpatError)"),
    ("not-a-pdf", "answered with something that is not a PDF"),
    ("damaged-pdf", "answered with a damaged PDF"),
    ("hang", "did not finish within 1 s"),
])
def test_a_converter_elsewhere_that_misbehaves_is_one_warning_naming_it(folder, tmp_path, mode, why):
    """FILINGS_CONVERTERS names a converter outside our control: a wrong answer, or none within
    the build's timeout, is one warning naming it, and its document is converted by the fallback."""
    fallback, warnings = FakeFallback(), []
    with HostileConverter(mode) as converter:
        pool = Pool(directory=folder, endpoints=[converter.address], timeout=1, fallback=fallback,
                    warn=warnings.append)
        pdfs = pool.convert([docx(tmp_path / "paper.docx", "SENT ELSEWHERE")], tmp_path / "out")
        assert converter.calls == ["info", "convert"]
    assert [p.name for p in pdfs] == ["paper.pdf"] and fallback.got == ["paper.docx"]
    assert warnings == [f"the warm LibreOffice pool is not available (the converter at {converter.address} {why}); "
                        "converting with one LibreOffice run per build instead"]


def test_an_interrupt_abandons_a_call_to_a_converter_that_never_answers(folder, tmp_path):
    """Ctrl-C while a converter elsewhere holds the conversion and never answers: the call is
    abandoned at once (not after the conversion's timeout, nor after the pool's wait for its
    workers), and nothing of the pool is left working."""
    with HostileConverter("hang", interrupt=True) as converter:
        pool = Pool(directory=folder, endpoints=[converter.address], timeout=600, startup_seconds=30,
                    fallback=FakeFallback())
        with pytest.raises(KeyboardInterrupt):
            pool.convert([docx(tmp_path / "paper.docx", "NEVER ANSWERED")], tmp_path / "out")
        for worker in [t for t in threading.enumerate() if t.name.startswith("filings-pool-")]:
            worker.join(30)  # its connection is closed: it ends now (on a loaded machine, a moment later)
        assert not [t.name for t in threading.enumerate() if t.name.startswith("filings-pool-")]
        assert converter.calls == ["info", "convert"] and pool.used == {}
