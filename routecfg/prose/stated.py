"""What the skills' prose states of a gate's tier: the cost line's "before" for a gate whose old
tier no config key holds.

Before a spec is committed, the before of the cost line is what the targets hold. A gate with a
config key has its old tier in the preset; another one (Gate 3 LINT, the write-agents) has it
only in the prose of the skills that run it: a gate arrow (``Gate 5 COMMIT → always "cheap"``),
a Task model (``delegate to sonnet write-agent``), a key with a tier (``"lintModel": "cheap"``).
These are the claims the prose lint reads (:func:`routecfg.prose.claims.find_claims`), read here
for the tier they name instead of judged. A gate's old tier is the one tier all its claims name;
claims of a fallback say nothing of it; generated blocks and silenced lines are not read, as the
lint does not read them. Text in, records out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

from routecfg.model import RoutingSpec
from routecfg.prose import records
from routecfg.prose.lint import claims_read

# The kinds of claim that name a gate's tier.
_TIER_CLAIMS = frozenset({records.TASK, records.KEY, records.ARROW})


class Stated(NamedTuple):  # not a dataclass: half the import time, on a check's cold path
    tiers: Mapping[str, str]  # gate -> the one tier every claim about it names
    disputed: tuple[str, ...]  # gates whose claims name more than one tier


def stated_tiers(
    spec: RoutingSpec, texts: Iterable[tuple[str, str]], gates: Collection[str]
) -> Stated:
    """The tier the prose of ``texts`` (skills target path, text) states for each of ``gates``,
    in ``spec``'s words."""
    named: dict[str, set[str]] = {}
    for path, text in texts:
        for claim, _ in claims_read(spec, text, path):
            gate, tier = claim.gate, claim.tier
            if claim.kind not in _TIER_CLAIMS or gate not in gates or gate is None:
                continue
            if tier is None or claim.fallback:
                continue
            named.setdefault(gate, set()).add(tier)
    return Stated(
        tiers={gate: next(iter(tiers)) for gate, tiers in named.items() if len(tiers) == 1},
        disputed=tuple(g for g in gates if len(named.get(g, ())) > 1),
    )
