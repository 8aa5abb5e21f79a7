"""Confidential and public versions (CIT Rule 5(g)) and the leak scan, on the real LibreOffice.

The matter in tests/data/confidential-matter tags a party's street address, its description,
a declaration statement, an amount in the motion and an event's date ``!confidential`` and
marks an exhibit ``confidential: true``. Its build must write both versions; the public one
must hold none of those values anywhere a reader could find them (checked here with poppler's
pdftotext, the DOCX XML of every part, the bookmarks and the file names, independently of the
scan); the confidential one shows each in brackets under the legend. The leak scan's own tests
plant a value in each place it reads and see each caught, with the fact named.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from pypdf import PdfReader

from filings.court.confidential import versions
from filings.papers.context import build_context
from filings.errors import FilingsError
from filings.facts.load import load_facts
from filings.court.leaks import scan_outputs
from filings.limits import DEFAULT_LIMITS
from filings.pipeline.builder import build, plan_build, template_library
from filings.pipeline.versionbuild import _reads_of_all
from filings.papers.render import Renderer
from filings.pipeline.versions import SINGLE, plan_sets

from conftest import DATA, ROOT

MATTER = DATA / "confidential-matter"
# Each confidential value as the papers print it, and the forms a leak could take.
SECRETS = {
    "organizations.ridgeline.address[0]": ["400 Quarry Lane"],
    "organizations.ridgeline.description": ["an importer of flat-rolled steel from Kestrel Mills", "Kestrel Mills"],
    "events[1].date": ["February 2025", "Feb. 2025", "2025-02"],
    "motion.factors.harm[1]": ["Plaintiff stands to lose $4,750,000", "4,750,000", "4750000"],
    "declaration.statements[1]": ["18,250 metric tons", "18250"],
}
EXHIBIT_TEXT = "is revoked effective"  # words of the confidential exhibit's own pages


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2011", "-").replace("\u00a0", " ").split()).casefold()


def _pdftotext(path: Path) -> list[str]:
    """The text of each page, as poppler reads it."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return out.decode("utf-8").split("\f")[:-1] or [""]


def _docx_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}


def _docx_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)


@pytest.fixture(scope="module")
def conf_build(tmp_path_factory):
    """The confidential matter built once: (matter folder, out dir, result)."""
    folder = tmp_path_factory.mktemp("confidential") / "matter"
    shutil.copytree(MATTER, folder)
    out = folder / "build"
    return folder, out, build(folder / "facts.yaml", out)


SPLIT = ["complaint", "information-statement", "motion", "certificate-of-compliance-motion", "declaration"]
UNSPLIT = ["summons", "disclosure-statement", "tro-order", "proposed-order", "certificate-of-service"]


def test_only_the_papers_that_print_a_confidential_value_are_written_twice(conf_build):
    _, out, result = conf_build
    for version in ("confidential", "public"):
        assert sorted(p.stem for p in (out / version).glob("*.docx")) == sorted(SPLIT)
        for paper in SPLIT:
            assert (out / version / f"{paper}.docx").is_file() and (out / version / f"{paper}.pdf").is_file()
        assert (out / version / "packet.pdf").is_file()  # the one filing holds a split paper
        assert (out / version / "exhibits" / "exhibit-bundle.pdf").is_file()  # an exhibit is confidential
        assert len(list((out / version / "exhibits").glob("Exhibit *.pdf"))) == 2
    assert sorted(p.stem for p in out.glob("*.docx")) == sorted(UNSPLIT)  # once, at the top, unmarked
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(UNSPLIT)  # and no packet there
    for paper in UNSPLIT:
        assert not any("VERSION" in page for page in _pdftotext(out / f"{paper}.pdf")), paper
    assert not (out / "exhibits").exists()
    assert result.leak_scan is not None and result.leak_scan.files >= 20 and not result.leak_scan.leaks
    assert "in confidential/ and public/ versions" in result.summary()


