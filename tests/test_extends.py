"""Facts that extend facts (``extends: PATH``): the merge, where each value comes from, the
bounds on bases, ``filings facts --origin``, and what a build makes again when a base changes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from filings.errors import FactsError, FilingsError
from filings.facts.extend import MARKER, load_merged
from filings.facts.load import load_facts
from filings.facts.origin import show_facts
from filings.pipeline.watch import inputs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "facts.yaml"


def line_in(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def campaign(tmp_path):
    """A campaign folder (marked ``filings-root``) with the example's facts as its base and two
    matters that extend it, each with the example's exhibit files."""
    (tmp_path / MARKER).write_text("")
    shutil.copy(EXAMPLE, tmp_path / "base.yaml")
    for name, number in (("acme", "24-00201"), ("zenith", "24-00202")):
        shutil.copytree(ROOT / "exhibits", tmp_path / name / "exhibits")
        (tmp_path / name / "facts.yaml").write_text(f"extends: ../base.yaml\ncase:\n  court_no: {number}\n",
                                                     encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_matter_overrides_a_base_list_item_by_id_and_keeps_the_others(campaign):
    base = campaign / "base.yaml"
    facts = write(campaign / "acme" / "facts.yaml", """extends: ../base.yaml
case:
  court_no: 24-00201
events:
  - id: second_review
    text: sampled twenty more of Plaintiff's entries
  - id: hearing
    date: 2024-05-30
    actor: cbp
    text: met with Plaintiff
""")
    matter = load_facts(facts)
    events = matter.facts.events
    assert [e.id for e in events] == ["first_review", "second_review", "ctpat_suspension", "type86_notice",
                                      "conditional_reinstatement", "hearing"]
    second = events[1]
    assert second.text == "sampled twenty more of Plaintiff's entries"
    assert second.date.iso() == "2024-01-22"  # the base's, kept: the item was merged, not replaced
    source = matter.source
    assert source.where(("events", 1, "text")) == "facts.yaml:6"
    assert source.where(("events", 1, "date")) == f"../base.yaml:{line_in(base, 'date: 2024-01-22')}"
    assert source.where(("events", 0, "date")) == f"../base.yaml:{line_in(base, 'id: first_review') + 1}"
    assert source.where(("events", 5, "actor")) == "facts.yaml:9"
    assert source.file_of(("case", "court_no")) == facts
    assert source.file_of(("case", "judge")).resolve() == base
    assert source.where(("case", "court_no")) == "facts.yaml:3"
    # mappings merge key by key: the base's other case facts stay
    assert matter.facts.case.judge == "Claire R. Kelly" and matter.facts.case.court_no == "24-00201"
    # a template's fact is located in the file it is written in
    assert matter.locate_fact("events.1.date").endswith(f"base.yaml:{line_in(base, 'date: 2024-01-22')}")


def test_delete_removes_a_base_value_and_a_stray_delete_is_refused(campaign):
    facts = write(campaign / "acme" / "facts.yaml", """extends: ../base.yaml
case:
  court_no: 24-00201
  judge: !delete
exhibits:
  - !delete {id: reinstatement_letter}
""")
    data, source = load_merged(facts)
    assert "judge" not in data["case"] and data["case"]["court_no"] == "24-00201"
    assert [e["id"] for e in data["exhibits"]] == ["ctpat_portal_status", "type86_notice", "first_request",
                                                  "second_request", "litigation_notice"]
    assert ("exhibits", 5) not in source.lines
    # nothing to remove: the base has no such key, no such id
    write(facts, "extends: ../base.yaml\ncase:\n  court_no: 24-00201\n  clerk: !delete\n"
                 "exhibits:\n  - !delete {id: nothing_like_it}\n")
    with pytest.raises(FactsError) as e:
        load_merged(facts)
    assert [str(p) for p in e.value.problems] == [
        f"{facts}:4: case.clerk: !delete, but the files this one extends have no such key to remove; remove the !delete",
        f"{facts}:6: exhibits.0: !delete, but the files this one extends have no such item with the id "
        "'nothing_like_it' to remove; remove the !delete"]
    # a file that extends nothing has nothing to remove
    write(facts, "case:\n  judge: !delete\n")
    with pytest.raises(FactsError, match=r"facts.yaml:2: case.judge: !delete removes a value of the file this one "
                                         r"extends, but it has no 'extends:'"):
        load_merged(facts)
    # a !delete with a value, and a tag no facts file takes, are refused with their line
    write(facts, "extends: ../base.yaml\ncase:\n  judge: !delete Judge Kelly\n")
    with pytest.raises(FactsError, match=r"facts.yaml:3: malformed YAML: !delete takes no value"):
        load_merged(facts)
    write(facts, "extends: ../base.yaml\ncase:\n  judge: !unset\n")
    with pytest.raises(FactsError, match=r"facts.yaml:3: malformed YAML: could not determine a constructor for the "
                                         r"tag '!unset'; a facts file takes the tags !confidential, !public and"):
        load_merged(facts)


def test_other_lists_are_replaced_and_an_empty_list_empties(campaign):
    facts = write(campaign / "acme" / "facts.yaml", "extends: ../base.yaml\ncase:\n  defendants: [united_states]\n"
                                                    "  counsel: [lead_counsel]\nrequests: []\n")
    data, source = load_merged(facts)
    assert data["case"]["defendants"] == ["united_states"]
    assert data["requests"] == []
    assert source.where(("case", "defendants", 0)) == "facts.yaml:3"


def test_an_error_in_the_base_names_the_base_file_and_line(campaign):
    base = campaign / "base.yaml"
    text = base.read_text(encoding="utf-8").replace("  judge: Claire R. Kelly\n", "  judge: Claire R. Kelly\n"
                                                    "  cout_no: 24-00097\n", 1)
    base.write_text(text, encoding="utf-8")
    line = line_in(base, "cout_no:")
    proc = cli("check", ".", cwd=campaign / "acme")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == f"../base.yaml:{line}: case.cout_no: unknown key; did you mean 'court_no'?"
    assert "Traceback" not in proc.stderr
    # the same base, from the campaign's folder: named as reached from there
    proc = cli("check", "zenith", cwd=campaign)
    assert proc.stderr.splitlines()[-1].startswith(f"base.yaml:{line}: case.cout_no: unknown key")


def test_cross_checks_name_the_file_of_the_value(campaign):
    facts = write(campaign / "acme" / "facts.yaml", "extends: ../base.yaml\ncase:\n  plaintiffs: [nobody]\n")
    with pytest.raises(FactsError) as e:
        load_facts(facts)
    assert any(str(p).startswith(f"{facts}:3: case.plaintiffs.0:") for p in e.value.problems), e.value


def test_a_cycle_a_base_outside_the_root_and_a_link_out_are_refused_in_one_line(campaign, tmp_path_factory):
    facts = campaign / "acme" / "facts.yaml"
    base = campaign / "base.yaml"
    base.write_text("extends: acme/facts.yaml\n" + base.read_text(encoding="utf-8"), encoding="utf-8")
    proc = cli("check", "acme", cwd=campaign)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "base.yaml:1: extends: acme/facts.yaml leads back to acme/facts.yaml: the files extend one another in a "
        "circle; remove one of the extends"]
    shutil.copy(EXAMPLE, base)
    outside = tmp_path_factory.mktemp("elsewhere") / "firm.yaml"
    shutil.copy(EXAMPLE, outside)
    write(facts, f"extends: {os.path.relpath(outside, facts.parent)}\n")
    proc = cli("check", ".", cwd=campaign / "acme")
    assert proc.returncode == 1
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"facts.yaml:1: extends: {os.path.relpath(outside, facts.parent)} is outside "
                           f"{campaign.resolve()} (the folder holding {MARKER}); a matter's facts may extend only "
                           "files inside it")
    (campaign / "link.yaml").symlink_to(outside)  # a link inside the root that leads out of it
    write(facts, "extends: ../link.yaml\n")
    with pytest.raises(FactsError, match=r"facts.yaml:1: extends: \.\./link.yaml is outside"):
        load_facts(facts)
    # without a filings-root marker (and outside git), a matter may extend only files in its own folder
    (campaign / MARKER).unlink()
    if any((folder / ".git").exists() for folder in (campaign, *campaign.parents)):
        pytest.fail("the test's folder is inside a git work tree")
    write(facts, "extends: ../base.yaml\n")
    with pytest.raises(FactsError, match=r"is outside .*acme \(the matter's own folder: put a file named filings-root"):
        load_facts(facts)


