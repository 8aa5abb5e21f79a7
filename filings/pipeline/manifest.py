"""The manifest of a build: written last into its generation (a generation with one is
complete), and read back by the next build: which papers it may keep, and whether anything
changed at all.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from filings.facts.schema import Matter
from filings.facts.plan import Plan
from filings.pipeline.built import BuiltPaper, SetResult, _sha256
from filings.pipeline.outputs import MANIFEST, STATE_DIR, Generation


def _previous_papers(gen: Generation) -> dict[str, dict]:
    """The papers of the current outputs, from their manifest (empty for a first build)."""
    manifest = gen.previous_manifest() or {}
    papers = manifest.get("papers")
    if not isinstance(papers, dict):
        return {}
    return {name: entry for name, entry in papers.items()
            if isinstance(entry, dict) and isinstance(entry.get("facts_read"), dict)}


def _write_manifest(generation: Path, matter: Matter, papers: list[BuiltPaper], plan: Plan,
                    sets: list[SetResult], *, packet_keys: dict[str, str], draft: bool, edits=None) -> None:
    """Record, per paper, its template's hash, its filing, and each fact it read with a
    fingerprint of its value: what tells a later build whether the paper is still current;
    and, per packet, its papers; per set, its bundle. A paper of the confidential or public
    version is named with its folder (``public/complaint``). Written last: a generation with
    a manifest is complete. A paper with an attorney's edit (``edits``, :mod:`filings.pipeline.drafts`)
    records the hash of its published DOCX, the edit as published, and what its merge did."""
    filings = plan.filings
    entries = {b.key: {"template": b.paper.template, "template_sha256": b.template_sha256,
                       "filing": filings[b.paper.filing].name if b.paper.filing is not None else None,
                       "facts_read": b.facts, "pages": b.pages, "pdf_sha256": b.pdf_sha256}
               for b in papers}
    for b in papers:  # the attorney's edit it carries: what its published DOCX is
        if edits is not None and b.key in edits.current:
            entries[b.key]["edit_sha256"] = _sha256(generation / f"{b.key}.docx")
            entries[b.key]["edit"] = edits.merged.get(b.key) or b.edit or {}
    prefixes = [s.output.prefix for s in sets] or [""]
    packets = {prefix + f.packet: [p.name for p in f.papers] for prefix in prefixes for f in filings
               if (generation / prefix / f.packet).is_file()}
    manifest = {"facts": str(matter.path), "facts_sha256": _sha256(matter.path), "toolkit": toolkit_key(),
                "papers": entries,
                "packets": packets, "packet_keys": packet_keys,
                "exhibits": [e.id for e in matter.facts.exhibits], "draft": draft}
    for s in sets:
        if s.bundle is not None:
            manifest[s.output.bundle_entry] = {"key": s.bundle_key, "reads": s.bundle_reads,
                                               "exhibits": len(s.bundle.exhibits), "pages": s.bundle.total_pages}
        elif s.bundle_kept is not None:
            manifest[s.output.bundle_entry] = s.bundle_kept
    path = generation / STATE_DIR / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def toolkit_key() -> str:
    """A hash of the toolkit itself (its code and its data: rules, kinds): a build by another version
    of filings may print other words from the same facts and templates."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file()
                       and "__pycache__" not in p.parts and "example" not in p.relative_to(package).parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def built_by_another_toolkit(gen: Generation, progress) -> bool:
    """True when the last build was made by another version of filings: then everything is made again."""
    previous = gen.previous_manifest()
    if previous is None or previous.get("toolkit") == toolkit_key():
        return False
    progress("the toolkit changed since the last build: every paper is made again")
    return True


def _unchanged(gen: Generation, papers: list[BuiltPaper], sets: list[SetResult]) -> bool:
    """True when this build (its ``papers`` and ``sets``) made nothing new: every output is the
    last build's, as it was."""
    if gen.previous is None or any(not b.carried for b in papers) or \
            any(s.bundle is not None for s in sets):
        return False
    ours = (gen.path / STATE_DIR / MANIFEST).read_text(encoding="utf-8")
    try:
        theirs = (gen.previous / STATE_DIR / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return False
    return ours == theirs
