"""The cross-checks of loaded facts: what one fact says about another, and free-form values.

Every id names something of its kind, dates come in a possible order, an exhibit has one
source, a response is an event or has its own date, author and text, ids are unique, a
person sued in an official capacity has an office, and ``extra:`` values print as written.
Each problem is a (location, message) pair; :mod:`filings.facts.load` gives it its line.
"""
from __future__ import annotations

import difflib
from typing import Any, Iterator

from filings.errors import FilingsError
from filings.facts.citations import citation_problems
from filings.facts.evidence import evidence_problems
from filings.facts.kinds import Kind, kind_of
from filings.facts.dates import LegalDate
from filings.facts.schema import _ISO_DAY, Facts
from filings.facts.source import Loc, SourceMap


def check_references(facts: Facts) -> list[tuple[Loc, str]]:
    """Cross-field checks: every id names something, and dates come in a possible order."""
    return [*_reference_problems(facts), *_order_problems(facts), *_exhibit_sources(facts),
            *_duplicate_ids(facts), *_capacity_problems(facts), *_response_problems(facts),
            *citation_problems(facts), *evidence_problems(facts)]


def _reference_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    parties = {**f.organizations, **f.people}
    kinds = {"party": parties, "person": f.people, "organization": f.organizations,
             "program": f.programs, "exhibit": {e.id: e for e in f.exhibits},
             "event": {e.id: e for e in f.events}}
    refs: list[tuple[Loc, str, str | None]] = []
    refs += [(("case", field, i), "party", r) for field in ("plaintiffs", "defendants", "plaintiff_intervenors",
                                                             "defendant_intervenors")
             for i, r in enumerate(getattr(f.case, field))]
    refs += [(("case", "counsel", i), "person", r) for i, r in enumerate(f.case.counsel)]
    refs += [(("people", k, "organization"), "organization", p.organization) for k, p in f.people.items()]
    for i, e in enumerate(f.events):
        refs += [(("events", i, "actor"), "party", e.actor), (("events", i, "program"), "program", e.program),
                 (("events", i, "exhibit"), "exhibit", e.exhibit)]
    for i, r in enumerate(f.requests):
        refs += [(("requests", i, "from"), "party", r.sender), (("requests", i, "to"), "party", r.to),
                 (("requests", i, "exhibit"), "exhibit", r.exhibit)]
        if r.response:
            refs.append((("requests", i, "response", "by"), "party", r.response.by))
            refs.append((("requests", i, "response", "event"), "event", r.response.event))
    for i, e in enumerate(f.exhibits):
        refs += [(("exhibits", i, "authenticated_by", n), "person", p) for n, p in enumerate(e.authenticated_by)]
    if f.motion:
        refs += [(("motion", "consultation", "participants", i), "person", p)
                 for i, p in enumerate(f.motion.consultation.participants)]
    if f.injunction:
        refs += [(("injunction", "consultation", "participants", i), "person", p)
                 for i, p in enumerate(f.injunction.consultation.participants)]
    if f.declaration:
        refs.append((("declaration", "declarant"), "person", f.declaration.declarant))
    if f.determination:
        refs.append((("determination", "agency"), "party", f.determination.agency))
        refs += [(("determination", "standing", i, "party"), "party", s.party)
                 for i, s in enumerate(f.determination.standing)]
    refs += [(("protests", i, "denied_by"), "party", p.denied_by) for i, p in enumerate(f.protests)]
    refs += [(("protests", i, "filed_by"), "party", p.filed_by) for i, p in enumerate(f.protests)]
    refs += [(("service", "served", i), "person", p) for i, p in enumerate(f.service.served)]
    refs += [(("filings", n, "service", "served", i), "person", p) for n, filing in enumerate(f.filings)
             if filing.service for i, p in enumerate(filing.service.served)]
    for loc, kind, ref in refs:
        if ref is not None and ref not in kinds[kind]:
            yield loc, f"no {kind} with id '{ref}'{_did_you_mean(ref, list(kinds[kind]))}"


def _order_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    filed = f.case.filed
    try:
        kind = kind_of(f)
    except FilingsError:  # reported by the kind's own check
        return
    yield from _commencement_problems(f, kind)
    if f.events and filed < min(e.date for e in f.events):
        first = min(f.events, key=lambda e: e.date)
        yield (("case", "filed"), f"the action was filed {filed.iso()}, before the first event it pleads "
                                  f"('{first.id}', {first.date.iso()}); check the year")
    yield from _dated_problems(f)


