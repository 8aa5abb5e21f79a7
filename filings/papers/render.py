"""Rendering DOCX templates with the facts: the only module that touches docxtpl.

Templates are untrusted (they may come from other people), so they render in Jinja's
immutable sandbox with strict undefined names, and under bounds:

- **read-only facts**: the context is frozen (see :mod:`filings.papers.context`) and the sandbox
  refuses ``append``, ``update`` and every other method that changes a list or dict, and
  every ``_private`` attribute;
- **text stays text**: every fact is XML-escaped on its way into the DOCX, whichever filter
  or operator it went through (``join``, ``replace``, ``upper``, ``~``, ``format``); a
  filter applied to markup (a macro's output) works on its text, never on its entities;
  ``|safe`` is refused (nothing in the facts may become raw WordML);
- **bounded work**: rendering one template stops after ``Limits.render_seconds``, after
  ``Limits.render_output_bytes`` of text, when one value would exceed that size (``'x' *
  10**9``, ``10**10**10``), when it needs more than eight times that in memory, and when
  a macro recurses without end. The deadline is checked in every loop iteration, call,
  attribute lookup, filter, ``range`` item and output chunk.

Every failure is one :class:`TemplateError` naming the template file and the tag or
paragraph to fix. Templates are checked and cleaned by :mod:`filings.convert.office` before
docxtpl opens them, and the rendered DOCX is cleaned again (a template can build a field
instruction at render time).
"""
from __future__ import annotations

import difflib
import functools
import inspect
import io
import math
import os
import re
import sys
import tempfile
import time
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

import jinja2
from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.sandbox import MAX_RANGE, SecurityError, safe_range
from markupsafe import Markup, escape

from filings.court.confidential import Version, carry_mark, is_marked, showing
from filings.papers.context import (Empty, EmptyFact, Node, NodeList, SectionPrinted, UnknownFact, as_markup, citing,
                      tracking)
from filings.facts.dates import LegalDate
from filings.determinism import repack_docx
from filings.errors import TemplateError, display_path
from filings.papers.library import TemplateLibrary
from filings.limits import DEFAULT_LIMITS, Limits
from filings.papers.lint import unreadable_tags
from filings.convert.office import OfficeFileError, sanitize_office
from filings.papers.typeset import typeset_docx
from filings.papers.wording import PLURAL_PRONOUNS, capfirst, indefinite, number_words, plural_noun, plural_verb, roman


# --------------------------------------------------------------------------- filters

def _markup_of(value: Any) -> Markup:
    """Any printable value as escaped markup (facts escaped, markup kept)."""
    if isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return as_markup(str(value))


@jinja2.pass_environment
def _and_list(environment, items, sep: str = ",", attribute: str | None = None) -> Markup:
    """``a``, ``a and b``, ``a, b, and c``; ``and_list(';')`` for items that hold commas: ``a; and b``,
    ``a; b; and c``; ``attribute='term'`` lists that value of each item (each item escaped once,
    markup kept)."""
    if attribute is not None:
        items = map(jinja2.filters.make_attrgetter(environment, attribute), items)
    words = [_markup_of(i) for i in items]
    if len(words) <= 1 or (len(words) == 2 and sep == ","):
        return Markup(" and ").join(words)
    return Markup(f"{sep} ").join(words[:-1]) + Markup(f"{sep} and ") + words[-1]


def _numbered_list(items) -> Markup:
    """``(1) a; (2) b; and (3) c`` (one item: ``a``): relief asked for in one sentence."""
    words = [_markup_of(i) for i in items]
    if len(words) == 1:
        return words[0]
    numbered = [Markup(f"({n}) ") + w for n, w in enumerate(words, 1)]
    return Markup("; ").join(numbered[:-1]) + Markup("; and ") + numbered[-1]


def _series_end(loop: Any, last: str = ".") -> str:
    """The punctuation after one of a run of paragraphs (``{{ item }}{{ loop|series_end }}``):
    ``;``, then ``; and`` before the last, then ``.`` (or ``last``)."""
    if not isinstance(loop, jinja2.runtime.LoopContext):
        raise jinja2.TemplateRuntimeError(f"|series_end needs a loop, got {_kind(loop)}; use it inside "
                                          "{%p for %} as {{ loop|series_end }}")
    if loop.last:
        return last
    return "; and" if loop.revindex == 2 else ";"


def _count(subject: Any, name: str) -> int:
    """How many a filter's subject is: a side (``plaintiffs``), a list, a number or a pronoun."""
    if isinstance(subject, Node) and "several" in subject:
        return 2 if subject.several else 1
    if isinstance(subject, (NodeList, tuple, list)):
        return len(subject)
    if isinstance(subject, int) and not isinstance(subject, bool):
        return subject
    if isinstance(subject, str):  # a pronoun: "they" takes the plural
        text = _text_of(subject) if isinstance(subject, Markup) else subject
        return 2 if text.strip().lower() in PLURAL_PRONOUNS else 1
    raise jinja2.TemplateRuntimeError(f"|{name} needs a side (plaintiffs, defendants), a list, a number or a "
                                      f"pronoun to agree with, got {_kind(subject)}")


