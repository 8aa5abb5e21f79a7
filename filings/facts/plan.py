"""The papers of a matter in filing order, the template each comes from, and the filings
that group them by the day they are filed.

A matter's papers are the shipped CIT set (:data:`PAPERS`) unless its facts list them under
``papers:``: shipped papers by name, the matter's own as ``{name, template, title}``. Its
``filings:`` group them: each filing has its own packet and its own certificate of service
(the ``certificate-of-service`` paper stands for one certificate per filing). Facts that
list no filings have one: every paper, in one packet, served as ``service:`` says.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from filings.errors import FilingsError
from filings.facts.kinds import Kind, fact_at, kind_of
from filings.typography import smart_quotes

if TYPE_CHECKING:
    from filings.facts.dates import LegalDate
    from filings.facts.schema import Facts

CERTIFICATE = "certificate-of-service"  # one per filing, last in its packet
COMPLIANCE = "certificate-of-compliance"  # one after each motion or brief, stating its word count
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
UNFILED_TITLE = "Papers"  # the title of the one filing of facts that list none


@dataclass(frozen=True)
class Paper:
    """One paper: its name (file stem and ``--only`` value), template and bookmark title."""

    name: str
    template: str
    title: str
    needs: str | None = None  # a facts section without which the paper is not made
    title_fact: str | None = None  # a fact that, when the facts have it, is the title ("motion.title")
    entry: str | None = None  # the name it is listed by, when it differs (each filing's certificate)
    filing: int | None = None  # its filing (packet), by position in the plan; None when in none
    words: str | None = None  # a motion or brief: its kind in the rules' word_limits (filings/rules.yaml)
    certifies: str | None = None  # a certificate of compliance: the paper whose words it counts
    when: tuple[str, tuple[str, ...]] | None = None  # a fact and the values it must have ("motion.kind", ("tro", "both"))

    @property
    def listed_as(self) -> str:
        """The name of the ``papers:`` entry this paper comes from."""
        return self.entry or self.name

    def applies_to(self, facts: Facts) -> bool:
        """True when the facts hold what this paper needs."""
        return self.missing(facts) is None

    def missing(self, facts: Facts) -> str | None:
        """What the facts lack for this paper and what to do, completing "the paper ... needs", or None."""
        if self.needs is not None and not getattr(facts, self.needs, None):
            return f"a '{self.needs}' section in the facts file; add it"
        if self.when is not None:
            path, values = self.when
            value = fact_at(facts, path)
            if value not in values:
                return f"{path} to be {' or '.join(values)} (it is {value}); change it"
        return None

    def title_in(self, context: Mapping[str, Any]) -> str:
        """The bookmark title: the value of :attr:`title_fact` when the context has one."""
        value: Any = context
        for part in self.title_fact.split(".") if self.title_fact else ():
            try:
                if part not in value:
                    return self.title
            except TypeError:  # not a section: no such fact
                return self.title
            value = value[part]
        return smart_quotes(str(value)) if self.title_fact and value else self.title


PAPERS: tuple[Paper, ...] = (
    Paper("summons", "summons.docx", "Summons"),
    Paper("complaint", "complaint.docx", "Complaint"),
    Paper("information-statement", "information-statement.docx", "Information Statement (Form 5)"),
    Paper("disclosure-statement", "disclosure-statement.docx", "Disclosure Statement (Form 13)"),
    Paper("motion", "motion.docx", "Motion for a Temporary Restraining Order and Preliminary Injunction",
          needs="motion", title_fact="motion.title", words="motion"),
    Paper("tro-order", "tro-order.docx", "Proposed Temporary Restraining Order", needs="motion",
          when=("motion.kind", ("tro", "both"))),
    Paper("proposed-order", "proposed-order.docx", "Proposed Preliminary Injunction Order", needs="motion",
          when=("motion.kind", ("pi", "both"))),
    Paper("declaration", "declaration.docx", "Declaration in Support", needs="declaration",
          title_fact="declaration.title"),
    Paper("notice-of-appearance", "notice-of-appearance.docx", "Notice of Appearance (Form 11)"),
    Paper("bpi-certification", "bpi-certification.docx", "Business Proprietary Information Certification (Form 17)",
          needs="determination"),
    Paper("injunction-motion", "injunction-motion.docx", "Consent Motion for a Statutory Injunction",
          needs="injunction"),
    Paper("injunction-order", "injunction-order.docx", "Proposed Order (Statutory Injunction)", needs="injunction"),
    Paper("judgment-motion", "judgment-motion.docx", "Rule 56.2 Motion for Judgment on the Agency Record",
          needs="brief", title_fact="brief.title", words="brief"),
    Paper("judgment-order", "judgment-order.docx", "Proposed Order (Judgment on the Agency Record)", needs="brief"),
    Paper(CERTIFICATE, "certificate-of-service.docx", "Certificate of Service"),
)
SHIPPED = {p.name: p for p in PAPERS}


@dataclass(frozen=True)
class Filing:
    """Papers filed together on one day: one packet, one certificate of service."""

    name: str | None  # None: the one filing of facts that list none
    title: str
    date: LegalDate
    papers: tuple[Paper, ...]  # in the packet's order, its certificate last

    @property
    def packet(self) -> str:
        """The packet's file name: ``packet-NAME.pdf``, or ``packet.pdf`` for the one filing."""
        return f"packet-{self.name}.pdf" if self.name else "packet.pdf"

    @property
    def served(self) -> tuple[Paper, ...]:
        """The papers its certificate of service names: all but the certificates (a certificate of
        compliance is part of the motion or brief it follows)."""
        return tuple(p for p in self.papers if p.listed_as != CERTIFICATE and p.certifies is None)


