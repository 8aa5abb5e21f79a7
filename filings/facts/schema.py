"""The facts of a matter: the models of the facts file, and :class:`Matter`, facts with their source.

Why one module: the models are one tree, the facts file's schema, read from :class:`Facts`
down; each field is one declaration with its description, and the JSON Schema is made from
the whole tree, so splitting it would only scatter a section's fields from its parent's.

Every field says in its ``description`` what it holds, in words for whoever edits the facts
file: ``filings schema`` (:mod:`filings.facts.scaffold`) hands them to an editor, and the
blank facts file prints those of the sections. :mod:`filings.facts.load` reads a facts file
into these models; :mod:`filings.facts.checks` checks the facts against one another.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from filings.facts.dates import LegalDate
from filings.facts.evidence import Statements
from filings.facts.actions import (Brief, Consultation, Determination, Findings, Hearing, Injunction, Notice,  # noqa: F401
                                   Protest, RecordDocument, tro_duration)
from filings.facts.fields import (_ANY_DATE, _DAY, AnyDate, Article, Day, Float, Int, Model, Ref, Text)  # noqa: F401
from filings.errors import display_path
from filings.paths import resolve_inside
from filings.facts.source import Loc, SourceMap
from filings.facts.pages import PageRange


class Organization(Model):
    """A company, agency, firm or government, named once here and elsewhere by its id."""

    name: Text = Field(description="its full name: Seko Customs Brokerage, Inc.")
    short: str | None = Field(None, description="a short name the papers use after the full one: SEKO")
    article: Article = Field("", description='"the" when the name takes it: "the United States", '
                                             '"the Office of ..."; else leave it out')
    term: str | None = Field(None, description="the defined term the papers use after the name, with its "
                                               'article: "the agency"')
    kind: str = Field("corporation", description="what it is: corporation, agency, sovereign, law firm ...")
    state: str | None = Field(None, description="the state whose laws it is organized under")
    address: list[Text] = Field([], description="its address, one line of the address per item")
    description: str | None = Field(None, description="what it is or does, as the papers say after its name")
    importer_number: str | None = Field(None, description="its importer of record number (IOR), for the record")
    parent: str | None = Field(None, description="its parent corporation (disclosure statement); none if not given")
    public_owners: list[Text] = Field([], description="publicly held companies owning 10% or more of its "
                                                      "stock (disclosure statement)")
    affiliates: list[Text] = Field([], description="publicly owned affiliates and their relationship to it "
                                                   "(disclosure statement)")
    publicly_held: bool = Field(False, description="true when it is a publicly held corporation "
                                                   "(disclosure statement)")
    real_party_in_interest: bool = Field(True, description="false when it is not the real party in interest "
                                                           "(disclosure statement)")
    real_party: str | None = Field(None, description="who is, when the party is not the real party in interest")
    litigation_funders: list[Text] = Field([], description="third parties funding this litigation "
                                                           "(disclosure statement)")


class Person(Model):
    """A person (or an office, served by its title), named once here and elsewhere by its id."""

    name: Text = Field(description="the person's full name, or the office's: Attorney General of the United States")
    title: str | None = Field(None, description="the person's title or position: Trial Attorney")
    organization: Ref | None = Field(None, description="the id of the organization the person works for")
    phone: str | None = Field(None, description="telephone number, as the signature block prints it")
    email: str | None = Field(None, description="e-mail address, as the signature block prints it")
    address: list[Text] = Field([], description="the person's own address, one line per item")
    pronoun: Literal["he", "she", "they"] | None = Field(None, description="the pronoun the papers use for "
                                                                           "the person")
    capacity: Literal["official"] | None = Field(None, description="official: a defendant sued in an official "
                                                                   "capacity (as the title says)")
    description: str | None = Field(None, description="who the person is, as the papers say after the name")
    salutation: str | None = Field(None, description='how a letter addresses the person: "Mr. Osei" (else the '
                                                     "name)")
    minor: bool = Field(False, description="true for a minor: papers may give only the initials (Rule 5.2); "
                                           "the privacy check looks for the name")


class Case(Model):
    """The action: its court number, parties, counsel and nature."""

    court_no: str | None = Field(None, description="the court number the clerk assigns (24-00097); leave it "
                                                   "empty before filing")
    judge: str | None = Field(None, description="the judge assigned to the action, once known")
    docketed: Day | None = Field(None, description="the day the Clerk docketed the action (gave it its Court No.): "
                                                   "papers of a filing before it print the blanks the Court "
                                                   "expects; when not given, every filing after the day the "
                                                   "action was commenced prints the Court No." + _DAY)
    jurisdiction: Text = Field(description="the subsection of 28 U.S.C. § 1581 the action is brought under, "
                                           "as the complaint cites it: 1581(i), 1581(i)(1)(C)–(D), 1581(c)")
    plaintiffs: list[Ref] = Field(min_length=1, description="ids of the plaintiffs (organizations or people)")
    defendants: list[Ref] = Field(min_length=1, description="ids of the defendants (organizations or people)")
    counsel: list[Ref] = Field(min_length=1, description="ids of the plaintiffs' counsel (people); the first "
                                                         "signs")
    filed: Day = Field(description="the day the action is commenced" + _DAY)
    accrued: AnyDate | None = Field(None, description="the day the claims first accrued, from which the "
                                                      "limitation period runs (filings/rules.yaml); when not "
                                                      "given, the date of the earliest event" + _ANY_DATE)
    nature: Text = Field(description='what the action is: "an action to ..." (completes "This is ...")')
    kind: str | None = Field(None, description="the kind of case (filings kinds): protest, adcvd, residual, or a "
                                               "kind of your settings.kinds; when not given, the kind of the "
                                               "jurisdiction")
    complaint_filed: Day | None = Field(None, description="the day the complaint is filed, in a kind of case "
                                                          "whose summons comes first (1581(a), 1581(c)); the "
                                                          "complaint is not made until it is given" + _DAY)
    plaintiff_intervenors: list[Ref] = Field([], description="ids of the plaintiff-intervenors, as the caption "
                                                             "names them")
    defendant_intervenors: list[Ref] = Field([], description="ids of the defendant-intervenors, as the caption "
                                                             "names them")
    related: list[Text] = Field([], description="related actions, by caption and court number")


class Program(Model):
    """A government program the case is about, named elsewhere by its id."""

    name: Text = Field(description="the program's full name: Customs-Trade Partnership Against Terrorism")
    short: str | None = Field(None, description="a short name the papers use after the full one: C-TPAT")
    article: Article = Field("the", description='"the" before the name ("the Entry Type 86 test"); "" for a '
                                                "name without one")
    term: str | None = Field(None, description='the defined term the papers use after the name: "the Program"')
    authority: str | None = Field(None, description="the law that establishes it: 6 U.S.C. §§ 961-963")
    description: Text = Field(description="what the program is, as the papers describe it")
    notices: list[Notice] = Field([], description="the Federal Register notices that govern it")
    participant_since: AnyDate | None = Field(None, description="since when the plaintiff takes part in it"
                                                                + _ANY_DATE)


class Event(Model):
    """Something that happened, as the complaint pleads it."""

    id: Ref = Field(description="a name of your choosing, by which other facts refer to the event")
    date: AnyDate = Field(description="when it happened" + _ANY_DATE)
    effective: Day | None = Field(None, description="the day it took effect, when later than its date" + _DAY)
    until: Day | None = Field(None, description="the day it lasts until" + _DAY)
    actor: Ref = Field(description="the id of the party who acted")
    program: Ref | None = Field(None, description="the id of the program it concerns")
    exhibit: Ref | None = Field(None, description="the id of the exhibit that shows it")
    text: Text = Field(description="what happened, speaking of the parties by role (Plaintiff, the agency)")


class Response(Model):
    """What the recipient did with a request: its own ``date``, ``by`` and ``text``, or the
    ``event`` (an id in ``events``) that was the response, pleaded once, in its place."""

    date: Day | None = Field(None, description="the day of the response" + _DAY)
    by: Ref | None = Field(None, description="the id of the party or person who responded")
    text: Text | None = Field(None, description="what the response said or did")
    event: Ref | None = Field(None, description="or: the id of the event that was the response (then no date, "
                                                "by or text)")


class Request(Model):
    """A request the plaintiff made before suing, and what came of it."""

    id: Ref = Field(description="a name of your choosing, by which other facts refer to the request")
    date: Day = Field(description="the day it was made" + _DAY)
    sender: Ref = Field(alias="from", description="the id of the person or party who made it")
    to: Ref = Field(description="the id of the person or party it was made to")
    channel: Text = Field(description="how it was sent: e-mail, letter, the agency's portal ...")
    asked: Text = Field(description="what it asked for, as the complaint pleads it")
    exhibit: Ref | None = Field(None, description="the id of the exhibit that is the request")
    response: Response | None = Field(None, description="what the recipient did with it; none if not given")
    letter: Text | None = Field(None, description="the request as a drafted letter puts it, in the sender's "
                                                  'voice ("that CBP identify ..."): a letter is written before '
                                                  'any suit, so it never speaks of "Plaintiff" or "this Court"')
    subject: Text | None = Field(None, description='the drafted letter\'s "Re:" line (else "Request to" the '
                                                   "recipient)")


class Claim(Model):
    """One count of the complaint."""

    title: Text = Field(description="the count's heading: Arbitrary and capricious agency action "
                                    "(5 U.S.C. § 706(2)(A))")
    allegations: list[Text] = Field(min_length=1, description="its numbered allegations, one per item")
    grounds: list[Text] = Field([], description="the grounds of review it rests on, as the kind of case names "
                                                "them (filings kinds): 706(1), 706(2)(A) ... for an APA count, "
                                                "substantial evidence or not in accordance with law for an AD/CVD "
                                                "count; when not given, read from a § 706 citation in its title")


class Factors(Model):
    """The motion's argument on each factor for an injunction."""

    success: list[Text] = Field(min_length=1, description="why the plaintiff is likely to succeed on the merits")
    harm: list[Text] = Field(min_length=1, description="the irreparable harm the plaintiff suffers without relief")
    balance: list[Text] = Field(min_length=1, description="why the balance of hardships favors the plaintiff")
    public_interest: list[Text] = Field(min_length=1, description="why relief serves the public interest")


