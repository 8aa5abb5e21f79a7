"""Complaint (USCIT Rules 3 and 10): the pleading that commences a § 1581 action.

Numbered paragraphs (one Word list, so the numbers run on across every section) under
centered section headings. Every fact about the matter comes from the facts; the only
fixed text is pleading boilerplate that holds for any action of its kind. Each paragraph
holds only wording and simple tags: what used to be computed in the template (the side's
words, the parties' defined terms, timeliness, numbers in words) comes from named values
of the context (docs/templates.md).
"""
import re

from docx.shared import Pt

from templatekit import (ITEM, caption, control, heading, numbered, numbered_runs, para, see, signature_block,
                         subheading)

FILE = "complaint.docx"


def build(doc):
    caption(doc, "COMPLAINT", full=True)
    para(doc, "{{ plaintiffs.role }} {{ plaintiffs.defined }}, through undersigned counsel, "
              "{{ 'brings'|agree(plaintiffs) }} this action against {{ defendants.role }} {{ defendants.defined }}, "
              "and {{ 'alleges'|agree(plaintiffs) }} as follows:")
    _introduction(doc)
    _jurisdiction(doc)
    _parties(doc)
    _timeliness(doc)
    _facts(doc)
    _claims(doc)
    _prayer(doc)
    start = len(doc.paragraphs)
    signature_block(doc, "case.filed")
    doc.paragraphs[start].paragraph_format.space_before = Pt(12)
    for p in doc.paragraphs[start:-1]:  # keep the date line and the signature block on one page
        p.paragraph_format.keep_with_next = True
    _nonbreaking_citations(doc)


def _introduction(doc):
    heading(doc, "INTRODUCTION")
    numbered(doc, "This is {{ case.nature }}.")
    numbered(doc, "{{ plaintiffs.role }} {{ 'asks'|agree(plaintiffs) }} the Court to {{ relief|first }}"
                  "{% if relief.several %}, and to grant the further relief requested below{% endif %}.")


def _jurisdiction(doc):
    heading(doc, "JURISDICTION")
    numbered(doc, "This Court has {% if case.residual %}exclusive {% endif %}jurisdiction over this action under "
                  "{{ case.statute|nobreak }}{% if case.residual %}, which extends to any civil action "
                  "commenced against the United States, its agencies, or its officers that arises out of any law of "
                  "the United States providing for revenue from imports; tariffs, duties, fees, or other taxes on the "
                  "importation of merchandise for reasons other than the raising of revenue; embargoes or other "
                  "quantitative restrictions on the importation of merchandise for reasons other than the protection "
                  "of the public health or safety; or the administration and enforcement of those matters and of "
                  "the matters referred to in 28 U.S.C. § 1581(a)–(h){% endif %}.")
    control(doc, "{%p if case.residual %}")
    numbered(doc, "No other subsection of 28 U.S.C. § 1581 provides jurisdiction over {{ plaintiffs.possessive }} "
                  "claims, and any remedy available under another subsection would be manifestly inadequate.")
    numbered(doc, "{{ plaintiffs.role }} {{ 'has'|agree(plaintiffs) }} standing to commence this action under "
                  "28 U.S.C. § 2631(i) because {{ plaintiffs.pronoun }} {{ 'is'|agree(plaintiffs.pronoun) }} "
                  "adversely affected or aggrieved by agency action within the meaning of 5 U.S.C. § 702.")
    numbered(doc, "The Court reviews the actions challenged in this Complaint as provided in 5 U.S.C. § 706. "
                  "28 U.S.C. § 2640(e). Under that standard, the Court shall compel agency action unlawfully "
                  "withheld or unreasonably delayed, and shall hold unlawful and set aside agency action found to be "
                  "arbitrary, capricious, an abuse of discretion, or otherwise not in accordance with law; contrary "
                  "to constitutional right; or without observance of procedure required by law. "
                  "5 U.S.C. § 706(1), (2)(A), (2)(B), (2)(D).")
    control(doc, "{%p else %}")
    numbered(doc, "{{ plaintiffs.role }} {{ 'has'|agree(plaintiffs) }} standing to commence this action under "
                  "28 U.S.C. § 2631.")
    numbered(doc, "The Court reviews the matters challenged in this Complaint under the standard that "
                  "28 U.S.C. § 2640 prescribes for this action.")
    control(doc, "{%p endif %}")
    numbered(doc, "The Court may order any form of relief that is appropriate in a civil action, including "
                  "declaratory judgments, orders of remand, injunctions, and writs of mandamus and prohibition. "
                  "28 U.S.C. § 2643(c)(1).")


