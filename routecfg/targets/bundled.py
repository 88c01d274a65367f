"""The bundled block templates (``templates/*.md.j2``) written in Python, so that a skills
target using only them renders without Jinja: importing Jinja and running a template is most of
the time a cold check spends on skills.

Each renderer returns what Jinja renders from its template, byte for byte, given the context
:mod:`routecfg.targets.markdown` builds (the same records, the same filters). It is used only
for the template text it was written against (``SOURCES`` holds each file's digest, and the
files the template imports): a bundled template edited in place, or shadowed by a file of the
same name in the spec's templates folder, is rendered by Jinja as always.

``tests/test_bundled.py`` fails while ``SOURCES`` differs from templates/ (edit a template, then
its renderer here, then the digest), checks each renderer's ``reads`` and ``files`` against what
Jinja finds in its template, and compares every renderer with Jinja over the test corpus, the
upstream fixtures and generated specs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from routecfg import resources, tables
from routecfg.tables import RoutingRow
from routecfg.targets import markers

NO_PRICE = "—"
# The sandbox's cap on a block's body (routecfg.targets.bounded.MAX_OUTPUT, which imports
# Jinja): a longer body is left to Jinja, whose refusal says so.
MAX_OUTPUT = 1024 * 1024

Context = Mapping[str, Any]


class Bundled(NamedTuple):
    render: Callable[[Context], str]
    reads: frozenset[str]  # the names Jinja finds the template reads, its globals aside
    files: tuple[str, ...]  # the template's file, then the files it imports


def for_block(template: str, spec_templates: Path | None) -> Bundled | None:
    """The Python renderer for the template file ``template``, or None when Jinja must render
    it: no such bundled template, one of its files shadowed by the spec's templates folder, or
    a bundled file whose text is not the text its renderer was written against."""
    bundled = RENDERERS.get(template)
    if bundled is None:
        return None
    if spec_templates is not None and any(_exists(spec_templates / f) for f in bundled.files):
        return None
    return bundled if all(_as_written(f) for f in bundled.files) else None


def _exists(path: Path) -> bool:
    """Whether Jinja's loader would take this entry of the spec's folder (and read or refuse it)
    rather than go on to the bundled templates."""
    return os.path.lexists(path)


@functools.cache
def _as_written(name: str) -> bool:
    try:
        raw = (resources.templates_dir() / name).read_bytes()
    except OSError:  # Jinja reports it
        return False
    return markers.sha256_hex(raw) == SOURCES[name]


# --- the filters (Jinja's environment uses these too) -------------------------------------------


def money_cell(amount: Decimal | None) -> str:
    """The ``money`` filter."""
    return NO_PRICE if amount is None else tables.format_money(amount)


def table_cell(value: object) -> str:
    """The ``cell`` filter: a value safe inside a Markdown table cell, one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


# --- the renderers, each beside its template's words ---------------------------------------------


def _join(values: Iterable[object], separator: str) -> str:
    """Jinja's ``join`` filter without autoescape."""
    return separator.join(map(str, values))


def _if_fails(row: RoutingRow, steps: Sequence[str]) -> str:
    """``_macros.j2``'s ``if_fails``."""
    fallback_to = "fallback to " if row.fallbacks else ""
    return f"If {row.route.model} fails → {fallback_to}{_join(steps, ' → ')}"


def _fence(context: Context, body: list[str]) -> str:
    """A body fenced unless the block sits in a fence already."""
    return "".join(body) if context["in_fence"] else "".join(["```\n", *body, "```\n"])


def escalation(context: Context) -> str:
    """``escalation.md.j2``."""
    out: list[str] = []
    rules: Sequence[tables.EscalationRow] = context["escalations"]
    for index, rule in enumerate(rules):
        if index:
            out.append("\n")
        out.append(f"If {rule.trigger}:\n\n")
        out += [f"{number}. {step}\n" for number, step in enumerate(rule.increments, 1)]
        reroute_step = len(rule.increments) + 1
        out.append(
            f"{reroute_step}. Re-route that ticket's {rule.reroute} to {rule.to.model} "
            f"via {rule.to.markdown}\n"
        )
        if rule.log:
            out.append(f'{reroute_step + 1}. Log: "{rule.log}"\n')
    if not rules:
        out.append("No escalation rules.\n")
    model: tables.Route | None = context["escalation_model"]
    most: int | None = context["escalation"].max_per_ticket
    if model or most is not None:
        out.append("\n")
    if model:
        out.append(
            "Escalation model (`config.llmOps.routing.escalationModel`): "
            f"`{model.tier}` ({model.model}, {model.markdown}).\n"
        )
    if most is not None:
        plural = "" if most == 1 else "s"
        out.append(
            f"At most {most} escalation{plural} per ticket "
            "(`config.llmOps.routing.maxEscalationsPerTicket`).\n"
        )
    return "".join(out)


def gate_model(context: Context) -> str:
    """``gate-model.md.j2``."""
    gate: RoutingRow = context["gate"]
    tier_and_model = f"{gate.tier}/{gate.route.model}"
    setting = f"`{gate.config_key}` ({tier_and_model})" if gate.config_key else tier_and_model
    fallback = f" {_if_fails(gate, gate.fallback_steps_markdown)}." if gate.fallback_steps else ""
    roles = f" For {gate.roles_text}." if gate.roles else ""
    note = f" {gate.note}" if gate.note else ""
    return f"**Model**: {setting} via {gate.route.markdown}.{fallback}{roles}{note}\n"


