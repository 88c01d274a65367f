"""A strict JSON parser that keeps where each value sits in the text.

:mod:`jsonedit` splices new text at these offsets, so that routecfg can edit hand-formatted JSON
it does not own and leave every other byte as it was.

The parser is iterative (an explicit stack, no Python recursion) and regex-driven for speed. It
is strict RFC 8259: no comments, trailing commas, NaN, leading zeros, raw control characters in
strings, byte-order mark or trailing text. Syntax errors raise one RC301 diagnostic; duplicate
keys are collected and raised together as RC302.

A document's value comes first from the C decoder (:func:`json.loads`) wherever the two read the
text alike (see :func:`_decoded`); the node tree, which only an edit or a diagnostic needs, is
built by this parser on first use. A target in sync is read, never edited, so a check builds no
tree, and the parser's patterns are compiled only when it runs.
"""

from __future__ import annotations

import functools
import json
import re
from functools import cached_property
from typing import Any, Literal, TypeAlias

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import record

JsonValue: TypeAlias = "dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None"
JsonPath: TypeAlias = tuple[str | int, ...]
NodeKind = Literal["object", "array", "string", "number", "literal"]

SYNTAX_ERROR = "RC301"
DUPLICATE_KEY = "RC302"
LONG_NUMBER = "RC307"  # an integer Python will not turn into text (sys.get_int_max_str_digits)
MAX_INTEGER_DIGITS = 4000
# Deeper documents parse here, but the Python value would break recursive consumers downstream
# (jsonschema, ==, deepcopy); real configs nest fewer than 20 levels.
MAX_DEPTH = 100

_STRING_BODY = r'[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*'
# The lookahead sends `01`, `1.` and `1e` to the slow path, which says what is wrong.
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![0-9.eE])"
# A key and its ':' make one token: a quarter fewer trips round the loop.
_TOKEN = rf"""[ \t\n\r]*(?:
        (?P<key>"{_STRING_BODY}")[ \t\n\r]*:
        |(?P<string>"{_STRING_BODY}")
        |(?P<punct>[{{}}\[\]:,])
        |(?P<number>{_NUMBER})
        |(?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
    )"""
