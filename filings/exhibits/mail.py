"""E-mail exhibits read: ``.eml`` (the standard library's ``email``, ``policy.default``) and
Outlook ``.msg`` (its compound file read with ``olefile``), as one :class:`Mail`.

An e-mail is untrusted: the file is bounded (``limits.mail_bytes``), so are its attachments
(``mail_attachments``, nested e-mails counted) and how deep e-mails nest (``mail_depth``);
its text is bounded (``mail_text_chars``) and stripped of control characters. An HTML body is
read as text only (:class:`_Text`): no script, style, image or anything fetched is kept.
What a header or body cannot be decoded into is replaced, never an error: the exhibit is
the e-mail as it was sent, with what it could show.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import struct
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

from filings.limits import DEFAULT_LIMITS, Limits

MAIL = {".eml", ".msg"}


class MailError(ValueError):
    """Why an e-mail cannot be used: the words after ``exhibit 'id': ``."""


@dataclass
class Attachment:
    name: str
    data: bytes = b""
    mail: "Mail | None" = None   # an attached e-mail, read in turn
    inline: bool = False         # a picture shown in an HTML body (a logo), not a document sent
    nested_too_deep: bool = False  # an e-mail inside e-mails deeper than ``limits.mail_depth``


@dataclass
class Mail:
    sender: str = ""
    to: str = ""
    cc: str = ""
    date: str = ""
    subject: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)


class TooMany(MailError):
    """More attachments than one e-mail exhibit may have."""


class _Budget:
    """How many attachments are left to read, across nested e-mails."""

    def __init__(self, limits: Limits):
        self.limits, self.left = limits, limits.mail_attachments

    def take(self, where: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooMany(f"{where} has more than {self.limits.mail_attachments} attachments (nested e-mails' "
                            "counted), the bound for one e-mail exhibit; file the attachments as exhibits of "
                            "their own")


def read_mail(path: Path, limits: Limits = DEFAULT_LIMITS) -> Mail:
    """The e-mail in ``path`` (``.eml`` or ``.msg``); MailError when it cannot be used."""
    size = path.stat().st_size
    if size > limits.mail_bytes:
        raise MailError(f"the e-mail is {size:,} bytes, over the bound of {limits.mail_bytes:,} for one e-mail "
                        "exhibit; file its attachments as exhibits of their own")
    data = path.read_bytes()
    budget = _Budget(limits)
    if path.suffix.lower() == ".msg":
        return _read_msg(data, budget, 0)
    return _read_eml(data, budget, 0)


# --------------------------------------------------------------------------- .eml

def _read_eml(data: bytes, budget: _Budget, depth: int) -> Mail:
    try:
        return _from_message(email.message_from_bytes(data, policy=email.policy.default), budget, depth)
    except MailError:
        raise
    except Exception as e:  # noqa: BLE001 - the parser's errors are many (a MIME tree nested to exhaust
        # recursion among them); any of them: unreadable
        raise MailError(f"not a readable e-mail ({type(e).__name__}); save it again from the mail program") from None


def _from_message(message: EmailMessage, budget: _Budget, depth: int) -> Mail:
    if not any(message.get(h) for h in ("From", "To", "Subject", "Date")):
        raise MailError("not an e-mail (no From, To, Subject or Date header); save it again from the mail program "
                        "as .eml or .msg")
    mail = Mail(*(_header(message, h) for h in ("From", "To", "Cc", "Date", "Subject")))
    mail.body = _body(message, budget.limits)
    for part in message.iter_attachments():
        budget.take("the e-mail")
        name = _clean(part.get_filename() or "", 200) or _unnamed(part.get_content_type())
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            name = name if part.get_filename() else f"{_header(inner, 'Subject') or 'e-mail'}.eml"
            mail.attachments.append(_nested(name, lambda: _from_message(inner, budget, depth + 1), depth, budget))
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001 - damaged transfer encoding: filed as what could be decoded
            payload = b""
        inline = part.get_content_disposition() == "inline" and bool(part.get("Content-ID"))
        mail.attachments.append(_attached(name, payload, inline, budget, depth))
    return mail


def _nested(name: str, read, depth: int, budget: _Budget) -> Attachment:
    if depth + 1 >= budget.limits.mail_depth:
        return Attachment(name, nested_too_deep=True)  # listed as not filed
    return Attachment(name, mail=read())


def _attached(name: str, payload: bytes, inline: bool, budget: _Budget, depth: int) -> Attachment:
    """An attachment; an attached e-mail file (.eml, .msg) read in turn."""
    suffix = Path(name).suffix.lower()
    if suffix in MAIL and payload:
        reader = _read_msg if suffix == ".msg" else _read_eml
        try:
            return _nested(name, lambda: reader(payload, budget, depth + 1), depth, budget)
        except TooMany:
            raise
        except MailError:
            return Attachment(name, payload)  # listed as not a readable e-mail
    return Attachment(name, payload, inline=inline)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
        return _clean(str(value) if value is not None else "", 2000)
    except Exception:  # noqa: BLE001 - a header the policy cannot parse: its raw text
        raw = next((str(v) for k, v in message.raw_items() if k.lower() == name.lower()), "")
        return _clean(raw, 2000)


def _body(message: EmailMessage, limits: Limits) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except Exception:  # noqa: BLE001 - an unknown charset: read as Latin-1, every byte a character
        text = (part.get_payload(decode=True) or b"").decode("latin-1")
    if not isinstance(text, str):
        return ""
    if part.get_content_type() == "text/html":
        text = html_text(text[:limits.mail_text_chars * 4])
    return _clean(text, limits.mail_text_chars, keep_lines=True)


def _unnamed(content_type: str) -> str:
    return f"unnamed attachment ({content_type})"


# --------------------------------------------------------------------------- .msg

_ATTACH = "__attach_version1.0_#"
_DATA, _EMBEDDED = "37010102", "3701000D"


def _read_msg(data: bytes, budget: _Budget, depth: int) -> Mail:
    import olefile

    if not olefile.isOleFile(data=data):
        raise MailError("not an Outlook message (.msg) file; save it again from Outlook")
    try:
        ole = olefile.OleFileIO(data)
    except Exception as e:  # noqa: BLE001 - a damaged compound file
        raise MailError(f"a damaged Outlook message ({type(e).__name__}); save it again from Outlook") from None
    with ole:
        try:
            return _msg(ole, "", budget, depth)
        except MailError:
            raise
        except Exception as e:  # noqa: BLE001 - olefile's errors on damaged streams
            raise MailError(f"a damaged Outlook message ({type(e).__name__}); save it again from Outlook") from None


def _msg(ole, prefix: str, budget: _Budget, depth: int) -> Mail:
    limits = budget.limits

    def text(tag: str, most: int = 2000, lines: bool = False) -> str:
        for kind, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
            name = f"{prefix}__substg1.0_{tag}{kind}"
            if ole.exists(name):
                raw = ole.openstream(name).read(most * 2 + 2)
                return _clean(raw.decode(codec, "replace").rstrip("\x00"), most, keep_lines=lines)
        return ""

    headers = email.message_from_string(text("007D", 200_000, True), policy=email.policy.default) \
        if text("007D", 10) else None
    mail = Mail()
    if headers is not None and headers.get("From"):
        mail.sender, mail.to, mail.cc, mail.date = (_header(headers, h) for h in ("From", "To", "Cc", "Date"))
    else:
        name, address = text("0C1A"), text("5D01") or text("0C1F")
        mail.sender = f"{name} <{address}>" if name and address and name != address else name or address
        mail.to, mail.cc = text("0E04"), text("0E03")
        mail.date = _msg_date(ole, prefix)
    mail.subject = text("0037")
    mail.body = text("1000", limits.mail_text_chars, True)
    if not mail.body.strip():
        html = f"{prefix}__substg1.0_10130102"
        if ole.exists(html):
            raw = ole.openstream(html).read(limits.mail_text_chars * 4)
            mail.body = _clean(html_text(_decode_html(raw)), limits.mail_text_chars, keep_lines=True)
    parts = [p for p in prefix.split("/") if p]
    entries = sorted({e[len(parts)] for e in ole.listdir(streams=True, storages=True)
                      if e[:len(parts)] == parts and len(e) > len(parts) and e[len(parts)].startswith(_ATTACH)})
    for entry in entries:
        budget.take("the e-mail")
        at = f"{prefix}{entry}/"
        sub = _Sub(ole, at)
        name = sub.text("3707") or sub.text("3704") or sub.text("3001") or "unnamed attachment"
        if ole.exists(f"{at}__substg1.0_{_EMBEDDED}"):
            inner = f"{at}__substg1.0_{_EMBEDDED}/"
            subject = _Sub(ole, inner).text("0037")
            mail.attachments.append(_nested(name if name != "unnamed attachment" else f"{subject or 'e-mail'}.msg",
                                            lambda: _msg(ole, inner, budget, depth + 1), depth, budget))
            continue
        stream = f"{at}__substg1.0_{_DATA}"
        payload = ole.openstream(stream).read(limits.mail_bytes) if ole.exists(stream) else b""
        mail.attachments.append(_attached(name, payload, bool(sub.text("3712")) and _hidden(ole, at), budget, depth))
    return mail


class _Sub:
    """The text properties of one storage of a .msg (an attachment, an embedded message)."""

    def __init__(self, ole, prefix: str):
        self.ole, self.prefix = ole, prefix

    def text(self, tag: str) -> str:
        for kind, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
            name = f"{self.prefix}__substg1.0_{tag}{kind}"
            if self.ole.exists(name):
                return _clean(self.ole.openstream(name).read(4002).decode(codec, "replace").rstrip("\x00"), 200)
        return ""


def _properties(ole, prefix: str) -> dict[int, int]:
    """The fixed-size properties of a storage (tag → 8-byte value), from its properties stream."""
    name = f"{prefix}__properties_version1.0"
    if not ole.exists(name):
        return {}
    raw = ole.openstream(name).read(1 << 20)
    parts = [p for p in prefix.split("/") if p]
    header = 32 if not parts else 24 if parts[-1] == f"__substg1.0_{_EMBEDDED}" else 8  # [MS-OXMSG] 2.4
    found = {}
    for i in range(header, len(raw) - 15, 16):
        tag, _, value = struct.unpack("<IIQ", raw[i:i + 16])
        found[tag] = value
    return found


def _msg_date(ole, prefix: str) -> str:
    """When the message was sent (PR_CLIENT_SUBMIT_TIME, else delivery time), in UTC."""
    props = _properties(ole, prefix)
    value = props.get(0x00390040) or props.get(0x0E060040)
    if not value:
        return ""
    try:
        when = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=value // 10)
    except OverflowError:
        return ""
    return email.utils.format_datetime(when)


def _hidden(ole, at: str) -> bool:
    return bool(_properties(ole, at).get(0x7FFE000B))


def _decode_html(raw: bytes) -> str:
    m = re.search(rb'charset\s*=\s*["\']?([A-Za-z0-9_-]{1,40})', raw[:4096])
    try:
        return raw.decode(m.group(1).decode() if m else "utf-8", "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


# --------------------------------------------------------------------------- text

class _Text(HTMLParser):
    """The text of an HTML body, as a reader sees it: no script, style or head; a line break
    where a block ends; a picture by its alt text; nothing fetched."""

    SKIP = {"script", "style", "head", "title", "noscript", "template", "object", "iframe", "svg"}
    BREAK = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
             "hr", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.out.append("\n")
        elif tag == "img" and not self.skipping:
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(f"[image: {alt}]")
        elif tag in ("td", "th"):
            self.out.append("\t")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_text(html: str) -> str:
    """The readable text of an untrusted HTML body."""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML: what was read so far
        pass
    text = "".join(parser.out)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str, most: int, keep_lines: bool = False) -> str:
    """``text`` without control characters (XML cannot hold them), at most ``most`` characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not keep_lines:
        text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= most else text[:most] + "\u2026"