def gate_routing(context: Context) -> str:
    """``gate-routing.md.j2``."""
    rows: Sequence[RoutingRow] = context["routing"]
    width = max((len(row.title) for row in rows), default=0)
    body: list[str] = []
    for row in rows:
        if row.config_key:
            setting = (
                f'config.llmOps.routing.{row.config_key} (default: "{row.tier}", {row.route.model})'
            )
        else:
            setting = f'"{row.tier}" ({row.route.model})'
        fallback = f"; fallback: {_join(row.fallback_steps, ' → ')}" if row.fallback_steps else ""
        roles = f"; for {row.roles_text}" if row.roles else ""
        body.append(
            f"{row.title.ljust(width)} → {setting} via {row.route.mechanism}{fallback}{roles}\n"
        )
        if row.note:
            body.append(f"{' ' * (width + 3)}{row.note}\n")
    return _fence(context, body)


def model_rules(context: Context) -> str:
    """``model-rules.md.j2``."""
    groups: Sequence[tables.RouteGroup] = context["route_groups"]
    task_groups = [group for group in groups if not group.route.is_shell]
    shell_groups = [group for group in groups if group.route.is_shell]
    body: list[str] = []
    if task_groups:
        # Labels padded like upstream's: model: "haiku"   → ...
        width = max(len(group.route.task_model or "") for group in task_groups) + 11
        indent = " " * (width + 2)
        for group in task_groups:
            label = f'model: "{group.route.task_model}"'.ljust(width)
            body.append(f"{label}→ {_join((row.title for row in group.gates), ', ')}\n")
            if group.roles:
                body.append(f"{indent}for {group.roles_text}\n")
            body += [
                f"{indent}{row.title}: {_if_fails(row, row.fallback_steps)}\n"
                for row in group.gates
                if row.fallback_steps
            ]
            body += [f"{indent}{row.title}: {row.note}\n" for row in group.gates if row.note]
    tiers: Mapping[str, Any] = context["tiers"]
    for index, group in enumerate(shell_groups):
        if task_groups or index:
            body.append("\n")
        route = group.route
        capabilities = _join(tiers[route.tier].capabilities, ", ")
        body.append(
            f"{route.model.upper()} ({route.tier} tier, via {route.mechanism}; "
            f"{capabilities} only):\n"
        )
        for row in group.gates:
            roles = f" ({row.roles_text})" if row.roles else ""
            fails = f": {_if_fails(row, row.fallback_steps)}" if row.fallback_steps else ""
            body.append(f"  - {row.title}{roles}{fails}\n")
            if row.note:
                body.append(f"    {row.note}\n")
    return _fence(context, body)


def prices(context: Context) -> str:
    """``prices.md.j2``."""
    rows: Sequence[tables.PriceRow] = context["prices"]
    return "".join(
        [
            "| Tier | Model | Input $/MTok | Output $/MTok | Cache read | Cache write |\n",
            "|------|-------|--------------|---------------|------------|-------------|\n",
            *(
                f"| {table_cell(row.tier)} | {table_cell(row.model)} | {money_cell(row.input)} "
                f"| {money_cell(row.output)} | {money_cell(row.cache_read)} "
                f"| {money_cell(row.cache_write)} |\n"
                for row in rows
            ),
        ]
    )


def routing_table(context: Context) -> str:
    """``routing-table.md.j2``."""
    rows: Sequence[RoutingRow] = context["routing"]
    return "".join(
        [
            "| Gate | Model | Mechanism |\n",
            "|------|-------|-----------|\n",
            *(
                f"| {table_cell(row.title)} | {table_cell(row.model)} "
                f"| {table_cell(row.mechanism_markdown)} |\n"
                for row in rows
            ),
        ]
    )


_MACROS = "_macros.j2"

RENDERERS: Mapping[str, Bundled] = {
    "escalation.md.j2": Bundled(
        escalation,
        frozenset({"escalation", "escalation_model", "escalations"}),
        ("escalation.md.j2",),
    ),
    "gate-model.md.j2": Bundled(gate_model, frozenset({"gate"}), ("gate-model.md.j2", _MACROS)),
    # Jinja counts `setting` here and `width` in model-rules as read (so a block may pass
    # them), though each template sets them before reading them.
    "gate-routing.md.j2": Bundled(
        gate_routing,
        frozenset({"in_fence", "routing", "setting"}),
        ("gate-routing.md.j2",),
    ),
    "model-rules.md.j2": Bundled(
        model_rules,
        frozenset({"in_fence", "route_groups", "tiers", "width"}),
        ("model-rules.md.j2", _MACROS),
    ),
    "prices.md.j2": Bundled(prices, frozenset({"prices"}), ("prices.md.j2",)),
    "routing-table.md.j2": Bundled(routing_table, frozenset({"routing"}), ("routing-table.md.j2",)),
}

# The sha256 of each bundled template's text the renderers above were written against.
SOURCES: Mapping[str, str] = {
    "_macros.j2": "cb9d588b1a4370109ea7b06c0589bcf8c6da2fcf635b2d48bee40115585f9fe3",
    "escalation.md.j2": "221818f174dd3a74a7deb54698a4de15ab29b928ad5a92c4cb719f5fba22be08",
    "gate-model.md.j2": "3534b872abdf9678303fca6a76f9dedcfdc9128e582de7fffa8120c0cc812d0f",
    "gate-routing.md.j2": "1900e5929f32bee6d391399057d1e5f67a403ce30d4272d363b3e5142ab3270f",
    "model-rules.md.j2": "8b32eefa2a1a31e308dd9891d22da07933de2957d36433cf22540cdf5c74a413",
    "prices.md.j2": "786b494ba142603b5729cdb4c7dd9fc3d782a616e08cb3126ec1f8f32784906c",
    "routing-table.md.j2": "520139aae57cdd2e408b831bac5a2b42138a1be711a43aa2a239e8dca0d85003",
}
