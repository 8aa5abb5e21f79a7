"""Write the example matter's sample exhibit files into ``exhibits/``.

Run ``.venv/bin/python tools/make_sample_exhibits.py [OUT_DIR]`` (default ``exhibits/`` at
the top of the project). It writes three files, each made the way such a document
really reaches a lawyer's desk, so that the exhibit bundle is exercised on a PNG, a
text PDF and an image-only PDF:

``ctpat-portal-status.png``
    A screen capture of a trade portal's account status page: the security partnership
    program shows "Suspended" as of 05/17/2024 and lists no reasons. Drawn with Pillow
    (ImageDraw, Liberation fonts).
``type86-suspension-notice.pdf``
    A printed e-mail telling the recipient that its participation in the Entry Type 86
    test is suspended effective May 27, 2024, naming no entry. Written as DOCX with
    python-docx and converted to PDF by LibreOffice (``soffice --headless``, with its
    own throw-away profile so it does not collide with a running LibreOffice).
``conditional-reinstatement-scan.pdf``
    A scanned letter (image only, no text layer): conditional reinstatement in both
    programs from May 31, 2024 through August 29, 2024, on conditions that include
    remedial measures, identifying no violation. Drawn with Pillow at 150 dpi in gray,
    tilted 0.6 degrees, speckled, saved as JPEG (quality 60) and wrapped by img2pdf on a
    Letter page.

The real documents are not public: every file is written here, consistent with
``facts.yaml`` and the public record, and each page says so in a banner
("ILLUSTRATIVE SAMPLE EXHIBIT — not a copy of an actual agency document"). Names of
agency officials and all e-mail addresses are illustrative. The output is deterministic:
randomness is seeded and PDF dates and IDs are stripped/fixed with pikepdf.
"""
from __future__ import annotations

import math
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import img2pdf
import pikepdf
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/liberation2")
MARK = "ILLUSTRATIVE SAMPLE EXHIBIT \u2014 not a copy of an actual agency document"
SEED = 20240531

# Names as in facts.yaml (agency officials there are illustrative).
PLAINTIFF = "Seko Customs Brokerage, Inc."
PLAINTIFF_ADDRESS = ["1501 East Woodfield Road", "Schaumburg, Illinois 60173"]
COMPLIANCE = ("Lila Landis", "Global Chief Compliance Officer")
ECOMMERCE = ("Robert Osei", "Director, E-Commerce and Small Business Branch")
CTPAT_DIRECTOR = ("Dana Whitfield", "Director, C-TPAT Program")
COUNSEL = ("Eleanor J. Marsh", "Marlow Kestrel LLP")
AGENCY = "U.S. Customs and Border Protection"


def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    """A Liberation font: ``font("Sans-Bold", 14)``."""
    return ImageFont.truetype(str(FONTS / f"Liberation{style}.ttf"), size)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap to ``width`` pixels."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and fnt.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------
# a. Portal screen capture (PNG)
# --------------------------------------------------------------------------------------

