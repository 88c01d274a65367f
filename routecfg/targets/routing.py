"""What the backlog config's ``llmOps.routing`` must hold: shared by the preset and schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routecfg import resources
from routecfg.model import RoutingSpec

ROUTING_PATH = ("llmOps", "routing")
SCHEMA_ROUTING_PATH = ("properties", "llmOps", "properties", "routing", "properties")


def canonical_order() -> tuple[str, ...]:
    """The routing keys in the order the extended backlog schema lists them."""
    schema = resources.load_schema(resources.BACKLOG_SCHEMA)
    properties: Mapping[str, Any] = schema
    for step in SCHEMA_ROUTING_PATH:
        properties = properties[step]
    return tuple(properties)


def routing_values(spec: RoutingSpec) -> dict[str, str | int]:
    """Each routing key the spec owns and its value, in the canonical order, then the spec's."""
    values: dict[str, str | int] = {
        gate.config_key: gate.tier for gate in spec.gates.values() if gate.config_key
    }
    if spec.escalation.model is not None:
        values["escalationModel"] = spec.escalation.model
    if spec.escalation.max_per_ticket is not None:
        values["maxEscalationsPerTicket"] = spec.escalation.max_per_ticket
    order = canonical_order()
    ranked = sorted(values, key=lambda k: order.index(k) if k in order else len(order))
    return {key: values[key] for key in ranked}


def insertion_anchor(key: str, wanted: list[str], present: list[str]) -> str | None:
    """The member a missing ``key`` goes after: the nearest earlier known key already present.

    None (no earlier neighbour) means last.
    """
    order = list(canonical_order())
    for name in wanted:
        if name not in order:
            order.append(name)
    earlier = order[: order.index(key)]
    for name in reversed(earlier):
        if name in present:
            return name
    return None


def schema_property(spec: RoutingSpec, key: str, value: str | int) -> dict[str, Any]:
    """A new routing property for a backlog schema: type, description, default."""
    bundled = resources.load_schema(resources.BACKLOG_SCHEMA)
    known: Mapping[str, Any] = bundled
    for step in SCHEMA_ROUTING_PATH:
        known = known[step]
    if key in known:
        template = known[key]
        described = {"type": template["type"], "description": template["description"]}
        if "minimum" in template:
            described["minimum"] = template["minimum"]
        return {**described, "default": value}
    readers = [g for g in spec.gates.values() if g.config_key == key]  # several may share it
    own = next((g.description for g in readers if g.description), None)
    titles = [g.title for g in readers]
    both = titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"
    description = own or f"Model alias for {both}."
    return {"type": "string", "description": description, "default": value}


def same(current: Any, wanted: Any) -> bool:
    """Equal as JSON values: ``true`` is not ``1``."""
    return type(current) is type(wanted) and current == wanted
