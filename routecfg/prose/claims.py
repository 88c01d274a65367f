"""Claims read out of a skill's Markdown: what a hand-written line says about the routing.

One pass over the lines, code fences included (upstream's model rules live in them). A claim
names a gate (by title, number or role), and a tier (by key, task model or name), a price or an
escalation threshold, each at its exact characters. What cannot be tied to one gate is no claim:
the lint judges only what a line plainly says. Lines about escalations, retries and prohibitions
say what happens *instead of* the routing, so Task models on them are not read as claims.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from routecfg.prose.vocab import Mention, Vocabulary

TASK = "task"  # a Task model given to a gate or a role
KEY = "key"  # a config key with a tier
ARROW = "arrow"  # a gate arrow: `Gate 5 COMMIT → always "cheap"`, `llm_call.sh --model free`
PRICE = "price"  # a tier's price per MTok
THRESHOLD = "threshold"  # how many failures an escalation waits for
TARGET = "target"  # the tier an escalation re-runs a gate on
ESCALATION_MODEL = "escalation-model"  # where ARCH / SECURITY tickets escalate to

MAX_BLOCK_LINES = 400  # a Task( call longer than this is not followed to its end

_MODEL_SLOT = re.compile(r'(?<!["\w])model\s*:\s*(")?([A-Za-z][\w.-]*)(?(1)")')
_CALL_MODEL = re.compile(r'--model[ =]+(")?([A-Za-z][\w.-]*)(?(1)")')
_ARROW_TIER = re.compile(r'\s*\**:?\**\s*(?:→|->)\s*(?:always\s+)?"([A-Za-z][\w.-]*)"')
_AFTER_SLOT = re.compile(r"\s*(?:\)\s*)?(?:→|->)|\s+(?:to|for)\b")
_ROLE_BEFORE_PAREN = re.compile(r"([\w{}-]+)\s*\(\s*$")
_SKIP = re.compile(
    r"\b(?:re-?run|re-?route|escalat\w*|retry|retries|instead\s+of|prohibited|never|omit)\b",
    re.IGNORECASE,
)
_FALLBACK = re.compile(r"\bfall\s*back", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ITEM_HEADER = re.compile(r"^\s*(?:\d+\.\s+)?([\w{}-]+):\s*$")
_MODEL_COLUMN = re.compile(r"^(?:model|tier|default|default model|proposed(?: model)?)$", re.I)
_MONEY = re.compile(r"^\s*~?\$\s*(\d+(?:\.\d+)?)\s*$")
_PIPE = re.compile(r"(?<!\\)\|")
_NAMED = re.compile(r'\b(?:you\s+are\s+(?:a|an|the)\s+(?:\w+\s+)?|name:\s*")', re.I)
_USES = re.compile(r"\buses?\s+$", re.IGNORECASE)
_FAILS = re.compile(r"\bfail(?:s|ed|ures?)?\b", re.IGNORECASE)
_COUNT = re.compile(
    r"\b(more\s+than\s+once|once|twice|thrice|(\d+|two|three|four)\s+times)\b", re.IGNORECASE
)
_TAGGED = re.compile(r'\b(?:ARCH|SECURITY)\b[^\n→]*?(?:→|->)\s*"?([A-Za-z]+)"?')
_RERUN = re.compile(r"\bre-?(?:run|route)\b", re.IGNORECASE)
_COUNT_WORDS = {"once": 1, "twice": 2, "thrice": 3, "two": 2, "three": 3, "four": 4}


@dataclass(frozen=True)
class Word:
    """Claimed characters: ``text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Claim:
    kind: str
    line: int
    gate: str | None  # None for a price
    subject: str  # how the line names what it speaks of
    words: tuple[Word, ...]  # the claimed words: tier words, prices (input, output), a count
    tier: str | None = None  # the tier claimed (a price's: the tier named)
    fallback: bool = False  # said of a fallback: judged only where the spec declares one
    primary: bool = False  # only the gate's own tier agrees (not a fallback)
    prices: tuple[Decimal, ...] = ()
    count: int | None = None
    call: bool = False  # said as `llm_call.sh --model TIER`
    shared: bool = False  # the word speaks for gates on different tiers: no one right word

    @property
    def start(self) -> int:
        return self.words[0].start


@dataclass
class _Line:
    number: int
    start: int
    text: str

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


