"""The command line. click lives here alone: options become plain values, the core runs, and its
outcome becomes an exit code in one place (:func:`_run`)."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from routecfg import __version__, compiler, report, resources, spec, write
from routecfg.diagnostics import Diagnostic, Exit, RoutecfgError
from routecfg.plan import Change, State, exit_state
from routecfg.validate import Validated, validate

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Options:
    spec: str | None
    format: str
    quiet: bool
    debug: bool


def common_options(command: F) -> F:
    """--spec, --format, -q and --debug, the same on every command that reads a spec."""
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
            type=click.Choice(report.FORMATS),
            default="text",
            show_default=True,
            help="How diagnostics are printed: text (stderr), json or github (stdout).",
        ),
        click.option("-q", "--quiet", is_flag=True, help="Print problems only."),
        click.option("--debug", is_flag=True, help="Show the traceback of an internal error."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _run(body: Callable[..., Exit]) -> Callable[..., int]:
    """Run a command's body; map diagnostics and crashes to exit codes in one place."""

    @functools.wraps(body)
    def wrapper(spec_arg: str | None, fmt: str, quiet: bool, debug: bool, **kwargs: Any) -> int:
        options = Options(spec_arg, fmt, quiet, debug)
        try:
            return int(functools.partial(body, **kwargs)(options))
        except RoutecfgError as error:
            _print_diagnostics(error.diagnostics, options)
            return int(Exit.INVALID)
        except Exception as error:  # a bug: one line, the traceback only on request
            if debug:
                traceback.print_exc()
            click.echo(
                f"routecfg: internal error: {type(error).__name__}: {error} "
                "(please report it; --debug shows the traceback)",
                err=True,
            )
            return int(Exit.INTERNAL)

    return wrapper


def _print_diagnostics(diagnostics: Sequence[Diagnostic], options: Options) -> None:
    report.emit(diagnostics, options.format, out=sys.stdout, err=sys.stderr)
    if options.format == "text" and diagnostics:
        click.echo(f"Found {report.summary(diagnostics)}.", err=True)


def _spec_path(options: Options) -> Path:
    return spec.locate(options.spec, Path.cwd())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="routecfg")
def cli() -> None:
    """One routing spec (routecfg.yaml) compiled into every file that routes your models.

    \b
    Exit codes: 0 ok, 1 changes (stale or not written), 2 invalid input,
                3 a generated block was edited by hand, 4 internal error.
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
    warnings = result.warnings
    report.emit(warnings, options.format, out=sys.stdout, err=sys.stderr)
    if strict and warnings:
        if options.format == "text":
            click.echo(f"Found {report.summary(warnings)} (--strict).", err=True)
        return Exit.INVALID
    if options.format == "text" and not options.quiet:
        spec_ = result.spec
        counts = f"{len(spec_.tiers)} tiers, {len(spec_.gates)} gates"
        extra = f", {report.summary(warnings)}" if warnings else ""
        click.echo(f"{result.source.display}: valid ({counts}{extra})", err=True)
    return Exit.OK


def _plan(options: Options) -> tuple[Validated, tuple[Change, ...]]:
    validated = validate(_spec_path(options))
    if validated.warnings:
        report.emit(validated.warnings, options.format, out=sys.stdout, err=sys.stderr)
    return validated, compiler.make_plan(validated)


def _show_plan(changes: tuple[Change, ...], options: Options, *, diffs: bool = True) -> None:
    if options.format == "json":
        click.echo(report.format_plan_json(changes, []), nl=False)
        return
    if options.format == "github":
        click.echo(report.format_plan_github(changes), nl=False)
        return
    if not options.quiet:
        click.echo(report.format_states(changes), nl=False, err=True)
    if diffs:
        click.echo(report.format_diffs(changes), nl=False)


_STATE_EXIT = {
    State.IN_SYNC: Exit.OK,
    State.STALE: Exit.CHANGES,
    State.HAND_EDITED: Exit.HAND_EDITED,
    State.MISSING: Exit.INVALID,
}


@cli.command(name="check")
@common_options
@_run
def check_command(options: Options) -> Exit:
    """Say whether every target is in sync with the spec; never writes.

    For pre-commit and CI: exit 0 in sync, 1 stale (the spec changed; run `routecfg build`),
    2 invalid, 3 a generated block was edited by hand. Diffs go to stdout.

    \b
    Example:
      routecfg check --format github
    """
    _, changes = _plan(options)
    _show_plan(changes, options)
    state = exit_state(changes)
    if options.format == "text" and state is State.STALE:
        click.echo("hint: run `routecfg build` to update the stale files", err=True)
    return _STATE_EXIT[state]


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
    _, changes = _plan(options)
    if options.format == "text":
        click.echo(report.format_diffs(changes), nl=False)
    else:
        _show_plan(changes, options)
    changed = any(c.changed for c in changes)
    return Exit.CHANGES if exit_code and changed else Exit.OK


@cli.command(name="build")
@common_options
@click.option("--yes", "-y", is_flag=True, help="Write without asking.")
@click.option("--force", is_flag=True, help="Overwrite blocks that were edited by hand.")
@_run
def build_command(options: Options, yes: bool, force: bool) -> Exit:
    """Compile the spec into every target: show the diffs, then write.

    Asks before writing on a terminal; writes at once with --yes; without a terminal and
    without --yes it writes nothing and exits 1. Blocks edited by hand are kept (exit 3)
    unless --force.

    \b
    Example:
      routecfg build --yes
    """
    validated, changes = _plan(options)
    _show_plan(changes, options)
    pending = [c for c in changes if c.changed]
    if not pending:
        if options.format == "text" and not options.quiet:
            click.echo(f"{len(changes)} files in sync; nothing to write", err=True)
        return Exit.OK
    if any(c.state is State.HAND_EDITED for c in changes) and not force:
        click.echo("not written: blocks were edited by hand (--force overwrites them)", err=True)
        return Exit.HAND_EDITED
    if not yes:
        if not sys.stdin.isatty():
            click.echo("not written: no terminal to confirm on; run with --yes", err=True)
            return Exit.CHANGES
        if not click.confirm(f"Write {len(pending)} files?", err=True):
            return Exit.CHANGES
    written = write.apply(changes, validated.source.path)
    if options.format == "text" and not options.quiet:
        click.echo(f"wrote {len(written)} files", err=True)
    return Exit.OK


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
