"""The facts of a matter: the schema, loading with line-numbered errors, cross-checks.

``load_facts(path)`` returns a :class:`Facts` or raises :class:`FactsError` listing every
problem in the file at once, each as ``facts.yaml:LINE: path.to.field: message``.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema,
                      ValidationError)
from pydantic_core import PydanticCustomError

from filings.facts.citations import citation_problems
from filings.facts.dates import LegalDate, parse_time
from filings.errors import FactsError, Problem, display_path
from filings.limits import DEFAULT_LIMITS, Limits
from filings.facts.plan import paper_problems
from filings.paths import resolve_inside
from filings.facts.rules import rule_problems
from filings.facts.source import Loc, SourceMap, load_yaml


def _day_only(value: LegalDate) -> LegalDate:
    if not value.is_day:
        raise ValueError(f"needs a full date (YYYY-MM-DD), not {value.iso()!r}")
    return value


def _not_true_false(value: object) -> object:
    """Refuse ``yes``/``no`` where a number is wanted: pydantic would count it as 1 or 0."""
    if isinstance(value, bool):
        raise PydanticCustomError("true_false_number", "true/false is not a number")
    return value


# How an editor sees these in the JSON Schema (filings schema): as the text a user writes.
_DATE_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                          {"type": "integer", "minimum": 1000, "maximum": 9999}],
                "description": "YYYY-MM-DD, YYYY-MM or YYYY"}
_DAY_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}
_TIME_SCHEMA = {"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "description": "HH:MM, 24-hour clock"}
AnyDate = Annotated[LegalDate, BeforeValidator(LegalDate.parse), WithJsonSchema(_DATE_SCHEMA)]
Day = Annotated[LegalDate, BeforeValidator(LegalDate.parse), AfterValidator(_day_only), WithJsonSchema(_DAY_SCHEMA)]
Time = Annotated[dt.time, BeforeValidator(parse_time), WithJsonSchema(_TIME_SCHEMA)]
Text = Annotated[str, Field(min_length=1)]
Ref = Annotated[str, Field(min_length=1)]  # the id of an organization, person, program or exhibit
Int = Annotated[int, BeforeValidator(_not_true_false)]
Float = Annotated[float, BeforeValidator(_not_true_false), Field(allow_inf_nan=False)]


class Model(BaseModel):
    """Base of every facts model: unknown keys are errors, values are immutable.

    A number or true/false where text is wanted is an error, never turned into text:
    YAML reads ``0700`` as 448 and ``1.50`` as 1.5, so the text would not be what was written.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              populate_by_name=True)


Article = Literal["the", ""]  # "the" before a name ("the Department of Commerce"), or none


class Organization(Model):
    name: Text
    short: str | None = None
    article: Article = ""  # "the" when the name takes it: "the United States", "the Office of ..."
    term: str | None = None  # the defined term the papers use after the name, with its article
    kind: str = "corporation"
    state: str | None = None
    address: list[Text] = []
    description: str | None = None
    parent: str | None = None
    public_owners: list[Text] = []
    affiliates: list[Text] = []
    publicly_held: bool = False
    real_party_in_interest: bool = True
    real_party: str | None = None  # who is, when the party is not the real party in interest
    litigation_funders: list[Text] = []


class Person(Model):
    name: Text
    title: str | None = None
    organization: Ref | None = None
    phone: str | None = None
    email: str | None = None
    address: list[Text] = []
    pronoun: Literal["he", "she", "they"] | None = None
    capacity: Literal["official"] | None = None  # a defendant sued in an official capacity (as ``title``)
    description: str | None = None
    salutation: str | None = None  # how a letter addresses the person: "Mr. Osei" (else the name)
    minor: bool = False  # a minor: papers may give only the initials (Rule 5.2); the privacy lint checks


