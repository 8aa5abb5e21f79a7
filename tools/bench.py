"""Benchmark: medians against the naive way, printed as tables.

    python tools/bench.py [papers|scale|bundle|realbundle|redlines|edits|campaign|all] [--runs 5]

papers (the naive way: one cold LibreOffice per paper, then pypdf merges the packet):
- render: every template rendered, no conversion (what `filings check` costs);
- build: the whole example matter, one cold LibreOffice run for papers and exhibits;
- build, warm: the same with the warm LibreOffice pool already running (a later build);
- convert the example's 11 documents (8 papers, 3 Word exhibits): one cold LibreOffice run,
  the warm pool with one instance, the warm pool with one instance per core;
- `filings --help`: the command's start-up (and Python's own, for scale);
- the `filings build` command (a new process: interpreter, imports, build) after one date
  change and with nothing changed, the pool warm: what an attorney waits for.
scale (a generated matter of 25, 50, 100 and 200 papers, built from an empty folder with
the pool warm): seconds per paper, to show the growth is linear, and how busy the cores
were (system-wide, from /proc/stat: both cores busy is 100%).
bundle (each run in a fresh process, so peak memory is the run's own):
- 1,000 pages (50 exhibits x 20 pages) and 10,000 pages (500 x 20) through make_bundle;
- naive: pypdf merging the same 1,000 pages and stamping each with a reportlab overlay.
realbundle: 2,000+ pages of real-world PDFs, cold, OCR off and on, against the naive way,
and a title change (tools/bench_bundle.py).
redlines: `filings diff` after a one-date change read by three papers, warm pool: the fact
diff, the redline DOCX and PDF of each changed paper, the summary (target: 3 s); and 20
papers' redlines, DOCX and PDF with its cover, made in parallel (target: 8 s).
campaign: 50, 100 and 200 matters of five papers built by one command, then again after a shared
fact and after one matter's fact changed (tools/bench_campaign.py; several minutes).
Timings depend on the machine's load: compare ratios, not absolute seconds.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FACTS = ROOT / "facts.yaml"


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def render_all(tmp: Path) -> list:
    """Every paper of the example rendered into ``tmp``; the built papers."""
    from filings.facts.load import load_facts
    from filings.pipeline.builder import plan_build, template_library
    from filings.pipeline.versionbuild import render_papers
    from filings.papers.render import Renderer

    matter = load_facts(FACTS)
    plan, context = plan_build(matter)
    return render_papers(Renderer(template_library(matter), context), list(plan.papers), tmp)


def example_documents(folder: Path) -> list[Path]:
    """The documents a build of the example converts (papers and Word exhibits), copied into ``folder``."""
    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline.builder import build

    class Keep(LibreOffice):
        def convert(self, sources, out_dir):
            folder.mkdir(parents=True, exist_ok=True)
            for n, source in enumerate(sources):
                shutil.copyfile(source, folder / f"{n:02d}-{Path(source).name}")
            return super().convert(sources, out_dir)

    with tempfile.TemporaryDirectory() as tmp:
        build(FACTS, Path(tmp) / "build", converter=Keep())
    return sorted(folder.glob("*.docx"))


def warm_pool(pool_dir: Path):
    """A pool with every instance already started: what a later build finds."""
    from filings.convert.instances import Slot, start_instance
    from filings.convert.pool import Pool

    pool = Pool(directory=pool_dir)
    for n in range(pool.size):
        start_instance(Slot(pool_dir, n), pool.settings)
    return pool


def example_matter(folder: Path) -> tuple[Path, str]:
    """A copy of the example matter in ``folder``: its facts file and their text."""
    folder.mkdir()
    original = FACTS.read_text(encoding="utf-8")
    (folder / "facts.yaml").write_text(original, encoding="utf-8")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    return folder / "facts.yaml", original


def bench_papers(runs: int) -> None:
    from filings.convert.libreoffice import LibreOffice
    from filings.pipeline.pdf import merge, Part
    from filings.pipeline.builder import build
    from filings.convert.pool import Pool

    def render_only() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            render_all(Path(tmp))

    def full_build(converter=None) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            build(FACTS, Path(tmp) / "build", converter=converter)

    def naive_build() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            built = render_all(Path(tmp))
            converter = LibreOffice()
            pdfs = [converter.convert([b.docx], Path(tmp) / "pdf")[0] for b in built]
            merge([Part(p, p.stem) for p in pdfs], Path(tmp) / "packet.pdf", title="packet")

    with tempfile.TemporaryDirectory() as tmp:
        docs = example_documents(Path(tmp) / "docs")
        pool_dir = Path(tmp) / "pool"
        warm = warm_pool(pool_dir)
        one = Pool(1, directory=pool_dir)

        def convert(converter) -> None:
            with tempfile.TemporaryDirectory() as out:
                pdfs = converter.convert(docs, Path(out))
                assert not getattr(converter, "warned", False) and len(pdfs) == len(docs)

        # A matter built once, then built again: with one date changed (the declaration's, read
        # by one paper), and with nothing changed.
        matter = Path(tmp) / "matter"
        facts, original = example_matter(matter)
        dates = iter(f"  signed: 2024-07-{day:02d}" for day in range(1, 29))

        def one_date_changed() -> None:
            facts.write_text(original.replace("  signed: 2024-07-09", next(dates), 1), encoding="utf-8")
            result = build(facts, matter / "build", converter=warm)
            assert [b.paper.name for b in result.papers if not b.carried] == ["declaration"], result.summary()

        def nothing_changed() -> None:
            assert build(facts, matter / "build", converter=warm).unchanged

        command = [sys.executable, "-m", "filings", "build", str(matter), "--quiet"]
        command_env = _command_env(pool_dir)

        def command_one_date() -> None:
            facts.write_text(original.replace("  signed: 2024-07-09", next(dates), 1), encoding="utf-8")
            out = subprocess.run(command, check=True, capture_output=True, text=True, env=command_env, cwd=ROOT)
            assert "built 1 paper (declaration)" in out.stdout, out.stdout

        def command_nothing() -> None:
            out = subprocess.run(command, check=True, capture_output=True, text=True, env=command_env, cwd=ROOT)
            assert "nothing changed" in out.stdout, out.stdout

        try:
            full_build()  # warm the LibreOffice profile and the disk cache once
            build(facts, matter / "build", converter=warm)
            rows = [("render all templates (no PDF)", timed(render_only, runs)),
                    ("build: papers + bundle, cold LibreOffice run", timed(full_build, runs)),
                    ("build: papers + bundle, warm pool", timed(lambda: full_build(warm), runs)),
                    ("naive: 1 cold LibreOffice per paper + merge", timed(naive_build, runs)),
                    (f"convert {len(docs)} documents: 1 cold run", timed(lambda: convert(LibreOffice()), runs)),
                    (f"convert {len(docs)} documents: warm, 1 instance", timed(lambda: convert(one), runs)),
                    (f"convert {len(docs)} documents: warm, {warm.size} instances",
                     timed(lambda: convert(warm), runs)),
                    ("filings --help", timed(lambda: run([sys.executable, "-m", "filings", "--help"]), runs)),
                    ("rebuild after one date change, warm pool", timed(one_date_changed, runs)),
                    ("rebuild with nothing changed", timed(nothing_changed, runs)),
                    ("`filings build` command, one date changed", timed(command_one_date, runs)),
                    ("`filings build` command, nothing changed", timed(command_nothing, runs)),
                    ("python -c pass (for scale)", timed(lambda: run([sys.executable, "-c", "pass"]), runs))]
        finally:
            warm.stop()
    naive = statistics.median(rows[3][1])
    cold_convert = statistics.median(rows[4][1])
    print(f"{'papers':48} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>9}")
    for n, (name, times) in enumerate(rows):
        median = statistics.median(times)
        ratio = (f"{naive / median:.1f}x" if n in (1, 2, 8, 9, 10, 11) else
                 f"{cold_convert / median:.1f}x" if n in (5, 6) else "")
        print(f"{name:48} {median:9.2f} {min(times):7.2f} {max(times):7.2f} {ratio:>9}")
    print(f"ratios: naive / build for builds and rebuilds (in-process rows have no interpreter start-up; the "
          f"command rows have it, with the imports), cold run / warm "
          f"for conversions; the build also makes the bundle; "
          f"{runs} runs each, {os.cpu_count()} cores\n")


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=_command_env(None))


def _command_env(pool_dir: Path | None) -> dict:
    """A user's environment: Python caches its bytecode (this machine's PYTHONDONTWRITEBYTECODE
    would make every start compile the package again), and the warm pool is the bench's own."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    if pool_dir is not None:
        env["FILINGS_POOL_DIR"] = str(pool_dir)
    return env


