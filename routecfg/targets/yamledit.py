"""In-place edits of a LiteLLM proxy config that leave every other byte as it was.

:func:`load` parses the text with ruamel.yaml's round-trip mode, configured from the text itself
(indentation detected, no line folding, quotes kept: see :mod:`yamlformat`), and refuses a file it
cannot reproduce: ``dump(load(text)) == text`` is checked before anything is edited. The editing
functions change nodes in place in that tree. ruamel hangs the comment lines that follow a node on
the node's last line, so inserting or removing an item also moves those lines to where they
belong (:mod:`yamlcomments`).

Problems are diagnostics: RC311 a syntax error, RC312 a duplicate key, RC313 a layout ruamel
cannot reproduce, RC314 a structure the edit cannot be placed in.

This module owns the file's envelope: :func:`load` takes the text as read (a UTF-8 byte-order
mark, CRLF line endings and a missing final newline included) and :func:`dump` restores them.

The router_settings fallback chains are edited by :mod:`yamlchains` (re-exported here); what both
modules share, the document, positions and new nodes, is in :mod:`yamlnodes`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from routecfg.diagnostics import Diagnostic, RoutecfgError
from routecfg.targets import yamlcomments, yamlformat
from routecfg.targets.yamlchains import chain_positions, chains, remove_chain, set_chain
from routecfg.targets.yamlnodes import (
    CANNOT_PLACE,
    CANNOT_REPRODUCE,
    CHAIN_KINDS,
    DUPLICATE_KEY,
    SYNTAX_ERROR,
    ChainKind,
    Envelope,
    Position,
    ProxyDoc,
    Scalar,
    diagnostic_at,
    error_at,
    item_position,
    key_position,
    kind_name,
    new_node,
    scalar_node,
    value_position,
)
from routecfg.targets.yamlread import as_decimal

__all__ = [
    "CHAIN_KINDS",
    "PRICE_KEYS",
    "SECTIONS",
    "ChainKind",
    "Position",
    "ProxyDoc",
    "Scalar",
    "append_model_entry",
    "chain_positions",
    "chains",
    "dump",
    "load",
    "model_entries",
    "model_positions",
    "parse",
    "remove_chain",
    "set_chain",
    "set_scalar",
    "set_section",
]

PRICE_KEYS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
)
SECTIONS = ("litellm_params", "model_info")

_PER_MILLION = Decimal(1_000_000)
_PRICE_COMMENT = re.compile(r"(?P<lead>#\s*\$)(?P<amount>\d+(?:\.\d+)?)(?P<tail>/MTok\b.*)")


# ── loading and dumping ─────────────────────────────────────────────────────────────────────


def load(text: str, path: str, *, prove: bool = True) -> ProxyDoc:
    """Parse ``text``; raise RoutecfgError (RC311-RC314) when it cannot be edited faithfully.

    ``prove=False`` skips proving that dumping reproduces the text (RC313): for reading only.
    """
    body, envelope = _unwrap(text)
    yaml = yamlformat.round_trip_yaml(body)
    root = _parse(yaml, body, path)
    if not isinstance(root, CommentedMap):
        raise error_at(
            path,
            Position(1, 1),
            CANNOT_PLACE,
            "the top level of a LiteLLM proxy config must be a mapping",
            "start the file with `model_list:`",
        )
    doc = ProxyDoc(path, root, yaml, envelope)
    if prove:
        _require_round_trip(doc, text)
    return doc


def parse(text: str, path: str) -> Any:
    """The tree of any YAML text, with positions, for reading only (no round-trip check):
    RoutecfgError RC311 when it does not parse, RC312 for a duplicate key."""
    body, _ = _unwrap(text)
    return _parse(yamlformat.round_trip_yaml(body), body, path)


def dump(doc: ProxyDoc) -> str:
    """The document's text, with the byte-order mark and line endings it was loaded with."""
    stream = io.StringIO()
    doc.yaml.dump(doc.root, stream)
    return _wrap(stream.getvalue(), doc.envelope)


def _unwrap(text: str) -> tuple[str, Envelope]:
    bom = text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in body else "\n"
    body = body.replace("\r\n", "\n")
    final_newline = body == "" or body.endswith("\n")
    return (body if final_newline else body + "\n"), Envelope(bom, newline, final_newline)


def _wrap(body: str, envelope: Envelope) -> str:
    if not envelope.final_newline:
        body = body.removesuffix("\n")
    body = body.replace("\n", envelope.newline)
    return "\ufeff" + body if envelope.bom else body


def _parse(yaml: YAML, body: str, path: str) -> Any:
    try:
        return yaml.load(body)
    except DuplicateKeyError as error:
        raise RoutecfgError([_duplicate_key_diagnostic(error, path)]) from error
    except MarkedYAMLError as error:
        raise RoutecfgError([_syntax_diagnostic(error, path)]) from error
    except ReaderError as error:
        where = _offset_position(body, int(error.position))
        message = f"cannot read the file: {error.reason} ({_character_name(error.character)})"
        raise error_at(path, where, SYNTAX_ERROR, message, "remove the character") from error
    except RecursionError as error:
        message = "the YAML is nested too deeply to read"
        raise error_at(path, Position(0, 0), SYNTAX_ERROR, message, None) from error


