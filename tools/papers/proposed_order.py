"""Proposed order granting the motion for a temporary restraining order and preliminary injunction.

USCIT Rule 7(b) requires every motion to be accompanied by a proposed order. The relief
comes from ``motion.relief``: clauses that complete "the Court should ...". The decretal
clauses come from ``motion.order``, written in the Court's voice in the facts ("Defendants
shall not ...").
"""
from templatekit import caption, control, para

FILE = "proposed-order.docx"

# Possessives are literal text, typeset with the curly apostrophe the templates use.
PLAINTIFFS_POSS = "Plaintiff{% if case.plaintiffs|length > 1 %}s\u2019{% else %}\u2019s{% endif %}"
DEFENDANTS_POSS = "Defendant{% if case.defendants|length > 1 %}s\u2019{% else %}\u2019s{% endif %}"


def build(doc):
    caption(doc, "[PROPOSED] ORDER")
    para(doc, "Upon consideration of " + PLAINTIFFS_POSS + " motion for a temporary restraining order "
              "and a preliminary injunction"
              "{% if declaration %}, the declaration of {{ declaration.declarant.name }} submitted in "
              "support of the motion{% endif %}, " + DEFENDANTS_POSS + " response, and all other papers "
              "and proceedings in this action, it is hereby")
    para(doc, "ORDERED that the motion is GRANTED; and it is further")
    control(doc, "{%p for item in motion.order %}")
    para(doc, "ORDERED that, pending final judgment in this action, {{ item }}; and it is further")
    control(doc, "{%p endfor %}")
    para(doc, "ORDERED that " + "{{ 'Plaintiffs are' if case.plaintiffs|length > 1 else 'Plaintiff is' }}"
              " not required to give security under USCIT Rule 65(c); and it is further")
    first = len(doc.paragraphs)
    para(doc, "ORDERED that this order remains in effect until final judgment in this action or "
              "further order of the Court.")
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
