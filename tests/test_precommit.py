"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit on a scratch repository holding
the example repository, as a user's `.pre-commit-config.yaml` would run them."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO, run

EXAMPLE = REPO / "examples" / "backlog-toolkit"
PRESET = "config/presets/default.json"


def require_tools() -> None:
    """git missing: skip. pre-commit missing: skip in a user's clone, fail under CI=true."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if importlib.util.find_spec("pre_commit") is None:
        message = "pre-commit is not installed (pip install '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the pre-commit test is required)")
        pytest.skip(message)


def hermetic_env(tmp_path: Path) -> dict[str, str]:
    """No git or pre-commit state of the machine: an empty global git config, no GIT_* variables
    (a test run inside a git hook has GIT_DIR set), and pre-commit's store under tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    (tmp_path / "gitconfig").write_text("")
    env["GIT_CONFIG_GLOBAL"] = str(tmp_path / "gitconfig")
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["PRE_COMMIT_COLOR"] = "never"
    return env


def pre_commit(
    args: Sequence[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=900,
    )


def manifest() -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = YAML(typ="safe").load(REPO / ".pre-commit-hooks.yaml")
    return hooks


def test_the_manifest_declares_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in manifest()}
    assert list(hooks) == ["routecfg-check", "routecfg-build"]
    assert hooks["routecfg-check"]["entry"] == "routecfg check"
    assert hooks["routecfg-build"]["entry"] == "routecfg build --yes"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["require_serial"] is True
        assert hook["description"]


TRIGGERS = [
    "routecfg.yaml",
    "tools/routing/routecfg.yaml",
    "templates/model-rules.md.j2",
    "config/presets/default.json",
    "config/backlog.config.schema.json",
    "config/litellm/proxy-config.docker.yaml",
    "config/litellm/proxy-config.yml",
    "skills/backlog-implementer/SKILL.md",
]
BYSTANDERS = ["README.md", "src/app.py", "skills/backlog-implementer/NOTES.md", "Makefile"]


@pytest.mark.parametrize("path", TRIGGERS + BYSTANDERS)
def test_hooks_run_for_the_spec_templates_and_targets_only(path: str) -> None:
    for hook in manifest():
        # pre-commit matches `files` with re.search on the path relative to the repository root.
        assert bool(re.search(hook["files"], path)) is (path in TRIGGERS), (hook["id"], path)


def test_pre_commit_validates_the_manifest(tmp_path: Path) -> None:
    require_tools()
    manifest_path = str(REPO / ".pre-commit-hooks.yaml")
    done = pre_commit(["validate-manifest", manifest_path], REPO, hermetic_env(tmp_path))
    assert done.returncode == 0, done.stdout


def test_the_readme_config_snippet_is_valid_and_names_both_hooks(tmp_path: Path) -> None:
    require_tools()
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("\n## pre-commit\n") :]
    snippet = section[section.index("```yaml\n") + 8 : section.index("```\n", 1)]
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet)
    done = pre_commit(["validate-config", str(config)], tmp_path, hermetic_env(tmp_path))
    assert done.returncode == 0, done.stdout
    (repo,) = YAML(typ="safe").load(snippet)["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in manifest()]


def git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def commit_all(cwd: Path, env: dict[str, str], message: str) -> None:
    git(cwd, env, "add", "--all")
    git(cwd, env, "commit", "--quiet", "--no-verify", "--message", message)


def new_repository(path: Path, env: dict[str, str]) -> None:
    git(path, env, "init", "--quiet")
    git(path, env, "config", "user.name", "routecfg tests")
    git(path, env, "config", "user.email", "tests@routecfg.invalid")
    git(path, env, "config", "commit.gpgsign", "false")


def snapshot_checkout(dest: Path, env: dict[str, str]) -> Path:
    """This checkout's working tree, committed to a repository of its own.

    try-repo on the checkout itself would install its HEAD plus tracked changes only: a new module
    not yet `git add`ed would be missing from the hook's environment. A snapshot of every file git
    would commit (tracked and untracked, ignored ones left out) installs what is on disk.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        message = f"{REPO} is not a git checkout"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the pre-commit test is required)")
        pytest.skip(message)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    new_repository(dest, env)
    commit_all(dest, env, "snapshot of the routecfg checkout")
    return dest


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """(hook repository, a user's repository holding the example in sync, environment)."""
    require_tools()
    env = hermetic_env(tmp_path)
    hooks = snapshot_checkout(tmp_path / "routecfg", env)
    user = tmp_path / "toolkit"
    shutil.copytree(EXAMPLE, user)
    new_repository(user, env)
    commit_all(user, env, "the example toolkit")
    return hooks, user, env


def try_repo(
    hooks: Path, hook: str, user: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return pre_commit(["try-repo", str(hooks), hook, "--all-files"], user, env)


def hook_line(output: str, name: str) -> str:
    """pre-commit's result line for a hook: `routecfg check.....Passed`, dots dropped."""
    lines = [line for line in output.splitlines() if line.startswith(name + ".")]
    assert len(lines) == 1, output
    return re.sub(r"\.{3,}", "...", lines[0])


def move_review_to_frontier(user: Path, env: dict[str, str]) -> None:
    spec = user / "routecfg.yaml"
    text = spec.read_text()
    old = "tier: balanced, needs: [tool_use], config_key: entryModelReview"
    assert text.count(old) == 1
    spec.write_text(text.replace(old, old.replace("balanced", "frontier")))
    commit_all(user, env, "review on frontier, without a build")


@pytest.mark.slow
def test_check_hook_passes_in_sync_and_fails_on_drift(
    scratch: tuple[Path, Path, dict[str, str]],
) -> None:
    hooks, user, env = scratch
    in_sync = try_repo(hooks, "routecfg-check", user, env)
    assert in_sync.returncode == 0, in_sync.stdout
    assert hook_line(in_sync.stdout, "routecfg check") == "routecfg check...Passed"

    move_review_to_frontier(user, env)
    drifted = try_repo(hooks, "routecfg-check", user, env)
    assert drifted.returncode == 1, drifted.stdout
    assert hook_line(drifted.stdout, "routecfg check") == "routecfg check...Failed"
    assert "- hook id: routecfg-check\n- exit code: 1\n" in drifted.stdout
    assert (
        f"{PRESET}: stale\n  llmOps.routing.entryModelReview: 'balanced' → 'frontier'\n"
    ) in drifted.stdout
    assert '-      "entryModelReview": "balanced",\n+      "entryModelReview": "frontier",\n' in (
        drifted.stdout
    )
    assert "hint: run `routecfg build` to update the stale files\n" in drifted.stdout
    assert '"entryModelReview": "balanced"' in (user / PRESET).read_text()  # check never writes


@pytest.mark.slow
def test_build_hook_rewrites_the_drifted_files(
    scratch: tuple[Path, Path, dict[str, str]],
) -> None:
    hooks, user, env = scratch
    move_review_to_frontier(user, env)
    built = try_repo(hooks, "routecfg-build", user, env)
    # The hook succeeds, but pre-commit fails it because it changed files the user must stage.
    assert built.returncode == 1, built.stdout
    assert hook_line(built.stdout, "routecfg build") == "routecfg build...Failed"
    assert "- hook id: routecfg-build\n- files were modified by this hook\n" in built.stdout
    assert '      "entryModelReview": "frontier",\n' in (user / PRESET).read_text()
    assert run(["check", "-q"], cwd=user).exit_code == 0
