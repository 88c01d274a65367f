"""The typed, frozen routing model, built once from a spec that passed its JSON Schema.

Nothing downstream indexes the raw dicts; positions stay in :class:`routecfg.spec.Positions`,
keyed by the same paths the fields came from.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from routecfg.frozen import field, record, replace

PROXY_CHAIN_KINDS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")
CONTENT_POLICY = "content_policy_fallbacks"
DEFAULT_TICKETS = 50
MAX_FALLBACKS = 5  # LiteLLM's router default (max_fallbacks)
MILLION = Decimal(1_000_000)


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


@record
class Price:
    """USD per million tokens."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None

    @property
    def is_free(self) -> bool:
        return self.input == 0 and self.output == 0


ParamValue = str | Decimal | int


@record
class Deployment:
    """A further deployment of a tier's model group: LiteLLM load-balances the entries that
    share a model_name. ``params`` are the litellm_params routecfg owns on it."""

    model: str
    price: Price
    params: Mapping[str, ParamValue] = field(default_factory=lambda: MappingProxyType({}))


@record
class Tier:
    name: str
    model: str
    capabilities: tuple[str, ...]
    price: Price
    task_model: str | None = None
    description: str | None = None
    names: tuple[str, ...] = ()  # other names prose uses for the model ("Claude Haiku 4.5")
    deployments: tuple[Deployment, ...] = ()
    params: Mapping[str, ParamValue] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_local(self) -> bool:
        """A local model: costs nothing and is not reachable as a Claude Code Task model."""
        return self.price.is_free and self.task_model is None

    def owned_deployments(self) -> tuple[Deployment, ...]:
        """Every deployment of the tier's group routecfg owns, in order: the tier's own (its
        group's first entry), then those it declares."""
        return (Deployment(self.model, self.price, self.params), *self.deployments)

    @property
    def mechanism(self) -> str:
        if self.task_model is not None:
            return f'Task(model: "{self.task_model}")'
        return f"llm_call.sh --model {self.name}"


@record
class Gate:
    name: str
    title: str
    tier: str
    fallback: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    config_key: str | None = None
    fallback_template: str | None = None
    description: str | None = None
    roles: tuple[str, ...] = ()  # agents prose gives this gate's model to ("implementer")
    note: str | None = None


@record
class EscalationRule:
    when_fails: tuple[str, ...]
    reroute: str
    to: str
    after: int = 1
    counter: str | None = None
    log: str | None = None
    counters: tuple[str, ...] = ()  # further counters, after ``counter``


@record
class Escalation:
    model: str | None = None
    max_per_ticket: int | None = None
    rules: tuple[EscalationRule, ...] = ()


