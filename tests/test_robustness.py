"""No input makes `validate` crash or write: seeded random damage to a real spec."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from tests.conftest import REPO, run

DAMAGE = ["null", "[]", "{}", "- x", "&a", "*a", "<<: *a", "1e400", "-1", "'", '"', ":", "\t", "!!binary",
          "? x", "~", ".nan", "[free, free]", "{tier: nope}", "1.5", "\x00", "\ufeff", "\r"]  # fmt: skip


def damaged(lines: list[str], rng: random.Random) -> str:
    lines = list(lines)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.3:
            del lines[i]
        elif roll < 0.6:
            at = rng.randrange(len(lines[i]) or 1)
            lines[i] = lines[i][:at] + rng.choice(DAMAGE) + lines[i][at:]
        elif roll < 0.8:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif ":" in lines[i]:
            lines[i] = lines[i][: lines[i].index(":") + 1] + " " + rng.choice(DAMAGE) + "\n"
    return "".join(lines)


def test_damaged_specs_give_diagnostics_not_crashes(tmp_path: Path) -> None:
    lines = (REPO / "presets" / "cost-optimized.yaml").read_text().splitlines(keepends=True)
    rng = random.Random(20261125)
    spec = tmp_path / "routecfg.yaml"
    outcomes = set()
    for _ in range(300):
        spec.write_text(damaged(lines, rng), encoding="utf-8")
        before = sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir())
        result = run(["validate"], cwd=tmp_path)
        assert result.exit_code in (0, 2), result.stderr
        assert "Traceback" not in result.stderr
        if result.exit_code == 2:
            assert re.search(r"^routecfg\.yaml:\d+:\d+: error\[RC\d{3}\]: ", result.stderr, re.M)
        assert sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir()) == before
        outcomes.add(result.exit_code)
    assert outcomes == {0, 2}


TARGET_DAMAGE = ["null", "[]", "{}", "- x", "&a", "*a", ":", "\t", "'", '"', ",", "}", "]", "{", "#",
                 "<!-- routecfg:begin prices -->", "<!-- routecfg:end prices -->", "```", "\r",
                 "0.0000011", "model_list:", "- model_name: cheap", "digest=sha256:000000000000"]  # fmt: skip
TARGETS = (
    "config/presets/default.json",
    "config/backlog.config.schema.json",
    "config/litellm/proxy-config.yaml",
    "skills/backlog-implementer/SKILL.md",
)


def test_damaged_targets_give_diagnostics_not_crashes(tmp_path: Path) -> None:
    example = REPO / "examples" / "backlog-toolkit"
    rng = random.Random(1125)
    outcomes = set()
    for n in range(40):
        root = tmp_path / str(n)
        shutil.copytree(example, root)
        target = root / rng.choice(TARGETS)
        lines = target.read_text().splitlines(keepends=True)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            at = rng.randrange(len(lines[i]) or 1)
            lines[i] = lines[i][:at] + rng.choice(TARGET_DAMAGE) + lines[i][at:]
        target.write_text("".join(lines))
        damaged = target.read_bytes()
        for command in (["check"], ["build", "--yes"]):
            result = run(command, cwd=root)
            assert result.exit_code in (0, 1, 2, 3), result.stderr
            assert "Traceback" not in result.stderr
            outcomes.add(result.exit_code)
        if result.exit_code == 2:
            assert target.read_bytes() == damaged  # bad input: the file is left as it was
    assert {0, 2} <= outcomes
