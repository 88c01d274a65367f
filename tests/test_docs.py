"""The README's tables stay true: every diagnostic code and every command is documented."""

from __future__ import annotations

import re

from routecfg.cli import cli
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def documented_codes() -> set[str]:
    codes: set[str] = set()
    for row in re.findall(r"^\| (RC[^|]+?) \|", README, re.MULTILINE):
        for part in row.split(","):
            bounds = [int(n) for n in re.findall(r"RC(\d{3})", part)]
            if len(bounds) == 2:
                codes |= {f"RC{n:03d}" for n in range(bounds[0], bounds[1] + 1)}
            else:
                codes |= {f"RC{n:03d}" for n in bounds}
    return codes


def test_every_diagnostic_code_is_in_the_readme() -> None:
    used = set()
    for path in (REPO / "routecfg").rglob("*.py"):
        used |= set(re.findall(r'"(RC\d{3})"', path.read_text()))
    assert len(used) > 60
    assert sorted(used - documented_codes()) == []


def test_every_command_is_in_the_readme_table() -> None:
    rows = set(re.findall(r"^\| `routecfg ([\w-]+)` \|", README, re.MULTILINE))
    assert rows == set(cli.commands)


def test_exit_codes_table_matches_the_mapping() -> None:
    from routecfg.diagnostics import Exit

    table = dict(re.findall(r"^\| (\d) \| (.+) \|$", README, re.MULTILINE))
    assert sorted(int(code) for code in table) == sorted(int(e) for e in Exit)


def test_every_documented_code_has_a_sarif_rule_meaning() -> None:
    from routecfg import codes

    undescribed = sorted(code for code in documented_codes() if codes.meaning(code) is None)
    assert undescribed == []
