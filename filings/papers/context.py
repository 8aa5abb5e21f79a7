"""What a template sees: the facts as a tree of read-tracked nodes with references resolved.

Templates never see the pydantic models. :func:`build_context` turns the facts into the
read-tracked, read-only nodes of :mod:`filings.papers.nodes`, each id resolved to the node it
names, once for a whole build: every paper of a build renders from the same context.

Besides the facts, the context holds **named values** computed from them, so that a
template's prose holds only wording and simple tags: the words for each side
(``plaintiffs.role`` → ``Plaintiffs``), the caption lines, a party's name with its article
or defined term (``org.the_name``, ``org.term``), an official's capacity, the motion's
kind, timeliness. They are nodes' values like any fact, read-only, and a read records the
value's own path and the facts it is computed from; docs/templates.md lists them all.
The parties' named values are built in :mod:`filings.papers.parties`.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Sequence

from filings.court.confidential import secrets_of
from filings.court.deadlines import accrual, limitation
from filings.facts.citations import citer, record_cite
from filings.facts.dates import LegalDate, legal_time
from filings.facts.rules import jurisdiction_key, jurisdiction_text, rules_for
from filings.facts.schema import Facts, Matter, extra_value
from filings.facts.kinds import claim_grounds, kind_of
from filings.papers.actions import determination_node, injunction_node, kind_node, protests_node, review_of
from filings.papers.nodes import Absent, Node, NodeList, _secrets
from filings.papers.evidence import Evidence
from filings.papers.orders import rule65_values
from filings.papers.view import BLANK_NUMBER
from filings.papers.parties import _MENTIONED, _ROLES, _definition, _Mentions, _PartyNaming
from filings.papers.wording import exhibit_mark, roman as _roman

if TYPE_CHECKING:
    from filings.facts.plan import Filing


def build_context(matter: Matter, filings: Sequence[Filing] = ()) -> Mapping[str, Any]:
    """The names a template sees, each a :class:`Node`, :class:`NodeList` or plain value;
    read-only, since every paper of a build renders from the same context. ``filings`` are
    the filings of the build (:func:`filings.facts.plan.plan_papers`), seen as ``filings``."""
    token = _secrets.set(secrets_of(matter))
    try:
        return MappingProxyType(_ContextBuilder(matter.facts, filings).context())
    finally:
        _secrets.reset(token)


def free_facts(path: str, value: Any) -> Any:
    """A free-form value of the facts (``extra:``) as read-tracked nodes: mappings are
    sections, lists are lists, a day written ``2024-07-15`` is a date, and an empty value
    (``~`` or ``""``) is an empty fact."""
    if isinstance(value, Mapping):
        return Node(path, {str(k): free_facts(f"{path}.{k}", v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return NodeList(path, [free_facts(f"{path}.{i}", v) for i, v in enumerate(value)])
    return None if value == "" else extra_value(value)


class _ContextBuilder(_PartyNaming):
    """Turns :class:`Facts` into nodes, resolving ids to the nodes they name.

    Besides the facts, each node carries the named values templates print instead of
    computing them (``plaintiffs.role``, ``org.the_name``, ``case.timely``, ...), computed
    here once from the facts: a template reads them like facts, and each read is recorded
    under the value's own path, so a paper that printed ``plaintiffs.role`` is stale when the
    number of plaintiffs changes.
    """

    def __init__(self, facts: Facts, filings: Sequence[Filing] = ()):
        self.f = facts
        self.filings = filings
        c = facts.case
        self.sole_plaintiff = c.plaintiffs[0] if len(c.plaintiffs) == 1 else None
        agencies = [d for d in c.defendants if d in facts.organizations and facts.organizations[d].kind == "agency"]
        self.agency_id = agencies[0] if agencies else None
        self.orgs = {k: self._org(k, o) for k, o in facts.organizations.items()}
        self.people = {k: self._person(k, p) for k, p in facts.people.items()}
        self.parties = {**self.orgs, **self.people}
        self.exhibits = {e.id: self._exhibit(i, e) for i, e in enumerate(facts.exhibits)}
        self.programs = {k: self._program(k, p) for k, p in facts.programs.items()}
        self.record = {d.id: Node(f"record.{i}", {**d.__dict__, "cited": record_cite(d.public, d.confidential)},
                                  {"cited": [f"record.{i}.public", f"record.{i}.confidential"]})
                       for i, d in enumerate(facts.record)}
        self.mentions = _Mentions(self.parties, [*c.plaintiffs, *c.defendants])
        self.evidence = Evidence(facts, bool(self.agency_id or facts.programs))  # the declaration's paragraphs
        self.rules = rules_for(facts)
        self.kind = kind_of(facts)
        # Events and requests in one order of dates (events first on a day): the order the
        # chronology tells them in, so each party is described in full at its first mention.
        answers = {r.response.event for r in facts.requests if r.response and r.response.event}
        order = sorted([(e.date._key(), 0, i) for i, e in enumerate(facts.events)]
                       + [(r.date._key(), 1, i) for i, r in enumerate(facts.requests)])
        self.events: dict[int, Node] = {}
        self.requests: dict[int, Node] = {}
        for _, kind, i in order:
            if kind == 0:
                self.events[i] = self._event(i, facts.events[i], facts.events[i].id in answers)
            else:
                self.requests[i] = self._request(i, facts.requests[i])
        self.chronology = [self.events[i] if kind == 0 else self.requests[i] for _, kind, i in order]
        by_id = {e.id: self.events[i] for i, e in enumerate(facts.events)}
        for node in self.requests.values():
            if isinstance(node._data["answered_by"], str):
                node._data = MappingProxyType({**node._data, "answered_by": by_id[node._data["answered_by"]]})

    def context(self) -> dict[str, Any]:
        f = self.f
        case = self._case()
        service = self._service("service", f.service)
        return {
            "case": case,
            "plaintiff": case._data["plaintiffs"][0],
            "signer": case._data["counsel"][0],
            "plaintiffs": self._side("plaintiffs", "Plaintiff", f.case.plaintiffs),
            "defendants": self._side("defendants", "Defendant", f.case.defendants),
            "caption": self._caption(),
            "programs": NodeList("programs", list(self.programs.values())),
            "events": NodeList("events", [self.events[i] for i in range(len(f.events))]),
            "requests": NodeList("requests", [self.requests[i] for i in range(len(f.requests))]),
            "chronology": NodeList("chronology", self.chronology),
            "claims": NodeList("claims", [Node(f"claims.{i}", {
                "title": c.title, "number": i + 1, "label": f"Count {_roman(i + 1)}",
                "grounds": NodeList(f"claims.{i}.grounds", claim_grounds(c, self.kind)),
                "cited": f"Count {_roman(i + 1)}, {c.title}",
                "allegations": NodeList(f"claims.{i}.allegations", list(c.allegations))},
                {"label": ["claims"], "cited": ["claims", f"claims.{i}.title"]})
                for i, c in enumerate(f.claims)]),
            "relief": NodeList("relief", list(f.relief)),
            "determination": determination_node(f, self.parties),
            "protests": protests_node(f, self.parties),
            "injunction": injunction_node(f, self._consultation),
            "motion": self._motion() or Absent("motion"),
            "declaration": self.evidence.node(self.parties, self.exhibits) or Absent("declaration"),
            "service": service,
            "exhibits": NodeList("exhibits", list(self.exhibits.values())),
            "settings": Node("settings", {**f.settings.__dict__, "answer_days": self.rules.periods["answer"].days}
                             if "answer" in self.rules.periods else f.settings.__dict__.copy(),
                             {"answer_days": ["settings.answer_days", "settings.rules"]}),
            "extra": free_facts("extra", f.extra),
            "filings": NodeList("filings", [self._filing(i, filing, service)
                                            for i, filing in enumerate(self.filings)]),
            "record": NodeList("record", list(self.record.values())),
            "brief": self._brief() or Absent("brief"),
            "cite": citer(self.exhibits, {**self.parties, **self.programs}, self.record, self.evidence.statement_cites()),
        }

    def _service(self, path: str, s) -> Node:
        """A service: its date, method and the people served."""
        return Node(path, {"date": s.date, "method": s.method, "served": self._refs(f"{path}.served", s.served)})

    def _filing(self, i: int, filing: Filing, service: Node) -> Node:
        """A filing: its name, title, day, the papers its certificate serves, and their service
        (its own, or the top-level ``service``)."""
        listed = filing.name and i < len(self.f.filings)  # else a filing of the kind of case: served that day
        own = self.f.filings[i].service if listed else None
        if filing.name and not listed:
            service = Node(f"filings.{i}.service", {**service._data, "date": filing.date},
                           {"date": [f"filings.{i}.date"]})
        papers = NodeList(f"filings.{i}.papers", [Node(f"filings.{i}.papers.{j}", {"name": p.name, "title": p.title})
                                                  for j, p in enumerate(filing.served)])
        return Node(f"filings.{i}", {"name": filing.name or "", "title": filing.title, "date": filing.date,
                                     "papers": papers, "exhibits": NodeList(f"filings.{i}.exhibits", []),
                                     "exhibits_named": "",  # both given as it renders (pipeline/citing)
                                     "service": self._service(f"filings.{i}.service", own) if own else service})

    def _refs(self, path: str, ids: list[str]) -> NodeList:
        return NodeList(path, [self.parties[i] for i in ids])

    # -- the case and the facts statement

    def _case(self) -> Node:
        c = self.f.case
        data = c.__dict__.copy()
        plaintiffs = self._refs("case.plaintiffs", c.plaintiffs)
        defendants = self._refs("case.defendants", c.defendants)
        first_p, first_d = plaintiffs._items[0], defendants._items[0]
        title = (f"{first_p._data['name']}{' et al.' if len(plaintiffs) > 1 else ''} v. "
                 f"{first_d._data['name']}{' et al.' if len(defendants) > 1 else ''}")
        agencies = [d for d in defendants._items if d._data["is_agency"]]
        bar = limitation(self.f, self.rules)
        found = accrual(self.f)
        accrued = found[0] if found else None
        deadline = None
        if bar is not None:  # printed as precisely as the accrual is known ("July 2025")
            last = bar.last_day
            deadline = LegalDate(last.year, last.month if accrued.month else None, last.day if accrued.day else None)
        data.update(plaintiffs=plaintiffs, defendants=defendants,
                    counsel=self._refs("case.counsel", c.counsel),
                    co_counsel=self._refs("case.co_counsel", c.counsel[1:]),
                    statute=f"28 U.S.C. § {jurisdiction_text(c.jurisdiction)}", title=title,
                    number=c.court_no or BLANK_NUMBER, residual=jurisdiction_key(c.jurisdiction) == "1581(i)",
                    agencies=NodeList("case.agencies", agencies), agency=agencies[0] if agencies else None,
                    accrued=accrued, limitation_deadline=deadline, kind_of=kind_node(self.kind),
                    review=review_of(self.f, self.kind),
                    accrued_at_first_event=bool(found and found[1].startswith("events.")),
                    plaintiff_intervenors=self._refs("case.plaintiff_intervenors", c.plaintiff_intervenors),
                    defendant_intervenors=self._refs("case.defendant_intervenors", c.defendant_intervenors),
                    timely=bool(deadline and c.filed.as_date() <= deadline.as_date()))
        dates = ["case.accrued", "case.jurisdiction", "settings.rules", "events"] + \
            [f"events.{i}.date" for i in range(len(self.f.events))]
        kinds = ["case.defendants"] + [f"organizations.{d}.kind" for d in c.defendants if d in self.f.organizations]
        sources = {"number": ["case.court_no"], "residual": ["case.jurisdiction"], "statute": ["case.jurisdiction"],
                   "co_counsel": ["case.counsel"], "agencies": kinds, "agency": kinds, "accrued": dates,
                   "limitation_deadline": dates, "timely": dates + ["case.filed"],
                   "accrued_at_first_event": dates}
        return Node("case", data, sources)

    def _program(self, key: str, p) -> Node:
        notices = [Node(f"programs.{key}.notices.{i}", {
            **n.__dict__, "citation": f"{n.volume} Fed. Reg. {n.page:,} ({n.published.short()})",
            "cited": f"{n.volume} Fed. Reg. {n.page:,} ({n.published.short()})"
                     + (f" (effective {n.effective.short()})" if n.effective else "")},
            {"cited": [f"programs.{key}.notices.{i}.{f}" for f in ("volume", "page", "published", "effective")]})
            for i, n in enumerate(p.notices)]
        data = p.__dict__.copy()
        term = p.term or (p.short if p.short and p.short != p.name else None)
        the_name = f"{p.article} {p.name}" if p.article else p.name
        definition = _definition([term] if term else [], [])
        data.update(id=key, short=p.short or p.name, notices=NodeList(f"programs.{key}.notices", notices),
                    the_name=the_name, term=term or the_name, defined=p.name + definition,
                    the_defined=the_name + definition,
                    citations=NodeList(f"programs.{key}.citations", [n._data["cited"] for n in notices]))
        naming = [f"programs.{key}.{n}" for n in ("name", "short", "article", "term")]
        sources = {name: naming for name in ("the_name", "term", "defined", "the_defined")}
        sources["citations"] = [f"programs.{key}.notices"] + [
            f"programs.{key}.notices.{i}.{f}" for i in range(len(notices)) for f in ("volume", "page", "published",
                                                                                    "effective")]
        return Node(f"programs.{key}", data, sources)

    def _exhibit(self, i: int, e) -> Node:
        data = e.__dict__.copy()
        del data["password"]  # never printed
        mark = exhibit_mark(i, self.f.bundle.labels)
        data.update(number=i + 1, mark=mark, label=f"Exhibit {mark}", date=e.date or self._exhibit_date(e.id),
                    demonstrative=bool(e.template and not e.sent_copy),
                    authenticated_by=self._refs(f"exhibits.{i}.authenticated_by", e.authenticated_by))
        # an exhibit without a date of its own is dated by the event or request that cites it
        cited_by = [f"{section}.{j}.date" for section in ("events", "requests")
                    for j, item in enumerate(getattr(self.f, section)) if item.exhibit == e.id]
        return Node(f"exhibits.{i}", data, {"demonstrative": [f"exhibits.{i}.template", f"exhibits.{i}.sent_copy"],
                                            "date": [f"exhibits.{i}.date", *cited_by]})

    def _exhibit_date(self, exhibit_id: str) -> LegalDate | None:
        for item in [*self.f.events, *self.f.requests]:
            if item.exhibit == exhibit_id:
                return item.date
        return None

    def _event(self, i: int, e, answer: bool = False) -> Node:
        data = e.__dict__.copy()
        data.update(is_event=True, is_request=False, answers=answer,
                    actor=self.parties[e.actor], program=self.programs.get(e.program),
                    exhibit=self.exhibits.get(e.exhibit),
                    notice_days=e.date.days_until(e.effective) if e.effective and e.date.is_day else None,
                    expired=bool(e.until and e.until < self.f.case.filed),
                    actor_mention=self.mentions.of(e.actor), declared=self.evidence.cited(e.id))
        here = f"events.{i}"
        return Node(here, data, {"notice_days": [f"{here}.date", f"{here}.effective"], "declared": self.evidence.sources,
                                 "expired": [f"{here}.until", "case.filed"],
                                 "actor_mention": [f"{here}.actor", *_MENTIONED, *self._naming(e.actor)]})

    def _request(self, i: int, r) -> Node:
        data = r.__dict__.copy()
        sender_mention, recipient_mention = self.mentions.of(r.sender), self.mentions.of(r.to)
        response, answered_by = None, None
        if r.response and r.response.event:  # the response is an event, pleaded once, in its place
            answered_by = r.response.event  # its node is set once every event is built
        elif r.response:
            response = Node(f"requests.{i}.response", {**r.response.__dict__,
                                                        "by": self.parties[r.response.by],
                                                        "by_mention": self.mentions.of(r.response.by)},
                            {"by_mention": [f"requests.{i}.response.by", *_MENTIONED, *self._naming(r.response.by)]})
        data.update(sender=self.parties[r.sender], recipient=self.parties[r.to], is_event=False, is_request=True,
                    answered_by=answered_by, unanswered=r.response is None,
                    exhibit=self.exhibits.get(r.exhibit), response=response, number=i + 1,
                    sender_mention=sender_mention, recipient_mention=recipient_mention,
                    declared=self.evidence.cited(r.id))
        data.pop("to", None)
        here = f"requests.{i}"
        return Node(here, data, {"answered_by": [f"{here}.response"], "unanswered": [f"{here}.response"],
                                 "declared": self.evidence.sources, "sender_mention": [f"{here}.sender", *_MENTIONED, *self._naming(r.sender)],
                                 "recipient_mention": [f"{here}.recipient", *_MENTIONED, *self._naming(r.to)]})

    def _motion(self) -> Node | None:
        m = self.f.motion
        if m is None:
            return None
        consultation = self._consultation("motion.consultation", m.consultation)
        factors = Node("motion.factors", {k: NodeList(f"motion.factors.{k}", list(v))
                                          for k, v in m.factors.__dict__.copy().items()})
        orders, sources = rule65_values(m, len(self.f.case.plaintiffs))
        return Node("motion", {"filed": m.filed, "relief": NodeList("motion.relief", list(m.relief)),
                               "order": NodeList("motion.order", list(m.order)),
                               "factors": factors, "consultation": consultation,
                               "kind": m.kind, "title": MOTION_TITLES[m.kind],
                               "remedy": _REMEDY[m.kind][0], "remedy_or": _REMEDY[m.kind][1],
                               "tro": m.kind in ("tro", "both"), "pi": m.kind in ("pi", "both"),
                               "both": m.kind == "both", **orders},
                    {**{name: ["motion.kind"] for name in ("title", "remedy", "remedy_or", "tro", "pi", "both")},
                     **sources})

    def _brief(self) -> Node | None:
        """The Rule 56.2 motion and brief: its sections as lists, its points numbered (``label``)."""
        b = self.f.brief
        if b is None:
            return None

        def texts(path: str, items) -> NodeList:
            return NodeList(path, list(items))
        points = [Node(f"brief.argument.{i}", {
            "heading": p.heading, "label": f"{_roman(i + 1)}.", "paragraphs": texts(f"brief.argument.{i}.paragraphs",
                                                                                    p.paragraphs),
            "subsections": NodeList(f"brief.argument.{i}.subsections", [Node(f"brief.argument.{i}.subsections.{j}", {
                "heading": s.heading, "label": f"{chr(ord('A') + j)}.",
                "paragraphs": texts(f"brief.argument.{i}.subsections.{j}.paragraphs", s.paragraphs)})
                for j, s in enumerate(p.subsections)])}) for i, p in enumerate(b.argument)]
        issues = [Node(f"brief.issues.{i}", {"issue": x.issue, "reason": x.reason, "number": i + 1})
                  for i, x in enumerate(b.issues)]
        d = self.f.determination
        under_review = Node("determination", {  # the facts of determination:, as the brief names them
            "agency": self.parties[d.agency], "description": d.description, "title": d.title,
            "cited": d.title + (f", {d.notice.volume} Fed. Reg. {d.notice.page:,} ({d.notice.published.short()})"
                                if d.notice else "")},
            {"cited": ["determination.title", "determination.notice"]}) if d is not None else Absent("determination")
        return Node("brief", {"filed": b.filed, "title": b.title or BRIEF_TITLE, "determination": under_review,
                              "relief": texts("brief.relief", b.relief), "issues": NodeList("brief.issues", issues),
                              "facts": texts("brief.facts", b.facts), "standard": texts("brief.standard", b.standard),
                              "argument": NodeList("brief.argument", points),
                              "conclusion": texts("brief.conclusion", b.conclusion)})

    def _consultation(self, path: str, c) -> Node:
        """Counsel's consultation before a motion (USCIT Rule 7(f)): when, how, who took part, what was said."""
        return Node(path, {
            "date": c.date, "time": legal_time(c.time), "channel": c.channel, "outcome": c.outcome,
            "participants": self._refs(f"{path}.participants", c.participants),
            "attendees": NodeList(f"{path}.attendees", [self._attendee(p) for p in c.participants])},
            {"attendees": [f"{path}.participants", *_ROLES, "case.counsel"]
             + [n for p in c.participants for n in self._naming(p)]})

    def _attendee(self, key: str) -> str:
        """A participant in the consultation: ``Name (Title, Organization), counsel for Plaintiff``."""
        p = self.f.people[key]
        c = self.f.case
        org = self.f.organizations.get(p.organization) if p.organization else None
        details = [d for d in (p.title, org.name if org else None) if d]
        plaintiffs = f"Plaintiff{'s' if len(c.plaintiffs) > 1 else ''}"
        defendants = f"Defendant{'s' if len(c.defendants) > 1 else ''}"
        signer_org = self.f.people[c.counsel[0]].organization
        if key in c.counsel or (p.organization and p.organization == signer_org):
            side = f"counsel for {plaintiffs}"
        elif key in c.plaintiffs or p.organization in c.plaintiffs:
            side = f"for {plaintiffs}"
        else:  # the government's counsel, or someone of a defendant
            side = f"for {defendants}"
        return f"{p.name}{' (' + ', '.join(details) + ')' if details else ''}, {side}"



BRIEF_TITLE = "Rule 56.2 Motion for Judgment on the Agency Record"
MOTION_TITLES = {"both": "Motion for a Temporary Restraining Order and Preliminary Injunction",
                 "pi": "Motion for a Preliminary Injunction",
                 "tro": "Motion for a Temporary Restraining Order"}
_REMEDY = {"both": ("a temporary restraining order and a preliminary injunction",
                    "a temporary restraining order or a preliminary injunction"),
           "pi": ("a preliminary injunction", "a preliminary injunction"),
           "tro": ("a temporary restraining order", "a temporary restraining order")}
