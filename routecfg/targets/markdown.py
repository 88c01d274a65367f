"""The skill Markdown target: each generated block's body rendered from its Jinja2 template.

A block ``NAME`` is rendered from ``NAME.md.j2``, looked up in the spec's own templates folder
first, then among the bundled templates. Templates run in Jinja's sandbox with undefined names
as errors, and see the routing through plain records (:mod:`routecfg.tables` rows and the model's
frozen records), never through paths or anything that reaches the disk.

Every name a template reads that the context does not define is a block parameter: the begin
marker must not pass any other. ``gate=NAME`` is checked against the spec's gates and arrives as
that gate's :class:`~routecfg.tables.RoutingRow`; other parameters arrive as strings.

A block whose template is bundled, unedited and not shadowed by the spec's folder is rendered by
its Python twin in :mod:`routecfg.targets.bundled`, the same bytes without importing Jinja; every
other block (the spec's own templates, an edited bundled one) by Jinja.

Text in, text out: the only reading is the loaders reading templates; nothing is printed.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from routecfg import resources, tables
from routecfg.diagnostics import (
    Diagnostic,
    RoutecfgError,
    Severity,
    suggestion_hint,
)
from routecfg.model import RoutingSpec
from routecfg.targets import bundled, markers
from routecfg.targets.markers import Block

if TYPE_CHECKING:  # Jinja2 is imported where there are blocks to render, not before
    import weakref

    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_SUFFIX = ".md.j2"

NO_TEMPLATE = "RC410"
TEMPLATE_ERROR = "RC411"
BAD_PARAMETER = "RC412"
_TEMPLATE_HINT = "templates are small UTF-8 text files that render a block of Markdown"


def _render_errors() -> tuple[type[Exception], ...]:
    """What a template may fail with while rendering: Jinja's own errors (undefined names, the
    sandbox refusing an attribute, a missing include) and the Python errors an expression can
    raise. Anything else is a bug in routecfg and must not be dressed up as bad input."""
    import jinja2

    return (
        jinja2.TemplateError,
        ArithmeticError,
        LookupError,
        TypeError,
        ValueError,
        RecursionError,
    )


def render(spec: RoutingSpec, text: str, path: str, extra_templates: Path | None = None) -> str:
    """``text`` with every block's body rendered from the spec; raises RoutecfgError (RC41x)."""
    blocks = markers.find_blocks(text, path)
    if not blocks:
        return text
    renderer = _renderer_for(spec, extra_templates)
    bodies: dict[Block, str] = {}
    problems: list[Diagnostic] = []
    for block in blocks:
        try:
            bodies[block] = renderer.body(block)
        except _BlockProblem as problem:
            problems.append(problem.at(text, path, block))
    new_text = _replace(text, bodies, path, problems)
    if problems:
        raise RoutecfgError(problems)
    return new_text


def render_one(
    spec: RoutingSpec, text: str, path: str, key: markers.BlockKey, extra_templates: Path | None
) -> str:
    """``text`` with the body of the one block ``key`` rendered, every other byte kept (other
    blocks too, stale or not); raises RoutecfgError (RC41x) placed at its begin marker."""
    block = next(b for b in markers.find_blocks(text, path) if b.key == key)
    try:
        body = _renderer_for(spec, extra_templates).body(block)
    except _BlockProblem as problem:
        raise RoutecfgError([problem.at(text, path, block)]) from None
    problems: list[Diagnostic] = []
    new_text = _replace(text, {block: body}, path, problems)
    if problems:
        raise RoutecfgError(problems)
    return new_text


def _replace(text: str, bodies: Mapping[Block, str], path: str, problems: list[Diagnostic]) -> str:
    """Splices the bodies in, last block first so that earlier blocks keep their offsets; one
    block at a time so a body replace_blocks refuses is reported against its own block."""
    for block in sorted(bodies, key=lambda b: b.body_start, reverse=True):
        try:
            text = markers.replace_blocks(text, [block], {block.key: bodies[block]})
        except ValueError as refused:
            message = (
                f"template '{_template_name(block.name)}' rendered an unusable body: {refused}"
            )
            hint = "a body must not hold routecfg markers or leave a code fence open"
            problem = _BlockProblem(TEMPLATE_ERROR, message, hint)
            problems.append(problem.at(text, path, block))
    return text


# --- the environment ---------------------------------------------------------------------------


