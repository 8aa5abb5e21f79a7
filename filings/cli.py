"""The ``filings`` command: a thin layer that turns arguments into library calls.

The only module that imports typer. It catches :class:`FilingsError` once and prints
one line per problem on stderr, exit code 1; ``--debug`` shows the traceback. Every
command works on a matter folder: the one named, or the current folder; ``--facts`` and
``--out`` name the facts file and the output folder when they are elsewhere. The library
is imported by the commands that use it, so ``filings --help`` starts at once.
"""
from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path
from typing import Callable, Optional

import typer

from filings.errors import FilingsError, display_path
from filings.limits import DEFAULT_LIMITS

# No locals in tracebacks: they would print facts, confidential ones included.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  rich_markup_mode=None,
                  help="Assemble Court of International Trade papers from a matter's facts file.")


def _seconds(option: str, low: float, high: float) -> Callable[[float], float]:
    """A typer callback returning the seconds given to ``option``; one line and exit code 1 when they
    are not a number from ``low`` to ``high`` (0, a negative number, nan and inf included)."""
    def check(value: float) -> float:
        if not low <= value <= high:  # nan fails both comparisons
            typer.echo(f"{option} {value:g}: give a number of seconds from {low:g} to {high:g}", err=True)
            raise typer.Exit(1)
        return value
    return check


MATTER = typer.Argument(None, help="The matter's folder (default: the current folder).", show_default=False)
FACTS = typer.Option(None, "--facts", help="The facts file (default: MATTER/facts.yaml).", show_default=False)
OUT = typer.Option(None, "--out", help="Where the papers, the packets and the exhibits go (default: "
                   "MATTER/build).", show_default=False)
TIMEOUT = typer.Option(DEFAULT_LIMITS.convert_seconds, "--timeout", help="Seconds LibreOffice may take.",
                       callback=_seconds("--timeout", 1, 24 * 3600))
QUIET = typer.Option(False, "--quiet", "-q", help="Print only warnings and the summary line.")
STRICT = typer.Option(False, "--strict", help="Treat warnings (an exhibit no paper cites, ...) as errors.")
DEBUG = typer.Option(False, "--debug", help="Show the traceback of an error.")
TEMPLATES = typer.Option(None, "--templates", help="A firm's template library, searched after the matter's "
                         "templates/ and before the shipped ones (or set FILINGS_TEMPLATES).")


def _facts(matter: Optional[Path], facts: Optional[Path]) -> Path:
    """The facts file: ``--facts``, else ``MATTER/facts.yaml`` (the current folder's)."""
    return facts if facts is not None else (matter or Path(".")) / "facts.yaml"


def _out(matter: Optional[Path], facts: Optional[Path], out: Optional[Path]) -> Path:
    """The output folder: ``--out``, else ``build`` in the matter's folder (the facts file's)."""
    if out is not None:
        return out
    folder = matter if matter is not None else facts.parent if facts is not None else Path(".")
    return folder / "build"


def _progress(message: str) -> None:
    typer.echo(f"· {message}", err=True)


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _fail(error: FilingsError, debug: bool) -> None:
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    for problem in error.problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(1)


class Terminated(BaseException):
    """SIGTERM: unwind like Ctrl-C, so LibreOffice is stopped and nothing half-made is left."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def _guarded(debug: bool, action: Callable[[], object]) -> object:
    """Run ``action``; a FilingsError is one line per problem and exit code 1."""
    try:
        return action()
    except FilingsError as e:
        _fail(e, debug)


def _converter(timeout: float):
    """The warm pool; ``FILINGS_CONVERTER=soffice`` asks for one LibreOffice run per build instead.
    Made on first use: a build with nothing to convert does not load either."""
    import os

    def make():
        if os.environ.get("FILINGS_CONVERTER", "pool") == "soffice":
            from filings.convert.libreoffice import LibreOffice
            return LibreOffice(timeout=timeout)
        from filings.convert.pool import Pool
        return Pool(timeout=timeout, warn=_warn)
    return _OnFirstUse(make)


class _OnFirstUse:
    """A converter made when something is first converted."""

    def __init__(self, make: Callable[[], object]):
        self._make, self._made = make, None

    def _converter(self):
        if self._made is None:
            self._made = self._make()
        return self._made

    def convert(self, sources, out_dir):
        return self._converter().convert(sources, out_dir)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._converter(), name)


def _run(debug: bool, quiet: bool, timeout: float, **kwargs) -> None:
    from filings.pipeline import builder as pipeline

    try:
        result = pipeline.build(progress=(lambda _: None) if quiet else _progress,
                                warn=(lambda _: None) if kwargs.get("strict") else _warn,
                                converter=_converter(timeout), **kwargs)
    except FilingsError as e:
        _fail(e, debug)
    except (KeyboardInterrupt, Terminated) as e:
        if debug:
            traceback.print_exception(e, file=sys.stderr)
        out = display_path(kwargs["out_dir"])
        typer.echo(f"interrupted: nothing was published; {out} holds the last complete build", err=True)
        raise typer.Exit(130 if isinstance(e, KeyboardInterrupt) else 143) from None
    typer.echo(result.summary())


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


@app.command()
def new(folder: Path = typer.Argument(..., help="The new matter's folder (new, or empty)."),
        blank: bool = typer.Option(False, "--blank", help="Start from a blank facts file, not the example's."),
        kind: Optional[str] = typer.Option(None, "--kind", help="The kind of case (filings kinds): protest, adcvd, "
                                                              "residual, or a jurisdiction such as 1581(c)."),
        debug: bool = DEBUG) -> None:
    """Make a new matter folder: facts.yaml, exhibits/, templates/ for the matter's own copies."""
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

    facts_path = _facts(matter, facts)
    result = _guarded(debug, lambda: diffs.run(
        facts_path, _out(matter, facts, None), folders=folders, revs=rev, out=out, converter=_converter(timeout),
        templates_dir=templates, progress=(lambda _: None) if quiet else _progress, warn=_warn))
    found, where = result
    typer.echo(found.summary_line())
    typer.echo(f"summary: {display_path(where / 'summary.html')} ({display_path(where / 'summary.md')})")
    if exit_code and found.changed:
        raise typer.Exit(1)


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


def main() -> None:
    """Entry point of the ``filings`` console script."""
    import os

    # pydantic looks for plugins among every installed package's entry points when the first
    # model is made (a tenth of a no-op build); the command uses none
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGTERM, _terminate)
    app()