def test_the_chain_is_bounded(campaign):
    for i in range(10):
        write(campaign / f"level{i}.yaml", f"extends: level{i + 1}.yaml\n")
    write(campaign / "level10.yaml", EXAMPLE.read_text(encoding="utf-8"))
    write(campaign / "acme" / "facts.yaml", "extends: ../level0.yaml\n")
    with pytest.raises(FactsError, match=r"level7.yaml:1: extends: more than 8 files extend one another"):
        load_facts(campaign / "acme" / "facts.yaml")
    write(campaign / "level3.yaml", EXAMPLE.read_text(encoding="utf-8"))  # four bases: fine
    matter = load_facts(campaign / "acme" / "facts.yaml")
    assert [p.name for p in matter.source.bases] == ["level0.yaml", "level1.yaml", "level2.yaml", "level3.yaml"]
    assert matter.source.where(("case", "judge")) == f"../level3.yaml:{line_in(EXAMPLE, 'judge:')}"


def test_confidential_marks_in_a_base_count_as_in_the_matter(campaign):
    base = campaign / "base.yaml"
    text = base.read_text(encoding="utf-8")
    text = text.replace("    parent: SEKO Worldwide, LLC", "    parent: !confidential SEKO Worldwide, LLC", 1)
    text = text.replace("    state: Illinois", "    state: !confidential Illinois", 1)
    base.write_text(text, encoding="utf-8")
    write(campaign / "acme" / "facts.yaml", "extends: ../base.yaml\norganizations:\n  seko:\n"
                                            "    state: Delaware\n    parent: !public SEKO Holdings\n")
    matter = load_facts(campaign / "acme" / "facts.yaml")
    # replaced without a mark, a confidential value stays confidential; !public releases it
    assert ("organizations", "seko", "state") in matter.source.confidential
    assert ("organizations", "seko", "parent") not in matter.source.confidential
    assert ("organizations", "seko", "parent") in matter.source.public
    write(campaign / "acme" / "facts.yaml", "extends: ../base.yaml\n")
    matter = load_facts(campaign / "acme" / "facts.yaml")
    assert {("organizations", "seko", "state"), ("organizations", "seko", "parent")} <= matter.source.confidential
    from filings.court.confidential import secrets_of
    assert secrets_of(matter).values["organizations.seko.state"] == ["Illinois"]


