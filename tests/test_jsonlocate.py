"""jsonlocate answers for one top-level member what ``json.loads`` answers, or says it is unsure;
the model map reads its records through it, and parses the whole file when it is unsure."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routecfg import litellm_map
from routecfg.jsonlocate import TopLevel, Unsure

ABSENT = "<absent>"
UNSURE = "<unsure>"


def located(raw: bytes | str, *keys: str) -> list[Any]:
    """What one locator answers for each key in turn: the value, ABSENT or UNSURE."""
    locator = TopLevel(raw.encode() if isinstance(raw, str) else raw)
    answers: list[Any] = []
    for key in keys:
        try:
            answers.append(locator.member(key))
        except KeyError:
            answers.append(ABSENT)
        except Unsure:
            answers.append(UNSURE)
    return answers


def parsed(raw: bytes | str, *keys: str) -> list[Any]:
    document = json.loads(raw)
    return [document.get(key, ABSENT) for key in keys]


def same(answer: Any, expected: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True does not count)."""
    if type(answer) is not type(expected):
        return False
    if isinstance(expected, dict):
        return list(answer) == list(expected) and all(same(answer[k], expected[k]) for k in answer)
    if isinstance(expected, list):
        return len(answer) == len(expected) and all(map(same, answer, expected))
    return bool(answer == expected)


# ── the installed LiteLLM map ────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def model_file() -> Path:
    found = litellm_map.installed_map()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("litellm is not installed (CI=true: CI installs '.[test,litellm]')")
        pytest.skip("litellm is not installed")
    models = found.models
    assert isinstance(models, litellm_map._MapFile)
    return models.path


# What a check on the example and on upstream asks for, in the order it asks.
CHECK_KEYS = (
    "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "bedrock/us.anthropic.claude-sonnet-4-6",
    "us.anthropic.claude-sonnet-4-6",
    "bedrock/us.anthropic.claude-opus-4-6-v1",
    "us.anthropic.claude-opus-4-6-v1",
    "ollama/qwen3-coder:30b",
    "qwen3-coder:30b",
    "openai/text-embedding-3-small",
    "text-embedding-3-small",
)


def absent_variants(models: dict[str, Any]) -> list[str]:
    """Keys the map does not have at its top level: prefixed and cut forms of its keys, member
    names of its records, and strings it holds as values."""
    names = {name for record in models.values() if isinstance(record, dict) for name in record}
    values = {
        value
        for record in models.values()
        if isinstance(record, dict)
        for value in record.values()
        if isinstance(value, str)
    }
    first, last = next(iter(models)), list(models)[-1]
    candidates = [
        f"bedrock/{first}",
        f"{last}-v9",
        first[1:],
        f"x{last}",
        *sorted(names)[:40],
        *sorted(values)[:40],
        "litellm_provider",  # a member name of every record
        "chat",  # a value of "mode"
        "bedrock_converse",  # a value of "litellm_provider"
    ]
    return [key for key in candidates if key not in models]


def test_the_installed_map_answers_as_json_load_for_a_sample(model_file: Path) -> None:
    raw = model_file.read_bytes()
    models = json.loads(raw)
    keys = [*CHECK_KEYS, *list(models)[::97], list(models)[-1], "claude-haiku-5-5"]
    absent = absent_variants(models)
    assert len(absent) > 60
    assert "claude-haiku-5-5" in models  # at column 0, among records indented by four
    assert b'\n"claude-haiku-5-5": {' in raw
    keys += absent
    answers = located(raw, *keys)
    assert UNSURE not in answers
    expected = parsed(raw, *keys)
    assert [k for k, a, e in zip(keys, answers, expected, strict=True) if not same(a, e)] == []
    assert answers.count(ABSENT) == expected.count(ABSENT) >= len(absent)


@pytest.mark.slow
def test_the_installed_map_answers_as_json_load_for_every_key(model_file: Path) -> None:
    raw = model_file.read_bytes()
    models = json.loads(raw)
    keys = [*models, *absent_variants(models), *(f"bedrock/{key}" for key in models)]
    answers = located(raw, *keys)
    expected = parsed(raw, *keys)
    assert [k for k, a, e in zip(keys, answers, expected, strict=True) if not same(a, e)] == []
    assert len(keys) > 9000


