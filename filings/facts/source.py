"""Reading a YAML file safely, with the line of every value and its confidential marks.

The only module that imports PyYAML. It returns plain Python data plus a
:class:`SourceMap` that tells the line of any path (``("requests", 1, "date")``), the
text of any unquoted value as it was written, and which values are confidential, so that
schema errors can point at the line to fix and quote what is there.

A facts file is untrusted input, so it is read within bounds (:mod:`filings.limits`):
its size is checked before it is read, and its values are counted, with every alias
counted as all the values it repeats, and measured for depth while the YAML is composed;
the first value past a bound stops the load, so an alias bomb never expands.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import yaml

from filings.errors import FactsError, Problem
from filings.limits import DEFAULT_LIMITS, Limits
from filings.facts.sourcemap import Deleted, Loc, SourceMap

__all__ = ["Loc", "SourceMap", "Deleted", "load_yaml", "yaml_scalar"]


CONFIDENTIAL_TAG = "!confidential"
PUBLIC_TAG = "!public"  # a value deliberately public: never redacted, may equal a confidential one
DELETE_TAG = "!delete"  # in a file that extends another: remove the base's value (see filings.facts.extend)
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
_TAG_OF = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
_NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_READS_AS = {"tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
             "tag:yaml.org,2002:bool": "true/false", "tag:yaml.org,2002:null": "no value (null)"}


class _Refused(Exception):
    """A bound passed, or an alias inside the value it names, found while composing."""

    def __init__(self, message: str, mark: yaml.Mark | None):
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark else None


class _Bounded:
    """Composing that leaves dates and times as text and stays within :class:`Limits`.

    PyYAML would turn ``2024-02-30`` into a crash and ``14:30`` into the number 870
    (YAML 1.1 base 60); the schema gives both a proper message instead.
    """

    def _bound(self, limits: Limits) -> None:
        # our attributes start with bound_: PyYAML's own names (done, ...) differ
        self.bound_limits = limits
        self.bound_loc: list = []           # the path of the node being composed (None for a key)
        self.bound_total = 0                # values composed so far, each alias counted expanded
        self.bound_heights: list[int] = [0]  # for each open node, the height of its tallest child
        self.bound_done: dict[int, tuple[int, int]] = {}  # id(node) → (values, height), once complete

    def compose_node(self, parent, index):
        """Compose one node, counting it, bounding its depth and resolving ``!confidential``."""
        self.bound_loc.append(index.value if isinstance(index, yaml.ScalarNode) else index)
        try:
            if self.check_event(yaml.AliasEvent):
                return self._compose_alias(parent, index)
            return self._compose_value(parent, index)
        finally:
            self.bound_loc.pop()

    def _compose_alias(self, parent, index) -> yaml.Node:
        """An alias counts as every value of the node it names, at the depth where it stands."""
        event = self.peek_event()
        node = super().compose_node(parent, index)
        if id(node) not in self.bound_done:
            raise _Refused(f"{self._where()}the alias *{event.anchor} is inside the value it names "
                           f"(&{event.anchor}), so it would never end; write the value out instead",
                           event.start_mark)
        values, height = self.bound_done[id(node)]
        self._count(values, event.start_mark)
        self._deepen(height, event.start_mark)
        return node

    def _compose_value(self, parent, index) -> yaml.Node:
        mark = self.peek_event().start_mark
        self._deepen(1, mark)
        start = self.bound_total
        self._count(1, mark)
        self.bound_heights.append(0)
        node = super().compose_node(parent, index)
        height = self.bound_heights.pop() + 1
        self.bound_heights[-1] = max(self.bound_heights[-1], height)
        self.bound_done[id(node)] = (self.bound_total - start, height)
        if node.tag == CONFIDENTIAL_TAG:
            node.confidential = True
            node.tag = self._untagged(node)
        elif node.tag == PUBLIC_TAG:
            node.public = True
            node.tag = self._untagged(node)
        return node

    def _untagged(self, node: yaml.Node) -> str:
        """The tag YAML gives ``node`` without ``!confidential`` (or ``!public``): a mark must not change a value."""
        if isinstance(node, yaml.ScalarNode):
            return self.resolve(yaml.ScalarNode, node.value, (node.style is None, node.style is not None))
        return _TAG_OF[type(node)]

    def _count(self, values: int, mark: yaml.Mark) -> None:
        self.bound_total += values
        if self.bound_total > self.bound_limits.yaml_nodes:
            raise _Refused(f"{self._where()}more than {self.bound_limits.yaml_nodes:,} values, counting "
                           "each alias as all the values it repeats (the yaml_nodes limit); a facts file "
                           "needs far fewer: look for aliases that repeat aliases", mark)

    def _deepen(self, height: int, mark: yaml.Mark) -> None:
        if len(self.bound_heights) - 1 + height > self.bound_limits.yaml_depth:
            raise _Refused(f"values nested more than {self.bound_limits.yaml_depth} levels deep (the "
                           "yaml_depth limit); a facts file needs a few levels: check the brackets and "
                           "indentation", mark)

    def _where(self) -> str:
        parts = [p for p in self.bound_loc if p is not None]
        return f"{_dotted(parts)}: " if parts else ""


class _Loader(_Bounded, yaml.SafeLoader):
    """PyYAML's pure-Python reader and parser: its messages name syntax errors best."""

    def __init__(self, text: str, limits: Limits = DEFAULT_LIMITS):
        yaml.SafeLoader.__init__(self, text)
        self._bound(limits)


