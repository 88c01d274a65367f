"""The bodies `check`, `diff` and `build` share, and the outcome of a command as an exit code.

No click here: :mod:`routecfg.cli` calls these with ``click.echo``, and :mod:`routecfg.entry` calls
:func:`check` directly with :func:`echo` for a plain `routecfg check` (most pre-commit and CI
runs), so that path never pays for importing click. Both print the same bytes.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from routecfg import compiler, report, spec
from routecfg.diagnostics import Diagnostic, Exit, RoutecfgError
from routecfg.plan import Change, State, exit_state
from routecfg.validate import Validated, committed, validate


class Echo(Protocol):
    def __call__(self, message: Any = None, *, nl: bool = True, err: bool = False) -> None: ...


@dataclass(frozen=True)
class Options:
    spec: str | None
    format: str
    quiet: bool
    debug: bool


_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo(message: Any = None, *, nl: bool = True, err: bool = False) -> None:
    """``click.echo`` for text: a line to stdout (or stderr), flushed; escape codes stripped
    when the stream is not a terminal."""
    stream = sys.stderr if err else sys.stdout
    text = "" if message is None else str(message)
    if nl:
        text += "\n"
    if not text:
        return
    if "\033" in text and not _isatty(stream):
        text = _ANSI.sub("", text)
    stream.write(text)
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def guarded(body: Callable[[Options], Exit], options: Options, echo: Echo) -> int:
    """Run a command's body; map diagnostics and crashes to exit codes in one place."""
    try:
        return int(body(options))
    except RoutecfgError as error:
        print_diagnostics(error.diagnostics, options, echo)
        return int(Exit.INVALID)
    except Exception as error:  # a bug: one line, the traceback only on request
        if options.debug:
            import traceback

            traceback.print_exc()
        echo(
            f"routecfg: internal error: {type(error).__name__}: {error} "
            "(please report it; --debug shows the traceback)",
            err=True,
        )
        return int(Exit.INTERNAL)


def print_diagnostics(diagnostics: Sequence[Diagnostic], options: Options, echo: Echo) -> None:
    report.emit(diagnostics, options.format, out=sys.stdout, err=sys.stderr)
    if options.format == "text" and diagnostics:
        echo(f"Found {report.summary(diagnostics)}.", err=True)


def spec_path(options: Options) -> Path:
    return spec.locate(options.spec, Path.cwd())


def plan(options: Options, echo: Echo) -> tuple[Validated, tuple[Change, ...]]:
    validated = validate(spec_path(options), missing_targets=False)
    if validated.warnings and options.format != "json":  # json: inside the plan object
        report.emit(validated.warnings, options.format, out=sys.stdout, err=sys.stderr)
    changes = compiler.make_plan(validated)
    if options.format == "text" and not options.quiet:
        line = cost_delta(validated, changes)
        if line:
            echo(line, err=True)
    return validated, changes


def cost_delta(validated: Validated, changes: tuple[Change, ...]) -> str | None:
    """``est. cost/ticket $0.432 → $0.212 (−51%)``. Before is the spec as committed at HEAD,
    else the routing the targets hold now."""
    if not validated.spec.cost.profile:
        return None
    from routecfg import cost  # only where there is a profile to estimate

    after = cost.estimate(validated.spec, "now")
    committed_spec = committed(validated.source.path, validated)
    if committed_spec is not None:
        return cost.delta_line(cost.estimate(committed_spec.spec, "HEAD"), after)
    encoded = compiler.encoded_spec(validated.spec, changes)
    if encoded is None:
        return cost.delta_line(None, after)
    return cost.delta_line(cost.estimate(encoded, "targets"), after, "what the targets hold")


def show_plan(
    validated: Validated,
    changes: tuple[Change, ...],
    options: Options,
    echo: Echo,
    *,
    diffs: bool = True,
) -> None:
    if options.format == "json":
        echo(report.format_plan_json(changes, validated.warnings), nl=False)
        return
    if options.format == "github":
        echo(report.format_plan_github(changes), nl=False)
        return
    if not options.quiet:
        echo(report.format_states(changes), nl=False, err=True)
    if diffs:
        echo(report.format_diffs(changes), nl=False)


def inputs(validated: Validated, changes: tuple[Change, ...]) -> list[Path]:
    """Every file a check read besides the spec, for the cache to compare next time."""
    found = [c.absolute for c in changes]
    folder = validated.spec.targets.templates
    if folder:
        templates = validated.spec.root / folder
        found += [templates, *sorted(p for p in templates.rglob("*") if p.is_file())]
    return found


STATE_EXIT = {
    State.IN_SYNC: Exit.OK,
    State.STALE: Exit.CHANGES,
    State.HAND_EDITED: Exit.HAND_EDITED,
    State.MISSING: Exit.INVALID,
}

STATE_HINTS = {
    State.STALE: "run `routecfg build` to update the stale files",
    State.MISSING: "create the missing files (routecfg edits files, it does not write them "
    "from nothing), or fix their paths in routecfg.yaml",
}


def check(options: Options, echo: Echo, *, no_cache: bool) -> Exit:
    """`routecfg check`: whether every target is in sync with the spec; never writes."""
    from routecfg import cache

    validated, changes = plan(options, echo)
    show_plan(validated, changes, options, echo)
    if not no_cache:
        cache.INPUTS[:] = inputs(validated, changes)
    state = exit_state(changes)
    if options.format == "text" and state in STATE_HINTS:
        echo(f"hint: {STATE_HINTS[state]}", err=True)
    return STATE_EXIT[state]


# -- the plain `routecfg check` command line, read without click -------------------------------

_FLAGS = {"-q": "quiet", "--quiet": "quiet", "--no-cache": "no_cache", "--debug": "debug"}
_VALUED = {"--spec": "spec", "--format": "format"}


def plain_check(argv: Sequence[str]) -> tuple[Options, bool] | None:
    """The options of ``check ARGS`` when ARGS are only --spec, --format, -q, --debug and
    --no-cache, spelt plainly; None for anything else (help, errors, other options), which
    click then reads as always."""
    if not argv or argv[0] != "check":
        return None
    values: dict[str, Any] = {"spec": None, "format": "text"}
    flags: set[str] = set()
    words = list(argv[1:])
    while words:
        word = words.pop(0)
        if word in _FLAGS:
            flags.add(_FLAGS[word])
            continue
        name, equals, value = word.partition("=")
        if name not in _VALUED:
            return None
        if not equals:
            if not words or words[0].startswith("-"):
                return None
            value = words.pop(0)
        values[_VALUED[name]] = value
    if values["format"] not in report.FORMATS or values["spec"] == "":
        return None
    options = Options(values["spec"], values["format"], "quiet" in flags, "debug" in flags)
    return options, "no_cache" in flags


def run_plain_check(options: Options, no_cache: bool) -> int:
    return guarded(functools.partial(check, echo=echo, no_cache=no_cache), options, echo)
