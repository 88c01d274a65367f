"""The LiteLLM proxy config lint: any proxy config's text in, diagnostics (RC750-RC765) out.

Each rule states what LiteLLM 1.110.2 does with the file, as read in its source: a key it never
reads, a budget that resets every minute, a chain it cuts, a group its cooldowns send straight to
a costlier tier. Precision first: a finding a maintainer would dispute is a bug. Errors are what
LiteLLM silently ignores or breaks; warnings are debt. No disk, no printing, and litellm is never
imported: its keys are data (:mod:`routecfg.router.keys`), its model map is read as JSON.

This module parses and holds the keys, values and references rules; :mod:`lint_routing` the
model groups, fallbacks and cooldowns; :mod:`lint_prices` the prices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, did_you_mean
from routecfg.frozen import record
from routecfg.router.keys import LENIENT_SECTIONS, KnownKeys, known_keys
from routecfg.targets import yamlread
from routecfg.targets.yamlnodes import Position, kind_name
from routecfg.targets.yamlread import Map, Seq, item_position, key_position, value_position

if TYPE_CHECKING:
    from routecfg.litellm_map import ModelMap

UNKNOWN_KEY = "RC750"
MISPLACED_KEY = "RC751"
UNKNOWN_STRATEGY = "RC752"
DUPLICATE_DEPLOYMENT = "RC753"
UNDEFINED_MODEL = "RC754"
WALK_CUT = "RC755"
NO_FALLBACK = "RC756"
RETRIES_WITHOUT_COOLDOWN = "RC757"
LONE_COOLDOWN = "RC758"
WINDOW_NOT_LARGER = "RC759"
MINUTE_PERIOD = "RC760"
UNSET_VARIABLE = "RC761"
BAD_REFERENCE = "RC762"
PRICES_DISAGREE = "RC763"
NO_CACHE_PRICES = "RC764"
BAD_STRUCTURE = "RC765"
LONG_CHAIN = "RC767"

SECTIONS = ("router_settings", "litellm_settings", "general_settings")
_SECTION_WORDS = {
    "top_level": "at the top level",
    "router_settings": "under router_settings",
    "litellm_settings": "under litellm_settings",
    "general_settings": "under general_settings",
    "litellm_params": "under a model's litellm_params",
    "model_info": "under a model's model_info",
}
# Keys LiteLLM reads from no section of the file; where their setting lives instead.
# (1.110.2: model_max_budget is a field of keys and teams, proxy/_types.py; a deployment's budget
# is litellm_params.max_budget + budget_duration, router_strategy/budget_limiter.py.)
_NOT_IN_THE_FILE = {
    "model_max_budget": "per-model budgets are set on keys and teams (`model_max_budget` of "
    "/key/generate); a deployment's own budget is litellm_params.max_budget with budget_duration",
}
_NEAR_MISS = 0.85  # free-form sections: only a key this close to a known one is a typo
_ENV_PREFIX = "os.environ/"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MINUTES = re.compile(r"\s*(\d+)m\s*")
_PERIOD_KEYS = ("time_period", "budget_duration")


@record
class Deployment:
    """One model_list entry."""

    index: int
    name: str
    node: Map
    where: Position  # its model_name key

    @property
    def params(self) -> Map:
        value = self.node.get("litellm_params")
        return value if isinstance(value, Map) else Map()

    @property
    def info(self) -> Map:
        value = self.node.get("model_info")
        return value if isinstance(value, Map) else Map()

    @property
    def model(self) -> str | None:
        model = self.params.get("model")
        return model if isinstance(model, str) else None


@record
class ProxyConfig:
    """A parsed proxy config, with what the rules share."""

    path: str
    root: Map
    deployments: tuple[Deployment, ...]
    keys: KnownKeys
    model_map: Callable[[], ModelMap | None]

    def section(self, name: str) -> Map:
        value = self.root.get(name)
        return value if isinstance(value, Map) else Map()

    def groups(self) -> dict[str, list[Deployment]]:
        groups: dict[str, list[Deployment]] = {}
        for deployment in self.deployments:
            groups.setdefault(deployment.name, []).append(deployment)
        return groups

    def router_setting(self, key: str) -> tuple[Any, Map | None]:
        """A Router setting and the mapping it is in: router_settings, else litellm_settings
        (the Router reads litellm's module settings for what router_settings leaves unset)."""
        for name in ("router_settings", "litellm_settings"):
            section = self.section(name)
            if section.get(key) is not None:
                return section[key], section
        return None, None

    def record(self, deployment: Deployment) -> Mapping[str, Any] | None:
        """The model map's record for a deployment: of model_info.base_model when it names
        one, else of its model, tried as LiteLLM registers it (provider prefixes, a Bedrock
        route and a region prefix taken off in turn)."""
        model_map = self.model_map()
        if model_map is None:
            return None
        base = deployment.info.get("base_model")
        for model in (base, deployment.model):
            if isinstance(model, str):
                for candidate in _map_candidates(model):
                    record = model_map.models.get(candidate)
                    if isinstance(record, Mapping):
                        return record
        return None

    def finding(
        self,
        where: Position,
        code: str,
        message: str,
        hint: str | None,
        severity: Severity = Severity.ERROR,
    ) -> Diagnostic:
        return Diagnostic(self.path, where.line, where.column, severity, code, message, hint)


_BEDROCK_ROUTES = ("converse/", "invoke/", "converse_like/")
_REGIONS = ("us.", "eu.", "apac.", "global.", "jp.", "au.", "us-gov.", "ca.")


def _map_candidates(model: str) -> Iterator[str]:
    segments = model.split("/")
    for start in range(len(segments)):
        candidate = "/".join(segments[start:])
        yield candidate
        for route in _BEDROCK_ROUTES:
            if candidate.startswith(route):
                yield candidate[len(route) :]
        for region in _REGIONS:
            if candidate.startswith(region):
                yield candidate[len(region) :]


def parse(
    text: str, path: str, model_map: Callable[[], ModelMap | None]
) -> tuple[ProxyConfig | None, list[Diagnostic]]:
    """The config and the structure problems that keep rules from reading parts of it. Raises
    RoutecfgError (RC311, RC312) for text that is not YAML."""
    root = yamlread.read(text, path)
    if root is None:
        root = Map()
    if not isinstance(root, Map):
        message = "the top level of a LiteLLM proxy config must be a mapping"
        problem = Diagnostic(
            path, 1, 1, Severity.ERROR, BAD_STRUCTURE, message, "start with model_list:"
        )
        return None, [problem]
    config = ProxyConfig(path, root, (), known_keys(), model_map)
    problems = [
        config.finding(
            value_position(root, name),
            BAD_STRUCTURE,
            f"{name} is {kind_name(root[name])}; LiteLLM expects a mapping",
            None,
        )
        for name in SECTIONS
        if root.get(name) is not None and not isinstance(root[name], Map)
    ]
    deployments, entry_problems = _deployments(config)
    return ProxyConfig(path, root, deployments, config.keys, model_map), problems + entry_problems


def _deployments(config: ProxyConfig) -> tuple[tuple[Deployment, ...], list[Diagnostic]]:
    sequence = config.root.get("model_list")
    if sequence is None:
        return (), []
    if not isinstance(sequence, Seq):
        where = value_position(config.root, "model_list")
        kind = kind_name(sequence)
        message = f"model_list is {kind}; LiteLLM expects a list of model entries"
        return (), [
            config.finding(where, BAD_STRUCTURE, message, "write each as `- model_name: …`")
        ]
    found: list[Deployment] = []
    problems: list[Diagnostic] = []
    for index, entry in enumerate(sequence):
        where = item_position(sequence, index)
        label = f"model_list entry {index + 1}"
        if not isinstance(entry, Map):
            message = f"{label} is {kind_name(entry)}; expected a mapping"
            problems.append(config.finding(where, BAD_STRUCTURE, message, None))
            continue
        name = entry.get("model_name")
        if not isinstance(name, str) or not name:
            hint = "add `model_name: <the name clients ask for>`"
            problems.append(
                config.finding(where, BAD_STRUCTURE, f"{label} has no model_name", hint)
            )
            continue
        params = entry.get("litellm_params")
        if not isinstance(params, Map) or not isinstance(params.get("model"), str):
            at = value_position(entry, "litellm_params") if "litellm_params" in entry else where
            message = f"'{name}': {label} has no litellm_params.model; LiteLLM cannot call it"
            hint = "add `litellm_params: {model: <provider>/<model id>}`"
            problems.append(config.finding(at, BAD_STRUCTURE, message, hint))
        found.append(Deployment(index, name, entry, key_position(entry, "model_name")))
    return tuple(found), problems


def lint(
    text: str,
    path: str,
    *,
    environ: Mapping[str, str] | None = None,
    model_map: Callable[[], ModelMap | None],
) -> list[Diagnostic]:
    """Every finding in one proxy config. ``environ``, when given, is the environment the
    ``os.environ/VAR`` references must resolve in."""
    from routecfg.router import lint_prices, lint_routing

    try:
        config, found = parse(text, path, model_map)
    except RoutecfgError as error:
        return list(error.diagnostics)
    if config is None:
        return found
    found += unknown_keys(config)
    found += routing_strategy(config)
    found += values(config, environ)
    found += lint_routing.check(config)
    found += lint_prices.check(config)
    return found


# ── keys ────────────────────────────────────────────────────────────────────────────────────


def unknown_keys(config: ProxyConfig) -> Iterator[Diagnostic]:
    yield from _strict_keys(config, config.root, "top_level")
    for name in SECTIONS:
        yield from _strict_keys(config, config.section(name), name)
    for deployment in config.deployments:
        yield from _entry_keys(config, deployment)
        for section in LENIENT_SECTIONS:
            mapping = deployment.node.get(section)
            if isinstance(mapping, Map):
                yield from _near_misses(config, mapping, section)


def _strict_keys(config: ProxyConfig, mapping: Map, section: str) -> Iterator[Diagnostic]:
    known = config.keys.sections[section]
    for key in mapping:
        if not isinstance(key, str) or key in known or _holds_an_anchor(mapping[key]):
            continue
        where = key_position(mapping, key)
        place = _SECTION_WORDS[section]
        elsewhere = config.keys.section_of(key, besides=section)
        if elsewhere is not None:
            target = "the top level" if elsewhere == "top_level" else elsewhere
            yield config.finding(
                where,
                MISPLACED_KEY,
                f"LiteLLM reads '{key}' {_SECTION_WORDS[elsewhere]}, not {place}: "
                "here it is ignored",
                f"move it to {target}",
            )
        elif key in _NOT_IN_THE_FILE:
            yield config.finding(
                where,
                MISPLACED_KEY,
                f"LiteLLM reads no '{key}' from its config file: {place} it is ignored",
                _NOT_IN_THE_FILE[key],
            )
        else:
            match = did_you_mean(key, known)
            yield config.finding(
                where,
                UNKNOWN_KEY,
                f"unknown key '{key}' {place}: LiteLLM {config.keys.litellm_version} ignores it",
                f"did you mean '{match}'?" if match else _no_match_hint(section),
            )


def _holds_an_anchor(value: object) -> bool:
    """A block that only defines a YAML anchor (``x-defaults: &defaults``) for entries to merge:
    LiteLLM ignores it, and so does the lint."""
    return yamlread.anchor(value) is not None


def _no_match_hint(section: str) -> str:
    if section == "top_level":
        return "LiteLLM reads model_list, litellm_settings, router_settings, general_settings …"
    return f"remove it, or check the spelling against LiteLLM's {section} documentation"


def _entry_keys(config: ProxyConfig, deployment: Deployment) -> Iterator[Diagnostic]:
    known = config.keys.sections["model_entry"]
    for key in deployment.node:
        if not isinstance(key, str) or key in known:
            continue
        where = key_position(deployment.node, key)
        label = f"'{deployment.name}'"
        for section in LENIENT_SECTIONS:
            if key in config.keys.sections[section]:
                yield config.finding(
                    where,
                    MISPLACED_KEY,
                    f"{label}: LiteLLM reads '{key}' under the entry's {section}, not beside "
                    "model_name: here it is ignored",
                    f"move it into {section}",
                )
                break
        else:
            match = did_you_mean(key, known)
            yield config.finding(
                where,
                UNKNOWN_KEY,
                f"{label}: unknown key '{key}' in a model_list entry: LiteLLM ignores it",
                f"did you mean '{match}'?"
                if match
                else "an entry has model_name, litellm_params and model_info",
            )


def _near_misses(config: ProxyConfig, mapping: Map, section: str) -> Iterator[Diagnostic]:
    known = config.keys.sections[section]
    for key in mapping:
        if not isinstance(key, str) or key in known:
            continue
        import difflib  # only to suggest a near key

        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=_NEAR_MISS)
        if not close:
            continue
        yield config.finding(
            key_position(mapping, key),
            UNKNOWN_KEY,
            f"unknown key '{key}' {_SECTION_WORDS[section]}: LiteLLM does not read it "
            f"as '{close[0]}'",
            f"did you mean '{close[0]}'?",
        )


