"""Untrusted Word and OpenDocument files: zip bombs, outside references, damaged templates.

Every input is made here: DOCX files written with python-docx and then edited with
zipfile (linked pictures, fields, attached templates, macros), ODT files written as zips,
zip bombs built with zlib or by editing a zip's central directory. The end-to-end test
converts with the real LibreOffice while a loopback HTTP server watches for requests.
"""
from __future__ import annotations

import io
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.shared import Inches
from PIL import Image

from filings.papers.context import build_context
from filings.convert.libreoffice import LibreOffice
from filings.errors import ConversionError, TemplateError
from filings.facts.load import load_facts
from filings.limits import Limits
from filings.convert.office import sanitize_office
from filings.convert.officezip import OfficeFileError
from filings.convert.officezip import _short as short  # a long path is shortened, as the message shows it
from filings.pipeline.builder import build
from filings.pipeline.checking import check
from filings.papers.render import Renderer

from conftest import OTHER

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE_REL = f"{RELS}/image"


# --------------------------------------------------------------------------- producers

def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def write_parts(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def plain_docx(path: Path, *paragraphs: str, pictures: int = 0) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    picture = path.with_name("red.png")
    Image.new("RGB", (40, 40), (255, 0, 0)).save(picture)
    for _ in range(pictures):
        doc.add_picture(str(picture), width=Inches(1))
    doc.save(path)
    return path


def add_rels(xml: str, *rels: tuple[str, str, str]) -> str:
    """``rels`` (id, type, target) added to a .rels part as outside relationships."""
    extra = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}" TargetMode="External"/>'
                    for i, t, target in rels)
    return xml.replace("</Relationships>", extra + "</Relationships>")


