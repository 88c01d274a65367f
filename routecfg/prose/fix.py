"""Applying the prose lint's edits: each changes only a claim's own characters."""

from __future__ import annotations

from collections.abc import Iterable

from routecfg.prose.lint import Finding


def apply_fixes(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every fixable finding's edits made. Edits never overlap (one finding per
    claimed word); they are applied from the end so earlier offsets stay true."""
    edits = sorted((e for f in findings for e in f.edits), key=lambda e: e.start, reverse=True)
    for edit in edits:
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text
