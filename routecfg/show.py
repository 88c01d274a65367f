"""Tables for people and scripts: `routecfg cost` and `routecfg explain`, as text, Markdown, JSON.

Pure functions from estimates and routing rows to strings; the CLI prints them.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from routecfg.cost import CENTS, Estimate, dollars, percent, savings
from routecfg.tables import RoutingRow

TABLE_FORMATS = ("text", "markdown", "json")


def _number(value: Decimal) -> str:
    return f"{value:,}" if value == value.to_integral_value() else f"{value.normalize():,}"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    fmt: str,
    right: set[int],
) -> str:
    if fmt == "markdown":
        lines = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("-" * (len(h) + 2) for h in header) + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), *(line(row) for row in rows)]) + "\n"


# -- cost ----------------------------------------------------------------------------------------

_COST_HEADER = ("Gate", "Model", "Input tok", "Output tok", "Calls", "Cost")


def cost_breakdown(estimate: Estimate, fmt: str) -> str:
    """The design's "Cost Breakdown" table for one estimate, with its totals and assumptions."""
    if fmt == "json":
        return json.dumps(_estimate_json(estimate), indent=2) + "\n"
    bold = "**" if fmt == "markdown" else ""
    rows = [
        [g.title, g.model, _number(g.input), _number(g.output), _number(g.calls), dollars(g.cost)]
        for g in estimate.gates
    ]
    if estimate.escalation:
        rows.append(["Escalation (scenario)", "", "", "", "", dollars(estimate.escalation)])
    rows.append(
        [f"{bold}Total{bold}", "", "", "", "", f"{bold}{dollars(estimate.per_ticket)}{bold}"]
    )
    heading = f"Cost per ticket: {estimate.label}"
    heading = f"## {heading}" if fmt == "markdown" else heading
    summary = (
        f"{dollars(estimate.per_ticket)} per ticket; "
        f"{dollars(estimate.total, CENTS)} for {estimate.tickets} tickets."
    )
    notes = "".join(f"- {a}\n" for a in estimate.assumptions)
    table = _table(_COST_HEADER, rows, fmt, right={2, 3, 4, 5})
    return f"{heading}\n\n{table}\n{summary}\n\nAssumptions:\n{notes}"


def cost_line(estimate: Estimate) -> str:
    """The one figure `cost -q` prints: ``$0.212 per ticket; $10.60 for 50 tickets.``"""
    return (
        f"{dollars(estimate.per_ticket)} per ticket; "
        f"{dollars(estimate.total, CENTS)} for {estimate.tickets} tickets."
    )


def cost_comparison(estimates: Sequence[Estimate], fmt: str, *, with_savings: bool = True) -> str:
    """The design's "Cost Estimates Per Ticket" table: the first estimate is the baseline."""
    baseline = estimates[0]
    if fmt == "json":
        records = [
            {
                **_estimate_json(e),
                "savings": None if e is baseline else _rate(savings(baseline, e)),
            }
            for e in estimates
        ]
        return json.dumps(records, indent=2) + "\n"
    tickets = baseline.tickets
    rows = []
    for e in estimates:
        saved = savings(baseline, e)
        cell = "—" if e is baseline or saved is None else percent(saved)
        row = [e.label, dollars(e.per_ticket), dollars(e.per_ticket * tickets, CENTS), cell]
        rows.append(row if with_savings else row[:3])
    header = ("Scenario", "Cost/ticket", f"{tickets} tickets", "Savings")
    return _table(header if with_savings else header[:3], rows, fmt, right={1, 2, 3})


def _rate(value: Decimal | None) -> float | None:
    """A share (savings, a fallback rate) as a JSON number; money stays an exact string."""
    return None if value is None else float(value.quantize(Decimal("0.0001")))


def _count(value: Decimal) -> int | float:
    """Tokens and calls as JSON numbers: whole numbers as integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def _estimate_json(estimate: Estimate) -> dict[str, Any]:
    return {
        "name": estimate.name,
        "scenario": estimate.scenario,
        "gates": [
            {
                "gate": g.gate,
                "title": g.title,
                "tier": g.tier,
                "model": g.model,
                "input_tokens": _count(g.input),
                "output_tokens": _count(g.output),
                "calls": _count(g.calls),
                "fallback_rate": _rate(g.fallback_rate),
                "fallback_tier": g.fallback_tier,
                "cost": str(g.cost),
            }
            for g in estimate.gates
        ],
        "escalation": str(estimate.escalation),
        "per_ticket_exact": str(estimate.exact_per_ticket),
        "per_ticket": str(estimate.per_ticket),
        "tickets": estimate.tickets,
        "total": str(estimate.total.quantize(CENTS)),
        "assumptions": list(estimate.assumptions),
    }


# -- explain -------------------------------------------------------------------------------------


def _tier_cell(row: RoutingRow) -> str:
    """``free: Ollama → Haiku fallback``: the tier, and the design table's Model text."""
    return f"{row.tier}: {row.model}"


def _fallback_cell(row: RoutingRow, walk: Sequence[str]) -> str:
    declared = " → ".join(route.tier for route in row.fallbacks) or "—"
    if row.fallback_template is not None:
        declared = "template" if declared == "—" else f"{declared} → template"
    if walk:
        declared += f" (proxy: {' → '.join(walk)})"
    return declared


