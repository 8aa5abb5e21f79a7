"""The commands that build a matter: build, bundle, watch, check, deadlines."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from filings.errors import FilingsError, display_path
from filings.cli.common import (DEBUG, FACTS, MATTER, OUT, QUIET, STRICT, TEMPLATES, TIMEOUT, Terminated,
                                _converter, _facts, _fail, _guarded, _out, _run, _seconds, _warn, app)


@app.command()
def build(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS, out: Optional[Path] = OUT,
          only: Optional[str] = typer.Option(None, "--only", help="Build just this paper (e.g. complaint)."),
          timeout: float = TIMEOUT, strict: bool = STRICT, quiet: bool = QUIET, debug: bool = DEBUG,
          templates: Optional[Path] = TEMPLATES,
          force: bool = typer.Option(False, "--force", help="Make every output again, changed or not."),
          draft: bool = typer.Option(False, "--draft", help="Stamp every page of every paper DRAFT, with the "
                                     "build's date and the paper's short content hash.")) -> None:
    """Build every paper as DOCX and PDF, the packets, and the exhibit bundle: only what
    changed since the last build is made again."""
    _run(debug, quiet, timeout, facts_path=_facts(matter, facts), out_dir=_out(matter, facts, out), only=only,
         strict=strict, templates_dir=templates, force=force, draft=draft)


@app.command()
def bundle(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS, out: Optional[Path] = OUT,
           timeout: float = TIMEOUT, strict: bool = STRICT, quiet: bool = QUIET, debug: bool = DEBUG,
           templates: Optional[Path] = TEMPLATES) -> None:
    """Build the exhibit bundle and the per-exhibit files (in OUT/exhibits), and again the
    papers whose citations it changed."""
    _run(debug, quiet, timeout, facts_path=_facts(matter, facts), out_dir=_out(matter, facts, out), papers=False,
         strict=strict, templates_dir=templates)


@app.command()
def watch(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS, out: Optional[Path] = OUT,
          timeout: float = TIMEOUT, strict: bool = STRICT, debug: bool = DEBUG, templates: Optional[Path] = TEMPLATES,
          interval: float = typer.Option(0.5, "--interval", callback=_seconds("--interval", 0.05, 3600),
                                         help="Seconds between looks at the files."),
          draft: bool = typer.Option(False, "--draft", help="Stamp every page of every paper DRAFT, as build --draft "
                                     "does.")) -> None:
    """Build now, then again on every save of the facts, a template or an exhibit; print which
    papers changed and which facts caused it. A failed build keeps the last good outputs."""
    from filings.pipeline import builder as pipeline
    from filings.pipeline.watch import watch as watch_matter

    facts_path, out_dir = _facts(matter, facts), _out(matter, facts, out)
    if not facts_path.is_file():  # a typo in the folder would otherwise be watched for ever
        _fail(FilingsError("no such facts file to watch; name the matter's folder, or pass --facts",
                           path=display_path(facts_path)), debug)
    converter = _converter(timeout)  # one warm converter for every build of the session

    def build_once() -> None:
        pipeline.build(facts_path, out_dir, converter=converter, strict=strict, templates_dir=templates,
                       warn=_warn, draft=draft)

    typer.echo(f"watching {display_path(facts_path)}; the outputs go to {display_path(out_dir)}", err=True)
    try:
        watch_matter(facts_path, out_dir, build_once, report=lambda line: typer.echo(line), interval=interval,
                     templates_dir=templates)
    except (KeyboardInterrupt, Terminated) as e:
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        typer.echo(f"stopped watching; {display_path(out_dir)} holds the last complete build", err=True)
        raise typer.Exit(0) from None


@app.command()
def check(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS, debug: bool = DEBUG,
          templates: Optional[Path] = TEMPLATES,
          strict: bool = typer.Option(False, "--strict", help="Treat warnings (the privacy lint's, an exhibit "
                                      "no paper cites, ...) as errors.")) -> None:
    """Validate the facts, the exhibit files and every template without converting anything;
    warn of what Rule 5.2 would redact (Social Security, taxpayer and account numbers, birth dates,
    minors' names) in the facts and the exhibits."""
    from filings.pipeline import builder as pipeline

    path = _facts(matter, facts)
    # with --strict every warning is an error, listed once by the error (not also as a warning)
    warn = (lambda _: None) if strict else _warn
    papers, exhibits = _guarded(debug, lambda: pipeline.check(path, templates_dir=templates, warn=warn,
                                                              strict=strict))
    typer.echo(f"ok: {path}, {len(papers)} papers, {exhibits} exhibits")


@app.command()
def deadlines(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS, debug: bool = DEBUG) -> None:
    """Print the deadlines that follow from the facts (answer, response to the motion, reply) and the
    time bar, counted under USCIT Rule 6(a) with the court's holidays, each with its rule."""
    from filings.court.timeline import report
    from filings.facts.load import load_facts

    path = _facts(matter, facts)
    loaded = _guarded(debug, lambda: load_facts(path))
    for line in _guarded(debug, lambda: report(loaded.facts, matter=loaded)):
        typer.echo(line)
