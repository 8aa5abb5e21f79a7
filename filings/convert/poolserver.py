"""One warm LibreOffice: a headless ``soffice`` and an unoserver-compatible XML-RPC server.

This file runs under the Python that has LibreOffice's ``uno`` module (Debian's
``python3-uno``: ``/usr/bin/python3``), not under the project's virtual environment, so
it uses the standard library, ``uno`` and unoserver's converter only, and imports nothing
of ``filings``. :mod:`filings.convert.pool` starts it (``python3 -I poolserver.py ...``) with the
profile already locked down and the address space already bounded; it:

- starts ``soffice`` listening on a private named pipe (a pipe LibreOffice makes readable by
  this user only, where a TCP port would let any local user drive LibreOffice);
- serves unoserver's XML-RPC API (``info``, ``convert``), on a Unix socket only this user
  can open (local paths allowed), or on ``--listen HOST:PORT`` for other machines (file
  contents only: a remote caller never names a path here);
- loads every document with macros off, links not updated and the document as its own
  untrusted referer, so the profile's BlockUntrustedRefererLinks applies;
- writes its state file once it answers, naming the install that started it (``--owner``:
  version, script hash, checkout; also in ``filings_status``), and removes it when it stops:
  after ``--idle`` seconds without a conversion, when LibreOffice dies, when one conversion
  outlasts ``--conversion-timeout`` (LibreOffice is killed), or on SIGTERM.

Why one module: it is started as one file under another Python (``python3 -I``, which puts
no folder of the script's on ``sys.path``, so a sibling module could only be loaded by its
path), it may import nothing of ``filings``, and the pool tells one install's servers from
another's by a hash of this file's bytes: the file that is started is the code that is
versioned. Its parts (LibreOffice, the XML-RPC servers, the watch, the state file) are
each a class or a few functions here.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import resource
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import xmlrpc.client
import xmlrpc.server
from pathlib import Path

API_VERSION = "3"  # unoserver's
PROTOCOL = 1  # of the state file and the filings_status call
NO_UNO, NO_UNOSERVER = 3, 4  # exit codes of a server that cannot run

# Document loading, as com.sun.star.document.MacroExecMode.NEVER_EXECUTE and UpdateDocMode.NO_UPDATE.
NEVER_EXECUTE = 0
NO_UPDATE = 0


def load_unoserver(folder: str | None):
    """unoserver's converter module: from ``folder`` (the package folder of the project's
    environment, loaded alone, without the rest of that environment) or from this Python."""
    if folder:
        init = Path(folder) / "__init__.py"
        spec = importlib.util.spec_from_file_location("unoserver", init, submodule_search_locations=[folder])
        package = importlib.util.module_from_spec(spec)
        sys.modules["unoserver"] = package
        spec.loader.exec_module(package)
    from unoserver import converter
    return converter


class Office:
    """The soffice process and the UNO connection to it."""

    def __init__(self, args: argparse.Namespace, converter_module):
        self.args = args
        self.module = converter_module
        self.pipe = f"filings-{os.getuid()}-{os.getpid()}-{time.monotonic_ns()}"
        self.proc: subprocess.Popen | None = None
        self.conv = None

    def start(self) -> None:
        """Start soffice on the private pipe and connect; raise RuntimeError when it does not answer."""
        command = [self.args.soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
                   "--nofirststartwizard", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={Path(self.args.profile).resolve().as_uri()}",
                   f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"]
        env = {**os.environ, "TMPDIR": self.args.tmp}
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + self.args.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"LibreOffice exited with code {self.proc.returncode} while starting")
            try:
                self.conv = self._connect()
                return
            except Exception as e:  # com.sun.star.connection.NoConnectException until soffice listens
                if time.monotonic() > deadline:
                    raise RuntimeError(f"LibreOffice did not answer within {self.args.startup_timeout:g} s "
                                       f"({type(e).__name__})") from e
                time.sleep(0.05)

    def _connect(self):
        """unoserver's UnoConverter, connected over the pipe instead of a TCP port, its desktop
        loading every document locked down."""
        import uno
        module = self.module
        conv = module.UnoConverter.__new__(module.UnoConverter)
        conv.local_context = uno.getComponentContext()
        conv.resolver = conv.local_context.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", conv.local_context)
        conv.context = conv.resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
        conv.service = conv.context.ServiceManager
        conv.desktop = LockedDesktop(conv.service.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                                            conv.context))
        conv.filter_service = conv.service.createInstanceWithContext("com.sun.star.document.FilterFactory",
                                                                     conv.context)
        conv.type_service = conv.service.createInstanceWithContext("com.sun.star.document.TypeDetection",
                                                                   conv.context)
        conv.temp_dir = self.args.tmp
        conv._export_filters = None
        conv._import_filters = None
        return conv

    def office_pid(self) -> int:
        """The pid of soffice.bin (``soffice`` runs it as a child of oosplash), else of soffice."""
        pid = self.proc.pid
        for _ in range(3):
            children = _children(pid)
            if not children:
                break
            pid = children[0]
        return pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, kill: bool = False) -> None:
        """Stop LibreOffice: ask it to quit, then signal it; everything it started goes too."""
        if self.proc is None:
            return
        if not kill and self.alive() and self.conv is not None:
            try:
                self.conv.desktop.terminate()
            except Exception:  # already gone, or the bridge is down: signals below
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for pid in [self.office_pid(), self.proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL if kill else signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _children(pid: int) -> list[int]:
    """Child processes of ``pid``, from any of its threads (Linux /proc)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(children)


