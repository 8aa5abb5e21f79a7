"""Each filing's packet in a build: its papers' PDFs merged, one bookmark per paper, its
certificate of service last (:mod:`filings.facts.plan`); kept from the last build when its key
(its title, and each paper's bookmark and PDF) is the same.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from filings.facts.plan import Filing, Plan
from filings.court.confidential import shown
from filings.pipeline.built import BuiltPaper, _key
from filings.pipeline.outputs import Generation, Progress


def _packets(plan: Plan, built: list[BuiltPaper], out: Path, context: Mapping[str, Any],
             progress: Progress, keep: Mapping[str, str], prefix: str = "",
             filings: list[Filing] | None = None) -> tuple[list[Path], dict[str, str]]:
    """Merge each filing's papers into its packet, one bookmark per paper; a filing whose
    papers are not all built (``--only`` after a build that lacked one) gets none. A packet
    whose key (its title, and each paper's bookmark and PDF) is in ``keep`` is kept as it was.
    ``filings``: the filings whose packets this set holds (all of the plan's when None)."""
    by_name = {b.paper.name: b for b in built}
    packets, keys = [], {}
    for filing in plan.filings if filings is None else filings:
        papers = [by_name.get(p.name) for p in filing.papers]
        if not papers or None in papers:
            continue
        packet, title, name = out / filing.packet, _packet_title(filing, context), prefix + filing.packet
        keys[name] = _key([title] + [[shown(b.paper.title), b.pdf_sha256] for b in papers])
        packets.append(packet)
        if keep.get(name) == keys[name] and packet.exists():
            continue
        if packet.exists():  # carried from the last build but out of date: a new file, not the linked one
            packet.unlink()
        progress(f"assembling the packet {name}")
        from filings.pipeline import pdf
        pdf.merge([pdf.Part(b.pdf, shown(b.paper.title)) for b in papers], packet, title=title)
    return packets, keys


def _previous_packets(gen: Generation, prefix: str = "") -> dict[str, str]:
    """The last build's packets of the set in ``prefix`` that may be kept: each carried over now,
    with its key."""
    keys = (gen.previous_manifest() or {}).get("packet_keys") or {}
    return {name: key for name, key in keys.items() if isinstance(key, str) and name.startswith(prefix)
            and "/" not in name[len(prefix):] and gen.carry(name) is not None}


def _packet_title(filing: Filing, context: Mapping[str, Any]) -> str:
    """The packet's document title: the case, its number and, for a named filing, its title."""
    case = context["case"]
    title = f"{shown(case.title)}, Court No. {shown(case['court_no'] or '(unassigned)')}"
    return f"{title}: {shown(filing.title)}" if filing.name else title
