"""Redlines of the example through a reviewer's six steps, on the real redline engine and the
real LibreOffice: a date change; a plaintiff added and a name changed; exhibits reordered and
one removed; a template paragraph reworded and another moved (in a copy of the template, as
in Word); a fact tagged confidential; the sixth, comparing across revisions, is any two of
these versions compared: here the first and the last. After each step, Accept All in
LibreOffice gives exactly the new paper's text and Reject All exactly the old one's, for
every paper that changed; the redline XML is as Word expects it; the date change's redline
PDF prints the old date struck before the new one, whole words, the cover page names the
page of each change, and no list number is printed "N.[M.]"."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import ROOT
from filings.review.marked import DELETED, INSERTED, decode
from filings.review.redline import Pair, redline_all, redline_pdfs, tracked_texts

pytestmark = pytest.mark.e2e

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)
STEPS = ["a date change", "a plaintiff added and a name changed", "exhibits reordered and one removed",
         "a template paragraph reworded and another moved", "a fact tagged confidential",
         "the first build against the last"]
NUMBER_TWICE = re.compile(r"\d+\.\s*\[\d+\.\]")  # how LibreOffice printed a tracked numbered paragraph


def edit(facts: Path, old: str, new: str) -> None:
    text = facts.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    facts.write_text(text.replace(old, new), encoding="utf-8")


def step_date(matter: Path) -> None:
    edit(matter / "facts.yaml", "id: ctpat_suspension\n    date: 2024-05-17", "id: ctpat_suspension\n    date: 2024-04-12")


def step_plaintiff(matter: Path) -> None:
    facts = matter / "facts.yaml"
    edit(facts, "organizations:\n  seko:\n", "organizations:\n  harbor:\n    name: Harbor Freight Forwarding, Inc.\n"
         "    short: Harbor\n    kind: corporation\n    state: Delaware\n"
         "    address: [1 Dock Street, \"Wilmington, Delaware 19801\"]\n    description: >-\n      a customs broker\n"
         "    parent: Harbor Holdings, LLC\n    public_owners: []\n    affiliates: []\n  seko:\n")
    edit(facts, "plaintiffs: [seko]", "plaintiffs: [seko, harbor]")
    edit(facts, "name: Lila Landis", "name: Lila Landis-Moreau")


def step_exhibits(matter: Path) -> None:
    """The notice of litigation removed, the agency's notice of suspension moved to the end."""
    facts = matter / "facts.yaml"
    edit(facts, "    exhibit: litigation_notice\n", "")
    edit(facts, "supports: [first_request, second_request, litigation_notice]", "supports: [first_request, second_request]")
    text = facts.read_text(encoding="utf-8")
    text = re.sub(r"\n    litigation_notice: I received[^\n]*", "", text)
    start, end = text.index("  - id: litigation_notice\n    title:"), text.index("  - id: reinstatement_letter\n    title:")
    text = text[:start] + text[end:]
    start, end = text.index("  - id: type86_notice\n    title:"), text.index("  - id: first_request\n    title:")
    moved, text = text[start:end], text[:start] + text[end:]
    at = text.index("\nbundle:")
    facts.write_text(text[:at + 1] + moved + text[at + 1:], encoding="utf-8")


def step_template(matter: Path) -> None:
    """In the matter's copy of the complaint's template: the standard of review reworded, the
    paragraph on the Court's remedies moved after the parties."""
    folder = matter / "templates"
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "templates" / "complaint.docx", folder / "complaint.docx")
    made = docx.Document(folder / "complaint.docx")
    paragraphs = made.paragraphs
    reviewed = next(p for p in paragraphs if p.text.startswith("The Court reviews the actions challenged"))
    run = next(r for r in reviewed.runs if "actions challenged" in r.text)
    run.text = run.text.replace("actions challenged", "agency actions challenged")
    remedies = next(p for p in paragraphs if p.text.startswith("The Court may order any form of relief"))
    timeliness = next(p for p in paragraphs if p.text == "TIMELINESS")
    timeliness._p.addprevious(remedies._p)
    made.save(folder / "complaint.docx")


def step_confidential(matter: Path) -> None:
    text = (matter / "facts.yaml").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("parent: SEKO Worldwide"))
    edit(matter / "facts.yaml", line, line.replace("parent: ", "parent: !confidential ", 1))


