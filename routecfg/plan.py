"""Planning a change: reading targets, and describing what would change in them.

`check`, `diff` and `build` share the plan :func:`routecfg.compiler.make_plan` builds; they differ
only in what they do with it. Nothing here writes: writing is :mod:`routecfg.write`'s alone.
"""

from __future__ import annotations

import difflib
import enum
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity

BOM = "\ufeff"
MAX_TARGET_BYTES = 8 * 1024 * 1024


class State(enum.StrEnum):
    IN_SYNC = "in sync"
    STALE = "stale"
    HAND_EDITED = "edited by hand"
    MISSING = "missing"


@dataclass(frozen=True)
class Encoding:
    """How a file was stored, so it is written back the same way."""

    newline: str = "\n"
    bom: bool = False

    def encode(self, text: str) -> bytes:
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ((BOM if self.bom else "") + text).encode("utf-8")


@dataclass(frozen=True)
class Change:
    """One target file: its text now (LF, no BOM) and the text the spec compiles it to."""

    kind: str
    path: str  # relative to the root, as the spec names it
    absolute: Path
    old: str | None  # None when the file is missing
    new: str
    encoding: Encoding
    state: State
    hand_edited: tuple[str, ...] = ()  # names of blocks edited by hand

    @property
    def changed(self) -> bool:
        return self.old != self.new


def decode(raw: bytes, display: str) -> tuple[str, Encoding]:
    """Text with LF line endings and no BOM, and how to encode it back."""

    def fail(code: str, message: str, hint: str) -> RoutecfgError:
        return RoutecfgError([Diagnostic(display, 1, 1, Severity.ERROR, code, message, hint)])

    if len(raw) > MAX_TARGET_BYTES:
        raise fail("RC301", "file is over 8 MiB", "is this the right file?")
    if b"\x00" in raw:
        raise fail("RC301", "binary file: it holds a NUL byte", "targets are UTF-8 text files")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail("RC301", f"not UTF-8 (byte {error.start})", "save the file as UTF-8") from None
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), Encoding(newline, bom)


def read_target(absolute: Path, display: str) -> tuple[str | None, Encoding]:
    try:
        raw = absolute.read_bytes()
    except FileNotFoundError:
        return None, Encoding()
    except OSError as error:
        raise RoutecfgError(
            [
                Diagnostic(
                    display,
                    0,
                    0,
                    Severity.ERROR,
                    "RC301",
                    f"cannot read the file: {error.strerror}",
                    "check its permissions",
                )
            ]
        ) from None
    return decode(raw, display)


def unified_diff(change: Change) -> str:
    old = change.old or ""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        change.new.splitlines(keepends=True),
        fromfile=f"a/{change.path}" if change.old is not None else "/dev/null",
        tofile=f"b/{change.path}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def first_changed_line(change: Change) -> int:
    """The 1-based line of the new text where the change begins (for annotations)."""
    old = (change.old or "").splitlines()
    new = change.new.splitlines()
    for number, (before, after) in enumerate(zip(old, new, strict=False), start=1):
        if before != after:
            return number
    return min(len(old), len(new)) + 1


Loader = Callable[[str], Any]


def _load_yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


_LOADERS: dict[str, Loader] = {"preset": json.loads, "schema": json.loads, "proxy": _load_yaml}


def semantic_summary(change: Change) -> tuple[str, ...]:
    """Structural changes in words: ``llmOps.routing.entryModelReview: 'cheap' → 'balanced'``."""
    loader = _LOADERS.get(change.kind)
    if loader is None or change.old is None or not change.changed:
        return ()
    try:
        before, after = loader(change.old), loader(change.new)
    except (ValueError, YAMLError):
        return ()
    diff = DeepDiff(before, after, verbose_level=2)
    lines: list[str] = []
    for kind in ("values_changed", "type_changes"):
        for path, detail in diff.get(kind, {}).items():
            lines.append(f"{_dotted(path)}: {detail['old_value']!r} → {detail['new_value']!r}")
    for kind, words in _ADDED_OR_REMOVED.items():
        for path, value in diff.get(kind, {}).items():
            lines.append(f"{_dotted(path)}: {words.format(_short(value))}")
    return tuple(sorted(lines))


_ADDED_OR_REMOVED = {
    "dictionary_item_added": "added {}",
    "iterable_item_added": "added {}",
    "dictionary_item_removed": "removed (was {})",
    "iterable_item_removed": "removed (was {})",
}


def _short(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _dotted(deepdiff_path: str) -> str:
    """``root['a']['b'][0]`` → ``a.b[0]``."""
    parts: list[str] = []
    rest = deepdiff_path.removeprefix("root")
    while rest:
        close = rest.index("]")
        inner, rest = rest[1:close], rest[close + 1 :]
        if inner.startswith("'") or inner.startswith('"'):
            parts.append(("." if parts else "") + inner[1:-1])
        else:
            parts.append(f"[{inner}]")
    return "".join(parts)


def exit_state(changes: Sequence[Change]) -> State:
    """The state that decides the exit code: missing, then hand-edited, then stale."""
    states = {c.state for c in changes}
    for state in (State.MISSING, State.HAND_EDITED, State.STALE):
        if state in states:
            return state
    return State.IN_SYNC
