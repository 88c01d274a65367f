"""routecfg where ruff and infracost meet users: the job summary, annotations with rule codes,
SARIF, the Mermaid routing graph, colour, -q, the terminal's width, JSON types and no quiet
passes. Golden files live in tests/cases/ci/ (regenerate with ROUTECFG_REGEN=1, then read them)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from tests.conftest import REPO, TESTS, run

GOLDEN = TESTS / "cases" / "ci"
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"  # OASIS sarif-spec, see tests/data


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ROUTECFG_REGEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example repository outside git, in sync."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "examples" / "backlog-toolkit", root)
    return root


@pytest.fixture
def stale(example: Path) -> Path:
    """The example with gate review moved from balanced to frontier, not yet built."""
    spec = example / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("tier: balanced, needs", "tier: frontier, needs"))
    return example


def hand_edit(root: Path) -> None:
    skill = root / "skills" / "backlog-implementer" / "SKILL.md"
    text = skill.read_text()
    old = '**Model**: `entryModelReview` (balanced/Sonnet) via Task(model: "sonnet").'
    assert text.count(old) == 1
    skill.write_text(text.replace(old, "**Model**: Opus for every review."))


# -- GitHub Actions ------------------------------------------------------------------------------


def test_job_summary_of_a_stale_check(stale: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = stale.parent / "summary.md"
    summary.write_text("## an earlier step\n\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run(["check", "--format", "github"], cwd=stale)
    assert result.exit_code == 1
    text = summary.read_text()
    assert text.startswith("## an earlier step\n\n## routecfg check: routecfg.yaml\n")  # appended
    golden("summary-stale.md", text.removeprefix("## an earlier step\n\n"))


def test_job_summary_of_an_invalid_spec_lists_every_error(tmp_path: Path) -> None:
    case = TESTS / "cases" / "validate" / "rc101-rc201-rc102-every-error-at-once"
    summary = tmp_path / "summary.md"
    result = run(["validate", "--summary", str(summary)], cwd=case)
    assert result.exit_code == 2
    golden("summary-invalid.md", summary.read_text())


def test_job_summary_that_cannot_be_written_is_a_warning(example: Path) -> None:
    summary = example / "routecfg.yaml" / "summary.md"  # under a file: no folder to make
    result = run(["check", "-q", "--summary", str(summary)], cwd=example)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"{summary}: warning[RC010]: cannot append the job summary: ")


def test_check_github_annotations_of_a_stale_repository(stale: Path) -> None:
    result = run(["check", "--format", "github"], cwd=stale)
    assert (result.exit_code, result.stderr) == (1, "")
    golden("check-github-stale.txt", result.stdout)


def test_github_annotation_of_a_hand_edited_block_names_it(example: Path) -> None:
    hand_edit(example)
    result = run(["check", "--format", "github"], cwd=example)
    assert result.exit_code == 3
    assert result.stdout.splitlines()[-1] == (
        "::error file=skills/backlog-implementer/SKILL.md,line=68,endLine=70,title=RC504::"
        "block 'gate-model gate=review' in skills/backlog-implementer/SKILL.md was edited by "
        "hand%0Ahint: make the change in routecfg.yaml or the block's template; "
        "`routecfg build --force` overwrites the block"
    )


def test_github_annotation_of_a_missing_target_says_how_to_fix_the_path(example: Path) -> None:
    spec = example / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("config/presets/default.json", "config/preset.json"))
    result = run(["check", "--format", "github"], cwd=example)
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == (
        "::error file=routecfg.yaml,line=67,col=11,title=RC263::target file "
        "'config/preset.json' does not exist%0Ahint: did you mean 'config/presets/default.json'? "
        "Fix the path under `targets:` (relative to the folder of routecfg.yaml)"
    )


# -- SARIF ---------------------------------------------------------------------------------------


def sarif_valid(text: str) -> dict[str, object]:
    log = json.loads(text)
    schema = json.loads(SARIF_SCHEMA.read_text())
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    return log  # type: ignore[no-any-return]


def test_sarif_of_a_stale_and_hand_edited_check_is_valid_sarif_2_1_0(stale: Path) -> None:
    hand_edit(stale)
    result = run(["check", "--format", "sarif"], cwd=stale)
    assert (result.exit_code, result.stderr) == (3, "")
    sarif_valid(result.stdout)
    golden("check-stale.sarif", result.stdout)


def test_sarif_of_an_invalid_spec(tmp_path: Path) -> None:
    case = TESTS / "cases" / "validate" / "rc101-rc201-rc102-every-error-at-once"
    result = run(["validate", "--format", "sarif"], cwd=case)
    assert (result.exit_code, result.stderr) == (2, "")
    log = sarif_valid(result.stdout)
    results = log["runs"][0]["results"]  # type: ignore[index]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]) for r in results] == [
        ("RC101", {"startLine": 6, "startColumn": 5}),
        ("RC201", {"startLine": 9, "startColumn": 29}),
        ("RC102", {"startLine": 11, "startColumn": 3}),
    ]


def test_every_command_that_reports_diagnostics_speaks_sarif(example: Path) -> None:
    for command in (["validate"], ["check"], ["diff"], ["build", "--yes"]):
        result = run([*command, "--format", "sarif"], cwd=example)
        assert result.exit_code == 0, command
        log = sarif_valid(result.stdout)
        assert log["runs"][0]["results"] == [], command  # type: ignore[index]


# -- cost, explain and actuals: SARIF and the job summary ----------------------------------------


@pytest.fixture
def over_budget(tmp_path: Path) -> Path:
    """cost-optimized as a project's spec ($0.212 per ticket) with a budget of $0.20: its
    profile leaves out classify and draft; no targets."""
    text = (REPO / "presets" / "cost-optimized.yaml").read_text()
    assert text.count("max_per_ticket: 0.30") == 1
    (tmp_path / "routecfg.yaml").write_text(
        text.replace("max_per_ticket: 0.30", "max_per_ticket: 0.20")
    )
    return tmp_path


def results(log: dict[str, object]) -> list[tuple[str, str, int]]:
    return [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in log["runs"][0]["results"]  # type: ignore[index]
    ]


def test_cost_sarif_holds_its_warnings_gates_not_counted_and_the_budget(over_budget: Path) -> None:
    result = run(["cost", "--format", "sarif"], cwd=over_budget)
    assert (result.exit_code, result.stderr) == (1, "")  # no table, no text: SARIF says it all
    assert results(sarif_valid(result.stdout)) == [
        ("RC224", "warning", 58),
        ("RC507", "warning", 7),
        ("RC509", "warning", 69),
        ("RC290", "error", 81),
    ]
    golden("cost-over-budget.sarif", result.stdout)


def test_cost_job_summary_has_the_cost_per_gate_and_leaves_output_alone(
    over_budget: Path,
) -> None:
    summary = over_budget / "summary.md"
    with_summary = run(["cost", "--summary", str(summary)], cwd=over_budget)
    without = run(["cost"], cwd=over_budget)
    assert with_summary == without
    assert "RC509" not in without.stderr  # the text table names them in its assumptions
    golden("summary-cost.md", summary.read_text())


def test_explain_sarif_holds_the_routing_findings() -> None:
    result = run(["explain", "--spec", "cost-optimized", "--format", "sarif"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert results(sarif_valid(result.stdout)) == [("RC224", "warning", 58)]


def test_explain_job_summary_has_the_marked_table_and_the_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = ["explain", "--spec", "cost-optimized", "--against", "legacy"]
    with_summary = run(args)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert with_summary == run(args)
    golden("summary-explain-against.md", summary.read_text())


@pytest.fixture
def ledgers(tmp_path: Path) -> Path:
    """tests/actuals (a ledger with three lines not read: RC900), mean $0.0717 per ticket, with a
    budget of $0.07."""
    shutil.copytree(TESTS / "actuals", tmp_path, dirs_exist_ok=True)
    spec = tmp_path / "routecfg.yaml"
    text = spec.read_text()
    assert text.count("max_per_ticket: 0.10") == 1
    spec.write_text(text.replace("max_per_ticket: 0.10", "max_per_ticket: 0.07"))
    return tmp_path


def test_actuals_sarif_holds_lines_not_read_and_the_budget(ledgers: Path) -> None:
    result = run(["actuals", "--format", "sarif"], cwd=ledgers)
    assert (result.exit_code, result.stderr) == (1, "")
    assert results(sarif_valid(result.stdout)) == [
        ("RC900", "warning", 3),
        ("RC900", "warning", 10),
        ("RC900", "warning", 12),
        ("RC910", "error", 28),
    ]
    golden("actuals-over-budget.sarif", result.stdout)


def test_actuals_job_summary_has_its_figures_and_chart(ledgers: Path) -> None:
    summary = ledgers / "summary.md"
    with_summary = run(["actuals", "--summary", str(summary)], cwd=ledgers)
    assert with_summary == run(["actuals"], cwd=ledgers)
    assert with_summary.stderr.endswith(
        "over budget: $0.0717 per ticket > $0.07 (cost.budget.max_per_ticket)\n"
    )
    golden("summary-actuals.md", summary.read_text())


# -- the routing as a picture --------------------------------------------------------------------

_NODE = re.compile(r'^  (\w+)(\["(.*)"\]|\("(.*)"\))$')
_EDGE = re.compile(r"^  (\w+) (-->|-\.->)(?:\|(\w+)\|)? (\w+)$")
_CLASS_DEF = re.compile(r"^  classDef (\w+) ([\w#:,-]+)$")
_CLASS = re.compile(r"^  class ([\w,]+) (\w+)$")


def parse_mermaid(text: str) -> tuple[dict[str, str], set[tuple[str, str, str, str]]]:
    """Nodes (id → label) and edges (from, style, label, to) of a flowchart; any other line
    fails the test, so what is drawn is all that is read."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: set[tuple[str, str, str, str]] = set()
    for line in lines[1:]:
        if node := _NODE.match(line):
            nodes[node[1]] = node[3] or node[4]
        elif edge := _EDGE.match(line):
            edges.add((edge[1], "solid" if edge[2] == "-->" else "dashed", edge[3] or "", edge[4]))
        elif _CLASS_DEF.match(line) or _CLASS.match(line):
            pass  # read by mermaid_classes
        else:
            pytest.fail(f"not a node or an edge: {line!r}")
    for start, _, _, end in edges:
        assert start in nodes
        assert end in nodes
    return nodes, edges