def field(instruction: str, shown: str) -> str:
    """A complex Word field with its last shown result."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{shown}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def outside_docx(path: Path, url: str, secret: Path, *paragraphs: str) -> Path:
    """A Word file reaching outside every way LibreOffice or Word would follow: pictures linked
    to ``url`` and to the local ``secret``, INCLUDEPICTURE and INCLUDETEXT fields, an attached
    template, a hyperlink to a local file (and one to the web, which stays), macros."""
    plain_docx(path, *paragraphs, "FIELDS: ", "LINKS: ", pictures=2)
    parts = parts_of(path)
    xml = parts["word/document.xml"].decode()
    embeds = re.findall(r'r:embed="(rId\d+)"', xml)
    xml = xml.replace(f'r:embed="{embeds[0]}"', 'r:link="rIdWeb"', 1)
    xml = xml.replace(f'r:embed="{embeds[1]}"', 'r:link="rIdSecret"', 1)
    fields = (field(f'INCLUDEPICTURE "{url}/field.png" \\d', "PICTURE SHOWN") +
              f'<w:fldSimple w:instr=" INCLUDETEXT &quot;{secret.with_suffix(".txt")}&quot; ">'
              '<w:r><w:t>TEXT SHOWN</w:t></w:r></w:fldSimple>')
    xml = xml.replace('<w:t xml:space="preserve">FIELDS: </w:t></w:r>',
                      '<w:t xml:space="preserve">FIELDS: </w:t></w:r>' + fields, 1)
    links = ('<w:hyperlink r:id="rIdHttp"><w:r><w:t>web link</w:t></w:r></w:hyperlink>'
             '<w:hyperlink r:id="rIdFile"><w:r><w:t>file link</w:t></w:r></w:hyperlink>')
    xml = xml.replace('<w:t xml:space="preserve">LINKS: </w:t></w:r>',
                      '<w:t xml:space="preserve">LINKS: </w:t></w:r>' + links, 1)
    parts["word/document.xml"] = xml
    parts["word/_rels/document.xml.rels"] = add_rels(
        parts["word/_rels/document.xml.rels"].decode(),
        ("rIdWeb", IMAGE_REL, f"{url}/img.png"), ("rIdSecret", IMAGE_REL, secret.as_uri()),
        ("rIdHttp", f"{RELS}/hyperlink", "https://example.com/"),
        ("rIdFile", f"{RELS}/hyperlink", "file:///etc/passwd")).replace(
        "</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
        'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    settings = parts["word/settings.xml"].decode()
    parts["word/settings.xml"] = re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdT"/>', settings)
    parts["word/_rels/settings.xml.rels"] = add_rels(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"></Relationships>',
        ("rIdT", f"{RELS}/attachedTemplate", f"{url}/template.dotm"))
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 pretend macros"
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "wordprocessingml.document.main+xml", "MACRO_MAIN").replace(
        "application/vnd.openxmlformats-officedocument.MACRO_MAIN",
        "application/vnd.ms-word.document.macroEnabled.main+xml").replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return write_parts(path, parts)


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:xlink="http://www.w3.org/1999/xlink" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" office:version="1.2"')


def image_frame(href: str) -> str:
    return ('<text:p><draw:frame text:anchor-type="as-char" svg:width="1in" svg:height="1in">'
            f'<draw:image xlink:href="{href}" xlink:type="simple" xlink:show="embed"/></draw:frame></text:p>')


def outside_odt(path: Path, url: str, secret: Path, text: str) -> Path:
    """An OpenDocument text with pictures linked to ``url`` and ``secret``, a section linked to a
    local file, scripts run on opening, a Basic macro library, and a web link (which stays)."""
    body = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}>'
            '<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
            'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?'
            'language=Basic&amp;location=document"/></office:event-listeners></office:scripts>'
            f'<office:body><office:text><text:p>{text}</text:p>'
            f'{image_frame(url + "/odt.png")}{image_frame(secret.as_uri())}'
            f'<text:section text:name="S"><text:section-source xlink:href="{secret.with_suffix(".txt").as_uri()}"/>'
            '<text:p>SECTION SHOWN</text:p></text:section>'
            '<text:p><text:a xlink:type="simple" xlink:href="https://example.com/">web link</text:a></text:p>'
            '</office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                'opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
                '"text/xml"/><manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", body, zipfile.ZIP_DEFLATED)
        z.writestr("Basic/Standard/Module1.xml", "<module>Sub Main\nEnd Sub</module>", zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def secret_files(folder: Path) -> Path:
    """A local picture (pure blue) and text file no output may ever contain."""
    Image.new("RGB", (50, 50), (0, 0, 255)).save(folder / "secret.png")
    (folder / "secret.txt").write_text("SECRET LOCAL TEXT\n", encoding="utf-8")
    return folder / "secret.png"


def bomb_docx(path: Path, megabytes: int) -> Path:
    """A real Word file plus a part of ``megabytes`` MB of zeros (deflated about 1000:1)."""
    plain_docx(path, "A LETTER")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/media/bomb.xml", "w", force_zip64=True) as part:
            block = bytes(1 << 20)
            for _ in range(megabytes):
                part.write(block)
    return path


def set_declared_size(path: Path, name: str, size: int, crc: int | None = None) -> Path:
    """Edit the sizes (and CRC) a zip declares for ``name`` in its local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = next(m.start() for m in re.finditer(rb"PK\x01\x02", data)
                   if data[m.start() + 46:m.start() + 46 + len(name)] == name.encode())
    struct.pack_into("<I", data, central + 24, size)
    if crc is not None:
        struct.pack_into("<I", data, local + 14, crc)
        struct.pack_into("<I", data, central + 16, crc)
    path.write_bytes(bytes(data))
    return path


# --------------------------------------------------------------------------- zip bombs

def clean(path: Path, limits: Limits = Limits()) -> tuple[list[str], dict[str, bytes]]:
    out = path.with_name(f"clean-{path.name}")
    removed = sanitize_office(path, out, limits=limits)
    return removed, parts_of(out)


