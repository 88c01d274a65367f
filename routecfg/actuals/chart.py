"""The picture reviewers look at: estimate against actual per gate, as Mermaid and as SVG.

Text out, no disk: the CLI writes the SVG through :mod:`routecfg.write`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from routecfg.actuals.tally import Actuals, GateRow

PLACES = Decimal("0.0001")
WIDTH = 720
BAR = 18
GAP = 14
LEFT = 170
TOP = 48
PLOT = WIDTH - LEFT - 90
ESTIMATE_COLOUR = "#9aa5b1"
ACTUAL_COLOUR = "#2f6fdf"


def _plain(amount: Decimal) -> str:
    return format(amount.quantize(PLACES, rounding=ROUND_HALF_UP), "f")


def _title(actuals: Actuals) -> str:
    tickets = f"{actuals.tickets} ticket{'s' if actuals.tickets != 1 else ''}"
    return f"Cost per gate, USD for {tickets}: bars actual, line estimate"


def charted(actuals: Actuals) -> tuple[GateRow, ...]:
    return tuple(g for g in actuals.gates if g.actual or g.estimate)


def mermaid(actuals: Actuals) -> str:
    """A Mermaid ``xychart-beta``: a bar per gate for the actual cost, a line for the estimate."""
    gates = charted(actuals)
    top = max((max(g.actual, g.estimate) for g in gates), default=Decimal(0))
    labels = ", ".join('"' + g.gate.replace('"', "'") + '"' for g in gates)  # ledgers' own names
    lines = [
        "```mermaid",
        "xychart-beta",
        f'    title "{_title(actuals)}"',
        f"    x-axis [{labels}]",
        f'    y-axis "USD" 0 --> {_plain(top * Decimal("1.1")) if top else "1"}',
        f"    bar [{', '.join(_plain(g.actual) for g in gates)}]",
        f"    line [{', '.join(_plain(g.estimate) for g in gates)}]",
        "```",
    ]
    return "\n".join(lines) + "\n"


def svg(actuals: Actuals) -> str:
    """Two horizontal bars per gate, estimate (grey) above actual (blue), labelled in USD."""
    gates = charted(actuals)
    top = max((max(g.actual, g.estimate) for g in gates), default=Decimal(0)) or Decimal(1)
    row = 2 * BAR + GAP
    height = TOP + row * len(gates) + 40
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
        "<title>Estimate against actual per gate</title>",
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">'
        f"Estimate against actual per gate (USD, {actuals.tickets} tickets)</text>",
        f'<rect x="{LEFT}" y="28" width="10" height="10" fill="{ESTIMATE_COLOUR}"/>',
        f'<text x="{LEFT + 14}" y="37">estimate</text>',
        f'<rect x="{LEFT + 90}" y="28" width="10" height="10" fill="{ACTUAL_COLOUR}"/>',
        f'<text x="{LEFT + 104}" y="37">actual</text>',
    ]
    for index, gate in enumerate(gates):
        y = TOP + index * row
        parts.append(f'<g class="gate" data-gate={quoteattr(gate.gate)}>')
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + BAR + 4}" text-anchor="end">{escape(gate.title)}</text>'
        )
        for offset, (kind, amount, colour) in enumerate(
            (("estimate", gate.estimate, ESTIMATE_COLOUR), ("actual", gate.actual, ACTUAL_COLOUR))
        ):
            width = (amount / top * PLOT).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            bar_y = y + offset * BAR
            parts.append(
                f'<rect class="{kind}" x="{LEFT}" y="{bar_y}" width="{width}" height="{BAR - 2}" '
                f'fill="{colour}" data-usd="{_plain(amount)}"/>'
            )
            parts.append(
                f'<text x="{LEFT + width + 4}" y="{bar_y + BAR - 5}">${_plain(amount)}</text>'
            )
        parts.append("</g>")
    axis_y = TOP + row * len(gates)
    parts.append(f'<line x1="{LEFT}" y1="{TOP - 4}" x2="{LEFT}" y2="{axis_y}" stroke="#333"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
