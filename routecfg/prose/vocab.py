"""The words a skill's prose uses for the spec's routing, and what each one means.

A tier is named by its key (``cheap``), its ``task_model`` (``haiku``) and its ``names``
(``Claude Haiku 4.5``; by default the task model capitalized, with and without ``Claude``, and
``Ollama`` for an Ollama model). A gate is named by its title (``Gate 4 REVIEW``: also ``Gate 4``
and the upper-case ``REVIEW``), a few aliases (``wave plan``) and its ``roles`` (by default the
backlog toolkit's: implementers and investigators work on IMPLEMENT's model, write-agents on the
write-agent gate's …). A word two tiers or two gates claim means nothing: the lint stays silent
rather than guess.
"""

# Annotations evaluated where written (no `from __future__ import annotations`): a NamedTuple
# compiles each field's annotation given as a string, a cost at every cold start.
import functools
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from routecfg.model import Gate, RoutingSpec, Tier

# The backlog toolkit's words for who runs on a gate's model, for a gate without `roles`.
DEFAULT_ROLES: Mapping[str, tuple[str, ...]] = {
    "implement": ("implementer", "investigator"),
    "review": ("reviewer", "code-reviewer", "review subagent"),
    "write_agent": ("write-agent", "write agent"),
    "wave_plan": ("wave planning subagent",),
}
# Other names of the backlog toolkit's gates, besides their titles.
DEFAULT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "wave_plan": ("wave planning", "wave plan"),
    "commit": ("commit message", "commit msg"),
    "classify": ("classification", "classify", "triage"),
}
# Routing keys an older backlog config used, still written by upstream's init skill:
# read only in JSON (`"reviewModel": "cheap"`), for gates the spec has.
LEGACY_KEYS: Mapping[str, str] = {
    "defaultGenerationModel": "implement",
    "planningModel": "plan",
    "reviewModel": "review",
    "lintModel": "lint",
}
_NUMBER = r"(?i:gate)\s*:?\s*(\d+)\b"


# Characters that match an ASCII letter case-insensitively without lower-casing to it (İ ı ſ K):
# where one occurs, lower-cased text cannot show where a name is.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


class _Name:
    """One way to name a gate; ``gate`` None: by number (`Gate 4`), looked up by the title."""

    __slots__ = ("_pattern", "folded", "gate", "head", "role", "source")

    def __init__(
        self, source: str, gate: str | None, role: bool, head: str = "", folded: bool = False
    ) -> None:
        self.source = source  # compiled where a word starts with the name's first four letters
        self.gate = gate
        self.role = role
        # What every match starts with (its first word, lower-cased if ``folded``: matched in
        # any case); "" when unknown. Tested first: most words are no name, and compiling the
        # pattern costs more than a check.
        self.head = head
        self.folded = folded
        self._pattern: re.Pattern[str] | None = None

    def may_start(self, text: str, at: int, plain: bool) -> bool:
        """Whether a match may start at ``at`` (``plain``: ``text`` holds no FOLDS_TO_ASCII)."""
        if not self.head:
            return True
        if not self.folded:
            return text.startswith(self.head, at)
        return not plain or text[at : at + len(self.head)].lower() == self.head

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            self._pattern = re.compile(self.source)
        return self._pattern


_GATE_NUMBER = re.compile(r"^Gate\s+(\d+)\b\s*(.*)$", re.IGNORECASE)
_VERSION = r"(?:[ -]v?\d+(?:\.\d+)*)?"


class Mention(NamedTuple):
    """A gate named in the text: by title, number, upper-case name or role."""

    start: int
    end: int
    gate: str
    text: str
    role: bool  # named by a role (an agent), not by the gate's title


