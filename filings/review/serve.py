"""``filings serve``: a review page on this computer, for the builds, the facts, the papers and
what changed between any two builds, that follows the facts file as it is saved.

**The web stack: Starlette on uvicorn.** Both are maintained, widely used, pure-Python wheels
from PyPI (Starlette: routing, requests, file responses; uvicorn: the HTTP server, on h11), with
nothing downloaded at run time and no JavaScript build step: the page is HTML from Jinja2
templates (already a dependency, through docxtpl) with autoescaping on, a style sheet and a few
lines of plain JavaScript, all served from the package (``filings/review/web``). uvicorn serves
a socket made here, so the page binds 127.0.0.1 itself and knows its port (a free one unless
``--port`` names one) before the first request; it stops cleanly on Ctrl-C.

**Nothing reaches anyone else.** The server listens on 127.0.0.1 only. Each run makes a random
token (:func:`secrets.token_urlsafe`); the address printed at start carries it once, the page
then keeps it in a cookie (HttpOnly, SameSite=Strict) and drops it from the address; any request
without it gets 403. A request whose ``Host`` is not 127.0.0.1 or localhost at this port gets
403 too (a DNS rebinding page of another site cannot read the page through its own name). Only
GET is answered, every answer says ``no-store`` and sends no referrer, and the pages allow no
script but their own. Files are served from the current build and the matter's ``reviews/``
alone (:mod:`filings.review.web.matter`); facts and file names are escaped wherever shown.
Confidential values are shown (the page is the user's own) and marked so. Two builds compared
go through :mod:`filings.review.web.comparing`.

**Live.** With watching (the default), the server runs :func:`filings.pipeline.watch.watch` in
a thread with the build the command gives it; every finished round raises the status's round,
which the page polls each second (``/api/status``, a small JSON answer: no connection held open,
so stopping never waits for a browser), fetching again the builds and the outputs when it
changed. A failed build shows its problems and the last good outputs stay. Builds and
comparisons share one converter and take turns (one lock).
"""
from __future__ import annotations

import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlencode

from filings.errors import FilingsError, display_path
from filings.review.web import comparing, matter as reads

WEB = Path(__file__).resolve().parent / "web"
STATIC = {"page.js": "text/javascript; charset=utf-8", "page.css": "text/css; charset=utf-8"}
HOST = "127.0.0.1"
POLL_MS = 1000
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
SUMMARY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'"
Report = Callable[[str], None]


class Status:
    """What the watch is doing, for the page: the round (raised at every finished build), the
    state (``building``, ``built``, ``failed``, ``off``), the last report and its problems."""

    def __init__(self, watching: bool):
        self._lock = threading.Lock()
        self.round, self.state = 0, "building" if watching else "off"
        self.message = "building…" if watching else "not watching the facts (--no-watch)"
        self.problems: list[str] = []

    def update(self, **values) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)

    def finished(self, problems: list[str]) -> None:
        with self._lock:
            self.round += 1
            self.problems = problems
            self.state = "failed" if problems else "built"
            if problems:
                self.message = (f"[{time.strftime('%H:%M:%S')}] the build failed; the last good outputs "
                                "are shown:")

    def as_json(self) -> dict:
        with self._lock:
            return {"round": self.round, "state": self.state, "message": self.message,
                    "problems": list(self.problems)}


class Session:
    """One run of ``filings serve``: the matter, the token, the status, the converter."""

    def __init__(self, facts_path: Path, out_dir: Path, *, converter, port: int, watching: bool,
                 report: Report, warn: Report):
        self.facts_path, self.out_dir = Path(facts_path), Path(out_dir)
        self.matter_root = self.facts_path.parent
        self.converter, self.port, self.report, self.warn = converter, port, report, warn
        self.token = secrets.token_urlsafe(32)
        self.cookie = f"filings-serve-{port}"  # one per port: two pages of two matters keep their own
        self.hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        self.status = Status(watching)
        self.work = threading.Lock()  # a build and a comparison take turns on the converter

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?{urlencode({'token': self.token})}"

    def build_round(self, build: Callable[[], object]) -> Callable[[], None]:
        """``build`` as the watch runs it: under the lock, its outcome kept for the page."""
        def run() -> None:
            self.status.update(state="building", message=f"[{time.strftime('%H:%M:%S')}] building…")
            with self.work:
                try:
                    build()
                except FilingsError as e:
                    self.status.finished([str(p) for p in e.problems])
                    raise
                except BaseException:
                    self.status.finished(["the build stopped"])
                    raise
            self.status.finished([])
        return run

    def told(self, text: str) -> None:
        """A line of the watch: printed, and a round's report kept for the page."""
        self.report(text)
        if text.startswith("[") and self.status.state != "failed":
            self.status.update(message=text)


