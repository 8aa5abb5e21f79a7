"""E-mail exhibits (.eml, .msg) through the real build: a readable page, attachments as sub-exhibits.

The ``.eml`` files are written here with the standard library, as a mail program sends them
(a text and an HTML body, a PDF, a picture, a Word letter, a zip, a logo shown in the HTML,
an e-mail forwarded as an attachment). The ``.msg`` is a real Outlook message from the test
data of msgreader (tests/data/mail/NOTICE). The bundle is read as a paralegal would: the
e-mail's page, each sub-exhibit's cover and pages, the bookmarks, the exhibit's own file.
"""
from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER

from filings.errors import FactsError
from filings.pipeline.builder import build

from conftest import ROOT, line_of
from test_exhibit_inputs import draw_pdf, exhibit_pages, image, page_texts, write_facts

pytestmark = pytest.mark.e2e

MSG = ROOT / "tests" / "data" / "mail" / "attachmentFiles.msg"


def pdf_bytes(folder: Path, name: str, texts: list[str]) -> bytes:
    return draw_pdf(folder / name, [(LETTER, t) for t in texts]).read_bytes()


def letter_bytes(folder: Path) -> bytes:
    doc = Document()
    doc.add_paragraph("ATTACHED WORD LETTER TEXT")
    doc.save(folder / "letter.docx")
    return (folder / "letter.docx").read_bytes()


def forwarded(folder: Path) -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = "Agency Officer <officer@cbp.dhs.gov>"
    inner["To"] = "Broker <ops@seko.example>"
    inner["Date"] = "Mon, 06 May 2024 09:15:00 -0400"
    inner["Subject"] = "Notice of suspension"
    inner.set_content("INNER MESSAGE BODY: the suspension is effective today.\n")
    inner.add_attachment(pdf_bytes(folder, "notice.pdf", ["INNER NOTICE PAGE"]), maintype="application",
                         subtype="pdf", filename="notice.pdf")
    return inner


def mail_with_attachments(folder: Path) -> Path:
    message = EmailMessage()
    message["From"] = "Dana Landis <dlandis@seko.example>"
    message["To"] = "Counsel <counsel@firm.example>, Paralegal <para@firm.example>"
    message["Cc"] = "Records <records@seko.example>"
    message["Date"] = "Tue, 21 May 2024 16:02:00 -0400"
    message["Subject"] = "Request to identify the violations"
    message.set_content("PLAIN BODY LINE ONE: please see the attached request.\n\nSecond paragraph.\n")
    message.add_alternative('<html><head><style>p{color:red}</style></head><body><p>HTML BODY</p>'
                            '<img src="cid:logo001"></body></html>', subtype="html")
    message.get_payload()[1].add_related(image(folder / "logo.png", size=(40, 20)).read_bytes(), maintype="image",
                                         subtype="png", cid="<logo001>", disposition="inline", filename="logo.png")
    message.add_attachment(pdf_bytes(folder, "request.pdf", ["REQUEST PAGE ONE", "REQUEST PAGE TWO"]),
                           maintype="application", subtype="pdf", filename="request.pdf")
    message.add_attachment(image(folder / "photo.png").read_bytes(), maintype="image", subtype="png",
                           filename="photo.png")
    message.add_attachment(letter_bytes(folder), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="letter.docx")
    message.add_attachment(b"PK\x03\x04 not really a zip", maintype="application", subtype="zip",
                           filename="records.zip")
    message.add_attachment(forwarded(folder))
    path = folder / "request.eml"
    path.write_bytes(bytes(message))
    return path


@pytest.fixture(scope="module")
def mailed(tmp_path_factory):
    base = tmp_path_factory.mktemp("mail")
    mail_with_attachments(base)
    shutil.copyfile(MSG, base / "outlook.msg")
    exhibits = [{"id": "request", "title": "Request e-mail", "file": "request.eml"},
                {"id": "outlook", "title": "Outlook message", "file": "outlook.msg"}]
    warnings: list[str] = []
    result = build(write_facts(base, exhibits), base / "out", papers=False, warn=warnings.append)
    return base, result, base / "out" / "exhibits" / "exhibit-bundle.pdf", warnings


def pages_of(result, path: Path, exhibit_id: str) -> list[str]:
    texts = page_texts(path)
    return [texts[i] for i in exhibit_pages(result, exhibit_id)]


def test_the_email_page_shows_its_headers_attachments_and_text_body(mailed):
    _, result, path, _ = mailed
    page = pages_of(result, path, "request")[0]
    for expected in ("From: Dana Landis <dlandis@seko.example>",
                     "To: Counsel <counsel@firm.example>, Paralegal <para@firm.example>",
                     "Cc: Records <records@seko.example>", "Date: Tue, 21 May 2024 16:02:00 -0400",
                     "Subject: Request to identify the violations",
                     "request.pdf (Exhibit A-1)", "photo.png (Exhibit A-2)", "letter.docx (Exhibit A-3)",
                     "Notice of suspension.eml (Exhibit A-4)",
                     "records.zip (not filed: a .zip file cannot be an exhibit",
                     "PLAIN BODY LINE ONE: please see the attached request. Second paragraph."):
        assert expected in page, (expected, page)
    assert "HTML BODY" not in page  # the text body is the one shown
    assert "logo.png" not in " ".join(pages_of(result, path, "request"))  # a logo in the HTML is not a document


