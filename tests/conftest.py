"""Shared test helpers: the upstream fixtures (read in place) and running the CLI."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from routecfg.cli import cli

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = Path(os.environ.get("ROUTECFG_SHARED", REPO.parent / "shared"))
UPSTREAM = SHARED / "fixtures" / "upstream"
SNAPSHOTS = ("pre-seed", "post-seed", "head")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say up front which tests will skip, and why: a user's clone has no ../shared."""
    from tests.lsp import SERVER_ENV, find_server

    lines = []
    if UPSTREAM.is_dir():
        lines.append(f"routecfg: upstream fixtures at {UPSTREAM}")
    else:
        lines.append(
            f"routecfg: upstream fixtures not found at {UPSTREAM}: the tests that read the backlog "
            "toolkit's real files skip (they live beside routecfg's own checkout as "
            "shared/fixtures/upstream; ROUTECFG_SHARED=PATH names another place)"
        )
    server = find_server()
    if server is not None:
        lines.append(f"routecfg: yaml-language-server at {server}")
    else:
        lines.append(
            "routecfg: yaml-language-server not found: the editor tests over LSP skip "
            f"(npm install yaml-language-server, then {SERVER_ENV}=PATH or put it on the PATH)"
        )
    return lines


@pytest.fixture
def upstream() -> Path:
    """``../shared/fixtures/upstream``; skipped in a user's clone, a failure under CI=true."""
    if not UPSTREAM.is_dir():
        message = f"upstream fixtures not found at {UPSTREAM}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: fixtures are required)")
        pytest.skip(message)
    return UPSTREAM


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run(args: Sequence[str], cwd: Path | None = None) -> Result:
    """Run the CLI in-process as `routecfg ARGS` would, from ``cwd``."""
    from routecfg.cli import main

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        previous = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            code = main(list(args))
        finally:
            os.chdir(previous)
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


_LINT_FINDING = re.compile(r"\S+: (error|warning)\[RC7[5-9]\d\]: ")


def without_lint(stderr: str) -> str:
    """``stderr`` without the LiteLLM config lint's findings (RC750-RC799) and their hints, which
    `check` and `build` show for proxy targets (tests/test_lint_proxy.py pins them)."""
    kept: list[str] = []
    in_finding = False
    for line in stderr.splitlines(keepends=True):
        if _LINT_FINDING.match(line):
            in_finding = True
        elif not (in_finding and line.startswith("  hint: ")):
            in_finding = False
            kept.append(line)
    return "".join(kept)


def writable_copy(source: Path, target: Path) -> Path:
    """A copy of shared fixtures as a user's checkout is: writable (the fixtures are read-only,
    and `build` refuses a read-only target without --force)."""
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return target


__all__ = [
    "SNAPSHOTS",
    "TESTS",
    "UPSTREAM",
    "Result",
    "cli",
    "run",
    "without_lint",
    "writable_copy",
]


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test's check cache in a folder of its own, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ROUTECFG_CACHE_DIR", str(folder))
    return folder
