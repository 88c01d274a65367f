"""A content-addressed cache of `routecfg check` results, so an unchanged check costs a few reads.

`check` runs in every pre-commit and CI job, and most runs find nothing changed. A result is
stored under a key made of everything that can change it — routecfg itself, the command line, the
working folder, the output's terminal and colour settings, the spec's bytes — together with the
digest of every other file the check read (targets, the spec's own templates), the commit git
HEAD points to (the "before" of the cost line), and what the check consulted outside the
repository: the folders on ``sys.path`` the installed LiteLLM was looked for in (the same ones,
in the same order) and its model map, by inode, size and modification time (installing,
upgrading or removing litellm changes them). It is replayed only when all of those still match.

This module imports nothing but the standard library, and of it only what a replay needs: the
replay runs before click, ruamel.yaml or jsonschema are imported, and before json (which pulls in
``re``) or hashlib (which loads OpenSSL). Entries are stored with :mod:`marshal` (built in, keyed
on the Python version that wrote them) and files are hashed with BLAKE2b from ``_blake2``, the
module hashlib itself takes it from. The cache lives in ``$ROUTECFG_CACHE_DIR``, else
``$XDG_CACHE_HOME/routecfg``, else ``~/.cache/routecfg``; ``--no-cache`` or
``ROUTECFG_NO_CACHE=1`` turn it off. It never holds anything a check did not print.
"""

from __future__ import annotations

import marshal
import os
import sys

from routecfg import readfile

TYPE_CHECKING = False  # not `from typing import`: typing alone costs a replay 3 ms
if (
    TYPE_CHECKING
):  # the replay path imports as little as it can (no pathlib): it is what a hit costs
    from collections.abc import Iterable, Sequence
    from typing import TextIO

    StrPath = str | os.PathLike[str]
    _Entry = tuple[
        str, list[tuple[str, str | None]], list[str], list[tuple[str, str]], int, str, str
    ]

FORMAT = 3
SPEC_FILENAME = "routecfg.yaml"
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_ENVIRONMENT = ("NO_COLOR", "TERM", "FORCE_COLOR")


def enabled(argv: Sequence[str]) -> bool:
    return (
        "--no-cache" not in argv
        and not os.environ.get("ROUTECFG_NO_CACHE")
        and os.path.isabs(folder())  # never a cache folder relative to the user's checkout
        and not _writes_a_summary(argv)  # a replay would not append the job summary
    )


def _writes_a_summary(argv: Sequence[str]) -> bool:
    return bool(os.environ.get("GITHUB_STEP_SUMMARY")) or any(
        word == "--summary" or word.startswith("--summary=") for word in argv
    )


def folder() -> str:
    configured = os.environ.get("ROUTECFG_CACHE_DIR")
    if configured:
        return os.path.abspath(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "routecfg")


def digest(data: bytes) -> str:
    # hashlib's own BLAKE2, without hashlib: importing hashlib loads OpenSSL (~3 ms a replay);
    # imported here, on first use: `check --no-cache` digests nothing.
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=32).hexdigest()


def _read(path: StrPath, root: StrPath | None = None) -> bytes:
    """Through the guarded reader: a FIFO, a device, a huge file or a symlink out of the root is
    :class:`readfile.Refused`, which every caller takes as "no valid entry" (a full run then
    says what is wrong), never as something to read."""
    return readfile.read_bytes(path, root)


def _contents(path: StrPath, root: StrPath | None = None) -> str:
    """A file's digest; for a folder, the digest of the names in it (a new template counts)."""
    if os.path.isdir(path):
        readfile.resolve(path, root)  # a folder reached through a symlink out of the root
        names = sorted(
            os.path.relpath(os.path.join(directory, name), path)
            for directory, _, files in os.walk(path)
            for name in files
        )
        return digest("\n".join(names).encode())
    return digest(_read(path, root))


def _read_text(path: str) -> str:
    try:
        data = readfile.read_bytes(path, limit=1024 * 1024)
    except readfile.Refused as refused:
        raise OSError(refused.reason) from None
    return data.decode("utf-8", errors="replace").strip()


