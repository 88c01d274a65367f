"""The only module that writes files: all of them or none.

A build writes after every target has rendered, under one lock per root (the spec's folder,
whatever the spec file is called), in two phases. First every new text goes to a temporary file
next to its target (``.NAME.routecfg-XXXXXXXX.tmp``), flushed, synced and given the old file's
mode; any failure there removes the temporary files and leaves every target as it was. Then the
temporary files are renamed over the targets; a failure there (rare: every folder has already
taken a new file) names the files written and not written, and the next build completes the
change. Before anything is written, a target that changed on disk since it was planned, that has
other hard links, that is immutable or (without ``--force``) read-only, is refused.

A symlinked target inside the root is written through: the file it points to is replaced and the
link stays a link. Temporary files a killed build left behind are removed by the next build,
which says so.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from routecfg import readfile
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.plan import Change, read_target

DEFAULT_MODE = 0o644
TEMP_MARK = ".routecfg-"
TEMP_SUFFIX = ".tmp"
LOCK_TIMEOUT = 60.0  # seconds a build waits for another build in the same root
LOCK_POLL = 0.1

MOVED = "RC320"  # a target changed on disk while routecfg was planning
NOT_WRITTEN = "RC321"  # a write failed before any rename: nothing was written
HALF_WRITTEN = "RC322"  # a rename failed: some files written, some not
LOCKED = "RC323"  # another build held the root's lock past the timeout
HARD_LINKED = "RC324"  # a target with other hard links
READ_ONLY = "RC325"  # a read-only target, without --force
LEFTOVER = "RC326"  # a temporary file an interrupted build left, removed
IMMUTABLE = "RC327"  # an immutable or append-only target
OUTSIDE = "RC262"  # a symlinked target that resolves out of the root

_FS_IOC_GETFLAGS = 0x80086601  # Linux: the file's attribute flags (chattr)
_FS_IMMUTABLE_OR_APPEND = 0x00000010 | 0x00000020


@dataclass(frozen=True)
class Outcome:
    written: tuple[Change, ...]
    removed: tuple[Diagnostic, ...]  # warnings: leftover temporary files removed


Waiting = Callable[[str], None]


def apply(
    changes: Sequence[Change],
    root: Path,
    *,
    force: bool = False,
    on_wait: Waiting | None = None,
    lock: bool = True,
) -> Outcome:
    """Write every changed target, all or nothing; raises RoutecfgError and writes nothing when
    any target is refused. ``lock=False``: the caller holds :func:`locked` on ``root`` already
    (`build` takes it before planning, so a build that waited plans on what the other wrote)."""
    pending = [c for c in changes if c.changed]
    with locked(root, on_wait) if lock else contextlib.nullcontext():
        removed = _remove_leftovers(changes, root)
        _refuse_if_moved(pending, root)
        destinations = _destinations(pending, root, force)
        _write_all(pending, destinations)
    return Outcome(tuple(pending), removed)


def tidy(
    changes: Sequence[Change], root: Path, on_wait: Waiting | None = None, *, lock: bool = True
) -> Outcome:
    """Remove what an interrupted build left, when there is anything (a build with nothing to
    write calls this)."""
    if not _leftovers(changes):
        return Outcome((), ())
    with locked(root, on_wait) if lock else contextlib.nullcontext():
        return Outcome((), _remove_leftovers(changes, root))


# --- the lock ----------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(root: Path, on_wait: Waiting | None = None) -> Iterator[None]:
    """An exclusive lock on the root folder itself (no lock file left in the user's checkout):
    two builds in one root never interleave, whatever spec file each names."""
    try:
        descriptor = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise RoutecfgError(
            [
                _error(
                    str(root),
                    LOCKED,
                    f"cannot lock the folder for writing: {error.strerror}; nothing was written",
                    "routecfg needs to open the spec's folder; check its permissions",
                )
            ]
        ) from None
    try:
        _acquire(descriptor, root, on_wait)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _acquire(descriptor: int, root: Path, on_wait: Waiting | None) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        on_wait(
            f"waiting for another routecfg build in {root} to finish (at most {LOCK_TIMEOUT:g} s)"
        )
    deadline = time.monotonic() + LOCK_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(LOCK_POLL)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            continue
    raise RoutecfgError(
        [
            Diagnostic(
                str(root),
                0,
                0,
                Severity.ERROR,
                LOCKED,
                f"another routecfg build in this folder held its lock for over "
                f"{LOCK_TIMEOUT:g} s; nothing was written",
                "let the other build finish (or end it), then run the command again",
            )
        ]
    )


# --- before writing: what may be written, and where --------------------------------------------


def _refuse_if_moved(changes: Sequence[Change], root: Path) -> None:
    """Another process may have written a target since the plan was made: then write nothing."""
    moved = []
    for change in changes:
        now, _ = read_target(change.absolute, change.path, root)
        if now != change.old:
            moved.append(
                _error(
                    change.path,
                    MOVED,
                    "the file changed on disk while routecfg was planning; nothing was written",
                    "run the command again",
                )
            )
    if moved:
        raise RoutecfgError(moved)


def _destinations(changes: Sequence[Change], root: Path, force: bool) -> list[Path]:
    """The real file each target's text goes to (through a symlink inside the root), after
    every refusal has been collected."""
    destinations: list[Path] = []
    problems: list[Diagnostic] = []
    real_root = os.path.realpath(root)
    for change in changes:
        real = Path(os.path.realpath(change.absolute))
        destinations.append(real)
        if not readfile.inside(str(real), real_root):
            problems.append(
                _error(
                    change.path,
                    OUTSIDE,
                    "the file resolves through a symlink to a place outside the spec's folder",
                    "routecfg reads and writes only inside the folder of routecfg.yaml",
                )
            )
            continue
        try:
            status = real.stat()
        except FileNotFoundError:
            continue  # a target routecfg creates (`init`): nothing to keep
        except OSError as error:
            problems.append(_os_error(change.path, error))
            continue
        problems.extend(_refusals(change.path, real, status, force))
    if problems:
        raise RoutecfgError(problems)
    return destinations


def _refusals(display: str, real: Path, status: os.stat_result, force: bool) -> list[Diagnostic]:
    found = []
    if status.st_nlink > 1:
        found.append(
            _error(
                display,
                HARD_LINKED,
                f"the file has {status.st_nlink} hard links; writing a new file would split "
                "them, leaving the others old; nothing was written",
                "make the other names symlinks (or copies) of this file, then build again",
            )
        )
    if _immutable(real):
        found.append(
            _error(
                display,
                IMMUTABLE,
                "the file is immutable or append-only (chattr +i / +a); nothing was written",
                "remove the attribute (chattr -i), then build again",
            )
        )
    if not force and not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        found.append(
            _error(
                display,
                READ_ONLY,
                "the file is read-only; nothing was written",
                "make it writable, or run `routecfg build --force` to replace it anyway "
                "(its mode is kept)",
            )
        )
    return found


def _immutable(path: Path) -> bool:
    """Whether Linux marks the file immutable or append-only (a rename over it would fail)."""
    try:
        import array

        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (ImportError, OSError):
        return False
    try:
        flags = array.array("l", [0])
        fcntl.ioctl(descriptor, _FS_IOC_GETFLAGS, flags, True)
        return bool(flags[0] & _FS_IMMUTABLE_OR_APPEND)
    except OSError:
        return False
    finally:
        os.close(descriptor)


# --- writing -----------------------------------------------------------------------------------


def _write_all(changes: Sequence[Change], destinations: Sequence[Path]) -> None:
    temporaries: list[Path] = []
    try:
        for change, destination in zip(changes, destinations, strict=True):
            try:
                temporaries.append(_temporary(destination, change.encoding.encode(change.new)))
            except OSError as error:
                raise RoutecfgError([_os_error(change.path, error)]) from None
    except BaseException:
        _discard(temporaries)
        raise
    for index, (temporary, destination) in enumerate(zip(temporaries, destinations, strict=True)):
        try:
            _replace(temporary, destination)
        except BaseException as error:
            _discard(temporaries[index:])
            if not isinstance(error, OSError):
                raise
            written = [c.path for c in changes[:index]]
            not_written = [c.path for c in changes[index:]]
            raise RoutecfgError(
                [_half_written(changes[index].path, error, written, not_written)]
            ) from None
    for folder in {d.parent for d in destinations}:
        _sync_folder(folder)


def _temporary(destination: Path, data: bytes) -> Path:
    """The new text in a temporary file next to ``destination``, synced, with its mode."""
    try:
        mode = stat.S_IMODE(destination.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = DEFAULT_MODE & ~umask
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}{TEMP_MARK}", suffix=TEMP_SUFFIX
    )
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            os.fchmod(stream.fileno(), mode)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def _replace(temporary: Path, destination: Path) -> None:
    temporary.replace(destination)


def _discard(temporaries: Sequence[Path]) -> None:
    for temporary in temporaries:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (best effort: not every system can sync a folder)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_atomic(path: Path, data: bytes) -> None:
    """One file, atomically (``init`` writing a new spec)."""
    try:
        _replace(_temporary(path, data), path)
    except OSError as error:
        raise RoutecfgError([_os_error(str(path), error)]) from None


# --- leftovers ---------------------------------------------------------------------------------


def _leftovers(changes: Sequence[Change]) -> list[tuple[str, Path]]:
    """Temporary files of routecfg's naming next to the targets: this version's
    ``.NAME.routecfg-XXXXXXXX.tmp`` and earlier versions' ``.NAME.XXXXXXXX.tmp``."""
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for change in changes:
        for target in {change.absolute, Path(os.path.realpath(change.absolute))}:
            pattern = re.compile(
                rf"\.{re.escape(target.name)}(?:{re.escape(TEMP_MARK)}[a-z0-9_]+|\.[a-z0-9_]{{8}})"
                rf"{re.escape(TEMP_SUFFIX)}"
            )
            try:
                paths = sorted(target.parent.iterdir())
            except OSError:
                continue
            for path in paths:
                if path not in seen and pattern.fullmatch(path.name) and path.is_file():
                    seen.add(path)
                    found.append((change.path, path))
    return found


def _remove_leftovers(changes: Sequence[Change], root: Path) -> tuple[Diagnostic, ...]:
    removed = []
    for display, path in _leftovers(changes):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            removed.append(
                _warning(
                    _shown(path, root),
                    LEFTOVER,
                    f"cannot remove this temporary file an interrupted build of {display} left: "
                    f"{error.strerror}",
                    "remove it by hand",
                )
            )
            continue
        removed.append(
            _warning(
                _shown(path, root),
                LEFTOVER,
                f"removed a temporary file an interrupted build of {display} left behind",
                None,
            )
        )
    return tuple(removed)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        real_root = Path(os.path.realpath(root))
        with contextlib.suppress(ValueError):
            return Path(os.path.realpath(path)).relative_to(real_root).as_posix()
        return str(path)


# --- diagnostics -------------------------------------------------------------------------------


def _error(path: str, code: str, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(path, 0, 0, Severity.ERROR, code, message, hint)


def _warning(path: str, code: str, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(path, 0, 0, Severity.WARNING, code, message, hint)


_HINTS = {
    errno.ENOSPC: "free some space on the disk, then build again",
    errno.EDQUOT: "free some space (you are over your disk quota), then build again",
    errno.EROFS: "the file system is mounted read-only; build where it can be written",
    errno.EACCES: "you cannot write in the file's folder; fix its permissions",
    errno.EPERM: "the system does not allow this change (an immutable file or folder?)",
}


def _os_error(path: str, error: OSError) -> Diagnostic:
    reason = error.strerror or str(error)
    return _error(
        path,
        NOT_WRITTEN,
        f"cannot write the file: {reason}; nothing was written",
        _HINTS.get(error.errno or 0, "fix the cause, then build again"),
    )


def _half_written(
    path: str, error: OSError, written: Sequence[str], not_written: Sequence[str]
) -> Diagnostic:
    reason = error.strerror or str(error)
    return _error(
        path,
        HALF_WRITTEN,
        f"cannot replace the file: {reason}; written: {', '.join(written) or 'none'}; "
        f"not written: {', '.join(not_written)}",
        _HINTS.get(error.errno or 0, "fix the cause")
        + "; `routecfg build` then writes the files not written",
    )


def append_text(path: Path, text: str) -> None:
    """Append to a file another program collects (GitHub's job summary): never replaced, since
    earlier steps of the job wrote their parts of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)
