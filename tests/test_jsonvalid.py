"""jsonvalid may only ever be stricter than jsonschema: when it says valid, jsonschema must agree.

Checked on every spec, preset and schema of the test corpus, the examples and the upstream
fixtures, and on many broken variants of them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from routecfg import jsonvalid, resources
from routecfg.diagnostics import RoutecfgError
from routecfg.spec import parse_yaml
from tests.conftest import REPO, TESTS

SPEC_SCHEMA = resources.load_schema(resources.SPEC_SCHEMA)
BACKLOG_SCHEMA = resources.load_schema(resources.BACKLOG_SCHEMA)
META = Draft7Validator.META_SCHEMA


def _specs() -> list[Path]:
    found = [*TESTS.glob("cases/**/routecfg.yaml"), *REPO.glob("presets/*.yaml")]
    return sorted([*found, *REPO.glob("examples/*/routecfg.yaml")])


def _data(path: Path) -> Any:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"), path.name)[0]
    except (RoutecfgError, UnicodeDecodeError):
        return None


def _jsonschema_valid(instance: Any, schema: Any) -> bool:
    try:
        return not list(Draft7Validator(schema).iter_errors(instance))
    except Exception:  # a broken schema (an unknown type, say): jsonschema calls nothing valid
        return False


def _agrees(instance: Any, schema: Any) -> bool:
    """Never valid where jsonschema finds an error."""
    return not jsonvalid.is_valid(instance, schema) or _jsonschema_valid(instance, schema)


def test_every_spec_in_the_corpus_is_decided_as_jsonschema_decides_it() -> None:
    decided = 0
    for path in _specs():
        data = _data(path)
        if data is None:
            continue
        fast, slow = jsonvalid.is_valid(data, SPEC_SCHEMA), _jsonschema_valid(data, SPEC_SCHEMA)
        assert fast == slow, path
        decided += fast
    assert decided >= 20  # the fast answer is really used


def _json_files(upstream_root: Path | None) -> Iterator[Path]:
    roots = [TESTS / "cases", REPO / "examples"]
    if upstream_root is not None:
        roots.append(upstream_root)
    for root in roots:
        yield from sorted(root.rglob("*.json"))


def test_every_preset_and_schema_is_decided_as_jsonschema_decides_it(upstream: Path) -> None:
    schemas = [BACKLOG_SCHEMA]
    documents = []
    for path in _json_files(upstream):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # not UTF-8, not JSON: cases of bad input
            continue
        documents.append((path, document))
        if (
            isinstance(document, dict)
            and "properties" in document
            and _jsonschema_valid(document, META)
        ):
            schemas.append(document)
    valid = 0
    for path, document in documents:
        fast, slow = jsonvalid.is_valid(document, META), _jsonschema_valid(document, META)
        assert fast == slow, path
        for schema in schemas:
            fast, slow = jsonvalid.is_valid(document, schema), _jsonschema_valid(document, schema)
            assert fast == slow, path
            valid += fast
    assert valid >= 10


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


REPLACEMENTS: list[Any] = [
    None,
    True,
    0,
    1,
    -1,
    1.0,
    Decimal("0.5"),
    Decimal("-2"),
    "",
    "x",
    "Not A Name",
    [],
    ["text", "text"],
    [1],
    {},
    {"unknown": 1},
]


def _mutants(document: Any) -> Iterator[Any]:
    for path in _paths(document):
        if not path:
            continue
        *parents, last = path
        for replacement in REPLACEMENTS:
            mutant = copy.deepcopy(document)
            target = mutant
            for step in parents:
                target = target[step]
            target[last] = replacement
            yield mutant
        mutant = copy.deepcopy(document)
        target = mutant
        for step in parents:
            target = target[step]
        if isinstance(target, dict):
            del target[last]
            yield mutant
            mutant = copy.deepcopy(document)
            target = mutant
            for step in parents:
                target = target[step]
            target[f"{last}_x"] = 1
            yield mutant


@pytest.mark.parametrize(
    "name", ["examples/backlog-toolkit/routecfg.yaml", "presets/cost-optimized.yaml"]
)
def test_broken_variants_of_a_spec_are_never_called_valid(name: str) -> None:
    document = _data(REPO / name)
    assert document is not None
    count = 0
    for mutant in _mutants(document):
        assert _agrees(mutant, SPEC_SCHEMA), mutant
        count += 1
    assert count > 500


def test_broken_variants_of_a_preset_and_a_schema_are_never_called_valid() -> None:
    example = REPO / "examples" / "backlog-toolkit" / "config"
    preset = json.loads((example / "presets" / "default.json").read_text(encoding="utf-8"))
    for mutant in _mutants(preset):
        assert _agrees(mutant, BACKLOG_SCHEMA), mutant
    for mutant in _mutants(BACKLOG_SCHEMA):
        assert _agrees(mutant, META), mutant


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        (1.0, {"type": "integer"}),  # an integer to jsonschema
        (1.0, {"enum": [1]}),  # equal to jsonschema
        ([1, 1.0], {"uniqueItems": True}),
        ({"a": 1}, {"dependencies": {"a": ["b"]}}),  # not decided here
        (1, {"$schema": "https://json-schema.org/draft/2020-12/schema"}),  # another draft
        (1, {"$ref": "other.json#/x"}),  # a remote reference
        ([1], {"items": [{"type": "string"}]}),  # positional items
        ({}, {"required": "name"}),  # a malformed schema
    ],
)
def test_what_it_does_not_decide_it_leaves_to_jsonschema(instance: Any, schema: Any) -> None:
    assert jsonvalid.is_valid(instance, schema) is False


@pytest.mark.parametrize(
    ("instance", "schema", "expected"),
    [
        (True, {"type": "integer"}, False),
        (Decimal("1.5"), {"type": "number", "minimum": 2}, False),
        (Decimal("2"), {"type": "number", "exclusiveMinimum": 1}, True),
        ("ab", {"pattern": "^a", "maxLength": 2}, True),
        ({"b": 1}, {"propertyNames": {"pattern": "^a"}}, False),
        ({"a1": "x"}, {"patternProperties": {"^a": {"type": "integer"}}}, False),
        ([1, 2], {"type": "array", "maxItems": 1}, False),
        (1, {"oneOf": [{"type": "integer"}, {"type": "number"}]}, False),
        (1, {"anyOf": [{"type": "string"}, {"not": {"type": "string"}}]}, True),
        ("x", {"allOf": [{"type": "string"}, {"minLength": 2}]}, False),
        (1, {"definitions": {"n": {"type": "string"}}, "$ref": "#/definitions/n"}, False),
        ("x", {"definitions": {"n": {"type": "string"}}, "$ref": "#/definitions/n"}, True),
    ],
)
def test_keywords(instance: Any, schema: Any, expected: bool) -> None:
    assert jsonvalid.is_valid(instance, schema) is expected
    assert _jsonschema_valid(instance, schema) is expected


def test_the_draft7_metaschema_is_jsonschemas_own() -> None:
    assert jsonvalid.draft7_metaschema() == META
