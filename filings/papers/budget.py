"""The bounds of one rendering: a deadline, output and value sizes, memory growth.

Rendering one template stops after ``Limits.render_seconds``, after
``Limits.render_output_bytes`` of text, when one value would exceed that size (``'x' *
10**9``, ``10**10**10``) and when it needs more than :data:`MEMORY_FACTOR` times that in
memory. The :class:`_Budget` of the rendering under way (:func:`_active`) counts every step
a template takes (a loop iteration, call, attribute lookup, filter, ``range`` item and
output chunk) and checks the clock; the estimates here size a value before it is made (a
``join``, ``replace``, ``*``, ``**`` or format width). :mod:`filings.papers.sandbox` routes a
template's work through them.
"""
from __future__ import annotations

import math
import os
import re
import time
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, Iterator

import jinja2
from jinja2.sandbox import MAX_RANGE, safe_range

from filings.limits import DEFAULT_LIMITS, Limits


class RenderBound(jinja2.TemplateRuntimeError):
    """Rendering hit one of the bounds in :class:`~filings.limits.Limits`."""


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
