"""The sandbox every template renders in: immutable, bounded, escaping.

Templates are untrusted (they may come from other people), so they render in Jinja's
immutable sandbox with strict undefined names, and under bounds:

- **read-only facts**: the context is frozen (see :mod:`filings.papers.nodes`) and the sandbox
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

The bounds are counted in :mod:`filings.papers.budget`; the filters the sandbox offers are in
:mod:`filings.papers.filters`; :mod:`filings.papers.render` renders the DOCX templates in it.
"""
from __future__ import annotations

import functools
import inspect
import io
import sys
from typing import Any, Callable

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from filings.court.confidential import as_markup, carry_mark, is_marked
from filings.limits import DEFAULT_LIMITS, Limits
from filings.papers.budget import (_FORMAT_WIDTH, RenderBound, _active, _binop_size, _Budget, _budget, _estimate_call,
                                   _filter_estimate, _loop_steps, _Range, _size)
from filings.papers.filters import (_AS_TEXT, _PER_TEXT, UnknownExhibit, _agree, _and_list, _as_text, _indefinite,
                                    _no_safe, _nobreak, _numbered_list, _passed, _per_text, _period, _plural, _reason, _roman,
                                    _series_end, _short_date, _text_of, _words)
from filings.papers.nodes import Empty, EmptyFact, Node, NodeList, SectionPrinted, UnknownFact
from filings.papers.wording import capfirst


class TagFailed(jinja2.TemplateRuntimeError):
    """A tag raised an error while being computed (``1/0``, a date plus a number, ...)."""


class MissingAttribute(jinja2.UndefinedError):
    """A template asked a value (not a fact section) for something it does not have."""

    def __init__(self, obj: Any, name: Any, message: str):
        self.obj, self.name = obj, name
        super().__init__(message)


class _Undefined(jinja2.StrictUndefined):
    """Strict undefined whose error says what was asked of what (see :class:`MissingAttribute`)."""

    __slots__ = ()

    def __init__(self, hint=None, obj=jinja2.runtime.missing, name=None, exc=jinja2.UndefinedError):
        super().__init__(hint, obj, name, exc)
        if exc is jinja2.UndefinedError and hint is None and obj is not jinja2.runtime.missing:
            self._undefined_exception = functools.partial(MissingAttribute, obj, name)


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
                            agree=_agree, words=_words, a=_indefinite, capfirst=capfirst, nobreak=_nobreak,
                            period=_period)
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


def make_environment(limits: Limits = DEFAULT_LIMITS) -> FilingsEnvironment:
    """The Jinja environment every template renders in."""
    return FilingsEnvironment(limits)
