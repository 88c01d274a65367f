"""Adopting an existing repository: the routecfg.yaml its files already imply (`init --from-repo`).

Pure: the texts of a backlog preset, its config schema and a LiteLLM proxy config in (any may be
absent), the text of a spec and what was noticed on the way out. The spec states what the files
say, so a following ``routecfg build`` leaves the preset and the proxy config as they are. Where the
files disagree the spec takes one side, and a warning says which (RC601-RC605). What no file says
is guessed, and the spec marks each such line ``# guess:``.

This module reads the files and decides what the spec says, as a typed
:class:`~routecfg.adopt_render.SpecDraft`; :mod:`routecfg.adopt_render` writes its text.

The heuristics:

- tiers: the names ``llmOps.routing`` and ``escalationModel`` give, and whatever the proxy's
  fallback chains connect to them: a tier's chain targets, and a chain's key when it falls back to
  a tier and is not served by a tier's model already (upstream's ``free``);
- aliases: every other model_list entry served by a tier's model (by the tier priced the same when
  several share it). Grouped by how the name is written: the model id without its provider prefix
  (``us.anthropic.claude-sonnet-4-6`` for ``bedrock/us.anthropic.claude-sonnet-4-6``) goes to a
  group named after the provider (``bedrock``); a name starting ``claude-`` to ``claude-code`` (the
  names Claude Code sends); any other name to ``aliases``. In each group, a tier's first alias is
  the one the group's chains fall back to, so the mirrored chains are the file's;
- capabilities: an Ollama model has ``[text]``, any other ``[text, tool_use]``; ``task_model`` is
  haiku, sonnet or opus when the model id names one, none otherwise;
- gates: one per routing key, named and titled after the backlog toolkit's gates
  (``entryModelImplement`` is ``implement``, Gate 2 IMPLEMENT, needs tool_use), or after the key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias

from ruamel.yaml.comments import CommentedMap

from routecfg.adopt_render import (
    GateDraft,
    GroupDraft,
    SpecDraft,
    TierDraft,
    plain_number,
    render,
)
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import MILLION, PROXY_CHAIN_KINDS, AliasGroup, Escalation, Price, Proxy, Tier
from routecfg.rules import ESCALATION_KEYS
from routecfg.targets import jsontext, yamledit
from routecfg.targets.proxy import PRICE_FIELDS
from routecfg.targets.routing import SCHEMA_ROUTING_PATH, same
from routecfg.targets.yamledit import as_decimal

PRESET_PATH = "config/presets/default.json"
SCHEMA_PATH = "config/backlog.config.schema.json"
PROXY_PATHS = ("config/litellm/proxy-config.docker.yaml", "config/litellm/proxy-config.yaml")
# Where `init --from-repo` looks, relative to the spec's folder: the first file found is read.
USUAL_PATHS = {"preset": (PRESET_PATH,), "schema": (SCHEMA_PATH,), "proxy": PROXY_PATHS}

SCHEMA_DEFAULT = "RC601"
ALIAS_PRICE = "RC602"
PRICE_SECTIONS = "RC603"
ALIAS_CHAIN = "RC604"
BUILD_WILL_CHANGE = "RC605"
NO_ROUTING = "RC606"

# routing key: (gate, title, needs), in the order skills run the gates
KNOWN_GATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "entryModelPlan": ("plan", "Gate 1 PLAN", ()),
    "entryModelImplement": ("implement", "Gate 2 IMPLEMENT", ("tool_use",)),
    "entryModelReview": ("review", "Gate 4 REVIEW", ("tool_use",)),
    "entryModelClassify": ("classify", "Classification", ()),
    "entryModelDraft": ("draft", "Drafts", ()),
}
TASK_MODELS = ("haiku", "sonnet", "opus")
# The backlog toolkit's tier names, for a tier no model_list entry describes.
TASK_MODEL_BY_TIER = {"cheap": "haiku", "balanced": "sonnet", "frontier": "opus"}
LOCAL_TIER_NAMES = ("free", "local")
LOCAL_PREFIXES = ("ollama/", "ollama_chat/")
SPEC_FIELDS = tuple(PRICE_FIELDS)  # input, output, cache_read, cache_write

Chains: TypeAlias = Mapping[str, Mapping[str, tuple[str, ...]]]  # kind -> tier -> targets


@dataclass(frozen=True)
class TargetPaths:
    """Where the files are, relative to the spec's folder; None for a file not read."""

    preset: str | None = None
    schema: str | None = None
    proxy: str | None = None


