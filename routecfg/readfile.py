"""The one guarded reader: every file routecfg reads is opened here.

A file is read only when it is a regular file (opened non-blocking and checked with ``fstat``, so a
FIFO, a device or a socket is refused at once instead of hanging or streaming forever), no larger
than a cap, and, when a root is given, only when its real path (every symlink resolved) stays inside
that root. Callers turn a :class:`Refused` into their own diagnostic; a missing file is
``FileNotFoundError``, as with ``open``.

This module imports only the standard library, and not even pathlib: the check cache reads through
it on its hit path, before anything heavy is imported.
"""

from __future__ import annotations

import errno
import os
import stat

TYPE_CHECKING = False  # not `from typing import`: the cache's hit path imports this module
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    StrPath = str | os.PathLike[str]

MAX_BYTES = 8 * 1024 * 1024

# Why a file was refused; callers pick their diagnostic code by it.
NOT_REGULAR = "not a regular file"
OUTSIDE_ROOT = "outside the root"
TOO_LARGE = "too large"
UNREADABLE = "unreadable"

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)  # the path is resolved already: a new symlink is a refusal
)


class Refused(Exception):
    """A file routecfg will not read. ``why`` is one of the constants above; ``reason`` is the
    words for a person (``a FIFO``, ``over 8 MiB``, ``Permission denied``)."""

    def __init__(self, path: str, why: str, reason: str) -> None:
        super().__init__(f"{path}: {why}: {reason}")
        self.path = path
        self.why = why
        self.reason = reason


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def inside(path: str, root: str) -> bool:
    """Whether ``path`` (a real path) is ``root`` (a real path) or lies under it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve(path: StrPath, root: StrPath | None = None) -> str:
    """The real path of ``path``; :class:`Refused` when it leaves ``root`` or cannot be resolved."""
    name = os.fspath(path)
    try:
        real = os.path.realpath(name)
    except (OSError, ValueError) as error:
        raise Refused(name, UNREADABLE, _reason(error)) from None
    if root is not None and not inside(real, os.path.realpath(os.fspath(root))):
        raise Refused(name, OUTSIDE_ROOT, f"it resolves to {real}")
    return real


def open_guarded(
    path: StrPath, root: StrPath | None = None, *, limit: int | None = MAX_BYTES
) -> BinaryIO:
    """A binary stream on a regular file inside ``root``, its size under ``limit`` (``None``: no
    cap, for a reader that streams and counts on its own, a ledger). ``FileNotFoundError`` when
    the file does not exist, :class:`Refused` for anything routecfg will not read."""
    name = os.fspath(path)
    real = resolve(name, root)
    try:
        descriptor = os.open(real, _FLAGS)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise Refused(name, UNREADABLE, _reason(error)) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Refused(name, NOT_REGULAR, kind_of(status.st_mode))
        if limit is not None and status.st_size > limit:
            raise Refused(name, TOO_LARGE, f"over {_size(limit)}")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_bytes(path: StrPath, root: StrPath | None = None, *, limit: int = MAX_BYTES) -> bytes:
    """The whole file, guarded as :func:`open_guarded` says; a file that grew past ``limit``
    while being read is refused too."""
    with open_guarded(path, root, limit=limit) as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise Refused(os.fspath(path), UNREADABLE, _reason(error)) from None
    if len(data) > limit:
        raise Refused(os.fspath(path), TOO_LARGE, f"over {_size(limit)}")
    return data


def lines(
    path: StrPath, root: StrPath | None = None, *, limit: int = MAX_BYTES, line_limit: int = 1 << 20
) -> Iterator[bytes]:
    """A file's lines (with their endings), for readers that stream (ledgers): the same guards,
    and :class:`Refused` once the total passes ``limit`` or one line passes ``line_limit``."""
    total = 0
    with open_guarded(path, root, limit=limit) as stream:
        while True:
            line = stream.readline(line_limit + 1)
            if not line:
                return
            total += len(line)
            if len(line) > line_limit:
                raise Refused(os.fspath(path), TOO_LARGE, f"a line over {_size(line_limit)}")
            if total > limit:
                raise Refused(os.fspath(path), TOO_LARGE, f"over {_size(limit)}")
            yield line


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        if error.errno == errno.ELOOP:
            return "a symlink loop (or a symlink that appeared while it was read)"
        if error.strerror:
            return error.strerror
    if isinstance(error, ValueError) and "null" in str(error):
        return "the path holds a NUL byte"
    return str(error)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit} bytes"
