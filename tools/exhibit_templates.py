"""Write the exhibit templates: ``templates/exhibits/request-letter.docx``.

Run ``python tools/exhibit_templates.py [OUT_DIR]`` (default ``templates/exhibits``).

``request-letter.docx`` is the letter or e-mail Plaintiff sent the agency. It is rendered
once per exhibit named by a request (``requests[].exhibit``), with the usual template
context plus ``request``: that request node (``date``, ``sender``, ``recipient``,
``channel``, ``asked``, ...). It is a letter, not a court paper: no caption, no court
number; single-spaced Times New Roman 12 pt, 1-inch margins, Letter paper, page number
at the bottom. Like every template it holds no case-specific text.

Sender and recipient are normally people (name, title, organization); the template also
copes with an organization in either place (``is_person`` false; a party's ``org`` is a
person's organization or the organization itself) and with empty titles and addresses.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from templatekit import _field, control, new_document, para, save  # noqa: E402

FILE = "request-letter.docx"
LINE = "Normal"      # single-spaced, no space after
BLOCK = "Single"     # single-spaced, 12 pt after


def letter_document():
    """The toolkit's page setup and styles, with a page-number-only footer."""
    doc = new_document()
    footer = doc.sections[0].footer
    for p in list(footer.paragraphs):
        p._p.getparent().remove(p._p)
    page = footer.add_paragraph()
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(page, "PAGE")
    doc.core_properties.title = ""
    return doc


def _rule_below(paragraph) -> None:
    """A thin line under the letterhead."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, val in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(key), val)
    borders.append(bottom)
    ppr.append(borders)


def build(doc) -> None:
    # Letterhead: the sender's organization (a person's, or the sender itself) and its address.
    control(doc, "{%p if request.sender.org %}")
    head = para(doc, "{{ request.sender.org.name }}", LINE, bold=True, align="center")
    head.runs[0].font.size = Pt(14)
    control(doc, "{%p for line in request.sender.org.address %}")
    para(doc, "{{ line }}", LINE, align="center")
    control(doc, "{%p endfor %}")
    _rule_below(para(doc, "", LINE))
    control(doc, "{%p endif %}")
    para(doc, "", LINE)

    para(doc, "{{ request.date }}", BLOCK)
    para(doc, "By {{ request.channel }}", BLOCK, italic=True)

    # Recipient block.
    para(doc, "{{ request.recipient.name }}", LINE)
    control(doc, "{%p if request.recipient.is_person %}")
    control(doc, "{%p if request.recipient.title %}")
    para(doc, "{{ request.recipient.title }}", LINE)
    control(doc, "{%p endif %}")
    control(doc, "{%p if request.recipient.organization %}")
    para(doc, "{{ request.recipient.organization.name }}", LINE)
    control(doc, "{%p endif %}")
    control(doc, "{%p endif %}")
    control(doc, "{%p for line in request.recipient.address %}")
    para(doc, "{{ line }}", LINE)
    control(doc, "{%p endfor %}")
    para(doc, "", LINE)

    control(doc, "{%p if request.recipient.org %}")
    para(doc, "Re:\tRequest to {{ request.recipient.org.term }}", BLOCK, bold=True)
    control(doc, "{%p else %}")
    para(doc, "Re:\tRequest to {{ request.recipient.term }}", BLOCK, bold=True)
    control(doc, "{%p endif %}")

    para(doc, "Dear {{ request.recipient.name }}:", BLOCK)
    # On whose behalf: the parties (Plaintiff), whether an officer or its counsel writes.
    para(doc, "I write on behalf of {{ plaintiffs.names }} to request {{ request.asked }}.", BLOCK, align="justify")
    para(doc, "We would be grateful for a prompt written response to this request. Please direct your response, "
              "and any question about this letter, to me"
              "{% if request.sender.is_person %}{% if request.sender.email %} at {{ request.sender.email }}{% endif %}"
              "{% if request.sender.phone %} or by telephone at {{ request.sender.phone }}{% endif %}{% endif %}.",
         BLOCK, align="justify")
    para(doc, "Thank you for your attention to this matter.", BLOCK)

    para(doc, "Sincerely,", LINE).paragraph_format.keep_with_next = True
    for _ in range(3):
        para(doc, "", LINE).paragraph_format.keep_with_next = True
    para(doc, "{{ request.sender.name }}", LINE).paragraph_format.keep_with_next = True
    control(doc, "{%p if request.sender.is_person %}")
    control(doc, "{%p if request.sender.title %}")
    para(doc, "{{ request.sender.title }}", LINE).paragraph_format.keep_with_next = True
    control(doc, "{%p endif %}")
    control(doc, "{%p endif %}")
    control(doc, "{%p if request.sender.is_counsel %}")
    para(doc, "Counsel for {{ plaintiffs.names }}", LINE, italic=True)
    control(doc, "{%p endif %}")


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = letter_document()
    build(doc)
    save(doc, out_dir / FILE)
    print(f"wrote {out_dir / FILE}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1
         else Path(__file__).resolve().parent.parent / "templates" / "exhibits")
