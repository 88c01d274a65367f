"""A content-addressed cache of `routecfg check` results, so an unchanged check costs a few reads.

`check` runs in every pre-commit and CI job, and most runs find nothing changed. A result is
stored under a key made of everything that can change it — routecfg itself, the command line, the
working folder, the output's terminal and colour settings, the spec's bytes — together with the
digest of every other file the check read (targets, the spec's own templates) and the commit git
HEAD points to (the "before" of the cost line). It is replayed only when all of those still match.

This module imports nothing but the standard library: the replay runs before click, ruamel.yaml
or jsonschema are imported. The cache lives in ``$ROUTECFG_CACHE_DIR``, else
``$XDG_CACHE_HOME/routecfg``, else ``~/.cache/routecfg``; ``--no-cache`` or
``ROUTECFG_NO_CACHE=1`` turn it off. It never holds anything a check did not print.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

TYPE_CHECKING = False  # not `from typing import`: typing alone costs a replay 3 ms
if TYPE_CHECKING:  # the replay path imports as little as it can: it is what a hit costs
    from collections.abc import Iterable, Sequence
    from typing import TextIO

FORMAT = 1
SPEC_FILENAME = "routecfg.yaml"
_PACKAGE = Path(__file__).resolve().parent
_ENVIRONMENT = ("NO_COLOR", "TERM", "FORCE_COLOR")


def enabled(argv: Sequence[str]) -> bool:
    return "--no-cache" not in argv and not os.environ.get("ROUTECFG_NO_CACHE")


def folder() -> Path:
    configured = os.environ.get("ROUTECFG_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "routecfg"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fingerprint() -> str:
    """routecfg itself: its code, schemas, presets and templates, by name, size and mtime."""
    roots = [_PACKAGE] + [_PACKAGE.parent / name for name in ("schemas", "presets", "templates")]
    entries = []
    for root in roots:
        for directory, _, files in os.walk(root):
            for name in files:
                if name.endswith((".pyc", ".pyo")):
                    continue
                stat = Path(directory, name).stat()
                entries.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest("\n".join(sorted(entries)).encode())


def spec_argument(argv: Sequence[str]) -> str | None:
    for index, word in enumerate(argv):
        if word == "--spec" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--spec="):
            return word.partition("=")[2]
    return None


def find_spec(argv: Sequence[str], cwd: Path) -> Path | None:
    """The spec file `check` would read, when it is a plain file (not a bundled preset)."""
    named = spec_argument(argv)
    if named is not None:
        candidate = cwd / named
        return candidate if candidate.is_file() else None
    for directory in (cwd, *cwd.parents):
        candidate = directory / SPEC_FILENAME
        if candidate.is_file():
            return candidate
    return None


def _key(argv: Sequence[str], cwd: Path, spec: bytes) -> str:
    streams = [str(getattr(s, "isatty", lambda: False)()) for s in (sys.stdout, sys.stderr)]
    parts = [
        str(FORMAT),
        _fingerprint(),
        "\0".join(argv),
        str(cwd),
        *(f"{name}={os.environ.get(name, '')}" for name in _ENVIRONMENT),
        *streams,
        digest(spec),
    ]
    return digest("\n".join(parts).encode())


def git_head(start: Path) -> str:
    """The commit git HEAD points to, read from .git without running git; "" outside a repo."""
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(errors="replace").strip()
            dot_git = (directory / text.removeprefix("gitdir:").strip()).resolve()
        if dot_git.is_dir():
            return _resolve_head(dot_git)
    return ""


def _resolve_head(git_dir: Path) -> str:
    try:
        head = (git_dir / "HEAD").read_text().strip()
    except OSError:
        return "unreadable"
    if not head.startswith("ref: "):
        return head
    ref = head.removeprefix("ref: ")
    common = git_dir
    commondir = git_dir / "commondir"
    if commondir.is_file():
        common = (git_dir / commondir.read_text().strip()).resolve()
    for base in (git_dir, common):
        try:
            return (base / ref).read_text().strip()
        except OSError:
            pass
    try:
        packed = (common / "packed-refs").read_text().splitlines()
    except OSError:
        packed = []
    for line in packed:
        if line.endswith(" " + ref):
            return line.split(" ", 1)[0]
    return f"unborn {ref}"


def _entry_path(key: str) -> Path:
    return folder() / f"{key}.json"


def replay(argv: Sequence[str], cwd: Path, out: TextIO, err: TextIO) -> int | None:
    """Print a stored result and return its exit code; None when nothing valid is stored."""
    spec = find_spec(argv, cwd)
    if spec is None:
        return None
    try:
        spec_bytes = spec.read_bytes()
        stored = json.loads(_entry_path(_key(argv, cwd, spec_bytes)).read_text())
    except (OSError, ValueError):
        return None
    if stored.get("format") != FORMAT or stored.get("head") != git_head(spec.parent):
        return None
    for name, expected in stored["files"]:
        try:
            if digest(Path(name).read_bytes()) != expected:
                return None
        except OSError:
            if expected is not None:
                return None
    out.write(stored["stdout"])
    err.write(stored["stderr"])
    return int(stored["exit"])


def store(
    argv: Sequence[str], cwd: Path, inputs: Iterable[Path], code: int, stdout: str, stderr: str
) -> None:
    """Record a result. Best effort: a cache that cannot be written is no cache."""
    import contextlib
    import tempfile

    spec = find_spec(argv, cwd)
    if spec is None:
        return
    with contextlib.suppress(OSError, ValueError):
        files: list[list[str | None]] = []
        for path in inputs:
            try:
                files.append([str(path), digest(path.read_bytes())])
            except OSError:
                files.append([str(path), None])
        record = {
            "format": FORMAT,
            "head": git_head(spec.parent),
            "files": files,
            "exit": code,
            "stdout": stdout,
            "stderr": stderr,
        }
        target = _entry_path(_key(argv, cwd, spec.read_bytes()))
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(descriptor, "w") as stream:
            json.dump(record, stream)
        Path(name).replace(target)


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
INPUTS: list[Path] = []


class recording:  # lower case: used as a context manager, like contextlib's
    """Capture what the check prints while it still goes to the terminal."""

    def __enter__(self) -> tuple[Tee, Tee]:
        self.out, self.err = Tee(sys.stdout), Tee(sys.stderr)
        sys.stdout, sys.stderr = self.out, self.err
        return self.out, self.err

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self.out.stream, self.err.stream
