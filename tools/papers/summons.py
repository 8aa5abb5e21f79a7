"""Summons in an action under 28 U.S.C. § 1581(i) ("all other actions")."""
from templatekit import caption, contact_lines, para

FILE = "summons.docx"


def build(doc):
    caption(doc, "SUMMONS", full=True)
    para(doc, "TO:\tThe Attorney General of the United States and the Defendants named above:", "Single")
    para(doc, "PLEASE TAKE NOTICE that a civil action has been commenced against you in the United "
              "States Court of International Trade under {{ case.statute }}. The complaint is filed "
              "with this summons and states the claims made against you.")
    para(doc, "Within {{ settings.answer_days }} days after service of this summons, you must serve on "
              "{{ plaintiffs.possessive }} attorney an answer to the complaint or a motion under the Rules of the "
              "Court. If you fail to do so, judgment may be entered against you for the relief demanded "
              "in the complaint.")
    para(doc, "CLERK OF THE COURT", "Signature", bold=True)
    para(doc, "By: ______________________________", "Signature")
    para(doc, "Deputy Clerk", "Signature").paragraph_format.space_after = 12
    para(doc, "Name, address, telephone number and e-mail address of {{ plaintiffs.possessive }} attorney:",
         "Single", bold=True).paragraph_format.space_before = 18
    para(doc, "{{ signer.name }}", "Caption Text")
    contact_lines(doc, "signer", "Caption Text")
    para(doc, "Date filed: {{ case.filed }}", "Single").paragraph_format.space_before = 12
