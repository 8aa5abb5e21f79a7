"""Reading a YAML file safely, with the line of every value and its confidential marks.

The only module that imports PyYAML. It returns plain Python data plus a
:class:`SourceMap` that tells the line of any path (``("requests", 1, "date")``) so that
schema errors can point at the line to fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import FactsError

Loc = tuple  # a path into the data: keys and list indexes

CONFIDENTIAL_TAG = "!confidential"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates and times as text for the schema to check.

    PyYAML would turn ``2024-02-30`` into a crash and ``14:30`` into the number 870
    (YAML 1.1 base 60); the schema gives both a proper message instead.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
for _first in list("-+0123456789"):
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, _INT if tag == "tag:yaml.org,2002:int" else rx)
        for tag, rx in _Loader.yaml_implicit_resolvers.get(_first, [])
    ]


def _construct_confidential(loader: _Loader, node: yaml.Node):
    """A value tagged ``!confidential`` loads as the plain value; the mark is kept in the SourceMap."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_constructor(CONFIDENTIAL_TAG, _construct_confidential)


@dataclass
class SourceMap:
    """Where each value of a loaded YAML document stands, and which values are confidential."""

    path: Path
    lines: dict[Loc, int] = field(default_factory=dict)
    confidential: set[Loc] = field(default_factory=set)

    def line_of(self, loc: Loc) -> int:
        """The 1-based line of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


def load_yaml(path: Path) -> tuple[object, SourceMap]:
    """Load ``path`` safely; return its data and its :class:`SourceMap`.

    Raises :class:`FactsError` naming the file and line for a missing file, malformed
    YAML or a key written twice in one mapping.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FactsError("no such file; pass --facts with the path of a facts file", path=path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise FactsError(f"cannot read the file: {e}", path=path) from e
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        smap = SourceMap(Path(path))
        if node is not None:
            _map_node(node, (), smap)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise FactsError(f"malformed YAML: {e.problem or e.context}", path=path, line=line) from e
    except yaml.YAMLError as e:
        raise FactsError(f"malformed YAML: {e}", path=path) from e
    finally:
        loader.dispose()
    return data, smap


def _map_node(node: yaml.Node, loc: Loc, smap: SourceMap) -> None:
    """Record the line of ``node`` and its children; reject a key written twice."""
    smap.lines[loc] = node.start_mark.line + 1
    if node.tag == CONFIDENTIAL_TAG:
        smap.confidential.add(loc)
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise FactsError(f"{_dotted(loc + (key,))}: key written twice (first on line {seen[key]}); "
                                 "keep one", path=smap.path, line=line)
            seen[key] = line
            _map_node(value_node, loc + (key,), smap)
            smap.lines[loc + (key,)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _map_node(child, loc + (i,), smap)


def _dotted(loc: Loc) -> str:
    """``("requests", 1, "date")`` → ``requests.1.date``."""
    return ".".join(str(part) for part in loc)
