"""What a build or a check warns of: never a failure, unless ``--strict`` makes every warning one.

Rule 5.2's privacy findings, a paper in no filing, free text that counts days, what was taken
out of a template or a Word exhibit, a drafted letter with no sent copy, an exhibit no paper
cites or that no declarant authenticates, a motion its declaration does not carry, a later filing
citing an exhibit filed earlier without its docket reference, and what in a template would break or keep it
from being edited in Word. Many exhibits no paper cites make one line, not one each; every warning is
one line (:func:`one_line`: another program's message on several lines, such as OCRmyPDF's, is joined).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from filings.errors import display_path
from filings.facts.schema import Matter
from filings.facts.plan import Paper, Plan
from filings.papers.library import TemplateLibrary
from filings.facts.citations import counted_days
from filings.facts.evidence import evidence_warnings
from filings.pipeline.built import BuiltPaper
from filings.pipeline.bundles import EXHIBITS_DIR
from filings.pipeline.outputs import Progress

if TYPE_CHECKING:
    from filings.exhibits.sources import ExhibitSource
    from filings.papers.render import Renderer


def _warn_private(matter: Matter, warn: Progress) -> None:
    """Rule 5.2: what the facts or the exhibits show that a filing may show only in part."""
    from filings.court.privacy import privacy_findings

    for finding in privacy_findings(matter):
        warn(str(finding))


def _warn_unfiled(plan: Plan, warn: Progress, progress: Progress | None = None) -> None:
    """A paper in no filing is built but is in no packet: probably a filing that forgot it. A paper of
    the kind of case whose filing's day the facts do not give yet is said as news, not a warning."""
    for name in plan.unfiled:
        warn(f"the paper '{name}' is in no filing, so it is in no packet; add it to the papers of a filing")
    waiting: dict[str, list[str]] = {}
    for name, fact in plan.waiting:
        waiting.setdefault(fact, []).append(name)
    for fact, names in waiting.items():
        (progress or warn)(f"not made yet: {', '.join(names)}, until the facts give its filing's day ({fact})")


def warn_plan(matter: Matter, plan: Plan, warn: Progress, progress: Progress, checking: bool = False) -> None:
    """What a build and a check warn of in the plan: papers in no filing (and those waiting for their
    filing's day), service that does not fit a filing's papers, what the facts alone show."""
    from filings.court.service import service_warnings

    _warn_unfiled(plan, warn, progress)
    for line in service_warnings(matter.facts, plan):
        warn(line)
    _warn_facts(matter, warn, checking)
    _warn_event_dated_exhibits(matter, warn)
    _warn_filing_days(matter, plan, warn)


def _warn_filing_days(matter: Matter, plan: Plan, warn: Progress) -> None:
    """Papers of two filing days in one packet (facts that list no filings, with a motion filed later);
    a filing after the day the action was commenced whose papers print no Court No."""
    facts = matter.facts
    if not facts.filings and len(plan.filings) == 1 and facts.motion is not None \
            and facts.motion.filed != facts.case.filed:
        warn(f"{display_path(matter.path)}: the action is commenced on {facts.case.filed.iso()} and the motion filed "
             f"on {facts.motion.filed.iso()}, but the facts list no filings, so both are in one packet; list them "
             "under filings:, one per day (docs/facts.md)")
    late = [f for f in plan.filings if f.date > (facts.case.docketed or facts.case.filed)]
    if late and not facts.case.court_no:
        which = f"the filing '{late[0].name}'" if late[0].name else "the one filing of every paper"
        warn(f"{display_path(matter.path)}: {which} ({late[0].date.iso()}) comes after the action was docketed, but "
             "case.court_no is empty, so its papers print a blank Court No.; give the number the Clerk assigned")


def _warn_event_dated_exhibits(matter: Matter, warn: Progress) -> None:
    """An exhibit without a date of its own is dated by the event that cites it, which is not always
    the document's date (a notice published days after the agency acted): say so, to be confirmed."""
    facts = matter.facts
    for i, exhibit in enumerate(facts.exhibits):
        event = next((e for e in facts.events if e.exhibit == exhibit.id), None)
        if exhibit.date is None and event is not None:
            line = matter.source.line_of(("exhibits", i))
            warn(f"{display_path(matter.path)}:{line}: exhibits.{i} ({exhibit.id}) has no date of its own, so the "
                 f"index and its cover date it by the event '{event.id}' ({event.date.iso()}); give the document's "
                 "own date (date:) if it differs")


def _warn_facts(matter: Matter, warn: Progress, checking: bool = False) -> None:
    """What the facts alone show: days counted in free text, and a motion its declaration does not
    carry (an event or the harm no statement supports, an exhibit the declarant cannot authenticate)."""
    _warn_counted_days(matter, warn)
    for loc, message in evidence_warnings(matter.facts, authentication=checking):  # a build: _warn_unauthenticated
        line = matter.source.line_of(loc)
        warn(f"{display_path(matter.path)}{f':{line}' if line else ''}: {'.'.join(map(str, loc))}: {message}")


def _warn_counted_days(matter: Matter, warn: Progress) -> None:
    """Free text that counts days between events goes stale when a date changes: say where."""
    for loc, phrase in counted_days(matter.facts):
        line = matter.source.line_of(loc)
        where = f"{display_path(matter.path)}{f':{line}' if line else ''}"
        warn(f"{where}: {'.'.join(map(str, loc))}: '{phrase}' counts days in free text, which goes stale when a "
             "date changes; give the dates (an event's effective:) and let the papers count, or remove it")