class Motion(Model):
    """A motion for a temporary restraining order or a preliminary injunction."""

    kind: Literal["tro", "pi", "both"] = Field("both", description="tro, pi or both: a temporary restraining "
                                                                   "order, a preliminary injunction, or both")
    filed: Day = Field(description="the day the motion is filed" + _DAY)
    relief: list[Text] = Field(min_length=1, description="what the motion asks the Court to order")
    order: list[Text] = Field(min_length=1, description="the acts the proposed orders restrain or require, each "
                                                        "a decretal clause in the Court's voice that describes them "
                                                        "in full, not by reference to another document (USCIT "
                                                        "Rule 65(d)(1))")
    factors: Factors = Field(description="the argument on each factor for an injunction")
    consultation: Consultation = Field(description="counsel's consultation with the other side before filing")
    findings: Findings | None = Field(None, description="the findings the proposed orders state on each factor; "
                                                        "when not given, each finding's standard words")
    hearing: Hearing | None = Field(None, description="when the preliminary injunction will be heard, once the "
                                                      "Court has set it; the TRO order leaves a blank for the Court")
    tro_lasts: Annotated[str, BeforeValidator(tro_duration)] = Field(
        "14 days", description="how long the temporary restraining order lasts after its entry: 14 days, 72 hours "
                               "(at most 14 days, USCIT Rule 65(b)(2))")
    security: str | None = Field(None, description='the security under USCIT Rule 65(c) the orders name: an '
                                                   'amount ("$10,000"), or "none" for no security; when not '
                                                   'given, a blank for the Court to fill')


