"""The README's walkthrough, run: the seed's change made with routecfg on a copy of pre-seed.

`init --from-repo`; the seed's routing written into the spec; blocks placed with `routecfg blocks
add` (bottom of the file first, so each line number is the pristine file's); `build --yes --fix`;
then `check` exits 0, and every byte of every SKILL.md outside the blocks and the fixed claims is
as upstream wrote it.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

from routecfg.targets import markers
from tests.conftest import run

SEED_ROUTING = """\
gates:                        # the seed's routing
  wave_plan:   {title: Wave Planning,    tier: free,     fallback: [cheap]}
  plan:        {title: Gate 1 PLAN,      tier: free,     fallback: [cheap], config_key: entryModelPlan}
  implement:   {title: Gate 2 IMPLEMENT, tier: cheap,    needs: [tool_use], config_key: entryModelImplement}
  lint:        {title: Gate 3 LINT,      tier: cheap}
  review:      {title: Gate 4 REVIEW,    tier: balanced, needs: [tool_use], config_key: entryModelReview}
  commit:      {title: Gate 5 COMMIT,    tier: free,     fallback_template: "{type}({area}): implement {ticket_id}"}
  write_agent: {title: Write-agents,     tier: cheap,    needs: [tool_use]}
  classify:    {title: Classification,   tier: free,     config_key: entryModelClassify}
  draft:       {title: Drafts,           tier: free,     config_key: entryModelDraft}

escalation:
  model: frontier
  max_per_ticket: 1
  rules:
    - when_fails: [lint, review]
      after: 2
      reroute: implement
      to: balanced
      counter: localModelStats.escalatedToCloud
      log: "Haiku failed on {ticket_id} at {gate}. Escalated to Sonnet."
"""
IMPLEMENTER = "skills/backlog-implementer/SKILL.md"
# The README's commands, bottom of the file first.
BLOCKS = [
    ["gate-model", "--lines", "317:317", "--param", "gate=lint"],
    ["gate-model", "--lines", "269:269", "--param", "gate=plan"],
    ["gate-routing", "--lines", "81:85"],
    ["model-rules", "--lines", "15:18"],
]


def seed_spec(text: str) -> str:
    """The spec `init --from-repo` wrote, with the seed's gates and escalation in place of the
    pre-seed routing it inferred."""
    start, end = text.index("gates:"), text.index("\nproxy:")
    return text[:start] + SEED_ROUTING + text[end:]


def fixable_lines(root: Path) -> set[tuple[str, int]]:
    result = run(["check", "--no-cache", "--format", "json"], cwd=root)
    return {
        (str(r["path"]), int(r["line"]))
        for r in json.loads(result.stdout)["diagnostics"]
        if str(r["code"]).startswith("RC8") and str(r["hint"]).startswith("fixable:")
    }


def test_the_seed_change_end_to_end(upstream: Path, tmp_path: Path) -> None:
    root = tmp_path / "backlog-toolkit"
    shutil.copytree(upstream / "pre-seed", root)
    assert run(["init", "--from-repo"], cwd=root).exit_code == 0
    spec = root / "routecfg.yaml"
    spec.write_text(seed_spec(spec.read_text()))
    pristine = {p: p.read_text() for p in sorted(root.glob("skills/*/SKILL.md"))}
    first = run(["check", "--no-cache"], cwd=root)
    assert first.exit_code == 2
    assert "prose: 47 contradictions in 5 files; 42 fixable with `routecfg build --fix`\n" in (
        first.stderr
    )  # as the README says
    fixable = fixable_lines(root)

    for args in BLOCKS:
        added = run(["blocks", "add", *args[:1], "--file", IMPLEMENTER, *args[1:], "--yes"], root)
        assert added.exit_code == 0, added.stderr
    built = run(["build", "--yes", "--fix"], cwd=root)
    assert built.exit_code == 0, built.stderr
    check = run(["check", "--no-cache"], cwd=root)
    assert check.exit_code == 0, check.stderr
    assert f"{IMPLEMENTER}: in sync (4 blocks; prose checked)\n" in check.stderr

    for path, before in pristine.items():
        after = path.read_text()
        relative = path.relative_to(root).as_posix()
        generated = {
            n
            for block in markers.find_blocks(after, relative)
            for n in range(block.begin_line, block.end_line + 1)
        }
        old, new = before.split("\n"), after.split("\n")
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            in_blocks = set(range(j1 + 1, j2 + 1)) <= generated and j2 > j1
            fixed = i2 - i1 == j2 - j1 and all(
                (relative, n) in fixable for n in range(i1 + 1, i2 + 1)
            )
            assert in_blocks or fixed, (relative, old[i1:i2], new[j1:j2])
