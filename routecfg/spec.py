"""Finding and loading ``routecfg.yaml``: plain data plus a side table of positions.

The YAML is read event by event, by libyaml (PyYAML's C parser) where it is installed, else by
ruamel.yaml's pure-Python parser, and built into plain Python values here rather than by a
constructor, so that:

* every key and value keeps its line and column (in :class:`Positions`, keyed by path);
* all duplicate keys are reported, not just the first;
* aliases are counted as they would expand, so an alias bomb is refused in linear time;
* deep nesting is refused before anything recurses;
* timestamps stay strings, and decimals become :class:`~decimal.Decimal` (money is exact).

Plain scalars are resolved by YAML 1.2's rules, as ruamel.yaml resolves them. Whatever libyaml
refuses (a syntax error, a control character) is parsed again by ruamel.yaml, whose messages the
diagnostics quote, so both paths report the same problems at the same places.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routecfg import readfile, resources
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, byte_position
from routecfg.frozen import field, record

if TYPE_CHECKING:
    from ruamel.yaml.error import MarkedYAMLError

SPEC_FILENAME = "routecfg.yaml"
MAX_BYTES = 1024 * 1024
NOT_REGULAR = "RC013"  # the spec is a FIFO, a device or a socket
MAX_DIGITS = 12
MAX_NUMBER = Decimal(10) ** MAX_DIGITS
TOO_LARGE = "RC014"  # a number past MAX_NUMBER: no price, count or rate is that large
MAX_NODES = 200_000  # counted as aliases would expand them
ALIAS_BOMB = "RC007"
TOO_MANY_VALUES = (
    f"the document expands to more than {MAX_NODES:,} values "
    "(aliases repeating anchors, an 'alias bomb'?)"
)
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column

_TAG = "tag:yaml.org,2002:"


@record
class Positions:
    """Where each value (and each mapping key) of a document stands in its file."""

    values: dict[PathKey, Mark] = field(default_factory=dict)
    keys: dict[PathKey, Mark] = field(default_factory=dict)

    def of(self, path: PathKey, *, key: bool = False) -> Mark:
        """The position of ``path``'s key (or value), else of its nearest recorded ancestor.

        Values reached through an alias have no entry of their own; they point at the alias.
        """
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            mark = self.values.get(path[:end])
            if mark is not None:
                return mark
        return (1, 1)


@record
class Source:
    """A loaded YAML document: its file, text, plain data and positions."""

    path: Path
    display: str
    text: str
    data: Any
    positions: Positions

    def diagnostic(
        self,
        path: PathKey,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> Diagnostic:
        line, column = self.positions.of(path, key=key)
        return Diagnostic(self.display, line, column, severity, code, message, hint)


def display_path(path: Path) -> str:
    """A path as users should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def find_spec(start: Path) -> Path | None:
    """The nearest ``routecfg.yaml`` in ``start`` or one of its parents."""
    for folder in (start, *start.parents):
        candidate = folder / SPEC_FILENAME
        if candidate.is_file():
            return candidate
    return None


def locate(spec: str | None, cwd: Path) -> Path:
    """Resolve ``--spec``: a file, a bundled preset's name, or (when absent) a walk upwards."""
    if spec is None:
        found = find_spec(cwd)
        if found is None:
            raise RoutecfgError(
                [
                    Diagnostic(
                        SPEC_FILENAME,
                        0,
                        0,
                        Severity.ERROR,
                        "RC009",
                        f"no {SPEC_FILENAME} in {cwd} or any folder above it",
                        "start one with `routecfg init` (a bundled preset) or `routecfg init "
                        "--from-repo` (the routing your files hold), or name a file or a bundled "
                        "preset with --spec",
                    )
                ]
            )
        return found
    candidate = cwd / spec
    if candidate.is_file():
        return candidate
    preset = resources.preset_path(spec)
    if preset is not None and os.sep not in spec and not candidate.exists():
        return preset
    presets = ", ".join(resources.preset_names())
    reason = "is a folder, not a file" if candidate.is_dir() else "does not exist"
    code = "RC009"
    with contextlib.suppress(OSError, ValueError):
        mode = candidate.stat().st_mode
        if not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
            reason, code = f"is not a regular file: it is {readfile.kind_of(mode)}", NOT_REGULAR
    raise RoutecfgError(
        [
            Diagnostic(
                spec,
                0,
                0,
                Severity.ERROR,
                code,
                f"spec file '{spec}' {reason}",
                f"name a routecfg.yaml file, or a bundled preset: {presets}",
            )
        ]
    )


