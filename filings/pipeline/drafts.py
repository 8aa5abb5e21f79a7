"""Drafts the attorney edits in Word: found in the outputs, kept in the matter, merged on every build.

Each build keeps, in its generation, every draft as it made it (``.filings/drafts/``, copies:
an editor that saves in place cannot change them), and records the bytes it published
(:mod:`filings.pipeline.userfiles`). The next build compares: a draft whose bytes differ was
edited, and is saved into the matter's ``edits/`` with the draft it was edited from
(:mod:`filings.edits.store`) before anything else happens; a paper's PDF or a packet replaced
by hand (a signed copy) is kept in ``edits/replaced/``. Only papers and packets are read so:
the exhibits, thousands of pages at times, are not hashed on every build. Nothing of this
reads a file's time.

A paper with an edit is made again whenever its edit, its facts or its template changed; the
new draft is merged with the edit (:mod:`filings.edits.package`) right after it is rendered, so
its word count, its PDF and its packet are the merged text. Conflicts are warnings naming the
paper and paragraph (errors under ``--strict``); a merge that would drop one of the attorney's
edits is an error, and nothing is published. After publishing, the edit is moved onto the new
draft: ``edits/<paper>.docx`` is the published draft, ``<paper>.base.docx`` the draft the build
made.

The public version of a matter with confidential facts is made from the confidential one with
the tagged values removed: the confidential draft's edit is carried into the public draft
(:func:`carry_to_public`), a confidential value the attorney typed bracketed in the one and
removed from the other (:func:`redact`); an edit of a public draft is refused (kept in
``edits/replaced/``, with a warning saying to edit the confidential draft).
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from filings.edits.store import Edit, Edits, sha256
from filings.errors import FilingsError, display_path
from filings.paths import is_plain_relative, resolve_inside
from filings.pipeline.outputs import STATE_DIR, Generation, Progress
from filings.pipeline.userfiles import RECORD, Made

DRAFTS = "drafts"
AUTHOR = "filings"
CONFLICT_AUTHOR = AUTHOR + " ("  # how a merge's conflicts are signed: "filings (the facts (case.filed))"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARKS = {f"{_W}{t}" for t in ("proofErr", "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                                "permStart", "permEnd")}  # no text: not a gap between two parts of one change


@dataclass
class EditState:
    """The matter's edits as this build found them."""

    edits: Edits
    out: Path                              # the output folder the user opens (build/)
    current: dict[str, Edit] = field(default_factory=dict)
    recorded: dict[str, str] = field(default_factory=dict)   # key → the edit's hash the last build published
    merged: dict[str, dict] = field(default_factory=dict)    # key → what its merge did
    pristine: dict[str, Path] = field(default_factory=dict)  # key → the draft as this build made it
    replaced: set[str] = field(default_factory=set)  # papers whose DOCX or PDF was replaced by hand: made again
    changed: set[str] = field(default_factory=set)   # papers whose edit is not what the last build published,
    # or replaced by hand: to be made again (set once the edits are found)


def pick_up(root: Path, gen: Generation, out: Path, before: dict[str, dict], progress: Progress,
            warn: Progress) -> EditState:
    """Save every output edited since the last build into the matter; return its edits."""
    edits = Edits(root)
    state = EditState(edits, out, recorded={k: str(e.get("edit_sha256") or "") for k, e in before.items()
                                            if e.get("edit_sha256")})
    if gen.previous is not None:
        _save_edited(state, gen.previous, before, progress, warn)
    state.current = {e.key: e for e in edits.all()}
    for edit in state.current.values():
        edit.check()  # a Word document, bounded, or one line naming it
    state.changed = {k for k in set(state.current) | set(state.recorded)
                     if (state.current[k].sha256() if k in state.current else "") != state.recorded.get(k, "")} \
        | state.replaced
    warn_open_conflicts(root, warn, out, state.current.values())
    return state


def warn_unused(state: EditState, keys: set[str], warn: Progress) -> None:
    """Warn of each edit of a paper this build does not make (its facts dropped it): kept, unused."""
    for key in sorted(set(state.current) - keys):
        warn(f"{display_path(state.current[key].docx)} is an edit of '{key}', which the facts do not make now; it "
             f"is kept, unused, and comes back into the paper when the facts make it again (run 'filings edits "
             f"drop {key}' to put it away)")


