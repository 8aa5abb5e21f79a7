"""`filings serve`: the real command on a real matter, read in Debian's headless Chromium driven by
Playwright; the token, the Host check and the loopback-only socket checked from outside."""
from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DATE = "id: ctpat_suspension\n    date: {}"  # events.2: the complaint, the Form 5 statement and the motion print it
FACT = re.compile(r"events(\.2|\[ctpat_suspension\])\.date")  # its path in the fact diff
URL = re.compile(r"(http://127\.0\.0\.1:(\d+)/\?token=([\w-]+))")
SLOW = 240_000  # ms: a build or a comparison on a machine the whole suite shares


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    return proc


def new_matter(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "facts.yaml", folder / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    return folder


def set_date(facts: Path, old: str, new: str) -> None:
    text = facts.read_text(encoding="utf-8")
    assert text.count(DATE.format(old)) == 1
    facts.write_text(text.replace(DATE.format(old), DATE.format(new)), encoding="utf-8")


class Server:
    """`filings serve` in a subprocess; its printed lines read as they come."""

    def __init__(self, matter: Path, *args: str):
        # in the matter's folder, as the builds before it ran: the manifest records the facts file as named
        self.proc = subprocess.Popen([sys.executable, "-m", "filings", "serve", ".", "--no-open", *args], cwd=matter,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=dict(os.environ, PYTHONPATH=str(ROOT)), start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        found = None
        deadline = time.monotonic() + 120
        while found is None and time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"filings serve exited: {self.seen}"
                continue
            found = URL.search(line)
        assert found, f"no address printed: {self.seen}"
        self.url, self.port, self.token = found.group(1), int(found.group(2)), found.group(3)
        self.base = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.seen.append(line.rstrip("\n"))
            self.lines.put(line)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory):
    """A copy of the example built, one date changed, built again: two builds in its history."""
    matter = new_matter(tmp_path_factory.mktemp("serve") / "matter")
    cli("build", "-q", cwd=matter)
    set_date(matter / "facts.yaml", "2024-05-17", "2024-04-12")
    cli("build", "-q", cwd=matter)
    assert len(list((matter / ".filings" / "history" / "records").glob("*.json"))) == 2
    return matter


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium, headless, in a new profile, driven by Playwright (never a browser of its own)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="filings-serve-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                       args=CHROMIUM_ARGS)
        yield context
        context.close()


@pytest.mark.e2e
def test_the_page_in_chromium(built_twice, chromium):
    """The page lists the builds, opens a paper's PDF, compares the two builds (the changed fact,
    the changed papers with their causes and redline PDFs, written to reviews/), follows a save of
    the facts without a reload, and shows a failed build's error while keeping the outputs."""
    matter = built_twice
    server = Server(matter, "--interval", "0.2")
    try:
        page = chromium.new_page()
        page.set_default_timeout(SLOW)
        page.goto(server.url)
        assert "token" not in page.url  # the token goes into the cookie, out of the address
        cookie = next(c for c in chromium.cookies() if c["name"] == f"filings-serve-{server.port}")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["domain"] == "127.0.0.1"

        # the builds, newest first, each with what changed
        page.wait_for_selector("#build-2")
        assert page.locator("tr[data-build]").evaluate_all("rows => rows.map(r => r.dataset.build)") == ["2", "1"]
        second = page.inner_text("#build-2")
        assert "1 fact changed" in second and FACT.search(second) and "complaint (" in second
        assert "first build recorded" in page.inner_text("#build-1")

        # a paper's PDF, from the current build, inline
        with page.expect_response("**/file/complaint.pdf") as embedded:  # fetched by the page's embed
            page.click("#outputs a.view[href='/paper/complaint.pdf']")
        embed = page.wait_for_selector("embed#pdf", state="attached")
        assert embed.get_attribute("type") == "application/pdf" and embed.get_attribute("src") == "/file/complaint.pdf"
        answer = embedded.value
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        assert answer.headers["content-disposition"].startswith("inline")
        assert "April 12, 2024" in pdf_text(page.request.get(server.base + "/file/complaint.pdf").body())

        # the exhibits: the bundle and each exhibit's file
        page.goto(server.base + "/")
        exhibits = page.locator("ul[data-group=exhibits] a.pdf")
        assert exhibits.count() == 7 and "exhibit-bundle" in exhibits.first.get_attribute("href")
        bundle = page.request.get(server.base + exhibits.first.get_attribute("href"))
        assert bundle.headers["content-type"] == "application/pdf" and bundle.body().startswith(b"%PDF-")

        # two builds compared
        page.select_option("#compare select[name=old]", "1")
        page.select_option("#compare select[name=new]", "2")
        page.click("#compare button")
        page.wait_for_selector("#facts-changed")
        facts = page.locator("#facts-changed tr[data-fact]")
        assert facts.count() == 1 and FACT.fullmatch(facts.get_attribute("data-fact"))
        assert "2024-05-17" in facts.inner_text() and "2024-04-12" in facts.inner_text()
        changed = page.locator("tr[data-paper]").evaluate_all("rows => rows.map(r => r.dataset.paper)")
        assert changed == ["complaint", "information-statement", "motion"]
        causes = page.inner_text("tr[data-paper=complaint] td.causes")
        assert "date" in causes, causes  # the fact that changed it
        redline = page.get_attribute("tr[data-paper=complaint] a.redline", "href")
        assert redline.endswith("/redline/complaint.pdf")
        answer = page.request.get(server.base + redline)
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        shown = " ".join(pdf_text(answer.body()).split())
        assert "April 12" in shown and "May 17" in shown  # the redline holds the new date and the old
        written = list((matter / "reviews").glob("*-r1-r2/redline/complaint.pdf"))
        assert len(written) == 1 and not list((matter / "build").rglob("redline"))
        summary = page.frame_locator("iframe#summary")
        assert FACT.search(summary.locator("body").inner_text())

        # a save of the facts: a new build appears on the page, without a reload
        page.goto(server.base + "/")
        page.wait_for_selector("#live.built")  # the first round, on the same facts: no new build
        assert page.locator("tr[data-build]").count() == 2
        page.evaluate("window.notReloaded = true")
        set_date(matter / "facts.yaml", "2024-04-12", "2024-04-11")
        page.wait_for_selector("#build-3")
        assert page.evaluate("window.notReloaded") is True
        assert FACT.search(page.inner_text("#build-3"))

        # a save that breaks the facts: its error on the page; the last good outputs stay
        facts = matter / "facts.yaml"
        good = facts.read_text(encoding="utf-8")
        facts.write_text(good + "case: [\n", encoding="utf-8")
        page.wait_for_selector("#live.failed")
        problem = page.inner_text("#problems")
        assert re.search(r"facts\.yaml:\d+: malformed YAML", problem), problem
        assert page.evaluate("window.notReloaded") is True
        assert page.locator("#outputs a.view[href='/paper/complaint.pdf']").count() == 1
        facts.write_text(good, encoding="utf-8")
        page.wait_for_selector("#live.built")
        assert page.inner_text("#problems") == ""
    finally:
        code = server.stop()
    assert code == 0, server.seen


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture(scope="module")
def unbuilt(tmp_path_factory):
    """`filings serve --no-watch` on a matter never built: the page answers at once."""
    matter = new_matter(tmp_path_factory.mktemp("serve-guard") / "matter")
    facts = matter / "facts.yaml"
    text = facts.read_text(encoding="utf-8").replace(DATE.format("2024-05-17"), DATE.format("!confidential 2024-05-17"))
    facts.write_text(text + "# <script>alert('facts are untrusted')</script>\n", encoding="utf-8")
    server = Server(matter, "--no-watch")
    yield matter, server
    assert server.stop() == 0, server.seen


@pytest.mark.e2e
def test_no_token_no_page(unbuilt):
    """Without this run's token, or under another host name, every request is refused (403)."""
    matter, server = unbuilt
    for path in ("/", "/facts", "/file/complaint.pdf", "/api/status", f"/?token={'x' * len(server.token)}"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.base + path, timeout=30)
        assert refused.value.code == 403, path
        refused.value.close()

    status, headers, _ = request(server, f"/?token={server.token}")
    assert status == 303 and headers["location"] == "/"
    assert re.fullmatch(rf"filings-serve-{server.port}={re.escape(server.token)}; HttpOnly; Path=/; SameSite=strict",
                        headers["set-cookie"], re.IGNORECASE)
    cookie = f"filings-serve-{server.port}={server.token}"
    status, headers, body = request(server, "/facts", cookie=cookie)
    assert status == 200 and "no-store" in headers["cache-control"]
    assert "case:" in body and 'id="L1"' in body  # the facts, line by line
    tagged = re.search(r'<tr id="L(\d+)"( class="confidential")?>.*?!confidential 2024-05-17.*?</tr>', body)
    assert tagged and tagged.group(2), "the confidential value is shown, and its line marked"
    assert body.count('class="confidential"') == 1
    assert "<script>alert" not in body and "&lt;script&gt;alert(&#39;facts are untrusted&#39;)" in body
    # DNS rebinding: another name for this address is refused, token and all
    for host in ("evil.example", f"evil.example:{server.port}", f"127.0.0.1:{server.port + 1}"):
        assert request(server, "/", cookie=cookie, host=host)[0] == 403, host
    assert request(server, "/", cookie=cookie, host=f"localhost:{server.port}")[0] == 200
    # nothing outside the build and the reviews, and only what the page serves
    for path in ("/file/../facts.yaml", "/file/%2e%2e/facts.yaml", "/review/../facts.yaml",
                 "/review/..%2Ffacts.yaml", "/file//etc/passwd", "/file/.filings/manifest.json",
                 "/static/../serve.py", "/part/index"):
        assert request(server, path, cookie=cookie)[0] == 404, path
    assert request(server, "/", cookie=cookie, method="POST")[0] == 405


def request(server: Server, path: str, *, cookie: str | None = None, host: str | None = None,
            method: str = "GET") -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{server.port}")
        if cookie:
            connection.putheader("Cookie", cookie)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.e2e
def test_listens_on_loopback_only(unbuilt):
    """The socket is bound to 127.0.0.1 (the kernel's table says so), none on IPv6; connecting to this
    computer's other addresses, or to another loopback address, is refused."""
    _, server = unbuilt
    ipv4 = listening(Path("/proc/net/tcp"), server.port)
    assert ipv4 == ["0100007F"], ipv4  # 127.0.0.1, little-endian
    assert listening(Path("/proc/net/tcp6"), server.port) == []
    with socket.create_connection(("127.0.0.1", server.port), timeout=10):
        pass
    others = {"127.0.0.2"} | (local_addresses() - {"127.0.0.1"})
    for address in sorted(others):
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=5).close()


