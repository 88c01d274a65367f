"""Any YAML text read to be looked at, not edited: mappings, lists and scalars, with the line and
column of every key, value and list item (what the LiteLLM proxy lint reads).

The text is read event by event by libyaml (PyYAML's C parser) where it is installed, else by
ruamel.yaml's pure-Python parser, and built here into :class:`Map` and :class:`Seq` holding the
values ruamel.yaml's round-trip loader gives (:func:`routecfg.targets.yamledit.parse`, which edits
use): YAML 1.2 scalars, floats that keep the text they were written as (:func:`as_decimal`).

A document this plain reading cannot vouch for is read by that round-trip loader itself, as it
always was, and its tree copied into the same classes: a syntax error or a control character
(whose messages, RC311, are ruamel.yaml's), a duplicate key (RC312), anchors, aliases, tags,
merge keys, keys that are not strings, numbers written unusually (``0x1F``, ``1_000``, ``.inf``),
timestamps, a directive, several documents. So every reader gives the same tree for the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.spec import ALIAS_BOMB, MAX_NODES, TOO_MANY_VALUES, resolve_plain
from routecfg.targets.yamlnodes import Position

NOWHERE = Position(0, 0)
# The attribute routecfg's round-trip constructor keeps a float's source text in
# (targets/yamlformat.py; tests/test_yamlread.py holds the two readers' numbers equal).
SOURCE_TEXT = "_routecfg_source_text"  # a float's text as written (yamlformat sets it too)
_TAG = "tag:yaml.org,2002:"
_INTEGER = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class Map(dict[Any, Any]):
    """A mapping, with where each key and value starts (1-based; absent for a merged key)."""

    __slots__ = ("anchor", "keys_at", "values_at")

    def __init__(self) -> None:
        super().__init__()
        self.keys_at: dict[Any, Position] = {}
        self.values_at: dict[Any, Position] = {}
        self.anchor: str | None = None


class Seq(list[Any]):
    """A list, with where each item starts."""

    __slots__ = ("anchor", "items_at")

    def __init__(self) -> None:
        super().__init__()
        self.items_at: list[Position] = []
        self.anchor: str | None = None


class _Float(float):
    """A float that keeps the text it was written as, as the round-trip loader's do."""

    __slots__ = (SOURCE_TEXT,)


def key_position(mapping: Map, key: Any) -> Position:
    try:
        return mapping.keys_at.get(key, NOWHERE)
    except TypeError:
        return NOWHERE


def value_position(mapping: Map, key: Any) -> Position:
    try:
        found = mapping.values_at.get(key)
    except TypeError:
        found = None
    return found if found is not None else key_position(mapping, key)


def item_position(sequence: Seq, index: int) -> Position:
    return sequence.items_at[index] if 0 <= index < len(sequence.items_at) else NOWHERE


def anchor(value: object) -> str | None:
    """The anchor a value is defined with (``x-defaults: &defaults``), if any."""
    if isinstance(value, Map | Seq):
        return value.anchor
    found = getattr(getattr(value, "anchor", None), "value", None)  # a round-trip scalar's
    return str(found) if found else None


