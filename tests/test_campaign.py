"""Many matters in one command: a campaign made from a client list, built in parallel (one
broken matter among them), rebuilt, and two of its matters compared (issue 21).

The campaign is three importers' protest complaints against the same Section 301-style
classification, made with ``filings new --from clients.csv`` from one template matter: the
matters differ only in the plaintiff (name, short name, address, importer number, entries).
The facts are written in full into each matter; once facts may extend a base (``extends:``),
the same campaign is a base and three short facts files.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from filings.errors import FilingsError
from filings.facts.clients import new_from_list, read_rows
from filings.pipeline.campaign import find_matters

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CLIENTS = """folder,name,short,kind,state,address,importer_number,entries
acme,Acme Bottle Works Inc.,Acme,corporation,Delaware,"12 Harbor Road | Dover, Delaware 19901",241015-00001,8TG-0500001-1 2024-05-14 2024-09-27; 8TG-0500002-2 2024-06-03 2024-10-18
bolt,Bolt Drinkware Inc.,Bolt,corporation,Delaware,"480 Pier Street | Wilmington, Delaware 19801",241015-00002,8TG-0600007-7 2024-05-14 2024-09-27; 8TG-0600008-8 2024-06-03 2024-10-18
"""
PLAINTIFFS = {
    "acme": ["Acme Bottle Works Inc.", "Acme", "12 Harbor Road", "Dover, Delaware 19901", "8TG-0500001-1",
             "8TG-0500002-2"],
    "bolt": ["Bolt Drinkware Inc.", "Bolt", "480 Pier Street", "Wilmington, Delaware 19801", "8TG-0600007-7",
             "8TG-0600008-8"],
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


def template_matter(folder: Path) -> Path:
    """The protest sample matter, its nature and plaintiff made generic for a campaign."""
    proc = run("new", str(folder), "--kind", "protest", cwd=folder.parent)
    assert proc.returncode == 0, proc.stderr
    return folder


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """camp/acme and camp/bolt made from the client list, camp/zenith a copy of acme with an unknown
    key, all built by one `filings build camp`: (folder, the command's result, zenith's bad line)."""
    top = tmp_path_factory.mktemp("campaign")
    template = template_matter(top / "template")
    (top / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    made = run("new", "--from", "clients.csv", "template", "--into", "camp", cwd=top)
    assert made.returncode == 0, made.stderr
    assert "made 2 matters" in made.stdout
    zenith = top / "camp" / "zenith"
    shutil.copytree(top / "camp" / "acme", zenith)
    text = (zenith / "facts.yaml").read_text(encoding="utf-8")
    (zenith / "facts.yaml").write_text(text.replace("  court_no:", "  cout_no:", 1), encoding="utf-8")
    bad_line = next(i for i, line in enumerate((zenith / "facts.yaml").read_text().splitlines(), 1)
                    if "cout_no:" in line)
    assert template.is_dir()
    return top, run("build", "camp", cwd=top), bad_line


@pytest.mark.e2e
def test_a_campaign_with_a_broken_matter_publishes_the_others_and_exits_1(campaign):
    top, proc, bad_line = campaign
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    matter_lines = [line for line in lines if line.startswith(("ok ", "FAIL "))]
    assert len(matter_lines) == 3, proc.stdout
    assert re.search(r"^ok +camp/acme/ +5 papers, \d+ pages, [\d.]+ s$", proc.stdout, re.M), proc.stdout
    assert re.search(r"^ok +camp/bolt/ +5 papers, \d+ pages, [\d.]+ s$", proc.stdout, re.M), proc.stdout
    fail = [line for line in matter_lines if line.startswith("FAIL")]
    assert len(fail) == 1 and "camp/zenith/" in fail[0]
    assert f"camp/zenith/facts.yaml:{bad_line}: case.cout_no: unknown key" in fail[0]
    assert lines[-1].startswith("built 2 of 3 matters") and lines[-1].endswith("1 failed: camp/zenith/")
    assert "Traceback" not in proc.stderr
    for name in ("acme", "bolt"):  # published, each its own plaintiff's
        complaint = top / "camp" / name / "build" / "complaint.pdf"
        text = subprocess.run(["pdftotext", "-layout", str(complaint), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert PLAINTIFFS[name][0].upper() in text.upper() and PLAINTIFFS[name][4] in text
        other = "bolt" if name == "acme" else "acme"
        assert PLAINTIFFS[other][0].upper() not in text.upper()
        assert (top / "camp" / name / "build" / "packet-complaint.pdf").is_file()
    assert not (top / "camp" / "zenith" / "build").exists()


@pytest.mark.e2e
def test_build_of_two_matters_prints_one_line_each_and_quiet_only_the_summary(campaign):
    top, _, _ = campaign
    proc = run("build", "camp/acme", "camp/bolt", cwd=top)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3, proc.stdout
    assert {line.split()[1] for line in lines[:2]} == {"camp/acme/", "camp/bolt/"}
    assert all(re.match(r"ok +camp/\w+/ +nothing changed, 5 papers, \d+ pages, [\d.]+ s$", line) for line in lines[:2])
    assert lines[2].startswith("built 2 matters: 10 papers")
    quiet = run("build", "camp/acme", "camp/bolt", "-q", cwd=top)
    assert quiet.returncode == 0 and quiet.stdout.splitlines() == [quiet.stdout.splitlines()[-1]]
    assert quiet.stdout.startswith("built 2 matters")


@pytest.mark.e2e
def test_diff_across_two_matters_shows_only_the_plaintiffs_differences(campaign):
    top, _, _ = campaign
    proc = run("diff", "camp/acme", "camp/bolt", cwd=top)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    changed = sorted(line.split(":")[0].strip() for line in proc.stdout.splitlines() if line.startswith("  "))
    assert changed == sorted([
        "organizations.plaintiff.name", "organizations.plaintiff.short",
        "organizations.plaintiff.address.0", "organizations.plaintiff.address.1",
        "organizations.plaintiff.importer_number",
        "protests.0.entries.0.number", "protests.0.entries.1.number"]), proc.stdout
    assert re.search(r"^  organizations\.plaintiff\.name: Acme Bottle Works Inc\. → Bolt Drinkware Inc\. "
                     r"\(camp/acme/facts\.yaml:\d+ → camp/bolt/facts\.yaml:\d+\)$", proc.stdout, re.M), proc.stdout
    [summary] = re.findall(r"^summary: (\S+)/summary\.html", proc.stdout, re.M)
    review = top / summary
    assert review.parent == top / "camp" / "bolt" / "reviews" and review.name.endswith("-acme-vs-bolt"), summary
    redlines = sorted((review / "redline").glob("*.docx"))
    assert {p.stem for p in redlines} >= {"summons", "complaint"}
    compared = 0
    for docx in redlines:
        old, new, deleted, inserted = versions(docx)
        assert deleted and inserted, docx.name  # the plaintiff is in every paper
        # a paragraph replaced whole is a deleted and an inserted one: compare the text, paragraph by paragraph
        before = [neutral(text, "acme") for text in old if text]
        after = [neutral(text, "bolt") for text in new if text]
        assert before == after, docx.name
        compared += sum(a != b for a, b in zip([t for t in old if t], [t for t in new if t]))
    assert compared >= 5
    assert (review / "redline" / "complaint.pdf").is_file()

    facts = top / "camp" / "acme" / "facts.yaml"  # facts changed since the last build: compared, with a warning
    saved = facts.read_text(encoding="utf-8")
    try:
        facts.write_text(saved.replace("12 Harbor Road", "14 Harbor Road"), encoding="utf-8")
        stale = run("diff", "camp/acme", "camp/bolt", "-q", cwd=top)
    finally:
        facts.write_text(saved, encoding="utf-8")
    assert stale.returncode == 0, stale.stderr
    assert stale.stderr.startswith("warning: camp/acme/facts.yaml: changed since the matter's last build")
    assert "14 Harbor Road → 480 Pier Street" in stale.stdout


def versions(docx: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """The paragraphs as they were and as they are, and the text of every w:del and w:ins."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    old, new = [], []
    for p in root.iter(f"{W}p"):
        before = after = ""
        for t in p.iter(f"{W}t", f"{W}delText"):
            kinds = {a.tag for a in t.iterancestors()}
            if not kinds & {f"{W}ins", f"{W}moveTo"}:
                before += t.text or ""
            if not kinds & {f"{W}del", f"{W}moveFrom"}:
                after += t.text or ""
        # the typesetting ties a date's words and a number's parts (no-break space and hyphen)
        old.append(before.replace("\u00a0", " ").replace("\u2011", "-"))
        new.append(after.replace("\u00a0", " ").replace("\u2011", "-"))
    deleted = ["".join(t.text or "" for t in d.iter(f"{W}delText")) for d in root.iter(f"{W}del")]
    inserted = ["".join(t.text or "" for t in i.iter(f"{W}t")) for i in root.iter(f"{W}ins")]
    return old, new, deleted, inserted


