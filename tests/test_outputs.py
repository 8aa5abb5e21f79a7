"""Nothing lost, nothing mixed: where a build writes, and what a killed or concurrent build leaves.

Every test here runs the real command (``python -m filings``) on the real LibreOffice.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from filings.convert.libreoffice import LibreOffice
from filings.errors import FilingsError
from filings.pipeline.builder import build

from conftest import EXAMPLE, ROOT

COURT_NO = "  court_no: 24-00097"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "filings", *args]


def run(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), cwd=cwd, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture
def matter(tmp_path) -> Path:
    """A matter folder: the example's facts and exhibits."""
    folder = tmp_path / "matter"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    return folder


def set_court_no(matter: Path, number: str) -> None:
    facts = matter / "facts.yaml"
    facts.write_text(re.sub(r"(?m)^  court_no: .*$", f"  court_no: {number}", facts.read_text()))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links followed) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def court_numbers(out: Path) -> set[str]:
    """The Court Nos. the papers in ``out`` print: one, in a consistent set."""
    found = set()
    for docx in out.glob("*.docx"):
        text = " ".join(p.text for s in Document(docx).sections for p in s.footer.paragraphs)
        text += " ".join(p.text for p in Document(docx).paragraphs)
        found.update(re.findall(r"24-000\d\d", text))
    return found


def generations(matter: Path) -> list[str]:
    """The generations in the output store (numbered folders; its PDF cache is not one)."""
    return sorted(p.name for p in (matter / ".build.filings").iterdir() if p.is_dir() and p.name.isdigit())


# ------------------------------------------------------------------ where a build may write

@pytest.mark.parametrize("out, what", [
    (".", "the facts file (facts.yaml)"),
    ("..", "the facts file (facts.yaml)"),
    ("exhibits", "exhibit 'ctpat_portal_status' (exhibits/ctpat-portal-status.png)"),
])
def test_an_output_folder_holding_sources_is_refused(matter, out, what):
    before = tree(matter.parent)
    proc = run("build", "--out", out, "-q", cwd=matter)
    assert (proc.returncode, proc.stderr.strip()) == (
        1, f"{out}: cannot build into this folder: it holds {what}; choose a folder of its own with --out, "
           "such as build")
    assert tree(matter.parent) == before  # not one source touched


def test_an_output_folder_holding_the_templates_is_refused(matter, template_tree):
    before = tree(template_tree)
    for out in (template_tree, template_tree / "drafts"):
        with pytest.raises(FilingsError) as info:
            build(matter / "facts.yaml", out, templates_dir=template_tree)
        assert "cannot build into this folder: it " in str(info.value)
        assert "the templates folder" in str(info.value)
    assert tree(template_tree) == before


def test_a_folder_of_someone_elses_files_is_refused(matter):
    (matter / "build").mkdir()
    (matter / "build" / "notes.txt").write_text("my notes")
    proc = run("build", "-q", cwd=matter)
    assert (proc.returncode, proc.stderr.strip()) == (
        1, "build: cannot build into this folder: it holds files that filings did not make (notes.txt); "
           "choose a new or empty folder with --out, or move those files")
    assert (matter / "build" / "notes.txt").read_text() == "my notes"


def test_a_link_to_a_folder_filings_did_not_make_is_refused(matter, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.pdf").write_bytes(b"%PDF-1.4 mine")
    (matter / "build").symlink_to(elsewhere)
    proc = run("build", "-q", cwd=matter)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"build: cannot build into this folder: it is a link to {elsewhere}, which "
                                   "filings did not make; remove the link or choose another --out")
    assert (elsewhere / "keep.pdf").read_bytes() == b"%PDF-1.4 mine"