def mermaid_classes(text: str) -> dict[str, tuple[str, list[str]]]:
    """Each class the flowchart defines: its style and the nodes drawn in it (every one a node)."""
    nodes, _ = parse_mermaid(text)
    styles = {m[1]: m[2] for line in text.splitlines() if (m := _CLASS_DEF.match(line))}
    classes: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        if match := _CLASS.match(line):
            members = match[1].split(",")
            assert set(members) <= set(nodes)
            classes[match[2]] = (styles[match[2]], members)
    return classes


def test_explain_mermaid_draws_gates_tiers_and_walks() -> None:
    result = run(["explain", "--format", "mermaid", "--spec", "cost-optimized"])
    assert result.exit_code == 0
    golden("explain-cost-optimized.mmd", result.stdout)
    nodes, edges = parse_mermaid(result.stdout)
    assert nodes["g_plan"] == "Gate 1 PLAN"
    assert nodes["t_free"] == "free: Ollama"
    assert ("g_plan", "solid", "", "t_free") in edges
    assert ("g_plan", "solid", "fallback", "t_cheap") in edges
    # free declares [cheap, balanced]; LiteLLM walks on to frontier through balanced's chain.
    walk = sorted((label, style, end) for start, style, label, end in edges if start == "t_free")
    assert walk == [
        ("1", "solid", "t_cheap"),
        ("2", "solid", "t_balanced"),
        ("3", "dashed", "t_frontier"),
    ]


