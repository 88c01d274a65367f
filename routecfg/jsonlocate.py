"""One member of a large JSON object, read without parsing the rest of the document.

``TopLevel(raw).member(key)`` answers as ``json.loads(raw.decode("utf-8"))[key]`` does (the same
value, or KeyError), for a document that ``json.loads`` reads; when it cannot prove its answer it
raises :class:`Unsure`, and the caller parses the whole document instead.

Why an answer is the parser's, for a document ``json.loads`` reads (strict JSON):

- A string holds no raw quote, newline or control character. Once the document is known to hold
  no ``\\"`` escape (checked once, walking its backslashes), every quote byte opens or closes a
  string, and a string is the bytes between a quote and the next one.
- A key is looked for when it holds no quote, backslash or control character and does not end with
  a byte that may precede an opening quote outside strings (whitespace, ``,``, ``:``, ``[``,
  ``{``). Then in ``<key>"`` the quote closes a string, whose opening quote is the quote before
  it; the string is the key exactly when those bytes are the key's UTF-8, unescaped, because the
  document holds no escape that could spell a key's character (only ``\\\\`` and ``\\b \\f \\n
  \\r \\t`` are allowed; ``\\/`` or ``\\u`` make the document Unsure).
- A string followed by ``:`` is a member name; it is the top-level object's when one bracket is
  open at its opening quote. Brackets are counted outside strings over the shorter span to a
  point of known depth (the ends of the document, depth 0, or a name measured before): keep only
  quotes and brackets, drop adjacent ``""`` pairs (which keeps every remaining quote's parity),
  and count the brackets between the even-numbered quotes.
- The last such member wins, as in the parser's dict; its value is decoded from a window of the
  document that starts at it and is widened until the value ends inside it.

The document is not read whole, so one that ``json.loads`` refuses is caught only in part: one that
does not start with ``{`` and end with ``}`` (a BOM, a cut file) is Unsure, and so is a value the
parser refuses; elsewhere the reader relies on the document being JSON, as LiteLLM does with the
model map it reads at import.
"""

from __future__ import annotations

import bisect
import json
from typing import Any

_WHITESPACE = frozenset(b" \t\n\r")
# Bytes after which a quote may open a string outside strings: a key ending with one is Unsure.
_BEFORE_OPENING = frozenset(" \t\n\r,:[{")
# Escapes that cannot spell a key's character: a key holds no backslash and no control character.
_HARMLESS_ESCAPES = frozenset(b"\\bfnrt")
_MAX_ESCAPES = 4096  # more, and walking them costs what parsing would
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"{}[]')
_MIN_NEEDLE = 6  # bytes of a key's end searched for: shorter ones match too many strings
_WINDOW = 1 << 16
_DECODER = json.JSONDecoder()
_ABSENT = object()
_UNASKED = object()


class Unsure(Exception):
    """The document or the key is one this reader cannot answer for soundly: parse it all."""