def warn_open_conflicts(root: Path, warn: Progress, out: Path | None = None, edits=None) -> None:
    """Warn of each conflict between an edit and the facts still open (an error under --strict)."""
    for edit in sorted(edits if edits is not None else Edits(root).all(), key=lambda e: e.key):
        left = open_conflicts(edit.docx)
        if left:
            where = display_path((out if out is not None else root / "build") / (edit.key + ".docx"))
            warn(f"{edit.key}: {left} conflict{'s' if left != 1 else ''} between your edit and a change of the facts "
                 f"or templates still open in {where}: accept or reject the tracked changes by filings in Word, "
                 "and save")


def _save_edited(state: EditState, previous: Path, before: dict[str, dict], progress: Progress,
                 warn: Progress) -> None:
    made = Made(previous)
    if made.files is None:
        return
    saved: dict[str, list] = {}
    for rel in sorted(r for r in made.files if _a_paper_or_packet(r)):
        path = previous / rel
        try:  # the record may come with a matter from elsewhere: only what lies in the generation
            info = os.lstat(resolve_inside(previous, rel) if is_plain_relative(rel) else "")
        except (OSError, ValueError):
            continue
        if not path.is_file() or path.is_symlink() or made.unchanged(rel, info):
            continue
        key = rel[: -len(".docx")] if rel.endswith(".docx") else None
        shown = display_path(state.out / rel)
        if key in before and not key.startswith("public/"):
            base = previous / STATE_DIR / DRAFTS / rel
            if not base.is_file() or base.is_symlink():
                kept = state.edits.keep_replaced(rel, path)
                warn(f"{shown} was edited, but the build that made it kept no copy of its draft (an older filings), "
                     f"so the edit cannot be merged; it is kept as {display_path(kept)}")
            else:
                known = state.edits.get(key)
                if known is not None and known.sha256() not in (state.recorded.get(key, ""), sha256(path)):
                    raise FilingsError(f"both {shown} and {display_path(known.docx)} were changed since the last "
                                       "build; keep the one you want (copy it over the other) and build again",
                                       path=known.docx)
                state.edits.save(key, path, base, shown=state.out / rel)
                progress(f"keeping your edit of {shown} in {display_path(state.edits.folder / (key + '.docx'))}")
        else:
            kept = state.edits.keep_replaced(rel, path)
            paper = rel.rsplit(".", 1)[0]
            why = (" (the public version is made from the confidential one, with the tagged values removed: "
                   f"make the edit in confidential/{rel[len('public/'):]})") if rel.startswith("public/") else ""
            if paper in before:
                state.replaced.add(paper)
                then = f"the build's own {Path(rel).name} takes its place{why}"
            else:
                then = "run 'filings build --force' to put the build's own back"
            warn(f"{shown} was changed by hand; it is kept as {display_path(kept)}; {then}")
        saved[rel] = [info.st_size, sha256(path)]
    if saved:  # saved in the matter now: the old outputs may be pruned like any other
        _record_saved(previous, saved)


def _a_paper_or_packet(rel: str) -> bool:
    """True for a file a user opens and may edit or replace: a paper's DOCX or PDF, a packet (at
    the top of the outputs, or of a version's folder). The exhibit files and bundle, which may be
    thousands of pages, are not read on every build: kept anyway while changed (:mod:`.userfiles`)."""
    parts = rel.split("/")
    if parts[0] in ("confidential", "public"):
        parts = parts[1:]
    return len(parts) == 1 and parts[0].endswith((".docx", ".pdf"))


