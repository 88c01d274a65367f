"""`routecfg actuals --calibrate`: the measured profile written back into routecfg.yaml.

Spec text in, spec text out, edited in place in ruamel's round-trip tree (the proxy target's
engine, :mod:`routecfg.targets.yamledit`). Specs align their flow mappings by hand
(``review:    {input: …}``), which ruamel does not reproduce; so the tree's edits are carried over
to the original text line by line: the lines ruamel's dump changes are replaced, every other line
is kept byte for byte (:func:`carry_over`).
For each spec gate with answered calls: ``cost.profile.<gate>`` gets ``input`` and ``output`` (mean
tokens per call, whole), ``calls`` (calls per ticket, to two places) and, for a gate with a
``fallback`` where a ledger recorded the tier requested, ``fallback_rate``;
``cost.scenarios.measured`` gets ``escalation_rate``.
"""

from __future__ import annotations

import difflib
from decimal import ROUND_HALF_UP, Decimal

from ruamel.yaml.comments import CommentedMap

from routecfg.actuals.tally import Actuals
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import RoutingSpec
from routecfg.targets import yamlcomments, yamledit, yamlformat
from routecfg.targets.yamlnodes import Envelope, Scalar, kind_name, value_position

SCENARIO = "measured"
NOTHING = "RC907"
CANNOT_PLACE = "RC908"
HUNDREDTHS = Decimal("0.01")


def _round(value: Decimal, places: Decimal = Decimal(1)) -> Decimal | int:
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else rounded.normalize()


def profile(actuals: Actuals, spec: RoutingSpec) -> dict[str, dict[str, Scalar]]:
    """The measured profile: per spec gate with answered calls on tickets. A fallback rate only
    for a gate with a `fallback` of its own: the cost model charges it there alone (RC280)."""
    measured: dict[str, dict[str, Scalar]] = {}
    for gate in actuals.gates:
        if not gate.mapped or not gate.calls or not gate.calls_per_ticket:
            continue
        values: dict[str, Scalar] = {
            "input": _round(gate.mean_input),
            "output": _round(gate.mean_output),
            "calls": _round(gate.calls_per_ticket, HUNDREDTHS),
        }
        if gate.fallback_rate is not None and spec.gates[gate.gate].fallback:
            values["fallback_rate"] = _round(gate.fallback_rate, HUNDREDTHS)
        measured[gate.gate] = values
    return measured


def calibrate(text: str, display: str, actuals: Actuals, spec: RoutingSpec) -> str:
    """``text`` with the measured profile and scenario in it."""
    measured = profile(actuals, spec)
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
    doc = _load(text, display)
    before = yamledit.dump(doc)
    cost = _mapping(doc, doc.root, "cost", blank=True)
    gates = _mapping(doc, cost, "profile", blank=False)
    changed = False
    for gate, values in measured.items():
        changed = _set_all(doc, gates, gate, values) or changed
    scenarios = _mapping(doc, cost, "scenarios", blank=False)
    rate = _round(actuals.escalation_rate, HUNDREDTHS)
    changed = _set_all(doc, scenarios, SCENARIO, {"escalation_rate": rate}) or changed
    return carry_over(text, before, yamledit.dump(doc), display) if changed else text


def _load(text: str, display: str) -> yamledit.ProxyDoc:
    yaml = yamlformat.round_trip_yaml(text)
    root = yaml.load(text)
    if not isinstance(root, CommentedMap):  # pragma: no cover - the spec validated
        raise _cannot(display, 1, 1, "the spec's top level is not a mapping")
    return yamledit.ProxyDoc(display, root, yaml, Envelope(False, "\n", text.endswith("\n")))


def carry_over(original: str, before: str, after: str, display: str) -> str:
    """``original`` with the lines that differ between ``before`` (the untouched tree's dump)
    and ``after`` (the edited tree's) replaced. ``before`` differs from ``original`` only inside
    lines (spacing, never a line more or less), so its lines stand for the original's."""
    old = original.splitlines(keepends=True)
    base = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    if len(old) != len(base):
        where = next((i for i, (a, b) in enumerate(zip(old, base, strict=False)) if a != b), 0)
        raise _cannot(display, where + 1, 1, "cannot edit the spec without reformatting it")
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(None, base, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        lines.extend(old[i1:i2] if tag == "equal" else new[j1:j2])
    result = "".join(lines)
    # ruamel can drop the final newline after a flow mapping it appended at the very end.
    return result + "\n" if original.endswith("\n") and not result.endswith("\n") else result


def _cannot(display: str, line: int, column: int, message: str) -> RoutecfgError:
    hint = "write the cost.profile values by hand; `routecfg actuals --format json` has them"
    return RoutecfgError(
        [Diagnostic(display, line, column, Severity.ERROR, CANNOT_PLACE, message, hint)]
    )


def _mapping(doc: yamledit.ProxyDoc, parent: CommentedMap, key: str, blank: bool) -> CommentedMap:
    value = parent.get(key)
    if isinstance(value, CommentedMap):
        return value
    if key in parent and value is not None:
        where = value_position(parent, key)
        message = f"{key} is {kind_name(value)}; expected a mapping"
        raise _cannot(doc.path, where.line, where.column, message)
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