class LockedDesktop:
    """The UNO desktop, loading every document with macros never run, links never updated,
    hidden, and with the document itself as referer (an untrusted location, so LibreOffice's
    BlockUntrustedRefererLinks refuses what it links to)."""

    def __init__(self, desktop):
        self._desktop = desktop

    def loadComponentFromURL(self, url, target, flags, props):  # noqa: N802 (UNO's name)
        from com.sun.star.beans import PropertyValue
        given = {p.Name for p in props}
        extra = {"MacroExecutionMode": NEVER_EXECUTE, "UpdateDocMode": NO_UPDATE, "Hidden": True}
        props = tuple(props) + tuple(PropertyValue(Name=k, Value=v) for k, v in extra.items() if k not in given)
        return self._desktop.loadComponentFromURL(url, target, flags, props)

    def __getattr__(self, name):
        return getattr(self._desktop, name)


class Activity:
    """When the last conversion ended, and since when one is running."""

    def __init__(self):
        self.lock = threading.Lock()  # one conversion at a time: LibreOffice works on one document
        self.last = time.monotonic()
        self.busy_since: float | None = None
        self.conversions = 0

    def __enter__(self):
        self.lock.acquire()
        self.busy_since = time.monotonic()

    def __exit__(self, *exc):
        self.busy_since = None
        self.last = time.monotonic()
        self.conversions += 1
        self.lock.release()


class _Handler(xmlrpc.server.SimpleXMLRPCRequestHandler):
    def address_string(self) -> str:  # a Unix socket's peer has no address
        return "local"

    def log_message(self, *args) -> None:
        pass


class _UnixHandler(_Handler):
    disable_nagle_algorithm = False  # a TCP option


class UnixXMLRPCServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer,
                       xmlrpc.server.SimpleXMLRPCDispatcher):
    """XML-RPC on a Unix socket, one thread per request (a status call answers during a conversion)."""

    daemon_threads = True
    logRequests = False  # noqa: N815 (xmlrpc.server's name)

    def __init__(self, path: str):
        xmlrpc.server.SimpleXMLRPCDispatcher.__init__(self, allow_none=True, encoding=None)
        old = os.umask(0o177)  # the socket is this user's only
        try:
            socketserver.UnixStreamServer.__init__(self, path, _UnixHandler)
        finally:
            os.umask(old)


class TCPXMLRPCServer(socketserver.ThreadingMixIn, xmlrpc.server.SimpleXMLRPCServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int):
        family = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)[0][0]
        self.address_family = family
        super().__init__((host, port), requestHandler=_Handler, allow_none=True, logRequests=False)


def register(server, office: Office, activity: Activity, local: bool, version: str, owner: dict) -> None:
    """unoserver's ``info`` and ``convert``, and ``filings_status``."""

    @server.register_function
    def info():
        conv = office.conv
        with activity:
            return {"unoserver": version, "api": API_VERSION, "libreoffice_version": conv.uno_info(),
                    "import_filters": conv.get_filter_names(conv.get_available_import_filters()),
                    "export_filters": conv.get_filter_names(conv.get_available_export_filters())}

    @server.register_function
    def convert(inpath=None, indata=None, outpath=None, convert_to=None, filtername=None, filter_options=(),
                update_index=True, infiltername=None, password=None):
        if not local and (inpath or outpath):
            raise ValueError("this server converts file contents (indata, convert_to), not paths")
        if indata is not None:
            indata = indata.data
        with activity:
            result = office.conv.convert(inpath, indata, outpath, convert_to, filtername, list(filter_options or ()),
                                         update_index, infiltername, password)
        return xmlrpc.client.Binary(result) if isinstance(result, bytes) else result

    @server.register_function
    def filings_status():
        """Cheap: whether LibreOffice is up and busy; touches LibreOffice only when it is idle."""
        busy = activity.busy_since is not None
        if not busy and activity.lock.acquire(timeout=0.01):
            try:
                office.conv.desktop.getCurrentComponent()  # one round trip to LibreOffice
            finally:
                activity.lock.release()
        return {"protocol": PROTOCOL, "pid": os.getpid(), "office_pid": office.office_pid(), "busy": busy,
                "conversions": activity.conversions, "owner": owner}


