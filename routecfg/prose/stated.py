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

import re
from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

from routecfg.model import RoutingSpec
from routecfg.prose import records
from routecfg.prose.claims import find_claims
from routecfg.prose.vocab import vocabulary

# The kinds of claim that name a gate's tier, and the codes that silence them.
_TIER_CLAIMS = {records.TASK: "RC800", records.KEY: "RC801", records.ARROW: "RC802"}
_IGNORE = r"<!--\s*routecfg:ignore\b([^>]*?)-->"  # compiled where a text has one


class Stated(NamedTuple):  # not a dataclass: half the import time, on a check's cold path
    tiers: Mapping[str, str]  # gate -> the one tier every claim about it names
    disputed: tuple[str, ...]  # gates whose claims name more than one tier


def stated_tiers(
    spec: RoutingSpec, texts: Iterable[tuple[str, str]], gates: Collection[str]
) -> Stated:
    """The tier the prose of ``texts`` (skills target path, text) states for each of ``gates``,
    in ``spec``'s words."""
    vocab = vocabulary(spec)
    named: dict[str, set[str]] = {}
    for path, text in texts:
        if _silenced(spec, path, None):
            continue
        ignored = _ignored_lines(text)
        for claim in find_claims(text, vocab, _generated_lines(text, path)):
            code = _TIER_CLAIMS.get(claim.kind)
            gate, tier = claim.gate, claim.tier
            if code is None or gate not in gates or gate is None or tier is None or claim.fallback:
                continue
            codes = ignored.get(claim.line)
            if (codes is not None and (not codes or code in codes)) or _silenced(spec, path, code):
                continue
            named.setdefault(gate, set()).add(tier)
    return Stated(
        tiers={gate: next(iter(tiers)) for gate, tiers in named.items() if len(tiers) == 1},
        disputed=tuple(g for g in gates if len(named.get(g, ())) > 1),
    )


def _silenced(spec: RoutingSpec, path: str, code: str | None) -> bool:
    """As the lint reads ``prose.ignore``: a path, a code, or a code in one path."""
    for entry in spec.prose.ignore:
        where, _, what = entry.rpartition(":") if ":" in entry else ("", "", entry)
        if not where and what.startswith("RC"):
            if code is not None and what == code:
                return True
        elif (where == path and what == code) or entry == path:
            return True
    return False


def _generated_lines(text: str, path: str) -> frozenset[int]:
    """The lines of generated blocks, markers included: routecfg wrote them."""
    from routecfg.diagnostics import RoutecfgError
    from routecfg.targets import markers

    try:
        blocks = markers.find_blocks(text, path)
    except RoutecfgError:
        return frozenset()
    return frozenset(n for b in blocks for n in range(b.begin_line, b.end_line + 1))


def _ignored_lines(text: str) -> dict[int, frozenset[str]]:
    """Line -> codes an ignore comment on it or the line above silences (empty: every code)."""
    ignored: dict[int, frozenset[str]] = {}
    if "routecfg:ignore" not in text:
        return ignored
    for line in records.iter_lines(text):
        for match in re.finditer(_IGNORE, line.text):
            codes = frozenset(re.findall(r"RC\d{3}", match.group(1)))
            for number in (line.number, line.number + 1):
                previous = ignored.get(number)
                if previous is None:
                    ignored[number] = codes
                else:
                    ignored[number] = previous | codes if previous and codes else frozenset()
    return ignored