class Declaration(Model):
    """The declaration that supports the motion."""

    declarant: Ref = Field(description="the id of the person who declares")
    place: Text = Field(description="where it is signed: Schaumburg, Illinois")
    signed: Day = Field(description="the day it is signed" + _DAY)
    basis: str | None = Field(None, description="how the declarant knows the facts stated, for the whole "
                                                "declaration: as Plaintiff's compliance officer, from its records")
    statements: Statements = Field(min_length=1, description="the declarant's numbered statements, one per item: "
                                                             "text alone, or {id, text, supports, basis}")
    authenticates: dict[str, Text] = Field({}, description="how the declarant knows each exhibit it "
                                                           "authenticates, by exhibit id: I received it by e-mail "
                                                           "on May 20, 2024.")


class Service(Model):
    """How papers were served, for the certificate of service."""

    date: Day = Field(description="the day the papers were served" + _DAY)
    method: Text = Field(description="how they were served: the Court's CM/ECF system")
    served: list[Ref] = Field(min_length=1, description="ids of the people served")


class PaperEntry(Model):
    """One paper in ``papers:``: a shipped paper by its name, or the matter's own paper with
    its template and bookmark title (``{name, template, title}``)."""

    name: Text = Field(description="the paper's name: a shipped paper's (complaint), or one of the matter's own")
    template: Text | None = Field(None, description="a .docx on the template search path (the matter's "
                                                    "templates/ first)")
    title: Text | None = Field(None, description="the paper's title in the packet's bookmarks")
    words: Literal["motion", "brief", "response", "reply"] | None = Field(
        None, description="a motion or brief of the matter's own: its word limit (rules' word_limits) and its "
                          "certificate of compliance; the shipped motion is a motion")


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

    name: Text = Field(description="a short name of lowercase words and hyphens: the packet is packet-NAME.pdf")
    title: Text = Field(description='what the filing is called: "Complaint papers"')
    date: Day = Field(description="the day they are filed" + _DAY)
    papers: list[Text] = Field(min_length=1, description="paper names, in the packet's order")
    service: Service | None = Field(None, description="how they were served; the top-level service when not "
                                                      "given")
    exhibits: list[Ref] | None = Field(None, description="ids of the exhibits this filing files; by default those "
                                                         "its papers cite that no earlier filing filed")


