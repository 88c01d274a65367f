"""In-place edits of a LiteLLM proxy config's fallback chains (``router_settings.<kind>``).

Reading (:func:`chains`, :func:`chain_positions`) and editing (:func:`set_chain`,
:func:`remove_chain`) the chains of a document :func:`routecfg.targets.yamledit.load` parsed, in
place in its round-trip tree; comment lines move with the items they follow (:mod:`yamlcomments`).
An entry routecfg cannot read, or a chain given twice, is RC314. :mod:`yamledit` re-exports these
four functions, so callers may keep reaching them there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from routecfg.diagnostics import Diagnostic, RoutecfgError
from routecfg.targets import yamlcomments
from routecfg.targets.yamlnodes import (
    CANNOT_PLACE,
    CHAIN_KINDS,
    ChainKind,
    Position,
    ProxyDoc,
    diagnostic_at,
    error_at,
    flow_list,
    item_position,
    kind_name,
    scalar_node,
    value_position,
)

__all__ = ["chain_positions", "chains", "remove_chain", "set_chain"]


def _router_settings(doc: ProxyDoc) -> CommentedMap | None:
    value = doc.root.get("router_settings")
    if value is None or isinstance(value, CommentedMap):
        return value
    message = f"router_settings is {kind_name(value)}; expected a mapping"
    where = value_position(doc.root, "router_settings")
    raise error_at(doc.path, where, CANNOT_PLACE, message, None)


def _chain_list(doc: ProxyDoc, settings: CommentedMap | None, kind: ChainKind) -> Any:
    if kind not in CHAIN_KINDS:
        raise ValueError(f"not a fallback kind: {kind}")
    value = settings.get(kind) if settings is not None else None
    if value is None or isinstance(value, CommentedSeq):
        return value
    message = f"router_settings.{kind} is {kind_name(value)}; expected a list"
    assert settings is not None
    where = value_position(settings, kind)
    raise error_at(doc.path, where, CANNOT_PLACE, message, "write each chain as `- alias: [a, b]`")


def _chain_index(
    doc: ProxyDoc, sequence: CommentedSeq | None, kind: str
) -> dict[str, tuple[CommentedMap, int]]:
    """Each chain's entry and its index; RC314 for entries routecfg cannot read."""
    found: dict[str, tuple[CommentedMap, int]] = {}
    problems: list[Diagnostic] = []
    if sequence is None:
        return found
    for index, entry in enumerate(sequence):
        where = item_position(sequence, index)
        problem = _chain_entry_problem(kind, entry)
        if problem is not None:
            problems.append(diagnostic_at(doc.path, where, CANNOT_PLACE, problem, None))
            continue
        for key in entry:
            if key in found:
                message = f"{kind}: the chain for '{key}' is given twice"
                hint = "LiteLLM uses one of them; keep one"
                problems.append(diagnostic_at(doc.path, where, CANNOT_PLACE, message, hint))
            found.setdefault(key, (entry, index))
    if problems:
        raise RoutecfgError(problems)
    return found


def _chain_entry_problem(kind: str, entry: object) -> str | None:
    if not isinstance(entry, CommentedMap) or len(entry) == 0:
        return f"{kind} entry is {kind_name(entry)}; expected `- alias: [fallback, ...]`"
    for key, targets in entry.items():
        if not isinstance(key, str):
            return f"{kind}: {key!r} is not a model name"
        if not isinstance(targets, CommentedSeq) or not all(isinstance(t, str) for t in targets):
            return f"{kind}: the chain for '{key}' is not a list of model names"
    return None


def chains(doc: ProxyDoc, kind: ChainKind) -> dict[str, list[str]]:
    """The chains of ``router_settings.<kind>``: each alias and its fallbacks, in file order."""
    sequence = _chain_list(doc, _router_settings(doc), kind)
    index = _chain_index(doc, sequence, kind)
    return {key: [str(target) for target in entry[key]] for key, (entry, _) in index.items()}


def chain_positions(doc: ProxyDoc, kind: ChainKind) -> dict[str, Position]:
    """Where each chain of ``router_settings.<kind>`` is written (0, 0 for one just added)."""
    sequence = _chain_list(doc, _router_settings(doc), kind)
    index = _chain_index(doc, sequence, kind)
    return {key: item_position(sequence, i) for key, (_, i) in index.items()}


def set_chain(doc: ProxyDoc, kind: ChainKind, key: str, targets: Sequence[str]) -> bool:
    """Make ``key``'s chain ``targets``: edited in place, else appended; whether text changed."""
    settings = _router_settings(doc)
    sequence = _chain_list(doc, settings, kind)
    found = _chain_index(doc, sequence, kind)
    if key in found:
        return _replace_targets(found[key][0][key], targets)
    entry = CommentedMap()
    entry[key] = flow_list(targets)
    if sequence:
        blank = yamlcomments.blank_line_between_items(sequence, default=False)
        yamlcomments.append(sequence, entry, blank)
    elif settings is not None and kind in settings:
        yamlcomments.replace_with_block(settings, kind, CommentedSeq([entry]))
    else:
        _add_chain_kind(doc, settings, kind, CommentedSeq([entry]))
    return True


def _replace_targets(current: CommentedSeq, targets: Sequence[str]) -> bool:
    """Rewrite a chain's list item by item, so its style and quoting stay."""
    if list(current) == list(targets):
        return False
    for index, target in enumerate(targets):
        if index < len(current):
            current[index] = scalar_node(target)
        else:
            current.append(scalar_node(target))
    while len(current) > len(targets):
        del current[len(current) - 1]
    return True


def _add_chain_kind(
    doc: ProxyDoc, settings: CommentedMap | None, kind: ChainKind, block: CommentedSeq
) -> None:
    """Add ``kind`` after the other chain kinds in router_settings (created when absent)."""
    if settings is None:
        settings = CommentedMap([(kind, block)])
        if "router_settings" in doc.root:
            yamlcomments.replace_with_block(doc.root, "router_settings", settings)
        else:
            yamlcomments.add_key(doc.root, "router_settings", settings, blank=True)
        return
    present = [name for name in settings if name in CHAIN_KINDS]
    if present:
        yamlcomments.insert_after(settings, present[-1], kind, block, blank=False)
    else:
        yamlcomments.add_key(settings, kind, block, blank=False)


def remove_chain(doc: ProxyDoc, kind: ChainKind, key: str) -> bool:
    """Remove ``key``'s chain; comment lines around it stay. Whether text changed."""
    settings = _router_settings(doc)
    sequence = _chain_list(doc, settings, kind)
    found = _chain_index(doc, sequence, kind)
    if key not in found:
        return False
    entry, index = found[key]
    assert settings is not None
    assert sequence is not None
    if len(entry) > 1:
        yamlcomments.remove(entry, key)
    elif len(sequence) > 1:
        yamlcomments.remove(sequence, index)
    else:
        yamlcomments.empty_sequence(settings, kind)
    return True
