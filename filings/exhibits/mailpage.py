"""An e-mail exhibit planned: its readable page, and its attachments as sub-exhibits.

The e-mail (:mod:`.mail`) becomes a Word page (From, To, Cc, Date, Subject, its attachments
and what became of each, then the body), converted by LibreOffice in the build's one run.
Each attachment of a kind an exhibit may be (PDF, image, Word, OpenDocument, spreadsheet, an
attached e-mail) becomes a sub-exhibit, ``Exhibit 4-A``, ``4-B`` (``D-1``, ``D-2`` under a
lettered exhibit; ``4-A-1`` inside an attached e-mail), with a cover of its own and a bookmark (:mod:`.compose` puts them together);
any other is listed on the e-mail's page as not filed, with why. Attachments are written to
the staging folder under names of our own (never the name the e-mail gives), and Word files
and spreadsheets are checked and cleaned like any exhibit (one that cannot be is listed as
not filed, with the reason).
"""
from __future__ import annotations

import datetime as dt
import io
import string
from dataclasses import dataclass
from pathlib import Path

from filings.convert.office import sanitize_office
from filings.convert.officezip import OfficeFileError
from filings.determinism import repack_docx
from filings.exhibits.mail import Attachment, Mail, read_mail
from filings.exhibits.sheets import SHEETS
from filings.limits import DEFAULT_LIMITS, Limits

IMAGES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
WORD = {".docx", ".odt"}
FONT = "Liberation Serif"


@dataclass
class MailPart:
    """One piece of an e-mail exhibit, in the order filed: the e-mail, then each sub-exhibit."""

    label: str                   # "4" for the e-mail itself, "4-A" for an attachment
    title: str                   # the attachment's name, or the e-mail's subject
    depth: int                   # 0: the e-mail; 1: its attachments; 2: an attached e-mail's ...
    pdf: Path                    # its PDF, once made
    convert: Path | None = None  # a Word file or spreadsheet LibreOffice makes ``pdf`` of
    image: Path | None = None    # an image img2pdf makes ``pdf`` of
    of: str = ""                 # on its cover: whose attachment it is
    mail: bool = False           # an e-mail's page (no cover of its own at depth 0)


def plan_mail(exhibit_id: str, mark: str, path: Path, folder: Path,
              limits: Limits = DEFAULT_LIMITS) -> tuple[list[MailPart], list[str]]:
    """The parts of the e-mail exhibit in ``path`` (its page and sub-exhibits), staged in
    ``folder``; and what cleaning took out of its attachments. Raises MailError."""
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[MailPart] = []
    removed: list[str] = []
    _plan(read_mail(path, limits), mark, 0, folder, parts, removed, exhibit_id, "")
    return parts, removed


def _plan(mail: Mail, label: str, depth: int, folder: Path, parts: list[MailPart], removed: list[str],
          exhibit_id: str, of: str) -> None:
    page = folder / f"{label}-mail.docx"
    parts.append(MailPart(label, mail.subject or "(no subject)", depth, page.with_suffix(".pdf"), convert=page,
                          of=of, mail=True))
    listed: list[tuple[str, str]] = []
    filed: list[tuple[str, Attachment, Path | None]] = []
    # Exhibit 4's attachments are 4-A, 4-B; Exhibit D's are D-1, D-2; and so on, alternating
    marks = [str(n) for n in range(1, 1000)] if label[-1:].isalpha() else string.ascii_uppercase
    for k, attachment in enumerate(mail.attachments):
        why = _why_not(attachment)
        stored = None
        if not why and attachment.mail is None:
            stored, why = _store(attachment, folder / f"{label}-{k + 1:03d}", removed)
        if why:
            listed.append((attachment.name, f"not filed: {why}"))
            continue
        sub = f"{label}-{_mark(marks, len(filed))}"
        filed.append((sub, attachment, stored))
        listed.append((attachment.name, f"Exhibit {sub}"))
    _write_page(mail, listed, page)
    whose = f"Attachment to the e-mail of {mail.date or 'no date'}" + (f", \u201c{mail.subject}\u201d"
                                                                       if mail.subject else "")
    for sub, attachment, stored in filed:
        if attachment.mail is not None:
            at = len(parts)
            _plan(attachment.mail, sub, depth + 1, folder, parts, removed, exhibit_id, whose)
            parts[at].title = attachment.name
            continue
        assert stored is not None
        item = MailPart(sub, attachment.name, depth + 1, stored.with_suffix(".pdf"), of=whose)
        suffix = stored.suffix
        if suffix in IMAGES:
            item.image = stored
        elif suffix in WORD or suffix in SHEETS:
            item.convert = stored
        else:
            item.pdf = stored
        parts.append(item)


