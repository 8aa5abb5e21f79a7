"""What each paper depends on: a fingerprint of every fact it read.

Rendering records the path of every fact a template reads (``people.landis.name``,
``exhibits.3.label``, ``case.plaintiffs``). Hashing the value at each path gives a
paper's dependencies; comparing them with the current facts tells whether a paper built
earlier still says what the facts say, and which facts changed if not.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Iterable

from filings.court.confidential import Marked, SecretDate, SecretFloat, SecretNumber
from filings.papers.nodes import Node, NodeList
from filings.facts.dates import LegalDate

MISSING = "missing"  # the fingerprint of a path the facts no longer have


def index_nodes(context: dict[str, Any]) -> dict[str, Node | NodeList]:
    """Every section and list reachable from ``context``, by its path."""
    index: dict[str, Node | NodeList] = {}
    stack = list(context.values())
    while stack:
        value = stack.pop()
        if isinstance(value, Node):
            if value._path in index:
                continue
            index[value._path] = value
            stack.extend(value._data.values())
        elif isinstance(value, NodeList):
            if value._path in index:
                continue
            index[value._path] = value
            stack.extend(value._items)
    return index


def fingerprints(index: dict[str, Node | NodeList], reads: Iterable[str]) -> dict[str, str]:
    """``{path: fingerprint}`` for each path read (``MISSING`` where the facts lack it)."""
    return {path: fingerprint_at(index, path) for path in sorted(reads)}


def fingerprint_at(index: dict[str, Node | NodeList], path: str) -> str:
    """The fingerprint of the value at ``path``."""
    if isinstance(index.get(path), NodeList):
        return _hash(index[path])
    if "." not in path:  # a whole section, asked whether it is there ({% if declaration %})
        return _hash(index[path]) if isinstance(index.get(path), Node) else MISSING
    parent, _, name = path.rpartition(".")
    node = index.get(parent)
    if not isinstance(node, Node) or name not in node._data:
        return MISSING
    return _hash(node._data[name])


def changed(index: dict[str, Node | NodeList], recorded: dict[str, str]) -> list[str]:
    """The paths in ``recorded`` whose value is no longer what it was."""
    return [path for path, fp in recorded.items() if fingerprint_at(index, path) != fp]


def _hash(value: Any) -> str:
    text = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """A value as JSON: a section by its path (its own facts are read, and hashed, one by one)."""
    if isinstance(value, Marked):  # a value tagged confidential (or untagged) prints otherwise: a change
        return {"confidential": str.__str__(value), "spans": [[a, b] for a, b, _ in value.spans]}
    if isinstance(value, SecretDate):
        return {"confidential": value.iso()}
    if isinstance(value, (SecretNumber, SecretFloat)):
        return {"confidential": repr(value)}
    if isinstance(value, Node):
        return {"section": value._path}
    if isinstance(value, NodeList):
        return [_plain(item) for item in value._items]
    if isinstance(value, LegalDate):
        return value.iso()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