def neutral(text: str, who: str) -> str:
    """``text`` with the plaintiff's values (and their capitals) replaced by placeholders."""
    for n, value in sorted(enumerate(PLAINTIFFS[who]), key=lambda item: -len(item[1])):
        text = text.replace(value, f"<{n}>").replace(value.upper(), f"<{n}>")
    return text


# ------------------------------------------------------------------ finding matters, client lists

def test_find_matters_skips_build_hidden_and_linked_folders(tmp_path):
    for name in ("a", "group/b", "group/c", "a/build/x", ".hidden/d"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "facts.yaml").write_text("{}\n")
    (tmp_path / "linked").symlink_to(tmp_path / "a")
    (tmp_path / "empty").mkdir()
    assert find_matters([tmp_path]) == [tmp_path / "a", tmp_path / "group" / "b", tmp_path / "group" / "c"]
    assert find_matters([tmp_path / "group" / "c", tmp_path / "group"]) == [tmp_path / "group" / "c",
                                                                           tmp_path / "group" / "b"]
    with pytest.raises(FilingsError, match="no matter in this folder"):
        find_matters([tmp_path / "empty"])
    with pytest.raises(FilingsError, match="no such matter or campaign folder"):
        find_matters([tmp_path / "nowhere"])


def test_a_bad_client_list_is_one_line_per_row_naming_its_line_and_makes_nothing(tmp_path):
    template = template_matter(tmp_path / "template")
    bad = tmp_path / "clients.csv"
    bad.write_text("folder,name,address,entries\n"
                   "good,Good Co.,1 Road | Town,8TG-1 2024-01-02\n"
                   "bad name,X Co.,1 Road,\n"
                   "third,,1 Road,\n"
                   "fourth,Y Co.,1 Road,8TG-2 yesterday\n"
                   "good,Z Co.,1 Road,\n", encoding="utf-8")
    with pytest.raises(FilingsError) as caught:
        new_from_list(bad, template, tmp_path / "camp")
    lines = [str(p) for p in caught.value.problems]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6"], lines
    assert "folder: 'bad name' is not a folder name" in lines[0]
    assert "name: empty" in lines[1]
    assert "entries: '8TG-2 yesterday' is not 'NUMBER DATE [LIQUIDATED]'" in lines[2]
    assert "is also an earlier row's" in lines[3]
    assert not (tmp_path / "camp").exists()


def test_a_client_list_may_be_yaml_and_keeps_confidential_marks(tmp_path):
    template = template_matter(tmp_path / "template")
    facts = template / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("    phone: (404) 555-0172", "    phone: !confidential (404) 555-0172", 1),
                     encoding="utf-8")
    clients = tmp_path / "clients.yaml"
    clients.write_text("- folder: north\n  name: North Goods Co.\n  address: 1 North Road | Northtown, Maine 04001\n"
                       "- {folder: south, name: South Goods Co., address: 2 South Road}\n", encoding="utf-8")
    assert [line for line, _ in read_rows(clients)] == [1, 4]
    made = new_from_list(clients, template, tmp_path / "camp")
    assert [p.name for p in made] == ["north", "south"]
    from filings.facts.load import load_facts
    north = load_facts(made[0] / "facts.yaml")
    assert north.facts.organizations["plaintiff"].name == "North Goods Co."
    assert north.facts.organizations["plaintiff"].address == ["1 North Road", "Northtown, Maine 04001"]
    assert ("people", "lead_counsel", "phone") in north.source.confidential
    assert (made[0] / "exhibits").is_dir() and not (made[0] / "build").exists()
