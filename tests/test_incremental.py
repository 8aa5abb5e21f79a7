"""Only what changed is made again: papers by the facts they read, packets by their papers,
the bundle by its exhibits; a build with nothing changed writes nothing. Real LibreOffice."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from filings.convert.libreoffice import LibreOffice
from filings.pipeline.builder import build


def files(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every output file (through the build link) with its inode, modification time and bytes."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


def readers(out: Path, fact: str) -> set[str]:
    """The papers whose manifest says they read ``fact``."""
    manifest = json.loads((out / ".filings" / "manifest.json").read_text())
    return {name for name, entry in manifest["papers"].items() if fact in entry["facts_read"]}


@pytest.fixture
def built(facts_copy, tmp_path):
    facts = facts_copy()
    out = tmp_path / "build"
    build(facts, out, converter=LibreOffice())
    return facts, out


def rebuilt(result) -> set[str]:
    return {b.paper.name for b in result.papers if not b.carried}


@pytest.mark.parametrize("old, new, fact", [
    ("  place: Schaumburg, Illinois", "  place: Chicago, Illinois", "declaration.place"),
    ("    an action under the Administrative Procedure Act", "    an action under the APA", "case.nature"),
])
def test_a_one_fact_change_rebuilds_exactly_the_papers_that_read_it(built, old, new, fact):
    facts, out = built
    expected = readers(out, fact)
    assert expected and expected != {p for p in json.loads((out / ".filings" / "manifest.json").read_text())["papers"]}
    before = files(out)
    facts.write_text(facts.read_text().replace(old, new, 1))
    result = build(facts, out, converter=LibreOffice())
    assert rebuilt(result) == expected
    after = files(out)
    for name in (f"{p}.{ext}" for p in set(json.loads((out / ".filings" / "manifest.json").read_text())["papers"])
                 - expected for ext in ("docx", "pdf")):
        assert after[name] == before[name], name  # the same file: same inode, time and bytes
    assert result.bundle is None and result.bundle_kept  # no exhibit changed
    assert after["exhibits/exhibit-bundle.pdf"] == before["exhibits/exhibit-bundle.pdf"]


def test_a_build_with_nothing_changed_touches_no_file(built):
    facts, out = built
    link, before = os.readlink(out), files(out)
    generations = sorted(p.name for p in out.parent.joinpath(".build.filings").iterdir())
    result = build(facts, out, converter=LibreOffice())
    assert result.unchanged and result.summary().startswith("nothing changed since the last build")
    assert os.readlink(out) == link and files(out) == before
    assert sorted(p.name for p in out.parent.joinpath(".build.filings").iterdir()) == generations


def test_force_makes_everything_again(built):
    facts, out = built
    result = build(facts, out, converter=LibreOffice(), force=True)
    assert rebuilt(result) == set(json.loads((out / ".filings" / "manifest.json").read_text())["papers"])
    assert result.bundle is not None


def test_a_fact_an_exhibit_template_reads_rebuilds_the_bundle(built):
    facts, out = built
    before = files(out)
    text = facts.read_text()
    facts.write_text(text.replace("    channel: e-mail\n", "    channel: letter\n", 1))
    result = build(facts, out, converter=LibreOffice())
    assert result.bundle is not None  # the first request's letter says how it was sent
    after = files(out)
    assert after_differs(before, after, "letters/first_request.pdf")  # the draft follows the facts
    assert not after_differs(before, after, "exhibits/exhibit-bundle.pdf")  # the exhibit is the copy sent


def after_differs(before: dict, after: dict, name: str) -> bool:
    return before[name][2] != after[name][2]


class Counting(LibreOffice):
    """The real converter, recording what it was asked to convert."""

    def __init__(self):
        super().__init__()
        self.converted: list[str] = []

    def convert(self, sources, out_dir):
        self.converted += [Path(s).name for s in sources]
        return super().convert(sources, out_dir)


def test_a_document_converted_before_takes_its_pdf_from_the_cache(built):
    """A date changed and changed back: the paper renders to the bytes it had, and its PDF
    comes from the output folder's cache, identical, without LibreOffice."""
    facts, out = built
    first = (out / "declaration.pdf").read_bytes()
    text = facts.read_text()
    facts.write_text(text.replace("  place: Schaumburg, Illinois", "  place: Chicago, Illinois", 1))
    changed = Counting()
    assert rebuilt(build(facts, out, converter=changed)) == {"declaration"}
    assert changed.converted == ["declaration.docx"]
    assert (out / "declaration.pdf").read_bytes() != first
    facts.write_text(text)
    back = Counting()
    result = build(facts, out, converter=back)
    assert rebuilt(result) == {"declaration"} and back.converted == []
    assert (out / "declaration.pdf").read_bytes() == first
    assert list((out.parent / ".build.filings" / "cache" / "pdf").glob("*.pdf"))
    forced = Counting()
    build(facts, out, converter=forced, force=True)  # --force trusts no cache
    assert "declaration.docx" in forced.converted