def _plural(word: str, subject: Any, plural: str | None = None) -> str:
    """``{{ 'day'|plural(e.notice_days) }}`` → ``day`` or ``days``; ``{{ 'Program'|plural(programs) }}``."""
    return word if _count(subject, "plural") == 1 else (plural or plural_noun(word))


def _agree(word: str, subject: Any, plural: str | None = None) -> str:
    """``{{ 'moves'|agree(plaintiffs) }}`` → ``moves`` or ``move``; ``'is'`` → ``is``/``are``; with a
    pronoun: ``{{ 'is'|agree(plaintiffs.pronoun) }}`` (``they are``)."""
    return word if _count(subject, "agree") == 1 else (plural or plural_verb(word))


def _words(number: Any) -> str:
    """7 → ``seven``: whole numbers below 100 in words, others in digits."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise jinja2.TemplateRuntimeError(f"|words needs a whole number, got {_kind(number)}")
    return number_words(number)


def _indefinite(phrase: str) -> str:
    """``{{ p.kind|a }}`` → ``a corporation``, ``an agency``."""
    return indefinite(phrase)


def _nobreak(text: str) -> str:
    """Spaces as no-break spaces, hyphens as non-breaking hyphens: ``28 U.S.C. § 1581(i)``
    and ``(202) 555-0147`` never break across lines."""
    return text.replace(" ", "\u00a0").replace("-", "\u2011")


def _short_date(value: Any) -> str:
    """``Aug. 13, 2019`` (citation style)."""
    if not isinstance(value, LegalDate):
        raise jinja2.TemplateRuntimeError(f"|short_date needs a date, got {_kind(value)}; use it on a date "
                                          "fact, like case.filed|short_date")
    return value.short()


def _roman(number: int) -> str:
    """4 → ``IV`` (count numbers)."""
    return roman(int(number))


def _no_safe(value: Any) -> Any:
    """``|safe`` would let fact text become raw WordML: refused."""
    raise jinja2.TemplateRuntimeError(
        "|safe is not allowed: facts always print as text, and Word markup cannot come from a "
        "tag; remove |safe and format the text in Word")


_TAG = re.compile(r"(<[^>]*>)")


def _text_of(markup: Markup) -> str:
    """The text a piece of markup shows: tags dropped, entities decoded."""
    return Markup(_TAG.sub("", str(markup))).unescape()


def _passed(fn: Callable) -> int:
    """How many leading arguments Jinja passes a filter before its value (context, environment)."""
    return 1 if getattr(fn, "jinja_pass_arg", None) is not None else 0


def _per_text(fn: Callable) -> Callable:
    """A text filter that, given markup, works on the text between its tags (entities decoded
    first, escaped again after), so ``upper`` never turns ``&amp;`` into ``&AMP;``."""
    skip = _passed(fn)

    @functools.wraps(fn)
    def filter_(*args, **kwargs):
        head, value, rest = args[:skip], args[skip], args[skip + 1:]
        if not isinstance(value, Markup):
            return fn(*args, **kwargs)
        rest = [_text_of(a) if isinstance(a, Markup) else a for a in rest]
        pieces = _TAG.split(str(value))
        return Markup("".join(p if i % 2 else str(escape(fn(*head, Markup(p).unescape(), *rest, **kwargs)))
                              for i, p in enumerate(pieces)))
    return filter_


def _as_text(fn: Callable) -> Callable:
    """A filter that, given markup, works on its plain text (the result is escaped when printed)."""
    skip = _passed(fn)

    @functools.wraps(fn)
    def filter_(*args, **kwargs):
        args = [*args[:skip], *(_text_of(a) if isinstance(a, Markup) else a for a in args[skip:])]
        return fn(*args, **kwargs)
    return filter_


_PER_TEXT = ("upper", "lower", "title", "replace", "nobreak")
_AS_TEXT = ("capitalize", "capfirst", "a", "plural", "agree", "trim", "truncate", "wordwrap", "center", "reverse",
            "first", "last", "indent", "list", "wordcount", "length", "count")


# --------------------------------------------------------------------------- bounds

class RenderBound(jinja2.TemplateRuntimeError):
    """Rendering hit one of the bounds in :class:`~filings.limits.Limits`."""


class TagFailed(jinja2.TemplateRuntimeError):
    """A tag raised an error while being computed (``1/0``, a date plus a number, ...)."""


class MissingAttribute(jinja2.UndefinedError):
    """A template asked a value (not a fact section) for something it does not have."""

    def __init__(self, obj: Any, name: Any, message: str):
        self.obj, self.name = obj, name
        super().__init__(message)


def _amount(n: int) -> str:
    """``64 MB``, ``12 KB``, ``900 bytes``."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def _rss() -> int:
    """This process's resident memory in bytes (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


MEMORY_FACTOR = 8  # rendering may use this many times the output bound in memory


class _Budget:
    """The bounds of one rendering: a deadline, output and value sizes, memory growth."""

    def __init__(self, limits: Limits, deadline: bool = True):
        self.limits = limits
        self.max_value = limits.render_output_bytes
        self.deadline = time.monotonic() + limits.render_seconds if deadline else math.inf
        self.output = 0
        self.ticks = 0
        self.rss0 = _rss()
        self.memory = MEMORY_FACTOR * limits.render_output_bytes if deadline else math.inf

    def tick(self) -> None:
        """Count one step of work; check the clock and memory every 256 steps."""
        self.ticks += 1
        if not self.ticks & 255:
            self.check()

    def check(self) -> None:
        """Stop if the deadline has passed or rendering has grown the process too much."""
        if time.monotonic() > self.deadline:
            raise RenderBound(f"rendering took longer than {self.limits.render_seconds:g} s, the bound for one "
                              "template, and was stopped; look for a loop that does not end or a macro "
                              "that calls itself")
        if not self.ticks & 4095 and self.rss0 and _rss() - self.rss0 > self.memory:
            raise RenderBound(f"rendering used more than {_amount(self.memory)} of memory, the bound for one "
                              "template, and was stopped; look for a loop that builds ever longer text")

    def add_output(self, text: str) -> None:
        """Count printed text against ``render_output_bytes``."""
        self.output += len(text)
        self.tick()
        if self.output > self.max_value:
            raise RenderBound(f"the template produced more than {_amount(self.max_value)} of text, the bound "
                              "for one template, and was stopped; look for a loop that does not end")

    def allow(self, size: int, what: str) -> None:
        """Refuse to make a value of ``size`` bytes when it exceeds the bound."""
        if size > self.max_value:
            raise RenderBound(f"{what} would make a value larger than {_amount(self.max_value)}, the bound "
                              "for one template's text; use smaller numbers")


_budget: ContextVar[_Budget | None] = ContextVar("filings_render_budget", default=None)


def _size(value: Any) -> int:
    """Roughly how many bytes ``value`` holds (strings and numbers exactly, lists one level deep)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return (value.bit_length() + 7) // 8
    if isinstance(value, (list, tuple, set, frozenset, dict, MappingProxyType)):
        total = 8 * len(value)
        for item in (value.values() if isinstance(value, (dict, MappingProxyType)) else value):
            if total > 1 << 40:
                break
            if isinstance(item, (str, bytes)):
                total += len(item)
        return total
    return 0


