"""A new matter folder: what ``filings new`` lays out, and the facts file's JSON Schema.

A matter lives in a folder of its own::

    acme-v-united-states/
      facts.yaml        the facts (starting from the example, or blank)
      exhibits/         the exhibit files the facts name
      templates/        the matter's own copies of templates, edited in Word (empty at first)
      .filings/facts.schema.json   the schema an editor uses to complete and check facts.yaml
      .gitignore        build/, its generations and reviews/ stay out of git

Every command works on the matter in the current folder, or on the folder it is given.
"""
from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

from filings.errors import FilingsError, display_path
from filings.facts.kinds import Kind, find_kind, load_kinds

EXAMPLE = Path(__file__).resolve().parent.parent / "example"  # links to the repository's example matter
SCHEMA = Path(".filings") / "facts.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA.as_posix()}\n"
GITIGNORE = ("# Made by filings: outputs are built again from the facts, never committed; reviews hold\n"
             "# old and new text, confidential versions included.\n/build\n/.build.filings/\n/.filings/history/\n/.filings/debug.log*\n/reviews/\n")

BLANK_HEAD = """\
# Facts of a matter before the U.S. Court of International Trade. Fill in each section;
# `filings check` names every line still missing or wrong, and `filings build` makes the
# papers. Rules of this file:
#   - dates are ISO: 2024-05-20 (a day), 2023-07 (a month), 2019 (a year);
#   - every person and organization is named once, under `organizations` or `people`,
#     and referred to everywhere else by its id;
#   - free text speaks of the parties by role ("Plaintiff", "the agency"), never by name;
#   - text that YAML would read as a number (a court number like 0700) goes in quotes;
#   - any value may be tagged `!confidential` (CIT Rule 5(g)), a passage of text written
#     [Confidential: ...], and an exhibit marked `confidential: true`: each paper that prints
#     one is written in a confidential version (in brackets) and a public version ([   ]),
#     in build/confidential/ and build/public/ (the bundle too, for a confidential exhibit);
#     a value equal to a confidential one must be tagged too, or `!public`; settings.bracket,
#     settings.confidential_legend, settings.public_legend and settings.public_deletion.
# The example matter (`filings new DIR` without --blank) shows every section filled in.
"""

# The sections of the blank facts file, in the example's order: what follows each key. The
# line above each key is made from the schema: its description of the section (blank_facts).
BLANK_SECTIONS = {
    "organizations": """
  # plaintiff:
  #   name: Acme Imports, Inc.
  #   kind: corporation
  #   state: Delaware
  #   address: [1 Main Street, "Wilmington, Delaware 19801"]
""",
    "people": """
  # counsel:
  #   name: A. Lawyer
  #   organization: firm
  #   phone: (202) 555-0100
  #   email: lawyer@firm.example
""",
    "case": """
  court_no:            # assigned by the clerk; leave empty before filing
  jurisdiction:        # e.g. 1581(i)
  plaintiffs: []       # ids of organizations or people
  defendants: []
  counsel: []          # ids of people; the first signs
  filed:               # the day the action is commenced
  nature:              # "an action to ..." (completes "This is ...")
""",
    "programs": " {}           # ctpat: {name: ..., short: C-TPAT, description: ...}\n",
    "events": " []             # - id: ..., date: 2024-05-20, actor: (an id), text: ...\n",
    "requests": " []           # - id: ..., date: ..., from: (an id), to: (an id), channel: e-mail, asked: ...\n",
    "determination": "         # 1581(c): agency, title, description, date, notice, merchandise, standing (--kind adcvd)\n",
    "protests": " []           # 1581(a): - number, port, filed, denied, merchandise, entries, duties_paid (--kind protest)\n",
    "injunction": "            # 1581(c): filed, entries, consultation: a consent motion to enjoin liquidation\n",
    "record": " []             # 1581(c): - id: ..., title: ..., public: 12, confidential: 7 (cited [Record: id])\n",
    "brief": "                 # 1581(c): the Rule 56.2 motion: filed, relief, issues, facts, argument (docs/briefs.md)\n",
    "claims": """ []             # - title: ...
                       #   allegations: [...]
""",
    "relief": " []             # - order the agency to ...\n",
    "motion": "                # then, indented: kind (tro, pi or both), filed, relief, order, factors, consultation\n",
    "declaration": "           # then, indented: declarant, place, signed, statements\n",
    "service": """
  date:
  method:              # e.g. the Court's CM/ECF system
  served: []           # ids of the people served
""",
    "exhibits": " []           # - id: ..., title: ..., file: exhibits/..., confidential: true (its pages)\n",
    "filings": " []            # - name: complaint, title: ..., date: ..., papers: [summons, complaint]\n",
    "papers": "                # - complaint (a shipped paper), or {name, template, title} of the matter's own\n",
    "bundle": " {}             # labels: numbers, bates: {prefix: ACME-, start: 1}, size_limit_mb: 35, ocr: true\n",
    "settings": " {}           # caption: short, bracket: single, answer_days: 60, history: 20, ...\n",
    "extra": " {}              # name: value, as the matter's own templates read them\n",
}


