"""The ``facts`` command: the merged facts a build reads, and where each value comes from."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filings.cli.common import DEBUG, FACTS, _facts, _guarded, app


@app.command()
def facts(words: Optional[list[str]] = typer.Argument(None, metavar="[MATTER] [PATH]", show_default=False,
                                                    help="The matter's folder (default: the current folder) and "
                                                         "a dotted path such as case.plaintiffs or events.2"),
          facts_file: Optional[Path] = FACTS,
          origin: bool = typer.Option(False, "--origin", help="End each value with the file and line it comes "
                                                              "from (# ../campaign.yaml:12)."),
          debug: bool = DEBUG) -> None:
    """Print the matter's facts as a build reads them (merged with the files they extend), or the part
    at PATH, as YAML; --origin names the file and line of every value."""
    from filings.facts.origin import show_facts

    words = list(words or [])
    if len(words) > 2:
        typer.echo(f"too many arguments ({' '.join(words)}); give a matter's folder and a dotted path", err=True)
        raise typer.Exit(1)
    matter = Path(words.pop(0)) if words and (len(words) == 2 or Path(words[0]).is_dir()) else None
    dotted = words[0] if words else None
    text = _guarded(debug, lambda: show_facts(_facts(matter, facts_file), dotted, origin=origin))
    typer.echo(text, nl=False)