@dataclass(frozen=True)
class Plan:
    """What a build makes: every paper in filing order (one certificate per filing), the
    filings, and the papers in no filing (built, but in no packet)."""

    papers: tuple[Paper, ...]
    filings: tuple[Filing, ...]
    unfiled: tuple[str, ...] = ()
    # papers of the kind's filings not made yet: (paper, the fact that will give its filing's day)
    waiting: tuple[tuple[str, str], ...] = ()


def matter_papers(facts: Facts) -> list[Paper]:
    """The papers the facts list under ``papers:``, or the kind of case's papers that apply; a
    shipped paper takes its kind's template (each kind has its own summons and complaint)."""
    kind = kind_of(facts)
    if facts.papers is None:
        return [_of_kind(SHIPPED[name], kind) for name in kind.papers
                if name in SHIPPED and SHIPPED[name].applies_to(facts)]
    return [_of_kind(SHIPPED[e.name], kind) if e.template is None else
            Paper(e.name, e.template, smart_quotes(e.title or e.name), words=e.words) for e in facts.papers]


def _of_kind(paper: Paper, kind: Kind) -> Paper:
    template = kind.template_of(paper.name, paper.template)
    return paper if template == paper.template else replace(paper, template=template)


def compliance_certificate(paper: Paper) -> Paper:
    """The certificate of compliance of a motion or brief: placed right after it, in its filing."""
    return Paper(f"{COMPLIANCE}-{paper.name}", f"{COMPLIANCE}.docx", "Certificate of Compliance",
                 entry=COMPLIANCE, filing=paper.filing, certifies=paper.name)


def with_certificates(papers: list[Paper]) -> list[Paper]:
    """``papers`` with the certificate of compliance of each motion or brief right after it."""
    return [q for p in papers for q in ([p, compliance_certificate(p)] if p.words else [p])]