def _character_name(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


def _mark_position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1) if mark is not None else Position(0, 0)


def _offset_position(body: str, offset: int) -> Position:
    before = body[:offset]
    return Position(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def _syntax_diagnostic(error: MarkedYAMLError, path: str) -> Diagnostic:
    message = f"YAML syntax error: {error.problem}"
    if error.context and error.context_mark is not None:
        start = _mark_position(error.context_mark)
        message += f" ({error.context} at line {start.line}, column {start.column})"
    hint = "fix the YAML here; routecfg edits only a file that parses"
    where = _mark_position(error.problem_mark or error.context_mark)
    return diagnostic_at(path, where, SYNTAX_ERROR, message, hint)


def _duplicate_key_diagnostic(error: DuplicateKeyError, path: str) -> Diagnostic:
    found = re.match(r'found duplicate key "(.*)" with value', str(error.problem))
    key = f"'{found.group(1)}'" if found else "key"
    start = _mark_position(error.context_mark)
    message = f"duplicate {key} in the mapping at line {start.line}, column {start.column}"
    hint = "keep one of them: LiteLLM would silently use the last"
    return diagnostic_at(path, _mark_position(error.problem_mark), DUPLICATE_KEY, message, hint)


def _require_round_trip(doc: ProxyDoc, text: str) -> None:
    produced = dump(doc)
    if produced == text:
        return
    if "\r\n" in text and re.search(r"(?<!\r)\n", text):
        hint = "the file mixes CRLF and LF line endings; use one of them throughout"
    else:
        hint = "routecfg keeps every byte it does not own; make the layout uniform or edit by hand"
    message = "cannot edit this file without reformatting it"
    raise error_at(doc.path, _first_difference(text, produced), CANNOT_REPRODUCE, message, hint)


def _first_difference(original: str, produced: str) -> Position:
    old_lines = original.splitlines(keepends=True)
    new_lines = produced.splitlines(keepends=True) + [""] * len(old_lines)
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if old != new:
            column = next(
                (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None
            )
            return Position(number, (min(len(old), len(new)) if column is None else column) + 1)
    return Position(len(old_lines) + 1, 1)


# ── values ──────────────────────────────────────────────────────────────────────────────────


def _same_scalar(current: object, value: Scalar) -> bool:
    if isinstance(value, str):
        return isinstance(current, str) and current == value
    number = as_decimal(current)
    return number is not None and number == Decimal(value)


def _format_dollars(amount: Decimal, previous: str) -> str:
    """``amount`` written like ``previous``: whole dollars stay whole, cents keep two places."""
    whole, _, cents = yamlformat.plain_decimal(amount).partition(".")
    if not cents and "." not in previous:
        return whole
    return f"{whole}.{cents:0<2}"


# ── model_list ──────────────────────────────────────────────────────────────────────────────


def _model_list(doc: ProxyDoc) -> CommentedSeq | None:
    """The model_list sequence; None when absent or empty (null)."""
    value = doc.root.get("model_list")
    if value is None or isinstance(value, CommentedSeq):
        return value
    where = value_position(doc.root, "model_list")
    message = f"model_list is {kind_name(value)}; expected a list of model entries"
    raise error_at(
        doc.path, where, CANNOT_PLACE, message, "write each entry as `- model_name: ...`"
    )


def _entry_problems(doc: ProxyDoc, sequence: CommentedSeq, index: int) -> list[Diagnostic]:
    entry = sequence[index]
    where = item_position(sequence, index)
    if not isinstance(entry, CommentedMap):
        message = f"model_list entry {index + 1} is {kind_name(entry)}; expected a mapping"
        return [diagnostic_at(doc.path, where, CANNOT_PLACE, message, None)]
    if not isinstance(entry.get("model_name"), str):
        message = f"model_list entry {index + 1} has no model_name"
        return [diagnostic_at(doc.path, where, CANNOT_PLACE, message, "add `model_name: <alias>`")]
    return [problem for section in SECTIONS for problem in _section_problems(doc, entry, section)]


def _section_problems(doc: ProxyDoc, entry: CommentedMap, section: str) -> list[Diagnostic]:
    name = entry["model_name"]
    value = entry.get(section)
    if section not in entry or isinstance(value, CommentedMap):
        owned = [key for key in ("model", *PRICE_KEYS) if value and key in value]
        return [
            _scalar_problem(doc, name, section, value, key)
            for key in owned
            if _is_nested(value[key])
        ]
    message = f"{name}: {section} is {kind_name(value)}; expected a mapping"
    return [diagnostic_at(doc.path, value_position(entry, section), CANNOT_PLACE, message, None)]


def _is_nested(value: object) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq)


def _scalar_problem(doc: ProxyDoc, name: str, section: str, values: Any, key: str) -> Diagnostic:
    message = f"{name}: {section}.{key} is {kind_name(values[key])}; expected a single value"
    return diagnostic_at(doc.path, value_position(values, key), CANNOT_PLACE, message, None)


def model_entries(doc: ProxyDoc) -> dict[str, tuple[CommentedMap, ...]]:
    """The model_list entries by model_name, in file order.

    LiteLLM load-balances entries that share a model_name, so a name maps to every entry that
    carries it (usually one). Raises RC314 for anything routecfg could not edit safely.
    """
    sequence = _model_list(doc)
    if sequence is None:
        return {}
    problems = [p for index in range(len(sequence)) for p in _entry_problems(doc, sequence, index)]
    if problems:
        raise RoutecfgError(problems)
    entries: dict[str, list[CommentedMap]] = {}
    for entry in sequence:
        entries.setdefault(str(entry["model_name"]), []).append(entry)
    return {name: tuple(nodes) for name, nodes in entries.items()}


def model_positions(doc: ProxyDoc) -> dict[tuple[str, ...], Position]:
    """Where each entry, its ``model`` and its price keys are: ``(name,)``,
    ``(name, section, key)``. With a model_name used twice, the first entry's."""
    positions: dict[tuple[str, ...], Position] = {}
    sequence = _model_list(doc)
    if sequence is None:
        return positions
    for index, entry in enumerate(sequence):
        if not isinstance(entry, CommentedMap) or not isinstance(entry.get("model_name"), str):
            continue
        name = str(entry["model_name"])
        positions.setdefault((name,), item_position(sequence, index))
        for section in SECTIONS:
            values = entry.get(section)
            for key in ("model", *PRICE_KEYS) if isinstance(values, CommentedMap) else ():
                if key in values:
                    positions.setdefault((name, section, key), key_position(values, key))
    return positions


def append_model_entry(doc: ProxyDoc, entry: Mapping[str, object]) -> CommentedMap:
    """Append ``entry`` to model_list as the existing entries are written; return its node."""
    if not isinstance(entry.get("model_name"), str):
        raise ValueError("a model_list entry needs a model_name")
    node: CommentedMap = new_node(entry)
    sequence = _model_list(doc)
    if sequence:
        blank = yamlcomments.blank_line_between_items(sequence, default=True)
        yamlcomments.append(sequence, node, blank)
    elif "model_list" in doc.root:
        yamlcomments.replace_with_block(doc.root, "model_list", CommentedSeq([node]))
    else:
        yamlcomments.add_key(doc.root, "model_list", CommentedSeq([node]), blank=True)
    return node


def set_scalar(mapping_node: CommentedMap, key: str, value: Scalar) -> bool:
    """Set ``mapping_node[key]``; return whether the text changes.

    A number equal to the present one as an exact decimal is left as written. A trailing comment
    stays at its column; one that states the price per million tokens (``# $1/MTok``) is updated
    with a changed price.
    """
    if isinstance(value, bool) or not isinstance(value, str | Decimal | int):
        raise TypeError(f"not a scalar value: {value!r}")
    if key not in mapping_node:
        yamlcomments.add_key(mapping_node, key, scalar_node(value), blank=False)
        return True
    if _is_nested(mapping_node[key]):
        raise TypeError(f"{key} holds a collection, not a value")
    if _same_scalar(mapping_node[key], value):
        return False
    mapping_node[key] = scalar_node(value)
    if not isinstance(value, str):
        _update_price_comment(mapping_node, key, Decimal(value))
    return True


def _update_price_comment(mapping: CommentedMap, key: str, price: Decimal) -> None:
    slot = mapping.ca.items.get(key)
    token = slot[2] if slot and len(slot) > 2 else None
    if token is None:
        return
    own_line, newline, rest = token.value.partition("\n")
    stated = _PRICE_COMMENT.fullmatch(own_line)
    if stated is None:
        return
    amount = _format_dollars(price * _PER_MILLION, stated["amount"])
    token.value = f"{stated['lead']}{amount}{stated['tail']}{newline}{rest}"


def set_section(
    doc: ProxyDoc, mapping_node: CommentedMap, key: str, values: Mapping[str, Scalar]
) -> bool:
    """Set each of ``values`` in the mapping ``mapping_node[key]``, adding it when absent."""
    current = mapping_node.get(key)
    if isinstance(current, CommentedMap) and len(current) > 0:
        changes = [set_scalar(current, name, value) for name, value in values.items()]
        return any(changes)
    if key in mapping_node and not (current is None or isinstance(current, CommentedMap)):
        message = f"{key} is {kind_name(current)}; expected a mapping"
        where = value_position(mapping_node, key)
        raise error_at(doc.path, where, CANNOT_PLACE, message, None)
    block = new_node(values)
    if key in mapping_node:
        yamlcomments.replace_with_block(mapping_node, key, block)
    else:
        yamlcomments.add_key(mapping_node, key, block, blank=False)
    return True