def _warn_removed(renderer: Renderer, sources: list[ExhibitSource], warn: Progress) -> None:
    """Say what was taken out of a template or a Word exhibit (macros, linked pictures, ...)."""
    for name, removed in renderer.removed.items():
        warn(f"{renderer.locate(name)}: removed {_and(removed)}")
    for source in sources:
        if source.removed:
            warn(f"exhibit '{source.id}' ({source.source}): removed {_and(source.removed)}")


def _warn_unsent(matter: Matter, renderer: Renderer, sources: list[ExhibitSource], warn: Progress) -> None:
    """A template exhibit that drafts a request's letter but records no sent copy is shown as a
    demonstrative, never as the letter sent: say so, and how to make it the sent letter."""
    drafted = {r.exhibit for r in matter.facts.requests if r.exhibit}
    for source in sources:
        if source.demonstrative and source.id in drafted:
            warn(f"exhibit '{source.id}' is drafted by the template '{matter.facts.exhibits[source.index].template}' "
                 "and no sent copy is recorded, so its cover marks it a demonstrative; once the letter is sent, "
                 "record the copy (sent_copy: exhibits/...)")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _warn_uncited(matter: Matter, built: list[BuiltPaper], warn: Progress, plan: Plan | None = None) -> None:
    """An exhibit no paper cites is probably a mistake: say which; with ``plan``, also each exhibit a
    later filing cites again without its docket reference (:func:`_warn_undocketed`)."""
    if plan is not None:
        _warn_undocketed(matter, plan, built, warn)
    cited = {int(m.group(1)) for b in built for r in b.facts
             if (m := re.match(r"exhibits\.(\d+)\.(label|mark|number)$", r))}
    uncited = [e.id for i, e in enumerate(matter.facts.exhibits) if i not in cited]
    if len(uncited) <= UNCITED_EACH:
        for name in uncited:
            warn(f"exhibit '{name}' is not cited in any paper")
        return
    shown = ", ".join(uncited[:UNCITED_SHOWN]) + (f" and {len(uncited) - UNCITED_SHOWN} more"
                                                 if len(uncited) > UNCITED_SHOWN else "")
    which = f"none of the {len(uncited)} exhibits is" if not cited else f"{len(uncited)} exhibits are"
    warn(f"{which} cited in any paper: {shown}; cite each where a paper relies on it (an event's or a "
         "statement's exhibit:, or [Exhibit: id] in the facts' text), or take out those filed by mistake")


UNCITED_EACH = 3     # uncited exhibits warned of one by one; more make one line
UNCITED_SHOWN = 50   # ids that line names


def one_line(message: str, most: int = 600) -> str:
    """A warning as one line a paralegal can act on: a message from a library or another program
    (OCRmyPDF's, with Python's traceback) on several lines loses the traceback and keeps its
    first and last lines, joined; at most ``most`` characters."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    lines = [line for line in lines if not (line.startswith("Traceback (most recent call last)")
                                            or re.match(r'File ".*", line \d+', line))]
    if len(lines) > 2:
        lines = [lines[0], "\u2026", lines[-1]]
    text = " ".join(lines)
    return text if len(text) <= most else text[:most - 1] + "\u2026"


def _warn_undocketed(matter: Matter, plan: Plan, built: list[BuiltPaper], warn: Progress) -> None:
    """A later filing cites an exhibit an earlier one filed, whose docket reference the facts lack."""
    from filings.facts.filed import filed_exhibits, undocketed
    reads: dict[str, set[str]] = {}
    for b in built:  # a paper in two versions read the same
        reads.setdefault(b.paper.name, set(b.facts or b.reads))
    for message in undocketed(matter.facts, list(plan.filings), filed_exhibits(matter.facts, plan.filings, reads), reads):
        warn(message)


def _warn_unauthenticated(matter: Matter, built: list[BuiltPaper], warn: Progress) -> None:
    """A motion or brief relies on the exhibits it cites: each must be authenticated by the
    matter's declarant (``authenticated_by``), unless it is a demonstrative made for the filing."""
    declarant = matter.facts.declaration.declarant if matter.facts.declaration else None
    said: set[int] = set()
    for b in built:
        if not b.paper.words:
            continue
        for r in b.facts:
            m = re.match(r"exhibits\.(\d+)\.(label|mark|number)$", r)
            if not m or int(m.group(1)) in said:
                continue
            i = int(m.group(1))
            e = matter.facts.exhibits[i]
            if (e.template and not e.sent_copy) or (declarant and declarant in e.authenticated_by):
                continue
            said.add(i)
            if declarant is None:  # no declaration at all: naming a declarant would not help
                warn(f"exhibit '{e.id}' is cited by the {b.paper.name}, but the matter has no declaration to "
                     "authenticate it; add a 'declaration:' section (its declarant named in the exhibit's "
                     "'authenticated_by')")
                continue
            warn(f"exhibit '{e.id}' is cited by the {b.paper.name} but not authenticated by the declarant "
                 f"'{declarant}'; add 'authenticated_by' naming the declarant if they can swear to it, or a "
                 "declaration of someone who can (its author or recipient)")


def _lint(library: TemplateLibrary, context, papers: list[Paper], matter: Matter, warn: Progress) -> None:
    """Warn of what in each template used would break or keep it from being edited in Word."""
    from filings.papers.lint import lint_template
    from filings.papers.render import Renderer
    exhibit_templates = Renderer(library, context, folder=f"{EXHIBITS_DIR}/")
    paths = {Renderer(library, context).locate(p.template) for p in papers}
    paths |= {exhibit_templates.locate(e.template) for e in matter.facts.exhibits if e.template}
    for path in sorted(paths):
        for problem in lint_template(path):
            warn(str(problem))
