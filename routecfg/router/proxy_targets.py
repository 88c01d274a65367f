"""Rules on how proxy files serve the spec: the tiers, alias groups and overrides each proxy
target names, gates on a tier a file does not serve, and deployments of one group priced
differently."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from routecfg.diagnostics import Diagnostic, Severity, suggestion_hint
from routecfg.model import MILLION, Price, RoutingSpec
from routecfg.spec import PathKey, Source

if TYPE_CHECKING:  # ruamel.yaml: only `verify` reads proxy files with it here
    from ruamel.yaml.comments import CommentedMap

    from routecfg.targets.yamledit import ProxyDoc

UNSERVED_GATE_TIER = "RC707"
UNKNOWN_ALIAS_GROUP = "RC708"
GROUP_PRICES_DIFFER = "RC709"
UNKNOWN_TIER = "RC201"
_FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
}


def _target_key(source: Source, index: int) -> PathKey | None:
    """Where the proxy target ``index`` is given as a mapping; None for a plain path."""
    targets = source.data.get("targets") if isinstance(source.data, dict) else None
    value = targets.get("proxy") if isinstance(targets, dict) else None
    if isinstance(value, list):
        return ("targets", "proxy", index) if isinstance(value[index], dict) else None
    return ("targets", "proxy") if isinstance(value, dict) else None


def proxy_targets(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """Every tier and alias group a proxy target names exists; a gate on a tier that a proxy
    file does not serve is reported for that file."""
    groups = [group.name for group in spec.proxy.alias_groups]
    for index, path in enumerate(spec.targets.proxy):
        target = spec.targets.proxy_targets.get(path)
        where = _target_key(source, index)
        if target is None or where is None:
            continue
        for i, tier in enumerate(target.tiers or ()):
            if tier not in spec.tiers:
                yield _unknown(source, (*where, "tiers", i), "tier", tier, list(spec.tiers))
        for tier in target.overrides:
            if tier not in spec.tiers:
                key = (*where, "overrides", tier)
                yield _unknown(source, key, "tier", tier, list(spec.tiers), key=True)
        for i, group in enumerate(target.aliases or ()):
            if group not in groups:
                yield _unknown(source, (*where, "aliases", i), "alias group", group, groups)
        if target.tiers is None:
            continue
        for tier in spec.tiers:
            gates = [g.name for g in spec.gates.values() if g.tier == tier]
            if target.serves(tier) or not gates:
                continue
            yield source.diagnostic(
                (*where, "tiers"),
                UNSERVED_GATE_TIER,
                f"proxy file '{path}' does not serve tier '{tier}', which gates "
                f"{', '.join(gates)} run on: a request for '{tier}' through it fails",
                f"add '{tier}' to its tiers, or route those gates to a tier it serves",
                severity=Severity.WARNING,
            )


def _unknown(
    source: Source, where: PathKey, kind: str, name: str, known: list[str], *, key: bool = False
) -> Diagnostic:
    code = UNKNOWN_TIER if kind == "tier" else UNKNOWN_ALIAS_GROUP
    hint = suggestion_hint(name, known, "tiers" if kind == "tier" else "alias groups")
    return source.diagnostic(where, code, f"unknown {kind} '{name}'", hint, key=key)


def _differences(tier_price: Price, other: Price) -> list[str]:
    fields = ("input", "output", "cache_read", "cache_write")
    return [f for f in fields if getattr(tier_price, f) != getattr(other, f)]


def deployment_prices(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """A deployment priced unlike its tier: LiteLLM load-balances the group, so what a call
    costs depends on the deployment it lands on, and routecfg's estimate uses the tier's
    price."""
    for name, tier in spec.tiers.items():
        for i, deployment in enumerate(tier.deployments):
            differ = _differences(tier.price, deployment.price)
            if not differ:
                continue
            yield source.diagnostic(
                ("tiers", name, "deployments", i, "price"),
                GROUP_PRICES_DIFFER,
                f"tier '{name}': deployment {deployment.model} is priced unlike the tier "
                f"({', '.join(differ)}); LiteLLM load-balances the group, and cost estimates use "
                "the tier's price",
                "give the deployments one price, or accept the estimate's error",
                severity=Severity.WARNING,
            )


def group_prices(doc: ProxyDoc, spec: RoutingSpec) -> list[Diagnostic]:
    """A tier's or alias's group in a proxy file whose deployments are priced differently
    (routecfg's own or not): LiteLLM load-balances them, so the estimate is off. One warning at
    each deployment priced unlike the group's first."""
    from ruamel.yaml.comments import CommentedMap

    from routecfg.targets import yamledit
    from routecfg.targets.yamlnodes import key_position

    found = []
    served = {name: name for name in spec.tiers} | spec.proxy.alias_tiers()
    for name, nodes in yamledit.model_entries(doc).items():
        if name not in served or len(nodes) < 2:
            continue
        declared = {d.model for d in spec.tiers[served[name]].deployments}  # reported in the spec
        first = _entry_prices(nodes[0])
        for node in nodes[1:]:
            prices = _entry_prices(node)
            params = node.get("litellm_params")
            if prices == first or (
                isinstance(params, CommentedMap) and params.get("model") in declared
            ):
                continue
            where = key_position(params, "model") if isinstance(params, CommentedMap) else None
            line, column = (where.line, where.column) if where else (0, 0)
            model = params.get("model") if isinstance(params, CommentedMap) else None
            found.append(
                Diagnostic(
                    doc.path,
                    line,
                    column,
                    Severity.WARNING,
                    GROUP_PRICES_DIFFER,
                    f"model_list '{name}': deployment {model} is priced {_describe(prices)}, the "
                    f"group's first deployment {_describe(first)}; LiteLLM load-balances the "
                    "group, and cost estimates use the tier's price",
                    "give the group's deployments one price, or declare the deployment under "
                    "the tier's `deployments` with its price",
                )
            )
    return found


def _entry_prices(node: CommentedMap) -> dict[str, Decimal | None]:
    from ruamel.yaml.comments import CommentedMap

    from routecfg.targets import yamlread
    from routecfg.targets.yamledit import PRICE_KEYS

    params = node.get("litellm_params")
    values = params if isinstance(params, CommentedMap) else CommentedMap()
    return {key: yamlread.as_decimal(values.get(key)) for key in PRICE_KEYS}


def _describe(prices: dict[str, Decimal | None]) -> str:
    from routecfg.litellm_map import dollars

    stated = [(key, value) for key, value in prices.items() if value is not None]
    if not stated:
        return "without prices"
    return "at " + ", ".join(
        f"{_FIELDS[key]} {dollars(value * MILLION)}/MTok" for key, value in stated
    )
