"""The leak scan finds a confidential value by its meaning, not its spelling.

The corpus (tests/data/leaks/variants.yaml) holds each value as the facts hold it, the forms a
public version could print it in (numbers by value, dates in every common form, addresses
abbreviated, names hyphenated, letter-spaced, with zero-width or look-alike characters, text
drawn only in an annotation's appearance, a page's own XMP, a private stream) and near misses.
The unit test scans every form; the end-to-end tests build a matter whose public version
prints some of them, once through a paper and once through a PDF exhibit, and see the build
fail with the scan's one-line errors.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml

from filings.court.confidential import Secrets
from filings.court.leaks import scan_outputs
from filings.facts.dates import LegalDate

from conftest import DATA

CORPUS = yaml.safe_load((DATA / "leaks" / "variants.yaml").read_text(encoding="utf-8"))
MATTER = DATA / "confidential-matter"


def _values() -> dict[str, list[str]]:
    """Each fact's texts as a build searches for them (what Secrets records for its value)."""
    secrets = Secrets(entry["fact"] for entry in CORPUS)
    for entry in CORPUS:
        value = entry["tagged"]  # a date as YAML reads it, or a month (2025-02) as text
        dated = isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value))
        secrets.wrap(LegalDate.parse(value) if dated else value, entry["fact"])
    return secrets.values


VALUES = _values()
LEAKS = [(e["fact"], f if isinstance(f, dict) else {"form": f, "in": "text"}) for e in CORPUS for f in e["leaks"]]
CLEAN = [(e["fact"], f) for e in CORPUS for f in e["clean"]]


def test_the_corpus_is_large_enough():
    assert len(LEAKS) >= 60 and len(CLEAN) >= 30
    assert {"text", "spaced", "appearance", "page-xmp", "private"} == {f["in"] for _, f in LEAKS}


# --------------------------------------------------------------------------- planting a form in a PDF

def _font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(F1=pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))


def _drawing(text: str, spacing: float = 0) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 12 Tf {spacing} Tc 72 700 Td ({escaped}) Tj ET".encode("latin-1")


