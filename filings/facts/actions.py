"""The facts that belong to one kind of case: what an AD/CVD appeal, a protest action or a
statutory injunction is about.

A § 1581(c) action contests an agency **determination** (its notice in the Federal Register,
the plaintiff's standing as an interested party who took part in the proceeding); a
§ 1581(a) action contests denied **protests** (their numbers, ports, entries and denial); a
§ 1581(c) plaintiff moves, with the Government's consent, for an **injunction** against
liquidation of the entries under review, then for judgment on the agency **record** (its
documents, cited in facts text as ``[Record: id]``) in a Rule 56.2 **brief**. :mod:`.schema`
puts them in the facts file; :mod:`.kinds` says which kind needs which.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from filings.facts.fields import _DAY, Day, Int, Model, Ref, Text, Time


class Notice(Model):
    """A Federal Register notice."""

    volume: Int = Field(description="the Federal Register volume: 89")
    page: Int = Field(description="the page the notice begins on: 2630")
    published: Day = Field(description="the day it was published" + _DAY)
    effective: Day | None = Field(None, description="the day it takes effect" + _DAY)


class Standing(Model):
    """Why a plaintiff may contest the determination (28 U.S.C. § 2631(c))."""

    party: Ref | None = Field(None, description="the id of the plaintiff it is of; needed when there are several "
                                                "plaintiffs, each with its own standing")
    category: Text = Field(description='what kind of interested party the plaintiff is: "a foreign producer and '
                                       'exporter of the subject merchandise"')
    statute: Text = Field(description="the clause of 19 U.S.C. § 1677(9) that makes it one: 19 U.S.C. § 1677(9)(A)")
    participation: Text = Field(description='how it took part in the proceeding: "participated in the '
                                            'administrative review by filing a case brief"')


def _one_or_more(value: object) -> object:
    """One standing written as a mapping is a list of one."""
    return [value] if isinstance(value, dict) else value


class Determination(Model):
    """The determination an AD/CVD action contests (19 U.S.C. § 1516a)."""

    agency: Ref = Field(description="the id of the agency that made it: the Department of Commerce, the ITC")
    title: Text = Field(description="its title as published: Certain Steel Nails From the Socialist Republic "
                                    "of Vietnam: Final Results of Antidumping Duty Administrative Review; 2022-2023")
    description: Text = Field(description='what it is, completing "the ...": "final results of the third '
                                          'administrative review of the antidumping duty order on ..."')
    case_number: str | None = Field(None, description="the agency's case number: A-552-818")
    statute: Text = Field("19 U.S.C. § 1516a(a)(2)(B)(iii)", description="the clause of 19 U.S.C. § 1516a that "
                                                                         "makes it reviewable")
    date: Day = Field(description="the day the agency made it (signed it)" + _DAY)
    notice: Notice | None = Field(None, description="its notice in the Federal Register; the 30 days to file the "
                                                    "summons run from its publication")
    period: str | None = Field(None, description="the period it covers, as the papers print it: July 1, 2022, "
                                                 "through June 30, 2023")
    merchandise: Text = Field(description="the subject merchandise: certain steel nails from Vietnam")
    standing: Annotated[list[Standing], BeforeValidator(_one_or_more)] = Field(
        description="the plaintiff's standing to contest it; with several plaintiffs, a list: one for each "
                    "(party: its id), since each must be an interested party that took part in the proceeding")


class Entry(Model):
    """One entry of merchandise covered by a protest."""

    number: Text = Field(description="the entry number: 231-1234567-8")
    date: Day = Field(description="the day of entry" + _DAY)
    liquidated: Day | None = Field(None, description="the day it was liquidated" + _DAY)
    port: str | None = Field(None, description="its port of entry, when not the protest's")


class Protest(Model):
    """A protest the agency denied (19 U.S.C. §§ 1514-1515)."""

    number: Text = Field(description="the protest number: 2704-24-123456")
    port: Text = Field(description="the port where it was filed, with its code: Los Angeles-Long Beach Seaport (2704)")
    filed: Day = Field(description="the day it was filed" + _DAY)
    denied: Day = Field(description="the day of the denial: the mailing of its notice, or the day it was deemed "
                                    "denied" + _DAY)
    denial: Literal["notice", "deemed"] = Field("notice", description="notice: denied by a mailed notice; deemed: "
                                                                      "denied by operation of law")
    merchandise: Text = Field(description="the merchandise and what is contested: the classification of ...")
    entries: list[Entry] = Field(min_length=1, description="the entries it covers")
    duties_paid: bool = Field(description="true once all liquidated duties, charges and exactions on its entries "
                                          "are paid (28 U.S.C. § 2637(a)): the summons says so")
    denied_by: Ref | None = Field(None, description="the id of the official or office that denied it (the port "
                                                    "director), whose address the summons gives")
    filed_by: Ref | None = Field(None, description="the id of the plaintiff that filed it, when there are several "
                                                   "(standing under 28 U.S.C. § 2631(a) is the protestant's)")


class Consultation(Model):
    """Counsel's consultation with the other side before the motion."""

    date: Day = Field(description="the day counsel consulted" + _DAY)
    time: Time = Field(description='the time they consulted, HH:MM on a 24-hour clock, in quotes: "14:30"')
    channel: Text = Field(description="how: telephone, e-mail, video conference ...")
    participants: list[Ref] = Field(min_length=2, description="ids of the people who took part (at least two)")
    outcome: Text = Field(description="what the other side said: Counsel for Defendants stated that Defendants "
                                      "oppose the motion.")


