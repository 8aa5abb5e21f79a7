"""Building blocks for authoring the shipped DOCX templates with python-docx.

The templates in ``templates/`` are ordinary Word documents with Jinja tags; this kit
is how they were first written, so that every paper shares one page setup, one set of
styles and one caption. ``tools/make_templates.py`` uses it. The DOCX files are meant to
be edited in Word from now on (their paragraphs hold only wording and simple tags, see
docs/templates.md); running ``make templates`` again would overwrite such edits.

Numbering is Word's own: numbered paragraphs (1., 2., ...), lettered sub-headings (A.,
B., ...), argument points (I., II., ...) and the prayer's items ((a), (b), ...) are lists
linked to their styles, so a paragraph added or removed in Word renumbers the rest.

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
LETTERED = "Sub Heading"        # A., B., C.
POINT = "Point Heading"         # I., II., III.
ITEM = "Relief Item"            # (a), (b), (c)


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
    _clean(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))


# Parts python-docx's default document carries that a template has no use for: a preview
# picture of a blank page, Word 2010's copy of the styles, a bibliography store.
_UNUSED_PARTS = ("/relationships/metadata/thumbnail", "/relationships/stylesWithEffects", "/relationships/customXml")
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Template>Normal.dotm</Template><Application>filings</Application><DocSecurity>0</DocSecurity>'
        '</Properties>')


def _clean(doc) -> None:
    """A clean Word document: no unused parts, no revision ids, no styles or lists nothing uses,
    honest application properties."""
    package = doc.part.package
    for rels in (package.rels, doc.part.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(_UNUSED_PARTS):
                rels.pop(r_id)
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP.encode("utf-8")
        element = getattr(part, "_element", None)
        if element is None:
            continue
        for el in element.iter():
            for name in [n for n in el.attrib if n.startswith(qn("w:rsid"))]:
                del el.attrib[name]
    settings = doc.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture", "w:attachedTemplate"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    _prune_styles(doc)


def _prune_styles(doc) -> None:
    """Keep the styles the document uses, the defaults and what they are based on or linked to;
    keep the lists those styles number. Word's gallery of latent styles stays available."""
    root = doc.styles.element
    styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
    used = {s.get(qn("w:styleId")) for s in styles.values() if s.get(qn("w:default")) == "1"}
    parts = [p._element for p in doc.part.package.iter_parts()
             if p.content_type.endswith(("document.main+xml", "header+xml", "footer+xml"))]
    for element in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used |= {el.get(qn("w:val")) for el in element.iter(qn(tag))}
    pending = list(used)
    while pending:
        style = styles.get(pending.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            el = style.find(qn(tag))
            if el is not None and el.get(qn("w:val")) not in used:
                used.add(el.get(qn("w:val")))
                pending.append(el.get(qn("w:val")))
    for style_id, style in styles.items():
        if style_id not in used:
            root.remove(style)
    numbering = doc.part.numbering_part.element
    kept = {el.get(qn("w:val")) for el in root.iter(qn("w:numId"))}
    kept |= {el.get(qn("w:val")) for el in doc.part.element.iter(qn("w:numId"))}
    abstracts = set()
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) in kept:
            abstracts.add(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        else:
            numbering.remove(num)
    for abstract in numbering.findall(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) not in abstracts:
            numbering.remove(abstract)


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
    _style(doc, LETTERED, line=1.0, after=12, before=6, bold=True, keep=True, left=0.5, hanging=0.5)
    _style(doc, POINT, line=1.0, after=12, before=6, bold=True, keep=True, left=0.5, hanging=0.5)
    _style(doc, ITEM, line=2.0, left=1.0, hanging=0.5)
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


# Word lists linked to styles: (style, id, number format, label, left indent, first-line indent) in twips.
LISTS = ((NUMBERED, 90, "decimal", "%1.", 0, 720),
         (LETTERED, 91, "upperLetter", "%1.", 720, -720),
         (POINT, 92, "upperRoman", "%1.", 720, -720),
         (ITEM, 93, "lowerLetter", "(%1)", 1440, -720))


def _numbering(doc) -> None:
    """One Word list per numbered style (see :data:`LISTS`).

    Word's own numbering (not numbers typed by the template) so that an attorney who
    inserts a paragraph in the draft sees every later number move.
    """
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for style, list_id, fmt, label, left, first_line in LISTS:
        abstract = _element("w:abstractNum", {"w:abstractNumId": str(list_id)})
        lvl = _element("w:lvl", {"w:ilvl": "0"})
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:pStyle", style), ("w:suff", "tab"),
                         ("w:lvlText", label), ("w:lvlJc", "left")):
            lvl.append(_element(tag, {"w:val": val}))
        ppr = OxmlElement("w:pPr")
        indent = {"w:left": str(left)}
        indent.update({"w:firstLine": str(first_line)} if first_line >= 0 else {"w:hanging": str(-first_line)})
        ppr.append(_element("w:ind", indent))
        lvl.append(ppr)
        abstract.append(lvl)
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        num = _element("w:num", {"w:numId": str(list_id)})
        num.append(_element("w:abstractNumId", {"w:val": str(list_id)}))
        numbering.append(num)
        numpr = OxmlElement("w:numPr")
        numpr.append(_element("w:numId", {"w:val": str(list_id)}))
        doc.styles[style].element.get_or_add_pPr().insert(0, numpr)