@pytest.mark.parametrize("kind", ["files of someone else's", "a link filings did not make"])
def test_a_refused_out_leaves_no_store_beside_it(matter, tmp_path, kind):
    """A refused --out gets nothing beside it: no .NAME.filings/ store folder is made first."""
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("my notes")
    out = tmp_path / "out"
    if kind == "a link filings did not make":
        out.symlink_to(theirs)
    else:
        out = theirs
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run("build", "-q", "--out", str(out), cwd=matter)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith(f"{out}: cannot build into this folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no .out.filings/ nor .theirs.filings/


def test_an_output_path_with_url_characters(matter):
    proc = run("build", "--out", "out #1 100%?;x", "-q", cwd=matter)
    assert proc.returncode == 0, proc.stderr
    assert (matter / "out #1 100%?;x" / "packet-motion.pdf").is_file()


def test_a_build_of_an_earlier_version_is_taken_over(matter):
    proc = run("build", "-q", cwd=matter)
    assert proc.returncode == 0, proc.stderr
    old = tree(matter / "build")
    # What the first versions left: a real folder, published file by file.
    (matter / "build").unlink()
    shutil.rmtree(matter / ".build.filings")
    (matter / "build").mkdir()
    for name, data in old.items():
        (matter / "build" / name).parent.mkdir(parents=True, exist_ok=True)
        (matter / "build" / name).write_bytes(data)
    proc = run("build", "-q", cwd=matter)
    assert proc.returncode == 0, proc.stderr
    assert (matter / "build").is_symlink() and (matter / "build" / "packet-motion.pdf").is_file()


def test_papers_that_no_longer_apply_leave_the_outputs(matter):
    assert run("build", "-q", cwd=matter).returncode == 0
    assert (matter / "build" / "declaration.pdf").is_file()
    facts = matter / "facts.yaml"
    text = facts.read_text()
    start, end = text.index("declaration:\n"), text.index("service:\n")
    text = text[:start] + text[end:]
    facts.write_text(text.replace("[motion, tro-order, proposed-order, declaration]", "[motion, tro-order, proposed-order]"))
    proc = run("build", "-q", cwd=matter)
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in (matter / "build").iterdir()}
    assert "declaration.pdf" not in names and "declaration.docx" not in names
    manifest = json.loads((matter / "build" / ".filings" / "manifest.json").read_text())
    assert "declaration" not in manifest["papers"]  # (the motion records it asked for one: a read)
    assert manifest["papers"]["motion"]["facts_read"]["declaration"] == "missing"


# ------------------------------------------------------------------ killed, interrupted, concurrent

STAGES = ["rendering complaint", "converting", "assembling the packet", "assembling the exhibit bundle",
          "publishing"]


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_build_left_running():
    """A test that fails half-way must not leave its builds running into the next test."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def start_build(matter: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(command("build", *args), cwd=matter, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=env)
    _STARTED.append(proc)
    return proc


def wait_for(proc: subprocess.Popen, stage: str) -> list[str]:
    """Read the build's progress until ``stage`` starts; return the lines read."""
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if stage in line:
            return lines
    raise AssertionError(f"the build never reached {stage!r}: {''.join(lines)}")