@dataclass(frozen=True)
class Inferred:
    text: str
    contradictions: tuple[Diagnostic, ...]  # warnings: where the files disagree, the side taken
    guesses: tuple[str, ...]  # each also a `# guess:` comment in the text
    tiers: tuple[str, ...]
    gates: tuple[str, ...]
    alias_groups: tuple[str, ...]


def infer_spec(
    preset_text: str | None,
    schema_text: str | None,
    proxy_text: str | None,
    paths: TargetPaths,
) -> Inferred:
    """The routecfg.yaml these files imply. Raises RoutecfgError when one does not parse."""
    paths = _paths_read(paths, preset_text, schema_text, proxy_text)
    notes = _Notes(paths)
    values, schema_props, from_preset = _routing(preset_text, schema_text, notes)
    _require_a_gate(values, paths)
    proxy = _read_proxy(proxy_text, paths.proxy or "") if proxy_text is not None else None
    seeds = [v.value for v in values if isinstance(v.value, str)]
    drafts = {name: _draft_tier(name, proxy, notes) for name in _find_tiers(seeds, proxy)}
    tiers = {name: draft.tier for name, draft in drafts.items()}
    chains = _tier_chains(proxy, tiers)
    groups: list[GroupDraft] = []
    if proxy is not None:
        groups = _alias_groups(proxy, tiers, notes)
        _check_proxy(proxy, tiers, chains, groups, notes)
    if from_preset and schema_text is not None:
        _check_schema(values, schema_props, notes)
    gates = _draft_gates(values, tiers, Proxy({kind: dict(c) for kind, c in chains.items()}), notes)
    draft = SpecDraft(
        {kind: path for kind, path in vars(paths).items() if path is not None},
        tuple(drafts.values()),
        tuple(gates),
        _escalation(values),
        chains,
        tuple(groups),
    )
    return Inferred(
        render(draft),
        tuple(sorted(notes.warnings, key=Diagnostic.sort_key)),
        tuple(notes.guesses),
        tuple(tiers),
        tuple(g.name for g in gates),
        tuple(g.group.name for g in groups),
    )


def _paths_read(
    paths: TargetPaths, preset_text: str | None, schema_text: str | None, proxy_text: str | None
) -> TargetPaths:
    return TargetPaths(
        paths.preset if preset_text is not None else None,
        paths.schema if schema_text is not None else None,
        paths.proxy if proxy_text is not None else None,
    )


def _require_a_gate(values: Sequence[_Value], paths: TargetPaths) -> None:
    if any(v.key not in ESCALATION_KEYS for v in values):
        return
    problem = Diagnostic(
        paths.preset or paths.schema or paths.proxy or "",
        0,
        0,
        Severity.ERROR,
        NO_ROUTING,
        "no llmOps.routing value routes a gate: there is nothing to infer gates from",
        "name the preset (--preset-file), or start from a bundled preset (--preset)",
    )
    raise RoutecfgError([problem])


def _escalation(values: Iterable[_Value]) -> Escalation:
    given = {v.key: v.value for v in values if v.key in ESCALATION_KEYS}
    return Escalation(given.get("escalationModel"), given.get("maxEscalationsPerTicket"))


# ── what the files say ──────────────────────────────────────────────────────────────────────


@dataclass
class _Notes:
    paths: TargetPaths
    warnings: list[Diagnostic] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)

    def warn(self, path: str | None, where: tuple[int, int], code: str, message: str) -> None:
        self.warnings.append(
            Diagnostic(path or "", where[0], where[1], Severity.WARNING, code, message)
        )


@dataclass(frozen=True)
class _Value:
    key: str
    value: Any
    where: tuple[int, int]


@dataclass(frozen=True)
class _Model:
    """One model_name of model_list (its first entry), prices per token by spec price field."""

    name: str
    model: str | None
    params: Mapping[str, Decimal]
    info: Mapping[str, Decimal]
    where: Mapping[tuple[str, ...], yamledit.Position]
    entries_agree: bool

    def price(self) -> dict[str, Decimal]:
        """USD per million tokens, litellm_params' first (what LiteLLM tracks spend with)."""
        chosen = {f: self.params.get(f, self.info.get(f)) for f in SPEC_FIELDS}
        return {f: (v * MILLION).normalize() for f, v in chosen.items() if v is not None}

    def position(self) -> yamledit.Position:
        return self.where.get((), yamledit.Position(0, 0))