def _xmp(text: str) -> bytes:
    return (f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            f'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>{text}</dc:description>'
            '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode("utf-8")


def plant_pdf(path: Path, text: str, where: str, visible: str = "A letter about nothing") -> Path:
    """A one-page PDF showing ``visible`` and holding ``text`` in ``where``: on the page
    ("text", "spaced": letter-spaced), only in an annotation's appearance, in the page's own
    XMP metadata, or in a private stream of the page."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(612, 792))
    page = pdf.pages[0].obj
    page.Resources = pikepdf.Dictionary(Font=_font(pdf))
    on_page = {"text": (text, 0), "spaced": (text, 9)}.get(where, (visible, 0))
    page.Contents = pdf.make_stream(_drawing(*on_page))
    if where == "appearance":  # a square annotation: no /Contents, the text only in what it draws
        shown = pdf.make_stream(_drawing(text), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                BBox=[0, 0, 612, 792], Resources=pikepdf.Dictionary(Font=_font(pdf)))
        page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, Rect=[0, 0, 612, 792],
            AP=pikepdf.Dictionary(N=shown)))]))
    elif where == "page-xmp":
        page.Metadata = pdf.make_stream(_xmp(text), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    elif where == "private":
        page.PieceInfo = pikepdf.Dictionary(Acme=pikepdf.Dictionary(Private=pdf.make_stream(text.encode("utf-8"))))
    pdf.save(path)
    return path


@pytest.mark.parametrize("fact, form", LEAKS, ids=[f"{f}:{form['in']}:{form['form']!r}" for f, form in LEAKS])
def test_the_leak_scan_finds_every_form_of_the_corpus(tmp_path, fact, form):
    if form["in"] == "text":
        (tmp_path / "paper.txt").write_text(f"We note that\n{form['form']}\nwas stated.", encoding="utf-8")
    else:
        plant_pdf(tmp_path / "paper.pdf", form["form"], form["in"])
    report = scan_outputs(tmp_path, VALUES, raise_on_leak=False)
    assert sorted({leak.path for leak in report.leaks}) == [fact]


@pytest.mark.parametrize("fact, form", CLEAN, ids=[f"{f}:{form!r}" for f, form in CLEAN])
def test_the_leak_scan_finds_no_near_miss(tmp_path, fact, form):
    (tmp_path / "paper.txt").write_text(f"We note that\n{form}\nwas stated.", encoding="utf-8")
    assert scan_outputs(tmp_path, VALUES, raise_on_leak=False).leaks == []


def test_a_short_or_common_value_does_not_flag_everything(tmp_path):
    (tmp_path / "paper.txt").write_text("On 7/8/24 at 400 Main St. we paid $12 for 2 items; see § 12(b) and 12 CFR.")
    values = {"a": ["12"], "b": ["St."], "c": ["2024"], "d": ["Ln"], "e": ["No"]}
    assert scan_outputs(tmp_path, values, raise_on_leak=False).leaks == []


def test_the_report_says_what_was_read_never_just_clean(tmp_path):
    plant_pdf(tmp_path / "paper.pdf", "nothing", "text")
    (tmp_path / "exhibits").mkdir()
    plant_pdf(tmp_path / "exhibits" / "Exhibit A.pdf", "nothing", "text")
    report = scan_outputs(tmp_path, VALUES)
    assert report.describe() == "scanned 1 PDF, 1 exhibit file: no confidential value found in the forms checked"


# --------------------------------------------------------------------------- end to end, through a build

def _build(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", "build", str(folder)], capture_output=True, text=True,
                          timeout=600)


def _assert_caught(proc: subprocess.CompletedProcess, folder: Path, facts: set[str], file: str) -> None:
    """The build failed, each fact named in a one-line leak scan error about ``file``; nothing published."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith(("· ", "warning: "))]
    assert lines and all(line.startswith("leak scan: the confidential value of ") for line in lines), proc.stderr
    named = {fact for fact in facts for line in lines if f"confidential value of {fact} " in line
             and f"public/{file}" in line}
    assert named == facts, proc.stderr
    assert not (folder / "build").exists()


def _matter(tmp_path: Path, *, statements: list[str] = (), exhibit: Path | None = None) -> Path:
    folder = tmp_path / "matter"
    shutil.copytree(MATTER, folder)
    facts = (folder / "facts.yaml").read_text(encoding="utf-8")
    extra = "".join(f"    - {json.dumps(s)}\n" for s in statements)  # JSON's escapes are YAML's
    facts = facts.replace("in 2024.\n", "in 2024.\n" + extra, 1)
    if exhibit is not None:
        shutil.copy(exhibit, folder / "exhibits" / "letter.pdf")
        facts = facts.replace("bundle:\n", "  - id: letter\n    title: A letter\n    file: exhibits/letter.pdf\n\n"
                                           "bundle:\n", 1)
    (folder / "facts.yaml").write_text(facts, encoding="utf-8")
    return folder


@pytest.mark.e2e
def test_variant_forms_printed_by_a_paper_fail_the_build(tmp_path):
    # Unmarked statements of the declaration that print marked facts in other forms: each is found
    # (by the leak scan's matching) before anything is converted, naming both facts and their lines.
    folder = _matter(tmp_path, statements=[
        "Our office is at 400 Quarry Ln. in Toledo.",
        "An importer of flat\u2011rolled st\u0435el from Kes\u200btrel Mills.",
        "Plaintiff stands to lose $4,750,000.00 in signed contracts.",
        "Plaintiff imported 18,250.00 metric tons of steel in 2024.",
        "The Office declined on 02/2025.",
    ])
    proc = _build(folder)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith(("· ", "warning: "))]
    named = {re.search(r"the value of the confidential fact (\S+) \([^()]*facts\.yaml:\d+\); tag this one !confidential, "
                       r"or !public if it may be published$", line).group(1) for line in lines}
    assert named == {"organizations.ridgeline.address[0]", "organizations.ridgeline.description",
                     "motion.factors.harm[1]", "declaration.statements[1]", "events[1].date"}, proc.stderr
    assert all(re.match(r".*facts\.yaml:\d+: declaration\.statements\[[2-6]\] prints ", line) for line in lines)
    assert not (folder / "build").exists()