# ── values ──────────────────────────────────────────────────────────────────────────────────


def routing_strategy(config: ProxyConfig) -> Iterator[Diagnostic]:
    router = config.section("router_settings")
    strategy = router.get("routing_strategy")
    if strategy is None or strategy in config.keys.routing_strategies:
        return
    known = config.keys.routing_strategies
    match = did_you_mean(str(strategy), known)
    yield config.finding(
        value_position(router, "routing_strategy"),
        UNKNOWN_STRATEGY,
        f"unknown routing_strategy '{strategy}'",
        f"did you mean '{match}'?" if match else f"LiteLLM knows: {', '.join(known)}",
    )


def values(config: ProxyConfig, environ: Mapping[str, str] | None) -> Iterator[Diagnostic]:
    """Budget periods in minutes and ``os.environ/`` references, anywhere in the file."""
    for mapping, key, value in _scalars(config.root):
        if not isinstance(value, str):
            continue
        if _is_period(key) and (minutes := _MINUTES.fullmatch(value)):
            count = int(minutes.group(1))
            yield config.finding(
                value_position(mapping, key),
                MINUTE_PERIOD,
                f"{key}: {value.strip()} is {count} minute{'s' if count != 1 else ''} "
                "in LiteLLM, not a month: the budget resets that often",
                f"a month is 1mo (or 30d, or monthly); to mean {count} minute"
                f"{'s' if count != 1 else ''}, write {count * 60}s",
            )
        if value.startswith(_ENV_PREFIX):
            yield from _reference(config, mapping, key, value, environ)


