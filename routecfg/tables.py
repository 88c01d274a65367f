"""The routing as rows: what the Markdown blocks render and what `routecfg explain` prints.

Pure functions of a validated :class:`~routecfg.model.RoutingSpec` (every reference resolves).
Human wording that depends on the spec, such as model display names ("Haiku", "Ollama") and the
escalation trigger, is decided here once, so templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from routecfg.frozen import record
from routecfg.model import EscalationRule, Gate, RoutingSpec, Tier

MIN_MONEY_PLACES = 2
ARROW = " → "
_TIMES = {1: "once", 2: "more than once", 3: "more than twice"}


@record
class Route:
    """How a skill reaches one tier."""

    tier: str
    model: str  # the display name: "Haiku", "Ollama"
    mechanism: str  # 'Task(model: "haiku")' or "llm_call.sh --model free"
    task_model: str | None

    @property
    def is_shell(self) -> bool:
        """Reached through llm_call.sh, a command (a code span in Markdown), not a Task model."""
        return self.task_model is None

    @property
    def markdown(self) -> str:
        return f"`{self.mechanism}`" if self.is_shell else self.mechanism


@record
class RoutingRow:
    """One gate: where it runs, how it is reached, and what catches its failures."""

    gate: str
    title: str
    tier: str
    route: Route
    fallbacks: tuple[Route, ...]
    fallback_template: str | None
    config_key: str | None
    needs_note: str | None  # e.g. "needs tool_use", when the need is what rules out cheaper tiers
    roles: tuple[str, ...] = ()  # who does the gate's work: implementer, investigator …
    note: str | None = None  # free text from the spec

    @property
    def roles_text(self) -> str:
        """The roles in words: ``implementers, investigators and write-agents``."""
        return _and([_plural(role) for role in self.roles])

    @property
    def model(self) -> str:
        """The seed table's Model column: ``Ollama → Haiku fallback``, ``Haiku``."""
        parts = [self.route.model]
        if self.fallbacks:
            parts.append(ARROW.join(route.model for route in self.fallbacks) + " fallback")
        if self.fallback_template is not None:
            parts.append("static template")
        return ARROW.join(parts)

    @property
    def mechanism(self) -> str:
        """The Mechanism column as plain text (a terminal, a code block)."""
        return self._mechanism(route.mechanism for route in self._routes)

    @property
    def mechanism_markdown(self) -> str:
        """The Mechanism column as the seed writes it, commands in code spans."""
        return self._mechanism(route.markdown for route in self._routes)

    @property
    def fallback_steps(self) -> tuple[str, ...]:
        """What is tried after the gate's tier fails, in order, as plain text."""
        return self._fallback_steps(route.mechanism for route in self.fallbacks)

    @property
    def fallback_steps_markdown(self) -> tuple[str, ...]:
        return self._fallback_steps(route.markdown for route in self.fallbacks)

    @property
    def _routes(self) -> tuple[Route, ...]:
        return (self.route, *self.fallbacks)

    def _mechanism(self, steps: Iterable[str]) -> str:
        parts = list(steps)
        if self.fallback_template is not None:
            parts.append("template fallback")
        text = ARROW.join(parts)
        return f"{text} — {self.needs_note}" if self.needs_note else text

    def _fallback_steps(self, mechanisms: Iterable[str]) -> tuple[str, ...]:
        steps = list(mechanisms)
        if self.fallback_template is not None:
            steps.append(f'static template "{self.fallback_template}"')
        return tuple(steps)


@record
class RouteGroup:
    """The gates one route serves as their own tier, in gate order."""

    route: Route
    gates: tuple[RoutingRow, ...]

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role of the group's gates, in gate order, each once."""
        return tuple(dict.fromkeys(role for row in self.gates for role in row.roles))

    @property
    def roles_text(self) -> str:
        return _and([_plural(role) for role in self.roles])


@record
class PriceRow:
    """A tier's prices in USD per million tokens; cache prices are None when not stated."""

    tier: str
    model: str  # the display name
    litellm_model: str
    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal | None


@record
class EscalationRow:
    """One escalation rule in words."""

    trigger: str  # "Haiku fails Gate 3 LINT or Gate 4 REVIEW more than once on a ticket"
    failing_model: str
    failed_gates: tuple[str, ...]  # titles
    after: int
    reroute: str  # the title of the gate re-run
    to: Route
    counter: str | None
    log: str | None
    counters: tuple[str, ...] = ()  # every counter the rule increments, ``counter`` first

    @property
    def increments(self) -> tuple[str, ...]:
        """One step per counter: ``Increment `x` ``, saying what ``[gate]`` stands for."""
        return tuple(
            f"Increment `{name}`" + (" (for the gate that failed)" if "[gate]" in name else "")
            for name in self.counters
        )