def refused(path: Path, limits: Limits = Limits()) -> str:
    with pytest.raises(OfficeFileError) as info:  # the reason says which check refused, before unpacking
        sanitize_office(path, path.with_name("out.docx"), limits=limits)
    assert "\n" not in str(info.value)
    return info.value.reason


def test_a_part_that_unpacks_a_thousand_times_its_size_is_a_bomb(tmp_path):
    bomb = bomb_docx(tmp_path / "bomb.docx", 100)
    assert bomb.stat().st_size < 400_000
    assert refused(bomb) == (
        "'word/media/bomb.xml' unpacks to 1,029 times its packed size, more than the 200:1 of a real document "
        "(a zip bomb?); use another copy of the file, or save it as PDF")


def test_declared_sizes_over_the_bound_are_refused(tmp_path):
    path = set_declared_size(plain_docx(tmp_path / "huge.docx", "HUGE"), "word/document.xml", 0xFFFF0000)
    assert refused(path, Limits(office_ratio=10**12)) == (
        "unpacks to 4 GB, more than the 256 MB bound for a Word or OpenDocument file; compress its pictures, "
        "split it, or save it as PDF")


def test_a_part_longer_than_it_declares_is_read_only_as_far_as_declared(tmp_path):
    """The sizes lie small: reading stops at the declared size, and the copy made for
    LibreOffice holds only that, so the real 50 MB are never inflated."""
    path = plain_docx(tmp_path / "liar.docx", "LIAR")
    payload = b"<w:x/>" + bytes(50 << 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/liar.bin", payload)
    set_declared_size(path, "word/liar.bin", 1000, crc=zlib.crc32(payload[:1000]))
    removed, parts = clean(path)
    assert removed == [] and len(parts["word/liar.bin"]) == 1000
    with zipfile.ZipFile(path.with_name("clean-liar.docx")) as z:
        assert sum(i.file_size for i in z.infolist()) < 2_000_000


def test_too_many_parts(tmp_path):
    path = plain_docx(tmp_path / "many.docx", "MANY")
    with zipfile.ZipFile(path, "a") as z:
        for n in range(40):
            z.writestr(f"customXml/extra{n}.xml", "<x/>")
        count = len(z.namelist())
    assert refused(path, Limits(office_entries=30)) == (
        f"holds {count} files, more than the 30 a Word or OpenDocument file may hold; check that it is the right file, "
        "or save it as PDF")


def nested_zip(levels: int) -> bytes:
    data = b"innermost"
    for n in range(levels):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"level{n}.bin", data)
        data = buffer.getvalue()
    return data


def test_an_embedded_spreadsheet_is_kept_but_a_zip_in_it_is_refused(tmp_path):
    path = plain_docx(tmp_path / "embedded.docx", "EMBEDDED")
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("word/embeddings/sheet.xlsx", nested_zip(1))
    removed, parts = clean(path)
    assert removed == []
    with zipfile.ZipFile(io.BytesIO(parts["word/embeddings/sheet.xlsx"])) as inner:
        assert inner.read("level0.bin") == b"innermost"
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("word/embeddings/deeper.xlsx", nested_zip(2))
    assert refused(path) == ("holds a zip inside a zip inside it ('level1.bin' in word/embeddings/deeper.xlsx); "
                             "save the file as PDF and use that")


def test_a_zip_bomb_exhibit_stops_the_check_at_once(tmp_path):
    bomb_docx(tmp_path / "bomb.docx", 300)
    facts = other_facts(tmp_path, [{"id": "bomb", "title": "A zip bomb", "file": "bomb.docx"}])
    with pytest.raises(ConversionError) as info:  # the ratio check refuses it before anything is unpacked
        check(facts)
    assert str(info.value) == (
        f"exhibit 'bomb' ({tmp_path / 'bomb.docx'}): 'word/media/bomb.xml' unpacks to 1,029 times its packed "
        "size, more than the 200:1 of a real document (a zip bomb?); use another copy of the file, or save it "
        "as PDF")


# --------------------------------------------------------------------------- outside references

