"""`filings watch`: the real command, the real LibreOffice pool, real saves."""
from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from filings.pipeline.pdf import extract_text as text_of
from filings.pipeline.watch import Round, describe, inputs, signature
from filings.pipeline.changes import PaperChange, Changes

from conftest import EXAMPLE, ROOT


class Watcher:
    """`filings watch` in a subprocess, its output read line by line."""

    def __init__(self, matter: Path):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", "filings", "watch", str(matter), "--interval", "0.1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                     start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str, timeout: float = 90) -> list[str]:
        """The lines printed up to the first one holding ``text`` (fails after ``timeout``)."""
        deadline, got = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"watch exited ({self.proc.returncode}): {self.seen}"
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        raise AssertionError(f"no {text!r} within {timeout} s; printed: {self.seen}")

    def stop(self) -> int:
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    raise
            return self.proc.returncode
        finally:
            self.reader.join(timeout=10)
            self.proc.stdout.close()


@pytest.fixture
def matter(tmp_path) -> Path:
    folder = tmp_path / "matter"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    return folder


def _save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_watch_rebuilds_after_each_save_and_says_which_facts_caused_it(matter):
    facts = matter / "facts.yaml"
    watcher = Watcher(matter)
    try:
        first = watcher.until("for changes")
        made = len(list((matter / "build").glob("*.docx")))
        assert made >= 5 and any(f"built {made} papers" in line for line in first), first
        declaration = matter / "build" / "declaration.pdf"
        complaint_before = (matter / "build" / "complaint.pdf").stat().st_mtime_ns
        assert "July\u00a09, 2024" in text_of(declaration)  # tied (filings.papers.typeset)

        _save(facts, "  signed: 2024-07-09", "  signed: 2024-07-16")
        lines = watcher.until("for changes")
        assert any("1 paper changed" in line for line in lines), lines
        assert "  declaration: changed (declaration.signed)" in lines
        assert "July\u00a016, 2024" in text_of(declaration)
        assert (matter / "build" / "complaint.pdf").stat().st_mtime_ns == complaint_before

        # A broken save: the problem with its line, the last good outputs stay, watching goes on.
        good = declaration.read_bytes()
        _save(facts, "  signed: 2024-07-16", "  signed: [2024-07-17")
        lines = watcher.until("for changes")
        assert any("the build failed" in line for line in lines), lines
        assert any("facts.yaml:" in line and "malformed YAML" in line for line in lines), lines
        assert declaration.read_bytes() == good

        # Fixed again, then a template of the matter's own: the paper using it says why.
        _save(facts, "  signed: [2024-07-17", "  signed: 2024-07-18")
        lines = watcher.until("for changes")
        assert "  declaration: changed (declaration.signed)" in lines, lines
        (matter / "templates").mkdir()
        shutil.copyfile(ROOT / "templates" / "proposed-order.docx", matter / "templates" / "proposed-order.docx")
        _touch_docx(matter / "templates" / "proposed-order.docx")
        lines = watcher.until("for changes")
        assert "  proposed-order: changed (template)" in lines, lines
    finally:
        code = watcher.stop()
    assert code == 0
    assert "stopped watching" in "\n".join(watcher.seen + list(_drain(watcher)))


def _touch_docx(path: Path) -> None:
    """Change the template's words as a lawyer would in Word (one run's text)."""
    import docx

    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if "ORDERED" in run.text:
                run.text = run.text.replace("ORDERED", "ORDERED AND ADJUDGED", 1)
                document.save(str(path))
                return
    raise AssertionError("the proposed order has no 'ORDERED' run")


def _drain(watcher: Watcher):
    while True:
        try:
            yield watcher.lines.get(timeout=2)
        except queue.Empty:
            return


def test_the_watched_files_are_what_a_build_reads(matter):
    files = {p.name for p in inputs(matter / "facts.yaml")}
    assert {"facts.yaml", "complaint.docx", "request-letter.docx", "type86-suspension-notice.pdf"} <= files
    sig = signature(inputs(matter / "facts.yaml"))
    absent = [path for path, seen in sig.items() if not seen]
    assert absent == [str(matter / "templates")], "the matter's own templates folder is watched before it exists"
    broken = matter / "facts.yaml"
    broken.write_text("case: [\n", encoding="utf-8")
    assert inputs(broken) == [broken]  # facts that cannot be read: their next save is built


def test_describe_says_what_each_round_did():
    first = Round(Changes((PaperChange("a", "added"), PaperChange("b", "added"))), [], 1.0, first=True)
    assert describe(first).endswith("built 2 papers in 1.0 s")
    later = Round(Changes((PaperChange("a", "changed", ("case.filed",)), PaperChange("b", "unchanged"))), [], 0.2)
    assert describe(later).splitlines()[1:] == ["  a: changed (case.filed)"]
    assert "no paper changed" in describe(Round(Changes((PaperChange("b", "unchanged"),)), [], 0.1))
    failed = describe(Round(None, ["facts.yaml:3: bad"], 0.1))
    assert "last good outputs are unchanged" in failed and failed.endswith("  facts.yaml:3: bad")


def test_watching_a_matter_that_is_not_there_is_one_line_and_exit_1(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "filings", "watch", str(tmp_path / "nowhere")], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"{tmp_path / 'nowhere' / 'facts.yaml'}: no such facts file to watch; name the matter's folder, or pass --facts"]


@pytest.mark.parametrize("interval", ["inf", "nan", "0", "-1", "1e300"])
def test_an_interval_that_is_no_number_of_seconds_is_one_line_and_exit_1(tmp_path, interval):
    """inf once reached the first wait and failed there with a traceback (after a build)."""
    (tmp_path / "facts.yaml").write_text("case: [\n", encoding="utf-8")  # the build fails at once
    proc = subprocess.run([sys.executable, "-m", "filings", "watch", str(tmp_path), "--interval", interval],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"--interval {float(interval):g}: give a number of seconds from 0.05 to 3600"]


def test_watch_merges_a_draft_saved_in_word(matter):
    import docx

    watcher = Watcher(matter)
    try:
        watcher.until("for changes")
        draft = matter / "build" / "complaint.docx"
        document = docx.Document(str(draft))
        next(p for p in document.paragraphs if p.text.startswith("This is an action")).add_run(
            " Saved while watching.")
        document.save(str(draft))
        lines = watcher.until("for changes")
        assert "  complaint: changed (edit)" in lines, lines
        assert (matter / "edits" / "complaint.docx").is_file()
        assert "Saved while watching." in " ".join(text_of(matter / "build" / "complaint.pdf").split())
    finally:
        assert watcher.stop() == 0
