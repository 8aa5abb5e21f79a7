"""What a filing holds besides its papers, compared: each exhibit, the bundle, each packet.

Both versions' holdings are the fingerprints :mod:`filings.pipeline.holdings` takes of a
build (recorded in the history, or read from a build folder). Exhibits are matched by their
``id``, never by position: an exhibit whose place in the order changed relative to the others
(those outside the longest run both orders share) is **moved**, one row each, with its old and
new label and Bates range; exhibits whose label or Bates range changed only because others
moved, or grew, are one **renumbered** row together. An exhibit's pages are compared by the
hash of each page's text with its stamp and label masked, so moving an exhibit does not make
it "changed". The bundle is compared by page count and Bates range, each packet by its parts
in order (papers and exhibits). Sets are paired across the confidential split as papers are
(:mod:`filings.review.pairing`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from filings.errors import FilingsError
from filings.papers.wording import exhibit_mark  # light: the context (the facts' schema) would cost a diff a third of a second
from filings.review.pairing import ORDER, pair, side_of, split


@dataclass
class HoldingDiff:
    kind: str                 # "exhibit", "bundle", "packet"
    name: str                 # the exhibit's id, the bundle's or packet's path in the build
    status: str               # added, removed, moved, renumbered, changed
    detail: str = ""
    side: str = ""            # "public", "confidential" or "" (both versions)
    causes: tuple[str, ...] = ()
    old_label: str | None = None
    new_label: str | None = None

    @property
    def id(self) -> str:
        """The exhibit's id (for an exhibit row), as the diff's exhibit rows were named before."""
        return self.name


def _bates(rng: Any) -> str:
    if not isinstance(rng, list) or len(rng) != 2 or not all(rng):
        return ""
    return rng[0] if rng[0] == rng[1] else f"{rng[0]}\u2013{rng[1]}"


def _moved(old_order: list[str], new_order: list[str]) -> set[str]:
    """The ids not in the longest common subsequence of the two orders (of the ids both hold)."""
    common = set(old_order) & set(new_order)
    a, b = [i for i in old_order if i in common], [i for i in new_order if i in common]
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return common - kept


def _exhibit_causes(ident: str, indexes: Iterable[int | None], facts: Iterable[str]) -> tuple[str, ...]:
    """The changed facts of one exhibit: those under its place in the list (``exhibits.3.title``)
    or naming its id."""
    own = {f"exhibits.{i}" for i in indexes if i is not None}
    return tuple(sorted({p for p in facts if ".".join(p.split(".")[:2]) in own or f"[{ident}]" in p
                         or f".{ident}." in p}))


def _exhibits(old: dict, new: dict, side: str, facts: list[str]) -> list[HoldingDiff]:
    before = {e["id"]: (n, e) for n, e in enumerate(old.get("exhibits") or [])}
    after = {e["id"]: (n, e) for n, e in enumerate(new.get("exhibits") or [])}
    moved = _moved(list(before), list(after))
    rows, shifted = [], []
    for ident, (n, e) in after.items():
        label = f"Exhibit {e['label']}"
        if ident not in before:
            rows.append(HoldingDiff("exhibit", ident, "added", f"{label}, {e['pages']} pages, {_bates(e['bates'])}",
                                    side, _exhibit_causes(ident, (n,), facts), None, label))
            continue
        m, o = before[ident]
        was = f"Exhibit {o['label']}"
        what = []
        if o.get("page_hashes") != e.get("page_hashes"):
            differ = sum(1 for x, y in zip(o["page_hashes"], e["page_hashes"]) if x != y)
            what.append(f"{o['pages']} → {e['pages']} pages" if o["pages"] != e["pages"]
                        else f"{differ} of {len(e['page_hashes'])} pages differ")
        if o.get("title") != e.get("title"):
            what.append(f"retitled “{o.get('title')}” → “{e.get('title')}”")
        relabel = f"{was} → {label}" if was != label else ""
        rebates = f"{_bates(o['bates'])} → {_bates(e['bates'])}" if o.get("bates") != e.get("bates") else ""
        causes = _exhibit_causes(ident, (m, n), facts)
        if ident in moved:  # its own facts by id only: by place, a move changes every fact of both places
            causes = (ORDER, *_exhibit_causes(ident, () if not what else (m, n), facts))
            rows.append(HoldingDiff("exhibit", ident, "moved", "; ".join(x for x in (relabel or f"still {label}",
                                    rebates, *what) if x), side, causes, was, label))
        elif what:
            rows.append(HoldingDiff("exhibit", ident, "changed", "; ".join(x for x in (*what, relabel, rebates) if x),
                                    side, causes, was, label))
        elif relabel or rebates:
            shifted.append(f"{ident}: " + "; ".join(x for x in (relabel, rebates) if x))
    for ident, (m, o) in before.items():
        if ident not in after:
            rows.append(HoldingDiff("exhibit", ident, "removed", f"was Exhibit {o['label']}, {_bates(o['bates'])}",
                                    side, _exhibit_causes(ident, (m,), facts), f"Exhibit {o['label']}", None))
    if shifted:
        rows.append(HoldingDiff("exhibit", f"{len(shifted)} other exhibit{'s' if len(shifted) != 1 else ''}",
                                "renumbered", "; ".join(shifted), side))
    return rows


def _bundle(old: dict, new: dict, name: str, side: str) -> list[HoldingDiff]:
    a, b = old.get("bundle") or {}, new.get("bundle") or {}
    if not a and not b:
        return []
    if not a or not b:
        return [HoldingDiff("bundle", name, "added" if b else "removed", "", side)]
    what = []
    if a.get("pages") != b.get("pages"):
        what.append(f"{a.get('pages')} → {b.get('pages')} pages")
    if a.get("bates") != b.get("bates"):
        what.append(f"Bates {_bates(a.get('bates'))} → {_bates(b.get('bates'))}")
    return [HoldingDiff("bundle", name, "changed", "; ".join(what), side)] if what else []


def _packet(old: list[str] | None, new: list[str] | None, name: str, side: str) -> list[HoldingDiff]:
    if old == new:
        return []
    if old is None or new is None:
        return [HoldingDiff("packet", name, "added" if new else "removed", ", ".join(new or old or []), side)]
    gone, came = [p for p in old if p not in new], [p for p in new if p not in old]
    what = [*(f"added {p}" for p in came), *(f"removed {p}" for p in gone)]
    if [p for p in old if p in new] != [p for p in new if p in old]:
        what.append("order: " + ", ".join(new))
    return [HoldingDiff("packet", name, "changed", "; ".join(what), side)]


def compare_holdings(old: dict, new: dict, fact_paths: Iterable[str] = ()) -> list[HoldingDiff]:
    """Every difference between two builds' holdings, exhibits first, then bundles, then packets."""
    facts = list(fact_paths)
    rows: list[HoldingDiff] = []
    old_sets, new_sets = old.get("sets") or {}, new.get("sets") or {}
    for p in pair([k + "x" for k in old_sets], [k + "x" for k in new_sets]):  # "x": a set's prefix is a folder
        a = old_sets.get(p.old[:-1], {}) if p.old else {}
        b = new_sets.get(p.new[:-1], {}) if p.new else {}
        side = side_of(p)
        rows += _exhibits(a, b, side, facts)
        rows += _bundle(a, b, ((p.new or p.old)[:-1]) + "exhibits/exhibit-bundle.pdf", side)
    old_packets, new_packets = old.get("packets") or {}, new.get("packets") or {}
    for p in pair(old_packets, new_packets):
        rows += _packet(old_packets.get(p.old) if p.old else None, new_packets.get(p.new) if p.new else None,
                        p.new or p.old or "", side_of(p))
    return rows


