"""One `routecfg actuals` run: the ledgers to read, read into one tally, the figures it gives.

The default ledgers are the spec's: ``actuals.ledgers``, then ``proxy.ledger`` (what routecfg's
callback writes). A default that does not exist yet is a warning; a ledger named on the command
line must exist. Every problem is collected before one failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from routecfg.actuals import files, ledgers
from routecfg.actuals.records import vocabulary
from routecfg.actuals.tally import KEPT_SKIPS, Actuals, Tally, figures
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, did_you_mean
from routecfg.model import RoutingSpec
from routecfg.spec import Source, display_path

SKIPPED = "RC900"
NO_RECORD = "RC902"
NO_LEDGER = "RC903"
UNMAPPED_GATE = "RC904"


@dataclass(frozen=True)
class Ledger:
    path: Path
    display: str
    required: bool  # named on the command line: it must exist
    root: Path | None = None  # a spec's ledger stays inside the spec's folder


@dataclass(frozen=True)
class Measured:
    actuals: Actuals
    tally: Tally
    warnings: tuple[Diagnostic, ...]


def ledgers_to_read(
    spec: RoutingSpec, source: Source, named: Sequence[str], cwd: Path
) -> list[Ledger]:
    if named:
        return [Ledger(cwd / name, display_path(cwd / name), True) for name in named]
    paths = list(spec.actuals.ledgers)
    if spec.proxy.ledger is not None and spec.proxy.ledger not in paths:
        paths.append(spec.proxy.ledger)
    if not paths:
        raise RoutecfgError(
            [
                source.diagnostic(
                    (),
                    NO_LEDGER,
                    "no ledger to read: none named, and the spec names none",
                    "name ledger files (`routecfg actuals .backlog-ops/usage-ledger.jsonl`), or "
                    "list them under `actuals: {ledgers: [...]}` in the spec",
                )
            ]
        )
    root = spec.root
    return [Ledger(root / p, display_path(root / p), False, root) for p in paths]


def measure(spec: RoutingSpec, source: Source, chosen: Sequence[Ledger]) -> Measured:
    names = vocabulary(spec, spec.actuals.gates)
    tally = Tally(spec)
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    read: list[str] = []
    for ledger in chosen:
        try:
            stream = files.chunks(ledger.path, ledger.display, ledger.root)
        except RoutecfgError as error:
            if ledger.required:
                errors += error.diagnostics
            else:
                warnings += [
                    Diagnostic(
                        d.path, d.line, d.column, Severity.WARNING, d.code, d.message, d.hint
                    )
                    for d in error.diagnostics
                ]
            continue
        before, skipped = tally.records, tally.skipped
        tally.add_all(ledgers.read(stream, ledger.display, names))
        read.append(ledger.display)
        if tally.records == before:
            lines = tally.skipped - skipped
            errors.append(
                Diagnostic(
                    ledger.display,
                    0,
                    0,
                    Severity.ERROR,
                    NO_RECORD,
                    f"no call record in this ledger ({lines:,} lines not read)",
                    "a ledger holds one JSON object per call: the toolkit's usage ledger, "
                    "routecfg's callback JSONL, or a /spend/logs export",
                )
            )
    if not read and not errors:
        errors.append(
            source.diagnostic(
                (),
                NO_LEDGER,
                "none of the spec's ledgers exists yet",
                "run the proxy with the callback registered (proxy.ledger), or name a ledger",
            )
        )
    warnings += skipped_diagnostics(tally)
    if errors:
        raise RoutecfgError([*warnings, *errors])
    warnings += _unmapped(source, tally, list(spec.gates))
    return Measured(figures(tally, spec, read), tally, tuple(warnings))


def _unmapped(source: Source, tally: Tally, gates: list[str]) -> list[Diagnostic]:
    found = []
    for name in sorted(tally.unmapped):
        close = did_you_mean(name, gates)
        hint = f"map it in the spec: `actuals: {{gates: {{{name}: {close or '<gate>'}}}}}`"
        found.append(
            source.diagnostic(
                ("actuals", "gates"),
                UNMAPPED_GATE,
                f"the ledgers name a gate '{name}' that is no gate of the spec; "
                "it is counted under its own name, without an estimate",
                hint,
                severity=Severity.WARNING,
            )
        )
    return found


def skipped_diagnostics(tally: Tally) -> list[Diagnostic]:
    """Each skipped line kept, as a warning with its place; per file, the rest counted."""
    hint = "a ledger line is one JSON object for one call (README: `routecfg actuals`)"
    diagnostics = [
        Diagnostic(
            s.path, s.line, s.column, Severity.WARNING, SKIPPED, f"line not read: {s.reason}", hint
        )
        for s in tally.skips
    ]
    for path, count in tally.skips_per_file.items():
        if count > KEPT_SKIPS:
            message = f"{count - KEPT_SKIPS:,} more lines not read (the first {KEPT_SKIPS} shown)"
            diagnostics.append(Diagnostic(path, 0, 0, Severity.WARNING, SKIPPED, message, hint))
    return diagnostics