def listening(table: Path, port: int) -> list[str]:
    """The local addresses (hex, as the kernel writes them) of the sockets listening on ``port``."""
    found = []
    if not table.exists():
        return found
    for line in table.read_text().splitlines()[1:]:
        fields = line.split()
        address, hex_port = fields[1].split(":")
        if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
            found.append(address)
    return found


def local_addresses() -> set[str]:
    """This computer's IPv4 addresses, as the kernel's routing table lists its own (LOCAL) ones."""
    found = set()
    lines = Path("/proc/net/fib_trie").read_text().splitlines() if Path("/proc/net/fib_trie").exists() else []
    for before, line in zip(lines, lines[1:]):
        if "/32 host LOCAL" in line:
            found.add(before.split()[-1])
    return found


def test_confidential_lines_are_marked(tmp_path):
    """The facts page marks every line a tagged value is written on (a tagged mapping all through,
    a folded text to its end), and no other."""
    from filings.facts.source import load_yaml
    from filings.review.web.matter import confidential_lines

    facts = tmp_path / "facts.yaml"
    facts.write_text("case:\n"                       # 1
                     "  number: 24-1\n"              # 2
                     "people: !confidential\n"       # 3
                     "  lead:\n"                     # 4
                     "    name: Ada\n"               # 5
                     "    # a comment\n"             # 6
                     "\n"                            # 7
                     "notes:\n"                      # 8
                     "  - plain\n"                   # 9
                     "  - !confidential >-\n"        # 10
                     "    18,250 tons\n"             # 11
                     "    of steel\n"                # 12
                     "  - plain again\n", encoding="utf-8")  # 13
    _, source = load_yaml(facts)
    marked = confidential_lines(source.lines, source.confidential, facts.read_text().splitlines())
    assert marked == {3, 4, 5, 10, 11, 12}


