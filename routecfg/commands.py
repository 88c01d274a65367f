"""The bodies `check`, `diff` and `build` share, and a command's outcome as an exit code.

No click here: :mod:`routecfg.cli` calls these with ``click.echo``, and :mod:`routecfg.entry` calls
:func:`check` directly with :func:`echo` for a plain `routecfg check` (most pre-commit and CI
runs), so that path never pays for importing click. Both print the same bytes.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from routecfg import compiler, report, spec
from routecfg.diagnostics import Diagnostic, Exit, RoutecfgError, Severity
from routecfg.frozen import record, replace
from routecfg.plan import Change, State, exit_state
from routecfg.validate import Validated, committed, lint_proxies, validate

if TYPE_CHECKING:
    from routecfg import cost, summary


class Echo(Protocol):
    def __call__(
        self, message: Any = None, *, nl: bool = True, err: bool = False, color: bool | None = None
    ) -> None: ...


@record
class Options:
    spec: str | None
    format: str
    quiet: bool
    debug: bool
    color: str = "auto"
    summary_to: Path | None = None  # the job summary's file (GITHUB_STEP_SUMMARY, --summary)
    run: summary.Run | None = None  # what the command found, for that summary


def make_options(
    spec_arg: str | None,
    fmt: str,
    quiet: bool,
    debug: bool,
    *,
    color: str = "auto",
    summary_path: Path | None = None,
    command: str,
) -> Options:
    summary_to = summary_target(summary_path)
    run = None
    if summary_to is not None:
        from routecfg import summary

        run = summary.Run(command)
    return Options(spec_arg, fmt, quiet, debug, color, summary_to, run)


def summary_target(given: Path | None) -> Path | None:
    if given is not None:
        return given
    from_env = os.environ.get("GITHUB_STEP_SUMMARY")
    return Path(from_env) if from_env else None


_ANSI = r"\033\[[;?0-9]*[a-zA-Z]"  # compiled (by re) only for coloured text to strip


def echo(
    message: Any = None, *, nl: bool = True, err: bool = False, color: bool | None = None
) -> None:
    """``click.echo`` for text: a line to stdout (or stderr), flushed; escape codes stripped
    off a stream that is not a terminal, unless ``color`` says otherwise."""
    stream = sys.stderr if err else sys.stdout
    text = "" if message is None else str(message)
    if nl:
        text += "\n"
    if not text:
        return
    strip = not _isatty(stream) if color is None else not color
    if strip and "\033" in text:
        text = re.sub(_ANSI, "", text)
    stream.write(text)
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def guarded(
    body: Callable[[Options], Exit],
    options: Options,
    echo: Echo,
    passthrough: tuple[type[Exception], ...] = (),
) -> int:
    """Run a command's body; map diagnostics and crashes to exit codes in one place, and write
    the job summary. ``passthrough`` exceptions are the caller's (click's usage errors)."""
    report.set_color(options.color)
    run = options.run
    try:
        code = int(body(options))
    except RoutecfgError as error:
        print_diagnostics(error.diagnostics, options, echo)
        code = int(Exit.INVALID)
        if run is not None:
            run.diagnostics.extend(error.diagnostics)
    except passthrough:
        raise
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
    if run is not None and options.summary_to is not None:
        _write_summary(run, code, options.summary_to)
    return code


_OUTCOMES = {
    Exit.OK: "✅ exit 0: ok",
    Exit.CHANGES: "❌ exit 1: changes (stale, not written, or over budget)",
    Exit.INVALID: "❌ exit 2: invalid input",
    Exit.HAND_EDITED: "✋ exit 3: a generated block was edited by hand",
}


def _write_summary(run: summary.Run, code: int, path: Path) -> None:
    from routecfg import summary, write

    run.outcome = _OUTCOMES.get(Exit(code), f"exit {code}")
    try:
        write.append_text(path, summary.render(run))
    except OSError as error:
        problem = Diagnostic(
            str(path),
            0,
            0,
            Severity.WARNING,
            "RC010",
            f"cannot append the job summary: {error.strerror or error}",
            "check --summary PATH or GITHUB_STEP_SUMMARY; the command's result is unchanged",
        )
        report.emit([problem], "text", out=sys.stdout, err=sys.stderr)


def print_diagnostics(diagnostics: Sequence[Diagnostic], options: Options, echo: Echo) -> None:
    report.emit(diagnostics, options.format, out=sys.stdout, err=sys.stderr)
    if options.format == "text" and diagnostics:
        echo(f"Found {report.summary(diagnostics)}.", err=True)


def spec_path(options: Options) -> Path:
    return spec.locate(options.spec, Path.cwd())


def plan(
    options: Options, echo: Echo, *, fix: bool = False
) -> tuple[Validated, tuple[Change, ...]]:
    validated = validate(spec_path(options), missing_targets=False)
    if validated.warnings and options.format not in ("json", "sarif"):  # one document
        report.emit(validated.warnings, options.format, out=sys.stdout, err=sys.stderr)
    if options.run is not None:
        options.run.spec = validated.source.display
        options.run.diagnostics.extend(validated.warnings)
    refuse_no_targets(validated)
    changes = compiler.make_plan(validated, fix=fix)
    # Warnings about the target files themselves (not routecfg's to fix) join the spec's.
    inherited = tuple(w for change in changes for w in change.warnings)
    if inherited:
        if options.format not in ("json", "sarif"):
            report.emit(inherited, options.format, out=sys.stdout, err=sys.stderr)
        if options.run is not None:
            options.run.diagnostics.extend(inherited)
        validated = replace(validated, warnings=(*validated.warnings, *inherited))
    # The LiteLLM config lint on each proxy target as the plan writes it: shown, and the exit
    # code still says whether the files are in sync.
    proxies = [(c.path, c.new) for c in changes if c.kind == "proxy" and c.old is not None]
    linted = lint_proxies(validated, proxies, fail=False)
    found = linted.warnings[len(validated.warnings) :]
    if found and options.format not in ("json", "sarif"):  # one document: in the plan's
        report.emit(found, options.format, out=sys.stdout, err=sys.stderr)
    validated = linted
    if options.run is not None:
        options.run.changes = changes
        options.run.diagnostics.extend(found)
    wants_cost = (options.format == "text" and not options.quiet) or options.format == "github"
    if wants_cost or options.run is not None:
        delta = cost_delta(validated, changes)
        if delta is not None and options.run is not None:
            options.run.cost_line, options.run.before, options.run.after = delta
            options.run.routing_graph = _graph_if_changed(validated, changes)
        if delta is not None and options.format == "text" and not options.quiet:
            echo(delta[0], err=True)
        if delta is not None and options.format == "github":
            echo(report.format_notice("routecfg cost", delta[0]), nl=False)
    return validated, changes


def refuse_no_targets(validated: Validated) -> None:
    """Nothing to check is not "in sync": a spec with no targets fails check, diff and build."""
    if validated.spec.targets.all_paths():
        return
    raise RoutecfgError([no_targets(validated, Severity.ERROR)])


def no_targets(validated: Validated, severity: Severity) -> Diagnostic:
    path: tuple[str, ...] = ("targets",) if "targets" in validated.source.data else ()
    return validated.source.diagnostic(
        path,
        NO_TARGETS,
        "the spec has no targets: there is nothing to compile or check",
        "name the files routecfg keeps in sync under `targets:` (preset, schema, proxy, "
        "skills); `routecfg init --from-repo` finds them",
        key=True,
        severity=severity,
    )


NO_TARGETS = "RC507"


def cost_delta(
    validated: Validated, changes: tuple[Change, ...]
) -> tuple[str, cost.Estimate | None, cost.Estimate] | None:
    """``est. cost/ticket $0.432 → $0.212 (−51%)``, with the before and after estimates. Before
    is the spec as committed at HEAD, else the routing the targets hold now: the preset's tiers
    for gates with a config key, the tier the skills' prose states for the others where all its
    claims agree; gates whose old tier none of them states are left out of both figures, and
    named."""
    if not validated.spec.cost.profile:
        return None
    from routecfg import cost  # only where there is a profile to estimate

    after = cost.estimate(validated.spec, "now")
    committed_spec = committed(validated.source.path, validated)
    if committed_spec is not None:
        before = cost.estimate(committed_spec.spec, "HEAD")
        return cost.delta_line(before, after), before, after
    from routecfg import baseline  # only where the targets give the before

    encoded = baseline.encoded_spec(validated.spec, changes)
    if encoded is None:
        return cost.delta_line(None, after), None, after
    unknown = baseline.unstated_gates(validated.spec, changes)
    stated = baseline.prose_stated(validated.spec, changes, unknown) if unknown else None
    if stated is not None and stated.tiers:
        encoded = baseline.with_tiers(encoded, stated.tiers)
        unknown = tuple(g for g in unknown if g not in stated.tiers)
    counted = [g for g in validated.spec.cost.profile if g in validated.spec.gates]
    if unknown and len(unknown) < len(counted):
        before = cost.estimate(cost.only_gates(encoded, unknown), "targets")
        after = cost.estimate(cost.only_gates(validated.spec, unknown), "now")
        source = baseline.before_is(stated, unknown)
        return cost.delta_line(before, after, source), before, after
    before = cost.estimate(encoded, "targets")
    return cost.delta_line(before, after, baseline.before_is(stated, ())), before, after


def _graph_if_changed(validated: Validated, changes: tuple[Change, ...]) -> str | None:
    """The routing as a Mermaid graph, for the job summary, when a build would change it."""
    if not any(c.changed for c in changes):
        return None
    from routecfg import mermaid

    return mermaid.routing_graph(validated.spec)


def show_plan(
    validated: Validated,
    changes: tuple[Change, ...],
    options: Options,
    echo: Echo,
    *,
    diffs: bool = True,
) -> None:
    prose = [f.diagnostic for c in changes for f in c.remaining]
    if options.format == "json":
        planned = [*validated.warnings, *report.hand_edits(changes), *prose]
        echo(report.format_plan_json(changes, planned), nl=False)
        return
    if options.format in ("github", "sarif"):
        from routecfg import findings

        found = [*findings.plan_diagnostics(validated, changes), *prose]
        if options.format == "sarif":
            found = [*validated.warnings, *found]
        report.emit(found, options.format, out=sys.stdout, err=sys.stderr)
        return
    edits = report.hand_edits(changes)  # problems: shown with their place even with -q
    if options.quiet:  # one line per file that is not in sync, and the problems
        echo(report.format_states(changes, only_out_of_sync=True), nl=False, err=True)
        report.emit(edits, "text", out=sys.stdout, err=sys.stderr)
        emit_prose(changes, prose, options, echo)
        return
    echo(report.format_states(changes), nl=False, err=True)
    report.emit(edits, "text", out=sys.stdout, err=sys.stderr)
    if diffs:
        echo_diffs(changes, echo)
    emit_prose(changes, prose, options, echo)


def emit_prose(
    changes: tuple[Change, ...], prose: list[Diagnostic], options: Options, echo: Echo
) -> None:
    report.emit(prose, options.format, out=sys.stdout, err=sys.stderr)
    line = report.prose_summary(changes)
    if line is not None:
        echo(line, err=True)


def prose_exit(changes: tuple[Change, ...], exit_code: Exit) -> Exit:
    """Prose contradictions left in the files make the run fail (2), as any invalid input does;
    a hand-edited block (3) says more."""
    if any(c.remaining for c in changes) and exit_code in (Exit.OK, Exit.CHANGES):
        return Exit.INVALID
    return exit_code


def echo_diffs(changes: tuple[Change, ...], echo: Echo) -> None:
    """The unified diffs to stdout, coloured when report.use_color says so (click would strip
    the colour off a pipe itself, so it is told)."""
    color = report.use_color(sys.stdout)
    echo(report.format_diffs(changes, color=color), nl=False, color=color)


def inputs(validated: Validated, changes: tuple[Change, ...]) -> list[Path]:
    """Every file a check read besides the spec, for the cache to compare next time."""
    found = [c.absolute for c in changes]
    folder = validated.spec.targets.templates
    if folder:
        templates = validated.spec.root / folder
        found += [templates, *sorted(p for p in templates.rglob("*") if p.is_file())]
    return found


def consulted_outside() -> tuple[list[str], list[str]]:
    """What the check looked at outside the repository (only when a proxy lint asked for the
    installed litellm): the ``sys.path`` folders searched for it, and its model map."""
    litellm_map = sys.modules.get("routecfg.litellm_map")
    if litellm_map is None:
        return [], []
    searched, read = litellm_map.consulted()
    return list(searched), list(read)


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
        cache.SEARCHED[:], cache.OUTSIDE[:] = consulted_outside()
    state = exit_state(changes)
    if options.format == "text" and not options.quiet and state in STATE_HINTS:
        echo(f"hint: {STATE_HINTS[state]}", err=True)
    return prose_exit(changes, STATE_EXIT[state])


# -- the plain `routecfg check` command line, read without click -------------------------------

_FLAGS = {"-q": "quiet", "--quiet": "quiet", "--no-cache": "no_cache", "--debug": "debug"}
_VALUED = {"--spec": "spec", "--format": "format", "--color": "color"}


def plain_check(argv: Sequence[str]) -> tuple[Options, bool] | None:
    """The options of ``check ARGS`` when ARGS are only --spec, --format, --color, -q, --debug
    and --no-cache, spelt plainly; None for anything else (help, errors, other options), which
    click then reads as always."""
    if not argv or argv[0] != "check":
        return None
    values: dict[str, Any] = {"spec": None, "format": "text", "color": "auto"}
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
    if (
        values["format"] not in report.FORMATS
        or values["color"] not in report.COLOR_MODES
        or values["spec"] == ""
    ):
        return None
    options = make_options(
        values["spec"],
        values["format"],
        "quiet" in flags,
        "debug" in flags,
        color=values["color"],
        command="check",
    )
    return options, "no_cache" in flags


def run_plain_check(options: Options, no_cache: bool) -> int:
    return guarded(functools.partial(check, echo=echo, no_cache=no_cache), options, echo)
