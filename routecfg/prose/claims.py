"""Claims read out of a skill's Markdown: what a hand-written line says about the routing.

One pass over the lines, code fences included (upstream's model rules live in them). A claim
names a gate (by title, number or role), and a tier (by key, task model or name), a price or an
escalation threshold, each at its exact characters. What cannot be tied to one gate is no claim:
the lint judges only what a line plainly says. Lines about escalations, retries and prohibitions
say what happens *instead of* the routing, so Task models on them are not read as claims.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Sequence

from routecfg.prose.records import (
    ARROW,
    ESCALATION_MODEL,
    KEY,
    TARGET,
    TASK,
    THRESHOLD,
    Claim,
    Line,
    Word,
    price_claim,
    shared,
    subject,
)
from routecfg.prose.tables import Table
from routecfg.prose.vocab import Mention, Vocabulary, pattern

MAX_BLOCK_LINES = 400  # a Task( call longer than this is not followed to its end

_MODEL_SLOT = r'(?<!["\w])model\s*:\s*(")?([A-Za-z][\w.-]*)(?(1)")'
_ARROW_TIER = r'\s*\**:?\**\s*(?:→|->)\s*(?:always\s+)?"([A-Za-z][\w.-]*)"'
_AFTER_SLOT = r"\s*(?:\)\s*)?(?:→|->)|\s+(?:to|for)\b"
_ROLE_BEFORE_PAREN = r"([\w{}-]+)\s*\(\s*$"
# Look-behinds read at most this far back, and a line gives at most MAX_PER_LINE claims of each
# kind: prose lines are short, and a pathological one must stay linear.
WINDOW = 120
MAX_PER_LINE = 16
_SKIP = r"(?i)\b(?:re-?run|re-?route|escalat\w*|retry|retries|instead\s+of|prohibited|never|omit)\b"
_FALLBACK = r"(?i)\bfall\s*back"
_ITEM_HEADER = r"^\s*(?:\d+\.\s+)?([\w{}-]+):\s*$"
_USES = r"(?i)\buses?\s+$"
_SUBAGENT = r"(?i)\s+sub-?agents?\b"
_HEADING = r"#{1,6}\s"
_SLOT_BEFORE = r'model\s*:\s*"?$'
_TO_BEFORE = r"\bto\s+$"
# Every pattern is compiled where a text first needs it (``pattern(_COUNT)``): a cold start
# pays only for what its lines use.
_CALL_MODEL = r'--model[ =]+(")?([A-Za-z][\w.-]*)(?(1)")'
_NAMED = r'(?i)\b(?:you\s+are\s+(?:a|an|the)\s+(?:\w+\s+)?|name:\s*")'
_FAILS = r"(?i)\bfail(?:s|ed|ures?)?\b"
_COUNT = r"(?i)\b(more\s+than\s+once|once|twice|thrice|(\d+|two|three|four)\s+times)\b"
_AGENT = r"(?i)\b[\w-]*agents?\b"
_TAG = r"\b(?:ARCH|SECURITY)\b"
_TAGGED_TIER = r'\s*"?([A-Za-z]+)"?'
_RERUN = r"(?i)\bre-?(?:run|route)\b"
_COUNT_WORDS = {"once": 1, "twice": 2, "thrice": 3, "two": 2, "three": 3, "four": 4}
_OPENS = ("#", "```", "~~~")  # a heading or a code fence

# What a line may claim, by the words it holds (a claim needs its word: no word, no reading).
_SLOT = 1  # `model` (a Task model slot, `--model`)
_MODEL = 2  # a model's name (`sonnet`, `Claude Haiku`)
_KEY = 4  # a config key
_ARROW = 8  # `→` or `->`
_MONEY = 16  # `$`
_FAIL = 32  # `fail` (an escalation threshold)
_CLAIMS = 63
_TASK = 64  # `Task(`: a call whose model slot may wait for the roles its body names
_READ = _CLAIMS | _TASK  # what makes a line worth reading outside a table
_ALL = 255
_TABLE = "|"  # how a table row starts (headings and fences are found before the scan)
_READS = bytes(1 if kind & _READ else 0 for kind in range(256))  # kinds -> worth reading
# A price is said of a model's name: `$` without one claims nothing.
_PRICED = bytes(kind if kind & _MODEL else kind & ~_MONEY for kind in range(256))
# Characters that match an ASCII letter case-insensitively without lower-casing to it (İ ı ſ K):
# where one occurs, lower-cased text cannot show where a name is, so every line is read.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def _kinds(vocab: Vocabulary, text: str, starts: Sequence[int]) -> bytes:
    """For each line number, the kinds of claim its words allow (0: none), from one search per
    word over the whole text: linear in its size, and no per-line work for the many lines
    that speak of nothing the spec routes."""
    count = len(starts)
    pieces, tiers = vocab.model_pieces, vocab.tier_pieces
    if (
        pieces is None
        or tiers is None
        or (not text.isascii() and any(c in text for c in _FOLDS_TO_ASCII))
    ):
        return bytes([_ALL]) * (count + 1)
    kinds = bytearray(count + 1)
    words = [("model", _SLOT), ("→", _ARROW), ("->", _ARROW), ("$", _MONEY), ("Task(", _TASK)]
    for needle, kind in [*words, *((key, _KEY) for key in vocab.key_needles)]:
        at = text.find(needle)
        while at >= 0:
            number = bisect.bisect_right(starts, at)
            end = starts[number] if number < count else len(text)
            if kind != _ARROW or _may_point(text[starts[number - 1] : end]):
                kinds[number] |= kind
            if number == count:
                break
            at = text.find(needle, end)
    # Names and `fail` in any case: searched in the UTF-8 bytes with ASCII letters lower-cased
    # (cheaper than lower-casing the text; no other character encodes to ASCII).
    folded = text.encode("utf-8", "surrogatepass").lower()
    hits = []
    needles = [(piece, _MODEL) for piece in pieces]
    if vocab.spec.escalation.rules:  # a threshold is judged against a rule
        needles.append(("fail", _FAIL))
    for needle, kind in needles:
        word = needle.encode()
        at = folded.find(word)
        while at >= 0:
            hits.append((at, kind))
            at = folded.find(word, at + 1)
    number, last = 1, 0
    for at, kind in sorted(hits):
        number += folded.count(b"\n", last, at)
        last = at
        kinds[number] |= kind
    return bytes(kinds.translate(_PRICED))


def _may_point(line: str) -> bool:
    """Whether an arrow on ``line`` may point at a tier: a gate arrow's tier is quoted
    (`→ always "cheap"`); ARCH / SECURITY tickets' is not."""
    return '"' in line or "ARCH" in line or "SECURITY" in line


