"""Lint rules on model groups, fallbacks, retries and cooldowns, as LiteLLM 1.110.2 runs them.

Read in its source: a deployment's id hashes its model_name and litellm_params, so identical
entries are one deployment twice; the Router walks chains as :func:`routecfg.model.effective_walk`
computes (depth-limited by ``max_fallbacks``, measured by ``routecfg verify``); a one-deployment
group with a fallback chain cools down once ``allowed_fails`` is set and exceeded within
``cooldown_time`` (router_utils/cooldown_handlers.py), for ``cooldown_time`` seconds (5 when unset).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from routecfg.diagnostics import Diagnostic, Severity
from routecfg.frozen import record
from routecfg.litellm_map import dollars
from routecfg.model import MILLION, effective_walk
from routecfg.router.lint import (
    DUPLICATE_DEPLOYMENT,
    LONE_COOLDOWN,
    LONG_CHAIN,
    NO_FALLBACK,
    RETRIES_WITHOUT_COOLDOWN,
    UNDEFINED_MODEL,
    WALK_CUT,
    WINDOW_NOT_LARGER,
    Deployment,
    ProxyConfig,
)
from routecfg.targets.yamlnodes import Position
from routecfg.targets.yamlread import (
    Map,
    Seq,
    as_decimal,
    item_position,
    key_position,
    value_position,
)

KINDS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")
_CHAT_MODES = ("chat", "completion", "responses")
_LONE_THRESHOLD = 1000  # SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD


@record
class Chain:
    kind: str
    name: str
    targets: tuple[str, ...]
    where: Position
    target_positions: tuple[Position, ...]


def check(config: ProxyConfig) -> Iterator[Diagnostic]:
    chains = {kind: _chains(config, kind) for kind in KINDS}
    default = _default_chain(config)
    yield from duplicates(config)
    if "include" not in config.root:  # included files may define more models: no guessing
        yield from undefined(config, chains, default)
        yield from undefined_aliases(config)
        yield from coverage(config, chains)
        yield from lone_cooldowns(config, chains, default)
    yield from long_chains(config, chains)
    yield from walk_cut(config, chains)
    yield from retries_without_cooldown(config)
    yield from window_fallbacks(config, chains["context_window_fallbacks"])


def _chains(config: ProxyConfig, kind: str) -> list[Chain]:
    value, _ = config.router_setting(kind)
    found: list[Chain] = []
    if not isinstance(value, Seq):
        return found
    for item in value:
        if not isinstance(item, Map):
            continue
        for name, targets in item.items():
            items = [targets] if isinstance(targets, str) else targets
            if not isinstance(name, str) or not isinstance(items, list):
                continue
            names, positions = [], []
            for index, target in enumerate(items):
                model = target.get("model") if isinstance(target, Mapping) else target
                if isinstance(model, str):
                    names.append(model)
                    positions.append(
                        item_position(targets, index)
                        if isinstance(targets, Seq)
                        else value_position(item, name)
                    )
            found.append(
                Chain(kind, name, tuple(names), key_position(item, name), tuple(positions))
            )
    return found


def _default_chain(config: ProxyConfig) -> Chain | None:
    """``default_fallbacks``: the generic chain LiteLLM appends as a ``*`` entry of fallbacks."""
    value, section = config.router_setting("default_fallbacks")
    if not isinstance(value, Seq) or section is None:
        return None
    names = [(t, item_position(value, i)) for i, t in enumerate(value) if isinstance(t, str)]
    return Chain(
        "default_fallbacks",
        "*",
        tuple(n for n, _ in names),
        key_position(section, "default_fallbacks"),
        tuple(p for _, p in names),
    )


def _generic_targets(chains: Mapping[str, list[Chain]], default: Chain | None) -> tuple[str, ...]:
    star = _by_name(chains["fallbacks"]).get("*")
    if star is not None:
        return star
    return default.targets if default is not None else ()


def _by_name(chains: list[Chain]) -> dict[str, tuple[str, ...]]:
    """The chain LiteLLM uses for each name: the first entry keyed by it."""
    result: dict[str, tuple[str, ...]] = {}
    for chain in chains:
        result.setdefault(chain.name, chain.targets)
    return result


def _served(config: ProxyConfig) -> tuple[set[str], list[str]]:
    """Names a request or a chain can use: model_names and model_group_alias keys; and the
    wildcard model_names (``openai/*``) that serve further names."""
    names = {d.name for d in config.deployments}
    aliases = config.section("router_settings").get("model_group_alias")
    if isinstance(aliases, Mapping):
        names |= {str(a) for a in aliases}
    return names, [n for n in names if "*" in n]


def _is_served(name: str, served: set[str], wildcards: list[str]) -> bool:
    return name in served or any(fnmatch.fnmatchcase(name, w) for w in wildcards)


# ── deployments ─────────────────────────────────────────────────────────────────────────────


def duplicates(config: ProxyConfig) -> Iterator[Diagnostic]:
    seen_params: dict[tuple[str, str], Deployment] = {}
    seen_ids: dict[str, Deployment] = {}
    for deployment in config.deployments:
        explicit = deployment.info.get("id")
        if explicit is not None and str(explicit) in seen_ids:
            first = seen_ids[str(explicit)]
            yield config.finding(
                value_position(deployment.info, "id"),
                DUPLICATE_DEPLOYMENT,
                f"'{deployment.name}': model_info.id '{explicit}' is also the id of the entry at "
                f"line {first.where.line}: LiteLLM keys cooldowns, spend and /model/info by id, "
                "so one shadows the other",
                "give each deployment its own id, or none (LiteLLM derives one)",
            )
            continue
        if explicit is not None:
            seen_ids[str(explicit)] = deployment
            continue
        key = (deployment.name, json.dumps(_plain(deployment.params), sort_keys=True, default=str))
        if key in seen_params:
            first = seen_params[key]
            yield config.finding(
                deployment.where,
                DUPLICATE_DEPLOYMENT,
                f"'{deployment.name}': this entry repeats the one at line {first.where.line} "
                "(same model_name and litellm_params): LiteLLM gives both the same deployment "
                "id, so they count as one deployment that shadows the other",
                "remove one; to load-balance, give the second its own model, key or api_base",
            )
        else:
            seen_params[key] = deployment


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    number = as_decimal(value)
    return str(number.normalize()) if number is not None else value


# ── fallbacks ───────────────────────────────────────────────────────────────────────────────


def undefined(
    config: ProxyConfig, chains: Mapping[str, list[Chain]], default: Chain | None
) -> Iterator[Diagnostic]:
    served, wildcards = _served(config)
    every = [(kind, chain) for kind, kind_chains in chains.items() for chain in kind_chains]
    every += [("default_fallbacks", default)] if default is not None else []
    for kind, chain in every:
        named = [(chain.name, chain.where, True)] if chain.name != "*" else []
        named += [(t, p, False) for t, p in zip(chain.targets, chain.target_positions, strict=True)]
        for name, where, is_key in named:
            if _is_served(name, served, wildcards):
                continue
            role = (
                "has a chain"
                if is_key
                else "is a generic fallback"
                if chain.name == "*"
                else f"is a target of '{chain.name}'"
            )
            yield config.finding(
                where,
                UNDEFINED_MODEL,
                f"{kind}: '{name}' {role}, but no model_list entry defines it: "
                "LiteLLM skips it without a word",
                _undefined_hint(name, served),
            )


def undefined_aliases(config: ProxyConfig) -> Iterator[Diagnostic]:
    """model_group_alias entries that point to a group no model_list entry defines."""
    aliases = config.section("router_settings").get("model_group_alias")
    if not isinstance(aliases, Map):
        return
    served, wildcards = _served(config)
    for alias, target in aliases.items():
        group = target.get("model") if isinstance(target, Mapping) else target
        if not isinstance(group, str) or _is_served(group, served - {str(alias)}, wildcards):
            continue
        yield config.finding(
            value_position(aliases, alias),
            UNDEFINED_MODEL,
            f"model_group_alias: '{alias}' points to '{group}', but no model_list entry "
            "defines it: requests for the alias find no deployment",
            _undefined_hint(group, served - {str(alias)}),
        )


def long_chains(config: ProxyConfig, chains: Mapping[str, list[Chain]]) -> Iterator[Diagnostic]:
    """A flat chain longer than max_fallbacks: LiteLLM 1.110.2 tries every entry anyway
    (max_fallbacks bounds how deep chains nest), which a maintainer rarely expects."""
    limit = _max_fallbacks(config)
    for kind, kind_chains in chains.items():
        for chain in kind_chains:
            if len(chain.targets) <= limit:
                continue
            set_here = config.section("router_settings").get("max_fallbacks") is not None
            source = "max_fallbacks" if set_here else "LiteLLM's default max_fallbacks"
            yield config.finding(
                chain.where,
                LONG_CHAIN,
                f"{kind}: the chain of '{chain.name}' is {len(chain.targets)} models long, "
                f"longer than {source} ({limit}): LiteLLM 1.110.2 still tries all "
                f"{len(chain.targets)}, one after another (max_fallbacks limits how deep "
                "chains nest, not how long one is)",
                f"shorten it to the {limit} models you want tried, or nest the rest under the "
                "last one's own chain",
                Severity.WARNING,
            )


def _undefined_hint(name: str, served: set[str]) -> str:
    from routecfg.diagnostics import did_you_mean

    match = did_you_mean(name, served)
    if match:
        return f"did you mean '{match}'?"
    return "add its model_list entry, or remove it from the chain"


def _max_fallbacks(config: ProxyConfig) -> int:
    value, _ = config.router_setting("max_fallbacks")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return config.keys.defaults["max_fallbacks"]


def walk_cut(config: ProxyConfig, chains: Mapping[str, list[Chain]]) -> Iterator[Diagnostic]:
    """Nested chains deeper than max_fallbacks: the Router stops before their last groups."""
    generic = _by_name(chains["fallbacks"])
    for kind, kind_chains in chains.items():
        yield from _cut_walks(config, kind, kind_chains, generic if kind != "fallbacks" else None)


def _cut_walks(
    config: ProxyConfig,
    kind: str,
    kind_chains: list[Chain],
    generic: Mapping[str, tuple[str, ...]] | None,
) -> Iterator[Diagnostic]:
    limit = _max_fallbacks(config)
    served, _ = _served(config)
    by_name = _by_name(kind_chains)

    def walk(start: str, depth: int) -> tuple[str, ...]:
        return effective_walk(by_name, start, generic=generic, served=served, max_fallbacks=depth)

    unlimited = len(served) + 2
    for chain in kind_chains:
        if chain.name == "*" or by_name.get(chain.name) != chain.targets:
            continue
        full = walk(chain.name, unlimited)
        never = [group for group in full if group not in walk(chain.name, limit)]
        if not never:
            continue
        needed = next(n for n in range(limit + 1, unlimited + 1) if walk(chain.name, n) == full)
        listed = ", ".join(f"'{g}'" for g in never)
        yield config.finding(
            chain.where,
            WALK_CUT,
            f"{kind} from '{chain.name}' nest deeper than max_fallbacks ({limit}): "
            f"LiteLLM never tries {listed}",
            f"flatten the chains, or set router_settings.max_fallbacks: {needed}",
        )


def _mode(config: ProxyConfig, deployment: Deployment) -> str | None:
    mode = deployment.info.get("mode")
    if isinstance(mode, str):
        return mode
    record = config.record(deployment)
    found = record.get("mode") if record else None
    return found if isinstance(found, str) else None


def _is_chat(config: ProxyConfig, deployment: Deployment) -> bool:
    return _mode(config, deployment) in (*_CHAT_MODES, None)


def coverage(config: ProxyConfig, chains: Mapping[str, list[Chain]]) -> Iterator[Diagnostic]:
    """A chat group that nothing falls back from or to, where another group could serve it."""
    default, _ = config.router_setting("default_fallbacks")
    if default or any(c.name == "*" for c in chains["fallbacks"]):
        return
    # A group in any chain, as key or target, is part of the design: only the rest is reported.
    in_chains = {c.name for kind in chains.values() for c in kind} | {
        t for kind in chains.values() for c in kind for t in c.targets
    }
    # The chat groups outside every chain are the findings when there are two chat groups or
    # more. A mode may need the model map: asked only for the groups that decide.
    groups = [(n, d) for n, d in config.groups().items() if "*" not in n]
    outside = [(n, d) for n, d in groups if n not in in_chains and _is_chat(config, d[0])]
    if not outside:
        return
    if len(outside) < 2 and not any(n in in_chains and _is_chat(config, d[0]) for n, d in groups):
        return
    for name, deployments in outside:
        yield config.finding(
            deployments[0].where,
            NO_FALLBACK,
            f"'{name}' has no fallbacks and is no other group's fallback: when it fails, "
            "its requests fail",
            f"add `- {name}: [<another group>]` to router_settings.fallbacks",
            Severity.WARNING,
        )


# ── retries and cooldowns ───────────────────────────────────────────────────────────────────


def _cooldowns_disabled(config: ProxyConfig) -> tuple[bool, Position]:
    router = config.section("router_settings")
    if router.get("disable_cooldowns") is True:
        return True, key_position(router, "disable_cooldowns")
    return False, Position(0, 0)


def _num_retries(config: ProxyConfig) -> int:
    value, _ = config.router_setting("num_retries")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return config.keys.defaults["num_retries"]


def retries_without_cooldown(config: ProxyConfig) -> Iterator[Diagnostic]:
    disabled, where = _cooldowns_disabled(config)
    retries = _num_retries(config)
    if not disabled or retries <= 0:
        return
    yield config.finding(
        where,
        RETRIES_WITHOUT_COOLDOWN,
        f"num_retries {retries} with cooldowns disabled: a deployment that is down stays in "
        f"rotation, and every request that picks it is retried {retries} more times (at once "
        "when its group has another deployment)",
        "let cooldowns take failing deployments out (remove disable_cooldowns), or set "
        "num_retries: 0",
        Severity.WARNING,
    )


def _allowed_fails(config: ProxyConfig, deployment: Deployment) -> tuple[int, str] | None:
    """The allowed_fails that turns cooldowns on for a one-deployment group, and where it is
    set; None when only LiteLLM's default applies."""
    own = deployment.info.get("allowed_fails")
    if isinstance(own, int) and not isinstance(own, bool):
        return own, f"model_info.allowed_fails: {own}"
    router = config.section("router_settings")
    value = router.get("allowed_fails")
    if isinstance(value, int) and not isinstance(value, bool):
        return value, f"allowed_fails: {value}"
    return None


def _cooldown_time(config: ProxyConfig) -> tuple[Decimal, str] | None:
    """How long a cooldown lasts, and how the file says so; None when set to 0."""
    value = config.section("router_settings").get("cooldown_time")
    number = as_decimal(value) if value is not None else None
    if number is None:
        default = config.keys.defaults["cooldown_time"]
        return Decimal(default), f"cooldown_time {default} s by default"
    if number <= 0:
        return None
    return number, f"cooldown_time: {number.normalize():f}"


def lone_cooldowns(
    config: ProxyConfig, chains: Mapping[str, list[Chain]], default: Chain | None
) -> Iterator[Diagnostic]:
    """A one-deployment group with a chain (its own, or the generic one): past allowed_fails
    failures within cooldown_time it cools down, and every request goes straight down its chain
    for cooldown_time seconds."""
    disabled, _ = _cooldowns_disabled(config)
    cooldown = _cooldown_time(config)
    if disabled or cooldown is None:
        return
    seconds, cooldown_setting = cooldown
    served, _ = _served(config)
    by_name = _by_name(chains["fallbacks"])
    generic = _generic_targets(chains, default)
    groups = config.groups()
    for name, deployments in groups.items():
        if len(deployments) != 1 or "*" in name:
            continue
        allowed = _allowed_fails(config, deployments[0])
        if name in by_name:
            limit = _max_fallbacks(config)
            walk = effective_walk(by_name, name, served=served, max_fallbacks=limit)
        else:
            walk = tuple(t for t in generic if t != name and t in served)
        if allowed is None or not walk:
            continue
        target = walk[0]
        costlier = _compare_price(config, deployments[0], groups.get(target, []))
        if costlier is False:
            continue
        count, setting = allowed
        how = f"costlier: {costlier}" if isinstance(costlier, str) else "its first fallback"
        yield config.finding(
            deployments[0].where,
            LONE_COOLDOWN,
            f"'{name}' has one deployment and cooldowns are on ({setting}, {cooldown_setting}): "
            f"after {count + 1} failures within {seconds.normalize():f} s, all its requests go "
            "straight to "
            f"'{target}' ({how}) for {seconds.normalize():f} s",
            f"add a second deployment to '{name}', or remove allowed_fails (LiteLLM then cools "
            f"a one-deployment group down only when all of {_LONE_THRESHOLD}+ requests in a "
            "minute fail), or set disable_cooldowns: true",
            Severity.WARNING,
        )


def _input_price(config: ProxyConfig, deployment: Deployment) -> Decimal | None:
    for section in (deployment.params, deployment.info):
        price = as_decimal(section.get("input_cost_per_token"))
        if price is not None:
            return price
    record = config.record(deployment)
    value = record.get("input_cost_per_token") if record else None
    try:
        return Decimal(str(value)) if isinstance(value, int | float) else None
    except InvalidOperation:
        return None


def _compare_price(
    config: ProxyConfig, source: Deployment, targets: list[Deployment]
) -> str | bool | None:
    """A description when ``targets`` cost more per input token, False when they do not, None
    when a price is unknown."""
    ours = _input_price(config, source)
    theirs = [_input_price(config, t) for t in targets]
    if ours is None or not theirs or any(t is None for t in theirs):
        return None
    cheapest = min(t for t in theirs if t is not None)
    if cheapest <= ours:
        return False
    return f"{dollars(cheapest * MILLION)} vs {dollars(ours * MILLION)} per million input tokens"


# ── context windows ─────────────────────────────────────────────────────────────────────────


def _window(config: ProxyConfig, deployment: Deployment) -> int | None:
    own = deployment.info.get("max_input_tokens")
    if isinstance(own, int) and not isinstance(own, bool):
        return own
    record = config.record(deployment)
    value = record.get("max_input_tokens") if record else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def window_fallbacks(config: ProxyConfig, chains: list[Chain]) -> Iterator[Diagnostic]:
    groups = config.groups()
    for chain in chains:
        sources = [_window(config, d) for d in groups.get(chain.name, [])]
        if not sources or any(w is None for w in sources):
            continue
        smallest = min(w for w in sources if w is not None)
        for target, where in zip(chain.targets, chain.target_positions, strict=True):
            windows = [_window(config, d) for d in groups.get(target, [])]
            if not windows or any(w is None for w in windows):
                continue
            largest = max(w for w in windows if w is not None)
            if largest > smallest:
                continue
            yield config.finding(
                where,
                WINDOW_NOT_LARGER,
                f"context_window_fallbacks: '{chain.name}' falls back to '{target}', whose "
                f"context window ({largest:,} input tokens) is no larger than its own "
                f"({smallest:,}): a prompt too long for one is too long for the other",
                "fall back to a model with a larger max_input_tokens (LiteLLM's model map, or "
                "the entry's model_info.max_input_tokens)",
                Severity.WARNING,
            )
