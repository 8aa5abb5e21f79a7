"""Motion for a temporary restraining order, a preliminary injunction, or both, with its argument.

Since 2023 the CIT wants the grounds and the argument in one paper (USCIT Rule 7(b));
the paper is accompanied by the proposed order (``proposed_order.py``). What the motion
asks for follows ``motion.kind`` (``motion.title``, ``motion.remedy``): a motion for a
preliminary injunction alone never mentions a temporary restraining order. Everything
about the matter comes from the facts: the template holds only legal boilerplate, in
paragraphs of wording and simple tags.
"""
from templatekit import caption, control, heading, para, point, runs, signature_block, subheading

FILE = "motion.docx"

WINTER = "Winter v. Natural Resources Defense Council, Inc."


def build(doc):
    caption(doc, "{{ plaintiffs.possessive|upper }} {{ motion.title|upper }}")
    _opening(doc)
    _facts(doc)
    _argument(doc)
    _consultation(doc)
    heading(doc, "CONCLUSION")
    last = para(doc, "For these reasons, {{ plaintiffs.role }} respectfully {{ 'asks'|agree(plaintiffs) }} that the "
                     "Court grant this motion, issue {{ motion.remedy }}, and enter the proposed order submitted with "
                     "this motion.")
    first = len(doc.paragraphs)
    signature_block(doc, "motion.filed")
    # Keep the signature block together and with the last paragraph of the conclusion.
    for p in [last, *doc.paragraphs[first:-1]]:
        p.paragraph_format.keep_with_next = True


def _opening(doc):
    para(doc, "Pursuant to USCIT Rules 7 and 65, {{ plaintiffs.role }} {{ plaintiffs.defined }} respectfully "
              "{{ 'moves'|agree(plaintiffs) }} for {{ motion.remedy }}, and {{ 'asks'|agree(plaintiffs) }} that the "
              "Court, pending final judgment in this action, {{ motion.relief|numbered_list }}.")
    para(doc, "The grounds for the motion are stated with particularity below"
              "{% if declaration %}, and the facts on which it rests are supported by the declaration of "
              "{{ declaration.declarant.name }}{% if declaration.declarant.title %}, {{ declaration.declarant.title }}"
              "{% if declaration.declarant.organization %} of {{ declaration.declarant.organization.term }}"
              "{% endif %}{% endif %} (“Decl. of {{ declaration.declarant.name }}”), submitted with this motion"
              "{% endif %}. As USCIT Rule 7(b) requires, a proposed order accompanies this motion, and the statement "
              "of consultation required by USCIT Rule 7(f) appears below.")


def _facts(doc):
    heading(doc, "STATEMENT OF FACTS")
    subheading(doc, "The Parties{% if programs %} and the {{ 'Program'|plural(programs) }}{% endif %}")
    control(doc, "{%p for p in case.plaintiffs %}")
    control(doc, "{%p if p.description %}")
    para(doc, "{{ p.term|capfirst }} is {{ p.description }}.")
    control(doc, "{%p endif %}")
    control(doc, "{%p endfor %}")
    para(doc, "{{ defendants.role }} {{ 'is'|agree(defendants) }} {{ defendants.the_defined }}.")
    control(doc, "{%p for d in case.defendants %}")
    control(doc, "{%p if d.description %}")
    para(doc, "{{ d.term|capfirst }} is {{ d.description }}.")
    control(doc, "{%p endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p for p in programs %}")
    para(doc, "{{ p.the_defined|capfirst }} is {{ p.description }}."
              "{% if p.authority %} It is governed by {{ p.authority }}.{% endif %}"
              "{% if p.notices %} See {{ p.citations|join('; ') }}.{% endif %}"
              "{% if p.participant_since %} {{ plaintiffs.role }} {{ 'has'|agree(plaintiffs) }} participated in "
              "{{ p.term }} since {{ p.participant_since }}.{% endif %}")
    control(doc, "{%p endfor %}")

    control(doc, "{%p if events %}")
    subheading(doc, "The Events Giving Rise to This Motion")
    control(doc, "{%p for e in events %}")
    para(doc, "{% if e.date.is_day %}On{% else %}In{% endif %} {{ e.date }}"
              "{% if e.program %}, as to {{ e.program.term }}{% endif %}, {{ e.actor_mention }} {{ e.text }}"
              "{% if e.exhibit %} ({{ e.exhibit.label }}){% endif %}."
              "{% if e.effective %} The action was effective {{ e.effective }}{% if e.notice_days %}, "
              "{{ e.notice_days|words }} {{ 'day'|plural(e.notice_days) }} later{% endif %}.{% endif %}"
              "{% if e.until %} That action {% if e.expired %}remained{% else %}remains{% endif %} in effect until "
              "{{ e.until }}.{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")

    control(doc, "{%p if requests %}")
    subheading(doc, "{{ plaintiffs.possessive }} {{ 'Request'|plural(requests) }} to the Agency")
    control(doc, "{%p for r in requests %}")
    para(doc, "On {{ r.date }}, {{ r.sender_mention }} wrote to {{ r.recipient_mention }} by {{ r.channel }} and "
              "asked {{ r.asked }}{% if r.exhibit %} ({{ r.exhibit.label }}){% endif %}. "
              "{% if r.response %}On {{ r.response.date }}, {{ r.response.by_mention }} {{ r.response.text }}."
              "{% else %}{{ plaintiffs.role }} {{ 'has'|agree(plaintiffs) }} received no response to that request."
              "{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")


