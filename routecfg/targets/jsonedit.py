"""Setting owned values in a JSON document by splicing, and checking it against a schema."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.targets import jsontext
from routecfg.targets.jsontext import JsonDoc, JsonInput, JsonPath
from routecfg.targets.routing import insertion_anchor, same


def diagnostic_at(doc: JsonDoc, path: JsonPath, code: str, message: str, hint: str) -> Diagnostic:
    """A diagnostic at the deepest part of ``path`` that exists in the document."""
    for end in range(len(path), -1, -1):
        node = doc.node(path[:end])
        if node is not None:
            line, column = doc.position(node.start)
            return Diagnostic(doc.path, line, column, Severity.ERROR, code, message, hint)
    return Diagnostic(doc.path, 1, 1, Severity.ERROR, code, message, hint)


def require_object(doc: JsonDoc, path: JsonPath, what: str) -> None:
    node = doc.node(path)
    if node is not None and node.kind == "object":
        return
    found = "is missing" if node is None else f"is {_article(node.kind)} {node.kind}, not an object"
    hint = "routecfg edits this object in place; restore it by hand"
    raise RoutecfgError([diagnostic_at(doc, path, "RC303", f"{what} {found}", hint)])


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def set_members(
    text: str, path: str, object_path: JsonPath, wanted: Mapping[str, JsonInput]
) -> str:
    """The text with each wanted member of the object at ``object_path`` set; others untouched."""
    for key, value in wanted.items():
        doc = jsontext.parse(text, path)
        node = doc.node((*object_path, key))
        if node is None:
            present = [m.key for m in doc.node(object_path).members]  # type: ignore[union-attr]
            anchor = insertion_anchor(key, list(wanted), present)
            text = jsontext.insert_member(doc, object_path, key, value, after=anchor)
        elif not same(_value_at(doc, (*object_path, key)), value):
            text = jsontext.replace_value(doc, (*object_path, key), value)
    return text


def _value_at(doc: JsonDoc, path: JsonPath) -> Any:
    value: Any = doc.value
    for step in path:
        value = value[step]
    return value


def schema_errors(doc: JsonDoc, schema: Mapping[str, Any], against: str) -> Iterator[Diagnostic]:
    """The document against a JSON Schema, each error at its place in the document."""
    for error in Draft7Validator(schema).iter_errors(doc.value):
        relevant = best_match([error]) or error
        where = ".".join(str(p) for p in relevant.absolute_path) or "the document"
        yield diagnostic_at(
            doc,
            tuple(relevant.absolute_path),
            "RC305",
            f"{where}: {relevant.message} (checked against {against})",
            "fix the value, or the spec that produced it",
        )