_PRINTF_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")
_FORMAT_WIDTH = re.compile(r"(\d+)")


def _printf_size(fmt: str, args: Any) -> int:
    """Upper bound of ``fmt % args``'s length: the widths and precisions it asks for."""
    widths = [int(n) for m in _PRINTF_WIDTH.finditer(fmt) for n in m.groups() if n and n != "*"]
    star = [a for a in (args if isinstance(args, tuple) else (args,)) if isinstance(a, int)]
    return len(fmt) + sum(widths) + sum(abs(a) for a in star) + _size(args)


def _estimate_call(fn: Any, args: tuple, kwargs: dict) -> int:
    """What a call on a string or list may produce, before making it (joins, replaces, padding)."""
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__name__", "")
    numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
    biggest = max((abs(n) for n in numbers), default=0)
    if isinstance(owner, (str, bytes)):
        if name == "join" and args:
            items = args[0]
            count = len(items) if hasattr(items, "__len__") else 0
            return _size(items) + len(owner) * count
        if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            hits = owner.count(args[0]) if args[0] else len(owner) + 1
            return len(owner) + hits * max(len(args[1]) - len(args[0]), 0)
        if name == "expandtabs":
            return len(owner) * max(biggest, 1)
        return max(len(owner), biggest)
    return biggest


# --------------------------------------------------------------------------- the environment

class _Undefined(jinja2.StrictUndefined):
    """Strict undefined whose error says what was asked of what (see :class:`MissingAttribute`)."""

    __slots__ = ()

    def __init__(self, hint=None, obj=jinja2.runtime.missing, name=None, exc=jinja2.UndefinedError):
        super().__init__(hint, obj, name, exc)
        if exc is jinja2.UndefinedError and hint is None and obj is not jinja2.runtime.missing:
            self._undefined_exception = functools.partial(MissingAttribute, obj, name)


class _Range:
    """``range`` for templates: at most 100,000 numbers, each one a step of the budget."""

    def __init__(self, *args: int):
        try:
            self.numbers = safe_range(*args)
        except OverflowError:
            raise RenderBound(f"range() is limited to {MAX_RANGE:,} numbers in a template; use a smaller "
                              "range") from None

    def __iter__(self) -> Iterator[int]:
        for n in self.numbers:
            _active().tick()
            yield n

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index):
        return self.numbers[index]

    def __contains__(self, item) -> bool:
        return item in self.numbers

    def __repr__(self) -> str:
        return repr(self.numbers)


_IDLE = _Budget(DEFAULT_LIMITS, deadline=False)  # sizes only: Jinja folding constants outside a rendering


def _active() -> _Budget:
    """The budget of the rendering under way (outside any, one that bounds sizes only)."""
    return _budget.get() or _IDLE