# -- explain --against, in every format ----------------------------------------------------------


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """cost-optimized with gate lint moved to balanced and a gate docs added; no targets."""
    text = (REPO / "presets" / "cost-optimized.yaml").read_text()
    old_lint = "  lint:        {title: Gate 3 LINT,      tier: cheap}\n"
    old_draft = (
        "  draft:       {title: Drafts,           tier: free,  config_key: entryModelDraft}\n"
    )
    assert text.count(old_lint) == 1
    assert text.count(old_draft) == 1
    text = text.replace(old_lint, old_lint.replace("cheap", "balanced"))
    text = text.replace(old_draft, old_draft + "  docs:        {title: Docs, tier: cheap}\n")
    (tmp_path / "routecfg.yaml").write_text(text)
    return tmp_path


def test_explain_against_marks_changed_rows_in_markdown(edited: Path) -> None:
    result = run(["explain", "--against", "cost-optimized", "--format", "markdown"], cwd=edited)
    assert result.exit_code == 0
    table = result.stdout.split("\n\n")[:2]
    lines = table[0].splitlines()
    assert lines[0] == (
        "|  | Gate | cost-optimized Model | routecfg.yaml Model | Mechanism | Fallbacks "
        "| Config key |"
    )
    assert lines[1] == "|--|------|" + "|".join("-" * n for n in (22, 21, 11, 11, 12)) + "|"
    assert lines[2].startswith("|  | Wave Planning | free: Ollama → Haiku fallback | ")
    assert lines[5] == (
        '| \\* | Gate 3 LINT | cheap: Haiku | balanced: Sonnet | Task(model: "sonnet") '
        "| — (proxy: frontier) | — |"
    )
    assert lines[11] == (
        '| \\+ | Docs | N/A | cheap: Haiku | Task(model: "haiku") '
        "| — (proxy: balanced → frontier) | — |"
    )
    # Escaped: a line that starts with * or + would be a Markdown list item.
    assert table[1] == (
        "\\* routing differs from cost-optimized; \\+ a gate cost-optimized does not have\n"
    )


