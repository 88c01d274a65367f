"""Byte-preserving JSON: strict parsing with positions, and edits that leave other bytes alone."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.targets import jsonedit, jsontext
from routecfg.targets.jsontext import JsonDoc, JsonNode, JsonPath
from tests.conftest import SNAPSHOTS

ROUTING = ("llmOps", "routing")
SCHEMA_ROUTING = ("properties", "llmOps", "properties", "routing", "properties")
ENTRY_MODEL_PLAN = {
    "type": "string",
    "description": "Model alias for planning gates (text-only, no tool_use).",
    "default": "free",
}


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def parse(text: str) -> JsonDoc:
    return jsontext.parse(text, "f.json")


def parse_error(text: str) -> tuple[Diagnostic, ...]:
    with pytest.raises(RoutecfgError) as caught:
        parse(text)
    return caught.value.diagnostics


def one_line_summary(text: str) -> str:
    """The single diagnostic as `line:column: [code] message`."""
    (diagnostic,) = parse_error(text)
    return f"{diagnostic.line}:{diagnostic.column}: [{diagnostic.code}] {diagnostic.message}"


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "", "1:1: [RC301] invalid JSON: expected a value, found end of file", id="empty"
        ),
        pytest.param(
            '{\n  "a": 1\n  "b": 2\n}\n',
            "3:3: [RC301] invalid JSON: expected ',' or '}' after object member, found '\"'",
            id="missing-comma-object",
        ),
        pytest.param(
            "[1 2]",
            "1:4: [RC301] invalid JSON: expected ',' or ']' after array element, found '2'",
            id="missing-comma-array",
        ),
        pytest.param(
            '{\n  "a": 1,\n}',
            "2:9: [RC301] invalid JSON: trailing comma before '}'",
            id="trailing-comma-object",
        ),
        pytest.param(
            "[1, 2, ]",
            "1:6: [RC301] invalid JSON: trailing comma before ']'",
            id="trailing-comma-array",
        ),
        pytest.param(
            '{"a" 1}',
            "1:6: [RC301] invalid JSON: expected ':' after object key, found '1'",
            id="missing-colon",
        ),
        pytest.param(
            "{a: 1}",
            "1:2: [RC301] invalid JSON: expected a string key or '}', found 'a'",
            id="unquoted-key",
        ),
        pytest.param(
            '{"a": 1,, "b": 2}',
            "1:9: [RC301] invalid JSON: expected a string key after ',', found ','",
            id="double-comma",
        ),
        pytest.param(
            "['a']", "1:2: [RC301] invalid JSON: strings must use double quotes", id="single-quotes"
        ),
        pytest.param(
            '{\n  // note\n  "a": 1\n}',
            "2:3: [RC301] invalid JSON: comments are not allowed",
            id="line-comment",
        ),
        pytest.param(
            "[1] /* end */",
            "1:5: [RC301] invalid JSON: comments are not allowed",
            id="block-comment",
        ),
        pytest.param("[NaN]", "1:2: [RC301] invalid JSON: NaN is not allowed in JSON", id="nan"),
        pytest.param(
            "Infinity", "1:1: [RC301] invalid JSON: Infinity is not allowed in JSON", id="infinity"
        ),
        pytest.param(
            "[-Infinity]",
            "1:2: [RC301] invalid JSON: -Infinity is not allowed in JSON",
            id="minus-infinity",
        ),
        pytest.param(
            "[True]", "1:2: [RC301] invalid JSON: unknown literal 'True'", id="capital-literal"
        ),
        pytest.param("nul", "1:1: [RC301] invalid JSON: unknown literal 'nul'", id="short-literal"),
        pytest.param(
            '{"n": 007}',
            "1:7: [RC301] invalid JSON: leading zeros are not allowed in numbers",
            id="leading-zero",
        ),
        pytest.param(
            "[-01]",
            "1:3: [RC301] invalid JSON: leading zeros are not allowed in numbers",
            id="minus-zero-one",
        ),
        pytest.param(
            "[1.]", "1:4: [RC301] invalid JSON: expected a digit after '.'", id="bare-point"
        ),
        pytest.param(
            "1e+", "1:4: [RC301] invalid JSON: expected a digit in the exponent", id="bare-exponent"
        ),
        pytest.param(
            "[-]", "1:3: [RC301] invalid JSON: expected a digit after '-'", id="bare-minus"
        ),
        pytest.param(
            "[.5]",
            "1:2: [RC301] invalid JSON: expected a value or ']', found '.'",
            id="no-integer-part",
        ),
        pytest.param(
            "1e5.",
            "1:4: [RC301] invalid JSON: expected end of file after the JSON value, found '.'",
            id="point-after-exponent",
        ),
        pytest.param(
            '{"a": 1.5.3}',
            "1:10: [RC301] invalid JSON: expected ',' or '}' after object member, found '.'",
            id="two-points-in-object",
        ),
        pytest.param(
            '["a": 1]',
            "1:5: [RC301] invalid JSON: expected ',' or ']' after array element, found ':'",
            id="colon-in-array",
        ),
        pytest.param(
            '{"a": "b": 1}',
            "1:10: [RC301] invalid JSON: expected ',' or '}' after object member, found ':'",
            id="two-colons",
        ),
        pytest.param(
            "[1.5.3]",
            "1:5: [RC301] invalid JSON: expected ',' or ']' after array element, found '.'",
            id="two-points",
        ),
        pytest.param(
            '["abc', "1:2: [RC301] invalid JSON: unterminated string", id="unterminated-string"
        ),
        pytest.param(
            '{"a": "line\nbreak"}',
            "1:12: [RC301] invalid JSON: control character U+000A in string",
            id="newline-in-string",
        ),
        pytest.param(
            '"tab\there"',
            "1:5: [RC301] invalid JSON: control character U+0009 in string",
            id="tab-in-string",
        ),
        pytest.param(
            '"a\\x"', "1:3: [RC301] invalid JSON: invalid escape '\\x' in string", id="bad-escape"
        ),
        pytest.param(
            '"\\u12G4"', "1:2: [RC301] invalid JSON: invalid \\u escape", id="bad-unicode-escape"
        ),
        pytest.param("\ufeff{}", "1:1: [RC301] invalid JSON: unexpected byte order mark", id="bom"),
        pytest.param(
            '{"a": 1}\n}\n',
            "2:1: [RC301] invalid JSON: expected end of file after the JSON value, found '}'",
            id="trailing-garbage",
        ),
        pytest.param(
            '{"a": [1, 2}',
            "1:12: [RC301] invalid JSON: expected ',' or ']' after array element, found '}'",
            id="mismatched-bracket",
        ),
        pytest.param(
            '{"a": 1',
            "1:8: [RC301] invalid JSON: expected ',' or '}' after object member, found end of file",
            id="unclosed-object",
        ),
        pytest.param(
            "[\u00e9]",
            "1:2: [RC301] invalid JSON: expected a value or ']', found 'é'",
            id="non-ascii-character",
        ),
        pytest.param(
            "[\x00]",
            "1:2: [RC301] invalid JSON: expected a value or ']', found U+0000",
            id="nul-character",
        ),
    ],
)
def test_syntax_error_position_and_message(text: str, expected: str) -> None:
    assert one_line_summary(text) == expected


def test_syntax_error_is_one_full_diagnostic() -> None:
    text = '{\n  "a": 1\n  "b": 2\n}\n'
    assert parse_error(text) == (
        Diagnostic(
            path="f.json",
            line=3,
            column=3,
            severity=Severity.ERROR,
            code="RC301",
            message="invalid JSON: expected ',' or '}' after object member, found '\"'",
            hint="is a ',' missing between two members, or a '}' missing?",
        ),
    )


def test_unclosed_container_hint_points_at_its_opening() -> None:
    (diagnostic,) = parse_error('{\n  "a": [\n    1,\n    2\n')
    assert (diagnostic.line, diagnostic.column) == (5, 1)
    assert (
        diagnostic.message
        == "invalid JSON: expected ',' or ']' after array element, found end of file"
    )
    assert diagnostic.hint == "the '[' at line 2, column 8 is never closed"


def test_hint_for_a_string_that_spans_lines() -> None:
    (diagnostic,) = parse_error('{"a": "open\n}')
    assert diagnostic.hint == "a string cannot span lines; is its closing '\"' missing?"


def test_columns_count_characters_not_bytes() -> None:
    assert one_line_summary('["é€😀" 1]').startswith("1:8: ")


def test_deeply_nested_document_gets_a_clean_diagnostic() -> None:
    limit = jsontext.MAX_DEPTH
    (diagnostic,) = parse_error("[" * 100_000)
    assert (diagnostic.line, diagnostic.column, diagnostic.code) == (1, limit + 1, "RC301")
    assert diagnostic.message == f"invalid JSON: nesting deeper than {limit} levels"
    balanced = "[" * (limit + 1) + "]" * (limit + 1)
    assert (
        one_line_summary(balanced)
        == f"1:{limit + 1}: [RC301] invalid JSON: nesting deeper than {limit} levels"
    )


def test_nesting_up_to_the_limit_parses() -> None:
    limit = jsontext.MAX_DEPTH
    text = '{"a": ' * (limit - 1) + "[]" + "}" * (limit - 1)
    assert parse(text).value == json.loads(text)


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_keys_are_all_reported_at_the_second_key() -> None:
    text = dedent(
        """
        {
          "a": 1,
          "b": {"c": 1, "c": 2},
          "a": 3
        }
        """
    )
    assert parse_error(text) == (
        Diagnostic(
            "f.json",
            3,
            17,
            Severity.ERROR,
            "RC302",
            "duplicate key 'c' in object",
            "the first 'c' is at line 3, column 9; keep one",
        ),
        Diagnostic(
            "f.json",
            4,
            3,
            Severity.ERROR,
            "RC302",
            "duplicate key 'a' in object",
            "the first 'a' is at line 2, column 3; keep one",
        ),
    )


def test_same_key_in_different_objects_is_fine() -> None:
    assert parse('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}').value == {
        "a": {"a": 1},
        "b": [{"a": 1}, {"a": 2}],
    }


def test_keys_equal_after_unescaping_are_duplicates() -> None:
    (diagnostic,) = parse_error('{"a": 1, "\\u0061": 2}')
    assert (diagnostic.column, diagnostic.code) == (10, "RC302")


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "-0",
        "-0.0",
        "1.0",
        "1e5",
        "1E+5",
        "2.5e-3",
        "1e400",
        "123456789012345678901234567890",
        "0.1",
        "true",
        "false",
        "null",
        '""',
        '"é€😀 ünïcödé"',
        '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
        '"\\u00e9\\u20AC"',
        '"\\ud83d\\ude00"',
        '"lone \\ud83d high, lone \\ude00 low"',
        '"\x7f"',
        "[]",
        "{}",
        ' \t\r\n[1, "two", [3], {"four": 4}] \r\n',
        '{"": 0, "a b": [true, false, null]}',
    ],
)
def test_value_agrees_with_json_loads(text: str) -> None:
    # parse() reads values by the C decoder; the parser, which builds the node tree, reads the
    # same ones.
    parsed = jsontext._Parser(text, "f.json").parse()[1]
    for value in (parse(text).value, parsed):
        assert value == json.loads(text)
        # repr tells 1 from 1.0 and 0.0 from -0.0, which == does not.
        assert repr(value) == repr(json.loads(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": NaN}', "1:7: [RC301] invalid JSON: NaN is not allowed in JSON"),
        ("[Infinity]", "1:2: [RC301] invalid JSON: Infinity is not allowed in JSON"),
        ("[-Infinity]", "1:2: [RC301] invalid JSON: -Infinity is not allowed in JSON"),
        ('{"a": 1, "a": 2}', "1:10: [RC302] duplicate key 'a' in object"),
        ('[{"a": {"b": 1, "b": 1}}]', "1:17: [RC302] duplicate key 'b' in object"),
        ("[" + "9" * 4001 + "]", "1:2: [RC307] an integer of 4001 digits, too long to read"),
        ("[-" + "9" * 4000 + "]", "1:2: [RC307] an integer of 4000 digits, too long to read"),
        (
            '{"a": ' * 100 + "[]" + "}" * 100,
            "1:601: [RC301] invalid JSON: nesting deeper than 100 levels",
        ),
    ],
)
def test_what_json_loads_reads_and_the_parser_refuses_is_refused(text: str, expected: str) -> None:
    json.loads(text)  # the C decoder reads each of these ...
    assert jsontext._decoded(text) is jsontext._REFUSED  # ... which parse() does not take
    assert one_line_summary(text) == expected


def test_a_deep_document_of_few_brackets_in_strings_is_read() -> None:
    text = json.dumps({"brackets": "[{" * 200, "list": [[[1]]]})
    assert parse(text).value == json.loads(text)


def test_a_large_document_parses_to_the_same_value() -> None:
    records = [
        {"id": i, "name": f"item {i} é", "price": i / 8, "tags": ["a", "b"], "on": i % 2 == 0}
        for i in range(8000)
    ]
    text = json.dumps({"records": records, "meta": {"count": 8000}}, indent=2, ensure_ascii=False)
    assert len(text) > 1_000_000
    assert parse(text).value == json.loads(text)


# --------------------------------------------------------------------------- nodes and positions

SAMPLE = dedent(
    """
    {
      "name": "x",
      "tags": ["a", "b"],
      "nested": {
        "n": 1.0
      }
    }
    """
)


def test_node_spans_cover_exactly_the_source_of_each_value() -> None:
    doc = parse(SAMPLE)
    spans = {
        ("name",): '"x"',
        ("tags",): '["a", "b"]',
        ("tags", 1): '"b"',
        ("nested", "n"): "1.0",
        ("nested",): '{\n    "n": 1.0\n  }',
    }
    for path, source in spans.items():
        node = doc.node(path)
        assert node is not None
        assert SAMPLE[node.start : node.end] == source


def test_node_kinds_and_members() -> None:
    doc = parse(SAMPLE)
    root = doc.node(())
    assert root is doc.root
    assert [m.key for m in root.members] == ["name", "tags", "nested"]
    assert [SAMPLE[m.key_start : m.key_end] for m in root.members] == [
        '"name"',
        '"tags"',
        '"nested"',
    ]
    kinds = {path: node.kind for path, node in walk(doc)}
    assert kinds == {
        (): "object",
        ("name",): "string",
        ("tags",): "array",
        ("tags", 0): "string",
        ("tags", 1): "string",
        ("nested",): "object",
        ("nested", "n"): "number",
    }


NO_VALUE: list[JsonPath] = [
    ("missing",),
    ("missing", "deeper"),
    ("tags", 2),
    ("tags", -1),
    ("tags", "0"),
    ("name", "x"),
    ("nested", 0),
    ("tags", True),
]


@pytest.mark.parametrize("path", NO_VALUE)
def test_node_is_none_where_there_is_no_value(path: JsonPath) -> None:
    assert parse(SAMPLE).node(path) is None


def test_kind_says_what_node_says_without_the_node_tree() -> None:
    paths = [path for path, _ in walk(parse(SAMPLE))] + NO_VALUE
    doc = parse(SAMPLE)
    kinds = [doc.kind(path) for path in paths]
    assert "root" not in vars(doc)  # the tree is built when a node is asked for, not before
    nodes = [doc.node(path) for path in paths]
    assert kinds == [None if node is None else node.kind for node in nodes]
    assert parse('[1, true, null, "s", 2.5]').kind((1,)) == "literal"
    assert parse('[1, true, null, "s", 2.5]').kind((4,)) == "number"


def test_position_is_one_based_line_and_column() -> None:
    doc = parse(SAMPLE)
    node = doc.node(("nested", "n"))
    assert node is not None
    assert doc.position(node.start) == (5, 10)
    assert doc.position(0) == (1, 1)
    assert doc.position(len(SAMPLE)) == (8, 1)


# --------------------------------------------------------------------------- replace_value

PRESET = dedent(
    """
    {
      "version": "1.1",
      "ratio": 1.0,
      "zero": -0,
      "big": 1e5,
      "prefixes": ["FEAT", "BUG"],
      "overrides": {},
      "routing": {
        "entryModelReview": "balanced",
        "maxEscalationsPerTicket": 1
      }
    }
    """
)


def test_replace_scalar_changes_only_that_value() -> None:
    doc = parse(PRESET)
    new = jsonedit.replace_value(doc, ("routing", "entryModelReview"), "frontier")
    assert new == PRESET.replace('"balanced"', '"frontier"')


@pytest.mark.parametrize(
    ("value", "source"),
    [(2, "2"), (True, "true"), (None, "null"), (0.5, "0.5"), ('ünï "q"', '"ünï \\"q\\""')],
)
def test_replace_scalar_encodings(value: jsonedit.JsonInput, source: str) -> None:
    new = jsonedit.replace_value(parse(PRESET), ("routing", "maxEscalationsPerTicket"), value)
    assert new == PRESET.replace(
        '"maxEscalationsPerTicket": 1', f'"maxEscalationsPerTicket": {source}'
    )


def test_replace_with_object_uses_the_document_indent() -> None:
    new = jsonedit.replace_value(parse(PRESET), ("overrides",), {"BUG*": ["a", "b"], "n": 1})
    assert new == PRESET.replace(
        '"overrides": {},',
        dedent(
            """
            "overrides": {
                "BUG*": [
                  "a",
                  "b"
                ],
                "n": 1
              },"""
        ),
    )


def test_replace_inline_array_stays_inline() -> None:
    new = jsonedit.replace_value(parse(PRESET), ("prefixes",), ["FEAT", "BUG", "SEC"])
    assert new == PRESET.replace('["FEAT", "BUG"]', '["FEAT", "BUG", "SEC"]')


def test_replace_root_value() -> None:
    assert jsonedit.replace_value(parse("[\n]\n"), (), {"a": 1}) == '{\n  "a": 1\n}\n'


def test_replace_in_a_one_line_document_stays_on_one_line() -> None:
    new = jsonedit.replace_value(parse(' {"a": 0, "b": []} \n'), ("a",), {"c": [1]})
    assert new == ' {"a": {"c": [1]}, "b": []} \n'


def test_replace_refuses_nan() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        jsonedit.replace_value(parse(PRESET), ("ratio",), float("nan"))


def test_replace_missing_path_raises_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"f\.json has no value at \$\.routing\.nope"):
        jsonedit.replace_value(parse(PRESET), ("routing", "nope"), 1)


# --------------------------------------------------------------------------- insert_member


def test_insert_into_multiline_object_after_a_member() -> None:
    doc = parse(PRESET)
    new = jsonedit.insert_member(
        doc, ("routing",), "entryModelPlan", "free", after="entryModelReview"
    )
    assert new == PRESET.replace('"balanced",\n', '"balanced",\n    "entryModelPlan": "free",\n')


@pytest.mark.parametrize("after", [None, "absent"])
def test_insert_goes_last_without_a_present_anchor(after: str | None) -> None:
    new = jsonedit.insert_member(
        parse(PRESET), ("routing",), "escalationModel", "frontier", after=after
    )
    assert new == PRESET.replace(
        '"maxEscalationsPerTicket": 1\n',
        '"maxEscalationsPerTicket": 1,\n    "escalationModel": "frontier"\n',
    )


def test_insert_object_value_into_multiline_object() -> None:
    new = jsonedit.insert_member(parse(PRESET), (), "extra", {"on": True, "list": []})
    assert new.endswith(
        dedent(
            """
                "maxEscalationsPerTicket": 1
              },
              "extra": {
                "on": true,
                "list": []
              }
            }
            """
        )
    )
    assert new.startswith(PRESET[: PRESET.rindex("}\n}")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "b": 2}', '{"a": 1, "n": [1, 2], "b": 2}'),
        ('{"a":1,"b":2}', '{"a":1,"n":[1,2],"b":2}'),
        ('{ "a" : 1 }', '{ "a" : 1, "n" : [1, 2] }'),
    ],
)
def test_insert_into_inline_object_stays_inline(text: str, expected: str) -> None:
    assert jsonedit.insert_member(parse(text), (), "n", [1, 2], after="a") == expected


def test_insert_into_empty_object_becomes_multiline() -> None:
    new = jsonedit.insert_member(parse(PRESET), ("overrides",), "BUG*", {"agent": "investigator"})
    assert new == PRESET.replace(
        '"overrides": {},',
        dedent(
            """
            "overrides": {
                "BUG*": {
                  "agent": "investigator"
                }
              },"""
        ),
    )


def test_insert_into_empty_object_of_a_one_line_document_stays_inline() -> None:
    new = jsonedit.insert_member(parse('{"a": {}}'), ("a",), "b", {"c": 1})
    assert new == '{"a": {"b": {"c": 1}}}'


def test_insert_uses_tab_indent_and_crlf_of_the_document() -> None:
    text = '{\r\n\t"a": {},\r\n\t"b": 1\r\n}\r\n'
    new = jsonedit.insert_member(parse(text), ("a",), "k", ["x"])
    assert new == '{\r\n\t"a": {\r\n\t\t"k": [\r\n\t\t\t"x"\r\n\t\t]\r\n\t},\r\n\t"b": 1\r\n}\r\n'


def test_insert_after_a_member_that_shares_the_opening_line() -> None:
    new = jsonedit.insert_member(parse('{"a": 1,\n    "b": 2}'), (), "c", 3, after="a")
    assert new == '{"a": 1,\n    "c": 3,\n    "b": 2}'
    new = jsonedit.insert_member(parse('{"a": [\n  1]}'), (), "c", 3)
    assert new == '{"a": [\n  1],\n  "c": 3}'


def test_insert_unicode_key_and_value_unescaped() -> None:
    new = jsonedit.insert_member(parse('{"a": 1}'), (), "clé", "€")
    assert new == '{"a": 1, "clé": "€"}'


def test_insert_existing_key_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\$\.routing already has a member 'entryModelReview'"):
        jsonedit.insert_member(parse(PRESET), ("routing",), "entryModelReview", "x")


def test_insert_into_a_non_object_is_refused() -> None:
    with pytest.raises(ValueError, match=r"the value at \$\.prefixes is not an object"):
        jsonedit.insert_member(parse(PRESET), ("prefixes",), "k", 1)


# --------------------------------------------------------------------------- remove_member

OBJECT = dedent(
    """
    {
      "a": 1,
      "b": [2],
      "c": {"d": 3}
    }
    """
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a", '{\n  "b": [2],\n  "c": {"d": 3}\n}\n'),
        ("b", '{\n  "a": 1,\n  "c": {"d": 3}\n}\n'),
        ("c", '{\n  "a": 1,\n  "b": [2]\n}\n'),
    ],
)
def test_remove_member_from_multiline_object(key: str, expected: str) -> None:
    assert jsonedit.remove_member(parse(OBJECT), (), key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("a", '{"b": 2, "c": 3}'), ("b", '{"a": 1, "c": 3}'), ("c", '{"a": 1, "b": 2}')],
)
def test_remove_member_from_inline_object(key: str, expected: str) -> None:
    assert jsonedit.remove_member(parse('{"a": 1, "b": 2, "c": 3}'), (), key) == expected


def test_remove_only_member_leaves_empty_object() -> None:
    assert jsonedit.remove_member(parse(OBJECT), ("c",), "d") == OBJECT.replace('{"d": 3}', "{}")
    assert (
        jsonedit.remove_member(parse('{\n  "x": {\n    "y": 1\n  }\n}'), ("x",), "y")
        == '{\n  "x": {}\n}'
    )


def test_remove_keeps_crlf() -> None:
    text = '{\r\n  "a": 1,\r\n  "b": 2\r\n}\r\n'
    assert jsonedit.remove_member(parse(text), (), "b") == '{\r\n  "a": 1\r\n}\r\n'


def test_remove_missing_member_raises_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"\$\.c has no member 'x'"):
        jsonedit.remove_member(parse(OBJECT), ("c",), "x")


# --------------------------------------------------------------------------- CRLF and round trips


def test_crlf_document_stays_crlf_through_edits() -> None:
    text = PRESET.replace("\n", "\r\n")
    new = jsonedit.replace_value(parse(text), ("overrides",), {"a": 1})
    new = jsonedit.insert_member(parse(new), ("routing",), "entryModelPlan", "free")
    assert new.count("\n") == new.count("\r\n")
    assert new.replace("\r\n", "\n") == jsonedit.insert_member(
        parse(jsonedit.replace_value(parse(PRESET), ("overrides",), {"a": 1})),
        ("routing",),
        "entryModelPlan",
        "free",
    )


def test_untouched_numbers_keep_their_notation() -> None:
    new = jsonedit.replace_value(parse(PRESET), ("version",), "1.2")
    for source in ('"ratio": 1.0,', '"zero": -0,', '"big": 1e5,'):
        assert source in new
    assert new == PRESET.replace('"1.1"', '"1.2"')


@pytest.mark.parametrize(
    ("text", "indent"),
    [
        ('{\n  "a": 1\n}', "  "),
        ('{\n    "a": {\n        "b": 1\n    }\n}', "    "),
        ('{\r\n\t"a": 1\r\n}', "\t"),
        ('{"a": 1}', "  "),
        ("", "  "),
    ],
)
def test_detect_indent(text: str, indent: str) -> None:
    assert jsonedit.detect_indent(text) == indent


@pytest.mark.parametrize(
    ("text", "newline"),
    [
        ('{\r\n"a": 1\r\n}', "\r\n"),
        ('{\n"a": 1\n}', "\n"),
        ("{}", "\n"),
        ("\n", "\n"),
        ("\r\n", "\r\n"),
    ],
)
def test_detect_newline(text: str, newline: str) -> None:
    assert jsonedit.detect_newline(text) == newline


# --------------------------------------------------------------------------- upstream files, in place


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
@pytest.mark.parametrize("name", ["presets/default.json", "backlog.config.schema.json"])
def test_upstream_files_parse_like_json_loads(upstream: Path, snapshot: str, name: str) -> None:
    text = (upstream / snapshot / "config" / name).read_text(encoding="utf-8")
    doc = jsontext.parse(text, name)
    assert doc.value == json.loads(text)
    for path, node in walk(doc):
        assert json.loads(text[node.start : node.end]) == value_at(doc, path)


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_upstream_preset_edit_changes_one_line(upstream: Path, snapshot: str) -> None:
    text = (upstream / snapshot / "config" / "presets" / "default.json").read_text(encoding="utf-8")
    new = jsonedit.replace_value(
        jsontext.parse(text, "default.json"), (*ROUTING, "entryModelReview"), "frontier"
    )
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(new_lines) == len(old_lines)
    changed = [(old, new) for old, new in zip(old_lines, new_lines, strict=True) if old != new]
    assert len(changed) == 1
    old_line, new_line = changed[0]
    old_value = json.loads(text)["llmOps"]["routing"]["entryModelReview"]
    assert new_line == old_line.replace(f'"{old_value}"', '"frontier"')
    assert json.loads(new)["llmOps"]["routing"]["entryModelReview"] == "frontier"


def test_upstream_schema_gains_entry_model_plan(upstream: Path) -> None:
    text = (upstream / "pre-seed" / "config" / "backlog.config.schema.json").read_text(
        encoding="utf-8"
    )
    doc = jsontext.parse(text, "backlog.config.schema.json")
    new = jsonedit.insert_member(
        doc, SCHEMA_ROUTING, "entryModelPlan", ENTRY_MODEL_PLAN, after="entryModelDraft"
    )
    new_doc = jsontext.parse(new, "backlog.config.schema.json")
    assert new_doc.value == json.loads(new)
    properties = json.loads(new)["properties"]["llmOps"]["properties"]["routing"]["properties"]
    assert properties["entryModelPlan"] == ENTRY_MODEL_PLAN
    assert list(properties).index("entryModelPlan") == list(properties).index("entryModelDraft") + 1
    draft, plan = (
        new_doc.node((*SCHEMA_ROUTING, key)) for key in ("entryModelDraft", "entryModelPlan")
    )
    assert draft is not None
    assert plan is not None
    assert line_of(new, plan.start) == line_of(new, draft.start).replace(
        "entryModelDraft", "entryModelPlan"
    )
    assert new[plan.start : plan.end] == dedent(
        """
        {
                      "type": "string",
                      "description": "Model alias for planning gates (text-only, no tool_use).",
                      "default": "free"
                    }"""
    )
    draft_lines = new[draft.start : draft.end].splitlines()
    plan_lines = new[plan.start : plan.end].splitlines()
    assert [indent_of(line) for line in plan_lines] == [indent_of(line) for line in draft_lines]
    # Everything else is the old text, byte for byte.
    assert new[: draft.end] + new[plan.end :] == text


# --------------------------------------------------------------------------- helpers


def walk(doc: JsonDoc) -> Iterator[tuple[JsonPath, JsonNode]]:
    """Every node with its path, without recursion."""
    pending: list[tuple[JsonPath, JsonNode]] = [((), doc.root)]
    while pending:
        path, node = pending.pop()
        yield path, node
        pending.extend(((*path, m.key), m.value) for m in node.members)
        pending.extend(((*path, i), item) for i, item in enumerate(node.items))


def value_at(doc: JsonDoc, path: JsonPath) -> object:
    value: object = doc.value
    for step in path:
        if isinstance(step, str):
            assert isinstance(value, dict)
            value = value[step]
        else:
            assert isinstance(value, list)
            value = value[step]
    return value


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start:end]
