"""Paths into the facts: a location as a dotted path (``organizations.acme.address.0``), as a
reader sees it (``organizations.acme.address[0]``), the value at a path and every value under it."""
from __future__ import annotations

import re
from typing import Any, Iterator

from pydantic import BaseModel


def dotted(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def display(path: str) -> str:
    """``organizations.seko.address.0`` → ``organizations.seko.address[0]``."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", path)


def value_at(obj: Any, parts: list[str]) -> Any:
    """The value at a dotted path of the facts (keys as written: ``requests.0.from``)."""
    for part in parts:
        if isinstance(obj, (list, tuple)):
            obj = obj[int(part)] if part.isdigit() and int(part) < len(obj) else None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, BaseModel):
            names = {f.alias or n: n for n, f in type(obj).model_fields.items()}
            obj = getattr(obj, names.get(part, part), None)
        else:
            return None
    return obj.text if getattr(obj, "_plain", False) else obj  # a statement written as text alone


def leaves(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    """Every printable value inside ``value``, with its path."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from leaves(f"{path}.{i}", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(f"{path}.{key}", item)
    elif getattr(value, "_plain", False):  # a declaration statement written as text alone: the text is its value
        yield path, value.text
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from leaves(f"{path}.{name}", getattr(value, name))
    elif value is not None:
        yield path, value
