"""Where templates come from: the matter's own, a firm's library, then the shipped ones.

A template is looked up by name along a search path, and the first folder that has it
wins (as mkdocs' ``custom_dir`` and Jinja's ``ChoiceLoader`` do):

1. the matter's ``templates/`` folder: copies a lawyer edited in Word for this matter;
2. a firm's library: ``--templates``, the ``FILINGS_TEMPLATES`` environment variable, or
   ``settings.templates`` in the facts (in that order); a setting written in a base file the
   facts extend (a firm's facts) is relative to that file, so every lawyer who builds the
   matter gets the same library whatever their shell says;
3. the templates shipped with the toolkit, installed with the package.

A name is resolved inside its folder: ``../`` or a link leading out of the folder is
refused like any other input that leaves the matter. Each build records its library in the
manifest (:mod:`filings.pipeline.manifest`), and one whose library differs from the last
build's says so before it replaces anything.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from filings.errors import FilingsError, TemplateError, display_path
from filings.paths import OutsideError, resolve_inside

ENVIRONMENT = "FILINGS_TEMPLATES"
MATTER, FIRM, SHIPPED = "matter", "firm library", "shipped"


def shipped_folder() -> Path:
    """The folder of the templates installed with the package: ``filings/templates`` in a
    wheel, the repository's ``templates/`` in a checkout (or an editable install)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


@dataclass(frozen=True)
class Found:
    """A template found on the search path: its name, its file and which folder it came from."""

    name: str
    path: Path
    origin: str  # MATTER, FIRM or SHIPPED
    shown: str = ""  # where it is, as a user writes it: templates/NAME, the firm's folder as given, shipped:NAME


