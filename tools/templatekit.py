"""Building blocks for authoring the shipped DOCX templates with python-docx.

The templates in ``templates/`` are ordinary Word documents with Jinja tags; this kit
is how they were first written, so that every paper shares one page setup, one set of
styles and one caption. ``tools/make_templates.py`` uses it. The scripts are the source
of the shipped templates: change a script and run ``make templates``, which rewrites the
DOCX files (a template edited by hand in Word would be overwritten by that command).

Format (USCIT Rule 81 and the court's practice, see ../shared/reference): Letter paper,
1-inch margins, Times New Roman 12 pt, double-spaced body, page numbers at the bottom,
the court number on every page.
"""
from __future__ import annotations

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

FONT = "Times New Roman"
NUMBERED = "Numbered Paragraph"


def new_document():
    """A blank Letter document with the court's format and the toolkit's styles."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.footer_distance = Inches(0.5)
    _styles(doc)
    _numbering(doc)
    _footer(section)
    props = doc.core_properties
    props.author, props.title, props.comments = "filings", "", ""
    return doc


def save(doc, path) -> None:
    """Save ``doc`` byte for byte the same on every run (fixed dates inside and in the zip),
    so that rewriting the templates changes git only where their content changed."""
    import datetime as dt
    import io
    import zipfile

    fixed = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    props = doc.core_properties
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    body = _style(doc, "Body Text Double", line=2.0, first_indent=0.5)
    body.paragraph_format.widow_control = True
    _style(doc, NUMBERED, line=2.0, first_indent=0.5)
    _style(doc, "Single", line=1.0, after=12)
    _style(doc, "Block Quote Single", line=1.0, after=12, left=1.0, right=1.0)
    _style(doc, "Paper Title", line=1.0, after=24, before=12, bold=True, align="center", keep=True)
    _style(doc, "Section Heading", line=1.0, after=12, before=12, bold=True, align="center", keep=True)
    _style(doc, "Sub Heading", line=1.0, after=12, before=6, bold=True, keep=True, left=0.5, hanging=0.5)
    _style(doc, "Signature", line=1.0, left=3.25, keep=True)
    _style(doc, "Caption Text", line=1.0)
    _style(doc, "Court Name", line=1.0, after=24, bold=True, align="center")


def _style(doc, name, *, line, after=0, before=0, first_indent=None, left=None, right=None,
           hanging=None, bold=False, align=None, keep=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.DOUBLE if line == 2.0 else WD_LINE_SPACING.SINGLE
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if first_indent is not None:
        fmt.first_line_indent = Inches(first_indent)
    if left is not None:
        fmt.left_indent = Inches(left)
    if right is not None:
        fmt.right_indent = Inches(right)
    if hanging is not None:
        fmt.first_line_indent = Inches(-hanging)
    if align == "center":
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.keep_with_next = keep
    style.font.bold = bold
    return style


def _numbering(doc) -> None:
    """One Word list, "1.", "2.", ... linked to the Numbered Paragraph style.

    Word's own numbering (not numbers typed by the template) so that an attorney who
    inserts a paragraph in the draft sees every later number move.
    """
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), "0")
    for tag, val in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:pStyle", NUMBERED),
                     ("w:suff", "tab"), ("w:lvlText", "%1."), ("w:lvlJc", "left")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        lvl.append(el)
    ppr = OxmlElement("w:pPr")
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), "0")
    ind.set(qn("w:firstLine"), "720")
    ppr.append(ind)
    lvl.append(ppr)
    abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    style_ppr = doc.styles[NUMBERED].element.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    numid = OxmlElement("w:numId")
    numid.set(qn("w:val"), "90")
    numpr.append(numid)
    style_ppr.insert(0, numpr)


def _field(paragraph, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _footer(section) -> None:
    """Court number and page number at the bottom of every page."""
    footer = section.footer
    first = footer.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.add_run("Court No. {{ case.court_no or '__________' }}")
    page = footer.add_paragraph()
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(page, "PAGE")


def para(doc, text: str = "", style: str = "Body Text Double", *, bold=False, italic=False,
         underline=False, align=None):
    """Add a paragraph; text may hold Jinja tags."""
    p = doc.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "justify":
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def runs(doc, parts, style: str = "Body Text Double"):
    """A paragraph of runs: ``[("text", {"bold": True}), "plain", ...]``."""
    p = doc.add_paragraph(style=style)
    for part in parts:
        text, fmt = (part, {}) if isinstance(part, str) else part
        run = p.add_run(text)
        for key, value in fmt.items():
            setattr(run, key, value)
    return p


def numbered(doc, text: str):
    """A numbered paragraph (pleadings, declarations): Word numbers it."""
    return para(doc, text, NUMBERED)


def control(doc, tag: str):
    """A paragraph holding only a docxtpl paragraph tag, e.g. ``{%p for r in requests %}``."""
    return para(doc, tag, "Normal")


def heading(doc, text: str):
    """A centered, bold section heading."""
    return para(doc, text, "Section Heading")


def subheading(doc, text: str):
    """A bold left sub-heading (argument points)."""
    return para(doc, text, "Sub Heading")


def title(doc, text: str):
    """The paper's title, centered in capitals below the caption."""
    return para(doc, text, "Paper Title")