class Case(Model):
    court_no: str | None = None
    judge: str | None = None
    jurisdiction: Text
    plaintiffs: list[Ref] = Field(min_length=1)
    defendants: list[Ref] = Field(min_length=1)
    counsel: list[Ref] = Field(min_length=1)
    filed: Day
    # the day the claims first accrued, from which the limitation period runs (filings/rules.yaml);
    # when not given, the date of the earliest event
    accrued: AnyDate | None = None
    nature: Text
    related: list[Text] = []  # related actions, by caption and court number


class Notice(Model):
    """A Federal Register notice."""

    volume: Int
    page: Int
    published: Day
    effective: Day | None = None


class Program(Model):
    name: Text
    short: str | None = None
    article: Article = "the"  # "the Entry Type 86 test"; "" for a name without one
    term: str | None = None  # the defined term the papers use after the name: "the Program"
    authority: str | None = None
    description: Text
    notices: list[Notice] = []
    participant_since: AnyDate | None = None


class Event(Model):
    id: Ref
    date: AnyDate
    effective: Day | None = None
    until: Day | None = None
    actor: Ref
    program: Ref | None = None
    exhibit: Ref | None = None
    text: Text


class Response(Model):
    """What the recipient did with a request: its own ``date``, ``by`` and ``text``, or the
    ``event`` (an id in ``events``) that was the response, pleaded once, in its place."""

    date: Day | None = None
    by: Ref | None = None
    text: Text | None = None
    event: Ref | None = None


class Request(Model):
    id: Ref
    date: Day
    sender: Ref = Field(alias="from")
    to: Ref
    channel: Text
    asked: Text
    exhibit: Ref | None = None
    response: Response | None = None
    # the request as a drafted letter puts it, in the sender's voice ("that CBP identify ..."):
    # a letter is written before any suit, so it never speaks of "Plaintiff" or "this Court"
    letter: Text | None = None
    subject: Text | None = None  # the drafted letter's "Re:" line (else "Request to" the recipient)


class Claim(Model):
    title: Text
    allegations: list[Text] = Field(min_length=1)


class Factors(Model):
    success: list[Text] = Field(min_length=1)
    harm: list[Text] = Field(min_length=1)
    balance: list[Text] = Field(min_length=1)
    public_interest: list[Text] = Field(min_length=1)


class Consultation(Model):
    date: Day
    time: Time
    channel: Text
    participants: list[Ref] = Field(min_length=2)
    outcome: Text


class Motion(Model):
    kind: Literal["tro", "pi", "both"] = "both"  # a temporary restraining order, a preliminary injunction, or both
    filed: Day
    relief: list[Text] = Field(min_length=1)
    order: list[Text] = Field(min_length=1)  # the proposed order's decretal clauses, in the Court's voice
    factors: Factors
    consultation: Consultation


class Declaration(Model):
    declarant: Ref
    place: Text
    signed: Day
    statements: list[Text] = Field(min_length=1)


class Service(Model):
    date: Day
    method: Text
    served: list[Ref] = Field(min_length=1)


class PaperEntry(Model):
    """One paper in ``papers:``: a shipped paper by its name, or the matter's own paper with
    its template and bookmark title (``{name, template, title}``)."""

    name: Text
    template: Text | None = None  # a .docx on the template search path (the matter's templates/ first)
    title: Text | None = None
    # a motion or brief of the matter's own: its word limit (rules' word_limits) and its certificate
    # of compliance; the shipped motion is a motion
    words: Literal["motion", "brief", "response", "reply"] | None = None


def _paper_entry(value: object) -> object:
    """``complaint`` is short for ``{name: complaint}``."""
    if isinstance(value, str):
        return {"name": value}
    if value is None:
        raise PydanticCustomError("paper_empty", "has no value; write a paper's name, or {name, template, title} "
                                                 "for a paper of the matter's own")
    if not isinstance(value, dict):
        raise PydanticCustomError("paper_entry", "is not a paper; write a paper's name, or {name, template, title} "
                                                 "for a paper of the matter's own")
    return value


ListedPaper = Annotated[PaperEntry, BeforeValidator(_paper_entry)]


