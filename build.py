#!/usr/bin/env python3
"""Build the example matter: the same as ``filings build`` with its defaults."""
import sys

from filings.cli import app

if __name__ == "__main__":
    sys.argv = ["filings", "build", *sys.argv[1:]]
    app()