def blank_facts() -> str:
    """The blank facts file: every section of the facts, each under its one-line description
    from the schema (so the comments and the schema say the same)."""
    from filings.facts.schema import Facts

    return BLANK_HEAD + "".join(f"\n# {Facts.model_fields[key].description}\n{key}:{body}"
                                for key, body in BLANK_SECTIONS.items())


def schema() -> dict:
    """The JSON Schema of the facts file, generated from the facts model."""
    from filings.facts.schema import Facts

    document = Facts.model_json_schema()
    # extends: a base facts file (filings.facts.extend), read before the schema; a file that extends
    # another need not repeat the sections the base has
    document["properties"] = {"extends": {"type": "string", "title": "Extends", "description": (
        "the facts file this one extends (a campaign's or the firm's facts), relative to this file")},
        **document["properties"]}
    required = document.pop("required", [])
    if required:
        document["if"] = {"required": ["extends"]}
        document["else"] = {"required": required}
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "filings facts file"
    return document


def schema_text() -> str:
    """The JSON Schema of the facts file, as ``filings schema`` prints it."""
    return json.dumps(schema(), indent=2) + "\n"


def write_schema(out: Path) -> None:
    """Write :func:`schema_text` to ``out``; a FilingsError naming it when it cannot be written."""
    try:
        Path(out).write_text(schema_text(), encoding="utf-8")
    except OSError as e:
        raise FilingsError(f"cannot write the schema here: {e.strerror or e}; choose another --out",
                           path=display_path(out)) from None


def chosen_kind(wanted: str | None) -> Kind | None:
    """The shipped kind ``filings new --kind`` names (by name or jurisdiction); a FilingsError listing
    the kinds for one it does not know."""
    if wanted is None:
        return None
    kinds = load_kinds()
    kind = find_kind(kinds, wanted)
    if kind is None:
        names = ", ".join(f"{k.name} ({k.jurisdiction})" for k in kinds.values())
        raise FilingsError(f"--kind {wanted}: no such kind of case; choose one of: {names} (filings kinds lists them)")
    return kind


def starting_facts(kind: Kind | None, blank: bool) -> str:
    """The text of a new matter's facts: blank (with the kind's jurisdiction when one is chosen), the
    kind's sample, or the example's."""
    if blank:
        text = blank_facts()
        if kind is not None:
            text = text.replace("  jurisdiction:        # e.g. 1581(i)",
                                f"  kind: {kind.name}\n  jurisdiction: {kind.jurisdiction}")
        return text
    if kind is not None and kind.sample:
        return resources.files("filings.facts").joinpath("samples", kind.sample).read_text(encoding="utf-8")
    return (EXAMPLE / "facts.yaml").read_text(encoding="utf-8")


def new_matter(folder: Path, *, blank: bool = False, kind: str | None = None) -> list[Path]:
    """Lay out a new matter in ``folder`` (new or empty), of the kind of case ``kind`` names (a
    kind's name or jurisdiction; its sample facts, which build); return the files made."""
    folder = Path(folder)
    chosen = chosen_kind(kind)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FilingsError("is not an empty folder; choose a new folder for the matter", path=display_path(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        facts = folder / "facts.yaml"
        facts.write_text(MODELINE + starting_facts(chosen, blank), encoding="utf-8")
        if blank or (chosen is not None and chosen.sample):
            (folder / "exhibits").mkdir()
        else:
            shutil.copytree(EXAMPLE / "exhibits", folder / "exhibits")
        (folder / "templates").mkdir()
        (folder / SCHEMA).parent.mkdir()
        (folder / SCHEMA).write_text(json.dumps(schema(), indent=2) + "\n", encoding="utf-8")
        (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    except OSError as e:
        raise FilingsError(f"cannot make the matter here: {e.strerror or e}; choose another folder",
                           path=display_path(folder)) from e
    return sorted(p for p in folder.rglob("*") if p.is_file())
