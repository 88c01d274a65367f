"""Adopting an existing repository: the routecfg.yaml its files already imply (`init --from-repo`).

Pure: the texts of a backlog preset, its config schema and a LiteLLM proxy config in (any may be
absent), the text of a spec and what was noticed on the way out. The spec states what the files
say, so a following ``routecfg build`` leaves the preset and the proxy config as they are. Where the
files disagree the spec takes one side, and a warning says which (RC601-RC605). What no file says
is guessed, and the spec marks each such line ``# guess:``.

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
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import MILLION, PROXY_CHAIN_KINDS, AliasGroup, Price, Proxy, Tier
from routecfg.rules import ESCALATION_KEYS
from routecfg.targets import jsontext, yamledit
from routecfg.targets.proxy import PRICE_FIELDS
from routecfg.targets.routing import SCHEMA_ROUTING_PATH, same
from routecfg.targets.yamledit import as_decimal

SCHEMA_URL = "https://routecfg.dev/schemas/routecfg.schema.json"
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
TIER_COMMENT_COLUMN = 36  # just past `    capabilities: [text, tool_use]`

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@+/-]*(?:[: ][A-Za-z0-9_.@+/-]+)*")
_NOT_PLAIN = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


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


@dataclass(frozen=True)
class _ProxyFile:
    models: Mapping[str, _Model]
    chains: Mapping[str, Mapping[str, list[str]]]  # kind -> name -> targets, file order
    chain_where: Mapping[tuple[str, str], yamledit.Position]


def _json_position(doc: jsontext.JsonDoc, path: jsontext.JsonPath) -> tuple[int, int]:
    """Where ``path`` is, or the deepest part of it that exists."""
    while doc.node(path) is None:
        path = path[:-1]
    node = doc.node(path)
    return doc.position(node.start) if node is not None else (1, 1)


def _routing(
    preset_text: str | None, schema_text: str | None, notes: _Notes
) -> tuple[list[_Value], dict[str, _Value], bool]:
    """The routing the spec states, the schema's routing properties, and whether the preset
    said it (else the schema's defaults do)."""
    paths = notes.paths
    defaults: dict[str, _Value] = {}
    if schema_text is not None:
        doc = jsontext.parse(schema_text, paths.schema or "")
        properties = _object_at(doc.value, SCHEMA_ROUTING_PATH)
        for key, prop in (properties or {}).items():
            path = (*SCHEMA_ROUTING_PATH, key)
            has_default = isinstance(prop, dict) and "default" in prop
            where = _json_position(doc, (*path, "default") if has_default else path)
            defaults[key] = _Value(key, prop.get("default") if has_default else None, where)
    if preset_text is not None:
        doc = jsontext.parse(preset_text, paths.preset or "")
        routing = _object_at(doc.value, ("llmOps", "routing"))
        if routing is not None:
            values = [
                _Value(key, value, _json_position(doc, ("llmOps", "routing", key)))
                for key, value in routing.items()
            ]
            return _usable(values, paths.preset, notes), defaults, True
        notes.warn(
            paths.preset,
            _json_position(doc, ("llmOps", "routing")),
            BUILD_WILL_CHANGE,
            "the preset has no llmOps.routing object; the spec takes the schema's defaults, and "
            "`routecfg build` adds them to the preset",
        )
    notes.guesses.append("the routing is the schema's defaults: no preset says it")
    given = [v for v in defaults.values() if v.value is not None]
    return _usable(given, paths.schema, notes), defaults, False


def _object_at(value: Any, path: Sequence[str]) -> dict[str, Any] | None:
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else None


def _usable(values: list[_Value], path: str | None, notes: _Notes) -> list[_Value]:
    """The values a spec can state: tier names, and a whole number of escalations."""
    kept = []
    for v in values:
        if v.key == "maxEscalationsPerTicket":
            ok = isinstance(v.value, int) and not isinstance(v.value, bool) and v.value >= 0
        else:
            ok = isinstance(v.value, str) and v.value != ""
        if ok:
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


def _read_proxy(text: str, path: str) -> _ProxyFile:
    doc = yamledit.load(text, path)
    positions = yamledit.model_positions(doc)
    models: dict[str, _Model] = {}
    for name, entries in yamledit.model_entries(doc).items():
        read = [_entry(entry) for entry in entries]
        where = {key[1:]: pos for key, pos in positions.items() if key[0] == name}
        model, params, info = read[0]
        models[name] = _Model(name, model, params, info, where, all(r == read[0] for r in read))
    chains: dict[str, Mapping[str, list[str]]] = {
        kind: yamledit.chains(doc, kind) for kind in yamledit.CHAIN_KINDS
    }
    return _ProxyFile(models, chains, _chain_positions(doc))


def _entry(entry: CommentedMap) -> tuple[str | None, dict[str, Decimal], dict[str, Decimal]]:
    sections = [entry.get(name) for name in yamledit.SECTIONS]
    params, info = (s if isinstance(s, CommentedMap) else CommentedMap() for s in sections)
    model = params.get("model")

    def prices(section: CommentedMap) -> dict[str, Decimal]:
        found = {f: as_decimal(section.get(key)) for f, key in PRICE_FIELDS.items()}
        return {f: v for f, v in found.items() if v is not None}

    return (model if isinstance(model, str) else None), prices(params), prices(info)


def _chain_positions(doc: yamledit.ProxyDoc) -> dict[tuple[str, str], yamledit.Position]:
    settings = doc.root.get("router_settings")
    found: dict[tuple[str, str], yamledit.Position] = {}
    for kind in PROXY_CHAIN_KINDS:
        sequence = settings.get(kind) if isinstance(settings, CommentedMap) else None
        if not isinstance(sequence, CommentedSeq):
            continue
        for index, entry in enumerate(sequence):
            line, column = sequence.lc.item(index)
            for key in entry:
                found.setdefault((kind, str(key)), yamledit.Position(line + 1, column + 1))
    return found


# ── tiers and aliases ───────────────────────────────────────────────────────────────────────


@dataclass
class _TierLine:
    tier: Tier
    comments: dict[str, str]  # spec field -> its `# guess:` comment


def _find_tiers(seeds: Iterable[str], proxy: _ProxyFile | None) -> list[str]:
    tiers = list(dict.fromkeys(seeds))
    models = proxy.models if proxy else {}
    grew = proxy is not None
    while grew:
        grew = False
        for chains in proxy.chains.values() if proxy else ():
            for key, targets in chains.items():
                if key in tiers:
                    new = targets
                elif any(t in tiers for t in targets) and _served_by(key, tiers, models) is None:
                    new = [key, *targets]
                else:
                    continue
                for name in new:
                    if name not in tiers:
                        tiers.append(name)
                        grew = True
    listed = list(models)
    return sorted(tiers, key=lambda t: listed.index(t) if t in listed else len(listed))


def _served_by(name: str, tiers: Sequence[str], models: Mapping[str, _Model]) -> str | None:
    """The tier whose model serves ``name`` too (the one priced the same, when several do)."""
    mine = models.get(name)
    if mine is None or mine.model is None:
        return None
    candidates = [t for t in tiers if t != name and t in models and models[t].model == mine.model]
    same_price = [t for t in candidates if models[t].price() == mine.price()]
    chosen = same_price or candidates
    return chosen[0] if chosen else None


def _tier_line(name: str, proxy: _ProxyFile | None, notes: _Notes) -> _TierLine:
    comments: dict[str, str] = {}
    found = proxy.models.get(name) if proxy else None
    known = found is not None and found.model is not None
    model = found.model if found is not None and found.model is not None else name
    if not known:
        comments["model"] = "guess: no model_list entry says which model; write the LiteLLM model"
        notes.guesses.append(f"tier '{name}': its model")
        if proxy is not None:
            edit = "sets" if found else "adds an entry with"
            notes.warn(
                notes.paths.proxy,
                found.where.get((), (0, 0)) if found else (0, 0),
                BUILD_WILL_CHANGE,
                f"'{name}' is a tier (the preset or a fallback chain names it), but no model_list "
                f"entry says its model; the spec guesses '{name}': correct it before "
                f"`routecfg build` {edit} it",
            )
    price = found.price() if found else {}
    if "input" not in price or "output" not in price:
        comments["price"] = "guess: no price stated; write USD per million tokens"
        notes.guesses.append(f"tier '{name}': its price")
        if found is not None:
            notes.warn(
                notes.paths.proxy,
                found.where.get((), (0, 0)),
                BUILD_WILL_CHANGE,
                f"'{name}' states no input or no output price; the spec guesses 0: correct it "
                "before `routecfg build` writes it",
            )
        price = {"input": Decimal(0), "output": Decimal(0), **price}
    if known:
        local = model.startswith(LOCAL_PREFIXES)
        task_model = _task_model(model)
        reason = "a local Ollama model has no tool_use" if local else "a hosted model uses tools"
        comments["task_model"] = "guess: from the model id"
    else:
        local = name in LOCAL_TIER_NAMES
        task_model = TASK_MODEL_BY_TIER.get(name)
        reason = "named like a local model: no tool_use" if local else "named like a hosted model"
        comments["task_model"] = "guess: from the tier name"
    capabilities = ("text",) if local else ("text", "tool_use")
    comments["capabilities"] = f"guess: {reason}"
    notes.guesses.append(f"tier '{name}': capabilities and task_model")
    return _TierLine(Tier(name, model, capabilities, Price(**price), task_model), comments)


def _task_model(model: str) -> str | None:
    lowered = model.lower()
    if model.startswith(LOCAL_PREFIXES):
        return None
    return next((name for name in TASK_MODELS if name in lowered), None)


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


@dataclass
class _Group:
    name: str
    comment: str
    aliases: dict[str, list[str]] = field(default_factory=dict)  # tier -> names, file order


def _alias_groups(proxy: _ProxyFile, tiers: Mapping[str, _TierLine], notes: _Notes) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for name, found in proxy.models.items():
        tier = _served_by(name, list(tiers), proxy.models) if name not in tiers else None
        if tier is None or found.model is None:
            continue
        _check_alias_price(found, tiers[tier].tier, notes)
        group_name, comment = _group_name(name, found.model)
        group = groups.setdefault(group_name, _Group(group_name, comment))
        group.aliases.setdefault(tier, []).append(name)
    for group in groups.values():
        members = {n for names in group.aliases.values() for n in names}
        pointed = [
            t
            for chains in proxy.chains.values()
            for key, targets in chains.items()
            if key in members
            for t in targets
        ]
        for names in group.aliases.values():
            names.sort(key=lambda n: pointed.index(n) if n in pointed else len(pointed))
        group.aliases = {t: group.aliases[t] for t in tiers if t in group.aliases}
    return list(groups.values())


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
    where = alias.where.get(("litellm_params", PRICE_FIELDS[first]), alias.where.get((), (0, 0)))
    notes.warn(
        notes.paths.proxy,
        where,
        ALIAS_PRICE,
        f"'{alias.name}' is served like tier '{tier.name}' ({tier.model}) but priced unlike it: "
        f"{said}; the spec takes the tier's prices, and `routecfg build` reprices '{alias.name}'",
    )


def _per_token(per_million: Decimal | None) -> str:
    return "none" if per_million is None else _plain(per_million / MILLION)


def _check_sections(found: _Model, notes: _Notes) -> None:
    """litellm_params (spend tracking) and model_info (the UI) should state the same prices."""
    if not found.entries_agree:
        notes.warn(
            notes.paths.proxy,
            found.where.get((), (0, 0)),
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
        empty, other = (
            ("model_info", "litellm_params") if not found.info else ("litellm_params", "model_info")
        )
        where = found.where.get((), (0, 0))
        message = (
            f"'{found.name}': {empty} states no prices, {other} does; the spec takes "
            f"{other}', and `routecfg build` writes them to {empty} too"
        )
        notes.warn(notes.paths.proxy, where, PRICE_SECTIONS, message)
        return
    parts = []
    for f, key in differing:
        params, info = found.params.get(f), found.info.get(f)
        if params is not None and info is not None:
            parts.append(f"{key} {_plain(params)} in litellm_params, {_plain(info)} in model_info")
        else:
            parts.append(f"{key} only in {'litellm_params' if info is None else 'model_info'}")
    f, key = differing[0]
    section = "model_info" if ("model_info", key) in found.where else "litellm_params"
    notes.warn(
        notes.paths.proxy,
        found.where.get((section, key), found.where.get((), (0, 0))),
        PRICE_SECTIONS,
        f"'{found.name}': litellm_params and model_info state different prices "
        f"({'; '.join(parts)}); the spec takes litellm_params' (model_info's where it has "
        "none), and `routecfg build` writes them to both",
    )


# ── chains ──────────────────────────────────────────────────────────────────────────────────


def _tier_chains(
    proxy: _ProxyFile | None, tiers: Iterable[str]
) -> dict[str, dict[str, tuple[str, ...]]]:
    if proxy is None:
        return {}
    names = set(tiers)
    found = {
        kind: {key: tuple(targets) for key, targets in proxy.chains[kind].items() if key in names}
        for kind in PROXY_CHAIN_KINDS
    }
    return {kind: chains for kind, chains in found.items() if chains}


def _check_mirrors(
    proxy: _ProxyFile,
    chains: Mapping[str, Mapping[str, tuple[str, ...]]],
    groups: Sequence[_Group],
    notes: _Notes,
) -> None:
    for group in groups:
        model = AliasGroup(group.name, {t: tuple(n) for t, n in group.aliases.items()})
        members = [n for names in group.aliases.values() for n in names]
        for kind in PROXY_CHAIN_KINDS:
            wanted = model.mirror(chains.get(kind, {}))
            for name in members:
                has = proxy.chains[kind].get(name)
                mirrored = wanted.get(name)
                if (list(mirrored) if mirrored else None) == has:
                    continue
                where = proxy.chain_where.get((kind, name))
                if where is None:
                    where = proxy.models[name].where.get((), yamledit.Position(0, 0))
                notes.warn(
                    notes.paths.proxy,
                    where,
                    ALIAS_CHAIN,
                    f"{kind}: '{name}' {_chain_said(has)}, but its tier's chain mirrored in "
                    f"group '{group.name}' {_chain_said(mirrored)}; the spec takes the mirror, "
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


# ── gates ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _GateLine:
    name: str
    title: str
    tier: str
    needs: tuple[str, ...]
    fallback: tuple[str, ...]
    config_key: str
    comment: str


def _gates(
    values: Sequence[_Value], tiers: Mapping[str, _TierLine], proxy: Proxy, notes: _Notes
) -> list[_GateLine]:
    keys = [v for v in values if v.key not in ESCALATION_KEYS]
    order = list(KNOWN_GATES)
    keys.sort(key=lambda v: order.index(v.key) if v.key in order else len(order))
    lines: list[_GateLine] = []
    for v in keys:
        name, title, needs = KNOWN_GATES.get(v.key) or _gate_from_key(v.key)
        while name in {g.name for g in lines}:
            name += "_"
        guessed = ["title", "needs"] if needs else ["title"]
        if v.key not in KNOWN_GATES:
            guessed = ["name and title from the key"]
        tier = tiers[v.value].tier
        lacking = [need for need in needs if need not in tier.capabilities]
        if lacking:
            needs = ()
            guessed = [*guessed[:1], f"no needs: tier '{tier.name}' is guessed to lack tool_use"]
        fallback = _local_fallback(tier, tiers, proxy)
        if fallback:
            guessed.append(f"fallback: '{tier.name}' is local, and no chain leaves it")
        lines.append(
            _GateLine(name, title, v.value, needs, fallback, v.key, "guess: " + ", ".join(guessed))
        )
        notes.guesses.append(f"gate '{name}': {', '.join(guessed)}")
    return lines


def _gate_from_key(key: str) -> tuple[str, str, tuple[str, ...]]:
    stem = key.removeprefix("entryModel") if re.match(r"entryModel[A-Z]", key) else key
    name = re.sub(r"[^a-z0-9_]+", "_", re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()).strip("_")
    name = name if re.match(r"[a-z]", name) else f"gate_{name}".rstrip("_")
    return name, " ".join(word.capitalize() for word in name.split("_")), ()


def _local_fallback(tier: Tier, tiers: Mapping[str, _TierLine], proxy: Proxy) -> tuple[str, ...]:
    """A cloud tier for a gate on a local tier that no proxy chain leads out of, else nothing."""
    if not tier.is_local:
        return ()
    if any(not tiers[t].tier.is_local for t in proxy.walk("fallbacks", tier.name) if t in tiers):
        return ()
    clouds = [t.tier for t in tiers.values() if not t.tier.is_local]
    if not clouds:
        return ()
    cheapest = min(clouds, key=lambda t: t.price.input + t.price.output)
    return (cheapest.name,)


# ── the spec's text ─────────────────────────────────────────────────────────────────────────


def infer_spec(
    preset_text: str | None,
    schema_text: str | None,
    proxy_text: str | None,
    paths: TargetPaths,
) -> Inferred:
    """The routecfg.yaml these files imply. Raises RoutecfgError when one does not parse."""
    paths = TargetPaths(
        paths.preset if preset_text is not None else None,
        paths.schema if schema_text is not None else None,
        paths.proxy if proxy_text is not None else None,
    )
    notes = _Notes(paths)
    values, schema_props, from_preset = _routing(preset_text, schema_text, notes)
    if all(v.key in ESCALATION_KEYS for v in values):
        where = paths.preset or paths.schema or paths.proxy or ""
        raise RoutecfgError(
            [
                Diagnostic(
                    where,
                    0,
                    0,
                    Severity.ERROR,
                    NO_ROUTING,
                    "no llmOps.routing value routes a gate: there is nothing to infer gates from",
                    "name the preset (--preset-file), or start from a bundled preset (--preset)",
                )
            ]
        )
    proxy = _read_proxy(proxy_text, paths.proxy or "") if proxy_text is not None else None
    seeds = [v.value for v in values if isinstance(v.value, str)]
    tiers = {name: _tier_line(name, proxy, notes) for name in _find_tiers(seeds, proxy)}
    chains = _tier_chains(proxy, tiers)
    groups: list[_Group] = []
    if proxy is not None:
        groups = _alias_groups(proxy, tiers, notes)
        owned = [*tiers, *(n for g in groups for names in g.aliases.values() for n in names)]
        for name in owned:
            if name in proxy.models:
                _check_sections(proxy.models[name], notes)
        _check_mirrors(proxy, chains, groups, notes)
    if from_preset and schema_text is not None:
        _check_schema(values, schema_props, notes)
    walkable = Proxy({kind: dict(c) for kind, c in chains.items()})
    gates = _gates(values, tiers, walkable, notes)
    escalation = {v.key: v.value for v in values if v.key in ESCALATION_KEYS}
    text = _render(paths, tiers, gates, escalation, chains, groups)
    return Inferred(
        text,
        tuple(sorted(notes.warnings, key=Diagnostic.sort_key)),
        tuple(notes.guesses),
        tuple(tiers),
        tuple(g.name for g in gates),
        tuple(g.name for g in groups),
    )


def _check_schema(values: Sequence[_Value], props: Mapping[str, _Value], notes: _Notes) -> None:
    for v in values:
        prop = props.get(v.key)
        if prop is not None and prop.value is not None and same(prop.value, v.value):
            continue
        if prop is not None and prop.value is not None:
            code = SCHEMA_DEFAULT
            message = (
                f"llmOps.routing.{v.key}: the schema's default is {_show(prop.value)}, the "
                f"preset's value {_show(v.value)}; the spec takes the preset's {_show(v.value)}, "
                "and `routecfg build` sets the default to it"
            )
        else:
            code = BUILD_WILL_CHANGE
            what = "has no default for" if prop is not None else "has no property for"
            message = (
                f"llmOps.routing.{v.key}: the schema {what} it; `routecfg build` adds "
                f"{'one with ' if prop is None else ''}the default {_show(v.value)}"
            )
        where = prop.where if prop is not None else (0, 0)
        notes.warn(notes.paths.schema, where, code, message)


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def _render(
    paths: TargetPaths,
    tiers: Mapping[str, _TierLine],
    gates: Sequence[_GateLine],
    escalation: Mapping[str, Any],
    chains: Mapping[str, Mapping[str, tuple[str, ...]]],
    groups: Sequence[_Group],
) -> str:
    targets = [(kind, path) for kind, path in vars(paths).items() if path is not None]
    width = max(len(kind) for kind, _ in targets) + 1 if targets else 0
    out = [f"# yaml-language-server: $schema={SCHEMA_URL}", "#"]
    out.append("# Inferred by `routecfg init --from-repo` from what these files already say:")
    out += [f"#   {kind + ':':<{width}} {path}" for kind, path in targets]
    out.append("# Lines marked `guess:` say what none of them states: check them.")
    out += ["version: 1", "", "tiers:"]
    for line in tiers.values():
        out += _tier_text(line)
    out += ["", "gates:                        # from llmOps.routing, in the order skills run them"]
    out += _gate_text(gates)
    if escalation:
        out += ["", "escalation:"]
        if "escalationModel" in escalation:
            model = _scalar(escalation["escalationModel"])
            out.append(_comment(f"  model: {model}", "llmOps.routing.escalationModel", 30))
        if "maxEscalationsPerTicket" in escalation:
            count = escalation["maxEscalationsPerTicket"]
            out.append(
                _comment(f"  max_per_ticket: {count}", "llmOps.routing.maxEscalationsPerTicket", 30)
            )
    if chains or groups:
        out += ["", "proxy:                        # the proxy's router_settings"]
        out += _chain_text(chains)
        if groups:
            out.append("  aliases:                    # further model_names served like a tier")
            for group in groups:
                out.append(_comment(f"    {group.name}:", group.comment, 30))
                for tier, names in group.aliases.items():
                    out.append(f"      {_scalar(tier)}: {_flow(names)}")
    if targets:
        out += ["", "targets:"]
        out += [f"  {kind}: {_scalar(path)}" for kind, path in targets]
    return "\n".join(out) + "\n"


def _tier_text(line: _TierLine) -> list[str]:
    tier = line.tier
    fields = [
        ("model", _scalar(tier.model)),
        ("capabilities", _flow(tier.capabilities)),
        *([("task_model", tier.task_model)] if tier.task_model else []),
        ("price", _price(tier.price)),
    ]
    rows = [(f"    {key}: {value}", line.comments.get(key)) for key, value in fields]
    return [f"  {_scalar(tier.name)}:"] + [
        _comment(code, note, TIER_COMMENT_COLUMN) for code, note in rows
    ]


def _price(price: Price) -> str:
    parts = [
        f"{f}: {_money(getattr(price, f))}" for f in SPEC_FIELDS if getattr(price, f) is not None
    ]
    return "{" + ", ".join(parts) + "}"


def _gate_text(gates: Sequence[_GateLine]) -> list[str]:
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


def _chain_text(chains: Mapping[str, Mapping[str, tuple[str, ...]]]) -> list[str]:
    width = max((len(kind) for kind in chains), default=0) + 2
    lines = []
    for kind, chain in chains.items():
        body = ", ".join(f"{_scalar(key)}: {_flow(targets)}" for key, targets in chain.items())
        lines.append(f"  {kind + ':':<{width - 1}} {{{body}}}")
    return lines


def _comment(code: str, note: str | None, column: int) -> str:
    if not note:
        return code
    return f"{code:<{column - 2}}  # {note}" if len(code) < column - 2 else f"{code}  # {note}"


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
    whole, _, cents = _plain(amount).partition(".")
    return f"{whole}.{cents:0<2}"


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    return "0" if text == "-0" else text