def test_the_public_version_holds_no_confidential_value_anywhere(conf_build):
    _, out, _ = conf_build
    public = out / "public"
    found = []
    for path in sorted(public.rglob("*")):
        places = {"file name": path.relative_to(public).as_posix()}
        if path.suffix == ".pdf":
            places.update({f"page {n}": t for n, t in enumerate(_pdftotext(path), 1)})
            reader = PdfReader(path)
            places["bookmarks"] = " ".join(_outline_titles(reader.outline))
            places["info"] = " ".join(str(v) for v in (reader.metadata or {}).values())
        elif path.suffix == ".docx":
            places.update({name: xml + " " + _docx_text(xml) for name, xml in _docx_parts(path).items()})
        for where, text in places.items():
            for fact, forms in SECRETS.items():
                found += [(fact, path.name, where) for form in forms if _norm(form) in _norm(text)]
    assert found == []


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_the_confidential_version_shows_each_value_in_brackets_under_the_legend(conf_build):
    _, out, _ = conf_build
    text = {p: _pdftotext(out / "confidential" / f"{p}.pdf") for p in ("complaint", "information-statement",
                                                                       "motion", "declaration")}
    for paper, pages in text.items():
        assert all("CONFIDENTIAL VERSION" in page for page in pages), paper  # the header of every page
        assert pages[0].count("CONFIDENTIAL VERSION") == 2, paper  # and above the title
    complaint = _norm(" ".join(text["complaint"]))
    assert "offices at [400 quarry lane], toledo, ohio 43604" in complaint
    assert "is [an importer of flat-rolled steel from kestrel mills]" in complaint
    assert "[february 2025]: the office declined" in _norm(" ".join(text["information-statement"]))
    assert "[plaintiff stands to lose $4,750,000 in signed contracts.]" in _norm(" ".join(text["motion"]))
    assert "[plaintiff imported 18,250 metric tons of steel in 2024.]" in _norm(" ".join(text["declaration"]))


def test_the_public_version_keeps_the_brackets_empty_under_its_legend(conf_build):
    _, out, _ = conf_build
    complaint = _pdftotext(out / "public" / "complaint.pdf")
    assert all("PUBLIC VERSION" in page for page in complaint)
    assert complaint[0].count("PUBLIC VERSION") == 2
    assert "offices at [ ], toledo, ohio 43604" in _norm(" ".join(complaint))  # poppler shows "[   ]" so
    assert "[ ]: the office declined" in _norm(" ".join(_pdftotext(out / "public" / "information-statement.pdf")))
    assert "offices at [   ], Toledo" in " ".join(p.extract_text() for p in PdfReader(out / "public" / "complaint.pdf")
                                                   .pages)
    assert not any("CONFIDENTIAL VERSION" in p for p in complaint)


def test_a_confidential_exhibit_is_a_slip_sheet_in_the_public_bundle_with_the_same_numbers(conf_build):
    _, out, _ = conf_build
    confidential = _pdftotext(out / "confidential" / "exhibits" / "exhibit-bundle.pdf")
    public = _pdftotext(out / "public" / "exhibits" / "exhibit-bundle.pdf")
    assert len(public) == len(confidential)  # the slip sheet has as many pages as the exhibit
    for version, pages in (("CONFIDENTIAL VERSION", confidential), ("PUBLIC VERSION", public)):
        assert all(version in page for page in pages)  # in the Bates number's band of every page
        folder = out / version.split()[0].lower() / "exhibits"
        assert all(version in page for f in folder.glob("Exhibit *.pdf") for page in _pdftotext(f))
    index = [re.findall(r"Exhibit [AB]|RSI\d{5} – RSI\d{5}", p) for p in (confidential[0], public[0])]
    assert index[0] == index[1] == ["Exhibit A", "RSI00001 – RSI00002", "Exhibit B", "RSI00003 – RSI00004"]
    original = " ".join(_pdftotext(MATTER / "exhibits" / "revocation-notice.pdf"))
    assert EXHIBIT_TEXT in original.casefold()
    exhibit_a = confidential[2].casefold(), public[2].casefold()  # index, cover, the exhibit's page
    assert "confidential exhibit omitted" in exhibit_a[1] and "confidential exhibit omitted" not in exhibit_a[0]
    attachment = " ".join(_pdftotext(out / "public" / "exhibits" / "Exhibit A - Notice of revocation.pdf"))
    assert "omitted from the public version" in _norm(attachment)
    lines = [_norm(line) for line in original.splitlines() if len(line.split()) >= 5]  # its own sentences
    assert lines and all(line in _norm(" ".join(confidential)) for line in lines)
    leaked = [line for line in lines if line in _norm(attachment) or line in _norm(" ".join(public))]
    assert leaked == []  # none of the exhibit's own lines is in the public bundle or its file


