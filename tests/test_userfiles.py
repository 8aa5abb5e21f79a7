"""What a user saves in ``build/`` is never deleted: carried into each new generation, never pruned.

The unit tests drive the output folder directly (no LibreOffice); the last one builds a matter.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from filings.pipeline.builder import build
from filings.pipeline.outputs import MANIFEST, STATE_DIR, OutputError, OutputFolder

from conftest import OTHER


def publish(folder: OutputFolder, files: dict[str, bytes], said: list[str] | None = None) -> Path:
    """Publish a generation holding ``files`` (what a build wrote); its path."""
    with folder.generation((said if said is not None else []).append, 10) as gen:
        for rel, data in files.items():
            (gen.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (gen.path / rel).write_bytes(data)
        (gen.path / STATE_DIR / MANIFEST).write_text("{}\n", encoding="utf-8")
        folder.publish(gen)
    return gen.path


def save_over(path: Path, data: bytes) -> None:
    """Save ``path`` as Word does: a new file renamed over the old one."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)


def test_files_a_user_saves_in_build_are_carried_and_never_pruned(tmp_path):
    out = tmp_path / "build"
    folder = OutputFolder(out)
    publish(folder, {"complaint.pdf": b"build 1", "exhibits/a.pdf": b"A"})
    (out / "complaint-signed.pdf").write_bytes(b"signed by the client")
    (out / "notes").mkdir()
    (out / "notes" / "call.txt").write_bytes(b"notes")
    (out / "exhibits" / "mine.pdf").write_bytes(b"mine")
    said: list[str] = []
    for n in range(2, 6):
        publish(folder, {"complaint.pdf": f"build {n}".encode(), "exhibits/a.pdf": b"A"}, said)
        assert (out / "complaint.pdf").read_bytes() == f"build {n}".encode()
        assert (out / "complaint-signed.pdf").read_bytes() == b"signed by the client"
        assert (out / "notes" / "call.txt").read_bytes() == b"notes"
        assert (out / "exhibits" / "mine.pdf").read_bytes() == b"mine"
    assert said[-1] == f"keeping what filings did not make in {out}: complaint-signed.pdf, exhibits/mine.pdf, notes"
    assert len([p for p in folder.store.iterdir() if p.name.isdigit()]) == 2  # the user's files keep none alive


def test_a_file_of_the_users_in_the_way_of_a_new_output_refuses_the_build(tmp_path):
    out = tmp_path / "build"
    folder = OutputFolder(out)
    publish(folder, {"complaint.pdf": b"build 1"})
    (out / "motion.pdf").write_bytes(b"the user's own motion")
    with pytest.raises(OutputError) as info:
        publish(folder, {"complaint.pdf": b"build 2", "motion.pdf": b"a new paper"})
    assert str(info.value) == (f"{out}: cannot publish: {out / 'motion.pdf'} was not made by filings, and this "
                               f"build makes a file of that name; move it out of {out} and build again")
    assert (out / "motion.pdf").read_bytes() == b"the user's own motion"
    assert (out / "complaint.pdf").read_bytes() == b"build 1"


def test_a_generation_holding_an_edited_draft_is_never_pruned(tmp_path):
    """An output changed after the build (and replaced by the next build's) is not deleted with its generation."""
    out = tmp_path / "build"
    folder = OutputFolder(out)
    first = publish(folder, {"motion.docx": b"draft 1"})
    save_over(out / "motion.docx", b"draft 1, edited by counsel")
    for n in range(2, 5):
        publish(folder, {"motion.docx": f"draft {n}".encode()})
    assert (first / "motion.docx").read_bytes() == b"draft 1, edited by counsel"
    assert not (first.parent / "000002").exists()  # generations with nothing to lose still go


def test_an_older_generation_with_a_users_file_is_kept_when_the_file_is_not_carried(tmp_path):
    """Belt and braces: a file of the user's that no kept generation shares keeps its generation."""
    out = tmp_path / "build"
    folder = OutputFolder(out)
    first = publish(folder, {"complaint.pdf": b"1"})
    (out / "signed.pdf").write_bytes(b"signed")
    second = publish(folder, {"complaint.pdf": b"2"})
    (second / "signed.pdf").unlink(missing_ok=True)  # gone from the newer generations: only the first still has it
    for n in range(3, 5):
        publish(folder, {"complaint.pdf": str(n).encode()})
    assert (first / "signed.pdf").read_bytes() == b"signed"


@pytest.mark.e2e
def test_a_users_files_outlive_real_builds(tmp_path):
    matter = tmp_path / "matter"
    shutil.copytree(OTHER.parent, matter, ignore=shutil.ignore_patterns(".filings", "build", ".build.filings"))
    facts, out = matter / "facts.yaml", matter / "build"
    build(facts, out)
    (out / "complaint-signed.pdf").write_bytes(b"%PDF-1.4 signed by the client")
    (out / "notes").mkdir()
    (out / "notes" / "call.txt").write_text("call with the client", encoding="utf-8")
    said: list[str] = []
    for n in range(1, 4):  # a nature the complaint prints: a new complaint each time
        text = re.sub(r"(?m)^  nature: .*$", f"  nature: an action ({n}) to set aside a revocation",
                      facts.read_text(encoding="utf-8"))
        facts.write_text(text, encoding="utf-8")
        build(facts, out, progress=said.append)
        assert (out / "complaint-signed.pdf").read_bytes() == b"%PDF-1.4 signed by the client"
        assert (out / "notes" / "call.txt").read_text(encoding="utf-8") == "call with the client"
    assert f"keeping what filings did not make in {out}: complaint-signed.pdf, notes" in said
