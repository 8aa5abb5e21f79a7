"""``filings edits``: the papers the attorney edited, a paper put back to the generated text,
and an edit folded into the matter's own template.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filings.edits.store import Edit, Edits
from filings.errors import FilingsError, display_path


@dataclass
class EditRow:
    """One paper's edit as ``filings edits`` lists it."""

    key: str
    paragraphs: int      # paragraphs changed, added or removed against the generated draft
    conflicts: int       # conflicts with the facts or templates still open
    path: Path

    def line(self) -> str:
        open_ = f", {self.conflicts} conflict{'s' if self.conflicts != 1 else ''} open" if self.conflicts else ""
        return (f"{self.key}: {self.paragraphs} paragraph{'s' if self.paragraphs != 1 else ''} edited{open_} "
                f"({display_path(self.path)})")


def list_edits(facts_path: Path, out: Path | None = None) -> tuple[list[EditRow], list[Path]]:
    """Every paper of the matter with an edit (how much it changed, what is still in conflict),
    and the drafts in ``out`` (default: the matter's build/) saved since the last build: edits
    the next build keeps."""
    from filings.pipeline.drafts import open_conflicts
    rows = [EditRow(e.key, changed_paragraphs(e), open_conflicts(e.docx), e.docx)
            for e in Edits(Path(facts_path).parent).all()]
    return rows, saved_drafts(Path(out) if out is not None else Path(facts_path).parent / "build")


def saved_drafts(out: Path) -> list[Path]:
    """The drafts (DOCX) in the output folder ``out`` whose bytes are not what its build wrote."""
    import os
    from filings.pipeline.userfiles import Made

    if not out.is_symlink() or not out.is_dir():
        return []
    made = Made(out.resolve())
    if made.files is None:
        return []
    found = []
    for rel in sorted(r for r in made.files if r.endswith(".docx")):
        path = out / rel
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if path.is_file() and not path.is_symlink() and not made.unchanged(rel, info):
            found.append(path)
    return found


def changed_paragraphs(edit: Edit) -> int:
    from filings.edits.merge import align
    from filings.edits.package import DOCUMENT, Package
    from filings.edits.wordxml import blocks, has_revisions, signature, w

    base = blocks(Package(edit.base).xml(DOCUMENT).find(w("body")))
    mine = blocks(Package(edit.docx).xml(DOCUMENT).find(w("body")))
    pairs = align(base, mine)
    matched = set(pairs.values())
    return (sum(1 for i, j in pairs.items() if signature(base[i], True) != signature(mine[j], True) or has_revisions(mine[j]))
            + sum(1 for i in range(len(base)) if i not in pairs) + sum(1 for j in range(len(mine)) if j not in matched))


def drop_edit(facts_path: Path, key: str) -> Path:
    """Put ``key`` back to the generated text on the next build; the edit is moved, not deleted."""
    return Edits(Path(facts_path).parent).drop(_key(facts_path, key))


def adopt_edit(facts_path: Path, key: str, templates_dir: Path | None = None):
    """Fold the edit of ``key`` into the matter's own copy of its template (copied there first
    if the matter has none); the edit is dropped when all of it went in."""
    from filings.edits.adopt import adopt
    from filings.facts.load import load_facts
    from filings.papers.library import MATTER, copy_template, template_uses

    key = _key(facts_path, key)
    edits = Edits(Path(facts_path).parent)
    edit = edits.get(key)
    name = key.rsplit("/", 1)[-1]
    uses = dict(template_uses(facts_path, templates_dir))
    if name not in uses:
        raise FilingsError(f"'{name}' is not a paper of this matter; 'filings edits' lists the edited ones")
    found = uses[name]
    load_facts(facts_path)  # the facts must still load: the next build uses the template at once
    with tempfile.TemporaryDirectory(prefix="filings-adopt-") as work:
        made = Path(work) / "template.docx"
        result = adopt(edit.base, edit.docx, Path(found.path), made)
        if not result.adopted:  # nothing to fold in: the matter gets no copy of the template
            return result, Path(found.path), None
        target = Path(found.path) if found.origin == MATTER else copy_template(facts_path, name,
                                                                               templates_dir=templates_dir)
        shutil.copyfile(made, target)
    dropped = edits.drop(key) if not result.kept else None
    return result, target, dropped


def _key(facts_path: Path, key: str) -> str:
    edits = Edits(Path(facts_path).parent)
    if edits.get(key, whole=False) is not None:
        return key
    known = [e.key for e in edits.all()]
    matches = [k for k in known if k.rsplit("/", 1)[-1] == key and not k.startswith("public/")]
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(known) if known else "none"
    raise FilingsError(f"'{key}' has no edit (edited papers: {shown}); edit build/{key}.docx in Word and build")
