"""Writing the routecfg.yaml that `init --from-repo` inferred: a SpecDraft in, its text out.

:mod:`routecfg.adopt` reads the files and decides what the spec says; this module only lays it out
the way a person would write it: columns aligned, flow mappings for gates and prices, each guess
as a ``# guess:`` comment. The draft's records are defined here, beside the one function that
reads them, so that adopt imports its renderer and never the other way round.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from routecfg.model import AliasGroup, Escalation, Price, Tier
from routecfg.targets.proxy import PRICE_FIELDS

SCHEMA_FILE = "routecfg.schema.json"  # beside the spec, written by init and kept by build
SCHEMA_URL = f"./{SCHEMA_FILE}"  # relative: the editor resolves it offline
# The cost-optimized design's estimates (tokens per call, calls per ticket) for the gates it
# names; a starting point for the `cost:` section, marked as a guess.
DESIGN_PROFILE = {
    "wave_plan": "{input: 700, output: 330}",
    "plan": "{input: 5000, output: 2000}",
    "implement": "{input: 30000, output: 5000, calls: 2}",
    "lint": "{input: 2000, output: 500}",
    "review": "{input: 10000, output: 1000, calls: 2}",
    "commit": "{input: 1000, output: 200}",
    "write_agent": "{input: 1000, output: 670}",
}
OTHER_GATE_PROFILE = "{input: 5000, output: 1000}"
TIER_COMMENT_COLUMN = 36  # just past `    capabilities: [text, tool_use]`
SECTION_COMMENT_COLUMN = 30  # the column the `gates:` and `proxy:` comments start at

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@+/-]*(?:[: ][A-Za-z0-9_.@+/-]+)*")
_NOT_PLAIN = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


@dataclass(frozen=True)
class TierDraft:
    tier: Tier
    comments: Mapping[str, str]  # spec field -> its `# guess:` comment


@dataclass(frozen=True)
class GateDraft:
    name: str
    title: str
    tier: str
    needs: tuple[str, ...]
    fallback: tuple[str, ...]
    config_key: str
    comment: str


@dataclass(frozen=True)
class GroupDraft:
    group: AliasGroup
    comment: str


@dataclass(frozen=True)
class SpecDraft:
    """What the spec states, with the comments that say where each line came from."""

    sources: Mapping[str, str]  # target kind -> the path of the file read, for each file read
    tiers: tuple[TierDraft, ...]
    gates: tuple[GateDraft, ...]
    escalation: Escalation
    chains: Mapping[str, Mapping[str, tuple[str, ...]]]  # kind -> tier -> targets
    groups: tuple[GroupDraft, ...]
    model_info_where_stated: bool = False  # some served entry prices litellm_params only
    left_out: Mapping[str, str] = field(default_factory=dict)  # kind -> why it is no target
    skills: tuple[str, ...] = ()  # skills targets: Markdown the prose lint reads
    ledger: str | None = None  # proxy.ledger: the proxy registers routecfg's ledger callback


def render(draft: SpecDraft) -> str:
    lines = [
        *_header(draft.sources),
        "version: 1",
        "",
        "tiers:",
        *(line for tier in draft.tiers for line in _tier_lines(tier)),
        "",
        "gates:                        # from llmOps.routing, in the order skills run them",
        *_gate_lines(draft.gates),
        *_escalation_lines(draft.escalation),
        *_proxy_lines(draft.chains, draft.groups, draft.model_info_where_stated, draft.ledger),
        *_target_lines(draft.sources, draft.skills, draft.left_out),
        *_cost_lines(draft.gates),
    ]
    return "\n".join(lines) + "\n"


def plain_number(amount: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 0.000001, 27.5, 100."""
    text = format(amount.normalize(), "f")
    return "0" if text == "-0" else text


# ── sections ────────────────────────────────────────────────────────────────────────────────


def _header(sources: Mapping[str, str]) -> list[str]:
    width = max((len(kind) for kind in sources), default=0) + 1
    return [
        f"# yaml-language-server: $schema={SCHEMA_URL}",
        "#",
        "# Inferred by `routecfg init --from-repo` from what these files already say:",
        *(f"#   {kind + ':':<{width}} {path}" for kind, path in sources.items()),
        "# Lines marked `guess:` say what none of them states: check them.",
    ]


def _tier_lines(draft: TierDraft) -> list[str]:
    tier = draft.tier
    fields = [
        ("model", _scalar(tier.model)),
        ("capabilities", _flow(tier.capabilities)),
        *([("task_model", tier.task_model)] if tier.task_model else []),
        ("price", _price(tier.price)),
    ]
    rows = [(f"    {key}: {value}", draft.comments.get(key)) for key, value in fields]
    return [f"  {_scalar(tier.name)}:"] + [
        _comment(code, note, TIER_COMMENT_COLUMN) for code, note in rows
    ]


def _gate_lines(gates: Sequence[GateDraft]) -> list[str]:
    heads = [f"  {g.name}:" for g in gates]
    titles = [f"{{title: {_scalar(g.title)}," for g in gates]
    tiers = [f"tier: {_scalar(g.tier)}," for g in gates]
    head_w, title_w, tier_w = (max(len(s) for s in col) for col in (heads, titles, tiers))
    rows = []
    for gate, head, title, tier in zip(gates, heads, titles, tiers, strict=True):
        rest = [
            *([f"fallback: {_flow(gate.fallback)}"] if gate.fallback else []),
            *([f"needs: {_flow(gate.needs)}"] if gate.needs else []),
            f"config_key: {_scalar(gate.config_key)}}}",
        ]
        rows.append(f"{head:<{head_w}} {title:<{title_w}} {tier:<{tier_w}} {', '.join(rest)}")
    column = max(len(r) for r in rows) + 2
    return [_comment(row, gate.comment, column) for row, gate in zip(rows, gates, strict=True)]


