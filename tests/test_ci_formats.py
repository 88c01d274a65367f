"""Meeting users outside an interactive session: GitHub annotations and JSON from `check`, shell
completion, and the example in every command's --help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.shell_completion import BashComplete

from routecfg.cli import cli
from tests.conftest import REPO, run

SPEC = textwrap.dedent(
    """\
    version: 1

    tiers:
      cheap:
        model: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0
        capabilities: [text, tool_use]
        task_model: haiku
        price: {input: 1.00, output: 5.00}
      balanced:
        model: bedrock/us.anthropic.claude-sonnet-4-6
        capabilities: [text, tool_use]
        task_model: sonnet
        price: {input: 3.00, output: 15.00}

    gates:
      implement: {title: Gate 2 IMPLEMENT, tier: cheap, config_key: entryModelImplement}
      review:    {title: Gate 4 REVIEW,    tier: balanced, config_key: entryModelReview}

    escalation:
      model: balanced
      max_per_ticket: 1

    targets:
      preset: config/default.json
      skills: [skills/SKILL.md]
    """
)
PRESET = textwrap.dedent(
    """\
    {
      "llmOps": {
        "routing": {
          "entryModelImplement": "cheap",
          "entryModelReview": "balanced",
          "escalationModel": "balanced",
          "maxEscalationsPerTicket": 1
        }
      }
    }
    """
)
SKILL = textwrap.dedent(
    """\
    # Implementer

    ## Gate 4 REVIEW

    <!-- routecfg:begin gate-model gate=review -->
    <!-- routecfg:end gate-model -->
    """
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A small repository with a preset and a SKILL.md, built once so that it is in sync."""
    (tmp_path / "config").mkdir()
    (tmp_path / "skills").mkdir()
    (tmp_path / "routecfg.yaml").write_text(SPEC)
    (tmp_path / "config" / "default.json").write_text(PRESET)
    (tmp_path / "skills" / "SKILL.md").write_text(SKILL)
    assert run(["build", "--yes", "-q"], cwd=tmp_path).exit_code == 0
    assert run(["check", "-q"], cwd=tmp_path).exit_code == 0
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new))


def test_a_stale_preset_is_annotated_on_its_first_changed_line(root: Path) -> None:
    edit(
        root / "config" / "default.json",
        '"entryModelReview": "balanced"',
        '"entryModelReview": "cheap"',
    )
    result = run(["check", "--format", "github"], cwd=root)
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        "::error file=config/default.json,line=5,title=RC503::config/default.json is stale: "
        "llmOps.routing.entryModelReview: 'cheap' → 'balanced'%0Ahint: run `routecfg build`\n"
    )


def test_a_hand_edited_block_is_annotated_from_its_begin_to_its_end_marker(root: Path) -> None:
    skill = root / "skills" / "SKILL.md"
    edit(skill, '(balanced/Sonnet) via Task(model: "sonnet").', "Opus for every review.")
    assert (
        skill.read_text().splitlines()[5] == "**Model**: `entryModelReview` Opus for every review."
    )
    result = run(["check", "--format", "github"], cwd=root)
    assert (result.exit_code, result.stderr) == (3, "")
    assert result.stdout == (
        "::error file=skills/SKILL.md,line=5,endLine=7,title=RC504::block 'gate-model "
        "gate=review' in skills/SKILL.md was edited by hand%0Ahint: make the change in "
        "routecfg.yaml or the block's template; `routecfg build --force` overwrites the block\n"
    )


def test_spec_diagnostics_are_annotations_with_file_line_and_column(root: Path) -> None:
    edit(root / "routecfg.yaml", "tier: balanced, config_key", "tier: balancd, config_key")
    result = run(["check", "--format", "github"], cwd=root)
    assert (result.exit_code, result.stderr) == (2, "")
    assert result.stdout == (
        "::error file=routecfg.yaml,line=17,col=46,title=RC201::unknown tier 'balancd'"
        "%0Ahint: did you mean 'balanced'?\n"
    )


def test_target_diagnostics_are_annotations_with_file_line_and_column(root: Path) -> None:
    edit(root / "config" / "default.json", '"cheap",', "cheap,")
    result = run(["check", "--format", "github"], cwd=root)
    assert (result.exit_code, result.stderr) == (2, "")
    assert result.stdout == (
        "::error file=config/default.json,line=4,col=30,title=RC301::invalid JSON: "
        "unknown literal 'cheap'%0Ahint: JSON literals are true, false and null\n"
    )


