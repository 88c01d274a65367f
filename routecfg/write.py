"""The only module that writes files.

Writes happen after every target has rendered, under a lock on the spec file, each atomically: a
temporary file in the same folder, flushed and synced, given the old file's mode, then renamed over
the old one. A file that changed on disk since it was planned is not overwritten.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.plan import Change, read_target

DEFAULT_MODE = 0o644


@contextlib.contextmanager
def locked(spec_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the spec while writing, so two builds cannot interleave."""
    with spec_path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def apply(changes: Sequence[Change], spec_path: Path) -> tuple[Change, ...]:
    """Write every changed target; returns the ones written."""
    pending = [c for c in changes if c.changed]
    with locked(spec_path):
        _refuse_if_moved(pending)
        for change in pending:
            write_atomic(change.absolute, change.encoding.encode(change.new))
    return tuple(pending)


def _refuse_if_moved(changes: Sequence[Change]) -> None:
    """Another process may have written a target since the plan was made: then write nothing."""
    moved = []
    for change in changes:
        now, _ = read_target(change.absolute, change.path)
        if now != change.old:
            moved.append(
                Diagnostic(
                    change.path,
                    0,
                    0,
                    Severity.ERROR,
                    "RC320",
                    "the file changed on disk while routecfg was planning; nothing was written",
                    "run the command again",
                )
            )
    if moved:
        raise RoutecfgError(moved)


def write_atomic(path: Path, data: bytes) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = DEFAULT_MODE & ~umask
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(mode)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def append_text(path: Path, text: str) -> None:
    """Append to a file another program collects (GitHub's job summary): never replaced, since
    earlier steps of the job wrote their parts of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)
