"""The ledger readers, record by record: shapes, junk, streaming, the spec's names."""

from __future__ import annotations

import json
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routecfg.actuals import ledgers
from routecfg.actuals.records import Call, Skipped, Vocabulary, vocabulary
from routecfg.actuals.tally import median, nearest_rank
from routecfg.validate import validate
from tests.conftest import TESTS, run

CASE = TESTS / "actuals"


@pytest.fixture(scope="module")
def names() -> Vocabulary:
    spec = validate(CASE / "routecfg.yaml").spec
    return vocabulary(spec, spec.actuals.gates)


def read(data: bytes, names: Vocabulary, size: int | None = None) -> list[Call | Skipped]:
    chunks = [data] if size is None else [data[i : i + size] for i in range(0, len(data), size)]
    return list(ledgers.read(chunks, "l.jsonl", names))


SPEND_LOGS = b"""\
[
  {
    "request_id": "r1",
    "model": "bedrock/us.anthropic.claude-sonnet-4-6",
    "model_group": "balanced",
    "spend": 0.033,
    "prompt_tokens": 6000,
    "completion_tokens": 1000,
    "startTime": "2026-02-19T12:00:00Z",
    "metadata": {"spend_logs_metadata": {"ticket_id": "T-2", "gate": "review"}},
    "request_tags": []
  },
  {"request_id": "r2", "model": "claude-haiku-4-5", "spend": "0.0020",
   "prompt_tokens": 1000, "completion_tokens": 200, "request_tags": ["ticket:T-3", "gate:implement"]},
  {"request_id": "r3", "spend": 1}
]
"""


def test_a_spend_logs_export_is_read_an_element_at_a_time(names: Vocabulary) -> None:
    records = read(SPEND_LOGS, names)
    assert records == [
        Call(
            "T-2",
            "review",
            True,
            None,
            "balanced",
            "bedrock/us.anthropic.claude-sonnet-4-6",
            6000,
            1000,
            Decimal("0.033"),
            True,
            False,
            False,
            "2026-02-19T12:00:00Z",
        ),
        Call(
            "T-3",
            "implement",
            True,
            None,
            "cheap",
            "claude-haiku-4-5",
            1000,
            200,
            Decimal("0.0020"),
            True,
            False,
            False,
            None,
        ),
        Skipped("l.jsonl", 15, 1, "no model or model_group: not a call"),
    ]


@pytest.mark.parametrize("size", [1, 7, 64])
def test_chunk_boundaries_change_nothing(names: Vocabulary, size: int) -> None:
    mixed = (CASE / "mixed.jsonl").read_bytes()
    assert read(mixed, names, size) == read(mixed, names)
    assert read(SPEND_LOGS, names, size) == read(SPEND_LOGS, names)
    with_bom = "\ufeff".encode() + SPEND_LOGS
    assert read(with_bom, names, size) == read(SPEND_LOGS, names)


def test_a_broken_array_element_ends_the_array_with_its_line(names: Vocabulary) -> None:
    data = b'[\n{"request_id": "r", "model": "balanced", "spend": 0.5},\n{"oops": ]\n'
    records = read(data, names, 5)
    assert records[1:] == [
        Skipped("l.jsonl", 3, 1, "not JSON: Expecting value; the rest of the array is not read")
    ]
    assert read(b'[{"request_id": "r", "model": "cheap", "spend": 0}', names)[1:] == [
        Skipped("l.jsonl", 1, 1, "the JSON array is not closed")
    ]