@dataclass
class _TaskBlock:
    """A ``Task(`` call over several lines: its model slot waits for the roles its body names."""

    opened: _Line
    depth: int
    intro: str  # the prose line introducing it, when that ends with ':'
    lines: list[_Line] = field(default_factory=list)
    slots: list[tuple[_Line, re.Match[str]]] = field(default_factory=list)
    in_quotes: bool = False


def iter_lines(text: str) -> Iterator[_Line]:
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        yield _Line(number, start, line)
        start += len(line) + 1


def find_claims(text: str, vocab: Vocabulary, skip_lines: frozenset[int]) -> list[Claim]:
    """Every claim in ``text`` outside the lines in ``skip_lines`` (generated blocks)."""
    return _Scanner(vocab).scan(text, skip_lines)


class _Scanner:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.claims: list[Claim] = []
        self.header: list[str] | None = None
        self.previous_row: list[str] | None = None
        self.block: _TaskBlock | None = None
        self.intro: list[str] = []  # the lines ending in ':' right above, nearest first
        self.item: tuple[int, list[Mention]] | None = None  # indent, roles of `1. implementer-1:`

    def scan(self, text: str, skip_lines: frozenset[int]) -> list[Claim]:
        for line in iter_lines(text):
            if line.number in skip_lines:
                self._end_paragraph()
                continue
            self._line(line)
        if self.block is not None:
            self._close_block()
        return self.claims

    def _subject(self, mention: Mention) -> str:
        """How a message names what a claim speaks of: a role as written, a gate by its title."""
        return mention.text if mention.role else self.vocab.gate(mention.gate).title

    def _end_paragraph(self) -> None:
        self.header = self.previous_row = None
        self.item = None
        if self.block is not None:
            self._close_block()

    # -- one line ------------------------------------------------------------------------------

    def _line(self, line: _Line) -> None:
        stripped = line.text.strip()
        self._table(line, stripped)
        mentions = self.vocab.mentions(line.text)
        skip = bool(_SKIP.search(line.text))
        if self.block is not None:
            self.block.lines.append(line)
        slots = list(_MODEL_SLOT.finditer(line.text))
        for slot in slots:
            self._model_slot(line, slot, mentions, skip)
        self._model_words(line, mentions, skip)
        self._config_keys(line)
        self._arrows(line, mentions)
        self._prices(line)
        self._escalation(line, mentions)
        self._track_blocks(line, stripped)
        if stripped and not stripped.startswith("```"):
            self.intro = [stripped, *self.intro[:1]] if stripped.endswith(":") else []
        header = _ITEM_HEADER.match(line.text)
        if header is not None:
            roles = [m for m in self.vocab.mentions(header.group(1)) if m.role]
            self.item = (line.indent, roles) if roles else None
        elif self.item is not None and stripped and line.indent <= self.item[0]:
            self.item = None

    # -- Task models ---------------------------------------------------------------------------

    def _model_slot(
        self, line: _Line, slot: re.Match[str], mentions: list[Mention], skip: bool
    ) -> None:
        tier = self.vocab.tier_of(slot.group(2))
        if tier is None:
            return
        text = line.text
        fallback = bool(_FALLBACK.search(text, 0, slot.start()))
        before = _ROLE_BEFORE_PAREN.search(text, 0, slot.start())
        if before is not None:
            named = [m for m in mentions if m.start == before.start(1) and m.end == before.end(1)]
            if named:
                self._task(line, slot, named[0], tier, fallback)
                return
        after = _AFTER_SLOT.match(text, slot.end())
        named = [m for m in mentions if after is not None and m.start >= after.end()]
        shared = self._shared(named)
        for mention in named:
            self._task(line, slot, mention, tier, fallback, shared)
        if named:
            return
        if skip:
            return
        in_call = "Task(" in text[: slot.start()]
        if self.block is not None and (self.block.opened is line or _alone(text, slot)):
            self.block.slots.append((line, slot))
            return
        if in_call or re.search(r"→|->", text[: slot.start()]):
            gates = {m.gate for m in mentions}
            if len(gates) == 1:
                self._task(line, slot, mentions[0], tier, fallback)
            return
        if self.item is not None and line.indent > self.item[0] and _alone(text, slot):
            self._task(line, slot, self.item[1][0], tier, fallback)

    def _task(
        self,
        line: _Line,
        slot: re.Match[str],
        mention: Mention,
        tier: str,
        fallback: bool,
        shared: bool = False,
    ) -> None:
        fallback = fallback and not mention.role
        word = Word(line.start + slot.start(2), line.start + slot.end(2), slot.group(2))
        subject = self._subject(mention)
        self.claims.append(
            Claim(TASK, line.number, mention.gate, subject, (word,), tier, fallback, shared=shared)
        )

    def _shared(self, mentions: Sequence[Mention]) -> bool:
        return len({self.vocab.gate(m.gate).tier for m in mentions}) > 1

    def _model_words(self, line: _Line, mentions: list[Mention], skip: bool) -> None:
        """``delegate log to sonnet write-agent``, ``fallback: sonnet subagent``,
        ``write-agents use Sonnet``."""
        if skip:
            return
        text = line.text
        for match in self.vocab.model_word.finditer(text):
            tier = self.vocab.tier_of(match.group(0))
            if tier is None or _in_slot(text, match):
                continue
            fallback = bool(_FALLBACK.search(text, 0, match.start()))
            rest = text[match.end() :]
            gap = len(rest) - len(rest.lstrip(" "))
            following = [m for m in mentions if m.start == match.end() + gap]
            mention: Mention | None = following[0] if following and gap else None
            if mention is None and re.match(r"\s+sub-?agents?\b", rest, re.IGNORECASE):
                gates = {m.gate for m in mentions}
                mention = mentions[0] if len(gates) == 1 else None
            if mention is None and _USES.search(text, 0, match.start()):
                clause = re.split(r"[.;]", text[: match.start()])[-1]
                earlier = [m for m in mentions if m.end <= match.start()]
                if earlier and earlier[-1].text in clause:
                    mention = earlier[-1]
            if mention is None:
                continue
            fallback = fallback and not mention.role  # a role falls back to nothing: it runs
            word = Word(line.start + match.start(), line.start + match.end(), match.group(0))
            self.claims.append(
                Claim(
                    TASK, line.number, mention.gate, self._subject(mention), (word,), tier, fallback
                )
            )

    # -- Task( blocks over several lines ----------------------------------------------------------

    def _track_blocks(self, line: _Line, stripped: str) -> None:
        if self.block is not None:
            if line is not self.block.opened:
                self._count(self.block, line.text)
            too_long = line.number - self.block.opened.number > MAX_BLOCK_LINES
            if (
                self.block.depth <= 0
                or too_long
                or (stripped.startswith("```") and not self.block.in_quotes)
            ):
                self._close_block()
            return
        position = line.text.find("Task(")
        if position < 0:
            return
        block = _TaskBlock(line, 0, " ".join(self.intro), [line])
        self._count(block, line.text[position:])
        if block.depth > 0:
            self.block = block
            for slot in _MODEL_SLOT.finditer(line.text, position):
                if self.vocab.tier_of(slot.group(2)) is not None and not any(
                    c.words[0].start == line.start + slot.start(2) for c in self.claims
                ):
                    block.slots.append((line, slot))

    @staticmethod
    def _count(block: _TaskBlock, text: str) -> None:
        for index, part in enumerate(text.split('"""')):
            if index:
                block.in_quotes = not block.in_quotes
            if not block.in_quotes:
                block.depth += part.count("(") - part.count(")")

    def _close_block(self) -> None:
        block, self.block = self.block, None
        assert block is not None
        mentions = [m for m in self.vocab.mentions(block.intro) if m.role]
        for body_line in block.lines:  # "You are a write-agent", name: "implementer-1"
            for named in _NAMED.finditer(body_line.text):
                mentions += [
                    m
                    for m in self.vocab.mentions(body_line.text, named.end())
                    if m.role and m.start == named.end()
                ]
        gates = {m.gate for m in mentions}
        if len(gates) != 1:
            return
        fallback = bool(_FALLBACK.search(block.intro))
        for line, slot in block.slots:
            tier = self.vocab.tier_of(slot.group(2))
            assert tier is not None
            self._task(line, slot, mentions[0], tier, fallback)

    # -- config keys ---------------------------------------------------------------------------

    def _config_keys(self, line: _Line) -> None:
        keys = self.vocab.config_keys
        for match in self.vocab.key_pattern.finditer(line.text):
            key = match.group(1) or match.group(5)
            gate = keys.get(key) or self.vocab.json_keys[key]
            groups = (2, 3) if match.group(2) else (4,) if match.group(4) else (6,)
            words = [
                Word(line.start + match.start(g), line.start + match.end(g), match.group(g))
                for g in groups
                if match.group(g) and self.vocab.tier_of(match.group(g))
            ]
            if not words or words[0].text != match.group(groups[0]):
                continue
            tiers = {self.vocab.tier_of(w.text) for w in words}
            if len(tiers) != 1:
                continue
            tier = self.vocab.tier_of(words[0].text)
            self.claims.append(Claim(KEY, line.number, gate, key, tuple(words), tier, primary=True))

    # -- gate arrows and llm_call.sh ------------------------------------------------------------

    def _arrows(self, line: _Line, mentions: list[Mention]) -> None:
        text = line.text
        for mention in mentions:
            if mention.role:
                continue
            match = _ARROW_TIER.match(text, mention.end)
            if match is None:
                continue
            tier = self.vocab.tier_of(match.group(1))
            if tier is None:
                continue
            word = Word(line.start + match.start(1), line.start + match.end(1), match.group(1))
            self.claims.append(
                Claim(
                    ARROW,
                    line.number,
                    mention.gate,
                    self._subject(mention),
                    (word,),
                    tier,
                    primary=True,
                )
            )
        gates = {m.gate for m in mentions}
        if len(gates) != 1:
            return
        for match in _CALL_MODEL.finditer(text):
            tier = self.vocab.tier_of(match.group(2))
            if tier is None or tier != match.group(2):
                continue
            word = Word(line.start + match.start(2), line.start + match.end(2), match.group(2))
            fallback = bool(_FALLBACK.search(text, 0, match.start()))
            gate = mentions[0].gate
            self.claims.append(
                Claim(
                    ARROW,
                    line.number,
                    gate,
                    self._subject(mentions[0]),
                    (word,),
                    tier,
                    fallback,
                    call=True,
                )
            )

    # -- prices --------------------------------------------------------------------------------

    def _prices(self, line: _Line) -> None:
        for match in self.vocab.price_pattern.finditer(line.text):
            tier = self.vocab.tier_of(match.group(1))
            if tier is None:
                continue
            words = tuple(
                Word(line.start + match.start(g), line.start + match.end(g), match.group(g))
                for g in (3, 4)
            )
            self._price(line, match.group(1) + match.group(2), tier, words)

    def _price(self, line: _Line, subject: str, tier: str, words: tuple[Word, ...]) -> None:
        try:
            prices = tuple(Decimal(w.text) for w in words)
        except InvalidOperation:  # pragma: no cover - the patterns only match numbers
            return
        self.claims.append(Claim(PRICE, line.number, None, subject, words, tier, prices=prices))

    # -- escalation ----------------------------------------------------------------------------

    def _escalation(self, line: _Line, mentions: list[Mention]) -> None:
        self._escalation_model(line)
        rules = self.vocab.spec.escalation.rules
        if not rules or not mentions:
            return
        text = line.text
        fails = _FAILS.search(text)
        gates = {m.gate for m in mentions}
        for rule in rules:
            failing = [m for m in mentions if m.gate in rule.when_fails and not m.role]
            if fails is not None and failing:
                count = _COUNT.search(text, fails.end())
                if count is not None:
                    word = Word(line.start + count.start(), line.start + count.end(), count[0])
                    self.claims.append(
                        Claim(
                            THRESHOLD,
                            line.number,
                            failing[0].gate,
                            self._subject(failing[0]),
                            (word,),
                            count=_count_of(count),
                        )
                    )
            if _RERUN.search(text) and rule.reroute in gates:
                for match in _MODEL_SLOT.finditer(text):
                    tier = self.vocab.tier_of(match.group(2))
                    if tier is None:
                        continue
                    word = Word(
                        line.start + match.start(2), line.start + match.end(2), match.group(2)
                    )
                    self.claims.append(
                        Claim(TARGET, line.number, rule.reroute, match.group(2), (word,), tier)
                    )
            return

    def _escalation_model(self, line: _Line) -> None:
        """``ARCH tags (→ frontier model)``: tagged tickets go to the escalation model."""
        if self.vocab.spec.escalation.model is None:
            return
        for match in _TAGGED.finditer(line.text):
            tier = self.vocab.tier_of(match.group(1))
            if tier is None:
                continue
            word = Word(line.start + match.start(1), line.start + match.end(1), match.group(1))
            subject = "ARCH / SECURITY tickets"
            self.claims.append(Claim(ESCALATION_MODEL, line.number, None, subject, (word,), tier))

    # -- tables --------------------------------------------------------------------------------

    def _table(self, line: _Line, stripped: str) -> None:
        if not stripped.startswith("|"):
            self.header = self.previous_row = None
            return
        if _SEPARATOR.match(stripped):
            self.header = self.previous_row
            return
        cells = _cells(line)
        self.previous_row = [text for text, _ in cells]
        if self.header is not None:
            self._row(line, cells, self.header)

    def _row(self, line: _Line, cells: Sequence[tuple[str, int]], header: Sequence[str]) -> None:
        columns = [h.strip().lower() for h in header]
        self._row_keys(line, cells)
        first, first_at = cells[0]
        subjects = {m.gate: m for m in reversed(self.vocab.mentions(first))}
        for mention in reversed(subjects.values()):
            for index in range(1, min(len(cells), len(columns))):
                if not _MODEL_COLUMN.match(columns[index]):
                    continue
                word = _lead_word(*cells[index])
                if word is None:
                    continue
                tier = self.vocab.tier_of(word.text)
                if tier is None:
                    continue
                word = Word(line.start + word.start, line.start + word.end, word.text)
                kind = TASK if mention.role else ARROW
                self.claims.append(
                    Claim(kind, line.number, mention.gate, self._subject(mention), (word,), tier)
                )
        if columns and columns[0] == "model":
            word = _lead_word(first, first_at)
            tier = self.vocab.tier_of(word.text) if word is not None else None
            if word is not None and tier is not None:
                named = [m for text, _ in cells[1:] for m in self.vocab.mentions(text)]
                claimed = Word(line.start + word.start, line.start + word.end, word.text)
                shared = self._shared(named)
                for mention in named:
                    subject = self._subject(mention)
                    self.claims.append(
                        Claim(
                            TASK,
                            line.number,
                            mention.gate,
                            subject,
                            (claimed,),
                            tier,
                            shared=shared,
                        )
                    )
        self._row_price(line, cells, columns)

    def _row_keys(self, line: _Line, cells: Sequence[tuple[str, int]]) -> None:
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
                self.claims.append(
                    Claim(KEY, line.number, gate, key, (claimed,), tier, primary=True)
                )

    def _row_price(
        self, line: _Line, cells: Sequence[tuple[str, int]], columns: Sequence[str]
    ) -> None:
        inputs = [i for i, c in enumerate(columns) if c.startswith("input") and "$" in c]
        outputs = [i for i, c in enumerate(columns) if c.startswith("output") and "$" in c]
        if len(inputs) != 1 or len(outputs) != 1 or max(inputs[0], outputs[0]) >= len(cells):
            return
        name = self.vocab.name_pattern.fullmatch(cells[0][0].strip(" *`"))
        if name is None:
            return
        tier = self.vocab.tier_of(name.group(1))
        if tier is None:
            return
        words = []
        for index in (inputs[0], outputs[0]):
            text, at = cells[index]
            money = _MONEY.match(text)
            if money is None:
                return
            start = line.start + at + money.start(1)
            words.append(Word(start, start + len(money.group(1)), money.group(1)))
        self._price(line, name.group(0), tier, tuple(words))


