"""A plan's files that are not in sync, as diagnostics: one record for every output format.

`check --format github` and `--format sarif` annotate a stale file on the lines that change, each
block edited by hand on its own lines, and a missing target where the spec names it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from routecfg import handedits, rules
from routecfg.diagnostics import Diagnostic, Severity
from routecfg.plan import Change, State, semantic_summary
from routecfg.targets import markers
from routecfg.validate import Validated

STALE = "RC503"
HAND_EDITED = "RC504"

HINTS = {
    State.STALE: "run `routecfg build`",
    # `build` keeps a hand-edited block (exit 3), so "run `routecfg build`" would not help.
    State.HAND_EDITED: "make the change in routecfg.yaml or the block's template; "
    "`routecfg build --force` overwrites the block",
}


def plan_diagnostics(validated: Validated, changes: Sequence[Change]) -> list[Diagnostic]:
    """Every file of the plan that is not in sync, as errors at their places."""
    found: list[Diagnostic] = []
    missing = {c.path for c in changes if c.state is State.MISSING}
    if missing:
        found += [
            d
            for d in rules.check_rules(validated.spec, validated.source)
            if d.code == rules.MISSING_TARGET
        ]
    for change in changes:
        if change.state is State.STALE and change.kind == "skills":
            found += stale_blocks(change) or [stale(change)]
        elif change.state is State.STALE:
            found.append(stale(change))
        elif change.state is State.HAND_EDITED:
            found += hand_edited(change)
            found += [d for d in change.edits if d.code == handedits.EDITED]  # owned values
    return found


def changed_lines(change: Change) -> tuple[int, int]:
    """The first region that changes, as 1-based lines of the file as it is now."""
    old = (change.old or "").splitlines()
    new = change.new.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            first = min(i1 + 1, max(len(old), 1))
            return first, max(first, i2)
    return 1, 1


def stale(change: Change) -> Diagnostic:
    line, end = changed_lines(change)
    details = "; ".join(semantic_summary(change)) or "its generated content differs from the spec"
    message = f"{change.path} is stale: {details}"
    return Diagnostic(change.path, line, 0, Severity.ERROR, STALE, message, HINTS[State.STALE], end)


def stale_blocks(change: Change) -> list[Diagnostic]:
    """A stale Markdown file, block by block: each block whose body the spec changes, on its
    lines, by the name its begin marker gives it."""
    new = {b.key: b for b in markers.find_blocks(change.new, change.path)}
    found = []
    for block in markers.find_blocks(change.old or "", change.path):
        after = new.get(block.key)
        if after is None or after.body == block.body:
            continue
        found.append(
            Diagnostic(
                change.path,
                block.begin_line,
                0,
                Severity.ERROR,
                STALE,
                f"block '{block_label(block)}' in {change.path} is stale: the spec renders it "
                "differently",
                HINTS[State.STALE],
                block.end_line,
            )
        )
    return found


def hand_edited(change: Change) -> list[Diagnostic]:
    blocks = [
        b
        for b in markers.find_blocks(change.old or "", change.path)
        if b.name in change.hand_edited and markers.block_state(b) == "hand-edited"
    ]
    return [
        Diagnostic(
            change.path,
            block.begin_line,
            0,
            Severity.ERROR,
            HAND_EDITED,
            f"block '{block_label(block)}' in {change.path} was edited by hand",
            HINTS[State.HAND_EDITED],
            block.end_line,
        )
        for block in blocks
    ]


def block_label(block: markers.Block) -> str:
    """``gate-model gate=review``: the block as its begin marker names it."""
    return " ".join([block.name, *(f"{k}={v}" for k, v in block.params)])
