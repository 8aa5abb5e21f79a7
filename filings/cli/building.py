"""The commands that build a matter: build, bundle, watch, check, deadlines."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from filings.errors import FilingsError, display_path
from filings.cli.common import (DEBUG, FACTS, MATTER, OUT, QUIET, STRICT, TEMPLATES, TIMEOUT, Terminated,
                                _converter, _facts, _fail, _guarded, _out, _progress, _run, _seconds, _warn, app)


@app.command()
def build(matters: Optional[list[Path]] = typer.Argument(None, metavar="MATTER|CAMPAIGN", show_default=False,
                                                       help="The matter's folder (default: the current folder); "
                                                       "several matters, or a campaign folder of matters, are "
                                                       "built in parallel."),
          facts: Optional[Path] = FACTS, out: Optional[Path] = OUT,
          only: Optional[str] = typer.Option(None, "--only", help="Build just this paper (e.g. complaint)."),
          timeout: float = TIMEOUT, strict: bool = STRICT, quiet: bool = QUIET, debug: bool = DEBUG,
          templates: Optional[Path] = TEMPLATES,
          force: bool = typer.Option(False, "--force", help="Make every output again, changed or not."),
          draft: bool = typer.Option(False, "--draft", help="Stamp every page of every paper DRAFT, with the "
                                     "build's date and the paper's short content hash."),
          jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, max=256, show_default=False,
                                             help="Matters built at once when there are several (default: one "
                                             "per core).")) -> None:
    """Build every paper as DOCX and PDF, the packets, and the exhibit bundle: only what
    changed since the last build is made again. Several matters (or a campaign folder) are
    built in parallel, one line each and a summary; exit 1 if any failed."""
    several = _several(matters, facts, out, debug)
    if several is None:
        matter = matters[0] if matters else None
        _run(debug, quiet, timeout, facts_path=_facts(matter, facts), out_dir=_out(matter, facts, out), only=only,
             strict=strict, templates_dir=templates, force=force, draft=draft)
        return
    from filings.pipeline.campaign import Options
    _build_campaign(several, Options(only=only, strict=strict, templates_dir=templates, force=force, draft=draft,
                                     timeout=timeout), jobs=jobs, quiet=quiet, debug=debug)


def _several(matters: Optional[list[Path]], facts: Optional[Path], out: Optional[Path],
             debug: bool) -> Optional[list[Path]]:
    """The matters of a many-matter command (several folders, or a campaign folder), else None:
    one matter (or none named, or --facts), as the command has always taken it."""
    from filings.pipeline.campaign import find_matters, is_matter

    paths = list(matters or [])
    if not paths or (len(paths) == 1 and (facts is not None or is_matter(paths[0]) or not paths[0].is_dir())):
        return None
    if len(paths) == 1:
        try:
            return find_matters(paths)
        except FilingsError:
            return None  # a folder with no matter: the one-matter command says what is missing
    if facts is not None or out is not None:
        _fail(FilingsError("--facts and --out name one matter's files; with several matters each uses its own "
                           "facts.yaml and build/"), debug)
    return _guarded(debug, lambda: find_matters(paths))


def _build_campaign(matters: list[Path], options, *, jobs: Optional[int], quiet: bool, debug: bool) -> None:
    """Build the matters in parallel: one line per matter as each ends, the warnings, one summary
    line; exit 1 naming the failed matters."""
    import time

    from filings.pipeline.campaign import build_many, summary, workers_for

    width = min(40, max(len(display_path(m).rstrip("/")) + 1 for m in matters))
    workers = workers_for(len(matters), jobs)
    if not quiet:
        typer.echo(f"· building {len(matters)} matters on {workers} worker{'s' if workers != 1 else ''}", err=True)

    def report(result) -> None:
        if not options.strict:
            for warning in result.warnings:
                _warn(f"{result.label} {warning}")
        if not result.ok or not quiet:  # the report on stdout, a failure even with --quiet
            typer.echo(result.line(width))

    started = time.perf_counter()
    try:
        results = build_many(matters, options, jobs=workers, report=report)
    except (KeyboardInterrupt, Terminated) as e:
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        typer.echo("interrupted: the matters being built published nothing; each build/ holds its last complete "
                   "build", err=True)
        raise typer.Exit(130 if isinstance(e, KeyboardInterrupt) else 143) from None
    typer.echo(summary(results, time.perf_counter() - started, workers))
    if any(not r.ok for r in results):
        raise typer.Exit(1)


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
    from filings.pipeline import checking as pipeline

    path = _facts(matter, facts)
    # with --strict every warning is an error, listed once by the error (not also as a warning)
    warn = (lambda _: None) if strict else _warn
    papers, exhibits = _guarded(debug, lambda: pipeline.check(path, templates_dir=templates, warn=warn,
                                                              strict=strict))
    typer.echo(f"ok: {path}, {len(papers)} papers, {exhibits} exhibits")


@app.command()
def deadlines(matters: Optional[list[Path]] = typer.Argument(None, metavar="MATTER|CAMPAIGN",
                                                           show_default=False,
                                                           help="The matter's folder (default: the current folder); "
                                                           "several matters, or a campaign folder: one table and an "
                                                           "iCalendar file."),
              facts: Optional[Path] = FACTS, debug: bool = DEBUG,
              ics: Optional[Path] = typer.Option(None, "--ics", show_default=False,
                                                 help="Where the iCalendar file of several matters' deadlines goes "
                                                 "(default: CAMPAIGN/deadlines.ics; with matters named one by "
                                                 "one: deadlines.ics here).")) -> None:
    """Print the deadlines that follow from the facts (answer, response to the motion, reply) and the
    time bar, counted under USCIT Rule 6(a) with the court's holidays, each with its rule. For several
    matters or a campaign folder: one table (matter, deadline, date, rule) and an iCalendar file a
    docketing calendar imports."""
    several = _several(matters, facts, None, debug)
    if several is None:
        from filings.court.timeline import report
        from filings.facts.load import load_facts

        path = _facts(matters[0] if matters else None, facts)
        loaded = _guarded(debug, lambda: load_facts(path))
        for line in _guarded(debug, lambda: report(loaded.facts, matter=loaded)):
            typer.echo(line)
        return
    from filings.court.docketing import matter_rows, table, write_calendar

    rows, failed = [], []
    for matter in several:
        try:
            rows += matter_rows(matter)
        except FilingsError as e:
            failed.append(display_path(matter).rstrip("/") + "/")
            typer.echo(f"FAIL  {failed[-1]}  {e.problems[0] if e.problems else e}", err=True)
    for line in table(rows):
        typer.echo(line)
    if ics is None:
        ics = matters[0] / "deadlines.ics" if len(matters) == 1 else Path("deadlines.ics")
    events = _guarded(debug, lambda: write_calendar(ics, rows))
    counted = len(several) - len(failed)
    typer.echo(f"{len(rows)} deadlines of {counted} matter{'s' if counted != 1 else ''}; {events} with a day in "
               f"{display_path(ics)}" + (f"; {len(failed)} failed: {', '.join(failed)}" if failed else ""))
    if failed:
        raise typer.Exit(1)


def diff_matters(matters: list[Path], out: Optional[Path], timeout: float, quiet: bool, debug: bool,
                 exit_code: bool) -> None:
    """``filings diff A B`` on two matter folders (called by the diff command): the facts that differ
    and the redlines of their latest builds' papers (filings.review.across)."""
    from filings.review.across import describe, run

    found, where = _guarded(debug, lambda: run(matters[0], matters[1], out=out, converter=_converter(timeout),
                                               progress=(lambda _: None) if quiet else _progress, warn=_warn))
    for change in found.facts:
        typer.echo(f"  {describe(change, found.places[change.path])}")
    typer.echo(found.summary_line())
    typer.echo(f"summary: {display_path(where / 'summary.html')} ({display_path(where / 'summary.md')})")
    if exit_code and found.changed:
        raise typer.Exit(1)


def new_from_list(clients: Path, template: Path, into: Path, debug: bool) -> None:
    """``filings new --from LIST TEMPLATE_MATTER [--into DIR]`` (called by the new command): one
    matter folder per client of the list (filings.facts.clients)."""
    from filings.facts.clients import new_from_list as make

    made = _guarded(debug, lambda: make(clients, template, into))
    for folder in made:
        typer.echo(f"made {display_path(folder)}")
    typer.echo(f"made {len(made)} matter{'s' if len(made) != 1 else ''} from {display_path(template)} and "
               f"{display_path(clients)}; build them all: filings build {display_path(into)}")