def test_every_outside_reference_of_a_word_file_is_removed(tmp_path):
    secret = secret_files(tmp_path)
    path = outside_docx(tmp_path / "outside.docx", "http://127.0.0.1:9", secret, "OUTSIDE")
    removed, parts = clean(path)
    assert removed == [
        "macros (word/vbaProject.bin)",
        "a linked picture (http://127.0.0.1:9/img.png)",
        f"a linked picture ({short(secret.as_uri())})",
        "a link (file:///etc/passwd)",
        "an attached template (http://127.0.0.1:9/template.dotm)",
        "an INCLUDEPICTURE field",
        "an INCLUDETEXT field",
    ]
    everything = b"".join(parts.values()).decode("utf-8", "replace")
    assert "vbaProject" not in everything and "macroEnabled" not in everything
    assert "127.0.0.1" not in everything and "file:" not in everything and "INCLUDE" not in everything
    assert 'Target="https://example.com/" TargetMode="External"' in everything
    text = "\n".join(p.text for p in Document(path.with_name("clean-outside.docx")).paragraphs)
    assert "FIELDS: PICTURE SHOWNTEXT SHOWN" in text and "LINKS: web linkfile link" in text


def test_every_outside_reference_of_an_odt_file_is_removed(tmp_path):
    secret = secret_files(tmp_path)
    path = outside_odt(tmp_path / "outside.odt", "http://127.0.0.1:9", secret, "OUTSIDE")
    removed, parts = clean(path)
    assert removed == [
        "macros (Basic/)",
        "macros (office:scripts)",
        "scripts run on events",
        f"a linked section ({short(secret.with_suffix('.txt').as_uri())})",
        "a linked picture (http://127.0.0.1:9/odt.png)",
        f"a linked picture ({short(secret.as_uri())})",
    ]
    assert list(parts) == ["mimetype", "content.xml", "META-INF/manifest.xml"]
    content = parts["content.xml"].decode()
    assert "127.0.0.1" not in content and "file:" not in content and "star.script" not in content
    assert 'xlink:href="https://example.com/"' in content and "SECTION SHOWN" in content
    assert b"Basic" not in parts["META-INF/manifest.xml"]


