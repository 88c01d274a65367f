"""The command line. click lives here alone: options become plain values, the core runs, and its
outcome becomes an exit code in one place (:func:`_run`)."""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from routecfg import (
    __version__,
    commands,
    compiler,
    cost,
    report,
    resources,
    show,
    spec,
    tables,
    write,
)
from routecfg.diagnostics import (
    Diagnostic,
    Exit,
    RoutecfgError,
    Severity,
    has_errors,
    suggestion_hint,
)
from routecfg.plan import Change, State
from routecfg.validate import (
    Validated,
    lint_targets,
    load_against,
    validate,
)

if TYPE_CHECKING:
    from routecfg.actuals.tally import Actuals

F = TypeVar("F", bound=Callable[..., Any])


Options = commands.Options


def common_options(command: F, formats: tuple[str, ...] = report.FORMATS) -> F:
    """--spec, --format, -q and --debug, the same on every command that reads a spec."""
    help_text = (
        "How diagnostics are printed: text (stderr), json, github or sarif (stdout)."
        if formats == report.FORMATS
        else "How the table is printed; diagnostics go to stderr (sarif: the diagnostics "
        "alone, as SARIF 2.1.0 on stdout, and no table)."
        if "sarif" in formats
        else "How the table is printed; diagnostics go to stderr."
    )
    decorators = [
        click.option(
            "--spec",
            "spec_arg",
            metavar="PATH|PRESET",
            help="The spec: a routecfg.yaml file or a bundled preset's name. "
            "Default: routecfg.yaml here or in a parent folder.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="text",
            show_default=True,
            help=help_text,
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="Print problems only: diagnostics and one line per file not in sync.",
        ),
        click.option("--debug", is_flag=True, help="Show the traceback of an internal error."),
        *output_options(),
    ]

    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def output_options() -> list[Callable[[F], F]]:
    """--color and --summary: how output meets terminals and CI."""
    return [
        click.option(
            "--color",
            type=click.Choice(report.COLOR_MODES),
            default="auto",
            show_default=True,
            help="Colour: auto (on a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
            "always or never.",
        ),
        click.option(
            "--summary",
            "summary_path",
            metavar="PATH",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Append a Markdown job summary to PATH. Default: $GITHUB_STEP_SUMMARY when set.",
        ),
    ]


TABLE_FORMATS = (*show.TABLE_FORMATS, "sarif")


def table_options(command: F) -> F:
    """The common options, with --format text|markdown|json|sarif for commands that print a
    table (sarif: their diagnostics instead of it)."""
    return common_options(command, formats=TABLE_FORMATS)


def _run(body: Callable[..., Exit]) -> Callable[..., int]:
    """Run a command's body; map diagnostics and crashes to exit codes in one place
    (:func:`routecfg.commands.guarded`)."""

    @functools.wraps(body)
    def wrapper(spec_arg: str | None, fmt: str, quiet: bool, debug: bool, **kwargs: Any) -> int:
        command = body.__name__.removeprefix("_").removesuffix("_command")
        options = commands.make_options(
            spec_arg,
            fmt,
            quiet,
            debug,
            color=kwargs.pop("color", "auto"),
            summary_path=kwargs.pop("summary_path", None),
            command=command,
        )
        return commands.guarded(
            functools.partial(body, **kwargs),
            options,
            click.echo,
            passthrough=(click.ClickException,),  # a usage error: click prints it, exit 2
        )

    return wrapper


def _print_diagnostics(diagnostics: Sequence[Diagnostic], options: Options) -> None:
    commands.print_diagnostics(diagnostics, options, click.echo)


def _spec_path(options: Options) -> Path:
    return spec.locate(options.spec, Path.cwd())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="routecfg")
def cli() -> None:
    """One routing spec (routecfg.yaml) compiled into every file that routes your models.

    \b
    Exit codes: 0 ok, 1 changes (stale or not written), 2 invalid input,
                3 edited by hand (a block or an owned value), 4 internal error.

    \b
    Examples:
      routecfg build                    # after editing routecfg.yaml: diffs, then write
      routecfg check --format github    # in CI: fail on stale or hand-edited files
    """


@cli.command(name="validate")
@common_options
@click.option("--strict", is_flag=True, help="Fail (exit 2) on warnings too.")
@_run
def validate_command(options: Options, strict: bool) -> Exit:
    """Check the spec: its schema, references, capabilities, fallbacks, targets.

    Writes nothing. Exit 0 when valid (warnings allowed unless --strict), 2 when invalid.

    \b
    Example:
      routecfg validate --spec cost-optimized --format github
    """
    path = _spec_path(options)
    result = validate(path)
    linted = lint_targets(result, fail=False)
    prose = compiler.prose_findings(result)
    if prose or has_errors(linted.warnings):  # like any other error, these fail validation
        raise RoutecfgError([*linted.warnings, *prose])
    result = linted
    warnings = (*result.warnings, *_estimates_only(result))
    if options.run is not None:
        options.run.spec = result.source.display
        options.run.diagnostics.extend(warnings)
    report.emit(warnings, options.format, out=sys.stdout, err=sys.stderr)
    if strict and warnings:
        if options.format == "text":
            click.echo(f"Found {report.summary(warnings)} (--strict).", err=True)
        return Exit.INVALID
    if options.format == "text" and not options.quiet:
        spec_ = result.spec
        counts = f"{_count(len(spec_.tiers), 'tier')}, {_count(len(spec_.gates), 'gate')}"
        extra = f", {report.summary(warnings)}" if warnings else ""
        click.echo(f"{result.source.display}: valid ({counts}{extra})", err=True)
    return Exit.OK


