"""filings diff on the real LibreOffice and the real redline engine: a one-date change, a
bold-only template change, two build folders, git revisions, the HTML summary in Chromium."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, line_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# events.2 (the C-TPAT suspension); the portal page's exhibit keeps its own date, captured that day
OLD_DATE, NEW_DATE = "id: ctpat_suspension\n    date: 2024-05-17", "id: ctpat_suspension\n    date: 2024-04-12"


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def new_matter(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "facts.yaml", folder / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def review_dir(proc: subprocess.CompletedProcess, cwd: Path) -> Path:
    """The review folder the diff names on its second line (``review: reviews/DATE-FROM-TO/ ...``)."""
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("review: "))
    return cwd / line[len("review: "):].split("/ (", 1)[0]


def built(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stderr
    return proc


def versions(docx: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """The paragraphs as they were (deletions kept, insertions dropped) and as they are, and
    the text of every w:del and every w:ins."""
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
        old.append(before.replace("\u00a0", " "))  # a date's month and day are tied (filings.papers.typeset)
        new.append(after.replace("\u00a0", " "))
    deleted = ["".join(t.text or "" for t in d.iter(f"{W}delText")).replace("\u00a0", " ") for d in root.iter(f"{W}del")]
    inserted = ["".join(t.text or "" for t in i.iter(f"{W}t")).replace("\u00a0", " ") for i in root.iter(f"{W}ins")]
    return old, new, deleted, inserted


def pdftext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def one_date(tmp_path_factory):
    """A matter built, one date changed, built again, then `filings diff --exit-code`."""
    matter = new_matter(tmp_path_factory.mktemp("diff") / "matter")
    built(cli("build", "-q", cwd=matter))
    only_one = cli("diff", cwd=matter)
    edit(matter / "facts.yaml", OLD_DATE, NEW_DATE)
    built(cli("build", "-q", cwd=matter))
    proc = cli("diff", "--exit-code", cwd=matter)
    return matter, proc, only_one


def test_diff_needs_two_builds(one_date):
    _, _, only_one = one_date
    assert only_one.returncode == 1 and "Traceback" not in only_one.stderr
    assert "history has one build" in only_one.stderr


def test_one_date_changed(one_date):
    matter, proc, _ = one_date
    assert proc.returncode == 1, proc.stderr  # --exit-code: something changed
    out = review_dir(proc, matter)
    assert out.parent == matter / "reviews" and re.fullmatch(r"\d{4}-\d\d-\d\d-r1-r2", out.name)
    manifest = json.loads((matter / "build" / ".filings" / "manifest.json").read_text())
    # A certificate of compliance reads what its motion reads (it is made again with it) but
    # prints only the motion's word count, which a date does not change: no redline for it.
    readers = {name for name, entry in manifest["papers"].items() if "events.2.date" in entry["facts_read"]
               and not name.startswith("certificate-of-compliance")}
    assert {"complaint", "motion"} <= readers
    # every paper redlined read the date; a paper that read it and did not change (the certificate
    # of compliance: the count is the same) may have none. The declaration prints the exhibit's own
    # date (the day the portal page was captured), which an event's date no longer moves
    redlined = {p.stem for p in (out / "redline").glob("*.docx")}
    assert {"complaint", "motion"} <= redlined <= readers and "declaration" not in redlined
    assert {p.stem for p in (out / "redline").glob("*.pdf")} == redlined
    # of every DOCX the build made: the papers and the letters drafted in build/letters/
    assert proc.stdout.startswith(f"1 fact changed; {len(redlined)} of {len(manifest['papers']) + 3} papers changed")

    old, new, deleted, inserted = versions(out / "redline" / "complaint.docx")
    assert any("May 17, 2024, in connection with C-TPAT" in p for p in old)
    assert any("April 12, 2024, in connection with C-TPAT" in p for p in new)
    assert not any("April 12, 2024" in p for p in old) and not any("May 17, 2024" in p for p in new)
    assert any(d and d in "May 17" for d in deleted) and any(i and i in "April 12" for i in inserted)
    with zipfile.ZipFile(out / "redline" / "complaint.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert re.search(r'<w:del [^>]*w:author="filings"[^>]*w:date="2024-06-03T00:00:00Z"', xml) or \
        re.search(r'<w:del [^>]*w:date="2024-06-03T00:00:00Z"[^>]*w:author="filings"', xml)

    text = pdftext(out / "redline" / "complaint.pdf")
    line = next(ln for ln in text.splitlines() if "in connection with C-TPAT" in ln)
    assert all(word in line for word in ("May", "April", "17", "12")), line

    summary = (out / "summary.md").read_text()
    facts = matter / "facts.yaml"
    row = next(ln for ln in summary.splitlines() if ln.startswith("| `events[ctpat_suspension].date`"))
    n = line_of(facts, "date: 2024-04-12")
    assert row == f"| `events[ctpat_suspension].date` | changed | 2024-05-17 ({n}) | 2024-04-12 ({n}) |"
    for name in manifest["papers"]:
        status = "changed" if name in redlined else "unchanged"
        assert re.search(rf"^\| {re.escape(name)} \| {status} \|", summary, re.M), name
    # the cause in the facts' words, with the file and line the user wrote it at
    assert re.search(rf"^\| complaint \| changed \| \d+ \| event ctpat_suspension: when it happened \(facts.yaml:{n}\) "
                     r"\| \[DOCX\]\(redline/complaint.docx\)",
                     summary, re.M)


def test_identical_builds_are_no_changes(one_date, tmp_path):
    matter, _, _ = one_date
    same = tmp_path / "same"
    shutil.copytree(matter / "build", same, symlinks=False)  # with the diff inside: not papers
    proc = cli("diff", str(same), "build", "--exit-code", "--out", str(tmp_path / "d"), cwd=matter)
    assert (proc.returncode, proc.stdout.splitlines()[0]) == (0, "no changes"), proc.stderr
    assert "No changes." in (tmp_path / "d" / "summary.md").read_text()


def test_two_build_folders(one_date, tmp_path):
    """`filings diff OLD NEW`: the facts come from the history by the manifests' hashes."""
    matter, _, _ = one_date
    current = (matter / "build").resolve()
    previous = next(p for p in (matter / ".build.filings").iterdir()
                    if p != current and (p / ".filings" / "manifest.json").is_file())
    proc = cli("diff", str(previous), "build", "--out", str(tmp_path / "d"), cwd=matter)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("1 fact changed;")
    assert (tmp_path / "d" / "redline" / "complaint.docx").is_file()


