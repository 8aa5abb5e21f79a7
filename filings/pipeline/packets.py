"""Each filing's packet in a build: its papers' PDFs merged, one bookmark per paper, the exhibits
it files after the paper citing them, their citations linked (:mod:`.packetparts`), its
certificate of service last (:mod:`filings.facts.plan`); kept from the last build when its key
(its title, and each paper's bookmark and PDF) is the same.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping

from filings.facts.plan import Filing, Plan
from filings.court.confidential import shown, showing
from filings.pipeline.built import BuiltPaper, _key
from filings.pipeline.outputs import Generation, Progress
from filings.pipeline.packetparts import exhibit_files, exhibits_folder, packet_parts, placed_exhibits


def _packets(plan: Plan, built: list[BuiltPaper], out: Path, context: Mapping[str, Any],
             progress: Progress, keep: Mapping[str, str], prefix: str = "",
             filings: list[Filing] | None = None, facts: Any = None,
             root: Path | None = None) -> tuple[list[Path], dict[str, str]]:
    """Merge each filing's papers into its packet, one bookmark per paper; a filing whose
    papers are not all built (``--only`` after a build that lacked one) gets none. A packet
    whose key (its title, and each paper's bookmark and PDF) is in ``keep`` is kept as it was.
    ``filings``: the filings whose packets this set holds (all of the plan's when None). With
    ``facts``, each filing's exhibits go into its packet (:mod:`filings.pipeline.packetparts`), from
    the bundle's files under ``root`` (the generation)."""
    by_name = {b.paper.name: b for b in built}
    packets, keys = [], {}
    exhibits = context["exhibits"]._items if facts is not None and facts.exhibits else ()
    placed = placed_exhibits(facts, plan.filings, built) if exhibits else [[] for _ in plan.filings]
    labels = {i: str(n._data["label"]) for i, n in enumerate(exhibits)}
    marks = {i: str(n._data["mark"]) for i, n in enumerate(exhibits)}
    in_packet = facts is None or facts.settings.exhibits_in_packet
    folder = exhibits_folder(root or out, prefix)
    for filing in plan.filings if filings is None else filings:
        papers = [by_name.get(p.name) for p in filing.papers]
        if not papers or None in papers:
            continue
        packet, title, name = out / filing.packet, _packet_title(filing, context), prefix + filing.packet
        filed = placed[plan.filings.index(filing)] if in_packet else []
        files = [f for x in filed for f in exhibit_files(folder, marks[x.index])]
        keys[name] = _key([title] + [[shown(b.paper.title), b.pdf_sha256] for b in papers]
                          + [[x.index, x.after, labels[x.index]] for x in filed]
                          + [[f.name, hashlib.sha256(f.read_bytes()).hexdigest()] for f in files])
        packets.append(packet)
        if keep.get(name) == keys[name] and packet.exists():
            continue
        if packet.exists():  # carried from the last build but out of date: a new file, not the linked one
            packet.unlink()
        progress(f"assembling the packet {name}")
        from filings.pipeline import pdf
        pdf.merge(packet_parts(papers, filed, labels, marks, folder, lambda b: shown(b.paper.title),
                               declaration=_declaration_of(context, by_name)), packet, title=title)
    return packets, keys


def _previous_packets(gen: Generation, prefix: str = "", filings: Iterable[Filing] | None = None) -> dict[str, str]:
    """The last build's packets of the set in ``prefix`` that may be kept: each carried over now,
    with its key; only those of ``filings`` still made (a filing no longer made leaves no packet)."""
    keys = (gen.previous_manifest() or {}).get("packet_keys") or {}
    wanted = None if filings is None else {prefix + f.packet for f in filings}
    return {name: key for name, key in keys.items() if isinstance(key, str) and name.startswith(prefix)
            and "/" not in name[len(prefix):] and (wanted is None or name in wanted) and gen.carry(name) is not None}


def _packet_title(filing: Filing, context: Mapping[str, Any]) -> str:
    """The packet's document title: the case, its number and, for a named filing, its title."""
    case = context["case"]
    title = f"{shown(case.title)}, Court No. {shown(case['court_no'] or '(unassigned)')}"
    return f"{title}: {shown(filing.title)}" if filing.name else title


def packets_of_set(plan: Plan, out: Any, papers: list[BuiltPaper], gen: Generation, context: Mapping[str, Any],
                   progress: Progress, force: bool, facts: Any = None) -> tuple[list[Path], dict[str, str]]:
    """The packets of one set of outputs (``out``: the top of the build, or a version's folder) and
    their keys. A filing with a split paper has a packet in each version, holding its other,
    unsplit papers too; the top of the build has the packets of the filings with none."""
    prefix = out.prefix
    here = {b.paper.name: b for b in papers if b.prefix in ("", prefix)}
    filings = [f for f in plan.filings if (any if out.version else all)(out.holds(p.name) for p in f.papers)]
    with showing(out.version):
        return _packets(plan, list(here.values()), gen.path / prefix, context, progress,
                        keep=_previous_packets(gen, prefix, filings) if not force else {}, prefix=prefix,
                        filings=filings, facts=facts, root=gen.path)


def _declaration_of(context: Mapping[str, Any], by_name: Mapping[str, BuiltPaper]) -> tuple | None:
    """The declaration's short name, its paragraphs' numbers and its PDF, for the links to its paragraphs."""
    built = by_name.get("declaration")
    node = context.get("declaration")
    if built is None or node is None or not getattr(node, "_data", None):
        return None
    numbers = [int(s._data["number"]) for s in node._data["statements"]._items]
    return shown(node._data["short"]), numbers, built.pdf