@dataclass(frozen=True)
class _ProxyFile:
    models: Mapping[str, _Model]
    chains: Mapping[str, Mapping[str, list[str]]]  # kind -> name -> targets, file order
    chain_where: Mapping[tuple[str, str], yamledit.Position]


def _routing(
    preset_text: str | None, schema_text: str | None, notes: _Notes
) -> tuple[list[_Value], dict[str, _Value], bool]:
    """The routing the spec states, the schema's routing properties, and whether the preset
    said it (else the schema's defaults do)."""
    defaults = _schema_defaults(schema_text, notes.paths.schema) if schema_text is not None else {}
    if preset_text is not None:
        stated = _preset_routing(preset_text, notes)
        if stated is not None:
            return _usable(stated, notes.paths.preset, notes), defaults, True
    notes.guesses.append("the routing is the schema's defaults: no preset says it")
    given = [v for v in defaults.values() if v.value is not None]
    return _usable(given, notes.paths.schema, notes), defaults, False


def _schema_defaults(schema_text: str, path: str | None) -> dict[str, _Value]:
    """Each routing property of the schema, with its default (None for one without)."""
    doc = jsontext.parse(schema_text, path or "")
    defaults = {}
    for key, prop in (_object_at(doc.value, SCHEMA_ROUTING_PATH) or {}).items():
        at = (*SCHEMA_ROUTING_PATH, key)
        if isinstance(prop, dict) and "default" in prop:
            defaults[key] = _Value(key, prop["default"], _json_at(doc, (*at, "default")))
        else:
            defaults[key] = _Value(key, None, _json_at(doc, at))
    return defaults


def _preset_routing(preset_text: str, notes: _Notes) -> list[_Value] | None:
    """The preset's ``llmOps.routing`` values; None, and a warning, when it has none."""
    doc = jsontext.parse(preset_text, notes.paths.preset or "")
    routing = _object_at(doc.value, ("llmOps", "routing"))
    if routing is not None:
        return [
            _Value(key, value, _json_at(doc, ("llmOps", "routing", key)))
            for key, value in routing.items()
        ]
    notes.warn(
        notes.paths.preset,
        _json_at(doc, ("llmOps", "routing")),
        BUILD_WILL_CHANGE,
        "the preset has no llmOps.routing object; the spec takes the schema's defaults, and "
        "`routecfg build` adds them to the preset",
    )
    return None


def _json_at(doc: jsontext.JsonDoc, path: jsontext.JsonPath) -> tuple[int, int]:
    """Where ``path`` is, or the deepest part of it that exists."""
    while doc.node(path) is None:
        path = path[:-1]
    node = doc.node(path)
    return doc.position(node.start) if node is not None else (1, 1)


def _object_at(value: Any, path: Sequence[str]) -> dict[str, Any] | None:
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else None


def _usable(values: list[_Value], path: str | None, notes: _Notes) -> list[_Value]:
    """The values a spec can state: tier names, and a whole number of escalations."""
    kept = []
    for v in values:
        if _statable(v):
            kept.append(v)
            continue
        notes.warn(
            path,
            v.where,
            BUILD_WILL_CHANGE,
            f"llmOps.routing.{v.key} is {json.dumps(v.value)}, which no spec can state; "
            "it is left out of the spec, and `routecfg build` leaves it as it is",
        )
    return kept


def _statable(v: _Value) -> bool:
    if v.key == "maxEscalationsPerTicket":
        return isinstance(v.value, int) and not isinstance(v.value, bool) and v.value >= 0
    return isinstance(v.value, str) and v.value != ""


def _read_proxy(text: str, path: str) -> _ProxyFile:
    doc = yamledit.load(text, path)
    positions = yamledit.model_positions(doc)
    models: dict[str, _Model] = {}
    for name, entries in yamledit.model_entries(doc).items():
        read = [_entry(entry) for entry in entries]
        mine = {key[1:]: pos for key, pos in positions.items() if key[0] == name}
        model, params, info = read[0]
        models[name] = _Model(name, model, params, info, mine, all(r == read[0] for r in read))
    chains: dict[str, Mapping[str, list[str]]] = {}
    chain_where: dict[tuple[str, str], yamledit.Position] = {}
    for kind in yamledit.CHAIN_KINDS:
        chains[kind] = yamledit.chains(doc, kind)
        for key, where in yamledit.chain_positions(doc, kind).items():
            chain_where[kind, key] = where
    return _ProxyFile(models, chains, chain_where)