def test_a_check_reads_the_map_without_parsing_all_of_it(
    model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = parsed(model_file.read_bytes(), *CHECK_KEYS)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole map was parsed")

    monkeypatch.setattr(json, "load", refuse)
    monkeypatch.setattr(json, "loads", refuse)
    model_map = litellm_map.installed_map()
    assert model_map is not None
    answers = [model_map.models.get(key, ABSENT) for key in CHECK_KEYS]
    assert [key in model_map.models for key in CHECK_KEYS] == [a != ABSENT for a in answers]
    assert answers == expected
    assert [model_map.lookup(key) is not None for key in CHECK_KEYS[::2]] == [
        True,
        True,
        True,
        False,
        True,
    ]
    with pytest.raises(AssertionError, match="the whole map was parsed"):
        len(model_map.models)


# ── which member is the top level's ──────────────────────────────────────────────────────────


def test_the_last_of_duplicate_members_wins() -> None:
    assert located('{"k": 1, "j": {"k": 3}, "k": 2, "l": [{"k": 4}]}', "k") == [2]


def test_members_of_nested_objects_are_not_the_top_levels() -> None:
    text = '{"a": {"k": 1}, "b": [{"k": 2}, {"c": {"k": 3}}], "d": [["k"]]}'
    assert located(text, "k", "c", "a") == [ABSENT, ABSENT, {"k": 1}]


def test_a_key_that_occurs_only_as_a_value_is_absent() -> None:
    text = '{"a": "k", "b": ["k", "k"], "c": {"d": "k"}, "e": "x/k", "f": "kk"}'
    assert located(text, "k", "x/k") == [ABSENT, ABSENT]


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "{{[[", "b": {"c": "]]}}"}, "k": 1, "d": ["}"], "e": "[{\\\\", "j": 2}'
    assert located(text, "k", "j") == [1, 2]
    nested = '{"a": "}}]]", "b": {"k": 1}}'  # one could read k as being at the top
    assert located(nested, "k") == [ABSENT]


def test_depth_is_counted_from_the_start_and_from_the_end() -> None:
    padding = '"' + "[" * 5000 + '"'
    text = f'{{"k": 1, "a": {{"j": 2}}, "pad": {padding}, "b": {{"k": 3}}, "j": 4}}'
    assert located(text, "k", "j") == [1, 4]
    text = f'{{"a": {{"k": 1}}, "j": 2, "pad": {padding}, "k": 3, "b": {{"j": 4}}}}'
    assert located(text, "k", "j") == [3, 2]


def test_known_depths_are_reused_in_both_directions() -> None:
    records = ", ".join(f'"m{i}": {{"k": {i}, "s": "{{[}}"}}' for i in range(300))
    text = f'{{"k": 0, {records}, "j": [1]}}'
    keys = ["m150", "m151", "m149", "m10", "m290", "k", "j", "m300"]
    assert located(text, *keys) == parsed(text, *keys)


def test_a_key_at_column_zero_and_whitespace_around_the_colon() -> None:
    text = '\n {\n  "a": {\n"k": 1},\n"k"\n\t:\r\n 2 ,\n"j" : null\n}\n\n'
    assert located(text, "k", "j") == [2, None]


def test_a_key_that_ends_another_key_or_is_a_prefix_of_one() -> None:
    text = '{"bedrock/k": 1, "xk": 2, "k/": 3, "k": 4, "a/bedrock/k": 5}'
    keys = ["k", "bedrock/k", "a/bedrock/k", "x/k", "k/", "ollama/k"]
    assert located(text, *keys) == [4, 1, 5, ABSENT, 3, ABSENT]


def test_values_of_every_kind() -> None:
    text = (
        '{"i": -12, "f": 1.5e3, "t": true, "n": null, "s": "x\\\\y\\n", "l": [1, {"a": []}],'
        ' "e": {}, "u": "\xe9\u20ac", "big": 123456789012345678901234567890}'
    )
    keys = ["i", "f", "t", "n", "s", "l", "e", "u", "big"]
    answers = located(text, *keys)
    assert answers == [
        -12,
        1500.0,
        True,
        None,
        "x\\y\n",
        [1, {"a": []}],
        {},
        "\xe9\u20ac",
        123456789012345678901234567890,
    ]
    assert all(map(same, answers, parsed(text, *keys)))


# ── records longer than the first window ─────────────────────────────────────────────────────


def test_a_record_longer_than_the_first_window() -> None:
    record = {f"field{i}": [i, "x" * 40] for i in range(3000)}  # about 160 KB
    text = json.dumps({"a": 1, "k": record, "z": 2}, indent=1)
    assert located(text, "k", "z") == [record, 2]


def test_a_number_longer_than_the_first_window_is_not_cut() -> None:
    number = "1." + "0" * 70_000 + "e5"
    text = f'{{"k": {number}, "j": 1}}'
    assert located(text, "k") == [100000.0]


def test_a_character_across_the_windows_edge() -> None:
    value = "a" + "\u20ac" * 30_000  # three bytes each: the first window ends inside one
    raw = json.dumps({"k": value, "j": "\u20ac"}, ensure_ascii=False).encode()
    assert located(raw, "k", "j") == [value, "\u20ac"]


# ── what the locator does not answer for, and the map's fallback to parsing it all ───────────


@pytest.mark.parametrize(
    "text",
    [
        '{"\\u006b": 1}',  # a key written with an escape
        '{"a": "\\u0041", "k": 1}',
        '{"a": "\\"k\\": 2", "k": 1}',  # a quote inside a string
        '{"a": "\\/", "k": 1}',
        "\ufeff" + '{"k": 1}',  # a BOM
        '["k", {"k": 1}]',  # not an object
        '"k"',
        "",
        '{"k": 1',  # cut short
    ],
)
def test_documents_the_locator_does_not_answer_for(text: str) -> None:
    assert located(text, "k") == [UNSURE]


