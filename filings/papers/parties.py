"""The named values of the parties: how the context names each party and each side.

A party's name with its article or defined term (``org.the_name``, ``org.term``,
``org.defined``), a person's capacity and description, the words for each side
(``plaintiffs.role`` → ``Plaintiffs``), the caption's party lines, and how the statement of
facts mentions a party (in full at first, by name or term after). Each value records the
facts it is computed from, like every named value of :mod:`filings.papers.context`.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from filings.papers.nodes import Node, NodeList
from filings.papers.wording import and_join

if TYPE_CHECKING:
    from filings.facts.schema import Facts


class _PartyNaming:
    """The parties' part of the context builder (:class:`filings.papers.context._ContextBuilder`
    mixes it in): organizations, people, the two sides and the caption, built from the
    builder's facts and parties."""

    f: Facts
    orgs: dict[str, Node]
    parties: dict[str, Node]
    sole_plaintiff: str | None
    agency_id: str | None

    def _role_terms(self, key: str) -> list[str]:
        """The role words a party is defined as: the only plaintiff is “Plaintiff”, the first
        agency among the defendants “the agency” (the facts speak of them so)."""
        return (["Plaintiff"] if key == self.sole_plaintiff else []) + (["the agency"] if key == self.agency_id else [])

    def _org(self, key: str, o) -> Node:
        data = o.__dict__.copy()
        term = o.term or (o.short if o.short and o.short != o.name else None)
        the_name = f"{o.article} {o.name}" if o.article else o.name
        definition = _definition([term] if term else [], self._role_terms(key))
        data.update(id=key, short=o.short or o.name, is_person=False, the_name=the_name, term=term or the_name,
                    defined=o.name + definition, the_defined=the_name + definition, described=term or the_name,
                    as_party=o.name, caption_name=o.name.upper(), pronoun="it", their="its",
                    organization=None, capacity=None, in_capacity=None, is_counsel=False,
                    is_sovereign=o.kind == "sovereign", is_agency=o.kind == "agency",
                    address=NodeList(f"organizations.{key}.address", list(o.address)),
                    public_owners=NodeList(f"organizations.{key}.public_owners", list(o.public_owners)),
                    affiliates=NodeList(f"organizations.{key}.affiliates", list(o.affiliates)))
        naming = self._naming(key)
        sources = {name: naming for name in ("the_name", "term", "described", "as_party", "caption_name",
                                             "is_sovereign", "is_agency")}
        sources.update(defined=naming + _ROLES, the_defined=naming + _ROLES)
        node = Node(f"organizations.{key}", data, sources)
        node._data = MappingProxyType({**node._data, "org": node})  # an organization's organization is itself
        return node

    def _person(self, key: str, p) -> Node:
        org = self.orgs.get(p.organization) if p.organization else None
        address = list(p.address) or (list(org._data["address"]) if org is not None else [])
        pronoun = p.pronoun or "they"
        their = {"he": "his", "she": "her", "they": "their"}[pronoun]
        in_capacity = None
        if p.capacity == "official":
            in_capacity = (f"in {their} official capacity as {p.title}" if p.pronoun
                           else f"in the official capacity of {p.title}")
        as_party = f"{p.name}, {in_capacity}" if in_capacity else p.name
        is_counsel = key in self.f.case.counsel
        data = p.__dict__.copy()
        data.update(id=key, short=p.name, is_person=True, organization=org, org=org,
                    address=NodeList(f"people.{key}.address", address),
                    article="", the_name=p.name, term=p.name,
                    defined=as_party + _definition([], self._role_terms(key)),
                    the_defined=as_party + _definition([], self._role_terms(key)),
                    described=p.name + self._described(p, org, is_counsel), as_party=as_party,
                    caption_name=p.name.upper() + (f", {in_capacity}" if in_capacity else ""),
                    pronoun=pronoun, their=their, in_capacity=in_capacity, is_counsel=is_counsel,
                    is_sovereign=False, is_agency=False)
        naming = self._naming(key)
        sources = {name: naming for name in ("pronoun", "their", "in_capacity", "as_party", "caption_name",
                                             "the_name", "term")}
        sources.update(defined=naming + _ROLES, the_defined=naming + _ROLES, is_counsel=["case.counsel"],
                       described=naming + (self._naming(p.organization) if org is not None else [])
                       + ["case.counsel", "case.plaintiffs"])
        return Node(f"people.{key}", data, sources)

    def _naming(self, key: str) -> list[str]:
        """The facts that decide how a party is named: name, short, article, term and kind of
        an organization; name, title, pronoun, capacity and organization of a person."""
        if key in self.f.organizations:
            return [f"organizations.{key}.{n}" for n in ("name", "short", "article", "term", "kind")]
        return [f"people.{key}.{n}" for n in ("name", "title", "pronoun", "capacity", "organization")]

    def _described(self, p, org: Node | None, is_counsel: bool) -> str:
        """`` (counsel for Plaintiff)``, `` (Director, CBP)``, `` (Director)``, `` (CBP)`` or nothing."""
        if is_counsel:
            several = len(self.f.case.plaintiffs) > 1
            return f" (counsel for Plaintiff{'s' if several else ''})"
        org_term = org._data["term"] if org is not None else None
        details = [d for d in (p.title, org_term) if d]
        return f" ({', '.join(details)})" if details else ""

    def _side(self, path: str, role: str, ids: list[str]) -> Node:
        """``plaintiffs`` or ``defendants``: the words for one side of the case."""
        parties = [self.parties[i] for i in ids]
        several = len(parties) > 1
        first = parties[0]._data
        defined = and_join([p._data["defined"] for p in parties])
        the_defined = and_join([p._data["the_defined"] for p in parties])
        if several and role == "Plaintiff":
            defined += " (together, “Plaintiffs”)"
            the_defined += " (together, “Plaintiffs”)"
        side = [f"case.{path}"]
        naming = [n for i in ids for n in self._naming(i)]
        sources = {name: side for name in ("role", "possessive", "several", "count", "first")}
        sources.update(pronoun=side + self._naming(ids[0]), their=side + self._naming(ids[0]), names=side + naming,
                       defined=side + naming + _ROLES, the_defined=side + naming + _ROLES)
        return Node(path, {
            "role": role + ("s" if several else ""), "possessive": role + ("s’" if several else "’s"),
            "several": several, "count": len(parties),
            "pronoun": "they" if several else first["pronoun"], "their": "their" if several else first["their"],
            "names": and_join([p._data["as_party"] for p in parties]),
            "defined": defined, "the_defined": the_defined, "first": parties[0]}, sources)

    def _caption(self) -> Node:
        """The caption's party lines: ``caption.full`` names every party (summons, complaint);
        ``caption.plaintiffs``/``defendants`` follow ``settings.caption`` (short: ``ACME CORP., et
        al.,`` when a side has several parties)."""
        c, short = self.f.case, self.f.settings.caption == "short"
        full = {side: _caption_lines([self.parties[i] for i in getattr(c, side)])
                for side in ("plaintiffs", "defendants")}
        shown = {side: (_short_caption(self.parties[getattr(c, side)[0]]) if short and len(getattr(c, side)) > 1
                        else full[side]) for side in full}
        naming = {side: [f"case.{side}"] + [n for i in getattr(c, side) for n in self._naming(i)] for side in full}
        joined = {side: self._intervenor_lines(side) for side in ("plaintiff", "defendant")}
        for side in joined:
            naming[f"{side}_intervenors"] = [f"case.{side}_intervenors"] + \
                [n for i in getattr(c, f"{side}_intervenors") for n in self._naming(i)]
        naming["defendants_stop"] = ["case.defendant_intervenors"]
        naming["plaintiff_intervenor_role"] = ["case.plaintiff_intervenors"]
        naming["defendant_intervenor_role"] = ["case.defendant_intervenors"]
        return Node("caption", {
            "plaintiffs": NodeList("caption.plaintiffs", shown["plaintiffs"]),
            "defendants": NodeList("caption.defendants", shown["defendants"]),
            # the intervenors' lines after each side's role, their role, and the stop after
            # "Defendant": "," when defendant-intervenors follow, else "."
            "plaintiff_intervenors": NodeList("caption.plaintiff_intervenors", joined["plaintiff"][0]),
            "defendant_intervenors": NodeList("caption.defendant_intervenors", joined["defendant"][0]),
            "plaintiff_intervenor_role": joined["plaintiff"][1], "defendant_intervenor_role": joined["defendant"][1],
            "defendants_stop": "," if c.defendant_intervenors else ".",
            "full": Node("caption.full", {side: NodeList(f"caption.full.{side}", lines)
                                          for side, lines in full.items()}, naming)},
            {side: lines + ["settings.caption"] for side, lines in naming.items()})


    def _intervenor_lines(self, side: str) -> tuple[list[str], str]:
        """One side's intervenors in the caption: their names' lines and their role
        (``Defendant-Intervenors.``); no lines and no role without intervenors."""
        ids = getattr(self.f.case, f"{side}_intervenors")
        if not ids:
            return [], ""
        role = f"{side.capitalize()}-Intervenor{'s' if len(ids) > 1 else ''}{'.' if side == 'defendant' else ','}"
        return _caption_lines([self.parties[i] for i in ids]), role