def plan_papers(facts: Facts, context: Mapping[str, Any]) -> Plan:
    """The papers to build and their filings; titles from ``context`` where a paper's title is a fact."""
    listed = [replace(p, title=p.title_in(context)) for p in matter_papers(facts)]
    groups = [(f.name, f.title, f.date, f.papers) for f in facts.filings]
    waiting: list[tuple[str, str]] = []
    by_clerk: set[str] = set()  # filings the Clerk serves (a summons alone): no certificate of service
    if not groups and kind_of(facts).filings:
        groups, waiting = _kind_filings(facts, listed)
        by_clerk = {f.name for f in kind_of(facts).filings if not f.certificate}
        made = {name for group in groups for name in group[3]} | {CERTIFICATE}
        listed = [p for p in listed if p.name in made]
    groups = groups or [(None, UNFILED_TITLE, facts.service.date, [p.name for p in listed if p.name != CERTIFICATE])]
    filing_of = {name: i for i, group in enumerate(groups) for name in group[3]}
    papers: list[Paper] = []
    for paper in listed:
        if paper.name == CERTIFICATE:
            papers += [replace(paper, name=certificate_name(name), entry=CERTIFICATE, filing=i)
                       for i, (name, *_) in enumerate(groups) if name not in by_clerk]
        else:
            papers.append(replace(paper, filing=filing_of.get(paper.name)))
    papers = with_certificates(papers)
    by_name = {p.name: p for p in papers}
    filings = tuple(Filing(name, title, date, tuple(
        with_certificates([by_name[n] for n in names]) + [p for p in papers if p.entry == CERTIFICATE and p.filing == i]))
        for i, (name, title, date, names) in enumerate(groups))
    return Plan(tuple(papers), filings, tuple(p.name for p in papers if p.filing is None and p.certifies is None),
                tuple(waiting))


def _kind_filings(facts: Facts, listed: list[Paper]) -> tuple[list[tuple], list[tuple[str, str]]]:
    """The kind's filings, for facts that list none: each dated by its fact, holding the listed
    papers it names; a filing whose day the facts do not give is not made (its papers wait)."""
    names = {p.name for p in listed}
    groups, waiting = [], []
    for f in kind_of(facts).filings:
        papers = [n for n in f.papers if n in names]
        day = fact_at(facts, f.date)
        if not papers:
            continue
        if day is None:
            waiting += [(n, f.date) for n in papers]
        else:
            groups.append((f.name, f.title, day, papers))
    return groups, waiting


def certificate_name(filing: str | None) -> str:
    """The file stem of a filing's certificate of service."""
    return f"{CERTIFICATE}-{filing}" if filing else CERTIFICATE


def select_papers(papers: list[Paper] | tuple[Paper, ...], only: str | None = None,
                  facts: Facts | None = None) -> list[Paper]:
    """``papers`` (a matter's, see :func:`plan_papers`), or just those named ``only``
    (``certificate-of-service`` names every filing's certificate)."""
    if only is None:
        return list(papers)
    chosen = [p for p in papers if only in (p.name, p.entry)]
    if chosen:
        return with_partners(papers, chosen)
    shipped = SHIPPED.get(only)
    if shipped and facts is not None and not shipped.applies_to(facts):
        raise FilingsError(f"the paper '{only}' needs {shipped.missing(facts)}")
    if shipped:
        raise FilingsError(f"the paper '{only}' is not in the facts' papers list; add it under 'papers:'")
    raise FilingsError(f"no paper named '{only}'; choose one of: {', '.join(p.name for p in papers)}")


def with_partners(papers: list[Paper] | tuple[Paper, ...], chosen: list[Paper]) -> list[Paper]:
    """``chosen`` with each motion's certificate of compliance and each certificate's motion: the
    certificate states the count of the motion rendered with it, so they are made together."""
    names = {p.name for p in chosen}
    names |= {p.name for p in papers if p.certifies in names} | {p.certifies for p in chosen if p.certifies}
    return [p for p in papers if p.name in names]


# --------------------------------------------------------------------------- checking the facts

def paper_problems(facts: Facts) -> Iterator[tuple[tuple, str]]:
    """What is wrong with ``papers:`` and ``filings:``, each as (location, message)."""
    yield from _listed_problems(facts)
    yield from _filing_problems(facts)


def _listed_problems(facts: Facts) -> Iterator[tuple[tuple, str]]:
    seen: dict[str, int] = {}
    for i, entry in enumerate(facts.papers or []):
        loc = ("papers", i) if entry.template is None and entry.title is None else ("papers", i, "name")
        problem = _entry_problem(facts, entry)
        if problem:
            yield loc, problem
        elif entry.name in seen:
            yield loc, f"'{entry.name}' is listed twice (first as papers.{seen[entry.name]}); list each paper once"
        seen.setdefault(entry.name, i)


