"""Ledger readers: bytes in, :class:`Call` and :class:`Skipped` records out, streaming.

Three sources, told apart row by row, so one file may mix them:

- the backlog toolkit's ``usage-ledger.jsonl``, in both shapes it is written in: the schema's
  (``phase``, ``model_alias``, ``cost_usd``, ``status``, ``escalation_reason`` …) and the
  implementer skill's (``ticket_id``, ``gate``, ``model``, tokens, ``date``, ``cost_usd`` at head);
- the JSONL that :mod:`routecfg.router.ledger_callback` writes (``trace_id``, ``model_group``,
  ``original_model_group``, ``response_cost`` …);
- LiteLLM's ``/spend/logs`` rows (``request_id``, ``spend`` …), as a JSON array or one a line.

Memory stays flat: a file is read in chunks, a line at a time (at most :data:`MAX_LINE` bytes), an
array element at a time. A line that is not JSON, or lacks what a call needs, becomes a
:class:`Skipped` record with its line, and reading goes on.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from routecfg.actuals.records import Call, Skipped, Vocabulary

MAX_LINE = 1024 * 1024
BOM = "\ufeff".encode()
ANSWERED = frozenset({"success", "ok", "succeeded", "completed"})

Record = Call | Skipped
_decoder = json.JSONDecoder(parse_float=Decimal)
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, escaped


class _Bad(Exception):
    """A row that is not a call; the message says why."""


def read(chunks: Iterable[bytes], display: str, names: Vocabulary) -> Iterator[Record]:
    """Every record of one ledger file, given as byte chunks in order."""
    stream = iter(chunks)
    head = b""
    for chunk in stream:
        head += chunk
        if len(head) >= len(BOM) and head.removeprefix(BOM).lstrip():
            break
    head = head.removeprefix(BOM)
    if head.lstrip()[:1] == b"[":
        yield from _array(head, stream, display, names)
    else:
        yield from _lines(head, stream, display, names)


def _lines(
    head: bytes, stream: Iterator[bytes], display: str, names: Vocabulary, first: int = 1
) -> Iterator[Record]:
    number = first - 1
    for line in _split(head, stream):
        number += 1
        if line is None:
            yield Skipped(display, number, 1, f"line is over {MAX_LINE:,} bytes")
            continue
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield Skipped(display, number, error.start + 1, "not UTF-8")
            continue
        try:
            row = _decoder.decode(text)
        except json.JSONDecodeError as error:
            yield Skipped(display, number, error.colno, f"not JSON: {error.msg}")
            continue
        yield _record(row, display, number, names)


def _split(head: bytes, stream: Iterator[bytes]) -> Iterator[bytes | None]:
    """Lines without their endings; None for a line over :data:`MAX_LINE` (its bytes dropped)."""
    pending = b""
    overlong = False
    for chunk in itertools.chain((head,), stream):
        pending += chunk
        parts = pending.split(b"\n")
        pending = parts.pop()
        for part in parts:
            yield None if overlong else part.removesuffix(b"\r")
            overlong = False
        if len(pending) > MAX_LINE:
            overlong, pending = True, b""
    if overlong:
        yield None
    elif pending:
        yield pending.removesuffix(b"\r")


class _Text:
    """Decoded text of a stream, a window at a time, with the line number of any position."""

    def __init__(self, head: bytes, stream: Iterator[bytes]) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self.stream = stream
        self.buffer = self.decoder.decode(head)
        self.line = 1  # of buffer[counted]
        self.counted = 0

    def more(self, position: int) -> int:
        """Drop the text before ``position`` and read another chunk; the new position, or -1
        at the end of the stream."""
        chunk = next(self.stream, None)
        if chunk is None:
            return -1
        self.line_at(position)
        self.buffer = self.buffer[position:] + self.decoder.decode(chunk)
        self.counted = 0
        return 0

    def line_at(self, position: int) -> int:
        self.line += self.buffer.count("\n", self.counted, position)
        self.counted = position
        return self.line


def _array(
    head: bytes, stream: Iterator[bytes], display: str, names: Vocabulary
) -> Iterator[Record]:
    """A JSON array of rows (a ``/spend/logs`` export), one element at a time."""
    text = _Text(head, stream)
    position = text.buffer.index("[") + 1
    while True:
        while True:
            buffer = text.buffer
            while position < len(buffer) and buffer[position] in " \t\r\n,":
                position += 1
            if position < len(buffer):
                break
            position = text.more(position)
            if position < 0:
                yield Skipped(display, text.line, 1, "the JSON array is not closed")
                return
        if text.buffer[position] == "]":
            # Whatever follows the array is read as lines: a JSONL file may start with `[…]`.
            line = text.line_at(position)
            rest = text.buffer[position + 1 :].encode("utf-8", "surrogateescape")
            rest += text.decoder.getstate()[0]
            yield from _lines(rest, stream, display, names, line)
            return
        try:
            row, end = _decoder.raw_decode(text.buffer, position)
        except json.JSONDecodeError as error:
            if len(text.buffer) - position <= MAX_LINE:
                moved = text.more(position)
                if moved >= 0:
                    position = moved
                    continue
            line = text.line_at(position)
            reason = f"not JSON: {error.msg}; the rest of the array is not read"
            yield Skipped(display, line, 1, reason)
            return
        line = text.line_at(position)
        if _UNDECODABLE.search(text.buffer, position, end):
            yield Skipped(display, line, 1, "not UTF-8")
        else:
            yield _record(row, display, line, names)
        position = end


# ── rows → calls ────────────────────────────────────────────────────────────────────────────


def _record(row: Any, display: str, line: int, names: Vocabulary) -> Record:
    if not isinstance(row, dict):
        return Skipped(display, line, 1, "not a JSON object")
    try:
        if "trace_id" in row and "model_group" in row:
            return _callback_call(row, names)
        if "request_id" in row and "spend" in row:
            return _spend_call(row, names)
        return _toolkit_call(row, names)
    except _Bad as bad:
        return Skipped(display, line, 1, str(bad))


def _toolkit_call(row: Mapping[str, Any], names: Vocabulary) -> Call:
    """Both toolkit shapes: the schema's and the implementer skill's."""
    alias = _text(row, "model_alias")
    model = _text(row, "model")
    if alias is None and model is None:
        raise _Bad("no model or model_alias: not a call")
    served = names.tier(alias) or names.tier(model)
    return _call(
        row,
        names,
        metadata={},
        requested=None,
        served=served,
        model=model or alias or "",
        tokens=("input_tokens", "output_tokens"),
        cost_key="cost_usd",
        time=_text(row, "timestamp") or _text(row, "date"),
    )


def _callback_call(row: Mapping[str, Any], names: Vocabulary) -> Call:
    group = _text(row, "model_group")
    model = _text(row, "model") or group
    if model is None:
        raise _Bad("no model or model_group: not a call")
    return _call(
        row,
        names,
        metadata=_mapping(
            row.get("spend_logs_metadata")
            or _mapping(row.get("metadata")).get("spend_logs_metadata")
        ),
        requested=names.tier(_text(row, "original_model_group")),
        served=names.tier(group) or names.tier(model),
        model=model,
        tokens=("prompt_tokens", "completion_tokens"),
        cost_key="response_cost",
        time=_text(row, "startTime"),
    )


def _spend_call(row: Mapping[str, Any], names: Vocabulary) -> Call:
    group = _text(row, "model_group")
    model = _text(row, "model") or group
    if model is None:
        raise _Bad("no model or model_group: not a call")
    metadata = _mapping(row.get("metadata"))
    return _call(
        {**row, "status": row.get("status", metadata.get("status"))},
        names,
        metadata=_mapping(metadata.get("spend_logs_metadata")),
        requested=None,
        served=names.tier(group) or names.tier(model),
        model=model,
        tokens=("prompt_tokens", "completion_tokens"),
        cost_key="spend",
        time=_text(row, "startTime"),
    )


def _call(
    row: Mapping[str, Any],
    names: Vocabulary,
    *,
    metadata: Mapping[str, Any],
    requested: str | None,
    served: str | None,
    model: str,
    tokens: tuple[str, str],
    cost_key: str,
    time: str | None,
) -> Call:
    tags = _tags(row.get("request_tags"))
    ticket = _text(row, "ticket_id") or _text(metadata, "ticket_id") or _text(metadata, "ticket")
    ticket = ticket or tags.get("ticket")
    gate_name = _text(row, "gate") or _text(row, "phase") or _text(metadata, "gate")
    gate_name = gate_name or tags.get("gate")
    gate, mapped = names.gate(gate_name) if gate_name else (None, False)
    input_tokens = _count(row, tokens[0])
    output_tokens = _count(row, tokens[1])
    cost = _money(row, cost_key)
    priced = cost is None
    if cost is None:
        if input_tokens is None and output_tokens is None:
            raise _Bad(f"no {cost_key} and no token counts: not a call")
        if served is None:
            raise _Bad(f"no {cost_key}, and model '{model}' is no tier of the spec to price it by")
        cost = names.price(served, input_tokens or 0, output_tokens or 0)
    return Call(
        ticket=ticket,
        gate=gate,
        mapped=mapped,
        requested=requested,
        served=served,
        model=model,
        input_tokens=input_tokens or 0,
        output_tokens=output_tokens or 0,
        cost=cost,
        answered=_answered(row.get("status")),
        escalated=bool(row.get("escalation_reason")),
        priced=priced,
        time=time,
    )


def _text(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if type(value) is str:  # the common case, first
        return value or None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _Bad(f"{key} is not a string")
    return str(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _tags(value: Any) -> dict[str, str]:
    """``ticket:T-42`` and ``gate:implement`` request tags."""
    if not isinstance(value, list):
        return {}
    found: dict[str, str] = {}
    for tag in value:
        if isinstance(tag, str) and ":" in tag:
            key, _, rest = tag.partition(":")
            if key in ("ticket", "gate") and rest:
                found.setdefault(key, rest)
    return found


def _count(row: Mapping[str, Any], key: str) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)  # 1200.0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"{key} is not a whole number of tokens: {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    return str(value) if isinstance(value, Decimal) else json.dumps(value)


def _money(row: Mapping[str, Any], key: str) -> Decimal | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            raise _Bad(f"{key} is not a number: {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _Bad(f"{key} is not a number: {value!r}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise _Bad(f"{key} is not an amount of money: {value}")
    return amount


def _answered(status: Any) -> bool:
    """A call is an answered request: no status, or a success; any other status (failure,
    error, timeout …) is a failed attempt."""
    return status is None or str(status).lower() in ANSWERED