def as_decimal(value: object) -> Decimal | None:
    """A loaded number as the exact decimal it was written as; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        source = getattr(value, SOURCE_TEXT, None)  # absent on .inf and .nan
        return Decimal(str(source).replace("_", "") if source else repr(value))
    return None


# ── reading ─────────────────────────────────────────────────────────────────────────────────


def read(text: str, path: str, *, parser: str | None = None) -> Any:
    """The tree of ``text``: Map, Seq, scalars, None for an empty document. Raises RoutecfgError
    (RC311, RC312) for text that is not YAML, as :func:`routecfg.targets.yamledit.parse` does.

    ``parser`` ("libyaml", "python" or "round-trip") forces one reader, for tests."""
    body = _unwrap(text)
    if parser != "round-trip" and not (body.startswith("%") or "\n%" in body):  # no directive
        events = _libyaml_events(body) if parser in (None, "libyaml") else None
        if events is None and parser in (None, "python"):
            events = _python_events(body)
        if events is not None:
            try:
                return _build(events)
            except Exception:  # anything unusual is the round-trip loader's to read
                pass
    return _round_trip(text, path)


def _unwrap(text: str) -> str:
    """The text as yamledit.parse reads it: no byte-order mark, LF line ends, a final newline."""
    body = text.removeprefix("\ufeff").replace("\r\n", "\n")
    return body if body == "" or body.endswith("\n") else body + "\n"


def _libyaml_events(body: str) -> Iterator[Any] | None:
    from routecfg import libyaml

    parser = libyaml.parser()
    return None if parser is None else _drain(parser(body))


def _python_events(body: str) -> Iterator[Any]:
    from ruamel.yaml import YAML

    return iter(YAML(typ="rt").parse(body))


def _drain(parser: Any) -> Iterator[Any]:
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


class _Unusual(Exception):
    """Something the plain reading leaves to the round-trip loader."""


def _build(events: Iterator[Any]) -> Any:
    root: Any = None
    documents = 0
    stack: list[Map | Seq] = []
    keys: list[Any] = []  # per open collection: a Map's pending key, else None
    key_marks: list[Position | None] = []
    for event in events:
        kind = type(event).__name__
        if kind == "ScalarEvent":
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            mark = event.start_mark
            where = Position(mark.line + 1, mark.column + 1)
            top = stack[-1] if stack else None
            if isinstance(top, Map) and key_marks[-1] is None:
                key = _scalar_text(event)
                if (event.implicit[0] and _plain_kind(key) != "str") or key in top:
                    raise _Unusual
                keys[-1] = key
                key_marks[-1] = where
                continue
            value = _scalar(event)
            if top is None:
                root = value
            else:
                _attach(top, keys, key_marks, value, where)
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            if stack and isinstance(stack[-1], Map) and key_marks[-1] is None:
                raise _Unusual  # a collection as a key
            mark = event.start_mark
            collection: Map | Seq = Map() if kind == "MappingStartEvent" else Seq()
            if stack:
                _attach(
                    stack[-1], keys, key_marks, collection, Position(mark.line + 1, mark.column + 1)
                )
            else:
                root = collection
            stack.append(collection)
            keys.append(None)
            key_marks.append(None)
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
            keys.pop()
            key_marks.pop()
        elif kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _Unusual
        elif kind == "AliasEvent":
            raise _Unusual
    return root


def _attach(
    top: Map | Seq, keys: list[Any], key_marks: list[Position | None], value: Any, where: Position
) -> None:
    if isinstance(top, Seq):
        top.append(value)
        top.items_at.append(where)
        return
    key, key_mark = keys[-1], key_marks[-1]
    assert key_mark is not None
    top[key] = value
    top.keys_at[key] = key_mark
    top.values_at[key] = where
    key_marks[-1] = None


def _scalar_text(event: Any) -> str:
    text: str = event.value
    if event.style == ">":  # ruamel.yaml's parser marks where a folded scalar folds with '\a'
        return text.replace("\a", "")
    return text


def _scalar(event: Any) -> Any:
    text = _scalar_text(event)
    if not event.implicit[0]:  # quoted, or a block scalar
        return text
    kind = _plain_kind(text)
    if kind == "str":
        return text
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "float" and _FLOAT.fullmatch(text):
        number = _Float(text)
        setattr(number, SOURCE_TEXT, text)
        return number
    raise _Unusual  # 0x1F, 1_000, .inf, timestamps, merge keys: as the round-trip loader reads


def _plain_kind(text: str) -> str:
    return resolve_plain(text).removeprefix(_TAG)


# ── the round-trip loader's tree ────────────────────────────────────────────────────────────


def _round_trip(text: str, path: str) -> Any:
    from routecfg.targets import yamledit

    tree = _copy(yamledit.parse(text, path), {})
    _refuse_alias_bombs(tree, path)
    return tree


def _refuse_alias_bombs(tree: Any, path: str) -> None:
    """Raises RoutecfgError (RC007) when the tree, its aliases expanded, holds more than
    MAX_NODES values: the lint walks values as they expand, so an alias bomb would hang it.

    Values are counted in document order, an alias as the whole of what it repeats, and the
    error names the key (or the list) holding the alias at which the count passes the limit."""
    sizes = _expanded_sizes(tree)
    total = 0
    seen: set[int] = set()
    stack: list[tuple[Any, Position]] = [(tree, NOWHERE)]
    while stack:
        node, at = stack.pop()
        if not isinstance(node, Map | Seq):
            total += 1
            continue
        if id(node) in seen:  # an alias: everything it repeats, at once
            total += sizes[id(node)]
            if total > MAX_NODES:
                raise RoutecfgError(
                    [
                        Diagnostic(
                            path,
                            at.line,
                            at.column,
                            Severity.ERROR,
                            ALIAS_BOMB,
                            TOO_MANY_VALUES,
                            "a LiteLLM config is small; remove the nested aliases",
                        )
                    ]
                )
            continue
        seen.add(id(node))
        total += 1
        # ruamel.yaml places an alias where its anchor is: name the key that holds it, or for a
        # list item the list itself.
        if isinstance(node, Map):
            children = [(value, node.keys_at.get(key, at)) for key, value in node.items()]
            total += len(node)  # the keys
        else:
            children = [(item, at) for item in node]
        stack.extend(reversed(children))


def _expanded_sizes(tree: Any) -> dict[int, int]:
    """The number of values under each collection of ``tree`` (itself included), its aliases
    expanded; each collection is counted once, so this is linear in the tree as read."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, Map | Seq) or (id(node) in sizes and not children_done):
            continue
        values = list(node.values()) if isinstance(node, Map) else list(node)
        if not children_done:
            sizes[id(node)] = 0  # a collection that holds itself counts as nothing more
            stack.append((node, True))
            stack.extend((value, False) for value in values)
            continue
        size = 1 + (len(node) if isinstance(node, Map) else 0)
        for value in values:
            size += sizes.get(id(value), 0) if isinstance(value, Map | Seq) else 1
        sizes[id(node)] = min(size, MAX_NODES + 1)
    return sizes


def _copy(node: Any, done: dict[int, Any]) -> Any:
    """The round-trip tree in Map and Seq; scalars as they are (they keep their anchors)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(node, CommentedMap | CommentedSeq):
        return node
    if id(node) in done:
        return done[id(node)]
    lines = node.lc.data if isinstance(node.lc.data, dict) else {}
    anchor = node.anchor.value if node.anchor.value else None
    if isinstance(node, CommentedSeq):
        sequence = Seq()
        sequence.anchor = anchor
        done[id(node)] = sequence
        for index, item in enumerate(node):
            sequence.append(_copy(item, done))
            at = lines.get(index)
            sequence.items_at.append(Position(at[0] + 1, at[1] + 1) if at else NOWHERE)
        return sequence
    mapping = Map()
    mapping.anchor = anchor
    done[id(node)] = mapping
    for key, value in node.items():
        mapping[key] = _copy(value, done)
        at = lines.get(key)
        if at:
            mapping.keys_at[key] = Position(at[0] + 1, at[1] + 1)
            mapping.values_at[key] = Position(at[2] + 1, at[3] + 1)
    return mapping