class _BoundedTemplate(jinja2.Template):
    """A template whose output is counted against the budget and whose errors carry a line."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render like Jinja, chunk by chunk under the budget; name the line of any failure."""
        ctx = self.new_context(dict(*args, **kwargs))
        budget = _budget.get()
        token = None if budget else _budget.set(_Budget(self.environment.limits))
        budget = _active()
        chunks = self.root_render_func(ctx)
        try:
            out = io.StringIO()  # no per-chunk overhead: memory follows the text's size
            for chunk in chunks:
                try:
                    budget.add_output(chunk)
                except RenderBound as e:  # raised here, not in the template: name the line it was at
                    frame = getattr(chunks, "gi_frame", None)
                    e.lineno = self.get_corresponding_lineno(frame.f_lineno) if frame else None
                    raise
                out.write(chunk)
            return out.getvalue()
        except (UnknownFact, EmptyFact, SectionPrinted, UnknownExhibit):
            raise
        except Exception as e:
            raise _located(self, e) from e
        finally:
            if token is not None:
                _budget.reset(token)


def _located(template: jinja2.Template, error: Exception) -> jinja2.TemplateError:
    """``error`` as a Jinja error carrying the template line it happened on (docxtpl then adds
    the paragraph's text)."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_template__") is template:
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(error, jinja2.TemplateError):
        located = error
    elif isinstance(error, RecursionError):
        located = RenderBound(f"a macro or recursive loop calls itself without end (deeper than Python's "
                              f"limit of {sys.getrecursionlimit()} nested calls); make sure the recursion stops")
    elif isinstance(error, MemoryError):
        located = RenderBound("rendering ran out of memory and was stopped; look for a loop that builds ever "
                              "longer text")
    else:
        located = TagFailed(f"cannot compute this tag: {_reason(error)}; fix the expression")
    if getattr(located, "lineno", None) is None:
        located.lineno = line
    return located


_INTERNAL_NAMES = {"LegalDate": "date", "NodeList": "list of facts", "Node": "group of facts",
                   "Empty": "empty fact", "_Range": "range", "NoneType": "none", "Markup": "str",
                   "mappingproxy": "mapping", "tuple": "list"}


def _reason(error: Exception) -> str:
    """A Python error's message in the words of a template (no internal class names)."""
    text = (str(error) or type(error).__name__).rstrip(".")
    return re.sub(r"'(\w+)'", lambda m: f"'{_INTERNAL_NAMES.get(m.group(1), m.group(1))}'", text)


def _kind(value: Any) -> str:
    """What a value is, in a template author's words: ``a date``, ``text``, ``a list``."""
    if isinstance(value, Empty):
        return f"the empty fact '{value._path}'"
    if value is None:
        return "none"
    for types, word in (((Node,), "a group of facts"), ((NodeList, tuple, list, _Range), "a list"),
                        ((str,), "text"), ((bool,), "true/false"), ((int, float), "a number"),
                        ((LegalDate,), "a date"), ((dict, MappingProxyType), "a mapping")):
        if isinstance(value, types):
            return word
    return f"a {type(value).__name__}"


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator with ``~`` routed through the budget and slices through the
    sandbox (Jinja slices directly: ``t[0:4]`` of markup could cut ``&amp;`` in half)."""

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        if not isinstance(node.arg, nodes.Slice):
            return super().visit_Getitem(node, frame)
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for n, part in enumerate((node.arg.start, node.arg.stop, node.arg.step)):
            self.write(", " if n else "")
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
        self.write("))")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        autoescape = "context.eval_ctx.autoescape" if frame.eval_ctx.volatile else repr(
            bool(frame.eval_ctx.autoescape))
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(f"), {autoescape})")


_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem",
             "add", "discard", "sort", "reverse", "__setitem__", "__delitem__", "__setattr__"}


class FilingsEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every template renders in: immutable, bounded, escaping."""

    code_generator_class = _CodeGenerator
    template_class = _BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        super().__init__(autoescape=True, undefined=_Undefined, finalize=self._finalize,
                         keep_trailing_newline=True)
        self.limits = limits
        self.globals["range"] = _Range
        self.globals.pop("lipsum", None)
        self.filters.pop("urlize", None)
        self.filters.update(and_list=_and_list, short_date=_short_date, roman=_roman, safe=_no_safe,
                            numbered_list=_numbered_list, series_end=_series_end, plural=_plural,
                            agree=_agree, words=_words, a=_indefinite, capfirst=capfirst, nobreak=_nobreak)
        for name in _PER_TEXT:
            self.filters[name] = _per_text(self.filters[name])
        for name in _AS_TEXT:
            self.filters[name] = _as_text(self.filters[name])
        self.filters = {name: _guarded(name, fn) for name, fn in self.filters.items()}
        self.filters["_loop"] = _loop_steps

    # -- what templates may touch

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """No ``_private`` attributes, no methods that change lists or dicts, nothing of classes."""
        if isinstance(obj, type):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute``; on markup, an attribute of its text; on an undefined, its own error."""
        _active().tick()
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        return super().getattr(_text_of(obj) if isinstance(obj, Markup) else obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``obj[argument]``, like :meth:`getattr`."""
        _active().tick()
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        return super().getitem(_text_of(obj) if isinstance(obj, Markup) else obj, argument)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        budget = _active()
        budget.tick()
        budget.allow(_estimate_call(__obj, args, kwargs), f"calling {getattr(__obj, '__name__', 'this')}")
        result = super().call(__context, __obj, *args, **kwargs)
        budget.allow(_size(result), f"calling {getattr(__obj, '__name__', 'this')}")
        return result

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        budget = _active()
        budget.tick()
        budget.allow(_binop_size(operator, left, right), f"'{operator}'")
        result = self.binop_table[operator](left, right)
        budget.allow(_size(result), f"'{operator}'")
        return result

    def bounded_concat(self, parts: tuple, autoescape: bool) -> str:
        """``a ~ b``: refused when the joined text would exceed the bound."""
        budget = _active()
        budget.tick()
        budget.allow(sum(_size(p) for p in parts), "'~'")
        return markup_join(parts) if autoescape else str_join(parts)

    def format_string(self, s, args, kwargs, format_func=None):
        """``'{:>9}'.format(x)``: widths count against the bound."""
        budget = _active()
        budget.allow(len(s) + sum(int(n) for n in _FORMAT_WIDTH.findall(s)) + _size(args)
                     + _size(tuple(kwargs.values())), "format")
        return super().format_string(s, args, kwargs, format_func)

    def wrap_str_format(self, value: Any):
        """``str.format`` on a string, with the widths in the format checked first."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text = value.__self__

        @functools.wraps(wrapped)
        def bounded(*args, **kwargs):
            widths = sum(int(n) for n in _FORMAT_WIDTH.findall(text))
            _active().allow(len(text) + widths + _size(args) + _size(tuple(kwargs.values())), "format")
            return wrapped(*args, **kwargs)
        return bounded

    # -- how values print

    @staticmethod
    def _finalize(value: Any) -> Any:
        """Called on every ``{{ }}``: facts escaped once; an empty fact is an error, never a blank."""
        if isinstance(value, (Node, NodeList, Empty)):
            return as_markup(str(value))
        if is_marked(value):  # bracketed, or emptied, for the version being rendered
            return as_markup(value)
        if value is None:
            raise EmptyFact("(a value computed in the template)")
        if isinstance(value, Markup):
            return value
        if isinstance(value, str):
            return as_markup(value)
        return value

    # -- loops

    def _parse(self, source, name, filename):
        """Parse, then route every ``{% for %}`` through the budget (a loop over a long text
        or list makes no call Jinja could check)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_loop", [], [], None, None, lineno=loop.iter.lineno)
        return tree


