"""Information Statement (CIT Form 5), filed with the summons and complaint (Rule 3)."""
from templatekit import caption, control, para, runs

FILE = "information-statement.docx"


def _item(doc, label, value):
    runs(doc, [(label + ": ", {"bold": True}), value], "Single")


def build(doc):
    caption(doc, "INFORMATION STATEMENT")
    _item(doc, "{{ plaintiffs.role }}", "{{ plaintiffs.names }}")
    _item(doc, "{{ defendants.role }}", "{{ defendants.names }}")
    _item(doc, "Jurisdiction", "{{ case.statute }}")
    _item(doc, "Nature of the action", "{{ case.nature }}.")
    para(doc, "Agency actions and events giving rise to the action:", "Single", bold=True)
    control(doc, "{%p for e in events %}")
    para(doc, "{{ e.date }}: {{ e.actor.term }} {{ e.text }}{% if e.program %} ({{ e.program.short }}){% endif %}.",
         "Block Quote Single")
    control(doc, "{%p endfor %}")
    para(doc, "Related actions:", "Single", bold=True)
    control(doc, "{%p for r in case.related %}")
    para(doc, "{{ r }}", "Block Quote Single")
    control(doc, "{%p endfor %}")
    control(doc, "{%p if not case.related %}")
    para(doc, "None.", "Block Quote Single")
    control(doc, "{%p endif %}")
    para(doc, "{{ 'Attorney'|plural(case.counsel) }} for {{ plaintiffs.role }}:", "Single", bold=True)
    control(doc, "{%p for c in case.counsel %}")
    para(doc, "{{ c.name }}, {{ c.organization.name }}{% if c.address %}, {{ c.address|join(', ') }}{% endif %}"
              "{% if c.phone %}; Tel.: {{ c.phone|nobreak }}{% endif %}{% if c.email %}; {{ c.email }}{% endif %}",
         "Block Quote Single")
    control(doc, "{%p endfor %}")
    para(doc, "Dated: {{ case.filed }}", "Single").paragraph_format.keep_with_next = True
    para(doc, "/s/ {{ signer.name }}", "Signature")
    para(doc, "{{ signer.name }}", "Signature")
    para(doc, "Counsel for {{ plaintiffs.role }}", "Signature", italic=True).paragraph_format.keep_with_next = False