def _parties(doc):
    heading(doc, "PARTIES")
    control(doc, "{%p for p in case.plaintiffs %}")
    control(doc, "{%p if p.is_person %}")
    numbered(doc, "Plaintiff {{ p.name }} is an individual{% if p.title %} who serves as {{ p.title }}"
                  "{% if p.organization %} of {{ p.organization.name }}{% endif %}{% endif %}."
                  "{% if p.description %} {{ p.name }} is {{ p.description }}.{% endif %}")
    control(doc, "{%p else %}")
    numbered(doc, "Plaintiff {{ p.name }} is {{ p.kind|a }}{% if p.state %} organized under the laws of "
                  "{{ p.state }}{% endif %}{% if p.address %} with offices at {{ p.address|join(', ') }}{% endif %}."
                  "{% if p.description %} {{ p.term|capfirst }} is {{ p.description }}.{% endif %}")
    control(doc, "{%p endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p for d in case.defendants %}")
    control(doc, "{%p if d.capacity %}")
    numbered(doc, "Defendant {{ d.name }} is sued {{ d.in_capacity }}."
                  "{% if d.description %} {{ d.pronoun|capfirst }} {{ 'is'|agree(d.pronoun) }} "
                  "{{ d.description }}.{% endif %}")
    control(doc, "{%p elif d.description %}")
    numbered(doc, "Defendant {{ d.name }} is {{ d.description }}.")
    control(doc, "{%p elif d.is_sovereign %}")
    numbered(doc, "Defendant {{ d.name }} acts through its agencies and officers, including those whose actions "
                  "are challenged in this action.")
    control(doc, "{%p elif d.is_agency %}")
    numbered(doc, "Defendant {{ d.name }} is an agency of the United States.")
    control(doc, "{%p elif d.is_person %}")
    numbered(doc, "Defendant {{ d.name }} is an individual{% if d.title %} who serves as {{ d.title }}{% endif %}.")
    control(doc, "{%p else %}")
    numbered(doc, "Defendant {{ d.name }} is {{ d.kind|a }}{% if d.state %} organized under the laws of "
                  "{{ d.state }}{% endif %}.")
    control(doc, "{%p endif %}")
    control(doc, "{%p endfor %}")


def _timeliness(doc):
    heading(doc, "TIMELINESS")
    control(doc, "{%p if case.residual %}")
    numbered(doc, "This action is timely under 28 U.S.C. § 2636(i), which requires that a civil action within the "
                  "Court’s jurisdiction under 28 U.S.C. § 1581(i) be commenced within two years after the cause of "
                  "action first accrues.")
    control(doc, "{%p else %}")
    numbered(doc, "This action is timely under 28 U.S.C. § 2636.")
    control(doc, "{%p endif %}")
    control(doc, "{%p if case.timely %}")
    numbered(doc, "Each of {{ plaintiffs.possessive }} claims accrued no earlier than {{ case.accrued }}, when the "
                  "first of the events described below occurred. {{ plaintiffs.role }} commenced this action on "
                  "{{ case.filed }}, less than two years later.")
    control(doc, "{%p else %}")
    numbered(doc, "{{ plaintiffs.role }} commenced this action on {{ case.filed }}, less than two years after "
                  "{{ plaintiffs.their }} claims first accrued.")
    control(doc, "{%p endif %}")


