"""The Rule 56.2 brief: its facts (brief:, record:), record citations, and its tables of contents
and authorities, whose page numbers must be the pages of the PDF where each heading and each
citation is printed. The unit tests need no LibreOffice; the end-to-end test builds the adcvd
sample's judgment-motion with the real CLI and reads the PDF with pdftotext."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from filings.facts.citations import record_cite
from filings.papers.authorities import Heading, citations, listed, locate, running_lines

SAMPLE = ROOT / "filings" / "facts" / "samples" / "adcvd.yaml"

TEXT = ("The Court reviews under 19 U.S.C. § 1516a(b)(1)(B)(i) and 28 U.S.C. § 2640(b). See Nippon Steel Corp. v. "
        "United States, 458 F.3d 1345, 1351 (Fed. Cir. 2006). Substantial evidence is “such relevant evidence.” "
        "Consolidated Edison Co. v. NLRB, 305 U.S. 197, 229 (1938). Id. at 230. The record as a whole counts. "
        "Nippon Steel, 458 F.3d at 1352. The statute, 19 U.S.C. § 1677b(f)(2)-(3), and 19 C.F.R. § 351.407(b) "
        "apply. Id. An agency must explain. Motor Vehicle Mfrs. Ass’n v. State Farm Mut. Auto. Ins. Co., "
        "463 U.S. 29, 43 (1983). The notice, 90 Fed. Reg. 11,342 (Mar. 4, 2025), says so. 19 U.S.C. § 1516a(a)(2). "
        "Id.")


def entry(cites, text: str):
    return [a for _, a in cites if text in a.name + a.cite]


# ------------------------------------------------------------------------------ citations
def test_cases_statutes_regulations_and_other_authorities_are_found_and_grouped():
    cites = citations(TEXT)
    shown = {(a.group, a.name + a.cite) for _, a in cites}
    assert shown == {
        ("Statutes", "19 U.S.C. § 1516a"), ("Statutes", "28 U.S.C. § 2640"), ("Statutes", "19 U.S.C. § 1677b"),
        ("Cases", "Nippon Steel Corp. v. United States, 458 F.3d 1345 (Fed. Cir. 2006)"),
        ("Cases", "Consolidated Edison Co. v. NLRB, 305 U.S. 197 (1938)"),
        ("Cases", "Motor Vehicle Mfrs. Ass'n v. State Farm Mut. Auto. Ins. Co., 463 U.S. 29 (1983)"),
        ("Regulations", "19 C.F.R. § 351.407"), ("Other Authorities", "90 Fed. Reg. 11,342")}


def test_sections_with_a_letter_that_eyecite_misses_come_from_the_supplement():
    cites = citations("Under 19 U.S.C. § 1516a(b)(1)(B)(i) and 19 U.S.C. §§ 1677b(f)(2)-(3), and 19 U.S.C. § 1677(9).")
    assert [a.cite for _, a in cites] == ["19 U.S.C. § 1516a", "19 U.S.C. § 1677b", "19 U.S.C. § 1677"]


def test_short_forms_count_for_the_authority_they_refer_to():
    cites = citations(TEXT)
    nippon = entry(cites, "458 F.3d 1345")[0]
    con_ed = entry(cites, "305 U.S. 197")[0]
    cfr = entry(cites, "C.F.R.")[0]
    usc = [a for _, a in cites if a.cite == "19 U.S.C. § 1516a"][0]
    assert len(entry(cites, "458 F.3d 1345")) == 2  # the full citation and "Nippon Steel, 458 F.3d at 1352"
    assert len(entry(cites, "305 U.S. 197")) == 2  # and "Id. at 230"
    assert len(entry(cites, "C.F.R.")) == 2  # "Id." after the regulation: the supplement's statute comes before
    assert [a for _, a in cites].count(usc) == 3  # the last "Id." follows a statute only the supplement found
    assert nippon != con_ed != cfr


def test_an_id_before_any_citation_and_a_short_cite_without_its_full_one_count_for_nothing():
    assert citations("Id. at 4. Nippon Steel, 458 F.3d at 1351.") == []


def test_the_listed_tables_read_the_docx_headings_and_leave_out_the_tables_own_entries():
    paragraphs = [("paper title", "MOTION"), ("toc heading", "TABLE OF CONTENTS"), ("toc 1", "ARGUMENT\t6"),
                  ("table of authorities", "SEC v. Chenery Corp., 318 U.S. 80 (1943)\t6"),
                  ("section heading", "ARGUMENT"), ("point heading", "The Finding Is Unsupported"),
                  ("sub heading", "The Record"), ("sub heading", "The Memorandum"), ("point heading", "Second"),
                  ("sub heading", "Again A"), ("body text double", "See 28 U.S.C. § 2640(b).")]
    tables = listed(paragraphs)
    assert [(h.level, h.label, h.text) for h, _ in tables.contents] == [
        (1, "", "ARGUMENT"), (2, "I.", "The Finding Is Unsupported"), (3, "A.", "The Record"),
        (3, "B.", "The Memorandum"), (2, "II.", "Second"), (3, "A.", "Again A")]
    assert [(a.cite, pages) for a, pages in tables.authorities] == [("28 U.S.C. § 2640", "")]


# ----------------------------------------------------------------------------------- pages
def page(body: str, number: int) -> str:
    return f"{body}\nCourt No. 25-00097\n{number}\n"


def test_running_lines_are_left_out_and_the_printed_number_is_each_pages():
    pages = [page("Caption", 1), page("TABLE OF CONTENTS\nARGUMENT....3", 2), page("ARGUMENT\ntext", 3)]
    texts, numbers = running_lines(pages)
    assert numbers == ["1", "2", "3"]
    assert texts[2] == "ARGUMENT\ntext"
    roman = [page("a", 7), page("b", 8), page("c", 9)]
    assert running_lines(roman)[1] == ["7", "8", "9"]


def test_each_heading_and_citation_is_found_on_the_page_it_is_printed_on():
    heads = [Heading(1, "ARGUMENT"), Heading(2, "The Finding Is Unsupported", "I."), Heading(1, "CONCLUSION")]
    pages = [page("TABLE OF CONTENTS\nARGUMENT.....4\nI. The Finding Is Unsupported.....4\nCONCLUSION.....5\n"
                  "TABLE OF AUTHORITIES\nSEC v. Chenery Corp., 318 U.S. 80 (1943).....5", 2),
             page("Intro text cites nothing.", 3),
             page("ARGUMENT\nI.\nThe Finding Is\nUnsupported\nThe conclusion of 19 U.S.C.\n§ 1677b(f)(3) is wrong.", 4),
             page("SEC v. Chenery Corp., 318 U.S. 80, 94 (1943). Id. at 95.\nCONCLUSION\nGrant it.", 5)]
    tables = locate(pages, heads, ["TABLE OF CONTENTS"])
    assert [(h.label, h.text, p) for h, p in tables.contents] == [
        ("", "ARGUMENT", "4"), ("I.", "The Finding Is Unsupported", "4"), ("", "CONCLUSION", "5")]
    assert [(a.name + a.cite, p) for a, p in tables.authorities] == [
        ("SEC v. Chenery Corp., 318 U.S. 80 (1943)", "5"), ("19 U.S.C. § 1677b", "4")]


# ------------------------------------------------------------------------- record citations
def test_record_citations_print_the_record_numbers():
    assert record_cite(312, 98) == "P.R. 312, C.R. 98"
    assert record_cite(312, None) == "P.R. 312"
    assert record_cite(None, 98) == "C.R. 98"
    assert record_cite(312, 98, "14") == "P.R. 312 at 14"
    assert record_cite(None, 98, "14-15") == "C.R. 98 at 14-15"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def test_an_unknown_record_id_fails_the_check_naming_its_line(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("[Record: supplemental_d at 7]. A finding",
                                                       "[Record: supplemental_e at 7]. A finding")
    (tmp_path / "facts.yaml").write_text(text, encoding="utf-8")
    rows = text.splitlines()
    cited = next(n for n, row in enumerate(rows, 1) if "supplemental_e" in row)
    line = max(n for n, row in enumerate(rows[:cited], 1) if row.rstrip().endswith("- >-"))  # the paragraph's
    proc = run("check", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert f"facts.yaml:{line}" in out and "'[Record: supplemental_e at 7]' cites no document of the record" in out
    assert "did you mean 'supplemental_d'?" in out and "Traceback" not in out


def test_a_pin_on_another_kind_of_citation_is_refused(tmp_path):
    from filings.facts.load import load_facts

    text = SAMPLE.read_text(encoding="utf-8").replace("[Record: final_cost_memo]", "[Term: commerce at 3]")
    (tmp_path / "facts.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match="only a record citation takes a pin"):
        load_facts(tmp_path / "facts.yaml")


# ----------------------------------------------------------------------------- end to end
def pdftotext(pdf: Path, number: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# Each authority of the sample's brief as the test finds it, another way than the build: a pattern
# matching its full and short forms.
AUTHORITIES = {
    "Consolidated Edison Co. v. NLRB": r"305 U\.S\. (?:197|at)", "Nippon Steel Corp. v. United States": r"458 F\.3d",
    "Universal Camera Corp. v. NLRB": r"340 U\.S\. (?:474|at)", "SEC v. Chenery Corp.": r"318 U\.S\. (?:80|at)",
    "Motor Vehicle Mfrs. Ass’n v. State Farm Mut. Auto. Ins. Co.": r"463 U\.S\. (?:29|at)",
    "19 U.S.C. § 1516a": r"19 U\.S\.C\. § 1516a(?!\w)", "19 U.S.C. § 1677b": r"19 U\.S\.C\. § 1677b(?!\w)",
    "28 U.S.C. § 2640": r"28 U\.S\.C\. § 2640(?!\w)", "19 C.F.R. § 351.407": r"19 C\.F\.R\. § 351\.407(?!\w)",
    "90 Fed. Reg. 11,342": r"90 Fed\. Reg\. 11,342"}


@pytest.mark.e2e
def test_the_sample_brief_tables_give_the_pages_of_the_pdf(tmp_path):
    (tmp_path / "facts.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    proc = run("build", str(tmp_path), "--only", "judgment-motion", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = tmp_path / "build" / "judgment-motion.pdf"
    raw = []
    n = 1
    while True:
        try:
            raw.append(pdftotext(pdf, n))
        except subprocess.CalledProcessError:
            break
        n += 1
        if n > 60:
            break
    raw = [t for t in raw if t.strip()]
    printed = [t.strip().splitlines()[-1].strip() for t in raw]  # the footer's page number
    assert printed == [str(i) for i in range(1, len(raw) + 1)]
    texts = [flat(re.sub(r"Court No\. \S+\s*\n\s*\d+\s*$", "", t.strip())) for t in raw]
    toc = next(i for i, t in enumerate(texts) if t.startswith("TABLE OF CONTENTS"))
    toa = next(i for i, t in enumerate(texts) if t.startswith("TABLE OF AUTHORITIES"))
    body = toa + 1
    # the table of contents: each heading's page is the page where it is printed, after the tables
    parts = re.split(r"\.{3,}\s*(\d+)", texts[toc].removeprefix("TABLE OF CONTENTS"))
    contents = [(" ".join(w for w in text.split() if not re.fullmatch(r"[IVX]+\.|[A-Z]\.", w)), int(p))
                for text, p in zip(parts[0::2], parts[1::2])]
    assert len(contents) == 9
    for heading, listed_page in contents:
        where = [printed[i] for i in range(body, len(texts)) if heading in texts[i]]
        assert where and int(where[0]) == listed_page, (heading, listed_page, where)
    # the table of authorities: each authority with exactly the pages it is cited on
    parts = re.split(r"\.{3,}\s*(\d+(?:, \d+)*)", texts[toa])
    listed_pages = {}
    for text, pages in zip(parts[0::2], parts[1::2]):
        for name in AUTHORITIES:
            if name in text:
                listed_pages[name] = [int(p) for p in pages.split(", ")]
    assert set(listed_pages) == set(AUTHORITIES)  # every case, statute and regulation cited is listed
    joined, starts = "", []
    for i in range(body, len(texts)):
        starts.append((len(joined), int(printed[i])))
        joined += texts[i] + " "

    def page_at(offset: int) -> int:
        return [p for s, p in starts if s <= offset][-1]
    mentions = sorted((m.start(), name) for name, pattern in AUTHORITIES.items()
                      for m in re.finditer(pattern, joined))
    ids = []
    for m in re.finditer(r"\bId\.", joined):  # "Id." is the authority cited just before it
        ids.append((m.start(), max((start, name) for start, name in mentions if start < m.start())[1]))
    mentions += ids
    for name, pages in listed_pages.items():
        assert pages == sorted({page_at(o) for o, n in mentions if n == name}), name
    # record citations print the record's numbers
    assert "P.R. 45 at 12–15" in joined and "P.R. 262, C.R. 93" in joined and "P.R. 314, C.R. 101" in joined
    assert "[Record:" not in joined
