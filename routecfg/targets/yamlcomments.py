"""Moving the comment lines that belong between nodes when nodes are added or removed.

ruamel keeps the comment on a node's last line and the comment lines after it in one token, in
the "slot" of the scalar that ends that line (mapping: ``ca.items[key][2]``, sequence:
``ca.items[index][0]``). Lines after a flow collection that ends a block sequence go to the
sequence's ``ca.end`` instead, and lines before a sequence item to ``ca.items[index][1]``. So
appending after the last item, inserting after a key or removing one would leave those lines
attached to the wrong node. The helpers here read those places as text ("trailing text": whole
lines, indentation included) and put it back after the node it now follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

__all__ = [
    "add_key",
    "append",
    "blank_line_between_items",
    "empty_sequence",
    "insert_after",
    "remove",
    "replace_with_block",
]


def _keys(container: CommentedMap | CommentedSeq) -> list[Any]:
    return list(container) if isinstance(container, CommentedMap) else list(range(len(container)))


def _is_block(node: object) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not _is_flow(node)


def _is_flow(node: CommentedMap | CommentedSeq) -> bool:
    return bool(node.fa.flow_style())


def _tail_slot(container: CommentedMap | CommentedSeq, key: Any) -> tuple[list[Any], int]:
    """The comment slot of the scalar or flow collection that ends ``container[key]``."""
    value = container[key]
    if _is_block(value):
        return _tail_slot(value, _keys(value)[-1])
    return _slots(container, key), 2 if isinstance(container, CommentedMap) else 0


def _slots(container: CommentedMap | CommentedSeq, key: Any) -> list[Any]:
    """ruamel's comment slots for one key or index, created empty when absent (as ruamel does)."""
    slots: list[Any] = container.ca.items.setdefault(key, [None, None, None, None])
    slots.extend([None] * (4 - len(slots)))
    return slots


def _nested_ends(container: CommentedMap | CommentedSeq, key: Any) -> list[Any]:
    """Block collections ending with ``container[key]``'s last line, innermost first."""
    value = container[key]
    if not _is_block(value):
        return []
    return [*_nested_ends(value, _keys(value)[-1]), value]


def _tokens_text(tokens: Sequence[Any] | None) -> str:
    return "".join(
        " " * token.start_mark.column + token.value if token.value.startswith("#") else token.value
        for token in tokens or ()
        if token is not None
    )


def _text_tokens(text: str) -> list[CommentToken]:
    tokens = []
    for line in text.splitlines(keepends=True):
        content = line.lstrip(" ")
        if content.startswith("#"):
            tokens.append(CommentToken(content, CommentMark(len(line) - len(content)), None))
        else:
            tokens.append(CommentToken("\n", CommentMark(0), None))
    return tokens


def _trailing_text(container: CommentedMap | CommentedSeq, key: Any) -> str:
    """The lines after ``container[key]``'s last line, up to the next node."""
    slot, index = _tail_slot(container, key)
    token = slot[index]
    text = token.value.partition("\n")[2] if token is not None else ""
    ends = "".join(_tokens_text(node.ca.end) for node in _nested_ends(container, key))
    return text + ends + _leading_text(container, _next_key(container, key))


def _leading_text(container: CommentedMap | CommentedSeq, key: Any) -> str:
    if key is None or not isinstance(container, CommentedSeq):
        return ""
    slot = container.ca.items.get(key)
    return _tokens_text(slot[1]) if slot else ""


def _next_key(container: CommentedMap | CommentedSeq, key: Any) -> Any:
    keys = _keys(container)
    position = keys.index(key) + 1
    return keys[position] if position < len(keys) else None


def _detach_trailing(container: CommentedMap | CommentedSeq, key: Any) -> str:
    """Take the lines after ``container[key]`` (not its own end-of-line comment) off the tree."""
    slot, index = _tail_slot(container, key)
    token = slot[index]
    text = ""
    if token is not None:
        own_line, _, text = token.value.partition("\n")
        if own_line:
            token.value = own_line + "\n"
        else:
            slot[index] = None
    for node in _nested_ends(container, key):
        text += _tokens_text(node.ca.end)
        node.ca.end = []
    return text


def _attach_trailing(container: CommentedMap | CommentedSeq, key: Any, text: str) -> None:
    """Put ``text`` (whole lines) right after ``container[key]``'s last line."""
    if not text:
        return
    slot, index = _tail_slot(container, key)
    token = slot[index]
    if token is None:
        slot[index] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        token.value += text


def blank_line_between_items(container: CommentedMap | CommentedSeq, default: bool) -> bool:
    keys = _keys(container)
    if len(keys) < 2:
        return default
    return _trailing_text(container, keys[-2]).startswith("\n")


def append(container: CommentedSeq, item: Any, blank_line: bool) -> None:
    """Append ``item``; what followed the old last item now follows ``item``."""
    last = len(container) - 1
    moved = _detach_trailing(container, last)
    container.append(item)
    _attach_trailing(container, last, "\n" if blank_line else "")
    _attach_trailing(container, last + 1, moved)


def insert_after(mapping: CommentedMap, after: Any, key: str, value: Any, blank: bool) -> None:
    moved = _detach_trailing(mapping, after)
    mapping.insert(_keys(mapping).index(after) + 1, key, value)
    _attach_trailing(mapping, after, "\n" if blank else "")
    _attach_trailing(mapping, key, moved)


def add_key(mapping: CommentedMap, key: str, value: Any, blank: bool) -> None:
    """Add ``key`` at the end of ``mapping``."""
    if len(mapping) == 0:
        mapping.fa.set_block_style()
        mapping[key] = value
    else:
        insert_after(mapping, _keys(mapping)[-1], key, value, blank)


def replace_with_block(mapping: CommentedMap, key: str, block: Any) -> None:
    """Replace an empty or null value by a block collection, keeping the lines after it after."""
    moved = _detach_trailing(mapping, key)
    mapping[key] = block
    _attach_trailing(mapping, key, moved)


def remove(container: CommentedMap | CommentedSeq, key: Any) -> None:
    """Remove ``container[key]`` (never the last one left); comment lines around it stay."""
    keys = _keys(container)
    position = keys.index(key)
    slot = container.ca.items.get(key)
    moved = (_tokens_text(slot[1]) if slot and isinstance(container, CommentedSeq) else "") + (
        _detach_trailing(container, key)
    )
    del container[key]
    if isinstance(container, CommentedMap):  # a sequence renumbers its own comments
        container.ca.items.pop(key, None)
    if position > 0:
        _attach_trailing(container, keys[position - 1], moved)
    elif moved:
        slots = _slots(container, _keys(container)[0])
        slots[1] = _text_tokens(moved) + list(slots[1] or [])


def empty_sequence(mapping: CommentedMap, key: str) -> None:
    """Remove the one item of ``mapping[key]``, leaving ``key: []`` and every comment line."""
    sequence = mapping[key]
    slot = mapping.ca.items.get(key)
    moved = _tokens_text(slot[3] if slot and len(slot) > 3 else None)  # between `key:` and `-`
    moved += _tokens_text((sequence.ca.items.get(0) or [None, None])[1])
    moved += _detach_trailing(sequence, 0) + _tokens_text(sequence.ca.end)
    if slot and len(slot) > 3:
        slot[3] = None
    del sequence[0]
    sequence.ca.comment = None
    sequence.ca.end = []
    sequence.fa.set_flow_style()
    _attach_trailing(mapping, key, moved)
