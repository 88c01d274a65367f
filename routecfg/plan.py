"""Planning a change: reading targets, and describing what would change in them.

`check`, `diff` and `build` share the plan :func:`routecfg.compiler.make_plan` builds; they differ
only in what they do with it. Nothing here writes: writing is :mod:`routecfg.write`'s alone.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routecfg import readfile
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, byte_position
from routecfg.frozen import record
from routecfg.model import PROXY_CHAIN_KINDS
from routecfg.spec import parse_yaml

if TYPE_CHECKING:
    from routecfg.prose.lint import Finding

BOM = "\ufeff"
MAX_TARGET_BYTES = readfile.MAX_BYTES
NOT_REGULAR = "RC265"  # a FIFO, a device, a socket or a folder where a target file should be


class State(enum.StrEnum):
    IN_SYNC = "in sync"
    STALE = "stale"
    HAND_EDITED = "edited by hand"
    MISSING = "missing"


@record
class Encoding:
    """How a file was stored, so it is written back the same way."""

    newline: str = "\n"
    bom: bool = False

    def encode(self, text: str) -> bytes:
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ((BOM if self.bom else "") + text).encode("utf-8")


@record
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
    edits: tuple[Diagnostic, ...] = ()  # each hand edit, blocks and owned values, placed
    blocks: int | None = None  # skills: how many generated blocks the file holds
    prose: tuple[Finding, ...] = ()  # skills: claims of the current text contradicting the spec
    fixed: bool = False  # skills: ``new`` has the fixable claims rewritten (`build --fix`)
    warnings: tuple[Diagnostic, ...] = ()  # what is wrong in the file but not routecfg's to fix

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def detail(self) -> str | None:
        """What a skills target's state is about: ``no blocks; prose checked``."""
        if self.blocks is None:
            return None
        blocks = _plural(self.blocks, "block") if self.blocks else "no blocks"
        if not self.prose:
            return f"{blocks}; prose checked"
        fixable = sum(1 for f in self.prose if f.fixable)
        found = _plural(len(self.prose), "contradiction")
        if self.fixed:
            return f"{blocks}; prose: {found}, {fixable} fixed"
        return f"{blocks}; prose: {found}, {fixable} fixable"

    @property
    def remaining(self) -> tuple[Finding, ...]:
        """The prose findings the written text still holds: all, or the unfixable after --fix."""
        return tuple(f for f in self.prose if not (self.fixed and f.fixable))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def decode(raw: bytes, display: str) -> tuple[str, Encoding]:
    """Text with LF line endings and no BOM, and how to encode it back."""

    def fail(code: str, message: str, hint: str, offset: int = 0) -> RoutecfgError:
        line, column = byte_position(raw, offset)
        return RoutecfgError(
            [Diagnostic(display, line, column, Severity.ERROR, code, message, hint)]
        )

    if len(raw) > MAX_TARGET_BYTES:
        raise fail("RC301", "file is over 8 MiB", "is this the right file?")
    if b"\x00" in raw:
        nul = raw.index(b"\x00")
        raise fail("RC301", "binary file: it holds a NUL byte", "targets are UTF-8 text", nul)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded"
        raise fail("RC301", message, "save the file as UTF-8", error.start) from None
    crlf = raw.count(b"\r\n")
    if crlf and crlf != raw.count(b"\n"):
        # Writing one ending everywhere would change lines routecfg does not own.
        first_lf = next(i for i, b in enumerate(raw) if b == 10 and (i == 0 or raw[i - 1] != 13))
        first_crlf = raw.index(b"\r\n")
        raise fail(
            "RC301",
            "mixed line endings: some lines end in CRLF, others in LF",
            "convert the file to one line ending (LF or CRLF); routecfg keeps whichever it finds",
            max(first_lf, first_crlf),  # where the second kind of ending first appears
        )
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    newline = "\r\n" if crlf else "\n"
    return text.replace("\r\n", "\n"), Encoding(newline, bom)


def read_target(
    absolute: Path, display: str, root: Path | None = None
) -> tuple[str | None, Encoding]:
    """A target's text through the guarded reader; ``None`` when it does not exist."""
    try:
        raw = readfile.read_bytes(absolute, root)
    except FileNotFoundError:
        return None, Encoding()
    except readfile.Refused as refused:
        raise RoutecfgError([refused_target(refused, display)]) from None
    return decode(raw, display)