def _commencement_problems(f: Facts, kind: Kind) -> Iterator[tuple[Loc, str]]:
    """The papers that commence the action are filed the day the case is: the summons and complaint
    together, or (in a kind whose summons comes first) the summons, the complaint on or after it."""
    filed = f.case.filed
    first = "summons" if kind.summons_first else "complaint"
    for n, filing in [(n, g) for n, g in enumerate(f.filings) if first in g.papers][:1]:
        if filing.date != filed:
            together = "" if kind.summons_first else " (in this kind of case the complaint is filed with the summons)"
            yield (("case", "filed"), f"the action was filed {filed.iso()}, but the filing '{filing.name}' with the "
                                      f"{first} is dated {filing.date.iso()} (filings.{n}.date){together}; make them "
                                      "one day")
    if kind.summons_first:
        later = [(("filings", n, "date"), g.date) for n, g in enumerate(f.filings) if "complaint" in g.papers][:1]
        if f.case.complaint_filed is not None:
            later.append((("case", "complaint_filed"), f.case.complaint_filed))
        for loc, day in later:
            if day < filed:
                yield loc, f"the complaint ({day.iso()}) is dated before the summons that commenced the action " \
                           f"({filed.iso()}, case.filed); check the dates"
    yield from _standing_problems(f)
    for i, protest in enumerate(f.protests):
        if not protest.duties_paid:
            yield (("protests", i, "duties_paid"), "an action contesting a denied protest may be commenced only once "
                                                  "all liquidated duties, charges and exactions are paid "
                                                  "(28 U.S.C. § 2637(a)); pay them before filing the summons")
        for n, entry in enumerate(protest.entries):
            if entry.liquidated is not None and (protest.filed.as_date() - entry.liquidated.as_date()).days > 180:
                yield (("protests", i, "filed"), f"the protest ({protest.filed.iso()}) was filed more than 180 days "
                                                f"after entry {entry.number} was liquidated ({entry.liquidated.iso()}, "
                                                f"protests.{i}.entries.{n}.liquidated); 19 U.S.C. § 1514(c)(3) "
                                                "allows 180 days: check the dates")
        if protest.denied < protest.filed:
            yield (("protests", i, "denied"), f"the denial ({protest.denied.iso()}) is dated before the protest "
                                             f"({protest.filed.iso()})")


def _standing_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    """Each plaintiff of an AD/CVD appeal has its own standing: with several, each names its party."""
    if f.determination is None:
        return
    standing = f.determination.standing
    named = [s.party for s in standing]
    if len(f.case.plaintiffs) > 1 or len(standing) > 1 or any(named):
        for i, s in enumerate(standing):
            if s.party is None:
                yield (("determination", "standing", i), "with several plaintiffs, say whose standing this is "
                                                         "(party: the plaintiff's id)")
            elif s.party not in f.case.plaintiffs:
                yield (("determination", "standing", i, "party"), f"'{s.party}' is not a plaintiff (case.plaintiffs)")
        for p in f.case.plaintiffs:
            if p not in named:
                yield (("determination", "standing"), f"the plaintiff '{p}' has no standing here; each plaintiff must "
                                                      "be an interested party that took part in the proceeding: add "
                                                      f"one with party: {p}")


def _dated_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    for i, r in enumerate(f.requests):
        if r.response and r.response.date and r.response.date < r.date:
            yield (("requests", i, "response", "date"),
                   f"the response ({r.response.date.iso()}) is dated before the request ({r.date.iso()})")
    for i, e in enumerate(f.events):
        for name in ("effective", "until"):
            later = getattr(e, name)
            if later and later < e.date:
                yield ("events", i, name), f"{later.iso()} is before the event's date ({e.date.iso()})"


