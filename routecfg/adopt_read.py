"""Adopting a repository, the first stage: what its files say (`init --from-repo`).

The texts of a backlog preset, its config schema and a LiteLLM proxy config in, typed records out:
the routing the spec states (:func:`read_routing`) and the proxy config's models and fallback
chains (:func:`read_proxy`). :class:`Notes` collects what is noticed on the way, warnings and
guesses, for every stage of :mod:`routecfg.adopt`; the contradiction checks that fill it are in
:mod:`routecfg.adopt_checks`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from ruamel.yaml.comments import CommentedMap

from routecfg.diagnostics import Diagnostic, Severity
from routecfg.model import MILLION
from routecfg.targets import jsontext, proxyledger, yamledit
from routecfg.targets.proxy import PRICE_FIELDS
from routecfg.targets.routing import SCHEMA_ROUTING_PATH
from routecfg.targets.yamlread import as_decimal

SCHEMA_DEFAULT = "RC601"
ALIAS_PRICE = "RC602"
PRICE_SECTIONS = "RC603"
ALIAS_CHAIN = "RC604"
BUILD_WILL_CHANGE = "RC605"
SCHEMA_ONLY_KEY = "RC607"

SPEC_FIELDS = tuple(PRICE_FIELDS)  # input, output, cache_read, cache_write


class SourcePaths(Protocol):
    """Where the files read are (:class:`routecfg.adopt.TargetPaths`); None for a file not read."""

    @property
    def preset(self) -> str | None: ...

    @property
    def schema(self) -> str | None: ...

    @property
    def proxy(self) -> str | None: ...


@dataclass
class Notes:
    """What the stages notice: warnings, each with its position, and what is guessed."""

    paths: SourcePaths
    warnings: list[Diagnostic] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)

    def warn(self, path: str | None, where: tuple[int, int], code: str, message: str) -> None:
        self.warnings.append(
            Diagnostic(path or "", where[0], where[1], Severity.WARNING, code, message)
        )


@dataclass(frozen=True)
class RoutingValue:
    key: str
    value: Any
    where: tuple[int, int]


@dataclass(frozen=True)
class ProxyModel:
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
class ProxyFile:
    models: Mapping[str, ProxyModel]
    chains: Mapping[str, Mapping[str, list[str]]]  # kind -> name -> targets, file order
    chain_where: Mapping[tuple[str, str], yamledit.Position]
    ledger: str | None = None  # where routecfg's ledger callback, if registered, writes


def read_routing(
    preset_text: str | None, schema_text: str | None, notes: Notes
) -> tuple[list[RoutingValue], dict[str, RoutingValue], bool]:
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


def _schema_defaults(schema_text: str, path: str | None) -> dict[str, RoutingValue]:
    """Each routing property of the schema, with its default (None for one without)."""
    doc = jsontext.parse(schema_text, path or "")
    defaults = {}
    for key, prop in (_object_at(doc.value, SCHEMA_ROUTING_PATH) or {}).items():
        at = (*SCHEMA_ROUTING_PATH, key)
        if isinstance(prop, dict) and "default" in prop:
            defaults[key] = RoutingValue(key, prop["default"], _json_at(doc, (*at, "default")))
        else:
            defaults[key] = RoutingValue(key, None, _json_at(doc, at))
    return defaults


_SHARED_DESCRIPTION = re.compile(r"Model alias for (?P<titles>.+) and (?P<last>[^,]+)\.")


def shared_readers(schema_text: str | None, path: str | None) -> dict[str, tuple[str, ...]]:
    """The gate titles of each routing property several gates read, as routecfg's schema target
    describes a property it adds for a shared key: "Model alias for Wave Planning and Gate 1
    PLAN." Other descriptions (upstream's own) name no gates and are not read."""
    if schema_text is None:
        return {}
    doc = jsontext.parse(schema_text, path or "")
    readers: dict[str, tuple[str, ...]] = {}
    for key, prop in (_object_at(doc.value, SCHEMA_ROUTING_PATH) or {}).items():
        description = prop.get("description") if isinstance(prop, dict) else None
        match = _SHARED_DESCRIPTION.fullmatch(description) if isinstance(description, str) else None
        if match is not None:
            readers[key] = (*match["titles"].split(", "), match["last"])
    return readers


def _preset_routing(preset_text: str, notes: Notes) -> list[RoutingValue] | None:
    """The preset's ``llmOps.routing`` values; None, and a warning, when it has none."""
    doc = jsontext.parse(preset_text, notes.paths.preset or "")
    routing = _object_at(doc.value, ("llmOps", "routing"))
    if routing is not None:
        return [
            RoutingValue(key, value, _json_at(doc, ("llmOps", "routing", key)))
            for key, value in routing.items()
        ]
    notes.warn(
        notes.paths.preset,
        _json_at(doc, ("llmOps", "routing")),
        BUILD_WILL_CHANGE,
        "the preset has no llmOps.routing object; the spec takes the schema's defaults and "
        "leaves the preset out of its targets (commented out), so `routecfg build` does not "
        "touch it; uncomment it to have build write the routing there",
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


def _usable(values: list[RoutingValue], path: str | None, notes: Notes) -> list[RoutingValue]:
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


def _statable(v: RoutingValue) -> bool:
    if v.key == "maxEscalationsPerTicket":
        return isinstance(v.value, int) and not isinstance(v.value, bool) and v.value >= 0
    return isinstance(v.value, str) and v.value != ""


def read_proxy(text: str, path: str) -> ProxyFile:
    doc = yamledit.load(text, path)
    positions = yamledit.model_positions(doc)
    models: dict[str, ProxyModel] = {}
    for name, entries in yamledit.model_entries(doc).items():
        read = [_entry(entry) for entry in entries]
        mine = {key[1:]: pos for key, pos in positions.items() if key[0] == name}
        model, params, info = read[0]
        models[name] = ProxyModel(name, model, params, info, mine, all(r == read[0] for r in read))
    chains: dict[str, Mapping[str, list[str]]] = {}
    chain_where: dict[tuple[str, str], yamledit.Position] = {}
    for kind in yamledit.CHAIN_KINDS:
        chains[kind] = yamledit.chains(doc, kind)
        for key, where in yamledit.chain_positions(doc, kind).items():
            chain_where[kind, key] = where
    return ProxyFile(models, chains, chain_where, proxyledger.registered(doc))


def _entry(entry: CommentedMap) -> tuple[str | None, dict[str, Decimal], dict[str, Decimal]]:
    """One model_list entry: its model, and the prices its litellm_params and model_info state."""
    sections = [entry.get(name) for name in yamledit.SECTIONS]
    params, info = (s if isinstance(s, CommentedMap) else CommentedMap() for s in sections)
    model = params.get("model")
    return (model if isinstance(model, str) else None), _prices(params), _prices(info)


def _prices(section: CommentedMap) -> dict[str, Decimal]:
    found = {f: as_decimal(section.get(key)) for f, key in PRICE_FIELDS.items()}
    return {f: v for f, v in found.items() if v is not None}