def refused_target(refused: readfile.Refused, display: str) -> Diagnostic:
    """The diagnostic for a target file the guarded reader would not read."""
    code, message, hint = {
        readfile.NOT_REGULAR: (
            NOT_REGULAR,
            f"not a regular file: it is {refused.reason}",
            "a target is a text file; replace it with one, or fix the path in routecfg.yaml",
        ),
        readfile.OUTSIDE_ROOT: (
            "RC262",
            "the file resolves through a symlink to a place outside the spec's folder",
            "routecfg reads and writes only inside the folder of routecfg.yaml",
        ),
        readfile.TOO_LARGE: ("RC301", f"file is {refused.reason}", "is this the right file?"),
    }.get(
        refused.why,
        ("RC301", f"cannot read the file: {refused.reason}", "check the file and its permissions"),
    )
    return Diagnostic(display, 0, 0, Severity.ERROR, code, message, hint)


def unified_diff(change: Change, context: int = 3) -> str:
    """A labelled unified diff. Unlike difflib's, lines that repeat often (price lines, closing
    braces) are not treated as junk, so each hunk shows just the lines that changed."""
    import difflib  # only where something changed

    old = (change.old or "").splitlines(keepends=True)
    new = change.new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(context):
        if not out:
            out.append(f"--- {f'a/{change.path}' if change.old is not None else '/dev/null'}\n")
            out.append(f"+++ b/{change.path}\n")
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_marked(" ", old[i1:i2]))
                continue
            out.extend(_marked("-", old[i1:i2]))
            out.extend(_marked("+", new[j1:j2]))
    return "".join(out)


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _marked(sign: str, lines: list[str]) -> list[str]:
    return [
        sign + (line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        for line in lines
    ]


def first_changed_line(change: Change) -> int:
    """The 1-based line of the new text where the change begins (for annotations)."""
    old = (change.old or "").splitlines()
    new = change.new.splitlines()
    for number, (before, after) in enumerate(zip(old, new, strict=False), start=1):
        if before != after:
            return number
    return min(len(old), len(new)) + 1


Loader = Callable[[str], Any]


class _Chain(str):
    """A fallback chain shown as ``[cheap, balanced]``; compared as one value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _load_proxy(text: str) -> Any:
    """The proxy's owned parts keyed by name, so a summary says `model_list.cheap…`, not `[1]`."""
    data, _ = parse_yaml(text, "proxy")
    if not isinstance(data, dict):
        return data
    models = data.get("model_list")
    if isinstance(models, list):
        # A group's further deployments by their model: `model_list.cheap (anthropic/…)`.
        keyed: dict[str, Any] = {}
        for entry in models:
            if not isinstance(entry, dict):
                continue
            name = str(entry.get("model_name"))
            if name in keyed:
                params = entry.get("litellm_params")
                model = params.get("model") if isinstance(params, dict) else None
                name = f"{name} ({model})"
            keyed.setdefault(name, entry)
        data["model_list"] = keyed
    settings = data.get("router_settings")
    if not isinstance(settings, dict):
        return data
    for kind in PROXY_CHAIN_KINDS:
        entries = settings.get(kind)
        if isinstance(entries, list):
            settings[kind] = {
                str(name): _Chain(f"[{', '.join(map(str, targets))}]")
                for entry in entries
                if isinstance(entry, dict)
                for name, targets in entry.items()
                if isinstance(targets, list)
            }
    return data


_LOADERS: dict[str, Loader] = {"preset": json.loads, "schema": json.loads, "proxy": _load_proxy}


def semantic_summary(change: Change) -> tuple[str, ...]:
    """Structural changes in words: ``llmOps.routing.entryModelReview: 'cheap' → 'balanced'``."""
    loader = _LOADERS.get(change.kind)
    if loader is None or change.old is None or not change.changed:
        return ()
    try:
        before, after = loader(change.old), loader(change.new)
    except (ValueError, RoutecfgError):
        return ()
    from deepdiff import DeepDiff  # only when something changed: it takes 80 ms to import

    diff = DeepDiff(before, after, verbose_level=2, threshold_to_diff_deeper=0)
    lines: list[str] = []
    for kind in ("values_changed", "type_changes"):
        for path, detail in diff.get(kind, {}).items():
            old, new = _show(detail["old_value"]), _show(detail["new_value"])
            lines.append(f"{_dotted(path)}: {old} → {new}")
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


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return repr(value)
    return _short(value)


def _short(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    text = json.dumps(value, default=_plain, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _plain(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


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