def _fingerprint() -> str:
    """routecfg itself: its code, schemas, presets and templates, by name, size and mtime."""
    parent = os.path.dirname(_PACKAGE)
    roots = [_PACKAGE] + [
        os.path.join(parent, name) for name in ("schemas", "presets", "templates")
    ]
    entries = []
    for root in roots:
        for directory, _, files in os.walk(root):
            for name in files:
                if name.endswith((".pyc", ".pyo")):
                    continue
                stat = os.stat(os.path.join(directory, name))
                entries.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest("\n".join(sorted(entries)).encode())


def spec_argument(argv: Sequence[str]) -> str | None:
    for index, word in enumerate(argv):
        if word == "--spec" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--spec="):
            return word.partition("=")[2]
    return None


def _parents(start: str) -> Iterable[str]:
    directory = os.path.abspath(start)
    while True:
        yield directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return
        directory = parent


def find_spec(argv: Sequence[str], cwd: StrPath) -> str | None:
    """The spec file `check` would read, when it is a plain file (not a bundled preset)."""
    named = spec_argument(argv)
    if named is not None:
        candidate = os.path.join(cwd, named)
        return candidate if os.path.isfile(candidate) else None
    for directory in _parents(os.fspath(cwd)):
        candidate = os.path.join(directory, SPEC_FILENAME)
        if os.path.isfile(candidate):
            return candidate
    return None


def _key(argv: Sequence[str], cwd: StrPath, spec: bytes) -> str:
    streams = [str(getattr(s, "isatty", lambda: False)()) for s in (sys.stdout, sys.stderr)]
    parts = [
        str(FORMAT),
        sys.version,  # marshal's format, and how str and bytes round-trip, are per version
        str(marshal.version),
        _fingerprint(),
        "\0".join(argv),
        os.path.abspath(cwd),
        *(f"{name}={os.environ.get(name, '')}" for name in _ENVIRONMENT),
        *streams,
        digest(spec),
    ]
    return digest("\n".join(parts).encode())


def git_head(start: StrPath) -> str:
    """The commit git HEAD points to, read from .git without running git; "" outside a repo."""
    for directory in _parents(os.fspath(start)):
        dot_git = os.path.join(directory, ".git")
        if os.path.isfile(dot_git):  # a worktree or submodule: "gitdir: <path>"
            target = _read_text(dot_git).removeprefix("gitdir:").strip()
            dot_git = os.path.realpath(os.path.join(directory, target))
        if os.path.isdir(dot_git):
            return _resolve_head(dot_git)
    return ""


def _resolve_head(git_dir: str) -> str:
    try:
        head = _read_text(os.path.join(git_dir, "HEAD"))
    except OSError:
        return "unreadable"
    if not head.startswith("ref: "):
        return head
    ref = head.removeprefix("ref: ")
    common = git_dir
    commondir = os.path.join(git_dir, "commondir")
    if os.path.isfile(commondir):
        common = os.path.realpath(os.path.join(git_dir, _read_text(commondir)))
    for base in (git_dir, common):
        try:
            return _read_text(os.path.join(base, ref))
        except OSError:
            pass
    try:
        packed = _read_text(os.path.join(common, "packed-refs")).splitlines()
    except OSError:
        packed = []
    for line in packed:
        if line.endswith(" " + ref):
            return line.split(" ", 1)[0]
    return f"unborn {ref}"


def _entry_path(key: str) -> str:
    return os.path.join(folder(), f"{key}.marshal")


def _load(data: bytes) -> _Entry | None:
    """A stored entry: (head, files, searched, outside, exit code, stdout, stderr); None for
    anything else (a file cut short, written by another format, or not an entry at all)."""
    try:
        stored = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 9 and stored[0] == FORMAT):
        return None
    _, head, files, searched, outside, code, stdout, stderr, end = stored
    if not (
        isinstance(head, str)
        and _pairs(files, optional=True)
        and isinstance(searched, list)
        and all(isinstance(folder, str) for folder in searched)
        and _pairs(outside, optional=False)
        and type(code) is int
        and isinstance(stdout, str)
        and isinstance(stderr, str)
        and end == _END
    ):
        return None
    return head, files, searched, outside, code, stdout, stderr