def load(path: Path) -> Source:
    """Read and parse one spec file. Raises :class:`RoutecfgError` with positions on bad input."""
    display = display_path(path)
    return from_text(path, display, read_text(path, display))


def from_text(path: Path, display: str, text: str) -> Source:
    """Parse spec text that stands for ``path`` (read from disk, or from a git commit)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RoutecfgError(
            [
                Diagnostic(
                    display,
                    1,
                    1,
                    Severity.ERROR,
                    "RC001",
                    f"the spec is over the {MAX_BYTES // 1024 // 1024} MiB limit",
                    "a routing spec is a few kilobytes; is this the right file?",
                )
            ]
        )
    data, positions = parse_yaml(text.removeprefix("\ufeff"), display)
    return Source(path, display, text, data, positions)


def read_text(path: Path, display: str) -> str:
    """The file's text, refusing what is not a small UTF-8 text file."""

    def fail(code: str, message: str, hint: str, line: int = 1, column: int = 1) -> RoutecfgError:
        return RoutecfgError(
            [Diagnostic(display, line, column, Severity.ERROR, code, message, hint)]
        )

    try:
        raw = readfile.read_bytes(path, limit=MAX_BYTES)
    except FileNotFoundError as error:
        raise fail("RC009", f"cannot read the file: {error.strerror}", "check the path") from None
    except readfile.Refused as refused:
        if refused.why == readfile.NOT_REGULAR:
            raise fail(
                NOT_REGULAR,
                f"not a regular file: it is {refused.reason}",
                "a spec is a YAML text file",
                0,
                0,
            ) from None
        if refused.why == readfile.TOO_LARGE:
            raise fail(
                "RC001",
                f"file is {path.stat().st_size / 1024 / 1024:.1f} MiB, over the "
                f"{MAX_BYTES // 1024 // 1024} MiB limit for a spec",
                "a routing spec is a few kilobytes; is this the right file?",
            ) from None
        raise fail("RC009", f"cannot read the file: {refused.reason}", "check the path") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = byte_position(raw, nul)
        raise fail(
            "RC002",
            "binary file: it holds a NUL byte",
            "a spec is UTF-8 YAML text",
            line,
            column,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(raw, error.start)
        raise fail(
            "RC003",
            f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
            "save the file as UTF-8",
            line,
            column,
        ) from None
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, display: str) -> tuple[Any, Positions]:
    """Plain data and positions from YAML text (one document)."""
    builder = _Builder(display, resolve_plain)
    if not _built_by_libyaml(builder, text):
        builder = _Builder(display, _ruamel_resolver())
        _build_by_ruamel(builder, text)
    if builder.diagnostics:
        raise RoutecfgError(builder.diagnostics)
    if builder.document is None or builder.document.value is None:
        raise RoutecfgError(
            [
                Diagnostic(
                    display,
                    1,
                    1,
                    Severity.ERROR,
                    "RC004",
                    "the spec is empty",
                    "a spec needs at least `version: 1`, `tiers:` and `gates:`; "
                    "`routecfg schema` describes the format",
                )
            ]
        )
    return builder.document.value, builder.positions


def plain_data(text: str, display: str) -> Any:
    """The document as plain data when libyaml reads it without any problem and it holds only
    what a round-trip loader would give the same values: no anchors, aliases or merge keys, only
    string keys, no timestamps. None otherwise (and where libyaml is not installed): then the
    caller reads the text the slow way, which says what is wrong."""
    if _libyaml_parser() is None:
        return None
    builder = _Builder(display, resolve_plain)
    if not _built_by_libyaml(builder, text) or builder.diagnostics or builder.unusual:
        return None
    return None if builder.document is None else builder.document.value


