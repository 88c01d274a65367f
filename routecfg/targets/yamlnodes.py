"""What the proxy-config editing modules share: the parsed document, positions and new nodes.

:mod:`yamledit` loads, dumps and edits model_list; :mod:`yamlchains` edits router_settings'
fallback chains. Both build their diagnostics (RC311-RC314), find positions and make new nodes in
the file's style with the helpers here, so neither imports the other's internals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import field, record

if TYPE_CHECKING:  # ruamel.yaml only where a file is edited: reading imports none of it
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

SYNTAX_ERROR = "RC311"
DUPLICATE_KEY = "RC312"
CANNOT_REPRODUCE = "RC313"
CANNOT_PLACE = "RC314"

ChainKind: TypeAlias = Literal["fallbacks", "context_window_fallbacks", "content_policy_fallbacks"]
CHAIN_KINDS: tuple[ChainKind, ...] = (
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
)
Scalar: TypeAlias = str | Decimal | int

# Plain scalars that PyYAML (YAML 1.1, which LiteLLM uses) reads as booleans or base-60 numbers
# (compiled by re when an edit first writes a scalar: a check writes none).
_YAML11_NOT_A_STRING = (
    r"[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
)


class Position(NamedTuple):
    """1-based line and column; (0, 0) for a node routecfg added."""

    line: int
    column: int


@record
class Envelope:
    """What load() takes off the text before parsing and dump() puts back."""

    bom: bool
    newline: str
    final_newline: bool


@record
class ProxyDoc:
    """A parsed proxy config. ``root`` is edited in place; :func:`dump` gives the new text."""

    path: str
    root: CommentedMap
    yaml: YAML = field(repr=False, compare=False)
    envelope: Envelope = field(repr=False)


# ── diagnostics and positions ───────────────────────────────────────────────────────────────


def diagnostic_at(
    path: str, where: Position, code: str, message: str, hint: str | None
) -> Diagnostic:
    return Diagnostic(path, where.line, where.column, Severity.ERROR, code, message, hint)


def error_at(
    path: str, where: Position, code: str, message: str, hint: str | None
) -> RoutecfgError:
    return RoutecfgError([diagnostic_at(path, where, code, message, hint)])


def key_position(mapping: CommentedMap, key: Any) -> Position:
    try:
        line, column = mapping.lc.key(key)
    except (KeyError, TypeError):
        return Position(0, 0)
    return Position(line + 1, column + 1)


def value_position(mapping: CommentedMap, key: Any) -> Position:
    try:
        line, column = mapping.lc.value(key)
    except (KeyError, TypeError):
        return key_position(mapping, key)
    return Position(line + 1, column + 1)


def item_position(sequence: CommentedSeq, index: int) -> Position:
    try:
        line, column = sequence.lc.item(index)
    except (KeyError, TypeError):
        return Position(0, 0)
    return Position(line + 1, column + 1)


def kind_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty" if value is None else f"the scalar {value!r}"


# ── new nodes, in the file's style ──────────────────────────────────────────────────────────


def scalar_node(value: Scalar | bool | None) -> Any:
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    from routecfg.targets import yamlformat

    if isinstance(value, str) and re.fullmatch(_YAML11_NOT_A_STRING, value):
        return SingleQuotedScalarString(value)
    if isinstance(value, Decimal):
        yamlformat.plain_decimal(value)  # refuse NaN and infinities now, not while dumping
    return value


def new_node(value: object) -> Any:
    """A new node in the file's style: block mappings, flow lists (like `tags: ["local"]`)."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[str(key)] = new_node(item)
        return mapping
    if isinstance(value, list | tuple):
        return flow_list(value)
    if value is None or isinstance(value, str | Decimal | int):
        return scalar_node(value)
    raise TypeError(f"cannot write {type(value).__name__} into a proxy config")


def flow_list(items: Sequence[object]) -> CommentedSeq:
    from ruamel.yaml.comments import CommentedSeq

    sequence = CommentedSeq(new_node(item) for item in items)
    sequence.fa.set_flow_style()
    return sequence