def test_each_attachment_follows_its_own_cover_in_order(mailed):
    _, result, path, _ = mailed
    pages = pages_of(result, path, "request")
    heads = [p.split(" Attachment to")[0] for p in pages]
    covers = [i for i, p in enumerate(pages) if p.startswith("EXHIBIT A-")]
    assert [heads[i].split()[1] for i in covers] == ["A-1", "A-2", "A-3", "A-4", "A-4-A"]
    a, b, c, d, d1 = covers
    assert "request.pdf" in pages[a] and "Attachment to the e-mail of Tue, 21 May 2024 16:02:00 -0400, " \
                                         "\u201cRequest to identify the violations\u201d" in pages[a]
    assert "REQUEST PAGE ONE" in pages[a + 1] and "REQUEST PAGE TWO" in pages[a + 2] and b == a + 3
    assert c == b + 2  # the photo: one page
    assert "ATTACHED WORD LETTER TEXT" in pages[c + 1]
    assert "Subject: Notice of suspension" in pages[d + 1] and "INNER MESSAGE BODY" in pages[d + 1]
    assert "notice.pdf (Exhibit A-4-A)" in pages[d + 1]
    assert "Notice of suspension" in pages[d1] and "INNER NOTICE PAGE" in pages[d1 + 1]
    assert len(pages) == d1 + 2


def test_sub_exhibits_are_bookmarked_under_the_exhibit(mailed):
    _, result, path, _ = mailed
    reader = PdfReader(path)
    outline = reader.outline
    at = next(i for i, item in enumerate(outline) if not isinstance(item, list)
              and item.title == "Exhibit A \u2014 Request e-mail")
    children = outline[at + 1]
    titles = [item.title for item in children if not isinstance(item, list)]
    assert titles == ["E-mail \u2014 Request to identify the violations", "Exhibit A-1 \u2014 request.pdf",
                      "Exhibit A-2 \u2014 photo.png", "Exhibit A-3 \u2014 letter.docx",
                      "Exhibit A-4 \u2014 Notice of suspension.eml"]
    nested = children[titles.index("Exhibit A-4 \u2014 Notice of suspension.eml") + 1]
    assert [item.title for item in nested] == ["Exhibit A-4-A \u2014 notice.pdf"]
    first = exhibit_pages(result, "request")[0]
    assert reader.get_destination_page_number(children[1]) == first + 1  # A-1's cover, after the e-mail page


def test_the_exhibits_own_file_holds_the_email_and_its_sub_exhibits(mailed):
    _, result, path, _ = mailed
    b = next(b for b in result.bundle.exhibits if b.exhibit.id == "request")
    texts = page_texts(b.files[0])
    assert len(texts) == b.pages + 1 and "Subject: Request to identify the violations" in texts[1]
    assert any("INNER NOTICE PAGE" in t for t in texts)


def test_an_outlook_message_is_read_with_its_attachments(mailed):
    _, result, path, _ = mailed
    pages = pages_of(result, path, "outlook")
    page = pages[0]
    for expected in ("From: hmailuser <hmailuser@hmailserver.test>", "To: hmailuser@hmailserver.test",
                     "Date: Wed, 01 Nov 2023 09:48:31 +0900", "Subject: attachmentFiles",
                     "jpg.jpg (Exhibit B-1)", "png.png (Exhibit B-2)", "tif.tif (Exhibit B-3)"):
        assert expected in page, (expected, page)
    covers = [p.split()[1] for p in pages if p.startswith("EXHIBIT B-")]
    assert covers == ["B-1", "B-2", "B-3"] and len(pages) == 7  # the e-mail, then a cover and a page each


def test_an_html_body_is_read_as_text_without_scripts_or_remote_pictures(tmp_path):
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["To"] = "b@example.com"
    message["Subject"] = "HTML only"
    message["Date"] = "Wed, 22 May 2024 10:00:00 +0000"
    message.set_content('<html><head><title>TITLE-TEXT</title><script>SCRIPT-TEXT()</script></head><body>'
                        '<p>VISIBLE PARAGRAPH</p><img src="https://tracker.example/pixel.gif" alt="TRACKER">'
                        '<table><tr><td>CELL-ONE</td><td>CELL-TWO</td></tr></table></body></html>', subtype="html")
    (tmp_path / "html.eml").write_bytes(bytes(message))
    result = build(write_facts(tmp_path, [{"id": "html", "title": "HTML e-mail", "file": "html.eml"}]),
                   tmp_path / "out", papers=False)
    page = pages_of(result, result.bundle.path, "html")[0]
    assert "VISIBLE PARAGRAPH" in page and "CELL-ONE" in page and "CELL-TWO" in page
    assert "SCRIPT-TEXT" not in page and "TITLE-TEXT" not in page and "tracker.example" not in page