# --------------------------------------------------------------------------- the application

def make_app(session: Session):
    """The ASGI application of ``session``: the pages behind :class:`Guard`."""
    import jinja2
    from starlette.applications import Starlette
    from starlette.routing import Route

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["q"] = lambda text: quote(str(text), safe="/")
    pages = _Pages(session, env)
    routes = [Route("/", pages.index), Route("/facts", pages.facts), Route("/compare", pages.compare),
              Route("/paper/{rel:path}", pages.paper), Route("/file/{rel:path}", pages.build_file),
              Route("/review/{rel:path}", pages.review_file), Route("/static/{name}", pages.static),
              Route("/part/{name}", pages.part), Route("/api/status", pages.api_status),
              Route("/favicon.ico", pages.no_icon)]
    return Guard(Starlette(routes=routes), session)


class _Pages:
    """The endpoints; plain functions, so Starlette runs them in its thread pool."""

    def __init__(self, session: Session, env):
        self.s, self.env = session, env

    def _page(self, template: str, status: int = 200, **values):
        from starlette.responses import HTMLResponse
        values.setdefault("matter", self.s.matter_root.resolve().name)
        values.setdefault("status", self.s.status.as_json())
        values.setdefault("poll_ms", POLL_MS)
        return HTMLResponse(self.env.get_template(template).render(**values), status_code=status)

    def _current(self) -> dict:
        return {"builds": reads.builds(self.s.matter_root, self.s.out_dir, self.s.warn),
                "outputs": reads.outputs(self.s.out_dir, reads.paper_order(self.s.out_dir)),
                "facts_name": self.s.facts_path.name}

    def index(self, request):
        return self._page("index.html", **self._current())

    def part(self, request):
        name = request.path_params["name"]
        if name == "facts":
            lines, problem = reads.facts_lines(self.s.facts_path)
            return self._page("facts_lines.html", lines=lines, problem=problem)
        if name not in ("builds", "outputs"):
            return _not_found()
        return self._page(f"{name}.html", **self._current())

    def facts(self, request):
        lines, problem = reads.facts_lines(self.s.facts_path)
        return self._page("facts.html", lines=lines, problem=problem, facts_name=self.s.facts_path.name)

    def paper(self, request):
        rel = request.path_params["rel"]
        try:
            reads.served_file(self.s.out_dir, rel, reads.within_matter(self.s.out_dir, self.s.matter_root))
        except FileNotFoundError:
            return _not_found()
        return self._page("paper.html", rel=rel, name=Path(rel).stem)

    def build_file(self, request):
        return self._file(self.s.out_dir, request.path_params["rel"])

    def review_file(self, request):
        return self._file(self.s.matter_root / reads.REVIEWS, request.path_params["rel"])

    def _file(self, folder: Path, rel: str):
        from starlette.responses import FileResponse
        try:
            path, media = reads.served_file(folder, rel, reads.within_matter(folder, self.s.matter_root))
        except FileNotFoundError:
            return _not_found()
        headers = {"Content-Security-Policy": SUMMARY_POLICY} if media.startswith("text/html") else {}
        inline = not path.suffix.lower() == ".docx"
        return FileResponse(path, media_type=media, filename=path.name, headers=headers,
                            content_disposition_type="inline" if inline else "attachment")

    def static(self, request):
        from starlette.responses import Response
        name = request.path_params["name"]
        if name not in STATIC:
            return _not_found()
        return Response((WEB / name).read_bytes(), media_type=STATIC[name])

    def no_icon(self, request):
        from starlette.responses import Response
        return Response(status_code=204)

    def api_status(self, request):
        from starlette.responses import JSONResponse
        return JSONResponse(self.s.status.as_json())

    def compare(self, request):
        try:
            old, new = int(request.query_params.get("old", "")), int(request.query_params.get("new", ""))
        except ValueError:
            return self._page("compare.html", 400, problems=["pick two builds to compare"], diff=None)
        old, new = min(old, new), max(old, new)
        try:
            with self.s.work:
                diff, out = comparing.compare_builds(self.s.facts_path, self.s.out_dir, old, new, self.s.converter,
                                                 warn=self.s.warn)
        except FilingsError as e:
            return self._page("compare.html", 400, problems=[str(p) for p in e.problems], diff=None, old=old,
                              new=new)
        return self._page("compare.html", problems=[], diff=comparing.comparison(diff, out, self.s.matter_root),
                          old=old, new=new)


