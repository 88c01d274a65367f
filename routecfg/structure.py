"""The spec against its own JSON Schema, every error mapped to the YAML position it is about."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from routecfg import jsonvalid, resources
from routecfg.diagnostics import Diagnostic, did_you_mean
from routecfg.spec import PathKey, Source

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

SUPPORTED_VERSION = 1

_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "null": "empty",
}


def dotted(path: PathKey) -> str:
    """``gates.plan.fallback[0]``; the empty path is the whole spec."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the spec"


def describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string '{value}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def check_version(source: Source) -> list[Diagnostic]:
    """Format 1 alone is understood; another version is reported before anything else."""
    data = source.data
    if not isinstance(data, dict) or "version" not in data:
        return []
    version = data["version"]
    if isinstance(version, int) and not isinstance(version, bool) and version != SUPPORTED_VERSION:
        return [
            source.diagnostic(
                ("version",),
                "RC110",
                f"unsupported spec version {version}: this routecfg reads version "
                f"{SUPPORTED_VERSION}",
                f"set `version: {SUPPORTED_VERSION}`, or upgrade routecfg",
            )
        ]
    return []


def check_structure(source: Source) -> list[Diagnostic]:
    """Every place where the spec does not match ``schemas/routecfg.schema.json``."""
    schema = resources.load_schema(resources.SPEC_SCHEMA)
    if jsonvalid.is_valid(source.data, schema):
        return []  # surely valid: jsonschema (slow to import) is asked only to explain errors
    from jsonschema import Draft7Validator

    validator = Draft7Validator(schema)
    found: list[Diagnostic] = []
    for error in validator.iter_errors(source.data):
        found.extend(_describe(_most_relevant(error), source))
    return found


def _most_relevant(error: ValidationError) -> ValidationError:
    from jsonschema.exceptions import best_match

    if error.validator == "oneOf" and _all_type_errors(error):
        return error  # "a path or a list of paths" says it better than either branch
    if error.context:
        best = best_match(error.context)
        return best if best is not None else error
    return error


def _all_type_errors(error: ValidationError) -> bool:
    return all(sub.validator == "type" for sub in error.context or [])