def _exhibit_sources(f: Facts) -> Iterator[tuple[Loc, str]]:
    for i, e in enumerate(f.exhibits):
        if e.sent_copy and not e.template:
            yield ("exhibits", i, "sent_copy"), ("a sent copy records the copy of a letter a template drafted; "
                                                 "without a template, give the file as file:")
        elif (e.file is None) == (e.template is None):
            yield ("exhibits", i), "give the exhibit either a file or a template (one of the two)"
        elif e.template and not e.sent_copy and e.authenticated_by:
            yield ("exhibits", i, "authenticated_by"), (
                "a template exhibit without a sent copy is a demonstrative made for this filing, so nobody can "
                "swear it is a true copy of a document; record the copy that was sent (sent_copy: ...) or "
                "remove authenticated_by")


def _response_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    """A response is an event of the facts, or has its own date, author and text."""
    events = {e.id: e for e in f.events}
    for i, r in enumerate(f.requests):
        resp = r.response
        if resp is None:
            continue
        if resp.event:
            if any((resp.date, resp.by, resp.text)):
                yield (("requests", i, "response"), "a response that is an event takes its date, actor and text "
                                                    "from the event; remove date, by and text")
            elif resp.event in events and events[resp.event].date < r.date:
                yield (("requests", i, "response", "event"),
                       f"the event '{resp.event}' ({events[resp.event].date.iso()}) is dated before the request "
                       f"({r.date.iso()})")
        else:
            missing = [k for k in ("date", "by", "text") if getattr(resp, k) is None]
            if missing:
                yield (("requests", i, "response"), f"give the response its {' and '.join(missing)}, or name the "
                                                    "event that was the response (event: id)")


def _duplicate_ids(f: Facts) -> Iterator[tuple[Loc, str]]:
    for section in ("events", "requests", "exhibits"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(f, section)):
            if item.id in seen:
                yield (section, i, "id"), f"id '{item.id}' is used twice in {section}; ids must be unique"
            seen.add(item.id)
    for key in f.people.keys() & f.organizations.keys():
        yield ("people", key), f"'{key}' is both a person and an organization; ids must be unique"


def _extra_problems(f: Facts, source: SourceMap) -> Iterator[tuple[Loc, str]]:
    """``extra:`` is free-form, but a value must print as it was written: a date must be a real
    day, and a number or true/false YAML would print otherwise (``0700`` as 448) must be quoted."""
    for key, value in f.extra.items():
        yield from _free_problems(("extra", key), value, source)


def _free_problems(loc: Loc, value: Any, source: SourceMap) -> Iterator[tuple[Loc, str]]:
    """The problems of one free-form value and of everything in it, in the order they are written."""
    if isinstance(loc[-1], str) and loc[-1].startswith("_"):
        yield loc, "a name starting with '_' cannot be read by templates; rename it"
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _free_problems(loc + (key,), item, source)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _free_problems(loc + (i,), item, source)
    elif isinstance(value, str) and _ISO_DAY.match(value):
        try:
            LegalDate.parse(value)
        except ValueError as e:
            yield loc, str(e)
    elif isinstance(value, (bool, int, float)) and not _as_written(value, source.raw.get(loc)):
        yield loc, _quoting_fix(loc, value, source)


def _as_written(value: bool | int | float, written: str | None) -> bool:
    """True when ``value`` prints as it was written (``30``, ``2.5``, ``true``; not ``0700``, ``yes``)."""
    if written is None:
        return True
    if isinstance(value, bool):
        return written.lower() in ("true", "false")
    return written == repr(value)


def _capacity_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    """A person sued in an official capacity is a defendant and has the title of that office."""
    for key, person in f.people.items():
        if person.capacity is None:
            continue
        if key not in f.case.defendants:
            yield ("people", key, "capacity"), ("only a defendant is sued in an official capacity; add the "
                                                "person to case.defendants or remove 'capacity'")
        elif not person.title:
            yield ("people", key, "capacity"), ("a person sued in an official capacity needs the title of "
                                                "that office; add 'title: Secretary of Commerce' or the like")


def _quoting_fix(loc: Loc, value: bool | int | float, source: SourceMap) -> str:
    """Text YAML read as a number or true/false: quote it as it was written."""
    written = source.raw.get(loc, str(value))
    reads_as = str(value).lower() if isinstance(value, bool) else "a number"
    tag = "!confidential " if loc in source.confidential else ""
    before = "-" if isinstance(loc[-1], int) else f"{loc[-1]}:"
    return (f"{written} is read as {reads_as}; put it in quotes to keep it as written: "
            f'{before} {tag}"{written}"')


def _did_you_mean(word: object, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