def _binop_size(operator: str, left: Any, right: Any) -> int:
    """Upper bound of ``left operator right``'s size, computed before it is made."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(n, int) and not isinstance(seq, (int, float)) and hasattr(seq, "__len__"):
                return _size(seq) * max(n, 0)
        return _size(left) + _size(right)
    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            return (abs(left).bit_length() * right + 7) // 8
        return 0
    if operator == "%" and isinstance(left, str):
        return _printf_size(left, right)
    return _size(left) + _size(right)


def _loop_steps(iterable: Any) -> Iterator[Any]:
    """The items of a ``{% for %}``, one budget step each (Jinja keeps ``loop.length`` working:
    it asks for the length of the original sequence where it can)."""
    return _Steps(iterable)


class _Steps:
    """An iterable that counts each item against the budget; keeps ``len`` of its source."""

    __slots__ = ("source",)

    def __init__(self, source: Any):
        self.source = source

    def __iter__(self):
        budget = _active()
        for item in self.source:
            budget.tick()
            yield item

    def __len__(self) -> int:
        return len(self.source)


def _guarded(name: str, fn: Callable) -> Callable:
    """``fn`` as a filter under the budget: arguments checked against its signature (a wrong
    argument is named, not a Python traceback), sizes checked before and after."""
    inner = inspect.unwrap(fn)
    try:
        signature = inspect.signature(inner)
    except (TypeError, ValueError):
        signature = None
    skip = _passed(fn)
    unbound = skip - _passed(inner)  # an async variant passes the context its sync function ignores

    @functools.wraps(fn)
    def filter_(*args, **kwargs):
        budget = _active()
        budget.tick()
        if signature is not None:
            try:
                signature.bind(*args[unbound:], **kwargs)
            except TypeError as e:
                raise jinja2.TemplateRuntimeError(
                    f"|{name} was given arguments it does not take ({e}); see docs/templates.md for "
                    "how to use it") from None
        data = args[skip:]
        if data:
            budget.allow(_filter_estimate(name, data, kwargs), f"|{name}")
        result = fn(*args, **kwargs)
        budget.allow(_size(result), f"|{name}")
        return carry_mark(data[0], result) if data else result  # a confidential value stays so
    return filter_


def _filter_estimate(name: str, data: tuple, kwargs: dict) -> int:
    """What a filter may produce, before running it (joins, replaces, padding widths)."""
    value, rest = data[0], (*data[1:], *kwargs.values())
    numbers = [abs(a) for a in rest if isinstance(a, int) and not isinstance(a, bool)]
    if name == "join":
        sep = rest[0] if rest and isinstance(rest[0], str) else ""
        count = len(value) if hasattr(value, "__len__") else 0
        return _size(value) + len(sep) * count
    if name == "replace" and len(rest) >= 2 and isinstance(value, str):
        old, new = str(rest[0]), str(rest[1])
        hits = value.count(old) if old else len(value) + 1
        return len(value) + hits * max(len(new) - len(old), 0)
    if name == "format" and isinstance(value, str):
        return _printf_size(value, tuple(rest))
    return max([_size(value) if isinstance(value, (str, bytes)) else 0, *numbers])


def make_environment(limits: Limits = DEFAULT_LIMITS) -> FilingsEnvironment:
    """The Jinja environment every template renders in."""
    return FilingsEnvironment(limits)


# --------------------------------------------------------------------------- citing exhibits

class UnknownExhibit(Exception):
    """A template cited an exhibit id that the facts do not list."""


def _exhibit_function(exhibits) -> Any:
    by_id = {e.id: e for e in exhibits._items} if exhibits else {}

    def exhibit(exhibit_id: str) -> str:
        """``exhibit('type86_notice')`` → ``Exhibit 1`` (the read is recorded as a citation)."""
        if exhibit_id not in by_id:
            raise UnknownExhibit(exhibit_id, list(by_id))
        cited = by_id[exhibit_id]
        cited.id  # recorded with the label: a reorder that moves another exhibit here changes the id
        return cited.label
    return exhibit


# --------------------------------------------------------------------------- the renderer

_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")
# What Word's AutoCorrect types inside a tag, as Jinja needs it: straight quotes, plain spaces.
_TAG_TYPING = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                             "‘": "'", "’": "'", "‚": "'", "‛": "'",
                             "\u00a0": " ", "\u202f": " ", "\u2007": " "})


def _as_typed(tag: str) -> str:
    """A tag's text as Jinja reads it: entities decoded (Word stores ``' & '`` as ``' &amp; '``)
    and smart quotes and no-break spaces typed by AutoCorrect made plain."""
    return (tag.replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
            .translate(_TAG_TYPING))


class _DocxTemplate(DocxTemplate):
    """docxtpl's template, with tags read as typed: ``&`` and quotes as they are (Word stores
    ``{{ xs|join(' & ') }}`` as ``' &amp; '``, which would print ``&amp;``), and the “smart
    quotes” and no-break spaces Word's AutoCorrect puts in a tag made straight quotes and
    spaces, so a template edited in Word renders. A tag that begins in one paragraph and ends
    in another, or a ``{%p`` tag beside text, is refused with one line naming the paragraph
    (docxtpl would join the paragraphs or drop the text)."""

    def patch_xml(self, src_xml: str) -> str:
        unreadable = unreadable_tags(src_xml)
        if unreadable:  # docxtpl would join the paragraphs or drop the text: one clear line instead
            raise jinja2.TemplateError(unreadable[0])
        src_xml = super().patch_xml(src_xml)
        return _IN_TAG.sub(lambda m: _as_typed(m.group(0)), src_xml)


class Renderer:
    """Renders templates from one folder with one matter's context."""

    def __init__(self, templates: TemplateLibrary | Path, context: Mapping[str, Any],
                 limits: Limits = DEFAULT_LIMITS, folder: str = "",
                 locate_fact: Callable[[str], str | None] | None = None, version: Version | None = None,
                 header_legend: bool = True):
        self.version = version  # the confidential or public version, or None (nothing confidential)
        self.header_legend = header_legend  # put the legend in the header of a template that lacks it
        self.locate_fact = locate_fact or (lambda fact: None)  # where a fact is written: facts.yaml:12
        self.library = templates if isinstance(templates, TemplateLibrary) else \
            TemplateLibrary([("templates", Path(templates))])
        self.folder = folder  # "exhibits/": exhibit templates are looked up in that subfolder
        self.context = context
        self.limits = limits
        self.env = make_environment(limits)
        self.env.globals["exhibit"] = _exhibit_function(context.get("exhibits"))
        self.removed: dict[str, list[str]] = {}  # template name → what the cleaning removed
        self.read_paths: set[str] = set()  # every fact read by every template rendered so far

    def render(self, template_name: str, out_path: Path, extra: Mapping[str, Any] | None = None) -> set[str]:
        """Render ``template_name`` to ``out_path``; return the fact paths it read.

        ``extra`` adds names to the context (an exhibit template's ``request``).
        """
        path = self.locate(template_name)
        tpl, removed = self._open(path)
        reads: set[str] = set()
        token = _budget.set(_Budget(self.limits))
        names = {**self.context, "version_legend": self.version.legend if self.version else "", **(extra or {})}
        try:
            with tracking(reads), showing(self.version), citing(self.context.get("cite")):
                tpl.render(names, self.env, autoescape=True)
        except (UnknownFact, EmptyFact, SectionPrinted, UnknownExhibit, jinja2.TemplateError) as e:
            raise _template_error(tpl, e, path, self.locate_fact) from e
        except RecursionError as e:  # in Jinja's parser: a tag nested thousands deep
            raise TemplateError("a tag is nested too deeply to read; simplify it", path=path) from e
        finally:
            _budget.reset(token)
        if self.version is not None:  # the legend and the brackets come from the settings
            reads |= {"settings.bracket", f"settings.{self.version.name}_legend"}
            if self.header_legend:
                add_header_legend(tpl.docx, self.version.legend)
        self.read_paths |= reads
        removed += self._save(tpl, out_path, path)
        if removed:
            self.removed[template_name] = removed
        return reads

    def _open(self, path: Path) -> tuple[DocxTemplate, list[str]]:
        """The template checked (a zip within bounds, no external references) and opened."""
        clean = io.BytesIO()
        try:
            removed = sanitize_office(path, clean, limits=self.limits)
        except OfficeFileError as e:
            raise TemplateError(e.reason, path=path) from e
        clean.seek(0)
        tpl = _DocxTemplate(clean)
        try:
            tpl.init_docx()
        except Exception as e:  # python-docx: a zip that is not a Word document
            reason = re.sub(r"file '<[^>]*>' ", "", _reason(e))  # python-docx names the in-memory copy
            raise TemplateError(f"not a Word document python-docx can open ({reason}); open it in Word and "
                                "save it again as .docx", path=path) from e
        _check_tag_scan(tpl, path)
        return tpl, removed

    def _save(self, tpl: DocxTemplate, out_path: Path, path: Path) -> list[str]:
        """Save the rendered DOCX, cleaned again (a template can build a field at render time),
        with the same bytes for the same facts: fixed entry dates, order and core properties."""
        rendered = io.BytesIO()
        tpl.save(rendered)
        rendered = io.BytesIO(typeset_docx(rendered.getvalue()))  # citations tied, ranges dashed
        cleaned = io.BytesIO()
        try:
            removed = sanitize_office(rendered, cleaned, limits=self.limits, parts=_rendered_parts(tpl))
        except OfficeFileError as e:
            raise TemplateError(f"the rendered paper {e.reason}", path=path) from e
        cleaned.seek(0)
        out_path = Path(out_path)
        with tempfile.NamedTemporaryFile(dir=out_path.parent, prefix=".render-", suffix=".docx",
                                         delete=False) as tmp:
            try:
                repack_docx(cleaned, tmp)
            except BaseException:
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, out_path)
        return [f"{r} (made while rendering)" for r in removed]

    def locate(self, template_name: str) -> Path:
        """The file the template ``template_name`` comes from, on the search path (as a user would
        type it); a TemplateError when no folder has it or the name leads out of its folder."""
        return Path(display_path(self.library.find(self.folder + template_name).path))


