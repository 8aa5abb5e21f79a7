"""The reference shipped with the package, read by ``filings docs [TOPIC]``.

The topics are the Markdown files of the repository's ``docs/`` folder, which a wheel
installs as ``filings/docs`` (pyproject.toml); in a checkout, or an editable install, they
are read from ``docs/`` beside the package. A topic is named by its file's stem
(``architecture`` for ``architecture.md``) and summed up by its first line, the title.

Foundation: it reads files and imports nothing of the stages.
"""
from __future__ import annotations

import difflib
from pathlib import Path

from filings.errors import FilingsError


def docs_folder() -> Path:
    """The folder of the topics: ``filings/docs`` in a wheel, the repository's ``docs/`` in a
    checkout (or an editable install)."""
    package = Path(__file__).resolve().parent
    installed = package / "docs"
    return installed if installed.is_dir() else package.parent / "docs"


def _topic_files() -> dict[str, Path]:
    folder = docs_folder()
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return {path.stem: path for path in files}


def _title(path: Path) -> str:
    """A topic's first line, without the Markdown heading marks."""
    with path.open(encoding="utf-8") as text:
        first = text.readline()
    return first.strip().lstrip("#").strip()


def list_topics() -> list[tuple[str, str]]:
    """Each topic's name and its title (its file's first line), in the order of their names."""
    topics = _topic_files()
    if not topics:
        raise FilingsError(f"no documentation found in {docs_folder()}; reinstall the package")
    return [(name, _title(path)) for name, path in topics.items()]


def read_topic(name: str) -> str:
    """The Markdown of topic ``name`` (``architecture`` or ``architecture.md``); a FilingsError with
    the nearest topic's name when there is none of that name."""
    topics = _topic_files()
    wanted = name.lower().removesuffix(".md")
    if wanted in topics:
        return topics[wanted].read_text(encoding="utf-8")
    near = difflib.get_close_matches(wanted, list(topics), n=1, cutoff=0.5)
    names = ", ".join(topics)
    hint = f"did you mean '{near[0]}'? (topics: {names})" if near else f"the topics are: {names}"
    raise FilingsError(f"no documentation topic '{name}'; {hint}")
