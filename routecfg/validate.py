"""The validation stage: a spec file in, a typed model (and its warnings) out.

Load with positions, check the format version, the JSON Schema, then the semantic rules. Each step
collects every problem it can see; a later step runs only on what the earlier one accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from routecfg import gitref, model, resources, rules, spec, structure
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, has_errors


@dataclass(frozen=True)
class Validated:
    source: spec.Source
    spec: model.RoutingSpec
    warnings: tuple[Diagnostic, ...]


def validate(path: Path, *, budget: bool = True, missing_targets: bool = True) -> Validated:
    """The model of the spec at ``path``; raises :class:`RoutecfgError` when it is invalid.

    ``budget=False`` leaves the budget out: `routecfg cost` reports it with its own exit code.
    ``missing_targets=False`` leaves missing target files to the plan, which names them.
    """
    return validate_source(spec.load(path), budget=budget, missing_targets=missing_targets)


def validate_source(
    source: spec.Source, *, budget: bool = True, missing_targets: bool = True
) -> Validated:
    _stop_on(structure.check_version(source))
    skip = frozenset() if missing_targets else frozenset({rules.MISSING_TARGET})
    structural = structure.check_structure(source)
    if structural:
        raise RoutecfgError([*structural, *_rules_on_the_rest(source, skip)])
    routing = model.build(source.data, source.path.parent)
    found = rules.check_rules(routing, source, skip=skip)
    if not has_errors(found) and budget:
        found += rules.check_budget(routing, source)
    if has_errors(found):
        raise RoutecfgError(found)
    return Validated(source, routing, tuple(found))


# Rules whose findings stand on the node they are about, whatever was cut out elsewhere: names
# that exist or not, chains that repeat, paths. Rules that weigh tiers against each other
# (capabilities, cycles through the proxy, local tiers, prices) wait for a spec that is whole.
LOCAL_RULES = frozenset(
    {"RC201", "RC202", "RC220", "RC221", "RC250", "RC260", "RC261", "RC262", "RC270", "RC271"}
)


def _rules_on_the_rest(source: spec.Source, skip: frozenset[str]) -> list[Diagnostic]:
    """The semantic errors of the parts of a spec its schema accepts (product.md §5: every
    problem at once). A reference to a tier or gate that was cut out is not reported again."""
    rest = structure.well_formed_part(source.data)
    if rest is None:
        return []
    data, removed = rest
    again = tuple(f"unknown {section.removesuffix('s')} '{name}'" for section, name in removed)
    try:
        routing = model.build(data, source.path.parent)
        found = rules.check_rules(routing, source, skip=skip)
    except Exception:  # what is left is too broken to model: the structural errors say enough
        return []
    return [
        d for d in found if d.is_error and d.code in LOCAL_RULES and not d.message.startswith(again)
    ]


def _stop_on(found: list[Diagnostic]) -> None:
    if found:
        raise RoutecfgError(found)


def load_against(name: str, spec_path: Path, cwd: Path) -> tuple[Validated, str]:
    """What ``--against NAME`` names: a spec file, a bundled preset, or a git ref (the spec as
    committed there). Returns the validated spec and a label for it."""
    candidate = cwd / name
    if candidate.is_file():
        return validate(candidate, budget=False), name
    if resources.preset_path(name) is not None:
        return validate(spec.locate(name, cwd), budget=False), name.removesuffix(".yaml")
    try:
        text, label = gitref.spec_at(name, spec_path)
    except gitref.GitUnavailable as error:
        raise RoutecfgError(
            [
                Diagnostic(
                    name,
                    0,
                    0,
                    Severity.ERROR,
                    "RC501",
                    f"'{name}' is not a spec file, a bundled preset or a git ref ({error})",
                    "bundled presets: " + ", ".join(resources.preset_names()),
                )
            ]
        ) from None
    return validate_source(spec.from_text(spec_path, label, text), budget=False), name


def committed(spec_path: Path, current: Validated | None = None) -> Validated | None:
    """The spec as committed at HEAD, when it is tracked in a git repository and valid.

    When it is the text of ``current``, that is the answer: no second validation."""
    try:
        text, label = gitref.spec_at("HEAD", spec_path)
        if current is not None and text == current.source.text:
            return current
        return validate_source(spec.from_text(spec_path, label, text), budget=False)
    except (gitref.GitUnavailable, RoutecfgError, ValueError):
        return None