def page_break(doc):
    """Start a new page."""
    doc.add_paragraph(style="Normal").add_run().add_break(WD_BREAK.PAGE)


def caption(doc, paper_title: str):
    """Court name, the two-column CIT caption and the paper's title."""
    para(doc, "UNITED STATES COURT OF INTERNATIONAL TRADE", "Court Name")
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Inches(3.6), Inches(2.9)
    _border(left, "right")
    _border(left, "bottom")
    lines = [
        "{%p for p in case.plaintiffs %}",
        "{{ p.name|upper }}{{ ',' if loop.last else ';' }}",
        "{%p endfor %}",
        "",
        "Plaintiff{{ 's' if case.plaintiffs|length > 1 }},",
        "",
        "v.",
        "",
        "{%p for d in case.defendants %}",
        "{{ d.name|upper }}{{ ',' if loop.last else ';' }}",
        "{%p endfor %}",
        "",
        "Defendant{{ 's' if case.defendants|length > 1 }}.",
        "",
    ]
    _cell_lines(left, lines, indent_roles=True)
    _cell_lines(right, [
        "",
        "{% if case.judge %}Before: Hon. {{ case.judge }}, Judge{% else %}Before: __________{% endif %}",
        "",
        "Court No. {{ case.court_no or '__________' }}",
    ], left_indent=0.2)
    title(doc, paper_title)


def _cell_lines(cell, lines, *, indent_roles=False, left_indent=0.0):
    first = True
    for line in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.style = cell.part.document.styles["Caption Text"]
        if left_indent:
            p.paragraph_format.left_indent = Inches(left_indent)
        if indent_roles and (line.startswith("Plaintiff") or line.startswith("Defendant")):
            p.paragraph_format.left_indent = Inches(1.5)
        if indent_roles and line == "v.":
            p.paragraph_format.left_indent = Inches(0.75)
        if line:
            p.add_run(line)


def _border(cell, side: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tcpr.append(borders)
    el = OxmlElement(f"w:{side}")
    for key, val in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        el.set(qn(key), val)
    borders.append(el)


def contact_lines(doc, who: str, style: str, *, phone: bool = True) -> None:
    """``who``'s organization, address lines, telephone and e-mail, each on its own line
    (``who`` is a Jinja expression naming a person); empty facts leave no line."""
    para(doc, "{{ " + who + ".organization.name }}", style)
    control(doc, "{%p for line in " + who + ".address %}")
    para(doc, "{{ line }}", style)
    control(doc, "{%p endfor %}")
    optional = (("phone", "Tel.: "), ("email", "")) if phone else (("email", ""),)
    for fact, label in optional:
        control(doc, "{%p if " + who + "." + fact + " %}")
        para(doc, label + "{{ " + who + "." + fact + " }}", style)
        control(doc, "{%p endif %}")


def signature_block(doc, date_expr: str, *, role: str = "Counsel for Plaintiff",
                    closing: str = "Respectfully submitted,"):
    """Date line and counsel's signature block (Rule 11); ``date_expr`` is a Jinja expression."""
    para(doc, "Dated: {{ " + date_expr + " }}", "Single").paragraph_format.keep_with_next = True
    if closing:
        para(doc, closing, "Signature")
    para(doc, "", "Signature")
    para(doc, "/s/ {{ signer.name }}", "Signature")
    para(doc, "{{ signer.name }}", "Signature")
    control(doc, "{%p for c in case.counsel[1:] %}")
    para(doc, "{{ c.name }}", "Signature")
    control(doc, "{%p endfor %}")
    contact_lines(doc, "signer", "Signature")
    para(doc, "", "Signature")
    para(doc, role, "Signature", italic=True).paragraph_format.keep_with_next = False