def _entry_problem(facts: Facts, entry) -> str | None:
    """What is wrong with one entry of ``papers:``, or None."""
    shipped = SHIPPED.get(entry.name)
    if shipped and (entry.template or entry.title):
        return (f"'{entry.name}' is a shipped paper; list it by name alone, or give your own paper "
                "another name")
    if shipped:
        return None if shipped.applies_to(facts) else \
            f"the paper '{entry.name}' needs {shipped.missing(facts)}, or remove the paper"
    if entry.template is None and entry.title is None:
        return f"no shipped paper named '{entry.name}'{_did_you_mean(entry.name, list(SHIPPED))}" \
               " (a paper of the matter's own is written {name: ..., template: ..., title: ...})"
    if not SLUG.match(entry.name):
        return f"'{entry.name}' cannot be a file name; use lower-case letters, digits and hyphens, such as " \
               f"'{slug(entry.name)}'"
    if entry.name == "packet" or entry.name.startswith(("packet-", CERTIFICATE, COMPLIANCE)):
        return f"'{entry.name}' is kept for packets and certificates of service; give the paper another name"
    if entry.template is None or entry.title is None:
        return f"a paper of the matter's own needs a {'template' if entry.template is None else 'title'}; add it"
    if not entry.template.lower().endswith(".docx"):
        return f"its template '{entry.template}' is not a .docx file; save it from Word as .docx"
    return None


def _filing_problems(facts: Facts) -> Iterator[tuple[tuple, str]]:
    names = {p.name for p in matter_papers(facts)} if _listed_ok(facts) else set()
    first_filing: dict[str, int] = {}
    filed: dict[str, tuple[int, int]] = {}
    for n, filing in enumerate(facts.filings):
        if not SLUG.match(filing.name):
            yield ("filings", n, "name"), f"'{filing.name}' cannot be a file name; use lower-case letters, " \
                                          f"digits and hyphens, such as '{slug(filing.name)}'"
        elif filing.name in first_filing:
            yield ("filings", n, "name"), f"'{filing.name}' names two filings (first filings." \
                                          f"{first_filing[filing.name]}); give each filing its own name"
        first_filing.setdefault(filing.name, n)
        for i, name in enumerate(filing.papers):
            problem = _filed_problem(facts, names, name, filed.get(name), n)
            if problem:
                yield ("filings", n, "papers", i), problem
            filed.setdefault(name, (n, i))
        ids = [e.id for e in facts.exhibits]
        for i, ref in enumerate(filing.exhibits or []):
            if ref not in ids:
                yield ("filings", n, "exhibits", i), f"no exhibit '{ref}'{_did_you_mean(ref, ids)}; list the " \
                                                     "ids of exhibits under 'exhibits:'"


def _listed_ok(facts: Facts) -> bool:
    """True when ``papers:`` has no problem of its own (then filings are checked against it)."""
    return next(_listed_problems(facts), None) is None


def _filed_problem(facts: Facts, names: set[str], name: str, before: tuple[int, int] | None,
                   n: int) -> str | None:
    """What is wrong with paper ``name`` in filing ``n``, or None."""
    if name == CERTIFICATE:
        return "the certificate of service is made for each filing and placed last in its packet; " \
               "remove it from the list"
    if before is not None:
        where = "this filing" if before[0] == n else f"filing '{facts.filings[before[0]].name}'"
        return f"'{name}' is already in {where} (filings.{before[0]}.papers.{before[1]}); a paper is filed once"
    if not names or name in names:
        return None
    shipped = SHIPPED.get(name)
    if shipped and facts.papers is None and not shipped.applies_to(facts):
        return f"the paper '{name}' needs {shipped.missing(facts)}, or remove " \
               "the paper from this filing"
    if shipped and facts.papers is None:
        kind = kind_of(facts)
        return f"'{name}' is not a paper of the kind '{kind.name}' (its papers: {', '.join(kind.papers)}); list the " \
               "matter's papers under 'papers:', or remove it from this filing"
    if shipped:
        return f"'{name}' is not in the papers list; add it under 'papers:'"
    return f"no paper named '{name}'{_did_you_mean(name, sorted(names))}"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def slug(text: str) -> str:
    """``Motion to Expedite`` → ``motion-to-expedite``: a name that can be a file's."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "paper"
