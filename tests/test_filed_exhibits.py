"""Exhibits belong to the filing whose papers cite them; every citation in a packet is a link to the cover.

End-to-end: the real command and LibreOffice, on the example (two filings) and on
tests/data/many-parties (several plaintiffs and officials, one packet).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import ROOT

pytestmark = pytest.mark.e2e
MANY = ROOT / "tests" / "data" / "many-parties"
LABEL = re.compile(r"Exhibit[ \u00a0](\d+)")


def flat(text: str) -> str:
    """Text with every run of white space (line ends, no-break spaces) one space."""
    return re.sub(r"\s+", " ", text)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


def text_of(pdf: pikepdf.Pdf | PdfReader, page: int, reader: PdfReader) -> str:
    return (reader.pages[page].extract_text() or "").replace("\u00a0", " ")


def covers(reader: PdfReader) -> dict[str, int]:
    """Exhibit number → its cover's page in the packet, from the nested bookmarks."""
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif (m := re.match(r"Exhibit (\d+) \u2014", item.title)):
                found[m.group(1)] = reader.get_destination_page_number(item)
    walk(reader.outline)
    return found


def links(path: Path) -> list[tuple[int, list[float], int]]:
    """Every link of the packet: (its page, its box, the page it lands on)."""
    out = []
    with pikepdf.open(path) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Link" and annot.get("/Dest") is not None:
                    out.append((n, [float(x) for x in annot.Rect], index[annot.Dest[0].objgen]))
    return out


def check_packet(path: Path) -> tuple[int, int]:
    """Every exhibit the packet's papers cite (not by a docket reference) is in the packet, every
    such citation is a link, and every link lands on a page whose text is that exhibit's cover (or,
    for a citation of the declaration, on one of the declaration's pages)."""
    reader = PdfReader(path)
    where = covers(reader)
    cited = set()
    for n, page in enumerate(reader.pages):
        if n in where.values():
            continue
        text = flat(page.extract_text() or "").replace("\n", " ")
        if "Bates" in text or text.lstrip().startswith("EXHIBIT"):
            continue
        for m in LABEL.finditer(text):
            if not text[m.end():m.end() + 8].startswith(", ECF"):
                cited.add((n, m.group(1)))
    assert {num for _, num in cited} <= set(where), f"{path.name}: cited but not in the packet"
    found = links(path)
    for n, num in cited:
        assert any(p == n and target == where[num] for p, _, target in found), \
            f"{path.name}: Exhibit {num} on page {n + 1} is no link to its cover"
    top = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
           if not isinstance(item, list)]
    first = next((page for title, page in top if title.startswith("Declaration")), None)
    after = min([page for _, page in top if first is not None and page > first], default=len(reader.pages))
    declaration = set(range(first, after)) if first is not None else set()  # the declaration's pages
    for _, _, target in found:
        cover = (reader.pages[target].extract_text() or "").replace("\u00a0", " ")
        assert re.search(r"EXHIBIT \d+", cover) or target in declaration, \
            f"a link lands on page {target + 1}, neither a cover nor the declaration"
    return len(reader.pages), len(found)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("example")
    shutil.copyfile(ROOT / "facts.yaml", folder / "facts.yaml")
    shutil.copytree(ROOT / "exhibits", folder / "exhibits")
    proc = cli("build", str(folder), "-q", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return folder / "build"


def test_the_complaint_files_the_exhibits_it_cites_and_its_certificate_names_them(example):
    reader = PdfReader(example / "packet-complaint.pdf")
    where = covers(reader)
    assert sorted(where, key=int) == ["1", "2", "3", "4", "5", "6"]
    for num, page in where.items():
        assert f"EXHIBIT {num}" in text_of(None, page, reader)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["Summons", "Complaint", "Information Statement (Form 5)", "Disclosure Statement (Form 13)",
                   "Certificate of Service"]
    assert isinstance(reader.outline[2], list)  # the exhibits nest under the complaint
    service = (example / "certificate-of-service-complaint.pdf")
    assert "with Exhibits 1–6 to the Complaint" in flat(" ".join(
        (p.extract_text() or "") for p in PdfReader(service).pages))
    pages, found = check_packet(example / "packet-complaint.pdf")
    assert found >= 6 and pages == 27


def test_a_later_filing_cites_by_docket_reference_and_does_not_file_again(example):
    reader = PdfReader(example / "packet-motion.pdf")
    assert covers(reader) == {}
    text = " ".join(p.extract_text() or "" for p in reader.pages).replace("\u00a0", " ").replace("\n", " ")
    assert "Exhibit 2, ECF No. 2-2" in text
    service = " ".join(p.extract_text() or "" for p in
                       PdfReader(example / "certificate-of-service-motion.pdf").pages)
    assert "Exhibit" not in service
    check_packet(example / "packet-motion.pdf")


def test_check_warns_of_an_exhibit_cited_again_without_its_docket_reference(facts_copy):
    facts = facts_copy(('    docket: "ECF No. 2-2"\n', ""))
    proc = cli("check", "--facts", str(facts), cwd=facts.parent)
    assert proc.returncode == 0, proc.stderr
    assert "exhibit 'type86_notice' was filed with the complaint papers and is cited again by the motion" \
        in proc.stderr
    assert "ctpat_portal_status' was filed" not in proc.stderr


def test_many_parties_one_packet_holds_every_exhibit_cited_each_linked(tmp_path):
    folder = tmp_path / "many"
    shutil.copytree(MANY, folder)
    proc = cli("build", str(folder), "-q", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    packet = folder / "build" / "packet.pdf"
    reader = PdfReader(packet)
    assert covers(reader), "no exhibit in the packet"
    service = flat(" ".join(p.extract_text() or "" for p in PdfReader(folder / "build" / "certificate-of-service.pdf")
                            .pages))
    for num in covers(reader):
        assert re.search(rf"Exhibits? [^,]*\b{num}\b", service), f"Exhibit {num} not in the certificate"
    pages, found = check_packet(packet)
    assert found >= len(covers(reader))


def test_exhibits_as_attachments_leave_the_packet_papers_alone(facts_copy):
    facts = facts_copy(("\nbundle:\n", "\nsettings:\n  exhibits_in_packet: false\n\nbundle:\n"))
    proc = cli("build", str(facts.parent), "-q", cwd=facts.parent)
    assert proc.returncode == 0, proc.stderr
    build = facts.parent / "build"
    assert covers(PdfReader(build / "packet-complaint.pdf")) == {}
    assert len(PdfReader(build / "packet-complaint.pdf").pages) == 14  # the papers alone: 27 pages less the six exhibits' 13
    assert links(build / "packet-complaint.pdf") == []
    assert "with Exhibits 1–6 to the Complaint" in flat(" ".join(
        p.extract_text() or "" for p in PdfReader(build / "certificate-of-service-complaint.pdf").pages))


def test_a_filing_lists_only_exhibits_the_facts_have(facts_copy):
    facts = facts_copy(("    papers: [motion, tro-order, proposed-order, declaration]\n",
                        "    papers: [motion, tro-order, proposed-order, declaration]\n    exhibits: [type86_notce]\n"))
    proc = cli("check", "--facts", str(facts), cwd=facts.parent)
    assert proc.returncode == 1
    assert "filings.1.exhibits.0: no exhibit 'type86_notce'; did you mean 'type86_notice'?" in proc.stderr
    assert "Traceback" not in proc.stderr
