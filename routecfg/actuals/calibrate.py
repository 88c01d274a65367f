"""`routecfg actuals --calibrate`: the measured profile written back into routecfg.yaml.

Spec text in, spec text out, edited in place in ruamel's round-trip tree (the proxy target's
engine, :mod:`routecfg.targets.yamledit`), so comments and layout outside the values it sets stay.
For each spec gate with answered calls: ``cost.profile.<gate>`` gets ``input`` and ``output`` (mean
tokens per call, whole), ``calls`` (calls per ticket, to two places) and, where a ledger recorded
the tier requested, ``fallback_rate``; ``cost.scenarios.measured`` gets ``escalation_rate``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ruamel.yaml.comments import CommentedMap

from routecfg.actuals.tally import Actuals
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.targets import yamlcomments, yamledit
from routecfg.targets.yamlnodes import Scalar, kind_name, value_position

SCENARIO = "measured"
NOTHING = "RC908"
CANNOT_PLACE = "RC909"
HUNDREDTHS = Decimal("0.01")


def _round(value: Decimal, places: Decimal = Decimal(1)) -> Decimal | int:
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else rounded.normalize()


def profile(actuals: Actuals) -> dict[str, dict[str, Scalar]]:
    """The measured profile: per spec gate with answered calls on tickets."""
    measured: dict[str, dict[str, Scalar]] = {}
    for gate in actuals.gates:
        if not gate.mapped or not gate.calls or not gate.calls_per_ticket:
            continue
        values: dict[str, Scalar] = {
            "input": _round(gate.mean_input),
            "output": _round(gate.mean_output),
            "calls": _round(gate.calls_per_ticket, HUNDREDTHS),
        }
        if gate.fallback_rate is not None:
            values["fallback_rate"] = _round(gate.fallback_rate, HUNDREDTHS)
        measured[gate.gate] = values
    return measured


def calibrate(text: str, display: str, actuals: Actuals) -> str:
    """``text`` with the measured profile and scenario in it."""
    measured = profile(actuals)
    if not measured:
        raise RoutecfgError(
            [
                Diagnostic(
                    display,
                    0,
                    0,
                    Severity.ERROR,
                    NOTHING,
                    "nothing to calibrate: no spec gate has answered calls on a ticket",
                    "the ledgers need ticket ids and gate names (fields, spend_logs_metadata or "
                    "`ticket:`/`gate:` tags) that map to the spec's gates",
                )
            ]
        )
    doc = yamledit.load(text, display)
    cost = _mapping(doc, doc.root, "cost", blank=True)
    gates = _mapping(doc, cost, "profile", blank=False)
    changed = False
    for gate, values in measured.items():
        changed = _set_all(doc, gates, gate, values) or changed
    scenarios = _mapping(doc, cost, "scenarios", blank=False)
    rate = _round(actuals.escalation_rate, HUNDREDTHS)
    changed = _set_all(doc, scenarios, SCENARIO, {"escalation_rate": rate}) or changed
    return yamledit.dump(doc) if changed else text


def _mapping(doc: yamledit.ProxyDoc, parent: CommentedMap, key: str, blank: bool) -> CommentedMap:
    value = parent.get(key)
    if isinstance(value, CommentedMap):
        return value
    if key in parent and value is not None:
        message = f"{key} is {kind_name(value)}; expected a mapping"
        where = value_position(parent, key)
        diagnostic = Diagnostic(
            doc.path, where.line, where.column, Severity.ERROR, CANNOT_PLACE, message, None
        )
        raise RoutecfgError([diagnostic])
    block = CommentedMap()
    if key in parent:
        yamlcomments.replace_with_block(parent, key, block)
    else:
        yamlcomments.add_key(parent, key, block, blank=blank)
    return block


def _set_all(
    doc: yamledit.ProxyDoc, parent: CommentedMap, key: str, values: dict[str, Scalar]
) -> bool:
    if key not in parent or parent[key] is None:
        node = CommentedMap()
        for name, value in values.items():
            node[name] = value
        node.fa.set_flow_style()
        if key in parent:
            parent[key] = node
        else:
            yamlcomments.add_key(parent, key, node, blank=False)
        return True
    current = _mapping(doc, parent, key, blank=False)
    changes = [yamledit.set_scalar(current, name, value) for name, value in values.items()]
    return any(changes)