def test_bad_lines_are_counted_with_their_place_and_reading_goes_on(
    names: Vocabulary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledgers, "MAX_LINE", 90)
    good = b'{"ticket_id": "T-1", "gate": "lint", "model": "cheap", "cost_usd": 0.5}'
    lines = [
        b'{"model": "cheap", "input_tokens": 10, "output_tokens": -1}',
        b'{"model": "cheap", "cost_usd": true}',
        b'{"model": "cheap", "cost_usd": "a lot"}',
        b'{"model": "cheap", "input_tokens": 1.5, "output_tokens": 2.0}',
        b'{"model": "cheap", "input_tokens": 10}',
        b'{"model": "opus", "input_tokens": 10}',
        b'{"model": ["cheap"], "cost_usd": 1}',
        b'{"model": "cheap", "cost_usd": -1}',
        b"\xff\xfe",
        b'{"model": "x", "cost_usd": 0.1, "note": "' + b"y" * 100 + b'"}',
        good,
    ]
    records = read(b"\r\n".join(lines), names, 16)
    assert [r for r in records if isinstance(r, Skipped)] == [
        Skipped("l.jsonl", 1, 1, "output_tokens is not a whole number of tokens: -1"),
        Skipped("l.jsonl", 2, 1, "cost_usd is not a number: True"),
        Skipped("l.jsonl", 3, 1, "cost_usd is not a number: 'a lot'"),
        Skipped("l.jsonl", 4, 1, "input_tokens is not a whole number of tokens: 1.5"),
        Skipped(
            "l.jsonl", 6, 1, "no cost_usd, and model 'opus' is no tier of the spec to price it by"
        ),
        Skipped("l.jsonl", 7, 1, "model is not a string"),
        Skipped("l.jsonl", 8, 1, "cost_usd is not an amount of money: -1"),
        Skipped("l.jsonl", 9, 1, "not UTF-8"),
        Skipped("l.jsonl", 10, 1, "line is over 90 bytes"),
    ]
    calls = [r for r in records if isinstance(r, Call)]
    # line 5: 10 input tokens on cheap ($1/MTok), priced from the spec
    assert [(c.cost, c.priced, c.gate, c.mapped) for c in calls] == [
        (Decimal("0.00001"), True, None, False),
        (Decimal("0.5"), False, "lint", False),
    ]


def test_model_names_resolve_to_tiers_and_gate_names_to_gates(names: Vocabulary) -> None:
    tiers = {
        name: names.tier(name)
        for name in [
            "cheap",  # a tier
            "sonnet",  # a Task model name
            "bedrock/us.anthropic.claude-sonnet-4-6",  # the tier's model id
            "us.anthropic.claude-haiku-4-5-20251001-v1:0",  # without its provider
            "claude-haiku-4-5",  # without its version: one tier has it
            "anthropic/claude-sonnet-4-6",  # another provider's prefix
            "claude",  # a prefix of both: no tier
            "gpt-4o",
        ]
    }
    assert tiers == {
        "cheap": "cheap",
        "sonnet": "balanced",
        "bedrock/us.anthropic.claude-sonnet-4-6": "balanced",
        "us.anthropic.claude-haiku-4-5-20251001-v1:0": "cheap",
        "claude-haiku-4-5": "cheap",
        "anthropic/claude-sonnet-4-6": "balanced",
        "claude": None,
        "gpt-4o": None,
    }
    gates = [
        names.gate(n) for n in ["implement", "Code-Review", "generate", "Implementation", "ship"]
    ]
    assert gates == [
        ("implement", True),
        ("review", True),  # an upstream name
        ("review", True),  # actuals.gates
        ("implement", True),
        ("ship", False),
    ]


