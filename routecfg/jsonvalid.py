"""Whether a document is valid against a Draft 7 JSON Schema, answered without jsonschema.

Importing jsonschema costs a cold `routecfg check` more than all its own work, and nearly every
check validates documents that are valid. :func:`is_valid` answers "valid" only when it is sure,
for the keywords routecfg's schemas and the Draft 7 meta-schema use; for anything else (an error,
a keyword or a value it does not fully decide, another draft) it answers False, and the caller
asks jsonschema, whose errors become the diagnostics as before. So it may only ever be stricter
than jsonschema, never more lenient: tests/test_jsonvalid.py holds it to that.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

DRAFT7 = ("http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema")

# Draft 7 keywords that assert nothing, left out of _KEYWORDS, so valid() passes over them as
# over keywords Draft 7 does not know: $schema, $id, $comment, title, description, default,
# examples, definitions (containers reached through $ref), readOnly, writeOnly, contentMediaType,
# contentEncoding, and format (not asserted: routecfg's validators run without a format checker).
# Draft 7 keywords that assert something but are not decided here: jsonschema decides them.
_UNDECIDED = frozenset(
    {"additionalItems", "contains", "const", "dependencies", "if", "then", "else", "maxProperties"}
)


class _Unsure(Exception):
    """Not decided here; jsonschema will say."""


def is_valid(instance: Any, schema: Any) -> bool:
    """True only when ``instance`` is surely valid against the Draft 7 ``schema``."""
    if isinstance(schema, Mapping) and schema.get("$schema", DRAFT7[0]) not in DRAFT7:
        return False
    try:
        return _Validator(schema).valid(instance, schema)
    except Exception:  # _Unsure, or a schema malformed in a way jsonschema reports better
        return False


def draft7_metaschema() -> Any:
    """The Draft 7 meta-schema, read from jsonschema's own data files without importing it;
    None when they cannot be found."""
    return _metaschema()


@functools.cache
def _metaschema() -> Any:
    for folder in _package_folders("jsonschema_specifications"):
        path = folder / "schemas" / "draft7" / "metaschema.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def _package_folders(name: str) -> list[Path]:
    """The folders of the installed package ``name``: the first ``sys.path`` entry that holds
    it as a regular package, where the import system's path finder finds it, without importing
    importlib.util (most of a millisecond of a cold check); else the import system's answer."""
    for entry in sys.path:
        folder = Path(entry, name)
        if (folder / "__init__.py").is_file():
            return [folder]
    import importlib.util

    found = importlib.util.find_spec(name)
    return [Path(f) for f in found.submodule_search_locations or []] if found is not None else []


@functools.lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "number":
        return _is_number(value)
    if name == "integer":
        if isinstance(value, float) and value.is_integer():
            raise _Unsure  # 1.0 is an integer to jsonschema: let it say so
        return isinstance(value, int) and not isinstance(value, bool)
    raise _Unsure


def _same(value: Any, other: Any) -> bool:
    """Equal as JSON values, for plain scalars; anything else is left to jsonschema."""
    if isinstance(value, dict | list) or isinstance(other, dict | list):
        raise _Unsure
    if type(value) is not type(other) and _is_number(value) and _is_number(other):
        raise _Unsure  # 1 equals 1.0 to jsonschema
    return type(value) is type(other) and value == other


class _Validator:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.resolved: dict[str, Any] = {}

    def valid(self, instance: Any, schema: Any) -> bool:
        """Whether ``instance`` is valid against ``schema``: each keyword in turn (a loop, not
        ``all()`` over a generator: this runs once per value and subschema)."""
        if schema is True:
            return True
        if schema is False:
            return False
        if type(schema) is not dict and not isinstance(schema, Mapping):  # dict: the quick test
            raise _Unsure
        if "$id" in schema and schema is not self.root:
            raise _Unsure  # a nested base URI changes what references mean
        if "$ref" in schema:  # Draft 7: a $ref's siblings are ignored
            return self.valid(instance, self.resolve(schema["$ref"]))
        for name, value in schema.items():
            check = _KEYWORDS.get(name)
            if check is None:
                if name in _UNDECIDED:
                    raise _Unsure
                # annotations, and keywords Draft 7 does not know (ignored by jsonschema)
            elif not check(self, value, instance, schema):
                return False
        return True

    def resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str):
            raise _Unsure
        found = self.resolved.get(ref, _NOT_RESOLVED)
        if found is _NOT_RESOLVED:
            found = self.resolved[ref] = self._resolve(ref)
        return found

    def _resolve(self, ref: str) -> Any:
        if not (ref == "#" or ref.startswith("#/")):
            raise _Unsure
        node = self.root
        for part in ref[2:].split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if "%" in part or not isinstance(node, Mapping) or part not in node:
                raise _Unsure
            node = node[part]
        return node