def test_a_build_killed_at_any_stage_leaves_one_complete_set(matter):
    assert run("build", "-q", cwd=matter).returncode == 0
    numbers = ["24-00097"]
    for n, stage in enumerate(STAGES):
        number = f"24-000{11 + n}"
        set_court_no(matter, number)
        proc = start_build(matter)
        wait_for(proc, stage)
        proc.kill()
        proc.communicate()
        found = court_numbers(matter / "build")
        assert len(found) == 1 and found <= {numbers[-1], number}, (stage, found)
        numbers.append(found.pop())
        assert len(list((matter / "build").glob("*.pdf"))) == 13  # 11 papers and a packet for each of 2 filings
    proc = run("build", "-q", cwd=matter)  # the lock of a killed build does not stay behind
    assert proc.returncode == 0, proc.stderr
    assert court_numbers(matter / "build") == {f"24-000{10 + len(STAGES)}"}
    assert len(generations(matter)) <= 2  # unfinished generations are cleared away


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_build_stops_libreoffice_and_leaves_nothing(matter, tmp_path, sig, code):
    """With one LibreOffice run per build (FILINGS_CONVERTER=soffice); the pool: test_pool.py."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "FILINGS_CONVERTER": "soffice"}
    assert run("build", "-q", cwd=matter, env=env).returncode == 0
    before = tree(matter / "build")
    set_court_no(matter, "24-00042")
    proc = start_build(matter, env=env)
    wait_for(proc, "converting")
    deadline = time.monotonic() + 120  # LibreOffice is starting: wait for it, however slow the machine
    while subprocess.run(["pgrep", "-f", str(temp)], capture_output=True).returncode != 0:
        assert time.monotonic() < deadline and proc.poll() is None, "LibreOffice never started"
        time.sleep(0.1)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.splitlines()[-1] == "interrupted: nothing was published; build holds the last complete build"
    assert subprocess.run(["pgrep", "-f", str(temp)], capture_output=True).returncode == 1  # no LibreOffice left
    assert list(temp.iterdir()) == []
    assert tree(matter / "build") == before
    assert len(generations(matter)) == 1


def test_two_builds_into_one_folder_never_mix(matter):
    assert run("build", "-q", cwd=matter).returncode == 0
    other = matter.parent / "other"
    shutil.copytree(matter, other, symlinks=True)
    set_court_no(matter, "24-00051")
    set_court_no(other, "24-00052")
    out = str(matter / "build")
    first = start_build(matter, "--out", out)
    wait_for(first, "rendering")
    second = start_build(other, "--out", out)
    outputs = [p.communicate(timeout=600) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert f"waiting for another build into {out}" in outputs[1][1]
    assert court_numbers(matter / "build") == {"24-00052"}  # the second, whole


def test_a_full_disk_is_one_line_and_loses_nothing(matter):
    assert run("build", "-q", cwd=matter).returncode == 0
    before = tree(matter / "build")
    set_court_no(matter, "24-00077")

    def small_disk() -> None:  # files may not grow past 4 KB: writes fail as on a full disk
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4_000, 4_000))

    proc = subprocess.run(command("build", "-q"), cwd=matter, capture_output=True, text=True, timeout=600,
                          preexec_fn=small_disk)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("build: cannot write the outputs: File too large")
    assert proc.stderr.strip().endswith("free some space or choose another --out; the last complete build "
                                        "is unchanged")
    assert tree(matter / "build") == before


# ------------------------------------------------------------------ LibreOffice fetches nothing

def linked_image_docx(path: Path, targets: list[str]) -> Path:
    """A Word file whose images are links to ``targets`` (not embedded), as Word writes them."""
    from io import BytesIO

    from PIL import Image
    doc = Document()
    doc.add_paragraph("Linked images")
    for _ in targets:
        image = BytesIO()
        Image.new("RGB", (40, 40), "red").save(image, "PNG")
        image.seek(0)
        doc.add_picture(image)
    plain = path.with_name("plain.docx")
    doc.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b'r:embed="', b'r:link="')
            if item.filename == "word/_rels/document.xml.rels":
                images = iter(targets)
                data = re.sub(rb'(Type="[^"]*/image" Target=")[^"]*"',
                              lambda m: m.group(1) + next(images).encode() + b'" TargetMode="External"', data)
            dst.writestr(item, data)
    return path


def test_libreoffice_loads_no_linked_resource(tmp_path, loopback):
    """The converter's own lockdown, with no clean-up of the document before it."""
    url, seen = loopback.url, loopback.requests
    from PIL import Image
    Image.new("RGB", (200, 200), "blue").save(tmp_path / "secret.png")
    docx = linked_image_docx(tmp_path / "linked.docx", [f"{url}/pixel.png", (tmp_path / "secret.png").as_uri()])
    [made] = LibreOffice().convert([docx], tmp_path / "out")
    assert seen == []
    with pikepdf.open(made) as pdf:
        assert all(not page.get_images() for page in pdf.pages)  # neither image was fetched or embedded


# ------------------------------------------------------------------ templates stay in their folders

def test_an_exhibit_template_leading_out_of_the_templates_folder_is_refused(matter, template_tree):
    facts = matter / "facts.yaml"
    facts.write_text(facts.read_text().replace("template: request-letter.docx", "template: ../../secret.docx", 1))
    with pytest.raises(FilingsError) as info:
        build(facts, matter / "build", templates_dir=template_tree)
    assert str(info.value) == (f"{template_tree}: template 'exhibits/../../secret.docx' leads out of the templates "
                               "folder; name a template inside it (copy the file there)")


def test_what_cleaning_removed_from_a_template_is_a_warning(matter, template_tree):
    doc = Document(template_tree / "summons.docx")
    doc.save(template_tree / "summons.docx")
    linked_image_docx(template_tree / "summons.docx", ["http://127.0.0.1:9/logo.png"])
    warnings = []
    build(matter / "facts.yaml", matter / "build", templates_dir=template_tree, warn=warnings.append)
    assert f"{template_tree / 'summons.docx'}: removed a linked picture (http://127.0.0.1:9/logo.png)" in warnings


def test_libreoffice_past_its_memory_bound_is_one_line_per_paper(matter):
    """The last line of defence behind the Office file bounds: LibreOffice's address space."""
    small = LibreOffice(memory_bytes=200 * 2**20)
    with pytest.raises(FilingsError) as info:
        build(matter / "facts.yaml", matter / "build", converter=small)
    lines = str(info.value).splitlines()
    assert lines and all(
        line.endswith("LibreOffice could not convert it to PDF (it is damaged, or needs more than the 0.195 GB "
                      "a conversion may use); open it in Word or LibreOffice to check it")
        or line.startswith("LibreOffice was killed by signal") or line.startswith("LibreOffice exited with code")
        for line in lines), lines
    assert not (matter / "build").exists()