def add_header_legend(document: Any, legend: str) -> None:
    """Put ``legend`` at the top of every header of ``document`` that does not show it.

    The shipped templates print ``{{ version_legend }}`` in their header, where Word owns its
    place and style; a template of a matter or a firm that has no such tag gets the legend
    here, so no page of a confidential or public version goes without it."""
    for i, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous and i > 0:
                continue  # shows the previous section's header
            if any(legend in p.text for p in header.paragraphs):
                continue
            header.is_linked_to_previous = False
            paragraphs = header.paragraphs
            paragraph = paragraphs[0].insert_paragraph_before() if paragraphs and paragraphs[0].text else \
                (paragraphs[0] if paragraphs else header.add_paragraph())
            paragraph.alignment = 2  # right
            run = paragraph.add_run(legend)
            run.bold = True


def _rendered_parts(tpl: DocxTemplate) -> set[str]:
    """The parts docxtpl renders: the body, headers, footers and footnotes."""
    package = tpl.docx.part.package
    names = {str(tpl.docx.part.partname).lstrip("/")}
    for part in package.iter_parts():
        if "header" in part.content_type or "footer" in part.content_type or "footnotes" in part.content_type:
            names.add(str(part.partname).lstrip("/"))
    return names


def _template_error(tpl: DocxTemplate, e: Exception, path: Path,
                    locate_fact: Callable[[str], str | None]) -> TemplateError:
    """The one-line :class:`TemplateError` for an error raised while rendering; an empty fact
    is named with the line of the facts file where it is (or would be) written."""
    if isinstance(e, UnknownFact):
        return TemplateError(f"{_tag_naming(tpl, e.path)}no such fact '{e.path}'{e.hint}", path=path)
    if isinstance(e, EmptyFact):
        return TemplateError(f"{_tag_naming(tpl, e.path)}the fact '{e.path}' is empty in the facts file"
                             f"{_at(locate_fact(e.path))}; give it a value or wrap the tag in {{% if %}}", path=path)
    if isinstance(e, SectionPrinted):
        return TemplateError(f"{_tag_naming(tpl, e.path)}'{e.path}' is a group of facts, not one fact; "
                             f"{e.hint}", path=path)
    if isinstance(e, UnknownExhibit):
        exhibit_id, known = e.args
        close = difflib.get_close_matches(exhibit_id, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return TemplateError(f"exhibit('{exhibit_id}'): no exhibit with that id in the facts{hint}", path=path)
    if isinstance(e, MissingAttribute):
        return TemplateError(f"{_where_or_tag(tpl, e, str(e.name))}{_missing(e, locate_fact)}", path=path)
    if isinstance(e, SecurityError):
        return TemplateError(f"{_where(tpl, e)}{_reason(e).rstrip('.')}; templates can only read and print "
                             "the facts", path=path)
    if isinstance(e, jinja2.UndefinedError):
        name = _undefined_name(e)
        return TemplateError(f"{_tag_naming(tpl, name)}no such fact '{name}'", path=path)
    if isinstance(e, jinja2.TemplateSyntaxError):
        return TemplateError(f"{_where(tpl, e)}broken template tag: {e.message}", path=path)
    return TemplateError(f"{_where(tpl, e)}{_reason(e)}", path=path)


def _at(where: str | None) -> str:
    return f" ({where})" if where else ""


def _missing(e: MissingAttribute, locate_fact: Callable[[str], str | None]) -> str:
    """``a list has no 'append'; ...`` for a name asked of a value that does not have it."""
    if isinstance(e.obj, Empty):
        return (f"the fact '{e.obj._path}' is empty in the facts file{_at(locate_fact(e.obj._path))}, so it has "
                f"no '{e.name}'; give it a value or wrap the tag in {{% if %}}")
    what = f"element {e.name!r}" if not isinstance(e.name, str) else f"'{e.name}'"
    if e.name in _MUTATORS:
        return f"{_kind(e.obj)} has no {what}: templates can only read the facts, not change them"
    return f"{_kind(e.obj)} has no {what}; check the spelling (docs/templates.md lists what each fact has)"


def _where_or_tag(tpl: DocxTemplate, e: jinja2.TemplateError, name: str) -> str:
    """The paragraph of the error, or else the tag that mentions ``name``."""
    return _where(tpl, e) or _tag_naming(tpl, name)


_SCAN_BUDGET = 20_000_000


def _check_tag_scan(tpl: DocxTemplate, path: Path) -> None:
    """Refuse a template whose unclosed ``{{``/``{%`` would make docxtpl's tag clean-up scan the
    rest of the document once for each of them (quadratic: minutes for a few MB)."""
    for xml in _raw_parts(tpl):
        cost = 0
        for line in xml.split("\n"):
            closers = [m.start() for m in re.finditer(r"[}%]\}", line)]
            j = 0
            for m in re.finditer(r"\{[{%]", line):
                while j < len(closers) and closers[j] < m.start():
                    j += 1
                cost += (closers[j] if j < len(closers) else len(line)) - m.start()
            if cost > _SCAN_BUDGET:
                raise TemplateError("has tags opened with '{{' or '{%' that are never closed; close each with "
                                    "'}}' or '%}'", path=path)


def _raw_parts(tpl: DocxTemplate) -> list[str]:
    """The XML of the body, headers and footers as docxtpl will scan it."""
    parts = [tpl.get_xml()]
    for rel in tpl.docx.part.rels.values():
        if not rel.is_external and ("header" in rel.reltype or "footer" in rel.reltype):
            parts.append(rel.target_part.blob.decode("utf-8", "replace"))
    return parts


def _undefined_name(error: jinja2.UndefinedError) -> str:
    m = re.search(r"'([^']+)' is undefined", str(error))
    return m.group(1) if m else str(error)


def _tag_naming(tpl: DocxTemplate, fact: str) -> str:
    """``{{ case.court_num }}: `` — the tag in the template that mentions the fact's last name."""
    last = fact.rsplit(".", 1)[-1]
    for xml in _template_xml(tpl):
        for tag in re.findall(r"\{[{%].*?[}%]\}", xml, flags=re.S):
            if re.search(rf"\b{re.escape(last)}\b", tag):
                return re.sub(r"<[^>]+>", "", tag) + ": "
    return ""


def _template_xml(tpl: DocxTemplate) -> list[str]:
    """The text of the template's body, headers and footers after docxtpl's tag clean-up."""
    parts = [tpl.docx.element.xml] if tpl.docx else []
    for rel in (tpl.docx.part.rels.values() if tpl.docx else []):
        if not rel.is_external and ("header" in rel.reltype or "footer" in rel.reltype):
            parts.append(rel.target_part.blob.decode("utf-8", "replace"))
    return [tpl.patch_xml(x) for x in parts]


def _where(tpl: DocxTemplate, error: jinja2.TemplateError) -> str:
    """``paragraph 12 ("text…"): `` for an error at a line of docxtpl's one-paragraph-per-line XML."""
    context = [line.strip() for line in getattr(error, "docx_context", []) or []]
    lineno = getattr(error, "lineno", None)
    if lineno is None:
        return ""
    part = getattr(tpl, "current_rendering_part", None)
    part_name = str(part.partname).lstrip("/") if part is not None else ""
    where = "" if part_name in ("", "word/document.xml") else f"{part_name}, "
    index = (lineno - 1) - max(lineno - 4, 0)  # docxtpl keeps lines lineno-4 .. lineno+2
    text = context[index] if 0 <= index < len(context) else ""
    excerpt = f' ("{text[:60]}")' if text else ""
    return f"{where}paragraph {max(lineno - 1, 1)}{excerpt}: "