_NOT_RESOLVED = object()


def _type(v: _Validator, wanted: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    for name in wanted if isinstance(wanted, list) else [wanted]:
        if _is_type(instance, str(name)):
            return True
    return False


def _properties(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    if not isinstance(instance, dict):
        return True
    if len(instance) < len(value) and type(value) is dict:  # the smaller side first (Draft 7's
        # meta-schema lists 30 properties, a subschema uses a few)
        for key, item in instance.items():
            if key in value and not v.valid(item, value[key]):
                return False
        return True
    for key, sub in value.items():
        if key in instance and not v.valid(instance[key], sub):
            return False
    return True


def _pattern_properties(
    v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]
) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(
        v.valid(item, sub)
        for pattern, sub in value.items()
        for key, item in instance.items()
        if _pattern(pattern).search(key)
    )


def _additional(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    if not isinstance(instance, dict):
        return True
    known = schema.get("properties", {})
    patterns = [_pattern(p) for p in schema.get("patternProperties", {})]
    extra = [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
    if value is False:
        return not extra
    return all(v.valid(instance[k], value) for k in extra)


def _required(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    if not isinstance(value, list):
        raise _Unsure
    return not isinstance(instance, dict) or all(name in instance for name in value)


def _min_properties(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, dict) or len(instance) >= value


def _property_names(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, dict) or all(v.valid(key, value) for key in instance)


def _items(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    if not isinstance(instance, list):
        return True
    if isinstance(value, list):
        raise _Unsure  # positional items: left to jsonschema
    return all(v.valid(item, value) for item in instance)


def _min_items(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, list) or len(instance) >= value


def _max_items(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, list) or len(instance) <= value


def _unique(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    if not value or not isinstance(instance, list):
        return True
    if not all(isinstance(item, str) for item in instance):
        raise _Unsure
    return len(set(instance)) == len(instance)


def _min_length(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, str) or len(instance) >= value


def _max_length(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, str) or len(instance) <= value


def _pattern_keyword(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not isinstance(instance, str) or _pattern(value).search(instance) is not None


def _bound(compare: str) -> Any:
    def check(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
        if not _is_number(instance):
            return True
        if not _is_number(value):
            raise _Unsure
        if compare == "minimum":
            return bool(instance >= value)
        if compare == "maximum":
            return bool(instance <= value)
        if compare == "exclusiveMinimum":
            return bool(instance > value)
        return bool(instance < value)

    return check


def _enum(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    if type(instance) is str:  # _same, unrolled for the common case: a string
        for option in value:
            if type(option) is str:
                if option == instance:
                    return True
            elif isinstance(option, dict | list):
                raise _Unsure
        return False
    return any(_same(instance, option) for option in value)


def _any_of(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return any(v.valid(instance, sub) for sub in value)


def _all_of(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return all(v.valid(instance, sub) for sub in value)


def _one_of(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return sum(1 for sub in value if v.valid(instance, sub)) == 1


def _not(v: _Validator, value: Any, instance: Any, schema: Mapping[str, Any]) -> bool:
    return not v.valid(instance, value)


_KEYWORDS = {
    "type": _type,
    "properties": _properties,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional,
    "required": _required,
    "minProperties": _min_properties,
    "propertyNames": _property_names,
    "items": _items,
    "minItems": _min_items,
    "maxItems": _max_items,
    "uniqueItems": _unique,
    "minLength": _min_length,
    "maxLength": _max_length,
    "pattern": _pattern_keyword,
    "minimum": _bound("minimum"),
    "maximum": _bound("maximum"),
    "exclusiveMinimum": _bound("exclusiveMinimum"),
    "exclusiveMaximum": _bound("exclusiveMaximum"),
    "enum": _enum,
    "anyOf": _any_of,
    "allOf": _all_of,
    "oneOf": _one_of,
    "not": _not,
}
