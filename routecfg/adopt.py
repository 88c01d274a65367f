"""Adopting an existing repository: the routecfg.yaml its files already imply (`init --from-repo`).

Pure: the texts of a backlog preset, its config schema and a LiteLLM proxy config in (any may be
absent), the text of a spec and what was noticed on the way out. The spec states what the files
say, so a following ``routecfg build`` leaves the preset and the proxy config as they are. Where the
files disagree the spec takes one side, and a warning says which (RC601-RC605). What no file says
is guessed, and the spec marks each such line ``# guess:``.

The pipeline, one module per stage:

1. :mod:`routecfg.adopt_read` reads the files into typed records: the routing values, with their
   positions, and the proxy config's models and fallback chains;
2. this module decides what the spec says, as a typed :class:`~routecfg.adopt_render.SpecDraft`,
   by the heuristics below (:func:`infer_spec` runs the stages in order);
3. :mod:`routecfg.adopt_checks` notes where the files contradict each other (RC601-RC605);
4. :mod:`routecfg.adopt_render` writes the draft's text.

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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from routecfg import resources
from routecfg.adopt_checks import (
    Chains,
    check_alias_price,
    check_proxy,
    check_schema,
    note_unknown_model,
    note_unknown_price,
)
from routecfg.adopt_read import (
    Notes,
    ProxyFile,
    ProxyModel,
    RoutingValue,
    read_proxy,
    read_routing,
    shared_readers,
)
from routecfg.adopt_render import GateDraft, GroupDraft, SpecDraft, TierDraft, render
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import PROXY_CHAIN_KINDS, AliasGroup, Escalation, Price, Proxy, Tier
from routecfg.rules import ESCALATION_KEYS
from routecfg.targets import jsontext, preset

PRESET_PATH = "config/presets/default.json"
SCHEMA_PATH = "config/backlog.config.schema.json"
PROXY_PATHS = ("config/litellm/proxy-config.docker.yaml", "config/litellm/proxy-config.yaml")
SKILLS_GLOB = "skills/*/SKILL.md"  # skills targets `init --from-repo` lists
# Where `init --from-repo` looks, relative to the spec's folder: the first file found is read.
USUAL_PATHS = {"preset": (PRESET_PATH,), "schema": (SCHEMA_PATH,), "proxy": PROXY_PATHS}

NO_ROUTING = "RC606"
PRESET_LEFT_OUT = (
    "no target: it has no llmOps.routing (the schema's defaults apply); uncomment to have "
    "`routecfg build` write the routing into it"
)

# routing key: (gate, title, needs), in the order skills run the gates
KNOWN_GATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "entryModelPlan": ("plan", "Gate 1 PLAN", ()),
    "entryModelImplement": ("implement", "Gate 2 IMPLEMENT", ("tool_use",)),
    "entryModelReview": ("review", "Gate 4 REVIEW", ("tool_use",)),
    "entryModelClassify": ("classify", "Classification", ()),
    "entryModelDraft": ("draft", "Drafts", ()),
}
# gate title: (gate, needs), for the backlog toolkit's gates a schema description may name
KNOWN_TITLES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{title: (gate, needs) for gate, title, needs in KNOWN_GATES.values()},
    "Wave Planning": ("wave_plan", ()),
    "Gate 3 LINT": ("lint", ()),
    "Gate 5 COMMIT": ("commit", ()),
    "Write-agents": ("write_agent", ("tool_use",)),
}
TASK_MODELS = ("haiku", "sonnet", "opus")
# The backlog toolkit's tier names, for a tier no model_list entry describes.
TASK_MODEL_BY_TIER = {"cheap": "haiku", "balanced": "sonnet", "frontier": "opus"}
LOCAL_TIER_NAMES = ("free", "local")
LOCAL_PREFIXES = ("ollama/", "ollama_chat/")


@dataclass(frozen=True)
class TargetPaths:
    """Where the files are, relative to the spec's folder; None for a file not read."""

    preset: str | None = None
    schema: str | None = None
    proxy: str | None = None
    skills: tuple[str, ...] = ()  # Markdown targets: prose the lint reads, blocks to place


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
    notes = Notes(paths)
    values, schema_props, from_preset = read_routing(preset_text, schema_text, notes)
    _require_a_gate(values, paths)
    proxy = read_proxy(proxy_text, paths.proxy or "") if proxy_text is not None else None
    seeds = [v.value for v in values if isinstance(v.value, str)]
    drafts = {name: _draft_tier(name, proxy, notes) for name in _find_tiers(seeds, proxy)}
    tiers = {name: draft.tier for name, draft in drafts.items()}
    chains = _tier_chains(proxy, tiers)
    groups: list[GroupDraft] = []
    if proxy is not None:
        groups = _alias_groups(proxy, tiers, notes)
        check_proxy(proxy, tiers, chains, groups, notes)
    if from_preset and schema_text is not None:
        check_schema(values, schema_props, notes)
    if preset_text is not None:
        notes.warnings.extend(_preset_against_schema(preset_text, schema_text, paths))
    readers = shared_readers(schema_text, paths.schema)
    chained = Proxy({kind: dict(c) for kind, c in chains.items()})
    gates = _draft_gates(values, tiers, chained, notes, readers)
    notes.guesses.append("cost.profile: tokens per call and calls per ticket")
    draft = SpecDraft(
        {kind: path for kind, path in vars(paths).items() if isinstance(path, str)},
        tuple(drafts.values()),
        tuple(gates),
        _escalation(values),
        chains,
        tuple(groups),
        proxy is not None and _prices_litellm_params_only(proxy, tiers, groups),
        {} if from_preset or preset_text is None else {"preset": PRESET_LEFT_OUT},
        paths.skills,
        ledger=proxy.ledger if proxy is not None else None,
    )
    return Inferred(
        render(draft),
        tuple(sorted(notes.warnings, key=Diagnostic.sort_key)),
        tuple(notes.guesses),
        tuple(tiers),
        tuple(g.name for g in gates),
        tuple(g.group.name for g in groups),
    )