def papers(build: Path) -> dict[str, Path]:
    """Key (path in the build, without .docx) → DOCX, the build's own state folders left out."""
    return {str(p.relative_to(build))[:-5]: p for p in sorted(build.rglob("*.docx"))
            if not any(part.startswith(".") for part in p.relative_to(build).parts)}


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """The example built, then built again after each step: a copy of each build."""
    from filings.convert.pool import Pool
    from filings.pipeline.builder import build

    work = tmp_path_factory.mktemp("steps")
    matter = work / "matter"
    matter.mkdir()
    shutil.copy(ROOT / "facts.yaml", matter / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", matter / "exhibits")
    converter = Pool()
    made = []
    for n, step in enumerate([None, step_date, step_plaintiff, step_exhibits, step_template, step_confidential]):
        if step is not None:
            step(matter)
        build(matter / "facts.yaml", matter / "build", converter=converter)
        made.append(work / f"v{n}")
        shutil.copytree(matter / "build", made[-1], symlinks=False)
    return made, converter


def pairs_of(old: Path, new: Path) -> list[Pair]:
    """Each paper that changed, with its old version (a paper split into confidential/ and
    public/ versions is compared with the one it was)."""
    before, found = papers(old), []
    for key, path in papers(new).items():
        was = before.get(key) or before.get(key.split("/", 1)[-1])
        if was is not None and was.read_bytes() != path.read_bytes():
            found.append(Pair(key, was, path))
    return found


@pytest.fixture(scope="module")
def redlines(versions, tmp_path_factory):
    """The redline DOCX of every changed paper after each step, and what LibreOffice reads in
    each after Accept All and Reject All, with the old and new papers as they are, all in one
    LibreOffice."""
    made, _ = versions
    out = tmp_path_factory.mktemp("redlines")
    steps, documents = [], []
    for n in range(1, len(made) + 1):  # each step, then the first version against the last
        pairs = pairs_of(made[n - 1], made[n]) if n < len(made) else pairs_of(made[0], made[-1])
        docx_of = redline_all(pairs, out / f"step{n}", when=WHEN)
        steps.append((pairs, docx_of))
        for pair in pairs:
            documents += [(docx_of[pair.key], "accept"), (pair.new, "as-is"), (docx_of[pair.key], "reject"),
                          (pair.old, "as-is")]
    texts = iter(tracked_texts(documents))
    read = {}
    for n, (pairs, _) in enumerate(steps, 1):
        for pair in pairs:
            read[n, pair.key] = tuple(next(texts) for _ in range(4))
    return steps, read


@pytest.mark.parametrize("step", range(1, 7), ids=STEPS)
def test_accept_all_gives_the_new_paper_and_reject_all_the_old(redlines, step):
    steps, read = redlines
    pairs, _ = steps[step - 1]
    assert pairs, "the step changed no paper"
    for pair in pairs:
        accepted, new, rejected, old = read[step, pair.key]
        assert new != old
        assert accepted == new, f"{pair.key}: Accept All is not the new paper"
        assert rejected == old, f"{pair.key}: Reject All is not the old paper"


def test_the_steps_change_what_they_say(redlines):
    """Each step reaches the papers it should (a check on the steps themselves)."""
    steps, _ = redlines
    changed = [{p.key for p in pairs} for pairs, _ in steps]
    assert {"complaint", "motion"} <= changed[0]
    assert {"complaint", "summons", "disclosure-statement", "declaration"} <= changed[1]
    assert {"complaint", "declaration"} <= changed[2]
    assert changed[3] == {"complaint"}
    assert {"public/disclosure-statement", "confidential/disclosure-statement"} <= changed[4]
    assert {"complaint", "motion", "declaration", "summons", "public/disclosure-statement"} <= changed[5]


def revisions_in(redline: Path):
    with zipfile.ZipFile(redline) as z:
        return etree.fromstring(z.read("word/document.xml"))


def test_the_redline_xml_is_as_word_expects(redlines):
    """Every revision has a unique id, an author and a date; every paragraph whose every run is
    inserted (deleted) is in a run of such paragraphs whose paragraph marks carry the revision,
    one mark up (the mark before the run), so no empty paragraph is left behind."""
    steps, _ = redlines
    checked = 0
    for pairs, docx_of in steps:
        for pair in pairs:
            root = revisions_in(docx_of[pair.key])
            tags = [f"{W}{t}" for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange")]
            ids = [el.get(f"{W}id") for el in root.iter(*tags)]
            assert len(ids) == len(set(ids)) and None not in ids, pair.key
            assert all(el.get(f"{W}author") == "filings" and el.get(f"{W}date") == "2024-06-03T00:00:00Z"
                       for el in root.iter(*tags)), pair.key
            blocks = [el for el in root.find(f"{W}body") if el.tag in (f"{W}p", f"{W}tbl")]
            for i, p in enumerate(blocks):
                runs = [r for r in p.iter(f"{W}r") if p.tag == f"{W}p"]
                if runs and all({a.tag for a in r.iterancestors()} & {f"{W}ins", f"{W}moveTo"} for r in runs):
                    holder = blocks[i - 1] if i > 0 and blocks[i - 1].tag == f"{W}p" else p
                    mark = holder.find(f"{W}pPr/{W}rPr")
                    assert mark is not None and mark.find(f"{W}ins") is not None, (pair.key, "".join(p.itertext()))
                    checked += 1
    assert checked >= 3  # the plaintiff, the exhibits moved, the paragraph moved


def pdftext(pdf: Path, *pages: int) -> str:
    where = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", "-layout", *where, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def coloured_words(pdf: Path, page: int) -> list[tuple[str, str]]:
    """(text, kind) of each stretch of one colour on ``page``: kind is "deleted", "inserted",
    "formatted" or "plain", read from each character's fill colour with PDFium."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    textpage = doc[page - 1].get_textpage()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    stretches: list[list[str]] = []
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        raw.FPDFText_GetFillColor(textpage.raw, i, r, g, b, a)
        rgb = (r.value, g.value, b.value)
        code = decode(rgb)
        if code is None:
            kind = "plain"
        else:
            kind = ("deleted" if rgb[0] >= DELETED[0] else "inserted" if rgb[2] >= INSERTED[2] else "formatted")
        if ch.strip() and stretches and stretches[-1][1] == kind:
            stretches[-1][0] += ch
        elif ch.strip():
            stretches.append([ch, kind])
        elif stretches:
            stretches[-1][0] += " "
    textpage.close()
    doc.close()
    return [(text.strip(), kind) for text, kind in stretches]


@pytest.fixture(scope="module")
def date_pdfs(versions, redlines):
    """The PDFs of the date change's redlines and of the template change's, with causes."""
    _, converter = versions
    steps, _ = redlines
    causes = {"complaint": ["the C-TPAT suspension's date, facts.yaml:143"]}
    first = redline_pdfs(steps[0][1], converter, causes=causes, versions=("build 1", "build 2"))
    fourth = redline_pdfs(steps[3][1], converter, versions=("build 4", "build 5"))
    return first, fourth


def test_a_date_change_prints_the_old_date_struck_before_the_new_one(date_pdfs):
    first, _ = date_pdfs
    pdf = first["complaint"]
    cover = pdftext(pdf, 1)
    assert "Redline: complaint" in cover and "build 1" in cover and "build 2" in cover
    assert "the C-TPAT suspension's date, facts.yaml:143" in cover
    row = re.search(r"1\.\s+page (\d+)\s+…On “May 17” → “April 12”, 2024, in…", cover)
    assert row, cover
    page = int(row.group(1))
    line = next(ln for ln in pdftext(pdf, page).splitlines() if "in connection with C-TPAT" in ln)
    assert re.search(r"\bOn May 17 April 12, 2024, in connection with C-TPAT\b", " ".join(line.split())), line
    stretches = coloured_words(pdf, page)
    at = stretches.index(("May 17", "deleted"))
    assert stretches[at + 1] == ("April 12", "inserted"), stretches[at - 1:at + 3]
    assert stretches[at - 1][1] == "plain" and stretches[at - 1][0].endswith("On")
    assert stretches[at + 2][0].startswith(", 2024, in connection with C-TPAT") and stretches[at + 2][1] == "plain"
    assert sum(1 for _, kind in stretches if kind != "plain") == 2  # nothing else on the page is marked
    for key, made in first.items():
        assert not NUMBER_TWICE.search(pdftext(made)), key


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^\s+(\d+)\.\s", text, re.M)]


def test_list_numbers_print_once_as_the_new_paper_numbers_them(versions, date_pdfs):
    """After a paragraph moved, the redline numbers the paragraphs as the new paper does, each
    number once; the paragraph moved away shows its old number struck, nothing prints "N.[M.]"."""
    made, _ = versions
    _, fourth = date_pdfs
    pdf = fourth["complaint"]
    text = pdftext(pdf)
    assert not NUMBER_TWICE.search(text)
    new = numbers(pdftext(made[4] / "complaint.pdf"))
    shown = numbers(text)
    assert new == list(range(1, len(new) + 1))
    printed = iter(shown)
    assert all(n in printed for n in new)  # the new numbering, in order, within what the redline prints
    assert len(shown) == len(new) + 1  # and the old number of the paragraph moved away, struck
    assert "agency actions challenged" in " ".join(text.split())