def test_a_base_settings_path_is_relative_to_the_base(campaign):
    (campaign / "firm" / "templates").mkdir(parents=True)
    write(campaign / "firm" / "firm.yaml", EXAMPLE.read_text(encoding="utf-8") +
          "settings:\n  templates: templates\n  allow_outside: [shared]\n")
    write(campaign / "base.yaml", "extends: firm/firm.yaml\n")
    matter = load_facts(campaign / "acme" / "facts.yaml")
    assert matter.facts.settings.templates == os.path.join("..", "firm", "templates")
    assert matter.facts.settings.allow_outside == [os.path.join("..", "firm", "shared")]
    assert matter.source.where(("settings", "templates")) == f"../firm/firm.yaml:{line_in(campaign / 'firm' / 'firm.yaml', 'templates: templates')}"
    from filings.papers.library import FIRM, TemplateLibrary
    library = TemplateLibrary.for_facts(matter)
    assert [(o, os.path.realpath(f)) for o, f in library.folders if o == FIRM] == \
        [(FIRM, os.path.realpath(campaign / "firm" / "templates"))]
    # a library that is not there is named with the file and line that set it
    shutil.rmtree(campaign / "firm" / "templates")
    proc = cli("check", ".", cwd=campaign / "acme")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        f"../firm/firm.yaml:{line_in(campaign / 'firm' / 'firm.yaml', 'templates: templates')}: settings.templates: "
        "the firm's template library ../firm/templates (from settings.templates) is not a folder; fix the path")


def test_filings_facts_prints_the_merged_facts_with_their_origin(campaign):
    base = campaign / "base.yaml"
    proc = cli("facts", "case.plaintiffs", "--origin", cwd=campaign / "acme")
    assert proc.returncode == 0, proc.stderr
    plaintiffs = line_in(base, "plaintiffs: [seko]")
    assert proc.stdout.splitlines() == ["case:  # facts.yaml:2", f"  plaintiffs:  # ../base.yaml:{plaintiffs}",
                                        f"    - seko  # ../base.yaml:{plaintiffs}"]
    proc = cli("facts", "acme", "case", cwd=campaign)
    assert proc.returncode == 0, proc.stderr
    assert "  court_no: 24-00201\n  judge: Claire R. Kelly\n" in proc.stdout and "#" not in proc.stdout
    proc = cli("facts", "acme", "events.second_review.date", "--origin", cwd=campaign)
    # the origins are named as the matter names them: relative to its folder
    assert proc.stdout.splitlines() == [f"events:  # ../base.yaml:{line_in(base, 'events:')}",
                                        "  - date: '2024-01-22'  # ../base.yaml:" + str(line_in(base, "2024-01-22"))]
    proc = cli("facts", "case.nothing", cwd=campaign / "acme")
    assert proc.returncode == 1
    assert proc.stderr.startswith("facts.yaml:2: case.nothing: case has no 'nothing' (it has court_no, judge, ")
    # the whole merged facts, as printed, are facts that load to the same values
    proc = cli("facts", cwd=campaign / "acme")
    printed = write(campaign / "acme" / "printed.yaml", proc.stdout)
    assert load_merged(printed)[0] == load_merged(campaign / "acme" / "facts.yaml")[0]


