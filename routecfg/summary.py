"""The GitHub Actions job summary: a Markdown report of one run (text out; `write.py` appends it).

Where infracost users read the cost delta: each file's state, what changes in it, the cost per
gate before and after, every finding, and a picture of the routing when it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from routecfg.cost import Estimate, dollars
from routecfg.diagnostics import Diagnostic, Severity
from routecfg.plan import Change, State, semantic_summary

_STATE_ICONS = {
    State.IN_SYNC: "✅",
    State.STALE: "❌",
    State.HAND_EDITED: "✋",
    State.MISSING: "❓",
}
_SEVERITY_ICONS = {Severity.ERROR: "❌", Severity.WARNING: "⚠️"}


@dataclass
class Run:
    """What one command found, gathered as it runs, for the summary."""

    command: str
    spec: str = ""
    outcome: str = ""
    changes: Sequence[Change] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    cost_line: str | None = None
    before: Estimate | None = None
    after: Estimate | None = None
    routing_graph: str | None = None  # Mermaid, when the routing changed
    sections: list[str] = field(default_factory=list)  # a table command's own Markdown


def render(run: Run) -> str:
    parts = [f"## routecfg {run.command}" + (f": {_cell(run.spec)}" if run.spec else "")]
    if run.outcome:
        parts.append(run.outcome)
    if run.changes:
        parts.append(_files(run.changes))
    if run.cost_line:
        parts.append(_cost(run))
    parts += [section.rstrip("\n") for section in run.sections]
    if run.diagnostics:
        parts.append(_findings(run.diagnostics))
    if run.routing_graph:
        parts.append(f"### Routing\n\n```mermaid\n{run.routing_graph}```")
    return "\n\n".join(parts) + "\n\n"


def section(markdown: str) -> str:
    """A command's own Markdown (`cost --format markdown` …) as a part of the summary: its
    headings one level down, under the summary's own ``##``; code fences left as they are."""
    lines = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _files(changes: Sequence[Change]) -> str:
    rows = ["| | File | State | What changes |", "|---|---|---|---|"]
    for c in changes:
        details = [*semantic_summary(c), *(f"block '{n}' edited by hand" for n in c.hand_edited)]
        what = "<br>".join(f"`{_cell(d)}`" for d in details) or (
            "" if c.state is State.IN_SYNC else "generated content differs"
        )
        rows.append(f"| {_STATE_ICONS[c.state]} | `{_cell(c.path)}` | {c.state.value} | {what} |")
    return "### Files\n\n" + "\n".join(rows)


def _cost(run: Run) -> str:
    text = f"### Cost\n\n{run.cost_line}"
    if run.after is None:
        return text
    before = {g.gate: g for g in run.before.gates} if run.before else {}
    rows = ["| Gate | Before | After | Change |", "|---|---|---:|---:|"]
    for g in run.after.gates:
        old = before.get(g.gate)
        was = f"{old.tier}: {dollars(old.cost)}" if old else "—"
        delta = dollars(g.cost - old.cost) if old and old.cost != g.cost else "—"
        if old and g.cost > old.cost:
            delta = "+" + delta
        rows.append(f"| {_cell(g.title)} | {was} | {g.tier}: {dollars(g.cost)} | {delta} |")
    return text + "\n\n" + "\n".join(rows)


def _findings(diagnostics: Sequence[Diagnostic]) -> str:
    rows = ["| | Where | Code | Message |", "|---|---|---|---|"]
    for d in diagnostics:
        where = d.path if d.line <= 0 else f"{d.path}:{d.line}"
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        icon = _SEVERITY_ICONS.get(d.severity, "")
        rows.append(f"| {icon} | `{_cell(where)}` | {d.code} | {_cell(message)} |")
    return "### Findings\n\n" + "\n".join(rows)