def _alone(text: str, slot: re.Match[str]) -> bool:
    """The model slot is the only thing on its line (a trailing comma and comment aside)."""
    rest = text[slot.end() :].strip()
    return not text[: slot.start()].strip() and (not rest or rest[0] in ",(#")


def _in_slot(text: str, match: re.Match[str]) -> bool:
    """A model word that is the value of a ``model:`` slot (read as a slot, not as prose)."""
    return bool(re.search(r'model\s*:\s*"?$', text[: match.start()]))


def _cells(line: _Line) -> list[tuple[str, int]]:
    """A table row's cells and where each starts in the line (escaped pipes stay inside)."""
    text = line.text
    cells: list[tuple[str, int]] = []
    start = text.index("|") + 1
    for match in _PIPE.finditer(text, start):
        cells.append((text[start : match.start()], start))
        start = match.end()
    tail = text[start:]
    if tail.strip():
        cells.append((tail, start))
    return cells


def _lead_word(text: str, at: int) -> Word | None:
    """The first word of a cell, past `**`, backticks and quotes: ``sonnet (default)``."""
    match = re.match(r"[\s*`\"]*([A-Za-z][\w.-]*)", text)
    if match is None:
        return None
    return Word(at + match.start(1), at + match.end(1), match.group(1))


def _count_of(match: re.Match[str]) -> int:
    words = match.group(1).lower()
    if words.startswith("more"):
        return 2
    if match.group(2):
        number = match.group(2).lower()
        return int(number) if number.isdigit() else _COUNT_WORDS[number]
    return _COUNT_WORDS[words]
