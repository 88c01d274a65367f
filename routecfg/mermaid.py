"""The routing as a Mermaid flowchart (text out), which GitHub renders in PRs, job summaries
and READMEs: gates → tiers → fallbacks.

A gate points to its tier (solid) and to its own fallback tiers (solid, labelled ``fallback``).
Each tier with proxy fallbacks points to the tiers LiteLLM tries for it, numbered in the order it
tries them: solid for the chain the spec declares, dashed for what LiteLLM walks beyond it
(it follows each fallback's own chain).

With ``marks`` (``explain --against``), a gate whose routing changed is drawn in the class
``changed``, and a gate the other spec does not have in ``added``: a thick orange or green border.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from routecfg.model import RoutingSpec
from routecfg.tables import display_name


def node_id(kind: str, name: str) -> str:
    """``g_plan``, ``t_cheap``: Mermaid ids are letters, digits and '_'."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"


def _label(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


_CLASSES = {
    "*": ("changed", "stroke:#e8590c,stroke-width:3px"),
    "+": ("added", "stroke:#2f9e44,stroke-width:3px"),
}


def routing_graph(spec: RoutingSpec, marks: Mapping[str, str] | None = None) -> str:
    lines = ["flowchart LR"]
    tiers_used: list[str] = []

    def use(tier: str) -> str:
        if tier not in tiers_used:
            tiers_used.append(tier)
        return node_id("t", tier)

    edges: list[str] = []
    for gate in spec.gates.values():
        lines.append(f"  {node_id('g', gate.name)}[{_label(gate.title)}]")
        edges.append(f"  {node_id('g', gate.name)} --> {use(gate.tier)}")
        for target in gate.fallback:
            edges.append(f"  {node_id('g', gate.name)} -->|fallback| {use(target)}")
    for tier in list(tiers_used):
        declared = spec.proxy.chain("fallbacks").get(tier, ())
        walk = spec.proxy.walk("fallbacks", tier)
        for order, target in enumerate(walk, start=1):
            arrow = "-->" if target in declared else "-.->"
            edges.append(f"  {use(tier)} {arrow}|{order}| {use(target)}")
    for tier in tiers_used:
        model = spec.tiers.get(tier)
        words = f"{tier}: {display_name(model)}" if model is not None else tier
        lines.append(f"  {node_id('t', tier)}({_label(words)})")
    return "\n".join([*lines, *edges, *_classes(spec, marks or {})]) + "\n"


def _classes(spec: RoutingSpec, marks: Mapping[str, str]) -> list[str]:
    """``classDef changed …`` and ``class g_plan,g_review changed``: the marked gates."""
    lines = []
    for mark, (name, style) in _CLASSES.items():
        gates = [node_id("g", gate) for gate in spec.gates if marks.get(gate) == mark]
        if gates:
            lines += [f"  classDef {name} {style}", f"  class {','.join(gates)} {name}"]
    return lines