def points(value: float | str) -> float:
    """A length in points: a number, or a string ending in pt, in, mm or cm ("1.5in")."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(pt|in|mm|cm)?\s*", str(value))
    if not match:
        raise ValueError(f"{value!r} is not a length: 72 (points), '72pt', '1in', '25.4mm' or '2.54cm'")
    return float(match.group(1)) * {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, None: 1.0}[match.group(2)]


class Redaction(Model):
    """An area of an exhibit's page redacted for good: what it covers is removed, then it is drawn black."""

    page: Int = Field(ge=1, description="the exhibit's page, from 1, as the bundle files it (not counting its "
                                        "cover)")
    box: Annotated[list[Annotated[float | str, AfterValidator(points)]], Field(min_length=4, max_length=4)] = Field(
        description="[left, top, right, bottom] measured from the page's top left corner as it is shown: points "
                    "(72 to the inch) or lengths such as '1.5in' or '20mm'")


class Exhibit(Model):
    """A document filed as an exhibit: a file, or one a template makes from the facts."""

    id: Ref = Field(description="a name of your choosing, by which other facts refer to the exhibit")
    title: Text = Field(description="what the exhibit is, as the index of exhibits lists it")
    date: AnyDate | None = Field(None, description="the document's date" + _ANY_DATE)
    description: str | None = Field(None, description="a sentence about the document, printed on its cover")
    file: str | None = Field(None, description="a PDF, DOCX, ODT, XLSX, ODS, PNG, JPEG or TIFF, relative to "
                                                  "the facts file")
    pages: PageRange | None = Field(None, description='only these pages of the file, in this order: "3-7, 12" '
                                                      "(an excerpt; its cover says which pages of how many)")
    template: str | None = Field(None, description="or a template in templates/exhibits/, rendered from the facts")
    sent_copy: str | None = Field(None, description="a template that drafts correspondence becomes an exhibit "
                                                    "only as the copy that was sent: the draft goes to "
                                                    "build/letters/, the exhibit is this file; a template exhibit "
                                                    "without it is a demonstrative (a chart, a timeline), and its "
                                                    "cover says so")
    authenticated_by: list[Ref] = Field([], description="ids of the people who can swear it is a true and "
                                                        "correct copy")
    docket: Text | None = Field(None, description='where the Court docketed it once filed ("ECF No. 2-3"): a '
                                                  "later filing cites it so instead of filing it again")
    password: str | None = Field(None, description="the password of an encrypted PDF")
    # its pages are confidential (CIT Rule 5(g)): in the public bundle a slip sheet stands in for
    # them; its title stays public unless tagged !confidential
    confidential: bool = Field(False, description="its pages are confidential (CIT Rule 5(g)): the public "
                                                  "bundle shows a slip sheet in their place")
    redact: list[Redaction] = Field([], description="areas of its pages to redact for good (the text, images "
                                                    "and drawing under each removed, then a black box drawn)")