def _preset_against_schema(
    preset_text: str, schema_text: str | None, paths: TargetPaths
) -> tuple[Diagnostic, ...]:
    """Where the preset already breaks its schema outside llmOps.routing (RC608): `check` and
    `build` will warn of it too, and leave it as it is."""
    if schema_text is not None:
        document = jsontext.parse(schema_text, paths.schema or "").value
        name = paths.schema or "the schema"
    else:
        document, name = (
            resources.load_schema(resources.BACKLOG_SCHEMA),
            "routecfg's backlog schema",
        )
    if not isinstance(document, dict):
        return ()
    return preset.inherited_problems(preset_text, paths.preset or "", document, name)


def _prices_litellm_params_only(
    proxy: ProxyFile, tiers: Iterable[str], groups: Sequence[GroupDraft]
) -> bool:
    """Whether an entry routecfg will own states prices in litellm_params but not in model_info:
    then the spec says `model_info_prices: where-stated`, and a build leaves model_info so."""
    aliases = (n for g in groups for names in g.group.aliases.values() for n in names)
    found = (proxy.models.get(name) for name in [*tiers, *aliases])
    return any(m is not None and m.params and not m.info for m in found)


def _paths_read(
    paths: TargetPaths, preset_text: str | None, schema_text: str | None, proxy_text: str | None
) -> TargetPaths:
    return TargetPaths(
        paths.preset if preset_text is not None else None,
        paths.schema if schema_text is not None else None,
        paths.proxy if proxy_text is not None else None,
        paths.skills,
    )


def _require_a_gate(values: Sequence[RoutingValue], paths: TargetPaths) -> None:
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


def _escalation(values: Iterable[RoutingValue]) -> Escalation:
    given = {v.key: v.value for v in values if v.key in ESCALATION_KEYS}
    return Escalation(given.get("escalationModel"), given.get("maxEscalationsPerTicket"))


# ── tiers ───────────────────────────────────────────────────────────────────────────────────


def _find_tiers(seeds: Iterable[str], proxy: ProxyFile | None) -> list[str]:
    """The seeds and every name the proxy's chains connect to them, in model_list order."""
    tiers = list(dict.fromkeys(seeds))
    if proxy is not None:
        while _add_chained(tiers, proxy):
            pass
    listed = list(proxy.models) if proxy else []
    return sorted(tiers, key=lambda t: listed.index(t) if t in listed else len(listed))


def _add_chained(tiers: list[str], proxy: ProxyFile) -> bool:
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
    key: str, targets: Sequence[str], tiers: Sequence[str], models: Mapping[str, ProxyModel]
) -> Sequence[str]:
    """A tier's chain targets; a chain's key and targets when it falls back to a tier and no
    tier's model serves it already (upstream's ``free``)."""
    if key in tiers:
        return targets
    if any(t in tiers for t in targets) and _served_by(key, tiers, models) is None:
        return [key, *targets]
    return []


def _served_by(name: str, tiers: Sequence[str], models: Mapping[str, ProxyModel]) -> str | None:
    """The tier whose model serves ``name`` too (the one priced the same, when several do)."""
    mine = models.get(name)
    if mine is None or mine.model is None:
        return None
    candidates = [t for t in tiers if t != name and t in models and models[t].model == mine.model]
    same_price = [t for t in candidates if models[t].price() == mine.price()]
    chosen = same_price or candidates
    return chosen[0] if chosen else None


