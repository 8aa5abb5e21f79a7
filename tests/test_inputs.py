"""Untrusted inputs: a facts file or an exhibit path that is hostile or odd gets one line, never a traceback.

Every input here is made in the test. Each bad input must give exactly the lines
asserted, naming the file (and the line, where there is one) and what to do.
"""
from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from filings.errors import FactsError
from filings.facts.load import load_facts
from filings.limits import DEFAULT_LIMITS, Limits
from filings.facts.source import load_yaml

from conftest import EXAMPLE, ROOT


def messages(path: Path, **kwargs) -> list[str]:
    """The lines of the FactsError that loading ``path`` raises."""
    with pytest.raises(FactsError) as info:
        load_facts(path, **kwargs)
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, text: str | bytes, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- bounds

def billion_laughs(levels: int = 9, fan: int = 9) -> str:
    """The classic alias bomb: each level repeats the one before ``fan`` times."""
    lines = [f"a: &a [{', '.join(['lol'] * fan)}]"]
    for prev, name in zip("abcdefghijklmnop", "bcdefghijklmnop"[:levels - 1]):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * fan)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_stops_at_the_node_bound_without_expanding(tmp_path):
    path = write(tmp_path, billion_laughs())  # 9**9 values when expanded
    assert path.stat().st_size < 2_000
    tracemalloc.start()
    try:
        found = messages(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == [f"{path}:5: e.5: more than 50,000 values, counting each alias as all the values it "
                     "repeats (the yaml_nodes limit); a facts file needs far fewer: look for aliases that "
                     "repeat aliases"]
    assert peak < 20 * 1024 * 1024, f"loading the bomb took {peak / 2**20:.0f} MiB"


def test_a_large_alias_bomb_file_is_as_cheap(tmp_path):
    """A 15 KB bomb (many wide levels) is refused just as fast and small."""
    text = billion_laughs(levels=12, fan=300)
    path = write(tmp_path, text)
    assert 10_000 < len(text) < 20_000
    tracemalloc.start()
    try:
        [found] = messages(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.startswith(f"{path}:2: b.165: more than 50,000 values")
    assert "(the yaml_nodes limit)" in found
    assert peak < 20 * 1024 * 1024, f"loading the bomb took {peak / 2**20:.0f} MiB"


def test_each_reference_to_an_alias_counts_all_its_values(tmp_path):
    path = write(tmp_path, "a: &a [1, 2, 3]\nb: [*a, *a]\n")
    limits = Limits(yaml_nodes=12)  # 1 root + a: 1 + 4, b: 1 + 1 + 4 + 4 = 16 values
    with pytest.raises(FactsError) as info:
        load_yaml(path, limits)
    assert str(info.value) == (f"{path}:2: b.1: more than 12 values, counting each alias as all the values "
                               "it repeats (the yaml_nodes limit); a facts file needs far fewer: look for "
                               "aliases that repeat aliases")
    data, _ = load_yaml(path, Limits(yaml_nodes=16))
    assert data == {"a": [1, 2, 3], "b": [[1, 2, 3], [1, 2, 3]]}


def test_a_recursive_alias_is_one_line(tmp_path):
    path = write(tmp_path, "case: x\na: &x [*x]\n")
    assert messages(path) == [f"{path}:2: a.0: the alias *x is inside the value it names (&x), so it would "
                              "never end; write the value out instead"]
    path = write(tmp_path, "b: &y\n  c: [1, {d: *y}]\n", name="mapping.yaml")
    assert messages(path) == [f"{path}:2: b.c.1.d: the alias *y is inside the value it names (&y), so it "
                              "would never end; write the value out instead"]


DEPTH = ("values nested more than 64 levels deep (the yaml_depth limit); a facts file needs a few "
         "levels: check the brackets and indentation")


def test_nesting_is_bounded(tmp_path):
    path = write(tmp_path, "case: x\na: " + "[" * 5000 + "]" * 5000 + "\n")
    assert messages(path) == [f"{path}:2: {DEPTH}"]


def test_nesting_through_an_alias_is_bounded(tmp_path):
    deep = "[" * 40 + "1" + "]" * 40
    path = write(tmp_path, f"a: &deep {deep}\nb: {'[' * 30}*deep{']' * 30}\n")
    assert messages(path) == [f"{path}:2: {DEPTH}"]
    path = write(tmp_path, f"a: &deep {deep}\nb: {'[' * 20}*deep{']' * 20}\n", name="fits.yaml")
    data, _ = load_yaml(path)
    assert data["b"] is not None


def test_the_file_size_is_checked_before_it_is_read(tmp_path):
    path = write(tmp_path, "case: x\n" + "# padding\n" * 300)
    assert messages(path, limits=Limits(facts_bytes=1000)) == [
        f"{path}: the file is larger than 1,000 bytes (the facts_bytes limit); a facts file is a few "
        "dozen KB: check that this is the facts file"]
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(DEFAULT_LIMITS.facts_bytes + 1)  # sparse: nothing to write, much to read
    assert messages(big) == [
        f"{big}: the file is larger than 2,097,152 bytes (the facts_bytes limit); a facts file is a few "
        "dozen KB: check that this is the facts file"]


# ----------------------------------------------------------------------------- odd files

def test_a_folder_is_not_a_facts_file(tmp_path):
    assert messages(tmp_path) == [f"{tmp_path}: is a folder, not a facts file; pass --facts with the path "
                                  "of a facts file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "facts.yaml"
    os.mkfifo(path)
    assert messages(path) == [f"{path}: is not a regular file (a pipe, socket or device); save the facts to "
                              "a file and pass its path"]


def test_a_file_that_is_not_utf8(tmp_path):
    path = write(tmp_path, "case:\n  judge: Ren\xe9e\n".encode("latin-1"))
    assert messages(path) == [f"{path}:2: not UTF-8 text (byte 0xE9); save the file as UTF-8"]
    path = write(tmp_path, "case: x\n".encode("utf-16"), name="utf16.yaml")
    assert messages(path) == [f"{path}:1: not UTF-8 text (byte 0xFF); save the file as UTF-8"]


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    data, _ = load_yaml(write(tmp_path, "\ufeffcase: x\n"))
    assert data == {"case": "x"}


def test_a_control_character(tmp_path):
    path = write(tmp_path, "case:\n  judge: A\x00B\n")
    assert messages(path) == [f"{path}:2: a character YAML does not allow (U+0000); remove it"]


def test_tab_indentation(tmp_path):
    path = write(tmp_path, "case:\n\tjudge: X\n")
    assert messages(path) == [f"{path}:2: malformed YAML: a tab where YAML needs spaces; indent with "
                              "spaces, not tabs"]


def test_two_documents(tmp_path):
    path = write(tmp_path, "---\ncase: x\n---\ncase: y\n")
    assert messages(path) == [f"{path}:3: malformed YAML: a second document (after '---'); a facts file is "
                              "one document: remove the '---' line"]


def test_an_empty_file(tmp_path):
    path = write(tmp_path, "# nothing yet\n")
    assert messages(path) == [f"{path}:1: the facts file must be a mapping of sections "
                              "(organizations, people, case, ...)"]


def test_keys_that_are_not_names_are_all_reported(tmp_path):
    path = write(tmp_path, "case:\n  1: x\n  yes: y\n  ~: z\n? [a, b]\n: list\n? {a: b}\n: mapping\n"
                           "people:\n  0700: {name: X}\n  ok: {name: Y}\n  ok: {name: Z}\n")
    assert messages(path) == [
        f'{path}:2: case.1: the key 1 is read as a number; put it in quotes to keep it as written: "1":',
        f'{path}:3: case.yes: the key yes is read as true/false; put it in quotes to keep it as written: '
        '"yes":',
        f'{path}:4: case.~: the key ~ is read as no value (null); put it in quotes to keep it as written: '
        '"~":',
        f"{path}:5: ?: a key must be a name, not a list; write a name before the ':'",
        f"{path}:7: ?: a key must be a name, not a mapping; write a name before the ':'",
        f'{path}:10: people.0700: the key 0700 is read as a number; put it in quotes to keep it as written: '
        '"0700":',
        f"{path}:12: people.ok: key written twice (first on line 11); keep one",
    ]


def test_numbers_python_cannot_convert(tmp_path):
    path = write(tmp_path, "case:\n  court_no: " + "1" * 5000 + "\n")
    assert messages(path) == [f"{path}:2: malformed YAML: 11111111111111111111... (5000 characters) is not a "
                              "number that can be read; put it in quotes if it is text"]
    path = write(tmp_path, "case:\n  court_no: 0x_\n", name="no-digits.yaml")
    assert messages(path) == [f"{path}:2: malformed YAML: 0x_ is not a number that can be read; put it in "
                              "quotes if it is text"]


def test_escaped_characters_no_document_can_hold(tmp_path):
    path = write(tmp_path, 'case:\n  judge: "A\\0B"\n  nature: "\\ud800"\n  court_no: "\\e[31m"\n')
    assert messages(path) == [
        f"{path}:2: case.judge: a character no document can hold (U+0000, written as an escape); remove it",
        f"{path}:3: case.nature: a character no document can hold (U+D800, written as an escape); remove it",
        f"{path}:4: case.court_no: a character no document can hold (U+001B, written as an escape); remove it",
    ]


def test_an_anchor_defined_twice(tmp_path):
    path = write(tmp_path, "a: &x 1\nb: &x 2\n")
    assert messages(path) == [f"{path}:2: malformed YAML: the anchor 'x' is defined twice (first on line 1); "
                              "give each anchor its own name"]


def test_an_empty_key(tmp_path):
    path = write(tmp_path, "case:\n  ?\n  : x\n")
    assert messages(path) == [f"{path}:2: case.(empty key): a key is missing before ':'; write its name"]


def test_merge_keys_keep_their_lines_and_marks(tmp_path):
    path = write(tmp_path, "base: &base\n  city: !confidential Chicago\n  state: IL\n"
                           "office:\n  <<: *base\n  state: Illinois\n")
    data, source = load_yaml(path)
    assert data["office"] == {"city": "Chicago", "state": "Illinois"}
    assert source.line_of(("office", "city")) == 2
    assert source.line_of(("office", "state")) == 6
    assert source.confidential == {("base", "city"), ("office", "city")}


# ----------------------------------------------------------------------------- !confidential

@pytest.mark.parametrize("written, value", [
    ("!confidential null", None), ("!confidential ~", None), ("!confidential", None),
    ("!confidential 42", 42), ("!confidential yes", True), ("!confidential '42'", "42"),
    ("!confidential Acme", "Acme"), ("!confidential [a, b]", ["a", "b"]),
    ("!confidential {a: 1}", {"a": 1}),
])
def test_a_confidential_mark_does_not_change_the_value(tmp_path, written, value):
    data, source = load_yaml(write(tmp_path, f"x:\n  y: {written}\n"))
    assert data == {"x": {"y": value}}
    assert source.confidential == {("x", "y")}


def test_a_confidential_value_reached_through_an_alias_is_confidential_there_too(tmp_path):
    _, source = load_yaml(write(tmp_path, "a: &secret !confidential 1 Main St\nb: [*secret]\n"))
    assert source.confidential == {("a",), ("b", 0)}


def test_the_example_still_loads_within_the_bounds():
    assert load_facts(EXAMPLE, limits=Limits(yaml_nodes=2_000, yaml_depth=8)).facts.case.court_no == "24-00097"


# ----------------------------------------------------------------------------- exhibit paths

def matter_with(folder: Path, exhibits: list[dict], settings: dict | None = None) -> Path:
    """The other matter's facts in ``folder``, with ``exhibits`` (cited by nothing) and ``settings``."""
    import yaml

    from conftest import OTHER

    data = yaml.safe_load(OTHER.read_text(encoding="utf-8"))
    for section in ("events", "requests"):
        for item in data[section]:
            item.pop("exhibit", None)
    data["exhibits"] = exhibits
    if settings:
        data["settings"] = settings
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "facts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def plan(facts: Path, staging: Path):
    """plan_exhibits on ``facts``, as a build does it."""
    from filings.papers.context import build_context
    from filings.exhibits.sources import plan_exhibits
    from filings.papers.render import Renderer

    from conftest import ROOT

    matter = load_facts(facts)
    return plan_exhibits(matter, staging, Renderer(ROOT / "templates" / "exhibits", build_context(matter)))


def plan_errors(facts: Path, staging: Path) -> list[str]:
    with pytest.raises(FactsError) as info:
        plan(facts, staging)
    return [str(p) for p in info.value.problems]


def pdf_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n% not read by plan_exhibits\n")
    return path


MOVE = "move the file into the matter's folder, or add the folder it is in to settings.allow_outside"
GIVE = "give the path of the exhibit's file"


@pytest.mark.skipif(not hasattr(os, "symlink") or not hasattr(os, "mkfifo"), reason="no links or pipes here")
def test_exhibit_files_outside_the_matter_or_not_files_are_refused_by_id_all_at_once(tmp_path):
    from conftest import line_of

    matter = tmp_path / "matter"
    secret = pdf_file(tmp_path / "elsewhere" / "secret.pdf")
    pdf_file(matter / "exhibits" / "good.pdf")
    (matter / "passwd.docx").symlink_to("/etc/passwd")
    (matter / "shared").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    os.mkfifo(matter / "pipe.pdf")
    (matter / "scans.pdf").mkdir()
    (matter / "loop.pdf").symlink_to(matter / "loop.pdf")
    names = ["exhibits/missing.pdf", "../elsewhere/secret.pdf", str(secret), "passwd.docx",
             "shared/secret.pdf", "pipe.pdf", "scans.pdf", "loop.pdf", "exhibits/good.pdf"]
    facts = matter_with(matter, [{"id": f"x{i}", "title": f"Exhibit {i}", "file": name}
                                 for i, name in enumerate(names)])

    def at(file: str) -> str:
        return f"{facts}:{line_of(facts, 'file: ' + file)}"

    assert plan_errors(facts, tmp_path / "staging") == [
        f"{at('exhibits/missing.pdf')}: exhibit 'x0': no such file 'exhibits/missing.pdf' (paths are "
        "relative to the facts file's folder)",
        f"{at('../elsewhere')}: exhibit 'x1': '../elsewhere/secret.pdf' is outside the matter's folder; {MOVE}",
        f"{at(str(secret))}: exhibit 'x2': '{secret}' is outside the matter's folder; {MOVE}",
        f"{at('passwd.docx')}: exhibit 'x3': 'passwd.docx' leads through a link to /etc/passwd, outside the "
        f"matter's folder; {MOVE}",
        f"{at('shared/secret.pdf')}: exhibit 'x4': 'shared/secret.pdf' leads through a link to {secret}, "
        f"outside the matter's folder; {MOVE}",
        f"{at('pipe.pdf')}: exhibit 'x5': 'pipe.pdf' is not a regular file (a pipe, socket or device); {GIVE}",
        f"{at('scans.pdf')}: exhibit 'x6': 'scans.pdf' is a folder, not a file; {GIVE}",
        f"{at('loop.pdf')}: exhibit 'x7': 'loop.pdf' is a link that leads back to itself (a loop); {GIVE}",
    ]


def test_an_unusable_kind_of_file_is_named_by_its_exhibit(tmp_path):
    from conftest import line_of

    (tmp_path / "notes.xyz").write_text("not an exhibit", encoding="utf-8")
    facts = matter_with(tmp_path, [{"id": "odd", "title": "An odd exhibit", "file": "notes.xyz"}])
    assert plan_errors(facts, tmp_path / "staging") == [
        f"{facts}:{line_of(facts, 'file: notes.xyz')}: exhibit 'odd': cannot use a '.xyz' file as an exhibit; "
        "use one of DOC, DOCX, EML, JPEG, JPG, MSG, ODS, ODT, PDF, PNG, RTF, TIF, TIFF, XLSX"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no links here")
def test_allowed_folders_outside_the_matter(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    store = pdf_file(tmp_path / "store" / "shared.pdf")
    home = pdf_file(tmp_path / "home" / "exhibits" / "mine.pdf")
    absolute = pdf_file(tmp_path / "abs" / "a.pdf")
    matter = tmp_path / "matter"
    matter.mkdir()
    (matter / "store-link").symlink_to(tmp_path / "store", target_is_directory=True)
    exhibits = [{"id": "rel", "title": "Relative", "file": "../store/shared.pdf"},
                {"id": "link", "title": "Through a link", "file": "store-link/shared.pdf"},
                {"id": "home", "title": "In home", "file": str(home)},
                {"id": "abs", "title": "Absolute", "file": str(absolute)}]
    facts = matter_with(matter, exhibits, {"allow_outside": ["../store", "~/exhibits", str(absolute.parent)]})
    plans = plan(facts, tmp_path / "staging")
    assert [(p.id, p.pdf) for p in plans] == [("rel", store), ("link", store), ("home", home),
                                              ("abs", absolute)]
    assert all(p.source == p.pdf for p in plans)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no links here")
def test_a_link_swapped_after_the_check_cannot_redirect_the_read(tmp_path):
    matter = tmp_path / "matter"
    target = pdf_file(matter / "exhibits" / "v3.pdf")
    (matter / "latest.pdf").symlink_to(target)
    from docx import Document
    letter_doc = Document()
    letter_doc.add_paragraph("the real letter")
    letter_doc.save(matter / "letter.docx")
    (matter / "current.docx").symlink_to(matter / "letter.docx")
    facts = matter_with(matter, [{"id": "notice", "title": "Notice", "file": "latest.pdf"},
                                 {"id": "letter", "title": "Letter", "file": "current.docx"}])
    notice, letter = plan(facts, tmp_path / "staging")
    (matter / "latest.pdf").unlink()
    (matter / "latest.pdf").symlink_to("/etc/passwd")
    assert notice.pdf == notice.source == target  # read from the real file, not through the link
    assert [p.text for p in Document(letter.convert).paragraphs] == ["the real letter"]


def test_resolve_inside_applies_to_any_input(tmp_path):
    from filings.paths import OutsideError, resolve_inside

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "a.docx").write_bytes(b"x")
    assert resolve_inside(tmp_path, "templates", kind="folder") == tmp_path / "templates"
    assert resolve_inside(tmp_path, "templates/a.docx") == tmp_path / "templates" / "a.docx"
    with pytest.raises(ValueError, match="^is not a folder$"):
        resolve_inside(tmp_path, "templates/a.docx", kind="folder")
    with pytest.raises(OutsideError, match="^is outside the matter's folder$"):
        resolve_inside(tmp_path / "templates", "../templates/../..", kind=None)
    with pytest.raises(FileNotFoundError):
        resolve_inside(tmp_path, "nothing.docx")
    with pytest.raises(ValueError, match="^is not a valid file name$"):
        resolve_inside(tmp_path, "a\0b.docx")


def test_libyaml_and_pure_python_loaders_read_every_facts_file_alike():
    """The fast (libyaml) parser must give what the pure-Python one gives: values, lines, the
    text of unquoted values and the confidential marks, for every facts file we have."""
    from filings.facts import source as yamlsource

    if len(yamlsource._LOADERS) == 1:
        pytest.skip("PyYAML here has no libyaml")
    files = [ROOT / "facts.yaml", *sorted((ROOT / "tests" / "data").rglob("*.yaml"))]
    assert len(files) >= 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yamlsource._load(yamlsource._LOADERS[0], text, path, yamlsource.DEFAULT_LIMITS)
        slow = yamlsource._load(yamlsource._Loader, text, path, yamlsource.DEFAULT_LIMITS)
        assert fast[0] == slow[0], path
        assert (fast[1].lines, fast[1].raw, fast[1].confidential) == \
            (slow[1].lines, slow[1].raw, slow[1].confidential), path