try:  # libyaml's parser (C), where PyYAML was built with it
    from yaml.cyaml import CParser
except ImportError:
    CParser = None

if CParser is not None:
    class _FastLoader(_Bounded, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
                      yaml.resolver.Resolver):
        """libyaml's parser under the same Python composing: it reads a facts file about six times
        faster, which a build that finds nothing changed feels. A file it cannot parse is read
        again by :class:`_Loader`, whose messages say more."""

        def __init__(self, text: str, limits: Limits = DEFAULT_LIMITS):
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._bound(limits)

        def get_event(self):
            """libyaml gives a plain scalar the style '' where PyYAML gives None: made the same."""
            event = CParser.get_event(self)
            if isinstance(event, yaml.ScalarEvent) and event.style == "":
                event.style = None
            return event

    _LOADERS: tuple = (_FastLoader, _Loader)
else:
    _LOADERS = (_Loader,)


def _construct_number(loader: _Bounded, node: yaml.ScalarNode):
    """An int or float as PyYAML reads it, or a marked error for one Python cannot convert.

    ``0x_`` has no digits, and an integer of thousands of digits passes Python's limit on
    conversion: PyYAML would let either escape as a ValueError.
    """
    construct = (yaml.constructor.SafeConstructor.construct_yaml_int if node.tag.endswith(":int")
                 else yaml.constructor.SafeConstructor.construct_yaml_float)
    try:
        return construct(loader, node)
    except ValueError:
        text = node.value
        shown = text if len(text) <= 20 else f"{text[:20]}... ({len(text)} characters)"
        raise yaml.constructor.ConstructorError(
            None, None, f"{shown} is not a number that can be read; put it in quotes if it is text",
            node.start_mark) from None