def _estimates_only(validated: Validated) -> tuple[Diagnostic, ...]:
    """A spec with no targets is fine for estimates (validate, cost, explain), with a word;
    a bundled preset is a starting point and has none by design."""
    if validated.spec.targets.all_paths() or resources.is_bundled_preset(validated.source.path):
        return ()
    return (_no_targets(validated, Severity.WARNING),)


def _plan(options: Options, *, fix: bool = False) -> tuple[Validated, tuple[Change, ...]]:
    return commands.plan(options, click.echo, fix=fix)


_no_targets = commands.no_targets
NO_TARGETS = commands.NO_TARGETS


def _show_plan(
    validated: Validated, changes: tuple[Change, ...], options: Options, *, diffs: bool = True
) -> None:
    commands.show_plan(validated, changes, options, click.echo, diffs=diffs)


_prose_exit = commands.prose_exit


def _echo_diffs(changes: tuple[Change, ...]) -> None:
    commands.echo_diffs(changes, click.echo)


@cli.command(name="check")
@common_options
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check from scratch; do not replay or store a result (ROUTECFG_NO_CACHE=1 too).",
)
@_run
def check_command(options: Options, no_cache: bool) -> Exit:
    """Say whether every target is in sync with the spec; never writes.

    For pre-commit and CI: exit 0 in sync, 1 stale (the spec changed; run `routecfg build`),
    2 invalid, 3 a block or an owned value was edited by hand. Diffs go to stdout.

    \b
    Example:
      routecfg check --format github
    """
    return commands.check(options, click.echo, no_cache=no_cache)


_STATE_HINTS = commands.STATE_HINTS


def _refuse_missing(changes: tuple[Change, ...], options: Options) -> bool:
    """Whether a target is missing; then nothing may be written or called clean."""
    missing = [c.path for c in changes if c.state is State.MISSING]
    if missing and options.format == "text" and not options.quiet:
        click.echo(f"hint: {_STATE_HINTS[State.MISSING]}", err=True)
    return bool(missing)


@cli.command(name="diff")
@common_options
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes.")
@_run
def diff_command(options: Options, exit_code: bool) -> Exit:
    """Print the unified diffs that `routecfg build` would write.

    \b
    Example:
      routecfg diff --exit-code
    """
    validated, changes = _plan(options)
    if options.format == "text" and options.quiet:
        click.echo(report.format_states(changes, only_out_of_sync=True), nl=False, err=True)
    elif options.format == "text":
        _echo_diffs(changes)
        if any(c.state is State.MISSING for c in changes):
            click.echo(report.format_states(changes), nl=False, err=True)
    else:
        _show_plan(validated, changes, options)
    if _refuse_missing(changes, options):
        return Exit.INVALID
    changed = any(c.changed for c in changes)
    return Exit.CHANGES if exit_code and changed else Exit.OK


@cli.command(name="build")
@common_options
@click.option("--yes", "-y", is_flag=True, help="Write without asking.")
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite what was edited by hand (blocks, owned values) and read-only targets.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Also rewrite the skills' prose claims that contradict the spec, where the right text "
    "is unambiguous (a Task model, the tier after a config key, a price).",
)
@_run
def build_command(options: Options, yes: bool, force: bool, fix: bool) -> Exit:
    """Compile the spec into every target: show the diffs, then write.

    Asks before writing on a terminal; writes at once with --yes; without a terminal and
    without --yes it writes nothing and exits 1. Blocks and owned values edited by hand are
    kept (exit 3) unless --force; so are read-only targets (exit 2). Prose contradictions in
    skills are reported (exit 2 once written); --fix rewrites the fixable ones, shown in the diff
    like every other change.

    \b
    Example:
      routecfg build --yes --fix
    """
    # One build per root at a time, from planning to writing: a build that waited plans on what
    # the other one wrote.
    with write.locked(_spec_path(options).parent, _waiting(options)):
        return _prose_exit(*_build(options, yes, force, fix))


def _build(options: Options, yes: bool, force: bool, fix: bool) -> tuple[tuple[Change, ...], Exit]:
    validated, changes = _plan(options, fix=fix)
    _show_plan(validated, changes, options)
    if _refuse_missing(changes, options):
        return changes, Exit.INVALID
    return changes, _confirm_and_write(validated, changes, options, yes=yes, force=force)


def _confirm_and_write(
    validated: Validated, changes: tuple[Change, ...], options: Options, *, yes: bool, force: bool
) -> Exit:
    """The last step of `build` (and `blocks add`): ask, then write every changed file. The
    caller holds the root's lock (:func:`write.locked`)."""
    pending = [c for c in changes if c.changed]
    root = validated.spec.root
    if not pending:
        _report_leftovers(write.tidy(changes, root, lock=False), options)
        if options.format == "text" and not options.quiet:
            click.echo(
                f"{len(changes)} file{'s' if len(changes) != 1 else ''} in sync; nothing to write",
                err=True,
            )
        return Exit.OK
    if any(c.state is State.HAND_EDITED for c in changes) and not force:
        what = "blocks" if all(c.hand_edited for c in changes if c.edits) else "files"
        click.echo(f"not written: {what} were edited by hand (--force overwrites them)", err=True)
        return Exit.HAND_EDITED
    if not yes:
        if not sys.stdin.isatty():
            click.echo("not written: no terminal to confirm on; run with --yes", err=True)
            return Exit.CHANGES
        if not click.confirm(f"Write {_count(len(pending), 'file')}?", err=True):
            click.echo("not written (answered no)", err=True)
            return Exit.CHANGES
    outcome = write.apply(changes, root, force=force, lock=False)
    _report_leftovers(outcome, options)
    written = outcome.written
    if options.format == "text" and not options.quiet:
        click.echo("".join(f"wrote {c.path}\n" for c in written), nl=False, err=True)
    return Exit.OK