class Filing(Model):
    """Papers filed together on one day: one packet, one certificate of service."""

    name: Text  # a slug: the packet is packet-NAME.pdf
    title: Text  # "Complaint papers"
    date: Day  # the day they are filed
    papers: list[Text] = Field(min_length=1)  # paper names, in the packet's order
    service: Service | None = None  # how they were served; the top-level service when not given


class Exhibit(Model):
    id: Ref
    title: Text
    date: AnyDate | None = None
    description: str | None = None
    file: str | None = None  # a PDF, DOCX, ODT, PNG, JPEG or TIFF, relative to the facts file
    template: str | None = None  # or a template in templates/exhibits/, rendered from the facts
    # a template that drafts correspondence becomes an exhibit only as the copy that was sent:
    # the draft goes to build/letters/, the exhibit is this file; a template exhibit without
    # it is a demonstrative (a chart, a timeline), and its cover says so
    sent_copy: str | None = None
    authenticated_by: list[Ref] = []  # the people who can swear it is a true and correct copy
    password: str | None = None  # for an encrypted PDF
    # its pages are confidential (CIT Rule 5(g)): in the public bundle a slip sheet stands in for
    # them; its title stays public unless tagged !confidential
    confidential: bool = Field(False, description="its pages are confidential (CIT Rule 5(g)): the public "
                                                  "bundle shows a slip sheet in their place")


class Bates(Model):
    """Bates numbers stamped on every page of the bundle after the index."""

    prefix: str = ""
    start: Int = Field(1, ge=0)
    digits: Int = Field(6, ge=1, le=12)
    position: Literal["bottom-right", "bottom-center", "bottom-left",
                      "top-right", "top-center", "top-left"] = "bottom-right"


class BundleSettings(Model):
    """How exhibits are labelled, numbered and split for CM/ECF."""

    labels: Literal["numbers", "letters"] = "numbers"
    bates: Bates = Bates()
    size_limit_mb: Float = Field(35.0, gt=0)  # per attachment; a common federal court figure
    ocr: bool = True  # give scanned exhibits a searchable text layer (OCRmyPDF)


class Settings(Model):
    """Court practice that the notes mark unverified: settings, never constants."""

    answer_days: Int | None = None  # the answer period's days; filings/rules.yaml's (60) when not given
    # how confidential values are enclosed (CIT Rule 5(g)): "single" [ ] or "double" [[ ]]
    bracket: Literal["single", "double"] = Field("single", description="how !confidential values are enclosed: "
                                                                       "[ ] or [[ ]]")
    # the legends of the two versions a build writes when a paper prints a confidential value
    # or an exhibit is confidential: in each page's header and above each paper's title
    confidential_legend: Text = Field("CONFIDENTIAL VERSION", description="the confidential version's legend")
    public_legend: Text = Field("PUBLIC VERSION", description="the public version's legend")
    # the caption of papers after the summons and the complaint: "short" names the first party of
    # a side followed by "et al." when the side has several; "full" names every party
    caption: Literal["short", "full"] = "short"
    # folders outside the matter's folder whose files exhibits may use (a firm's shared store):
    # absolute, or relative to the facts file's folder; ~ is expanded
    allow_outside: list[Text] = []
    # a firm's template library, searched after the matter's templates/ and before the shipped
    # ones (absolute, or relative to the facts file's folder); --templates and FILINGS_TEMPLATES
    # take its place
    templates: Text | None = None
    # builds remembered in the matter's history (.filings/history) for `filings diff`; 0 keeps none
    history: Int = Field(20, ge=0)
    # changes to the court's rules (filings/rules.yaml): limitation, periods, word_limits, holidays
    rules: dict[str, Any] = {}


class Facts(Model):
    """Everything the papers of one matter say."""

    settings: Settings = Settings()
    organizations: dict[Ref, Organization]
    people: dict[Ref, Person]
    case: Case
    programs: dict[Ref, Program] = {}
    events: list[Event] = []
    requests: list[Request] = []
    claims: list[Claim] = Field(min_length=1)
    relief: list[Text] = Field(min_length=1)
    motion: Motion | None = None
    declaration: Declaration | None = None
    service: Service
    exhibits: list[Exhibit] = []
    bundle: BundleSettings = BundleSettings()
    papers: list[ListedPaper] | None = None  # in filing order; the shipped set when not given
    filings: list[Filing] = []  # the papers grouped by the day they are filed
    extra: dict[str, Any] = {}  # free-form facts for a matter's own papers


