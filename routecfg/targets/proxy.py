"""The LiteLLM proxy YAML target: tier and alias entries of ``model_list`` and the fallback chains
keyed by them, edited in place in ruamel's round-trip tree; every other byte kept."""

from __future__ import annotations

from decimal import Decimal

from routecfg.model import MILLION, PROXY_CHAIN_KINDS, RoutingSpec, Tier
from routecfg.targets import yamledit

PRICE_FIELDS = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
}


def served_names(spec: RoutingSpec) -> dict[str, str]:
    """Every model_name routecfg owns, and the tier it is served like: tiers, then aliases."""
    return {name: name for name in spec.tiers} | spec.proxy.alias_tiers()


def prices_per_token(tier: Tier) -> dict[str, yamledit.Scalar]:
    """The tier's prices as LiteLLM states them: USD per token."""
    prices: dict[str, yamledit.Scalar] = {}
    for field, key in PRICE_FIELDS.items():
        per_million: Decimal | None = getattr(tier.price, field)
        if per_million is not None:
            prices[key] = (per_million / MILLION).normalize()
    return prices


def render(spec: RoutingSpec, text: str, path: str) -> str:
    doc = yamledit.load(text, path)
    _set_models(doc, spec)
    _set_chains(doc, spec)
    return yamledit.dump(doc)


def _set_models(doc: yamledit.ProxyDoc, spec: RoutingSpec) -> None:
    entries = yamledit.model_entries(doc)
    for name, tier_name in served_names(spec).items():
        tier = spec.tiers[tier_name]
        prices = prices_per_token(tier)
        if name not in entries:
            yamledit.append_model_entry(
                doc,
                {
                    "model_name": name,
                    "litellm_params": {"model": tier.model, **prices},
                    "model_info": dict(prices),
                },
            )
            continue
        for entry in entries[name]:
            yamledit.set_section(doc, entry, "litellm_params", {"model": tier.model, **prices})
            yamledit.set_section(doc, entry, "model_info", prices)


def _set_chains(doc: yamledit.ProxyDoc, spec: RoutingSpec) -> None:
    owned = served_names(spec)
    for kind in PROXY_CHAIN_KINDS:
        chain_kind: yamledit.ChainKind = kind  # type: ignore[assignment]
        wanted = spec.proxy.compiled_chains(kind)
        for name in yamledit.chains(doc, chain_kind):
            if name in owned and name not in wanted:
                yamledit.remove_chain(doc, chain_kind, name)
        for name, targets in wanted.items():
            yamledit.set_chain(doc, chain_kind, name, targets)
