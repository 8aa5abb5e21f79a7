"""Declaration under 28 U.S.C. § 1746 (unsworn declaration under penalty of perjury)."""
from templatekit import caption, control, numbered, para

FILE = "declaration.docx"


def build(doc):
    caption(doc, "DECLARATION OF {{ declaration.declarant.name|upper }}")
    para(doc, "I, {{ declaration.declarant.name }}, declare as follows:")

    # Who the declarant is and why the declaration is made.
    numbered(doc, "{% if declaration.declarant.title %}I am the {{ declaration.declarant.title }}"
                  "{% if declaration.declarant.organization %} of "
                  "{{ declaration.declarant.organization.the_defined }}{% endif %}. "
                  "{% elif declaration.declarant.organization %}I am employed by "
                  "{{ declaration.declarant.organization.the_defined }}. {% endif %}"
                  "I submit this declaration in support of {{ plaintiffs.possessive }} "
                  "{% if motion %}motion for injunctive relief{% else %}claims{% endif %} in this action. If called as "
                  "a witness, I could and would testify competently to the facts stated in this declaration.")
    # The statements speak of "the agency" and of the programs by role: say which they are.
    control(doc, "{%p if case.agency or programs %}")
    numbered(doc, "In this declaration, "
                  "{% if case.agency %}“the agency” means Defendant {{ case.agency.name }}"
                  "{% if programs %}, and {% endif %}{% endif %}"
                  "{% if programs %}the {{ 'program'|plural(programs) }} referred to {{ 'is'|agree(programs) }} "
                  "{{ programs|and_list(attribute='the_defined') }}{% endif %}.")
    control(doc, "{%p endif %}")
    control(doc, "{%p for s in declaration.statements %}")
    numbered(doc, "{{ s }}")
    control(doc, "{%p endfor %}")

    # 28 U.S.C. § 1746 closing and the declarant's signature, kept together on one page.
    closing = [
        para(doc, "I declare under penalty of perjury under the laws of the United States of America that the "
                  "foregoing is true and correct."),
        para(doc, "Executed on {{ declaration.signed }}, at {{ declaration.place }}."),
        para(doc, "", "Signature"),
        para(doc, "/s/ {{ declaration.declarant.name }}", "Signature"),
        para(doc, "{{ declaration.declarant.name }}", "Signature"),
    ]
    for p in closing:
        p.paragraph_format.keep_with_next = True
    control(doc, "{%p if declaration.declarant.title %}")
    para(doc, "{{ declaration.declarant.title }}", "Signature").paragraph_format.keep_with_next = True
    control(doc, "{%p endif %}")
    control(doc, "{%p if declaration.declarant.organization %}")
    para(doc, "{{ declaration.declarant.organization.name }}", "Signature")
    control(doc, "{%p endif %}")
