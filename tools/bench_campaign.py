"""Benchmark of campaigns: many matters built by one command (issue 21).

    python tools/bench_campaign.py [--sizes 50,100,200] [--jobs N] [--full] [--compare-jobs]
    python tools/bench.py campaign          (the same, from `make bench`)

A campaign of N matters, each the protest sample (five papers: summons, Form 5 and Form 13
statements, complaint, certificate of service) for an importer of its own (name, address,
importer number, entries), is built with :func:`filings.pipeline.campaign.build_many` (what
``filings build campaign/`` runs) on the warm pool, the pool started before the clock:

- from empty: every matter built;
- after one shared fact changes (the firm's suite number, printed in every paper's signature
  block: every paper of every matter is made again);
- after one matter's fact changes (one entry's number: that matter's papers that print it are
  made again, the others' builds find nothing changed).

For each: wall seconds, seconds per matter, and how busy the two cores were: "ours" is the CPU
time of this process, its workers and the pool's LibreOffice over wall x cores; "machine" is
every process's, from /proc/stat (other users' work included), and the load average at the end
of each run. The growth is linear when the seconds per matter stay flat from 50 to 200 matters
at a like load.

The matters extend one shared ``base.yaml`` (``extends: ../base.yaml`` and the plaintiff's
facts), and the shared fact is changed once, in the base, as a firm would. ``--full`` writes
each matter's facts in full instead (a copy of the sample with its plaintiff's facts), the
shared fact changed in every copy: the way before facts could extend facts.
``--compare-jobs`` also builds the smallest campaign with 1, 2 and 3 workers.
Timings depend on the machine's load: compare ratios, not absolute seconds.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "filings" / "facts" / "samples" / "protest.yaml"
SUITE = "Suite 3300"


def make_campaign(folder: Path, size: int, extends: bool) -> list[Path]:
    """``size`` matters in ``folder``, each the protest sample for its own importer."""
    import yaml

    text = SAMPLE.read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    if extends:  # the base is outside each matter's folder: the campaign's folder is the matters' root
        (folder / "base.yaml").write_text(text, encoding="utf-8")
        (folder / "filings-root").write_text("", encoding="utf-8")
    matters = []
    for n in range(size):
        matter = folder / f"importer-{n:03d}"
        (matter / "exhibits").mkdir(parents=True)
        plaintiff = {"name": f"Importer {n:03d} Trading Inc.", "short": f"Importer {n:03d}",
                     "kind": "corporation", "state": "Delaware",
                     "address": [f"{100 + n} Harbor Road", "Dover, Delaware 19901"],
                     "importer_number": f"2410{n:02d}-{n:05d}"[-12:]}
        entries = [{"number": f"8TG-{n:04d}763-5", "date": "2024-05-14", "liquidated": "2024-09-27"},
                   {"number": f"8TG-{n:04d}921-0", "date": "2024-06-03", "liquidated": "2024-10-18"}]
        if extends:
            data = yaml.safe_load(text)
            protest = dict(data["protests"][0], entries=entries)
            own = {"extends": "../base.yaml", "organizations": {"plaintiff": plaintiff}, "protests": [protest]}
            (matter / "facts.yaml").write_text(yaml.safe_dump(own, sort_keys=False), encoding="utf-8")
        else:
            own = text.replace("name: Tidewater Outdoor Goods LLC", f"name: {plaintiff['name']}", 1)
            own = own.replace("short: Tidewater", f"short: {plaintiff['short']}", 1)
            own = own.replace("2200 Bay Street", plaintiff["address"][0], 1)
            own = own.replace("8TG-0412763-5", entries[0]["number"], 1).replace("8TG-0413921-0", entries[1]["number"], 1)
            assert own.count(plaintiff["name"]) == 1 and entries[1]["number"] in own
            (matter / "facts.yaml").write_text(own, encoding="utf-8")
        matters.append(matter)
    return matters


def change_shared_fact(folder: Path, matters: list[Path], extends: bool) -> None:
    """The firm's suite number, in the base (``--extends``) or in every matter's facts."""
    for path in [folder / "base.yaml"] if extends else [m / "facts.yaml" for m in matters]:
        text = path.read_text(encoding="utf-8")
        assert SUITE in text, path
        path.write_text(text.replace(SUITE, "Suite 3400"), encoding="utf-8")


def change_one_matter(matter: Path) -> None:
    path = matter / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("921-0", "921-9", 1), encoding="utf-8")


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def our_cpu(pool_dir: Path) -> float:
    """CPU seconds so far of this process, its descendants (the workers, started by the forkserver,
    and the processes they ran: what they reaped included) and the pool's servers and LibreOffice
    (found by the pool's folder on their command line)."""
    tick = os.sysconf("SC_CLK_TCK")
    own = os.times()
    total = own.user + own.system + own.children_user + own.children_system
    parents, stats = {}, {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        pid = int(proc.name)
        parents[pid] = int(fields[1])
        stats[pid] = (sum(int(f) for f in fields[11:15]) / tick, str(pool_dir).encode() in cmdline)
    me = os.getpid()

    def descends(pid: int) -> bool:
        seen = set()
        while pid not in (0, 1, me) and pid not in seen:
            seen.add(pid)
            pid = parents.get(pid, 0)
        return pid == me

    for pid, (seconds, in_pool) in stats.items():
        if pid != me and (in_pool or descends(pid)):
            total += seconds
    return total


def timed_build(matters: list[Path], jobs: int, pool_dir: Path) -> dict:
    from filings.pipeline.campaign import Options, build_many

    cpu0, ours0, started = cpu_jiffies(), our_cpu(pool_dir), time.perf_counter()
    results = build_many(matters, Options(), jobs=jobs)
    wall = time.perf_counter() - started
    cpu1, ours1 = cpu_jiffies(), our_cpu(pool_dir)
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} matters failed, first: {failed[0].line()}")
    cores = os.cpu_count() or 1
    load = float(Path("/proc/loadavg").read_text().split()[0])
    return {"load": load, "wall": wall, "matters": len(matters), "made": sum(r.made for r in results),
            "unchanged": sum(r.unchanged for r in results), "ours": (ours1 - ours0) / (wall * cores),
            "machine": (cpu1[0] - cpu0[0]) / max(1, cpu1[1] - cpu0[1])}


def row(label: str, m: dict) -> str:
    return (f"{label:46} {m['wall']:8.1f} {m['wall'] / m['matters']:9.3f} {m['made']:7d} {m['unchanged']:9d} "
            f"{m['ours']:6.0%} {m['machine']:8.0%} {m['load']:5.1f}")


def bench_campaign(sizes: tuple[int, ...] = (50, 100, 200), jobs: int | None = None, extends: bool = True,
                   compare_jobs: bool = False) -> None:
    from filings.pipeline.campaign import workers_for

    with tempfile.TemporaryDirectory(prefix="filings-bench-campaign-") as tmp:
        pool_dir = Path(tmp) / "pool"
        os.environ["FILINGS_POOL_DIR"] = str(pool_dir)  # the workers' pools: this bench's own
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        from filings.convert.instances import Slot, start_instance
        from filings.convert.pool import Pool

        pool = Pool()
        for n in range(pool.size):  # warm: what a later build finds
            start_instance(Slot(pool.root, n), pool.settings)
        workers = workers_for(max(sizes), jobs)
        print(f"{'campaign: matters of 5 papers, warm pool':46} {'wall s':>8} {'s/matter':>9} {'papers':>7} "
              f"{'unchanged':>9} {'ours':>6} {'machine':>8} {'load':>5}")
        try:
            if compare_jobs:
                for n in (1, 2, 3):
                    matters = make_campaign(Path(tmp) / f"jobs{n}", min(sizes), extends)
                    print(row(f"{min(sizes)} matters from empty, {n} worker{'s' if n > 1 else ''}",
                              timed_build(matters, n, pool_dir)), flush=True)
            per_matter = {}
            for size in sizes:
                folder = Path(tmp) / f"c{size}"
                matters = make_campaign(folder, size, extends)
                first = timed_build(matters, workers, pool_dir)
                per_matter[size] = first["wall"] / size
                print(row(f"{size} matters from empty", first), flush=True)
                if size != max(sizes):
                    continue
                change_shared_fact(folder, matters, extends)
                print(row(f"{size} matters, one shared fact changed", timed_build(matters, workers, pool_dir)),
                      flush=True)
                change_one_matter(matters[size // 2])
                print(row(f"{size} matters, one matter's fact changed", timed_build(matters, workers, pool_dir)),
                      flush=True)
        finally:
            pool.stop()
    small, large = min(per_matter), max(per_matter)
    print(f"{large} matters cost {per_matter[large] / per_matter[small]:.2f}x the seconds per matter of {small} "
          f"(linear: 1.00x); {workers} workers, {os.cpu_count()} cores; facts "
          f"{'extending one base' if extends else 'written in full in each matter'}; 'ours': CPU of the build, "
          "its workers and the pool's LibreOffice / (wall x cores); 'machine': every process's, from /proc/stat; "
          "'load': the machine's load average at the end (other users' work slows a run down)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,200")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--full", action="store_true", help="each matter's facts in full, no shared base")
    parser.add_argument("--compare-jobs", action="store_true")
    args = parser.parse_args()
    bench_campaign(tuple(int(s) for s in args.sizes.split(",")), args.jobs, not args.full, args.compare_jobs)


if __name__ == "__main__":
    main()