def test_watch_and_the_manifest_know_the_base_files(campaign):
    facts = campaign / "acme" / "facts.yaml"
    assert campaign / "base.yaml" in [Path(os.path.normpath(p)) for p in inputs(facts)]
    base = campaign / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8") + "  broken: [\n", encoding="utf-8")
    assert campaign / "base.yaml" in [Path(os.path.normpath(p)) for p in inputs(facts)]  # watched while broken


def build_quietly(facts: Path, **kwargs):
    from filings.pipeline.builder import build
    warnings: list[str] = []
    result = build(facts, facts.parent / "build", warn=warnings.append, **kwargs)
    return result, warnings


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".filings" not in p.parts}


@pytest.mark.e2e
def test_a_base_change_rebuilds_only_the_papers_that_read_it_in_both_matters(campaign, monkeypatch):
    matters = [campaign / "acme" / "facts.yaml", campaign / "zenith" / "facts.yaml"]
    before = {}
    for facts in matters:
        result, warnings = build_quietly(facts)
        assert not result.unchanged and all(not b.carried for b in result.papers)
        before[facts] = outputs(facts.parent / "build")
    base = campaign / "base.yaml"
    allegation = "before suspending Plaintiff, and it has withheld that information"
    base.write_text(base.read_text(encoding="utf-8").replace(allegation, allegation.replace(
        "it has withheld", "it has wrongfully withheld")), encoding="utf-8")
    for facts in matters:
        result, warnings = build_quietly(facts)
        assert [b.key for b in result.papers if not b.carried] == ["complaint"], result.summary()
        assert result.summary().startswith("built 1 paper (complaint), kept 10 from the last build")
        after = outputs(facts.parent / "build")
        assert set(after) == set(before[facts])
        changed = sorted(name for name in after if after[name] != before[facts][name])
        assert changed == ["complaint.docx", "complaint.pdf", "packet-complaint.pdf"]
        text = subprocess.run(["pdftotext", "-layout", str(facts.parent / "build" / "complaint.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "wrongfully" in " ".join(text.split())
        manifest = json.loads((facts.parent / "build" / ".filings" / "manifest.json").read_text(encoding="utf-8"))
        assert [f["file"] for f in manifest["facts_files"]] == ["facts.yaml", "../base.yaml"]
        assert manifest["facts_files"][1]["sha256"] == __import__("hashlib").sha256(base.read_bytes()).hexdigest()
        matter = load_facts(facts)
        # what the fact diff and the warnings say of the changed fact: the base file, and the line of its item
        assert matter.locate_fact("claims.0.allegations.0") == f"{base}:{line_in(base, 'The agency had a duty') - 1}"
        assert matter.source.where(("claims", 0, "allegations", 0)) == \
            f"../base.yaml:{line_in(base, 'The agency had a duty') - 1}"
        # the fact diff of the matter's last two builds (the history keeps the base too): the base's fact,
        # by the base's file and line, and the complaint's cause said with it
        from filings.review.diff import compare
        from filings.review.sides import history_sides

        old_side, new_side = history_sides(facts.parent, facts.parent / "build", facts.parent / "work")
        diff = compare(old_side, new_side)
        assert [(f.path, f.status, f.where) for f in diff.facts] == [
            ("claims.0.allegations.0", "changed", f"../base.yaml:{line_in(base, 'The agency had a duty') - 1}")]
        [complaint] = [p for p in diff.papers if p.status == "changed"]
        assert complaint.key == "complaint" and \
            any(f"(../base.yaml:{line_in(base, 'The agency had a duty') - 1})" in c for c in complaint.reasons), complaint
    # a change to the base that no paper reads (a comment) is noticed, and nothing is made again
    base.write_text(base.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    result, _ = build_quietly(matters[0])
    assert not result.unchanged and all(b.carried for b in result.papers)
    result, _ = build_quietly(matters[0])
    assert result.unchanged

    # The firm's template library: a build from another one says so before it replaces anything,
    # and --strict refuses it.
    firm = campaign / "firm-templates"
    firm.mkdir()
    shutil.copy(ROOT / "templates" / "complaint.docx", firm / "complaint.docx")
    monkeypatch.setenv("FILINGS_TEMPLATES", str(firm))
    published = outputs(matters[0].parent / "build")
    with pytest.raises(FilingsError) as e:
        build_quietly(matters[0], strict=True)
    assert str(e.value) == (f"--strict: template library changed since the last build: complaint now from "
                            f"{firm} (was shipped); pass --templates DIR (or set FILINGS_TEMPLATES) or set "
                            "settings.templates to choose the firm's library")
    assert outputs(matters[0].parent / "build") == published
    result, warnings = build_quietly(matters[0])
    assert warnings == [str(e.value).removeprefix("--strict: ")]
    monkeypatch.delenv("FILINGS_TEMPLATES")
    # the firm's library named in the base's settings: every lawyer's build uses it, whatever the shell
    base.write_text(base.read_text(encoding="utf-8") + "settings:\n  templates: firm-templates\n", encoding="utf-8")
    result, warnings = build_quietly(matters[0])
    assert warnings == [f"settings changed since the last build: settings.templates "
                        f"(../base.yaml:{line_in(base, 'templates: firm-templates')})"]
    result, warnings = build_quietly(matters[0])
    assert warnings == [] and result.unchanged


def test_the_json_schema_takes_extends_and_spares_a_matter_that_extends_the_required_sections():
    import jsonschema

    from filings.facts.scaffold import schema
    validator = jsonschema.Draft202012Validator(schema())
    assert list(validator.iter_errors({"extends": "../campaign.yaml", "extra": {"client_no": 7}})) == []
    missing = {e.message for e in validator.iter_errors({"case": {"court_no": "24-00201"}})}
    assert "'claims' is a required property" in missing
    assert list(validator.iter_errors({"extends": 3}))[0].message == "3 is not of type 'string'"


def test_a_base_read_before_is_read_again_once_it_or_its_own_base_changes(campaign):
    firm = write(campaign / "firm.yaml", EXAMPLE.read_text(encoding="utf-8"))
    write(campaign / "base.yaml", "extends: firm.yaml\ncase:\n  judge: Jane Restani\n")
    facts = campaign / "acme" / "facts.yaml"
    assert load_facts(facts).facts.case.judge == "Jane Restani"
    assert load_facts(campaign / "zenith" / "facts.yaml").facts.case.judge == "Jane Restani"
    write(campaign / "base.yaml", "extends: firm.yaml\ncase:\n  judge: Gary Katzmann\n")
    assert load_facts(facts).facts.case.judge == "Gary Katzmann"
    firm.write_text(firm.read_text(encoding="utf-8").replace("Claire R. Kelly", "Claire R. Kelley"), encoding="utf-8")
    write(campaign / "base.yaml", "extends: firm.yaml\ncase:\n  judge: !delete\n")
    assert load_facts(facts).facts.case.judge is None
    firm.write_text(firm.read_text(encoding="utf-8").replace("  judge: Claire R. Kelley\n", ""), encoding="utf-8")
    with pytest.raises(FactsError, match=r"base.yaml:3: case.judge: !delete, but the files this one extends have no"):
        load_facts(facts)


def test_an_id_written_twice_in_a_list_merged_by_id_is_refused(campaign):
    facts = write(campaign / "acme" / "facts.yaml", "extends: ../base.yaml\nevents:\n  - id: second_review\n"
                                                    "    text: one\n  - id: second_review\n    text: two\n")
    with pytest.raises(FactsError) as e:
        load_facts(facts)
    assert [str(p) for p in e.value.problems] == [
        f"{facts}:5: events.1: the id 'second_review' is written twice in this list (first on line 3); keep one"]


def test_a_missing_base_is_named_with_the_line_that_extends_it(tmp_path):
    (tmp_path / MARKER).write_text("")
    facts = tmp_path / "matter" / "facts.yaml"
    facts.parent.mkdir()
    facts.write_text("extends: ../campaign.yaml\ncase: {filed: 2024-06-03}\n", encoding="utf-8")
    with pytest.raises(FactsError) as e:
        load_merged(facts)
    [problem] = e.value.problems
    assert (problem.line, str(problem).count("\n")) == (1, 0)
    assert "extends: ../campaign.yaml is not a file" in str(problem) and "--facts" not in str(problem)