def routing_table(
    rows: Sequence[RoutingRow],
    walks: dict[str, tuple[str, ...]],
    fmt: str,
    against: Sequence[RoutingRow] | None = None,
    names: tuple[str, str] = ("Current", "Proposed"),
    *,
    width: int | None = None,
) -> str:
    """Gate | Tier (model) | Mechanism | Fallbacks | Config key; with ``against``, the old
    column first, as the design's "Current / Proposed" table, and a first column marking the
    rows that changed (``*``) or are new (``+``), in text and Markdown (escaped there), and in
    JSON a ``changed`` field. ``width`` wraps text cells to fit it."""
    old = {r.gate: r for r in against or ()}
    if fmt == "json":
        records = [_row_json(r, walks.get(r.gate, ()), old.get(r.gate)) for r in rows]
        if against is not None:
            for record, row in zip(records, rows, strict=True):
                record["changed"] = _change_mark(row, old.get(row.gate)) != ""
        return json.dumps(records, indent=2) + "\n"
    markdown = fmt == "markdown"
    header = ["Gate"]
    marked = against is not None
    if against is not None:
        header = ["", "Gate"] if marked else ["Gate"]
        header += [f"{names[0]} Model", f"{names[1]} Model"]
    else:
        header += ["Tier: model"]
    header += ["Mechanism", "Fallbacks", "Config key"]
    table_rows = []
    for row in rows:
        cells = [row.title]
        if against is not None:
            before = old.get(row.gate)
            if marked:
                mark = _change_mark(row, before)
                cells.insert(0, _MARKDOWN_MARKS[mark] if markdown else mark)
            cells.append(_tier_cell(before) if before else "N/A")
        cells.append(_tier_cell(row))
        cells.append(row.mechanism_markdown if markdown else row.mechanism)
        cells.append(_fallback_cell(row, walks.get(row.gate, ())))
        key = row.config_key or "—"
        cells.append(f"`{key}`" if markdown and row.config_key else key)
        table_rows.append(cells)
    natural = _table(header, table_rows, fmt, right=set())
    if width is not None and max(len(line) for line in natural.splitlines()) > width:
        table = _records(header, table_rows, width, marked=marked)
    else:
        table = natural
    marks = {_change_mark(r, old.get(r.gate)) for r in rows} if marked else set()
    legend = {"*": f"* routing differs from {names[0]}", "+": f"+ a gate {names[0]} does not have"}
    if marks & set(legend):
        said = [legend[m] for m in ("*", "+") if m in marks]
        if markdown:  # a line that starts with * or + would be a list item
            said = [_MARKDOWN_MARKS[m[0]] + m[1:] for m in said]
        table += "\n" + "; ".join(said) + "\n"
    return table


_MARKDOWN_MARKS = {"*": "\\*", "+": "\\+", "": ""}


def change_marks(rows: Sequence[RoutingRow], against: Sequence[RoutingRow]) -> dict[str, str]:
    """Each gate's mark against the old routing: ``*`` changed, ``+`` new, ``""`` the same."""
    old = {r.gate: r for r in against}
    return {r.gate: _change_mark(r, old.get(r.gate)) for r in rows}


def _records(
    header: Sequence[str], rows: Sequence[Sequence[str]], width: int, *, marked: bool
) -> str:
    """A table too wide for the terminal, as one record per row: the first cell as a heading
    (after its change mark), then ``column: value`` lines wrapped to ``width``."""
    first = 2 if marked else 1
    out: list[str] = []
    for cells in rows:
        heading = " ".join(c for c in cells[:first] if c)
        out.append(heading if not marked or cells[0] else f"  {heading}")
        for name, value in zip(header[first:], cells[first:], strict=True):
            out.extend(
                textwrap.wrap(
                    f"{name}: {value}",
                    width,
                    initial_indent="    ",
                    subsequent_indent="      ",
                    break_on_hyphens=False,
                )
            )
    return "\n".join(out) + "\n"


def fit_lines(text: str, width: int | None) -> str:
    """Prose lines wrapped to ``width``, each continuation indented two past its line."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.extend(
            textwrap.wrap(
                line.strip(),
                width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_on_hyphens=False,
            )
        )
    return "".join(line + "\n" for line in out)


def _change_mark(row: RoutingRow, before: RoutingRow | None) -> str:
    if before is None:
        return "+"
    same = (before.tier, before.route, before.fallbacks, before.fallback_template) == (
        row.tier,
        row.route,
        row.fallbacks,
        row.fallback_template,
    )
    return "" if same else "*"


def _row_json(row: RoutingRow, walk: Sequence[str], before: RoutingRow | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "gate": row.gate,
        "title": row.title,
        "tier": row.tier,
        "model": row.route.model,
        "mechanism": row.mechanism,
        "fallbacks": [route.tier for route in row.fallbacks],
        "fallback_template": row.fallback_template,
        "proxy_walk": list(walk),
        "config_key": row.config_key,
    }
    if before is not None:
        record["before"] = {"tier": before.tier, "model": before.route.model}
    return record
