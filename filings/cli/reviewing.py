"""The commands of review: ``diff``, and ``review mark`` / ``review list`` (marks on recorded builds)."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from filings.errors import FilingsError, display_path
from filings.cli.building import diff_matters  # filings diff A B on two matters of a campaign
from filings.cli.common import (DEBUG, FACTS, MATTER, QUIET, TEMPLATES, TIMEOUT, _converter, _facts, _fail,
                                _guarded, _out, _progress, _warn, app)

ERROR_EXIT = 2  # with --exit-code: 0 no change, 1 changed, 2 an error (never 1)


@app.command()
def diff(folders: Optional[list[Path]] = typer.Argument(None, metavar="[OLD NEW]", show_default=False,
                                                     help="Two build folders to compare (default: the last two "
                                                     "builds in the matter's history)."),
         rev: Optional[list[str]] = typer.Option(None, "--rev", metavar="REV", help="Compare the matter at this git revision "
                                                 "(built in a temporary worktree) with the working tree; twice: "
                                                 "two revisions."),
         since: Optional[str] = typer.Option(None, "--since", metavar="MARK|N|DATE", help="Compare a recorded build "
                                             "with the latest, without rebuilding: a mark (filings review mark), a "
                                             "build number (filings review list) or a date (the last build on or "
                                             "before it).", show_default=False),
         matter: Optional[Path] = typer.Option(None, "--matter", help="The matter's folder (default: the "
                                               "current folder).", show_default=False),
         facts: Optional[Path] = FACTS,
         out: Optional[Path] = typer.Option(None, "--out", help="Where the redlines and the summaries go "
                                            "(default: MATTER/reviews/DATE-FROM-TO).", show_default=False),
         exit_code: bool = typer.Option(False, "--exit-code", help="Exit with 0 when nothing changed, 1 when "
                                        "something changed, 2 on an error."),
         timeout: float = TIMEOUT, templates: Optional[Path] = TEMPLATES, quiet: bool = QUIET,
         debug: bool = DEBUG) -> None:
    """What changed between two versions of the filings and which facts caused it: the fact
    diff, a redline DOCX (tracked changes) and PDF per changed paper, the exhibits, bundle and
    packets compared, and a summary for each version (public; confidential)."""
    from filings.review import diff as diffs

    if folders and len(folders) == 2 and all((f / "facts.yaml").is_file() for f in folders):  # two matters
        return diff_matters(folders, out, timeout, quiet, debug, exit_code)
    facts_path = _facts(matter, facts)
    try:
        found, where = diffs.run(facts_path, _out(matter, facts, None), folders=folders, revs=rev, since=since,
                                 out=out, converter=_converter(timeout), templates_dir=templates,
                                 progress=(lambda _: None) if quiet else _progress, warn=_warn)
    except FilingsError as e:
        if not exit_code:
            _fail(e, debug)
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        for problem in e.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(ERROR_EXIT) from None
    except Exception:
        if not exit_code:
            raise
        traceback.print_exc()  # a bug: its traceback, and never the exit code of "changed"
        raise typer.Exit(ERROR_EXIT) from None
    typer.echo(found.summary_line())
    typer.echo(f"review: {display_path(where)}/ (summary: {display_path(where / 'summary.html')}, "
               f"{display_path(where / 'summary.md')})")
    if found.confidential_side:
        typer.echo(f"confidential summary: {display_path(where / 'confidential' / 'summary.html')} (not for the "
                   "public)")
    if exit_code and found.changed:
        raise typer.Exit(1)


review_app = typer.Typer(no_args_is_help=True, help="Marks on recorded builds, for filings diff --since: mark the "
                         "build a reviewer read, list the builds.")
app.add_typer(review_app, name="review")


@review_app.command("mark")
def review_mark(matter: Optional[Path] = MATTER,
                name: str = typer.Option("reviewed", "--name", help="The mark's name."),
                facts: Optional[Path] = FACTS, out: Optional[Path] = typer.Option(
                    None, "--out", help="The build folder (default: MATTER/build).", show_default=False),
                debug: bool = DEBUG) -> None:
    """Mark the current build (the latest in the matter's history) as NAME ("reviewed"): `filings
    diff --since NAME` compares it with any later build, and the history never prunes it."""
    from filings.review.marks import mark

    facts_path = _facts(matter, facts)
    record = _guarded(debug, lambda: mark(facts_path.parent, _out(matter, facts, out), name, warn=_warn))
    typer.echo(f"marked build #{record.number} ({record.recorded}) as '{name}'; compare with it: "
               f"filings diff --since {name}")


@review_app.command("list")
def review_list(matter: Optional[Path] = MATTER, facts: Optional[Path] = FACTS,
                out: Optional[Path] = typer.Option(None, "--out", help="The build folder (default: MATTER/build).",
                                                   show_default=False),
                debug: bool = DEBUG) -> None:
    """The builds the matter's history holds (number, time, date, marks), newest last."""
    from filings.review.marks import listing

    facts_path = _facts(matter, facts)
    lines = _guarded(debug, lambda: listing(facts_path.parent, _out(matter, facts, out), warn=_warn))
    if not lines:
        typer.echo("no build recorded yet; filings build records each build (settings.history)")
    for line in lines:
        typer.echo(line)
