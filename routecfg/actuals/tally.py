"""Adding up call records as they stream past, and the figures they give against the estimate.

:class:`Tally` keeps sums, not records: its memory grows with the tickets, gates and models seen,
never with the lines read. :func:`figures` turns it into :class:`Actuals`, every figure defined in
one place (README: "Actuals: what routing really cost"):

- a *call* is an answered request; a failed attempt counts as a failure, and its cost is actual
  cost all the same;
- the *tickets* are the distinct ticket ids; a record without one counts in the per-gate and
  per-model figures, not in the per-ticket ones;
- per ticket: mean = the cost of the records with a ticket / tickets; median of the tickets'
  costs (the mean of the middle two for an even count); p90 by nearest rank (the ⌈0.9·n⌉-th
  smallest);
- per gate: actual = the cost of the gate's records; estimate = the gate's estimated cost per
  ticket × tickets; mean tokens per answered call;
- review rounds: the IMPLEMENT gate's answered calls per ticket that has one, and split by the
  tier that served them (per tier: its calls / the tickets with a call on it);
- escalation rate: the share of tickets with an IMPLEMENT call served on the escalation rule's
  target tier, or a record with an ``escalation_reason``;
- fallback rate of a tier: of the answered calls requested on it, the share served by another
  tier (only sources that record the request count).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from routecfg import cost
from routecfg.actuals.records import Call, Skipped
from routecfg.model import RoutingSpec

NO_GATE = "(no gate)"
KEPT_SKIPS = 20  # skipped lines reported one by one, per file


@dataclass
class _Sums:
    calls: int = 0
    ticketed_calls: int = 0
    failures: int = 0
    failure_cost: Decimal = field(default_factory=Decimal)
    input: int = 0
    output: int = 0
    cost: Decimal = field(default_factory=Decimal)
    requested: int = 0
    fell_back: int = 0


@dataclass
class _ModelSums:
    tier: str | None
    calls: int = 0
    failures: int = 0
    cost: Decimal = field(default_factory=Decimal)


class Tally:
    """The running sums of one `routecfg actuals` run."""

    def __init__(self, spec: RoutingSpec) -> None:
        rule = spec.escalation.rules[0] if spec.escalation.rules else None
        self.implement = rule.reroute if rule else "implement"
        self.escalation_tier = rule.to if rule else None
        self.tier_models = {tier.name: tier.model for tier in spec.tiers.values()}
        self.gates: dict[str | None, _Sums] = {}
        self.unmapped: set[str] = set()
        self.models: dict[str, _ModelSums] = {}
        self.tickets: dict[str, Decimal] = {}
        self.rounds: dict[str, dict[str, int]] = {}  # ticket -> served tier -> IMPLEMENT calls
        self.escalated: set[str] = set()
        self.requested: dict[str, list[int]] = {}  # tier -> [answered, fell back]
        self.records = 0
        self.priced = 0
        self.skipped = 0
        self.skips: list[Skipped] = []
        self.skips_per_file: dict[str, int] = {}

    def add_all(self, records: Iterable[Call | Skipped]) -> None:
        for record in records:
            if isinstance(record, Skipped):
                self.skip(record)
            else:
                self.add(record)

    def skip(self, record: Skipped) -> None:
        self.skipped += 1
        kept = self.skips_per_file.get(record.path, 0)
        self.skips_per_file[record.path] = kept + 1
        if kept < KEPT_SKIPS:
            self.skips.append(record)

    def add(self, call: Call) -> None:
        self.records += 1
        self.priced += call.priced
        sums = self.gates.get(call.gate)
        if sums is None:
            sums = self.gates[call.gate] = _Sums()
            if call.gate is not None and not call.mapped:
                self.unmapped.add(call.gate)
        # A tier's name, Task name or alias stands for the tier's model: one row per model.
        name = self.tier_models[call.served] if call.served is not None else call.model
        model = self.models.get(name)
        if model is None:
            model = self.models[name] = _ModelSums(call.served)
        sums.cost += call.cost
        model.cost += call.cost
        if call.ticket is not None:
            self.tickets[call.ticket] = self.tickets.get(call.ticket, Decimal(0)) + call.cost
            if call.escalated:
                self.escalated.add(call.ticket)
        if not call.answered:
            sums.failures += 1
            sums.failure_cost += call.cost
            model.failures += 1
            return
        sums.calls += 1
        model.calls += 1
        sums.input += call.input_tokens
        sums.output += call.output_tokens
        if call.requested is not None:
            fell_back = call.served != call.requested
            sums.requested += 1
            sums.fell_back += fell_back
            counts = self.requested.setdefault(call.requested, [0, 0])
            counts[0] += 1
            counts[1] += fell_back
        if call.ticket is None:
            return
        sums.ticketed_calls += 1
        if call.gate == self.implement:
            served = call.served or call.model
            per_tier = self.rounds.setdefault(call.ticket, {})
            per_tier[served] = per_tier.get(served, 0) + 1
            if served == self.escalation_tier:
                self.escalated.add(call.ticket)


@dataclass(frozen=True)
class GateRow:
    gate: str
    title: str
    mapped: bool
    calls: int
    failures: int
    mean_input: Decimal
    mean_output: Decimal
    calls_per_ticket: Decimal | None
    fallback_rate: Decimal | None  # None: no source recorded the requested tier
    actual: Decimal
    estimate: Decimal
    estimate_per_ticket: Decimal

    @property
    def delta(self) -> Decimal:
        return self.actual - self.estimate


@dataclass(frozen=True)
class ModelRow:
    model: str
    tier: str | None
    calls: int
    failures: int
    spend: Decimal
    share: Decimal


@dataclass(frozen=True)
class Rounds:
    tier: str | None  # None: all tiers
    tickets: int
    calls: int

    @property
    def mean(self) -> Decimal:
        return Decimal(self.calls) / self.tickets if self.tickets else Decimal(0)


@dataclass(frozen=True)
class Fallbacks:
    tier: str
    calls: int
    fell_back: int

    @property
    def rate(self) -> Decimal:
        return Decimal(self.fell_back) / self.calls if self.calls else Decimal(0)


@dataclass(frozen=True)
class Actuals:
    files: tuple[str, ...]
    records: int
    calls: int
    failures: int
    failure_cost: Decimal
    skipped: int
    priced: int
    tickets: int
    total: Decimal
    ticketed: Decimal  # cost of the records with a ticket
    mean: Decimal
    median: Decimal
    p90: Decimal
    estimate: Decimal
    gates: tuple[GateRow, ...]
    models: tuple[ModelRow, ...]
    implement: str
    rounds: tuple[Rounds, ...]
    escalation_tier: str | None
    escalated: int
    fallbacks: tuple[Fallbacks, ...]
    budget: Decimal | None

    @property
    def escalation_rate(self) -> Decimal:
        return Decimal(self.escalated) / self.tickets if self.tickets else Decimal(0)

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.tickets > 0 and self.mean > self.budget


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    if not ordered:
        return Decimal(0)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def nearest_rank(values: Sequence[Decimal], share: Decimal) -> Decimal:
    ordered = sorted(values)
    if not ordered:
        return Decimal(0)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def figures(tally: Tally, spec: RoutingSpec, files: Sequence[str]) -> Actuals:
    estimate = cost.estimate(spec, "estimate")
    per_gate = {g.gate: g.cost for g in estimate.gates}
    tickets = len(tally.tickets)
    ticket_costs = list(tally.tickets.values())
    ticketed = sum(ticket_costs, Decimal(0))
    ordered: list[str | None] = [g for g in spec.gates if g in tally.gates or g in per_gate]
    ordered += sorted(g for g in tally.gates if g is not None and g not in spec.gates)
    ordered += [None] if None in tally.gates else []
    gates = tuple(_gate_row(tally, spec, name, per_gate, tickets) for name in ordered)
    total = sum((s.cost for s in tally.gates.values()), Decimal(0))
    models = [
        ModelRow(name, m.tier, m.calls, m.failures, m.cost, m.cost / total if total else Decimal(0))
        for name, m in sorted(tally.models.items(), key=lambda item: (-item[1].cost, item[0]))
    ]
    # The tiers nobody called, as the seed's table lists "Ollama 0 calls".
    models += [
        ModelRow(tier.model, tier.name, 0, 0, Decimal(0), Decimal(0))
        for tier in spec.tiers.values()
        if tier.model not in tally.models
    ]
    failures = sum(s.failures for s in tally.gates.values())
    return Actuals(
        files=tuple(files),
        records=tally.records,
        calls=tally.records - failures,
        failures=failures,
        failure_cost=sum((s.failure_cost for s in tally.gates.values()), Decimal(0)),
        skipped=tally.skipped,
        priced=tally.priced,
        tickets=tickets,
        total=total,
        ticketed=ticketed,
        mean=ticketed / tickets if tickets else Decimal(0),
        median=median(ticket_costs),
        p90=nearest_rank(ticket_costs, Decimal("0.9")),
        estimate=estimate.exact_per_ticket,
        gates=gates,
        models=tuple(models),
        implement=tally.implement,
        rounds=_rounds(tally, spec),
        escalation_tier=tally.escalation_tier,
        escalated=len(tally.escalated),
        fallbacks=tuple(
            Fallbacks(tier, counts[0], counts[1])
            for tier, counts in sorted(
                tally.requested.items(), key=lambda i: _tier_order(spec, i[0])
            )
        ),
        budget=spec.cost.max_per_ticket,
    )


def _tier_order(spec: RoutingSpec, tier: str) -> tuple[int, str]:
    names = list(spec.tiers)
    return (names.index(tier) if tier in names else len(names), tier)


def _gate_row(
    tally: Tally,
    spec: RoutingSpec,
    name: str | None,
    per_gate: dict[str, Decimal],
    tickets: int,
) -> GateRow:
    sums = tally.gates.get(name) or _Sums()
    gate = spec.gates.get(name) if name is not None else None
    per_ticket = per_gate.get(name, Decimal(0)) if name is not None else Decimal(0)
    calls = Decimal(sums.calls)
    return GateRow(
        gate=name if name is not None else NO_GATE,
        title=gate.title if gate is not None else (name or NO_GATE),
        mapped=gate is not None,
        calls=sums.calls,
        failures=sums.failures,
        mean_input=sums.input / calls if calls else Decimal(0),
        mean_output=sums.output / calls if calls else Decimal(0),
        calls_per_ticket=Decimal(sums.ticketed_calls) / tickets if tickets else None,
        fallback_rate=Decimal(sums.fell_back) / sums.requested if sums.requested else None,
        actual=sums.cost,
        estimate=per_ticket * tickets,
        estimate_per_ticket=per_ticket,
    )


def _rounds(tally: Tally, spec: RoutingSpec) -> tuple[Rounds, ...]:
    if not tally.rounds:
        return ()
    rows = [Rounds(None, len(tally.rounds), sum(sum(t.values()) for t in tally.rounds.values()))]
    tiers: dict[str, list[int]] = {}
    for per_tier in tally.rounds.values():
        for tier, calls in per_tier.items():
            counts = tiers.setdefault(tier, [0, 0])
            counts[0] += 1
            counts[1] += calls
    for tier in sorted(tiers, key=lambda t: _tier_order(spec, t)):
        rows.append(Rounds(tier, tiers[tier][0], tiers[tier][1]))
    return tuple(rows)
