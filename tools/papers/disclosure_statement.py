"""Disclosure Statement (CIT Form 13, Rule 3(i)), one section per plaintiff."""
from templatekit import caption, control, numbered, para

FILE = "disclosure-statement.docx"


def build(doc):
    caption(doc, "DISCLOSURE STATEMENT")
    para(doc, "Under Rule 3(i) of the Rules of this Court, the undersigned counsel for {{ plaintiffs.names }} in "
              "{{ case.title }}, Court No. {{ case.number }}, makes the following disclosure:")
    control(doc, "{%p for party in case.plaintiffs %}")
    para(doc, "{{ party.name }}", "Section Heading")
    control(doc, "{%p if party.is_person %}")
    numbered(doc, "{{ party.name }} is an individual; no corporate disclosure applies.")
    control(doc, "{%p else %}")
    numbered(doc, "{{ party.name }} is {% if not party.publicly_held %}not {% endif %}a publicly held corporation.")
    numbered(doc, "Parent corporation: {% if party.parent %}{{ party.parent }}{% else %}none{% endif %}.")
    numbered(doc, "Publicly held companies owning 10% or more of the party\u2019s stock: "
                  "{% if party.public_owners %}{{ party.public_owners|and_list }}{% else %}none{% endif %}.")
    numbered(doc, "Publicly owned affiliates and their relationship to the party: "
                  "{% if party.affiliates %}{{ party.affiliates|and_list }}{% else %}none{% endif %}.")
    numbered(doc, "{% if party.real_party_in_interest %}{{ party.name }} is the real party in interest."
                  "{% else %}{{ party.name }} is not the real party in interest; the real party in interest "
                  "is {{ party.real_party }}.{% endif %}")
    numbered(doc, "Third parties funding this litigation: "
                  "{% if party.litigation_funders %}{{ party.litigation_funders|and_list }}"
                  "{% else %}none{% endif %}.")
    control(doc, "{%p endif %}")
    control(doc, "{%p endfor %}")
    para(doc, "Counsel will file an amended statement within seven days of any change in this information.")
    para(doc, "Dated: {{ case.filed }}", "Single").paragraph_format.keep_with_next = True
    para(doc, "/s/ {{ signer.name }}", "Signature")
    para(doc, "{{ signer.name }}", "Signature")
    para(doc, "{{ signer.organization.name }}", "Signature")
    para(doc, "Counsel for {{ plaintiffs.role }}", "Signature", italic=True).paragraph_format.keep_with_next = False
