"""Hand edits of owned values in the preset, schema and proxy (issue 9, item 11), and hand-edited
blocks reported with their place and parameters (item 12)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from routecfg import compiler
from tests.conftest import REPO, run

EXAMPLE = REPO / "examples" / "backlog-toolkit"
PRESET = "config/presets/default.json"
SCHEMA = "config/backlog.config.schema.json"
PROXY = "config/litellm/proxy-config.yaml"
SKILL = "skills/backlog-implementer/SKILL.md"
HINT = (
    "  hint: make the change in routecfg.yaml; `routecfg build --force` overwrites the hand edit\n"
)


def git(root: Path, *args: str) -> None:
    command = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*command, *args], check=True, capture_output=True)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The example repository, committed."""
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    root = tmp_path / "repo"
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "built")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }


def test_a_hand_edit_in_the_preset(root: Path) -> None:
    edit(root / PRESET, '"entryModelReview": "balanced"', '"entryModelReview": "frontier"')
    check = run(["check", "-q"], cwd=root)
    assert check.exit_code == 3
    assert check.stderr == (
        f"{PRESET}: edited by hand\n"
        f"{PRESET}:21:27: error[RC328]: llmOps.routing.entryModelReview was edited by hand: "
        "'frontier' (the spec gives 'balanced', as it did at HEAD)\n" + HINT
    )
    before = snapshot(root)
    build = run(["build", "--yes", "-q"], cwd=root)
    assert build.exit_code == 3
    assert build.stderr.endswith(
        "not written: files were edited by hand (--force overwrites them)\n"
    )
    assert snapshot(root) == before
    assert run(["build", "--yes", "--force", "-q"], cwd=root).exit_code == 0
    assert '"entryModelReview": "balanced"' in (root / PRESET).read_text()
    assert run(["check", "--no-cache"], cwd=root).exit_code == 0


def test_a_hand_edit_of_a_price_in_the_proxy(root: Path) -> None:
    edit(root / PROXY, "input_cost_per_token: 0.000001 ", "input_cost_per_token: 0.000002 ")
    check = run(["check", "-q"], cwd=root)
    assert check.exit_code == 3
    assert check.stderr == (
        f"{PROXY}: edited by hand\n"
        f"{PROXY}:28:29: error[RC328]: model_list.cheap.litellm_params.input_cost_per_token was "
        "edited by hand: 0.000002 (the spec gives 0.000001, as it did at HEAD)\n" + HINT
    )


def test_a_hand_edit_in_the_schema(root: Path) -> None:
    schema = root / SCHEMA
    text = schema.read_text()
    at = text.index('"entryModelReview"')
    schema.write_text(
        text[:at] + text[at:].replace('"default": "balanced"', '"default": "cheap"', 1)
    )
    check = run(["check", "-q"], cwd=root)
    assert check.exit_code == 3
    (state, line, hint) = check.stderr.splitlines()
    assert state == f"{SCHEMA}: edited by hand"
    assert hint + "\n" == HINT
    assert line.startswith(f"{SCHEMA}:")
    assert line.endswith(
        ": error[RC328]: properties.llmOps.properties.routing.properties.entryModelReview.default "
        "was edited by hand: 'cheap' (the spec gives 'balanced', as it did at HEAD)"
    )


def test_a_value_the_committed_spec_gave_is_stale_not_a_hand_edit(root: Path) -> None:
    edit(
        root / "routecfg.yaml",
        "tier: balanced, needs: [tool_use], config_key: entryModelReview",
        "tier: frontier, needs: [tool_use], config_key: entryModelReview",
    )
    check = run(["check"], cwd=root)
    assert check.exit_code == 1
    assert "RC328" not in check.stderr
    assert (
        f"{PRESET}: stale\n  llmOps.routing.entryModelReview: 'balanced' → 'frontier'\n"
        in check.stderr
    )


def test_a_spec_committed_without_a_build_leaves_the_files_stale(root: Path) -> None:
    # HEAD's spec and today's both give 'frontier'; the preset still holds what was committed.
    edit(
        root / "routecfg.yaml",
        "tier: balanced, needs: [tool_use], config_key: entryModelReview",
        "tier: frontier, needs: [tool_use], config_key: entryModelReview",
    )
    git(root, "commit", "-qam", "review on frontier, without a build")
    check = run(["check"], cwd=root)
    assert check.exit_code == 1
    assert "RC328" not in check.stderr
    assert (
        f"{PRESET}: stale\n  llmOps.routing.entryModelReview: 'balanced' → 'frontier'\n"
        in check.stderr
    )
    # an edit made since that commit is still told apart
    edit(root / PRESET, '"entryModelReview": "balanced"', '"entryModelReview": "cheap"')
    edited = run(["check", "-q"], cwd=root)
    assert edited.exit_code == 3
    assert (
        f"{PRESET}:21:27: error[RC328]: llmOps.routing.entryModelReview was edited by hand: "
        "'cheap' (the spec gives 'frontier', as it did at HEAD)\n"
    ) in edited.stderr


def test_a_stale_file_with_a_hand_edit_elsewhere(root: Path) -> None:
    edit(root / "routecfg.yaml", "price: {input: 1.00,", "price: {input: 1.10,")
    edit(root / PRESET, '"entryModelReview": "balanced"', '"entryModelReview": "frontier"')
    check = run(["check", "-q"], cwd=root)
    assert check.exit_code == 3
    assert f"{PRESET}:21:27: error[RC328]: llmOps.routing.entryModelReview" in check.stderr
    assert "model_list.cheap" not in check.stderr  # the proxy's prices are stale, not edited


def test_outside_git_a_differing_value_is_stale(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    root = tmp_path / "repo"
    edit(root / PRESET, '"entryModelReview": "balanced"', '"entryModelReview": "frontier"')
    assert run(["check"], cwd=root).exit_code == 1


def test_an_in_sync_check_never_reads_the_spec_at_head(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the spec at HEAD was read for an in-sync check")

    monkeypatch.setattr(compiler, "committed", refuse)
    assert run(["check", "--no-cache", "-q"], cwd=root).exit_code == 0


def test_a_hand_edited_block_has_its_place_and_parameters_even_with_q(root: Path) -> None:
    """Item 12: text mode said neither the line nor the parameters, and -q printed a diff only."""
    edit(
        root / SKILL,
        '**Model**: `entryModelReview` (balanced/Sonnet) via Task(model: "sonnet").',
        "**Model**: Opus for every review.",
    )
    check = run(["check", "-q"], cwd=root)
    assert check.exit_code == 3
    assert check.stderr == (
        f"{SKILL}: edited by hand\n"
        f"{SKILL}:68:1: error[RC504]: block 'gate-model' (gate=review) was edited by hand\n"
        "  hint: make the change in routecfg.yaml or the block's template; `routecfg build --force` "
        "overwrites the block\n"
    )
    assert check.stdout == ""  # -q: the problems, not the diff


def test_the_compiler_asks_about_hand_edits_for_every_kind_handedits_knows() -> None:
    from routecfg import compiler, handedits

    assert compiler.HAND_EDITED_KINDS == handedits.KINDS
