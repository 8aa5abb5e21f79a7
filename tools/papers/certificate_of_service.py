"""Certificate of service."""
from templatekit import caption, contact_lines, control, para, signature_block

FILE = "certificate-of-service.docx"


def build(doc):
    caption(doc, "CERTIFICATE OF SERVICE")
    para(doc, "I certify that on {{ service.date }}, I caused the papers filed on that date in this action to be "
              "served through {{ service.method }} on the following counsel of record:")
    control(doc, "{%p for person in service.served %}")
    para(doc, "{{ person.name }}{% if person.title %}, {{ person.title }}{% endif %}", "Signature")
    contact_lines(doc, "person", "Signature", phone=False)
    para(doc, "Counsel for Defendant{{ 's' if case.defendants|length > 1 }}", "Signature", italic=True)
    para(doc, "", "Signature")
    control(doc, "{%p endfor %}")
    signature_block(doc, "service.date", closing="")
