"""Service that follows the rules: who a filing's papers must reach, and by what means.

The papers that commence an action are not served through CM/ECF: nobody has appeared yet.
A summons filed alone is served by the Clerk (USCIT Rule 4); a summons filed with its
complaint is served on the Attorney General (through the Department of Justice's
International Trade Field Office) and on each agency defendant. Later papers are served on
counsel of record through CM/ECF. :func:`service_warnings` says where a filing's ``service``
does not fit its papers, and where a filing is served on a day other than its own.
**Unverified:** the current text of Rule 4 and Rule 5(b) (the notes read older editions).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from filings.facts.kinds import kind_of

if TYPE_CHECKING:
    from filings.facts.plan import Plan
    from filings.facts.schema import Facts

_JUSTICE = ("attorney general", "international trade field office")  # the offices Rule 4 names


def service_warnings(facts: Facts, plan: Plan) -> Iterator[str]:
    """One line per filing whose service does not fit its papers (see the module's docstring)."""
    kind = kind_of(facts)
    clerk = {f.name for f in kind.filings if not f.certificate} if not facts.filings else set()
    for i, filing in enumerate(plan.filings):
        listed = facts.filings[i] if filing.name and i < len(facts.filings) else None
        service = listed.service if listed is not None and listed.service is not None else facts.service
        where = f"filing '{filing.name}'" if filing.name else "the filing"
        if listed is not None and service is facts.service and facts.service.date != filing.date:
            yield (f"{where} is dated {filing.date.iso()}, but its certificate of service says the papers were "
                   f"served on {service.date.iso()} (service.date); give the filing its own service: date, or make "
                   "them one day")
        elif listed is not None and listed.service is not None and listed.service.date < filing.date:
            yield (f"{where} is dated {filing.date.iso()}, but its papers were served on "
                   f"{listed.service.date.iso()}, before they were filed; check the dates")
        commencing = any(p.name in ("summons", "complaint") for p in filing.papers) and filing.date == facts.case.filed
        if not commencing or filing.name in clerk:
            continue
        yield from _commencement_warnings(facts, where, service)


def _commencement_warnings(facts: Facts, where: str, service) -> Iterator[str]:
    """The papers that commence the action: on the Attorney General and each agency defendant, not by CM/ECF."""
    if "cm/ecf" in service.method.lower().replace(" ", ""):
        yield (f"{where} commences the action, but it is served by {service.method}: CM/ECF reaches only counsel "
               "who have appeared; serve the Attorney General and each agency defendant (USCIT Rule 4) by the "
               "means the rule allows, such as certified mail")
    served = [facts.people[p] for p in service.served if p in facts.people]
    offices = [(p.name + " " + (facts.organizations[p.organization].name if p.organization in
                                facts.organizations else "")).lower() for p in served]
    if not any(word in office for office in offices for word in _JUSTICE):
        yield (f"{where} commences the action, but no one served is the Attorney General or the Department of "
               "Justice's International Trade Field Office; add them to its service: served (USCIT Rule 4)")
    for d in facts.case.defendants:
        org = facts.organizations.get(d)
        if org is not None and org.kind == "agency" and not any(p.organization == d for p in served):
            yield (f"{where} commences the action against {org.name}, but no one of it is served; add its "
                   f"counsel's office (a person of organization '{d}') to the filing's service: served")
