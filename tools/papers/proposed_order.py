"""Proposed order granting the motion (a temporary restraining order, a preliminary injunction, or both).

USCIT Rule 7(b) requires every motion to be accompanied by a proposed order; its title
names the motion (``motion.title``). The relief comes from ``motion.relief``: clauses that
complete "the Court should ...". The decretal clauses come from ``motion.order``, written
in the Court's voice in the facts ("Defendants shall not ...").
"""
from templatekit import caption, control, para

FILE = "proposed-order.docx"


def build(doc):
    caption(doc, "[PROPOSED] ORDER GRANTING {{ plaintiffs.possessive|upper }} {{ motion.title|upper }}")
    para(doc, "Upon consideration of {{ plaintiffs.possessive }} motion for {{ motion.remedy }}"
              "{% if declaration %}, the declaration of {{ declaration.declarant.name }} submitted in support of the "
              "motion{% endif %}, {{ defendants.possessive }} response, and all other papers and proceedings in this "
              "action, it is hereby")
    para(doc, "ORDERED that the motion is GRANTED; and it is further")
    control(doc, "{%p for item in motion.order %}")
    para(doc, "ORDERED that, pending final judgment in this action, {{ item }}; and it is further")
    control(doc, "{%p endfor %}")
    para(doc, "ORDERED that {{ plaintiffs.role }} {{ 'is'|agree(plaintiffs) }} not required to give security under "
              "USCIT Rule 65(c); and it is further")
    first = len(doc.paragraphs)
    para(doc, "ORDERED that this order remains in effect until final judgment in this action or further order of "
              "the Court.")
    para(doc, "SO ORDERED.", "Single", bold=True)
    para(doc, "", "Signature")
    para(doc, "", "Signature")
    para(doc, "______________________________", "Signature")
    para(doc, "{% if case.judge %}Hon. {{ case.judge }}, Judge{% else %}Judge{% endif %}", "Signature")
    para(doc, "", "Single")
    para(doc, "Dated: ____________________", "Caption Text")
    para(doc, "New York, New York", "Caption Text")
    # Keep the last decretal paragraph, the signature line and the date together.
    for p in doc.paragraphs[first:-1]:
        p.paragraph_format.keep_with_next = True
