"""The commands of review: diff."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filings.errors import display_path
from filings.cli.building import diff_matters  # filings diff A B on two matters of a campaign
from filings.cli.common import (DEBUG, FACTS, QUIET, TEMPLATES, TIMEOUT, _converter, _facts, _guarded, _out,
                                _progress, _warn, app)


@app.command()
def diff(folders: Optional[list[Path]] = typer.Argument(None, metavar="[OLD NEW]", show_default=False,
                                                     help="Two build folders to compare (default: the last two "
                                                     "builds in the matter's history)."),
         rev: Optional[list[str]] = typer.Option(None, "--rev", metavar="REV", help="Compare the matter at this git revision "
                                                 "(built in a temporary worktree) with the working tree; twice: "
                                                 "two revisions."),
         matter: Optional[Path] = typer.Option(None, "--matter", help="The matter's folder (default: the "
                                               "current folder).", show_default=False),
         facts: Optional[Path] = FACTS,
         out: Optional[Path] = typer.Option(None, "--out", help="Where the redlines and the summary go "
                                            "(default: build/diff).", show_default=False),
         exit_code: bool = typer.Option(False, "--exit-code", help="Exit with 1 when something changed."),
         timeout: float = TIMEOUT, templates: Optional[Path] = TEMPLATES, quiet: bool = QUIET,
         debug: bool = DEBUG) -> None:
    """What changed between two versions of the papers and which facts caused it: the fact
    diff, a redline DOCX (tracked changes) and PDF per changed paper, and a summary page."""
    from filings.review import diff as diffs

    if folders and len(folders) == 2 and all((f / "facts.yaml").is_file() for f in folders):  # two matters
        return diff_matters(folders, out, timeout, quiet, debug, exit_code)
    facts_path = _facts(matter, facts)
    result = _guarded(debug, lambda: diffs.run(
        facts_path, _out(matter, facts, None), folders=folders, revs=rev, out=out, converter=_converter(timeout),
        templates_dir=templates, progress=(lambda _: None) if quiet else _progress, warn=_warn))
    found, where = result
    typer.echo(found.summary_line())
    typer.echo(f"summary: {display_path(where / 'summary.html')} ({display_path(where / 'summary.md')})")
    if exit_code and found.changed:
        raise typer.Exit(1)
