"""A plain `routecfg check` runs without click (routecfg.commands) and prints exactly what the
click command prints: the same bytes on stdout and stderr, the same exit code and job summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from routecfg import cli, commands, entry
from tests.conftest import REPO, TESTS

CASES = sorted(p.parent for p in TESTS.glob("cases/build/*/routecfg.yaml"))
ARGUMENTS = [
    ["check", "--no-cache"],
    ["check", "-q", "--no-cache"],
    ["check", "--format", "json", "--no-cache"],
    ["check", "--format=github", "--no-cache"],
    ["check", "--format", "sarif", "--quiet", "--no-cache"],
    ["check", "--color", "always", "--no-cache"],
    ["check", "--no-cache", "--spec", "routecfg.yaml", "--color=never"],
]


def _both_ways(
    argv: list[str], root: Path, capsys: pytest.CaptureFixture[str], summary: Path | None
) -> list[tuple[int, str, str, str]]:
    results = []
    for run in (cli.main, entry.run):
        if summary is not None:
            summary.write_text("", encoding="utf-8")
        code = run(list(argv))
        out, err = capsys.readouterr()
        written = summary.read_text(encoding="utf-8") if summary is not None else ""
        results.append((code, out, err, written))
    return results


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_plain_check_prints_what_the_click_command_prints(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(shutil.copytree(case, tmp_path / case.name))
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for argv in ARGUMENTS:
        assert commands.plain_check(argv) is not None
        click_result, plain_result = _both_ways(argv, root, capsys, None)
        assert plain_result == click_result, argv


def test_the_job_summary_is_written_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path / "example"))
    preset = root / "config" / "presets" / "default.json"
    text = preset.read_text(encoding="utf-8")
    preset.write_text(text.replace('"balanced"', '"cheap"', 1), encoding="utf-8")
    monkeypatch.chdir(root)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    click_result, plain_result = _both_ways(["check", "--no-cache"], root, capsys, summary)
    assert plain_result == click_result
    assert click_result[0] == 1
    assert "config/presets/default.json" in click_result[3]


def test_an_invalid_spec_and_an_internal_error_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "routecfg.yaml").write_text("version: 1\ntiers: [\n", encoding="utf-8")
    click_result, plain_result = _both_ways(["check", "--no-cache"], tmp_path, capsys, None)
    assert plain_result == click_result
    assert click_result[0] == 2
    monkeypatch.setattr(commands, "plan", _crash)
    click_result, plain_result = _both_ways(["check", "--no-cache"], tmp_path, capsys, None)
    assert plain_result == click_result
    assert click_result[:3] == (
        4,
        "",
        "routecfg: internal error: RuntimeError: boom "
        "(please report it; --debug shows the traceback)\n",
    )


def _crash(*args: object) -> None:
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check"], (commands.Options(None, "text", False, False), False)),
        (
            ["check", "-q", "--no-cache", "--spec=x.yaml", "--format", "json", "--color=never"],
            (commands.Options("x.yaml", "json", True, False, "never"), True),
        ),
        (
            ["check", "--debug", "--spec", "a b"],
            (commands.Options("a b", "text", False, True), False),
        ),
    ],
)
def test_plain_options(argv: list[str], expected: tuple[commands.Options, bool]) -> None:
    assert commands.plain_check(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],
        ["check", "--help"],
        ["check", "-h"],
        ["check", "--format", "yaml"],
        ["check", "--format"],
        ["check", "--spec", "--no-cache"],
        ["check", "--spec="],
        ["check", "--color", "sometimes"],
        ["check", "--summary", "s.md"],
        ["check", "-qq"],
        ["check", "extra"],
        ["check", "--", "-q"],
    ],
)
def test_anything_else_goes_to_click(argv: list[str]) -> None:
    assert commands.plain_check(argv) is None


def test_the_plain_path_imports_no_click(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path / "example"))
    probe = (
        "import sys; from routecfg import entry; code = entry.run(['check', '-q', '--no-cache']);"
        "heavy = [m for m in ('click', 'jsonschema', 'deepdiff') if m in sys.modules];"
        "print(code, heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.stdout == "0 []\n", done.stderr