def test_served_files_stay_inside(tmp_path):
    """Only a PDF (or a diff's own files) inside the folder is served: no climbing out, no link out,
    no state folder, no other kind of file; and from a folder of the matter, nothing outside it."""
    from filings.review.web.matter import served_file, within_matter

    build = tmp_path / "build"
    (build / ".filings").mkdir(parents=True)
    (build / "complaint.pdf").write_bytes(b"%PDF-1.7\n")
    (build / ".filings" / "secret.pdf").write_bytes(b"%PDF-1.7\n")
    (build / "notes.txt").write_text("x")
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-1.7\n")
    (build / "link.pdf").symlink_to(tmp_path / "outside.pdf")
    assert served_file(build, "complaint.pdf") == ((build / "complaint.pdf").resolve(), "application/pdf")
    for rel in ("../outside.pdf", "link.pdf", ".filings/secret.pdf", "notes.txt", "/etc/passwd", str(tmp_path /
                "outside.pdf"), "missing.pdf", ""):
        with pytest.raises(FileNotFoundError):
            served_file(build, rel)
    # a matter's build link that leads out of the matter serves nothing
    matter, elsewhere = tmp_path / "matter", tmp_path / "elsewhere"
    matter.mkdir()
    elsewhere.mkdir()
    (elsewhere / "private.pdf").write_bytes(b"%PDF-1.7\n")
    (matter / "build").symlink_to(elsewhere)
    assert within_matter(matter / "build", matter) == matter and within_matter(elsewhere, matter) is None
    with pytest.raises(FileNotFoundError):
        served_file(matter / "build", "private.pdf", within_matter(matter / "build", matter))
    assert served_file(elsewhere, "private.pdf", within_matter(elsewhere, matter))[0] == (elsewhere / "private.pdf")