class Vocabulary(NamedTuple):
    spec: RoutingSpec
    tier_words: Mapping[str, str]  # lower-cased tier key, task model or name -> tier
    model_words: str  # a task model or a name, in running text (``model_word``)
    names: str  # a tier's name (group 1) and a version (group 2) (``name_pattern``)
    gate_names: Mapping[str, tuple[_Name, ...]]  # first four letters -> ways to name a gate
    name_start: re.Pattern[str]  # a word starting with the first four letters of a gate's name
    number_gates: Mapping[str, str]  # "4" -> review
    config_keys: Mapping[str, str]  # config key -> gate
    keys: str  # a config key, then its tier in parentheses or as JSON (``key_pattern``)
    json_keys: Mapping[str, str]  # key read in JSON only (legacy names) -> gate
    prices: str  # `Haiku in=$0.80/out=$4`, `Haiku $1/$5` (``price_pattern``)
    # One lower-case word of each model name, found in lower-cased text wherever ``model_word``
    # matches; None when a name is not plain ASCII (then lower-casing proves nothing).
    model_pieces: tuple[str, ...] | None
    tier_pieces: tuple[str, ...] | None  # the tiers' keys, lower-cased, likewise
    key_needles: tuple[str, ...]  # what every config key (and legacy key) contains

    # The patterns, compiled where a text first needs them.
    @property
    def model_word(self) -> re.Pattern[str]:
        return pattern(self.model_words)

    @property
    def name_pattern(self) -> re.Pattern[str]:
        return pattern(self.names)

    @property
    def key_pattern(self) -> re.Pattern[str]:
        return pattern(self.keys)

    @property
    def price_pattern(self) -> re.Pattern[str]:
        return pattern(self.prices)

    def tier_of(self, word: str) -> str | None:
        """The tier a word names: its key, its task model or one of its names."""
        return self.tier_words.get(_normal(word))

    def mentions(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Every gate named in ``text[start:end]``, by position; overlaps keep the longer."""
        found: list[Mention] = []
        stop = len(text) if end is None else end
        after = start  # the end of the last mention: names do not overlap
        plain = text.isascii() or not any(c in text for c in FOLDS_TO_ASCII)
        # Only a word starting with a name's first four letters is tried with the names.
        for word in self.name_start.finditer(text, start, stop):
            if word.start() < after:
                continue
            for name in self.gate_names.get(word.group(0).lower(), ()):
                if not name.may_start(text, word.start(), plain):
                    continue
                match = name.pattern.match(text, word.start(), stop)
                if match is None:
                    continue
                gate = name.gate
                if gate is None:  # `Gate 4`: the gate whose title has that number
                    gate = self.number_gates.get(match.group(1))
                    if gate is None:
                        continue
                found.append(Mention(match.start(), match.end(), gate, match.group(0), name.role))
                after = match.end()
                break
        return found

    def may_name(self, text: str, at: int) -> bool:
        """Whether a gate's name may start at ``at``: mentions start with a known four letters."""
        return text[at : at + 4].lower() in self.gate_names

    def gate(self, name: str) -> Gate:
        return self.spec.gates[name]

    def tier(self, name: str) -> Tier:
        return self.spec.tiers[name]


def vocabulary(spec: RoutingSpec) -> Vocabulary:
    tier_words = _unambiguous(
        (word, tier.name)
        for tier in spec.tiers.values()
        for word in (tier.name, tier.task_model, *tier_names(tier))
        if word
    )
    names = sorted(
        {w for t in spec.tiers.values() for w in (t.task_model, *tier_names(t)) if w},
        key=len,
        reverse=True,
    )
    names = [n for n in names if _normal(n) in tier_words]
    gate_names = _gate_names(spec)
    config_keys = {g.config_key: g.name for g in spec.gates.values() if g.config_key}
    json_keys = {
        key: gate
        for key, gate in LEGACY_KEYS.items()
        if gate in spec.gates and key not in config_keys
    }
    spelled: dict[str, str] = {}  # matched ignoring case, `sonnet` and `Sonnet` are one
    for name in names:
        alternative = re.escape(name).replace(r"\ ", r"\s+")
        spelled.setdefault(alternative.lower(), alternative)
    alternatives = "|".join(spelled.values()) or "(?!)"
    name_pattern = rf"(?i)(?<![\w-])({alternatives})({_VERSION})(?![\w.])"
    return Vocabulary(
        spec=spec,
        tier_words=tier_words,
        model_words=rf"(?i)(?<![\w-])(?:{alternatives})(?![\w-])",
        names=name_pattern,
        gate_names=gate_names,
        name_start=re.compile(rf"(?<![\w-])(?ai:{'|'.join(sorted(gate_names))})"),
        number_gates=_unambiguous(
            (number, gate.name)
            for gate in spec.gates.values()
            if (number := _title_number(gate.title)) is not None
        ),
        config_keys=config_keys,
        keys=_key_pattern(config_keys, json_keys),
        json_keys=json_keys,
        prices=rf"{name_pattern}\s*:?\s*(?:in\s*=\s*)?\$(\d+(?:\.\d+)?)\s*/\s*"
        rf"(?:out\s*=\s*)?\$(\d+(?:\.\d+)?)",
        model_pieces=_pieces(names),
        tier_pieces=_pieces(spec.tiers),
        key_needles=_common_part((*config_keys, *json_keys)),
    )


def _common_part(words: tuple[str, ...]) -> tuple[str, ...]:
    """Fewer strings to search for, one of which every word contains: the words' longest common
    part of five characters or more (``Model`` in ``entryModelPlan``, ``reviewModel``), or
    else the words themselves."""
    if len(words) < 2:
        return words
    shortest = min(words, key=len)
    for size in range(len(shortest), 4, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start : start + size]
            if all(part in word for word in words):
                return (part,)
    return words


def _pieces(names: Iterable[str]) -> tuple[str, ...] | None:
    """A word of each name (the longest) that every match of the name contains, lower-cased:
    ``Claude Haiku 4.5`` → ``claude``, unless a shorter name's word already covers it."""
    pieces: set[str] = set()
    for name in sorted(names, key=lambda n: len(n.split(" "))):
        words = [w.lower() for w in name.split(" ") if w]
        if not words or not all(w.isascii() for w in words):
            return None
        if not pieces.intersection(words):
            pieces.add(max(words, key=len))
    return tuple(sorted(pieces))


def _key_pattern(config_keys: Mapping[str, str], json_keys: Mapping[str, str]) -> str:
    """``entryModelReview (cheap)``, ``entryModelPlan (default: "free" …)``,
    ``"entryModelReview": "cheap"``: group 1 or 5 the key, 2 and 3 or 4 or 6 the tier words."""
    keys = "|".join(re.escape(k) for k in sorted(config_keys, key=len, reverse=True)) or "(?!)"
    legacy = "|".join(re.escape(k) for k in sorted(json_keys, key=len, reverse=True)) or "(?!)"
    return (
        rf"(?<![\w])({keys})\b`?"
        rf"(?:\s*\(\s*(?:default:\s*)?\"?([A-Za-z]+)\"?(?:\s*/\s*([A-Za-z]+))?"
        rf"|\"\s*:\s*\"([A-Za-z]+)\")"
        rf"|\"({legacy})\"\s*:\s*\"([A-Za-z]+)\""
    )


@functools.lru_cache(maxsize=1024)  # bounded: a long-lived process may see many specs
def pattern(source: str) -> re.Pattern[str]:
    """``source`` compiled on first use: what only some texts need costs nothing elsewhere."""
    return re.compile(source)


def tier_names(tier: Tier) -> tuple[str, ...]:
    """The names prose uses for a tier's model: declared, or derived from its task model."""
    if tier.names:
        return tier.names
    if tier.task_model:
        word = tier.task_model.capitalize()
        return (word, f"Claude {word}")
    if tier.model.startswith(("ollama/", "ollama_chat/")):
        return ("Ollama",)
    return ()


def gate_roles(gate: Gate) -> tuple[str, ...]:
    return gate.roles or DEFAULT_ROLES.get(gate.name, ())


def _gate_names(spec: RoutingSpec) -> dict[str, tuple[_Name, ...]]:
    """Every way the spec's gates are named, keyed by the first four letters (lower-cased),
    longest first (a role before a title of the same length), so that at each place the longest
    name wins: `wave planning subagents` over `wave planning`."""
    phrases: list[tuple[str, str, bool, bool]] = []  # phrase, gate, is a role, case-sensitive
    for gate in spec.gates.values():
        number = _GATE_NUMBER.match(gate.title)
        if number is None:
            phrases.append((gate.title, gate.name, False, False))
        else:
            for word in re.findall(r"\b[A-Z]{3,}\b", number.group(2)):
                phrases.append((word, gate.name, False, True))
        aliases = DEFAULT_ALIASES.get(gate.name, ())
        phrases.extend((alias, gate.name, False, False) for alias in aliases)
        phrases.extend((role, gate.name, True, False) for role in gate_roles(gate))
    owners: dict[tuple[str, bool], set[str]] = {}
    for phrase, gate_name, _, sensitive in phrases:
        owners.setdefault(_phrase_key(phrase, sensitive), set()).add(gate_name)
    names: dict[str, list[_Name]] = {"gate": [_Name(_NUMBER, None, False)]}
    seen: set[tuple[str, bool]] = set()
    # A role takes a plural `s` the length does not show: `write-agent` reads `Write-agents`.
    for phrase, gate_name, role, sensitive in sorted(
        phrases, key=lambda p: (-len(p[0]) - p[2], not p[2])
    ):
        key = _phrase_key(phrase, sensitive)
        start = phrase[:4]  # a name is found by the four letters it starts with
        if (
            len(owners[key]) > 1
            or key in seen
            or not (len(start) == 4 and start.isascii() and start.isalpha())
        ):
            continue
        seen.add(key)
        body = re.escape(phrase).replace(r"\ ", r"\s+")
        if not sensitive:
            suffix = r"(?:s|-N|-\d+|-\{\w*\})?" if role else r"s?"
            body = f"(?i:{body}){suffix}"
        pattern = rf"{body}(?![\w-])"
        head = phrase.partition(" ")[0]  # a space is `\s+`; the rest is matched as written
        head, folded = (head.lower(), True) if not sensitive else (head, False)
        if not head.isascii():
            head = ""  # other characters may match in more ways than lower-casing shows
        name = _Name(pattern, gate_name, role, head, folded)
        names.setdefault(phrase[:4].lower(), []).append(name)
    return {prefix: tuple(found) for prefix, found in names.items()}


def _phrase_key(phrase: str, sensitive: bool) -> tuple[str, bool]:
    return (phrase if sensitive else phrase.lower(), sensitive)


def _title_number(title: str) -> str | None:
    match = _GATE_NUMBER.match(title)
    return match.group(1) if match else None


def _normal(word: str) -> str:
    return " ".join(word.lower().split())


def _unambiguous(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    owners: dict[str, set[str]] = {}
    for word, owner in pairs:
        owners.setdefault(_normal(word), set()).add(owner)
    return {word: next(iter(o)) for word, o in owners.items() if len(o) == 1}