def generated_matter(folder: Path, papers: int) -> Path:
    """The example matter with ``papers`` papers: the shipped nine, then declarations,
    proposed orders and motions of the matter's own (each with its own name and title), all
    filed with the motion. What it exercises is the per-paper cost: render, convert, merge."""
    import yaml

    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    text = FACTS.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    shipped = [p for f in data["filings"] for p in f["papers"]]
    templates = ["declaration.docx", "proposed-order.docx", "motion.docx"]
    own = [{"name": f"paper-{n:03d}", "template": templates[n % len(templates)], "title": f"Paper {n}"}
           for n in range(max(0, papers - len(shipped) - len(data["filings"])))]
    lines = ["papers:"] + [f"  - {name}" for name in shipped + ["certificate-of-service"]]
    lines += [f"  - {{name: {p['name']}, template: {p['template']}, title: {p['title']}}}" for p in own]
    marker = "    papers: [motion, tro-order, proposed-order, declaration]"
    assert marker in text
    text = text.replace(marker, "    papers: [motion, tro-order, proposed-order, declaration"
                        + "".join(f", {p['name']}" for p in own) + "]")
    (folder / "facts.yaml").write_text(text + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return folder / "facts.yaml"


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _tree_cpu(pool_dir: Path) -> float:
    """CPU seconds used so far by this process and its children, and by every process of the
    pool (its servers and their LibreOffice, found by the pool's folder on their command line)."""
    tick = os.sysconf("SC_CLK_TCK")
    own = os.times()
    total = own.user + own.system + own.children_user + own.children_system
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if str(pool_dir).encode() not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def bench_scale(runs: int) -> None:
    from filings.facts.load import load_facts
    from filings.pipeline.builder import build, plan_build

    sizes = (25, 50, 100, 200)
    runs = max(1, min(runs, 3))
    with tempfile.TemporaryDirectory() as tmp:
        pool_dir = Path(tmp) / "pool"
        warm = warm_pool(pool_dir)
        rows = []
        try:
            for size in sizes:
                facts = generated_matter(Path(tmp) / f"m{size}", size)
                planned = len(plan_build(load_facts(facts))[0].papers)  # with the certificates it adds
                times, ours, machine = [], [], []
                for r in range(runs):
                    out = Path(tmp) / f"m{size}" / f"build{r}"
                    cpu0, tree0, started = _cpu_jiffies(), _tree_cpu(pool_dir), time.perf_counter()
                    result = build(facts, out, converter=warm)
                    wall = time.perf_counter() - started
                    cpu1, tree1 = _cpu_jiffies(), _tree_cpu(pool_dir)
                    times.append(wall)
                    ours.append((tree1 - tree0) / (wall * (os.cpu_count() or 1)))
                    machine.append((cpu1[0] - cpu0[0]) / max(1, cpu1[1] - cpu0[1]))
                    assert len(result.papers) == planned, (planned, len(result.papers))
                rows.append((planned, statistics.median(times), statistics.median(ours), statistics.median(machine)))
        finally:
            warm.stop()
    print(f"{'scale: full build, warm pool, empty folder':48} {'median s':>9} {'s/paper':>8} {'ours busy':>10} "
          f"{'machine':>8}")
    for size, median, ours, machine in rows:
        print(f"{f'{size} papers':48} {median:9.2f} {median / size:8.3f} {ours:10.0%} {machine:8.0%}")
    (small, t_small, *_), (large, t_large, *_) = rows[0], rows[-1]
    marginal = (t_large - t_small) / (large - small)
    print(f"marginal cost {marginal:.3f} s/paper from {small} to {large} papers; {large}/{small} papers took "
          f"{t_large / t_small:.1f}x the time (linear: at most {large / small:.0f}x); {runs} runs each, "
          f"{os.cpu_count()} cores; 'ours busy': CPU time of the build and the pool's LibreOffice / (wall x cores); "
          "'machine': every process's, from /proc/stat\n")


def make_inputs(folder: Path, exhibits: int, pages: int) -> list[Path]:
    """``exhibits`` PDFs of ``pages`` text pages each, made with reportlab."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for e in range(exhibits):
        path = folder / f"exhibit-{e:04d}.pdf"
        canvas = Canvas(str(path), pagesize=LETTER, invariant=1)
        for p in range(pages):
            canvas.setFont("Times-Roman", 11)
            for line in range(40):
                canvas.drawString(72, 720 - 15 * line, f"Exhibit {e} page {p} line {line}: the quick brown fox")
            canvas.showPage()
        canvas.save()
        paths.append(path)
    return paths


def run_bundle_once(folder: Path, out: Path, naive: bool) -> dict:
    """One bundle build in this process; returns seconds, pages and peak memory."""
    paths = sorted(folder.glob("*.pdf"))
    started = time.perf_counter()
    pages = naive_bundle(paths, out) if naive else our_bundle(paths, out)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": pages,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def our_bundle(paths: list[Path], out: Path) -> int:
    from filings.exhibits.bundle import make_bundle
    from filings.exhibits.exhibit import BatesStyle, ExhibitPdf

    exhibits = [ExhibitPdf(id=p.stem, mark=str(i + 1), title=f"Exhibit file {p.stem}", date="May 20, 2024",
                           short_date="May 20, 2024", description="", pdf=p, source=p)
                for i, p in enumerate(paths)]
    result = make_bundle(exhibits, out, bates=BatesStyle("SEKO-", 1, 6), heading="INDEX OF EXHIBITS",
                         caption=["A v. B"], size_limit_mb=35, warn=lambda _: None)
    return result.total_pages


def naive_bundle(paths: list[Path], out: Path) -> int:
    """What a short script would do: pypdf merge, a reportlab stamp page merged onto each page."""
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen.canvas import Canvas

    writer = PdfWriter()
    for path in paths:
        writer.append(PdfReader(path))
    for n, page in enumerate(writer.pages, 1):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(float(page.mediabox.width), float(page.mediabox.height)))
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(float(page.mediabox.width) - 54, 12, f"SEKO-{n:06d}")
        canvas.save()
        page.merge_page(PdfReader(buffer).pages[0])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "naive.pdf", "wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def bundle_in_subprocess(folder: Path, naive: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, __file__, "_bundle_once", str(folder), tmp] + (["--naive"] if naive else []),
                              capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def bench_bundle(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "50x20", Path(tmp) / "500x20"
        make_inputs(small, 50, 20)
        make_inputs(large, 500, 20)
        cases = [("bundle 1,000 pages (50 x 20)", small, False, runs),
                 ("naive 1,000 pages (pypdf + overlay)", small, True, runs),
                 ("bundle 10,000 pages (500 x 20)", large, False, max(1, runs // 2))]
        print(f"{'bundle':40} {'pages':>6} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8}")
        medians = {}
        for name, folder, naive, n in cases:
            results = [bundle_in_subprocess(folder, naive) for _ in range(n)]
            times = [r["seconds"] for r in results]
            medians[name] = statistics.median(times)
            print(f"{name:40} {results[0]['pages']:6d} {medians[name]:9.2f} {min(times):7.2f} "
                  f"{max(times):7.2f} {max(r['peak_mb'] for r in results):8.0f}")
        ratio = medians[cases[1][0]] / medians[cases[0][0]]
        print(f"naive / bundle at 1,000 pages: {ratio:.1f}x (the naive way has no index, covers, links, "
              "labels or per-exhibit files)")


@contextlib.contextmanager
def built_example():
    """The example matter in a temporary folder, built once with a warm pool: (tmp, matter,
    facts, its original text, the pool)."""
    from filings.pipeline.builder import build

    with tempfile.TemporaryDirectory() as tmp:
        matter = Path(tmp) / "matter"
        facts, original = example_matter(matter)
        warm = warm_pool(Path(tmp) / "pool")
        try:
            build(facts, matter / "build", converter=warm)
            yield Path(tmp), matter, facts, original, warm
        finally:
            warm.stop()


PLAINTIFF_ADDED = (("organizations:\n  seko:\n",
                    "organizations:\n  harbor:\n    name: Harbor Freight Forwarding, Inc.\n    short: Harbor\n"
                    "    kind: corporation\n    state: Delaware\n    address: [1 Dock Street, \"Wilmington, Delaware 19801\"]\n"
                    "    description: >-\n      a customs broker\n    parent: Harbor Holdings, LLC\n    public_owners: []\n"
                    "    affiliates: []\n  seko:\n"),
                   ("plaintiffs: [seko]", "plaintiffs: [seko, harbor]"))


def bench_redlines(runs: int) -> None:
    """The whole redline set of the example after one date change (a date three papers print),
    warm pool: what `filings diff` costs after the build (target: 3 s); then 20 papers' redlines
    (the example's papers after a plaintiff is added, repeated to 20): the engine on every
    paper in parallel, then the display documents converted on the pool and their covers
    (target: 8 s)."""
    import datetime as dt

    from filings.pipeline.builder import build
    from filings.review import diff
    from filings.review.redline import Pair, redline_all, redline_pdfs

    with built_example() as (tmp, matter, facts, original, warm):
        before = tmp / "before"
        shutil.copytree(matter / "build", before, symlinks=False)
        facts.write_text(original.replace("    date: 2024-05-17", "    date: 2024-05-16", 1), encoding="utf-8")
        build(facts, matter / "build", converter=warm)
        made = {}

        def redlines() -> None:
            found, _ = diff.run(facts, matter / "build", converter=warm)
            made["papers"] = [p.key for p in found.papers if p.redline_pdf]

        times = timed(redlines, runs)

        text = original
        for old, new in PLAINTIFF_ADDED:
            text = text.replace(old, new, 1)
        facts.write_text(text, encoding="utf-8")
        build(facts, matter / "build", converter=warm)
        after = tmp / "after"
        shutil.copytree(matter / "build", after, symlinks=False)
        changed = [p.relative_to(after) for p in sorted(after.glob("*.docx"))
                   if (before / p.relative_to(after)).read_bytes() != p.read_bytes()]
        pairs = [Pair(f"{i:02d}-{changed[i % len(changed)].stem}", before / changed[i % len(changed)],
                      after / changed[i % len(changed)]) for i in range(20)]
        when = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)
        split = {"engine": [], "pdf": [], "cpu": []}

        def twenty() -> None:
            out = tmp / "twenty"
            shutil.rmtree(out, ignore_errors=True)
            started = time.perf_counter()
            cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            docx = redline_all(pairs, out, when=when)
            after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            split["cpu"].append(after_cpu.ru_utime + after_cpu.ru_stime - cpu.ru_utime - cpu.ru_stime)
            split["engine"].append(time.perf_counter() - started)
            started = time.perf_counter()
            redline_pdfs(docx, warm, versions=("before", "after"))
            split["pdf"].append(time.perf_counter() - started)

        many = timed(twenty, runs)
    median = statistics.median(times)
    print(f"{'redlines':48} {'median s':>9} {'min s':>7} {'max s':>7} {'target':>9}")
    name = f"redline set after one date change ({len(made['papers'])} papers), warm"
    print(f"{name:48} "
          f"{median:9.2f} {min(times):7.2f} {max(times):7.2f} {'<= 3 s':>9}")
    print(f"{'20 papers redlined, warm':48} {statistics.median(many):9.2f} {min(many):7.2f} {max(many):7.2f} "
          f"{'<= 8 s':>9}")
    for part, label in (("engine", "  of which the engine (DOCX tracked changes)"),
                        ("pdf", "  of which display documents, PDF and covers")):
        print(f"{label:48} {statistics.median(split[part]):9.2f} {min(split[part]):7.2f} {max(split[part]):7.2f}")
    cpu = statistics.median(split["cpu"])
    print(f"{'  CPU of the engines, all 20 papers (s)':48} {cpu:9.2f}  = {cpu / 20:.2f} s a paper, "
          f"{cpu / (os.cpu_count() or 1):.2f} s on {os.cpu_count()} idle cores")
    print(f"the fact diff, {', '.join(made['papers'])} compared (DOCX tracked changes), their display documents "
          f"converted to PDF behind a cover, the summary; 20 papers: {len(changed)} papers a new plaintiff changes, "
          f"repeated; {runs} runs, {os.cpu_count()} cores\n")


def bench_edits(runs: int) -> None:
    """The merge of an edited complaint with the draft of new facts (target: 0.5 s a paper), and
    what looking for edits costs a build that has none (the check of the drafts' bytes)."""
    import docx
    from filings.edits.check import lost_edits
    from filings.edits.package import merge_docx
    from filings.pipeline.builder import build
    from filings.pipeline.drafts import pick_up
    from filings.pipeline.outputs import Generation

    with built_example() as (tmp, matter, facts, original, warm):
        current = (matter / "build").resolve()
        nothing = timed(lambda: pick_up(matter, Generation(tmp / "unused", current), matter / "build",
                                        {}, lambda _: None, lambda _: None), runs)
        base = tmp / "base.docx"
        shutil.copy(matter / "build" / "complaint.docx", base)
        d = docx.Document(base)
        long = sorted(d.paragraphs, key=lambda p: len(p.text))[-6:]
        for p in long[:3]:
            p.add_run(" An attorney's added sentence.")
        long[3]._p.getparent().remove(long[3]._p)
        edited = tmp / "edited.docx"
        d.save(edited)
        facts.write_text(original.replace("    date: 2024-05-17", "    date: 2024-05-16", 1)
                         .replace("judge: Claire R. Kelly", "judge: Jane A. Restani"), encoding="utf-8")
        build(facts, matter / "build", converter=warm)
        new = tmp / "new.docx"
        shutil.copy(matter / "build" / ".filings" / "drafts" / "complaint.docx", new)

        def merge() -> None:
            merge_docx(base, edited, new, tmp / "merged.docx", author="filings (bench)",
                       date="2024-06-03T00:00:00Z", cause="the facts")
            assert not lost_edits(base, edited, tmp / "merged.docx")

        times = timed(merge, runs)
    print(f"{'edits':48} {'median s':>9} {'min s':>7} {'max s':>7} {'target':>9}")
    print(f"{'merge of the edited complaint with new facts':48} {statistics.median(times):9.3f} {min(times):7.3f} "
          f"{max(times):7.3f} {'<= 0.5 s':>9}")
    print(f"{'looking for edits, a build with none':48} {statistics.median(nothing):9.4f} {min(nothing):7.4f} "
          f"{max(nothing):7.4f} {'~0':>9}")
    print(f"the merge includes the check that no edit was dropped; {runs} runs, {os.cpu_count()} cores\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_bundle_once":
        print(json.dumps(run_bundle_once(Path(sys.argv[2]), Path(sys.argv[3]), "--naive" in sys.argv)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=["papers", "scale", "bundle", "realbundle", "redlines", "edits", "campaign", "all"], default="all")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.what in ("papers", "all"):
        bench_papers(args.runs)
    if args.what in ("scale", "all"):
        bench_scale(args.runs)
    if args.what in ("bundle", "all"):
        bench_bundle(args.runs)
    if args.what in ("realbundle", "all"):  # real-world PDFs, 2,000+ pages: tools/bench_bundle.py
        from bench_bundle import bench_realbundle
        bench_realbundle(max(1, min(args.runs, 3)))
    if args.what in ("redlines", "all"):
        bench_redlines(args.runs)
    if args.what in ("edits", "all"):
        bench_edits(args.runs)
    if args.what in ("campaign", "all"):  # 50, 100 and 200 matters: several minutes (tools/bench_campaign.py)
        from bench_campaign import bench_campaign
        bench_campaign()


if __name__ == "__main__":
    main()