class _Templates:
    """The template folders' Jinja environment, kept between renders: compiling templates is
    most of the time a render takes, and Jinja recompiles a template whose file changed."""

    def __init__(self, extra_templates: Path | None) -> None:
        import weakref  # only with Jinja, which imports it anyway

        self.env = _environment(extra_templates)
        # What each compiled template reads; a recompiled template is a new key.
        self.reads: weakref.WeakKeyDictionary[jinja2.Template, frozenset[str]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, block_name: str) -> jinja2.Template:
        import jinja2

        from routecfg.targets import bounded

        try:
            return self.env.get_template(_template_name(block_name))
        except jinja2.TemplateNotFound:
            known_blocks = self._known_blocks()
            file = _template_name(block_name)
            message = f"no template for block '{block_name}'"
            import difflib

            # Stricter than names elsewhere: block names share words ('-table', 'gate-').
            close = difflib.get_close_matches(block_name, known_blocks, n=1, cutoff=0.75)
            meant = close[0] if close else None
            known = (
                f"did you mean '{meant}'?"
                if meant
                else f"known blocks: {', '.join(known_blocks) or 'none'};"
            )
            hint = f"{known} or add {file} to the spec's templates folder"
            raise _BlockProblem(NO_TEMPLATE, message, hint) from None
        except bounded.Refused as refused:
            raise _BlockProblem(refused.code, refused.message or "", _TEMPLATE_HINT) from None
        except jinja2.TemplateSyntaxError as error:
            raise _template_error(block_name, error) from error

    def _known_blocks(self) -> list[str]:
        names = self.env.list_templates(filter_func=_is_block_template)
        return sorted({name.removesuffix(TEMPLATE_SUFFIX) for name in names})

    def names_read(self, template: jinja2.Template) -> frozenset[str]:
        """The names the template reads from its context, Jinja's globals aside."""
        if template not in self.reads:
            assert self.env.loader is not None
            assert template.name is not None
            from routecfg.targets import precompiled

            read: frozenset[str] | set[str] | None = precompiled.names_read(template)
            if read is None:
                from jinja2 import meta

                source, _, _ = self.env.loader.get_source(self.env, template.name)
                read = meta.find_undeclared_variables(self.env.parse(source))
            self.reads[template] = frozenset(read - self.env.globals.keys())
        return self.reads[template]


def _templates(extra_templates: Path | None) -> _Templates:
    """The environment for these folders. Jinja notices a changed file, not a new one that
    shadows a bundled template, so the spec folder's listing is part of the key."""
    listing = (
        tuple(sorted(p.name for p in extra_templates.iterdir()))
        if extra_templates is not None and extra_templates.is_dir()
        else ()
    )
    return _templates_for(extra_templates, listing)


@functools.lru_cache(maxsize=16)
def _templates_for(extra_templates: Path | None, listing: tuple[str, ...]) -> _Templates:
    del listing  # part of the cache key only
    return _Templates(extra_templates)