def _entry(entry: CommentedMap) -> tuple[str | None, dict[str, Decimal], dict[str, Decimal]]:
    """One model_list entry: its model, and the prices its litellm_params and model_info state."""
    sections = [entry.get(name) for name in yamledit.SECTIONS]
    params, info = (s if isinstance(s, CommentedMap) else CommentedMap() for s in sections)
    model = params.get("model")
    return (model if isinstance(model, str) else None), _prices(params), _prices(info)


def _prices(section: CommentedMap) -> dict[str, Decimal]:
    found = {f: as_decimal(section.get(key)) for f, key in PRICE_FIELDS.items()}
    return {f: v for f, v in found.items() if v is not None}


# ── tiers ───────────────────────────────────────────────────────────────────────────────────


def _find_tiers(seeds: Iterable[str], proxy: _ProxyFile | None) -> list[str]:
    """The seeds and every name the proxy's chains connect to them, in model_list order."""
    tiers = list(dict.fromkeys(seeds))
    if proxy is not None:
        while _add_chained(tiers, proxy):
            pass
    listed = list(proxy.models) if proxy else []
    return sorted(tiers, key=lambda t: listed.index(t) if t in listed else len(listed))


def _add_chained(tiers: list[str], proxy: _ProxyFile) -> bool:
    """One pass over the chains, adding each name one connects to ``tiers``; whether any was new.
    A name counts from the moment it is added, so the pass order matters."""
    grew = False
    for chains in proxy.chains.values():
        for key, targets in chains.items():
            for name in _connected(key, targets, tiers, proxy.models):
                if name not in tiers:
                    tiers.append(name)
                    grew = True
    return grew


def _connected(
    key: str, targets: Sequence[str], tiers: Sequence[str], models: Mapping[str, _Model]
) -> Sequence[str]:
    """A tier's chain targets; a chain's key and targets when it falls back to a tier and no
    tier's model serves it already (upstream's ``free``)."""
    if key in tiers:
        return targets
    if any(t in tiers for t in targets) and _served_by(key, tiers, models) is None:
        return [key, *targets]
    return []


def _served_by(name: str, tiers: Sequence[str], models: Mapping[str, _Model]) -> str | None:
    """The tier whose model serves ``name`` too (the one priced the same, when several do)."""
    mine = models.get(name)
    if mine is None or mine.model is None:
        return None
    candidates = [t for t in tiers if t != name and t in models and models[t].model == mine.model]
    same_price = [t for t in candidates if models[t].price() == mine.price()]
    chosen = same_price or candidates
    return chosen[0] if chosen else None


def _draft_tier(name: str, proxy: _ProxyFile | None, notes: _Notes) -> TierDraft:
    found = proxy.models.get(name) if proxy else None
    model = found.model if found is not None else None
    comments: dict[str, str] = {}
    if model is None:
        comments["model"] = "guess: no model_list entry says which model; write the LiteLLM model"
        _note_unknown_model(name, found, proxy is not None, notes)
    price = found.price() if found else {}
    if "input" not in price or "output" not in price:
        comments["price"] = "guess: no price stated; write USD per million tokens"
        _note_unknown_price(name, found, notes)
        price = {"input": Decimal(0), "output": Decimal(0), **price}
    capabilities, task_model, kind_comments = _guess_kind(name, model)
    notes.guesses.append(f"tier '{name}': capabilities and task_model")
    tier = Tier(name, name if model is None else model, capabilities, Price(**price), task_model)
    return TierDraft(tier, {**comments, **kind_comments})


def _note_unknown_model(name: str, found: _Model | None, has_proxy: bool, notes: _Notes) -> None:
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


def _note_unknown_price(name: str, found: _Model | None, notes: _Notes) -> None:
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


def _guess_kind(name: str, model: str | None) -> tuple[tuple[str, ...], str | None, dict[str, str]]:
    """Capabilities and task_model, from the model id when there is one, else the tier's name;
    and the comments that say so."""
    if model is not None:
        local = model.startswith(LOCAL_PREFIXES)
        task_model = _task_model(model)
        reason = "a local Ollama model has no tool_use" if local else "a hosted model uses tools"
        source = "the model id"
    else:
        local = name in LOCAL_TIER_NAMES
        task_model = TASK_MODEL_BY_TIER.get(name)
        reason = "named like a local model: no tool_use" if local else "named like a hosted model"
        source = "the tier name"
    capabilities = ("text",) if local else ("text", "tool_use")
    comments = {"task_model": f"guess: from {source}", "capabilities": f"guess: {reason}"}
    return capabilities, task_model, comments