def _is_period(key: object) -> bool:
    return isinstance(key, str) and (key in _PERIOD_KEYS or key.endswith("_budget_duration"))


def _scalars(node: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(container, key or index, value) of every scalar under ``node``."""
    if isinstance(node, Map):
        for key, value in node.items():
            if isinstance(value, Map | Seq):
                yield from _scalars(value)
            else:
                yield node, key, value
    elif isinstance(node, Seq):
        for index, value in enumerate(node):
            if isinstance(value, Map | Seq):
                yield from _scalars(value)
            else:
                yield node, index, value


def _reference(
    config: ProxyConfig, container: Any, key: Any, value: str, environ: Mapping[str, str] | None
) -> Iterator[Diagnostic]:
    where = (
        value_position(container, key)
        if isinstance(container, Map)
        else item_position(container, key)
    )
    name = value[len(_ENV_PREFIX) :]
    if not _VARIABLE.fullmatch(name):
        yield config.finding(
            where,
            BAD_REFERENCE,
            f"'{value}' names no environment variable: LiteLLM would look up '{name}'",
            "write os.environ/NAME, with NAME of letters, digits and underscores",
        )
    elif environ is not None and name not in environ:
        yield config.finding(
            where,
            UNSET_VARIABLE,
            f"'{value}': the environment variable {name} is not set",
            f"export {name} before starting the proxy (LiteLLM reads it as None)",
        )