def write_state(path: Path, state: dict) -> None:
    """Write ``state`` atomically: a reader sees the whole file or none."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)


def remove_state(path: Path) -> None:
    """Remove the state file if it still describes this process."""
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def watch(args: argparse.Namespace, office: Office, activity: Activity, stopping: threading.Event) -> int:
    """Until a reason to stop: LibreOffice gone, a conversion hung, idle, or a signal. Returns the exit code."""
    tick = max(0.05, min(1.0, args.idle / 4 if args.idle > 0 else 1.0))
    while not stopping.wait(tick):
        now = time.monotonic()
        if not office.alive():
            log(f"LibreOffice exited (code {office.proc.returncode})")
            return 1
        busy = activity.busy_since
        if busy is not None and now - busy > args.conversion_timeout:
            log(f"a conversion ran over {args.conversion_timeout:g} s; killing LibreOffice")
            office.stop(kill=True)
            return 1
        if args.idle > 0 and busy is None and now - activity.last > args.idle:
            log(f"idle for {args.idle:g} s; stopping")
            return 0
    log("stopped by a signal")
    return 0


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [{os.getpid()}] {message}", file=sys.stderr, flush=True)


def daemonize(log_path: str) -> None:
    """Leave the caller: a new session (its own process group, which the client may kill
    whole), output to the log. The starting process prints the daemon's pid and exits."""
    pid = os.fork()
    if pid > 0:
        print(pid, flush=True)
        os._exit(0)
    os.setsid()
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.close(null)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--log", required=True)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket")
    where.add_argument("--listen", help="HOST:PORT")
    parser.add_argument("--unoserver", help="unoserver's package folder")
    parser.add_argument("--idle", type=float, default=900.0, help="seconds; 0: never")
    parser.add_argument("--conversion-timeout", type=float, default=300.0)
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    parser.add_argument("--memory", type=int, default=0, help="bytes of address space; 0: unbounded")
    parser.add_argument("--foreground", action="store_true")
    parser.add_argument("--owner", type=json.loads, default={}, help="the install that starts it (JSON)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:  # checked here, before leaving the caller, who reads the reason on stderr
        import uno  # noqa: F401
    except ImportError:
        print(f"{sys.executable} has no LibreOffice uno module", file=sys.stderr)
        return NO_UNO
    try:
        module = load_unoserver(args.unoserver)
    except ImportError as e:
        print(f"{sys.executable} cannot import unoserver ({e})", file=sys.stderr)
        return NO_UNOSERVER
    version = getattr(module, "__version__", "") or "filings"
    if args.memory:  # LibreOffice inherits it
        resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    if not args.foreground:
        daemonize(args.log)
    state = Path(args.state)
    office = Office(args, module)
    activity = Activity()
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stopping.set())
    server = None
    code = 1
    try:
        log(f"starting LibreOffice ({args.soffice}, profile {args.profile})")
        office.start()
        if args.socket:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(args.socket)
            server = UnixXMLRPCServer(args.socket)
        else:
            host, _, port = args.listen.rpartition(":")
            server = TCPXMLRPCServer(host.strip("[]") or "127.0.0.1", int(port))
        register(server, office, activity, local=bool(args.socket), version=version, owner=args.owner)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = args.socket or "%s:%d" % server.server_address[:2]
        write_state(state, {"protocol": PROTOCOL, "pid": os.getpid(), "soffice_pid": office.proc.pid,
                            "office_pid": office.office_pid(), "address": address, "started": time.time(),
                            "idle": args.idle, "owner": args.owner})
        log(f"ready on {address}")
        code = watch(args, office, activity, stopping)
    except Exception as e:  # reported in the log; the client reads its last line
        log(f"failed: {e}")
    finally:
        remove_state(state)
        if server is not None:
            server.server_close()
            if args.socket:
                with contextlib.suppress(OSError):
                    os.unlink(args.socket)
        office.stop()
        log("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