def test_a_derived_value_that_loses_its_brackets_fails_the_build_and_publishes_nothing(conf_build, tmp_path):
    folder = tmp_path / "matter"
    shutil.copytree(MATTER, folder)
    (folder / "templates").mkdir()
    leaky = docx.Document()
    leaky.add_paragraph("Shouting: {{ plaintiff.address[0].upper() }}")  # a string method drops the mark
    leaky.save(folder / "templates" / "leaky.docx")
    facts = folder / "facts.yaml"
    out = folder / "build"
    build(facts, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    names = "summons, complaint, information-statement, disclosure-statement, motion, tro-order, proposed-order, declaration"
    facts.write_text(facts.read_text() + f"\npapers: [{names}, {{name: leaky, template: leaky.docx, title: Leaky}}, "
                                         "certificate-of-service]\n")
    with pytest.raises(FilingsError) as e:
        build(facts, out)
    messages = [str(p) for p in e.value.problems]
    assert any("organizations.ridgeline.address[0]" in m and "public/leaky" in m and "facts.yaml:" in m
               for m in messages), messages
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the last good build, as it was


def test_filters_keep_the_brackets_and_a_template_without_the_legend_gets_it_in_its_header(tmp_path):
    matter = load_facts(MATTER / "facts.yaml")
    _, context = plan_build(matter)
    template = docx.Document()
    template.add_paragraph("A: {{ plaintiff.address|join(', ')|upper }}")
    template.add_paragraph("B: {{ plaintiff.address|and_list }}")
    template.add_paragraph("C: {{ events[1].date|short_date }}; {{ events[1].date }}")
    template.add_paragraph("D: {{ plaintiff.the_name }}; {{ plaintiff.description|capfirst }}")
    (tmp_path / "templates").mkdir()
    template.save(tmp_path / "templates" / "probe.docx")
    settings = matter.facts.settings.model_copy(update={"bracket": "double", "confidential_legend": "BPI VERSION"})
    for version, expected in ((versions(settings)[0], ["A: [[400 QUARRY LANE]], TOLEDO, OHIO 43604",
                                                       "B: [[400 Quarry Lane]] and Toledo, Ohio 43604",
                                                       "C: [[Feb. 2025]]; [[February 2025]]",
                                                       "D: Ridgeline Steel Imports LLC; [[An importer of "
                                                       "flat-rolled steel from Kestrel Mills]]"]),
                              (versions(settings)[1], ["A: [[   ]], TOLEDO, OHIO 43604",
                                                       "B: [[   ]] and Toledo, Ohio 43604", "C: [[   ]]; [[   ]]",
                                                       "D: Ridgeline Steel Imports LLC; [[   ]]"])):
        renderer = Renderer(tmp_path / "templates", context, version=version)
        out = tmp_path / f"{version.name}.docx"
        reads = renderer.render("probe.docx", out)
        rendered = docx.Document(out)
        assert [p.text for p in rendered.paragraphs] == expected
        assert version.legend in [p.text for p in rendered.sections[0].header.paragraphs]
        assert {"settings.bracket", f"settings.{version.name}_legend"} <= reads


def test_a_matter_whose_confidential_facts_no_paper_reads_keeps_one_set(tmp_path):
    text = (DATA / "other-matter" / "facts.yaml").read_text() + "\nextra:\n  note: !confidential read by no paper\n"
    (tmp_path / "facts.yaml").write_text(text)
    shutil.copytree(DATA / "other-matter" / "exhibits", tmp_path / "exhibits")
    matter = load_facts(tmp_path / "facts.yaml")
    plan, context = plan_build(matter)
    library = template_library(matter)
    def read_by_all(tmp):
        return _reads_of_all(matter, library, context, DEFAULT_LIMITS, list(plan.papers), tmp)
    (tmp_path / "probe").mkdir()
    reads = read_by_all(tmp_path / "probe")
    assert {p.name for p in plan.papers} <= set(reads) and not any("extra.note" in r for r in reads.values())
    assert plan_sets(matter, context, read_by_all, plan.papers) == [SINGLE]
    example = load_facts(ROOT / "facts.yaml")
    assert plan_sets(example, build_context(example), lambda tmp: {}) == [SINGLE]


# --------------------------------------------------------------------------- the leak scan's own tests

VALUE = "1501 East Woodfield Road"
FACT = "organizations.seko.address.0"
VALUES = {FACT: [VALUE], "motion.amount": ["4,750,000"], "events.3.date": ["2024-05-20"]}


def _clean_pdf(path: Path, text: str = "Nothing to see here") -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(612, 792))
    _put_text(pdf, text)
    pdf.save(path)
    return path


