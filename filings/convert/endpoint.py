"""Talking to one unoserver instance: XML-RPC over a local instance's Unix socket or TCP.

:class:`Endpoint` is where one instance answers: a health check, and one document converted
(passed as a path to a local instance, sent as contents to one elsewhere). Its failures
say whether to replace the instance (:class:`InstanceFailed`) or to give up on the document
(:class:`DocumentFailed`). :mod:`filings.convert.instances` starts and finds the local
instances; :mod:`filings.convert.pool` schedules a batch on them.

A converter elsewhere (``$FILINGS_CONVERTERS``) is outside our control and untrusted: every
call ends within its time however slowly it answers (a timer abandons the connection, not
only a timeout on each read), an answer is read up to :data:`ANSWER_BYTES`, and what comes
back must be a PDF that opens, else the call fails naming what was wrong; :meth:`Endpoint.abort`
abandons a call at once from another thread (a build interrupted).
"""
from __future__ import annotations

import http.client
import os
import socket
import threading
import xml.parsers.expat
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

HEALTH_SECONDS = 10.0  # for an instance to answer a health check
ANSWER_BYTES = 512 * 1024 * 1024  # an XML-RPC answer read from a converter elsewhere (a PDF as base64)
# What a wrong answer raises while it is read: a broken HTTP reply, XML-RPC that is not, XML that is not.
BAD_ANSWER = (http.client.HTTPException, xmlrpc.client.Error, xml.parsers.expat.ExpatError, ValueError, TypeError,
              AttributeError, KeyError, IndexError)
PDF_OPTIONS = ["EmbedStandardFonts=true", "UseTaggedPDF=true"]  # as convert.PDF_FILTER


def configured_endpoints() -> list[str]:
    """``$FILINGS_CONVERTERS``: unoserver instances elsewhere, as ``host:port`` or URLs."""
    value = os.environ.get("FILINGS_CONVERTERS", "")
    return [e.strip() for e in value.split(",") if e.strip()]


class InstanceFailed(Exception):
    """An instance died, stopped answering or did not finish in time: replace it and retry."""

    def __init__(self, message: str, timed_out: bool = False):
        self.timed_out = timed_out
        super().__init__(message)


class DocumentFailed(Exception):
    """A healthy LibreOffice could not convert the document (damaged or unsupported)."""


class AnswerTooLarge(ValueError):
    """A converter's answer ran past :data:`ANSWER_BYTES`."""


class _Abandonable:
    """A connection its transport may abandon from another thread: one that connects after
    the call was abandoned is closed at once (the socket is shut down by :meth:`_Transport.stop`
    when it was open already)."""

    stopped: threading.Event

    def _check_abandoned(self) -> None:
        if self.stopped.is_set():
            self.close()
            raise ConnectionAbortedError("the call was abandoned")


