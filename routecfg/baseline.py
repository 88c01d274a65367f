"""The cost line's "before" when no committed spec gives it: the routing the targets hold now.

The preset states a gate's old tier through its config key, the proxy a tier's old prices, and
the skills' prose the old tier of a gate the preset holds no key for
(:mod:`routecfg.prose.stated`). The preset is read by the C JSON decoder where that reads it as
routecfg's JSON parser would; a proxy file in sync holds the spec's prices, and another one is
read as plain data (libyaml) where that reads it as the round-trip loader would, else by that
loader.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from routecfg.diagnostics import RoutecfgError
from routecfg.frozen import field_names, replace
from routecfg.model import MILLION, Gate, Price, RoutingSpec
from routecfg.plan import Change
from routecfg.targets import jsontext

if TYPE_CHECKING:
    from routecfg.prose.stated import Stated

PriceOf = Callable[[Price], Price]


def encoded_spec(spec: RoutingSpec, changes: tuple[Change, ...]) -> RoutingSpec | None:
    """The routing the targets hold now, on the spec's gates and profile: the preset's tiers for
    gates with a config key, the proxy's prices for tiers. None when no target says anything."""
    preset_text = next((c.old for c in changes if c.kind == "preset" and c.old), None)
    proxy = next((c for c in changes if c.kind == "proxy" and c.old), None)
    if preset_text is None and proxy is None:
        return None
    gates = dict(spec.gates)
    tiers = dict(spec.tiers)
    with contextlib.suppress(RoutecfgError, LookupError, TypeError, ValueError):
        if preset_text is not None:
            document: Any = _preset_value(preset_text)
            routing = document["llmOps"]["routing"]
            for name, gate in gates.items():
                value = routing.get(gate.config_key) if gate.config_key else None
                if isinstance(value, str) and value in tiers:
                    gates[name] = _on_tier(gate, value)
    if proxy is not None and proxy.old is not None:
        prices = _in_sync_prices(spec, proxy)
        for name, price in (_proxy_prices(proxy.old) if prices is None else prices).items():
            if name in tiers:
                tiers[name] = replace(tiers[name], price=price(tiers[name].price))
    return replace(spec, gates=MappingProxyType(gates), tiers=MappingProxyType(tiers))


def _in_sync_prices(spec: RoutingSpec, proxy: Change) -> dict[str, PriceOf] | None:
    """What reading a proxy file in sync would find, without reading it: on each tier's own
    entry the prices the spec writes there (with the file's overrides), the same numbers.
    None when the file is not in sync, or may hold prices the spec does not write (prices
    off, a tier it does not serve): then it is read. A price the spec leaves out (a cache
    price) is not taken from the file; no estimate reads one."""
    if proxy.changed or not spec.targets.proxy_target(proxy.path).prices:
        return None
    view = spec.for_proxy(proxy.path)
    if set(view.tiers) != set(spec.tiers):
        return None
    return {name: _written(tier.price) for name, tier in view.tiers.items()}


def _written(stated: Price) -> PriceOf:
    fields = {name: getattr(stated, name) for name in field_names(stated)}
    written = {name: value for name, value in fields.items() if value is not None}
    return lambda price: replace(price, **written)


@functools.lru_cache(maxsize=2)
def _preset_value(text: str) -> Any:
    """``jsontext.parse(text).value`` (by the C JSON decoder where both read the text alike)."""
    return jsontext.parse(text, "preset").value


def _proxy_prices(text: str) -> dict[str, PriceOf]:
    """Per model_name, the prices its first entry's litellm_params state, over a tier's own, as
    ``yamledit``'s round-trip reading finds them; nothing for a file it refuses (RC311-RC314)."""
    from routecfg import spec as spec_loader
    from routecfg.targets.proxy import PRICE_FIELDS

    data = spec_loader.plain_data(text, "proxy")
    if data is None:
        return _proxy_prices_round_trip(text)
    from routecfg.targets.proxyplain import model_entries  # yamledit's reading, without ruamel

    entries = model_entries(data)
    if entries is None:  # a structure the editor refuses (RC314): no prices from it
        return {}
    prices: dict[str, PriceOf] = {}
    for name, nodes in entries.items():
        params = nodes[0].get("litellm_params") or {}
        found = {field: _plain_decimal(params.get(key)) for field, key in PRICE_FIELDS.items()}
        prices[name] = _with_prices(found)
    return prices


