"""The README's walkthrough, end to end: the seed's change applied to a copy of pre-seed with
`init --from-repo`, the seed's routing, blocks placed by `routecfg blocks add`, and
`build --yes --fix`; then `check` is clean and every byte outside blocks and fixed claims is kept."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from routecfg.targets.markers import find_blocks
from tests.conftest import REPO, run, writable_copy

IMPLEMENTER = "skills/backlog-implementer/SKILL.md"
# The README's `blocks add` commands, the later lines first. The two gate-model blocks take the
# lines no fix is sure of (pre-seed's PLAN reads entryModelDraft, its LINT entryModelReview).
BLOCKS = [
    ["gate-model", "--lines", "317:317", "--param", "gate=lint"],
    ["gate-model", "--lines", "269:269", "--param", "gate=plan"],
    ["gate-routing", "--lines", "81:85"],
    ["model-rules", "--lines", "15:18"],
]


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
        writable_copy(upstream / "pre-seed" / part, tmp_path / part)
    original = skills(tmp_path)

    assert run(["init", "--from-repo", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text[: text.index("gates:")] + seed_gates() + text[text.index("\nproxy:") + 1 :],
        encoding="utf-8",
    )

    # Later lines first, so the earlier line numbers still hold.
    for name, *args in BLOCKS:
        added = run(["blocks", "add", name, "--file", IMPLEMENTER, *args, "--yes"], cwd=tmp_path)
        assert added.exit_code == 0, added.stderr
    placed = skills(tmp_path)
    for path, text in placed.items():
        outside = changed_old_lines(original[path], text)
        assert path == IMPLEMENTER or not outside
        # Only the lines the blocks took changed: the rest is byte for byte the same.
        kept = [
            line for n, line in enumerate(text.splitlines(), 1) if n not in block_lines(text, path)
        ]
        taken = {15, 16, 17, 18, 81, 82, 83, 84, 85, 269, 317} if path == IMPLEMENTER else set()
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
    assert "skills/backlog-implementer/SKILL.md: in sync (4 blocks; prose checked)" in check.stderr

    for path, text in skills(tmp_path).items():
        touched = changed_old_lines(placed[path], text)
        assert touched <= flagged.get(path, set()) | block_lines(placed[path], path), path

    preset = "config/presets/default.json"
    assert (tmp_path / preset).read_bytes() == (upstream / "post-seed" / preset).read_bytes()
    proxy = "config/litellm/proxy-config.docker.yaml"
    assert (tmp_path / proxy).read_bytes() == (upstream / "pre-seed" / proxy).read_bytes()


def fixable_lines(root: Path) -> set[tuple[str, int]]:
    result = run(["check", "--no-cache", "--format", "json"], cwd=root)
    return {
        (str(r["path"]), int(r["line"]))
        for r in json.loads(result.stdout)["diagnostics"]
        if str(r["code"]).startswith("RC8") and str(r["hint"]).startswith("fixable:")
    }


def test_the_readme_counts_and_only_blocks_and_fixed_claims_change(
    upstream: Path, tmp_path: Path
) -> None:
    root = tmp_path / "backlog-toolkit"
    writable_copy(upstream / "pre-seed", root)
    assert run(["init", "--from-repo"], cwd=root).exit_code == 0
    spec = root / "routecfg.yaml"
    text = spec.read_text()
    spec.write_text(
        text[: text.index("gates:")] + seed_gates() + text[text.index("\nproxy:") + 1 :]
    )
    pristine = {p: p.read_text() for p in sorted(root.glob("skills/*/SKILL.md"))}
    first = run(["check", "--no-cache"], cwd=root)
    assert first.exit_code == 2
    assert "prose: 47 contradictions in 5 files; 42 fixable with `routecfg build --fix`\n" in (
        first.stderr
    )  # as the README says
    fixable = fixable_lines(root)

    for name, *args in BLOCKS:
        added = run(["blocks", "add", name, "--file", IMPLEMENTER, *args, "--yes"], cwd=root)
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
            for block in find_blocks(after, relative)
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