def _put_text(pdf: pikepdf.Pdf, text: str) -> None:
    page = pdf.pages[0]
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 700 Td ({escaped}) Tj ET".encode("latin-1"))


def _plant_pdf(folder: Path, how) -> None:
    path = _clean_pdf(folder / "paper.pdf")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        how(pdf)
        pdf.save(path)


def _annotation(pdf, **entries):
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Rect=[72, 72, 200, 100], **entries)
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def _outline(pdf, title):
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(title, 0))


def _xmp(pdf, value):
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:description"] = value


PDF_PLANTS = {
    "page 1 text": lambda pdf: _put_text(pdf, f"Plaintiff sits at {VALUE.upper()}, Schaumburg"),
    "document information /Subject": lambda pdf: pdf.docinfo.__setitem__("/Subject", f"about {VALUE}"),
    "XMP metadata": lambda pdf: _xmp(pdf, f"office at {VALUE}"),
    "bookmark 1": lambda pdf: _outline(pdf, f"Letter to {VALUE}"),
    "annotation /Contents on page 1": lambda pdf: _annotation(pdf, Subtype=pikepdf.Name.Text,
                                                              Contents=pikepdf.String(f"note: {VALUE}")),
    "link on page 1": lambda pdf: _annotation(pdf, Subtype=pikepdf.Name.Link, A=pikepdf.Dictionary(
        S=pikepdf.Name.URI, URI=pikepdf.String("https://maps.example/1501-East-Woodfield-Road"))),
    "attached file name": lambda pdf: pdf.attachments.__setitem__(
        f"{VALUE}.txt", pikepdf.AttachedFileSpec(pdf, b"nothing", filename=f"{VALUE}.txt")),
}


def _docx_with(folder: Path, how) -> None:
    document = docx.Document()
    document.add_paragraph("Nothing to see here")
    how(document)
    document.save(folder / "paper.docx")


def _split_runs(document):
    paragraph = document.add_paragraph()
    paragraph.add_run("1501 East ")
    paragraph.add_run("Wood").bold = True
    paragraph.add_run("field Road")


DOCX_PLANTS = {
    "part word/document.xml": _split_runs,
    "part word/header1.xml": lambda d: d.sections[0].header.paragraphs[0].add_run(VALUE),
    "part docProps/core.xml": lambda d: setattr(d.core_properties, "subject", VALUE),
}


