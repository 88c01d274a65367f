"""Semantic rules: what a schema cannot say about a routing spec (product.md §5).

Each rule is a generator of diagnostics over the typed model; positions come from the spec's side
table, by the path the offending value was read from. Every rule runs; nothing stops at the first.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath

from routecfg import cost, readfile, resources
from routecfg.diagnostics import Diagnostic, Severity, did_you_mean, suggestion_hint
from routecfg.model import PROXY_CHAIN_KINDS, Gate, RoutingSpec, Tier
from routecfg.prose.settings import prose_ignore
from routecfg.router import proxy_targets
from routecfg.spec import PathKey, Source

ESCALATION_KEYS = ("escalationModel", "maxEscalationsPerTicket")
MISSING_TARGET = "RC263"  # check and build report it per file, as the state "missing"
MISSING_FOLDER = "RC264"
NOT_REGULAR = "RC265"  # a FIFO, a device or a socket where a target file should be
UNUSABLE_PATH = "RC266"  # a NUL byte, a name too long, a symlink loop
TARGET_IS_SPEC = "RC267"  # the spec names itself as a target

Rule = Callable[[RoutingSpec, Source], Iterator[Diagnostic]]


def check_rules(
    spec: RoutingSpec, source: Source, *, skip: frozenset[str] = frozenset()
) -> list[Diagnostic]:
    return [d for rule in RULES for d in rule(spec, source) if d.code not in skip]


def _unknown(
    source: Source, path: PathKey, kind: str, name: str, known: list[str], *, key: bool = False
) -> Diagnostic:
    code = "RC202" if kind == "gate" else "RC201"
    plural = "gates" if kind == "gate" else "tiers"
    hint = suggestion_hint(name, known, plural)
    return source.diagnostic(path, code, f"unknown {kind} '{name}'", hint, key=key)


def _unknown_tier(
    spec: RoutingSpec, source: Source, path: PathKey, name: str, *, key: bool
) -> Diagnostic:
    """An unknown tier; an alias given where a tier belongs says which tier it stands for."""
    alias_of = spec.proxy.alias_tiers().get(name)
    if alias_of is None:
        return _unknown(source, path, "tier", name, list(spec.tiers), key=key)
    return source.diagnostic(
        path,
        "RC201",
        f"unknown tier '{name}': it is an alias of tier '{alias_of}'",
        f"name the tier: '{alias_of}'",
        key=key,
    )


def references(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """Every tier and gate named anywhere must exist."""
    gates = list(spec.gates)

    def tier(path: PathKey, name: str, *, key: bool = False) -> Iterator[Diagnostic]:
        if name not in spec.tiers:
            yield _unknown_tier(spec, source, path, name, key=key)

    def gate(path: PathKey, name: str, *, key: bool = False) -> Iterator[Diagnostic]:
        if name not in spec.gates:
            yield _unknown(source, path, "gate", name, gates, key=key)

    for name, g in spec.gates.items():
        yield from tier(("gates", name, "tier"), g.tier)
        for i, target in enumerate(g.fallback):
            yield from tier(("gates", name, "fallback", i), target)
    if spec.escalation.model is not None:
        yield from tier(("escalation", "model"), spec.escalation.model)
    for i, rule in enumerate(spec.escalation.rules):
        base = ("escalation", "rules", i)
        for j, failing in enumerate(rule.when_fails):
            yield from gate((*base, "when_fails", j), failing)
        yield from gate((*base, "reroute"), rule.reroute)
        yield from tier((*base, "to"), rule.to)
    for kind in PROXY_CHAIN_KINDS:
        for start, targets in spec.proxy.chain(kind).items():
            yield from tier(("proxy", kind, start), start, key=True)
            for j, target in enumerate(targets):
                yield from tier(("proxy", kind, start, j), target)
    for group in spec.proxy.alias_groups:
        for tier_name in group.aliases:
            yield from tier(("proxy", "aliases", group.name, tier_name), tier_name, key=True)
    for name in spec.cost.profile:
        yield from gate(("cost", "profile", name), name, key=True)


def capabilities(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """A gate's `needs` must be met by its tier, its fallbacks and escalations to it."""
    known = sorted({c for t in spec.tiers.values() for c in t.capabilities})
    for name, gate in spec.gates.items():
        for i, need in enumerate(gate.needs):
            if need not in known:
                yield source.diagnostic(
                    ("gates", name, "needs", i),
                    "RC203",
                    f"gate '{name}' needs '{need}', which no tier has",
                    suggestion_hint(need, known, "capabilities"),
                )
                continue
            yield from _gate_capability(spec, source, name, gate, need, known)
    for i, rule in enumerate(spec.escalation.rules):
        gate_ = spec.gates.get(rule.reroute)
        target = spec.tiers.get(rule.to)
        if gate_ is None or target is None:
            continue
        for need in gate_.needs:
            if need in known and need not in target.capabilities:
                yield source.diagnostic(
                    ("escalation", "rules", i, "to"),
                    "RC211",
                    f"escalation reroutes gate '{gate_.name}', which needs {need}, to tier "
                    f"'{target.name}' ({target.model}), which has no {need}",
                    _having(spec, need),
                )