class Bates(Model):
    """Bates numbers stamped on every page of the bundle after the index."""

    prefix: str = Field("", description="text before each number: SEKO-")
    start: Int = Field(1, ge=0, description="the first number")
    digits: Int = Field(6, ge=1, le=12, description="how many digits each number has, with leading zeros")
    position: Literal["bottom-right", "bottom-center", "bottom-left",
                      "top-right", "top-center", "top-left"] = Field("bottom-right", description="where on the "
                                                                                                 "page it goes")


class BundleSettings(Model):
    """How exhibits are labelled, numbered and split for CM/ECF."""

    labels: Literal["numbers", "letters"] = Field("numbers", description="Exhibit 1, 2 ... (numbers) or "
                                                                         "Exhibit A, B ... (letters)")
    bates: Bates = Field(Bates(), description="Bates numbers stamped on every page of the bundle after the index")
    size_limit_mb: Float = Field(35.0, gt=0, description="the largest attachment, in megabytes; a common "
                                                         "federal court figure")
    ocr: bool = Field(True, description="give scanned exhibits a searchable text layer (OCRmyPDF)")
    exhibit_stamp: bool = Field(False, description='"EXHIBIT 3" in a box on the first page of each exhibit, in '
                                                   "the Bates number's band (never over the page's content)")
    pdfa: bool = Field(False, description="write the bundle and each exhibit's file as PDF/A-2b (checked as "
                                          "written; a file that cannot be is a plain PDF and a warning)")


class OcrSettings(Model):
    """How scanned exhibits are read (when bundle.ocr is on): Tesseract's languages, and deskew."""

    languages: list[Annotated[str, Field(pattern=r"^[a-z]{3}(_[a-z]{3,4})?$")]] = Field(
        ["eng"], min_length=1, max_length=8, description="Tesseract's language codes, e.g. [eng, deu]; each needs "
                                                         "Debian's tesseract-ocr-LANG")
    deskew: bool = Field(True, description="read a straightened copy of a skewed scan; the page's image stays as "
                                           "it was (only the text layer is added)")


class Settings(Model):
    """Court practice that the notes mark unverified: settings, never constants."""


    answer_days: Int | None = Field(None, description="the answer period's days; filings/rules.yaml's (60) when "
                                                      "not given")
    bracket: Literal["single", "double"] = Field("single", description="how !confidential values are enclosed "
                                                                       "(CIT Rule 5(g)): [ ] or [[ ]]")
    # the legends of the two versions a build writes when a paper prints a confidential value
    # or an exhibit is confidential: in each page's header and above each paper's title
    confidential_legend: Text = Field("CONFIDENTIAL VERSION", description="the confidential version's legend")
    public_legend: Text = Field("PUBLIC VERSION", description="the public version's legend")
    public_deletion: Text | None = Field(None, description="what the public version prints where confidential "
                                                          "text was deleted; the brackets with three spaces "
                                                          "([   ]) when not given")
    caption: Literal["short", "full"] = Field(
        "short", description='the caption of papers after the summons and the complaint: "short" names the '
                             'first party of a side followed by "et al." when the side has several; "full" '
                             "names every party")
    allow_outside: list[Text] = Field([], description="folders outside the matter's folder whose files exhibits "
                                                      "may use (a firm's shared store): absolute, or relative to "
                                                      "the facts file's folder; ~ is expanded")
    templates: Text | None = Field(None, description="a firm's template library, searched after the matter's "
                                                     "templates/ and before the shipped ones (absolute, or "
                                                     "relative to the facts file's folder); --templates and "
                                                     "FILINGS_TEMPLATES take its place")
    exhibits_in_packet: bool = Field(True, description="each filing's packet holds the exhibits it files, after "
                                                       "the paper that first cites them; false: the packet holds "
                                                       "the papers alone and the exhibits' own files are its "
                                                       "attachments (CM/ECF practice)")
    history: Int = Field(20, ge=0, description="builds remembered in the matter's history (.filings/history) for "
                                               "`filings diff`; 0 keeps none")
    rules: dict[str, Any] = Field({}, description="changes to the court's rules (filings/rules.yaml): "
                                                  "limitation, periods, word_limits, holidays")
    kinds: dict[str, Any] = Field({}, description="changes to the kinds of case (filings/kinds.yaml), or kinds "
                                                  "of your own: templates, papers, filings, deadlines")
    ocr: OcrSettings = Field(OcrSettings(), description="OCR of scanned exhibits: languages, deskew")