class _TCPConnection(_Abandonable, http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self._check_abandoned()


class _TLSConnection(_Abandonable, http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self._check_abandoned()


class _UnixConnection(_Abandonable, http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock
        self._check_abandoned()


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over a Unix socket (``path``) or TCP, with a timeout on each read and a timer on
    the whole call, one connection per call, answers read up to ``ANSWER_BYTES`` and never
    compressed."""

    accept_gzip_encoding = False  # a compressed answer could unpack without bound

    def __init__(self, timeout: float, path: str | None = None, https: bool = False):
        super().__init__()
        self.timeout, self.path, self.https = timeout, path, https
        self.stopped = threading.Event()
        self.expired = False  # stopped by the timer of the call, not abandoned

    def make_connection(self, host):
        if self.path:
            connection = _UnixConnection(self.path, self.timeout)
        else:
            name, _, _ = self.get_host_info(host)
            connection = (_TLSConnection if self.https else _TCPConnection)(name, timeout=self.timeout)
        connection.stopped = self.stopped
        self._connection = (host, connection)  # so that close() closes it, after a failed call too
        return connection

    def parse_response(self, response):
        """The answer unmarshalled, read no further than ``ANSWER_BYTES``."""
        if response.getheader("Content-Encoding", "identity") != "identity":
            raise xmlrpc.client.ResponseError("a compressed answer, which was not asked for")
        parser, unmarshaller = self.getparser()
        left = ANSWER_BYTES
        while data := response.read(64 * 1024):
            left -= len(data)
            if left < 0:
                raise AnswerTooLarge(f"an answer larger than {ANSWER_BYTES // 2**20} MB")
            parser.feed(data)
        parser.close()
        return unmarshaller.close()

    def stop(self, expired: bool = False) -> None:
        """Abandon the call from another thread: its socket is shut down, so the read waiting
        on it returns at once, and no new connection is made."""
        self.expired = self.expired or expired
        self.stopped.set()
        connection = self._connection[1]
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed already


@dataclass
class Endpoint:
    """Where one unoserver answers: a local instance's Unix socket (documents passed as paths),
    or ``host:port`` elsewhere (documents sent as contents)."""

    address: str
    slot: "Slot | None" = None
    _calls: list[_Transport] = field(default_factory=list, repr=False, compare=False)  # calls under way
    _aborted: bool = field(default=False, repr=False, compare=False)

    @property
    def local(self) -> bool:
        return self.address.startswith("/")

    def abort(self) -> None:
        """Abandon every call under way on this endpoint, and refuse the next ones (from any thread)."""
        self._aborted = True
        for transport in list(self._calls):
            transport.stop()

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        if self.local:
            return xmlrpc.client.ServerProxy("http://localhost/", transport=_Transport(timeout, self.address),
                                             allow_none=True)
        url = self.address if "://" in self.address else f"http://{self.address}"
        return xmlrpc.client.ServerProxy(url, transport=_Transport(timeout, https=url.startswith("https:")),
                                         allow_none=True)

    def _call(self, timeout: float, method: str, *args):
        """``method(*args)`` on the endpoint, abandoned after ``timeout`` seconds in all (raising
        :class:`InstanceFailed` with ``timed_out``) or when :meth:`abort` is called."""
        proxy = self._proxy(timeout)
        transport = proxy("transport")
        timer = threading.Timer(timeout, transport.stop, kwargs={"expired": True})
        timer.daemon = True
        self._calls.append(transport)
        try:
            if self._aborted:
                transport.stop()
            timer.start()
            with proxy:
                return getattr(proxy, method)(*args)
        except BaseException:
            if transport.expired:
                raise InstanceFailed(f"did not finish within {timeout:g} s", timed_out=True) from None
            if transport.stopped.is_set():
                raise InstanceFailed("abandoned: the build was interrupted") from None
            raise
        finally:
            timer.cancel()
            self._calls.remove(transport)

    def healthy(self, timeout: float = HEALTH_SECONDS) -> bool:
        """True when the instance answers, and its LibreOffice too, within ``timeout`` (a local
        one: and it was started by its slot's install)."""
        try:
            if self.slot is not None:
                status = self._call(timeout, "filings_status")
                return status.get("protocol") == 1 and status.get("owner") == self.slot.owner
            return str(self._call(timeout, "info").get("api")) == "3"
        except (OSError, InstanceFailed, *BAD_ANSWER):
            return False

    def convert(self, source: Path, target: Path, timeout: float) -> None:
        """Convert ``source`` to the PDF ``target``; raise InstanceFailed or DocumentFailed (an
        endpoint elsewhere that answers with anything but a PDF: InstanceFailed saying what)."""
        try:
            if self.local:
                self._call(timeout, "convert", str(source), None, str(target), "pdf", None, PDF_OPTIONS, False)
            else:
                data = xmlrpc.client.Binary(source.read_bytes())
                result = self._call(timeout, "convert", None, data, None, "pdf", None, PDF_OPTIONS, False)
                target.write_bytes(_pdf_of(result))
        except (socket.timeout, TimeoutError):
            raise InstanceFailed(f"did not finish within {timeout:g} s", timed_out=True) from None
        except xmlrpc.client.Fault as e:
            if not self.healthy():
                raise InstanceFailed("LibreOffice failed while converting") from None
            raise DocumentFailed(_printable(str(e.faultString).strip().splitlines()[-1:] or [""])) from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as e:
            raise InstanceFailed(f"stopped answering ({type(e).__name__})") from None
        except AnswerTooLarge as e:
            raise InstanceFailed(f"answered with {e}") from None
        except BAD_ANSWER as e:
            raise InstanceFailed(f"answered with something that is not XML-RPC ({type(e).__name__})") from None
        if not target.is_file() or target.stat().st_size == 0:
            raise DocumentFailed("no PDF was written")


def _pdf_of(result: object) -> bytes:
    """The PDF in a converter's answer; raises InstanceFailed when the answer is no PDF that opens."""
    import io

    import pikepdf

    data = getattr(result, "data", None)
    if not isinstance(data, bytes) or not data.startswith(b"%PDF-"):
        raise InstanceFailed("answered with something that is not a PDF")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise InstanceFailed("answered with a PDF without pages")
    except pikepdf.PdfError:
        raise InstanceFailed("answered with a damaged PDF") from None
    return data


def _printable(lines: list[str]) -> str:
    """A converter's words as one short line of printable characters (they are shown to the user)."""
    return "".join(c for c in lines[0] if c.isprintable())[:200]
