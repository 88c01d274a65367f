"""The cost model (product.md §7): exact decimal arithmetic, shown rounded half-up.

Per gate: ``(input × price.input + output × price.output) / 1,000,000 × calls``. A
``fallback_rate`` r charges (1 − r) of the gate's tier and r of its first fallback tier. A
scenario's ``escalation_rate`` e adds e × one round of the escalation rule's gate on the rule's
target tier. The per-ticket figure is shown to a tenth of a cent, and the total for N tickets is
that shown figure times N, as the design's tables compute it. Every estimate carries the
assumptions behind it.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType

from routecfg.frozen import record, replace
from routecfg.model import MILLION, Gate, GateProfile, RoutingSpec, Tier
from routecfg.tables import display_name

CENT_TENTHS = Decimal("0.001")
CENTS = Decimal("0.01")


def round_half_up(amount: Decimal, places: Decimal = CENT_TENTHS) -> Decimal:
    # Enough digits for the largest amount the spec's bounds allow (RC014), to the tenth of a cent.
    with localcontext(prec=80):
        return amount.quantize(places, rounding=ROUND_HALF_UP)


def dollars(amount: Decimal, places: Decimal = CENT_TENTHS) -> str:
    """``$0.212``; totals with ``places=CENTS``: ``$10.60``, ``$1,234.50``."""
    rounded = round_half_up(amount, places)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,}"


def percent(fraction: Decimal) -> str:
    return f"{round_half_up(fraction * 100, Decimal(1))}%"


@record
class GateCost:
    gate: str
    title: str
    tier: str
    model: str  # for people: "Haiku", "Ollama → Haiku (20%)"
    input: Decimal
    output: Decimal
    calls: Decimal
    fallback_rate: Decimal
    fallback_tier: str | None
    cost: Decimal  # exact, USD per ticket


@record
class Estimate:
    name: str
    scenario: str | None
    gates: tuple[GateCost, ...]
    escalation: Decimal  # exact extra per ticket from the scenario
    exact_per_ticket: Decimal
    tickets: int
    assumptions: tuple[str, ...]

    @property
    def per_ticket(self) -> Decimal:
        """The figure people see, rounded half-up to a tenth of a cent."""
        return round_half_up(self.exact_per_ticket)

    @property
    def total(self) -> Decimal:
        return self.per_ticket * self.tickets

    @property
    def label(self) -> str:
        return f"{self.name} ({self.scenario})" if self.scenario else self.name


def call_cost(profile: GateProfile, tier: Tier) -> Decimal:
    """One call's cost on ``tier``."""
    return (profile.input * tier.price.input + profile.output * tier.price.output) / MILLION


def gate_cost(spec: RoutingSpec, gate: Gate, profile: GateProfile) -> GateCost:
    tier = spec.tiers[gate.tier]
    fallback = spec.tiers.get(gate.fallback[0]) if gate.fallback else None
    rate = profile.fallback_rate if fallback is not None else Decimal(0)
    per_call = (1 - rate) * call_cost(profile, tier)
    model = display_name(tier)
    if fallback is not None and rate:
        per_call += rate * call_cost(profile, fallback)
        model += f" → {display_name(fallback)} ({percent(rate)})"
    return GateCost(
        gate=gate.name,
        title=gate.title,
        tier=tier.name,
        model=model,
        input=profile.input,
        output=profile.output,
        calls=profile.calls,
        fallback_rate=rate,
        fallback_tier=fallback.name if fallback is not None and rate else None,
        cost=per_call * profile.calls,
    )


def estimate(spec: RoutingSpec, name: str, scenario: str | None = None) -> Estimate:
    """The cost per ticket of ``spec`` (under ``scenario``, a key of ``cost.scenarios``)."""
    gates = tuple(
        gate_cost(spec, spec.gates[gate_name], profile)
        for gate_name, profile in spec.cost.profile.items()
        if gate_name in spec.gates
    )
    assumptions = [
        "tokens per call and calls per ticket from cost.profile",
        "prices per million tokens from tiers",
    ]
    assumptions += [
        f"{g.gate}: {percent(g.fallback_rate)} of calls served by {g.fallback_tier}"
        for g in gates
        if g.fallback_tier
    ]
    left_out = uncounted_gates(spec)
    if left_out:
        assumptions.append(f"not counted (no cost.profile entry): {', '.join(left_out)}")
    extra = Decimal(0)
    if scenario is not None:
        extra, words = _escalation_cost(spec, scenario)
        assumptions += words
    return Estimate(
        name=name,
        scenario=scenario,
        gates=gates,
        escalation=extra,
        exact_per_ticket=sum((g.cost for g in gates), Decimal(0)) + extra,
        tickets=spec.cost.tickets,
        assumptions=tuple(assumptions),
    )


def _escalation_cost(spec: RoutingSpec, scenario: str) -> tuple[Decimal, list[str]]:
    rate = spec.cost.scenarios[scenario].escalation_rate
    if not rate or not spec.escalation.rules:
        return Decimal(0), []
    rule = spec.escalation.rules[0]
    profile = spec.cost.profile.get(rule.reroute)
    target = spec.tiers.get(rule.to)
    if profile is None or target is None:
        return Decimal(0), [f"{scenario}: no profile for gate '{rule.reroute}', no escalation cost"]
    extra = rate * call_cost(profile, target)
    words = (
        f"{scenario}: {percent(rate)} of tickets re-run one {rule.reroute} round on {rule.to}"
        f" (+{dollars(extra)})"
    )
    return extra, [words]


def savings(before: Estimate, after: Estimate) -> Decimal | None:
    """The share saved going from ``before`` to ``after``, on the figures people see."""
    if before.per_ticket == 0:
        return None
    return (before.per_ticket - after.per_ticket) / before.per_ticket


def delta_line(before: Estimate | None, after: Estimate, before_is: str | None = None) -> str:
    """``est. cost/ticket $0.432 → $0.212 (−51%)`` for plans; ``before_is`` names where the
    before figure comes from when it is not the committed spec."""
    source = f"; before: {before_is}" if before_is else ""
    if before is None:
        return f"est. cost/ticket {dollars(after.per_ticket)}"
    if before.per_ticket == after.per_ticket:
        return f"est. cost/ticket {dollars(after.per_ticket)} (unchanged{source})"
    change = ""
    if before.per_ticket:
        fraction = (after.per_ticket - before.per_ticket) / before.per_ticket
        sign = "+" if fraction > 0 else "−"
        change = f"{sign}{percent(abs(fraction))}"
    detail = f" ({change}{source})" if change or source else ""
    return f"est. cost/ticket {dollars(before.per_ticket)} → {dollars(after.per_ticket)}{detail}"


def only_gates(spec: RoutingSpec, left_out: Collection[str]) -> RoutingSpec:
    """``spec`` with the gates in ``left_out`` dropped from its cost profile."""
    profile = {g: p for g, p in spec.cost.profile.items() if g not in left_out}
    return replace(spec, cost=replace(spec.cost, profile=MappingProxyType(profile)))


def uncounted_gates(spec: RoutingSpec) -> tuple[str, ...]:
    """Gates with no cost.profile entry: an estimate leaves them out."""
    return tuple(g for g in spec.gates if g not in spec.cost.profile)