class Facts(Model):
    """Everything the papers of one matter say.

    Each field's description is one line: the blank facts file prints it above its section.
    """

    settings: Settings = Field(Settings(), description="court practice a matter may change: caption, "
                                                       "brackets, legends, templates")
    organizations: dict[Ref, Organization] = Field(description="every company, agency, firm and government, "
                                                               "each under an id")
    people: dict[Ref, Person] = Field(description="every person (and office served by its title), each under "
                                                  "an id")
    case: Case = Field(description="the action: court number, jurisdiction, parties, counsel, filing day, "
                                   "nature")
    programs: dict[Ref, Program] = Field({}, description="the government programs the case is about, each "
                                                         "under an id")
    events: list[Event] = Field([], description="what happened, in order, as the complaint pleads it")
    requests: list[Request] = Field([], description="the requests the plaintiff made before suing, and the "
                                                    "responses")
    determination: Determination | None = Field(None, description="the agency determination the action "
                                                                  "contests (an AD/CVD appeal, 1581(c))")
    record: list[RecordDocument] = Field([], description="the administrative record's documents, each with an "
                                                         "id, a title and its P.R. and/or C.R. number")
    brief: Brief | None = Field(None, description="the Rule 56.2 motion for judgment on the agency record (and "
                                                  "its brief); none when left empty")
    protests: list[Protest] = Field([], description="the denied protests the action contests (1581(a)), with "
                                                    "their entries")
    injunction: Injunction | None = Field(None, description="a consent motion to enjoin liquidation of the "
                                                            "entries under review (19 U.S.C. § 1516a(c)(2))")
    claims: list[Claim] = Field(min_length=1, description="the complaint's counts, each a title and its "
                                                          "allegations")
    relief: list[Text] = Field(min_length=1, description='what the complaint asks, each completing "the Court '
                                                         'should ..."')
    motion: Motion | None = Field(None, description="a motion for a TRO or a preliminary injunction; none when "
                                                    "left empty")
    declaration: Declaration | None = Field(None, description="the declaration supporting the motion; none "
                                                              "when left empty")
    service: Service = Field(description="how the papers were served, for the certificate of service")
    exhibits: list[Exhibit] = Field([], description="the exhibits, in order: each a file, or a template the "
                                                    "facts fill")
    bundle: BundleSettings = Field(BundleSettings(), description="how exhibits are labelled, Bates-numbered "
                                                                 "and split for CM/ECF")
    papers: list[ListedPaper] | None = Field(None, description="the papers in filing order; the shipped set "
                                                               "when left empty")
    filings: list[Filing] = Field([], description="the papers grouped by the day they are filed, one packet "
                                                  "each")
    extra: dict[str, Any] = Field({}, description="free-form facts for a matter's own papers")


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
        where = display_path(self.source.file_of(loc))  # a value of a base file: that file
        if loc in lines:
            return f"{where}:{lines[loc]}"
        if len(loc) > 1 and loc[:-1] in lines:
            return f"{where}:{lines[loc[:-1]]}, under '{_dotted(loc[:-1])}'"
        return None


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def extra_value(value: Any) -> Any:
    """A value of ``extra:`` as templates see it: text written as a day (``2024-07-15``) is a date."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        return LegalDate.parse(value)
    return value


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)
