"""Talking to one unoserver instance: XML-RPC over a local instance's Unix socket or TCP.

:class:`Endpoint` is where one instance answers: a health check, and one document converted
(passed as a path to a local instance, sent as contents to one elsewhere). Its failures
say whether to replace the instance (:class:`InstanceFailed`) or to give up on the document
(:class:`DocumentFailed`). :mod:`filings.convert.instances` starts and finds the local
instances; :mod:`filings.convert.pool` schedules a batch on them.
"""
from __future__ import annotations

import http.client
import os
import socket
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path

HEALTH_SECONDS = 10.0  # for an instance to answer a health check
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


class _UnixConnection(http.client.HTTPConnection):
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


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over a Unix socket (``path``) or TCP, with a timeout, one connection per call."""

    def __init__(self, timeout: float, path: str | None = None, https: bool = False):
        super().__init__()
        self.timeout, self.path, self.https = timeout, path, https

    def make_connection(self, host):
        if self.path:
            connection = _UnixConnection(self.path, self.timeout)
        else:
            name, _, _ = self.get_host_info(host)
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            connection = cls(name, timeout=self.timeout)
        self._connection = (host, connection)  # so that close() closes it, after a failed call too
        return connection


@dataclass
class Endpoint:
    """Where one unoserver answers: a local instance's Unix socket (documents passed as paths),
    or ``host:port`` elsewhere (documents sent as contents)."""

    address: str
    slot: "Slot | None" = None

    @property
    def local(self) -> bool:
        return self.address.startswith("/")

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        if self.local:
            return xmlrpc.client.ServerProxy("http://localhost/", transport=_Transport(timeout, self.address),
                                             allow_none=True)
        url = self.address if "://" in self.address else f"http://{self.address}"
        return xmlrpc.client.ServerProxy(url, transport=_Transport(timeout, https=url.startswith("https:")),
                                         allow_none=True)

    def healthy(self, timeout: float = HEALTH_SECONDS) -> bool:
        """True when the instance answers, and its LibreOffice too, within ``timeout`` (a local
        one: and it was started by its slot's install)."""
        try:
            with self._proxy(timeout) as proxy:
                if self.slot is not None:
                    status = proxy.filings_status()
                    return status.get("protocol") == 1 and status.get("owner") == self.slot.owner
                return str(proxy.info().get("api")) == "3"
        except (OSError, http.client.HTTPException, xmlrpc.client.Error, AttributeError):
            return False

    def convert(self, source: Path, target: Path, timeout: float) -> None:
        """Convert ``source`` to the PDF ``target``; raise InstanceFailed or DocumentFailed."""
        try:
            with self._proxy(timeout) as proxy:
                if self.local:
                    proxy.convert(str(source), None, str(target), "pdf", None, PDF_OPTIONS, False)
                else:
                    data = xmlrpc.client.Binary(source.read_bytes())
                    result = proxy.convert(None, data, None, "pdf", None, PDF_OPTIONS, False)
                    target.write_bytes(result.data)
        except (socket.timeout, TimeoutError):
            raise InstanceFailed(f"did not finish within {timeout:g} s", timed_out=True) from None
        except xmlrpc.client.Fault as e:
            if not self.healthy():
                raise InstanceFailed("LibreOffice failed while converting") from None
            raise DocumentFailed(e.faultString.strip().splitlines()[-1] if e.faultString.strip() else "") from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as e:
            raise InstanceFailed(f"stopped answering ({type(e).__name__})") from None
        if not target.is_file() or target.stat().st_size == 0:
            raise DocumentFailed("no PDF was written")