def test_html_summary_in_headless_chromium(one_date, tmp_path):
    """Chromium loads the page offline and prints what it shows: the fact, both values, the
    papers and their status; every link leads to a file that exists."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (scripts/install-system-deps.sh installs it for the tests)")
    matter, proc, _ = one_date
    page = review_dir(proc, matter) / "summary.html"
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
              "--host-resolver-rules=MAP * ~NOTFOUND", "--no-first-run"]
    printed = tmp_path / "summary.pdf"
    proc = subprocess.run([*common, f"--print-to-pdf={printed}", "--no-pdf-header-footer", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert printed.is_file(), proc.stderr
    shown = " ".join(pdftext(printed).split())
    for text in ("What changed", "events[ctpat_suspension].date", "2024-05-17", "2024-04-12", "complaint", "changed",
                 "summons", "unchanged"):
        assert text in shown, text
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    tree = etree.HTML(dom)
    links = tree.xpath("//table[@id='papers']//a/@href")
    assert "redline/complaint.docx" in links and "redline/complaint.pdf" in links
    assert all((page.parent / link).is_file() for link in links)
    statuses = {row.get("data-paper"): row.xpath("string(td[2])") for row in tree.xpath("//tr[@data-paper]")}
    assert statuses["complaint"] == "changed" and statuses["summons"] == "unchanged"
    assert not tree.xpath("//script | //link | //img | //iframe")  # self-contained


def bold_one_phrase(template: Path, phrase: str) -> None:
    """Make the run that starts with ``phrase`` (plain wording, no tag) bold, as a lawyer would in Word."""
    import docx

    document = docx.Document(template)
    runs = [r for p in document.paragraphs if not p.style.font.bold for r in p.runs if r.text.startswith(phrase)]
    assert len(runs) == 1 and "{" not in runs[0].text and not runs[0].bold
    runs[0].bold = True
    document.save(template)


def test_bold_only_template_change_is_a_formatting_change(tmp_path):
    matter = new_matter(tmp_path / "matter")
    (matter / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "complaint.docx", matter / "templates" / "complaint.docx")
    built(cli("build", "-q", cwd=matter))
    bold_one_phrase(matter / "templates" / "complaint.docx", "The Court may order any form of relief")
    built(cli("build", "-q", cwd=matter))
    proc = cli("diff", "--exit-code", cwd=matter)
    assert proc.returncode == 1, proc.stderr
    out = review_dir(proc, matter)
    assert [p.name for p in (out / "redline").glob("*.docx")] == ["complaint.docx"]
    with zipfile.ZipFile(out / "redline" / "complaint.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert "<w:rPrChange " in xml
    assert "<w:ins " not in xml and "<w:del " not in xml  # the words are the same
    assert re.search(r"^\| complaint \| changed \| 1 \| its template \(complaint.docx\) \|", (out / "summary.md").read_text(),
                     re.M)


def git_repo(repo: Path):
    """Make ``repo`` a git repository with its files committed; returns a function running git there."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                              capture_output=True, text=True, check=True).stdout
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "first")
    return git


