"""Hand edits of the values routecfg owns in the preset, the backlog schema and the proxy.

A value routecfg owns that differs from what the spec compiles it to is either stale (the spec
changed since the file was built) or edited by hand. The spec as committed at HEAD tells the two
apart: a stale value is what the committed spec compiles it to; a value that is neither what the
committed spec nor what the current spec gives was edited by hand.

Text in, records out: this module compares three texts of one target (as it is, as the spec
compiles it, as the committed spec compiles it) and reads nothing from disk. It runs only for a
target that differs from what the spec gives, so an in-sync check pays nothing for it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import record
from routecfg.spec import parse_yaml
from routecfg.targets import jsontext

EDITED = "RC328"  # a value routecfg owns in the preset, schema or proxy, edited by hand
KINDS = ("preset", "schema", "proxy")

Step = str | int


@record
class Leaf:
    value: Any
    path: tuple[Step, ...]  # where it sits in the document, for its position


def edited_values(
    kind: str,
    display: str,
    old: str,
    new: str,
    committed: str,
    as_committed: str | None = None,
) -> list[Diagnostic]:
    """One diagnostic per owned value in ``old`` that is neither what ``new`` (the spec now)
    nor what ``committed`` (the spec at HEAD) puts there; [] when the texts cannot be read.

    ``as_committed`` is the target's own text at HEAD: a value still as committed there is
    stale, not edited (a spec committed without a build leaves every target so), which keeps
    the finding to edits made since the last commit."""
    try:
        before, now, then = (_leaves(kind, text, display) for text in (old, new, committed))
    except (RoutecfgError, ValueError):
        return []
    kept: dict[str, Leaf] = {}
    if as_committed is not None:
        with contextlib.suppress(RoutecfgError, ValueError):
            kept = _leaves(kind, as_committed.removeprefix("\ufeff"), display)
    found = []
    for key, leaf in before.items():
        wanted = now.get(key)
        if wanted is None or _same(leaf.value, wanted.value):
            continue
        previous = then.get(key)
        if previous is not None and _same(leaf.value, previous.value):
            continue  # stale: the committed spec gave this value
        if key in kept and _same(leaf.value, kept[key].value):
            continue  # stale: the file holds what was committed; the spec moved on
        line, column = _position(kind, old, display, leaf.path)
        if previous is None:
            at_head = "; at HEAD it gave no value"
        elif _same(previous.value, wanted.value):
            at_head = ", as it did at HEAD"
        else:
            at_head = f"; at HEAD it gave {_show(previous.value)}"
        message = (
            f"{key} was edited by hand: {_show(leaf.value)} "
            f"(the spec gives {_show(wanted.value)}{at_head})"
        )
        hint = "make the change in routecfg.yaml; `routecfg build --force` overwrites the hand edit"
        found.append(Diagnostic(display, line, column, Severity.ERROR, EDITED, message, hint))
    return found


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        if isinstance(a, bool) or isinstance(b, bool):
            return a is b
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, default=str)


# --- leaves: every scalar by a stable name -----------------------------------------------------


def _leaves(kind: str, text: str, display: str) -> dict[str, Leaf]:
    if kind == "proxy":
        data, _ = parse_yaml(text, display)
    else:
        data = jsontext.parse(text, display).value
    return dict(_walk(data, (), ""))


def _walk(value: Any, path: tuple[Step, ...], name: str) -> Iterator[tuple[str, Leaf]]:
    """Scalars by dotted name. A list item is named by what identifies it, not its index (so an
    entry routecfg appends does not rename the others): a `model_list` entry by its
    `model_name`, a one-key mapping (a fallback chain) by its key."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key), f"{name}.{key}" if name else str(key))
    elif isinstance(value, list) and not all(_is_scalar(item) for item in value):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), _identity(name, item, index))
    else:
        yield name, Leaf(value, path)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _identity(name: str, item: Any, index: int) -> str:
    """``model_list.cheap`` for an entry, ``router_settings.fallbacks.free`` for a chain."""
    if isinstance(item, dict):
        if isinstance(item.get("model_name"), str):
            return f"{name}.{item['model_name']}"
        if len(item) == 1:
            return f"{name}.{next(iter(item))}"
    return f"{name}[{index}]"


def _position(kind: str, text: str, display: str, path: tuple[Step, ...]) -> tuple[int, int]:
    try:
        if kind == "proxy":
            _, positions = parse_yaml(text, display)
            return positions.of(path)
        doc = jsontext.parse(text, display)
        node = doc.node(path)
    except (RoutecfgError, ValueError, LookupError):
        return 0, 0
    return (0, 0) if node is None else doc.position(node.start)
