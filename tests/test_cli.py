"""The command line: formats, exit codes, colour, internal errors, the real process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

import routecfg
from routecfg import report
from routecfg.diagnostics import Diagnostic, Severity
from tests.conftest import REPO, TESTS, run

CASES = TESTS / "cases" / "validate"


def test_version() -> None:
    assert run(["--version"]).stdout == f"routecfg, version {routecfg.__version__}\n"


def test_python_dash_m_runs_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "routecfg", "validate", "--spec", "legacy"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "presets/legacy.yaml: valid (4 tiers, 9 gates)\n"


def test_legacy_preset_is_valid_without_warnings(tmp_path: Path) -> None:
    result = run(["validate", "--strict", "--spec", "legacy"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr.endswith("presets/legacy.yaml: valid (4 tiers, 9 gates)\n")


def test_cost_optimized_preset_is_valid_and_warns_of_the_walk_to_opus(tmp_path: Path) -> None:
    result = run(["validate", "--spec", "cost-optimized"], cwd=tmp_path)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        "presets/cost-optimized.yaml:58:30: warning[RC224]: gates on 'free' (wave_plan, plan, "
        "commit, classify, draft) can end on 'frontier' (bedrock/us.anthropic.claude-opus-4-6-v1): "
        "LiteLLM tries cheap → balanced → frontier, though 'free' declares only [cheap, balanced]"
    )
    assert lines[-1].endswith("presets/cost-optimized.yaml: valid (4 tiers, 9 gates, 1 warning)")
    assert run(["validate", "--strict", "--spec", "cost-optimized"], cwd=tmp_path).exit_code == 2


def test_schema_prints_a_valid_json_schema() -> None:
    printed = run(["schema"]).stdout
    assert printed == (REPO / "schemas" / "routecfg.schema.json").read_text()
    Draft7Validator.check_schema(json.loads(printed))


def test_json_format_goes_to_stdout() -> None:
    result = run(["validate", "--format", "json"], cwd=CASES / "rc250-unknown-config-key")
    assert result.exit_code == 2
    assert result.stderr == ""
    assert json.loads(result.stdout) == [
        {
            "path": "routecfg.yaml",
            "line": 20,
            "column": 81,
            "severity": "error",
            "code": "RC250",
            "message": "config_key 'entryModelReveiw' is not a routing property of the backlog "
            "schema",
            "hint": "did you mean 'entryModelReview'?",
        }
    ]


def test_json_format_of_a_valid_spec_is_an_empty_list() -> None:
    result = run(["validate", "--format", "json", "--spec", "legacy"], cwd=CASES / "ok-minimal")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


def test_github_format_prints_workflow_annotations() -> None:
    result = run(
        ["validate", "--format", "github"], cwd=CASES / "rc211-escalation-without-capability"
    )
    assert result.exit_code == 2
    assert result.stdout == (
        "::error file=routecfg.yaml,line=23,col=64,title=RC211::escalation reroutes gate "
        "'implement', which needs tool_use, to tier 'free' (ollama/qwen3-coder:30b), "
        "which has no tool_use%0Ahint: tiers with tool_use: cheap, balanced\n"
        "::warning file=routecfg.yaml,line=23,col=64,title=RC240::escalation to 'free' does not "
        "cost more than 'cheap', the tier of gate 'implement'%0Ahint: escalate to a stronger "
        "(dearer) tier\n"
    )


def test_github_message_escapes_only_what_it_must() -> None:
    d = Diagnostic("a,b:c.yaml", 0, 0, Severity.ERROR, "RC1", "50% a, b: c\nd", None)
    assert report.format_github([d]) == "::error file=a%2Cb%3Ac.yaml,title=RC1::50%25 a, b: c%0Ad\n"


def test_strict_fails_on_warnings() -> None:
    case = CASES / "rc240-escalation-not-dearer"
    assert run(["validate"], cwd=case).exit_code == 0
    strict = run(["validate", "--strict"], cwd=case)
    assert strict.exit_code == 2
    assert strict.stderr.endswith("Found 2 warnings (--strict).\n")  # RC240 and RC507


def test_quiet_prints_nothing_for_a_valid_spec() -> None:
    result = run(["validate", "-q", "--spec", "legacy"], cwd=CASES / "ok-minimal")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert report.use_color(Terminal())
    assert not report.use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not report.use_color(Terminal())


def test_coloured_text() -> None:
    d = Diagnostic("routecfg.yaml", 3, 5, Severity.WARNING, "RC240", "cheaper", "pick another")
    assert report.format_text([d], color=True) == (
        "\x1b[1mroutecfg.yaml:3:5\x1b[0m: \x1b[1;33mwarning[RC240]\x1b[0m: cheaper\n"
        "\x1b[2m  hint: pick another\x1b[0m\n"
    )


def test_internal_error_is_one_line_and_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path) -> None:
        raise KeyError("tiers")

    monkeypatch.setattr("routecfg.cli.validate", broken)
    result = run(["validate", "--spec", "legacy"])
    assert result.exit_code == 4
    assert result.stderr == (
        "routecfg: internal error: KeyError: 'tiers' (please report it; --debug shows the "
        "traceback)\n"
    )
    debug = run(["validate", "--spec", "legacy", "--debug"])
    assert debug.exit_code == 4
    assert debug.stderr.startswith("Traceback (most recent call last):\n")


def test_usage_errors_exit_2() -> None:
    result = run(["validate", "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_help_shows_an_example() -> None:
    result = run(["validate", "--help"])
    assert result.exit_code == 0
    assert "routecfg validate --spec cost-optimized --format github" in result.stdout
