"""Byte-preserving edits of JSON routecfg does not own, and its owned values set through them.

routecfg edits hand-formatted JSON it does not own (a backlog preset, the backlog JSON Schema).
Re-dumping a rebuilt structure would reflow inline arrays and indentation, so every edit here
replaces one span of the original text, found by :mod:`jsontext`'s parser, and leaves every other
byte as it was. Each edit returns the new full text; to make several, parse the result and edit
again.

On top of those splices, :func:`set_members` sets routecfg's owned members, and
:func:`require_object` and :func:`schema_errors` turn what cannot be edited, or breaks a schema,
into diagnostics.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from routecfg import jsonvalid
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import record
from routecfg.targets import jsontext
from routecfg.targets.jsontext import JsonDoc, JsonMember, JsonNode, JsonPath
from routecfg.targets.routing import insertion_anchor, same

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# What an edit accepts: Mapping and Sequence are covariant, so a dict[str, str] fits.
JsonInput: TypeAlias = (
    "Mapping[str, JsonInput] | Sequence[JsonInput] | str | int | float | bool | None"
)

DEFAULT_INDENT = "  "

# Compiled on first use (re caches them): only an edit needs them, and a check edits nothing.
_INDENT = r"[ \t]*"
_INDENTED_LINE = r"(?m)^([ \t]+)[^ \t\r\n]"


# --------------------------------------------------------------------------- style detection


def detect_newline(text: str) -> str:
    """``\\r\\n`` when the first line ends so, else ``\\n``."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def detect_indent(text: str) -> str:
    """The indent unit: the shortest leading whitespace of any line (two spaces if none)."""
    indents = (m.group(1) for m in re.finditer(_INDENTED_LINE, text))
    return min(indents, key=len, default=DEFAULT_INDENT)


@record
class _Style:
    """How a document writes its JSON, so that new text looks like its neighbours."""

    indent: str
    newline: str
    key_separator: str  # between a key and its value, such as ": "
    item_separator: str  # between members on one line, such as ", "


def _style_of(doc: JsonDoc, near: JsonNode | None = None) -> _Style:
    """The document's style; separators come from ``near`` when it shows them."""
    return _Style(
        indent=detect_indent(doc.text),
        newline=detect_newline(doc.text),
        key_separator=_key_separator(doc, near) or _key_separator(doc, _first_object(doc)) or ": ",
        item_separator=_item_separator(doc, near) or ", ",
    )


def _key_separator(doc: JsonDoc, node: JsonNode | None) -> str | None:
    if node is None or not node.members:
        return None
    first = node.members[0]
    between = doc.text[first.key_end : first.value.start]
    return None if "\n" in between else between


def _item_separator(doc: JsonDoc, node: JsonNode | None) -> str | None:
    if node is None:
        return None
    children = [m.value for m in node.members] or list(node.items)
    if len(children) < 2:
        return None
    first_end = children[0].end
    next_start = node.members[1].key_start if node.members else children[1].start
    between = doc.text[first_end:next_start]
    return between if "\n" not in between and between.count(",") == 1 else None


def _first_object(doc: JsonDoc) -> JsonNode | None:
    """The first object, in document order, that has members (iteratively: no recursion)."""
    pending = [doc.root]
    while pending:
        node = pending.pop()
        if node.members:
            return node
        pending.extend(reversed(node.items))
    return None