def portal_png(path: Path) -> None:
    w, h = 1000, 700
    img = Image.new("RGB", (w, h), "#ffffff")
    d = ImageDraw.Draw(img)
    sans, bold = (lambda s: font("Sans-Regular", s)), (lambda s: font("Sans-Bold", s))

    # Browser chrome: tab strip, address bar.
    d.rectangle([0, 0, w, 34], fill="#dee1e6")
    d.rounded_rectangle([8, 6, 300, 40], radius=8, fill="#ffffff")
    d.text((22, 13), "Account Status \u2013 Trade Partner Portal", font=sans(12), fill="#202124")
    d.text((280, 12), "\u00d7", font=sans(13), fill="#5f6368")
    d.line([926, 18, 936, 18], fill="#3c4043", width=1)                  # window buttons
    d.rectangle([952, 12, 961, 21], outline="#3c4043")
    d.line([978, 12, 987, 21], fill="#3c4043")
    d.line([978, 21, 987, 12], fill="#3c4043")
    d.rectangle([0, 34, w, 72], fill="#ffffff")
    d.line([0, 72, w, 72], fill="#c8cacd")
    for i, sym in enumerate(("\u2190", "\u2192")):
        d.text((14 + 28 * i, 43), sym, font=sans(16), fill="#5f6368")
    d.arc([72, 46, 86, 60], 40, 340, fill="#5f6368", width=2)          # reload
    d.polygon([(84, 42), (90, 49), (82, 50)], fill="#5f6368")
    d.rounded_rectangle([104, 40, 960, 66], radius=13, fill="#f1f3f4")
    d.arc([122, 44, 130, 54], 180, 360, fill="#5f6368", width=2)       # padlock
    d.rectangle([120, 49, 132, 59], fill="#5f6368")
    d.text((140, 45), "https://trade-partner-portal.example/ctpat/account/status",
           font=sans(13), fill="#202124")

    # The sample banner.
    d.rectangle([0, 73, w, 103], fill="#ffd84d")
    d.line([0, 103, w, 103], fill="#b38f00")
    text = MARK
    d.text(((w - bold(15).getlength(text)) / 2, 80), text, font=bold(15), fill="#000000")

    # Portal header.
    d.rectangle([0, 104, w, 160], fill="#0b2a4a")
    d.text((24, 112), "C-TPAT Trade Partner Portal", font=bold(20), fill="#ffffff")
    d.text((24, 138), "Customs-Trade Partnership Against Terrorism", font=sans(12), fill="#c9d6e3")
    who = f"Signed in: {COMPLIANCE[0]}  |  Sign out"
    d.text((w - 24 - sans(12).getlength(who), 126), who, font=sans(12), fill="#ffffff")

    # Left navigation.
    d.rectangle([0, 161, 200, h - 24], fill="#f2f4f7")
    d.line([200, 161, 200, h - 24], fill="#d5d9e0")
    items = ["Home", "Company Profile", "Account Status", "Security Profile", "Documents",
             "Notifications", "Business Partners", "Help"]
    for i, item in enumerate(items):
        y = 176 + 38 * i
        if item == "Account Status":
            d.rectangle([0, y - 8, 200, y + 24], fill="#dbe6f3")
            d.rectangle([0, y - 8, 4, y + 24], fill="#0b5cad")
            d.text((20, y), item, font=bold(14), fill="#0b2a4a")
        else:
            d.text((20, y), item, font=sans(14), fill="#1f3b57")

    # Main panel.
    x0 = 228
    d.text((x0, 178), "Home  \u203a  Account Status", font=sans(12), fill="#5f6b7a")
    d.text((x0, 200), "Account Status", font=bold(24), fill="#1b1f24")
    d.line([x0, 236, w - 28, 236], fill="#d5d9e0")

    rows = [
        ("Company name", PLAINTIFF),
        ("Business type", "Customs Broker"),
        ("Program", "Customs-Trade Partnership Against Terrorism (C-TPAT)"),
        ("Partnership status", None),
        ("Status date", "05/17/2024"),
        ("Status reason", "\u2014"),
    ]
    y = 252
    for i, (label, value) in enumerate(rows):
        if i % 2 == 0:
            d.rectangle([x0, y - 6, w - 28, y + 26], fill="#f8f9fb")
        d.text((x0 + 12, y), label, font=bold(14), fill="#3a4450")
        if value is None:
            badge = "SUSPENDED"
            bw = bold(13).getlength(badge) + 24
            d.rounded_rectangle([x0 + 220, y - 3, x0 + 220 + bw, y + 22], radius=11, fill="#b3261e")
            d.text((x0 + 232, y + 1), badge, font=bold(13), fill="#ffffff")
        else:
            d.text((x0 + 220, y), value, font=sans(14), fill="#1b1f24")
        y += 32

    # Status reasons: none listed.
    y += 16
    d.text((x0, y), "Suspension details", font=bold(16), fill="#1b1f24")
    y += 28
    d.rectangle([x0, y, w - 28, y + 30], fill="#e9edf2")
    for cx, head in ((x0 + 12, "Date"), (x0 + 140, "Reason"), (x0 + 520, "Required action")):
        d.text((cx, y + 7), head, font=bold(13), fill="#3a4450")
    d.rectangle([x0, y + 30, w - 28, y + 80], outline="#d5d9e0")
    msg = "No records to display."
    d.text(((x0 + w - 28 - sans(13).getlength(msg)) / 2, y + 47), msg, font=sans(13), fill="#6b7683")

    y += 104
    d.rounded_rectangle([x0, y, w - 28, y + 58], radius=4, fill="#fff4e5", outline="#f0b35a")
    d.polygon([(x0 + 24, y + 11), (x0 + 34, y + 29), (x0 + 14, y + 29)], fill="#a15c00")
    d.text((x0 + 22, y + 14), "!", font=bold(12), fill="#fff4e5")
    d.text((x0 + 40, y + 10), "Your partnership is suspended. Program benefits are not available",
           font=sans(13), fill="#5a3b00")
    d.text((x0 + 40, y + 30), "while the suspension is in effect.", font=sans(13), fill="#5a3b00")

    # Status bar of the page.
    d.rectangle([0, h - 24, w, h], fill="#f2f4f7")
    d.line([0, h - 24, w, h - 24], fill="#d5d9e0")
    d.text((12, h - 19), "Last login: 05/17/2024 09:42 AM", font=sans(11), fill="#5f6b7a")
    d.text((w - 12 - sans(11).getlength(MARK), h - 19), MARK, font=sans(11), fill="#5f6b7a")

    img.save(path, optimize=True)