def _same(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


class TemplateLibrary:
    """The search path of one build: ``(origin, folder)`` pairs, first match wins."""

    def __init__(self, folders: list[tuple[str, Path]]):
        seen, unique = set(), []
        for origin, folder in folders:
            real = Path(os.path.realpath(folder))
            if real not in seen:  # the example matter's templates are the shipped ones
                seen.add(real)
                unique.append((origin, Path(folder)))
        self.folders = unique
        self.firm_given: str | None = None  # the firm library's folder as the user gave it
        self.matter_root: Path | None = None  # the matter's folder, when made for a matter

    @classmethod
    def for_matter(cls, matter_root: Path, firm: str | Path | None = None,
                   setting: str | None = None, setting_at: tuple[Path, int] | None = None) -> "TemplateLibrary":
        """The search path of the matter in ``matter_root``: its templates, the firm's, the shipped.
        ``setting_at`` is the file and line of ``setting`` (a base file's, when the facts extend one)."""
        shipped = shipped_folder()
        own = Path(matter_root) / "templates"
        # The example matter at the repository's root: its templates/ are the shipped ones.
        folders = [] if _same(own, shipped) else [(MATTER, own)]
        library = firm or os.environ.get(ENVIRONMENT) or setting
        if library:
            folder = Path(library).expanduser()
            if not folder.is_absolute() and not firm and not os.environ.get(ENVIRONMENT):
                folder = Path(matter_root) / folder  # the setting is relative to the facts file
            if not folder.is_dir():
                where = "--templates" if firm else ENVIRONMENT if os.environ.get(ENVIRONMENT) else "settings.templates"
                path, line = setting_at if where == "settings.templates" and setting_at else (None, None)
                raise FilingsError(f"{'settings.templates: ' if path else ''}the firm's template library "
                                   f"{display_path(folder)} (from {where}) is not a folder; fix the path",
                                   path=display_path(path) if path else None, line=line)
            folders.append((FIRM, folder))
        folders.append((SHIPPED, shipped))
        made = cls([(origin, folder) for origin, folder in folders if folder.is_dir()])
        made.firm_given = str(library) if library else None
        made.matter_root = Path(matter_root)
        return made

    @classmethod
    def for_facts(cls, matter, templates_dir: str | Path | None = None) -> "TemplateLibrary":
        """The search path of a loaded matter (:class:`filings.facts.schema.Matter`): ``templates_dir``
        (``--templates``) or the environment or the facts' setting is its firm library."""
        at = ("settings", "templates")
        return cls.for_matter(matter.root, firm=templates_dir, setting=matter.facts.settings.templates,
                              setting_at=(matter.source.file_of(at), matter.source.line_of(at)))

    def find(self, name: str) -> Found:
        """The first template called ``name`` on the path; a TemplateError if none has it."""
        written = os.path.normpath(name)
        if os.path.isabs(written) or written == ".." or written.startswith(".." + os.sep):
            raise TemplateError(f"template '{name}' leads out of the templates folder; name a template "
                                "inside it (copy the file there)",
                                path=display_path(self.folders[0][1]) if self.folders else None)
        for origin, folder in self.folders:
            try:
                path = resolve_inside(folder, name)
            except FileNotFoundError:
                continue
            except OutsideError:
                raise TemplateError(f"template '{name}' leads out of the templates folder; name a template "
                                    "inside it (copy the file there)", path=display_path(folder)) from None
            except ValueError as e:
                raise TemplateError(f"{e}; a template must be a .docx file", path=display_path(folder / name)) from None
            return Found(name, path, origin, self._shown(origin, folder, name))
        others = [display_path(f) for _, f in self.folders[1:]]
        also = f" (nor in {', '.join(others)})" if others else ""
        raise TemplateError(f"template not found{also}; check its name and the templates folders",
                            path=display_path(self.folders[0][1] / name) if self.folders else name)

    def _shown(self, origin: str, folder: Path, name: str) -> str:
        """Where template ``name`` of ``folder`` is, as a user writes it: relative to the matter
        (``templates/NAME``), the firm library's folder as given, or ``shipped:NAME``."""
        if origin == SHIPPED:
            return f"shipped:{name}"
        if origin == MATTER:
            return f"templates/{name}"
        if origin == FIRM and self.firm_given:
            return os.path.join(self.firm_given, name)
        return display_path(folder / name)

    def closed_folders(self) -> list[Path]:
        """Every folder on the path: no build output may be written into any of them."""
        return [folder for _, folder in self.folders]



def template_uses(facts_path: Path, templates_dir: Path | None = None) -> list[tuple[str, Found]]:
    """Each paper of the matter and each exhibit made from a template, with the template it uses."""
    from filings.papers.context import build_context
    from filings.facts.load import load_facts
    from filings.facts.plan import plan_papers

    matter = load_facts(facts_path)
    library = TemplateLibrary.for_facts(matter, templates_dir)
    plan = plan_papers(matter.facts, build_context(matter))
    rows = [(paper.name, library.find(paper.template)) for paper in plan.papers]
    rows += [(f"exhibit {e.id}", library.find(f"exhibits/{e.template}")) for e in matter.facts.exhibits
             if e.template]
    return rows


def copy_template(facts_path: Path, name: str, templates_dir: Path | None = None) -> Path:
    """Copy the template that paper ``name`` (or the template file ``name``) uses into the
    matter's own ``templates/``, to edit in Word; the matter's builds use it from then on."""
    uses = dict(template_uses(facts_path, templates_dir))
    found = uses.get(name) or next((f for f in uses.values() if name in (f.name, Path(f.name).name)), None)
    if found is None:
        choices = ", ".join(sorted(uses))
        raise FilingsError(f"no paper or template named '{name}'; choose one of: {choices}")
    root = Path(facts_path).parent
    target = root / "templates" / found.name
    if os.path.islink(target):  # a link, perhaps dangling, would send the copy where it points
        raise FilingsError("is a link, not the matter's own template; remove it and copy again",
                           path=display_path(target))
    if found.origin == MATTER or target.exists():
        raise FilingsError(f"the matter already has its own {found.name}; edit that one in Word",
                           path=display_path(target))
    try:
        folder = _own_folder(root, Path("templates", found.name).parent)
        # "x": a file or link that appeared since the check is not followed or overwritten
        with open(found.path, "rb") as source, open(folder / target.name, "xb") as copy:
            shutil.copyfileobj(source, copy)
    except OSError as e:
        raise FilingsError(f"cannot copy the template here: {e.strerror or e}", path=display_path(target)) from e
    return target


def _own_folder(root: Path, relative: Path) -> Path:
    """The real path of the folder ``relative`` inside the matter ``root``, made level by level
    where missing; a FilingsError when a level is not a folder or is a link leading out of the
    matter (or to nothing)."""
    real = Path(os.path.realpath(root))
    for depth in range(1, len(relative.parts) + 1):
        level = Path(*relative.parts[:depth])
        if not os.path.lexists(root / level):
            (real / level.name).mkdir()
        try:
            real = resolve_inside(root, level, kind="folder")
        except FileNotFoundError:
            raise FilingsError("is a link to nothing; remove it, or make it a folder",
                               path=display_path(root / level)) from None
        except OutsideError as e:
            raise FilingsError(f"{e}; the matter's own templates must be in its own folder: remove the link",
                               path=display_path(root / level)) from None
        except ValueError as e:
            raise FilingsError(f"{e}; make it a folder", path=display_path(root / level)) from None
    return real
