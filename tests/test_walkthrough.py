"""The README's walkthrough, end to end: the seed's change applied to a copy of pre-seed with
`init --from-repo`, the seed's routing, blocks placed by `routecfg blocks add`, and
`build --yes --fix`; then `check` is clean and every byte outside blocks and fixed claims is kept."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

from routecfg.targets.markers import find_blocks
from tests.conftest import REPO, run

IMPLEMENTER = "skills/backlog-implementer/SKILL.md"


def seed_gates() -> str:
    """The seed's gates and escalation, as the cost-optimized preset states them."""
    seed = (REPO / "presets" / "cost-optimized.yaml").read_text(encoding="utf-8")
    return seed[seed.index("gates:") : seed.index("\nproxy:") + 1]


def skills(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted((root / "skills").glob("*/SKILL.md"))
    }


def block_lines(text: str, path: str) -> set[int]:
    """The lines of every block, markers included (1-based)."""
    return {n for b in find_blocks(text, path) for n in range(b.begin_line, b.end_line + 1)}


def changed_old_lines(old: str, new: str) -> set[int]:
    """Old lines (1-based) a diff replaces or deletes; an insertion counts its neighbour."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    lines: set[int] = set()
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "insert":
            lines.add(i1 + 1)
        elif tag != "equal":
            lines |= set(range(i1 + 1, i2 + 1))
    return lines


def test_the_seeds_change_end_to_end(upstream: Path, tmp_path: Path) -> None:
    for part in ("config", "skills"):
        shutil.copytree(upstream / "pre-seed" / part, tmp_path / part)
    original = skills(tmp_path)

    assert run(["init", "--from-repo", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text[: text.index("gates:")] + seed_gates() + text[text.index("\nproxy:") + 1 :],
        encoding="utf-8",
    )

    # Later lines first, so the earlier line numbers still hold.
    for name, lines in (("gate-routing", "81:85"), ("model-rules", "15:18")):
        added = run(
            ["blocks", "add", name, "--file", IMPLEMENTER, "--lines", lines, "--yes"], cwd=tmp_path
        )
        assert added.exit_code == 0, added.stderr
    placed = skills(tmp_path)
    for path, text in placed.items():
        outside = changed_old_lines(original[path], text)
        assert path == IMPLEMENTER or not outside
        # Only the lines the blocks took changed: the rest is byte for byte the same.
        kept = [
            line for n, line in enumerate(text.splitlines(), 1) if n not in block_lines(text, path)
        ]
        taken = {15, 16, 17, 18, 81, 82, 83, 84, 85} if path == IMPLEMENTER else set()
        assert kept == [
            line for n, line in enumerate(original[path].splitlines(), 1) if n not in taken
        ]

    findings = json.loads(run(["check", "--format", "json"], cwd=tmp_path).stdout)["diagnostics"]
    flagged: dict[str, set[int]] = {}
    for finding in findings:
        if finding["code"].startswith("RC8"):
            flagged.setdefault(finding["path"], set()).add(finding["line"])
    assert sum(len(lines) for lines in flagged.values()) >= 30

    build = run(["build", "--yes", "--fix"], cwd=tmp_path)
    assert build.exit_code == 0, build.stderr
    check = run(["check", "--no-cache"], cwd=tmp_path)
    assert (check.exit_code, check.stdout) == (0, ""), check.stderr
    assert "skills/backlog-implementer/SKILL.md: in sync (2 blocks; prose checked)" in check.stderr

    for path, text in skills(tmp_path).items():
        touched = changed_old_lines(placed[path], text)
        assert touched <= flagged.get(path, set()) | block_lines(placed[path], path), path

    preset = "config/presets/default.json"
    assert (tmp_path / preset).read_bytes() == (upstream / "post-seed" / preset).read_bytes()
    proxy = "config/litellm/proxy-config.docker.yaml"
    assert (tmp_path / proxy).read_bytes() == (upstream / "pre-seed" / proxy).read_bytes()
