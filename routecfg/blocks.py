"""`routecfg blocks add`: a generated block placed for the user, planned like a build.

The file must be a skills target of the spec (so `check` keeps the block true afterwards). The
marker pair goes around the given lines or a heading's section, in the form the place needs
(fenced or not), and the block's body is rendered at once: the plan is one
:class:`~routecfg.plan.Change` that `build`'s confirm-and-write step writes.
"""

from __future__ import annotations

from pathlib import Path

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, suggestion_hint
from routecfg.plan import Change, State, read_target
from routecfg.targets import placing
from routecfg.targets.markers import Params
from routecfg.validate import Validated


def plan_add(
    validated: Validated,
    file: Path,
    name: str,
    params: Params,
    lines: tuple[int, int] | None,
    heading: str | None,
) -> Change:
    """The change that places block ``name`` in ``file`` (a path as given on the command line,
    relative to the working directory); raises RoutecfgError for every refusal."""
    from routecfg.targets import markdown  # Jinja2 only when a block is rendered

    spec = validated.spec
    relative = _skills_target(validated, file)
    absolute = spec.root / relative
    old, encoding = read_target(absolute, relative, spec.root)
    if old is None:
        message = "the file does not exist"
        hint = "routecfg places blocks in an existing file; check the path"
        raise RoutecfgError(
            [Diagnostic(relative, 0, 0, Severity.ERROR, placing.NO_FILE, message, hint)]
        )
    if lines is not None:
        placed = placing.place_lines(old, relative, name, params, *lines)
    else:
        assert heading is not None  # the command line asks for one of them
        placed = placing.place_heading(old, relative, name, params, heading)
    folder = spec.targets.templates
    templates = spec.root / folder if folder else None
    new = markdown.render_one(spec, placed.text, relative, placed.key, templates)
    return Change("skills", relative, absolute, old, new, encoding, State.STALE)


def _skills_target(validated: Validated, file: Path) -> str:
    """``file`` as the spec names it among its skills targets."""
    spec = validated.spec
    absolute = file if file.is_absolute() else Path.cwd() / file
    try:
        relative = absolute.resolve().relative_to(spec.root.resolve()).as_posix()
    except ValueError:
        relative = None
    if relative in spec.targets.skills:
        return relative
    named = relative or str(file)
    targets = list(spec.targets.skills)
    listed = suggestion_hint(named, targets, "skills targets") if targets else "it lists none"
    message = f"'{named}' is not a skills target of {validated.source.display}"
    hint = f"add it to targets.skills first, so `routecfg check` keeps the block true ({listed})"
    raise RoutecfgError(
        [Diagnostic(named, 0, 0, Severity.ERROR, placing.OUTSIDE_TARGETS, message, hint)]
    )
