"""Markdown tables: a row's claims read through its header.

``| Gate 2 IMPL+LINT | sonnet |`` under ``| Gate | Default |`` gives a gate its tier;
``| implementer-N | … | sonnet (default) |`` under ``| Role | Agent Type | Model |`` a role its
model; ``| sonnet | Implementers, investigators |`` under ``| Model | Usage |`` a model to every
role listed; ``| llmOps.routing.entryModelImplement / entryModelReview | balanced / cheap |`` a
tier to each key; ``| Claude Haiku 3.5 | $0.80 | $4.00 |`` under ``Input $/1M``, ``Output $/1M``
a price to a tier.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from routecfg.prose.records import (
    ARROW,
    KEY,
    TASK,
    Claim,
    Line,
    Word,
    price_claim,
    shared,
    subject,
)
from routecfg.prose.vocab import Mention, Vocabulary, pattern

# The patterns are compiled where a table first needs them (``pattern(_PIPE)``).
_SEPARATOR = r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$"
_MODEL_COLUMN = r"(?i)^(?:model|tier|default|default model|proposed(?: model)?)$"
_MONEY = r"^\s*~?\$\s*(\d+(?:\.\d+)?)\s*$"  # compiled where a table has prices
_LEAD_WORD = r"[\s*`\"]*([A-Za-z][\w.-]*)"
_PIPE = r"(?<!\\)\|"
# A column whose model is what a gate falls back or escalates to: `| Gate | Default | Escalation |`.
_FALLBACK_COLUMN = r"(?i)\b(?:escalation|fall\s*-?\s*backs?)\b"


class Table:
    """The table the scanner is in, if any: its header, and the row read before."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.header: _Header | None = None
        self.previous_row: Line | None = None  # split into cells only if a separator follows
        self.found: list[Claim] = []

    def feed(self, line: Line, stripped: str, words: bool = True, keys: bool = True) -> list[Claim]:
        """The claims of ``line`` if it is a table row under a header; tracks the header.
        ``words``: whether the line may name a tier or a model; ``keys``: a config key."""
        self.found = []
        self._table(line, stripped, words, keys)
        return self.found

    def reset(self) -> None:
        self.header = self.previous_row = None

    def in_fallback_column(self, line: Line, position: int) -> bool:
        """Whether ``position`` of the row ``line`` (under the header) lies in a column of
        fallbacks or escalations."""
        if self.header is None or not self.header.fallbacks:
            return False
        column = (
            len(pattern(_PIPE).findall(line.text, 0, position)) - 1
        )  # the first `|` opens cell 0
        return column in self.header.fallbacks

    def _table(self, line: Line, stripped: str, words: bool, keys: bool) -> None:
        if not stripped.startswith("|"):
            self.header = self.previous_row = None
            return
        if pattern(_SEPARATOR).match(stripped):
            previous = self.previous_row
            self.header = None if previous is None else _Header([t for t, _ in _cells(previous)])
            return
        self.previous_row = line
        if self.header is not None and (words or keys):
            self._row(line, _cells(line), self.header, words, keys)

    def _row(
        self,
        line: Line,
        cells: Sequence[tuple[str, int]],
        header: _Header,
        words: bool,
        keys: bool,
    ) -> None:
        columns = header.columns
        if keys:
            self._row_keys(line, cells)
        if not words:
            return
        first, first_at = cells[0]
        claimed_tiers = []  # the word and tier of each model column whose word names a tier
        for index in header.models:
            if index >= len(cells):
                break
            word = _lead_word(*cells[index])
            tier = None if word is None else self.vocab.tier_of(word.text)
            if word is not None and tier is not None:
                claimed_tiers.append(
                    (Word(line.start + word.start, line.start + word.end, word.text), tier)
                )
        subjects = (
            {m.gate: m for m in reversed(self.vocab.mentions(first))} if claimed_tiers else {}
        )
        for mention in reversed(subjects.values()):
            for word, tier in claimed_tiers:
                kind = TASK if mention.role else ARROW
                self.found.append(
                    Claim(
                        kind, line.number, mention.gate, subject(self.vocab, mention), (word,), tier
                    )
                )
        if columns and columns[0] == "model":
            word = _lead_word(first, first_at)
            tier = self.vocab.tier_of(word.text) if word is not None else None
            if word is not None and tier is not None:
                named: list[Mention] = []
                unknown = False  # `Implementers, fast-path`: an item the spec does not route
                for text, _ in cells[1:]:
                    found = self.vocab.mentions(text)
                    named += found
                    if found:
                        items = (item for item in text.split(",") if item.strip())
                        unknown |= any(not self.vocab.mentions(item) for item in items)
                claimed = Word(line.start + word.start, line.start + word.end, word.text)
                spread = unknown or shared(self.vocab, named)
                for mention in named:
                    said = subject(self.vocab, mention)
                    self.found.append(
                        Claim(
                            TASK,
                            line.number,
                            mention.gate,
                            said,
                            (claimed,),
                            tier,
                            shared=spread,
                        )
                    )
        self._row_price(line, cells, header)

    def _row_keys(self, line: Line, cells: Sequence[tuple[str, int]]) -> None:
        for (text, _), (values, at) in itertools.pairwise(cells):
            keys = [k.strip(" `*").split(".")[-1] for k in text.split("/")]
            if not keys or any(k not in self.vocab.config_keys for k in keys):
                continue
            parts = values.split("/")
            if len(parts) != len(keys):
                continue
            position = at
            for key, part in zip(keys, parts, strict=True):
                word = _lead_word(part, position)
                position += len(part) + 1
                if word is None or self.vocab.tier_of(word.text) is None:
                    continue
                claimed = Word(line.start + word.start, line.start + word.end, word.text)
                gate = self.vocab.config_keys[key]
                tier = self.vocab.tier_of(word.text)
                self.found.append(
                    Claim(KEY, line.number, gate, key, (claimed,), tier, primary=True)
                )

    def _row_price(self, line: Line, cells: Sequence[tuple[str, int]], header: _Header) -> None:
        if header.prices is None or max(header.prices) >= len(cells):
            return
        name = self.vocab.name_pattern.fullmatch(cells[0][0].strip(" *`"))
        if name is None:
            return
        tier = self.vocab.tier_of(name.group(1))
        if tier is None:
            return
        words = []
        for index in header.prices:
            text, at = cells[index]
            money = pattern(_MONEY).match(text)
            if money is None:
                return
            start = line.start + at + money.start(1)
            words.append(Word(start, start + len(money.group(1)), money.group(1)))
        self.found.append(price_claim(line, name.group(0), tier, tuple(words)))