class TopLevel:
    """The members of the JSON object in ``raw``, each decoded when first asked for."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._readable = _readable(raw)
        self._answers: dict[str, Any] = {}
        # strings ending with a searched needle: needle -> {content: [opening quote, ...]}
        self._scans: dict[bytes, dict[bytes, list[int]]] = {}
        # points outside strings whose bracket depth is known, sorted, and their depths
        self._marks = [0, len(raw)]
        self._depths = {0: 0, len(raw): 0}

    def member(self, key: str) -> Any:
        """The value of the top-level member ``key``; KeyError when there is none."""
        if not isinstance(key, str):
            raise Unsure(f"a key that is not a string: {key!r}")
        found = self._answers.get(key, _UNASKED)
        if found is _UNASKED:
            found = self._answers[key] = self._locate(key)
        if found is _ABSENT:
            raise KeyError(key)
        return found

    def _locate(self, key: str) -> Any:
        if not self._readable:
            raise Unsure("the document is not one this reader answers for")
        name = _plain_key(key)
        raw = self._raw
        openings = self._strings_ending(name).get(name, ())
        for opening in reversed(openings):
            colon = _skip_whitespace(raw, opening + len(name) + 2)
            if raw[colon : colon + 1] == b":" and self._depth(opening) == 1:
                return _value_at(raw, _skip_whitespace(raw, colon + 1))
        return _ABSENT

    def _strings_ending(self, name: bytes) -> dict[bytes, list[int]]:
        """Every string of the document that ends as ``name`` does, by content."""
        quoted = name + b'"'
        for searched, found in self._scans.items():
            if quoted.endswith(searched):
                return found
        # The part after the last '/' (at least a few bytes): ``provider/model`` and ``model``,
        # asked in turn, share one pass over the document.
        tail = name.rpartition(b"/")[2]
        needle = name[-max(len(tail), _MIN_NEEDLE) :] + b'"'
        strings: dict[bytes, list[int]] = {}
        raw = self._raw
        hit = raw.find(needle)
        while hit >= 0:
            closing = hit + len(needle) - 1
            opening = raw.rfind(b'"', 0, hit)
            if opening < 0:
                raise Unsure("a closing quote without an opening one")
            strings.setdefault(raw[opening + 1 : closing], []).append(opening)
            hit = raw.find(needle, closing + 1)
        self._scans[needle] = strings
        return strings

    def _depth(self, at: int) -> int:
        """Brackets open at ``at``, a point outside strings, counted from the nearest known one."""
        marks = self._marks
        index = bisect.bisect_left(marks, at)
        if marks[index] == at:
            return self._depths[at]
        before, after = marks[index - 1], marks[index]
        if at - before <= after - at:
            depth = self._depths[before] + _opened(self._raw[before:at])
        else:
            depth = self._depths[after] - _opened(self._raw[at:after])
        marks.insert(index, at)
        self._depths[at] = depth
        return depth


def _readable(raw: bytes) -> bool:
    """Whether the document is an object whose escapes are all harmless (see above). A BOM is
    not ``{``: the parser refuses it, and is left to say so."""
    first = _skip_whitespace(raw, 0)
    last = len(raw) - 1
    while last > first and raw[last] in _WHITESPACE:
        last -= 1
    if raw[first : first + 1] != b"{" or raw[last : last + 1] != b"}":
        return False
    escapes = 0
    at = raw.find(b"\\")
    while at >= 0:
        escapes += 1
        if escapes > _MAX_ESCAPES or at + 1 >= len(raw) or raw[at + 1] not in _HARMLESS_ESCAPES:
            return False
        at = raw.find(b"\\", at + 2)
    return True


def _plain_key(key: str) -> bytes:
    """The key's UTF-8, when a search for it is sound (see above); else Unsure."""
    if not key or key[-1] in _BEFORE_OPENING or min(key) < " " or '"' in key or "\\" in key:
        raise Unsure(f"a key this reader does not search for: {key!r}")
    try:
        return key.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise Unsure(f"a key this reader does not search for: {key!r}") from None


def _skip_whitespace(raw: bytes, at: int) -> int:
    while at < len(raw) and raw[at] in _WHITESPACE:
        at += 1
    return at


def _opened(span: bytes) -> int:
    """Brackets opened minus closed outside strings in ``span``, which starts outside strings."""
    skeleton = span.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    outside = b"".join(skeleton.split(b'"')[::2])
    return outside.count(b"{") + outside.count(b"[") - outside.count(b"}") - outside.count(b"]")


def _value_at(raw: bytes, start: int) -> Any:
    """The JSON value starting at ``start``: decoded from a window that grows until the value
    ends inside it (a number cut at the window's edge would parse, as a shorter number)."""
    size = _WINDOW
    while True:
        end = start + size
        whole = end >= len(raw)
        if whole:
            end = len(raw)
        else:
            while end > start and (raw[end] & 0xC0) == 0x80:  # not inside a UTF-8 character
                end -= 1
        try:
            text = raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            raise Unsure("not UTF-8") from None
        try:
            value, stop = _DECODER.raw_decode(text)
        except ValueError:  # JSONDecodeError, or an integer past int's digit limit
            if whole:
                raise Unsure("a value the parser refuses") from None
        except RecursionError:
            raise Unsure("a value nested too deeply") from None
        else:
            if stop < len(text) or whole:
                return value
        size *= 2
