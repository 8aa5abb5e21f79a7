"""``filings new --from clients.csv TEMPLATE_MATTER``: one matter folder per client of a list.

The list is a CSV file (a header row, then one client a row) or a YAML list of mappings with
the same keys. Each row makes a matter folder (``--into``, default the current folder) with
the template matter's facts, exhibits, templates and ``.gitignore`` (never its builds,
history or edits), the plaintiff's facts replaced by the row's:

==================  ===========================================================================
column              what it sets (the template's first plaintiff, ``case.plaintiffs[0]``)
==================  ===========================================================================
``folder``          the new matter's folder name (required; letters, digits, ``.``, ``_``, ``-``)
``name``            the plaintiff's full name (required)
``short``           its short name (else the template's is removed)
``kind``            corporation, limited liability company, ... (else the template's)
``state``           the state it is organized under (else removed)
``address``         its address, lines separated by ``|`` (required)
``importer_number`` its importer of record number (IOR), kept in the facts for the record
``description``     what it is or does, as the papers say after its name (else removed)
``entries``         its entries, ``NUMBER DATE [LIQUIDATED]`` separated by ``;``: the entries of
                    the template's first protest (a protest matter only)
==================  ===========================================================================

Every row is checked before any folder is made: a missing column, a bad folder name, a folder
that exists, an entry without its date, and facts that would not load are each one line naming
the list's file and line. The facts are written as YAML with the template's ``!confidential``
and ``!public`` marks kept (the template's comments are not); a matter of a campaign whose
facts extend a shared base (``extends:``) keeps the comments there instead.
"""
from __future__ import annotations

import copy
import csv
import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from filings.errors import FactsError, FilingsError, Problem, display_path
from filings.facts.source import CONFIDENTIAL_TAG, PUBLIC_TAG, load_yaml

COLUMNS = ("folder", "name", "short", "kind", "state", "address", "importer_number", "description", "entries")
REQUIRED = ("folder", "name", "address")
MAX_LIST_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
ENTRY = re.compile(r"(\S+)\s+(\d{4}-\d{2}-\d{2})(?:\s+(\d{4}-\d{2}-\d{2}))?")
COPIED = ("exhibits", "templates", ".gitignore")  # with facts.yaml: what a new matter takes from the template


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of every client in the list: CSV, or YAML (``.yaml``/``.yml``) list of mappings."""
    try:
        size = path.stat().st_size
    except OSError:
        raise FilingsError("no such client list; name a CSV or YAML file", path=display_path(path)) from None
    if size > MAX_LIST_BYTES:
        raise FilingsError(f"larger than {MAX_LIST_BYTES // (1024 * 1024)} MB; split the list", path=display_path(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        data, source = load_yaml(path)
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise FilingsError("must be a list of clients, each a mapping of the columns (folder, name, address, ...)",
                               path=display_path(path), line=1)
        rows = [(source.line_of((i,)), {str(k): "" if v is None else str(v) for k, v in item.items()})
                for i, item in enumerate(data)]
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise FilingsError(f"cannot read it as UTF-8 text ({e}); save the list as CSV UTF-8",
                               path=display_path(path)) from None
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows, start = [], 2
        try:
            for row in reader:
                if None in row:
                    raise FilingsError("more cells than the header has columns", path=display_path(path), line=start)
                rows.append((start, {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}))
                start = reader.line_num + 1
        except csv.Error as e:
            raise FilingsError(f"not a CSV file: {e}", path=display_path(path), line=reader.line_num) from None
        unknown = [c for c in (reader.fieldnames or []) if c.strip() not in COLUMNS]
        if unknown:
            raise FilingsError(f"unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}",
                               path=display_path(path), line=1)
    if not rows:
        raise FilingsError("no clients in the list", path=display_path(path))
    if len(rows) > MAX_ROWS:
        raise FilingsError(f"more than {MAX_ROWS} clients; split the list", path=display_path(path))
    return rows


def new_from_list(list_path: Path, template: Path, into: Path) -> list[Path]:
    """Make one matter folder in ``into`` per client of ``list_path``, from the matter ``template``;
    return the folders. Nothing is made unless every row is good."""
    facts_path = template / "facts.yaml"
    if not facts_path.is_file():
        raise FilingsError("not a matter folder (no facts.yaml) to make the matters from", path=display_path(template))
    from filings.facts.load import load_facts

    load_facts(facts_path)  # the template's own problems are named as its own
    base, source = load_yaml(facts_path)
    rows = read_rows(list_path)
    made: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for line, row in rows:
        def bad(message: str) -> None:
            problems.append(Problem(message, display_path(list_path), line))
        try:
            folder, text = _matter_text(row, base, source, facts_path, list_path, line)
        except ValueError as e:
            bad(str(e))
            continue
        if folder in seen:
            bad(f"folder: {folder!r} is also an earlier row's; give each client a folder of its own")
            continue
        seen.add(folder)
        target = into / folder
        if target.exists():
            bad(f"folder: {display_path(target)} exists; choose another name, or remove it")
            continue
        problem = _load_problem(text, template)
        if problem:
            bad(f"the facts it makes do not load: {problem}")
            continue
        made.append((target, text))
    if problems:
        raise FilingsError(problems=problems)
    into.mkdir(parents=True, exist_ok=True)
    for target, text in made:
        _copy_matter(template, target)
        (target / "facts.yaml").write_text(text, encoding="utf-8")
    return [target for target, _ in made]


def _matter_text(row: dict[str, str], base: Any, source, facts_path: Path, list_path: Path,
                 line: int) -> tuple[str, str]:
    """The row's folder name and its facts as YAML text; ValueError saying what is wrong."""
    missing = [c for c in REQUIRED if not row.get(c)]
    if missing:
        raise ValueError(f"{missing[0]}: empty; every row needs {', '.join(REQUIRED)}")
    folder = row["folder"]
    if not FOLDER_NAME.fullmatch(folder) or folder in ("build", "exhibits", "templates", "edits"):
        raise ValueError(f"folder: {folder!r} is not a folder name (letters, digits, '.', '_', '-'; not build, "
                         "exhibits, templates or edits)")
    data = copy.deepcopy(base)
    plaintiffs = (data.get("case") or {}).get("plaintiffs") or []
    org_id = plaintiffs[0] if plaintiffs and isinstance(plaintiffs[0], str) else None
    org = (data.get("organizations") or {}).get(org_id) if org_id else None
    if not isinstance(org, dict):
        raise ValueError("the template's case.plaintiffs[0] names no organization to replace")
    org["name"] = row["name"]
    org["address"] = [part.strip() for part in row["address"].split("|") if part.strip()]
    for column in ("short", "state", "description", "importer_number"):
        if row.get(column):
            org[column] = row[column]
        else:
            org.pop(column, None)
    if row.get("kind"):
        org["kind"] = row["kind"]
    if row.get("entries"):
        protests = data.get("protests")
        if not protests:
            raise ValueError("entries: the template matter has no protests to hold them; leave the column empty")
        entries = []
        for item in (part.strip() for part in row["entries"].split(";")):
            if not item:
                continue
            found = ENTRY.fullmatch(item)
            if not found:
                raise ValueError(f"entries: {item!r} is not 'NUMBER DATE [LIQUIDATED]' (dates as 2024-05-14)")
            entry = {"number": found[1], "date": found[2]}
            if found[3]:
                entry["liquidated"] = found[3]
            entries.append(entry)
        protests[0]["entries"] = entries
    header = (f"# Made by `filings new --from {list_path.name}` (line {line}) from {display_path(facts_path)}:\n"
              f"# its facts, with the plaintiff's ({org_id}) from the list.\n")
    return folder, header + dump(data, source)


