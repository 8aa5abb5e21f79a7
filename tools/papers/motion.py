"""Motion for a temporary restraining order and preliminary injunction, with its argument.

Since 2023 the CIT wants the grounds and the argument in one paper (USCIT Rule 7(b));
the paper is accompanied by the proposed order (``proposed_order.py``). Everything
about the matter comes from the facts: the template holds only legal boilerplate.
"""
from templatekit import caption, control, heading, para, runs, signature_block, subheading

FILE = "motion.docx"

# Last words of agency names that take "the" ("the U.S. International Trade Commission").
ARTICLE_NOUNS = ("['Commission', 'Service', 'Administration', 'Office', 'Representative', "
                 "'Agency', 'Bureau', 'Department']")

# Jinja helpers, defined at the start of the first paragraph (they print nothing).
#   ns.seen   parties already introduced: a person is described in full once, then by name
#   who(x)    a party as the facts statement names it
#   onin(d)   "On May 20, 2024" / "In July 2023" / "In 2019"
#   number(n) a count spelled out up to ten, as legal prose writes it
#   plural(n) "s" unless n is 1
MACROS = (
    "{% set ns = namespace(seen=[]) %}"
    "{% macro who(x) %}"
    "{% if not x.is_person and x.kind in ['sovereign', 'agency'] and (x.short == x.name or x not in ns.seen)"
    " and (x.name == 'United States' or ' of ' in x.name or x.name.split()[-1] in " + ARTICLE_NOUNS + ") %}"
    "the {% endif %}"
    "{% if x in ns.seen %}{{ x.short }}"
    "{% else %}{% set ns.seen = ns.seen + [x] %}"
    "{% if x.is_person %}{{ x.name }}"
    "{% if x in case.counsel %} (counsel for Plaintiff{{ 's' if case.plaintiffs|length > 1 }})"
    "{% elif x.title and x.organization %} ({{ x.title }}, {{ x.organization.short }})"
    "{% elif x.title %} ({{ x.title }})"
    "{% elif x.organization %} ({{ x.organization.short }})"
    "{% endif %}"
    "{% else %}{{ x.name }}{% if x.short != x.name %} (\u201c{{ x.short }}\u201d){% endif %}"
    "{% endif %}{% endif %}"
    "{% endmacro %}"
    "{% macro onin(d) %}{{ 'On' if d.is_day else 'In' }} {{ d }}{% endmacro %}"
    "{% macro number(n) %}{{ ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', "
    "'eight', 'nine', 'ten'][n] if 0 <= n <= 10 else n }}{% endmacro %}"
    "{% macro plural(n) %}{{ '' if n == 1 else 's' }}{% endmacro %}"
)

PLURAL_P = "{{ 's' if case.plaintiffs|length > 1 }}"
# Possessives are literal text, typeset with the curly apostrophe the templates use.
PLURAL_P_POSS = "{% if case.plaintiffs|length > 1 %}s\u2019{% else %}\u2019s{% endif %}"
PLURAL_D = "{{ 's' if case.defendants|length > 1 }}"
WINTER = "Winter v. Natural Resources Defense Council, Inc."


def build(doc):
    caption(doc, "PLAINTIFF{% if case.plaintiffs|length > 1 %}S\u2019{% else %}\u2019S{% endif %} MOTION FOR A "
                 "TEMPORARY RESTRAINING ORDER AND PRELIMINARY INJUNCTION")
    _opening(doc)
    _facts(doc)
    _argument(doc)
    _consultation(doc)
    heading(doc, "CONCLUSION")
    last = para(doc, "For these reasons, Plaintiff" + PLURAL_P + " respectfully ask"
                     "{{ '' if case.plaintiffs|length > 1 else 's' }} that the Court grant this motion, "
                     "issue a temporary restraining order and a preliminary injunction, and enter the "
                     "proposed order submitted with this motion.")
    first = len(doc.paragraphs)
    signature_block(doc, "motion.filed")
    # Keep the signature block together and with the last paragraph of the conclusion.
    for p in [last, *doc.paragraphs[first:-1]]:
        p.paragraph_format.keep_with_next = True


