"""filings: Court of International Trade papers from one facts file.

The library owns the pipeline; the ``filings`` command is a thin layer over it::

    from filings import build
    result = build("facts.yaml", "build")
"""
from .pipeline import BuildResult, build, check
from .errors import FilingsError
from .facts import load_facts

__all__ = ["build", "check", "load_facts", "BuildResult", "FilingsError"]
__version__ = "0.1.0"
