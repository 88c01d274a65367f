"""Adopting a repository: where its files contradict each other (RC601-RC605).

Each check takes the records :mod:`routecfg.adopt_read` made, with the tiers, alias groups and
chains :mod:`routecfg.adopt` inferred from them, and adds a warning to the
:class:`~routecfg.adopt_read.Notes` wherever the files disagree or ``routecfg build`` would change
them: which side the spec takes, and what a build then writes. No check changes what the spec says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeAlias

from routecfg.adopt_read import (
    ALIAS_CHAIN,
    ALIAS_PRICE,
    BUILD_WILL_CHANGE,
    PRICE_SECTIONS,
    SCHEMA_DEFAULT,
    SCHEMA_ONLY_KEY,
    SPEC_FIELDS,
    Notes,
    ProxyFile,
    ProxyModel,
    RoutingValue,
)
from routecfg.adopt_render import GroupDraft, plain_number
from routecfg.model import MILLION, PROXY_CHAIN_KINDS, Tier
from routecfg.targets.proxy import PRICE_FIELDS
from routecfg.targets.routing import same

Chains: TypeAlias = Mapping[str, Mapping[str, tuple[str, ...]]]  # kind -> tier -> targets


# ── what no file says ───────────────────────────────────────────────────────────────────────


def note_unknown_model(name: str, found: ProxyModel | None, has_proxy: bool, notes: Notes) -> None:
    notes.guesses.append(f"tier '{name}': its model")
    if not has_proxy:
        return
    notes.warn(
        notes.paths.proxy,
        found.position() if found else (0, 0),
        BUILD_WILL_CHANGE,
        f"'{name}' is a tier (the preset or a fallback chain names it), but no model_list "
        f"entry says its model; the spec guesses '{name}': correct it before "
        f"`routecfg build` {'sets' if found else 'adds an entry with'} it",
    )


def note_unknown_price(name: str, found: ProxyModel | None, notes: Notes) -> None:
    notes.guesses.append(f"tier '{name}': its price")
    if found is None:
        return
    notes.warn(
        notes.paths.proxy,
        found.position(),
        BUILD_WILL_CHANGE,
        f"'{name}' states no input or no output price; the spec guesses 0: correct it "
        "before `routecfg build` writes it",
    )


# ── contradictions in the proxy config ──────────────────────────────────────────────────────


def check_proxy(
    proxy: ProxyFile,
    tiers: Iterable[str],
    chains: Chains,
    groups: Sequence[GroupDraft],
    notes: Notes,
) -> None:
    aliases = (n for g in groups for names in g.group.aliases.values() for n in names)
    for name in [*tiers, *aliases]:
        if name in proxy.models:
            _check_sections(proxy.models[name], notes)
    _check_mirrors(proxy, chains, groups, notes)


def check_alias_price(alias: ProxyModel, tier: Tier, notes: Notes) -> None:
    wanted = {f: getattr(tier.price, f) for f in SPEC_FIELDS if getattr(tier.price, f) is not None}
    stated = alias.price()
    differing = [f for f in wanted if stated.get(f) != wanted[f]]  # what a build sets
    if not differing:
        return
    said = ", ".join(
        f"{PRICE_FIELDS[f]} {_per_token(stated.get(f))} (tier: {_per_token(wanted.get(f))})"
        for f in differing
    )
    first = differing[0]
    notes.warn(
        notes.paths.proxy,
        alias.where.get(("litellm_params", PRICE_FIELDS[first]), alias.position()),
        ALIAS_PRICE,
        f"'{alias.name}' is served like tier '{tier.name}' ({tier.model}) but priced unlike it: "
        f"{said}; the spec takes the tier's prices, and `routecfg build` reprices '{alias.name}'",
    )


def _per_token(per_million: Decimal | None) -> str:
    return "none" if per_million is None else plain_number(per_million / MILLION)


def _check_sections(found: ProxyModel, notes: Notes) -> None:
    """litellm_params (spend tracking) and model_info (the UI) should state the same prices."""
    if not found.entries_agree:
        notes.warn(
            notes.paths.proxy,
            found.position(),
            BUILD_WILL_CHANGE,
            f"'{found.name}' has several model_list entries that differ; the spec states the "
            "first, and `routecfg build` makes every entry serve it",
        )
    differing = [
        (f, key) for f, key in PRICE_FIELDS.items() if found.params.get(f) != found.info.get(f)
    ]
    if not differing:
        return
    if not found.info or not found.params:
        _note_one_section_priced(found, notes)
    else:
        _note_sections_differ(found, differing, notes)


def _note_one_section_priced(found: ProxyModel, notes: Notes) -> None:
    if not found.info:
        return  # prices in litellm_params only: build keeps it so (the proxy target's rule)
    empty, other = "litellm_params", "model_info"
    notes.warn(
        notes.paths.proxy,
        found.position(),
        PRICE_SECTIONS,
        f"'{found.name}': {empty} states no prices, {other} does; the spec takes "
        f"the {other} prices, and `routecfg build` writes them to {empty} too",
    )


def _note_sections_differ(
    found: ProxyModel, differing: Sequence[tuple[str, str]], notes: Notes
) -> None:
    parts = []
    for f, key in differing:
        params, info = found.params.get(f), found.info.get(f)
        if params is not None and info is not None:
            parts.append(
                f"{key} {plain_number(params)} in litellm_params, "
                f"{plain_number(info)} in model_info"
            )
        else:
            parts.append(f"{key} only in {'litellm_params' if info is None else 'model_info'}")
    key = differing[0][1]
    section = "model_info" if ("model_info", key) in found.where else "litellm_params"
    notes.warn(
        notes.paths.proxy,
        found.where.get((section, key), found.position()),
        PRICE_SECTIONS,
        f"'{found.name}': litellm_params and model_info state different prices "
        f"({'; '.join(parts)}); the spec takes the litellm_params prices (model_info's where "
        "litellm_params has none), and `routecfg build` writes them to both",
    )


# ── contradictions in the chains ────────────────────────────────────────────────────────────


def _check_mirrors(
    proxy: ProxyFile, chains: Chains, groups: Sequence[GroupDraft], notes: Notes
) -> None:
    """Each alias's chain should be its tier's, mirrored in its group."""
    for draft in groups:
        group = draft.group
        members = [n for names in group.aliases.values() for n in names]
        for kind in PROXY_CHAIN_KINDS:
            wanted = group.mirror(chains.get(kind, {}))
            for name in members:
                has = proxy.chains[kind].get(name)
                mirrored = wanted.get(name)
                if (list(mirrored) if mirrored else None) != has:
                    _note_unmirrored(proxy, kind, name, group.name, has, mirrored, notes)


def _note_unmirrored(
    proxy: ProxyFile,
    kind: str,
    name: str,
    group: str,
    has: Sequence[str] | None,
    mirrored: Sequence[str] | None,
    notes: Notes,
) -> None:
    where = proxy.chain_where.get((kind, name)) or proxy.models[name].position()
    notes.warn(
        notes.paths.proxy,
        where,
        ALIAS_CHAIN,
        f"{kind}: '{name}' {_chain_said(has)}, but its tier's chain mirrored in "
        f"group '{group}' {_chain_said(mirrored)}; the spec takes the mirror, "
        f"and `routecfg build` {_chain_edit(has, mirrored)} it",
    )


def _chain_said(targets: Sequence[str] | None) -> str:
    if targets is None:
        return "has no chain"
    return f"falls back to [{', '.join(targets)}]" if targets else "has an empty chain"


def _chain_edit(has: Sequence[str] | None, wanted: Sequence[str] | None) -> str:
    if has is None:
        return "adds"
    return "rewrites" if wanted else "removes"


# ── contradictions in the schema ────────────────────────────────────────────────────────────


def check_schema(
    values: Sequence[RoutingValue], props: Mapping[str, RoutingValue], notes: Notes
) -> None:
    """The schema's routing defaults should be the preset's values, and each routing property
    of the schema a value of the preset."""
    stated = {v.key for v in values}
    for key, defined in props.items():
        if key in stated:
            continue
        default = f" (default {_show(defined.value)})" if defined.value is not None else ""
        owner = (
            "the spec leaves it out, and `routecfg build` leaves both files as they are (set "
            f"escalation.{'model' if key == 'escalationModel' else 'max_per_ticket'} to own it)"
            if key in ("escalationModel", "maxEscalationsPerTicket")
            else "the spec has no gate for it, and `routecfg build` leaves both files as they "
            f"are (add a gate with `config_key: {key}` to route it)"
        )
        notes.warn(
            notes.paths.schema,
            defined.where,
            SCHEMA_ONLY_KEY,
            f"llmOps.routing.{key}: the schema defines it{default}, but the preset does not "
            f"state it; {owner}",
        )
    for v in values:
        prop = props.get(v.key)
        if prop is not None and prop.value is not None:
            if not same(prop.value, v.value):
                notes.warn(notes.paths.schema, prop.where, SCHEMA_DEFAULT, _default_unlike(v, prop))
            continue
        where = prop.where if prop is not None else (0, 0)
        notes.warn(notes.paths.schema, where, BUILD_WILL_CHANGE, _default_missing(v, prop))


def _default_unlike(v: RoutingValue, prop: RoutingValue) -> str:
    return (
        f"llmOps.routing.{v.key}: the schema's default is {_show(prop.value)}, the "
        f"preset's value {_show(v.value)}; the spec takes the preset's {_show(v.value)}, "
        "and `routecfg build` sets the default to it"
    )


def _default_missing(v: RoutingValue, prop: RoutingValue | None) -> str:
    what = "has no default for" if prop is not None else "has no property for"
    return (
        f"llmOps.routing.{v.key}: the schema {what} it; `routecfg build` adds "
        f"{'one with ' if prop is None else ''}the default {_show(v.value)}"
    )


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)
