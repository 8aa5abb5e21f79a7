"""Complaint (USCIT Rules 3 and 10): the pleading that commences a § 1581 action.

Numbered paragraphs (one Word list, so the numbers run on across every section) under
centered section headings. Every fact about the matter comes from the facts; the only
fixed text is pleading boilerplate that holds for any action of its kind.
"""
import re

from docx.shared import Inches, Pt

from templatekit import NUMBERED, caption, control, heading, numbered, para, runs, signature_block, subheading

FILE = "complaint.docx"

# Template-wide helpers, defined in the opening paragraph (they print nothing):
#   residual  the action is brought under 28 U.S.C. § 1581(i)
#   agencies  the defendants that are agencies; the first is "the agency" of the facts
#   several   more than one plaintiff
#   who(x)    a person or organization as the facts name it, with role and title
#   num(n)    a whole number in words below 100 (Bluebook rule 6.2(a)), else digits
#   sep       list separators ("A and B", "A, B, and C") inside an inline for loop
SETUP = (
    "{% set residual = case.jurisdiction.startswith('1581(i)') %}"
    "{% set agencies = case.defendants|rejectattr('is_person')|selectattr('kind', 'equalto', 'agency')|list %}"
    "{% set several = case.plaintiffs|length > 1 %}"
    "{% macro who(x) %}{% if x.is_person %}{{ x.name }}"
    "{% if x in case.counsel %} (counsel for Plaintiff)"
    "{% elif x.title and x.organization %} ({{ x.organization.short }}’s {{ x.title }})"
    "{% elif x.title %} ({{ x.title }})"
    "{% elif x.organization %} of {{ x.organization.short }}{% endif %}"
    "{% else %}{{ x.short }}{% endif %}{% endmacro %}"
    "{% macro num(n) %}"
    "{% set ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', "
    "'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'] %}"
    "{% set tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] %}"
    "{% if n < 20 %}{{ ones[n] }}{% elif n < 100 %}{{ tens[n // 10] }}{% if n % 10 %}-{{ ones[n % 10] }}{% endif %}"
    "{% else %}{{ n }}{% endif %}{% endmacro %}"
)
SEP = ("{% if not loop.first %}{% if loop.last %}{{ ',' if loop.length > 2 else '' }} and "
       "{% else %}, {% endif %}{% endif %}")


def _numbered_runs(doc, parts):
    return runs(doc, parts, NUMBERED)


def _see(label_expr: str, title_expr: str, guard: str):
    """`` See Exhibit 1 (Title).`` with the signal in italics, only when ``guard`` holds."""
    return [" {% if " + guard + " %}", ("See", {"italic": True}),
            " {{ " + label_expr + " }} ({{ " + title_expr + " }}).{% endif %}"]