def _plain_decimal(value: object) -> Decimal | None:
    """As ``yamledit.as_decimal`` reads a number: plain data holds ints and exact Decimals."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _with_prices(found: Mapping[str, Decimal | None]) -> PriceOf:
    per_million = {f: v * MILLION for f, v in found.items() if v is not None}
    return lambda price: replace(price, **per_million)


def _proxy_prices_round_trip(text: str) -> dict[str, PriceOf]:
    from routecfg.targets import yamledit, yamlread
    from routecfg.targets.proxy import PRICE_FIELDS

    with contextlib.suppress(RoutecfgError, LookupError, TypeError, ValueError):
        entries = yamledit.model_entries(yamledit.load(text, "proxy"))
        prices: dict[str, PriceOf] = {}
        for name, nodes in entries.items():
            params = nodes[0].get("litellm_params") or {}
            found = {
                field: yamlread.as_decimal(params.get(key)) for field, key in PRICE_FIELDS.items()
            }
            prices[name] = _with_prices(found)
        return prices
    return {}


def unstated_gates(spec: RoutingSpec, changes: tuple[Change, ...]) -> tuple[str, ...]:
    """Gates of the cost profile whose tier no target states (no config key in a preset): what
    the targets hold says nothing of their old tier."""
    preset_text = next((c.old for c in changes if c.kind == "preset" and c.old), None)
    stated: set[str] = set()
    if preset_text is not None:
        with contextlib.suppress(RoutecfgError, LookupError, TypeError, ValueError):
            document: Any = _preset_value(preset_text)
            routing = document["llmOps"]["routing"]
            stated = {
                name
                for name, gate in spec.gates.items()
                if gate.config_key and isinstance(routing.get(gate.config_key), str)
            }
    return tuple(g for g in spec.cost.profile if g in spec.gates and g not in stated)


def prose_stated(spec: RoutingSpec, changes: tuple[Change, ...], gates: tuple[str, ...]) -> Stated:
    """The old tiers the skills targets' prose states for ``gates``, as it reads now."""
    from routecfg.prose.stated import Stated, stated_tiers

    texts = [(c.path, c.old) for c in changes if c.kind == "skills" and c.old is not None]
    stated = stated_tiers(spec, texts, gates)
    return Stated({g: stated.tiers[g] for g in gates if g in stated.tiers}, stated.disputed)


def with_tiers(spec: RoutingSpec, tiers: Mapping[str, str]) -> RoutingSpec:
    """``spec`` with these gates on these tiers."""
    gates = dict(spec.gates)
    for name, tier in tiers.items():
        gates[name] = _on_tier(gates[name], tier)
    return replace(spec, gates=MappingProxyType(gates))


def _on_tier(gate: Gate, tier: str) -> Gate:
    """``gate`` on its old ``tier``: on another tier than the spec's, without the spec's fallback
    (a ``fallback_rate`` is how often the new tier fails over; the old one is not known to)."""
    if tier == gate.tier:
        return gate
    return replace(gate, tier=tier, fallback=())


def before_is(stated: Stated | None, left_out: tuple[str, ...]) -> str:
    """Where the before of the cost line comes from: ``what the targets hold, with old tiers
    from the skills' prose: lint cheap; left out of both: plan (…)``."""
    words = "what the targets hold"
    if stated is not None and stated.tiers:
        tiers = ", ".join(f"{gate} {tier}" for gate, tier in stated.tiers.items())
        words += f", with old tiers from the skills' prose: {tiers}"
    disputed = [g for g in left_out if stated is not None and g in stated.disputed]
    unknown = [g for g in left_out if g not in disputed]
    reasons = []
    if unknown:
        reasons.append(f"{', '.join(unknown)} (no target states their old tier)")
    if disputed:
        reasons.append(f"{', '.join(disputed)} (the skills' prose states more than one old tier)")
    if reasons:
        words += f"; left out of both: {' and '.join(reasons)}"
    return words
