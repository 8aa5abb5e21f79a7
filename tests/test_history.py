"""The build history (content-addressed, pruned, no record for a no-op build) and --draft."""
from __future__ import annotations

import datetime as dt
import json
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
    packet = pages(out / "packet-complaint.pdf")
    assert all("DRAFT" in text for text in packet)
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
