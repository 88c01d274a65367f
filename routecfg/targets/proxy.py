"""The LiteLLM proxy YAML target: tier and alias entries of ``model_list`` and the fallback chains
keyed by them, edited in place in ruamel's round-trip tree; every other byte kept.

Most checks find the file as the spec wants it. That is decided first on the plain data libyaml
reads (:mod:`routecfg.targets.proxyplain`), in a millisecond; only a file that needs a change, or
that the plain reading cannot vouch for, is loaded into ruamel's tree, which reports every
problem as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import MILLION, PROXY_CHAIN_KINDS, RoutingSpec, Tier

if TYPE_CHECKING:
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


def prices_per_token(tier: Tier) -> dict[str, Decimal]:
    """The tier's prices as LiteLLM states them: USD per token."""
    prices: dict[str, Decimal] = {}
    for field, key in PRICE_FIELDS.items():
        per_million: Decimal | None = getattr(tier.price, field)
        if per_million is not None:
            prices[key] = (per_million / MILLION).normalize()
    return prices


def render(spec: RoutingSpec, text: str, path: str) -> str:
    from routecfg.targets import proxyplain

    if proxyplain.in_sync(spec, text, path):
        return text
    from routecfg.targets import proxyledger, yamledit  # ruamel.yaml: only to edit

    doc = yamledit.load(text, path)
    changed = _set_models(doc, spec)
    changed = _set_chains(doc, spec) or changed
    changed = proxyledger.register(doc, spec.proxy.ledger) or changed
    undefined = list(_undefined_names(doc, spec, path))
    if undefined:
        raise RoutecfgError(undefined)
    # load() has proved that dumping an untouched tree gives back ``text``: skip the work.
    return yamledit.dump(doc) if changed else text


def _set_models(doc: yamledit.ProxyDoc, spec: RoutingSpec) -> bool:
    """Whether any entry changed."""
    from routecfg.targets import yamledit

    changed = False
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
            changed = True
            continue
        for entry in entries[name]:
            params: dict[str, yamledit.Scalar] = {"model": tier.model, **prices}
            changed = yamledit.set_section(doc, entry, "litellm_params", params) or changed
            changed = yamledit.set_section(doc, entry, "model_info", prices) or changed
    return changed


def _set_chains(doc: yamledit.ProxyDoc, spec: RoutingSpec) -> bool:
    """Whether any chain changed."""
    from routecfg.targets import yamledit

    changed = False
    owned = served_names(spec)
    for kind in PROXY_CHAIN_KINDS:
        chain_kind: yamledit.ChainKind = kind  # type: ignore[assignment]
        wanted = spec.proxy.compiled_chains(kind)
        for name in yamledit.chains(doc, chain_kind):
            if name in owned and name not in wanted:
                changed = yamledit.remove_chain(doc, chain_kind, name) or changed
        for name, targets in wanted.items():
            changed = yamledit.set_chain(doc, chain_kind, name, targets) or changed
    return changed


def _undefined_names(doc: yamledit.ProxyDoc, spec: RoutingSpec, path: str) -> Iterator[Diagnostic]:
    """Chains routecfg does not own that name a model no model_list entry serves: LiteLLM would
    skip it without a word, so a request would fall back less far than the file says."""
    from routecfg.targets import yamledit

    served = set(yamledit.model_entries(doc))
    owned = served_names(spec)
    for kind in PROXY_CHAIN_KINDS:
        chain_kind: yamledit.ChainKind = kind  # type: ignore[assignment]
        positions = yamledit.chain_positions(doc, chain_kind)
        for name, targets in yamledit.chains(doc, chain_kind).items():
            if name in owned:
                continue
            for missing in [name, *targets]:
                if missing in served:
                    continue
                line, column = positions.get(name, (0, 0))
                where = "has a chain" if missing == name else f"is in the chain of '{name}'"
                yield Diagnostic(
                    path,
                    line,
                    column,
                    Severity.ERROR,
                    "RC315",
                    f"router_settings.{kind}: '{missing}' {where}, but no model_list entry "
                    "defines it",
                    "LiteLLM skips a name it does not serve without a word; add its model_list "
                    "entry, or remove it from the chain",
                )
