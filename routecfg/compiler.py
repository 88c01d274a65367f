"""Compiling a validated spec: every target read and rendered, before anything is written.

The result is the plan `check`, `diff` and `build` share: one :class:`~routecfg.plan.Change` per
target file. Problems in any target are collected across all of them and raised together.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from routecfg import gitref, resources
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import replace
from routecfg.model import RoutingSpec
from routecfg.plan import Change, Encoding, State, read_target
from routecfg.targets import markers, preset, schema
from routecfg.validate import Validated, committed

# Schemas first: a preset is checked against the schema as compiled.
ORDER = ("schema", "preset", "proxy", "skills", "editor_schema")
WRITTEN_WHOLE = frozenset({"editor_schema"})
HAND_EDITED_KINDS = (
    "preset",
    "schema",
    "proxy",
)  # handedits.KINDS (a test keeps them equal)  # routecfg's own files: a build creates them
EDITED_BLOCK = "RC504"  # a block edited by hand: the code `check --format github` gives it too


def make_plan(validated: Validated, *, fix: bool = False) -> tuple[Change, ...]:
    """Every target's change. ``fix``: skills targets' fixable prose claims are rewritten too."""
    spec = validated.spec
    changes: list[Change] = []
    problems: list[Diagnostic] = []
    backlog_schema: tuple[Mapping[str, Any], str] = (
        resources.load_schema(resources.BACKLOG_SCHEMA),
        "routecfg's backlog schema",
    )
    at_head: list[Validated | None] = []  # the spec at HEAD, read once and only when needed
    for kind in ORDER:
        for relative in getattr(spec.targets, kind):
            try:
                change = _compile_one(spec, kind, relative, backlog_schema, fix)
            except RoutecfgError as error:
                problems.extend(error.diagnostics)
                continue
            if change.state is State.STALE and kind in HAND_EDITED_KINDS:
                change = _owned_edits(validated, change, backlog_schema, at_head)
            changes.append(change)
            if kind == "schema" and change.old is not None:
                backlog_schema = (json.loads(change.new), relative)
    if problems:
        raise RoutecfgError(problems)
    return tuple(changes)


def _compile_one(
    spec: RoutingSpec,
    kind: str,
    relative: str,
    backlog_schema: tuple[Mapping[str, Any], str],
    fix: bool = False,
) -> Change:
    absolute = spec.root / relative
    old, encoding = read_target(absolute, relative, spec.root)
    if old is None and kind in WRITTEN_WHOLE:
        from routecfg.targets import editor_schema

        new = editor_schema.render(spec, "", relative)
        return Change(kind, relative, absolute, None, new, encoding, State.STALE)
    if old is None:  # nothing to splice into: check and build say so, and write nothing
        return Change(kind, relative, absolute, None, "", encoding, State.MISSING)
    if kind == "skills":
        return _compile_skills(spec, relative, absolute, old, encoding, fix)
    warnings: tuple[Diagnostic, ...] = ()
    if kind == "preset":  # with the preset's own schema problems (RC608 warnings)
        new, warnings = preset.render_checked(spec, old, relative, *backlog_schema)
    else:
        new = _renderer(kind, backlog_schema)(spec, old, relative)
    state = State.STALE if new != old else State.IN_SYNC
    return Change(kind, relative, absolute, old, new, encoding, state, warnings=warnings)


def _compile_skills(
    spec: RoutingSpec, relative: str, absolute: Path, old: str, encoding: Encoding, fix: bool
) -> Change:
    """A skills target: its blocks rendered, its prose linted, and with ``fix`` the fixable
    claims rewritten first (they lie outside blocks, so rendering keeps them)."""
    from routecfg.prose.fix import apply_fixes
    from routecfg.prose.lint import lint

    findings = lint(spec, old, relative)
    fixed = fix and any(f.fixable for f in findings)
    new = _skills_renderer(spec, apply_fixes(old, findings) if fixed else old, relative)
    edited = _hand_edited_blocks(old, relative)
    state = State.STALE if new != old else State.IN_SYNC
    if edited:
        state = State.HAND_EDITED
    blocks = len(markers.find_blocks(old, relative))
    return Change(
        "skills",
        relative,
        absolute,
        old,
        new,
        encoding,
        state,
        tuple(block.name for block in edited),
        tuple(_block_edit(old, relative, block) for block in edited),
        blocks=blocks,
        prose=findings,
        fixed=fixed,
    )


def prose_findings(validated: Validated) -> tuple[Diagnostic, ...]:
    """The prose lint of every skills target, for `routecfg validate` (missing files and
    unreadable ones are left to the other checks and the plan)."""
    from routecfg.prose.lint import lint

    spec = validated.spec
    found: list[Diagnostic] = []
    for relative in spec.targets.skills:
        try:
            text, _ = read_target(spec.root / relative, relative, spec.root)
        except RoutecfgError as error:
            found.extend(error.diagnostics)
            continue
        if text is not None:
            found.extend(f.diagnostic for f in lint(spec, text, relative))
    return tuple(found)


def _hand_edited_blocks(text: str, path: str) -> tuple[markers.Block, ...]:
    """Blocks whose body no longer matches the digest routecfg recorded when it wrote them."""
    return tuple(
        block
        for block in markers.find_blocks(text, path)
        if markers.block_state(block) == "hand-edited"
    )


def _block_edit(text: str, path: str, block: markers.Block) -> Diagnostic:
    """A hand-edited block, at its begin marker, with its parameters."""
    column = block.begin_marker_start - (text.rfind("\n", 0, block.begin_marker_start) + 1) + 1
    params = " ".join(f"{key}={value}" for key, value in block.params)
    return Diagnostic(
        path,
        block.begin_line,
        column,
        Severity.ERROR,
        EDITED_BLOCK,
        f"block '{block.name}'{f' ({params})' if params else ''} was edited by hand",
        "make the change in routecfg.yaml or the block's template; "
        "`routecfg build --force` overwrites the block",
    )


def _owned_edits(
    validated: Validated,
    change: Change,
    backlog_schema: tuple[Mapping[str, Any], str],
    at_head: list[Validated | None],
) -> Change:
    """A stale preset, schema or proxy whose owned values were edited by hand: only then, and
    only for a target that differs, is the spec at HEAD read and compiled."""
    from routecfg import handedits  # a target in sync needs none of it

    if not at_head:
        at_head.append(committed(validated.source.path, validated))
    head = at_head[0]
    if head is None or change.old is None:
        return change  # outside git, or no valid spec at HEAD: stale and hand-edited look alike
    try:
        then = _renderer(change.kind, backlog_schema)(head.spec, change.old, change.path)
    except RoutecfgError:
        return change
    edits = handedits.edited_values(change.kind, change.path, change.old, change.new, then)
    if edits:
        try:  # only now: the file as committed, to keep an unbuilt spec commit "stale"
            as_committed, _ = gitref.spec_at("HEAD", validated.spec.root / change.path)
        except gitref.GitUnavailable:
            as_committed = None
        if as_committed is not None:
            edits = handedits.edited_values(
                change.kind, change.path, change.old, change.new, then, as_committed
            )
    if not edits:
        return change
    return replace(change, state=State.HAND_EDITED, edits=tuple(edits))


Renderer = Callable[[RoutingSpec, str, str], str]


def _renderer(kind: str, backlog_schema: tuple[Mapping[str, Any], str]) -> Renderer:
    if kind == "schema":
        return schema.render
    if kind == "proxy":
        from routecfg.targets import proxy  # ruamel.yaml only where there is a proxy to edit

        return proxy.render
    if kind == "skills":
        return _skills_renderer
    if kind == "editor_schema":
        from routecfg.targets import editor_schema

        return editor_schema.render
    document, name = backlog_schema
    return lambda spec, text, path: preset.render(spec, text, path, document, name)


def _skills_renderer(spec: RoutingSpec, text: str, path: str) -> str:
    if not markers.find_blocks(text, path):
        return text  # nothing to render: no renderer imported (find_blocks reads a file once)
    from routecfg.targets import markdown  # Jinja2 only where there are skills to render

    folder = spec.targets.templates
    return markdown.render(spec, text, path, spec.root / folder if folder else None)
