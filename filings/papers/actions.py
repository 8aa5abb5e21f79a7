"""What a template sees of the kind of case: its name and law, the determination or protests
it contests, the statutory injunction, and the standard of review its counts rest on.

The complaint's standard-of-review paragraph cites the grounds the counts rest on and only
those: each count names its grounds (``claims[].grounds``, or a § 706 citation in its title),
each ground's words and citation are data of the kind (``filings/facts/kinds.yaml``), and
:func:`review_of` joins them into ``case.review`` (``standard``: "compel agency action
unlawfully withheld ..., and hold unlawful and set aside agency action found to be ...";
``citation``: "5 U.S.C. § 706(1), (2)(A)").
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from filings.facts.kinds import Ground, Kind, claim_grounds
from filings.papers.nodes import Absent, Node, NodeList
from filings.papers.wording import and_join

if TYPE_CHECKING:
    from filings.facts.schema import Facts

_CITED = re.compile(r"^(?P<head>.*?§\s*\d+[a-z]?)(?P<tail>(?:\([^)]*\))*)$")


def cited_together(citations: list[str]) -> str:
    """``5 U.S.C. § 706(1), (2)(A)`` for ``["5 U.S.C. § 706(1)", "5 U.S.C. § 706(2)(A)"]``: one
    section's subsections after its first citation; others joined by ``;``."""
    out: list[str] = []
    head_of_last = None
    for citation in dict.fromkeys(citations):
        found = _CITED.match(citation)
        if found and found["head"] == head_of_last and found["tail"]:
            out[-1] += f", {found['tail']}"
        else:
            out.append(citation)
            head_of_last = found["head"] if found else None
    return "; ".join(out)


def review_of(facts: Facts, kind: Kind) -> Node:
    """``case.review``: the grounds the counts rest on, in the kind's order, their words and citation."""
    used = {g for claim in facts.claims for g in claim_grounds(claim, kind)}
    grounds: list[Ground] = [g for name, g in kind.grounds.items() if name in used]
    compel = [g.words for g in grounds if g.compel]
    set_aside = [g.words for g in grounds if not g.compel]
    parts = []
    if compel:
        parts.append(" and ".join(compel))
    if set_aside:  # the statute's list: "arbitrary, capricious, ...; or contrary to constitutional right"
        listed = and_join(set_aside, sep=";" if any("," in w for w in set_aside) else ",", conjunction="or")
        parts.append(("hold unlawful and set aside agency action found to be " + listed)
                     if any(g.compel for g in kind.grounds.values()) else listed)
    sources = ["claims", "case.kind", "case.jurisdiction", "settings.kinds"] + \
        [f"claims.{i}.{f}" for i in range(len(facts.claims)) for f in ("grounds", "title")]
    return Node("case.review", {"standard": ", and shall ".join(parts), "citation": cited_together(
        [g.citation for g in grounds]), "grounds": len(grounds), "compel": bool(compel), "set_aside": bool(set_aside)},
        {name: sources for name in ("standard", "citation", "grounds", "compel", "set_aside")})


def kind_node(kind: Kind) -> Node:
    """``case.kind_of``: the kind's name, title and jurisdiction, and whether its summons comes first."""
    return Node("case.kind_of", {"name": kind.name, "title": kind.title, "jurisdiction": kind.jurisdiction,
                                 "summons_first": kind.summons_first},
                {k: ["case.kind", "case.jurisdiction", "settings.kinds"]
                 for k in ("name", "title", "jurisdiction", "summons_first")})


def notice_citation(notice: Any) -> str:
    """``90 Fed. Reg. 11,342 (Mar. 4, 2025)``."""
    return f"{notice.volume} Fed. Reg. {notice.page:,} ({notice.published.short()})"


def determination_node(facts: Facts, parties: dict[str, Node]) -> Node | Absent:
    """``determination``: the facts, the agency as a party, and its citation as the papers give it."""
    d = facts.determination
    if d is None:
        return Absent("determination")
    data = dict(d.__dict__)
    cited = notice_citation(d.notice) if d.notice else None
    sole = facts.case.plaintiffs[0]
    standing = [Node(f"determination.standing.{i}", {**s.__dict__, "party": parties[s.party or sole]},
                     {"party": [f"determination.standing.{i}.party", "case.plaintiffs"]})
                for i, s in enumerate(d.standing)]
    data.update(agency=parties[d.agency], citation=cited, standing=NodeList("determination.standing", standing),
                cited=f"{d.title}, {cited}" if cited else d.title)
    fields = [f"determination.notice.{f}" for f in ("volume", "page", "published")]
    return Node("determination", data, {"citation": fields, "cited": fields + ["determination.title"]})


def protests_node(facts: Facts, parties: dict[str, Node]) -> NodeList:
    """``protests``: each protest with its entries and who denied it, and ``entry_count``."""
    out = []
    for i, p in enumerate(facts.protests):
        data = dict(p.__dict__)
        liquidated = sorted({e.liquidated for e in p.entries if e.liquidated is not None})
        data.update(denied_by=parties.get(p.denied_by) if p.denied_by else None,
                    filed_by=parties.get(p.filed_by) if p.filed_by else None,
                    liquidated=_dates_joined(liquidated) if liquidated else None,
                    deemed=p.denial == "deemed", entry_count=len(p.entries),
                    entry_numbers=and_join([e.number.replace("-", "\u2011") for e in p.entries]))  # never broken
        out.append(Node(f"protests.{i}", data, {"deemed": [f"protests.{i}.denial"],
                                                "liquidated": [f"protests.{i}.entries"],
                                                "entry_count": [f"protests.{i}.entries"],
                                                "entry_numbers": [f"protests.{i}.entries"]}))
    return NodeList("protests", out)


def injunction_node(facts: Facts, consultation: Callable[[str, Any], Node]) -> Node | Absent:
    """``injunction``: the statutory injunction's facts, its consultation as ``consultation`` builds
    one (``injunction.consultation.attendees``), or an absent section."""
    if facts.injunction is None:
        return Absent("injunction")
    return Node("injunction", {**facts.injunction.__dict__,
                               "consultation": consultation("injunction.consultation", facts.injunction.consultation)})


def _dates_joined(days: list[Any]) -> str:
    """``September 27, 2024``; ``September 27, 2024, and October 18, 2024`` (a comma after the year)."""
    words = [str(day) for day in days]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + ", and " + words[-1]