_WHITESPACE = r"[ \t\n\r]*"
_WORD = r"[A-Za-z0-9_$]+"
_ESCAPE = (
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u([0-9a-fA-F]{4})|([\"\\/bfnrt]))"
)
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_LITERALS: dict[str, JsonValue] = {"true": True, "false": False, "null": None}
_DIGITS = "0123456789"


# --------------------------------------------------------------------------- the parsed document


# Records, not NamedTuples: a NamedTuple costs a quarter of a millisecond to define, at every
# start, and only an edit or a diagnostic builds these.
@record
class JsonMember:
    """One ``"key": value`` of an object; ``key_start``/``key_end`` span the quoted key."""

    key: str
    key_start: int
    key_end: int
    value: JsonNode


@record
class JsonNode:
    """Where one value sits in the text: ``text[start:end]`` is exactly its source."""

    kind: NodeKind
    start: int
    end: int
    members: tuple[JsonMember, ...] = ()  # objects, in file order
    items: tuple[JsonNode, ...] = ()  # arrays

    def member(self, key: str) -> JsonMember | None:
        return next((m for m in self.members if m.key == key), None)


@record(eq=False)
class JsonDoc:
    """A parsed JSON text: the plain value, and the node tree that says where each part sits
    (:attr:`root`, built on first use)."""

    text: str
    path: str
    value: JsonValue

    @cached_property
    def root(self) -> JsonNode:
        """The node tree, parsed from the text when first asked for (an edit, a diagnostic)."""
        return _Parser(self.text, self.path).parse()[0]

    def kind(self, path: JsonPath) -> NodeKind | None:
        """The kind of the value at ``path``, or None when there is none: what ``node(path)``
        would say of it, read from the value, without the node tree."""
        value: Any = self.value
        for step in path:
            if isinstance(step, str):
                found = isinstance(value, dict) and step in value
            else:
                found = isinstance(value, list) and not isinstance(step, bool)
                found = found and 0 <= step < len(value)
            if not found:
                return None
            value = value[step]
        return _kind_of(value)

    def node(self, path: JsonPath) -> JsonNode | None:
        """The node at ``path`` (object keys and array indexes), or None when there is none."""
        node: JsonNode | None = self.root
        for step in path:
            if node is None:
                return None
            node = _child(node, step)
        return node

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; columns count characters."""
        from bisect import bisect_right  # a diagnostic's: a document read whole needs none

        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0, *(m.end() for m in re.finditer("\n", self.text))]


def _kind_of(value: Any) -> NodeKind:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None or isinstance(value, bool):
        return "literal"
    return "number"


def _child(node: JsonNode, step: str | int) -> JsonNode | None:
    if isinstance(step, str):
        member = node.member(step) if node.kind == "object" else None
        return None if member is None else member.value
    if node.kind == "array" and not isinstance(step, bool) and 0 <= step < len(node.items):
        return node.items[step]
    return None


# --------------------------------------------------------------------------- parsing


def parse(text: str, path: str) -> JsonDoc:
    """Parse ``text`` strictly; raise RoutecfgError (RC301 syntax, RC302 duplicate keys)."""
    value = _decoded(text)
    if value is _REFUSED:
        value = _Parser(text, path).parse()[1]  # raises: see _decoded
    return JsonDoc(text, path, value)


_REFUSED: Any = object()


def _decoded(text: str) -> Any:
    """The value of ``text`` by the C decoder, or ``_REFUSED`` where it may read the text
    otherwise than :class:`_Parser`; then the parser reads it (and raises).

    The two accept the same grammar (RFC 8259: the same whitespace, number, string and escape
    syntax; no BOM, no trailing text, raw control characters refused with ``strict``), and read
    the same values (``int`` and ``float`` of the same source text, the same surrogate
    handling). What ``json.loads`` accepts and the parser refuses is refused here: NaN and
    Infinity (``parse_constant``), duplicate keys (``object_pairs_hook``), integers longer than
    MAX_INTEGER_DIGITS (``parse_int``) and nesting deeper than MAX_DEPTH (counted after).
    """
    refused = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal refused
        value = dict(items)
        refused = refused or len(value) != len(items)
        return value

    def integer(source: str) -> int:
        if len(source) > MAX_INTEGER_DIGITS:
            raise ValueError(source)
        return int(source)

    def constant(name: str) -> Any:
        raise ValueError(name)

    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_int=integer, parse_constant=constant
        )
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return _REFUSED
    if refused or not _nests_within(value, text):
        return _REFUSED
    return value


def _nests_within(value: Any, text: str) -> bool:
    """Whether no container of ``value`` lies deeper than MAX_DEPTH (the root's depth is 1)."""
    if text.count("{") + text.count("[") <= MAX_DEPTH:
        return True  # too few brackets to nest deeper
    pending: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        container, depth = pending.pop()
        if depth > MAX_DEPTH:
            return False
        children = container.values() if isinstance(container, dict) else container
        pending.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return True


def reparse(doc: JsonDoc | None, text: str, path: str) -> JsonDoc:
    """``doc`` when it is the parse of ``text`` (nothing was edited since), else a new parse."""
    if doc is not None and doc.path == path and doc.text == text:
        return doc
    return parse(text, path)


@record(eq=False)
class _Expectation:
    """What the parser accepts next: the message when something else comes, and a hint."""

    message: str
    hint: str


class _Expect:
    """The parser's states. Plain objects compared by identity: an Enum's hash is slow here."""

    VALUE = _Expectation(
        "expected a value", "a value is a string, number, object, array, true, false or null"
    )
    ITEM = _Expectation(
        "expected a value after ','",
        "a value is a string, number, object, array, true, false or null",
    )
    VALUE_OR_CLOSE = _Expectation(
        "expected a value or ']'", "an array holds values separated by ','"
    )
    KEY_OR_CLOSE = _Expectation(
        "expected a string key or '}'", "object keys are strings in double quotes"
    )
    KEY = _Expectation(
        "expected a string key after ','", "object keys are strings in double quotes"
    )
    COLON = _Expectation("expected ':' after object key", 'write "key": value')
    OBJECT_SEPARATOR = _Expectation(
        "expected ',' or '}' after object member",
        "is a ',' missing between two members, or a '}' missing?",
    )
    ARRAY_SEPARATOR = _Expectation(
        "expected ',' or ']' after array element",
        "is a ',' missing between two elements, or a ']' missing?",
    )
    END = _Expectation(
        "expected end of file after the JSON value", "a JSON document holds exactly one value"
    )


_VALUE_EXPECTED = frozenset({_Expect.VALUE, _Expect.ITEM, _Expect.VALUE_OR_CLOSE})
_KEY_EXPECTED = frozenset({_Expect.KEY, _Expect.KEY_OR_CLOSE})


class _Open:
    """A container whose closing bracket has not been read yet."""

    __slots__ = ("array_value", "items", "key", "kind", "members", "object_value", "start")

    def __init__(self, kind: Literal["object", "array"], start: int) -> None:
        self.kind = kind
        self.start = start
        self.members: list[JsonMember] = []
        self.items: list[JsonNode] = []
        self.object_value: dict[str, JsonValue] = {}
        self.array_value: list[JsonValue] = []
        self.key: tuple[str, int, int] = ("", 0, 0)  # the member whose value comes next


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.expect = _Expect.VALUE
        self.stack: list[_Open] = []
        self.last_comma = 0
        self.result: tuple[JsonNode, JsonValue] | None = None
        self.duplicates: list[Diagnostic] = []

    def parse(self) -> tuple[JsonNode, JsonValue]:
        text, pos = self.text, 0
        match_token = _pattern(_TOKEN, re.VERBOSE).match
        while self.result is None:
            token = match_token(text, pos)
            if token is None:
                raise self._diagnose(_end_of_run(_WHITESPACE, text, pos))
            kind = token.lastgroup or ""
            start, pos = token.start(kind), token.end()
            if kind == "key":
                self._on_key_and_colon(start, token.end(kind), pos - 1)
            elif kind == "punct":
                self._on_punct(start)
            elif kind == "string":
                self._on_string(start, pos)
            elif kind == "number":
                self._on_number(start, pos)
            else:
                self._on_word(start, pos)
        end = _end_of_run(_WHITESPACE, text, pos)
        if end < len(text):
            raise self._diagnose(end)
        if self.duplicates:
            raise RoutecfgError(self.duplicates)
        return self.result

    # ---- one handler per token kind

    def _on_punct(self, start: int) -> None:
        char, expect = self.text[start], self.expect
        if char in "{[" and expect in _VALUE_EXPECTED:
            self._open(start)
        elif (char == "}" and expect in (_Expect.KEY_OR_CLOSE, _Expect.OBJECT_SEPARATOR)) or (
            char == "]" and expect in (_Expect.VALUE_OR_CLOSE, _Expect.ARRAY_SEPARATOR)
        ):
            self._close(start)
        elif char == "," and expect in (_Expect.OBJECT_SEPARATOR, _Expect.ARRAY_SEPARATOR):
            self.last_comma = start
            self.expect = _Expect.KEY if expect is _Expect.OBJECT_SEPARATOR else _Expect.ITEM
        elif (char == "}" and expect is _Expect.KEY) or (char == "]" and expect is _Expect.ITEM):
            raise self._error(
                self.last_comma, f"trailing comma before '{char}'", "remove the last ','"
            )
        else:
            raise self._unexpected(start)

    def _on_string(self, start: int, end: int) -> None:
        if self.expect in _KEY_EXPECTED:
            # A key followed by ':' comes as one token, so what follows this one is an error.
            self._on_key(_decode_string(self.text[start:end]), start, end)
            self.expect = _Expect.COLON
        elif self.expect in _VALUE_EXPECTED:
            self._finish(JsonNode("string", start, end), _decode_string(self.text[start:end]))
        else:
            raise self._unexpected(start)

    def _on_key_and_colon(self, start: int, end: int, colon: int) -> None:
        if self.expect in _KEY_EXPECTED:
            self._on_key(_decode_string(self.text[start:end]), start, end)
            self.expect = _Expect.VALUE
        else:
            self._on_string(start, end)
            self._on_punct(colon)

    def _on_key(self, key: str, start: int, end: int) -> None:
        container = self.stack[-1]
        if key in container.object_value:
            self.duplicates.append(self._duplicate(container, key, start))
        container.key = (key, start, end)

    def _on_number(self, start: int, end: int) -> None:
        if self.expect not in _VALUE_EXPECTED:
            raise self._unexpected(start)
        source = self.text[start:end]
        is_integer = "." not in source and "e" not in source and "E" not in source
        if is_integer and len(source) > MAX_INTEGER_DIGITS:
            raise self._error(
                start,
                f"an integer of {len(source.lstrip('-'))} digits, too long to read",
                f"JSON numbers routecfg reads have at most {MAX_INTEGER_DIGITS} digits",
                LONG_NUMBER,
            )
        self._finish(JsonNode("number", start, end), int(source) if is_integer else float(source))

    def _on_word(self, start: int, end: int) -> None:
        word = self.text[start:end]
        if self.expect not in _VALUE_EXPECTED:
            raise self._unexpected(start)
        if word not in _LITERALS:
            raise self._bad_word(word, start)
        self._finish(JsonNode("literal", start, end), _LITERALS[word])

    # ---- containers

    def _open(self, start: int) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise self._error(
                start,
                f"nesting deeper than {MAX_DEPTH} levels",
                "flatten the document; configuration files nest far less",
            )
        is_object = self.text[start] == "{"
        self.stack.append(_Open("object" if is_object else "array", start))
        self.expect = _Expect.KEY_OR_CLOSE if is_object else _Expect.VALUE_OR_CLOSE

    def _close(self, bracket: int) -> None:
        container = self.stack.pop()
        if container.kind == "object":
            node = JsonNode("object", container.start, bracket + 1, tuple(container.members))
            self._finish(node, container.object_value)
        else:
            node = JsonNode("array", container.start, bracket + 1, (), tuple(container.items))
            self._finish(node, container.array_value)

    def _finish(self, node: JsonNode, value: JsonValue) -> None:
        """Attach a complete value to the container that holds it (or make it the root)."""
        if not self.stack:
            self.result = (node, value)
            self.expect = _Expect.END
            return
        container = self.stack[-1]
        if container.kind == "object":
            key, key_start, key_end = container.key
            container.members.append(JsonMember(key, key_start, key_end, node))
            container.object_value[key] = value
            self.expect = _Expect.OBJECT_SEPARATOR
        else:
            container.items.append(node)
            container.array_value.append(value)
            self.expect = _Expect.ARRAY_SEPARATOR

    # ---- diagnostics

    def _diagnose(self, pos: int) -> RoutecfgError:
        """No token matched at ``pos``: find the most specific thing to say."""
        char = self.text[pos : pos + 1]
        if char == "\ufeff" and pos == 0:
            return self._error(0, "unexpected byte order mark", "save the file without a BOM")
        if char == "/":
            return self._error(pos, "comments are not allowed", "JSON has no comments")
        wants_string = self.expect in _VALUE_EXPECTED or self.expect in _KEY_EXPECTED
        if char == '"' and wants_string:
            return self._bad_string(pos)
        if char == "'" and wants_string:
            return self._error(pos, "strings must use double quotes", 'write "text"')
        if char and char in "-" + _DIGITS and self.expect in _VALUE_EXPECTED:
            return self._bad_number(pos)
        return self._unexpected(pos)

    def _bad_string(self, quote: int) -> RoutecfgError:
        text = self.text
        pos = _end_of_run(_STRING_BODY, text, quote + 1)
        char, following = text[pos : pos + 1], text[pos + 1 : pos + 2]
        if not char or (char == "\\" and not following):
            return self._error(quote, "unterminated string", "add the closing '\"'")
        if char == "\\" and following == "u":
            return self._error(pos, "invalid \\u escape", "write \\u and four hex digits")
        if char == "\\":
            return self._error(
                pos,
                f"invalid escape '\\{following}' in string",
                'valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX',
            )
        code = ord(char)
        hint = (
            "a string cannot span lines; is its closing '\"' missing?"
            if char in "\r\n"
            else f"write it as \\u{code:04x}"
        )
        return self._error(pos, f"control character U+{code:04X} in string", hint)

    def _bad_number(self, start: int) -> RoutecfgError:
        text = self.text
        if text.startswith("-Infinity", start):
            return self._bad_word("-Infinity", start)
        pos = start + 1 if text[start] == "-" else start
        if not _is_digit(text, pos):
            return self._error(pos, "expected a digit after '-'", "write -1, -0.5 …")
        if text[pos] == "0" and _is_digit(text, pos + 1):
            return self._error(pos, "leading zeros are not allowed in numbers", "write 7, not 07")
        pos = _skip_digits(text, pos)
        if text[pos : pos + 1] == ".":
            pos += 1
            if not _is_digit(text, pos):
                return self._error(pos, "expected a digit after '.'", "write 1.0, not 1.")
            pos = _skip_digits(text, pos)
        if text[pos : pos + 1] in ("e", "E"):
            pos += 2 if text[pos + 1 : pos + 2] in ("+", "-") else 1
            if not _is_digit(text, pos):
                return self._error(pos, "expected a digit in the exponent", "write 1e5 or 1e-5")
            pos = _skip_digits(text, pos)
        # The number is whole; what follows it (`1.5.3`, `1e5e`) is what does not belong.
        return self._unexpected(pos, self._after_value())

    def _bad_word(self, word: str, start: int) -> RoutecfgError:
        if word in ("NaN", "Infinity", "-Infinity"):
            return self._error(start, f"{word} is not allowed in JSON", "use null or a number")
        return self._error(
            start, f"unknown literal '{word}'", "JSON literals are true, false and null"
        )

    def _after_value(self) -> _Expectation:
        if not self.stack:
            return _Expect.END
        if self.stack[-1].kind == "object":
            return _Expect.OBJECT_SEPARATOR
        return _Expect.ARRAY_SEPARATOR

    def _unexpected(self, pos: int, expect: _Expectation | None = None) -> RoutecfgError:
        """The text at ``pos`` does not fit what the grammar expects here."""
        expect = expect or self.expect
        if pos >= len(self.text) and self.stack:
            opened = self.stack[-1].start
            line, column = _position(self.text, opened)
            bracket = self.text[opened]
            hint = f"the '{bracket}' at line {line}, column {column} is never closed"
            return self._error(pos, f"{expect.message}, found end of file", hint)
        return self._error(pos, f"{expect.message}, found {_describe(self.text, pos)}", expect.hint)

    def _error(self, pos: int, message: str, hint: str, code: str = SYNTAX_ERROR) -> RoutecfgError:
        line, column = _position(self.text, pos)
        return RoutecfgError(
            [
                Diagnostic(
                    self.path,
                    line,
                    column,
                    Severity.ERROR,
                    code,
                    f"invalid JSON: {message}" if code == SYNTAX_ERROR else message,
                    hint,
                )
            ]
        )

    def _duplicate(self, container: _Open, key: str, start: int) -> Diagnostic:
        first = next(m for m in container.members if m.key == key)
        first_line, first_column = _position(self.text, first.key_start)
        line, column = _position(self.text, start)
        return Diagnostic(
            self.path,
            line,
            column,
            Severity.ERROR,
            DUPLICATE_KEY,
            f"duplicate key '{key}' in object",
            f"the first '{key}' is at line {first_line}, column {first_column}; keep one",
        )


def _decode_string(source: str) -> str:
    """The value of a quoted JSON string already checked by the token pattern."""
    body = source[1:-1]
    return _pattern(_ESCAPE).sub(_unescape, body) if "\\" in body else body


def _unescape(match: re.Match[str]) -> str:
    high, low, code, simple = match.groups()
    if high is not None:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    if code is not None:
        return chr(int(code, 16))  # a lone surrogate stays one, as json.loads leaves it
    return _SIMPLE_ESCAPES[simple]


def _end_of_run(pattern: str, text: str, pos: int) -> int:
    """Where a pattern that may match nothing (``x*``) stops matching from ``pos``."""
    match = _pattern(pattern).match(text, pos)
    return pos if match is None else match.end()


@functools.cache
def _pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """The parser's patterns, compiled when it first runs: a document the C decoder reads
    (every valid one) needs none of them."""
    return re.compile(source, flags)


def _is_digit(text: str, pos: int) -> bool:
    return pos < len(text) and text[pos] in _DIGITS


def _skip_digits(text: str, pos: int) -> int:
    while _is_digit(text, pos):
        pos += 1
    return pos


def _describe(text: str, pos: int) -> str:
    if pos >= len(text):
        return "end of file"
    word = _pattern(_WORD).match(text, pos)
    if word is not None:
        return f"'{word.group()[:20]}'"
    char = text[pos]
    return f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