def _pairs(value: object, *, optional: bool) -> bool:
    """A list of (str, str) pairs; with ``optional``, the second may be None."""
    return isinstance(value, list) and all(
        isinstance(f, tuple)
        and len(f) == 2
        and isinstance(f[0], str)
        and (isinstance(f[1], str) or (optional and f[1] is None))
        for f in value
    )


def stamp(path: str) -> str:
    """What tells a file or folder outside the repository changed, without reading it: inode,
    size and modification time ("absent" when it is not there)."""
    try:
        info = os.stat(path)
    except OSError:
        return "absent"
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


_END = "end"  # the entry's last field: a record that ends here was written whole


def replay(argv: Sequence[str], cwd: StrPath, out: TextIO, err: TextIO) -> int | None:
    """Print a stored result and return its exit code; None when nothing valid is stored."""
    spec = find_spec(argv, cwd)
    if spec is None:
        return None
    root = os.path.dirname(spec)
    try:
        spec_bytes = _read(spec)
        stored = _load(_read(_entry_path(_key(argv, cwd, spec_bytes))))
    except (OSError, ValueError, readfile.Refused):
        return None
    if stored is None:
        return None
    head, files, searched, outside, code, stdout, stderr = stored
    if head != git_head(os.path.dirname(spec)):
        return None
    if [os.path.abspath(p or ".") for p in sys.path[: len(searched)]] != searched:
        return None  # litellm would be looked for elsewhere
    if any(stamp(path) != expected for path, expected in outside):
        return None
    for name, expected in files:
        try:
            if _contents(name, root) != expected:
                return None
        except readfile.Refused:
            return None
        except OSError:
            if expected is not None:
                return None
    out.write(stdout)
    err.write(stderr)
    return code


def store(
    argv: Sequence[str],
    cwd: StrPath,
    inputs: Iterable[StrPath],
    code: int,
    stdout: str,
    stderr: str,
    searched: Sequence[str] = (),
    outside: Iterable[str] = (),
) -> None:
    """Record a result. Best effort: a cache that cannot be written is no cache."""
    import contextlib
    import tempfile

    spec = find_spec(argv, cwd)
    if spec is None:
        return
    with contextlib.suppress(OSError, ValueError):
        files: list[tuple[str, str | None]] = []
        root = os.path.dirname(spec)
        for path in inputs:
            try:
                files.append((os.fspath(path), _contents(path, root)))
            except readfile.Refused:
                return  # a full run must say what is wrong with it, every time
            except OSError:
                files.append((os.fspath(path), None))
        head = git_head(os.path.dirname(spec))
        stamps = [(path, stamp(path)) for path in dict.fromkeys([*searched, *outside])]
        record = (FORMAT, head, files, list(searched), stamps, int(code), stdout, stderr, _END)
        target = _entry_path(_key(argv, cwd, _read(spec)))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(marshal.dumps(record))
        os.replace(name, target)


class Tee:
    """A text stream that also keeps what was written to it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str | bytes) -> int:
        if isinstance(text, bytes):  # click writes bytes to a stream it does not recognise
            self.parts.append(text.decode("utf-8", errors="replace"))
            buffer = getattr(self.stream, "buffer", None)
            if buffer is not None:
                written: int = buffer.write(text)
                return written
            return self.stream.write(text.decode("utf-8", errors="replace"))
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)

    @property
    def text(self) -> str:
        return "".join(self.parts)


# What the check read besides the spec: set by the check command, read when storing.
INPUTS: list[StrPath] = []
# What it consulted outside the repository: the sys.path folders searched for litellm (in
# order) and other files (its model map), all compared by stamp().
SEARCHED: list[str] = []
OUTSIDE: list[str] = []


class recording:  # lower case: used as a context manager, like contextlib's
    """Capture what the check prints while it still goes to the terminal."""

    def __enter__(self) -> tuple[Tee, Tee]:
        self.out, self.err = Tee(sys.stdout), Tee(sys.stderr)
        sys.stdout, sys.stderr = self.out, self.err
        return self.out, self.err

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self.out.stream, self.err.stream
