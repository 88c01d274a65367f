"""The typed call record every ledger reader produces, and the spec's words for reading them.

Raw ledger rows stop at the readers (:mod:`routecfg.actuals.ledgers`); everything downstream sees
:class:`Call` and :class:`Skipped` values. A :class:`Vocabulary` turns the names a ledger writes
(model groups, provider model ids, toolkit aliases, phase names) into the spec's tiers and gates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from routecfg.model import MILLION, RoutingSpec, Tier

# Names the backlog toolkit writes for a gate, normalized (lower case, `_` for `-` and spaces),
# and the gate they mean when the spec has it. Anything else: identity, or `actuals.gates`.
UPSTREAM_GATE_NAMES = {
    "wave_planning": "wave_plan",
    "wave": "wave_plan",
    "gate_1_plan": "plan",
    "planning": "plan",
    "gate_2_implement": "implement",
    "implementation": "implement",
    "implementer": "implement",
    "gate_3_lint": "lint",
    "gate_4_review": "review",
    "code_review": "review",
    "reviewer": "review",
    "gate_5_commit": "commit",
    "write_agents": "write_agent",
    "classification": "classify",
    "drafts": "draft",
}
CACHED_NAMES = 10_000  # a bound: a ledger of unique model names must not fill memory
_NON_WORD = re.compile(r"[\s\-]+")


@dataclass(frozen=True, slots=True)
class Call:
    """One request as a ledger recorded it: an answered call, or a failed attempt.

    ``gate`` is a spec gate, or the ledger's own name when no mapping knows it (``mapped`` is
    then False). ``requested`` is known only where the source records the group asked for.
    """

    ticket: str | None
    gate: str | None
    mapped: bool
    requested: str | None  # tier
    served: str | None  # tier
    model: str  # as the ledger wrote it
    input_tokens: int
    output_tokens: int
    cost: Decimal
    answered: bool
    escalated: bool  # the ledger gave an escalation_reason
    priced: bool  # the ledger had no cost: priced with the served tier's prices
    time: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line that is not read: not JSON, or not a call."""

    path: str
    line: int
    column: int
    reason: str


def normalize(name: str) -> str:
    return _NON_WORD.sub("_", name.strip().lower())


@dataclass(frozen=True)
class Vocabulary:
    """Ledger names to spec names: ``gates`` by normalized ledger name, ``tiers`` by model name."""

    gates: Mapping[str, str]
    tiers: Mapping[str, str]
    prices: Mapping[str, Tier]
    # Ledgers repeat a handful of names a million times: each is resolved once.
    _gate_cache: dict[str, tuple[str, bool]] = field(default_factory=dict, compare=False)
    _tier_cache: dict[str, str | None] = field(default_factory=dict, compare=False)

    def gate(self, name: str) -> tuple[str, bool]:
        """The spec gate a ledger's gate or phase name means, and whether one does."""
        found = self._gate_cache.get(name)
        if found is None:
            spec_gate = self.gates.get(normalize(name))
            found = (spec_gate, True) if spec_gate is not None else (name, False)
            if len(self._gate_cache) < CACHED_NAMES:
                self._gate_cache[name] = found
        return found

    def tier(self, model: str | None) -> str | None:
        if not model:
            return None
        if model in self._tier_cache:
            return self._tier_cache[model]
        found = self._resolve(model)
        if len(self._tier_cache) < CACHED_NAMES:
            self._tier_cache[model] = found
        return found

    def _resolve(self, model: str) -> str | None:
        """The tier a model name is served like: a tier or alias name, a tier's model id (with
        or without its provider and region prefix), a Task model name, or the one tier whose
        model id is this name plus a version suffix (``claude-haiku-4-5`` →
        ``…claude-haiku-4-5-20251001-v1:0``)."""
        found = self.tiers.get(model) or self.tiers.get(model.lower())
        if found is not None:
            return found
        bare = _bare(model)
        found = self.tiers.get(bare)
        if found is not None:
            return found
        versions = {t for key, t in self.tiers.items() if key.startswith(bare + "-")}
        return versions.pop() if len(versions) == 1 else None

    def price(self, tier: str, input_tokens: int, output_tokens: int) -> Decimal:
        price = self.prices[tier].price
        return (input_tokens * price.input + output_tokens * price.output) / MILLION


def _bare(model: str) -> str:
    """``bedrock/us.anthropic.claude-sonnet-4-6`` → ``claude-sonnet-4-6``."""
    name = model.rpartition("/")[2].lower()
    return name.rpartition("anthropic.")[2] if "anthropic." in name else name


def vocabulary(spec: RoutingSpec, gate_names: Mapping[str, str]) -> Vocabulary:
    """The spec's names. ``gate_names`` (``actuals.gates``) wins over the upstream names, which
    win over identity only where identity finds no gate."""
    gates = {alias: gate for alias, gate in UPSTREAM_GATE_NAMES.items() if gate in spec.gates}
    gates.update({normalize(name): name for name in spec.gates})
    gates.update({normalize(name): gate for name, gate in gate_names.items()})
    candidates: dict[str, set[str]] = {}

    def add(key: str | None, tier: str) -> None:
        if key:
            candidates.setdefault(key, set()).add(tier)

    for tier in spec.tiers.values():
        for key in (tier.model, tier.model.lower(), _bare(tier.model), tier.task_model):
            add(key, tier.name)
    for alias, tier_name in spec.proxy.alias_tiers().items():
        add(alias, tier_name)
        add(_bare(alias), tier_name)
    tiers = {key: next(iter(found)) for key, found in candidates.items() if len(found) == 1}
    tiers.update({name: name for name in spec.tiers})  # a tier's own name always wins
    return Vocabulary(
        MappingProxyType(gates), MappingProxyType(tiers), MappingProxyType(dict(spec.tiers))
    )
