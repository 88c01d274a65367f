"""The LiteLLM proxy YAML target: tier and alias entries of ``model_list`` and the fallback chains
keyed by them, edited in place in ruamel's round-trip tree; every other byte kept.

Most checks find the file as the spec wants it. That is decided first on the plain data libyaml
reads (:mod:`routecfg.targets.proxyplain`), in a millisecond; only a file that needs a change, or
that the plain reading cannot vouch for, is loaded into ruamel's tree, which reports every
problem as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import MILLION, PROXY_CHAIN_KINDS, ParamValue, Price, RoutingSpec, Tier

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from routecfg.targets import yamledit

PRICE_FIELDS = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
}


def served_names(spec: RoutingSpec) -> dict[str, str]:
    """Every model_name routecfg owns, and the tier it is served like: tiers, then aliases.
    For one proxy file, pass ``spec.for_proxy(path)``."""
    return {name: name for name in spec.tiers} | spec.proxy.alias_tiers()


def prices_per_token(tier: Tier) -> dict[str, Decimal]:
    """The tier's prices as LiteLLM states them: USD per token."""
    return per_token(tier.price)


def per_token(price: Price) -> dict[str, Decimal]:
    """Prices per million tokens as LiteLLM states them: USD per token."""
    prices: dict[str, Decimal] = {}
    for field, key in PRICE_FIELDS.items():
        per_million: Decimal | None = getattr(price, field)
        if per_million is not None:
            prices[key] = (per_million / MILLION).normalize()
    return prices


def render(spec: RoutingSpec, text: str, path: str) -> str:
    from routecfg.targets import proxyplain

    view = spec.for_proxy(path)
    with_prices = spec.targets.proxy_target(path).prices
    if proxyplain.in_sync(view, text, path, with_prices=with_prices, ledger=spec.proxy.ledger):
        return text
    return render_round_trip(spec, text, path)


def render_round_trip(spec: RoutingSpec, text: str, path: str, *, prove: bool = True) -> str:
    """The edit itself, in ruamel's round-trip tree (``prove=False``: without proving first
    that the file reproduces, RC313; for tests)."""
    from routecfg.targets import proxyledger, yamledit  # ruamel.yaml: only to edit

    view = spec.for_proxy(path)
    with_prices = spec.targets.proxy_target(path).prices
    doc = yamledit.load(text, path, prove=prove)
    changed = _set_models(doc, view, with_prices=with_prices)
    changed = _set_chains(doc, view) or changed
    changed = proxyledger.register(doc, spec.proxy.ledger) or changed
    undefined = list(_undefined_names(doc, view, path))
    if undefined:
        raise RoutecfgError(undefined)
    # load() has proved that dumping an untouched tree gives back ``text``: skip the work.
    return yamledit.dump(doc) if changed else text


def owned_params(
    model: str, price: Price, params: Mapping[str, ParamValue], with_prices: bool
) -> dict[str, ParamValue]:
    """The litellm_params routecfg sets on a deployment's entry."""
    owned: dict[str, ParamValue] = {"model": model, **params}
    if with_prices:
        owned.update(per_token(price))
    return owned


def _set_models(doc: yamledit.ProxyDoc, spec: RoutingSpec, *, with_prices: bool = True) -> bool:
    """Whether any entry changed. A tier's group is its entries in file order: the first is the
    tier's own deployment; each further deployment the spec declares is the entry with its
    model, appended when absent. Any other entry of the group is not routecfg's: untouched."""
    from routecfg.targets import yamledit

    changed = False
    entries = yamledit.model_entries(doc)
    for name, tier_name in served_names(spec).items():
        tier = spec.tiers[tier_name]
        wanted = [(d.model, d.price, d.params) for d in tier.owned_deployments()]
        nodes = list(entries.get(name, ()))
        for index, (model, price, params) in enumerate(wanted):
            node = nodes.pop(0) if index == 0 and nodes else _deployment(nodes, model)
            prices = per_token(price) if with_prices else {}
            if node is None:
                new_entry: dict[str, object] = {
                    "model_name": name,
                    "litellm_params": owned_params(model, price, params, with_prices),
                }
                if prices:
                    new_entry["model_info"] = dict(prices)
                yamledit.append_model_entry(doc, new_entry)
                changed = True
                continue
            owned = owned_params(model, price, params, with_prices)
            changed = yamledit.set_section(doc, node, "litellm_params", owned) or changed
            if prices and (
                spec.proxy.model_info_prices == "always" or _states_prices(node.get("model_info"))
            ):
                changed = yamledit.set_section(doc, node, "model_info", prices) or changed
    return changed


def _states_prices(section: object) -> bool:
    """Whether an entry's model_info states a price. Under ``model_info_prices: where-stated``
    one that states none is left so: a file that keeps its prices in litellm_params alone (as
    upstream's did before 300a466) keeps every byte."""
    return isinstance(section, dict) and any(key in section for key in PRICE_FIELDS.values())


def _deployment(nodes: list[CommentedMap], model: str) -> CommentedMap | None:
    """The first of ``nodes`` serving ``model``, taken out of the list; None when none does."""
    from ruamel.yaml.comments import CommentedMap

    for index, node in enumerate(nodes):
        params = node.get("litellm_params")
        if isinstance(params, CommentedMap) and params.get("model") == model:
            return nodes.pop(index)
    return None


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
