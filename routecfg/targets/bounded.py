"""Jinja's sandbox with bounds: what a template may read, compute, print, and for how long.

Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` stops a template from reaching Python's
internals; it does not stop ``{{ 'a' * 300000000 }}``, ``{{ 10 ** (10 ** 5) }}`` or a loop that
never ends. Here every template file is read through :mod:`routecfg.readfile` (a regular UTF-8
file, inside the folder it is looked up in), the operators that make values grow (``*``, ``**``,
``+``, ``%``, ``~``) and the string methods and filters that pad are checked before they run, a
block's output is capped, and a render has a time budget and a memory ceiling.

Every refusal is a :class:`Refused` (a ``jinja2.TemplateError``) carrying its diagnostic code.
"""

from __future__ import annotations

import contextlib
import math
import os
import posixpath
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from routecfg import readfile

TEMPLATE_FILE = "RC420"  # a template that is not a regular file inside its folder, or too large
TEMPLATE_ENCODING = "RC421"  # a template that is not UTF-8
OUTPUT_TOO_LARGE = "RC422"  # a block's rendered body over MAX_OUTPUT
OVER_BUDGET = "RC423"  # a render past its time budget or memory ceiling
OVER_BOUNDS = "RC424"  # an operation that would build a value past the sandbox's bounds

MAX_OUTPUT = 1024 * 1024  # characters of one block's body
MAX_VALUE = MAX_OUTPUT  # characters or items of one value a template builds
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_POWER_BITS = 4096  # an integer power's result, in bits (about 1,233 decimal digits)
TIME_BUDGET = 5.0  # seconds per block
MEMORY_HEADROOM = 256 * 1024 * 1024  # bytes a render may add to the process, where settable

_WIDE = re.compile(r"\d{7,}|\*")  # a %-format width or precision of 7 digits, or taken from args
_WIDE_FORMAT = re.compile(r"\{[^{}]*:[^{}]*\d{7,}[^{}]*\}|\{[^{}]*:[^{}]*\{")