def dump(data: Any, source) -> str:
    """``data`` as YAML, with the ``!confidential`` and ``!public`` marks of ``source`` kept."""
    import yaml

    class Tagged:
        def __init__(self, tag: str, value: Any):
            self.tag, self.value = tag, value

    def mark(value: Any, loc: tuple) -> Any:
        if isinstance(value, dict):
            value = {k: mark(v, loc + (k,)) for k, v in value.items()}
        elif isinstance(value, list):
            value = [mark(v, loc + (i,)) for i, v in enumerate(value)]
        tag = CONFIDENTIAL_TAG if loc in source.confidential else PUBLIC_TAG if loc in source.public else None
        return Tagged(tag, value) if tag else value

    class Dumper(yaml.SafeDumper):
        pass

    def represent(dumper: yaml.SafeDumper, tagged: Tagged):
        node = dumper.represent_data(tagged.value)
        node.tag = tagged.tag
        return node

    Dumper.add_representer(Tagged, represent)
    return yaml.dump(mark(data, ()), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def _load_problem(text: str, template: Path) -> str | None:
    """The first problem of facts ``text`` (loaded beside a copy of the template's exhibits), or None."""
    from filings.facts.load import load_facts

    with tempfile.TemporaryDirectory(prefix="filings-new-") as work:
        folder = Path(work)
        for name in ("exhibits",):
            if (template / name).is_dir():
                (folder / name).symlink_to((template / name).resolve())
        (folder / "facts.yaml").write_text(text, encoding="utf-8")
        try:
            load_facts(folder / "facts.yaml")
        except FactsError as e:
            first = e.problems[0] if e.problems else None
            return (f"{first.message} (line {first.line} of the facts)" if first and first.line else
                    str(first or e))
    return None


def _copy_matter(template: Path, target: Path) -> None:
    """The template matter's exhibits, templates and .gitignore, into a new folder ``target``."""
    target.mkdir(parents=True)
    for name in COPIED:
        source = template / name
        if source.is_symlink():
            continue  # an input never leads outside the matter
        if source.is_dir():
            shutil.copytree(source, target / name, symlinks=True)  # a link is copied as a link: the build refuses one leading out
        elif source.is_file():
            shutil.copy2(source, target / name)
    for name in ("exhibits", "templates"):
        (target / name).mkdir(exist_ok=True)
