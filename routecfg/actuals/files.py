"""Opening ledgers through the one guarded reader (:mod:`routecfg.readfile`): regular files only,
read in chunks, so a FIFO never hangs and a large file never sits in memory. The only place
`routecfg actuals` touches the disk to read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from routecfg import readfile
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity

CHUNK = 1024 * 1024
UNREADABLE = "RC901"


def chunks(path: Path, display: str, root: Path | None = None) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time; no size cap (the reader streams and counts). Raises
    RC901 before the first chunk when it cannot be read, or leaves ``root`` (a spec's ledgers)."""

    def fail(message: str, hint: str) -> RoutecfgError:
        return RoutecfgError([Diagnostic(display, 0, 0, Severity.ERROR, UNREADABLE, message, hint)])

    try:
        stream = readfile.open_guarded(path, root, limit=None)
    except FileNotFoundError:
        hint = "check the path (a spec names it relative to its folder)"
        raise fail("ledger not found", hint) from None
    except readfile.Refused as refused:
        if refused.why == readfile.NOT_REGULAR:
            message = f"not a regular file: {refused.reason}"
        else:
            message = f"cannot read the ledger: {refused.reason}"
        raise fail(message, "name a ledger file (JSON lines or a JSON array)") from None
    return _read(stream)


def _read(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk
