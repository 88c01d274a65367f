"""The records the prose lint passes between its stages: claims, their words, lines.

Named tuples: typed and immutable like frozen dataclasses, and cheaper to define on import and to
make by the thousand."""

# Annotations evaluated where written (no `from __future__ import annotations`): a NamedTuple
# compiles each field's annotation given as a string, a cost at every cold start.
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple

from routecfg.prose.vocab import Mention, Vocabulary

TASK = "task"  # a Task model given to a gate or a role
KEY = "key"  # a config key with a tier
ARROW = "arrow"  # a gate arrow: `Gate 5 COMMIT → always "cheap"`, `llm_call.sh --model free`
PRICE = "price"  # a tier's price per MTok
THRESHOLD = "threshold"  # how many failures an escalation waits for
TARGET = "target"  # the tier an escalation re-runs a gate on
ESCALATION_MODEL = "escalation-model"  # where ARCH / SECURITY tickets escalate to


class Word(NamedTuple):
    """Claimed characters: ``text[start:end]``."""

    start: int
    end: int
    text: str


class Claim(NamedTuple):
    kind: str
    line: int
    gate: str | None  # None for a price
    subject: str  # how the line names what it speaks of
    words: tuple[Word, ...]  # the claimed words: tier words, prices (input, output), a count
    tier: str | None = None  # the tier claimed (a price's: the tier named)
    fallback: bool = False  # said of a fallback: judged only where the spec declares one
    primary: bool = False  # only the gate's own tier agrees (not a fallback)
    prices: tuple[Decimal, ...] = ()
    failures: int | None = None  # a threshold's count of failures
    call: bool = False  # said as `llm_call.sh --model TIER`
    shared: bool = False  # the word speaks for gates on different tiers: no one right word

    @property
    def start(self) -> int:
        return self.words[0].start


class Line(NamedTuple):
    number: int
    start: int
    text: str

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


def iter_lines(text: str) -> Iterator[Line]:
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        yield Line(number, start, line)
        start += len(line) + 1


def subject(vocab: Vocabulary, mention: Mention) -> str:
    """How a message names what a claim speaks of: a role as written, a gate by its title."""
    return mention.text if mention.role else vocab.gate(mention.gate).title


def shared(vocab: Vocabulary, mentions: Sequence[Mention]) -> bool:
    """Whether one claimed word speaks for gates on different tiers (then no one fix is right)."""
    return len({vocab.gate(m.gate).tier for m in mentions}) > 1


def price_claim(line: Line, said: str, tier: str, words: tuple[Word, ...]) -> Claim:
    return Claim(
        PRICE, line.number, None, said, words, tier, prices=tuple(Decimal(w.text) for w in words)
    )
