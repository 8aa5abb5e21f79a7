"""The command of the review page: serve."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from filings.errors import FilingsError, display_path
from filings.cli.common import (DEBUG, FACTS, MATTER, OUT, TEMPLATES, TIMEOUT, Terminated, _converter, _facts, _fail,
                                _out, _seconds, _warn, app)


@app.command()
def serve(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS, out: Optional[Path] = OUT,
          port: int = typer.Option(0, "--port", min=0, max=65535, help="The port on 127.0.0.1 (default: a free "
                                   "one)."),
          no_open: bool = typer.Option(False, "--no-open", help="Do not open the page in the browser; only print "
                                       "its address."),
          watching: bool = typer.Option(True, "--watch/--no-watch", help="Build now and after every save of the "
                                        "facts, a template or an exhibit, and show it on the page."),
          interval: float = typer.Option(0.5, "--interval", callback=_seconds("--interval", 0.05, 3600),
                                         help="Seconds between looks at the files."),
          timeout: float = TIMEOUT, templates: Optional[Path] = TEMPLATES, debug: bool = DEBUG) -> None:
    """A review page on this computer (127.0.0.1, with a token for this run): the builds in the
    history, the facts with their lines, each paper's PDF, the exhibits, any two builds compared
    with the summary and redlines; with --watch (the default) it builds on every save and the
    page follows. Ctrl-C stops it."""
    from filings.review.serve import serve as serve_page

    facts_path, out_dir = _facts(matter, facts), _out(matter, facts, out)
    converter = _converter(timeout)  # one warm converter for the builds and the redlines of the session

    def build_once() -> None:
        from filings.pipeline import builder as pipeline
        pipeline.build(facts_path, out_dir, converter=converter, templates_dir=templates, warn=_warn)

    stopped = f"stopped serving; {display_path(out_dir)} holds the last complete build"
    try:
        serve_page(facts_path, out_dir, converter=converter, build=build_once if watching else None, port=port,
                   open_browser=not no_open, interval=interval, templates_dir=templates,
                   report=lambda line: typer.echo(line), warn=_warn)
    except FilingsError as e:
        _fail(e, debug)
    except (KeyboardInterrupt, Terminated) as e:
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        typer.echo(stopped, err=True)
        raise typer.Exit(0) from None
    typer.echo(stopped, err=True)  # SIGINT ignored (started in the background): uvicorn stopped all the same