class _Mentions:
    """A line's gate mentions, and whether it speaks of what happens instead of the routing,
    each read on first use."""

    def __init__(self, vocab: Vocabulary, text: str) -> None:
        self.vocab = vocab
        self.text = text
        self._found: list[Mention] | None = None
        self._skip: bool | None = None

    @property
    def found(self) -> list[Mention]:
        if self._found is None:
            self._found = self.vocab.mentions(self.text)
        return self._found

    @property
    def skip(self) -> bool:
        if self._skip is None:
            self._skip = bool(pattern(_SKIP).search(self.text))
        return self._skip


class _TaskBlock:
    """A ``Task(`` call over several lines: its model slot waits for the roles its body names."""

    def __init__(self, opened: Line, intro: str) -> None:
        self.opened = opened
        self.depth = 0
        self.intro = intro  # the prose line introducing it, when that ends with ':'
        self.lines = [opened]
        self.slots: list[tuple[Line, re.Match[str]]] = []
        self.in_quotes = False


def find_claims(text: str, vocab: Vocabulary, skip_lines: frozenset[int]) -> list[Claim]:
    """Every claim in ``text`` outside the lines in ``skip_lines`` (generated blocks)."""
    return _Scanner(vocab).scan(text, skip_lines)


class _Scanner:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.claims: list[Claim] = []
        self.table = Table(vocab)
        self.block: _TaskBlock | None = None
        self.intro: list[str] = []  # the lines ending in ':' right above, nearest first
        # The headings outside code fences ("### Gate 3: LINT"): line numbers, and the lines;
        # found where a claim first asks for one (most texts never do).
        self.heading_lines: list[int] = []
        self.headings: list[str] = []
        self.stripped: Sequence[str] | None = None  # the lines, stripped, until then
        self.item: tuple[int, list[Mention]] | None = None  # indent, roles of `1. implementer-1:`
        self.skip_lines: frozenset[int] = frozenset()  # generated blocks' lines

    def scan(self, text: str, skip_lines: frozenset[int]) -> list[Claim]:
        self.skip_lines = skip_lines
        lines = text.split("\n")
        count = len(lines)
        lengths = itertools.accumulate(map(len, lines[:-1]))
        starts = [0, *map(operator.add, lengths, range(1, count))]  # each line's first offset
        kinds = _kinds(self.vocab, text, starts)
        stripped = self.stripped = list(map(str.strip, lines))
        # Headings and fences are found where a claim first needs a heading: of the lines they
        # are on, only those with a claim's word are read below. The lines that may claim or
        # open something; the others only end a table or an intro (unless blank; a fence "```"
        # keeps the intro above it), and may end a list item. (Iterators of C functions: this
        # looks at every line, so it must cost next to nothing per line.)
        rows = map(str.startswith, stripped, itertools.repeat(_TABLE))
        colons = map(str.endswith, stripped, itertools.repeat(":"))
        claims = kinds.translate(_READS)[1:]
        wanted = map(operator.or_, map(operator.or_, rows, colons), claims)
        read = list(itertools.compress(range(count), wanted))
        if skip_lines:
            read = sorted({*read, *(n - 1 for n in skip_lines if 0 < n <= len(lines))})
        index = 0  # the next line to read
        for following in [*read, len(lines)]:
            while self.block is not None and index < following:  # a Task( call reads every line
                self._read(index + 1, lines[index], stripped[index], starts, kinds)
                index += 1
            if following > index:
                self._skipped(lines, stripped, index, following)
            if following == len(lines):
                break
            self._read(following + 1, lines[following], stripped[following], starts, kinds)
            index = following + 1
        if self.block is not None:
            self._close_block()
        return self.claims

    def _names_a_tier(self, row: str) -> bool:
        """Whether a table row may name a tier by its key (`| Gate 2 IMPL | cheap |`)."""
        tiers = self.vocab.tier_pieces
        lowered = row.lower()
        return tiers is None or any(tier in lowered for tier in tiers)

    def _skipped(self, lines: Sequence[str], stripped: Sequence[str], start: int, end: int) -> None:
        """Lines ``start:end`` hold no claim and open nothing: they end a table; one neither
        blank nor a fence "```" ends the intro; one not blank may end a list item."""
        self.table.header = self.table.previous_row = None
        written = False
        for index in range(start, end):  # mostly, the first line decides
            line = stripped[index]
            if line:
                written = True
                if not line.startswith("```"):
                    self.intro = []
                    break
        if not written:
            return
        if self.item is not None:
            indent = self.item[0]
            for body in lines[start:end]:
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    self.item = None
                    break

    def _read(
        self, number: int, body: str, stripped: str, starts: Sequence[int], kinds: bytes
    ) -> None:
        if number in self.skip_lines:
            self._end_paragraph()
            return
        kind = kinds[number]
        line = None
        if stripped.startswith("|"):
            line = Line(number, starts[number - 1], body)
            words = bool(kind & _MODEL) or self._names_a_tier(stripped)
            self.claims.extend(self.table.feed(line, stripped, words, bool(kind & _KEY)))
        else:
            self.table.header = self.table.previous_row = None
        # Only a line with a claim's word, or in or opening a Task( call, is read further.
        if kind & _READ or self.block is not None:
            line = line or Line(number, starts[number - 1], body)
            self._line(line, stripped, kind & _CLAIMS)
        if not stripped:
            return
        if not stripped.startswith("```"):
            self.intro = [stripped, *self.intro[:1]] if stripped.endswith(":") else []
        header = pattern(_ITEM_HEADER).match(body) if stripped.endswith(":") else None
        if header is not None:
            roles = [m for m in self.vocab.mentions(header.group(1)) if m.role]
            self.item = (len(body) - len(body.lstrip()), roles) if roles else None
        elif self.item is not None and len(body) - len(body.lstrip()) <= self.item[0]:
            self.item = None

    def _subject(self, mention: Mention) -> str:
        return subject(self.vocab, mention)

    def _end_paragraph(self) -> None:
        self.table.reset()
        self.item = None
        if self.block is not None:
            self._close_block()

    # -- one line ------------------------------------------------------------------------------

    def _line(self, line: Line, stripped: str, kind: int) -> None:
        if self.block is not None:
            self.block.lines.append(line)
        if kind:
            self._claims(line, kind)
        self._track_blocks(line, stripped)

    def _claims(self, line: Line, kind: int) -> None:
        """The claims of a line with a word of the ``kind`` bits: each reader runs only where
        its word is."""
        text = line.text
        slots = _slots(text) if kind & _SLOT else []
        # A word is not yet a claim: most lines with one need no reader at all.
        if not slots and "--model" not in text:
            kind &= ~_SLOT
        if not _may_point(text):
            kind &= ~_ARROW
        if not self.vocab.spec.escalation.rules:
            kind &= ~_FAIL
        if not kind & _MODEL:
            kind &= ~_MONEY  # a price is said of a model's name
        if not kind:
            return
        mentions = _Mentions(self.vocab, text)
        for slot in slots:
            self._model_slot(line, slot, mentions)
        if kind & _MODEL:
            self._model_words(line, mentions)
        if kind & _KEY:
            self._config_keys(line, mentions)
        if kind & (_ARROW | _SLOT):
            self._arrows(line, mentions, kind)
        if kind & _MONEY:
            self._prices(line)
        if kind & (_ARROW | _FAIL | _SLOT):
            self._escalation(line, mentions, kind)

    # -- Task models ---------------------------------------------------------------------------

    def _model_slot(self, line: Line, slot: re.Match[str], said: _Mentions) -> None:
        tier = self.vocab.tier_of(slot.group(2))
        if tier is None:
            return
        mentions = said.found
        text = line.text
        fallback = self._said_as_fallback(line, slot.start())
        low = max(0, slot.start() - WINDOW)
        before = pattern(_ROLE_BEFORE_PAREN).search(text, low, slot.start())
        if before is not None:
            named = [m for m in mentions if m.start == before.start(1) and m.end == before.end(1)]
            if named:
                self._task(line, slot, named[0], tier, fallback)
                return
        after = pattern(_AFTER_SLOT).match(text, slot.end())
        named = [m for m in mentions if after is not None and m.start >= after.end()]
        # Other agents in the list (`to analysis subagents and write-agents`) share the word.
        shared = self._shared(named) or (
            after is not None and _other_agents(text, after.end(), named)
        )
        for mention in named:
            self._task(line, slot, mention, tier, fallback, shared)
        if named:
            return
        if said.skip:
            return
        in_call = "Task(" in text[low : slot.start()]
        if self.block is not None and (self.block.opened is line or _alone(text, slot)):
            self.block.slots.append((line, slot))
            return
        if in_call or "→" in text[low : slot.start()] or "->" in text[low : slot.start()]:
            gates = {m.gate for m in mentions}
            if len(gates) == 1:
                self._task(line, slot, mentions[0], tier, fallback)
            return
        if self.item is not None and line.indent > self.item[0] and _alone(text, slot):
            self._task(line, slot, self.item[1][0], tier, fallback)

    def _task(
        self,
        line: Line,
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

    def _said_as_fallback(self, line: Line, position: int) -> bool:
        """Said of a fallback: `fallback` shortly before ``position`` in its table cell, or the
        cell is in a column of fallbacks (`| Wave Plan | free | sonnet subagent |` under
        `| Gate | Default | Escalation |`)."""
        return _said_as_fallback(line.text, position) or self.table.in_fallback_column(
            line, position
        )

    def _shared(self, mentions: Sequence[Mention]) -> bool:
        return shared(self.vocab, mentions)

    def _model_words(self, line: Line, said: _Mentions) -> None:
        """``delegate log to sonnet write-agent``, ``fallback: sonnet subagent``,
        ``write-agents use Sonnet``. Not on a line about escalations or retries."""
        text = line.text
        for match in itertools.islice(self.vocab.model_word.finditer(text), MAX_PER_LINE):
            tier = self.vocab.tier_of(match.group(0))
            if tier is None or _in_slot(text, match):
                continue
            if _in_list(text, match):
                continue  # `Ollama/Haiku/Sonnet`: several models, none given to anyone
            rest = text[match.end() :]
            gap = len(rest) - len(rest.lstrip(" "))
            after = match.end() + gap
            subagent = pattern(_SUBAGENT).match(rest)
            uses = _uses(text, match.start())
            named = gap and self.vocab.may_name(text, after)
            # `pass the errors to Sonnet (…)`: given to nobody named but the section's gate.
            passed = _to(text, match.start()) if not rest[gap : gap + 1].isalnum() else None
            if not named and subagent is None and uses is None and passed is None:
                continue  # nothing here can name who runs on the model
            if said.skip:
                return
            fallback = self._said_as_fallback(line, match.start())
            mentions = said.found
            following = [m for m in mentions if m.start == after]
            mention: Mention | None = following[0] if following and gap else None
            if mention is None and subagent:
                gates = {m.gate for m in mentions}
                mention = mentions[0] if len(gates) == 1 else None
            if mention is None and uses is not None:  # `write-agents use Sonnet`
                subject = [m for m in mentions if text[m.end : uses.start()].strip() == ""]
                mention = subject[0] if subject else None
            if mention is None and passed is not None and not mentions:
                mention = self._heading_gate(line.number)  # `… to Sonnet` under `### Gate 3: LINT`
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

    def _track_blocks(self, line: Line, stripped: str) -> None:
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
        block = _TaskBlock(line, " ".join(self.intro))
        self._count(block, line.text[position:])
        if block.depth > 0:
            self.block = block
            for slot in _slots(line.text, position):
                if self.vocab.tier_of(slot.group(2)) is not None and not any(
                    c.words[0].start == line.start + slot.start(2) for c in self.claims
                ):
                    block.slots.append((line, slot))

    @staticmethod
    def _count(block: _TaskBlock, text: str) -> None:
        if '"""' not in text:
            if not block.in_quotes:
                block.depth += text.count("(") - text.count(")")
            return
        for index, part in enumerate(text.split('"""')):
            if index:
                block.in_quotes = not block.in_quotes
            if not block.in_quotes:
                block.depth += part.count("(") - part.count(")")

    def _close_block(self) -> None:
        block, self.block = self.block, None
        assert block is not None
        if not block.slots:
            return
        mentions = [m for m in self.vocab.mentions(block.intro) if m.role]
        for body_line in block.lines:  # "You are a write-agent", name: "implementer-1"
            lowered = body_line.text.lower()
            if "you" not in lowered and "name:" not in lowered:
                continue
            for named in pattern(_NAMED).finditer(body_line.text):
                mentions += [
                    m
                    for m in self.vocab.mentions(body_line.text, named.end())
                    if m.role and m.start == named.end()
                ]
        gates = {m.gate for m in mentions}
        if len(gates) != 1:
            return
        fallback = bool(pattern(_FALLBACK).search(block.intro))
        for line, slot in block.slots:
            tier = self.vocab.tier_of(slot.group(2))
            assert tier is not None
            self._task(line, slot, mentions[0], tier, fallback)

    # -- config keys ---------------------------------------------------------------------------

    def _find_headings(self, stripped: Sequence[str]) -> None:
        """The headings outside code fences, from the lines that open with "#", "```" or
        "~~~"; generated blocks' lines open and close nothing."""
        fence: str | None = None  # the opening of the code fence the lines are in
        opens = map(str.startswith, stripped, itertools.repeat(_OPENS))
        for index in itertools.compress(range(len(stripped)), opens):
            if index + 1 in self.skip_lines:
                continue
            line = stripped[index]
            if fence is not None:
                if line.startswith(fence):
                    fence = None
            elif line.startswith(("```", "~~~")):
                fence = line[:3]
            elif pattern(_HEADING).match(line):
                self.heading_lines.append(index + 1)
                self.headings.append(line)

    def _heading(self, number: int) -> str:
        """The last heading outside code fences on or above line ``number``."""
        if self.stripped is not None:
            self._find_headings(self.stripped)
            self.stripped = None
        at = bisect.bisect_right(self.heading_lines, number)
        return self.headings[at - 1] if at else ""

    def _heading_gate(self, number: int) -> Mention | None:
        """The gate the last heading is about: the one it opens with (`### Gate 3: LINT …`)."""
        heading = self._heading(number)
        named = self.vocab.mentions(heading)
        if not named or named[0].role or heading[: named[0].start].strip("# \t"):
            return None
        return named[0]

    def _section(self, number: int) -> set[str]:
        """The gates the last heading names."""
        return {m.gate for m in self.vocab.mentions(self._heading(number)) if not m.role}

    def _config_keys(self, line: Line, said: _Mentions) -> None:
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
            # Said of another gate (`Gate 3 LINT → entryModelReview (cheap)`, or under a LINT
            # heading): the key's tier is wrong, but so may be the key; no fix is sure.
            named = {m.gate for m in said.found if not m.role and m.end <= match.start()}
            other = bool((named or self._section(line.number)) - {gate})
            self.claims.append(
                Claim(KEY, line.number, gate, key, tuple(words), tier, primary=True, shared=other)
            )

    # -- gate arrows and llm_call.sh ------------------------------------------------------------

    def _arrows(self, line: Line, said: _Mentions, kind: int) -> None:
        text = line.text
        calls = kind & _SLOT and "--model" in text  # `llm_call.sh --model free`
        arrows = kind & _ARROW and '"' in text  # `→ always "cheap"`
        if not arrows and not calls:
            return
        mentions = said.found
        for mention in mentions if arrows else ():
            if mention.role:
                continue
            match = pattern(_ARROW_TIER).match(text, mention.end)
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
        if len(gates) != 1 or not calls:
            return
        for match in pattern(_CALL_MODEL).finditer(text):
            tier = self.vocab.tier_of(match.group(2))
            if tier is None or tier != match.group(2):
                continue
            word = Word(line.start + match.start(2), line.start + match.end(2), match.group(2))
            fallback = self._said_as_fallback(line, match.start())
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

    def _prices(self, line: Line) -> None:
        if line.text.count("$") < 2 or "/" not in line.text:
            return  # a price is `$IN / $OUT`: no need of the pattern (its compiling costs)
        for match in self.vocab.price_pattern.finditer(line.text):
            tier = self.vocab.tier_of(match.group(1))
            if tier is None:
                continue
            words = tuple(
                Word(line.start + match.start(g), line.start + match.end(g), match.group(g))
                for g in (3, 4)
            )
            self.claims.append(price_claim(line, match.group(1) + match.group(2), tier, words))

    # -- escalation ----------------------------------------------------------------------------

    def _escalation(self, line: Line, said: _Mentions, kind: int) -> None:
        text = line.text
        if kind & _ARROW and ("ARCH" in text or "SECURITY" in text):
            self._escalation_model(line)
        rules = self.vocab.spec.escalation.rules
        if not rules or not kind & (_FAIL | _SLOT):
            return
        fails = pattern(_FAILS).search(text) if kind & _FAIL else None
        rerun = kind & _SLOT and pattern(_RERUN).search(text) and pattern(_MODEL_SLOT).search(text)
        if fails is None and not rerun:
            return  # neither a threshold nor a re-run's tier
        mentions = said.found
        if not mentions:
            return
        gates = {m.gate for m in mentions}
        for rule in rules:
            failing = [m for m in mentions if m.gate in rule.when_fails and not m.role]
            if fails is not None and failing:
                count = pattern(_COUNT).search(text, fails.end())
                if count is not None:
                    word = Word(line.start + count.start(), line.start + count.end(), count[0])
                    self.claims.append(
                        Claim(
                            THRESHOLD,
                            line.number,
                            failing[0].gate,
                            self._subject(failing[0]),
                            (word,),
                            failures=_count_of(count),
                        )
                    )
            if rerun and rule.reroute in gates:
                for match in _slots(text):
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

    def _escalation_model(self, line: Line) -> None:
        """``ARCH tags (→ frontier model)``: tagged tickets go to the escalation model."""
        if self.vocab.spec.escalation.model is None:
            return
        text = line.text
        tag = pattern(_TAG).search(text)
        arrows = (
            [p for p in (text.find("→", tag.end()), text.find("->", tag.end())) if p >= 0]
            if tag
            else []
        )
        if not arrows:
            return
        arrow = min(arrows)
        for match in [pattern(_TAGGED_TIER).match(text, arrow + (1 if text[arrow] == "→" else 2))]:
            if match is None:
                continue
            tier = self.vocab.tier_of(match.group(1))
            if tier is None:
                continue
            word = Word(line.start + match.start(1), line.start + match.end(1), match.group(1))
            subject = "ARCH / SECURITY tickets"
            self.claims.append(Claim(ESCALATION_MODEL, line.number, None, subject, (word,), tier))

    # -- tables --------------------------------------------------------------------------------


def _slots(text: str, start: int = 0) -> list[re.Match[str]]:
    """The model slots of ``text`` from ``start`` on, at most MAX_PER_LINE: ``_MODEL_SLOT``'s
    matches, tried only where ``model`` is."""
    found: list[re.Match[str]] = []
    at = text.find("model", start)
    while at >= 0 and len(found) < MAX_PER_LINE:
        slot = pattern(_MODEL_SLOT).match(text, at)
        if slot is not None:
            found.append(slot)
        at = text.find("model", at + 1 if slot is None else slot.end())
    return found


def _uses(text: str, end: int) -> re.Match[str] | None:
    """``uses`` right before ``end`` (``write-agents use Sonnet``): ``_USES`` can only match
    on the word before the spaces that end ``text[:end]``."""
    return pattern(_USES).search(text, max(0, len(text[:end].rstrip()) - 4), end)


def _to(text: str, end: int) -> re.Match[str] | None:
    """``to`` right before ``end`` (``pass the errors to Sonnet``)."""
    return pattern(_TO_BEFORE).search(text, max(0, len(text[:end].rstrip()) - 2), end)


def _said_as_fallback(text: str, position: int) -> bool:
    """`fallback` shortly before ``position``, in the same table cell: `fallback to Task(…)`."""
    window = text[max(0, position - 40) : position]
    return bool(pattern(_FALLBACK).search(window.rpartition("|")[2]))


def _in_list(text: str, match: re.Match[str]) -> bool:
    """A model word in a list of models: `Ollama/Haiku/Sonnet`."""
    before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
    return "/" in (before, after)


def _other_agents(text: str, start: int, named: Sequence[Mention]) -> bool:
    """An agent named after ``start`` that is none of the mentions: `analysis subagents`."""
    return any(
        not any(m.start <= agent.start() < m.end for m in named)
        for agent in itertools.islice(pattern(_AGENT).finditer(text, start), MAX_PER_LINE)
    )


def _alone(text: str, slot: re.Match[str]) -> bool:
    """The model slot is the only thing on its line (a trailing comma and comment aside)."""
    rest = text[slot.end() :].strip()
    return not text[: slot.start()].strip() and (not rest or rest[0] in ",(#")


def _in_slot(text: str, match: re.Match[str]) -> bool:
    """A model word that is the value of a ``model:`` slot (read as a slot, not as prose)."""
    return bool(pattern(_SLOT_BEFORE).search(text[max(0, match.start() - WINDOW) : match.start()]))


def _count_of(match: re.Match[str]) -> int:
    words = match.group(1).lower()
    if words.startswith("more"):
        return 2
    if match.group(2):
        number = match.group(2).lower()
        return int(number) if number.isdigit() else _COUNT_WORDS[number]
    return _COUNT_WORDS[words]