def _environment(extra_templates: Path | None) -> SandboxedEnvironment:
    """The bounded sandbox (:mod:`routecfg.targets.bounded`): the spec's templates (each file
    must resolve inside that folder), then ours, the bundled ones served precompiled."""
    import jinja2

    from routecfg.targets import bounded, precompiled

    folders: list[tuple[str, str | None]] = [(str(resources.templates_dir()), None)]
    if extra_templates is not None:
        folders.insert(0, (str(extra_templates), str(extra_templates)))
    env = bounded.BoundedSandbox(
        loader=precompiled.loader(bounded.GuardedLoader, folders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # Block tags on lines of their own leave no blank lines behind: templates stay readable.
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Same inputs, same bytes: drop Jinja's random helpers.
    del env.globals["lipsum"]
    del env.filters["random"]
    env.filters["money"] = bundled.money_cell
    env.filters["cell"] = bundled.table_cell
    return env


def _context(spec: RoutingSpec) -> dict[str, Any]:
    """What every template sees. Not the RoutingSpec itself: its root is a Path, whose methods
    read and write files, and the sandbox would let a template call them."""
    routing = tables.routing_rows(spec)
    escalation_model = spec.tiers.get(spec.escalation.model or "")
    return {
        "tiers": spec.tiers,
        "gates": spec.gates,
        "escalation": spec.escalation,
        "proxy": spec.proxy,
        "display": MappingProxyType(
            {name: tables.display_name(tier) for name, tier in spec.tiers.items()}
        ),
        "routing": routing,
        "route_groups": tables.route_groups(routing),
        "prices": tables.price_rows(spec),
        "escalations": tables.escalation_rows(spec),
        "escalation_model": tables.route_to(escalation_model) if escalation_model else None,
        "in_fence": False,
    }


# --- one block ---------------------------------------------------------------------------------


class _BlockProblem(Exception):
    """One block's problem; it becomes a diagnostic once the block's position is known."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint

    def at(self, text: str, path: str, block: Block) -> Diagnostic:
        """The diagnostic, placed at the block's begin marker."""
        line_start = text.rfind("\n", 0, block.begin_marker_start) + 1
        column = block.begin_marker_start - line_start + 1
        return Diagnostic(
            path, block.begin_line, column, Severity.ERROR, self.code, self.message, self.hint
        )


_LAST_RENDERER: list[tuple[RoutingSpec, Path | None, _Renderer]] = []


def _renderer_for(spec: RoutingSpec, extra_templates: Path | None) -> _Renderer:
    """One renderer per spec: its context (every gate's row) is built once, not per file."""
    if _LAST_RENDERER:
        last_spec, last_extra, renderer = _LAST_RENDERER[0]
        if last_spec is spec and last_extra == extra_templates:
            return renderer
    renderer = _Renderer(spec, extra_templates)
    _LAST_RENDERER[:] = [(spec, extra_templates, renderer)]
    return renderer


class _Renderer:
    def __init__(self, spec: RoutingSpec, extra_templates: Path | None) -> None:
        self.extra_templates = extra_templates
        self.context = _context(spec)
        self.rows: dict[str, tables.RoutingRow] = {row.gate: row for row in self.context["routing"]}

    @functools.cached_property
    def templates(self) -> _Templates:
        """Jinja's environment, made for the first block the bundled renderers do not cover."""
        return _templates(self.extra_templates)

    def body(self, block: Block) -> str:
        python = bundled.for_block(_template_name(block.name), self.extra_templates)
        if python is not None:
            params = self._params(block, python.reads - self.context.keys())
            body = python.render({**self.context, "in_fence": block.fence is not None, **params})
            if len(body) <= bundled.MAX_OUTPUT:
                return body
        return self._jinja_body(block)

    def _jinja_body(self, block: Block) -> str:
        from routecfg.targets import bounded

        template = self.templates.get(block.name)
        # Every name the template reads that the context lacks is one of its parameters.
        accepted = self.templates.names_read(template) - self.context.keys()
        params = self._params(block, accepted)
        try:
            context = {**self.context, "in_fence": block.fence is not None, **params}
            return bounded.render(template, context)
        except bounded.Refused as refused:
            message = f"template '{_template_name(block.name)}': {refused.message}"
            raise _BlockProblem(refused.code, message, _TEMPLATE_HINT) from None
        except _render_errors() as error:
            names = [*self.context["tiers"], *self.context["gates"]]
            raise _template_error(block.name, error, names) from error

    def _params(self, block: Block, accepted: frozenset[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in block.params:
            if key not in accepted:
                raise _BlockProblem(
                    BAD_PARAMETER,
                    f"block '{block.name}' takes no parameter '{key}'",
                    _accepted_hint(key, sorted(accepted)),
                )
            values[key] = self._gate(block.name, value) if key == "gate" else value
        if "gate" in accepted and "gate" not in values:
            message = f"block '{block.name}' needs a parameter gate=NAME"
            hint = f"add gate=NAME to its begin marker; known gates: {', '.join(self.rows)}"
            raise _BlockProblem(BAD_PARAMETER, message, hint)
        return values

    def _gate(self, block_name: str, name: str) -> tables.RoutingRow:
        row = self.rows.get(name)
        if row is None:
            message = f"unknown gate '{name}' in block '{block_name}'"
            raise _BlockProblem(
                BAD_PARAMETER, message, suggestion_hint(name, [*self.rows], "gates")
            )
        return row


def _accepted_hint(key: str, accepted: Sequence[str]) -> str:
    if not accepted:
        return "this block takes no parameters; remove it from the begin marker"
    return suggestion_hint(key, accepted, "parameters")


def _is_block_template(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIX) and "/" not in name


def _template_name(block_name: str) -> str:
    return block_name + TEMPLATE_SUFFIX


def _template_error(block_name: str, error: Exception, names: Sequence[str] = ()) -> _BlockProblem:
    """RC411 naming the template file and line where it failed (an included one, maybe), and
    what went wrong in the spec's words, never a Python class."""
    import jinja2

    from routecfg.targets import template_context

    file, line = _failing_place(block_name, error)
    what = error.message if isinstance(error, jinja2.TemplateError) and error.message else error
    said = template_context.in_spec_words(str(what), names)
    message = f"template '{Path(file).name}', line {line}: {said or what}"
    hint = f"template file: {file}"
    if said is not None:
        hint += "; `routecfg templates` lists every variable and field a template can read"
    return _BlockProblem(TEMPLATE_ERROR, message, hint)


def _failing_place(block_name: str, error: Exception) -> tuple[str, int]:
    import jinja2

    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.filename or error.name or _template_name(block_name), error.lineno
    import traceback

    # Jinja rewrites tracebacks so that template frames carry the template's file and line.
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    if frames:
        return frames[-1].filename, frames[-1].lineno or 0
    return _template_name(block_name), 0


__all__ = ["BAD_PARAMETER", "NO_TEMPLATE", "TEMPLATE_ERROR", "render", "render_one"]
