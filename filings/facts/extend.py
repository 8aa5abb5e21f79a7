"""Facts that extend facts: ``extends: PATH`` names a base file whose facts the file's own complete.

A campaign of near-identical complaints keeps what its matters share in one file (the
firm, its attorneys, the Government's office, the common allegations), and each matter's
``facts.yaml`` says ``extends: ../campaign.yaml`` and writes only what is its own; a base may
itself extend another (campaign → firm). :func:`load_merged` reads the chain and merges it,
the matter's value winning:

- mappings merge key by key (the base's keys first, in its order, then the matter's new ones);
- a list whose items are all mappings with an ``id`` merges by id: an item of the matter with
  an id the base has is merged into the base's item, where that item stands; new ids are
  appended in order. Any other list, and an empty one, replaces the base's;
- ``key: !delete`` removes the base's value, ``- !delete {id: ID}`` the base's list item of that
  id; a ``!delete`` with nothing to remove is refused, naming its line;
- a value the base marks ``!confidential`` stays confidential when the matter replaces it,
  unless the matter marks its value ``!public``; marks in a base count as in the matter;
- paths in a base's ``settings`` (``templates``, ``allow_outside``) are relative to the base
  file: they are rewritten relative to the matter's folder, where every reader looks.

The merged :class:`~filings.facts.source.SourceMap` knows the file and line of every value
(``file_of``, ``line_of``, ``where``), so every error names the file the value is written in.

A matter folder may come from elsewhere, so a base must stay inside the matter's *root*: the
nearest folder, from the matter's up, that holds a file named ``filings-root``; without one,
the top of the git work tree the matter is in; without either, the matter's own folder. The
real path is checked (a link out of the root is refused), and so are cycles and the depth of
the chain (``extends_depth``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from filings.errors import FactsError, Problem, display_path
from filings.facts.source import Deleted, Loc, SourceMap, load_yaml
from filings.limits import DEFAULT_LIMITS, Limits

KEY = "extends"
MARKER = "filings-root"  # a file (its content is not read) marking the folder bases may be anywhere under
PATH_SETTINGS = (("settings", "templates"),)  # a path relative to the file that writes it
PATH_LIST_SETTINGS = (("settings", "allow_outside"),)  # a list of such paths


def load_merged(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, SourceMap]:
    """The data of ``path`` merged over the bases it extends, and the merged source map."""
    path = Path(path)
    root, why = allowed_root(path)
    data, source = _load(path, root, why, limits, [Path(os.path.realpath(path))])
    if source.bases and isinstance(data, dict):
        _rebase_paths(data, source)
    return data, source


def allowed_root(facts: Path) -> tuple[Path, str]:
    """The folder every base of ``facts`` must stay inside, and why it is that folder."""
    folder = Path(os.path.realpath(Path(facts).parent))
    for candidate in (folder, *folder.parents):
        if (candidate / MARKER).is_file():
            return candidate, f"the folder holding {MARKER}"
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate, "the top of its git work tree"
    return folder, f"the matter's own folder: put a file named {MARKER} in the folder its matters share"


def facts_files(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """The facts file and the bases it extends, as far as they can be read: what to watch even
    while a file of the chain is broken."""
    try:
        return load_merged(path, limits)[1].all_files()
    except FactsError as e:
        files = [Path(path)] + [Path(p.path) for p in e.problems if p.path is not None]
        return list(dict.fromkeys(files))


def _load(path: Path, root: Path, why: str, limits: Limits, seen: list[Path]) -> tuple[Any, SourceMap]:
    data, source = load_yaml(path, limits)
    if not isinstance(data, dict) or KEY not in data:
        problems = _strays(data, (), source)
        if problems:
            raise FactsError(problems=problems)
        return data, source
    line = source.lines.get((KEY,))
    written = data.pop(KEY)
    for loc in [loc for loc in source.lines if loc[:1] == (KEY,)]:
        del source.lines[loc]
    source.raw.pop((KEY,), None)
    if not isinstance(written, str) or not written.strip():
        raise FactsError(f"{KEY}: write the path of the facts file this one extends, relative to this file "
                         f"(extends: ../campaign.yaml)", path=path, line=line)
    base = path.parent / written.strip()
    real = Path(os.path.realpath(base))
    if os.path.realpath(os.path.normpath(base)) == str(real):  # named without the ../ where no link is crossed
        base = Path(os.path.normpath(base))
    if real != root and root not in real.parents:
        raise FactsError(f"{KEY}: {written} is outside {root} ({why}); a matter's facts may "
                         "extend only files inside it: move the base there", path=path, line=line)
    if real in seen:
        raise FactsError(f"{KEY}: {written} leads back to {display_path(base)}: the files extend one another in "
                         "a circle; remove one of the extends", path=path, line=line)
    if len(seen) > limits.extends_depth:
        raise FactsError(f"{KEY}: more than {limits.extends_depth} files extend one another (the extends_depth "
                         "limit); a matter needs two or three: campaign, firm", path=path, line=line)
    if not real.is_file():
        raise FactsError(f"{KEY}: {written} is not a file ({display_path(base)}); write the path of the base "
                         "facts file, relative to this file", path=path, line=line)
    base_data, base_source = _base(base, real, root, why, limits, [*seen, real])
    if not isinstance(base_data, dict):
        raise FactsError("a base file must be a mapping of sections (organizations, people, case, ...)",
                         path=base, line=1)
    merged = SourceMap(path, bases=[base, *base_source.bases])
    problems: list[Problem] = []
    value = _merge(base_data, base_source, (), data, source, (), merged, (), problems)
    if problems:
        raise FactsError(problems=sorted(problems, key=lambda p: (str(p.path), p.line or 0)))
    return value, merged


_BASES: dict[tuple, tuple[Any, SourceMap]] = {}  # bases read in this process, by file, state and bounds
_KEPT = 32


def _base(path: Path, real: Path, root: Path, why: str, limits: Limits, seen: list[Path]) -> tuple[Any, SourceMap]:
    """A base file merged with its own bases: read once a process while it and they are unchanged
    (a campaign's matters built in one process share it). Neither is changed by a merge."""
    try:
        st = os.stat(real)
    except OSError:
        return _load(path, root, why, limits, seen)
    key = (str(path), str(real), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, root, limits, tuple(seen))
    kept = _BASES.get(key)
    if kept is not None and all(_same_state(base, state) for base, state in kept[1].base_states):
        return kept[0], kept[1].source
    data, source = _load(path, root, why, limits, seen)
    if len(_BASES) >= _KEPT:
        _BASES.clear()
    _BASES[key] = (data, _Kept(source, [(b, _state(b)) for b in source.bases]))
    return data, source


class _Kept:
    """A base's source map, with the state of each base it extends when it was read."""

    def __init__(self, source: SourceMap, base_states: list[tuple[Path, tuple | None]]):
        self.source, self.base_states = source, base_states


def _state(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _same_state(path: Path, state: tuple | None) -> bool:
    return state is not None and _state(path) == state


def _merge(base: Any, bmap: SourceMap, bloc: Loc, over: Any, omap: SourceMap, oloc: Loc,
           out: SourceMap, loc: Loc, problems: list[Problem]) -> Any:
    """``over`` (at ``oloc`` of ``omap``) merged over ``base`` (at ``bloc`` of ``bmap``), recorded
    in ``out`` at ``loc``."""
    if isinstance(base, dict) and isinstance(over, dict):
        _mark(out, loc, omap, oloc, base_map=bmap, base_loc=bloc)
        merged = {}
        for key, value in base.items():
            if key not in over:
                merged[key] = _copy(value, bmap, bloc + (key,), out, loc + (key,), problems)
            elif not isinstance(over[key], Deleted):
                merged[key] = _merge(value, bmap, bloc + (key,), over[key], omap, oloc + (key,), out, loc + (key,),
                                     problems)
        for key, value in over.items():
            if key in base:
                continue
            if isinstance(value, Deleted):
                problems.append(_nothing_to_remove(omap, oloc + (key,), "key"))
            else:
                merged[key] = _copy(value, omap, oloc + (key,), out, loc + (key,), problems)
        return merged
    if isinstance(base, list) and isinstance(over, list) and over and _by_id(base) and _by_id(over):
        _mark(out, loc, omap, oloc, base_map=bmap, base_loc=bloc)
        overs: dict[str, tuple[int, Any]] = {}
        for i, item in enumerate(over):
            key = item.id if isinstance(item, Deleted) else item["id"]
            if key in overs:  # merged by id, a second item of one id would vanish
                problems.append(Problem(f"{_dotted(oloc + (i,))}: the id '{key}' is written twice in this list (first "
                                        f"on line {omap.line_of(oloc + (overs[key][0],))}); keep one",
                                        omap.file_of(oloc + (i,)), omap.line_of(oloc + (i,))))
            else:
                overs[key] = (i, item)
        result: list = []
        for i, item in enumerate(base):
            j, mine = overs.get(item["id"], (None, None))
            if mine is None:
                result.append(_copy(item, bmap, bloc + (i,), out, loc + (len(result),), problems))
            elif not isinstance(mine, Deleted):
                result.append(_merge(item, bmap, bloc + (i,), mine, omap, oloc + (j,), out, loc + (len(result),),
                                     problems))
        ids = {item["id"] for item in base}
        for j, item in enumerate(over):
            if isinstance(item, Deleted) and item.id not in ids:
                problems.append(_nothing_to_remove(omap, oloc + (j,), f"item with the id '{item.id}'"))
            elif not isinstance(item, Deleted) and item["id"] not in ids and overs[item["id"]][0] == j:
                result.append(_copy(item, omap, oloc + (j,), out, loc + (len(result),), problems))
        return result
    value = _copy(over, omap, oloc, out, loc, problems)
    if bloc in bmap.confidential and oloc not in omap.public:
        out.confidential.add(loc)  # a confidential value replaced stays confidential unless marked !public
    return value


def _by_id(items: list) -> bool:
    """True when every item is a mapping with a text ``id`` (or a ``!delete {id: ...}``)."""
    return all((isinstance(item, dict) and isinstance(item.get("id"), str))
               or (isinstance(item, Deleted) and item.id is not None) for item in items)


def _mark(out: SourceMap, loc: Loc, source: SourceMap, at: Loc, base_map: SourceMap | None = None,
          base_loc: Loc = ()) -> None:
    """Record the line, file and marks of the value at ``at`` of ``source`` as ``loc`` of ``out``;
    a mapping or list merged with the base's (``base_map``) keeps the base's marks too."""
    out.lines[loc] = source.lines.get(at, source.line_of(at))
    file = source.file_of(at)
    if file != out.path:
        out.files[loc] = file
    if at in source.raw:
        out.raw[loc] = source.raw[at]
    confidential = at in source.confidential or (base_map is not None and base_loc in base_map.confidential)
    if confidential:
        out.confidential.add(loc)
    elif at in source.public or (base_map is not None and base_loc in base_map.public):
        out.public.add(loc)


def _copy(value: Any, source: SourceMap, at: Loc, out: SourceMap, loc: Loc, problems: list[Problem]) -> Any:
    """``value`` (at ``at`` of ``source``) as it is, recorded in ``out`` at ``loc``; a ``!delete`` in it
    has nothing to remove."""
    if isinstance(value, Deleted):
        problems.append(_nothing_to_remove(source, at, "value"))
        return None
    _mark(out, loc, source, at)
    if isinstance(value, dict):
        return {k: _copy(v, source, at + (k,), out, loc + (k,), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v, source, at + (i,), out, loc + (i,), problems) for i, v in enumerate(value)]
    return value


def _strays(value: Any, loc: Loc, source: SourceMap) -> list[Problem]:
    """Every ``!delete`` in a file that extends nothing: there is no base value to remove."""
    if isinstance(value, Deleted):
        return [Problem(f"{_dotted(loc)}: !delete removes a value of the file this one extends, but it has no "
                        f"'{KEY}:'; remove the !delete", source.file_of(loc), source.line_of(loc))]
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [p for key, child in children for p in _strays(child, loc + (key,), source)]


def _nothing_to_remove(source: SourceMap, loc: Loc, what: str) -> Problem:
    return Problem(f"{_dotted(loc)}: !delete, but the files this one extends have no such {what} to remove; "
                   "remove the !delete", source.file_of(loc), source.line_of(loc))


def _rebase_paths(data: dict, source: SourceMap) -> None:
    """Paths in settings written in a base file, made relative to the matter's folder."""
    matter = os.path.abspath(source.path.parent)

    def rebased(value: Any, loc: Loc) -> Any:
        file = source.file_of(loc)
        if file == source.path or not isinstance(value, str) or value.startswith("~") or os.path.isabs(value):
            return value
        return os.path.relpath(os.path.join(os.path.abspath(file.parent), value), matter)

    settings = data.get("settings")
    if not isinstance(settings, dict):
        return
    for _, key in PATH_SETTINGS:
        if key in settings:
            settings[key] = rebased(settings[key], ("settings", key))
    for _, key in PATH_LIST_SETTINGS:
        if isinstance(settings.get(key), list):
            settings[key] = [rebased(v, ("settings", key, i)) for i, v in enumerate(settings[key])]


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "(the file)"
