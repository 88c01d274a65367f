"""`routecfg actuals` as text, Markdown (with a Mermaid chart) and JSON: figures in, text out.

Money is summed exactly and shown to a hundredth of a cent in tables; JSON carries exact decimal
strings (quotients to twelve places, money to at least six).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from routecfg.actuals import chart
from routecfg.actuals.tally import Actuals
from routecfg.cost import CENTS, dollars, percent
from routecfg.show import _table

FORMATS = ("text", "markdown", "json")
TABLE_MONEY = Decimal("0.0001")
QUOTIENT = Decimal("1e-12")
MONEY_PLACES = 6
RATE = Decimal("0.000001")


def money(amount: Decimal) -> str:
    """An exact decimal string with at least six places: ``0.212000``, ``0.00033000000001``."""
    if amount.as_tuple().exponent < -12:  # type: ignore[operator]
        amount = amount.quantize(QUOTIENT, rounding=ROUND_HALF_UP)
    text = format(amount, "f")
    whole, _, places = text.partition(".")
    places = places.rstrip("0").ljust(MONEY_PLACES, "0")
    return f"{whole}.{places}"


def quotient(value: Decimal) -> str:
    """A ratio to at most twelve places, without trailing zeros: ``1.5``, ``0.333333333333``."""
    text = format(value.quantize(QUOTIENT, rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rate(value: Decimal) -> float:
    return float(value.quantize(RATE, rounding=ROUND_HALF_UP))


def _usd(amount: Decimal) -> str:
    return dollars(amount, TABLE_MONEY)


def _tokens(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def render(actuals: Actuals, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json(actuals), indent=2, ensure_ascii=False) + "\n"
    markdown = fmt == "markdown"
    sections = [_heading(actuals, markdown)]
    if markdown and chart.charted(actuals):
        sections.append(chart.mermaid(actuals))
    sections += [_gates(actuals, fmt), _per_ticket(actuals, fmt), _models(actuals, fmt)]
    if actuals.rounds:
        sections.append(_rounds(actuals, fmt))
    sections.append(_rates(actuals, markdown))
    return "\n".join(sections)


def _heading(actuals: Actuals, markdown: bool) -> str:
    title = "Actual cost against the estimate"
    counts = (
        f"{_plural(actuals.records, 'record')} from {_plural(len(actuals.files), 'ledger')}: "
        f"{_plural(actuals.calls, 'call')}, {_plural(actuals.failures, 'failure')}, "
        f"{_plural(actuals.tickets, 'ticket')}; {_plural(actuals.skipped, 'line')} skipped"
    )
    if actuals.priced:
        counts += (
            f"; {_plural(actuals.priced, 'record')} without a cost priced with the spec's tiers"
        )
    return f"## {title}\n\n{counts}.\n" if markdown else f"{title}\n\n{counts}.\n"


def _gates(actuals: Actuals, fmt: str) -> str:
    header = ("Gate", "Calls", "Failures", "In/call", "Out/call", "Actual", "Estimate", "Delta")
    rows = [
        [
            g.title if g.mapped else f"{g.title} (not a spec gate)",
            f"{g.calls:,}",
            f"{g.failures:,}",
            _tokens(g.mean_input),
            _tokens(g.mean_output),
            _usd(g.actual),
            _usd(g.estimate),
            _usd(g.delta),
        ]
        for g in actuals.gates
    ]
    estimate = sum((g.estimate for g in actuals.gates), Decimal(0))
    bold = "**" if fmt == "markdown" else ""
    rows.append(
        [
            f"{bold}Total{bold}",
            f"{actuals.calls:,}",
            f"{actuals.failures:,}",
            "",
            "",
            f"{bold}{_usd(actuals.total)}{bold}",
            f"{bold}{_usd(estimate)}{bold}",
            f"{bold}{_usd(actuals.total - estimate)}{bold}",
        ]
    )
    note = "Estimate: the gate's estimated cost per ticket × the tickets read."
    return _table(header, rows, fmt, right={1, 2, 3, 4, 5, 6, 7}) + f"\n{note}\n"


def _per_ticket(actuals: Actuals, fmt: str) -> str:
    header = (f"Per ticket ({_plural(actuals.tickets, 'ticket')})", "Actual", "Estimate", "Delta")
    rows = [
        [name, _usd(value), _usd(actuals.estimate), _usd(value - actuals.estimate)]
        for name, value in (
            ("mean", actuals.mean),
            ("median", actuals.median),
            ("p90", actuals.p90),
        )
    ]
    text = _table(header, rows, fmt, right={1, 2, 3})
    if actuals.budget is not None:
        verdict = "over" if actuals.over_budget else "within"
        text += (
            f"\nMean {_usd(actuals.mean)} per ticket is {verdict} the budget of "
            f"{dollars(actuals.budget, CENTS)} (cost.budget.max_per_ticket).\n"
        )
    return text


def _models(actuals: Actuals, fmt: str) -> str:
    header = ("Model", "Tier", "Calls", "Failures", "Spend", "Share")
    rows = [
        [
            m.model,
            m.tier or "—",
            f"{m.calls:,}",
            f"{m.failures:,}",
            _usd(m.spend),
            f"{(m.share * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%",
        ]
        for m in actuals.models
    ]
    return _table(header, rows, fmt, right={2, 3, 4, 5})


def _rounds(actuals: Actuals, fmt: str) -> str:
    header = (f"Review rounds ({actuals.implement} calls)", "Tickets", "Calls", "Per ticket")
    rows = [
        [
            "all tiers" if r.tier is None else f"served by {r.tier}",
            f"{r.tickets:,}",
            f"{r.calls:,}",
            f"{r.mean.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}",
        ]
        for r in actuals.rounds
    ]
    return _table(header, rows, fmt, right={1, 2, 3})


def _rates(actuals: Actuals, markdown: bool) -> str:
    bullet = "- " if markdown else ""
    target = actuals.escalation_tier or "the escalation tier"
    lines = [
        f"{bullet}Escalations: {actuals.escalated} of {_plural(actuals.tickets, 'ticket')} "
        f"({percent(actuals.escalation_rate)}): a call of gate '{actuals.implement}' served by "
        f"{target}, or an escalation_reason",
    ]
    if actuals.fallbacks:
        each = "; ".join(
            f"{f.tier} {f.fell_back} of {f.calls} ({percent(f.rate)})" for f in actuals.fallbacks
        )
        lines.append(f"{bullet}Fallbacks (served by another tier than requested): {each}")
    else:
        lines.append(f"{bullet}Fallbacks: no ledger recorded the tier requested")
    lines.append(
        f"{bullet}Failures: {actuals.failures} ({_usd(actuals.failure_cost)}, "
        "counted as actual cost)"
    )
    return "\n".join(lines) + "\n"


def as_json(actuals: Actuals) -> dict[str, Any]:
    return {
        "files": list(actuals.files),
        "records": actuals.records,
        "calls": actuals.calls,
        "failures": actuals.failures,
        "failure_cost": money(actuals.failure_cost),
        "skipped": actuals.skipped,
        "priced_from_spec": actuals.priced,
        "tickets": actuals.tickets,
        "total": money(actuals.total),
        "per_ticket": {
            "actual": money(actuals.mean),
            "median": money(actuals.median),
            "p90": money(actuals.p90),
            "estimate": money(actuals.estimate),
            "budget": None if actuals.budget is None else money(actuals.budget),
            "over_budget": actuals.over_budget,
        },
        "gates": [
            {
                "gate": g.gate,
                "title": g.title,
                "mapped": g.mapped,
                "calls": g.calls,
                "failures": g.failures,
                "mean_input_tokens": quotient(g.mean_input),
                "mean_output_tokens": quotient(g.mean_output),
                "calls_per_ticket": None
                if g.calls_per_ticket is None
                else quotient(g.calls_per_ticket),
                "fallback_rate": None if g.fallback_rate is None else rate(g.fallback_rate),
                "actual": money(g.actual),
                "estimate": money(g.estimate),
                "estimate_per_ticket": money(g.estimate_per_ticket),
                "delta": money(g.delta),
            }
            for g in actuals.gates
        ],
        "models": [
            {
                "model": m.model,
                "tier": m.tier,
                "calls": m.calls,
                "failures": m.failures,
                "spend": money(m.spend),
                "share": rate(m.share),
            }
            for m in actuals.models
        ],
        "review_rounds": {
            "gate": actuals.implement,
            "by_tier": [
                {
                    "tier": r.tier,
                    "tickets": r.tickets,
                    "calls": r.calls,
                    "per_ticket": quotient(r.mean),
                }
                for r in actuals.rounds
            ],
        },
        "escalation_rate": rate(actuals.escalation_rate),
        "escalated_tickets": actuals.escalated,
        "escalation_tier": actuals.escalation_tier,
        "fallback_rate": {f.tier: rate(f.rate) for f in actuals.fallbacks},
        "fallbacks": [
            {"tier": f.tier, "calls": f.calls, "fell_back": f.fell_back} for f in actuals.fallbacks
        ],
    }