def test_bytes_json_loads_refuses_are_unsure_where_they_are_read() -> None:
    assert located(b'{k": 1}', "k") == [UNSURE]  # a quote closes what none opened
    assert located(b'{"k": "\xff", "j": 1}', "k", "j") == [UNSURE, 1]  # not UTF-8
    refused = '{"k": {"a": 1 "b"}, "j": 1}'
    assert located(refused, "k", "k", "j") == [UNSURE, UNSURE, 1]
    deep = '{"k": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert located(deep, "k") == [UNSURE]


def test_a_key_that_is_not_a_string_is_unsure() -> None:
    key: Any = 1
    with pytest.raises(Unsure):
        TopLevel(b'{"1": 1}').member(key)


@pytest.mark.parametrize("key", ["", "k ", "k:", "k,", "k{", "k[", 'a"k', "a\\k", "k\n", "\ud800"])
def test_keys_the_locator_does_not_search_for(key: str) -> None:
    assert located('{"k": 1}', key) == [UNSURE]


def test_harmless_escapes_are_allowed() -> None:
    text = '{"re": "^a\\\\[b]\\\\", "k\\n": 0, "t": "\\t\\b\\f\\r", "k": 1}'
    assert located(text, "k", "re") == [1, "^a\\[b]\\"]


def map_file(tmp_path: Path, raw: bytes) -> litellm_map._MapFile:
    path = tmp_path / litellm_map.MAP_FILE
    path.write_bytes(raw)
    return litellm_map._MapFile(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"\\u006b": {"a": 1}}', {"a": 1}),
        ('{"a": "\\"k\\": {}", "k": {"b": 2}}', {"b": 2}),
        ('{"k": {"a": 1}, "k": {"c": 3}}', {"c": 3}),
        ('{"j": {"k": {"a": 1}}}', None),
    ],
)
def test_the_map_answers_as_json_load_either_way(
    tmp_path: Path, text: str, expected: dict[str, int] | None
) -> None:
    models = map_file(tmp_path, text.encode())
    assert models.get("k") == expected
    assert ("k" in models) == (expected is not None)
    assert list(models) == list(json.loads(text))
    assert models.get("k") == expected


def test_the_map_fails_as_json_load_does(tmp_path: Path) -> None:
    with pytest.raises(json.JSONDecodeError, match="Unexpected UTF-8 BOM"):
        map_file(tmp_path, b'\xef\xbb\xbf{"k": {}}').get("k")
    with pytest.raises(TypeError, match="list indices must be integers"):
        map_file(tmp_path, b'[{"k": {}}]').get("k")
    with pytest.raises(RecursionError):
        map_file(tmp_path, b'{"k": ' + b"[" * 100_000 + b"]" * 100_000 + b"}").get("k")
    with pytest.raises(
        json.JSONDecodeError, match="Expecting ',' delimiter: line 1 column 15 \\(char 14\\)"
    ):
        map_file(tmp_path, b'{"k": {"a": 1 "b"}}').get("k")


# ── any document json.dumps writes ───────────────────────────────────────────────────────────

KEYS = ["k", "a/k", "bedrock/a/k", "xk", "k:", "k{", "\xe9k", "j", "[k]", "k]"]
TEXTS = st.text(alphabet='k{}[]:,/ "\\\n\t\xe9\u20ac', max_size=8)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(KEYS)
    | TEXTS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | TEXTS, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bool]:
    """A JSON object as json.dumps lays it out, whose top level may repeat a key; and whether
    it holds an escape the locator does not answer through (a quote or a ``\\u``)."""
    members = draw(st.lists(st.tuples(st.sampled_from(KEYS) | TEXTS, VALUES), max_size=6))
    indent = draw(st.sampled_from([None, 0, 1, 4, "\t"]))
    separators = draw(st.sampled_from([(", ", ": "), (",", ":"), (" ,", " : "), (",\n", ":\n")]))
    ascii_only = draw(st.booleans())
    options: dict[str, Any] = {"ensure_ascii": ascii_only, "separators": separators}

    def dump(value: Any) -> str:
        return json.dumps(value, indent=indent, **options)

    inner = f"{separators[0]}\n".join(f"{dump(k)}{separators[1]}{dump(v)}" for k, v in members)
    text = "{\n" + inner + "\n}"
    strings: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)

    for key, value in members:
        collect(key)
        collect(value)
    escaped = any('"' in s or (ascii_only and not s.isascii()) for s in strings)
    return text, escaped


@settings(max_examples=200, deadline=None)
@given(documents())
def test_any_dumped_object_reads_as_json_loads_reads_it(document: tuple[str, bool]) -> None:
    text, escaped = document
    keys = [*KEYS, *json.loads(text)]
    answers = located(text, *keys)
    expected = parsed(text, *keys)
    for key, answer, wanted in zip(keys, answers, expected, strict=True):
        if answer == UNSURE:
            plain = (
                key and key[-1] not in " :,[{" and min(key) >= " " and not {'"', "\\"} & set(key)
            )
            assert escaped or not plain, (key, text)
        else:
            assert same(answer, wanted), (key, text)
