"""The documentation: `filings docs [TOPIC]`, and the README's and the pages' links.

The pages are the Markdown files of docs/; a wheel carries them as filings/docs (pyproject.toml),
which tests/test_matter.py checks from an install outside the checkout.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filings", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_docs_lists_every_topic_with_its_title():
    proc = run("docs")
    assert proc.returncode == 0, proc.stderr
    listed = [line.split(None, 1) for line in proc.stdout.splitlines()]
    assert [name for name, _ in listed] == [page.stem for page in PAGES]
    for (name, title), page in zip(listed, PAGES):
        assert page.read_text(encoding="utf-8").splitlines()[0] == f"# {title}"
    assert {"architecture", "templates", "outputs", "confidential"} <= {name for name, _ in listed}


def test_docs_prints_a_topic_as_markdown():
    proc = run("docs", "architecture")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (DOCS / "architecture.md").read_text(encoding="utf-8")
    assert run("docs", "architecture.md").stdout == proc.stdout


def test_a_wrong_topic_is_one_line_with_the_nearest():
    proc = run("docs", "architectur")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("no documentation topic 'architectur'; did you mean 'architecture'? (topics: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    unknown = run("docs", "zzzz")
    assert unknown.returncode == 1 and unknown.stderr.startswith("no documentation topic 'zzzz'; the topics are: ")


def test_the_wheel_carries_the_docs_folder():
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"filings.docs"]' in project or '"filings.docs",' in project  # in packages
    assert '"filings.docs" = "docs"' in project and '"filings.docs" = ["*.md"]' in project


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, flags=re.M)}


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_every_link_to_a_page_leads_to_it(page):
    """Links between the README and the pages name files and headings that exist."""
    for target, anchor in re.findall(r"\]\(([^)#\s]*\.md|)(?:#([^)\s]+))?\)", page.read_text(encoding="utf-8")):
        linked = (page.parent / target) if target else page
        assert linked.is_file(), f"{page.name} links to {target}, which does not exist"
        if anchor:
            assert anchor in _anchors(linked), f"{page.name} links to {target}#{anchor}: no such heading"


def test_the_readme_lists_every_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert f"](docs/{page.name})" in readme, f"README.md's table of the documentation lacks {page.name}"
