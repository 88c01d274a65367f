"""check, diff and build on the preset, schema and proxy targets, with upstream's real files.

Fixture files are copied into a temporary root at test time (a spec's targets live inside its
root); nothing from ../shared is committed here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, TESTS, run, without_lint

TARGETS = (
    "targets:\n"
    "  preset: config/presets/default.json\n"
    "  schema: config/backlog.config.schema.json\n"
    "  proxy: config/litellm/proxy-config.docker.yaml\n"
)
FILES = ("presets/default.json", "backlog.config.schema.json", "litellm/proxy-config.docker.yaml")


def walk_warning(line: int, gates: str = "wave_plan, plan, commit, classify, draft") -> str:
    """RC224 for upstream's `free: [cheap, balanced]`, which LiteLLM walks on to frontier."""
    return (
        f"routecfg.yaml:{line}:30: warning[RC224]: gates on 'free' ({gates}) can end on "
        "'frontier' (bedrock/us.anthropic.claude-opus-4-6-v1): LiteLLM tries cheap → balanced → "
        "frontier, though 'free' declares only [cheap, balanced]\n"
        "  hint: LiteLLM follows each fallback's own chain; list the whole chain you want "
        "(e.g. [cheap, balanced, frontier]) or shorten the chains it passes through\n"
    )


SEED_WARNING = walk_warning(58)
POST_SEED_WARNING = walk_warning(53)


def upstream_lint(snapshot: str) -> str:
    """The LiteLLM config lint's findings on a snapshot's docker proxy config, which `check`
    and `build` show (judged in tests/test_lint_proxy.py)."""
    expected = TESTS / "cases" / "lint-proxy-upstream" / f"{snapshot}-proxy-config.docker.txt"
    return expected.read_text(encoding="utf-8")


def make_root(tmp_path: Path, upstream: Path, snapshot: str, spec: str) -> Path:
    for name in FILES:
        (tmp_path / "config" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upstream / snapshot / "config" / name, tmp_path / "config" / name)
    (tmp_path / "routecfg.yaml").write_text(spec + TARGETS)
    return tmp_path


def seed_routing() -> str:
    text = (REPO / "presets" / "cost-optimized.yaml").read_text()
    return text[: text.index("\ncost:")] + "\n"


