"""Compiling a validated spec: every target read and rendered, before anything is written.

The result is the plan `check`, `diff` and `build` share: one :class:`~routecfg.plan.Change` per
target file. Problems in any target are collected across all of them and raised together.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from routecfg import resources
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import RoutingSpec
from routecfg.plan import Change, State, read_target
from routecfg.targets import markers, preset, proxy, schema
from routecfg.validate import Validated

# Schemas first: a preset is checked against the schema as compiled.
ORDER = ("schema", "preset", "proxy", "skills")


def make_plan(validated: Validated) -> tuple[Change, ...]:
    spec = validated.spec
    changes: list[Change] = []
    problems: list[Diagnostic] = []
    backlog_schema: tuple[Mapping[str, Any], str] = (
        resources.load_schema(resources.BACKLOG_SCHEMA),
        "routecfg's backlog schema",
    )
    for kind in ORDER:
        for relative in getattr(spec.targets, kind):
            try:
                change = _compile_one(spec, kind, relative, backlog_schema)
            except RoutecfgError as error:
                problems.extend(error.diagnostics)
                continue
            changes.append(change)
            if kind == "schema" and change.new is not None:
                backlog_schema = (json.loads(change.new), relative)
    if problems:
        raise RoutecfgError(problems)
    return tuple(changes)


def _compile_one(
    spec: RoutingSpec, kind: str, relative: str, backlog_schema: tuple[Mapping[str, Any], str]
) -> Change:
    absolute = spec.root / relative
    old, encoding = read_target(absolute, relative)
    if old is None:
        raise RoutecfgError(
            [
                Diagnostic(
                    relative,
                    0,
                    0,
                    Severity.ERROR,
                    "RC263",
                    f"target file '{relative}' does not exist",
                    "create it, or fix the path in routecfg.yaml",
                )
            ]
        )
    render = _renderer(kind, backlog_schema)
    new = render(spec, old, relative)
    hand_edited = _hand_edited_blocks(old, relative) if kind == "skills" else ()
    state = State.STALE if new != old else State.IN_SYNC
    if hand_edited:
        state = State.HAND_EDITED
    return Change(kind, relative, absolute, old, new, encoding, state, hand_edited)


def _hand_edited_blocks(text: str, path: str) -> tuple[str, ...]:
    """Blocks whose body no longer matches the digest routecfg recorded when it wrote them."""
    return tuple(
        block.name
        for block in markers.find_blocks(text, path)
        if markers.block_state(block) == "hand-edited"
    )


Renderer = Callable[[RoutingSpec, str, str], str]


def _renderer(kind: str, backlog_schema: tuple[Mapping[str, Any], str]) -> Renderer:
    if kind == "schema":
        return schema.render
    if kind == "proxy":
        return proxy.render
    if kind == "skills":
        return _skills_renderer
    document, name = backlog_schema
    return lambda spec, text, path: preset.render(spec, text, path, document, name)


def _skills_renderer(spec: RoutingSpec, text: str, path: str) -> str:
    from routecfg.targets import markdown  # Jinja2 only where there are skills to render

    folder = spec.targets.templates
    return markdown.render(spec, text, path, spec.root / folder if folder else None)