def _opening(doc):
    para(doc, MACROS +
         "{% if case.plaintiffs|length > 1 %}"
         "Pursuant to USCIT Rules 7 and 65, Plaintiffs {{ case.plaintiffs|and_list }} respectfully move"
         "{% for p in case.plaintiffs %}{% set ns.seen = ns.seen + [p] %}{% endfor %}"
         "{% else %}"
         "Pursuant to USCIT Rules 7 and 65, Plaintiff {{ who(plaintiff) }} respectfully moves"
         "{% endif %}"
         " for a temporary restraining order and a preliminary injunction, and ask"
         "{{ '' if case.plaintiffs|length > 1 else 's' }} that the Court, pending final judgment in "
         "this action, "
         "{% for item in motion.relief %}"
         "{% if motion.relief|length > 1 %}({{ loop.index }}) {% endif %}{{ item }}"
         "{% if not loop.last %}{{ '; and ' if loop.revindex == 2 else '; ' }}{% endif %}"
         "{% endfor %}.")
    para(doc, "The grounds for the motion are stated with particularity below"
              "{% if declaration %}, and the facts on which it rests are supported by the declaration "
              "of {{ declaration.declarant.name }}"
              "{% if declaration.declarant.title %}, {{ declaration.declarant.title }}"
              "{% if declaration.declarant.organization %} of "
              "{{ declaration.declarant.organization.short }}{% endif %}{% endif %}"
              " (\u201cDecl. of {{ declaration.declarant.name }}\u201d), submitted with this motion"
              "{% endif %}. As USCIT Rule 7(b) requires, a proposed order accompanies this motion, "
              "and the statement of consultation required by USCIT Rule 7(f) appears below.")


def _facts(doc):
    heading(doc, "STATEMENT OF FACTS")
    subheading(doc, "A.\tThe Parties{% if programs %} and the Programs{% endif %}")
    control(doc, "{%p if not plaintiff.is_person and plaintiff.description %}")
    para(doc, "{{ who(plaintiff) }} is {{ plaintiff.description }}.")
    control(doc, "{%p endif %}")
    para(doc, "Defendant" + PLURAL_D + " {{ 'are' if case.defendants|length > 1 else 'is' }} "
              "{% for d in case.defendants %}"
              "{% if not loop.first %}{% if loop.last %}{{ ' and ' if loop.length == 2 else ', and ' }}"
              "{% else %}, {% endif %}{% endif %}"
              "{{ who(d) }}"
              "{% endfor %}."
              "{% for d in case.defendants %}{% if not d.is_person and d.description %}"
              " {{ d.short }} is {{ d.description }}.{% endif %}{% endfor %}")
    control(doc, "{%p for p in programs %}")
    para(doc, "The {{ p.name }}{% if p.short != p.name %} (\u201c{{ p.short }}\u201d){% endif %} is "
              "{{ p.description }}."
              "{% if p.authority %} It is governed by {{ p.authority }}"
              "{% if p.notices %}; see {% endif %}"
              "{% elif p.notices %} See {% endif %}"
              "{% for n in p.notices %}{{ n.citation }}"
              "{% if n.effective %} (effective {{ n.effective|short_date }}){% endif %}"
              "{{ '; ' if not loop.last }}{% endfor %}"
              "{{ '.' if p.authority or p.notices }}"
              "{% if p.participant_since %} Plaintiff" + PLURAL_P + " {{ 'have' if case.plaintiffs|length > 1 else 'has' }}"
              " participated in the program since {{ p.participant_since }}.{% endif %}")
    control(doc, "{%p endfor %}")

    control(doc, "{%p if events %}")
    subheading(doc, "B.\tThe Events Giving Rise to This Motion")
    control(doc, "{%p for e in events %}")
    para(doc, "{{ onin(e.date) }}"
              "{% if e.program %}, as to the {{ e.program.short }}"
              "{{ ' program' if e.program.short != e.program.name and 'program' not in (e.program.short|lower) }}"
              "{% endif %}, {{ who(e.actor) }} {{ e.text }}"
              "{% if e.exhibit %} ({{ e.exhibit.label }}){% endif %}."
              "{% if e.effective %} The action was effective {{ e.effective }}, "
              "{{ number(e.notice_days) }} day{{ plural(e.notice_days) }} later.{% endif %}"
              "{% if e.until %} That action remains in effect until {{ e.until }}.{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")

    control(doc, "{%p if requests %}")
    subheading(doc, "{{ 'C' if events else 'B' }}.\tPlaintiff" + PLURAL_P_POSS + " Requests to the Agency")
    control(doc, "{%p for r in requests %}")
    para(doc, "On {{ r.date }}, {{ who(r.sender) }} wrote to {{ who(r.recipient) }} by {{ r.channel }} "
              "and asked {{ r.asked }}{% if r.exhibit %} ({{ r.exhibit.label }}){% endif %}. "
              "{% if r.response %}On {{ r.response.date }}, {{ who(r.response.by) }} {{ r.response.text }}."
              "{% else %}Plaintiff has received no response to that request.{% endif %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endif %}")


