"""``filings watch``: build again on every save of the facts, a template or an exhibit.

An attorney edits the facts in one window and reads the PDF in another; each save should
give current papers within a second or so, and say which papers changed and which facts
caused it. The watcher builds once, then polls what the build reads: the facts file and the
base files it extends, every file in the template folders on the search path, and every exhibit file the facts name.

Polling, not inotify: matter folders often live on network shares (SMB, NFS) where file
system events never arrive, and the list of inputs is short (a stat of a few dozen files
every half second costs nothing). A save is built once it has settled: editors write a
file in several steps (truncate, write, rename), so the watcher waits until two polls in a
row see the same files. Every build runs in this process with one warm converter, so only
what changed is made again (:mod:`filings.pipeline.builder`); a build that fails prints its
problems and leaves the last good outputs as they were, and watching goes on.
"""
from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from filings.pipeline.changes import Changes, paper_changes
from filings.errors import FilingsError
from filings.pipeline.outputs import MANIFEST, STATE_DIR

Report = Callable[[str], None]
Signature = dict[str, tuple]

MAX_TEMPLATE_FILES = 2000  # a template folder is a few dozen files; a huge one is not polled whole


@dataclass
class Round:
    """One build of the watch: its changes, or the problems that stopped it."""

    changes: Changes | None
    problems: list[str]
    seconds: float
    first: bool = False  # no earlier build in the output folder


def watch(facts_path: Path, out_dir: Path, build: Callable[[], object], *, report: Report,
          interval: float = 0.5, stop: threading.Event | None = None,
          templates_dir: Path | None = None, rounds: int | None = None) -> None:
    """Build with ``build()`` now and after every settled change of an input, until ``stop``
    is set (or ``rounds`` builds were made: for tests); each round is reported."""
    stop = stop or threading.Event()
    made = 0
    while not stop.is_set():
        watched = inputs(facts_path, templates_dir, out_dir)
        before = signature(watched)
        outcome = one_round(out_dir, build)
        before.update(signature(drafts(facts_path, out_dir)))  # as this build left them: a save in Word rebuilds
        report(describe(outcome))
        made += 1
        if rounds is not None and made >= rounds:
            return
        report(f"watching {len(watched)} file{'s' if len(watched) != 1 else ''} for changes (Ctrl-C to stop)")
        if not _wait_for_change(facts_path, templates_dir, before, interval, stop, out_dir):
            return


def one_round(out_dir: Path, build: Callable[[], object]) -> Round:
    """Build once and compare the outputs' manifest with the last one."""
    old = read_manifest(out_dir)
    started = time.perf_counter()
    try:
        build()
    except FilingsError as e:
        return Round(None, [str(p) for p in e.problems], time.perf_counter() - started)
    return Round(paper_changes(old, read_manifest(out_dir)), [], time.perf_counter() - started, first=old is None)


def describe(outcome: Round) -> str:
    """What a round did, for the terminal: papers made again and why, or the problems."""
    clock = time.strftime("%H:%M:%S")
    if outcome.problems:
        lines = [f"[{clock}] the build failed; the last good outputs are unchanged:"]
        return "\n".join(lines + [f"  {p}" for p in outcome.problems])
    changes = outcome.changes or Changes()
    changed = changes.changed
    if outcome.first:
        return f"[{clock}] built {len(changed)} paper{'s' if len(changed) != 1 else ''} in {outcome.seconds:.1f} s"
    if not changed:
        return f"[{clock}] no paper changed ({outcome.seconds:.1f} s)"
    lines = [f"[{clock}] {len(changed)} paper{'s' if len(changed) != 1 else ''} changed in "
             f"{outcome.seconds:.1f} s:"]
    return "\n".join(lines + [f"  {c.describe()}" for c in changed])


def read_manifest(out_dir: Path) -> dict | None:
    """The last published build's manifest, or None."""
    try:
        return json.loads((Path(out_dir) / STATE_DIR / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def drafts(facts_path: Path, out_dir: Path) -> list[Path]:
    """The drafts an attorney edits in Word (``out_dir``'s DOCX files, of each version) and the
    matter's edits: a save of one is merged by the next build (:mod:`filings.pipeline.drafts`)."""
    from filings.edits.store import FOLDER
    found = [p for folder in (out_dir, out_dir / "confidential") if folder.is_dir()
             for p in sorted(folder.glob("*.docx")) if not p.name.startswith("~$")]
    return found + _files_under(Path(facts_path).parent / FOLDER)


def inputs(facts_path: Path, templates_dir: Path | None = None, out_dir: Path | None = None) -> list[Path]:
    """Every file a build of ``facts_path`` reads: the facts (and their bases), the templates on the search path,
    the exhibits, and (given ``out_dir``) the drafts the attorney may edit. Facts that cannot be
    read give the facts file alone (its next save is built)."""
    from filings.facts.load import load_facts
    from filings.pipeline.builder import template_library

    try:
        matter = load_facts(facts_path)
        library = template_library(matter, templates_dir)
    except FilingsError:  # the facts file and the bases it extends, as far as they can be read
        from filings.facts.extend import facts_files
        return facts_files(facts_path)
    files = matter.source.all_files()  # the facts file and every base file it extends
    own = matter.root / "templates"  # watched before it exists: a matter's first own template
    if own not in library.closed_folders():
        files.append(own)
    for folder in library.closed_folders():  # the folder too: a template added there changes its time
        files += [folder] + _files_under(folder)
    files += [matter.root / e.file for e in matter.facts.exhibits if e.file]
    return files + (drafts(facts_path, out_dir) if out_dir is not None else [])


def _files_under(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / n for n in sorted(names) if not n.startswith((".", "~$"))]
        if len(found) > MAX_TEMPLATE_FILES:
            break
    return found[:MAX_TEMPLATE_FILES]


def signature(files: Iterable[Path]) -> Signature:
    """Each file's size, time and inode (a save by rename changes the inode); None if absent."""
    result: Signature = {}
    for path in files:
        try:
            st = os.stat(path)
            result[str(path)] = (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            result[str(path)] = ()
    return result


def _wait_for_change(facts_path: Path, templates_dir: Path | None, before: Signature, interval: float,
                     stop: threading.Event, out_dir: Path | None = None) -> bool:
    """Poll until an input changed and then held still for one interval; False when stopped."""
    while not stop.wait(interval):
        now = signature(inputs(facts_path, templates_dir, out_dir)) if _changed(before) else None
        if now is None:
            continue
        while not stop.wait(interval):  # settled: two polls in a row alike
            again = signature(now.keys())
            if again == now:
                return True
            now = again
        return False
    return False


def _changed(before: Signature) -> bool:
    return signature(Path(p) for p in before) != before
