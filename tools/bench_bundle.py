"""Benchmark of the exhibit bundle on real-world PDFs: `python tools/bench.py realbundle`.

The corpus is `tests/data/corpus/` (32 PDFs of 157 pages from many producers: Word, LibreOffice,
pdfTeX, XeTeX, Acrobat, AutoCAD, Google Docs, cairo, ImageMagick, scanners, img2pdf...; their
sources and licences are in its README.md). It is repeated to at least 2,000 pages, each copy
byte-distinct (a comment appended after its end), as the exhibits of a matter with no papers,
and bundled by `filings bundle MATTER -q` in a new process, from cold (no build, no OCR cache):

- cold, OCR off, against the naive way measured in the same run: a pypdf merge of the same
  files with a reportlab Bates overlay merged onto every page (no index, covers, links, labels,
  per-exhibit files, clean-up or leak scan);
- cold, OCR on, when a tenth of the exhibits are scans (instead of the exhibit, its first page
  rendered to an image at 150 dpi and made into an image-only PDF: a one-page scanned letter),
  against the OCR-off time; a copy of the corpus repeats its scans, which the OCR cache,
  keyed by the pages' content, reads once;
- the rebuild after one exhibit's title changes.

Each line gives the median wall time and the CPU the run used (its process and every process
it started, workers included), in seconds and as a share of the machine's cores over the wall
time. On a machine shared with other work the wall times grow with the load, the CPU
seconds much less: compare ratios, and CPU seconds when the machine is busy.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
PAGES = 2000


def corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.pdf"))


def _pages(path: Path) -> int:
    import pikepdf
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def make_scan(source: Path, target: Path, dpi: int = 150, pages: int = 1) -> None:
    """The first ``pages`` of ``source`` as a scanner makes them: images, no text (rendered by
    PDFium, saved by Pillow)."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(source))
    try:
        images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                  for i in range(min(pages, len(pdf)))]
    finally:
        pdf.close()
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])


def make_matter(folder: Path, pages: int = PAGES, scans: bool = False) -> tuple[Path, int, int]:
    """A matter whose exhibits are the corpus repeated to ``pages`` pages; with ``scans`` every
    tenth exhibit is a one-page scan of the exhibit it replaces. Returns (matter, exhibits, pages)."""
    files = corpus()
    counts = {f: _pages(f) for f in files}
    exhibits_dir = folder / "exhibits"
    exhibits_dir.mkdir(parents=True)
    rows, total, n = [], 0, 0
    scan_cache: dict[Path, Path] = {}
    while total < pages:
        for f in files:
            n += 1
            target = exhibits_dir / f"{n:04d}-{f.name}"
            pages_here = counts[f]
            if scans and n % 10 == 0:
                if f not in scan_cache:
                    scan_cache[f] = folder / f"scan-{f.name}"
                    make_scan(f, scan_cache[f])
                data, pages_here = scan_cache[f].read_bytes(), 1
            else:
                data = f.read_bytes()
            target.write_bytes(data + b"\n%% filings bench copy %d\n" % n)  # byte-distinct copies
            rows.append((n, target.name))
            total += pages_here
    (folder / "facts.yaml").write_text(_facts(rows, ocr=scans), encoding="utf-8")
    return folder, len(rows), total


def _facts(rows: list[tuple[int, str]], ocr: bool) -> str:
    """The example's facts with these exhibits instead of its own (and no paper citing them)."""
    src = (ROOT / "facts.yaml").read_text(encoding="utf-8")
    start = src.index("\nexhibits:\n")
    end = start + 1 + re.search(r"\n[a-z_]+:", src[start + 1:]).start()
    listed = "".join(f"  - id: ex{n:04d}\n    title: Exhibit file {name}\n    file: exhibits/{name}\n"
                     for n, name in rows)
    body = src[:start] + "\nexhibits:\n" + listed + src[end:]
    body = re.sub(r"\n\s+exhibit: \w+(?=\n)", "", body)  # the example's events cite its own exhibits
    body = re.sub(r"\n  authenticates:.*?(?=\n  [a-z_]+:|\n[a-z_]+:)", "", body, flags=re.S)
    body = re.sub(r"\nbundle:\n", f"\nbundle:\n  ocr: {'true' if ocr else 'false'}\n", body, count=1)
    return body


def _clean(matter: Path) -> None:
    """Back to cold: no build, no state (the OCR cache is the run's own, see _env)."""
    for entry in matter.iterdir():
        if entry.name.startswith(("build", ".build", ".filings")):
            if entry.is_symlink() or entry.is_file():
                entry.unlink()
            else:
                shutil.rmtree(entry)


def _env(cache: Path) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), PYTHONPATH=str(ROOT))
    return env


# Runs a command as a "child subreaper" (Linux prctl PR_SET_CHILD_SUBREAPER): every process it
# starts, even one whose parent never waits for it (multiprocessing's forkserver, whose
# workers do the bundle's work), is reaped here, so its CPU time counts in RUSAGE_CHILDREN.
REAPER = """import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
code = subprocess.call(sys.argv[1:])
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.exit(code)
"""


