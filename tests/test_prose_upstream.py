"""The prose lint on copies of upstream's post-seed and head files, as a new user adopts them.

`init --from-repo` writes the spec (every skill a target); the gates no config key names are added
by hand as the seed routes them (wave planning, LINT, COMMIT, write-agents: title, tier, fallback,
needs — nothing more). Every SKILL.md was read line by line and each line that speaks of routing
labelled: CONTRADICTING (says what the spec does not) or AGREEING (agrees, or names a model for
nothing the spec routes: an analysis agent, an example record). The lint must report exactly
FOUND, never an agreeing line, and at least 80% of the contradicting ones; `build --yes --fix`
then changes only flagged lines, and leaves none of the fixable findings.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import run

SEED_GATES = """\
  wave_plan:   {title: Wave Planning, tier: free, fallback: [cheap]}
  lint:        {title: Gate 3 LINT, tier: cheap}
  commit:      {title: Gate 5 COMMIT, tier: free}
  write_agent: {title: Write-agents, tier: cheap, needs: [tool_use]}
"""

# skill:line:column code, for each snapshot: what the lint reports.
FOUND = {
    "post-seed": """
        implementer:66:38 RC801
        implementer:66:68 RC801
        implementer:118:36 RC800
        implementer:119:31 RC802
        implementer:197:43 RC800
        implementer:329:32 RC801 not fixable
        implementer:399:51 RC803
        implementer:399:95 RC803
        implementer:421:27 RC800
        init:14:9 RC800
        init:23:69 RC800
        init:66:37 RC800
        init:71:11 RC800
        init:182:34 RC801
        init:183:25 RC801
        init:184:23 RC801
        refinement:18:9 RC800
        refinement:31:7 RC800
        refinement:244:20 RC803
        refinement:246:23 RC803
        refinement:381:9 RC800
        refinement:389:11 RC800
        sentinel:14:9 RC800
        sentinel:25:38 RC800
        sentinel:55:63 RC801
        sentinel:120:18 RC800
        sentinel:126:17 RC800
        ticket:18:9 RC800
        ticket:28:7 RC800
        ticket:304:20 RC803
        ticket:306:23 RC803
        ticket:472:9 RC800
        ticket:477:11 RC800
    """,
    "head": """
        audit:28:38 RC800
        audit:179:31 RC800
        audit:182:17 RC800
        benchmark:51:7 RC800
        benchmark:56:11 RC800
        benchmark:110:24 RC800
        implementer:17:3 RC800 not fixable
        implementer:24:45 RC800
        implementer:25:43 RC800
        implementer:52:59 RC801
        implementer:52:70 RC801
        implementer:64:37 RC800
        implementer:66:22 RC802
        implementer:69:36 RC800
        implementer:85:49 RC800
        implementer:87:36 RC800
        implementer:137:58 RC800
        implementer:146:29 RC800
        implementer:146:101 RC800
        implementer:199:81 RC800
        init:14:9 RC800
        init:24:69 RC800
        init:67:37 RC800
        init:72:11 RC800
        init:183:34 RC801
        init:184:25 RC801
        init:185:23 RC801
        refinement:18:9 RC800
        refinement:20:9 RC800
        refinement:21:28 RC800
        refinement:31:7 RC800
        refinement:106:37 RC800
        refinement:454:9 RC800
        refinement:462:11 RC800
        refinement:610:23 RC800 not fixable
        reflect:143:7 RC800
        reflect:148:11 RC800
        sentinel:14:9 RC800
        sentinel:25:38 RC800
        sentinel:55:63 RC801
        sentinel:120:18 RC800
        sentinel:126:17 RC800
        ticket:3:133 RC800
        ticket:18:9 RC800
        ticket:29:7 RC800
        ticket:202:14 RC806
        ticket:206:18 RC806
        ticket:231:82 RC800
        ticket:621:9 RC800
        ticket:626:11 RC800
    """,
}

# Messages pinned word for word: a model in a table's Escalation column is what the gate falls
# back to (`| Wave Plan | free (wave_plan.py) | sonnet subagent |`), not what it runs on.
WORDED = {
    # A row pricing an older model than the tier runs: right for that model, stale for the tier
    # (head rewrote these rows' prices), so the message names both versions.
    "post-seed": {
        "refinement:246:23 RC803": "says Claude Haiku 3.5 costs $0.80 in / $4.00 out per MTok; "
        "the spec prices cheap (bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0) at "
        "$1.00 / $5.00, and its model is Haiku 4.5, not Haiku 3.5",
    },
    "head": {
        "implementer:64:37 RC800": "says Wave Planning falls back to sonnet (balanced); the spec "
        "routes it to free (llm_call.sh), falling back to cheap (haiku)",
    },
}

# The labels, by reading (skill: lines). Contradicting lines the lint misses are listed too,
# so the recall below is honest: post-seed implementer:254 ("Spawn teammates via Task tool
# (model: "sonnet" by default)": teammates are several roles). Head implementer:199 (LINT's
# errors passed "to Sonnet" under `### Gate 3: LINT`) is read through its section heading.
CONTRADICTING = {
    "post-seed": {
        "implementer": {66, 118, 119, 197, 254, 329, 399, 421},
        "init": {14, 23, 66, 71, 182, 183, 184},
        "refinement": {18, 31, 244, 246, 381, 389},
        "sentinel": {14, 25, 55, 120, 126},
        "ticket": {18, 28, 304, 306, 472, 477},
    },
    "head": {
        "audit": {28, 179, 182},
        "benchmark": {51, 56, 110},
        "implementer": {17, 24, 25, 52, 64, 66, 69, 85, 87, 137, 146, 199},
        "init": {14, 24, 67, 72, 183, 184, 185},
        "refinement": {18, 20, 21, 31, 106, 454, 462, 610},
        "reflect": {143, 148},
        "sentinel": {14, 25, 55, 120, 126},
        "ticket": {3, 18, 29, 202, 206, 231, 621, 626},
    },
}
AGREEING = {
    "post-seed": {
        "implementer": {
            15,
            18,
            32,
            33,
            41,
            42,
            90,
            91,
            92,
            93,
            94,
            95,
            98,
            104,
            114,
            115,
            126,
            130,
            138,
            210,
            219,
            240,
            258,
            264,
            270,
            281,
            303,
            334,
            351,
            354,
            426,
        },
        "init": {15, 185},
        "refinement": {19, 22, 245},
        "sentinel": {15, 17, 93},
        "ticket": {19, 122, 126, 255, 305},
    },
    "head": {
        "audit": {14, 16, 17, 91, 118, 146},
        "benchmark": {15, 16, 17, 130, 174, 217},
        "implementer": {18, 63, 65, 67, 68, 70, 86, 209, 286, 289},
        "init": {15, 16, 186},
        "refinement": {19, 22, 319, 320, 377},
        "reflect": {15, 16, 54},
        "sentinel": {15, 17},
        "ticket": {19, 20, 366, 415, 416},
    },
}


def adopt(upstream: Path, snapshot: str, tmp_path: Path) -> Path:
    root = tmp_path / snapshot
    shutil.copytree(upstream / snapshot, root)
    for path in [root, *root.rglob("*")]:  # a checkout is writable; the shared fixtures are not
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    result = run(["init", "--from-repo"], cwd=root)
    assert result.exit_code == 0, result.stderr
    spec = root / "routecfg.yaml"
    text = spec.read_text()
    assert "\n  skills:" in text
    spec.write_text(text.replace("\nescalation:", SEED_GATES + "\nescalation:", 1))
    return root


def findings(root: Path) -> list[dict[str, object]]:
    result = run(["check", "--no-cache", "--format", "json"], cwd=root)
    records = json.loads(result.stdout)["diagnostics"]
    return [r for r in records if str(r["code"]).startswith("RC8")]


def short(record: dict[str, object]) -> str:
    skill = str(record["path"]).split("/")[1].removeprefix("backlog-")
    fixable = "" if str(record["hint"]).startswith("fixable:") else " not fixable"
    return f"{skill}:{record['line']}:{record['column']} {record['code']}{fixable}"


@pytest.mark.parametrize("snapshot", ["post-seed", "head"])
def test_the_lint_finds_the_contradictions_and_nothing_else(
    upstream: Path, snapshot: str, tmp_path: Path
) -> None:
    root = adopt(upstream, snapshot, tmp_path)
    records = findings(root)
    found = [short(r) for r in records]
    assert found == [line.strip() for line in FOUND[snapshot].strip().splitlines()]
    messages = {short(r): r["message"] for r in records}
    assert {f: messages[f] for f in WORDED[snapshot]} == WORDED[snapshot]
    lines = {(f.split(":")[0], int(f.split(":")[1])) for f in found}
    contradicting = {(s, n) for s, ns in CONTRADICTING[snapshot].items() for n in ns}
    agreeing = {(s, n) for s, ns in AGREEING[snapshot].items() for n in ns}
    assert not contradicting & agreeing
    assert not lines & agreeing  # no finding on a line that agrees
    assert lines <= contradicting  # every finding is one the labels call wrong
    assert len(lines & contradicting) / len(contradicting) >= 0.95


@pytest.mark.parametrize("snapshot", ["post-seed", "head"])
def test_build_fix_changes_only_flagged_lines_and_leaves_no_fixable_finding(
    upstream: Path, snapshot: str, tmp_path: Path
) -> None:
    root = adopt(upstream, snapshot, tmp_path)
    before = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    flagged = {(str(r["path"]), int(str(r["line"]))) for r in findings(root)}
    unfixable = [f.strip() for f in FOUND[snapshot].strip().splitlines() if "not fixable" in f]
    result = run(["build", "--yes", "--fix"], cwd=root)
    assert result.exit_code == (2 if unfixable else 0), result.stderr
    for path, old in before.items():
        new = path.read_bytes()
        relative = path.relative_to(root).as_posix()
        if relative.startswith("skills/"):
            old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
            assert len(old_lines) == len(new_lines)
            changed = {
                n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), 1) if a != b
            }
            assert changed <= {n for p, n in flagged if p == relative}
        elif relative == "routecfg.schema.json":  # the editor schema: the gates added above
            assert b'"wave_plan"' not in old
            assert b'"wave_plan"' in new
        elif relative != "config/backlog.config.schema.json":  # its drifted defaults are built
            assert new == old, relative
    assert [short(r) for r in findings(root)] == unfixable  # fewer: only what no fix is sure of
    check = run(["check", "--no-cache"], cwd=root)
    assert check.exit_code == (2 if unfixable else 0)
    assert "(no blocks; prose checked)\n" in check.stderr
