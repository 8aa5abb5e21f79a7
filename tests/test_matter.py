"""Matters in folders of their own: `filings new`, the template search path, the schema, a wheel.

End to end on the real LibreOffice, through the command a user types.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import jsonschema
import pytest
from docx import Document

from filings.pipeline import pdf
from filings.errors import FactsError
from filings.facts.load import load_facts
from filings.facts.scaffold import blank_facts, schema
from filings.facts.schema import Facts
from filings.facts.source import load_yaml

from conftest import EXAMPLE, OTHER, ROOT


# Nothing of the checkout may leak into the installed package's runs.
def clean() -> dict:
    """The environment without this checkout on the path, read when used: the session's private
    LibreOffice pool (FILINGS_POOL_DIR, set after collection) must reach the installed command."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def filings(*args: str, cwd: Path, binary: list[str] | None = None, env: dict | None = None):
    command = (binary or [sys.executable, "-m", "filings"]) + list(args)
    if binary and env is None:
        env = clean()
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


# ------------------------------------------------------------------ a wheel, outside the checkout

@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> list[str]:
    """The package built as a wheel and installed in a fresh virtualenv: its `filings` command."""
    where = tmp_path_factory.mktemp("wheel")
    source = where / "source"
    # The wheel is built from what git tracks, as a fresh clone would have it.
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_symlink():
            target.symlink_to(os.readlink(ROOT / name))
        elif (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(where / "dist"), str(source)],
                   check=True, capture_output=True, env=clean(), cwd=where)
    [wheel] = (where / "dist").glob("filings-*.whl")
    env_dir = where / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   capture_output=True, timeout=900, env=clean(), cwd=where)
    return [str(env_dir / "bin" / "filings")]


def test_a_wheel_installed_elsewhere_makes_and_builds_a_matter(installed, tmp_path):
    made = filings("new", "acme", cwd=tmp_path, binary=installed)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("made acme (")
    matter = tmp_path / "acme"
    assert sorted(p.name for p in matter.iterdir()) == [".filings", ".gitignore", "exhibits", "facts.yaml",
                                                         "templates"]
    assert (matter / "facts.yaml").read_text().startswith(
        "# yaml-language-server: $schema=.filings/facts.schema.json\n")
    listed = filings("templates", cwd=matter, binary=installed)
    assert listed.returncode == 0, listed.stderr
    complaint = next(line for line in listed.stdout.splitlines() if line.startswith("complaint "))
    assert complaint.split()[1:] == ["shipped", "shipped:complaint.docx"]
    built = filings("build", "-q", cwd=matter, binary=installed)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built 11 papers, ")
    assert "Court No.\u00a024-00097" in pdf.extract_text(matter / "build" / "packet-motion.pdf")  # tied
    assert (matter / "build" / "exhibits" / "exhibit-bundle.pdf").is_file()