def _task_model(model: str) -> str | None:
    lowered = model.lower()
    if model.startswith(LOCAL_PREFIXES):
        return None
    return next((name for name in TASK_MODELS if name in lowered), None)


# ── aliases ─────────────────────────────────────────────────────────────────────────────────


def _alias_groups(proxy: _ProxyFile, tiers: Mapping[str, Tier], notes: _Notes) -> list[GroupDraft]:
    """Every other model_name a tier's model serves, grouped by how its name is written."""
    members: dict[str, dict[str, list[str]]] = {}  # group -> tier -> names, file order
    comments: dict[str, str] = {}
    for name, found in proxy.models.items():
        tier = _served_by(name, list(tiers), proxy.models) if name not in tiers else None
        if tier is None or found.model is None:
            continue
        _check_alias_price(found, tiers[tier], notes)
        group, comment = _group_name(name, found.model)
        comments.setdefault(group, comment)
        members.setdefault(group, {}).setdefault(tier, []).append(name)
    return [
        GroupDraft(AliasGroup(group, _in_chain_order(aliases, proxy, tiers)), comments[group])
        for group, aliases in members.items()
    ]


def _group_name(alias: str, model: str) -> tuple[str, str]:
    """A group's name and the comment that explains it, from how the alias is written."""
    provider, slash, model_id = model.partition("/")
    if slash and alias == model_id:
        return _slug(provider), f"guess: {provider}'s own model ids"
    if alias.startswith("claude-"):
        return "claude-code", "guess: the short names Claude Code sends"
    return "aliases", "guess: further names served like a tier"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return slug if re.match(r"[a-z]", slug) else f"aliases-{slug}".rstrip("-")