def _construct_delete(loader: _Bounded, node: yaml.Node) -> Deleted:
    """``!delete`` alone, or on a mapping holding only an ``id``: anything else is refused."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.value == "":
        return Deleted(None, line)
    if isinstance(node, yaml.MappingNode):
        pairs = loader.construct_mapping(node)
        if set(pairs) == {"id"} and isinstance(pairs["id"], str):
            return Deleted(pairs["id"], line)
    raise yaml.constructor.ConstructorError(
        None, None, "!delete takes no value: write 'key: !delete' to remove the base's value, or "
        "'- !delete {id: ID}' to remove the base's list item of that id", node.start_mark)


_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
for _cls in _LOADERS:
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_number)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_number)
    _cls.add_constructor(DELETE_TAG, _construct_delete)
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for _first in list("-+0123456789"):
        _cls.yaml_implicit_resolvers[_first] = [
            (tag, _INT if tag == "tag:yaml.org,2002:int" else rx)
            for tag, rx in _cls.yaml_implicit_resolvers.get(_first, [])
        ]


def yaml_scalar(value: object) -> str:
    """One value of a facts file as YAML writes it on one line (``'07'``, ``2024-05-20``, ``"a\\nb"``)."""
    style = '"' if isinstance(value, str) and any(c in value for c in "\n\r\t") else None
    text = yaml.safe_dump(value, default_flow_style=True, width=float("inf"), allow_unicode=True,
                          default_style=style)
    return text.removesuffix("\n").removesuffix("\n...").rstrip("\n")


def load_yaml(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[object, SourceMap]:
    """Load ``path`` safely and within ``limits``; return its data and its :class:`SourceMap`.

    Raises :class:`FactsError` naming the file (and line) for a missing, oversized or
    unreadable file, malformed YAML, a bound passed, a key that is not a name, or a key
    written twice in one mapping (every bad key of the file at once).
    """
    path = Path(path)
    text = _read_text(path, limits)
    if len(_LOADERS) > 1 and not _NOT_IN_DOCUMENTS.search(text):
        try:
            return _load(_LOADERS[0], text, path, limits)
        except FactsError:
            pass  # read again by the pure-Python loader, whose messages are the ones users see
    return _load(_Loader, text, path, limits)


def _load(loader_class: type, text: str, path: Path, limits: Limits) -> tuple[object, SourceMap]:
    try:
        loader = loader_class(text, limits)
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, path) from None
    try:
        node = loader.get_single_node()
        smap = SourceMap(path)
        problems: list[Problem] = []
        if node is not None:
            _map_node(node, (), smap, problems)
        if problems:
            raise FactsError(problems=sorted(problems, key=lambda p: p.line or 0))
        data = loader.construct_document(node) if node is not None else None
    except _Refused as e:
        raise FactsError(e.message, path=path, line=e.line) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise FactsError(f"malformed YAML: {_explain(e)}", path=path, line=line) from None
    except yaml.YAMLError as e:
        raise FactsError(f"malformed YAML: {e}", path=path) from None
    finally:
        loader.dispose()
    return data, smap


def _read_text(path: Path, limits: Limits) -> str:
    """The text of ``path``, refusing anything but a regular UTF-8 file within ``facts_bytes``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FactsError("no such file; pass --facts with the path of a facts file", path=path) from None
    except IsADirectoryError:
        raise FactsError("is a folder, not a facts file; pass --facts with the path of a facts file",
                         path=path) from None
    except (OSError, ValueError) as e:
        raise FactsError(f"cannot read the file ({getattr(e, 'strerror', None) or e}); "
                         "check the path and its permissions", path=path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise FactsError("is a folder, not a facts file; pass --facts with the path of a facts file",
                             path=path)
        raise FactsError("is not a regular file (a pipe, socket or device); save the facts to a file "
                         "and pass its path", path=path)
    with open(fd, "rb") as f:
        data = f.read(limits.facts_bytes + 1)
    if len(data) > limits.facts_bytes:
        raise FactsError(f"the file is larger than {limits.facts_bytes:,} bytes (the facts_bytes limit); "
                         "a facts file is a few dozen KB: check that this is the facts file", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise FactsError(f"not UTF-8 text (byte 0x{data[e.start]:02X}); save the file as UTF-8",
                         path=path, line=line) from None


def _reader_error(e: yaml.reader.ReaderError, text: str, path: Path) -> FactsError:
    """A character YAML does not allow (a NUL, a control character), with its line."""
    char = e.character if isinstance(e.character, str) else chr(e.character)
    line = text[:e.position].count("\n") + 1
    return FactsError(f"a character YAML does not allow (U+{ord(char):04X}); remove it", path=path, line=line)


def _explain(e: yaml.MarkedYAMLError) -> str:
    """PyYAML's description of a syntax error, with the fix for the common ones."""
    problem = e.problem or e.context or ""
    if "'\\t'" in problem or "tab" in problem:
        return "a tab where YAML needs spaces; indent with spaces, not tabs"
    if problem == "but found another document":
        return "a second document (after '---'); a facts file is one document: remove the '---' line"
    if problem.startswith("could not determine a constructor for the tag"):
        return (f"{problem}; a facts file takes the tags {CONFIDENTIAL_TAG}, {PUBLIC_TAG} and (in a file that "
                f"extends another) {DELETE_TAG}")
    if problem == "second occurrence" and e.context_mark:
        anchor = (e.context or "").removeprefix("found duplicate anchor ").removesuffix("; first occurrence")
        return (f"the anchor {anchor} is defined twice (first on line {e.context_mark.line + 1}); give each "
                "anchor its own name")
    return problem


def _map_node(node: yaml.Node, loc: Loc, smap: SourceMap, problems: list[Problem]) -> None:
    """Record the line, text and mark of ``node`` and its children; note every bad key."""
    smap.lines[loc] = node.start_mark.line + 1
    if getattr(node, "confidential", False):
        smap.confidential.add(loc)
    if getattr(node, "public", False):
        smap.public.add(loc)
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.tag != STR_TAG:
            smap.raw[loc] = node.value
        if bad := _NOT_IN_DOCUMENTS.search(node.value):
            problems.append(Problem(f"{_dotted(loc)}: a character no document can hold "
                                    f"(U+{ord(bad.group()):04X}, written as an escape); remove it",
                                    smap.path, node.start_mark.line + 1))
    elif isinstance(node, yaml.MappingNode):
        _map_pairs(node, loc, smap, problems, set(), check=True)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _map_node(child, loc + (i,), smap, problems)


def _map_pairs(node: yaml.MappingNode, loc: Loc, smap: SourceMap, problems: list[Problem],
               seen: set, check: bool) -> None:
    """Map the keys of ``node`` into ``loc``, then those merged in with ``<<`` that it lacks.

    ``check`` is true for the mapping as written (bad and repeated keys are problems);
    keys merged from elsewhere were checked where they were written.
    """
    written: dict[str, int] = {}
    merged: list[yaml.Node] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == MERGE_TAG:
            merged += value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            continue
        bad = _key_problem(key_node)
        if bad:
            if check:
                problems.append(Problem(f"{_dotted(loc)}{'.' if loc else ''}{bad}", smap.path, line))
            continue
        key = key_node.value
        if key in written and check:
            problems.append(Problem(f"{_dotted(loc + (key,))}: key written twice (first on line "
                                    f"{written[key]}); keep one", smap.path, line))
        written[key] = line
        if key in seen:
            continue
        _map_node(value_node, loc + (key,), smap, problems)
        smap.lines[loc + (key,)] = line
    seen |= written.keys()
    for source in merged:
        if isinstance(source, yaml.MappingNode):
            _map_pairs(source, loc, smap, problems, seen, check=False)


def _key_problem(key: yaml.Node) -> str | None:
    """What is wrong with a mapping key, as ``key: message``, or None for a plain name."""
    if isinstance(key, yaml.ScalarNode) and key.tag == STR_TAG:
        return None
    if isinstance(key, yaml.ScalarNode):
        text = key.value
        if key.tag == "tag:yaml.org,2002:null" and not text:
            return "(empty key): a key is missing before ':'; write its name"
        return (f"{text}: the key {text} is read as {_READS_AS.get(key.tag, 'a ' + key.tag)}; "
                f"put it in quotes to keep it as written: \"{text}\":")
    kind = "list" if isinstance(key, yaml.SequenceNode) else "mapping"
    return f"?: a key must be a name, not a {kind}; write a name before the ':'"


def _dotted(loc: Loc) -> str:
    """``("requests", 1, "date")`` → ``requests.1.date``."""
    return ".".join(str(part) for part in loc)
