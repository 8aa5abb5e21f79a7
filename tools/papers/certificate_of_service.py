"""Certificate of service: one per filing, naming the papers it served (``filing.papers``)."""
from templatekit import caption, contact_lines, control, para, signature_block

FILE = "certificate-of-service.docx"


def build(doc):
    caption(doc, "CERTIFICATE OF SERVICE")
    para(doc, "I certify that on {{ filing.service.date }}, I served the following "
              "{{ 'paper'|plural(filing.papers) }}: "
              "{{ filing.papers|and_list(attribute='title') }}, on the following "
              "{{ 'person'|plural(filing.service.served) }} "
              "by {{ filing.service.method }}:")
    control(doc, "{%p for person in filing.service.served %}")
    para(doc, "{{ person.name }}{% if person.title %}, {{ person.title }}{% endif %}", "Signature")
    contact_lines(doc, "person", "Signature", phone=False)
    # Each person's lines stay together; the list may break between people.
    para(doc, "", "Signature").paragraph_format.keep_with_next = False
    control(doc, "{%p endfor %}")
    signature_block(doc, "filing.service.date", closing="")