def other_facts(folder: Path, exhibits: list[dict]) -> Path:
    """The other matter's facts with ``exhibits`` in place of its own (and nothing citing them)."""
    data = yaml.safe_load(OTHER.read_text(encoding="utf-8"))
    for section in ("events", "requests"):
        for item in data[section]:
            item.pop("exhibit", None)
    data["exhibits"] = exhibits
    path = folder / "facts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_libreoffice_fetches_nothing_and_embeds_no_local_file(tmp_path, loopback):
    """A Word exhibit, an ODT exhibit and an exhibit template, each linking pictures to the
    server and to a local file, built into a bundle by the real LibreOffice."""
    secret = secret_files(tmp_path)
    outside_docx(tmp_path / "letter.docx", loopback.url, secret, "WORD EXHIBIT TEXT")
    outside_odt(tmp_path / "notes.odt", loopback.url, secret, "ODT EXHIBIT TEXT")
    templates = tmp_path / "templates"
    (templates / "exhibits").mkdir(parents=True)
    outside_docx(templates / "exhibits" / "linked.docx", loopback.url, secret, "TEMPLATE FOR {{ case.title }}")
    facts = other_facts(tmp_path, [{"id": "word", "title": "A Word letter", "file": "letter.docx"},
                                   {"id": "odt", "title": "OpenDocument notes", "file": "notes.odt"},
                                   {"id": "made", "title": "A rendered letter", "template": "linked.docx"}])
    result = build(facts, tmp_path / "out", papers=False, templates_dir=templates,
                   converter=LibreOffice(profile_dir=tmp_path / "lo-profile"))
    assert loopback.requests == []
    bundle = result.bundle.path
    text = subprocess.run(["pdftotext", "-layout", str(bundle), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "WORD EXHIBIT TEXT" in text and "ODT EXHIBIT TEXT" in text
    assert "TEMPLATE FOR Ridgeline Steel Imports LLC v. United States" in text
    assert "SECRET LOCAL TEXT" not in text
    images = subprocess.run(["pdfimages", "-list", str(bundle)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert images == [], "a linked picture was fetched or a local file embedded"


# --------------------------------------------------------------------------- templates that cannot be used

def template_error(folder: Path, name: str) -> str:
    renderer = Renderer(folder, build_context(load_facts(OTHER)))
    with pytest.raises(TemplateError) as info:
        renderer.render(name, folder / "out.docx")
    assert "\n" not in str(info.value)
    return str(info.value)


def encrypted_docx(path: Path) -> Path:
    """What Word writes for a password-protected DOCX: an OLE compound file (not a zip) whose
    directory holds the EncryptionInfo and EncryptedPackage streams."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 30, 9)
    directory = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        encoded = (name + "\0").encode("utf-16-le")
        directory += encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded)).ljust(64, b"\0")
    path.write_bytes(bytes(header) + directory.ljust(512, b"\0") + bytes(4096))
    return path


def test_a_template_that_is_not_a_zip(tmp_path):
    (tmp_path / "notes.docx").write_text("Dear Sir, this is plain text.", encoding="utf-8")
    assert template_error(tmp_path, "notes.docx") == (
        f"{tmp_path / 'notes.docx'}: not a Word or OpenDocument file: it is damaged or not a zip archive "
        "(File is not a zip file); open it in Word or LibreOffice and save it again")


def test_a_template_with_damaged_xml_inside(tmp_path):
    path = plain_docx(tmp_path / "damaged.docx", "{{ case.title }}")
    parts = parts_of(path)
    cut = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
    parts["word/document.xml"] = cut
    write_parts(path, parts)
    assert template_error(tmp_path, "damaged.docx") == (
        f"{path}: the part 'word/document.xml' is damaged: not well-formed XML (Premature end of data in tag "
        f"p line 1, line 1, column {len(cut) + 1}); open the file in Word or LibreOffice and save it again")


def test_a_password_protected_template(tmp_path):
    encrypted_docx(tmp_path / "locked.docx")
    assert template_error(tmp_path, "locked.docx") == (
        f"{tmp_path / 'locked.docx'}: the document is password-protected; open it in Word, remove the password "
        "(File > Info > Protect Document), and save it again")


def test_a_zip_that_is_no_word_document(tmp_path):
    write_parts(tmp_path / "archive.docx", {"readme.txt": "not a document"})
    assert template_error(tmp_path, "archive.docx") == (
        f"{tmp_path / 'archive.docx'}: not a Word or OpenDocument file (a zip without [Content_Types].xml or "
        "mimetype); open it in Word or LibreOffice and save it again")


def test_a_field_built_while_rendering_is_removed_from_the_paper(tmp_path):
    """The template's XML holds ``INCL{{ '' }}UDEPICTURE``: clean before rendering, a field
    that reads a file after. The rendered paper is cleaned again."""
    path = plain_docx(tmp_path / "built.docx", "BUILT: ")
    parts = parts_of(path)
    parts["word/document.xml"] = parts["word/document.xml"].decode().replace(
        '<w:t xml:space="preserve">BUILT: </w:t></w:r>',
        '<w:t xml:space="preserve">BUILT: </w:t></w:r>' +
        field("INCL{{ '' }}UDEPICTURE &quot;file:///etc/passwd&quot;", "SHOWN"), 1)
    write_parts(path, parts)
    renderer = Renderer(tmp_path, build_context(load_facts(OTHER)))
    renderer.render("built.docx", tmp_path / "out.docx")
    assert renderer.removed == {"built.docx": ["an INCLUDEPICTURE field (made while rendering)"]}
    xml = parts_of(tmp_path / "out.docx")["word/document.xml"].decode()
    assert "PICTURE" not in xml and "passwd" not in xml and "SHOWN" in xml
