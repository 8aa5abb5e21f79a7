"""Benchmark: medians of the build against the naive way, printed as a table.

    python tools/bench.py [--runs 3]

- render: every template rendered, no conversion (what `filings check` costs);
- build: the whole example matter, one LibreOffice run for all papers, plus the packet;
- naive: the same papers converted with one LibreOffice start per paper.
Timings depend on the machine's load: compare ratios, not absolute seconds.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from filings.context import build_context  # noqa: E402
from filings.convert import LibreOffice  # noqa: E402
from filings.facts import load_facts  # noqa: E402
from filings.papers import select_papers  # noqa: E402
from filings.pipeline import DEFAULT_TEMPLATES, build, render_papers  # noqa: E402
from filings.render import Renderer  # noqa: E402

FACTS = ROOT / "facts.yaml"


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def render_only() -> None:
    matter = load_facts(FACTS)
    with tempfile.TemporaryDirectory() as tmp:
        render_papers(Renderer(DEFAULT_TEMPLATES, build_context(matter)), select_papers(matter.facts), Path(tmp))


def full_build() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build(FACTS, Path(tmp) / "build")


def naive_build() -> None:
    matter = load_facts(FACTS)
    with tempfile.TemporaryDirectory() as tmp:
        built = render_papers(Renderer(DEFAULT_TEMPLATES, build_context(matter)),
                              select_papers(matter.facts), Path(tmp))
        converter = LibreOffice()
        for b in built:
            converter.convert([b.docx], Path(tmp) / "pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    full_build()  # warm the LibreOffice profile and the disk cache once
    rows = [("render all templates (no PDF)", timed(render_only, args.runs)),
            ("build: 1 LibreOffice run + packet", timed(full_build, args.runs)),
            ("naive: 1 LibreOffice run per paper", timed(naive_build, args.runs))]
    print(f"{'case':40} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, times in rows:
        print(f"{name:40} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f}")
    ratio = statistics.median(rows[2][1]) / statistics.median(rows[1][1])
    print(f"naive / build: {ratio:.1f}x  ({args.runs} runs each)")


if __name__ == "__main__":
    main()