def test_the_leak_scan_passes_clean_outputs(tmp_path):
    _clean_pdf(tmp_path / "paper.pdf")
    _docx_with(tmp_path, lambda d: None)
    report = scan_outputs(tmp_path, VALUES)
    assert report.files == 2 and report.leaks == []


@pytest.mark.parametrize("place", list(PDF_PLANTS))
def test_the_leak_scan_finds_a_value_planted_in_a_pdf(tmp_path, place):
    _plant_pdf(tmp_path, PDF_PLANTS[place])
    with pytest.raises(FilingsError) as e:
        scan_outputs(tmp_path, VALUES)
    messages = [str(p) for p in e.value.problems]
    assert len(messages) == 1 and "organizations.seko.address[0]" in messages[0] and "paper.pdf" in messages[0]
    assert place in messages[0], messages


@pytest.mark.parametrize("place", list(DOCX_PLANTS))
def test_the_leak_scan_finds_a_value_planted_in_a_docx(tmp_path, place):
    _docx_with(tmp_path, DOCX_PLANTS[place])
    with pytest.raises(FilingsError) as e:
        scan_outputs(tmp_path, VALUES)
    messages = [str(p) for p in e.value.problems]
    assert len(messages) == 1 and "organizations.seko.address[0]" in messages[0], messages
    assert f"paper.docx ({place})" in messages[0], messages


def test_the_leak_scan_finds_a_value_in_a_file_name(tmp_path):
    _clean_pdf(tmp_path / f"Exhibit 2 - {VALUE}.pdf")
    with pytest.raises(FilingsError) as e:
        scan_outputs(tmp_path, VALUES, locate=lambda path: "facts.yaml:20")
    assert [str(p) for p in e.value.problems] == [
        f"leak scan: the confidential value of organizations.seko.address[0] (facts.yaml:20) is in the public "
        f"version, {tmp_path.name}/Exhibit 2 - {VALUE}.pdf (its file name); nothing was published. Print the fact "
        "itself in the template (a filter or string method that rewrites it loses its brackets), or tag the fact "
        "it is written in as !confidential too"]


@pytest.mark.parametrize("written, fact", [
    ("an amount of 4750000 dollars", "motion.amount"),          # without its separators
    ("an amount of 4 750 000 dollars", "motion.amount"),        # other separators
    ("dated May 20, 2024", "events.3.date"),                    # a date as the papers print it
    ("dated May 20, 2024", "events.3.date"),
    ("(Mar. 4, 2024; May 20, 2024)", "events.3.date"),
    ("on 5/20/2024", "events.3.date"),
    ("at 1501  east\nwoodfield road", FACT),                    # case and spacing
])
def test_the_leak_scan_finds_normalized_forms(tmp_path, written, fact):
    _clean_pdf(tmp_path / "paper.pdf", written)
    report = scan_outputs(tmp_path, VALUES, raise_on_leak=False)
    assert [leak.path for leak in report.leaks] == [fact]


def test_the_leak_scan_does_not_find_what_is_not_there(tmp_path):
    _clean_pdf(tmp_path / "paper.pdf", "Woodfield Road East, 1501 pages, 47,500 and May 21, 2024")
    assert scan_outputs(tmp_path, VALUES, raise_on_leak=False).leaks == []


