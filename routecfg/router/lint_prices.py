"""Lint rules on a deployment's prices, as LiteLLM 1.110.2 reads them.

Read in its source: ``Deployment.__init__`` (types/router.py) copies every pricing field set in
litellm_params over model_info, so a model_info price that disagrees is silently dropped; and
``register_model`` (utils.py) warns at every start, and bills cache tokens at 0, for a model with
custom input/output prices, no cache prices and no record in the model map.
"""

from __future__ import annotations

from collections.abc import Iterator

from routecfg.diagnostics import Diagnostic, Severity
from routecfg.router.lint import NO_CACHE_PRICES, PRICES_DISAGREE, ProxyConfig
from routecfg.targets.yamlread import as_decimal, key_position, value_position

_CACHE_PRICES = ("cache_read_input_token_cost", "cache_creation_input_token_cost", "tiered_pricing")
_BASE_PRICES = ("input_cost_per_token", "output_cost_per_token")


def check(config: ProxyConfig) -> Iterator[Diagnostic]:
    yield from disagreeing(config)
    yield from missing_cache_prices(config)


def disagreeing(config: ProxyConfig) -> Iterator[Diagnostic]:
    for deployment in config.deployments:
        params, info = deployment.params, deployment.info
        for field in sorted(config.keys.pricing_fields):
            if field not in params or field not in info:
                continue
            ours, theirs = as_decimal(params[field]), as_decimal(info[field])
            if ours is None or theirs is None or ours == theirs:
                continue
            yield config.finding(
                value_position(info, field),
                PRICES_DISAGREE,
                f"'{deployment.name}': model_info.{field} {_plain(theirs)} disagrees with "
                f"litellm_params.{field} {_plain(ours)}: LiteLLM bills and shows the "
                "litellm_params price and drops this one",
                "write the same price in both, or keep it in litellm_params only",
            )


def _plain(number: object) -> str:
    return format(number, "f")


def missing_cache_prices(config: ProxyConfig) -> Iterator[Diagnostic]:
    for deployment in config.deployments:
        sections = (deployment.params, deployment.info)
        priced = [s for s in sections for key in _BASE_PRICES if s.get(key) is not None]
        if not priced or any(s.get(key) is not None for s in sections for key in _CACHE_PRICES):
            continue
        if config.model_map() is None or config.record(deployment) is not None:
            continue  # LiteLLM takes the cache prices from its map (or the map is not here)
        where = next(
            key_position(section, key)
            for section in sections
            for key in _BASE_PRICES
            if section.get(key) is not None
        )
        yield config.finding(
            where,
            NO_CACHE_PRICES,
            f"'{deployment.name}' has custom prices but no cache prices, and LiteLLM's model "
            f"map does not know '{deployment.model}': it bills cache tokens at 0 and warns "
            "about it at every start",
            "add cache_read_input_token_cost and cache_creation_input_token_cost (0 for a "
            "model that costs nothing)",
            Severity.WARNING,
        )