def _argument(doc):
    heading(doc, "ARGUMENT")
    runs(doc, [
        "A party seeking a temporary restraining order or a preliminary injunction under USCIT "
        "Rule 65 must show that it is likely to succeed on the merits, that it is likely to suffer "
        "irreparable harm in the absence of preliminary relief, that the balance of hardships tips "
        "in its favor, and that an injunction is in the public interest. ",
        (WINTER, {"italic": True}),
        ", 555 U.S. 7, 20 (2008). The same four factors govern both forms of relief. This action "
        "arises under {{ case.statute }}, and the Court may grant injunctive relief in it. "
        "28 U.S.C. \u00a7 2643(c)(1). Each factor favors Plaintiff" + PLURAL_P + ".",
    ])

    subheading(doc, "I.\tPlaintiff" + PLURAL_P + " {{ 'Are' if case.plaintiffs|length > 1 else 'Is' }} Likely to Succeed on the Merits")
    para(doc, "Plaintiff" + PLURAL_P + " need not prove {{ 'their' if case.plaintiffs|length > 1 else 'its' }}"
              " case at this stage; it is enough to show a likelihood of success on the merits."
              "{% if case.jurisdiction == '1581(i)' %} The Court reviews the agency\u2019s action as "
              "provided in the Administrative Procedure Act, 28 U.S.C. \u00a7 2640(e), and will compel "
              "agency action unlawfully withheld or unreasonably delayed and set aside agency action "
              "that is arbitrary, capricious, an abuse of discretion, or otherwise not in accordance "
              "with law. 5 U.S.C. \u00a7 706(1), (2)(A).{% endif %}"
              " The Complaint pleads {{ 'a single count' if claims|length == 1 else 'the following counts' }}: "
              "{% for c in claims %}"
              "{% if not loop.first %}{{ '; and ' if loop.last else '; ' }}{% endif %}"
              "Count {{ c.number|roman }}, {{ c.title }}"
              "{% endfor %}.")
    _sentences(doc, "motion.factors.success")

    subheading(doc, "II.\tPlaintiff" + PLURAL_P + " Will Suffer Irreparable Harm Without Preliminary Relief")
    runs(doc, [
        "Plaintiff" + PLURAL_P + " must show that irreparable harm is likely, not merely possible, "
        "in the absence of an injunction. ",
        ("Winter", {"italic": True}),
        ", 555 U.S. at 22. Harm is irreparable when neither money damages nor a final judgment "
        "can undo it.{% if declaration %} The declaration submitted with this motion establishes "
        "the harm described below. {% endif %}",
        ("{% if declaration %}See{% endif %}", {"italic": True}),
        "{% if declaration %} Decl. of {{ declaration.declarant.name }}.{% endif %}",
    ])
    _sentences(doc, "motion.factors.harm")

    subheading(doc, "III.\tThe Balance of Hardships Favors Plaintiff" + PLURAL_P)
    runs(doc, [
        "The Court balances the competing claims of injury and considers the effect on each party "
        "of granting or withholding the requested relief. ",
        ("See Winter", {"italic": True}),
        ", 555 U.S. at 24.",
    ])
    _sentences(doc, "motion.factors.balance")

    subheading(doc, "IV.\tThe Injunction Serves the Public Interest")
    runs(doc, [
        "In deciding whether to grant an injunction, the Court pays particular regard to the "
        "public consequences of that extraordinary remedy. ",
        ("Winter", {"italic": True}),
        ", 555 U.S. at 24. Where the Government is the opposing party, the balance of hardships "
        "and the public interest merge. ",
        ("Nken v. Holder", {"italic": True}),
        ", 556 U.S. 418, 435 (2009).",
    ])
    _sentences(doc, "motion.factors.public_interest")

    subheading(doc, "V.\tNo Security, or Only Nominal Security, Should Be Required")
    para(doc, "Under USCIT Rule 65(c), the Court may issue a temporary restraining order or a "
              "preliminary injunction if the movant gives security in an amount that the Court "
              "considers proper to pay the costs and damages sustained by any party found to have "
              "been wrongfully enjoined or restrained. The amount of security rests in the Court\u2019s "
              "discretion. Plaintiff" + PLURAL_P + " {{ 'are' if case.plaintiffs|length > 1 else 'is' }}"
              " aware of no costs or damages that Defendant" + PLURAL_D + " would sustain if "
              "{{ 'they were' if case.defendants|length > 1 else 'it were' }} later found to have been "
              "wrongfully enjoined. Plaintiff" + PLURAL_P + " therefore ask"
              "{{ '' if case.plaintiffs|length > 1 else 's' }} that the Court require no security or, "
              "in the alternative, only nominal security.")