def _waiting(options: Options) -> Callable[[str], None]:
    """What a build says while another build in its root holds the lock."""
    return lambda message: click.echo(f"routecfg: {message}", err=True)


def _report_leftovers(outcome: write.Outcome, options: Options) -> None:
    if outcome.removed:
        report.emit(outcome.removed, options.format, out=sys.stdout, err=sys.stderr)


def _uncounted(validated: Validated) -> list[Diagnostic]:
    """A spec with no cost profile at all: its $0 is no estimate, and `cost` says so."""
    spec_ = validated.spec
    if spec_.cost.profile or not spec_.gates:  # the tables' assumptions name the gates left out
        return []
    where: tuple[str, ...] = ("cost",) if "cost" in validated.source.data else ()
    message = "the spec has no cost.profile: no gate is counted, and every estimate is $0"
    return [
        validated.source.diagnostic(
            where,
            UNCOUNTED,
            message,
            "add `cost.profile.GATE: {input: TOKENS, output: TOKENS}` for each gate, with the "
            "tokens per call (and `calls:` per ticket); `routecfg init --from-repo` writes a "
            "starter profile",
            key=True,
            severity=Severity.WARNING,
        )
    ]


UNCOUNTED = "RC508"


def _label(validated: Validated) -> str:
    """How tables name a spec: a preset by its name, a project's spec as routecfg.yaml."""
    name = validated.source.path.name
    return name if name == spec.SPEC_FILENAME else name.removesuffix(".yaml")


def _table_warnings(
    validated: Validated, options: Options, extra: Sequence[Diagnostic] = ()
) -> list[Diagnostic]:
    """A table command's warnings: printed to stderr (-q keeps them), except in SARIF, which
    carries them; and kept for the job summary."""
    warnings = [*validated.warnings, *_estimates_only(validated), *extra]
    if warnings and options.format != "sarif":
        report.emit(warnings, "text", out=sys.stdout, err=sys.stderr)
    if options.run is not None:
        options.run.spec = validated.source.display
        options.run.diagnostics.extend(warnings)
    return warnings


def _not_counted(validated: Validated) -> list[Diagnostic]:
    """The gates a cost profile leaves out, as a warning for SARIF and the job summary (the
    text table names them in its assumptions; no profile at all is RC508)."""
    spec_ = validated.spec
    left_out = cost.uncounted_gates(spec_)
    if not spec_.cost.profile or not left_out:
        return []
    names = ", ".join(f"'{gate}'" for gate in left_out)
    gates = "gate" if len(left_out) == 1 else "gates"
    return [
        validated.source.diagnostic(
            ("cost", "profile"),
            NOT_COUNTED,
            f"{gates} {names} not counted: no cost.profile entry, so the estimate leaves "
            f"{'it' if len(left_out) == 1 else 'them'} out",
            "add `cost.profile.GATE: {input: TOKENS, output: TOKENS}` with the tokens per call "
            "(and `calls:` per ticket)",
            key=True,
            severity=Severity.WARNING,
        )
    ]


NOT_COUNTED = "RC509"


def _print_warnings(
    validated: Validated, options: Options, extra: Sequence[Diagnostic] = ()
) -> None:
    """Warnings of table commands, to stderr; -q keeps them (they are diagnostics)."""
    warnings = [*validated.warnings, *_estimates_only(validated), *extra]
    if warnings:
        report.emit(warnings, "text", out=sys.stdout, err=sys.stderr)


@cli.command(name="cost")
@table_options
@click.option("--scenario", metavar="NAME", help="Add a scenario of cost.scenarios.")
@click.option(
    "--against",
    metavar="PRESET|PATH|REF",
    help="Compare with a bundled preset, another spec file, or the spec at a git ref.",
)
@_run
def cost_command(options: Options, scenario: str | None, against: str | None) -> Exit:
    """The cost per ticket, gate by gate, and for cost.tickets tickets.

    Exit 1 when the estimate is over cost.budget.max_per_ticket.

    \b
    Examples:
      routecfg cost --spec cost-optimized --against legacy
      routecfg cost --scenario conservative --format markdown
      routecfg cost --against main
    """
    from routecfg import rules, summary

    path = _spec_path(options)
    validated = validate(path, budget=False)
    warnings = _table_warnings(validated, options, _uncounted(validated))
    routing = validated.spec
    name = _label(validated)
    if scenario is not None and scenario not in routing.cost.scenarios:
        known = list(routing.cost.scenarios)
        raise RoutecfgError(
            [
                validated.source.diagnostic(
                    ("cost", "scenarios"),
                    "RC502",
                    f"unknown scenario '{scenario}'",
                    suggestion_hint(scenario, known, "scenarios"),
                    key=True,
                )
            ]
        )
    main_estimate = cost.estimate(routing, name, scenario)
    estimates = [cost.estimate(routing, name)]
    estimates += [cost.estimate(routing, name, s) for s in routing.cost.scenarios]
    if against is not None:
        other, label = load_against(against, path, Path.cwd())
        estimates.insert(0, cost.estimate(other.spec, label))
    found = [*_not_counted(validated), *rules.check_budget(routing, validated.source)]
    if options.run is not None:
        options.run.diagnostics.extend(found)
        options.run.sections.append(summary.section(show.cost_breakdown(main_estimate, "markdown")))
        if len(estimates) > 1:
            table = show.cost_comparison(estimates, "markdown", with_savings=against is not None)
            options.run.sections.append(f"### Cost estimates per ticket\n\n{table}")
    if options.format == "sarif":
        report.emit([*warnings, *found], "sarif", out=sys.stdout, err=sys.stderr)
    elif options.format == "json":
        comparison = show.cost_comparison(estimates, "json")
        click.echo(
            f'{{"breakdown": {show.cost_breakdown(main_estimate, "json").rstrip()}, '
            f'"comparison": {comparison.rstrip()}}}'
        )
    else:
        click.echo(show.cost_breakdown(main_estimate, options.format))
        if len(estimates) > 1:
            heading = (
                "## Cost estimates per ticket"
                if options.format == "markdown"
                else ("Cost estimates per ticket")
            )
            table = show.cost_comparison(
                estimates, options.format, with_savings=against is not None
            )
            click.echo(f"{heading}\n\n{table}", nl=False)
    limit = routing.cost.max_per_ticket
    base = estimates[1] if against is not None else estimates[0]
    if limit is not None and base.per_ticket > limit:
        if options.format == "sarif":  # RC290 says it there
            return Exit.CHANGES
        click.echo(
            f"over budget: {cost.dollars(base.per_ticket)} per ticket > "
            f"{cost.dollars(limit, cost.CENTS)} (cost.budget.max_per_ticket)",
            err=True,
        )
        return Exit.CHANGES
    return Exit.OK