def _draft_tier(name: str, proxy: ProxyFile | None, notes: Notes) -> TierDraft:
    found = proxy.models.get(name) if proxy else None
    model = found.model if found is not None else None
    comments: dict[str, str] = {}
    if model is None:
        comments["model"] = "guess: no model_list entry says which model; write the LiteLLM model"
        note_unknown_model(name, found, proxy is not None, notes)
    price = found.price() if found else {}
    if "input" not in price or "output" not in price:
        comments["price"] = "guess: no price stated; write USD per million tokens"
        note_unknown_price(name, found, notes)
        price = {"input": Decimal(0), "output": Decimal(0), **price}
    capabilities, task_model, kind_comments = _guess_kind(name, model)
    notes.guesses.append(f"tier '{name}': capabilities and task_model")
    tier = Tier(name, name if model is None else model, capabilities, Price(**price), task_model)
    return TierDraft(tier, {**comments, **kind_comments})


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


def _alias_groups(proxy: ProxyFile, tiers: Mapping[str, Tier], notes: Notes) -> list[GroupDraft]:
    """Every other model_name a tier's model serves, grouped by how its name is written."""
    members: dict[str, dict[str, list[str]]] = {}  # group -> tier -> names, file order
    comments: dict[str, str] = {}
    for name, found in proxy.models.items():
        tier = _served_by(name, list(tiers), proxy.models) if name not in tiers else None
        if tier is None or found.model is None:
            continue
        check_alias_price(found, tiers[tier], notes)
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
    aliases: Mapping[str, list[str]], proxy: ProxyFile, tiers: Iterable[str]
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


# ── chains ──────────────────────────────────────────────────────────────────────────────────


def _tier_chains(proxy: ProxyFile | None, tiers: Iterable[str]) -> Chains:
    if proxy is None:
        return {}
    names = set(tiers)
    found = {
        kind: {key: tuple(targets) for key, targets in proxy.chains[kind].items() if key in names}
        for kind in PROXY_CHAIN_KINDS
    }
    return {kind: chains for kind, chains in found.items() if chains}


# ── gates ───────────────────────────────────────────────────────────────────────────────────


def _draft_gates(
    values: Sequence[RoutingValue],
    tiers: Mapping[str, Tier],
    proxy: Proxy,
    notes: Notes,
    readers: Mapping[str, tuple[str, ...]] | None = None,
) -> list[GateDraft]:
    """One gate per routing key, in the order skills run them; a key the schema says several
    gates read (as routecfg describes a shared key) gives one gate per title, sharing it."""
    order = list(KNOWN_GATES)
    keys = sorted(
        (v for v in values if v.key not in ESCALATION_KEYS),
        key=lambda v: order.index(v.key) if v.key in order else len(order),
    )
    gates: list[GateDraft] = []
    for v in keys:
        tier = tiers[v.value]
        titles = (readers or {}).get(v.key, ())
        if len(titles) < 2:
            gate, guessed = _draft_gate(v.key, tier, tiers, proxy, {g.name for g in gates})
            gates.append(gate)
            notes.guesses.append(f"gate '{gate.name}': {guessed}")
            continue
        for title in titles:
            gate, guessed = _draft_gate(v.key, tier, tiers, proxy, {g.name for g in gates}, title)
            gates.append(gate)
            notes.guesses.append(f"gate '{gate.name}': {guessed}")
    return gates


def _draft_gate(
    key: str,
    tier: Tier,
    tiers: Mapping[str, Tier],
    proxy: Proxy,
    taken: set[str],
    title: str | None = None,
) -> tuple[GateDraft, str]:
    """The gate routed by ``key`` (titled ``title`` when the schema names it), and what about
    it is guessed."""
    if title is not None:
        name, needs = KNOWN_TITLES.get(title) or (_gate_from_title(title), ())
        guessed = ["name and needs from the schema's description: several gates read the key"]
    else:
        name, title, needs = KNOWN_GATES.get(key) or _gate_from_key(key)
        guessed = ["title", "needs"] if needs else ["title"]
        if key not in KNOWN_GATES:
            guessed = ["name and title from the key"]
    while name in taken:
        name += "_"
    if any(need not in tier.capabilities for need in needs):
        needs = ()
        guessed = [*guessed[:1], f"no needs: tier '{tier.name}' is guessed to lack tool_use"]
    fallback = _local_fallback(tier, tiers, proxy)
    if fallback:
        guessed.append(f"fallback: '{tier.name}' is local, and no chain leaves it")
    said = ", ".join(guessed)
    return GateDraft(name, title, tier.name, needs, fallback, key, f"guess: {said}"), said


def _gate_from_title(title: str) -> str:
    """``Gate 3b TEST`` → ``gate_3b_test``."""
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return name if re.match(r"[a-z]", name) else f"gate_{name}".rstrip("_")


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