def is_public(row: HoldingDiff) -> bool:
    return row.side != "confidential" and split(row.name)[0] != "confidential"


def listed_exhibits(old_ids: list[str], old_facts: str | None, new_ids: list[str],
                    new_facts: str | None) -> list[HoldingDiff]:
    """For a version recorded before holdings were: exhibits added, removed or renumbered, from the
    manifests' lists of ids and the label style of each version's facts."""
    style_a, style_b = _label_style(old_facts), _label_style(new_facts)
    result = []
    for i, ident in enumerate(new_ids):
        label = f"Exhibit {exhibit_mark(i, style_b)}"
        if ident not in old_ids:
            result.append(HoldingDiff("exhibit", ident, "added", label, new_label=label))
        elif (was := f"Exhibit {exhibit_mark(old_ids.index(ident), style_a)}") != label:
            result.append(HoldingDiff("exhibit", ident, "renumbered", f"{was} → {label}", old_label=was,
                                      new_label=label))
    result += [HoldingDiff("exhibit", ident, "removed", f"was Exhibit {exhibit_mark(i, style_a)}",
                           old_label=f"Exhibit {exhibit_mark(i, style_a)}") for i, ident in enumerate(old_ids)
               if ident not in new_ids]
    return result


def _label_style(facts_text: str | None) -> str:
    if facts_text is None:
        return "numbers"
    from filings.review.factdiff import load_text
    try:
        data, _ = load_text(facts_text)
    except FilingsError:
        return "numbers"
    bundle = data.get("bundle") if isinstance(data, dict) else None
    return "letters" if isinstance(bundle, dict) and bundle.get("labels") == "letters" else "numbers"