def test_incremental_builds_work_per_version(tmp_path):
    folder = tmp_path / "matter"
    shutil.copytree(MATTER, folder)
    facts, out = folder / "facts.yaml", folder / "build"
    build(facts, out)
    again = build(facts, out)
    assert again.unchanged  # nothing changed: nothing written, no scan needed
    facts.write_text(facts.read_text().replace("Toledo, Ohio\n", "Toledo, Lucas County, Ohio\n"))
    one_fact = build(facts, out)
    assert sorted(b.key for b in one_fact.papers if not b.carried) == ["confidential/declaration",
                                                                       "public/declaration"]
    assert one_fact.bundle_kept is not None and one_fact.leak_scan is not None
    assert "Lucas County" in " ".join(_pdftotext(out / "public" / "declaration.pdf"))
    # tagging a value already printed changes no value, but what the papers print: they are made again
    facts.write_text(facts.read_text().replace("    title: Managing Member",
                                               "    title: !confidential Managing Member"))
    tagged = build(facts, out)
    assert {"confidential/declaration", "public/declaration"} <= {b.key for b in tagged.papers if not b.carried}
    declaration = _norm(" ".join(_pdftotext(out / "public" / "declaration.pdf")))
    assert "managing member" not in declaration and "i am the [ ] of ridgeline" in declaration
    manifest = json.loads((out / ".filings" / "manifest.json").read_text())
    split = {name for name in manifest["papers"] if name.startswith("confidential/")}
    assert {f"confidential/{p}" for p in SPLIT} <= split
    assert set(manifest["papers"]) == split | {f"public/{p[len('confidential/'):]}" for p in split} | (
        set(UNSPLIT) - {p.split("/")[1] for p in split})
    assert {"bundle-confidential", "bundle-public"} <= set(manifest) and "bundle" not in manifest


def test_confidential_numbers_dates_and_derived_names_print_in_brackets(tmp_path):
    text = (DATA / "other-matter" / "facts.yaml").read_text().replace(
        "    name: Ridgeline Steel Imports LLC", "    name: !confidential Ridgeline Steel Imports LLC").replace(
        "  lawco:\n", "  lawco: !confidential\n")  # a whole mapping: every value in it
    text += ("\nextra:\n  tons: !confidential 18250\n  rate: !confidential 12.5\n"
             "  signed: !confidential 2024-06-14\n")
    (tmp_path / "facts.yaml").write_text(text)
    matter = load_facts(tmp_path / "facts.yaml")
    _, context = plan_build(matter)
    template = docx.Document()
    for line in ("{{ extra.tons }} tons ({{ extra.tons|words }}) at {{ extra.rate }}%",
                 "signed {{ extra.signed }} ({{ extra.signed|short_date }})",
                 "{{ caption.plaintiffs|and_list }} / {{ case.title }} / {{ plaintiffs.defined }}",
                 "{{ signer.organization }}, {{ signer.address|join('; ') }}"):
        template.add_paragraph(line)
    (tmp_path / "templates").mkdir()
    template.save(tmp_path / "templates" / "probe.docx")
    confidential, public = versions(matter.facts.settings)
    renderer = Renderer(tmp_path / "templates", context, version=confidential)
    renderer.render("probe.docx", tmp_path / "c.docx")
    assert [p.text for p in docx.Document(tmp_path / "c.docx").paragraphs] == [
        "[18250] tons ([18250]) at [12.5]%", "signed [June\u00a014, 2024] ([June\u00a014, 2024])",
        "[RIDGELINE STEEL IMPORTS LLC], / [Ridgeline Steel Imports LLC] v. United States / "
        "[Ridgeline Steel Imports LLC] (“Ridgeline” or “Plaintiff”)",
        "[Brightwater Parr PC], [77 Harbor Street]; [Boston, Massachusetts 02110]"]
    Renderer(tmp_path / "templates", context, version=public).render("probe.docx", tmp_path / "p.docx")
    assert [p.text for p in docx.Document(tmp_path / "p.docx").paragraphs] == [
        "[   ] tons ([   ]) at [   ]%", "signed [   ] ([   ])",
        "[   ], / [   ] v. United States / [   ] (“Ridgeline” or “Plaintiff”)", "[   ], [   ]; [   ]"]


def test_both_versions_are_the_same_bytes_build_after_build(conf_build):
    folder, out, _ = conf_build
    again = folder.parent / "again"
    build(folder / "facts.yaml", again, force=True)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and ".filings" not in p.parts)
    assert files and files == sorted(p.relative_to(again) for p in again.rglob("*")
                                     if p.is_file() and ".filings" not in p.parts)
    assert [f for f in files if (out / f).read_bytes() != (again / f).read_bytes()] == []


