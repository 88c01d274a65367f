"""The one place diagnostics are printed: text for people, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TextIO

from routecfg.diagnostics import Diagnostic, Severity
from routecfg.plan import Change, State, first_changed_line, semantic_summary, unified_diff

FORMATS = ("text", "json", "github")

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def location(d: Diagnostic) -> str:
    if d.line <= 0:
        return d.path
    return f"{d.path}:{d.line}:{d.column}"


def format_text(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    lines: list[str] = []
    for d in diagnostics:
        severity = f"{d.severity.value}[{d.code}]"
        where = location(d)
        if color:
            severity = f"{_COLORS[d.severity]}{severity}{_RESET}"
            where = f"{_BOLD}{where}{_RESET}"
        lines.append(f"{where}: {severity}: {d.message}")
        if d.hint:
            hint = f"  hint: {d.hint}"
            lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    return "".join(line + "\n" for line in lines)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    records = [
        {
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
            "hint": d.hint,
        }
        for d in diagnostics
    ]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``."""
    lines = []
    for d in diagnostics:
        properties = [f"file={_escape_property(d.path)}"]
        if d.line > 0:
            properties += [f"line={d.line}", f"col={d.column}"]
        properties.append(f"title={_escape_property(d.code)}")
        message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
        lines.append(f"::{d.severity.value} {','.join(properties)}::{_escape_data(message)}\n")
    return "".join(lines)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return " and ".join(parts)


def emit(diagnostics: Sequence[Diagnostic], fmt: str, *, out: TextIO, err: TextIO) -> None:
    """Print diagnostics in ``fmt``: text to ``err``; json and github to ``out``."""
    if fmt == "json":
        out.write(format_json(diagnostics))
        out.flush()
    elif fmt == "github":
        out.write(format_github(diagnostics))
        out.flush()
    else:
        err.write(format_text(diagnostics, color=use_color(err)))
        err.flush()


def format_states(changes: Sequence[Change]) -> str:
    """One line per target with its state, then its structural changes, for people."""
    lines = []
    for change in changes:
        lines.append(f"{change.path}: {change.state.value}")
        lines.extend(f"  {line}" for line in semantic_summary(change))
    return "".join(line + "\n" for line in lines)


def hand_edits(changes: Sequence[Change]) -> tuple[Diagnostic, ...]:
    """Every hand edit of every target, blocks and owned values, each at its place."""
    return tuple(d for c in changes for d in c.edits)


def format_diffs(changes: Sequence[Change]) -> str:
    return "".join(unified_diff(c) for c in changes if c.changed)


def format_plan_json(changes: Sequence[Change], diagnostics: Sequence[Diagnostic]) -> str:
    files = [
        {
            "path": c.path,
            "kind": c.kind,
            "state": c.state.value,
            "summary": list(semantic_summary(c)),
            "diff": unified_diff(c),
        }
        for c in changes
    ]
    records = json.loads(format_json(diagnostics))
    return json.dumps({"files": files, "diagnostics": records}, indent=2, ensure_ascii=False) + "\n"


_PLAN_HINTS = {
    # `build` keeps a hand-edited block (exit 3), so "run `routecfg build`" would not help.
    State.HAND_EDITED: "make the change in routecfg.yaml or the block's template; "
    "`routecfg build --force` overwrites the block",
}


def format_plan_github(changes: Sequence[Change]) -> str:
    """An annotation on the first changed line of each target that is not in sync."""
    lines = []
    for c in changes:
        if c.state is State.IN_SYNC:
            continue
        details = [*semantic_summary(c), *(f"block '{name}'" for name in c.hand_edited)]
        summary = "; ".join(details) or "its generated content differs from the spec"
        hint = _PLAN_HINTS.get(c.state, "run `routecfg build`")
        message = f"{c.path} is {c.state.value}: {summary}\nhint: {hint}"
        properties = f"file={_escape_property(c.path)},line={first_changed_line(c)}"
        lines.append(f"::error {properties},title=routecfg::{_escape_data(message)}\n")
    return "".join(lines)