def _gate_capability(
    spec: RoutingSpec, source: Source, name: str, gate: Gate, need: str, known: list[str]
) -> Iterator[Diagnostic]:
    tier = spec.tiers.get(gate.tier)
    if tier is not None and need not in tier.capabilities:
        yield source.diagnostic(
            ("gates", name, "tier"),
            "RC210",
            f"gate '{name}' needs {need}, but tier '{tier.name}' ({tier.model}) has no {need}",
            _misspelt(tier, need) or _having(spec, need),
        )
    for i, fallback_name in enumerate(gate.fallback):
        fallback = spec.tiers.get(fallback_name)
        if fallback is not None and need not in fallback.capabilities:
            yield source.diagnostic(
                ("gates", name, "fallback", i),
                "RC211",
                f"gate '{name}' needs {need}, but its fallback tier '{fallback.name}' "
                f"({fallback.model}) has no {need}",
                _having(spec, need),
            )
    if tier is None or need not in tier.capabilities:
        return
    for reached in spec.proxy.walk("fallbacks", tier.name):
        other = spec.tiers.get(reached)
        if other is not None and need not in other.capabilities:
            yield source.diagnostic(
                ("gates", name, "tier"),
                "RC212",
                f"gate '{name}' needs {need}, but the proxy's fallbacks for '{tier.name}' "
                f"reach tier '{other.name}', which has no {need}",
                f"remove '{other.name}' from proxy.fallbacks.{tier.name} and the chains it "
                "leads through",
                severity=Severity.WARNING,
            )
            return


def _misspelt(tier: Tier, need: str) -> str | None:
    """A hint when the tier lists something close to the need (``tool-use`` for tool_use)."""
    close = did_you_mean(need, [c for c in tier.capabilities if c != need])
    if close is None:
        return None
    return f"tiers.{tier.name}.capabilities lists '{close}': did you mean '{need}'?"


def _having(spec: RoutingSpec, capability: str) -> str:
    having = [t.name for t in spec.tiers.values() if capability in t.capabilities]
    return f"tiers with {capability}: {', '.join(having)}"