def display_name(tier: Tier) -> str:
    """A model's name for people: haiku → Haiku, ollama/… → Ollama, else the tier's name."""
    if tier.task_model:
        return tier.task_model[:1].upper() + tier.task_model[1:]
    if tier.model.partition("/")[0] in ("ollama", "ollama_chat"):
        return "Ollama"
    return tier.name


def route_to(tier: Tier) -> Route:
    return Route(tier.name, display_name(tier), tier.mechanism, tier.task_model)


def routing_rows(spec: RoutingSpec) -> tuple[RoutingRow, ...]:
    """One row per gate, in the spec's gate order."""
    return tuple(_routing_row(spec, gate) for gate in spec.gates.values())


def _routing_row(spec: RoutingSpec, gate: Gate) -> RoutingRow:
    tier = spec.tiers[gate.tier]
    return RoutingRow(
        gate=gate.name,
        title=gate.title,
        tier=tier.name,
        route=route_to(tier),
        fallbacks=tuple(route_to(spec.tiers[name]) for name in gate.fallback),
        fallback_template=gate.fallback_template,
        config_key=gate.config_key,
        needs_note=_needs_note(spec, gate, tier),
        roles=gate.roles,
        note=gate.note,
    )


def _needs_note(spec: RoutingSpec, gate: Gate, tier: Tier) -> str | None:
    """ "needs tool_use" on a gate whose tier users set in config (it has a config_key) when
    every cheaper tier lacks a needed capability: the warning belongs where someone may move
    the gate (IMPLEMENT on Haiku; not REVIEW on Sonnet, nor write-agents, fixed in skills)."""
    if gate.config_key is None:
        return None
    cheaper = [t for t in spec.tiers.values() if _unit_price(t) < _unit_price(tier)]
    needs = set(gate.needs)
    if not needs or not cheaper or any(needs <= set(t.capabilities) for t in cheaper):
        return None
    return "needs " + ", ".join(gate.needs)


def _unit_price(tier: Tier) -> Decimal:
    return tier.price.input + tier.price.output


def route_groups(rows: Sequence[RoutingRow]) -> tuple[RouteGroup, ...]:
    """The rows grouped by the route of their own tier, groups in order of first use."""
    grouped: dict[Route, list[RoutingRow]] = {}
    for row in rows:
        grouped.setdefault(row.route, []).append(row)
    return tuple(RouteGroup(route, tuple(members)) for route, members in grouped.items())


def price_rows(spec: RoutingSpec) -> tuple[PriceRow, ...]:
    """One row per tier, in the spec's tier order."""
    return tuple(
        PriceRow(
            tier=tier.name,
            model=display_name(tier),
            litellm_model=tier.model,
            input=tier.price.input,
            output=tier.price.output,
            cache_read=tier.price.cache_read,
            cache_write=tier.price.cache_write,
        )
        for tier in spec.tiers.values()
    )


def escalation_rows(spec: RoutingSpec) -> tuple[EscalationRow, ...]:
    return tuple(_escalation_row(spec, rule) for rule in spec.escalation.rules)


def _escalation_row(spec: RoutingSpec, rule: EscalationRule) -> EscalationRow:
    # The model that fails is the one that wrote the code: the tier of the gate re-run.
    rerun = spec.gates[rule.reroute]
    failing_model = display_name(spec.tiers[rerun.tier])
    failed_gates = tuple(spec.gates[name].title for name in rule.when_fails)
    trigger = f"{failing_model} fails {_either(failed_gates)} {times(rule.after)} on a ticket"
    return EscalationRow(
        trigger=trigger,
        failing_model=failing_model,
        failed_gates=failed_gates,
        after=rule.after,
        reroute=rerun.title,
        to=route_to(spec.tiers[rule.to]),
        counter=rule.counter,
        log=rule.log,
        counters=(*((rule.counter,) if rule.counter else ()), *rule.counters),
    )


def times(count: int) -> str:
    """How often a gate fails before the rule fires: 2 → "more than once"."""
    return _TIMES.get(count, f"{count} or more times")


def _plural(role: str) -> str:
    """``implementer`` → ``implementers``; a role already plural, or of several words ending in
    one ("wave planning subagents"), is kept."""
    return role if role.endswith("s") else role + "s"


def _and(words: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _either(words: Sequence[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def format_money(amount: Decimal) -> str:
    """US dollars with at least two decimals and every significant one: $1.00, $0.10, $1.375.

    Formatted from the Decimal itself, so no binary float noise can appear.
    """
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {amount}")
    exponent = amount.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers have an int exponent
    places = max(MIN_MONEY_PLACES, -exponent)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):.{places}f}"