@cli.command(name="explain")
@functools.partial(common_options, formats=(*show.TABLE_FORMATS, "mermaid", "sarif"))
@click.option(
    "--against",
    metavar="PRESET|PATH|REF",
    help="Add the routing of a bundled preset, another spec file, or the spec at a git ref, "
    "and mark the gates whose routing changed (in every format).",
)
@_run
def explain_command(options: Options, against: str | None) -> Exit:
    """The routing table: gate, tier and model, mechanism, fallbacks, config key.

    Fallbacks show the gate's own chain and, in brackets, the tiers LiteLLM really tries
    through the proxy's fallbacks (its effective walk).

    \b
    Examples:
      routecfg explain --spec cost-optimized --against legacy --format markdown
    """
    path = _spec_path(options)
    validated = validate(path, budget=False)
    warnings = _table_warnings(validated, options)
    routing = validated.spec
    rows = tables.routing_rows(routing)
    old_rows = None
    names = ("Current", "Proposed")
    if against is not None:
        other, label = load_against(against, path, Path.cwd())
        old_rows = tables.routing_rows(other.spec)
        names = (label, _label(validated))
    walks = {g.name: routing.proxy.walk("fallbacks", g.tier) for g in routing.gates.values()}
    marks = show.change_marks(rows, old_rows) if old_rows is not None else None
    if options.run is not None:
        from routecfg import mermaid

        table = show.routing_table(rows, walks, "markdown", old_rows, names)
        graph = mermaid.routing_graph(routing, marks)
        options.run.sections.append(f"### Routing\n\n{table}\n```mermaid\n{graph}```")
    if options.format == "sarif":
        report.emit(warnings, "sarif", out=sys.stdout, err=sys.stderr)
        return Exit.OK
    if options.format == "mermaid":
        from routecfg import mermaid

        click.echo(mermaid.routing_graph(routing, marks), nl=False)
        return Exit.OK
    width = _terminal_width() if options.format == "text" else None
    table = show.routing_table(rows, walks, options.format, old_rows, names, width=width)
    click.echo(table, nl=False)
    if options.format != "json" and routing.targets.proxy:
        from routecfg.router import explain as proxy_explain

        files = proxy_explain.read_proxy_files(routing)
        render = (
            proxy_explain.format_markdown
            if options.format == "markdown"
            else proxy_explain.format_text
        )
        click.echo(show.fit_lines(render(routing, files), width), nl=False)
    return Exit.OK


