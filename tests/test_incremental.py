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


def test_a_build_by_another_version_of_the_toolkit_makes_everything_again(built, monkeypatch):
    """New code may print other words from the same facts and templates (a docket reference, the
    blanks before docketing): outputs of another version are never kept as current."""
    from filings.pipeline import manifest
    facts, out = built
    assert not rebuilt(build(facts, out, converter=LibreOffice()))
    monkeypatch.setattr(manifest, "toolkit_key", lambda: "another version")
    said: list[str] = []
    result = build(facts, out, converter=LibreOffice(), progress=said.append)
    assert rebuilt(result) == set(json.loads((out / ".filings" / "manifest.json").read_text())["papers"])
    assert "the toolkit changed since the last build: every paper is made again" in said


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


# --------------------------------------------------------------------------- the PDF cache is signed

@pytest.fixture
def user_config(tmp_path, monkeypatch):
    """This test's user: its key for the PDF cache lives here, outside every matter."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


def test_a_changed_cache_entry_is_not_used(tmp_path, user_config, monkeypatch):
    """Whoever can write the cache does not decide the PDF: an entry whose bytes changed, that
    has no signature, or that another user's key signed is not used; it is removed, with one
    warning each. The key is this user's alone, outside the matter."""
    from filings.convert.cache import PdfCache, user_key_path
    real, forged = tmp_path / "real.pdf", tmp_path / "forged.pdf"
    real.write_bytes(b"%PDF-1.7 the paper as LibreOffice made it")
    forged.write_bytes(b"%PDF-1.7 a paper someone else chose")
    warnings: list[str] = []
    cache = PdfCache(tmp_path / "matter" / ".build.filings" / "cache" / "pdf", warnings.append)
    key = "a" * 64
    cache.keep(key, real)
    assert cache.take(key, tmp_path / "out.pdf") and (tmp_path / "out.pdf").read_bytes() == real.read_bytes()
    assert user_key_path().is_file() and user_key_path().stat().st_mode & 0o777 == 0o600
    assert user_config in user_key_path().parents and warnings == []

    entry = cache.folder / f"{key}.pdf"
    entry.write_bytes(forged.read_bytes())  # the cache written by someone else
    assert not cache.take(key, tmp_path / "taken.pdf")
    assert not (tmp_path / "taken.pdf").exists() and not entry.exists()
    assert len(warnings) == 1 and str(entry) in warnings[0] and "converted again" in warnings[0]

    entry.write_bytes(forged.read_bytes())  # an entry with no signature at all
    assert not cache.take(key, tmp_path / "taken.pdf") and len(warnings) == 2 and not entry.exists()

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "someone-else"))
    PdfCache(cache.folder).keep(key, forged)  # signed, but by another user's key
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user_config))
    assert not cache.take(key, tmp_path / "taken.pdf") and len(warnings) == 3 and not entry.exists()


def test_a_build_converts_again_a_paper_whose_cached_pdf_was_changed(user_config, built):
    """A date changed and changed back, with the cache's entries replaced by another PDF in
    between: the paper is converted again, not taken from the cache, and the build warns."""
    facts, out = built
    first = (out / "declaration.pdf").read_bytes()
    for entry in (out.parent / ".build.filings" / "cache" / "pdf").glob("*.pdf"):
        entry.write_bytes((out / "complaint.pdf").read_bytes())
    text = facts.read_text()
    facts.write_text(text.replace("  place: Schaumburg, Illinois", "  place: Chicago, Illinois", 1))
    build(facts, out, converter=Counting())
    facts.write_text(text)
    back = Counting()
    result = build(facts, out, converter=back)
    assert back.converted == ["declaration.docx"]
    assert (out / "declaration.pdf").read_bytes() == first
    assert any("the cached PDF is not one this user's build made" in w for w in result.warnings)


def test_a_manifest_carries_nothing_from_outside_the_last_build(tmp_path):
    """The last build's manifest names the packets to keep: a name climbing out of that build
    (a received matter's ``.build.filings``) is not carried."""
    from filings.pipeline.outputs import Generation
    from filings.pipeline.packets import _previous_packets
    previous, new = tmp_path / "store" / "1", tmp_path / "store" / "2"
    (previous / ".filings").mkdir(parents=True)
    new.mkdir()
    (previous / ".filings" / "manifest.json").write_text(json.dumps(
        {"packet_keys": {"..": "k", ".": "k", "packet-complaint.pdf": "k"}}))
    (previous / "packet-complaint.pdf").write_bytes(b"%PDF-1.7")
    gen = Generation(new, previous)
    assert _previous_packets(gen) == {"packet-complaint.pdf": "k"}
    assert sorted(p.name for p in new.iterdir()) == ["packet-complaint.pdf"]


def test_a_section_added_later_rebuilds_the_papers_that_asked_for_it(facts_copy, tmp_path):
    """A motion built before its declaration exists ({% if declaration %} was false) is made
    again when the facts gain the declaration: it cites it now (a trial found it kept stale)."""
    import re
    from filings.pipeline.pdf import extract_text

    facts = facts_copy()
    full = facts.read_text(encoding="utf-8")
    start = full.index("\ndeclaration:")
    end = re.search(r"\n[a-z_]+:", full[start + 1:]).start() + start + 1
    facts.write_text(full[:start] + full[end:].replace("papers: [motion, tro-order, proposed-order, declaration]",
                                                          "papers: [motion, tro-order, proposed-order]"), encoding="utf-8")
    out = tmp_path / "build"
    first = build(facts, out, converter=LibreOffice())
    assert "Decl." not in extract_text(out / "motion.pdf")
    assert any("the matter has no declaration to authenticate it" in w for w in first.warnings), first.warnings
    facts.write_text(full, encoding="utf-8")
    result = build(facts, out, converter=LibreOffice())
    assert {"motion", "proposed-order", "declaration"} <= rebuilt(result)
    assert "Decl." in extract_text(out / "motion.pdf")