def _describe(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path: PathKey = tuple(error.absolute_path)
    where = f"'{dotted(path)}'" if path else "the spec"
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    kind = error.validator

    if kind == "additionalProperties" and isinstance(instance, dict):
        yield from _unknown_fields(source, path, instance, schema)
    elif kind == "required" and isinstance(instance, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                hint = properties.get(name, {}).get("description")
                yield source.diagnostic(
                    path,
                    "RC103",
                    f"{where} is missing the required field '{name}'",
                    f"add `{name}:` — {hint}" if hint else f"add `{name}:`",
                    key=True,
                )
    elif kind == "type":
        wanted = schema.get("type")
        types = wanted if isinstance(wanted, list) else [wanted]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
        yield _wrong_type(source, path, where, words, instance, schema)
    elif kind == "oneOf":
        words = " or ".join(
            _TYPE_WORDS.get(str(branch.get("type")), "something else")
            for branch in schema.get("oneOf", [])
        )
        words = words.replace("a string or a list", "a path or a list of paths")
        yield _wrong_type(source, path, where, words, instance, schema)
    elif kind == "pattern" and _is_property_name(error):
        name = str(instance)
        yield source.diagnostic(
            (*path, name),
            "RC104",
            f"'{name}' is not a valid name in {where}",
            _pattern_hint(str(error.validator_value)),
            key=True,
        )
    else:
        yield source.diagnostic(path, *_value_problem(error, where, schema))


def _wrong_type(
    source: Source, path: PathKey, where: str, words: str, instance: Any, schema: Mapping[str, Any]
) -> Diagnostic:
    # At the key: a block value (or an empty one) starts on a later line than the mistake.
    message = f"{where} must be {words}, not {describe(instance)}"
    return source.diagnostic(path, "RC102", message, _field_hint(schema), key=True)


def _is_property_name(error: ValidationError) -> bool:
    return "propertyNames" in error.schema_path


def _unknown_fields(
    source: Source, path: PathKey, instance: dict[str, Any], schema: Mapping[str, Any]
) -> Iterator[Diagnostic]:
    allowed = sorted(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    where = f"'{dotted(path)}'" if path else "the spec"
    for name in instance:
        if name in allowed or any(p.search(name) for p in patterns):
            continue
        match = did_you_mean(name, allowed)
        hint = f"did you mean '{match}'?" if match else f"allowed fields: {', '.join(allowed)}"
        yield source.diagnostic(
            (*path, name), "RC101", f"unknown field '{name}' in {where}", hint, key=True
        )


def _value_problem(
    error: ValidationError, where: str, schema: Mapping[str, Any]
) -> tuple[str, str, str | None]:
    kind, limit, instance = error.validator, error.validator_value, error.instance
    hint = _field_hint(schema)
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[str(kind)]
        return "RC104", f"{where} must be {relation} {limit}, not {instance}", hint
    if kind == "enum" and isinstance(limit, list):
        options = ", ".join(str(o) for o in limit)
        return "RC104", f"{where} must be one of: {options}; not {describe(instance)}", hint
    if kind in ("minProperties", "minItems", "minLength"):
        return "RC104", f"{where} must not be empty", hint
    if kind == "uniqueItems" and isinstance(instance, Sequence):
        repeated = sorted({str(i) for i in instance if list(instance).count(i) > 1})
        return "RC104", f"{where} lists {', '.join(repeated)} more than once", "list each once"
    if kind == "pattern":
        return (
            "RC104",
            f"{describe(instance)} is not a valid value for {where}",
            _pattern_hint(str(limit)),
        )
    return "RC100", f"{where}: {error.message}", hint


def _field_hint(schema: Mapping[str, Any]) -> str | None:
    description = schema.get("description")
    return str(description) if description else None


def _pattern_hint(pattern: str) -> str:
    if pattern.startswith("^[a-z][a-z0-9_]*"):
        return "use lower-case letters, digits and '_', starting with a letter"
    if pattern.startswith("^[a-z][a-z0-9_-]*"):
        return "use lower-case letters, digits, '_' and '-', starting with a letter"
    if pattern.startswith("^[A-Za-z][A-Za-z0-9_]*"):
        return "use letters, digits and '_', starting with a letter (e.g. entryModelPlan)"
    return "model names are letters, digits and . _ : / @ + -, starting with a letter or digit"


# -- every error at once -------------------------------------------------------------------------

MAX_PRUNE_ROUNDS = 64  # each round removes at least one node; nesting is capped at 64 levels


def well_formed_part(data: Any) -> tuple[Any, frozenset[tuple[str, str]]] | None:
    """The spec without the parts its JSON Schema rejects, so the semantic rules can still run
    on the rest (an unknown field never hides an unknown tier elsewhere).

    A bad value is cut out; an unknown field is dropped; an object missing a required field is
    cut out whole; a bad list item takes its list with it (later items keep their positions).
    Returns the remaining data and the ``(section, name)`` of every tier and gate cut out, or
    None when what is left is not a spec (the top level itself is wrong)."""
    from jsonschema import Draft7Validator  # only for a spec that has errors

    validator = Draft7Validator(resources.load_schema(resources.SPEC_SCHEMA))
    data = _copy(data)
    removed: set[tuple[str, str]] = set()
    for _ in range(MAX_PRUNE_ROUNDS):
        errors = list(validator.iter_errors(data))
        if not errors:
            return data, frozenset(removed)
        for error in errors:
            path = _cut_point(error)
            if not path:
                return None
            if len(path) >= 2 and path[0] in ("tiers", "gates"):
                removed.add((str(path[0]), str(path[1])))
            _remove(data, path)
    return None


def _cut_point(error: ValidationError) -> PathKey:
    path: PathKey = tuple(error.absolute_path)
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = schema.get("properties", {})
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        unknown = [
            n for n in error.instance if n not in allowed and not any(p.search(n) for p in patterns)
        ]
        return (*path, unknown[0]) if unknown else path
    if error.validator == "propertyNames" or _is_property_name(error):
        return (*path, error.instance) if isinstance(error.instance, str) else path
    # A list item is cut with its list, so later items keep the indices positions are kept by.
    for index, part in enumerate(path):
        if isinstance(part, int):
            return path[:index]
    return path


def _remove(data: Any, path: PathKey) -> None:
    parent = data
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (LookupError, TypeError):
            return  # already cut with an enclosing node
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