# --------------------------------------------------------------------------------------
# b. E-mail printout (DOCX -> PDF by LibreOffice)
# --------------------------------------------------------------------------------------

def _border(paragraph, sides=("top", "left", "bottom", "right"), color="B3261E", size="12") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        el = OxmlElement(f"w:{side}")
        for key, val in (("w:val", "single"), ("w:sz", size), ("w:space", "4"), ("w:color", color)):
            el.set(qn(key), val)
        borders.append(el)
    ppr.append(borders)


def email_docx(path: Path) -> None:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Inches(1))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Liberation Sans", Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Liberation Sans")
    normal.paragraph_format.space_after = Pt(0)
    props = doc.core_properties
    props.author, props.title, props.comments = "", "Sample exhibit", MARK

    def p(text="", *, bold=False, size=None, after=0, align=None, color=None):
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(after)
        if align:
            para.alignment = align
        if text:
            run = para.add_run(text)
            run.bold = bold or None
            if size:
                run.font.size = Pt(size)
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
        return para

    banner = p(MARK, bold=True, size=12, after=18, align=WD_ALIGN_PARAGRAPH.CENTER, color="B3261E")
    _border(banner)
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = foot.add_run(MARK)
    run.font.size, run.bold = Pt(8), True

    _border(p(COMPLIANCE[0], bold=True, size=14, after=10), sides=("bottom",), color="000000", size="18")

    header = [
        ("From:", f"{ECOMMERCE[0].split()[1]}, {ECOMMERCE[0].split()[0]} <robert.osei@cbp.example>"),
        ("Sent:", "Monday, May 20, 2024 3:47 PM"),
        ("To:", f"{COMPLIANCE[0].split()[1]}, {COMPLIANCE[0].split()[0]} <lila.landis@seko.example>"),
        ("Subject:", "Entry Type 86 Test \u2013 Notice of Suspension of Participation"),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.autofit = False
    for column, inches in zip(table.columns, (1.0, 5.5)):
        column.width = Inches(inches)      # the grid LibreOffice reads
    for label, value in header:
        left, right = table.add_row().cells
        left.width, right.width = Inches(1.0), Inches(5.5)
        left.paragraphs[0].add_run(label).bold = True
        right.paragraphs[0].add_run(value)
    p(after=14)

    body = [
        "Dear Entry Type 86 Test Participant:",
        f"{AGENCY} (CBP) is notifying you that your participation in the Entry Type 86 test "
        "is suspended, effective Monday, May 27, 2024.",
        "CBP has reviewed entries transmitted under your filer code in the test and has "
        "determined that your filings do not meet the terms and conditions of the test as "
        "described in the Federal Register notice published on January 16, 2024 "
        "(89 FR 2630), which addresses the consequences of misconduct by test participants.",
        "Beginning on the effective date, the Automated Commercial Environment (ACE) will not "
        "accept Type 86 entries transmitted under your filer code. Shipments may continue to "
        "be entered through the other entry types available to you. Please inform affected "
        "clients of this change before the effective date.",
        "Questions about this notice may be directed to the E-Commerce and Small Business "
        "Branch at ecommerce-branch@cbp.example.",
        "Regards,",
    ]
    for text in body:
        p(text, after=10)
    for line in (ECOMMERCE[0], ECOMMERCE[1], "Office of Trade", AGENCY):
        p(line)
    doc.save(path)


def soffice_pdf(docx: Path, out_dir: Path, work: Path) -> Path:
    """Convert with LibreOffice, using a private profile under ``work``."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        sys.exit("LibreOffice (soffice) is not installed")
    profile = (work / "lo-profile").resolve().as_uri()
    subprocess.run([binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out_dir), str(docx)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    pdf = out_dir / (docx.stem + ".pdf")
    if not pdf.is_file():
        sys.exit(f"LibreOffice did not write {pdf}")
    return pdf


def fix_pdf(src: Path, dest: Path, title: str) -> None:
    """Copy a PDF with fixed metadata (no dates, a deterministic ID), so reruns are identical."""
    with pikepdf.open(src) as pdf:
        if "/Metadata" in pdf.Root:
            del pdf.Root.Metadata
        info = pdf.trailer.get("/Info")
        if info is not None:
            for key in list(info.keys()):
                del info[key]
        for key in ("/ID", "/DocChecksum"):   # the producer's random ID and checksum
            if key in pdf.trailer:
                del pdf.trailer[key]
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Subject"] = MARK
        pdf.save(dest, deterministic_id=True, compress_streams=True)


# --------------------------------------------------------------------------------------
# c. Scanned letter (image-only PDF)
# --------------------------------------------------------------------------------------

DPI = 150
PAGE = (int(8.5 * DPI), int(11 * DPI))          # 1275 x 1650
MARGIN = DPI                                    # 1 inch
INK, PAPER = 28, 244


def letter_blocks() -> list[tuple]:
    """The letter as (kind, text, options) blocks, laid out by :func:`layout`."""
    serif, bold = font("Serif-Regular", 25), font("Serif-Bold", 25)
    body = {"font": serif, "after": 22}
    blocks = [
        ("center", "U.S. Department of Homeland Security", {"font": font("Serif-Regular", 24)}),
        ("center", AGENCY, {"font": font("Serif-Bold", 34)}),
        ("center", "Office of Trade", {"font": font("Serif-Regular", 24)}),
        ("center", "Washington, DC 20229", {"font": font("Serif-Regular", 22), "after": 10}),
        ("rule", "", {"after": 30}),
        ("right", "May 31, 2024", {"font": serif, "after": 30}),
        ("left", COMPLIANCE[0], {"font": serif}),
        ("left", COMPLIANCE[1], {"font": serif}),
        ("left", PLAINTIFF, {"font": serif}),
        *[("left", line, {"font": serif}) for line in PLAINTIFF_ADDRESS],
        ("gap", "", {"after": 26}),
        ("hang", "Re:\tConditional reinstatement \u2014 Customs-Trade Partnership Against Terrorism "
                 "(C-TPAT) and Entry Type 86 test", {"font": bold, "indent": 75, "after": 22}),
        ("para", "Dear Ms. Landis:", body),
        ("para", f"This letter responds to the recent correspondence from {PLAINTIFF} "
                 "(Seko) and its counsel concerning Seko\u2019s suspensions from the C-TPAT "
                 "program and from the Entry Type 86 test. After further review, U.S. Customs "
                 "and Border Protection (CBP) has decided to reinstate Seko in both programs "
                 "on a conditional basis, effective May 31, 2024. The conditional "
                 "reinstatement will remain in effect through August 29, 2024, subject to the "
                 "following conditions:", body),
        ("item", "1.\tWithin thirty (30) days of the date of this letter, Seko will submit to "
                 "CBP a written remedial action plan describing the measures it will take to "
                 "improve the accuracy of the data it transmits on Type 86 entries, including "
                 "its procedures for reviewing the data it receives from its clients.",
         {"font": serif, "indent": 60, "after": 14}),
        ("item", "2.\tSeko will carry out the remedial measures in its plan during the "
                 "conditional period and will provide CBP documentation of their "
                 "implementation, including training records for the personnel who prepare "
                 "Type 86 entries.", {"font": serif, "indent": 60, "after": 14}),
        ("item", "3.\tSeko will make available on request the records supporting Type 86 "
                 "entries filed during the conditional period, and CBP may review a sample "
                 "of those entries.", {"font": serif, "indent": 60, "after": 14}),
        ("item", "4.\tSeko will maintain its C-TPAT security profile and cooperate with any "
                 "validation activity CBP schedules during the conditional period.",
         {"font": serif, "indent": 60, "after": 22}),
        ("para", "Before the end of the conditional period, CBP will determine whether Seko\u2019s "
                 "participation in each program will continue. Failure to meet any of the "
                 "conditions above may result in the suspension of Seko\u2019s participation in "
                 "either or both programs without further notice.", body),
        ("para", "Questions concerning this letter may be directed to the E-Commerce and "
                 "Small Business Branch.", body),
        ("left", "Sincerely,", {"font": serif, "after": 8, "keep": 300}),
        ("signature", "", {"after": 8}),
        ("left", ECOMMERCE[0], {"font": serif}),
        ("left", ECOMMERCE[1], {"font": serif}),
        ("left", "Trade Policy and Programs, Office of Trade", {"font": serif, "after": 30}),
        ("hang", f"cc:\t{CTPAT_DIRECTOR[0]}, {CTPAT_DIRECTOR[1]}", {"font": serif, "indent": 60}),
        ("hang", f"\t{COUNSEL[0]}, {COUNSEL[1]}", {"font": serif, "indent": 60}),
    ]
    return blocks


def _signature(d: ImageDraw.ImageDraw, x: int, y: int, rng: random.Random) -> int:
    """A looping pen stroke standing in for a handwritten signature; returns its height."""
    for start, length, height in ((x, 17, 26), (x + 150, 26, 20)):
        pts = []
        for i in range(length * 8):
            t = i / 8
            env = 1.0 if t < length - 3 else (length - t) / 3
            pts.append((start + 5.2 * t + 8 * math.cos(1.35 * t),
                        y + 40 - height * env * math.sin(1.35 * t) * (0.85 + 0.15 * math.sin(t / 2))
                        + 0.08 * t * t / length * 10))
        d.line(pts, fill=40 + rng.randrange(10), width=3, joint="curve")
    d.line([(x + 10, y + 70), (x + 320, y + 60)], fill=55, width=2)
    return 84


def layout(blocks: list[tuple], rng: random.Random) -> list[Image.Image]:
    """Lay the blocks out on as many 150-dpi pages as they need."""
    pages: list[Image.Image] = []
    width = PAGE[0] - 2 * MARGIN
    small, mark_font = font("Serif-Regular", 20), font("Sans-Bold", 22)

    def new_page():
        page = Image.new("L", PAGE, PAPER)
        d = ImageDraw.Draw(page)
        tw = mark_font.getlength(MARK)
        d.rectangle([(PAGE[0] - tw) / 2 - 14, 52, (PAGE[0] + tw) / 2 + 14, 92], outline=INK, width=3)
        d.text(((PAGE[0] - tw) / 2, 60), MARK, font=mark_font, fill=INK)
        pages.append(page)
        y = MARGIN
        if len(pages) > 1:
            d.text((MARGIN, y), f"{COMPLIANCE[0]}, {PLAINTIFF}", font=small, fill=INK)
            d.text((MARGIN, y + 26), "May 31, 2024", font=small, fill=INK)
            d.text((MARGIN, y + 52), f"Page {len(pages)}", font=small, fill=INK)
            y += 110
        return d, y

    d, y = new_page()
    bottom = PAGE[1] - MARGIN
    for kind, text, opt in blocks:
        fnt = opt.get("font")
        after = opt.get("after", 0)
        if y + opt.get("keep", 0) > bottom:       # keep a closing with what follows it
            d, y = new_page()
        if kind == "rule":
            d.line([MARGIN, y, PAGE[0] - MARGIN, y], fill=INK, width=2)
            y += after
            continue
        if kind == "gap":
            y += after
            continue
        if kind == "signature":
            if y + 80 > bottom:
                d, y = new_page()
            y += _signature(d, MARGIN + 10, y, rng) + after
            continue
        line_h = int(fnt.size * 1.22)
        if kind in ("hang", "item"):
            label, _, rest = text.partition("\t")
            indent = opt["indent"]
            lines = wrap(rest, fnt, width - indent)
            if kind == "item":
                lines_x = MARGIN + indent
                label_x = MARGIN + 20
            else:
                lines_x, label_x = MARGIN + indent, MARGIN
            if y + line_h * min(len(lines), 2) > bottom:
                d, y = new_page()
            d.text((label_x, y), label, font=fnt, fill=INK)
            for line in lines:
                if y + line_h > bottom:
                    d, y = new_page()
                d.text((lines_x, y), line, font=fnt, fill=INK)
                y += line_h
            y += after
            continue
        lines = wrap(text, fnt, width) if kind == "para" else [text]
        for line in lines:
            if y + line_h > bottom:
                d, y = new_page()
            if kind == "center":
                x = (PAGE[0] - fnt.getlength(line)) / 2
            elif kind == "right":
                x = PAGE[0] - MARGIN - fnt.getlength(line)
            else:
                x = MARGIN
            d.text((x, y), line, font=fnt, fill=INK)
            y += line_h
        y += after
    return pages


def scanned(page: Image.Image, rng: random.Random, angle: float) -> Image.Image:
    """Make a clean page look scanned: soft ink, tilt, uneven paper, speckles."""
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=PAPER)
    w, h = page.size
    # Fine grain: seeded noise, +-5 levels around zero.
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(lambda v: 128 + (v * 11) // 256 - 5)
    page = ImageChops.add(page, noise, 1.0, -128)
    d = ImageDraw.Draw(page)
    # Speckles and a few dust marks.
    for _ in range(110):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.choice((0, 0, 0, 1, 1))
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.randrange(110, 200))
    for _ in range(4):
        x, y = rng.randrange(w), rng.randrange(h)
        d.line([x, y, x + rng.randrange(-30, 30), y + rng.randrange(5, 40)], fill=190, width=1)
    # Darker band along the left edge, where the scanner lid does not close flat.
    shade = Image.linear_gradient("L").rotate(90, expand=True).resize((40, h))  # 255 -> 0 left to right
    shade = shade.point(lambda v: 255 - v * 28 // 255)
    page.paste(ImageChops.multiply(page.crop((0, 0, 40, h)), shade), (0, 0))
    return page


def scan_pdf(path: Path, work: Path, rng: random.Random) -> None:
    pages = layout(letter_blocks(), rng)
    jpegs = []
    for i, page in enumerate(pages):
        jpeg = work / f"scan-{i + 1}.jpg"
        scanned(page, rng, 0.6 if i % 2 == 0 else -0.4).save(
            jpeg, "JPEG", quality=60, dpi=(DPI, DPI), optimize=True)
        jpegs.append(str(jpeg))
    letter = (img2pdf.in_to_pt(8.5), img2pdf.in_to_pt(11))
    raw = work / "scan.pdf"
    raw.write_bytes(img2pdf.convert(jpegs, layout_fun=img2pdf.get_layout_fun(letter), nodate=True,
                                    title="Sample exhibit (scan)", subject=MARK))
    fix_pdf(raw, path, "Sample exhibit (scan)")


# --------------------------------------------------------------------------------------

def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="sample-exhibits-") as tmp:
        work = Path(tmp)
        made = out_dir / "ctpat-portal-status.png"
        portal_png(made)
        print(f"wrote {made}")

        docx = work / "type86-suspension-notice.docx"
        email_docx(docx)
        made = out_dir / "type86-suspension-notice.pdf"
        fix_pdf(soffice_pdf(docx, work, work), made, "Sample exhibit (e-mail)")
        print(f"wrote {made}")

        made = out_dir / "conditional-reinstatement-scan.pdf"
        scan_pdf(made, work, rng)
        print(f"wrote {made}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "exhibits")