def snapshot_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_seed_routing_on_pre_seed_gives_post_seed_preset(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    assert run(["check", "-q"], cwd=root).exit_code == 1
    build = run(["build", "--yes", "-q"], cwd=root)
    assert build.exit_code == 0, build.stderr
    preset = (root / "config" / "presets" / "default.json").read_bytes()
    assert preset == (upstream / "post-seed" / "config" / "presets" / "default.json").read_bytes()
    schema = (root / "config" / "backlog.config.schema.json").read_text()
    assert (
        '            "entryModelPlan": {\n'
        '              "type": "string",\n'
        '              "description": "Model alias for planning gates (text-only, no tool_use). '
        'Supports Ollama/local models.",\n'
        '              "default": "free"\n'
        "            },\n"
    ) in schema
    again = run(["check"], cwd=root)
    assert again.exit_code == 0
    assert again.stderr == SEED_WARNING + upstream_lint("post-seed") + (
        "config/backlog.config.schema.json: in sync\n"
        "config/presets/default.json: in sync\n"
        "config/litellm/proxy-config.docker.yaml: in sync\n"
    )
    proxy = (root / "config" / "litellm" / "proxy-config.docker.yaml").read_bytes()
    upstream_proxy = upstream / "post-seed" / "config" / "litellm" / "proxy-config.docker.yaml"
    assert proxy == upstream_proxy.read_bytes()
    before = snapshot_files(root)
    assert run(["build", "--yes"], cwd=root).exit_code == 0
    assert snapshot_files(root) == before


def test_post_seed_spec_changes_only_drifted_schema_defaults(
    tmp_path: Path, upstream: Path
) -> None:
    spec = (TESTS / "upstream" / "post-seed.yaml").read_text()
    root = make_root(tmp_path, upstream, "post-seed", spec)
    result = run(["check"], cwd=root)
    assert result.exit_code == 1
    assert result.stderr == POST_SEED_WARNING + upstream_lint("post-seed") + (
        "config/backlog.config.schema.json: stale\n"
        "  properties.llmOps.properties.routing.properties.entryModelClassify.default: "
        "'cheap' → 'free'\n"
        "  properties.llmOps.properties.routing.properties.entryModelDraft.default: "
        "'cheap' → 'free'\n"
        "  properties.llmOps.properties.routing.properties.entryModelImplement.default: "
        "'balanced' → 'cheap'\n"
        "  properties.llmOps.properties.routing.properties.entryModelReview.default: "
        "'cheap' → 'balanced'\n"
        "config/presets/default.json: in sync\n"
        "config/litellm/proxy-config.docker.yaml: in sync\n"
        "hint: run `routecfg build` to update the stale files\n"
    )
    old = (upstream / "post-seed" / "config" / "backlog.config.schema.json").read_text()
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    new = (root / "config" / "backlog.config.schema.json").read_text()
    old_lines, new_lines = old.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [
        ('              "default": "cheap"', '              "default": "free"'),
        ('              "default": "cheap"', '              "default": "free"'),
        ('              "default": "balanced"', '              "default": "cheap"'),
        ('              "default": "cheap"', '              "default": "balanced"'),
    ]
    for name in ("presets/default.json", "litellm/proxy-config.docker.yaml"):
        original = (upstream / "post-seed" / "config" / name).read_bytes()
        assert (root / "config" / name).read_bytes() == original, name


def test_review_on_frontier_and_dearer_haiku_change_only_those_values(
    tmp_path: Path, upstream: Path
) -> None:
    spec = (TESTS / "upstream" / "post-seed.yaml").read_text()
    spec = spec.replace(
        "tier: balanced, needs: [tool_use], config_key: entryModelReview",
        "tier: frontier, needs: [tool_use], config_key: entryModelReview",
    )
    spec = spec.replace("price: {input: 1.00, output: 5.00,", "price: {input: 1.10, output: 5.00,")
    root = make_root(tmp_path, upstream, "post-seed", spec)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert without_lint(result.stderr).startswith(
        POST_SEED_WARNING + "config/backlog.config.schema.json: stale\n"
        "  properties.llmOps.properties.routing.properties.entryModelClassify.default: "
        "'cheap' → 'free'\n"
    )
    assert (
        "config/presets/default.json: stale\n"
        "  llmOps.routing.entryModelReview: 'balanced' → 'frontier'\n"
        "config/litellm/proxy-config.docker.yaml: stale\n"
        "  model_list.cheap.litellm_params.input_cost_per_token: 0.000001 → 0.0000011\n"
        "  model_list.cheap.model_info.input_cost_per_token: 0.000001 → 0.0000011\n"
        "  model_list.claude-haiku-4-5-20251001.litellm_params.input_cost_per_token: "
        "0.000001 → 0.0000011\n"
        "  model_list.claude-haiku-4-5-20251001.model_info.input_cost_per_token: "
        "0.000001 → 0.0000011\n"
        "  model_list.claude-haiku-4-5.litellm_params.input_cost_per_token: 0.000001 → 0.0000011\n"
        "  model_list.claude-haiku-4-5.model_info.input_cost_per_token: 0.000001 → 0.0000011\n"
    ) in result.stderr
    original = (
        upstream / "post-seed" / "config" / "litellm" / "proxy-config.docker.yaml"
    ).read_text()
    edited = (root / "config" / "litellm" / "proxy-config.docker.yaml").read_text()
    pairs = list(zip(original.splitlines(), edited.splitlines(), strict=True))
    changed = [(a, b) for a, b in pairs if a != b]
    assert (
        changed
        == [
            (
                "      input_cost_per_token: 0.000001                 # $1/MTok",
                "      input_cost_per_token: 0.0000011                # $1.10/MTok",
            ),
            ("      input_cost_per_token: 0.000001", "      input_cost_per_token: 0.0000011"),
        ]
        + [("      input_cost_per_token: 0.000001", "      input_cost_per_token: 0.0000011")] * 4
    )
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments == [line for line in edited.splitlines() if line.lstrip().startswith("#")]
    preset = (root / "config" / "presets" / "default.json").read_text().splitlines()
    before = (upstream / "post-seed" / "config" / "presets" / "default.json").read_text()
    assert [(a, b) for a, b in zip(before.splitlines(), preset, strict=True) if a != b] == [
        ('      "entryModelReview": "balanced",', '      "entryModelReview": "frontier",')
    ]


@pytest.mark.parametrize("snapshot", ["post-seed", "head"])
def test_specs_of_upstream_leave_preset_and_proxy_byte_identical(
    tmp_path: Path, upstream: Path, snapshot: str
) -> None:
    spec = (TESTS / "upstream" / f"{snapshot}.yaml").read_text()
    root = make_root(tmp_path, upstream, snapshot, spec)
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    for name in ("presets/default.json", "litellm/proxy-config.docker.yaml"):
        original = (upstream / snapshot / "config" / name).read_bytes()
        assert (root / "config" / name).read_bytes() == original, name


def test_crlf_and_bom_are_kept(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    preset = root / "config" / "presets" / "default.json"
    preset.write_bytes(b"\xef\xbb\xbf" + preset.read_bytes().replace(b"\n", b"\r\n"))
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    data = preset.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    expected = (upstream / "post-seed" / "config" / "presets" / "default.json").read_bytes()
    assert data == b"\xef\xbb\xbf" + expected.replace(b"\n", b"\r\n")
    assert run(["check", "-q"], cwd=root).exit_code == 0


def test_a_malformed_target_writes_nothing_and_points_into_it(
    tmp_path: Path, upstream: Path
) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    preset = root / "config" / "presets" / "default.json"
    preset.write_text(preset.read_text().replace('"stack": "generic"', '"stack": "generic",,'))
    before = snapshot_files(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        SEED_WARNING + "config/presets/default.json:5:24: error[RC301]: "
    )
    assert snapshot_files(root) == before


def test_a_preset_that_already_breaks_the_schema_outside_routing_is_a_warning(
    tmp_path: Path, upstream: Path
) -> None:
    # Not the spec's doing, nor routecfg's to fix (b15acb4's ragPolicy.serverUrl, say): the
    # build goes on, and says so. A violation the spec causes is refused (test_adoption_truth).
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    preset = root / "config" / "presets" / "default.json"
    preset.write_text(preset.read_text().replace('"version": "1.1"', '"version": "9"'))
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 0
    assert result.stderr.startswith(
        SEED_WARNING + "config/presets/default.json:2:14: warning[RC608]: version: '9' is not one "
        "of ['1.0', '1.1'] "
        "(checked against config/backlog.config.schema.json)\n"
        "  hint: the preset breaks its schema here already, outside llmOps.routing, which is all "
        "routecfg owns: fix the preset by hand (routecfg leaves it as it is)\n"
    )
    assert '"version": "9"' in preset.read_text()


def test_build_without_a_terminal_or_yes_writes_nothing(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    before = snapshot_files(root)
    result = run(["build"], cwd=root)
    assert result.exit_code == 1
    assert result.stderr.endswith("not written: no terminal to confirm on; run with --yes\n")
    assert snapshot_files(root) == before


def test_diff_exit_code_and_github_annotations(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    assert run(["diff"], cwd=root).exit_code == 0
    assert run(["diff", "--exit-code"], cwd=root).exit_code == 1
    github = run(["check", "--format", "github"], cwd=root)
    assert github.exit_code == 1
    lines = github.stdout.splitlines()
    assert lines[0].startswith("::warning file=routecfg.yaml,line=58,col=30,title=RC224::")
    assert lines[1].startswith("::warning file=config/litellm/proxy-config.docker.yaml,line=23,")
    plan = [line for line in lines if ",title=RC503::" in line]
    assert plan[1].startswith(
        "::error file=config/presets/default.json,line=86,endLine=89,title=RC503::"
        "config/presets/default.json is stale: llmOps.routing.entryModelClassify: 'cheap' → 'free'; "
    )


def test_the_example_repository_is_in_sync() -> None:
    result = run(["check", "--spec", str(REPO / "examples" / "backlog-toolkit" / "routecfg.yaml")])
    assert result.exit_code == 0
    assert result.stderr == (
        "est. cost/ticket $0.212 (unchanged)\n"
        "config/backlog.config.schema.json: in sync\n"
        "config/presets/default.json: in sync\n"
        "config/litellm/proxy-config.yaml: in sync\n"
        "skills/backlog-implementer/SKILL.md: in sync (8 blocks; prose checked)\n"
    )


def test_a_hand_edited_block_is_reported_and_kept_unless_forced(tmp_path: Path) -> None:
    example = REPO / "examples" / "backlog-toolkit"
    shutil.copytree(example, tmp_path, dirs_exist_ok=True)
    skill = tmp_path / "skills" / "backlog-implementer" / "SKILL.md"
    text = skill.read_text()
    edited = text.replace(
        '**Model**: `entryModelReview` (balanced/Sonnet) via Task(model: "sonnet").',
        "**Model**: Opus for every review.",
    )
    assert edited != text
    skill.write_text(edited)
    check = run(["check"], cwd=tmp_path)
    assert check.exit_code == 3
    assert check.stderr.startswith(
        "est. cost/ticket $0.203 (unchanged; before: what the targets hold; left out of both: "
        "wave_plan, lint, commit, write_agent (no target states their old tier))\n"
    )
    assert check.stderr.endswith(
        "skills/backlog-implementer/SKILL.md: edited by hand (8 blocks; prose checked)\n"
        "skills/backlog-implementer/SKILL.md:68:1: error[RC504]: block 'gate-model' "
        "(gate=review) was edited by hand\n"
        "  hint: make the change in routecfg.yaml or the block's template; "
        "`routecfg build --force` overwrites the block\n"
    )
    assert "-**Model**: Opus for every review.\n" in check.stdout
    build = run(["build", "--yes"], cwd=tmp_path)
    assert build.exit_code == 3
    assert skill.read_text() == edited
    forced = run(["build", "--yes", "--force", "-q"], cwd=tmp_path)
    assert forced.exit_code == 0
    assert skill.read_text() == text
    assert run(["check", "-q"], cwd=tmp_path).exit_code == 0


def test_a_missing_target_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path, dirs_exist_ok=True)
    (tmp_path / "config" / "presets" / "default.json").unlink()
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("tier: balanced, needs", "tier: frontier, needs"))
    before = snapshot_files(tmp_path)
    for command in (["check"], ["build", "--yes"], ["diff"]):
        result = run(command, cwd=tmp_path)
        assert result.exit_code == 2, command
        assert "config/presets/default.json: missing\n" in result.stderr
        assert result.stderr.endswith(
            "hint: create the missing files (routecfg edits files, it does not write them from "
            "nothing), or fix their paths in routecfg.yaml\n"
        )
        assert snapshot_files(tmp_path) == before


def test_without_git_the_cost_line_compares_with_what_the_targets_hold(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path, dirs_exist_ok=True)
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("tier: balanced, needs", "tier: frontier, needs"))
    result = run(["check"], cwd=tmp_path)
    assert result.exit_code == 1
    # The preset states the old tier of the gates with a config key; the other four gates'
    # old tiers are unknown, so both figures leave them out (and say so) rather than pricing
    # them at the new tiers.
    assert result.stderr.startswith(
        "est. cost/ticket $0.203 → $0.263 (+30%; before: what the targets hold; left out of "
        "both: wave_plan, lint, commit, write_agent (no target states their old tier))\n"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'{\r\n  "a": 1\n}\r\n',
            "x.json:2:9: error[RC301]: mixed line endings: some lines end in CRLF, others in LF",
        ),
        (
            b'{\n  "a": 1\r\n}\n',
            "x.json:2:9: error[RC301]: mixed line endings: some lines end in CRLF, others in LF",
        ),
        (
            b'{\n  "a": "\xe9"\n}\n',
            "x.json:2:9: error[RC301]: not UTF-8: byte 0xe9 cannot be decoded",
        ),
        (b'{\n  "a": 1\x00\n}\n', "x.json:2:9: error[RC301]: binary file: it holds a NUL byte"),
    ],
)
def test_unreadable_targets_are_diagnosed_at_their_place(data: bytes, expected: str) -> None:
    from routecfg.diagnostics import RoutecfgError
    from routecfg.plan import decode
    from routecfg.report import format_text

    with pytest.raises(RoutecfgError) as raised:
        decode(data, "x.json")
    assert format_text(raised.value.diagnostics).splitlines()[0] == expected
