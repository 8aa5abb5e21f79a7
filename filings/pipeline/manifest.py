"""The manifest of a build: written last into its generation (a generation with one is
complete), and read back by the next build: which papers it may keep, and whether anything
changed at all.

It records what the facts came from (the facts file and every base file it extends, each with
its hash: a change to a base is never missed) and the template library the build used (the
folders of the search path, where each paper's template came from and its hash, and the
matter's settings), so that a build whose library or settings differ from the last one's says
so in one line before it replaces anything (:func:`library_change`).
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from filings.facts.schema import Matter
from filings.facts.plan import Paper, Plan
from filings.errors import FilingsError, display_path
from filings.papers.library import ENVIRONMENT, FIRM, SHIPPED, TemplateLibrary
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
                    sets: list[SetResult], *, packet_keys: dict[str, str], draft: bool, edits=None,
                    library: dict | None = None) -> None:
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
    files = facts_files(matter)
    # the facts file by its name in the matter's folder: the same manifest however the build was run (from
    # inside the matter, or naming it by an absolute path), so neither makes a build of its own
    manifest = {"facts": matter.path.name, "facts_sha256": facts_key(files), "facts_files": files,
                "toolkit": toolkit_key(), "papers": entries,
                "packets": packets, "packet_keys": packet_keys,
                "exhibits": [e.id for e in matter.facts.exhibits], "draft": draft}
    if library is not None:
        manifest["library"] = library
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


def facts_files(matter: Matter) -> list[dict[str, str]]:
    """The facts file and every base file it extends (relative to the matter's folder), each with
    the hash of its bytes."""
    return [{"file": matter.source.shown(file), "sha256": _sha256(file)} for file in matter.source.all_files()]


def facts_key(files: list[dict[str, str]]) -> str:
    """What the facts were read from, as one hash: the facts file's own hash when it extends
    nothing (the matter's history keeps it by that hash), else a hash of every file's name and hash."""
    if len(files) == 1:
        return files[0]["sha256"]
    return hashlib.sha256("".join(f"{f['file']}\0{f['sha256']}\n" for f in files).encode("utf-8")).hexdigest()


def library_record(matter: Matter, library: TemplateLibrary, papers: list[Paper]) -> dict[str, Any]:
    """The template library of a build: its folders, where each paper's template came from with
    its hash, and the matter's settings (a folder relative to the matter's, or ``shipped``)."""
    def folder_of(origin: str, folder: Path) -> str:
        if origin == SHIPPED:
            return SHIPPED
        return os.path.relpath(os.path.realpath(folder), os.path.realpath(matter.root))

    templates = {}
    for paper in papers:
        try:
            found = library.find(paper.template)
        except FilingsError:
            continue  # a missing template is the build's error, reported where it renders
        folder = next((f for o, f in library.folders if found.origin == o), None)
        templates[paper.name] = {"template": paper.template, "origin": found.origin,
                                 "from": folder_of(found.origin, folder) if folder is not None else found.origin,
                                 "sha256": _sha256(found.path)}
    return {"folders": [folder_of(o, f) for o, f in library.folders], "templates": templates,
            "settings": matter.facts.settings.model_dump(mode="json", by_alias=True)}


def said_library(gen: Generation, matter: Matter, library: TemplateLibrary, papers: list[Paper], strict: bool,
                 warn) -> dict[str, Any]:
    """The library record of this build (:func:`library_record`); a library or settings that differ
    from the last build's are a warning (``warn``), or with ``strict`` an error, before anything
    is replaced."""
    record = library_record(matter, library, papers)
    changed = library_change(gen.previous_manifest(), record, matter, library)
    if changed and strict:
        raise FilingsError(f"--strict: {changed}")
    if changed:
        warn(changed)
    return record


def library_change(previous: dict | None, now: dict, matter: Matter, library: TemplateLibrary) -> str | None:
    """One line saying how the template library or the settings differ from the last build's
    (``previous`` is its manifest, untrusted), or None when they are the same or there was none."""
    before = (previous or {}).get("library")
    if not isinstance(before, dict):
        return None
    parts = _template_changes(before, now, library)
    if not parts and before.get("folders") != now["folders"]:
        parts = [f"the search path is now {_folders(now['folders'], library)} (was "
                 f"{_folders(before.get('folders'), library)})"]
    said = []
    if parts:
        said.append(f"template library changed since the last build: {'; '.join(parts)}; pass --templates DIR "
                    f"(or set {ENVIRONMENT}) or set settings.templates to choose the firm's library")
    settings = before.get("settings")
    if isinstance(settings, dict) and settings != now["settings"]:
        keys = sorted(k for k in set(settings) | set(now["settings"]) if settings.get(k) != now["settings"].get(k))
        where = ", ".join(f"settings.{k} ({matter.source.where(('settings', k))})"
                          if ("settings", k) in matter.source.lines else f"settings.{k}" for k in keys[:6])
        said.append(f"settings changed since the last build: {where}")
    return "; ".join(said) or None


def _template_changes(before: dict, now: dict, library: TemplateLibrary) -> list[str]:
    """``complaint now from /firm/templates (was shipped)``, ``summons: its template in X changed``."""
    old = before.get("templates") if isinstance(before.get("templates"), dict) else {}
    moved: dict[tuple[str, str], list[str]] = {}
    changed: dict[str, list[str]] = {}
    for name, entry in now["templates"].items():
        was = old.get(name)
        if not isinstance(was, dict):
            continue
        if was.get("from") != entry["from"]:
            moved.setdefault((_folder(entry["from"], library), _folder(was.get("from"), library)), []).append(name)
        elif entry["origin"] == FIRM and was.get("sha256") != entry["sha256"]:
            changed.setdefault(_folder(entry["from"], library), []).append(name)
    parts = [f"{', '.join(names)} now from {new} (was {old_})" for (new, old_), names in moved.items()]
    parts += [f"the template of {', '.join(names)} in {folder} changed" for folder, names in changed.items()]
    return parts


def _folder(folder: Any, library: TemplateLibrary) -> str:
    """A folder of a manifest as a user reads it: shipped, the matter's templates/, or its path."""
    if folder == SHIPPED or not isinstance(folder, str):
        return SHIPPED if folder == SHIPPED else "nowhere"
    if folder == "templates":
        return "the matter's templates/"
    return display_path(os.path.normpath(library.matter_root / folder)) if library.matter_root else folder


def _folders(folders: Any, library: TemplateLibrary) -> str:
    return ", ".join(_folder(f, library) for f in folders) if isinstance(folders, list) else "unknown"
