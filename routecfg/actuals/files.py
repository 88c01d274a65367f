"""Opening ledgers: regular files only, read in chunks, so a FIFO never hangs and a large file
never sits in memory. The only place `routecfg actuals` touches the disk to read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity

CHUNK = 1024 * 1024
UNREADABLE = "RC901"


def chunks(path: Path, display: str) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time. Raises RC901 before the first chunk when it cannot
    be read."""
    stream = _open(path, display)
    return _read(stream)


def _read(stream: int) -> Iterator[bytes]:
    try:
        while chunk := os.read(stream, CHUNK):
            yield chunk
    finally:
        os.close(stream)


def _open(path: Path, display: str) -> int:
    def fail(message: str, hint: str) -> RoutecfgError:
        return RoutecfgError([Diagnostic(display, 0, 0, Severity.ERROR, UNREADABLE, message, hint)])

    try:
        status = path.stat()
    except FileNotFoundError:
        raise fail(
            "ledger not found", "check the path (a spec names it relative to its folder)"
        ) from None
    except OSError as error:
        raise fail(f"cannot read the ledger: {error.strerror}", "check its permissions") from None
    if not stat.S_ISREG(status.st_mode):
        raise fail("not a regular file", "name a ledger file (JSON lines or a JSON array)")
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise fail(f"cannot read the ledger: {error.strerror}", "check its permissions") from None