@record
class AliasGroup:
    """Further model names served like their tier, e.g. the names Claude Code sends."""

    name: str
    aliases: Mapping[str, tuple[str, ...]]  # tier -> alias names

    def first_alias(self, tier: str) -> str:
        names = self.aliases.get(tier)
        return names[0] if names else tier

    def mirror(self, chains: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """Each alias of tier T falls back, for each U in T's chain, to U's first alias here."""
        mirrored: dict[str, tuple[str, ...]] = {}
        for tier, names in self.aliases.items():
            chain = chains.get(tier)
            if not chain:
                continue
            for name in names:
                mirrored[name] = tuple(self.first_alias(target) for target in chain)
        return mirrored


@record
class Proxy:
    chains: Mapping[str, Mapping[str, tuple[str, ...]]]  # kind -> tier -> targets
    alias_groups: tuple[AliasGroup, ...] = ()
    ledger: str | None = None  # the JSONL routecfg's LiteLLM callback appends to
    model_info_prices: str = "always"  # or "where-stated"

    def chain(self, kind: str) -> Mapping[str, tuple[str, ...]]:
        return self.chains.get(kind, MappingProxyType({}))

    def walk(self, kind: str, start: str, max_fallbacks: int = MAX_FALLBACKS) -> tuple[str, ...]:
        """The model names LiteLLM really tries after ``start`` fails, in order (the effective
        walk), over the chains as compiled into the proxy file: ``start`` may be a tier or an
        alias. A context window error falls back along the generic ``fallbacks`` where its own
        kind has no chain; a content policy error only along ``content_policy_fallbacks``, or
        along ``fallbacks`` when that list is empty (see :func:`effective_walk`)."""
        chains = self.compiled_chains(kind)
        if kind == "fallbacks":
            return effective_walk(chains, start, max_fallbacks=max_fallbacks)
        generic = self.compiled_chains("fallbacks")
        if kind == CONTENT_POLICY and not chains:
            return effective_walk(generic, start, max_fallbacks=max_fallbacks)
        return effective_walk(
            chains,
            start,
            generic=generic,
            own_kind_only=kind == CONTENT_POLICY,
            max_fallbacks=max_fallbacks,
        )

    def alias_tiers(self) -> dict[str, str]:
        """Every alias name and the tier it is served like."""
        return {
            name: tier
            for group in self.alias_groups
            for tier, names in group.aliases.items()
            for name in names
        }

    def only(self, tiers: Container[str], groups: Container[str] | None) -> Proxy:
        """The chains and alias groups a proxy file serving only ``tiers`` (and the alias
        groups ``groups``, None: all) holds: chains of other tiers dropped, other tiers taken
        out of every chain."""
        chains = {
            kind: _frozen(
                {
                    tier: tuple(t for t in targets if t in tiers)
                    for tier, targets in by_tier.items()
                    if tier in tiers
                }
            )
            for kind, by_tier in self.chains.items()
        }
        kept = tuple(
            AliasGroup(
                group.name,
                _frozen({tier: names for tier, names in group.aliases.items() if tier in tiers}),
            )
            for group in self.alias_groups
            if groups is None or group.name in groups
        )
        return replace(self, chains=_frozen(chains), alias_groups=kept)

    def compiled_chains(self, kind: str) -> dict[str, tuple[str, ...]]:
        """The chains of ``kind`` as the proxy file must hold them: tiers, then aliases."""
        chains = dict(self.chain(kind))
        for group in self.alias_groups:
            chains.update(group.mirror(self.chain(kind)))
        return chains


def effective_walk(
    chains: Mapping[str, Sequence[str]],
    start: str,
    *,
    generic: Mapping[str, Sequence[str]] | None = None,
    served: Container[str] | None = None,
    own_kind_only: bool = False,
    max_fallbacks: int = MAX_FALLBACKS,
) -> tuple[str, ...]:
    """The model groups LiteLLM's Router tries after ``start`` fails, in order.

    Measured against litellm 1.110.2 (``routecfg verify`` checks it on every chain):

    - a group that fails falls back along its own chain; a group with no chain of its own (an
      empty one counts as its own) along the chain of ``start``, the group the request named;
    - ``chains`` are of one kind. For a context window error, a group with neither its own nor
      ``start``'s chain of that kind falls back along ``generic`` (router_settings.fallbacks),
      resolved the same way. A content policy error (``own_kind_only``) never does: a group
      with no content policy chain, its own or ``start``'s, does not fall back, so a request
      to it answers 400 "No fallback was attempted". (When ``content_policy_fallbacks`` is
      empty or absent, LiteLLM walks ``fallbacks`` instead: :meth:`Proxy.walk` passes those as
      ``chains``.) A provider's content filter that arrives as a plain 400 bad request is not a
      content policy error: it walks ``fallbacks``;
    - a group is tried once per request: targets already tried, and ``start``, are skipped;
    - depth: each target a group tries is one deeper than the one it tried before (the first
      one deeper than the group), and a group that failed at depth ``max_fallbacks`` or deeper
      does not fall back: a long chain can hide its last targets' own chains;
    - a target that is not ``served`` (no model_list entry) is not tried, so it is not listed,
      but it takes its place and depth, and its failure (no deployment, not the kind's error)
      falls back along ``generic``.
    """
    generic_chains = chains if generic is None else generic
    tried: list[str] = []
    attempted = {start}

    def chain_of(group: str) -> Sequence[str]:
        own_kind = served is None or group in served
        if not own_kind:
            candidates: tuple[Mapping[str, Sequence[str]], ...] = (generic_chains,)
        elif own_kind_only:
            candidates = (chains,)
        else:
            candidates = (chains, generic_chains)
        for kind_chains in candidates:
            for name in (group, start):
                if name in kind_chains:
                    return kind_chains[name]
        return ()

    def fail(group: str, depth: int) -> None:
        if depth >= max_fallbacks:
            return
        for target in chain_of(group):
            if target in attempted:
                continue
            attempted.add(target)
            depth += 1
            if served is None or target in served:
                tried.append(target)
            fail(target, depth)

    fail(start, 0)
    return tuple(tried)


@record
class TierOverride:
    """What one proxy file says differently about a tier (another provider's model id)."""

    model: str | None = None
    price: Price | None = None
    params: Mapping[str, ParamValue] | None = None


@record
class ProxyTarget:
    """A proxy file and how it differs from the spec: the tiers and alias groups it serves
    (None: all), whether routecfg writes prices into it, and per-tier overrides."""

    path: str
    tiers: tuple[str, ...] | None = None
    aliases: tuple[str, ...] | None = None
    prices: bool = True
    overrides: Mapping[str, TierOverride] = field(default_factory=lambda: MappingProxyType({}))

    def serves(self, tier: str) -> bool:
        return self.tiers is None or tier in self.tiers


@record
class Targets:
    preset: tuple[str, ...] = ()
    schema: tuple[str, ...] = ()
    proxy: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    templates: str | None = None
    editor_schema: tuple[str, ...] = ()
    proxy_targets: Mapping[str, ProxyTarget] = field(default_factory=lambda: MappingProxyType({}))

    def proxy_target(self, path: str) -> ProxyTarget:
        """How the proxy file ``path`` differs; a plain path differs in nothing."""
        return self.proxy_targets.get(path) or ProxyTarget(path)

    def all_paths(self) -> tuple[str, ...]:
        """Every target file, of every kind (the templates folder is not a target)."""
        return (*self.preset, *self.schema, *self.proxy, *self.skills, *self.editor_schema)


@record
class GateProfile:
    input: Decimal
    output: Decimal
    calls: Decimal = Decimal(1)
    fallback_rate: Decimal = Decimal(0)


@record
class Scenario:
    name: str
    escalation_rate: Decimal = Decimal(0)
    description: str | None = None


@record
class Cost:
    tickets: int = DEFAULT_TICKETS
    profile: Mapping[str, GateProfile] = field(default_factory=lambda: MappingProxyType({}))
    scenarios: Mapping[str, Scenario] = field(default_factory=lambda: MappingProxyType({}))
    max_per_ticket: Decimal | None = None


@record
class Prose:
    """The prose lint's settings: findings silenced (a code, a path, or PATH:CODE)."""

    ignore: tuple[str, ...] = ()


@record
class ActualsSettings:
    """Where `routecfg actuals` reads ledgers, and ledger gate names → spec gates."""

    ledgers: tuple[str, ...] = ()
    gates: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@record
class RoutingSpec:
    """A whole routing spec. ``root`` is the folder every target path is relative to."""

    version: int
    root: Path
    tiers: Mapping[str, Tier]
    gates: Mapping[str, Gate]
    escalation: Escalation
    proxy: Proxy
    targets: Targets
    cost: Cost
    prose: Prose = field(default_factory=Prose)
    actuals: ActualsSettings = ActualsSettings()

    def for_proxy(self, path: str) -> RoutingSpec:
        """The spec as the proxy file ``path`` serves it: its tiers only, each with the file's
        overrides, and the chains and alias groups among them."""
        target = self.targets.proxy_target(path)
        tiers = {}
        for name, tier in self.tiers.items():
            if not target.serves(name):
                continue
            override = target.overrides.get(name)
            if override is not None:
                tier = replace(
                    tier,
                    model=override.model or tier.model,
                    price=override.price or tier.price,
                    params=tier.params if override.params is None else override.params,
                )
            tiers[name] = tier
        return replace(self, tiers=_frozen(tiers), proxy=self.proxy.only(tiers, target.aliases))


def build(data: Mapping[str, Any], root: Path) -> RoutingSpec:
    """The model of a spec that has passed :func:`routecfg.structure.check_structure`."""
    return RoutingSpec(
        version=int(data["version"]),
        root=root,
        tiers=_frozen({name: _tier(name, raw) for name, raw in data["tiers"].items()}),
        gates=_frozen({name: _gate(name, raw) for name, raw in data["gates"].items()}),
        escalation=_escalation(data.get("escalation") or {}),
        proxy=_proxy(data.get("proxy") or {}),
        targets=_targets(data.get("targets") or {}),
        cost=_cost(data.get("cost") or {}),
        prose=Prose(ignore=tuple((data.get("prose") or {}).get("ignore", ()))),
        actuals=_actuals(data.get("actuals") or {}),
    )


def _price(price: Mapping[str, Any]) -> Price:
    return Price(
        input=_money(price["input"]),
        output=_money(price["output"]),
        cache_read=_money(price["cache_read"]) if "cache_read" in price else None,
        cache_write=_money(price["cache_write"]) if "cache_write" in price else None,
    )


def _params(raw: Mapping[str, Any] | None) -> Mapping[str, ParamValue]:
    return _frozen(
        {
            key: value if isinstance(value, str | int) else _money(value)
            for key, value in (raw or {}).items()
        }
    )


def _tier(name: str, raw: Mapping[str, Any]) -> Tier:
    price = _price(raw["price"])
    return Tier(
        name=name,
        model=raw["model"],
        capabilities=tuple(raw.get("capabilities", ["text"])),
        price=price,
        task_model=raw.get("task_model"),
        description=raw.get("description"),
        names=tuple(raw.get("names", ())),
        deployments=tuple(
            Deployment(
                model=d["model"],
                price=_price(d["price"]) if "price" in d else price,
                params=_params(d.get("params")),
            )
            for d in raw.get("deployments", ())
        ),
        params=_params(raw.get("params")),
    )


def _gate(name: str, raw: Mapping[str, Any]) -> Gate:
    return Gate(
        name=name,
        title=raw.get("title", name),
        tier=raw["tier"],
        fallback=tuple(raw.get("fallback", ())),
        needs=tuple(raw.get("needs", ())),
        config_key=raw.get("config_key"),
        fallback_template=raw.get("fallback_template"),
        description=raw.get("description"),
        roles=tuple(raw.get("roles", ())),
        note=raw.get("note"),
    )


def _escalation(raw: Mapping[str, Any]) -> Escalation:
    return Escalation(
        model=raw.get("model"),
        max_per_ticket=raw.get("max_per_ticket"),
        rules=tuple(
            EscalationRule(
                when_fails=tuple(rule["when_fails"]),
                reroute=rule["reroute"],
                to=rule["to"],
                after=rule.get("after", 1),
                counter=rule.get("counter"),
                log=rule.get("log"),
                counters=tuple(rule.get("counters", ())),
            )
            for rule in raw.get("rules", ())
        ),
    )


def _proxy(raw: Mapping[str, Any]) -> Proxy:
    chains = {
        kind: _frozen({tier: tuple(targets) for tier, targets in raw[kind].items()})
        for kind in PROXY_CHAIN_KINDS
        if kind in raw
    }
    groups = tuple(
        AliasGroup(name, _frozen({tier: tuple(names) for tier, names in group.items()}))
        for name, group in (raw.get("aliases") or {}).items()
    )
    return Proxy(
        _frozen(chains),
        groups,
        raw.get("ledger"),
        model_info_prices=raw.get("model_info_prices", "always"),
    )


def _paths(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _proxy_targets(value: Any) -> tuple[tuple[str, ...], dict[str, ProxyTarget]]:
    """A proxy target is a path, or a mapping with its path and how the file differs."""
    items = [value] if isinstance(value, str | Mapping) else list(value or ())
    paths: list[str] = []
    targets: dict[str, ProxyTarget] = {}
    for item in items:
        if isinstance(item, str):
            paths.append(item)
            continue
        path = item["path"]
        paths.append(path)
        overrides = {
            tier: TierOverride(
                model=o.get("model"),
                price=_price(o["price"]) if "price" in o else None,
                params=_params(o["params"]) if "params" in o else None,
            )
            for tier, o in (item.get("overrides") or {}).items()
        }
        targets[path] = ProxyTarget(
            path=path,
            tiers=tuple(item["tiers"]) if "tiers" in item else None,
            aliases=tuple(item["aliases"]) if "aliases" in item else None,
            prices=item.get("prices", True),
            overrides=_frozen(overrides),
        )
    return tuple(paths), targets


def _targets(raw: Mapping[str, Any]) -> Targets:
    proxy_paths, proxy_targets = _proxy_targets(raw.get("proxy"))
    return Targets(
        preset=_paths(raw.get("preset")),
        schema=_paths(raw.get("schema")),
        proxy=proxy_paths,
        skills=_paths(raw.get("skills")),
        templates=raw.get("templates"),
        editor_schema=_paths(raw.get("editor_schema")),
        proxy_targets=_frozen(proxy_targets),
    )


def _cost(raw: Mapping[str, Any]) -> Cost:
    profile = {
        gate: GateProfile(
            input=_money(p["input"]),
            output=_money(p["output"]),
            calls=_money(p.get("calls", 1)),
            fallback_rate=_money(p.get("fallback_rate", 0)),
        )
        for gate, p in (raw.get("profile") or {}).items()
    }
    scenarios = {
        name: Scenario(
            name=name,
            escalation_rate=_money(s.get("escalation_rate", 0)),
            description=s.get("description"),
        )
        for name, s in (raw.get("scenarios") or {}).items()
    }
    budget = raw.get("budget") or {}
    return Cost(
        tickets=raw.get("tickets", DEFAULT_TICKETS),
        profile=_frozen(profile),
        scenarios=_frozen(scenarios),
        max_per_ticket=_money(budget["max_per_ticket"]) if "max_per_ticket" in budget else None,
    )


def _actuals(raw: Mapping[str, Any]) -> ActualsSettings:
    return ActualsSettings(
        ledgers=_paths(raw.get("ledgers")), gates=_frozen(dict(raw.get("gates") or {}))
    )
