"""`routecfg lint-proxy`: a corpus of LiteLLM proxy configs, each with its exact expected output.

Each folder under tests/cases/lint-proxy/ holds ``proxy.yaml`` and ``expected.txt``, the stderr of
`routecfg lint-proxy proxy.yaml` run in that folder (stdout must be empty), and optionally ``args``
(more arguments, one a line) and ``env`` (NAME=value lines: the environment ``--env`` checks
against, every other variable the config names being unset). Folders named ``clean-*`` must give
no finding. Exit code 2 when an error is expected (or any finding under --strict), else 0.

Upstream's own proxy configs are linted in place (never copied): their expected findings are in
tests/cases/lint-proxy-upstream/, one file per snapshot and file, each finding read and judged.

Regenerate after a deliberate change with `ROUTECFG_REGEN=1 pytest tests/test_lint_proxy.py`,
then read every changed file before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import SNAPSHOTS, TESTS, run

CASES = sorted(p for p in (TESTS / "cases" / "lint-proxy").iterdir() if p.is_dir())
UPSTREAM_EXPECTED = TESTS / "cases" / "lint-proxy-upstream"
EXAMPLE = TESTS.parent / "examples" / "backlog-toolkit"
UPSTREAM_FILES = ("proxy-config.docker.yaml", "proxy-config.template.yaml")


def _regen(path: Path, text: str) -> None:
    if os.environ.get("ROUTECFG_REGEN"):
        path.write_text(text, encoding="utf-8")


def test_the_corpus_covers_every_rule() -> None:
    codes = {f"RC{n}" for n in (*range(750, 766), 767)}
    found = {
        code
        for case in CASES
        for code in re.findall(r"\[(RC7\d\d)\]", (case / "expected.txt").read_text())
    }
    assert codes <= found, sorted(codes - found)
    assert len([c for c in CASES if c.name.startswith("clean-")]) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_lint_proxy_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args_file = case / "args"
    args = args_file.read_text().split() if args_file.exists() else []
    env_file = case / "env"
    if env_file.exists():
        config = (case / "proxy.yaml").read_text()
        for name in re.findall(r"os\.environ/([A-Za-z0-9_]+)", config):
            monkeypatch.delenv(name, raising=False)
        for line in env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            monkeypatch.setenv(name, value)
    result = run(["lint-proxy", "proxy.yaml", *args], cwd=case)
    expected_file = case / "expected.txt"
    _regen(expected_file, result.stderr)
    expected = expected_file.read_text(encoding="utf-8")
    assert result.stderr == expected
    assert result.stdout == ""
    if case.name.startswith("clean-"):
        assert expected == "proxy.yaml: no problems\n"
    failing = "error[" in expected or ("--strict" in args and "warning[" in expected)
    assert result.exit_code == (2 if failing else 0)


def test_json_and_github_formats() -> None:
    case = TESTS / "cases" / "lint-proxy" / "time-period-in-minutes"
    records = json.loads(run(["lint-proxy", "proxy.yaml", "--format", "json"], cwd=case).stdout)
    assert [(r["line"], r["column"], r["severity"], r["code"]) for r in records] == [
        (16, 20, "error", "RC760"),
        (19, 20, "error", "RC760"),
    ]
    github = run(["lint-proxy", "proxy.yaml", "--format", "github"], cwd=case)
    assert github.exit_code == 2
    assert github.stdout.splitlines()[0] == (
        "::error file=proxy.yaml,line=16,col=20,title=RC760::time_period: 1m is 1 minute in "
        "LiteLLM, not a month: the budget resets that often%0Ahint: a month is 1mo (or 30d, or "
        "monthly); to mean 1 minute, write 60s"
    )


def test_the_bundled_example_is_clean() -> None:
    result = run(["lint-proxy"], cwd=EXAMPLE)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "config/litellm/proxy-config.yaml: no problems\n"
    strict = run(["lint-proxy", "--strict", "--env", "-q"], cwd=EXAMPLE)
    # --env: LITELLM_MASTER_KEY and OPENAI_API_KEY are not set here, so only they are reported.
    assert [line.split(": ", 2)[1] for line in strict.stderr.splitlines() if "[RC" in line] == [
        "error[RC761]",
        "error[RC761]",
    ]


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
@pytest.mark.parametrize("name", UPSTREAM_FILES)
def test_upstream_proxy_configs(upstream: Path, snapshot: str, name: str) -> None:
    """Every finding on upstream's files is a real problem (each judged in the expected file's
    review, README "Linting LiteLLM configs"); nothing else is reported."""
    relative = f"config/litellm/{name}"
    result = run(["lint-proxy", relative, "-q"], cwd=upstream / snapshot)
    expected_file = UPSTREAM_EXPECTED / f"{snapshot}-{name.removesuffix('.yaml')}.txt"
    _regen(expected_file, result.stderr)
    assert result.stderr == expected_file.read_text(encoding="utf-8")
    assert result.exit_code == (2 if "error[" in result.stderr else 0)


def test_no_path_and_no_proxy_target(tmp_path: Path) -> None:
    spec = (EXAMPLE / "routecfg.yaml").read_text()
    (tmp_path / "routecfg.yaml").write_text(spec.split("targets:")[0])
    result = run(["lint-proxy"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "routecfg.yaml: error[RC766]: nothing to lint: no PATH given, and the spec names no "
        "proxy target\n"
        "  hint: name the LiteLLM config files, or add targets.proxy to the spec\n"
        "Found 1 error.\n"
    )
    missing = run(["lint-proxy", "nowhere.yaml"], cwd=tmp_path)
    assert missing.exit_code == 2
    assert missing.stderr == (
        "nowhere.yaml: error[RC766]: no such file: nowhere.yaml\n"
        "  hint: check the path\n"
        "nowhere.yaml: missing\n"
        "Found 1 error.\n"
    )


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """Nine anchors of ten aliases each expand to 10^9 values: the lint walked them all (hours);
    it now counts them as they would expand and stops at the limit, linear in the text."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 10)}]")
    lines += [
        "model_list:",
        "  - model_name: x",
        "    litellm_params:",
        "      model: openai/gpt-4o",
    ]
    lines.append("      extra: *h")
    (tmp_path / "proxy.yaml").write_text("\n".join(lines) + "\n")
    result = run(["lint-proxy", "proxy.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "proxy.yaml:6:1: error[RC007]: the document expands to more than 200,000 values "
        "(aliases repeating anchors, an 'alias bomb'?)",
        "  hint: a LiteLLM config is small; remove the nested aliases",
        "proxy.yaml: 1 error",
        "Found 1 error.",
    ]


def test_aliases_below_the_limit_are_linted_as_written(tmp_path: Path) -> None:
    text = (
        "x-params: &params {model: openai/gpt-4o, api_key: os.environ/NOPE_KEY}\n"
        "model_list:\n"
        "  - {model_name: a, litellm_params: *params}\n"
        "  - {model_name: b, litellm_params: *params}\n"
    )
    (tmp_path / "proxy.yaml").write_text(text)
    result = run(["lint-proxy", "proxy.yaml"], cwd=tmp_path)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith("proxy.yaml:3:6: warning[RC756]: 'a' has no fallbacks")
    assert lines[2].startswith("proxy.yaml:4:6: warning[RC756]: 'b' has no fallbacks")
    assert lines[4:] == ["proxy.yaml: 2 warnings", "Found 2 warnings."]
