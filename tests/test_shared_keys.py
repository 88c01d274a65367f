"""Several gates reading one config_key (upstream's real routing): allowed on one tier."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run, without_lint


def adopted(upstream: Path, snapshot: str, tmp_path: Path) -> Path:
    shutil.copytree(upstream / snapshot / "config", tmp_path / "config")
    assert run(["init", "--from-repo", "-q"], cwd=tmp_path).exit_code == 0
    return tmp_path / "routecfg.yaml"


def add_gate(spec: Path, after: str, line: str) -> None:
    text = spec.read_text(encoding="utf-8")
    anchor = next(row for row in text.splitlines(keepends=True) if row.startswith(f"  {after}:"))
    spec.write_text(text.replace(anchor, anchor + line + "\n"), encoding="utf-8")


@pytest.mark.parametrize(
    ("snapshot", "after", "gate"),
    [
        # pre-seed: Gate 3 LINT and Gate 4 REVIEW both read entryModelReview
        (
            "pre-seed",
            "review",
            "  lint: {title: Gate 3 LINT, tier: cheap, config_key: entryModelReview}",
        ),
        # post-seed: Wave Planning and Gate 1 PLAN both read entryModelPlan
        (
            "post-seed",
            "plan",
            "  wave_plan: {title: Wave Planning, tier: free, fallback: [cheap], config_key: entryModelPlan}",
        ),
    ],
)
def test_a_shared_key_on_one_tier_keeps_upstream_files_byte_for_byte(
    upstream: Path, tmp_path: Path, snapshot: str, after: str, gate: str
) -> None:
    spec = adopted(upstream, snapshot, tmp_path)
    add_gate(spec, after, gate)
    result = run(["check", "--no-cache"], cwd=tmp_path)
    states = [
        line for line in without_lint(result.stderr).splitlines() if line.startswith("config/")
    ]
    # post-seed's schema defaults really do drift from its preset (init warns of it, RC601)
    schema = "in sync" if snapshot == "pre-seed" else "stale"
    assert states == [
        f"config/backlog.config.schema.json: {schema}",
        "config/presets/default.json: in sync",
        "config/litellm/proxy-config.docker.yaml: in sync",
    ]


def test_a_shared_key_on_two_tiers_names_both_gates_and_tiers(
    upstream: Path, tmp_path: Path
) -> None:
    spec = adopted(upstream, "pre-seed", tmp_path)
    add_gate(
        spec, "review", "  lint: {title: Gate 3 LINT, tier: balanced, config_key: entryModelReview}"
    )
    result = run(["validate"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "routecfg.yaml:34:58: error[RC251]: config_key 'entryModelReview' is read by gate "
        "'review' on tier 'cheap' and by gate 'lint' on tier 'balanced'",
        "  hint: one llmOps.routing property holds one tier: route both gates to the same tier, "
        "or give each gate its own key",
    ]


def test_init_from_repo_reads_back_the_gates_of_a_shared_key(tmp_path: Path) -> None:
    # routecfg's schema target describes a property it adds for a shared key by the gates that
    # read it; adopting the repository again gives those gates back, sharing the key.
    case = Path(__file__).parent / "cases" / "build" / "shared-config-key"
    shutil.copytree(case / "expected", tmp_path, dirs_exist_ok=True)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    init = ["init", "--from-repo", "--preset-file", "default.json", "--schema-file", "schema.json"]
    assert run([*init, "-q"], cwd=tmp_path).exit_code == 0
    spec = (tmp_path / "routecfg.yaml").read_text(encoding="utf-8")
    assert (
        "  gate_3b_test: {title: Gate 3b TEST,     tier: cheap,    config_key: entryModelTest}"
        in spec
    )
    assert (
        "  write_agent:  {title: Write-agents,     tier: cheap,    needs: [tool_use], "
        "config_key: entryModelTest}" in spec
    )
    assert run(["build", "--yes", "-q"], cwd=tmp_path).exit_code == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name in before} == before