def _libyaml_parser() -> Any:
    """PyYAML's C parser, or None where libyaml is not installed."""
    from routecfg import libyaml

    return libyaml.parser()


def _has_directive(text: str) -> bool:
    """Whether a line starts with '%' (a directive, such as `%YAML 1.2`)."""
    return text.startswith("%") or "\n%" in text


def _built_by_libyaml(builder: _Builder, text: str) -> bool:
    """Whether libyaml read the whole text (or the builder stopped it); False sends the text to
    ruamel.yaml: no libyaml, a directive (`%YAML`, `%TAG`), or anything libyaml refuses."""
    parser_class = _libyaml_parser()
    if parser_class is None or _has_directive(text):
        return False
    parser = parser_class(text)
    try:
        builder.run(_events(parser))
    except _Fatal:
        return True
    except Exception:  # a syntax error: ruamel.yaml says it in the words users see
        return False
    finally:
        parser.dispose()
    return True


def _events(parser: Any) -> Iterator[Any]:
    while parser.check_event():
        yield parser.get_event()


def _build_by_ruamel(builder: _Builder, text: str) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    try:
        builder.run(YAML(typ="rt").parse(text))
    except _Fatal:
        pass
    except MarkedYAMLError as error:
        builder.syntax_error(error)
    except ReaderError as error:
        line, column = _text_position(text, error.position)
        builder.error(
            (line - 1, column - 1),
            "RC005",
            f"YAML cannot contain this character: {error.reason}",
            "remove the control character",
        )
    except YAMLError as error:
        builder.error((0, 0), "RC005", f"YAML error: {error}", None)


def _ruamel_resolver() -> Callable[[str], str]:
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode

    resolver = YAML(typ="rt").resolver
    return lambda value: str(resolver.resolve(ScalarNode, value, (True, False)))