def test_check_json_is_one_object_of_files_and_diagnostics(root: Path) -> None:
    edit(
        root / "config" / "default.json",
        '"entryModelReview": "balanced"',
        '"entryModelReview": "cheap"',
    )
    result = run(["check", "--format", "json"], cwd=root)
    assert (result.exit_code, result.stderr) == (1, "")
    expected = {
        "files": [
            {
                "path": "config/default.json",
                "kind": "preset",
                "state": "stale",
                "summary": ["llmOps.routing.entryModelReview: 'cheap' → 'balanced'"],
                "diff": textwrap.dedent(
                    """\
                    --- a/config/default.json
                    +++ b/config/default.json
                    @@ -2,7 +2,7 @@
                       "llmOps": {
                         "routing": {
                           "entryModelImplement": "cheap",
                    -      "entryModelReview": "cheap",
                    +      "entryModelReview": "balanced",
                           "escalationModel": "balanced",
                           "maxEscalationsPerTicket": 1
                         }
                    """
                ),
            },
            {
                "path": "skills/SKILL.md",
                "kind": "skills",
                "state": "in sync",
                "summary": [],
                "diff": "",
            },
        ],
        "diagnostics": [],
    }
    assert result.stdout == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


IN_SYNC = [
    {
        "path": "config/default.json",
        "kind": "preset",
        "state": "in sync",
        "summary": [],
        "diff": "",
    },
    {"path": "skills/SKILL.md", "kind": "skills", "state": "in sync", "summary": [], "diff": ""},
]


def test_check_json_carries_warnings_in_the_same_object(root: Path) -> None:
    # An escalation rule to a tier that does not cost more: warning RC240; no target changes.
    rule = "    - {when_fails: [review], after: 2, reroute: implement, to: cheap}\n"
    edit(root / "routecfg.yaml", "  max_per_ticket: 1\n", f"  max_per_ticket: 1\n  rules:\n{rule}")
    result = run(["check", "--format", "json"], cwd=root)
    assert (result.exit_code, result.stderr) == (0, "")
    expected = {
        "files": IN_SYNC,
        "diagnostics": [
            {
                "path": "routecfg.yaml",
                "line": 23,
                "column": 64,
                "severity": "warning",
                "code": "RC240",
                "message": "escalation to 'cheap' does not cost more than 'cheap', the tier of "
                "gate 'implement'",
                "hint": "escalate to a stronger (dearer) tier",
            }
        ],
    }
    assert result.stdout == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


def completion(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m routecfg` under click's completion variables; click names the program routecfg
    (cli.main passes prog_name), so the script it prints completes the `routecfg` command."""
    return subprocess.run(
        [sys.executable, "-m", "routecfg"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )


def test_bash_completion_script() -> None:
    done = completion({"_ROUTECFG_COMPLETE": "bash_source"})
    assert done.returncode == 0, done.stderr
    expected = BashComplete(cli, {}, "routecfg", "_ROUTECFG_COMPLETE").source()
    assert done.stdout == expected
    assert "complete -o nosort -F _routecfg_completion routecfg\n" in done.stdout


@pytest.mark.parametrize(
    ("shell", "first_line"),
    [("zsh", "#compdef routecfg"), ("fish", "function _routecfg_completion;")],
)
def test_zsh_and_fish_completion_scripts(shell: str, first_line: str) -> None:
    done = completion({"_ROUTECFG_COMPLETE": f"{shell}_source"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == first_line


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("routecfg ch", "1", "plain,check\n"),
        ("routecfg check --format ", "3", "plain,text\nplain,json\nplain,github\nplain,sarif\n"),
    ],
)
def test_bash_completes_commands_and_choices(words: str, cword: str, expected: str) -> None:
    done = completion(
        {"_ROUTECFG_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    )
    assert (done.returncode, done.stdout) == (0, expected)


def test_top_level_help_shows_examples() -> None:
    result = run(["--help"])
    assert result.exit_code == 0
    assert (
        "  Examples:\n"
        "    routecfg build                    # after editing routecfg.yaml: diffs, then write\n"
        "    routecfg check --format github    # in CI: fail on stale or hand-edited files\n"
    ) in result.stdout


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_help_shows_an_example(name: str) -> None:
    result = run([name, "--help"])
    assert result.exit_code == 0
    assert re.search(rf"\n  Examples?:\n    routecfg {name}[ \n]", result.stdout), result.stdout