def _not_found():
    from starlette.responses import PlainTextResponse
    return PlainTextResponse("not found", status_code=404)


class Guard:
    """Every request passes here first: the host, the method and the token, then the headers every
    answer carries. A pure ASGI middleware (no buffering of the files it passes through)."""

    def __init__(self, app, session: Session):
        self.app, self.s = app, session

    async def __call__(self, scope, receive, send):
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, RedirectResponse

        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        if request.headers.get("host", "") not in self.s.hosts:
            refused = PlainTextResponse(f"this page answers only at {HOST}:{self.s.port}", status_code=403)
            return await refused(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            return await PlainTextResponse("only GET", status_code=405)(scope, receive, send)
        given = request.query_params.get("token")
        if given is not None and _same(given, self.s.token):
            kept = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = scope["path"] + (f"?{urlencode(kept)}" if kept else "")
            answer = RedirectResponse(target, status_code=303)
            answer.set_cookie(self.s.cookie, self.s.token, httponly=True, samesite="strict", path="/")
            return await answer(scope, receive, self._headers(send))
        if not _same(request.cookies.get(self.s.cookie, ""), self.s.token):
            refused = PlainTextResponse("forbidden: open the address filings serve printed (it holds this run's "
                                        "token)", status_code=403)
            return await refused(scope, receive, self._headers(send))
        return await self.app(scope, receive, self._headers(send))

    @staticmethod
    def _headers(send):
        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [(b"cache-control", b"no-store"), (b"referrer-policy", b"no-referrer"),
                         (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"SAMEORIGIN"),
                         (b"content-security-policy", PAGE_POLICY.encode())]
                headers += [(name, value) for name, value in extra if name not in names]
                message = {**message, "headers": headers}
            await send(message)
        return sending


def _same(given: str, token: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


# --------------------------------------------------------------------------- the server

def listen(port: int) -> socket.socket:
    """A socket listening on 127.0.0.1 at ``port`` (0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        raise FilingsError(f"cannot listen on {HOST}:{port} ({e.strerror}); choose another --port") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(facts_path: Path, out_dir: Path, *, converter, build: Callable[[], object] | None = None,
          port: int = 0, open_browser: bool = True, interval: float = 0.5, templates_dir: Path | None = None,
          report: Report = print, warn: Report = lambda _: None) -> None:
    """Serve the review page of the matter of ``facts_path`` until Ctrl-C (or SIGTERM); with
    ``build``, build now and after every save of the facts, a template or an exhibit."""
    import uvicorn

    if not Path(facts_path).is_file():
        raise FilingsError("no such facts file; name the matter's folder, or pass --facts",
                           path=display_path(facts_path))
    sock = listen(port)
    session = Session(facts_path, out_dir, converter=converter, port=sock.getsockname()[1],
                      watching=build is not None, report=report, warn=warn)
    config = uvicorn.Config(make_app(session), log_level="warning", access_log=False, lifespan="off", ws="none",
                            proxy_headers=False, server_header=False, date_header=False,
                            timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    stop = threading.Event()
    watcher = None
    if build is not None:
        watcher = threading.Thread(target=_watch, args=(session, build, stop, interval, templates_dir),
                                   name="filings-serve-watch", daemon=True)
        watcher.start()
    report(f"the review page of {session.matter_root.resolve()} is at {session.url}")
    report("it answers on this computer only, to this address (Ctrl-C to stop)")
    if open_browser:
        import webbrowser
        threading.Thread(target=webbrowser.open, args=(session.url,), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        stop.set()
        sock.close()
        if watcher is not None:
            watcher.join(timeout=2)  # a build under way is left: builds publish all at once


def _watch(session: Session, build: Callable[[], object], stop: threading.Event, interval: float,
           templates_dir: Path | None) -> None:
    from filings.pipeline.watch import watch

    try:
        watch(session.facts_path, session.out_dir, session.build_round(build), report=session.told,
              interval=interval, stop=stop, templates_dir=templates_dir)
    except Exception as e:  # a fault of the watch itself: the page says so and serves on
        session.status.update(state="failed", message="watching the facts stopped; restart filings serve",
                              problems=[f"{type(e).__name__}: {e}"])
        session.report(f"watching stopped: {type(e).__name__}: {e}")