def _terminal_width() -> int | None:
    """COLUMNS when set, else the terminal's width; None when output goes to a file or pipe."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


DEFAULT_INIT_PRESET = "cost-optimized"


@cli.command(name="init")
@click.option(
    "--preset",
    "preset_name",
    metavar="NAME",
    help=f"Write the bundled preset NAME (without --from-repo: {DEFAULT_INIT_PRESET}).",
)
@click.option(
    "--from-repo",
    is_flag=True,
    help="Infer the spec from the repository's preset, backlog schema and proxy config.",
)
@click.option(
    "--preset-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The backlog preset JSON. Default: config/presets/default.json.",
)
@click.option(
    "--schema-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The backlog config schema. Default: config/backlog.config.schema.json.",
)
@click.option(
    "--proxy-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The LiteLLM proxy config. Default: config/litellm/proxy-config.docker.yaml, "
    "else config/litellm/proxy-config.yaml.",
)
@click.option(
    "--skills",
    "skills_globs",
    metavar="GLOB",
    multiple=True,
    help="Further Markdown to list as skills targets, a path or glob under the output's folder "
    "(repeatable). skills/*/SKILL.md is always looked for.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(spec.SPEC_FILENAME),
    show_default=True,
    help="The spec to write; its folder is the root the file paths are relative to.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file when it exists.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(report.FORMATS),
    default="text",
    show_default=True,
    help="How contradictions are printed: text (stderr), json or github (stdout).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print contradictions and problems only.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def init_command(fmt: str, quiet: bool, debug: bool, preset_name: str | None, **kwargs: Any) -> int:
    """Write a starter routecfg.yaml: a bundled preset, or the routing your files already hold.

    --from-repo reads the preset, the backlog schema and the LiteLLM proxy config (at the usual
    paths under the output's folder, or as named) and writes a spec that states what they say, so
    that a following `routecfg build` leaves the preset and the proxy config as they are. Where
    the files disagree, a warning says which side the spec took (the schema's drifted defaults
    follow the preset); lines no file decides are marked `# guess:`. Never overwrites a file
    without --force. Exit 0 written, 2 invalid input or the output exists.

    \b
    Examples:
      routecfg init --from-repo              # adopt a backlog toolkit checkout
      routecfg init --from-repo --proxy-file config/litellm/proxy-config.template.yaml
      routecfg init --preset legacy -o legacy.yaml
    """
    inferring = kwargs["from_repo"] or any(
        kwargs[f"{k}_file"] for k in ("preset", "schema", "proxy")
    )
    if preset_name is not None and inferring:
        raise click.UsageError("--preset writes a bundled preset; it takes no --from-repo or files")
    if not inferring:
        preset_name = preset_name or DEFAULT_INIT_PRESET
        if resources.preset_path(preset_name) is None:
            hint = suggestion_hint(preset_name, resources.preset_names(), "presets")
            raise click.BadParameter(
                f"no bundled preset '{preset_name}'; {hint}", param_hint="--preset"
            )
    return _run(_init)(None, fmt, quiet, debug, preset_name=preset_name, **kwargs)


def _init(
    options: Options,
    preset_name: str | None,
    from_repo: bool,
    preset_file: Path | None,
    schema_file: Path | None,
    proxy_file: Path | None,
    output: Path,
    force: bool,
    skills_globs: tuple[str, ...] = (),
) -> Exit:
    from routecfg import adopt  # imported here: only init needs it

    if output.exists() and not force:
        click.echo(f"{output}: already exists; not overwritten (--force replaces it)", err=True)
        return Exit.INVALID
    if preset_name is not None:
        preset = resources.preset_path(preset_name)
        assert preset is not None  # checked by init_command
        text = _with_editor_schema(preset.read_text(encoding="utf-8"))
        write.write_atomic(output, text.encode("utf-8"))
        schema_note = _write_editor_schema(output, force)
        if options.format == "text" and not options.quiet:
            click.echo(f"wrote {output} from the bundled preset '{preset_name}'", err=True)
            click.echo(schema_note, err=True)
            click.echo(
                "next: name your files under `targets:` (preset, schema, proxy, skills), "
                "then `routecfg build`",
                err=True,
            )
        return Exit.OK
    found, texts = _adopt_sources(output, preset_file, schema_file, proxy_file)
    if not any(text is not None for text in texts):
        click.echo(
            f"{output}: not written: found no preset, schema or proxy config at the usual paths "
            "under its folder; name them with --preset-file, --schema-file, --proxy-file",
            err=True,
        )
        return Exit.INVALID
    skills = _skills_targets(output, skills_globs)
    paths = adopt.TargetPaths(found[0], found[1], found[2], skills)
    inferred = adopt.infer_spec(texts[0], texts[1], texts[2], paths)
    report.emit(inferred.contradictions, options.format, out=sys.stdout, err=sys.stderr)
    write.write_atomic(output, inferred.text.encode("utf-8"))
    try:
        validate(output, budget=False)
    except RoutecfgError as error:  # the files themselves route wrongly (a cycle, say)
        _print_diagnostics(error.diagnostics, options)
        click.echo(f"{output}: written, but it does not validate; fix the problems above", err=True)
        return Exit.INVALID
    schema_note = _write_editor_schema(output, force)
    if options.format == "text" and not options.quiet:
        counts = ", ".join(
            _count(len(names), what)
            for names, what in (
                (inferred.tiers, "tier"),
                (inferred.gates, "gate"),
                (inferred.alias_groups, "alias group"),
            )
        )
        sources = ", ".join(p for p in (paths.preset, paths.schema, paths.proxy) if p)
        click.echo(f"wrote {output} ({counts}) from {sources}", err=True)
        if paths.skills:
            click.echo(
                f"  {_count(len(paths.skills), 'skills target')} ({', '.join(paths.skills)}): "
                "`routecfg check` reads their prose",
                err=True,
            )
        if inferred.contradictions:
            click.echo(
                f"  {_count(len(inferred.contradictions), 'contradiction')}: the spec takes the "
                "side each names, and `routecfg build` makes the files agree",
                err=True,
            )
        guesses = _count(len(inferred.guesses), "guess", "guesses")
        click.echo(f"  {guesses}, marked `# guess:` in the spec: check them", err=True)
        click.echo(schema_note, err=True)
        click.echo("next: `routecfg check` shows what a build would change", err=True)
    return Exit.OK


def _with_editor_schema(preset_text: str) -> str:
    """A bundled preset as a project's starter spec: its `$schema` line pointing at the editor
    schema written beside it, and that schema as its first target."""
    from routecfg.adopt_render import SCHEMA_FILE, SCHEMA_URL

    first, _, rest = preset_text.partition("\n")
    header = f"# yaml-language-server: $schema={SCHEMA_URL}"
    text = f"{header}\n{rest}" if first.startswith("# yaml-language-server:") else preset_text
    return (
        f"{text.rstrip(chr(10))}\n\n"
        "targets:                      # the files `routecfg build` keeps in sync with this spec\n"
        f"  editor_schema: {SCHEMA_FILE}  # for editors: this spec's tiers and gates as enums\n"
    )


def _write_editor_schema(output: Path, force: bool) -> str:
    """The editor schema beside a spec init wrote (what its `$schema` line names); what was
    done, in words."""
    from routecfg.adopt_render import SCHEMA_FILE
    from routecfg.targets import editor_schema

    path = output.parent / SCHEMA_FILE
    if path.exists() and not force:
        return f"{path}: kept (not overwritten); `routecfg build` rewrites it from the spec"
    routing = validate(output, budget=False).spec
    write.write_atomic(path, editor_schema.render(routing, "", SCHEMA_FILE).encode("utf-8"))
    return f"wrote {path} (the editor schema the spec's `$schema` line names)"


def _skills_targets(output: Path, globs: Sequence[str]) -> tuple[str, ...]:
    """skills/*/SKILL.md and the Markdown ``globs`` name, under the output's folder, as
    relative paths in a stable order (a glob reaching outside the folder finds nothing)."""
    from routecfg import adopt

    root = output.parent.resolve()
    found: dict[str, None] = {}
    for pattern in (adopt.SKILLS_GLOB, *globs):
        try:
            matches = sorted(root.glob(pattern)) if pattern else []
        except (ValueError, NotImplementedError):  # an absolute pattern: outside by definition
            matches = []
        for path in matches:
            if path.is_file() and path.resolve().is_relative_to(root):
                found[path.resolve().relative_to(root).as_posix()] = None
    return tuple(found)


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _adopt_sources(output: Path, *named: Path | None) -> tuple[list[str | None], list[str | None]]:
    """Where the preset, schema and proxy config are (relative to the output's folder), and
    their texts."""
    from routecfg import adopt
    from routecfg.plan import read_target

    root = output.parent.resolve()
    found: list[str | None] = []
    texts: list[str | None] = []
    for kind, given in zip(("preset", "schema", "proxy"), named, strict=True):
        if given is not None:
            absolute: Path | None = given.resolve()
        else:
            usual = (root / p for p in adopt.USUAL_PATHS[kind])
            absolute = next((p for p in usual if p.is_file()), None)
        if absolute is None:
            found.append(None)
            texts.append(None)
            continue
        if not absolute.is_relative_to(root):
            message = f"'{given}' is outside {root}, the folder {output.name} is written to"
            hint = "a spec's targets live inside its folder: choose another --output"
            diagnostic = Diagnostic(str(given), 0, 0, Severity.ERROR, "RC261", message, hint)
            raise RoutecfgError([diagnostic])
        relative = absolute.relative_to(root).as_posix()
        found.append(relative)
        texts.append(read_target(absolute, relative, root)[0])
    return found, texts


@cli.command(name="verify")
@common_options
@click.option(
    "--proxy",
    "proxies",
    metavar="PATH",
    multiple=True,
    help="A LiteLLM proxy config to verify (repeatable). Default: every proxy target of the spec.",
)
@_run
def verify_command(options: Options, proxies: tuple[str, ...]) -> Exit:
    """Run the proxy config through the real LiteLLM Router; compare its walks with routecfg's.

    Each tier and alias is made to fail in turn, for fallbacks and context_window_fallbacks,
    with every deployment mocked to fail (no network): the order LiteLLM tries model groups in
    must be routecfg's computed walk. The file is read as it is on disk (run it after a build).
    Also compares each tier's prices and tool_use with LiteLLM's model map (warnings).
    Needs litellm 1.110.2 (pip install litellm==1.110.2; in a clone: pip install '.[litellm]').

    Exit 0 when every walk matches, 1 when one differs, 2 invalid input or no litellm.

    \b
    Examples:
      routecfg verify                   # after `routecfg build`: every proxy target
      routecfg verify --proxy config/litellm/proxy-config.docker.yaml
    """
    from routecfg import verify

    validated = validate(_spec_path(options), budget=False)
    if options.format == "text" and not options.quiet and sys.stderr.isatty():
        # litellm alone takes seconds to import: say what the wait is for
        click.echo("verify: loading LiteLLM's Router (a few seconds)…", err=True)
    result, warnings = verify.verify_targets(validated, proxies, Path.cwd())
    diagnostics = [*validated.warnings, *warnings]
    if options.run is not None:
        options.run.spec = validated.source.display
        options.run.diagnostics.extend([*verify.walk_diagnostics(result), *diagnostics])
    if options.format == "json":
        walks = verify.walk_diagnostics(result)
        click.echo(verify.format_json(result, [*walks, *diagnostics]), nl=False)
    elif options.format in ("github", "sarif"):
        annotations = [*verify.walk_diagnostics(result), *diagnostics]
        report.emit(annotations, options.format, out=sys.stdout, err=sys.stderr)
    else:
        click.echo(verify.format_text(result, quiet=options.quiet), nl=False)
        report.emit(diagnostics, "text", out=sys.stdout, err=sys.stderr)
        if not options.quiet or not result.ok:
            click.echo(verify.summary(result), err=True)
    return Exit.OK if result.ok else Exit.CHANGES


@cli.command(name="lint-proxy")
@click.argument("paths", metavar="[PATH]...", nargs=-1)
@common_options
@click.option(
    "--env",
    "check_env",
    is_flag=True,
    help="Also check that every os.environ/VAR reference is set in this environment.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 2) on warnings too.")
@_run
def lint_proxy_command(
    options: Options, paths: tuple[str, ...], check_env: bool, strict: bool
) -> Exit:
    """Lint LiteLLM proxy configs, offline: keys LiteLLM never reads, broken fallbacks, cooldowns.

    Lints each PATH, or without one the spec's proxy targets (as they are on disk). Any
    LiteLLM config works; no spec is needed with PATHs. The known keys come from LiteLLM
    1.110.2's source, bundled as data: litellm is not imported.

    Exit 0 when no file has an error (warnings are debt: --strict fails on them too),
    2 when one has.

    \b
    Examples:
      routecfg lint-proxy config/litellm/proxy-config.yaml --env
      routecfg lint-proxy --strict --format github       # the spec's proxy targets, in CI
    """
    import os

    from routecfg.validate import lint_proxy_files

    spec_path: str | None = None
    if paths:
        files = [(path, Path(path)) for path in paths]
    else:
        validated = validate(_spec_path(options), budget=False, missing_targets=False)
        root = validated.spec.root
        spec_path = validated.source.display
        files = [(relative, root / relative) for relative in validated.spec.targets.proxy]
    environ = dict(os.environ) if check_env else None
    outcome = lint_proxy_files(files, environ, spec_path=spec_path)
    found = outcome.diagnostics
    if options.run is not None:
        options.run.spec = spec_path or ""
        options.run.diagnostics.extend(found)
    report.emit(found, options.format, out=sys.stdout, err=sys.stderr)
    failed = any(d.is_error for d in found) or (strict and bool(found))
    if options.format == "text" and not options.quiet:
        for line in outcome.summaries:
            click.echo(line, err=True)
        if found:
            strictly = " (--strict)" if strict and not any(d.is_error for d in found) else ""
            click.echo(f"Found {report.summary(found)}{strictly}.", err=True)
    return Exit.INVALID if failed else Exit.OK


@cli.command(name="actuals")
@table_options
@click.argument("ledgers", nargs=-1, metavar="[LEDGER]...")
@click.option(
    "--chart",
    metavar="PATH",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an SVG chart of estimate against actual per gate.",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Write the measured profile into the spec's cost.profile and a `measured` scenario.",
)
@click.option("--yes", "-y", is_flag=True, help="With --calibrate: write without asking.")
@_run
def actuals_command(
    options: Options,
    ledgers: tuple[str, ...],
    chart: Path | None,
    calibrate: bool,
    yes: bool,
) -> Exit:
    """What routing really cost, per gate and per ticket, beside the estimate.

    Reads the backlog toolkit's usage ledger (both shapes), the JSONL of routecfg's LiteLLM
    callback (proxy.ledger) and LiteLLM /spend/logs exports; default: the spec's
    actuals.ledgers and proxy.ledger. Lines that are not calls are counted and shown, and
    reading goes on. --calibrate writes the measured token profile, calls per ticket, fallback
    rates and a `measured` escalation scenario into routecfg.yaml, shown as a diff and confirmed
    like `build`.

    Exit 0, 1 when the actual cost per ticket is over cost.budget.max_per_ticket (or
    --calibrate changes were not written), 2 invalid input or a ledger with no call in it.

    \b
    Examples:
      routecfg actuals .backlog-ops/usage-ledger.jsonl
      routecfg actuals --format markdown --chart actuals.svg >> "$GITHUB_STEP_SUMMARY"
      routecfg actuals --calibrate
    """
    from routecfg.actuals import chart as charts
    from routecfg.actuals import measure
    from routecfg.actuals import report as actuals_report

    path, fallback = _actuals_spec(options, bool(ledgers))
    validated = validate(path, budget=False, missing_targets=False)
    chosen = measure.ledgers_to_read(validated.spec, validated.source, ledgers, Path.cwd())
    measured = measure.measure(validated.spec, validated.source, chosen)
    # The preset's own warnings are not the user's to fix.
    spec_warnings = [] if fallback else list(validated.warnings)
    warnings = [*fallback, *spec_warnings, *measured.warnings]
    if warnings and options.format != "sarif":  # skipped lines are problems: shown with -q too
        report.emit(warnings, "text", out=sys.stdout, err=sys.stderr)
    actuals = measured.actuals
    over = _over_budget(validated, actuals) if actuals.over_budget else []
    if options.run is not None:
        from routecfg import summary

        options.run.spec = validated.source.display
        options.run.diagnostics.extend([*warnings, *over])
        options.run.sections.append(summary.section(actuals_report.render(actuals, "markdown")))
    if options.format == "sarif":
        report.emit([*warnings, *over], "sarif", out=sys.stdout, err=sys.stderr)
    else:
        click.echo(actuals_report.render(actuals, options.format), nl=False)
    if chart is not None:
        write.write_atomic(chart, charts.svg(actuals).encode("utf-8"))
        if not options.quiet:
            click.echo(f"wrote {chart}", err=True)
    outcome = Exit.OK
    if calibrate:
        outcome = _calibrate(validated, actuals, options, yes)
    if actuals.over_budget:
        if options.format == "sarif":  # RC910 says it there
            return Exit.CHANGES
        click.echo(
            f"over budget: {cost.dollars(actuals.mean, actuals_report.TABLE_MONEY)} per ticket > "
            f"{cost.dollars(actuals.budget or Decimal(0), cost.CENTS)} "
            "(cost.budget.max_per_ticket)",
            err=True,
        )
        return Exit.CHANGES
    return outcome


OVER_BUDGET = "RC910"


def _over_budget(validated: Validated, actuals: Actuals) -> list[Diagnostic]:
    """The actual cost per ticket over cost.budget.max_per_ticket, as an error for SARIF and the
    job summary (text says it in a line of its own)."""
    from routecfg.actuals import report as actuals_report

    mean = cost.dollars(actuals.mean, actuals_report.TABLE_MONEY)
    budget = cost.dollars(actuals.budget or Decimal(0), cost.CENTS)
    return [
        validated.source.diagnostic(
            ("cost", "budget", "max_per_ticket"),
            OVER_BUDGET,
            f"actual cost per ticket {mean} is over the budget of {budget} "
            "(cost.budget.max_per_ticket)",
            "`routecfg actuals` shows which gates and models spend it; route them to cheaper "
            "tiers, or raise the budget",
        )
    ]


def _actuals_spec(options: Options, named: bool) -> tuple[Path, list[Diagnostic]]:
    """The spec; with ledgers named and no routecfg.yaml anywhere, the bundled default preset
    (the backlog toolkit's routing), said in a warning."""
    if options.spec is not None or not named or spec.find_spec(Path.cwd()) is not None:
        return _spec_path(options), []
    preset = resources.preset_path(DEFAULT_INIT_PRESET)
    assert preset is not None
    warning = Diagnostic(
        spec.SPEC_FILENAME,
        0,
        0,
        Severity.WARNING,
        "RC909",
        f"no {spec.SPEC_FILENAME} here or above: the estimate and tiers are the bundled "
        f"preset '{DEFAULT_INIT_PRESET}'",
        "name your spec with --spec, or write one with `routecfg init`",
    )
    return preset, [warning]


def _calibrate(validated: Validated, actuals: Actuals, options: Options, yes: bool) -> Exit:
    from routecfg.actuals import calibrate
    from routecfg.plan import read_target, unified_diff

    path = validated.source.path
    display = validated.source.display
    text, encoding = read_target(path, display)
    assert text is not None  # validated a moment ago
    new = calibrate.calibrate(text, display, actuals, validated.spec)
    change = Change("spec", display, path, text, new, encoding, State.STALE)
    if not change.changed:
        if not options.quiet:
            click.echo(f"{display}: already calibrated; nothing to write", err=True)
        return Exit.OK
    click.echo(unified_diff(change), nl=False, err=options.format in ("json", "sarif"))
    if not yes:
        if not sys.stdin.isatty():
            click.echo("not written: no terminal to confirm on; run with --yes", err=True)
            return Exit.CHANGES
        if not click.confirm(f"Write the measured profile into {display}?", err=True):
            return Exit.CHANGES
    write.apply([change], path.parent)
    if not options.quiet:
        click.echo(f"wrote {display}", err=True)
    return Exit.OK


@cli.group(name="blocks")
def blocks_group() -> None:
    """Generated blocks in skills Markdown, placed for you (no hand-written markers).

    \b
    Examples:
      routecfg blocks add model-rules --file skills/implementer/SKILL.md --lines 14:26
    """


def _line_range(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    first, colon, last = value.partition(":")
    if not (colon and first.isdigit() and last.isdigit()) or not 0 < int(first) <= int(last):
        raise click.BadParameter(f"'{value}' is not FIRST:LAST, e.g. 14:26 (1-based, inclusive)")
    return int(first), int(last)


def _parameters(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> Any:
    params = []
    for value in values:
        key, equals, text = value.partition("=")
        if not equals or not key:
            raise click.BadParameter(f"'{value}' is not KEY=VALUE, e.g. gate=implement")
        params.append((key, text))
    return tuple(params)


@blocks_group.command(name="add")
@common_options
@click.argument("name")
@click.option(
    "--file",
    "file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Markdown file: one of the spec's skills targets.",
)
@click.option(
    "--lines",
    metavar="FIRST:LAST",
    callback=_line_range,
    help="Put the block around these lines (1-based, inclusive); they become its body.",
)
@click.option(
    "--heading",
    metavar="TEXT",
    help="Put the block around the section under this heading (an empty section gets an "
    "empty block).",
)
@click.option(
    "--param",
    "params",
    metavar="KEY=VALUE",
    multiple=True,
    callback=_parameters,
    help="A block parameter, e.g. gate=implement (repeatable).",
)
@click.option("--yes", "-y", is_flag=True, help="Write without asking.")
@_run
def blocks_add_command(
    options: Options,
    name: str,
    file: Path,
    lines: tuple[int, int] | None,
    heading: str | None,
    params: tuple[tuple[str, str], ...],
    yes: bool,
) -> Exit:
    """Place block NAME in a skills file: markers around lines or a heading's section.

    The markers are written for you, in the form the place needs (HTML comments, or
    `# routecfg:begin NAME` inside a code fence), and the body is rendered from the template
    NAME. Shows the diff and asks like `routecfg build`; exit codes as build.

    \b
    Examples:
      routecfg blocks add model-rules --file skills/implementer/SKILL.md --lines 14:26
      routecfg blocks add gate-model --file SKILL.md --heading "Gate 2" --param gate=implement
    """
    from routecfg import blocks

    if (lines is None) == (heading is None):
        raise click.UsageError("give one of --lines FIRST:LAST or --heading TEXT")
    with write.locked(_spec_path(options).parent, _waiting(options)):
        validated = validate(_spec_path(options), missing_targets=False)
        _print_warnings(validated, options)
        change = blocks.plan_add(validated, file, name, params, lines, heading)
        _show_plan(validated, (change,), options)
        return _confirm_and_write(validated, (change,), options, yes=yes, force=False)


@cli.command(name="templates")
def templates_command() -> int:
    """Print what a block template can read: every variable, filter and field, in spec words.

    \b
    Example:
      routecfg templates
    """
    from routecfg.targets import template_context

    click.echo(template_context.describe(), nl=False)
    return int(Exit.OK)


@cli.command(name="schema")
def schema_command() -> int:
    """Print the JSON Schema of routecfg.yaml (for editors and check-jsonschema).

    \b
    Example:
      routecfg schema > routecfg.schema.json
    """
    click.echo(resources.schema_path(resources.SPEC_SCHEMA).read_text(encoding="utf-8"), nl=False)
    return int(Exit.OK)


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point; returns the exit code."""
    try:
        result = cli.main(args=argv, prog_name="routecfg", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return int(Exit.INVALID)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return int(Exit.CHANGES)
    return int(result) if isinstance(result, int) else int(Exit.OK)