def _argument(doc):
    heading(doc, "ARGUMENT")
    runs(doc, [
        "A party seeking {{ motion.remedy_or }} under USCIT Rule 65 must show that it is likely to succeed on the "
        "merits, that it is likely to suffer irreparable harm in the absence of preliminary relief, that the balance "
        "of hardships tips in its favor, and that an injunction is in the public interest. ",
        (WINTER, {"italic": True}),
        ", 555 U.S. 7, 20 (2008).{% if motion.both %} The same four factors govern both forms of relief."
        "{% endif %} This action arises under {{ case.statute }}, and the Court may grant injunctive relief in it. "
        "28 U.S.C. \u00a7 2643(c)(1). Each factor favors {{ plaintiffs.role }}.",
    ])

    point(doc, "{{ plaintiffs.role }} {{ 'Is'|agree(plaintiffs) }} Likely to Succeed on the Merits")
    para(doc, "{{ plaintiffs.role }} need not prove {{ plaintiffs.their }} case at this stage; it is enough to show a "
              "likelihood of success on the merits.{% if case.residual %} The Court reviews the agency\u2019s action "
              "as provided in the Administrative Procedure Act, 28 U.S.C. \u00a7 2640(e), and will compel agency "
              "action unlawfully withheld or unreasonably delayed and set aside agency action that is arbitrary, "
              "capricious, an abuse of discretion, or otherwise not in accordance with law. "
              "5 U.S.C. \u00a7 706(1), (2)(A).{% endif %} The Complaint pleads "
              "{% if claims.several %}the following counts: {{ claims|and_list(';', attribute='cited') }}"
              "{% else %}a single count: {{ claims|and_list(attribute='cited') }}{% endif %}.")
    _sentences(doc, "motion.factors.success")

    point(doc, "{{ plaintiffs.role }} Will Suffer Irreparable Harm Without Preliminary Relief")
    runs(doc, [
        "{{ plaintiffs.role }} must show that irreparable harm is likely, not merely possible, in the absence of an "
        "injunction. ",
        ("Winter", {"italic": True}),
        ", 555 U.S. at 22. Harm is irreparable when neither money damages nor a final judgment can undo it."
        "{% if declaration %} The declaration submitted with this motion establishes the harm described below. ",
        ("See", {"italic": True}),
        " Decl. of {{ declaration.declarant.name }}.{% endif %}",
    ])
    _sentences(doc, "motion.factors.harm")

    point(doc, "The Balance of Hardships Favors {{ plaintiffs.role }}")
    runs(doc, [
        "The Court balances the competing claims of injury and considers the effect on each party of granting or "
        "withholding the requested relief. ",
        ("See Winter", {"italic": True}),
        ", 555 U.S. at 24.",
    ])
    _sentences(doc, "motion.factors.balance")

    point(doc, "The Injunction Serves the Public Interest")
    runs(doc, [
        "In deciding whether to grant an injunction, the Court pays particular regard to the public consequences of "
        "that extraordinary remedy. ",
        ("Winter", {"italic": True}),
        ", 555 U.S. at 24. Where the Government is the opposing party, the balance of hardships and the public "
        "interest merge. ",
        ("Nken v. Holder", {"italic": True}),
        ", 556 U.S. 418, 435 (2009).",
    ])
    _sentences(doc, "motion.factors.public_interest")

    point(doc, "No Security, or Only Nominal Security, Should Be Required")
    para(doc, "Under USCIT Rule 65(c), the Court may issue {{ motion.remedy_or }} if the movant gives security in an "
              "amount that the Court considers proper to pay the costs and damages sustained by any party found to "
              "have been wrongfully enjoined or restrained. The amount of security rests in the Court\u2019s "
              "discretion. {{ plaintiffs.role }} {{ 'is'|agree(plaintiffs) }} aware of no costs or damages that "
              "{{ defendants.role }} would sustain if {{ defendants.pronoun }} were later found to have been "
              "wrongfully enjoined. {{ plaintiffs.role }} therefore {{ 'asks'|agree(plaintiffs) }} that the Court "
              "require no security or, in the alternative, only nominal security.")


def _sentences(doc, path):
    """One body paragraph per sentence of a factor's argument."""
    control(doc, "{%p for s in " + path + " %}")
    para(doc, "{{ s }}")
    control(doc, "{%p endfor %}")


def _consultation(doc):
    heading(doc, "STATEMENT OF CONSULTATION")
    para(doc, "Pursuant to USCIT Rule 7(f), on {{ motion.consultation.date }}, at {{ motion.consultation.time }}, the "
              "parties conferred by {{ motion.consultation.channel }} about this motion and the relief it seeks. The "
              "participants were {{ motion.consultation.attendees|and_list(';') }}. {{ motion.consultation.outcome }} "
              "{{ defendants.role }} thus {{ 'has'|agree(defendants) }} notice of this motion.")