def _line_indent(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    indent = re.compile(_INDENT).match(text, line_start)
    return indent.group() if indent else ""


def _member_indent(doc: JsonDoc, obj: JsonNode, anchor: JsonMember, style: _Style) -> str:
    """The indent of a member line: the anchor's, else a sibling's that starts its own line."""
    for member in (anchor, *obj.members):
        indent = _line_indent(doc.text, member.key_start)
        line_start = doc.text.rfind("\n", 0, member.key_start) + 1
        if line_start + len(indent) == member.key_start:
            return indent
    return _line_indent(doc.text, obj.start) + style.indent


def _is_one_line(doc: JsonDoc, node: JsonNode) -> bool:
    return "\n" not in doc.text[node.start : node.end]


# --------------------------------------------------------------------------- splicing


def replace_value(doc: JsonDoc, path: JsonPath, new_value: JsonInput) -> str:
    """The text with the value at ``path`` replaced by ``new_value``; nothing else changes.

    An object or array is written one member per line with the document's indent unit, or on
    one line when it replaces a non-empty container written on one line (``["FEAT", "BUG"]``)
    or when the whole document is written on one line.
    """
    node = _node_at(doc, path)
    was_one_line = bool(node.members or node.items) and _is_one_line(doc, node)
    keeps_one_line = was_one_line or _is_one_line(doc, doc.root)
    style = _style_of(doc, node)
    base = _line_indent(doc.text, node.start)
    encoded = _encode(new_value, style, base, one_line=keeps_one_line)
    return _splice(doc.text, node.start, node.end, encoded)


def insert_member(
    doc: JsonDoc, object_path: JsonPath, key: str, value: JsonInput, after: str | None = None
) -> str:
    """The text with ``"key": value`` added to the object at ``object_path``.

    It goes after member ``after``, or last when ``after`` is None or absent, written like its
    neighbours: one member per line in a multi-line object, inline in a one-line object. An
    empty object becomes multi-line, unless the whole document is written on one line.
    """
    obj = _object_at(doc, object_path)
    if obj.member(key) is not None:
        raise ValueError(f"{doc.path}: {_format_path(object_path)} already has a member '{key}'")
    if not obj.members:
        return _fill_empty_object(doc, obj, key, value)
    anchor = (obj.member(after) if after is not None else None) or obj.members[-1]
    style = _style_of(doc, obj)
    quoted_key = json.dumps(key, ensure_ascii=False)
    if _is_one_line(doc, obj):
        encoded = _encode(value, style, "", one_line=True)
        insertion = f"{style.item_separator}{quoted_key}{style.key_separator}{encoded}"
    else:
        indent = _member_indent(doc, obj, anchor, style)
        encoded = _encode(value, style, indent, one_line=False)
        insertion = f",{style.newline}{indent}{quoted_key}{style.key_separator}{encoded}"
    # Right after the anchor's value: its own ',' (if any) then follows the new member.
    return _splice(doc.text, anchor.value.end, anchor.value.end, insertion)


def remove_member(doc: JsonDoc, object_path: JsonPath, key: str) -> str:
    """The text without member ``key`` of the object at ``object_path``, its comma and line."""
    obj = _object_at(doc, object_path)
    index = next((i for i, m in enumerate(obj.members) if m.key == key), None)
    if index is None:
        raise LookupError(f"{doc.path}: {_format_path(object_path)} has no member '{key}'")
    members = obj.members
    if len(members) == 1:
        return _splice(doc.text, obj.start + 1, obj.end - 1, "")
    if index < len(members) - 1:
        # From this key to the next one: the member, its ',' and the line break before the next.
        return _splice(doc.text, members[index].key_start, members[index + 1].key_start, "")
    # The last member: from the end of the previous value, taking the ',' that preceded it.
    return _splice(doc.text, members[index - 1].value.end, members[index].value.end, "")


def _fill_empty_object(doc: JsonDoc, obj: JsonNode, key: str, value: JsonInput) -> str:
    style = _style_of(doc)
    quoted_key = json.dumps(key, ensure_ascii=False)
    if _is_one_line(doc, doc.root):
        # A document written on one line stays on one line.
        encoded = _encode(value, style, "", one_line=True)
        return _splice(
            doc.text, obj.start + 1, obj.end - 1, quoted_key + style.key_separator + encoded
        )
    base = _line_indent(doc.text, obj.start)
    inner = base + style.indent
    encoded = _encode(value, style, inner, one_line=False)
    body = f"{style.newline}{inner}{quoted_key}{style.key_separator}{encoded}{style.newline}{base}"
    return _splice(doc.text, obj.start + 1, obj.end - 1, body)


def _encode(value: JsonInput, style: _Style, base_indent: str, *, one_line: bool) -> str:
    """JSON text for ``value``; continuation lines start with ``base_indent``."""
    if one_line:
        return json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            separators=(style.item_separator, style.key_separator),
        )
    encoded = json.dumps(
        value,
        ensure_ascii=False,
        allow_nan=False,
        indent=style.indent,
        separators=(",", style.key_separator),
    )
    # json.dumps escapes newlines inside strings, so every "\n" here is a line break.
    return encoded.replace("\n", style.newline + base_indent)


def _splice(text: str, start: int, end: int, replacement: str) -> str:
    return text[:start] + replacement + text[end:]


def _node_at(doc: JsonDoc, path: JsonPath) -> JsonNode:
    node = doc.node(path)
    if node is None:
        raise LookupError(f"{doc.path} has no value at {_format_path(path)}")
    return node


def _object_at(doc: JsonDoc, path: JsonPath) -> JsonNode:
    node = _node_at(doc, path)
    if node.kind != "object":
        raise ValueError(f"{doc.path}: the value at {_format_path(path)} is not an object")
    return node


def _format_path(path: JsonPath) -> str:
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)


