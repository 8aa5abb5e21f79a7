"""Declaration under 28 U.S.C. § 1746 (unsworn declaration under penalty of perjury)."""
from templatekit import caption, control, numbered, para

FILE = "declaration.docx"

SEP = ("{% if not loop.first %}{% if loop.last %}{{ ',' if loop.length > 2 else '' }} and "
       "{% else %}, {% endif %}{% endif %}")


def build(doc):
    caption(doc, "DECLARATION OF {{ declaration.declarant.name|upper }}")
    para(doc, "{% set dd = declaration.declarant %}"
              "{% set agencies = case.defendants|rejectattr('is_person')|selectattr('kind', 'equalto', 'agency')"
              "|list %}I, {{ dd.name }}, declare as follows:")

    # Who the declarant is and why the declaration is made.
    numbered(doc, "{% if dd.title or dd.organization %}I am "
                  "{% if dd.title %}the {{ dd.title }}{% if dd.organization %} of {% endif %}"
                  "{% else %}employed by {% endif %}"
                  "{% if dd.organization %}{{ dd.organization.name }}"
                  "{% if dd.organization is sameas plaintiff %} ("
                  "{% if plaintiff.short != plaintiff.name %}“{{ plaintiff.short }}” or {% endif %}“Plaintiff”)"
                  "{% endif %}{% endif %}. {% endif %}"
                  "I submit this declaration in support of "
                  "{% if dd.organization is sameas plaintiff %}Plaintiff’s"
                  "{% else %}the{% endif %} {% if motion %}motion for injunctive relief{% else %}claims{% endif %}"
                  "{% if dd.organization is not sameas plaintiff %} of Plaintiff {{ plaintiff.name }} "
                  "(“Plaintiff”){% endif %} in this action. If called as a witness, I could and would testify "
                  "competently to the facts stated in this declaration.")
    # The statements speak of "the agency" and of the programs by role: say which they are.
    control(doc, "{%p if agencies or programs %}")
    numbered(doc, "In this declaration, "
                  "{% if agencies %}“the agency” means Defendant {{ agencies[0].name }}"
                  "{% if agencies[0].short != agencies[0].name %} (“{{ agencies[0].short }}”){% endif %}"
                  "{% if programs %}, and {% endif %}{% endif %}"
                  "{% if programs %}the program{{ 's' if programs|length > 1 else '' }} referred to "
                  "{{ 'are' if programs|length > 1 else 'is' }} "
                  "{% for p in programs %}" + SEP + "the {{ p.name }}"
                  "{% if p.short != p.name %} (“{{ p.short }}”){% endif %}{% endfor %}{% endif %}.")
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
        para(doc, "/s/ {{ dd.name }}", "Signature"),
        para(doc, "{{ dd.name }}", "Signature"),
    ]
    for p in closing:
        p.paragraph_format.keep_with_next = True
    control(doc, "{%p if dd.title %}")
    para(doc, "{{ dd.title }}", "Signature").paragraph_format.keep_with_next = True
    control(doc, "{%p endif %}")
    control(doc, "{%p if dd.organization %}")
    para(doc, "{{ dd.organization.name }}", "Signature")
    control(doc, "{%p endif %}")