def test_explain_against_marks_changed_rows_in_json(edited: Path) -> None:
    result = run(["explain", "--against", "cost-optimized", "--format", "json"], cwd=edited)
    assert result.exit_code == 0
    rows = {row["gate"]: row for row in json.loads(result.stdout)}
    assert [gate for gate, row in rows.items() if row["changed"]] == ["lint", "docs"]
    assert rows["lint"]["before"] == {"tier": "cheap", "model": "Haiku"}
    assert rows["docs"] == {
        "gate": "docs",
        "title": "Docs",
        "tier": "cheap",
        "model": "Haiku",
        "mechanism": 'Task(model: "haiku")',
        "fallbacks": [],
        "fallback_template": None,
        "proxy_walk": ["balanced", "frontier"],
        "config_key": None,
        "changed": True,
    }
    plain = run(["explain", "--format", "json"], cwd=edited)
    assert "changed" not in json.loads(plain.stdout)[0]  # only with --against


def test_explain_against_marks_changed_gates_in_mermaid(edited: Path) -> None:
    result = run(["explain", "--against", "cost-optimized", "--format", "mermaid"], cwd=edited)
    assert result.exit_code == 0
    assert mermaid_classes(result.stdout) == {
        "changed": ("stroke:#e8590c,stroke-width:3px", ["g_lint"]),
        "added": ("stroke:#2f9e44,stroke-width:3px", ["g_docs"]),
    }
    assert result.stdout.endswith(
        "  classDef changed stroke:#e8590c,stroke-width:3px\n"
        "  class g_lint changed\n"
        "  classDef added stroke:#2f9e44,stroke-width:3px\n"
        "  class g_docs added\n"
    )
    golden(
        "explain-against-legacy.mmd",
        run(
            ["explain", "--spec", "cost-optimized", "--against", "legacy", "--format", "mermaid"]
        ).stdout,
    )
    plain = run(["explain", "--format", "mermaid"], cwd=edited)
    assert mermaid_classes(plain.stdout) == {}