def test_rev_against_the_working_tree(tmp_path):
    """`filings diff --rev HEAD~1` in a git repository: the old version built in a temporary
    worktree, removed afterwards."""
    repo = new_matter(tmp_path / "repo")
    (repo / ".gitignore").write_text("/build\n/.build.filings/\n/.filings/history/\n/reviews/\n")

    git = git_repo(repo)
    edit(repo / "facts.yaml", OLD_DATE, NEW_DATE)
    git("commit", "-qam", "second")
    proc = cli("diff", "--rev", "HEAD~1", "--exit-code", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("1 fact changed;")
    out = review_dir(proc, repo)
    assert out.name.endswith("-HEAD-1-working-tree")
    summary = (out / "summary.md").read_text()
    assert "From **git HEAD~1** to **working tree" in summary
    assert "| `events[ctpat_suspension].date` | changed | 2024-05-17" in summary
    assert (out / "redline" / "complaint.pdf").is_file()
    assert len(git("worktree", "list").splitlines()) == 1  # the temporary worktree is gone
    assert git("status", "--porcelain") == ""

    bad = cli("diff", "--rev", "nosuchrev", cwd=repo)
    assert bad.returncode == 1 and bad.stderr.strip().endswith("git: no such git revision 'nosuchrev'")


ACCEPT_REJECT = r'''
import json, os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
def P(n, v): return PropertyValue(Name=n, Value=v)
profile, pipe, redline = sys.argv[1:4]
proc = subprocess.Popen(["soffice", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless",
                         "--invisible", "--norestore", "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    result = {}
    for command in ("AcceptAllTrackedChanges", "RejectAllTrackedChanges"):
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(redline), "_blank", 0, (P("Hidden", True),))
        changes = doc.getRedlines().createEnumeration()
        count = 0
        while changes.hasMoreElements():
            changes.nextElement()
            count += 1
        helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:" + command, "", 0, ())
        result[command] = [count, doc.getText().getString()]
        doc.close(True)
    print(json.dumps(result))
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
'''


def test_libreoffice_accepts_and_rejects_the_redline(one_date, tmp_path):
    """LibreOffice opens the redline with its tracked changes: Accept All gives the new text,
    Reject All the old one."""
    from filings.convert.instances import uno_python

    matter, proc, _ = one_date
    redline = review_dir(proc, matter) / "redline" / "complaint.docx"
    proc = subprocess.run([uno_python(), "-c", ACCEPT_REJECT, str(tmp_path / "profile"), f"filings-test-{os.getpid()}",
                           str(redline)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    (accepted_count, accepted), (rejected_count, rejected) = result.values()
    assert accepted_count >= 2 and rejected_count == accepted_count
    accepted, rejected = accepted.replace("\u00a0", " "), rejected.replace("\u00a0", " ")  # tied dates
    assert "April 12, 2024, in connection with C-TPAT" in accepted and "May 17, 2024" not in accepted
    assert "May 17, 2024, in connection with C-TPAT" in rejected and "April 12, 2024" not in rejected


def test_libreoffice_compare_is_the_fallback(one_date, tmp_path):
    """FILINGS_REDLINE_ENGINE=libreoffice (or no Docxodus): LibreOffice's compare makes the
    redlines, signed with the same author and date."""
    matter, _, _ = one_date
    proc = cli("diff", "--out", str(tmp_path / "d"), cwd=matter, FILINGS_REDLINE_ENGINE="libreoffice")
    assert proc.returncode == 0, proc.stderr
    old, new, deleted, inserted = versions(tmp_path / "d" / "redline" / "complaint.docx")
    assert any("May 17, 2024, in connection with C-TPAT" in p for p in old)
    assert any("April 12, 2024, in connection with C-TPAT" in p for p in new)
    with zipfile.ZipFile(tmp_path / "d" / "redline" / "complaint.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert set(re.findall(r'<w:(?:ins|del) [^>]*w:author="([^"]*)"', xml)) == {"filings"}
    assert set(re.findall(r'<w:(?:ins|del) [^>]*w:date="([^"]*)"', xml)) == {"2024-06-03T00:00:00Z"}


SECRET = '{"auths": {"registry.example.com": {"auth": "c2VjcmV0LXRva2Vu"}}}\n'


@pytest.mark.parametrize("how", ["object by a relative path", "object by an absolute path", "facts outside"])
def test_a_build_folders_manifest_reads_no_file_outside(tmp_path, how):
    """`filings diff OLD NEW` where OLD's manifest names its facts object by a path (climbing out
    of the history, or absolute) or its facts file outside the matter: the file is not read as
    the old facts, and nothing of it reaches the summary."""
    import hashlib
    secret = tmp_path / "home" / ".docker" / "config.json"
    secret.parent.mkdir(parents=True)
    secret.write_text(SECRET)
    matter = new_matter(tmp_path / "matter")
    (matter / ".filings" / "history" / "objects").mkdir(parents=True)  # as a received matter may hold it
    facts = matter / "facts.yaml"
    sha = {"object by a relative path": "../../../home/.docker/config.json",  # from .filings/history/objects/..
           "object by an absolute path": str(secret),
           "facts outside": hashlib.sha256(secret.read_bytes()).hexdigest()}[how]
    named = str(secret) if how == "facts outside" else str(facts)
    for name, manifest in (("old", {"facts": named, "facts_sha256": sha}),
                           ("new", {"facts": str(facts), "facts_sha256": hashlib.sha256(facts.read_bytes()).hexdigest()})):
        (matter / name / ".filings").mkdir(parents=True)
        (matter / name / ".filings" / "manifest.json").write_text(json.dumps({**manifest, "papers": {}, "exhibits": []}))
        (matter / name / "complaint.docx").write_bytes(b"the same paper")
    proc = cli("diff", "old", "new", "--out", str(tmp_path / "d"), cwd=matter)
    assert proc.returncode == 0, proc.stderr
    shown = (tmp_path / "d" / "summary.md").read_text() + (tmp_path / "d" / "summary.html").read_text()
    assert "c2VjcmV0LXRva2Vu" not in shown and "registry.example.com" not in shown


def test_rev_removes_the_worktrees_a_killed_diff_left(tmp_path):
    """A diff --rev killed with kill -9 leaves its temporary worktree registered (and its folder,
    unless something cleaned the temporary folder since): the next diff --rev removes both kinds
    as it starts, and leaves the worktree of a diff still running and the user's own."""
    import fcntl
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "facts.yaml", repo / "facts.yaml")

    git = git_repo(repo)
    temp = tmp_path / "tmp"  # the temporary folder of the diffs below
    killed, cleaned, running = (temp / f"filings-diff-{name}" / "rev-0123456789ab" for name in ("a", "b", "c"))
    mine = tmp_path / "my-worktree"
    for tree in (killed, cleaned, running, mine):
        git("worktree", "add", "-q", "--detach", str(tree), "HEAD")
    shutil.rmtree(cleaned.parent)
    with open(running.parent / ".filings-diff.lock", "w") as lock:  # as a diff running now holds it
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = cli("diff", "--rev", "nosuchrev", cwd=repo, TMPDIR=str(temp))
    assert proc.returncode == 1 and proc.stderr.strip().endswith("git: no such git revision 'nosuchrev'")
    listed = git("worktree", "list", "--porcelain")
    assert f"worktree {killed}\n" not in listed and f"worktree {cleaned}\n" not in listed
    assert f"worktree {running}\n" in listed and f"worktree {mine}\n" in listed
    assert not killed.parent.exists() and running.is_dir() and mine.is_dir()


def test_a_hostile_old_paper_gives_a_redline_that_links_to_nothing(tmp_path, loopback):
    """`filings diff OLD NEW` where OLD (a build folder received from elsewhere) holds a paper
    with a linked picture, an INCLUDETEXT "/etc/passwd" field and a subdocument: both versions
    are cleaned before the comparison, with one warning, and the redline opens to nothing outside."""
    from test_redline import PARAGRAPHS, document, hostile_paper, outside_references

    for name in ("old", "new"):
        (tmp_path / name / ".filings").mkdir(parents=True)
        (tmp_path / name / ".filings" / "manifest.json").write_text(json.dumps({"papers": {}, "exhibits": []}))
    hostile_paper(tmp_path / "old" / "complaint.docx", loopback.url)
    document(tmp_path / "new" / "complaint.docx", [0, 1])
    proc = cli("diff", "old", "new", "--out", str(tmp_path / "d"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    redline = tmp_path / "d" / "redline" / "complaint.docx"
    assert outside_references(redline) == []
    assert [ln for ln in proc.stderr.splitlines() if ln.startswith("warning:")] == [
        f"warning: complaint (old version): removed a linked picture ({loopback.url}/linked.png), a subdocument "
        "(file:///etc/passwd) and an INCLUDETEXT field before comparing"]
    assert PARAGRAPHS[1][:40] in pdftext(redline.with_suffix(".pdf")).replace("\n", " ")
    assert loopback.requests == []