@pytest.mark.e2e
def test_variant_forms_in_a_pdf_exhibit_fail_the_build(tmp_path):
    # One exhibit, a value in each place: on the page letter-spaced, only in an annotation's
    # appearance, in the page's own XMP, in a private stream.
    made = plant_pdf(tmp_path / "letter.pdf", "400 Quarry Ln.", "spaced")
    with pikepdf.open(made, allow_overwriting_input=True) as pdf:
        for where, text in (("appearance", "AN IMPORTER OF FLAT ROLLED STEEL FROM KESTREL MILLS"),
                            ("page-xmp", "Feb 2025"),
                            ("private", "Plaintiff imported 18,250.00 metric tons of steel in 2024.")):
            one = pikepdf.open(plant_pdf(tmp_path / f"{where}.pdf", text, where))
            pdf.pages.append(one.pages[0])
        pdf.save(made)
    folder = _matter(tmp_path, exhibit=made)
    _assert_caught(_build(folder), folder, {"organizations.ridgeline.address[0]", "organizations.ridgeline.description",
                                            "events[1].date", "declaration.statements[1]"}, "exhibits/")


# --------------------------------------------------------------------------- the whole corpus, through a PDF exhibit

# Each corpus fact as a marked fact of the matter: its own where the matter has it, else an ``extra:`` entry.
_MATTER_FACTS = {"events.1.date": "events[1].date", "declaration.statements.1": "declaration.statements[1]",
                 "organizations.ridgeline.address.0": "organizations.ridgeline.address[0]"}


def _extra_name(fact: str) -> str:
    return "leak_" + re.sub(r"\W", "_", fact)


def _marked_extra() -> str:
    """An ``extra:`` section marking each corpus value the matter does not hold, as the corpus tags it."""
    lines = ["extra:\n"]
    for entry in CORPUS:
        if entry["fact"] not in _MATTER_FACTS:
            tagged = entry["tagged"]
            value = tagged.isoformat() if isinstance(tagged, dt.date) else json.dumps(tagged)
            lines.append(f"  {_extra_name(entry['fact'])}: !confidential {value}\n")
    return "".join(lines)


def _drawable(form: dict) -> bool:
    """True if the form can be planted in a PDF: drawn in Helvetica (Latin-1, one line) or carried as bytes."""
    if form["in"] in ("page-xmp", "private"):
        return True
    try:
        form["form"].encode("latin-1")
    except UnicodeEncodeError:
        return False
    return "\n" not in form["form"]


@pytest.mark.e2e
def test_every_corpus_form_in_a_pdf_exhibit_fails_the_build(tmp_path):
    # One build, each form in an exhibit of its own: the scan names a fact once per file, so
    # the exhibit a leak line names tells which form was caught.
    forms = [(fact, form) for fact, form in LEAKS if _drawable(form)]
    folder = _matter(tmp_path)
    entries = []
    for n, (fact, form) in enumerate(forms):
        plant_pdf(folder / "exhibits" / f"form{n:02d}.pdf", form["form"], form["in"])
        entries.append(f"  - id: form{n:02d}\n    title: Form {n:02d}\n    file: exhibits/form{n:02d}.pdf\n")
    facts = (folder / "facts.yaml").read_text(encoding="utf-8").replace("bundle:\n", "".join(entries) + "\nbundle:\n", 1)
    # the corpus tags the owner's name: the matter's own, untagged, would stop the build as its twin
    facts = facts.replace("    name: Wendell Okafor\n", "    name: !confidential Wendell Okafor\n", 1)
    (folder / "facts.yaml").write_text(facts + "\n" + _marked_extra(), encoding="utf-8")
    proc = _build(folder)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    caught = set(re.findall(r"^leak scan: the confidential value of (\S+) .* public/exhibits/Exhibit \w+ - Form (\d+)\.pdf ",
                            proc.stderr, re.MULTILINE))
    wanted = {(_MATTER_FACTS.get(fact, f"extra.{_extra_name(fact)}"), f"{n:02d}") for n, (fact, _) in enumerate(forms)}
    assert wanted - caught == set(), proc.stderr
    assert len(forms) >= 70 and not (folder / "build").exists()