class Matter:
    """Loaded facts with where they came from: the file, its lines, its confidential marks."""

    def __init__(self, facts: Facts, source: SourceMap):
        self.facts = facts
        self.source = source

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def root(self) -> Path:
        """The folder of the facts file: exhibits and other inputs are relative to it."""
        return self.source.path.parent

    def inside(self, relative: str, kind: Literal["file", "folder"] | None = "file") -> Path:
        """The real path of ``relative`` (from :attr:`root`), refused if it leaves the matter.

        It must stay inside the matter's folder or a folder of ``settings.allow_outside``;
        see :func:`filings.paths.resolve_inside` for what it raises. Read from the path it
        returns.
        """
        return resolve_inside(self.root, relative, self.facts.settings.allow_outside, kind)

    def locate_fact(self, fact: str) -> str | None:
        """Where a fact a template reads (``events.3.date``) is written: ``facts.yaml:12``; for
        one left out, its section's line (``facts.yaml:80, under 'case'``); None for a value the
        facts file does not hold (computed for templates)."""
        lines, loc = self.source.lines, ()
        for part in fact.split("."):
            index = int(part) if part.isdigit() else None
            loc += (index if index is not None and loc + (index,) in lines else part,)
        where = display_path(self.path)
        if loc in lines:
            return f"{where}:{lines[loc]}"
        if len(loc) > 1 and loc[:-1] in lines:
            return f"{where}:{lines[loc[:-1]]}, under '{_dotted(loc[:-1])}'"
        return None


