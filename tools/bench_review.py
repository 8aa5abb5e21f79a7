"""Benchmark of review against a mark: medians, printed as a table.

    python tools/bench_review.py [--runs 5]

The example built with a warm pool and marked `reviewed` (``filings review mark``), then one
date changed (a date three papers print) and built again. Measured, each in this process:

- `filings diff` (the last two builds) and `filings diff --since reviewed` (the marked build
  against the latest): the whole review, from the history alone (no build), with the redlines
  of the changed papers (DOCX and PDF, warm pool) and both summaries (target: 3 s);
- the part before the redlines: the two builds checked out of the history, the facts and the
  exhibits, bundle and packets compared (no target: what `--since` adds to the redlines);
- what recording a build's holdings costs a build: fingerprinting the build folder's exhibits,
  bundle and packets (:mod:`filings.pipeline.holdings`).

Timings depend on the machine's load: compare ratios, not absolute seconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import built_example, timed  # noqa: E402  (tools/bench.py: the example built with a warm pool)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    from filings.pipeline.builder import build
    from filings.pipeline.history import History
    from filings.pipeline.holdings import fingerprint
    from filings.review import diff
    from filings.review.marks import mark
    from filings.review.sides import new_workdir

    rows = []
    with built_example() as (_, matter, facts, original, warm):
        mark(matter, matter / "build")
        facts.write_text(original.replace("    date: 2024-05-17", "    date: 2024-05-16", 1), encoding="utf-8")
        build(facts, matter / "build", converter=warm)
        records = len(History(matter).records())
        changed = {}

        def last_two() -> None:
            found, _ = diff.run(facts, matter / "build", converter=warm)
            changed["papers"] = [p.key for p in found.papers if p.redline_pdf]

        def since() -> None:
            diff.run(facts, matter / "build", since="reviewed", converter=warm)

        def before_redlines() -> None:
            with new_workdir() as tmp:
                old, new = diff._recorded_sides(matter, matter / "build", "reviewed", None, Path(tmp), print)
                diff.compare(old, new)

        rows.append(("filings diff (the last two builds)", timed(last_two, runs), "<= 3 s"))
        rows.append(("filings diff --since reviewed", timed(since, runs), "<= 3 s"))
        rows.append(("  of which: history checkout and comparison", timed(before_redlines, runs), ""))
        rows.append(("holdings fingerprint of a build (at each build)", timed(lambda: fingerprint(matter / "build"),
                                                                              runs), ""))
        assert len(History(matter).records()) == records, "a diff recorded a build"
    print(f"{'review against a mark':52} {'median s':>9} {'min s':>7} {'max s':>7} {'target':>9}")
    for name, times, target in rows:
        print(f"{name:52} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f} {target:>9}")
    print(f"redlines of {', '.join(changed['papers'])}; {runs} runs, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}\n")


if __name__ == "__main__":
    main()