class _Header:
    """A table's header: its columns, lower-cased, and those a row's claims are read from."""

    def __init__(self, header: Sequence[str]) -> None:
        columns = [h.strip().lower() for h in header]
        self.columns = columns
        self.models = [
            i for i in range(1, len(columns)) if pattern(_MODEL_COLUMN).match(columns[i])
        ]
        inputs = [i for i, c in enumerate(columns) if c.startswith("input") and "$" in c]
        outputs = [i for i, c in enumerate(columns) if c.startswith("output") and "$" in c]
        one_each = len(inputs) == 1 and len(outputs) == 1
        self.prices = (inputs[0], outputs[0]) if one_each else None
        self.fallbacks = {i for i, c in enumerate(columns) if pattern(_FALLBACK_COLUMN).search(c)}


def _cells(line: Line) -> list[tuple[str, int]]:
    """A table row's cells and where each starts in the line (escaped pipes stay inside)."""
    text = line.text
    cells: list[tuple[str, int]] = []
    start = text.index("|") + 1
    for match in pattern(_PIPE).finditer(text, start):
        cells.append((text[start : match.start()], start))
        start = match.end()
    tail = text[start:]
    if tail.strip():
        cells.append((tail, start))
    return cells


def _lead_word(text: str, at: int) -> Word | None:
    """The first word of a cell, past `**`, backticks and quotes: ``sonnet (default)``."""
    match = pattern(_LEAD_WORD).match(text)
    if match is None:
        return None
    return Word(at + match.start(1), at + match.end(1), match.group(1))