def _escalation_lines(escalation: Escalation) -> list[str]:
    lines = []
    if escalation.model is not None:
        model = f"  model: {_scalar(escalation.model)}"
        lines.append(_comment(model, "llmOps.routing.escalationModel", SECTION_COMMENT_COLUMN))
    if escalation.max_per_ticket is not None:
        count = f"  max_per_ticket: {escalation.max_per_ticket}"
        note = "llmOps.routing.maxEscalationsPerTicket"
        lines.append(_comment(count, note, SECTION_COMMENT_COLUMN))
    return ["", "escalation:", *lines] if lines else []


def _proxy_lines(
    chains: Mapping[str, Mapping[str, tuple[str, ...]]],
    groups: Sequence[GroupDraft],
    model_info_where_stated: bool = False,
    ledger: str | None = None,
) -> list[str]:
    if not chains and not groups and not model_info_where_stated and ledger is None:
        return []
    lines = [
        "",
        "proxy:                        # the proxy's router_settings",
        *_chain_lines(chains),
    ]
    if model_info_where_stated:
        lines.append(
            "  model_info_prices: where-stated  # as the file: some entries price "
            "litellm_params only"
        )
    if groups:
        lines.append("  aliases:                    # further model_names served like a tier")
        lines += [line for group in groups for line in _group_lines(group)]
    if ledger is not None:
        lines.append(
            _comment(
                f"  ledger: {_scalar(ledger)}",
                "routecfg's ledger callback writes",
                SECTION_COMMENT_COLUMN,
            )
        )
    return lines


def _chain_lines(chains: Mapping[str, Mapping[str, tuple[str, ...]]]) -> list[str]:
    width = max((len(kind) for kind in chains), default=0) + 2
    lines = []
    for kind, chain in chains.items():
        body = ", ".join(f"{_scalar(key)}: {_flow(targets)}" for key, targets in chain.items())
        lines.append(f"  {kind + ':':<{width - 1}} {{{body}}}")
    return lines


def _group_lines(draft: GroupDraft) -> list[str]:
    group = draft.group
    head = _comment(f"    {group.name}:", draft.comment, SECTION_COMMENT_COLUMN)
    return [head] + [
        f"      {_scalar(tier)}: {_flow(names)}" for tier, names in group.aliases.items()
    ]


def _target_lines(
    sources: Mapping[str, str],
    skills: Sequence[str] = (),
    left_out: Mapping[str, str] | None = None,
) -> list[str]:
    """The files read as targets (one left out is a comment, with why), then the skills."""
    lines = ["", "targets:"]
    written = {**sources, "editor_schema": SCHEMA_FILE}  # for the `$schema` line above
    for kind, path in written.items():
        if left_out and kind in left_out:
            lines += [f"  # {kind}: {_scalar(path)}", f"  #   {left_out[kind]}"]
        else:
            lines.append(f"  {kind}: {_scalar(path)}")
    if skills:
        lines.append("  skills:                     # prose checked by `routecfg check`")
        lines.extend(f"    - {_scalar(path)}" for path in skills)
    return lines


def _cost_lines(gates: Sequence[GateDraft]) -> list[str]:
    """A starter cost model, every figure a guess: no file states tokens per call."""
    width = max((len(g.name) for g in gates), default=0) + 1
    rows = [
        f"    {g.name + ':':<{width}} {DESIGN_PROFILE.get(g.name, OTHER_GATE_PROFILE)}"
        for g in gates
    ]
    column = max(len(r) for r in rows) + 2 if rows else 0
    return [
        "",
        "cost:",
        "  tickets: 50",
        _comment(
            "  profile:",
            "guess: tokens per call, calls per ticket; measure them (`routecfg actuals`)",
            SECTION_COMMENT_COLUMN,
        ),
        *(
            _comment(
                row,
                "guess: the design's estimate"
                if g.name in DESIGN_PROFILE
                else "guess: a typical gate",
                column,
            )
            for row, g in zip(rows, gates, strict=True)
        ),
    ]


# ── values ──────────────────────────────────────────────────────────────────────────────────


def _comment(code: str, note: str | None, column: int) -> str:
    if not note:
        return code
    return f"{code:<{column - 2}}  # {note}" if len(code) < column - 2 else f"{code}  # {note}"


def _price(price: Price) -> str:
    amounts = ((f, getattr(price, f)) for f in PRICE_FIELDS)
    return "{" + ", ".join(f"{f}: {_money(a)}" for f, a in amounts if a is not None) + "}"


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(_scalar(item) for item in items) + "]"


def _scalar(text: str) -> str:
    """A string as YAML reads it back: plain when that is safe, else double-quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _NOT_PLAIN:
        return text
    return json.dumps(text, ensure_ascii=False)


def _money(amount: Decimal) -> str:
    """USD as the presets write it: 0, 1.00, 0.11, 1.375."""
    if amount == 0:
        return "0"
    whole, _, cents = plain_number(amount).partition(".")
    return f"{whole}.{cents:0<2}"