def _facts(doc):
    control(doc, "{%p if programs or events or requests %}")
    heading(doc, "STATEMENT OF FACTS")
    control(doc, "{%p if programs %}")
    subheading(doc, "The {{ 'Program'|plural(programs) }} at Issue")
    control(doc, "{%p for p in programs %}")
    numbered(doc, "{{ p.the_defined|capfirst }} is {{ p.description }}."
                  "{% if p.authority %} {{ p.term|capfirst }} operates under {{ p.authority }}.{% endif %}"
                  "{% if p.notices %} Notices concerning {{ p.term }} appear at {{ p.citations|and_list }}.{% endif %}"
                  "{% if p.participant_since %} {{ plaintiffs.role }} {{ 'has'|agree(plaintiffs) }} participated in "
                  "{{ p.term }} since {{ p.participant_since }}.{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")

    control(doc, "{%p if events %}")
    subheading(doc, "The Events Giving Rise to This Action")
    control(doc, "{%p for e in events %}")
    numbered_runs(doc, [
        "{% if e.date.is_day %}On{% else %}In{% endif %} {{ e.date }}, "
        "{% if e.program %}in connection with {{ e.program.term }}, {% endif %}{{ e.actor_mention }} {{ e.text }}."
        "{% if e.effective %} The action was to take effect on {{ e.effective }}{% if e.notice_days %}, "
        "{{ e.notice_days|words }} {{ 'day'|plural(e.notice_days) }} later{% endif %}.{% endif %}"
        "{% if e.until %} By its terms, the action {% if e.expired %}remained{% else %}remains{% endif %} in effect "
        "until {{ e.until }}.{% endif %}",
        *see("e.exhibit.label", "e.exhibit.title", "e.exhibit"),
    ])
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")

    control(doc, "{%p if requests %}")
    subheading(doc, "{{ plaintiffs.possessive }} {{ 'Request'|plural(requests) }} to the Agency")
    control(doc, "{%p for r in requests %}")
    numbered_runs(doc, [
        "On {{ r.date }}, {{ r.sender_mention }} wrote to {{ r.recipient_mention }} by {{ r.channel }} and asked "
        "{{ r.asked }}.",
        *see("r.exhibit.label", "r.exhibit.title", "r.exhibit"),
        " {% if r.response %}On {{ r.response.date }}, {{ r.response.by_mention }} {{ r.response.text }}."
        "{% elif r.recipient.organization %}Neither {{ r.recipient.name }} nor anyone else at "
        "{{ r.recipient.organization.term }} has ever responded to that request."
        "{% else %}{{ r.recipient_mention|capfirst }} has never responded to that request.{% endif %}",
    ])
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")
    control(doc, "{%p endif %}")


def _claims(doc):
    heading(doc, "CLAIMS FOR RELIEF")
    control(doc, "{%p for c in claims %}")
    heading(doc, "{{ c.label|upper }}")
    count_title = heading(doc, "{{ c.title }}")
    count_title.paragraph_format.space_before = Pt(0)
    numbered(doc, "{{ plaintiffs.role }} {{ 'incorporates'|agree(plaintiffs) }} by reference the allegations of "
                  "the preceding paragraphs of this Complaint.")
    control(doc, "{%p for a in c.allegations %}")
    numbered(doc, "{{ a }}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endfor %}")


def _prayer(doc):
    heading(doc, "PRAYER FOR RELIEF")
    lead = para(doc, "WHEREFORE, {{ plaintiffs.role }} respectfully {{ 'requests'|agree(plaintiffs) }} that the "
                     "Court:")
    lead.paragraph_format.keep_with_next = True
    control(doc, "{%p for item in relief %}")
    para(doc, "{{ item }}{{ loop|series_end }}", ITEM)
    control(doc, "{%p endfor %}")


def _nonbreaking_citations(doc):
    """Keep ``28 U.S.C. § 1581`` on one line: no-break spaces inside the citations typed here."""
    for p in doc.paragraphs:
        for run in p.runs:
            text = re.sub(r"(\d+) U\.S\.C\. (§+) ", "\\1\u00a0U.S.C.\u00a0\\2\u00a0", run.text)
            if text != run.text:
                run.text = text
