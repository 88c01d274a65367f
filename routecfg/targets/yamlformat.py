"""ruamel.yaml configured from the text it is about to read, so that dumping reproduces it.

:func:`round_trip_yaml` detects the file's indentation, turns line folding off, keeps quotes and
the document-start marker. Its constructor keeps each float's source text (:func:`float_source`),
so prices compare exactly as written, and its representer writes a Decimal in plain notation.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter

from routecfg.frozen import record
from routecfg.targets.yamlread import SOURCE_TEXT as _SOURCE_TEXT  # one attribute name

__all__ = ["float_source", "plain_decimal", "round_trip_yaml"]

_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"

_NO_FOLDING = 1_000_000  # ruamel folds long lines at `width`; hand-written files keep theirs
_BLOCK_KEY_LINE = re.compile(r"[^\s#\-][^#]*:(?:\s+#.*)?")
_SEQUENCE_ITEM_LINE = re.compile(r"-( +)\S")


@record
class _Indent:
    mapping: int
    sequence: int
    offset: int


class _Constructor(RoundTripConstructor):
    """Keeps each float's source text, so prices compare exactly as written."""

    def construct_source_float(self, node: Any) -> Any:
        value = self.construct_yaml_float(node)
        with contextlib.suppress(AttributeError):  # a plain float (.inf, .nan) has no room
            setattr(value, _SOURCE_TEXT, node.value)
        return value


class _Representer(RoundTripRepresenter):
    """Writes a Decimal in plain notation: 0.0000011, never 1.1e-06."""

    def represent_plain_decimal(self, data: Decimal) -> Any:
        text = plain_decimal(data)
        return self.represent_scalar(_FLOAT_TAG if "." in text else _INT_TAG, text)

    def ignore_aliases(self, data: Any) -> bool:
        # One Decimal set in two places is two prices, not an anchor and an alias.
        return isinstance(data, Decimal) or bool(super().ignore_aliases(data))


_Constructor.add_constructor(_FLOAT_TAG, _Constructor.construct_source_float)
_Representer.add_representer(Decimal, _Representer.represent_plain_decimal)


def round_trip_yaml(body: str) -> YAML:
    """A round-trip YAML instance that writes ``body``'s layout back as it found it."""
    indent = _detect_indent(body)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.indent(mapping=indent.mapping, sequence=indent.sequence, offset=indent.offset)
    yaml.width = _NO_FOLDING
    yaml.preserve_quotes = True
    yaml.explicit_start = _starts_with_marker(body)
    return yaml


def float_source(value: float) -> str | None:
    """The text a loaded float was written as; None for one without it (.inf, .nan)."""
    source = getattr(value, _SOURCE_TEXT, None)
    return str(source) if source else None


def plain_decimal(value: Decimal) -> str:
    """``value`` in plain notation; ValueError for NaN and infinities."""
    if not value.is_finite():
        raise ValueError(f"not a finite price: {value}")
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _content_lines(body: str) -> Iterator[tuple[int, str]]:
    """(indent, line without indent) of each line that is neither blank nor a comment."""
    for line in body.splitlines():
        content = line.lstrip(" ")
        if content and not content.startswith("#"):
            yield len(line) - len(content), content


def _detect_indent(body: str) -> _Indent:
    """Indentation as the file writes it, from the first nested mapping and block sequence."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None  # (sequence, offset) in ruamel's terms
    opener: int | None = None  # indent of the previous line when it opened a block (`key:`)
    for indent, content in _content_lines(body):
        item = _SEQUENCE_ITEM_LINE.match(content)
        if opener is not None and item and sequence is None and indent >= opener:
            offset = indent - opener
            sequence = (offset + 1 + len(item.group(1)), offset)
        elif opener is not None and not item and mapping is None and indent > opener:
            mapping = indent - opener
        opener = indent if _BLOCK_KEY_LINE.fullmatch(content) else None
    sequence_indent, offset = sequence or (4, 2)  # LiteLLM's documented layout
    return _Indent(mapping or 2, sequence_indent, offset)


def _starts_with_marker(body: str) -> bool:
    first = next(_content_lines(body), None)
    return first is not None and first[1].startswith(("---", "%"))