class Refused(jinja2.TemplateError):
    """A template refused by a bound; ``code`` is its diagnostic code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- reading -----------------------------------------------------------------------------------


class GuardedLoader(jinja2.BaseLoader):
    """Jinja's FileSystemLoader search, with every file read through the guarded reader: a
    template that is a symlink out of its folder, a FIFO or a device, or not UTF-8, is refused."""

    def __init__(self, folders: list[tuple[str, str | None]]) -> None:
        self.folders = folders  # (folder, the root its files must resolve into, or None)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder, root in self.folders:
            filename = posixpath.join(folder, *pieces)
            try:
                raw = readfile.read_bytes(filename, root, limit=MAX_TEMPLATE_BYTES)
            except FileNotFoundError:
                continue
            except readfile.Refused as refused:
                if refused.why == readfile.UNREADABLE and not os.path.lexists(filename):
                    continue
                raise Refused(TEMPLATE_FILE, _refusal(template, refused)) from None
            return _decode(raw, filename), os.path.normpath(filename), _uptodate(filename)
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder, _ in self.folders:
            base = Path(folder)
            found.update(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
        return sorted(found)


def _refusal(template: str, refused: readfile.Refused) -> str:
    if refused.why == readfile.NOT_REGULAR:
        return f"template '{template}' is not a regular file: it is {refused.reason}"
    if refused.why == readfile.OUTSIDE_ROOT:
        return f"template '{template}' is a symlink to a place outside its templates folder"
    if refused.why == readfile.TOO_LARGE:
        return f"template '{template}' is {refused.reason}"
    return f"template '{template}' cannot be read: {refused.reason}"


def _decode(raw: bytes, filename: str) -> str:
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = (
            f"template '{Path(filename).name}' is not UTF-8: byte "
            f"0x{raw[error.start]:02x} at line {line}, column {column} cannot be decoded"
        )
        raise Refused(TEMPLATE_ENCODING, message) from None


def _uptodate(filename: str) -> Callable[[], bool]:
    path = Path(filename)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return lambda: False

    def uptodate() -> bool:
        try:
            return path.stat().st_mtime_ns == mtime
        except OSError:
            return False

    return uptodate


# --- computing ---------------------------------------------------------------------------------


def _too_big(what: str) -> Refused:
    return Refused(OVER_BOUNDS, f"{what} is over the sandbox's bounds")


def _check_power(left: Any, right: Any) -> None:
    integers = isinstance(left, int) and isinstance(right, int)
    if integers and abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > MAX_POWER_BITS:
        raise _too_big(f"{left} ** {right}")


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        repeated = isinstance(times, int) and not isinstance(times, bool)
        if repeated and hasattr(sequence, "__len__") and len(sequence) * times > MAX_VALUE:
            raise _too_big("a value repeated so many times")


def _check_sum(left: Any, right: Any) -> None:
    sequences = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
    if sequences and len(left) + len(right) > MAX_VALUE:
        raise _too_big("a value joined to another")


def _check_percent(left: Any, right: Any) -> None:
    if isinstance(left, str) and _WIDE.search(left):
        raise _too_big("a %-format with a very wide or computed width")


_BINOP_CHECKS: Mapping[str, Callable[[Any, Any], None]] = {
    "**": _check_power,
    "*": _check_repeat,
    "+": _check_sum,
    "%": _check_percent,
}

_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _check_width(value: Any) -> None:
    if isinstance(value, int) and value > MAX_VALUE:
        raise _too_big(f"a width of {value}")


def _check_method(obj: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    obj = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in _PADDING:
        for value in (*args, *kwargs.values()):
            _check_width(value if name != "expandtabs" else value * max(len(owner), 1))
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    elif name in ("format", "format_map") and _WIDE_FORMAT.search(owner):
        raise _too_big("a format with a very wide or computed width")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    text, old, new = str(text), str(old), str(new)
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * max(len(new) - len(old), 0) > MAX_VALUE:
        raise _too_big("a replace")


def _bounded_filters(filters: dict[str, Any]) -> None:
    """Jinja calls filters directly, not through the sandbox: wrap the ones that pad or grow."""
    center, indent, replace, fmt = (filters[n] for n in ("center", "indent", "replace", "format"))

    def bounded_center(value: Any, width: int = 80) -> Any:
        _check_width(width)
        return center(value, width)

    def bounded_indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        if isinstance(width, int):
            _check_width(width * (str(value).count("\n") + 1))
        elif isinstance(width, str):
            _check_width(len(width) * (str(value).count("\n") + 1))
        return indent(value, width, *args, **kwargs)

    @jinja2.pass_eval_context
    def bounded_replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: Any = None) -> Any:
        _check_replace(value, old, new)
        return replace(eval_ctx, value, old, new, count)

    def bounded_format(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_percent(str(value), args)
        return fmt(value, *args, **kwargs)

    filters.update(
        center=bounded_center, indent=bounded_indent, replace=bounded_replace, format=bounded_format
    )


class _BoundedCode(CodeGenerator):
    """``a ~ b`` builds strings outside the binary operators the sandbox intercepts."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(_BINOP_CHECKS)
    code_generator_class = _BoundedCode

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        _bounded_filters(self.filters)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _BINOP_CHECKS[operator](left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def bounded_concat(self, values: tuple[Any, ...]) -> str:
        parts = [str(v) for v in values]
        if sum(map(len, parts)) > MAX_VALUE:
            raise _too_big("a value joined with ~")
        return "".join(parts)


# --- running -----------------------------------------------------------------------------------


class _Timeout(BaseException):
    """Raised by the alarm inside a render; a BaseException so no template code swallows it."""


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """The template's output, within the output cap, the time budget and the memory ceiling."""
    parts: list[str] = []
    size = 0
    deadline = time.monotonic() + TIME_BUDGET
    try:
        with _alarm(TIME_BUDGET), _memory_ceiling():
            for chunk in template.generate(dict(context)):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise Refused(
                        OUTPUT_TOO_LARGE,
                        f"the block's output is over the {MAX_OUTPUT // 1024 // 1024} MiB limit",
                    )
                if time.monotonic() > deadline:
                    raise _Timeout
                parts.append(chunk)
    except _Timeout:
        raise Refused(OVER_BUDGET, f"rendering took longer than {TIME_BUDGET:g} s") from None
    except MemoryError:
        raise Refused(OVER_BUDGET, "rendering needed too much memory") from None
    return "".join(parts)


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """SIGALRM after ``seconds`` interrupts a loop that prints nothing (main thread only; the
    output loop checks the clock too)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_ceiling() -> Iterator[None]:
    """An address-space limit a little above what the process uses, for the render only: a value
    built past it is a MemoryError, not a machine brought down (Linux; elsewhere nothing)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        statm = readfile.read_bytes("/proc/self/statm", limit=4096)
        used = int(statm.split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError, readfile.Refused):
        yield
        return
    ceiling = used + MEMORY_HEADROOM
    if soft != resource.RLIM_INFINITY and soft <= ceiling:
        yield
        return
    if hard != resource.RLIM_INFINITY and ceiling > hard:
        ceiling = hard
    try:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