# -- the terminal --------------------------------------------------------------------------------


def test_diffs_are_coloured_with_color_always_and_plain_with_never(stale: Path) -> None:
    coloured = run(["diff", "--color", "always"], cwd=stale).stdout
    assert "\x1b[1m--- a/config/presets/default.json\x1b[0m\n" in coloured
    assert "\x1b[36m@@ -18,7 +18,7 @@\x1b[0m\n" in coloured
    assert '\x1b[31m-      "entryModelReview": "balanced",\x1b[0m\n' in coloured
    assert '\x1b[32m+      "entryModelReview": "frontier",\x1b[0m\n' in coloured
    assert "\x1b[" not in run(["diff", "--color", "never"], cwd=stale).stdout
    assert "\x1b[" not in run(["diff"], cwd=stale).stdout  # not a terminal


def diff_on_a_terminal(root: Path, **env: str) -> str:
    """`routecfg diff` with its stdout and stderr on a real pseudo-terminal; what it showed."""
    return on_a_terminal(root, ["diff"], **env)


def on_a_terminal(root: Path, args: list[str], **env: str) -> str:
    """`routecfg ARGS` with its stdout and stderr on a real pseudo-terminal; what it showed."""
    primary, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(PYTHONPATH=str(REPO), TERM="xterm", ROUTECFG_NO_CACHE="1", **env)
    process = subprocess.Popen(
        [sys.executable, "-m", "routecfg", *args],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
        env=environment,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 1)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(primary)
    return seen.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_diffs_are_coloured_on_a_pseudo_terminal_and_never_with_no_color(stale: Path) -> None:
    screen = diff_on_a_terminal(stale)
    assert '\x1b[32m+      "entryModelReview": "frontier",\x1b[0m' in screen
    assert '\x1b[31m-      "entryModelReview": "balanced",\x1b[0m' in screen
    plain = diff_on_a_terminal(stale, NO_COLOR="1")
    assert '+      "entryModelReview": "frontier",' in plain
    assert "\x1b[" not in plain


VERIFY_PROGRESS = "verify: loading LiteLLM's Router (a few seconds)…"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_verify_says_what_the_wait_is_for_on_a_terminal(tmp_path: Path) -> None:
    # A spec with no proxy target: verify stops at once (RC705), after the progress line, so the
    # line is seen without running LiteLLM.
    (tmp_path / "routecfg.yaml").write_text(NO_TARGETS)
    screen = on_a_terminal(tmp_path, ["verify", "--color", "never"])
    assert screen.split("\r\n")[:2] == [
        VERIFY_PROGRESS,
        "routecfg.yaml:1:1: error[RC705]: nothing to verify: the spec has no proxy target",
    ]
    # Problems only with -q; and not a word of it when stderr is not a terminal.
    quiet = on_a_terminal(tmp_path, ["verify", "-q", "--color", "never"])
    assert quiet.startswith("routecfg.yaml:1:1: error[RC705]: ")
    piped = run(["verify"], cwd=tmp_path)
    assert (piped.exit_code, piped.stdout) == (2, "")
    assert piped.stderr.startswith("routecfg.yaml:1:1: error[RC705]: ")


def test_force_color_and_no_color(stale: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in run(["diff"], cwd=stale).stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(["diff"], cwd=stale).stdout


QUIET_STALE = textwrap.dedent(
    """\
    config/backlog.config.schema.json: stale
    config/presets/default.json: stale
    skills/backlog-implementer/SKILL.md: stale
    """
)


@pytest.mark.parametrize("command", [["check"], ["diff"], ["build", "--yes"]])
def test_quiet_plan_commands_print_one_line_per_file_not_in_sync(
    stale: Path, command: list[str]
) -> None:
    result = run([*command, "-q"], cwd=stale)
    assert (result.stdout, result.stderr) == ("", QUIET_STALE)


def test_quiet_hand_edited_check_names_the_file_not_a_diff(example: Path) -> None:
    hand_edit(example)
    result = run(["check", "-q"], cwd=example)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        "skills/backlog-implementer/SKILL.md: edited by hand\n"
        # The hand edit is a problem: its place and parameters stay with -q (issue 9, item 12).
        "skills/backlog-implementer/SKILL.md:68:1: error[RC504]: block 'gate-model' "
        "(gate=review) was edited by hand\n"
        "  hint: make the change in routecfg.yaml or the block's template; "
        "`routecfg build --force` overwrites the block\n"
    )


