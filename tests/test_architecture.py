"""The package's rooms: imports run one way, down the stages, with no circle; modules stay small.

Read from the source (every ``import``, those inside functions too), so a new import that
runs upward or closes a circle fails here, not in a newcomer's head.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "filings"
# Lowest first. A module may import its own stage and the stages below it, never above.
STAGES = ["", "facts", "convert", "court", "papers", "exhibits", "edits", "pipeline", "review", "cli"]
FOUNDATION = {"errors", "limits", "paths", "private", "processes", "determinism", "typography", "guide"}
TOP = {"cli", "__main__", "__init__"}  # the command, and the package's lazy front door
MAX_LINES = 400
REASON = "Why one module:"  # a longer module says why at its top, after this


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # filings itself: its __init__ only names things lazily
    if parts[1] in FOUNDATION:
        return 0
    if parts[1] in TOP:
        return STAGES.index("cli")
    return STAGES.index(parts[1])


def _imports(module: str) -> set[str]:
    """The filings modules ``module`` imports, at its top or inside a function."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n in MODULES and n != module)
    return found


GRAPH = {m: _imports(m) for m in MODULES}


def test_the_graph_is_read():
    """The reader finds the imports it must (a broken reader would pass every test below)."""
    assert "filings.facts.schema" in GRAPH["filings.papers.context"]
    assert "filings.pipeline.builder" in GRAPH["filings.cli.building"]
    assert len(MODULES) > 40


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_stages(module):
    upward = sorted(m for m in GRAPH[module] if _stage(m) > _stage(module))
    assert not upward, f"{module} (stage {STAGES[_stage(module)] or 'foundation'}) imports from above: {upward}"


def test_no_import_circle():
    """No module reaches itself through imports (inside functions too)."""
    seen: dict[str, int] = {}  # 1: on the path, 2: done
    circles = []

    def visit(module: str, path: list[str]) -> None:
        seen[module] = 1
        for dep in sorted(GRAPH[module]):
            if seen.get(dep) == 1:
                circles.append(" -> ".join(path[path.index(dep):] + [dep]))
            elif dep not in seen:
                visit(dep, path + [dep])
        seen[module] = 2

    for module in sorted(GRAPH):
        if module not in seen:
            visit(module, [module])
    assert not circles, "import circles:\n" + "\n".join(circles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small_or_say_why(module):
    path = MODULES[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert lines <= MAX_LINES or REASON in docstring, (
        f"{path.relative_to(PACKAGE.parent)} has {lines} lines: split it, or say why at its top ({REASON!r})")


def test_every_stage_says_what_it_owns():
    for stage in STAGES[1:-1]:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.split()) > 20, f"filings/{stage}/__init__.py: say in its docstring what it owns"
        for named in __import__("re").findall(r":mod:`\.(\w+)`", doc):
            assert f"filings.{stage}.{named}" in MODULES, f"filings/{stage}/__init__.py names a module it lacks: {named}"


def test_every_package_goes_into_the_wheel():
    import tomllib
    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, f"pyproject.toml [tool.setuptools] packages lacks {sorted(found - listed)}"
