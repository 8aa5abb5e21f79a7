"""Which paper of one version is compared with which of the other, across the confidential split.

A build whose facts gained a ``!confidential`` tag writes a paper that prints it twice, in
``confidential/`` and ``public/`` (:mod:`filings.pipeline.versions`); one whose tag was removed
writes it once again, at the top. A diff across the split compares, paper by paper, the
unsplit paper with its ``public/`` twin for the public side and with its ``confidential/``
twin for the confidential side: never "removed and re-added". The same pairing serves the
sets of exhibits (``""``, ``public/``, ``confidential/``) and the packets.

Each pair also gets its causes: the facts whose fingerprints differ between the two papers'
manifest entries (:func:`filings.pipeline.changes.causes_between`); a letter
(``letters/ID``, a draft made by an exhibit's template) gets the changed facts the bundle's
templates read, and the changed facts of its own exhibit. :func:`said_in_words` then says every
cause as the facts file does (:mod:`filings.review.attribution`: the source fact, its file and
line), an exhibit's too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from filings.pipeline.changes import causes_between

SIDES = ("public", "confidential")
LETTERS = "letters/"
EXHIBIT_FILE = "the exhibit's file"
ORDER = "the order of the exhibits (facts.yaml: exhibits)"


@dataclass(frozen=True)
class Paired:
    new: str | None     # the key in the new version (None: removed)
    old: str | None     # the key in the old version (None: added)
    side: str = ""      # "public", "confidential", or "" for a paper both versions share


def split(key: str) -> tuple[str, str]:
    """``public/complaint`` → (``public``, ``complaint``); ``complaint`` → ("", ``complaint``)."""
    head, _, rest = key.partition("/")
    return (head, rest) if head in SIDES and rest else ("", key)


def pair(before: Iterable[str], after: Iterable[str]) -> list[Paired]:
    """Every key of ``after`` with its counterpart in ``before`` (across the split), then the
    keys of ``before`` nothing was paired with (removed)."""
    before, after = list(before), list(after)
    old = set(before)
    result, used = [], set()
    for key in after:
        side, base = split(key)
        if key in old:
            result.append(Paired(key, key, side))
            used.add(key)
        elif side and base in old:                      # split since: the unsplit paper on each side
            result.append(Paired(key, base, side))
            used.add(base)
        elif not side and any(f"{s}/{base}" in old for s in SIDES):   # unsplit since
            for s in SIDES:
                if f"{s}/{base}" in old:
                    result.append(Paired(key, f"{s}/{base}", s))
                    used.add(f"{s}/{base}")
        else:
            result.append(Paired(key, None, side))
    result += [Paired(None, key, split(key)[0]) for key in before if key not in used]
    return result


def side_of(p: Paired) -> str:
    return p.side or split(p.new or p.old or "")[0]


def manifest_entries(manifests: Mapping[str, dict]) -> dict[str, Mapping]:
    """Paper key → its manifest entry, over every manifest of a version (by its prefix)."""
    found = {}
    for prefix, manifest in manifests.items():
        papers = manifest.get("papers") if isinstance(manifest, dict) else None
        if isinstance(papers, Mapping):
            found.update({prefix + name: entry for name, entry in papers.items() if isinstance(entry, Mapping)})
    return found


def causes(old_entry: Mapping | None, new_entry: Mapping | None) -> tuple[str, ...]:
    """The facts (and ``template``, an edit) whose change made one paper differ from the other."""
    if old_entry is None or new_entry is None:
        return ()
    return causes_between({"papers": {"p": old_entry}}, {"papers": {"p": new_entry}}).get("p", ())


def bundle_reads(manifests: Mapping[str, dict], prefix: str) -> Mapping[str, str]:
    """The facts the bundle of a set read (its exhibit templates: the letters), with fingerprints."""
    root = manifests.get("") or {}
    side = split(prefix + "x")[0]
    entry = root.get(f"bundle-{side}" if side else "bundle")
    if not isinstance(entry, Mapping):
        entry = root.get("bundle")
    reads = entry.get("reads") if isinstance(entry, Mapping) else None
    return reads if isinstance(reads, Mapping) else {}


def exhibit_index(manifests: Mapping[str, dict], ident: str) -> int | None:
    ids = (manifests.get("") or {}).get("exhibits") or []
    return ids.index(ident) if ident in ids else None


def letter_causes(old_manifests: Mapping[str, dict], new_manifests: Mapping[str, dict], p: Paired,
                  fact_paths: Iterable[str]) -> tuple[str, ...]:
    """Why a letter changed: the changed facts the bundle's templates read (but those of other
    exhibits), and the changed facts of its own exhibit."""
    old_key, new_key = p.old or "", p.new or ""
    ident = new_key.rsplit("/", 1)[-1]
    old_prefix, new_prefix = old_key[:old_key.index(LETTERS)], new_key[:new_key.index(LETTERS)]
    before, after = bundle_reads(old_manifests, old_prefix), bundle_reads(new_manifests, new_prefix)
    own = {f"exhibits.{i}" for i in (exhibit_index(old_manifests, ident), exhibit_index(new_manifests, ident))
           if i is not None}
    mine = lambda path: not path.startswith("exhibits.") or ".".join(path.split(".")[:2]) in own  # noqa: E731
    found = {path for path in set(before) | set(after) if before.get(path) != after.get(path) and mine(path)}
    found |= {path for path in fact_paths
              if ".".join(path.split(".")[:2]) in own or f"[{ident}]" in path or f".{ident}." in path}
    return tuple(sorted(found))


def is_letter(key: str | None) -> bool:
    return key is not None and LETTERS in key and key.index(LETTERS) in (0, len(split(key)[0]) + 1)


def said_in_words(diff) -> None:
    """An exhibit whose pages changed gets its own facts and, for one a template drafts, its
    letter's causes (none of these: its file); then every cause of a paper or letter is said in
    words (its ``because``: the source fact with its file and line, :mod:`filings.review.attribution`),
    and so are an exhibit's causes."""
    letters = {split(p.key)[1][len(LETTERS):]: p.causes for p in diff.papers if is_letter(p.key)}
    for row in diff.holdings:
        if row.kind == "exhibit" and row.status == "changed":
            row.causes = tuple(sorted({*row.causes, *letters.get(row.name, ())})) or (EXHIBIT_FILE,)
    from filings.review.attribution import explain, fact_words

    for paper in diff.papers:  # its causes stay the paths the build read (the review page shows them)
        if paper.causes:
            paper.because = explain(paper.causes, diff.facts, template=paper.template)
    by_name = {name: f for f in diff.facts for name in (f.path, *f.places)}
    for row in diff.holdings:
        if row.causes:
            named = [c for c in row.causes if c not in by_name and c not in (EXHIBIT_FILE, ORDER)]
            said = tuple(dict.fromkeys([*(fact_words(by_name[c]) if c in by_name else c for c in row.causes
                                          if c not in named), *(explain(named, diff.facts) if named else ())]))
            row.causes = tuple(c for c in said if c != ORDER) or said  # the move itself, where the facts say it