def load_facts(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> Matter:
    """Load and check a facts file; raise :class:`FactsError` with every problem in it."""
    path = Path(path)
    data, source = load_yaml(path, limits)
    if not isinstance(data, dict):
        raise FactsError("the facts file must be a mapping of sections (organizations, people, case, ...)",
                         path=path, line=1)
    try:
        facts = Facts.model_validate(data)
    except ValidationError as e:
        raise FactsError(problems=_schema_problems(e, source)) from None
    problems = [Problem(f"{_dotted(loc)}: {msg}", path, source.line_of(loc))
                for loc, msg in [*check_references(facts), *paper_problems(facts), *_extra_problems(facts, source),
                                 *rule_problems(facts.settings.rules)]]
    if problems:
        raise FactsError(problems=problems)
    return Matter(facts, source)


def _schema_problems(error: ValidationError, source: SourceMap) -> list[Problem]:
    problems = []
    for err in error.errors(include_url=False):
        loc = _data_loc(err["loc"])
        message = _message(err, loc, source)
        problems.append(Problem(f"{_dotted(loc)}: {message}", source.path, source.line_of(loc)))
    problems.sort(key=lambda p: p.line or 0)
    return problems


def _data_loc(loc: tuple) -> Loc:
    """Drop pydantic's union and validator markers from an error location."""
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function-"))))


def _message(err: dict, loc: Loc, source: SourceMap) -> str:
    """One schema error as the words after ``path.to.field:``, with what to do."""
    kind, value = err["type"], err["input"]
    if kind == "extra_forbidden":
        hint = _did_you_mean(loc[-1], _fields_at(loc[:-1]))
        return f"unknown key{hint}"
    if kind == "missing":
        return "required; add it"
    if kind == "string_type" and value is None:
        return f"has no value; write it after the '{'-' if isinstance(loc[-1], int) else ':'}'"
    if kind == "string_type" and isinstance(value, (bool, int, float)):
        return _quoting_fix(loc, value, source)
    if kind == "string_too_short":
        return "is empty; write its text"
    if kind == "true_false_number":
        return f"{source.raw.get(loc, value)} is read as {str(value).lower()}; write a number"
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind.endswith("_type") or kind.endswith("_parsing"):
        message += f", got {_short(repr(value))}"
    return message


def _quoting_fix(loc: Loc, value: bool | int | float, source: SourceMap) -> str:
    """Text YAML read as a number or true/false: quote it as it was written."""
    written = source.raw.get(loc, str(value))
    reads_as = str(value).lower() if isinstance(value, bool) else "a number"
    tag = "!confidential " if loc in source.confidential else ""
    before = "-" if isinstance(loc[-1], int) else f"{loc[-1]}:"
    return (f"{written} is read as {reads_as}; put it in quotes to keep it as written: "
            f'{before} {tag}"{written}"')


def _short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, so that a long value keeps its error on one line."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _did_you_mean(word: object, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _fields_at(loc: Loc) -> list[str]:
    """The keys the schema accepts at ``loc`` (used for did-you-mean); [] where it has none."""
    tp: Any = Facts
    for part in loc:
        tp = _unwrap(tp)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list and isinstance(part, int):
            tp = args[0]
        elif origin is dict and not isinstance(part, int):
            tp = args[1]
        elif _fields(tp) and part in _fields(tp):
            tp = _fields(tp)[part].annotation
        else:
            return []
    return list(_fields(_unwrap(tp)))


def _fields(tp: Any) -> dict[str, Any]:
    """A model's fields by the key a facts file uses (its alias, if it has one); {} for other types."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {f.alias or name: f for name, f in tp.model_fields.items()}
    return {}


def _unwrap(tp: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` → ``X`` (lists and dicts are left as they are)."""
    while True:
        origin = typing.get_origin(tp)
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if origin is Annotated or (origin not in (list, dict) and origin is not None and len(args) == 1):
            tp = args[0]
        else:
            return tp


def check_references(facts: Facts) -> list[tuple[Loc, str]]:
    """Cross-field checks: every id names something, and dates come in a possible order."""
    return [*_reference_problems(facts), *_order_problems(facts), *_exhibit_sources(facts),
            *_duplicate_ids(facts), *_capacity_problems(facts), *_response_problems(facts),
            *citation_problems(facts)]


def _reference_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    parties = {**f.organizations, **f.people}
    kinds = {"party": parties, "person": f.people, "organization": f.organizations,
             "program": f.programs, "exhibit": {e.id: e for e in f.exhibits},
             "event": {e.id: e for e in f.events}}
    refs: list[tuple[Loc, str, str | None]] = []
    refs += [(("case", field, i), "party", r) for field in ("plaintiffs", "defendants")
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
    if f.declaration:
        refs.append((("declaration", "declarant"), "person", f.declaration.declarant))
    refs += [(("service", "served", i), "person", p) for i, p in enumerate(f.service.served)]
    refs += [(("filings", n, "service", "served", i), "person", p) for n, filing in enumerate(f.filings)
             if filing.service for i, p in enumerate(filing.service.served)]
    for loc, kind, ref in refs:
        if ref is not None and ref not in kinds[kind]:
            yield loc, f"no {kind} with id '{ref}'{_did_you_mean(ref, list(kinds[kind]))}"


def _order_problems(f: Facts) -> Iterator[tuple[Loc, str]]:
    filed = f.case.filed
    with_complaint = [(n, g) for n, g in enumerate(f.filings) if "complaint" in g.papers][:1]
    for n, filing in with_complaint:  # the complaint is filed the day the case is
        if filing.date != filed:
            yield (("case", "filed"), f"the action was filed {filed.iso()}, but the filing '{filing.name}' with the "
                                      f"complaint is dated {filing.date.iso()} (filings.{n}.date); make them one day")
    if f.events and filed < min(e.date for e in f.events):
        first = min(f.events, key=lambda e: e.date)
        yield (("case", "filed"), f"the action was filed {filed.iso()}, before the first event it pleads "
                                  f"('{first.id}', {first.date.iso()}); check the year")
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


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def extra_value(value: Any) -> Any:
    """A value of ``extra:`` as templates see it: text written as a day (``2024-07-15``) is a date."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        return LegalDate.parse(value)
    return value


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


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)