def _element(tag: str, attributes: dict[str, str]):
    """An OOXML element with its attributes."""
    el = OxmlElement(tag)
    for key, val in attributes.items():
        el.set(qn(key), val)
    return el


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
    first.add_run("Court No. {{ case.number }}")
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


def numbered_runs(doc, parts):
    """A numbered paragraph of runs (see :func:`runs`)."""
    return runs(doc, parts, NUMBERED)


def control(doc, tag: str):
    """A paragraph holding only a docxtpl paragraph tag, e.g. ``{%p for r in requests %}``."""
    return para(doc, tag, "Normal")


def heading(doc, text: str):
    """A centered, bold section heading."""
    return para(doc, text, "Section Heading")


def subheading(doc, text: str):
    """A bold sub-heading lettered by Word (A., B., ...): the parts of a statement of facts."""
    return para(doc, text, LETTERED)


def point(doc, text: str):
    """A bold argument point numbered by Word (I., II., ...)."""
    return para(doc, text, POINT)


def see(label: str, title: str, guard: str):
    """`` See Exhibit 1 (Title).`` with the signal in italics, only when ``guard`` (a fact) is
    given: runs for :func:`runs`."""
    return ["{% if " + guard + " %} ", ("See", {"italic": True}),
            " {{ " + label + " }} ({{ " + title + " }}).{% endif %}"]


def title(doc, text: str):
    """The paper's title, centered in capitals below the caption."""
    return para(doc, text, "Paper Title")


def page_break(doc):
    """Start a new page."""
    doc.add_paragraph(style="Normal").add_run().add_break(WD_BREAK.PAGE)


def caption(doc, paper_title: str, *, full: bool = False):
    """Court name, the two-column CIT caption and the paper's title.

    The party lines come from the context: ``caption.full`` names every party (the summons
    and the complaint, ``full=True``); ``caption.plaintiffs``/``defendants`` follow
    ``settings.caption`` (short by default: ``ACME CORP., et al.,`` when a side has several).
    """
    para(doc, "UNITED STATES COURT OF INTERNATIONAL TRADE", "Court Name")
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Inches(3.6), Inches(2.9)
    _border(left, "right")
    _border(left, "bottom")
    lines = "caption.full" if full else "caption"
    _cell_lines(left, [
        "{%p for line in " + lines + ".plaintiffs %}",
        "{{ line }}",
        "{%p endfor %}",
        "",
        ("{{ plaintiffs.role }},", 1.5),
        "",
        ("v.", 0.75),
        "",
        "{%p for line in " + lines + ".defendants %}",
        "{{ line }}",
        "{%p endfor %}",
        "",
        ("{{ defendants.role }}.", 1.5),
        "",
    ])
    _cell_lines(right, [
        "",
        ("{% if case.judge %}Before: Hon. {{ case.judge }}, Judge{% else %}Before: __________{% endif %}", 0.2),
        "",
        ("Court No. {{ case.number }}", 0.2),
    ])
    title(doc, paper_title)


def _cell_lines(cell, lines):
    """The paragraphs of a caption cell: ``text`` or ``(text, left indent in inches)``."""
    for n, line in enumerate(lines):
        text, indent = line if isinstance(line, tuple) else (line, 0.0)
        p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        p.style = cell.part.document.styles["Caption Text"]
        if indent:
            p.paragraph_format.left_indent = Inches(indent)
        if text:
            p.add_run(text)


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


def signature_block(doc, date_expr: str, *, role: str = "Counsel for {{ plaintiffs.role }}",
                    closing: str = "Respectfully submitted,"):
    """Date line and counsel's signature block (Rule 11); ``date_expr`` is a Jinja expression."""
    para(doc, "Dated: {{ " + date_expr + " }}", "Single").paragraph_format.keep_with_next = True
    if closing:
        para(doc, closing, "Signature")
    para(doc, "", "Signature")
    para(doc, "/s/ {{ signer.name }}", "Signature")
    para(doc, "{{ signer.name }}", "Signature")
    control(doc, "{%p for c in case.co_counsel %}")
    para(doc, "{{ c.name }}", "Signature")
    control(doc, "{%p endfor %}")
    contact_lines(doc, "signer", "Signature")
    para(doc, "", "Signature")
    para(doc, role, "Signature", italic=True).paragraph_format.keep_with_next = False
