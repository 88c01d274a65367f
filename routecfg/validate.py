"""The validation stage: a spec file in, a typed model (and its warnings) out.

Load with positions, check the format version, the JSON Schema, then the semantic rules. Each step
collects every problem it can see; a later step runs only on what the earlier one accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from routecfg import model, rules, spec, structure
from routecfg.diagnostics import Diagnostic, RoutecfgError, has_errors


@dataclass(frozen=True)
class Validated:
    source: spec.Source
    spec: model.RoutingSpec
    warnings: tuple[Diagnostic, ...]


def validate(path: Path) -> Validated:
    """The model of the spec at ``path``; raises :class:`RoutecfgError` when it is invalid."""
    source = spec.load(path)
    _stop_on(structure.check_version(source))
    _stop_on(structure.check_structure(source))
    routing = model.build(source.data, path.parent)
    found = rules.check_rules(routing, source)
    if has_errors(found):
        raise RoutecfgError(found)
    return Validated(source, routing, tuple(found))


def _stop_on(found: list[Diagnostic]) -> None:
    if found:
        raise RoutecfgError(found)