class Injunction(Model):
    """A motion to enjoin liquidation of the entries under review (19 U.S.C. § 1516a(c)(2))."""

    filed: Day = Field(description="the day the motion is filed" + _DAY)
    entries: Text = Field(description="the entries to be enjoined, as the order describes them: all unliquidated "
                                      "entries of ... produced or exported by Plaintiff, entered ... during the "
                                      "period ...")
    consultation: Consultation = Field(description="counsel's consultation with the Government before filing "
                                                   "(USCIT Rule 7(f)); its outcome: Counsel for Defendant stated "
                                                   "that Defendant consents to this motion.")


class RecordDocument(Model):
    """One document of the administrative record, as the agency's index of the record lists it."""

    id: Ref = Field(description="the id facts text cites it by: [Record: final_memo], [Record: final_memo at 14]")
    title: Text = Field(description="its title in the index: Issues and Decision Memorandum for the Final Results")
    public: Int | None = Field(None, description="its number in the index of the public record: 312 (P.R. 312)")
    confidential: Int | None = Field(None, description="its number in the index of the confidential record: 98 "
                                                       "(C.R. 98)")

    @model_validator(mode="after")
    def _numbered(self) -> "RecordDocument":
        if self.public is None and self.confidential is None:
            raise ValueError("give the document's public record number (public:), its confidential record "
                             "number (confidential:), or both")
        return self


class Issue(Model):
    """An issue of law the Rule 56.2 statement presents, with the short reason for the answer."""

    issue: Text = Field(description="the question: Whether Commerce's finding that ... is supported by "
                                    "substantial evidence")
    reason: Text = Field(description="the answer in brief, and why: No. The record shows that ...")


class Subsection(Model):
    """A lettered subsection of an argument point (A., B.)."""

    heading: Text = Field(description="its heading, a sentence stating the point")
    paragraphs: list[Text] = Field(min_length=1, description="its paragraphs")


class Point(Model):
    """A numbered point of the argument (I., II.), its paragraphs and its subsections."""

    heading: Text = Field(description="its heading, a sentence stating the point")
    paragraphs: list[Text] = Field([], description="its paragraphs, before any subsection")
    subsections: list[Subsection] = Field([], description="its lettered subsections, after its paragraphs")


class Brief(Model):
    """The Rule 56.2 motion for judgment on the agency record: since 2023 the motion and its brief are
    one document (USCIT Rule 56.2, as amended)."""

    filed: Day = Field(description="the day it is filed" + _DAY)
    title: str | None = Field(None, description="its title, when not Rule 56.2 Motion for Judgment on the "
                                                "Agency Record")
    relief: list[Text] = Field(min_length=1, description='what it asks, each completing "the Court should ...": '
                                                         "hold that ...; remand ...")
    issues: list[Issue] = Field(min_length=1, description="the issues of law presented (Rule 56.2 statement), "
                                                          "each with its short reason")
    facts: list[Text] = Field(min_length=1, description="the statement of facts, one paragraph per item; cite "
                                                        "the record as [Record: id] or [Record: id at 14]")
    standard: list[Text] = Field([], description="the standard of review, one paragraph per item; left empty, "
                                                 "the template's")
    argument: list[Point] = Field(min_length=1, description="the argument: numbered points, each a heading, "
                                                            "paragraphs and lettered subsections")
    conclusion: list[Text] = Field(min_length=1, description="the conclusion, one paragraph per item")


class Hearing(Model):
    """When the Court will hear the motion for a preliminary injunction (USCIT Rule 65(b)(3))."""

    date: Day = Field(description="the day of the hearing" + _DAY)
    time: Time | None = Field(None, description='its time, HH:MM on a 24-hour clock, in quotes: "10:00"')


class Findings(Model):
    """The findings the proposed orders ask the Court to make, one on each factor, in the Court's voice."""

    success: Text = Field(description="on the likelihood of success: Plaintiff has shown that it is likely to "
                                      "succeed on its claim that ...")
    harm: Text = Field(description="on irreparable harm: Plaintiff will likely suffer irreparable harm ...")
    balance: Text = Field(description="on the balance of hardships")
    public_interest: Text = Field(description="on the public interest")


_LASTS = re.compile(r"^\s*(\d+)\s+(day|days|hour|hours)\s*$")


def tro_duration(value: object) -> object:
    """``14 days`` or ``72 hours``: how long a temporary restraining order lasts, at most 14 days
    (USCIT Rule 65(b)(2)); a bare number is days."""
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        text = f"{text} days"
    m = _LASTS.match(text)
    if not m:
        raise ValueError(f"not a duration: {value!r}; write a number of days or hours: 14 days, 72 hours")
    n, unit = int(m.group(1)), m.group(2).rstrip("s")
    if n < 1 or (n > 14 if unit == "day" else n > 14 * 24):
        raise ValueError(f"{text}: a temporary restraining order lasts at most 14 days unless extended "
                         "(USCIT Rule 65(b)(2)); give 14 days or less")
    return f"{n} {unit}{'s' if n != 1 else ''}"