# --------------------------------------------------------------------------- owned values


def diagnostic_at(doc: JsonDoc, path: JsonPath, code: str, message: str, hint: str) -> Diagnostic:
    """A diagnostic at the deepest part of ``path`` that exists in the document."""
    for end in range(len(path), -1, -1):
        node = doc.node(path[:end])
        if node is not None:
            line, column = doc.position(node.start)
            return Diagnostic(doc.path, line, column, Severity.ERROR, code, message, hint)
    return Diagnostic(doc.path, 1, 1, Severity.ERROR, code, message, hint)


def require_object(doc: JsonDoc, path: JsonPath, what: str) -> None:
    kind = doc.kind(path)
    if kind == "object":
        return
    found = "is missing" if kind is None else f"is {_article(kind)} {kind}, not an object"
    hint = "routecfg edits this object in place; restore it by hand"
    raise RoutecfgError([diagnostic_at(doc, path, "RC303", f"{what} {found}", hint)])


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def set_members(
    text: str,
    path: str,
    object_path: JsonPath,
    wanted: Mapping[str, JsonInput],
    doc: JsonDoc | None = None,
) -> str:
    """The text with each wanted member of the object at ``object_path`` set; others untouched.

    ``doc``, when given, is the parse of ``text``: it is reused until an edit changes the text.
    """
    for key, value in wanted.items():
        doc = jsontext.reparse(doc, text, path)
        if doc.kind((*object_path, key)) is None:
            present = [m.key for m in doc.node(object_path).members]  # type: ignore[union-attr]
            anchor = insertion_anchor(key, list(wanted), present)
            text = insert_member(doc, object_path, key, value, after=anchor)
        elif not same(_value_at(doc, (*object_path, key)), value):
            text = replace_value(doc, (*object_path, key), value)
    return text


def _value_at(doc: JsonDoc, path: JsonPath) -> Any:
    value: Any = doc.value
    for step in path:
        value = value[step]
    return value


def schema_errors(doc: JsonDoc, schema: Mapping[str, Any], against: str) -> Iterator[Diagnostic]:
    """The document against a JSON Schema, each error at its place in the document."""
    if jsonvalid.is_valid(doc.value, schema):
        return  # surely valid: jsonschema (slow to import) is asked only to explain errors
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import UnknownType
    from jsonschema.validators import validator_for
    from referencing.exceptions import Unresolvable

    validator = validator_for(schema, default=Draft7Validator)(schema)
    try:
        errors = list(validator.iter_errors(doc.value))
    except (UnknownType, Unresolvable, ValueError, LookupError) as problem:
        first_line = str(problem).strip().splitlines()[0]
        yield diagnostic_at(
            doc,
            (),
            "RC306",
            f"cannot check the document against {against}: {first_line}",
            "fix the schema (`routecfg check` reports what is wrong in it)",
        )
        return
    yield from _placed(
        doc,
        errors,
        "RC305",
        lambda where, message: f"{where}: {message} (checked against {against})",
        "fix the value, or the spec that produced it",
    )


def schema_problems(doc: JsonDoc) -> Iterator[Diagnostic]:
    """A JSON Schema document that is not a valid schema, at the offending place."""
    if not isinstance(doc.value, dict):
        yield diagnostic_at(doc, (), "RC306", "a JSON Schema is an object", "restore the schema")
        return
    if doc.value.get("$schema", jsonvalid.DRAFT7[0]) in jsonvalid.DRAFT7:
        meta = jsonvalid.draft7_metaschema()
        if meta is not None and jsonvalid.is_valid(doc.value, meta):
            return
    from jsonschema import Draft7Validator
    from jsonschema.validators import validator_for

    cls = validator_for(doc.value, default=Draft7Validator)
    yield from _placed(
        doc,
        cls(cls.META_SCHEMA).iter_errors(doc.value),
        "RC306",
        lambda where, message: f"not a valid JSON Schema: {where}: {message}",
        "fix the schema by hand; routecfg edits only its routing properties",
    )


def _placed(
    doc: JsonDoc,
    errors: Iterable[ValidationError],
    code: str,
    message: Callable[[str, str], str],
    hint: str,
) -> Iterator[Diagnostic]:
    """Each validation error as a diagnostic at the place in ``doc`` it is about."""
    from jsonschema.exceptions import best_match

    for error in errors:
        relevant = best_match([error]) or error
        where = ".".join(str(p) for p in relevant.absolute_path) or "the document"
        path = tuple(relevant.absolute_path)
        yield diagnostic_at(doc, path, code, message(where, relevant.message), hint)
