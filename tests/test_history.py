"""The build history (content-addressed, pruned, no record for a no-op build) and --draft."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest

from conftest import ROOT
from filings.pipeline.history import History, recorded_files
from filings.pipeline.builder import build
from filings.convert.pool import Pool

WHEN = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)


def fake_build(folder, papers: dict[str, str]):
    """A folder laid out as a build: DOCX papers (any subset folder) and a manifest."""
    for rel, text in papers.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    (folder / ".filings").mkdir(parents=True, exist_ok=True)
    (folder / ".filings" / "manifest.json").write_text(json.dumps(sorted(papers)))
    (folder / "packet.pdf").write_text("not recorded")
    return folder


def test_records_share_objects_skip_repeats_and_are_pruned(tmp_path):
    matter = tmp_path / "matter"
    matter.mkdir()
    facts = matter / "facts.yaml"
    history = History(matter)
    out = matter / "build"
    numbers = []
    for i in range(4):
        facts.write_text(f"version: {i}\n")
        gen = fake_build(tmp_path / f"gen{i}", {"summons.docx": "same in every build", "complaint.docx": f"v{i}",
                                                "public/complaint.docx": f"public v{i}"})
        record = history.record(facts, gen, out, WHEN, keep=2)
        numbers.append(record.number)
        assert history.record(facts, gen, out, WHEN, keep=2) is None  # the same build again: no record
    assert numbers == [1, 2, 3, 4]
    kept = history.records(out)
    assert [r.number for r in kept] == [3, 4]
    assert sorted(kept[-1].files) == [".filings/manifest.json", "complaint.docx", "public/complaint.docx",
                                      "summons.docx"]
    assert kept[-1].files["summons.docx"] == kept[-2].files["summons.docx"]
    # objects: the summons and the manifest (the same in every build) once; per kept build its
    # facts and its two complaints; nothing of the pruned builds
    objects = [p for p in (history.root / "objects").rglob("*") if p.is_file()]
    assert len(objects) == 2 + 2 * 3
    copy = history.checkout(kept[-1], tmp_path / "copy")
    assert (copy / "public" / "complaint.docx").read_text() == "public v3"
    assert history.read(kept[-1].facts_sha256) == b"version: 3\n"
    assert history.records(tmp_path / "elsewhere") == []
    # a matter moved (or copied) elsewhere keeps its history: records name build/ relatively
    moved = tmp_path / "moved"
    matter.rename(moved)
    assert [r.number for r in History(moved).records(moved / "build")] == [3, 4]
    # settings.history: 0 keeps none: what earlier builds left goes too
    assert History(moved).record(moved / "facts.yaml", gen, moved / "build", WHEN, keep=0) is None
    assert History(moved).records() == []
    assert not [p for p in (History(moved).root / "objects").rglob("*") if p.is_file()]


def test_a_diff_inside_a_build_is_not_a_paper(tmp_path):
    gen = fake_build(tmp_path / "gen", {"complaint.docx": "x", "diff/redline/complaint.docx": "y"})
    (gen / "diff" / ".filings-diff").write_text("")
    assert recorded_files(gen) == [".filings/manifest.json", "complaint.docx"]


@pytest.fixture(scope="module")
def draft_matter(tmp_path_factory):
    import shutil

    matter = tmp_path_factory.mktemp("draft")
    shutil.copy(ROOT / "facts.yaml", matter / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", matter / "exhibits")
    return matter


def pages(pdf) -> list[str]:
    count = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                     text=True, check=True).stdout.splitlines() if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def test_draft_stamps_every_page_and_is_never_carried(draft_matter):
    out = draft_matter / "build"
    pool = Pool(timeout=300)
    first = build(draft_matter / "facts.yaml", out, converter=pool, draft=True)
    assert first.recorded == 1
    manifest = json.loads((out / ".filings" / "manifest.json").read_text())
    assert manifest["draft"] is True
    for paper in first.papers:
        texts = pages(out / f"{paper.paper.name}.pdf")
        assert len(texts) == paper.pages
        for text in texts:
            assert "DRAFT · 2024-06-03 · " in text, (paper.paper.name, text[:200])
    packet = pages(out / "packet-complaint.pdf")  # every page of its papers; the exhibits it files are as filed
    assert all("DRAFT" in text for text in packet if "SEKO-0000" not in text)
    assert sum("DRAFT" in text for text in packet) == sum(p.pages for p in first.papers
                                                          if p.paper.filing == 0)
    stamp = next(line for line in pages(out / "complaint.pdf")[0].splitlines() if line.startswith("DRAFT"))
    assert stamp == next(line for line in pages(out / "complaint.pdf")[-1].splitlines() if line.startswith("DRAFT"))

    again = build(draft_matter / "facts.yaml", out, converter=pool, draft=True)
    assert again.unchanged and again.recorded is None  # a draft build again: nothing changed

    final = build(draft_matter / "facts.yaml", out, converter=pool)
    assert not any(b.carried for b in final.papers)  # every paper made again, without the stamp
    for paper in final.papers:
        assert not any("DRAFT" in text for text in pages(out / f"{paper.paper.name}.pdf")), paper.paper.name
    assert not any("DRAFT" in text for text in pages(out / "packet-complaint.pdf"))
    assert [r.draft for r in History(draft_matter).records(out)] == [True, False]


# --------------------------------------------------------------------------- a received matter's history

def hostile_history(matter, payload: bytes) -> None:
    """A history as a matter received from elsewhere may hold it: two sound builds (#1, #2), then
    one naming an object by a path (#3), one whose object is not the bytes of its name (#4), one
    writing to ``../`` (#5) and one to an absolute path (#6)."""
    import hashlib
    root = History(matter).root
    facts = (ROOT / "facts.yaml").read_bytes()
    objects = {"old": facts, "new": facts.replace(b"date: 2024-05-17", b"date: 2024-04-12", 1),
               "paper": b"the same paper in both builds", "payload": payload}
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in objects.items()}
    for name, data in objects.items():
        (root / "objects" / sha[name][:2]).mkdir(parents=True, exist_ok=True)
        (root / "objects" / sha[name][:2] / sha[name]).write_bytes(data)
    forged = "0" * 64  # a sound name whose stored bytes are something else
    (root / "objects" / "00").mkdir()
    (root / "objects" / "00" / forged).write_bytes(payload)
    files = [{"complaint.docx": sha["paper"]}, {"complaint.docx": sha["paper"]},
             {"complaint.docx": "../../../../" + str(matter / "facts.yaml")}, {"complaint.docx": forged},
             {"../../../pwned-relative.txt": sha["payload"]}, {str(matter.parent / "pwned-absolute.txt"): sha["payload"]}]
    (root / "records").mkdir(parents=True)
    for number, listed in enumerate(files, 1):
        record = {"number": number, "out": "build", "recorded": f"2024-06-0{number} 12:00:00 UTC",
                  "build_date": "2024-06-03", "facts_name": "facts.yaml",
                  "facts_sha256": sha["old" if number == 1 else "new"], "files": listed, "draft": False}
        (root / "records" / f"{number:06d}.json").write_text(json.dumps(record))


def test_a_hostile_history_writes_nothing_outside_the_diff(tmp_path):
    """`filings diff` over a history naming files by ../ and absolute paths, objects by paths and
    objects holding other bytes: each damaged record is skipped with one warning, the diff
    compares the last two sound builds, and nothing is written outside its --out folder."""
    import os
    import sys
    matter = tmp_path / "matter"
    matter.mkdir()
    (matter / "facts.yaml").write_bytes((ROOT / "facts.yaml").read_bytes())
    hostile_history(matter, b"echo pwned\n")
    (tmp_path / "tmp").mkdir()  # the diff's temporary folder: ../../../ from its checkouts is tmp_path
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path / "tmp"))
    proc = subprocess.run([sys.executable, "-m", "filings", "diff", "--out", str(tmp_path / "d")], cwd=matter,
                          capture_output=True, text=True, timeout=120, env=env)
    assert not (tmp_path / "pwned-relative.txt").exists() and not (tmp_path / "pwned-absolute.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "matter", "tmp"]
    assert list((tmp_path / "tmp").iterdir()) == []
    assert proc.returncode == 0, proc.stderr
    warnings = proc.stderr.strip().splitlines()
    assert len(warnings) == 4 and all(w.startswith("warning: .filings/history/records/00000") for w in warnings)
    assert [w[len("warning: .filings/history/records/"):][:11] for w in warnings] == \
        ["000003.json", "000005.json", "000006.json", "000004.json"]
    assert all(w.endswith("skipped") or "skipped:" in w for w in warnings)
    assert proc.stdout.startswith("1 fact changed; 0 of 1 papers changed")
    assert "| `events[ctpat_suspension].date` | changed | 2024-05-17" in (tmp_path / "d" / "summary.md").read_text()


def test_history_reads_only_objects_that_hash_to_their_name(tmp_path):
    history = History(tmp_path)
    (tmp_path / "secret").write_bytes(b"not an object")
    history.root.mkdir(parents=True)
    for name in ("../../secret", str(tmp_path / "secret"), "A" * 64, "0" * 63):
        assert history.read(name) is None
    forged = history.root / "objects" / "ab" / ("ab" + "0" * 62)
    forged.parent.mkdir(parents=True)
    forged.write_bytes(b"other bytes")
    assert history.read(forged.name) is None


# --------------------------------------------------------------------------- review marks

def test_a_marked_build_is_never_pruned_and_since_finds_it(tmp_path):
    from filings.errors import FilingsError
    from filings.review.marks import listing, resolve

    matter = tmp_path / "matter"
    matter.mkdir()
    facts, out = matter / "facts.yaml", matter / "build"
    history = History(matter)
    for i in range(5):
        facts.write_text(f"version: {i}\n")
        record = history.record(facts, fake_build(tmp_path / f"gen{i}", {"complaint.docx": f"v{i}"}), out, WHEN,
                                keep=2)
        if i == 1:
            history.set_mark("reviewed", record)
    assert [r.number for r in history.records(out)] == [2, 4, 5]  # the newest two, and the marked one
    assert history.read(history.records(out)[0].facts_sha256) == b"version: 1\n"
    assert resolve(history, out, "reviewed").number == 2
    assert resolve(history, out, "4").number == resolve(history, out, "r4").number == 4
    today = history.records(out)[-1].recorded[:10]
    assert resolve(history, out, today).number == 5  # the last build on or before the day
    for since, words in (("3", "(it holds #2, #4, #5)"), ("1999-01-01", "no build "
                         "recorded on or before"), ("approved", "not a mark (marks: reviewed)")):
        with pytest.raises(FilingsError, match=re.escape(words)):
            resolve(history, out, since)
    assert listing(matter, out)[0].startswith("r2  ") and listing(matter, out)[0].endswith("[reviewed]")
    # marking again moves the name; the build it left is pruned by the next record
    history.set_mark("reviewed", history.records(out)[-1])
    facts.write_text("version: 5\n")
    history.record(facts, fake_build(tmp_path / "gen5", {"complaint.docx": "v5"}), out, WHEN, keep=2)
    assert [r.number for r in history.records(out)] == [5, 6]
    with pytest.raises(FilingsError, match="not a name"):
        history.set_mark("../x", history.records(out)[-1])


def test_damaged_marks_are_skipped_with_a_warning(tmp_path):
    history = History(tmp_path, warn=(warned := []).append)
    history.root.mkdir(parents=True)
    (history.root / "marks.json").write_text('{"reviewed": "../../x", "ok": 3, "../bad": 1}')
    assert history.marks() == {"ok": 3}
    (history.root / "marks.json").write_text("[1, 2]")
    assert history.marks() == {} and "the review marks cannot be read" in warned[-1]
