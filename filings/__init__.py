"""filings: Court of International Trade papers from one facts file.

The library owns the pipeline; the ``filings`` command is a thin layer over it::

    from filings import build
    result = build("facts.yaml", "build")

Names are imported on first use, so that ``filings --help`` does not load the pipeline.
"""
from __future__ import annotations

import importlib

__all__ = ["build", "check", "load_facts", "BuildResult", "FilingsError"]
__version__ = "0.1.0"

_HOME = {"build": "pipeline.builder", "check": "pipeline.checking", "BuildResult": "pipeline.builder",
         "load_facts": "facts.load",
         "FilingsError": "errors"}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