def _record_saved(previous: Path, saved: dict[str, list]) -> None:
    """Record ``saved`` (edited in place: the same file in every generation that shares it) as
    what ``previous`` and those generations hold, so none of them is kept for it forever."""
    inodes = {rel: os.lstat(previous / rel).st_ino for rel in saved}
    for generation in [previous] + sorted(p for p in previous.parent.iterdir() if p != previous and p.is_dir()):
        record = generation / STATE_DIR / RECORD
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            files = data["files"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        mine = {rel: value for rel, value in saved.items() if rel in files and (generation == previous or (
            (generation / rel).is_file() and os.lstat(generation / rel).st_ino == inodes[rel]))}
        if mine:
            files.update(mine)
            record.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def merge_draft(state: EditState, gen: Generation, key: str, docx: Path, causes: list[str],
                warn: Progress, printed: dict[str, list[str]] | None = None) -> None:
    """Keep ``docx`` (just rendered) as this build's draft of ``key``; merge the paper's edit into it.
    ``causes`` are the facts that changed it (or "its template"); ``printed``, how each prints:
    a conflict names the facts whose values its new words hold."""
    from filings.determinism import build_time, w3c_date

    pristine = gen.path / STATE_DIR / DRAFTS / f"{key}.docx"
    pristine.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(docx, pristine)
    state.pristine[key] = pristine
    edit = state.current.get(key)
    if edit is None:
        return
    picked_up = key in state.changed
    if sha256(pristine) == sha256(edit.base):
        shutil.copyfile(edit.docx, docx)
        state.merged[key] = {"updated": 0, "conflicts": open_conflicts(edit.docx), "picked_up": picked_up}
    else:
        from filings.edits.check import lost_edits
        from filings.edits.package import merge_docx
        cause = _cause(causes)
        merged = docx.with_name(docx.stem + ".merged.docx")
        outcome = merge_docx(edit.base, edit.docx, pristine, merged, author=f"{CONFLICT_AUTHOR}{cause})",
                             date=w3c_date(build_time()), cause=cause, attribute=_attribution(printed or {}))
        lost = lost_edits(edit.base, edit.docx, merged)
        if lost:
            merged.unlink()
            raise FilingsError(f"{key}: merging your edit ({display_path(edit.docx)}) with the new draft would "
                               f"drop it: {lost[0]}; nothing was published. Run 'filings edits' to see the edit, "
                               "and report this")
        os.replace(merged, docx)
        state.merged[key] = {"updated": outcome.updated, "conflicts": len(outcome.conflicts), "picked_up": picked_up}
        for c in outcome.conflicts:
            warn(f"{key}: {c.describe()} (both readings are in {display_path(state.out / (key + '.docx'))} as a "
                 "tracked change with a comment: accept or reject it in Word)")


def carry_draft(gen: Generation, key: str) -> None:
    """Keep the last build's draft of a paper it keeps."""
    (gen.path / STATE_DIR / DRAFTS / key).parent.mkdir(parents=True, exist_ok=True)
    gen.carry(f"{STATE_DIR}/{DRAFTS}/{key}.docx")


def save_merged(state: EditState, published: Path, warn: Progress) -> None:
    """After publishing: move each edit onto the draft it was merged with (``published``: the generation)."""
    for key in state.current:
        docx, pristine = published / f"{key}.docx", state.pristine.get(key)
        if pristine is None or not docx.is_file():
            continue
        edit = state.current[key]
        try:
            if sha256(docx) != edit.sha256() or sha256(published / STATE_DIR / DRAFTS / f"{key}.docx") != \
                    sha256(edit.base):
                state.edits.save(key, docx, published / STATE_DIR / DRAFTS / f"{key}.docx")
        except (OSError, FilingsError) as e:  # published already: say so, and keep the outputs
            warn(f"could not update {display_path(edit.docx)} ({getattr(e, 'strerror', None) or e}); the published draft "
                 f"{display_path(state.out / (key + '.docx'))} holds your edit: keep it")


def open_conflicts(docx: Path) -> int:
    """Conflicts a merge marked in ``docx`` that are not yet accepted or rejected: its tracked
    changes by filings (a deletion and the insertion after it are one)."""
    from filings.edits.package import Package, DOCUMENT
    from filings.edits.wordxml import DEL, INS, RPR, W

    try:
        root = Package(docx).xml(DOCUMENT)
    except FilingsError:
        return 0

    def ours(element) -> bool:
        return element is not None and element.tag in (INS, DEL) and \
            element.get(f"{{{W}}}author", "").startswith(CONFLICT_AUTHOR) and element.getparent().tag != RPR

    def before(element):  # the sibling before, past the marks Word writes between runs
        previous = element.getprevious()
        while previous is not None and previous.tag in _MARKS:
            previous = previous.getprevious()
        return previous

    count = 0
    for element in root.iter(INS, DEL):
        if ours(element) and not ours(before(element)):
            count += 1
    return count


def _attribution(printed: dict[str, list[str]]):
    """``(words, paragraph) → "the facts (path, ...)"``: the changed facts whose printed value is
    in the new words, else in their paragraph; None when none is."""
    def plain(value: str) -> str:
        return " ".join(value.replace("\u00a0", " ").split())

    def attribute(words: str, paragraph: str) -> str | None:
        for where in (plain(words), plain(paragraph)):
            found = [path for path, forms in printed.items() if any(plain(f) and plain(f) in where for f in forms)]
            if found:
                return _the_facts(found)
        return None
    return attribute


def _cause(causes: list[str]) -> str:
    """What changed a paper, in words: its facts, else its template."""
    facts = [c for c in causes if c not in ("its template", "your edit", "--draft")]
    if facts:
        return _the_facts(facts)
    return "the template" if "its template" in causes else "the new draft"


def _the_facts(paths: list[str]) -> str:
    return f"the facts ({', '.join(paths[:3])}{', ...' if len(paths) > 3 else ''})"


def carry_to_public(state: EditState, gen: Generation, name: str, docx: Path, secrets, version,
                    warn: Progress) -> None:
    """Carry the confidential draft's edit of paper ``name`` into its public draft ``docx`` (just
    rendered): the attorney's changes are applied to the public text, which keeps its redactions
    wherever a change touches them (a warning says where), and a confidential value the attorney
    typed is removed as the public version removes it (:func:`redact`)."""
    from filings.determinism import build_time, w3c_date
    from filings.edits.package import merge_docx

    key = f"confidential/{name}"
    conf_new, conf_merged = state.pristine.get(key), gen.path / f"{key}.docx"
    if key not in state.current or conf_new is None or not conf_merged.is_file():
        return
    merged = docx.with_name(docx.stem + ".merged.docx")
    outcome = merge_docx(conf_new, docx, conf_merged, merged, author=AUTHOR, date=w3c_date(build_time()),
                         cause="your edit", plain=True)
    removed = redact(merged, secrets, version)
    os.replace(merged, docx)
    for c in outcome.conflicts:
        warn(f"public/{name}: your edit of confidential/{name} touches confidential text at {c.place}; the public "
             f"version keeps its own text there (\"{c.excerpt[:48]}…\"): check public/{name}.docx")
    if removed:
        warn(f"public/{name}: {removed} confidential value{'s' if removed != 1 else ''} you typed in "
             f"confidential/{name} removed from the public version")


def edited_leak(error: FilingsError, state: EditState) -> FilingsError:
    """The leak scan's error, with a word for the attorney when a leaking public paper carries
    their edit: a confidential value typed in another form than the facts' is not recognised."""
    edited = sorted({key.split("/", 1)[-1] for key in state.current if key.startswith("confidential/")})
    hit = [name for name in edited if any(f"public/{name}." in p.message for p in error.problems)]
    if not hit:
        return error
    from filings.errors import Problem
    return FilingsError(problems=list(error.problems) + [Problem(
        f"public/{hit[0]} carries your edit of confidential/{hit[0]}: a confidential value you typed in another "
        "form than the facts' (\"$4.75 million\" for $4,750,000) is not removed; write it as the facts do, or put it "
        "in brackets, in build/confidential/" + hit[0] + ".docx, and build again")])


def bracket_typed(name: str, docx: Path, secrets, version, warn: Progress) -> None:
    """Bracket in the confidential draft ``docx`` each confidential value the attorney typed
    unbracketed (CIT Rule 5(g): the confidential version shows what the public one removes)."""
    added = redact(docx, secrets, version)
    if added:
        warn(f"confidential/{name}: {added} confidential value{'s' if added != 1 else ''} you typed put in "
             f"{version.open}{version.close}, as the confidential version shows them (the public version removes "
             "them)")


def redact(docx: Path, secrets, version) -> int:
    """Show every confidential value in ``docx`` (``secrets``: :class:`~filings.court.confidential.Secrets`)
    as ``version`` shows it: the public version removes it (inside its brackets the value goes;
    elsewhere it becomes the empty brackets), the confidential one brackets it where it is not
    bracketed yet. Returns how many were changed."""
    from filings.edits.package import DOCUMENT, Package
    from filings.edits.wordxml import P, Chars, deleted, text

    pkg = Package(docx)
    count = 0
    for p in [p for p in pkg.xml(DOCUMENT).iter(P) if not deleted(p)]:
        value = text(p)
        marked = secrets.mark_within(value, typed=True)
        spans = getattr(marked, "spans", ())
        if not spans:
            continue
        chars = Chars(p)
        for start, end, _ in sorted(spans, reverse=True):
            inside = value[:start].endswith(version.open) and value[end:].startswith(version.close)
            if version.public and inside:  # the brackets and the value become the deletion's mark
                chars.replace(start - len(version.open), end + len(version.close), version.deleted)
            elif version.public:
                chars.replace(start, end, version.deleted)
            elif not inside:
                chars.replace(end, end, version.close)
                chars.replace(start, start, version.open)
            else:
                continue
            count += 1
    if count:
        pkg.write(docx)
    return count