def test_the_wheel_carries_the_docs_and_filings_docs_reads_them(installed, tmp_path):
    """docs/*.md travel in the wheel as filings/docs, and `filings docs` reads them from the install."""
    import zipfile
    [wheel] = (Path(installed[0]).parents[2] / "dist").glob("filings-*.whl")
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert sorted(name.removeprefix("filings/docs/") for name in zipfile.ZipFile(wheel).namelist()
                  if name.startswith("filings/docs/")) == pages
    listed = filings("docs", cwd=tmp_path, binary=installed)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [Path(p).stem for p in pages]
    page = filings("docs", "architecture", cwd=tmp_path, binary=installed)
    assert page.returncode == 0, page.stderr
    assert page.stdout == (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ a matter folder

@pytest.fixture
def matter(tmp_path) -> Path:
    proc = filings("new", "matter", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return tmp_path / "matter"


def test_every_command_works_on_a_matter_folder_named_or_current(matter, tmp_path):
    named = filings("check", "matter", cwd=tmp_path)
    assert (named.returncode, named.stdout.strip()) == (0, "ok: matter/facts.yaml, 11 papers, 6 exhibits")
    current = filings("check", cwd=matter)
    assert (current.returncode, current.stdout.strip()) == (0, "ok: facts.yaml, 11 papers, 6 exhibits")
    built = filings("build", "matter", "--only", "summons", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (matter / "build" / "summons.pdf").is_file()
    assert not (tmp_path / "build").exists()


def test_new_refuses_a_folder_that_is_not_empty(matter, tmp_path):
    proc = filings("new", "matter", cwd=tmp_path)
    assert (proc.returncode, proc.stderr.strip()) == (
        1, "matter: is not an empty folder; choose a new folder for the matter")


def test_a_blank_matter_names_every_fact_still_missing(tmp_path):
    assert filings("new", "blank", "--blank", cwd=tmp_path).returncode == 0
    proc = filings("check", "blank", cwd=tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith("blank/facts.yaml:") and all(line.startswith("blank/facts.yaml:") for line in lines)
    assert any("case.jurisdiction" in line for line in lines) and any("case.plaintiffs" in line for line in lines)


# ------------------------------------------------------------------ Word owns the matter's templates

def edit_as_word_does(path: Path) -> None:
    """Reword the complaint's first numbered paragraph the way Word saves an edit: the new text
    in several runs, a tag split across runs, typographer's quotes in the prose."""
    doc = Document(path)
    target = next(p for p in doc.paragraphs if "{{ case.nature }}" in p.text)
    for run in target.runs[1:]:
        run._r.getparent().remove(run._r)
    target.runs[0].text = "This matter, as the firm ‘rewrote’ it in Word, is "
    for piece in ("{{ case.", "nature }}", " (Court No. ", "{{ case.court_no }})."):
        target.add_run(piece)
    doc.save(path)


def test_an_edited_copy_of_a_shipped_template_is_used_and_listed(matter):
    copied = filings("templates", "copy", "complaint", cwd=matter)
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout.strip() == ("copied to templates/complaint.docx; edit it in Word: this matter's "
                                     "builds use it from now on")
    edit_as_word_does(matter / "templates" / "complaint.docx")
    listed = filings("templates", cwd=matter).stdout.splitlines()
    assert [line.split() for line in listed if line.startswith("complaint ")] == [
        ["complaint", "matter", "templates/complaint.docx"]]
    assert [line.split()[1] for line in listed if line.startswith("summons ")] == ["shipped"]
    built = filings("build", "-q", cwd=matter)
    assert built.returncode == 0, built.stderr
    text = " ".join(pdf.extract_text(matter / "build" / "complaint.pdf").split())
    assert "This matter, as the firm ‘rewrote’ it in Word, is an action under the Administrative" in text
    assert "(Court No. __________)." in text  # filed the day the action is commenced: not docketed yet


@pytest.mark.parametrize("link, points_to, name, refusal", [
    ("templates/complaint.docx", "outside/complaint.docx", "complaint", "is a link, not the matter's own"),
    ("templates", "outside", "complaint", "leads through a link to"),
    ("templates/exhibits", "outside", "request-letter.docx", "leads through a link to"),
    ("templates", "outside/gone", "complaint", "is a link to nothing"),
])
def test_templates_copy_refuses_a_link_out_of_the_matter(matter, tmp_path, link, points_to, name, refusal):
    """A matter received from elsewhere whose templates/ (or a file or folder in it) is a link out of
    the matter, perhaps dangling: the copy follows none of them and writes nothing outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(matter / "templates")
    (matter / "templates").mkdir()
    if link == "templates":
        (matter / "templates").rmdir()
    (matter / link).symlink_to(tmp_path / points_to)
    proc = filings("templates", "copy", name, cwd=matter)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{link}: {refusal}") and len(proc.stderr.strip().splitlines()) == 1
    assert list(outside.iterdir()) == []  # nothing written outside the matter


def test_a_broken_tag_in_the_matters_template_names_that_file(matter):
    assert filings("templates", "copy", "summons", cwd=matter).returncode == 0
    doc = Document(matter / "templates" / "summons.docx")
    doc.add_paragraph("{{ case.court_no }")
    doc.save(matter / "templates" / "summons.docx")
    before = filings("build", "-q", cwd=matter)
    proc = filings("check", cwd=matter)
    assert proc.returncode == 1 and before.returncode == 1
    assert proc.stderr.startswith("templates/summons.docx: paragraph ")
    assert "broken template tag" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_firm_library_sits_between_the_matter_and_the_shipped_templates(matter, tmp_path):
    firm = tmp_path / "firm"
    firm.mkdir()
    shutil.copyfile(ROOT / "templates" / "summons.docx", firm / "summons.docx")
    shutil.copyfile(ROOT / "templates" / "complaint.docx", firm / "complaint.docx")
    shutil.copyfile(ROOT / "templates" / "complaint.docx", matter / "templates" / "complaint.docx")
    rows = {line.split()[0]: line.split()[1:] for line in
            filings("templates", "--templates", str(firm), cwd=matter).stdout.splitlines()}
    assert rows["summons"] == ["firm", "library", str(firm / "summons.docx")]
    assert rows["complaint"] == ["matter", "templates/complaint.docx"]
    assert rows["motion"][0] == "shipped"
    env = {**os.environ, "FILINGS_TEMPLATES": str(firm)}
    by_env = filings("templates", cwd=matter, env=env).stdout
    assert f"firm library  {firm / 'summons.docx'}" in by_env


# ------------------------------------------------------------------ the schema

def test_the_schema_validates_the_facts_files(tmp_path):
    proc = filings("schema", cwd=tmp_path)
    assert proc.returncode == 0
    import json
    document = json.loads(proc.stdout)
    assert document == schema()
    validator = jsonschema.Draft202012Validator(document)
    for facts in (EXAMPLE, OTHER):
        data, _ = load_yaml(facts)
        validator.validate(data)
    data, _ = load_yaml(EXAMPLE)
    data["case"]["cout_no"] = "24-1"
    data["events"][0]["date"] = "May 2024"
    errors = sorted(e.message for e in validator.iter_errors(data))
    assert any("'cout_no' was unexpected" in e for e in errors) and len(errors) == 2


def test_every_key_of_the_schema_says_what_it_holds():
    """An editor shows each key's description: every property, in every model the schema reaches."""
    document = schema()
    undescribed, seen = [], set()

    def walk(node, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref and ref not in seen:
            seen.add(ref)
            walk(document["$defs"][ref.rpartition("/")[2]], ref.rpartition("/")[2])
        for key, prop in node.get("properties", {}).items():
            if not prop.get("description"):
                undescribed.append(f"{where}.{key}")
            walk(prop, f"{where}.{key}")
        for key in ("items", "anyOf", "allOf", "oneOf", "additionalProperties"):
            walk(node.get(key), where)

    walk(document, "Facts")
    assert len(seen) > 15 and not undescribed, undescribed


# ------------------------------------------------------------------ the blank facts file

def test_the_blank_facts_show_every_section_under_its_description_in_the_schema(tmp_path):
    lines = blank_facts().splitlines()
    (tmp_path / "facts.yaml").write_text(blank_facts(), encoding="utf-8")
    data, _ = load_yaml(tmp_path / "facts.yaml")
    assert sorted(data) == sorted(Facts.model_fields)
    for key, field in Facts.model_fields.items():
        at = next(n for n, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[at - 1] == f"# {field.description}" and "\n" not in field.description, key
        assert schema()["properties"][key]["description"] == field.description


def test_the_blank_facts_miss_only_what_a_matter_must_say(tmp_path):
    """The optional sections of the blank are valid as they stand: every problem is a required fact."""
    path = tmp_path / "facts.yaml"
    path.write_text(blank_facts(), encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(path)
    required = {key for key, field in Facts.model_fields.items() if field.is_required()}
    sections = {str(p).split(": ")[1].split(".")[0] for p in info.value.problems}
    assert sections == required