def fallback_chains(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """No tier falls back to itself, no chain lists a tier twice, no chain loops."""
    for name, gate in spec.gates.items():
        seen: set[str] = set()
        for i, target in enumerate(gate.fallback):
            path = ("gates", name, "fallback", i)
            if target == gate.tier and i == 0:
                yield source.diagnostic(
                    path,
                    "RC220",
                    f"gate '{name}' falls back to its own tier '{target}'",
                    "a fallback must be another tier; remove it",
                )
            elif target == gate.tier:
                loop = " → ".join((gate.tier, *gate.fallback[: i + 1]))
                yield source.diagnostic(
                    path,
                    "RC222",
                    f"gate '{name}' falls back in a cycle: {loop}",
                    f"remove '{target}' from the fallback list; it is the gate's own tier",
                )
            elif target in seen:
                yield source.diagnostic(
                    path,
                    "RC221",
                    f"gate '{name}' lists fallback tier '{target}' twice",
                    "list each tier once",
                )
            seen.add(target)
    for kind in PROXY_CHAIN_KINDS:
        chains = spec.proxy.chain(kind)
        yield from _proxy_chain_shape(source, kind, chains)
        yield from _proxy_cycles(source, kind, chains)


def _proxy_chain_shape(
    source: Source, kind: str, chains: Mapping[str, tuple[str, ...]]
) -> Iterator[Diagnostic]:
    for start, targets in chains.items():
        seen: set[str] = set()
        for j, target in enumerate(targets):
            path = ("proxy", kind, start, j)
            if target == start:
                yield source.diagnostic(
                    path,
                    "RC220",
                    f"proxy.{kind}: tier '{start}' falls back to itself",
                    "remove it from its own chain",
                )
            elif target in seen:
                yield source.diagnostic(
                    path,
                    "RC221",
                    f"proxy.{kind}: the chain of '{start}' lists '{target}' twice",
                    "list each tier once",
                )
            seen.add(target)


def _proxy_cycles(
    source: Source, kind: str, chains: Mapping[str, tuple[str, ...]]
) -> Iterator[Diagnostic]:
    reported: set[frozenset[str]] = set()
    for cycle in _cycles(chains):
        members = frozenset(cycle)
        if members in reported:
            continue
        reported.add(members)
        loop = " → ".join((*cycle, cycle[0]))
        yield source.diagnostic(
            ("proxy", kind, cycle[0]),
            "RC223",
            f"proxy.{kind} has a cycle: {loop}",
            "fallbacks should only step towards other tiers; break the cycle",
            key=True,
        )


def effective_walks(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """LiteLLM follows each target's own chain: a gate can end further than its tier declares."""
    chains = spec.proxy.chain("fallbacks")
    for tier_name, declared in chains.items():
        walk = spec.proxy.walk("fallbacks", tier_name)
        beyond = [t for t in walk if t not in declared]
        gates = [g.name for g in spec.gates.values() if g.tier == tier_name]
        if not beyond or not gates:
            continue
        last = spec.tiers.get(walk[-1])
        ending = f"'{walk[-1]}'" + (f" ({last.model})" if last is not None else "")
        named = ", ".join(gates[:5]) + (f" and {len(gates) - 5} more" if len(gates) > 5 else "")
        yield source.diagnostic(
            ("proxy", "fallbacks", tier_name),
            "RC224",
            f"gates on '{tier_name}' ({named}) can end on {ending}: LiteLLM tries "
            f"{' → '.join(walk)}, though '{tier_name}' declares only [{', '.join(declared)}]",
            "LiteLLM follows each fallback's own chain; list the whole chain you want "
            f"(e.g. [{', '.join(walk)}]) or shorten the chains it passes through",
            key=True,
            severity=Severity.WARNING,
        )


def _cycles(chains: Mapping[str, tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    """Each elementary cycle through the chains (self-loops excluded), from its first node."""
    order = list(chains)
    for start in order:
        stack: list[tuple[str, tuple[str, ...]]] = [(start, (start,))]
        while stack:
            node, trail = stack.pop()
            for target in chains.get(node, ()):
                if target == start and len(trail) > 1:
                    yield trail
                elif (
                    target not in trail
                    and target in chains
                    and order.index(target) > order.index(start)
                ):
                    stack.append((target, (*trail, target)))


def availability(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """A gate on a local tier needs a cloud tier to fall back to, its own or the proxy's."""
    for name, gate in spec.gates.items():
        tier = spec.tiers.get(gate.tier)
        if tier is None or not tier.is_local:
            continue
        reachable = [*gate.fallback, *spec.proxy.walk("fallbacks", tier.name)]
        if any(_is_cloud(spec.tiers.get(t)) for t in reachable):
            continue
        clouds = [t.name for t in spec.tiers.values() if not t.is_local]
        suggestion = clouds[0] if clouds else "a cloud tier"
        template = gate.fallback_template is not None
        yield source.diagnostic(
            ("gates", name, "tier"),
            "RC230",
            f"gate '{name}' runs on local tier '{tier.name}' with no cloud fallback"
            + (", only its static template" if template else ""),
            f"add `fallback: [{suggestion}]` to the gate, or proxy.fallbacks.{tier.name}",
            severity=Severity.WARNING if template else Severity.ERROR,
        )


def _is_cloud(tier: Tier | None) -> bool:
    return tier is not None and not tier.is_local


def escalation(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """An escalation should step up in price."""
    for i, rule in enumerate(spec.escalation.rules):
        gate = spec.gates.get(rule.reroute)
        start = spec.tiers.get(gate.tier) if gate is not None else None
        target = spec.tiers.get(rule.to)
        if start is None or target is None:
            continue
        if _unit_price(target) <= _unit_price(start):
            yield source.diagnostic(
                ("escalation", "rules", i, "to"),
                "RC240",
                f"escalation to '{target.name}' does not cost more than '{start.name}', "
                f"the tier of gate '{rule.reroute}'",
                "escalate to a stronger (dearer) tier",
                severity=Severity.WARNING,
            )


def _unit_price(tier: Tier) -> Decimal:
    return tier.price.input + tier.price.output


def config_keys(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """Each gate's config_key is a routing property of the backlog schema. Several gates may
    read one key (upstream's Wave Planning and Gate 1 PLAN both read entryModelPlan) as long as
    they route to the same tier: one property holds one tier."""
    routing = resources.load_schema(resources.BACKLOG_SCHEMA)["properties"]["llmOps"]
    known = [k for k in routing["properties"]["routing"]["properties"] if k not in ESCALATION_KEYS]
    owner: dict[str, Gate] = {}
    for name, gate in spec.gates.items():
        key = gate.config_key
        if key is None:
            continue
        path = ("gates", name, "config_key")
        first = owner.get(key)
        if key in ESCALATION_KEYS:
            field = "model" if key == "escalationModel" else "max_per_ticket"
            yield source.diagnostic(
                path,
                "RC252",
                f"config_key '{key}' belongs to the escalation settings, not to gate '{name}'",
                f"set escalation.{field} instead",
            )
        elif first is not None:
            if first.tier != gate.tier:
                yield source.diagnostic(
                    path,
                    "RC251",
                    f"config_key '{key}' is read by gate '{first.name}' on tier '{first.tier}' "
                    f"and by gate '{name}' on tier '{gate.tier}'",
                    "one llmOps.routing property holds one tier: route both gates to the same "
                    "tier, or give each gate its own key",
                )
        elif key not in known and not spec.targets.schema:
            match = did_you_mean(key, known)
            yield source.diagnostic(
                path,
                "RC250",
                f"config_key '{key}' is not a routing property of the backlog schema",
                f"did you mean '{match}'?"
                if match
                else f"known keys: {', '.join(known)}; or add `targets.schema` so routecfg "
                "adds the property to your schema",
            )
        owner.setdefault(key, gate)


def aliases(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """Alias names are served like one tier each: no clash with a tier, no repeats."""
    seen: dict[str, str] = {}
    for group in spec.proxy.alias_groups:
        for tier, names in group.aliases.items():
            for j, name in enumerate(names):
                path = ("proxy", "aliases", group.name, tier, j)
                if name in spec.tiers:
                    yield source.diagnostic(
                        path,
                        "RC270",
                        f"alias '{name}' is already the name of a tier",
                        "an alias is a further model_name; pick a name no tier has",
                    )
                elif name in seen:
                    yield source.diagnostic(
                        path,
                        "RC271",
                        f"alias '{name}' is listed twice (first under {seen[name]})",
                        "a model_name can be served like one tier only; list it once",
                    )
                else:
                    seen[name] = f"{group.name}.{tier}"


def cost_profile(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """Assumptions that would silently have no effect."""
    for name, profile in spec.cost.profile.items():
        gate = spec.gates.get(name)
        if gate is not None and profile.fallback_rate > 0 and not gate.fallback:
            yield source.diagnostic(
                ("cost", "profile", name, "fallback_rate"),
                "RC280",
                f"fallback_rate has no effect: gate '{name}' has no fallback",
                f"add `fallback: [...]` to gates.{name}, or remove fallback_rate",
                severity=Severity.WARNING,
            )
    if spec.escalation.rules:
        return
    for name, scenario in spec.cost.scenarios.items():
        if scenario.escalation_rate > 0:
            yield source.diagnostic(
                ("cost", "scenarios", name, "escalation_rate"),
                "RC281",
                f"scenario '{name}' sets escalation_rate, but escalation has no rules",
                "add an escalation rule, or remove escalation_rate",
                severity=Severity.WARNING,
            )


def target_paths(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """Targets stay inside the spec's folder, and exist."""
    root = spec.root.resolve()
    entries: list[tuple[PathKey, str, bool]] = []
    for kind, paths in (
        ("preset", spec.targets.preset),
        ("schema", spec.targets.schema),
        ("proxy", spec.targets.proxy),
        ("skills", spec.targets.skills),
        ("editor_schema", spec.targets.editor_schema),
    ):
        listed = _listed(source, kind)
        for i, path in enumerate(paths):
            where: PathKey = ("targets", kind, i) if listed else ("targets", kind)
            if kind == "proxy" and path in spec.targets.proxy_targets:
                where = (*where, "path")
            entries.append((where, path, False))
    if spec.targets.templates is not None:
        entries.append((("targets", "templates"), spec.targets.templates, True))
    spec_path = source.path.resolve()
    for where, path, is_folder in entries:
        yield from _target_path(source, root, spec_path, where, path, is_folder)


def _listed(source: Source, kind: str) -> bool:
    targets = source.data.get("targets") if isinstance(source.data, dict) else None
    return isinstance(targets, dict) and isinstance(targets.get(kind), list)


def _target_path(
    source: Source, root: Path, spec_path: Path, where: PathKey, path: str, is_folder: bool
) -> Iterator[Diagnostic]:
    """``root`` and ``spec_path`` resolved; each path is resolved and looked at once."""
    posix, windows = PurePosixPath(path), PureWindowsPath(path)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or path.startswith("~"):
        yield source.diagnostic(
            where,
            "RC260",
            f"target path '{path}' is absolute",
            "write it relative to the folder of routecfg.yaml",
        )
        return
    if ".." in posix.parts or ".." in windows.parts:
        yield source.diagnostic(
            where,
            "RC261",
            f"target path '{path}' leaves the spec's folder through '..'",
            "targets must live inside the folder of routecfg.yaml",
        )
        return
    resolved = _resolved(root, path)
    if isinstance(resolved, str):
        yield source.diagnostic(
            where,
            UNUSABLE_PATH,
            f"target path '{_shown(path)}' cannot be used: {resolved}",
            "name a file with a short, plain path inside the folder of routecfg.yaml",
        )
        return
    if not resolved.is_relative_to(root):
        yield source.diagnostic(
            where,
            "RC262",
            f"target path '{path}' resolves through a symlink to a place outside the spec's folder",
            "routecfg reads and writes only inside the folder of routecfg.yaml",
        )
        return
    if not is_folder and resolved == spec_path:
        yield source.diagnostic(
            where,
            TARGET_IS_SPEC,
            f"target path '{path}' is the spec file itself",
            "routecfg writes its targets from the spec; name another file",
        )
        return
    mode = _mode(resolved)
    if mode is not None and not is_folder and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        yield source.diagnostic(
            where,
            NOT_REGULAR,
            f"target '{path}' is not a regular file: it is {readfile.kind_of(mode)}",
            "a target is a text file; replace it with one, or fix the path",
        )
        return
    if mode is not None:  # as is_dir() and is_file() would tell, without asking again
        exists = stat.S_ISDIR(mode) if is_folder else stat.S_ISREG(mode)
    else:
        exists = resolved.is_dir() if is_folder else resolved.is_file()
    if not exists and where[1:2] != ("editor_schema",):  # written whole: a build creates it
        what = "folder" if is_folder else "file"
        yield source.diagnostic(
            where,
            MISSING_FOLDER if is_folder else MISSING_TARGET,
            f"target {what} '{path}' does not exist",
            _missing_hint(root, path, is_folder),
        )


def _resolved(root: Path, path: str) -> Path | str:
    """``path`` in ``root``, resolved; or why the system cannot use it at all (not: why
    routecfg refuses it)."""
    if "\x00" in path:
        return "it holds a NUL byte"
    resolved: Path | None = None
    try:
        resolved = (root / path).resolve(strict=False)
        os.lstat(root / path)
    except FileNotFoundError:
        pass
    except RuntimeError:  # pathlib's word for a symlink loop
        return "it is a symlink loop"
    except (OSError, ValueError) as error:
        if isinstance(error, OSError) and error.errno == errno.ELOOP:
            return "it is a symlink loop"
        return error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return resolved if resolved is not None else (root / path).resolve()


def _mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode
    except (OSError, ValueError):
        return None


def _shown(path: str) -> str:
    text = path.replace("\x00", "\\0")
    return text if len(text) <= 60 else text[:40] + "..." + text[-12:]


MAX_LOOKED_AT = 5000  # files a did-you-mean for a missing target looks at, at most


def _missing_hint(root: Path, path: str, is_folder: bool) -> str:
    """How to fix a target path that names nothing: a near path that exists, else the rule."""
    wanted = PurePosixPath(path)
    candidates: list[str] = []
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        names = folders if is_folder else files
        base = Path(directory).relative_to(root)
        candidates += [(base / name).as_posix() for name in names]
        if len(candidates) > MAX_LOOKED_AT:
            break
    same_name = [c for c in candidates if PurePosixPath(c).name == wanted.name]
    match = same_name[0] if len(same_name) == 1 else did_you_mean(path, candidates)
    where = "relative to the folder of routecfg.yaml"
    if match is not None:
        return f"did you mean '{match}'? Fix the path under `targets:` ({where})"
    if is_folder:
        return f"fix the path under `targets:` ({where}), or create the folder"
    return (
        f"fix the path under `targets:` ({where}), or create the file; routecfg edits "
        "files, it does not write them from nothing"
    )


def check_budget(spec: RoutingSpec, source: Source) -> list[Diagnostic]:
    """The estimated cost per ticket must not exceed ``cost.budget.max_per_ticket``."""
    limit = spec.cost.max_per_ticket
    if limit is None or not spec.cost.profile:
        return []
    estimate = cost.estimate(spec, source.display)
    if estimate.per_ticket <= limit:
        return []
    return [
        source.diagnostic(
            ("cost", "budget", "max_per_ticket"),
            "RC290",
            f"estimated cost per ticket {cost.dollars(estimate.per_ticket)} is over the budget "
            f"of {cost.dollars(limit, cost.CENTS)} (cost.budget.max_per_ticket)",
            "route a gate to a cheaper tier, or raise the budget; `routecfg cost` shows where "
            "the money goes",
        )
    ]


def ledger_settings(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """`actuals.gates` maps to spec gates; ledger paths stay inside the spec's folder (they
    need not exist yet: the proxy writes its ledger once it runs)."""
    for name, gate in spec.actuals.gates.items():
        if gate not in spec.gates:
            yield source.diagnostic(
                ("actuals", "gates", name),
                "RC905",
                f"actuals.gates maps '{name}' to '{gate}', which is no gate of the spec",
                suggestion_hint(gate, list(spec.gates), "gates"),
            )
    paths: list[tuple[PathKey, str]] = [(("proxy", "ledger"), spec.proxy.ledger or "")]
    listed = isinstance((source.data.get("actuals") or {}).get("ledgers"), list)
    paths += [
        (("actuals", "ledgers", i) if listed else ("actuals", "ledgers"), path)
        for i, path in enumerate(spec.actuals.ledgers)
    ]
    for where, path in paths:
        posix, windows = PurePosixPath(path), PureWindowsPath(path)
        outside = posix.is_absolute() or windows.is_absolute() or path.startswith("~")
        if path and (outside or ".." in posix.parts or ".." in windows.parts):
            yield source.diagnostic(
                where,
                "RC906",
                f"ledger path '{path}' is outside the spec's folder",
                "write it relative to the folder of routecfg.yaml, without '..'",
            )


RULES: tuple[Rule, ...] = (
    references,
    capabilities,
    fallback_chains,
    effective_walks,
    availability,
    escalation,
    config_keys,
    aliases,
    cost_profile,
    target_paths,
    proxy_targets.proxy_targets,
    proxy_targets.deployment_prices,
    ledger_settings,
    prose_ignore,
)