def build(doc):
    caption(doc, "COMPLAINT")

    # Opening paragraph: names the parties and defines the short names the facts use.
    para(doc, SETUP +
         "{% if several %}Plaintiffs "
         "{% for p in case.plaintiffs %}" + SEP + "{{ p.name }}{% if p.short != p.name %} (“{{ p.short }}”){% endif %}"
         "{% endfor %} (together, “Plaintiffs”){% else %}Plaintiff {{ plaintiff.name }} ("
         "{% if plaintiff.short != plaintiff.name %}“{{ plaintiff.short }}” or {% endif %}“Plaintiff”){% endif %}, "
         "through undersigned counsel, bring{{ '' if several else 's' }} this action against "
         "Defendant{{ 's' if case.defendants|length > 1 else '' }} "
         "{% for d in case.defendants %}" + SEP + "{{ d.name }}"
         "{% if agencies and d is sameas agencies[0] %} ({% if d.short != d.name %}“{{ d.short }}” or {% endif %}"
         "“the agency”){% elif d.short != d.name %} (“{{ d.short }}”){% endif %}{% endfor %}, "
         "and allege{{ '' if several else 's' }} as follows:")

    heading(doc, "INTRODUCTION")
    numbered(doc, "This is {{ case.nature }}.")
    numbered(doc, "Plaintiff asks the Court to {{ relief[0] }}"
                  "{% if relief|length > 1 %}, and to grant the further relief requested below{% endif %}.")

    heading(doc, "JURISDICTION")
    numbered(doc, "This Court has {% if residual %}exclusive {% endif %}jurisdiction over this action under "
                  "{{ case.statute|replace(' ', '\u00a0') }}{% if residual %}, which extends to any civil action "
                  "commenced against the United States, its agencies, or its officers that arises out of any law of the United States "
                  "providing for revenue from imports; tariffs, duties, fees, or other taxes on the importation of "
                  "merchandise for reasons other than the raising of revenue; embargoes or other quantitative "
                  "restrictions on the importation of merchandise for reasons other than the protection of the "
                  "public health or safety; or the administration and enforcement of those matters and of the "
                  "matters referred to in 28 U.S.C. § 1581(a)–(h){% endif %}.")
    control(doc, "{%p if residual %}")
    numbered(doc, "No other subsection of 28 U.S.C. § 1581 provides jurisdiction over Plaintiff’s claims, and "
                  "any remedy available under another subsection would be manifestly inadequate.")
    control(doc, "{%p endif %}")
    numbered(doc, "{% if residual %}Plaintiff has standing to commence this action under 28 U.S.C. § 2631(i) "
                  "because it is adversely affected or aggrieved by agency action within the meaning of "
                  "5 U.S.C. § 702.{% else %}Plaintiff has standing to commence this action under "
                  "28 U.S.C. § 2631.{% endif %}")
    numbered(doc, "{% if residual %}The Court reviews the actions challenged in this Complaint as provided in "
                  "5 U.S.C. § 706. 28 U.S.C. § 2640(e). Under that standard, the Court shall compel agency action "
                  "unlawfully withheld or unreasonably delayed, and shall hold unlawful and set aside agency action "
                  "found to be arbitrary, capricious, an abuse of discretion, or otherwise not in accordance with "
                  "law; contrary to constitutional right; or without observance of procedure required by law. "
                  "5 U.S.C. § 706(1), (2)(A), (2)(B), (2)(D).{% else %}The Court reviews the matters challenged "
                  "in this Complaint under the standard that 28 U.S.C. § 2640 prescribes for this action."
                  "{% endif %}")
    numbered(doc, "The Court may order any form of relief that is appropriate in a civil action, including "
                  "declaratory judgments, orders of remand, injunctions, and writs of mandamus and prohibition. "
                  "28 U.S.C. § 2643(c)(1).")

    heading(doc, "PARTIES")
    control(doc, "{%p for p in case.plaintiffs %}")
    numbered(doc, "Plaintiff {{ p.name }} is "
                  "{% if p.is_person %}an individual{% if p.title %} who serves as {{ p.title }}"
                  "{% if p.organization %} of {{ p.organization.name }}{% endif %}{% endif %}"
                  "{% else %}{{ 'an' if p.kind[:1] in 'aeiouAEIOU' else 'a' }} {{ p.kind }}"
                  "{% if p.state %} organized under the laws of {{ p.state }}{% endif %}"
                  "{% if p.address %} with offices at {{ p.address|join(', ') }}{% endif %}{% endif %}."
                  "{% if not p.is_person and p.description %} {{ p.short }} is {{ p.description }}.{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p for d in case.defendants %}")
    numbered(doc, "Defendant {{ d.name }} "
                  "{% if d.is_person %}is sued in an official capacity"
                  "{% if d.title %} as {{ d.title }}{% if d.organization %} of {{ d.organization.name }}{% endif %}"
                  "{% endif %}"
                  "{% elif d.description %}is {{ d.description }}"
                  "{% elif d.kind == 'sovereign' %}acts through its agencies and officers, including those whose "
                  "actions are challenged in this action"
                  "{% elif d.kind == 'agency' %}is an agency of the United States"
                  "{% else %}is {{ 'an' if d.kind[:1] in 'aeiouAEIOU' else 'a' }} {{ d.kind }}"
                  "{% if d.state %} organized under the laws of {{ d.state }}{% endif %}{% endif %}.")
    control(doc, "{%p endfor %}")

    heading(doc, "TIMELINESS")
    numbered(doc, "{% if residual %}This action is timely under 28 U.S.C. § 2636(i), which requires that a civil "
                  "action within the Court’s jurisdiction under 28 U.S.C. § 1581(i) be commenced within two years "
                  "after the cause of action first accrues.{% else %}This action is timely under 28 U.S.C. § 2636."
                  "{% endif %}")
    numbered(doc, "{% if events %}{% set first = events[0].date %}{% endif %}"
                  "{% if events and [first.year + 2, first.month or 1, first.day or 1] >= "
                  "[case.filed.year, case.filed.month, case.filed.day] %}"
                  "Each of Plaintiff’s claims accrued no earlier than {{ first }}, when the first of the events "
                  "described below occurred. Plaintiff commenced this action on {{ case.filed }}, less than two "
                  "years later.{% else %}Plaintiff commenced this action on {{ case.filed }}, less than two years "
                  "after its claims first accrued.{% endif %}")

    control(doc, "{%p if programs or events or requests %}")
    heading(doc, "STATEMENT OF FACTS")
    # Sub-headings are lettered A, B, C in the order the parts are present.
    control(doc, "{%p if programs %}")
    subheading(doc, "A.\tThe Program{{ 's' if programs|length > 1 else '' }} at Issue")
    control(doc, "{%p for p in programs %}")
    # After the first sentence the program is called by its short name, or "it" when it has none.
    numbered(doc, "{% set named = p.short != p.name %}"
                  "The {{ p.name }}{% if named %} (“{{ p.short }}”){% endif %} is {{ p.description }}."
                  "{% if p.authority %} {{ p.short if named else 'It' }} operates under {{ p.authority }}.{% endif %}"
                  "{% if p.notices %} Notices concerning {{ p.short if named else 'it' }} appear at "
                  "{% for n in p.notices %}" + SEP + "{{ n.citation }}"
                  "{% if n.effective %} (effective {{ n.effective|short_date }}){% endif %}{% endfor %}.{% endif %}"
                  "{% if p.participant_since %} Plaintiff has participated in "
                  "{{ p.short if named else 'the ' ~ p.name }} since "
                  "{{ p.participant_since }}.{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")

    control(doc, "{%p if events %}")
    subheading(doc, "{{ 'B' if programs else 'A' }}.\tThe Events Giving Rise to This Action")
    control(doc, "{%p for e in events %}")
    _numbered_runs(doc, [
        "{{ 'On' if e.date.is_day else 'In' }} {{ e.date }}, "
        "{% if e.program %}in connection with "
        "{% if e.program.short != e.program.name %}{{ e.program.short }}{% else %}the {{ e.program.name }}{% endif %}"
        ", {% endif %}{{ e.actor.short }} {{ e.text }}."
        "{% if e.effective %} The action was to take effect on {{ e.effective }}"
        "{% if e.date.is_day and e.notice_days %}, {{ num(e.notice_days) }} "
        "day{{ '' if e.notice_days == 1 else 's' }} later{% endif %}.{% endif %}"
        "{% if e.until %} By its terms, the action "
        "{{ 'remained' if e.until < case.filed else 'remains' }} in effect until {{ e.until }}.{% endif %}",
        *_see("e.exhibit.label", "e.exhibit.title", "e.exhibit"),
    ])
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")

    control(doc, "{%p if requests %}")
    subheading(doc, "{{ 'ABC'[(1 if programs else 0) + (1 if events else 0)] }}.\t"
                    "Plaintiff’s Request{{ 's' if requests|length > 1 else '' }} to the Agency")
    control(doc, "{%p for r in requests %}")
    _numbered_runs(doc, [
        "On {{ r.date }}, {{ who(r.sender) }} wrote to {{ who(r.recipient) }} by {{ r.channel }} and asked "
        "{{ r.asked }}.",
        *_see("r.exhibit.label", "r.exhibit.title", "r.exhibit"),
        " {% if r.response %}On {{ r.response.date }}, {{ r.response.by.short }}"
        "{% if r.response.by is not sameas r.recipient and r.response.by.is_person and r.response.by.organization %}"
        " of {{ r.response.by.organization.short }}{% endif %} {{ r.response.text }}."
        "{% elif r.recipient.is_person and r.recipient.organization %}Neither {{ r.recipient.name }} nor anyone "
        "else at {{ r.recipient.organization.short }} has ever responded to that request."
        "{% else %}{{ r.recipient.short }} has never responded to that request.{% endif %}",
    ])
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")
    control(doc, "{%p endif %}")

    heading(doc, "CLAIMS FOR RELIEF")
    control(doc, "{%p for c in claims %}")
    heading(doc, "COUNT {{ c.number|roman }}")
    count_title = heading(doc, "{{ c.title }}")
    count_title.paragraph_format.space_before = Pt(0)
    numbered(doc, "Plaintiff incorporates by reference the allegations of the preceding paragraphs of this "
                  "Complaint.")
    control(doc, "{%p for a in c.allegations %}")
    numbered(doc, "{{ a }}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endfor %}")

    heading(doc, "PRAYER FOR RELIEF")
    lead = para(doc, "WHEREFORE, Plaintiff{{ 's' if several else '' }} respectfully request{{ '' if several else 's' }} "
                     "that the Court:")
    lead.paragraph_format.keep_with_next = True
    control(doc, "{%p for item in relief %}")
    item = para(doc, "({{ 'abcdefghijklmnopqrstuvwxyz'[loop.index0] if loop.index0 < 26 else loop.index }})\t"
                     "{{ item }}{{ '.' if loop.last else ('; and' if loop.revindex == 2 else ';') }}")
    item.paragraph_format.left_indent = Inches(1.0)
    item.paragraph_format.first_line_indent = Inches(-0.5)
    control(doc, "{%p endfor %}")

    start = len(doc.paragraphs)
    signature_block(doc, "case.filed")
    doc.paragraphs[start].paragraph_format.space_before = Pt(12)
    for p in doc.paragraphs[start:-1]:  # keep the date line and the signature block on one page
        p.paragraph_format.keep_with_next = True
    _nonbreaking_citations(doc)


def _nonbreaking_citations(doc):
    """Keep ``28 U.S.C. § 1581`` on one line: no-break spaces inside the citations typed here."""
    for p in doc.paragraphs:
        for run in p.runs:
            text = re.sub(r"(\d+) U\.S\.C\. (§+) ", "\\1\u00a0U.S.C.\u00a0\\2\u00a0", run.text)
            if text != run.text:
                run.text = text
