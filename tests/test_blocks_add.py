"""`routecfg blocks add`: markers placed for the user, around lines or a heading's section,
in the fence form inside code fences, through build's plan/diff/confirm/write path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from routecfg.targets.markers import body_digest
from tests.conftest import run

SPEC = """\
version: 1
tiers:
  free:
    model: ollama/qwen3-coder:30b
    capabilities: [text]
    price: {input: 0, output: 0}
  cheap:
    model: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0
    capabilities: [text, tool_use]
    task_model: haiku
    price: {input: 1.00, output: 5.00}
gates:
  plan:      {title: Gate 1 PLAN,      tier: free, fallback: [cheap]}
  implement: {title: Gate 2 IMPLEMENT, tier: cheap, needs: [tool_use]}
proxy:
  fallbacks: {free: [cheap]}
targets:
  skills: SKILL.md
"""

SKILL = """\
# Implementer

## Routing

| Gate | Model |
|------|-------|
| PLAN | Haiku |

## Model rules

```
Hand-written, kept.
model: "sonnet"  → everything
Also kept.
```

## Gate 2

Old model line.

## Empty
## End
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def block(label: str, body: str, leader: str | None = None) -> str:
    """A block as routecfg writes it, its digest computed from ``body``."""
    body = dedent(body)
    name = label.split()[0]
    begin = f"routecfg:begin {label} digest={body_digest(body)}"
    if leader is None:
        return f"<!-- {begin} -->\n{body}<!-- routecfg:end {name} -->\n"
    return f"{leader} {begin}\n{body}{leader} routecfg:end {name}\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "routecfg.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "SKILL.md").write_text(SKILL, encoding="utf-8")
    return tmp_path


WROTE = "SKILL.md: stale\n"  # -q: one line per file not in sync, the one `--yes` then writes


def add(root: Path, *args: str) -> tuple[int, str]:
    result = run(["blocks", "add", *args, "--file", "SKILL.md", "--yes", "-q"], cwd=root)
    return result.exit_code, result.stderr


def skill(root: Path) -> str:
    return (root / "SKILL.md").read_text(encoding="utf-8")


def test_lines_outside_fences_get_html_markers_and_the_rendered_body(root: Path) -> None:
    assert add(root, "routing-table", "--lines", "5:7") == (0, WROTE)
    assert skill(root) == SKILL.replace(
        "| Gate | Model |\n|------|-------|\n| PLAN | Haiku |\n",
        block(
            "routing-table",
            """
            | Gate | Model | Mechanism |
            |------|-------|-----------|
            | Gate 1 PLAN | Ollama → Haiku fallback | `llm_call.sh --model free` → Task(model: "haiku") |
            | Gate 2 IMPLEMENT | Haiku | Task(model: "haiku") |
            """,
        ),
    )
    assert run(["check", "-q", "--no-cache"], cwd=root).exit_code == 0


def test_lines_inside_a_fence_get_the_fence_form(root: Path) -> None:
    assert add(root, "model-rules", "--lines", "13:13") == (0, WROTE)
    assert skill(root) == SKILL.replace(
        'model: "sonnet"  → everything\n',
        block(
            "model-rules",
            """
            model: "haiku"  → Gate 2 IMPLEMENT

            OLLAMA (free tier, via llm_call.sh --model free; text only):
              - Gate 1 PLAN: If Ollama fails → fallback to Task(model: "haiku")
            """,
            "#",
        ),
    )
    assert run(["check", "-q", "--no-cache"], cwd=root).exit_code == 0
    assert add(root, "model-rules", "--lines", "20:20") == (
        2,
        "SKILL.md:13:1: error[RC417]: the file already has block 'model-rules' (line 13)\n"
        "  hint: `routecfg build` keeps it up to date; place a block once\n"
        "Found 1 error.\n",
    )


def test_a_heading_section_becomes_the_block(root: Path) -> None:
    assert add(root, "gate-model", "--heading", "gate 2", "--param", "gate=implement") == (0, WROTE)
    assert skill(root) == SKILL.replace(
        "Old model line.\n",
        block(
            "gate-model gate=implement",
            """
            **Model**: cheap/Haiku via Task(model: "haiku").
            """,
        ),
    )


def test_an_empty_section_gets_an_empty_block_that_is_then_filled(root: Path) -> None:
    assert add(root, "gate-model", "--heading", "## Empty", "--param", "gate=plan") == (0, WROTE)
    assert skill(root) == SKILL.replace(
        "## Empty\n",
        "## Empty\n\n"
        + block(
            "gate-model gate=plan",
            """
            **Model**: free/Ollama via `llm_call.sh --model free`. If Ollama fails → fallback to Task(model: "haiku").
            """,
        )
        + "\n",
    )


