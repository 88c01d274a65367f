"""The one place diagnostics are printed: text for people, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TextIO

from routecfg.diagnostics import Diagnostic, Severity
from routecfg.plan import Change, State, semantic_summary, unified_diff

FORMATS = ("text", "json", "github", "sarif")

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


COLOR_MODES = ("auto", "always", "never")
_color_mode = "auto"
_DIFF_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}


def set_color(mode: str) -> None:
    """``--color``: auto (the default), always or never, for the rest of the run."""
    global _color_mode
    _color_mode = mode


def use_color(stream: TextIO) -> bool:
    """``--color always|never`` decide; else colour on a terminal, never with NO_COLOR
    (https://no-color.org), always with FORCE_COLOR (neither set to an empty value)."""
    if _color_mode != "auto":
        return _color_mode == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
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
            properties.append(f"line={d.line}")
            if d.end_line > d.line:
                properties.append(f"endLine={d.end_line}")
            if d.column > 0:
                properties.append(f"col={d.column}")
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
    elif fmt == "sarif":
        from routecfg import sarif

        out.write(sarif.format_sarif(diagnostics))
        out.flush()
    else:
        err.write(format_text(diagnostics, color=use_color(err)))
        err.flush()


def format_states(changes: Sequence[Change], *, only_out_of_sync: bool = False) -> str:
    """One line per target with its state, then its structural changes, for people; with
    ``only_out_of_sync`` (``-q``), one line per file that is not in sync and nothing else."""
    if only_out_of_sync:
        return "".join(
            f"{c.path}: {c.state.value}\n" for c in changes if c.state is not State.IN_SYNC
        )
    lines = []
    for change in changes:
        detail = f" ({change.detail})" if change.detail else ""
        lines.append(f"{change.path}: {change.state.value}{detail}")
        lines.extend(f"  {line}" for line in semantic_summary(change))
    return "".join(line + "\n" for line in lines)


def hand_edits(changes: Sequence[Change]) -> tuple[Diagnostic, ...]:
    """Every hand edit of every target, blocks and owned values, each at its place."""
    return tuple(d for c in changes for d in c.edits)


def prose_summary(changes: Sequence[Change]) -> str | None:
    """One line on the prose lint's findings still in the files, or None when there are none:
    ``prose: 3 contradictions in 2 files; 2 fixable with `routecfg build --fix```."""
    remaining = [(c.path, f) for c in changes for f in c.remaining]
    if not remaining:
        return None
    files = len({path for path, _ in remaining})
    fixable = sum(1 for _, f in remaining if f.fixable)
    found = f"{len(remaining)} contradiction{'s' if len(remaining) != 1 else ''}"
    where = f"{files} file{'s' if files != 1 else ''}"
    if fixable:
        return f"prose: {found} in {where}; {fixable} fixable with `routecfg build --fix`"
    return f"prose: {found} in {where}, none fixable: edit the lines, or mark deliberate ones"


def format_diffs(changes: Sequence[Change], *, color: bool = False) -> str:
    text = "".join(unified_diff(c) for c in changes if c.changed)
    return color_diff(text) if color else text


def color_diff(text: str) -> str:
    """A unified diff as git colours it: headers bold, hunks cyan, removals red, additions green."""
    lines = []
    for line in text.splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        if line.startswith(("--- ", "+++ ")):
            lines.append(f"{_BOLD}{body}{_RESET}{end}")
        elif line[:1] in _DIFF_COLORS:
            lines.append(f"{_DIFF_COLORS[line[0]]}{body}{_RESET}{end}")
        else:
            lines.append(line)
    return "".join(lines)


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


def format_notice(title: str, message: str) -> str:
    """A GitHub Actions ``::notice``: information (the cost delta), not a problem."""
    return f"::notice title={_escape_property(title)}::{_escape_data(message)}\n"