def test_outputs_are_grouped_as_a_build_lays_them_out(tmp_path):
    """The current build's PDFs by group: papers in filing order, packets, each version's papers,
    letters, each bundle's exhibits (the bundle first, Exhibit 10 after Exhibit 9); no state, no diff."""
    from filings.review.web.matter import outputs

    build = tmp_path / "build"
    for rel in ("complaint.pdf", "summons.pdf", "packet-complaint.pdf", "confidential/motion.pdf",
                "public/motion.pdf", "public/packet-motion.pdf", "letters/first_request.pdf",
                "exhibits/Exhibit 10 - Ten.pdf", "exhibits/Exhibit 9 - Nine.pdf", "exhibits/exhibit-bundle.pdf",
                "public/exhibits/exhibit-bundle.pdf", ".filings/drafts/x.pdf", "diff/redline/complaint.pdf",
                "complaint.docx"):
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        (build / rel).write_bytes(b"%PDF-1.7\n")
    found = {group: [o.rel for o in items] for group, items in outputs(build, ["summons", "complaint"]).items()}
    assert found == {
        "papers": ["summons.pdf", "complaint.pdf"],
        "packets": ["packet-complaint.pdf"],
        "confidential papers": ["confidential/motion.pdf"],
        "public papers": ["public/motion.pdf"],
        "public packets": ["public/packet-motion.pdf"],
        "letters": ["letters/first_request.pdf"],
        "exhibits": ["exhibits/exhibit-bundle.pdf", "exhibits/Exhibit 9 - Nine.pdf", "exhibits/Exhibit 10 - Ten.pdf"],
        "exhibits (public)": ["public/exhibits/exhibit-bundle.pdf"],
    }
