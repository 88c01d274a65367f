"""The validation stage: a spec file in, a typed model (and its warnings) out.

Load with positions, check the format version, the JSON Schema, then the semantic rules. Each step
collects every problem it can see; a later step runs only on what the earlier one accepted.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from routecfg import gitref, model, resources, rules, spec, structure
from routecfg.diagnostics import (
    Diagnostic,
    RoutecfgError,
    Severity,
    has_errors,
    sort_diagnostics,
)
from routecfg.frozen import record, replace

if TYPE_CHECKING:
    from routecfg.litellm_map import ModelMap


@record
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


def lint_targets(validated: Validated, *, fail: bool = True) -> Validated:
    """`routecfg validate`: the LiteLLM config lint on each proxy target as a build would write
    it; its errors make the spec invalid. (`check` and `build` lint the plan's texts with
    :func:`lint_proxies`.)"""
    return lint_proxies(validated, _compiled_proxies(validated), fail=fail)


def _compiled_proxies(validated: Validated) -> Iterator[tuple[str, str]]:
    """Each proxy target that exists and compiles, as a build would write it. One that does not
    is left to `check` and `build`, which report why."""
    from routecfg.plan import read_target
    from routecfg.targets import proxy

    routing = validated.spec
    for relative in routing.targets.proxy:
        try:
            text, _ = read_target(routing.root / relative, relative)
            if text is not None:
                yield relative, proxy.render(routing, text, relative)
        except RoutecfgError:
            continue


def lint_proxies(
    validated: Validated, texts: Iterable[tuple[str, str]], *, fail: bool = True
) -> Validated:
    """``validated`` with the lint's findings on the proxy ``texts`` (path, text) added to its
    warnings. With ``fail``, an error raises RoutecfgError with every finding instead (validate);
    `check` and `build` show them and keep their own exit codes, which say whether the files
    are in sync."""
    from routecfg.router import lint

    found = [d for path, text in texts for d in lint.lint(text, path, model_map=model_map)]
    if fail and has_errors(found):
        raise RoutecfgError([*validated.warnings, *found])
    if not found:
        return validated
    added = sort_diagnostics(found)
    return replace(validated, warnings=(*validated.warnings, *added))


NOTHING_TO_LINT = "RC766"


@record
class LintOutcome:
    diagnostics: tuple[Diagnostic, ...]
    summaries: tuple[str, ...]  # one line per file, for people


def lint_proxy_files(
    files: Sequence[tuple[str, Path]], environ: Mapping[str, str] | None, *, spec_path: str | None
) -> LintOutcome:
    """`routecfg lint-proxy`: each (display path, file) read and linted as it is on disk."""
    from routecfg.plan import read_target
    from routecfg.router import lint

    if not files:
        where = spec_path or "."
        message = "nothing to lint: no PATH given, and the spec names no proxy target"
        hint = "name the LiteLLM config files, or add targets.proxy to the spec"
        problem = Diagnostic(where, 0, 0, Severity.ERROR, NOTHING_TO_LINT, message, hint)
        return LintOutcome((problem,), ())
    found: list[Diagnostic] = []
    summaries: list[str] = []
    for display, absolute in files:
        try:
            text, _ = read_target(absolute, display)
        except RoutecfgError as error:
            found.extend(error.diagnostics)
            summaries.append(f"{display}: cannot be read")
            continue
        if text is None:
            message = f"no such file: {display}"
            hint = "check the path" if spec_path is None else "fix targets.proxy in the spec"
            found.append(Diagnostic(display, 0, 0, Severity.ERROR, NOTHING_TO_LINT, message, hint))
            summaries.append(f"{display}: missing")
            continue
        these = lint.lint(text, display, environ=environ, model_map=model_map)
        found.extend(these)
        summaries.append(f"{display}: {_lint_summary(these)}")
    return LintOutcome(sort_diagnostics(found), tuple(summaries))


def _lint_summary(found: Sequence[Diagnostic]) -> str:
    if not found:
        return "no problems"
    errors = sum(1 for d in found if d.is_error)
    warnings = len(found) - errors
    parts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    ]
    return ", ".join(parts)


@functools.cache
def model_map() -> ModelMap | None:
    """LiteLLM's model map, read once per process and only when a rule needs it (None without
    litellm)."""
    from routecfg.litellm_map import installed_map

    return installed_map()


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