@pytest.mark.parametrize(
    "command",
    [["check"], ["diff"], ["build", "--yes"], ["validate"]],
)
def test_quiet_prints_nothing_when_all_is_well(example: Path, command: list[str]) -> None:
    result = run([*command, "-q"], cwd=example)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_table_commands_print_the_table_and_diagnostics_only(example: Path) -> None:
    cost = run(["cost", "-q"], cwd=example)
    assert cost.stderr == ""
    assert cost.stdout.startswith("Cost per ticket: routecfg.yaml\n")
    explain = run(["explain", "-q", "--spec", "cost-optimized"], cwd=example)
    assert explain.stderr.count("warning[RC224]") == 1  # a diagnostic stays
    assert explain.stdout.startswith("Gate ")


def test_quiet_init_prints_nothing(tmp_path: Path) -> None:
    result = run(["init", "-q"], cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_build_names_the_files_it_writes(stale: Path) -> None:
    result = run(["build", "--yes"], cwd=stale)
    assert result.exit_code == 0
    assert result.stderr.endswith(
        "wrote config/backlog.config.schema.json\n"
        "wrote config/presets/default.json\n"
        "wrote skills/backlog-implementer/SKILL.md\n"
    )


def test_explain_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run(["explain", "--spec", "cost-optimized", "--against", "legacy"])
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    golden("explain-against-80-columns.txt", result.stdout)


def test_explain_of_a_repository_with_a_proxy_fits_80_columns(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run(["explain"], cwd=example)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert (
        "  a provider's content filter that arrives as a plain 400 bad request (Bedrock's" in lines
    )


def test_explain_against_marks_changed_rows_in_a_wide_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    result = run(["explain", "--spec", "cost-optimized", "--against", "legacy"])
    lines = result.stdout.splitlines()
    assert lines[0].startswith("   Gate ")
    assert lines[1].startswith("*  Wave Planning ")
    assert lines[4].startswith("   Gate 3 LINT ")  # cheap in both
    assert lines[-1] == "* routing differs from legacy"


def test_cost_json_counts_are_numbers_and_money_exact_strings() -> None:
    result = run(["cost", "--format", "json", "--spec", "cost-optimized"])
    data = json.loads(result.stdout)
    plan = data["breakdown"]["gates"][1]
    assert plan == {
        "gate": "plan",
        "title": "Gate 1 PLAN",
        "tier": "free",
        "model": "Ollama → Haiku (20%)",
        "input_tokens": 5000,
        "output_tokens": 2000,
        "calls": 1,
        "fallback_rate": 0.2,
        "fallback_tier": "cheap",
        "cost": "0.0030",
    }
    assert data["breakdown"]["tickets"] == 50
    assert data["breakdown"]["per_ticket"] == "0.212"
    assert [e["savings"] for e in data["comparison"]] == [None, -0.3632]


# -- no quiet passes -----------------------------------------------------------------------------

NO_TARGETS = textwrap.dedent(
    """\
    version: 1
    tiers:
      cheap: {model: bedrock/haiku, capabilities: [text], price: {input: 1, output: 5}}
    gates:
      plan: {title: Plan, tier: cheap}
    """
)
NO_TARGETS_HINT = (
    "  hint: name the files routecfg keeps in sync under `targets:` (preset, schema, proxy, "
    "skills); `routecfg init --from-repo` finds them\n"
)


@pytest.mark.parametrize("command", [["check"], ["diff"], ["build", "--yes"]])
def test_a_spec_with_no_targets_fails_the_plan_commands(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "routecfg.yaml").write_text(NO_TARGETS)
    result = run(command, cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "routecfg.yaml:1:1: error[RC507]: the spec has no targets: there is nothing to compile "
        "or check\n" + NO_TARGETS_HINT + "Found 1 error.\n"
    )


@pytest.mark.parametrize("command", [["validate"], ["cost"], ["explain"]])
def test_a_spec_with_no_targets_is_fine_for_estimates_with_a_warning(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "routecfg.yaml").write_text(NO_TARGETS)
    result = run(command, cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "routecfg.yaml:1:1: warning[RC507]: the spec has no targets: there is nothing to compile "
        "or check\n" + NO_TARGETS_HINT
    )


def test_cost_without_a_profile_says_its_zero_is_no_estimate(tmp_path: Path) -> None:
    (tmp_path / "routecfg.yaml").write_text(NO_TARGETS)
    result = run(["cost"], cwd=tmp_path)
    assert result.stderr.endswith(
        "routecfg.yaml:1:1: warning[RC508]: the spec has no cost.profile: no gate is counted, and "
        "every estimate is $0\n"
        "  hint: add `cost.profile.GATE: {input: TOKENS, output: TOKENS}` for each gate, with the "
        "tokens per call (and `calls:` per ticket); `routecfg init --from-repo` writes a starter "
        "profile\n"
    )
    assert "- not counted (no cost.profile entry): plan\n" in result.stdout


def test_no_spec_names_routecfg_init(tmp_path: Path) -> None:
    result = run(["check"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "  hint: start one with `routecfg init` (a bundled preset) or `routecfg init --from-repo` "
        "(the routing your files hold), or name a file or a bundled preset with --spec"
    )


def test_a_check_that_writes_a_job_summary_is_never_replayed_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from routecfg import cache

    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert cache.enabled(["check"])
    assert not cache.enabled(["check", "--summary", "s.md"])
    assert not cache.enabled(["check", "--summary=s.md"])
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/tmp/summary.md")
    assert not cache.enabled(["check"])


# -- the README's promises -----------------------------------------------------------------------


def pytest_header(shared: Path, path: str) -> list[str]:
    """The routecfg lines of the header a real `pytest` run prints, with the upstream fixtures
    looked for under ``shared`` and only ``path`` to find yaml-language-server on."""
    environment = {k: v for k, v in os.environ.items() if k != "ROUTECFG_YAML_LANGUAGE_SERVER"}
    environment.update(ROUTECFG_SHARED=str(shared), PATH=path, PYTHONPATH=str(REPO))
    pytest_args = ["--collect-only", "-p", "no:cacheprovider", "--no-cov", "-k", "no_such_test"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args, "tests/test_readfile.py"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 5, done.stdout + done.stderr  # 5: no test selected
    return [line for line in done.stdout.splitlines() if line.startswith("routecfg: ")]


def test_pytest_header_says_why_upstream_and_editor_tests_skip(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert pytest_header(shared, str(empty)) == [
        f"routecfg: upstream fixtures not found at {shared}/fixtures/upstream: the tests that "
        "read the backlog toolkit's real files skip (they live beside routecfg's own checkout as "
        "shared/fixtures/upstream; ROUTECFG_SHARED=PATH names another place)",
        "routecfg: yaml-language-server not found: the editor tests over LSP skip (npm install "
        "yaml-language-server, then ROUTECFG_YAML_LANGUAGE_SERVER=PATH or put it on the PATH)",
    ]
    (shared / "fixtures" / "upstream").mkdir(parents=True)
    server = empty / "yaml-language-server"
    server.write_text("#!/bin/sh\n")
    server.chmod(0o755)
    assert pytest_header(shared, str(empty)) == [
        f"routecfg: upstream fixtures at {shared}/fixtures/upstream",
        f"routecfg: yaml-language-server at {server}",
    ]