def _store(attachment: Attachment, stem: Path, removed: list[str]) -> tuple[Path | None, str]:
    """Write an attachment to be filed under a name of our own; a Word file or spreadsheet checked
    and cleaned first. (path, '') or (None, why it cannot be filed)."""
    suffix = _suffix(attachment.name)
    if suffix not in WORD and suffix not in SHEETS:
        stem.with_suffix(suffix).write_bytes(attachment.data)
        return stem.with_suffix(suffix), ""
    raw = stem.with_name(stem.name + "-raw" + suffix)
    raw.write_bytes(attachment.data)
    try:
        took = sanitize_office(raw, stem.with_suffix(suffix))
    except OfficeFileError as e:
        return None, f"it cannot be read ({e.reason}); file a fresh copy as an exhibit of its own"
    finally:
        raw.unlink()
    removed += [f"{what} (from its attachment '{attachment.name}')" for what in took]
    return stem.with_suffix(suffix), ""


def _mark(marks, n: int) -> str:
    if isinstance(marks, str):
        return marks[n] if n < 26 else marks[n // 26 - 1] + marks[n % 26]
    return marks[n]


def _suffix(name: str) -> str:
    return Path(name).suffix.lower() if "." in name else ""


def _why_not(attachment: Attachment) -> str:
    """Why an attachment is not filed as a sub-exhibit ('' when it is)."""
    if attachment.inline:
        return "a picture shown in the message's body"
    if attachment.mail is not None:
        return ""
    suffix = _suffix(attachment.name)
    if attachment.nested_too_deep:
        return "an e-mail attached inside e-mails nested too deep; file it as an exhibit of its own"
    if suffix in (".eml", ".msg"):
        return "not a readable e-mail"
    if not attachment.data:
        return "it is empty"
    if suffix == ".pdf":
        return "" if attachment.data[:1024].find(b"%PDF-") >= 0 else "not a PDF, though named one"
    if suffix in IMAGES or suffix in WORD or suffix in SHEETS:
        return ""
    return f"a {suffix or 'file without an extension'} file cannot be an exhibit; file a PDF of it as an exhibit of its own"


def _write_page(mail: Mail, listed: list[tuple[str, str]], path: Path) -> None:
    """The e-mail as a readable Word page: its headers, its attachments, then its body."""
    from docx import Document
    from docx.shared import Inches, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(11)
    style.paragraph_format.space_after = Pt(0)
    rows = [("From", mail.sender), ("To", mail.to), ("Cc", mail.cc), ("Date", mail.date), ("Subject", mail.subject)]
    rows += [("Attachment" if i == 0 and len(listed) == 1 else "Attachments" if i == 0 else "", f"{name} ({fate})")
             for i, (name, fate) in enumerate(listed)]
    table = doc.add_table(rows=0, cols=2)
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Inches(1.2), Inches(5.3)  # LibreOffice reads the grid
    for label, value in rows:
        if label in ("Cc",) and not value:
            continue
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Inches(1.2), Inches(5.3)
        run = cells[0].paragraphs[0].add_run(f"{label}:" if label else "")
        run.bold = True
        cells[1].paragraphs[0].add_run(value)
    doc.add_paragraph().paragraph_format.space_after = Pt(6)
    rule = doc.add_paragraph("\u2014" * 30)
    rule.paragraph_format.space_after = Pt(6)
    for line in (mail.body or "(the e-mail has no text)").split("\n"):
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    # the same e-mail makes the same bytes in every build: its PDF comes from the PDF cache
    repack_docx(buffer, path, when=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