# --------------------------------------------------------------------------- the whole corpus, through papers

# The shipped papers the matter has without a `papers:` list; the corpus papers go before the certificate.
_SHIPPED = ["summons", "complaint", "information-statement", "disclosure-statement", "motion", "proposed-order",
            "declaration"]


def _form_template(path: Path, tag: str) -> None:
    """A Word template of one paragraph printing ``tag``: a matter's own paper."""
    import docx

    document = docx.Document()
    document.add_paragraph("{{ " + tag + " }}")
    document.save(str(path))


# Forms that hold the value as the facts print it ("USD 1,250,000.00" holds "1,250,000.00"): a paper
# printing them never shows the value, since the build brackets a confidential value wherever a paper
# prints it, in any fact ("USD []" in the public version: seen by hand); the scan never sees them.
_BRACKETED_AS_PRINTED = {"USD 1,250,000.00", "$4,750,000.00", "4,750,000 dollars", "USD 4750000", "12.50%",
                         "12.5 percent", "12.5 per cent", "12.500", "Kestrel\u00a0Mills,\u00a0Inc.", "WENDELL OKAFOR",
                         "Plaintiff imported 18,250 metric tons of steel in 2024."}


@pytest.mark.e2e
def test_every_corpus_form_printed_by_a_paper_fails_the_build(tmp_path):
    # One build, each text form printed by a paper of its own (an unmarked fact holding the form),
    # so the paper a leak line names tells which form was caught. A form broken over two lines is
    # left to the PDF tests: a line end is made by the layout, a fact cannot print one.
    forms = [(fact, form) for fact, form in LEAKS if form["in"] == "text" and "\n" not in form["form"]
             and form["form"] not in _BRACKETED_AS_PRINTED]
    folder = _matter(tmp_path)
    (folder / "templates").mkdir(exist_ok=True)
    papers, printed = [], []
    for n, (fact, form) in enumerate(forms):
        _form_template(folder / "templates" / f"form-{n:02d}.docx", f"extra.form_{n:02d}")
        papers.append(f"  - {{name: form-{n:02d}, template: form-{n:02d}.docx, title: Form {n:02d}}}\n")
        printed.append(f"  form_{n:02d}: {json.dumps(form['form'], ensure_ascii=False)}\n")  # JSON's quoting is YAML's
    listing = "papers:\n" + "".join(f"  - {name}\n" for name in _SHIPPED) + "".join(papers) + "  - certificate-of-service\n"
    facts = (folder / "facts.yaml").read_text(encoding="utf-8")
    (folder / "facts.yaml").write_text(facts + "\n" + listing + "\n" + _marked_extra() + "".join(printed),
                                       encoding="utf-8")
    proc = _build(folder)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    # Each form is an untagged fact a paper prints: the build stops before converting anything,
    # naming it as the twin of a confidential fact (compared as the leak scan compares).
    caught = set(re.findall(r"facts\.yaml:\d+: extra\.form_(\d+) prints .* the value of the confidential fact ",
                            proc.stderr, re.MULTILINE))
    missed = [(n, fact, form["form"]) for n, (fact, form) in enumerate(forms) if f"{n:02d}" not in caught]
    assert missed == [], "forms the build let through:\n" + "\n".join(map(repr, missed))
    assert len(forms) >= 60 and not (folder / "build").exists()