def _in_chain_order(
    aliases: Mapping[str, list[str]], proxy: _ProxyFile, tiers: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """A group's aliases by tier, in tier order. Within a tier the names the group's chains fall
    back to come first: the first alias, where mirrored chains point, is where the file points."""
    members = {n for names in aliases.values() for n in names}
    pointed = [
        t
        for chains in proxy.chains.values()
        for key, targets in chains.items()
        if key in members
        for t in targets
    ]

    def rank(name: str) -> int:
        return pointed.index(name) if name in pointed else len(pointed)

    return {t: tuple(sorted(aliases[t], key=rank)) for t in tiers if t in aliases}


# ── contradictions in the proxy config ──────────────────────────────────────────────────────


def _check_proxy(
    proxy: _ProxyFile,
    tiers: Iterable[str],
    chains: Chains,
    groups: Sequence[GroupDraft],
    notes: _Notes,
) -> None:
    aliases = (n for g in groups for names in g.group.aliases.values() for n in names)
    for name in [*tiers, *aliases]:
        if name in proxy.models:
            _check_sections(proxy.models[name], notes)
    _check_mirrors(proxy, chains, groups, notes)


def _check_alias_price(alias: _Model, tier: Tier, notes: _Notes) -> None:
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


def _check_sections(found: _Model, notes: _Notes) -> None:
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


def _note_one_section_priced(found: _Model, notes: _Notes) -> None:
    empty, other = (
        ("model_info", "litellm_params") if not found.info else ("litellm_params", "model_info")
    )
    notes.warn(
        notes.paths.proxy,
        found.position(),
        PRICE_SECTIONS,
        f"'{found.name}': {empty} states no prices, {other} does; the spec takes "
        f"the {other} prices, and `routecfg build` writes them to {empty} too",
    )


def _note_sections_differ(
    found: _Model, differing: Sequence[tuple[str, str]], notes: _Notes
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


# ── chains ──────────────────────────────────────────────────────────────────────────────────


def _tier_chains(proxy: _ProxyFile | None, tiers: Iterable[str]) -> Chains:
    if proxy is None:
        return {}
    names = set(tiers)
    found = {
        kind: {key: tuple(targets) for key, targets in proxy.chains[kind].items() if key in names}
        for kind in PROXY_CHAIN_KINDS
    }
    return {kind: chains for kind, chains in found.items() if chains}


def _check_mirrors(
    proxy: _ProxyFile, chains: Chains, groups: Sequence[GroupDraft], notes: _Notes
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
    proxy: _ProxyFile,
    kind: str,
    name: str,
    group: str,
    has: Sequence[str] | None,
    mirrored: Sequence[str] | None,
    notes: _Notes,
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


def _check_schema(values: Sequence[_Value], props: Mapping[str, _Value], notes: _Notes) -> None:
    """The schema's routing defaults should be the preset's values."""
    for v in values:
        prop = props.get(v.key)
        if prop is not None and prop.value is not None:
            if not same(prop.value, v.value):
                notes.warn(notes.paths.schema, prop.where, SCHEMA_DEFAULT, _default_unlike(v, prop))
            continue
        where = prop.where if prop is not None else (0, 0)
        notes.warn(notes.paths.schema, where, BUILD_WILL_CHANGE, _default_missing(v, prop))


def _default_unlike(v: _Value, prop: _Value) -> str:
    return (
        f"llmOps.routing.{v.key}: the schema's default is {_show(prop.value)}, the "
        f"preset's value {_show(v.value)}; the spec takes the preset's {_show(v.value)}, "
        "and `routecfg build` sets the default to it"
    )


def _default_missing(v: _Value, prop: _Value | None) -> str:
    what = "has no default for" if prop is not None else "has no property for"
    return (
        f"llmOps.routing.{v.key}: the schema {what} it; `routecfg build` adds "
        f"{'one with ' if prop is None else ''}the default {_show(v.value)}"
    )


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


# ── gates ───────────────────────────────────────────────────────────────────────────────────


def _draft_gates(
    values: Sequence[_Value], tiers: Mapping[str, Tier], proxy: Proxy, notes: _Notes
) -> list[GateDraft]:
    """One gate per routing key, in the order skills run them."""
    order = list(KNOWN_GATES)
    keys = sorted(
        (v for v in values if v.key not in ESCALATION_KEYS),
        key=lambda v: order.index(v.key) if v.key in order else len(order),
    )
    gates: list[GateDraft] = []
    for v in keys:
        gate, guessed = _draft_gate(v.key, tiers[v.value], tiers, proxy, {g.name for g in gates})
        gates.append(gate)
        notes.guesses.append(f"gate '{gate.name}': {guessed}")
    return gates


def _draft_gate(
    key: str, tier: Tier, tiers: Mapping[str, Tier], proxy: Proxy, taken: set[str]
) -> tuple[GateDraft, str]:
    """The gate routed by ``key``, and what about it is guessed."""
    name, title, needs = KNOWN_GATES.get(key) or _gate_from_key(key)
    while name in taken:
        name += "_"
    guessed = ["title", "needs"] if needs else ["title"]
    if key not in KNOWN_GATES:
        guessed = ["name and title from the key"]
    if any(need not in tier.capabilities for need in needs):
        needs = ()
        guessed = [*guessed[:1], f"no needs: tier '{tier.name}' is guessed to lack tool_use"]
    fallback = _local_fallback(tier, tiers, proxy)
    if fallback:
        guessed.append(f"fallback: '{tier.name}' is local, and no chain leaves it")
    said = ", ".join(guessed)
    return GateDraft(name, title, tier.name, needs, fallback, key, f"guess: {said}"), said


def _gate_from_key(key: str) -> tuple[str, str, tuple[str, ...]]:
    stem = key.removeprefix("entryModel") if re.match(r"entryModel[A-Z]", key) else key
    name = re.sub(r"[^a-z0-9_]+", "_", re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()).strip("_")
    name = name if re.match(r"[a-z]", name) else f"gate_{name}".rstrip("_")
    return name, " ".join(word.capitalize() for word in name.split("_")), ()


def _local_fallback(tier: Tier, tiers: Mapping[str, Tier], proxy: Proxy) -> tuple[str, ...]:
    """A cloud tier for a gate on a local tier that no proxy chain leads out of, else nothing."""
    if not tier.is_local:
        return ()
    if any(not tiers[t].is_local for t in proxy.walk("fallbacks", tier.name) if t in tiers):
        return ()
    clouds = [t for t in tiers.values() if not t.is_local]
    if not clouds:
        return ()
    cheapest = min(clouds, key=lambda t: t.price.input + t.price.output)
    return (cheapest.name,)