def test_a_public_redline_never_shows_a_value_tagged_confidential_since(tmp_path):
    """Tag a value the papers already print: the public version now brackets it, and its
    redline would show the old, plain text as a deletion; the diff withholds that redline."""
    from filings.convert.libreoffice import LibreOffice
    from filings.review.diff import run

    folder = tmp_path / "matter"
    shutil.copytree(MATTER, folder)
    facts, out = folder / "facts.yaml", folder / "build"
    build(facts, out, converter=LibreOffice())
    facts.write_text(facts.read_text().replace("    asked: that the revocation be stayed pending a hearing",
                                               "    asked: !confidential that the revocation be stayed pending a hearing"))
    build(facts, out, converter=LibreOffice())
    warnings: list[str] = []
    diff, where = run(facts, out, converter=LibreOffice(), warn=warnings.append)
    withheld = [w for w in warnings if "is withheld" in w]
    assert withheld and all("requests.0.asked" in w for w in withheld), warnings
    public = where / "redline" / "public"
    if public.is_dir():  # what is left of the public redlines holds no confidential value
        value = {"requests.0.asked": ["that the revocation be stayed pending a hearing"]}
        assert scan_outputs(public, value, raise_on_leak=False).leaks == []
    assert list((where / "confidential" / "redline").rglob("*.docx"))  # the confidential redlines stay, apart


def test_both_versions_certify_the_confidential_versions_word_count(tmp_path):
    """The court counts the paper filed under seal: the public version's certificate states
    the same count, never one its redactions changed (which would also tell how much was cut)."""
    from filings.papers.wordcount import count_words

    folder = tmp_path / "matter"
    shutil.copytree(MATTER, folder)
    out = folder / "build"
    build(folder / "facts.yaml", out)
    counts = {}
    for version in ("confidential", "public"):
        text = " ".join(_pdftotext(out / version / "certificate-of-compliance-motion.pdf"))
        counts[version] = re.search(r"([\d,]+)\s+words", text.replace("\u00a0", " ")).group(1)
    expected = count_words(out / "confidential" / "motion.docx").words
    assert count_words(out / "public" / "motion.docx").words != expected  # the redactions do change it
    assert counts == {"confidential": f"{expected:,}", "public": f"{expected:,}"}


def test_a_confidential_program_term_is_bracketed_where_facts_text_cites_it(facts_copy, tmp_path):
    """A program's short name tagged confidential: the papers define and cite it ([Term: type86]
    in the facts text) in brackets, the public version holds none of it, the build succeeds."""
    facts = facts_copy(("    short: Entry Type 86\n", "    short: !confidential Zork Program\n"))
    out = tmp_path / "build"
    build(facts, out)
    public = " ".join(_pdftotext(out / "public" / "complaint.pdf"))
    confidential = " ".join(_pdftotext(out / "confidential" / "complaint.pdf"))
    assert "Zork" not in public and "in connection with [ ]" in _norm(public)
    assert "in connection with [Zork Program]" in " ".join(confidential.split())


@pytest.mark.parametrize("title, name", [("[]", "Exhibit 2.pdf"), ("[[ ]]", "Exhibit 2.pdf"),
                                         ("[   ]", "Exhibit 2.pdf"),
                                         ("[Kestrel] mill certificate", "Exhibit 2 - Kestrel mill certificate.pdf")])
def test_an_exhibit_file_name_never_ends_in_an_empty_title(title, name):
    """A public version empties a confidential title: the file is "Exhibit 2.pdf", not "Exhibit 2 - .pdf"."""
    from filings.exhibits.attachments import attachment_name
    from filings.exhibits.exhibit import BundledExhibit, ExhibitPdf

    exhibit = ExhibitPdf(id="x", mark="2", title=title, date="", short_date="", description="", pdf=Path("x.pdf"),
                         source=Path("x.pdf"))
    assert attachment_name(BundledExhibit(exhibit)) == name
