"""The one diagnostic record, the exception that carries them, and the exit codes.

Every stage reports problems as :class:`Diagnostic` values; it collects all it can find and raises
one :class:`RoutecfgError` at the end. Printing lives in :mod:`routecfg.report` alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from routecfg.frozen import record


class Exit(enum.IntEnum):
    """Process exit codes, the same for every command (README: "Exit codes")."""

    OK = 0
    CHANGES = 1  # stale targets, changes shown but not written, over budget for `cost`
    INVALID = 2  # bad input: spec, target files, command line
    HAND_EDITED = 3  # a generated block or an owned value was edited by hand
    INTERNAL = 4  # a bug in routecfg


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@record
class Diagnostic:
    """A problem at a place in a file. ``line`` and ``column`` are 1-based; 0 means unknown.
    ``end_line`` is the last line of the region when it spans several (0: just ``line``)."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    end_line: int = 0

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)


class RoutecfgError(Exception):
    """Raised once a stage has collected every problem it could find."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__("\n".join(d.message for d in self.diagnostics))


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Sorted by position, without exact duplicates (two rules may see the same fault)."""
    return tuple(sorted(set(diagnostics), key=Diagnostic.sort_key))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt ``word``, or None when nothing is close."""
    import difflib  # only for a problem to report: not on the path of a check that finds none

    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        return lowered.get(word.lower())
    return matches[0]


def suggestion_hint(word: str, candidates: Sequence[str], kind: str) -> str:
    """``did you mean 'x'?`` when one is close, else the list of what is allowed."""
    match = did_you_mean(word, candidates)
    if match is not None:
        return f"did you mean '{match}'?"
    if not candidates:
        return f"no {kind} is defined"
    return f"known {kind}: {', '.join(candidates)}"


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset in UTF-8-ish bytes."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column
