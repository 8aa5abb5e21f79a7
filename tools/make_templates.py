"""Write the shipped DOCX templates from their descriptions in ``tools/papers/``.

Run ``make templates`` (or ``python tools/make_templates.py [OUT_DIR]``). Each module in
``tools/papers`` holds one paper: ``FILE`` (the template's name) and ``build(doc)``.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import papers  # noqa: E402
from templatekit import new_document, save  # noqa: E402


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for info in pkgutil.iter_modules(papers.__path__):
        module = importlib.import_module(f"papers.{info.name}")
        doc = new_document()
        module.build(doc)
        save(doc, out_dir / module.FILE)
        print(f"wrote {out_dir / module.FILE}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates")