def timed_command(command: list[str], env: dict) -> dict:
    """Run ``command``; its wall time and the CPU seconds it and all its descendants used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", REAPER, *command], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": wall, "cpu": cpu, "stderr": proc.stderr}


def bundle_cold(matter: Path, scratch: Path) -> dict:
    _clean(matter)
    cache = scratch / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    return timed_command([sys.executable, "-m", "filings", "bundle", str(matter), "-q"], _env(cache))


def retitled(matter: Path, scratch: Path, n: int) -> dict:
    """The rebuild after the first exhibit's title changes (the last build's outputs in place)."""
    facts = matter / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(re.sub(r"(title: Exhibit file \S+)", rf"\1 (retitled {n})", text, count=1), encoding="utf-8")
    return timed_command([sys.executable, "-m", "filings", "bundle", str(matter), "-q"], _env(scratch / "cache"))


def naive(matter: Path, out: Path) -> dict:
    """The naive way, in a process of its own: pypdf merge plus a reportlab overlay per page."""
    return timed_command([sys.executable, __file__, "_naive", str(matter / "exhibits"), str(out)], dict(os.environ))


def _naive_once(folder: Path, out: Path) -> None:
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen.canvas import Canvas

    writer = PdfWriter()
    for path in sorted(folder.glob("*.pdf")):
        writer.append(PdfReader(path))
    for n, page in enumerate(writer.pages, 1):
        buffer = io.BytesIO()
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        canvas = Canvas(buffer, pagesize=(width, height))
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(width - 54, 12, f"ACME-{n:06d}")
        canvas.save()
        page.merge_page(PdfReader(buffer).pages[0])
    with open(out, "wb") as fh:
        writer.write(fh)


def _row(name: str, results: list[dict], cores: int, note: str = "") -> float:
    times = [r["seconds"] for r in results]
    median = statistics.median(times)
    cpu = statistics.median(r["cpu"] / r["seconds"] / cores * 100 for r in results)
    cpu_s = statistics.median(r["cpu"] for r in results)
    print(f"{name:46} {median:9.2f} {min(times):7.2f} {max(times):7.2f} {cpu_s:7.2f} {cpu:5.0f}%  {note}", flush=True)
    return median


def bench_realbundle(runs: int = 3) -> dict:
    cores = os.cpu_count() or 1
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="filings-realbundle-") as tmp:
        tmp_path = Path(tmp)
        matter, exhibits, pages = make_matter(tmp_path / "real")
        scanned, _, scan_pages = make_matter(tmp_path / "scanned", scans=True)
        print(f"real-world bundle: {exhibits} exhibits, {pages:,} pages ({len(corpus())} corpus PDFs repeated, "
              f"byte-distinct); {runs} runs, {cores} cores")
        print(f"{'':46} {'median s':>9} {'min s':>7} {'max s':>7} {'CPU s':>7} {'CPU':>5}", flush=True)
        naive_runs, cold_runs, ocr_runs, title_runs = [], [], [], []
        for n in range(runs):  # interleaved, so a change in the machine's load touches both alike
            naive_runs.append(naive(matter, tmp_path / "naive.pdf"))
            cold_runs.append(bundle_cold(matter, tmp_path))
            title_runs.append(retitled(matter, tmp_path, n))
        figures["naive"] = _row("naive: pypdf merge + reportlab Bates overlay", naive_runs, cores)
        figures["cold"] = _row("filings bundle, cold, OCR off", cold_runs, cores)
        figures["title"] = _row("rebuild after one exhibit's title changed", title_runs, cores)
        cpu = {name: statistics.median(r["cpu"] for r in rs)
               for name, rs in (("naive", naive_runs), ("cold", cold_runs))}
        print(f"CPU seconds, cold / naive: {cpu['cold'] / cpu['naive']:.2f}x")
        print(f"cold / naive: {figures['cold'] / figures['naive']:.2f}x (target < 0.5); "
              f"title change: {figures['title']:.2f} s (target <= 2 s)", flush=True)
        for n in range(runs):
            ocr_runs.append(bundle_cold(scanned, tmp_path))
        figures["ocr"] = _row(f"filings bundle, cold, OCR on (1/10 scans, {scan_pages:,} p)", ocr_runs, cores)
        print(f"OCR on / OCR off: {figures['ocr'] / figures['cold']:.2f}x (target < 2)")
        noisy = [line for r in cold_runs + ocr_runs for line in r["stderr"].splitlines()
                 if line.strip() and not line.startswith("warning: ")]
        print(f"lines on stderr of the cold builds with -q other than warnings: {len(noisy)}" +
              (f" (first: {noisy[0][:100]})" if noisy else ""), flush=True)
    figures["cpu"] = {name: statistics.median(r["cpu"] for r in rs) for name, rs in
                      (("naive", naive_runs), ("cold", cold_runs), ("title", title_runs), ("ocr", ocr_runs))}
    return figures


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_naive":
        _naive_once(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    print(json.dumps(bench_realbundle(runs)))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