def test_crlf_files_stay_crlf(root: Path) -> None:
    (root / "SKILL.md").write_bytes(SKILL.replace("\n", "\r\n").encode())
    assert add(root, "prices", "--lines", "18:18")[0] == 0
    data = (root / "SKILL.md").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"<!-- routecfg:end prices -->\r\n" in data


def test_without_yes_and_without_a_terminal_nothing_is_written(root: Path) -> None:
    result = run(["blocks", "add", "prices", "--file", "SKILL.md", "--lines", "18:18"], cwd=root)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/SKILL.md\n+++ b/SKILL.md\n")
    assert result.stderr.endswith("not written: no terminal to confirm on; run with --yes\n")
    assert skill(root) == SKILL


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["prices", "--lines", "11:13"],
            "SKILL.md:11:1: error[RC414]: lines 11:13 cross the edge of a code fence: a block "
            "sits wholly inside one fence or outside fences\n"
            "  hint: take the lines inside the fence only, or the whole fence with its ``` lines\n",
        ),
        (
            ["prices", "--lines", "40:41"],
            "SKILL.md: error[RC418]: lines 40:41 are not in the file, which has 22 lines\n"
            "  hint: give FIRST:LAST with 1 <= FIRST <= LAST\n",
        ),
        (
            ["prices", "--heading", "Model ruls"],
            "SKILL.md: error[RC416]: no heading 'Model ruls' in the file\n"
            "  hint: did you mean 'Model rules'?\n",
        ),
        (
            ["gate-model", "--lines", "18:18", "--param", "gate=implemnt"],
            "SKILL.md:18:1: error[RC412]: unknown gate 'implemnt' in block 'gate-model'\n"
            "  hint: did you mean 'implement'?\n",
        ),
        (
            ["gate-model", "--lines", "18:18", "--param", "gaet=implement"],
            "SKILL.md:18:1: error[RC412]: block 'gate-model' takes no parameter 'gaet'\n"
            "  hint: did you mean 'gate'?\n",
        ),
        (
            ["model-rule", "--lines", "18:18"],
            "SKILL.md:18:1: error[RC410]: no template for block 'model-rule'\n"
            "  hint: did you mean 'model-rules'? or add model-rule.md.j2 to the spec's "
            "templates folder\n",
        ),
    ],
)
def test_refusals_are_diagnostics_and_write_nothing(
    root: Path, args: list[str], expected: str
) -> None:
    assert add(root, *args) == (2, expected + "Found 1 error.\n")
    assert skill(root) == SKILL


def test_blocks_cannot_overlap(root: Path) -> None:
    assert add(root, "prices", "--lines", "18:18")[0] == 0
    assert add(root, "routing-table", "--lines", "16:19") == (
        2,
        "SKILL.md:16:1: error[RC415]: lines 16:19 overlap block 'prices' (lines 18:23)\n"
        "  hint: blocks cannot nest or overlap\n"
        "Found 1 error.\n",
    )


def test_only_a_skills_target_takes_a_block(root: Path) -> None:
    (root / "OTHER.md").write_text("# x\n", encoding="utf-8")
    result = run(["blocks", "add", "prices", "--file", "OTHER.md", "--lines", "1:1"], cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "OTHER.md: error[RC413]: 'OTHER.md' is not a skills target of routecfg.yaml\n"
        "  hint: add it to targets.skills first, so `routecfg check` keeps the block true "
        "(known skills targets: SKILL.md)\n"
        "Found 1 error.\n",
    )


def test_a_missing_target_file_is_named(root: Path) -> None:
    (root / "SKILL.md").unlink()
    assert add(root, "prices", "--lines", "1:1") == (
        2,
        "SKILL.md: error[RC419]: the file does not exist\n"
        "  hint: routecfg places blocks in an existing file; check the path\n"
        "Found 1 error.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lines", "3"], "Invalid value for '--lines': '3' is not FIRST:LAST"),
        (["--lines", "5:2"], "Invalid value for '--lines': '5:2' is not FIRST:LAST"),
        (["--param", "gate"], "Invalid value for '--param': 'gate' is not KEY=VALUE"),
        ([], "give one of --lines FIRST:LAST or --heading TEXT"),
        (["--lines", "1:1", "--heading", "x"], "give one of --lines FIRST:LAST or --heading TEXT"),
    ],
)
def test_usage_errors_exit_2(root: Path, args: list[str], message: str) -> None:
    result = run(["blocks", "add", "prices", "--file", "SKILL.md", *args], cwd=root)
    assert result.exit_code == 2
    assert message in result.stderr
    assert skill(root) == SKILL