# YAML 1.2's implicit types of plain scalars, as ruamel.yaml resolves them (its resolver.py),
# tried in this order among those listed for the scalar's first character.
_PLAIN_TYPES: tuple[tuple[str, str, str], ...] = (
    ("bool", r"""^(?:true|True|TRUE|false|False|FALSE)$""", "tTfF"),
    (
        "float",
        r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        "int",
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
        "-+0123456789",
    ),
    ("merge", r"^(?:<<)$", "<"),
    (
        "null",
        r"""^(?: ~
        |null|Null|NULL
        | )$""",
        "~nN",
    ),
    (
        "timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
    ("value", r"^(?:=)$", "="),
    ("yaml", r"^(?:!|&|\*)$", "!&*"),
)


def _plain_resolvers() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {"": ["null"]}
    for kind, _, firsts in _PLAIN_TYPES:
        for first in firsts:
            table.setdefault(first, []).append(kind)
    return table


_RESOLVERS = _plain_resolvers()  # the kinds to try, by a scalar's first character
_SOURCES = {kind: pattern for kind, pattern, _ in _PLAIN_TYPES}
_PATTERNS: dict[str, re.Pattern[str]] = {}  # compiled when first needed: a spec rarely has them all


def _pattern(kind: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(kind)
    if pattern is None:
        pattern = _PATTERNS[kind] = re.compile(_SOURCES[kind], re.X)
    return pattern


# The kinds whose patterns list words: what each matches, without compiling it. (A pattern's `$`
# also matches before a final newline: _words_match allows for that.)
_WORDS = {
    "bool": frozenset({"true", "True", "TRUE", "false", "False", "FALSE"}),
    "merge": frozenset({"<<"}),
    "null": frozenset({"~", "null", "Null", "NULL", ""}),
    "value": frozenset({"="}),
    "yaml": frozenset({"!", "&", "*"}),
}


# What a scalar that only the float, int or timestamp patterns are tried on starts with, and every
# character those patterns (and `$`, before a final newline) take.
_NUMBER_FIRSTS = "-+0123456789."
_NUMBER_CHARS = frozenset("0123456789_.+-eEinfINFaAbBcCdDfFoxtTZ: \t\n")


def _words_match(kind: str, value: str) -> bool:
    words = _WORDS[kind]
    return value in words or (value[-1:] == "\n" and value[:-1] in words)


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def resolve_plain(value: str) -> str:
    """The tag of a plain (unquoted) scalar under YAML 1.2."""
    if not value:
        return _TAG + "null"
    first = value[0]
    if first in _NUMBER_FIRSTS:
        # The most common numbers, decided as the patterns would: `12` is no float (no '.', no
        # exponent) and an int; `1.25` a float (tried first). Others go through the patterns.
        if _is_digits(value):
            return _TAG + "int"
        whole, dot, fraction = value.partition(".")
        if dot and _is_digits(whole) and (not fraction or _is_digits(fraction)):
            return _TAG + "float"
        if not _NUMBER_CHARS.issuperset(value):
            return _TAG + "str"  # `1m`: a character none of the number or timestamp patterns take
    for kind in _RESOLVERS.get(first, ()):
        if _words_match(kind, value) if kind in _WORDS else _pattern(kind).match(value):
            return _TAG + kind
    return _TAG + "str"


def _text_position(text: str, offset: int) -> Mark:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class _Fatal(Exception):
    """Stops the build after an error that makes the rest of the document meaningless."""


class _Value:  # plain classes: one per node of the document, made while it is read
    __slots__ = ("size", "value")

    def __init__(self, value: Any, size: int) -> None:
        self.value = value
        self.size = size  # nodes, counting what aliases expand to


class _Collection:
    __slots__ = (
        "anchor",
        "expect_key",
        "items",
        "key_lines",
        "mark",
        "merges",
        "path",
        "pending_key",
        "size",
    )

    def __init__(
        self,
        path: PathKey,
        anchor: str | None,
        mark: tuple[int, int],
        items: dict[str, Any] | list[Any],
    ) -> None:
        self.path = path
        self.anchor = anchor
        self.mark = mark
        self.items = items
        self.size = 1
        self.pending_key: tuple[str, tuple[int, int]] | None = None
        self.expect_key = True
        self.merges: list[Any] = []
        self.key_lines: dict[str, int] = {}


class _Builder:
    """Turns parser events into plain values, positions and diagnostics."""

    def __init__(self, display: str, plain_tag: Callable[[str], str]) -> None:
        self.display = display
        self.plain_tag = plain_tag
        self.positions = Positions()
        self.diagnostics: list[Diagnostic] = []
        self.document: _Value | None = None
        self.stack: list[_Collection] = []
        self.anchors: dict[str, _Value] = {}
        self.open_anchors: set[str] = set()
        self.total = 0
        self.documents = 0
        # Anchors, aliases, merge keys, keys that are not strings, timestamps: things a plain
        # reading of a file routecfg edits must leave to the round-trip loader (plain_data).
        self.unusual = False

    # -- reporting ---------------------------------------------------------------------------

    def error(self, mark: tuple[int, int], code: str, message: str, hint: str | None) -> None:
        line, column = mark
        self.diagnostics.append(
            Diagnostic(self.display, line + 1, column + 1, Severity.ERROR, code, message, hint)
        )

    def fatal(self, mark: tuple[int, int], code: str, message: str, hint: str | None) -> _Fatal:
        self.error(mark, code, message, hint)
        return _Fatal()

    def syntax_error(self, error: MarkedYAMLError) -> None:
        mark = error.problem_mark or error.context_mark
        where = (mark.line, mark.column) if mark is not None else (0, 0)
        problem = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        self.error(where, "RC005", f"YAML syntax error: {problem}{context}", _syntax_hint(problem))

    # -- events ------------------------------------------------------------------------------

    def run(self, events: Iterable[Any]) -> None:
        """Build from parser events: ruamel.yaml's and PyYAML's have the same names and fields."""
        for event in events:
            mark = (event.start_mark.line, event.start_mark.column)
            kind = type(event).__name__
            if kind == "DocumentStartEvent":
                self.documents += 1
                if self.documents > 1:
                    raise self.fatal(
                        mark,
                        "RC005",
                        "a spec is one YAML document, but this file holds several",
                        "remove the '---' line and what follows it",
                    )
            elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                self.start_collection(event, mark, kind == "MappingStartEvent")
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                self.end_collection()
            elif kind == "ScalarEvent":
                self.scalar(event, mark)
            elif kind == "AliasEvent":
                self.alias(event, mark)

    def current_path(self, mark: tuple[int, int]) -> PathKey:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.items, list):
            return (*top.path, len(top.items))
        if top.pending_key is None:  # a collection used as a mapping key
            raise self.fatal(
                mark,
                "RC011",
                "a mapping key must be a plain value, not a list or mapping",
                "write the key as a string",
            )
        return (*top.path, top.pending_key[0])

    def start_collection(self, event: Any, mark: tuple[int, int], mapping: bool) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise self.fatal(
                mark,
                "RC008",
                f"the document is nested more than {MAX_DEPTH} levels deep",
                "a routing spec needs a handful of levels; is this the right file?",
            )
        if self.stack and isinstance(self.stack[-1].items, dict) and self.stack[-1].expect_key:
            raise self.fatal(
                mark,
                "RC011",
                "a mapping key must be a plain value, not a list or mapping",
                "write the key as a string",
            )
        self.check_tag(event.tag, mark, "map" if mapping else "seq")
        path = self.current_path(mark)
        items: dict[str, Any] | list[Any] = {} if mapping else []
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Collection(path, event.anchor, mark, items))
        self.count(1, mark)

    def end_collection(self) -> None:
        done = self.stack.pop()
        if isinstance(done.items, dict):
            self.apply_merges(done)
        if done.anchor:
            self.open_anchors.discard(done.anchor)
        self.attach(_Value(done.items, done.size), done.mark, done.anchor, done.path)

    def scalar(self, event: Any, mark: tuple[int, int]) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.items, dict) and top.expect_key:
            self.key(top, event, mark)
            return
        path = self.current_path(mark)
        value = self.convert(event, mark)
        self.count(1, mark)
        self.attach(_Value(value, 1), mark, event.anchor, path)

    def key(self, top: _Collection, event: Any, mark: tuple[int, int]) -> None:
        tag = self.resolve(event)
        if tag != _TAG + "str" or event.anchor:
            self.unusual = True
        if tag == _TAG + "merge":
            top.pending_key = ("<<", mark)
        else:
            name = _scalar_text(event)
            if name in top.key_lines:
                self.error(
                    mark,
                    "RC006",
                    f"duplicate key '{name}' (first defined on line {top.key_lines[name]})",
                    "remove one of them; YAML keeps only one",
                )
            else:
                top.key_lines[name] = mark[0] + 1
            top.pending_key = (name, mark)
            self.positions.keys[(*top.path, name)] = (mark[0] + 1, mark[1] + 1)
        top.expect_key = False
        self.count(1, mark)

    def alias(self, event: Any, mark: tuple[int, int]) -> None:
        self.unusual = True
        name = event.anchor
        if name in self.open_anchors:
            raise self.fatal(
                mark,
                "RC007",
                f"recursive alias: '*{name}' refers to the collection that contains it",
                "aliases must refer to a finished anchor",
            )
        target = self.anchors.get(name)
        if target is None:
            raise self.fatal(
                mark, "RC007", f"alias '*{name}' refers to no anchor", f"define '&{name}' first"
            )
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.items, dict) and top.expect_key:
            raise self.fatal(
                mark, "RC011", "an alias cannot be a mapping key", "write the key as a string"
            )
        path = self.current_path(mark)
        self.count(target.size, mark)
        self.attach(_Value(target.value, target.size), mark, None, path)

    # -- building ----------------------------------------------------------------------------

    def count(self, size: int, mark: tuple[int, int]) -> None:
        self.total += size
        if self.total > MAX_NODES:
            raise self.fatal(
                mark,
                ALIAS_BOMB,
                TOO_MANY_VALUES,
                "a routing spec is small; remove the nested aliases",
            )

    def attach(
        self, value: _Value, mark: tuple[int, int], anchor: str | None, path: PathKey
    ) -> None:
        self.positions.values.setdefault(path, (mark[0] + 1, mark[1] + 1))
        if anchor:
            self.unusual = True
            self.anchors[anchor] = value
        if not self.stack:
            self.document = value
            return
        top = self.stack[-1]
        top.size += value.size
        if isinstance(top.items, list):
            top.items.append(value.value)
            return
        assert top.pending_key is not None
        name, key_mark = top.pending_key
        if name == "<<":
            top.merges.append((value.value, key_mark))
        elif name not in top.items:
            top.items[name] = value.value
        top.pending_key = None
        top.expect_key = True

    def apply_merges(self, done: _Collection) -> None:
        assert isinstance(done.items, dict)
        for merged, mark in done.merges:
            sources = merged if isinstance(merged, list) else [merged]
            for source in sources:
                if not isinstance(source, dict):
                    self.error(
                        mark,
                        "RC011",
                        "a merge key '<<' takes a mapping or a list of mappings",
                        "point '<<' at an anchored mapping",
                    )
                    continue
                for name, item in source.items():
                    done.items.setdefault(name, item)

    def check_tag(self, tag: str | None, mark: tuple[int, int], kind: str) -> None:
        self.unusual = self.unusual or tag is not None
        if tag is not None and tag not in (_TAG + kind, "!"):
            raise self.unsupported_tag(tag, mark)

    def unsupported_tag(self, tag: str, mark: tuple[int, int]) -> _Fatal:
        shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
        return self.fatal(
            mark,
            "RC011",
            f"unsupported YAML tag '{shown}'",
            "remove the tag; a spec holds plain values",
        )

    def resolve(self, event: Any) -> str:
        self.unusual = self.unusual or event.tag is not None
        if event.tag is not None and event.tag != "!":
            return str(event.tag)
        if event.implicit[0]:  # plain, unquoted
            return self.plain_tag(event.value)
        return _TAG + "str"

    def convert(self, event: Any, mark: tuple[int, int]) -> Any:
        tag = self.resolve(event)
        text = _scalar_text(event)
        kind = tag.removeprefix(_TAG)
        if kind in ("str", "timestamp"):  # timestamps stay text
            self.unusual = self.unusual or kind == "timestamp"
            return text
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        if kind == "int":
            return self.to_int(text, mark)
        if kind == "float":
            return self.to_decimal(text, mark)
        raise self.unsupported_tag(tag, mark)

    def to_int(self, text: str, mark: tuple[int, int]) -> int:
        digits = text.replace("_", "")
        if len(digits.lstrip("+-0")) > MAX_DIGITS:
            return self.too_large(text, mark)
        try:
            if digits.lstrip("+-")[:2].lower() in ("0x", "0o", "0b"):
                return int(digits, 0)
            return int(digits, 10)
        except ValueError:
            raise self.fatal(
                mark, "RC005", f"'{text}' is not a valid integer", "write a plain number"
            ) from None

    def to_decimal(self, text: str, mark: tuple[int, int]) -> Decimal:
        try:
            number = Decimal(text.replace("_", ""))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.error(
                mark,
                "RC012",
                f"'{text}' is not a finite number",
                "prices, rates and budgets are plain numbers such as 1.25",
            )
            return Decimal(0)
        if abs(number) >= MAX_NUMBER:
            return Decimal(self.too_large(text, mark))
        return number

    def too_large(self, text: str, mark: tuple[int, int]) -> int:
        shown = text if len(text) <= 40 else text[:37] + "..."
        self.error(
            mark,
            TOO_LARGE,
            f"'{shown}' is too large: routecfg accepts numbers below 10^{MAX_DIGITS}",
            "prices are USD per million tokens, token counts and rates are small numbers",
        )
        return 0


def _scalar_text(event: Any) -> str:
    text: str = event.value
    if event.style == ">":  # ruamel.yaml marks where a folded scalar folds with '\a'
        return text.replace("\a", "")
    return text


def _syntax_hint(problem: str) -> str:
    if "\\t" in problem or "tab" in problem:
        return "YAML indents with spaces, never tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or fix the indentation of this line"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return "close the flow collection, or separate its items with commas"
    if "could not find expected ':'" in problem:
        return "every key in a mapping needs a ':' after it"
    return "check the indentation and quoting on this line and the one before it"