def test_too_many_attachments_and_too_deep_nesting_are_bounded(tmp_path):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "Many"
    message.set_content("many attachments")
    for n in range(101):
        message.add_attachment(b"x", maintype="text", subtype="plain", filename=f"note-{n}.txt")
    (tmp_path / "many.eml").write_bytes(bytes(message))
    facts = write_facts(tmp_path, [{"id": "many", "title": "Many", "file": "many.eml"}])
    with pytest.raises(FactsError) as info:
        build(facts, tmp_path / "out", papers=False)
    assert str(info.value) == (f"{facts}:{line_of(facts, 'file: many.eml')}: exhibit 'many': 'many.eml': the e-mail "
                               "has more than 100 attachments (nested e-mails' counted), the bound for one e-mail "
                               "exhibit; file the attachments as exhibits of their own")
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "a@example.com", "Depth 3"
    inner.set_content("DEEPEST")
    for depth in (2, 1):
        outer = EmailMessage()
        outer["From"], outer["Subject"] = "a@example.com", f"Depth {depth}"
        outer.set_content(f"DEPTH-{depth}-BODY")
        outer.add_attachment(inner)
        inner = outer
    top = EmailMessage()
    top["From"], top["Subject"] = "a@example.com", "Top"
    top.set_content("TOP-BODY")
    top.add_attachment(inner)
    (tmp_path / "deep.eml").write_bytes(bytes(top))
    result = build(write_facts(tmp_path, [{"id": "deep", "title": "Deep", "file": "deep.eml"}]),
                   tmp_path / "out", papers=False)
    text = " ".join(pages_of(result, result.bundle.path, "deep"))
    assert "DEPTH-1-BODY" in text and "DEPTH-2-BODY" in text and "DEEPEST" not in text
    assert "Depth 3.eml (not filed: an e-mail attached inside e-mails nested too deep" in text


def test_an_unreadable_email_is_one_line_naming_the_exhibit(tmp_path):
    (tmp_path / "junk.msg").write_bytes(b"not an outlook file at all")
    facts = write_facts(tmp_path, [{"id": "junk", "title": "Junk", "file": "junk.msg"}])
    with pytest.raises(FactsError) as info:
        build(facts, tmp_path / "out", papers=False)
    assert str(info.value) == (f"{facts}:{line_of(facts, 'file: junk.msg')}: exhibit 'junk': 'junk.msg': not an "
                               "Outlook message (.msg) file; save it again from Outlook")


def test_damaged_headers_are_shown_as_written_and_a_mime_bomb_is_refused(tmp_path):
    from filings.exhibits.mail import MailError, read_mail
    (tmp_path / "odd.eml").write_bytes(b"From: =?utf-8?q?broken <<<@@@\r\nTo: a@b, ,,<>\r\nSubject: Odd\r\n"
                                       b"Date: not a date\r\n\r\nbody\xff text\r\n")
    odd = read_mail(tmp_path / "odd.eml")
    assert (odd.sender, odd.date, odd.subject) == ("=?utf-8?q?broken", "not a date", "Odd")
    assert odd.body.startswith("body") and odd.body.rstrip().endswith("text")
    deep = b"From: a@b\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + b"".join(
        f"--b{n}\r\nContent-Type: multipart/mixed; boundary=b{n + 1}\r\n\r\n".encode() for n in range(3000))
    (tmp_path / "bomb.eml").write_bytes(deep)
    with pytest.raises(MailError) as info:
        read_mail(tmp_path / "bomb.eml")
    assert str(info.value) == "not a readable e-mail (RecursionError); save it again from the mail program"


def test_a_damaged_word_attachment_is_listed_as_not_filed_with_the_reason(tmp_path):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "Damaged"
    message.set_content("see attached")
    message.add_attachment(b"this is not a zip at all", maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="broken.docx")
    message.add_attachment(letter_bytes(tmp_path), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="good.docx")
    (tmp_path / "damaged.eml").write_bytes(bytes(message))
    result = build(write_facts(tmp_path, [{"id": "damaged", "title": "Damaged", "file": "damaged.eml"}]),
                   tmp_path / "out", papers=False)
    pages = pages_of(result, result.bundle.path, "damaged")
    assert "broken.docx (not filed: it cannot be read (" in pages[0] and "file a fresh copy as an exhibit of its " \
                                                                        "own)" in pages[0]
    assert "good.docx (Exhibit A-1)" in pages[0] and "ATTACHED WORD LETTER TEXT" in pages[2]