def _sentences(doc, path):
    """One body paragraph per sentence of a factor's argument."""
    control(doc, "{%p for s in " + path + " %}")
    para(doc, "{{ s }}")
    control(doc, "{%p endfor %}")


def _consultation(doc):
    heading(doc, "STATEMENT OF CONSULTATION")
    para(doc, "Pursuant to USCIT Rule 7(f), on {{ motion.consultation.date }}, at "
              "{{ motion.consultation.time }}, the parties conferred by {{ motion.consultation.channel }} "
              "about this motion and the relief it seeks. The participants were "
              "{% for p in motion.consultation.participants %}"
              "{% if not loop.first %}{{ '; and ' if loop.last else '; ' }}{% endif %}"
              "{{ p.name }}"
              "{% if p.title or p.organization %} ("
              "{% if p.title %}{{ p.title }}{{ ', ' if p.organization }}{% endif %}"
              "{% if p.organization %}{{ p.organization.name }}{% endif %}){% endif %}, "
              "{% if p in case.counsel %}counsel for Plaintiff" + PLURAL_P +
              "{% elif p.organization and p.organization in case.plaintiffs %}for Plaintiff" + PLURAL_P +
              "{% elif p.organization and p.organization in case.defendants %}for Defendant" + PLURAL_D +
              "{% elif p.organization and p.organization is sameas signer.organization %}"
              "counsel for Plaintiff" + PLURAL_P +
              "{% else %}for Defendant" + PLURAL_D + "{% endif %}"
              "{% endfor %}. {{ motion.consultation.outcome }} Defendant" + PLURAL_D +
              " thus {{ 'have' if case.defendants|length > 1 else 'has' }} notice of this motion.")