_ROLES = ["case.plaintiffs", "case.defendants"]  # which parties are "Plaintiff" and "the agency"
_MENTIONED = ["events", "requests"]  # whether a party was mentioned before, in the statement of facts


class _Mentions:
    """How the statement of facts names each party, in order (events, then requests): in full
    at its first mention (a person with title and organization, an organization with its defined
    term), by name or term after. The parties of the case are named in full at the opening of
    every paper that tells the facts, so they start out as mentioned."""

    def __init__(self, parties: dict[str, Node], introduced: list[str]):
        self.parties = parties
        self.seen = set(introduced)

    def of(self, key: str) -> str:
        """The party ``key`` as this mention names it."""
        data = self.parties[key]._data
        if key in self.seen:
            return data["term"]
        self.seen.add(key)
        return data["described"] if data["is_person"] else data["the_defined"]


def _definition(terms: list[str], roles: list[str]) -> str:
    """`` (“CBP” or “the agency”)``: the defined terms a name introduces, or nothing."""
    names = [*terms, *roles]
    return f" ({' or '.join(f'“{t}”' for t in names)})" if names else ""


def _caption_lines(parties: list[Node]) -> list[str]:
    """One caption line per party, in capitals (an official's capacity as written): ``;`` after
    each but the last, ``,`` after the last."""
    return [p._data["caption_name"] + ("," if i == len(parties) - 1 else ";") for i, p in enumerate(parties)]


def _short_caption(first: Node) -> list[str]:
    """``ACME CORP., et al.,``: the first party of a side with several."""
    return [f"{first._data['caption_name']}, et al.,"]
