"""The commands that make and describe a matter: new, kinds, schema, templates, edits, docs."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from filings.errors import FilingsError, display_path
from filings.cli.common import (DEBUG, FACTS, TEMPLATES, _facts, _fail, _guarded, app)


@app.command()
def new(folder: Path = typer.Argument(..., help="The new matter's folder (new, or empty)."),
        blank: bool = typer.Option(False, "--blank", help="Start from a blank facts file, not the example's."),
        kind: Optional[str] = typer.Option(None, "--kind", help="The kind of case (filings kinds): protest, adcvd, "
                                                              "residual, or a jurisdiction such as 1581(c)."),
        debug: bool = DEBUG,
        clients: Optional[Path] = typer.Option(None, "--from", show_default=False, help="A CSV or YAML list of "
                                               "clients: one matter per row, made from the matter FOLDER names."),
        into: Path = typer.Option(Path("."), "--into", help="Where the matters of --from go.")) -> None:
    """Make a new matter folder: facts.yaml, exhibits/, templates/ for the matter's own copies;
    with --from, one matter folder per client of a list, from the matter FOLDER."""
    if clients is not None:  # filings new --from LIST TEMPLATE_MATTER: filings.facts.clients
        from filings.cli.building import new_from_list
        return new_from_list(clients, folder, into, debug)
    from filings.facts.scaffold import new_matter

    made = _guarded(debug, lambda: new_matter(folder, blank=blank, kind=kind))
    start = "a blank facts file" if blank else f"the sample facts of a {kind} case" if kind else "the example's facts"
    typer.echo(f"made {display_path(folder)} ({len(made)} files, from {start}); edit "
               f"{display_path(folder / 'facts.yaml')}, then run: filings build {display_path(folder)}")


@app.command()
def kinds(matter: Optional[Path] = typer.Argument(None, help="A matter whose settings.kinds to include."),
          debug: bool = DEBUG) -> None:
    """List the kinds of case: name, jurisdiction, how each is commenced, its papers, the facts it needs."""
    from filings.facts.kinds import kind_lines, load_kinds
    from filings.facts.load import load_facts

    found = _guarded(debug, lambda: load_kinds(load_facts(_facts(matter, None)).facts.settings.kinds if matter else None))
    typer.echo("\n".join(kind_lines(found)))


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "--out", help="Write it to this file, not to stdout."),
           debug: bool = DEBUG) -> None:
    """Print the JSON Schema of the facts file (for editors that complete and check YAML)."""
    from filings.facts.scaffold import schema_text, write_schema

    if out is None:
        typer.echo(schema_text(), nl=False)
    else:
        _guarded(debug, lambda: write_schema(out))


@app.command()
def templates(words: Optional[list[str]] = typer.Argument(None, metavar="[MATTER] | copy NAME [MATTER]",
                                                        show_default=False),
              facts: Optional[Path] = FACTS, templates: Optional[Path] = TEMPLATES, debug: bool = DEBUG) -> None:
    """List each paper, the template it uses and where that comes from (matter: relative to its
    folder, firm library: as given, shipped: shipped:NAME); `templates copy NAME` copies the
    template of paper NAME into the matter to edit in Word."""
    from filings.papers.library import copy_template, template_uses

    words = list(words or [])
    if words[:1] == ["copy"]:
        if len(words) not in (2, 3):
            _fail(FilingsError("usage: filings templates copy NAME [MATTER]"), debug)
        matter = Path(words[2]) if len(words) == 3 else None
        target = _guarded(debug, lambda: copy_template(_facts(matter, facts), words[1], templates_dir=templates))
        typer.echo(f"copied to {display_path(target)}; edit it in Word: this matter's builds use it from now on")
        return
    if len(words) > 1:
        _fail(FilingsError("usage: filings templates [MATTER], or filings templates copy NAME [MATTER]"), debug)
    matter = Path(words[0]) if words else None
    rows = _guarded(debug, lambda: template_uses(_facts(matter, facts), templates_dir=templates))
    width = max(len(name) for name, _ in rows)
    for name, found in rows:
        typer.echo(f"{name:<{width}}  {found.origin:<12}  {found.shown}")


@app.command()
def edits(words: Optional[list[str]] = typer.Argument(None, metavar="[MATTER] | drop PAPER [MATTER] | adopt PAPER [MATTER]",
                                                    show_default=False),
          facts: Optional[Path] = FACTS, templates: Optional[Path] = TEMPLATES, debug: bool = DEBUG) -> None:
    """List the papers edited in Word (kept in MATTER/edits/ and merged on every build);
    `edits drop PAPER` returns a paper to the generated text; `edits adopt PAPER` folds its edit
    into the matter's own copy of its template."""
    from filings.pipeline.editing import adopt_edit, drop_edit, list_edits

    words = list(words or [])
    if words[:1] in (["drop"], ["adopt"]):
        if len(words) not in (2, 3):
            _fail(FilingsError(f"usage: filings edits {words[0]} PAPER [MATTER]"), debug)
        path = _facts(Path(words[2]) if len(words) == 3 else None, facts)
        if words[0] == "drop":
            moved = _guarded(debug, lambda: drop_edit(path, words[1]))
            typer.echo(f"{words[1]}: the next build makes it from the facts again; the edit is kept in "
                       f"{display_path(moved)}")
            return
        result, target, dropped = _guarded(debug, lambda: adopt_edit(path, words[1], templates))
        for line in result.adopted:
            typer.echo(f"into {display_path(target)}: {line}")
        for line in result.kept:
            typer.echo(f"stays an edit: {line}")
        if dropped is not None:
            typer.echo(f"all of the edit is in the template now; the edit is put away in {display_path(dropped)}")
        elif not result.adopted:
            typer.echo("nothing could go into the template; the edit stays as it is")
        return
    if len(words) > 1:
        _fail(FilingsError("usage: filings edits [MATTER] | drop PAPER [MATTER] | adopt PAPER [MATTER]"), debug)
    rows, saved = _guarded(debug, lambda: list_edits(_facts(Path(words[0]) if words else None, facts)))
    if not rows and not saved:
        typer.echo("no paper has an edit; edit a draft in build/ in Word, save it, and build: the edit is kept")
    for row in rows:
        typer.echo(row.line())
    for path in saved:
        typer.echo(f"{display_path(path)}: saved since the last build; the next build keeps it as an edit")


@app.command()
def docs(topic: Optional[str] = typer.Argument(None, help="The topic to print (default: list the topics).",
                                               show_default=False),
         debug: bool = DEBUG) -> None:
    """The reference: list its topics, or print one (e.g. `filings docs architecture`) as Markdown."""
    from filings.guide import list_topics, read_topic

    if topic is None:
        topics = _guarded(debug, list_topics)
        width = max(len(name) for name, _ in topics)
        for name, title in topics:
            typer.echo(f"{name:<{width}}  {title}")
        return
    text = _guarded(debug, lambda: read_topic(topic))
    if sys.stdout.isatty():
        import click
        click.echo_via_pager(text)
    else:
        typer.echo(text, nl=False)
