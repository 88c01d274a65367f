"""Whether a LiteLLM proxy config already holds what the spec compiles into it, on plain data.

:func:`in_sync` answers True only when :func:`routecfg.targets.proxy.render` would leave the text
as it is: every owned entry and chain equal as the round-trip edit compares them (numbers as
exact decimals, strings as strings), the structure one the edit accepts, and every chain routecfg
does not own naming served models. Anything else, and anything the plain reading cannot vouch
for (see :func:`routecfg.spec.plain_data`), answers False, and the round-trip path decides and
reports, as it always has.

What the plain reading does not do is the round trip itself: ruamel.yaml reproducing the file
byte for byte, which only an edit needs. A file that is already right is not loaded into the
round-trip tree, so "cannot edit this file without reformatting it" (RC313) comes when an edit is
needed, not before.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from routecfg import spec as spec_loader
from routecfg.model import PROXY_CHAIN_KINDS, RoutingSpec
from routecfg.targets.proxy import owned_params, per_token, served_names

SECTIONS = ("litellm_params", "model_info")
PRICE_KEYS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
)


# routecfg.targets.proxyledger's names, here too so that reading them needs no ruamel.yaml
# (tests/test_proxyplain.py holds them equal).
CALLBACK = "routecfg.router.ledger_callback.ledger"
ENVIRONMENT = "ROUTECFG_LEDGER"
SETTINGS = "litellm_settings"
VARIABLES = "environment_variables"


class _Undecided(Exception):
    """Not in sync, or not for the plain reading to say."""


def in_sync(
    view: RoutingSpec, text: str, path: str, *, with_prices: bool = True, ledger: str | None = None
) -> bool:
    """``view`` is the spec as this file serves it (``spec.for_proxy(path)``), ``with_prices``
    whether routecfg writes prices into it, ``ledger`` the spec's ``proxy.ledger``."""
    data = spec_loader.plain_data(text, path)
    if not isinstance(data, dict):
        return False
    try:
        entries = _model_entries(data)
        _check_models(view, entries, with_prices)
        _check_chains(view, data, entries)
        _check_ledger(data, ledger)
    except _Undecided:
        return False
    return True


def model_entries(data: object) -> dict[str, list[dict[str, Any]]] | None:
    """The model_list entries of each model_name, in order; None where the editor's
    ``yamledit.model_entries`` would refuse the structure (RC314) or a value it reads is not
    plain data."""
    if not isinstance(data, dict):
        return None
    try:
        return _model_entries(data)
    except _Undecided:
        return None


def _model_entries(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    models = data.get("model_list")
    if models is None:
        return {}
    if not isinstance(models, list):
        raise _Undecided
    entries: dict[str, list[dict[str, Any]]] = {}
    for entry in models:
        if not isinstance(entry, dict) or not isinstance(entry.get("model_name"), str):
            raise _Undecided
        for section in SECTIONS:
            values = entry.get(section)
            if section in entry and not isinstance(values, dict):
                raise _Undecided
            for key in ("model", *PRICE_KEYS):
                if values and isinstance(values.get(key), dict | list):
                    raise _Undecided
        entries.setdefault(entry["model_name"], []).append(entry)
    return entries


def _check_models(
    spec: RoutingSpec, entries: dict[str, list[dict[str, Any]]], with_prices: bool
) -> None:
    """As :func:`routecfg.targets.proxy._set_models` finds them: a tier's first entry is its own
    deployment, each further one it declares the first other entry with its model."""
    for name, tier_name in served_names(spec).items():
        tier = spec.tiers[tier_name]
        wanted = [(d.model, d.price, d.params) for d in tier.owned_deployments()]
        nodes = list(entries.get(name, ()))
        for index, (model, price, params) in enumerate(wanted):
            node = nodes.pop(0) if index == 0 and nodes else _deployment(nodes, model)
            if node is None:
                raise _Undecided  # an entry to append
            prices = per_token(price) if with_prices else {}
            _check_section(
                node.get("litellm_params"), owned_params(model, price, params, with_prices)
            )
            if prices:
                _check_section(node.get("model_info"), prices)


def _deployment(nodes: list[dict[str, Any]], model: str) -> dict[str, Any] | None:
    for index, node in enumerate(nodes):
        params = node.get("litellm_params")
        if isinstance(params, dict) and params.get("model") == model:
            return nodes.pop(index)
    return None


def _check_section(current: Any, wanted: dict[str, Any]) -> None:
    if not isinstance(current, dict) or not current:  # a section to write
        raise _Undecided
    for key, value in wanted.items():
        if key not in current or not _same(current[key], value):
            raise _Undecided


def _same(current: Any, wanted: Any) -> bool:
    """As the edit compares: a string to a string, a number to a number as exact decimals."""
    if isinstance(wanted, bool) or not isinstance(wanted, str | int | Decimal):
        raise _Undecided  # the edit refuses it
    if isinstance(wanted, str):
        return isinstance(current, str) and current == wanted
    if isinstance(current, bool) or not isinstance(current, int | Decimal):
        return False
    return Decimal(current) == wanted


def _check_chains(
    spec: RoutingSpec, data: dict[str, Any], entries: dict[str, list[dict[str, Any]]]
) -> None:
    settings = data.get("router_settings")
    if settings is not None and not isinstance(settings, dict):
        raise _Undecided
    owned = served_names(spec)
    for kind in PROXY_CHAIN_KINDS:
        found = _chains(settings, kind)
        wanted = spec.proxy.compiled_chains(kind)
        for name, targets in found.items():
            if name in wanted and list(wanted[name]) != targets:
                raise _Undecided  # a chain to edit
            if name in owned and name not in wanted:
                raise _Undecided  # a chain to remove
            if name not in owned and any(n not in entries for n in [name, *targets]):
                raise _Undecided  # a chain naming what nothing serves: RC315
        if any(name not in found for name in wanted):
            raise _Undecided  # a chain to add


def _chains(settings: dict[str, Any] | None, kind: str) -> dict[str, list[str]]:
    sequence = settings.get(kind) if settings is not None else None
    if sequence is None:
        return {}
    if not isinstance(sequence, list):
        raise _Undecided
    found: dict[str, list[str]] = {}
    for entry in sequence:
        if not isinstance(entry, dict) or not entry:
            raise _Undecided
        for key, targets in entry.items():
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                raise _Undecided
            if key in found:  # given twice: RC314
                raise _Undecided
            found[key] = targets
    return found


def _check_ledger(data: dict[str, Any], ledger: str | None) -> None:
    """As :func:`routecfg.targets.proxyledger.register` finds it: the callback and its variable
    registered exactly when the spec names a ledger."""
    settings = _section(data, SETTINGS)
    callbacks = settings.get("callbacks") if settings else None
    if callbacks is not None and not isinstance(callbacks, list):
        raise _Undecided
    variables = _section(data, VARIABLES)
    registered = bool(callbacks) and CALLBACK in callbacks  # type: ignore[operator]
    if ledger is None:
        if registered or (variables and ENVIRONMENT in variables):
            raise _Undecided  # to take out
        return
    if not registered or not variables or variables.get(ENVIRONMENT) != ledger:
        raise _Undecided  # to put in


def _section(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A top-level mapping with something in it; None when absent, null or empty."""
    value = data.get(key)
    if key in data and not (value is None or isinstance(value, dict)):
        raise _Undecided
    return value or None