def test_median_and_nearest_rank_p90() -> None:
    values = [Decimal(n) for n in (5, 1, 4, 2, 3, 9, 7, 6, 8, 10)]
    assert median(values) == Decimal("5.5")
    assert median(values[:3]) == 4
    assert nearest_rank(values, Decimal("0.9")) == 9  # the 9th of 10
    assert nearest_rank(values[:1], Decimal("0.9")) == 5
    assert median([]) == nearest_rank([], Decimal("0.9")) == 0


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(CASE, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_a_ledger_with_no_call_is_exit_2_and_names_its_lines(root: Path) -> None:
    (root / "junk.jsonl").write_text("nope\n{}\n")
    result = run(["actuals", "junk.jsonl", "mixed.jsonl", "missing.jsonl"], cwd=root)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == textwrap.dedent("""\
        junk.jsonl: error[RC902]: no call record in this ledger (2 lines not read)
          hint: a ledger holds one JSON object per call: the toolkit's usage ledger, routecfg's callback JSONL, or a /spend/logs export
        junk.jsonl:1:1: warning[RC900]: line not read: not JSON: Expecting value
          hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
        junk.jsonl:2:1: warning[RC900]: line not read: no model or model_alias: not a call
          hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
        missing.jsonl: error[RC901]: ledger not found
          hint: check the path (a spec names it relative to its folder)
        mixed.jsonl:3:29: warning[RC900]: line not read: not JSON: Expecting value
          hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
        mixed.jsonl:10:1: warning[RC900]: line not read: no model or model_alias: not a call
          hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
        mixed.jsonl:12:1: warning[RC900]: line not read: not a JSON object
          hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
        Found 2 errors and 5 warnings.
        """)


def test_a_spec_without_ledgers_and_ledgers_not_yet_written(root: Path) -> None:
    spec = root / "routecfg.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("  ledgers: [mixed.jsonl]\n", ""))
    result = run(["actuals"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "routecfg.yaml:1:1: error[RC903]: no ledger to read: none named, and the spec names none"
    )
    spec.write_text(
        text.replace("[mixed.jsonl]", "[later.jsonl]").replace(
            "proxy:\n", "proxy:\n  ledger: proxy.jsonl\n"
        )
    )
    result = run(["actuals"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr == textwrap.dedent("""\
        later.jsonl: warning[RC901]: ledger not found
          hint: check the path (a spec names it relative to its folder)
        proxy.jsonl: warning[RC901]: ledger not found
          hint: check the path (a spec names it relative to its folder)
        routecfg.yaml:1:1: error[RC903]: none of the spec's ledgers exists yet
          hint: run the proxy with the callback registered (proxy.ledger), or name a ledger
        Found 1 error and 2 warnings.
        """)
    shutil.copyfile(root / "mixed.jsonl", root / "proxy.jsonl")
    result = run(["actuals", "-q", "--format", "json"], cwd=root)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["files"] == ["proxy.jsonl"]
    assert result.stderr.startswith("later.jsonl: warning[RC901]: ledger not found\n")


def test_a_ledger_gate_the_spec_does_not_know_is_a_warning(root: Path) -> None:
    (root / "ship.jsonl").write_text(
        '{"ticket_id": "T-1", "phase": "reviw", "model": "cheap", "cost_usd": 0.05}\n'
    )
    result = run(["actuals", "ship.jsonl", "--format", "json"], cwd=root)
    assert result.exit_code == 0
    assert result.stderr == textwrap.dedent("""\
        routecfg.yaml:23:10: warning[RC904]: the ledgers name a gate 'reviw' that is no gate of the spec; it is counted under its own name, without an estimate
          hint: map it in the spec: `actuals: {gates: {reviw: review}}`
        """)
    gates = json.loads(result.stdout)["gates"]
    assert [(g["gate"], g["mapped"], g["calls"], g["actual"], g["estimate"]) for g in gates] == [
        ("implement", True, 0, "0.000000", "0.040000"),
        ("review", True, 0, "0.000000", "0.030000"),
        ("reviw", False, 1, "0.050000", "0.000000"),
    ]


def test_the_spec_actuals_section_is_validated(root: Path) -> None:
    spec = root / "routecfg.yaml"
    spec.write_text(
        spec.read_text()
        .replace("{generate: review}", "{generate: reveiw}")
        .replace("[mixed.jsonl]", "[../outside.jsonl, /abs.jsonl]")
    )
    result = run(["validate"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr == textwrap.dedent("""\
        routecfg.yaml:22:13: error[RC906]: ledger path '../outside.jsonl' is outside the spec's folder
          hint: write it relative to the folder of routecfg.yaml, without '..'
        routecfg.yaml:22:31: error[RC906]: ledger path '/abs.jsonl' is outside the spec's folder
          hint: write it relative to the folder of routecfg.yaml, without '..'
        routecfg.yaml:23:21: error[RC905]: actuals.gates maps 'generate' to 'reveiw', which is no gate of the spec
          hint: did you mean 'review'?
        Found 3 errors.
        """)


def test_past_twenty_skipped_lines_a_file_gets_a_count(root: Path) -> None:
    lines = ["junk"] * 25 + [
        '{"ticket_id": "T-1", "gate": "review", "model": "sonnet", "cost_usd": 0.01}'
    ]
    (root / "noisy.jsonl").write_text("\n".join(lines) + "\n")
    (root / "folder.jsonl").mkdir()
    result = run(["actuals", "noisy.jsonl", "-q", "--format", "json"], cwd=root)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["skipped"] == 25
    warnings = result.stderr.splitlines()[::2]
    assert len(warnings) == 21
    assert (
        warnings[19] == "noisy.jsonl:20:1: warning[RC900]: line not read: not JSON: Expecting value"
    )
    assert warnings[20] == "noisy.jsonl: warning[RC900]: 5 more lines not read (the first 20 shown)"
    result = run(["actuals", "folder.jsonl"], cwd=root)
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0] == "folder.jsonl: error[RC901]: not a regular file: a folder"
    )


def test_lines_after_a_leading_array_are_read_as_lines(names: Vocabulary) -> None:
    data = b'[1, {"x": 1}] {"a": 1}\n{"model": "cheap", "cost_usd": 0.5}\n'
    records = read(data, names, 3)
    assert records[:3] == [
        Skipped("l.jsonl", 1, 1, "not a JSON object"),
        Skipped("l.jsonl", 1, 1, "no model or model_alias: not a call"),
        Skipped("l.jsonl", 1, 1, "no model or model_alias: not a call"),  # the rest of line 1
    ]
    assert isinstance(records[3], Call)
    assert len(records) == 4


def test_without_a_spec_the_bundled_routing_is_the_estimate(tmp_path: Path) -> None:
    (tmp_path / "usage.jsonl").write_text(
        '{"ticket_id": "T-1", "gate": "implement", "model": "haiku", "input_tokens": 30000, '
        '"output_tokens": 5000, "status": "timeout", "cost_usd": 0.001}\n'
        '{"ticket_id": "T-1", "gate": "implement", "model": "haiku", "input_tokens": 30000, '
        '"output_tokens": 5000}\n'
    )
    result = run(["actuals", "usage.jsonl", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr == textwrap.dedent("""\
        routecfg.yaml: warning[RC909]: no routecfg.yaml here or above: the estimate and tiers are the bundled preset 'cost-optimized'
          hint: name your spec with --spec, or write one with `routecfg init`
        """)
    data = json.loads(result.stdout)
    # A status that is not a success is a failed attempt, its cost actual all the same;
    # the second row is priced at Haiku's $1/$5: 0.03 + 0.025.
    assert (data["calls"], data["failures"], data["failure_cost"]) == (1, 1, "0.001000")
    assert data["per_ticket"]["actual"] == "0.056000"
    # The seed's per-model table lists the models nobody called too ("Ollama 0 calls").
    assert [(m["tier"], m["calls"], m["spend"], m["share"]) for m in data["models"]] == [
        ("cheap", 1, "0.056000", 1.0),
        ("free", 0, "0.000000", 0.0),
        ("balanced", 0, "0.000000", 0.0),
        ("frontier", 0, "0.000000", 0.0),
    ]
    assert data["per_ticket"]["estimate"] == "0.211850"  # the design's $0.212, exactly


def test_a_raw_standard_logging_object_keeps_its_metadata_nested(names: Vocabulary) -> None:
    row = {
        "trace_id": "t",
        "status": "success",
        "model": "bedrock/us.anthropic.claude-sonnet-4-6",
        "model_group": "balanced",
        "response_cost": 0.5,
        "prompt_tokens": 1,
        "completion_tokens": 2,
        "startTime": 1771495200.5,
        "metadata": {"spend_logs_metadata": {"ticket_id": "T-7", "gate": "Gate 4 REVIEW"}},
    }
    assert read(json.dumps(row).encode(), names) == [
        Call(
            "T-7",
            "review",
            True,
            None,
            "balanced",
            "bedrock/us.anthropic.claude-sonnet-4-6",
            1,
            2,
            Decimal("0.5"),
            True,
            False,
            False,
            "1771495200.5",
        ),
    ]


def test_the_upstream_documented_rows_are_calls(upstream: Path, names: Vocabulary) -> None:
    """The two shapes as the toolkit documents them: its schema doc's record and the
    implementer skill's ledger line (pre-seed), read from the real files."""
    schema_doc = (upstream / "head/docs/reference/usage-ledger-schema.md").read_text()
    record = schema_doc.split("```json\n")[1].split("```")[0]
    skill = (upstream / "pre-seed/skills/backlog-implementer/SKILL.md").read_text()
    line = skill.split("usage-ledger.jsonl`:\n```json\n")[1].split("\n")[0]
    rows = (json.dumps(json.loads(record)) + "\n" + line + "\n").encode()
    assert read(rows, names) == [
        # phase `generate` is mapped to review by tests/actuals' actuals.gates
        Call(
            "FEAT-001",
            "review",
            True,
            None,
            "balanced",
            "claude-sonnet-4-6",
            1200,
            430,
            Decimal("0.0231"),
            True,
            False,
            False,
            "2026-02-18T00:00:00Z",
        ),
        # no cost: priced on balanced, 1,200 × 3 + 800 × 15 per million
        Call(
            "FEAT-001",
            "implement",
            True,
            None,
            "balanced",
            "balanced",
            1200,
            800,
            Decimal("0.0156"),
            True,
            False,
            True,
            "2026-02-19",
        ),
    ]


GOOD_ROWS = [
    b'{"ticket_id": "T-1", "gate": "implement", "model": "haiku", "input_tokens": 7, "output_tokens": 3}',
    b'{"trace_id": "t", "model_group": "balanced", "original_model_group": "cheap", "status": "success", "response_cost": 0.25}',
    b'{"request_id": "r", "model": "sonnet", "spend": "0.5", "request_tags": ["ticket:T-2"]}',
]
JUNK_ROWS = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'{"model": 1}',
    "caf\u00e9 \u2603".encode(),
    b"\xc3",
    b"  ",
]


@given(
    rows=st.lists(st.sampled_from(GOOD_ROWS + JUNK_ROWS), max_size=30),
    size=st.integers(min_value=1, max_value=40),
    ending=st.sampled_from([b"\n", b"\r\n"]),
)
@settings(max_examples=150, deadline=None)
def test_any_mix_reads_the_same_in_any_chunks(
    rows: list[bytes], size: int, ending: bytes, names: Vocabulary
) -> None:
    data = ending.join(rows)
    whole = read(data, names)
    assert read(data, names, size) == whole
    calls = [r for r in whole if isinstance(r, Call)]
    assert len(calls) == sum(row in GOOD_ROWS for row in rows)
    skipped = [r.line for r in whole if isinstance(r, Skipped)]
    assert skipped == sorted(skipped)


def test_an_array_element_that_is_not_utf8_is_skipped(names: Vocabulary) -> None:
    data = b'[{"request_id": "r", "model": "caf\xc3", "spend": 1},\n{"request_id": "s", "model": "cheap", "spend": 1}]'
    records = read(data, names, 4)
    assert records[0] == Skipped("l.jsonl", 1, 1, "not UTF-8")
    assert isinstance(records[1], Call)
