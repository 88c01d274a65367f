"""The prose lint: each claim of a skills target judged against the spec.

``lint(spec, text, path)`` returns one :class:`Finding` per contradicting claim: a diagnostic at
the claim's ``file:line:col`` in the spec's words, and the edits that make it true when the right
text is unambiguous (:mod:`routecfg.prose.fix` applies them). Generated blocks are not prose and
are skipped; code fences are read like any other line. A deliberate mention is silenced with
``<!-- routecfg:ignore RC800 -->`` on its line or the line above (no code: every prose code), or
in the spec's ``prose.ignore``.
"""

# Annotations evaluated where written (no `from __future__ import annotations`): a NamedTuple
# compiles each field's annotation given as a string, a cost at every cold start.
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import Gate, RoutingSpec, Tier
from routecfg.prose import records as c
from routecfg.prose.claims import find_claims
from routecfg.prose.vocab import Vocabulary, pattern, tier_names, vocabulary

TASK_MODEL = "RC800"
CONFIG_KEY = "RC801"
GATE_ARROW = "RC802"
PRICE = "RC803"
THRESHOLD = "RC804"
TARGET = "RC805"
ESCALATION_MODEL = "RC806"
CODES = {
    c.TASK: TASK_MODEL,
    c.KEY: CONFIG_KEY,
    c.ARROW: GATE_ARROW,
    c.PRICE: PRICE,
    c.THRESHOLD: THRESHOLD,
    c.TARGET: TARGET,
    c.ESCALATION_MODEL: ESCALATION_MODEL,
}
_IGNORE = r"<!--\s*routecfg:ignore\b([^>]*?)-->"  # compiled where a text has one


class Edit(NamedTuple):
    start: int
    end: int
    text: str


class Finding(NamedTuple):
    diagnostic: Diagnostic
    edits: tuple[Edit, ...]  # empty: not fixable

    @property
    def fixable(self) -> bool:
        return bool(self.edits)


_VOCABULARIES: list[tuple[RoutingSpec, Vocabulary]] = []


def lint(spec: RoutingSpec, text: str, path: str) -> tuple[Finding, ...]:
    """Every claim in ``text`` (the skills target ``path``) that contradicts ``spec``."""
    vocab = _vocabulary(spec)
    findings: dict[int, Finding] = {}
    for claim, _ in claims_read(spec, text, path):
        if claim.start in findings:
            continue
        finding = _judge(vocab, claim, path, text)
        if finding is not None:
            findings[claim.start] = finding
    return tuple(sorted(findings.values(), key=lambda f: f.diagnostic.sort_key()))


def claims_read(spec: RoutingSpec, text: str, path: str) -> Iterator[tuple[c.Claim, str]]:
    """Each claim of ``text`` the lint reads, with its code: outside generated blocks, and not
    silenced by an ignore comment or by ``prose.ignore``. The cost line's "before" reads the
    same claims (:mod:`routecfg.prose.stated`)."""
    if _silenced(spec, path, None):
        return
    ignored = _ignored_lines(text)
    for claim in find_claims(text, _vocabulary(spec), _generated_lines(text, path)):
        code = CODES[claim.kind]
        codes = ignored.get(claim.line)
        if (codes is not None and (not codes or code in codes)) or _silenced(spec, path, code):
            continue
        yield claim, code


def _vocabulary(spec: RoutingSpec) -> Vocabulary:
    """One vocabulary per spec: every skills target of a check shares it."""
    if _VOCABULARIES and _VOCABULARIES[0][0] is spec:
        return _VOCABULARIES[0][1]
    vocab = vocabulary(spec)
    _VOCABULARIES[:] = [(spec, vocab)]
    return vocab


def _silenced(spec: RoutingSpec, path: str, code: str | None) -> bool:
    for entry in spec.prose.ignore:
        where, _, what = entry.rpartition(":") if ":" in entry else ("", "", entry)
        if not where and what.startswith("RC"):
            if code is not None and what == code:
                return True
        elif (where == path and what == code) or entry == path:
            return True
    return False


def _generated_lines(text: str, path: str) -> frozenset[int]:
    """The lines of generated blocks, markers included: routecfg wrote them."""
    if "routecfg:" not in text:  # every marker says so: no marker, no block to read around
        return frozenset()
    from routecfg.targets import markers

    try:
        blocks = markers.find_blocks(text, path)
    except RoutecfgError:  # broken markers are the renderer's to report; read every line
        return frozenset()
    return frozenset(n for b in blocks for n in range(b.begin_line, b.end_line + 1))


def _ignored_lines(text: str) -> dict[int, frozenset[str]]:
    """Line -> codes silenced there (empty: every code), from ignore comments on or above it."""
    ignored: dict[int, frozenset[str]] = {}
    if "routecfg:ignore" not in text:
        return ignored
    for line in c.iter_lines(text):
        for match in pattern(_IGNORE).finditer(line.text):
            codes = frozenset(re.findall(r"RC\d{3}", match.group(1)))
            for number in (line.number, line.number + 1):
                previous = ignored.get(number)
                merged = (
                    codes
                    if previous is None
                    else (previous | codes if previous and codes else frozenset())
                )
                ignored[number] = merged
    return ignored


# --- judging one claim ---------------------------------------------------------------------------


def _judge(vocab: Vocabulary, claim: c.Claim, path: str, text: str) -> Finding | None:
    spec = vocab.spec
    if claim.kind == c.PRICE:
        return _judge_price(vocab, claim, path, text)
    if claim.kind == c.ESCALATION_MODEL:
        return _judge_escalation_model(vocab, claim, path, text)
    assert claim.gate is not None
    gate = spec.gates[claim.gate]
    if claim.kind in (c.THRESHOLD, c.TARGET):
        return _judge_escalation(vocab, claim, gate, path, text)
    assert claim.tier is not None
    if claim.fallback:
        if not gate.fallback:
            return None  # the spec does not say what the gate falls back to
        allowed: tuple[str, ...] = gate.fallback
    elif claim.primary:
        allowed = (gate.tier,)
    else:
        allowed = (gate.tier, *gate.fallback)
    if claim.tier in allowed:
        return None
    target = _target_tier(spec, claim, gate, allowed)
    word = claim.words[0]
    said = _said(word.text, claim.tier)
    route = _route(spec, gate)
    if claim.kind == c.KEY:
        key = f" ({claim.subject})" if claim.subject == gate.config_key else ""
        message = f"says {claim.subject} is {said}; the spec routes {gate.title}{key} to {route}"
    else:
        plural = claim.kind == c.TASK and claim.subject.lower().endswith("s")
        verb = "falls back to" if claim.fallback else "run on" if plural else "runs on"
        subject = claim.subject
        message = f"says {subject} {verb} {said}; the spec routes "
        message += f"it to {route}" if subject == gate.title else f"{gate.title} to {route}"
    edits = _word_edits(vocab, claim, target) if target is not None and not claim.shared else ()
    if claim.call and target is not None and spec.tiers[target].task_model:
        edits = ()  # llm_call.sh reaches text-only tiers; a Task tier needs another mechanism
    want = " / ".join(e.text for e in edits)
    if not want and claim.kind == c.KEY and claim.shared:
        want = f"{claim.subject}'s tier {gate.tier}, or name the key of the gate it speaks of"
    return _finding(claim, path, text, message, edits, want or _plain_route(spec, gate))


def _target_tier(
    spec: RoutingSpec, claim: c.Claim, gate: Gate, allowed: tuple[str, ...]
) -> str | None:
    """The tier a fix writes: the gate's own, or for a Task model its first tier reachable by
    Task (a local gate's cloud fallback)."""
    if claim.kind == c.TASK:
        for name in allowed:
            if spec.tiers[name].task_model:
                return name
        return None
    return allowed[0]


def _word_edits(vocab: Vocabulary, claim: c.Claim, target: str) -> tuple[Edit, ...]:
    edits = []
    new_tier = vocab.spec.tiers[target]
    for word in claim.words:
        old_tier = vocab.spec.tiers[claim.tier or ""]
        replacement = _same_kind_word(word.text, old_tier, new_tier)
        if replacement is None:
            return ()
        edits.append(Edit(word.start, word.end, _styled(replacement, word.text)))
    return tuple(edits)


def _same_kind_word(word: str, old: Tier, new: Tier) -> str | None:
    """The new tier's word of the kind ``word`` is for the old one: key, task model or name."""
    lowered = " ".join(word.lower().split())
    if lowered == old.name.lower():
        return new.name
    if old.task_model and lowered == old.task_model.lower():
        return new.task_model
    old_names = [n.lower() for n in tier_names(old)]
    new_names = tier_names(new)
    if lowered in old_names and len(old_names) == len(new_names):
        return new_names[old_names.index(lowered)]
    return None


def _styled(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    if like.islower():
        return word.lower()
    return word


def _said(word: str, tier: str) -> str:
    return word if word.lower() == tier.lower() else f"{word} ({tier})"


def _describe(tier: Tier) -> str:
    return f"{tier.name} ({tier.task_model or 'llm_call.sh'})"


def _route(spec: RoutingSpec, gate: Gate) -> str:
    route = _describe(spec.tiers[gate.tier])
    if gate.fallback:
        route += ", falling back to " + ", ".join(_describe(spec.tiers[f]) for f in gate.fallback)
    return route


def _plain_route(spec: RoutingSpec, gate: Gate) -> str:
    return f"the spec's {_route(spec, gate)}"


def _judge_price(vocab: Vocabulary, claim: c.Claim, path: str, text: str) -> Finding | None:
    assert claim.tier is not None
    tier = vocab.spec.tiers[claim.tier]
    expected = (tier.price.input, tier.price.output)
    if all(a == b for a, b in zip(claim.prices, expected, strict=True)):
        return None
    said = " in / ".join(f"${w.text}" for w in claim.words) + " out"
    want = " / ".join(f"${_money(e)}" for e in expected)
    message = f"says {claim.subject} costs {said} per MTok; the spec prices {tier.name}"
    message += f" ({tier.model}) at {want}"
    edits = tuple(
        Edit(w.start, w.end, _amount(e, w.text))
        for w, e, p in zip(claim.words, expected, claim.prices, strict=True)
        if e != p
    )
    other = _other_version(claim.subject, tier.model)
    if other is None:
        return _finding(claim, path, text, message, edits, want)
    # The line prices the model it names (`Claude Opus 4 | $15.00 | $75.00`), right for that
    # version; the tier runs another. The fix writes the tier's price, not the name.
    named, runs = other
    message += f", and its model is {runs}, not {named}"
    hint = (
        f"fixable: `routecfg build --fix` writes {want} but leaves the name: make it {runs}; "
        f"if the line means {named} itself, <!-- routecfg:ignore {PRICE} --> on or above the "
        "line marks a deliberate mention"
    )
    return _finding(claim, path, text, message, edits, want, hint)


_FAMILIES = "opus|sonnet|haiku"
# ``Claude Opus 4``, ``Haiku 3.5``; in model ids ``claude-opus-4-6-v1`` (4.6),
# ``claude-haiku-4-5-20251001`` (4.5), ``claude-sonnet-4-20250514`` (4), ``claude-3-5-haiku`` (3.5);
# a date after the family is no version (``claude-3-5-sonnet-20241022``).
_NAMED_VERSION = rf"(?i)\b({_FAMILIES})\s+(\d+(?:\.\d+)?)\b"
_ID_VERSION = rf"(?i)(?:\b|_)({_FAMILIES})-(\d{{1,2}})(?:-(\d)(?!\d))?(?![\d.])"
_ID_VERSION_FIRST = rf"(?i)claude-(\d+)(?:-(\d))?-({_FAMILIES})\b"


def _other_version(subject: str, model: str) -> tuple[str, str] | None:
    """(what the line names, what the tier runs), e.g. ("Opus 4", "Opus 4.6"), when the line
    names a version of the tier's model family and the tier's model id is another version."""
    named = pattern(_NAMED_VERSION).search(subject)
    if named is None:
        return None
    family, version = named[1].lower(), named[2]
    found = pattern(_ID_VERSION).search(model)
    if found is not None:
        runs_family, runs = found[1].lower(), found[2] + (f".{found[3]}" if found[3] else "")
    else:
        first = pattern(_ID_VERSION_FIRST).search(model)
        if first is None:
            return None
        runs_family, runs = first[3].lower(), first[1] + (f".{first[2]}" if first[2] else "")
    if runs_family != family or runs == version:
        return None
    word = named[1]
    return f"{word} {version}", f"{word} {runs}"


def _judge_escalation_model(
    vocab: Vocabulary, claim: c.Claim, path: str, text: str
) -> Finding | None:
    model = vocab.spec.escalation.model
    assert model is not None
    assert claim.tier is not None
    if claim.tier == model:
        return None
    tier = vocab.spec.tiers[model]
    said = _said(claim.words[0].text, claim.tier)
    message = f"says {claim.subject} escalate to {said}; the spec's escalation model is "
    message += _describe(tier)
    edits = _word_edits(vocab, claim, model)
    return _finding(claim, path, text, message, edits, " / ".join(e.text for e in edits))


def _judge_escalation(
    vocab: Vocabulary, claim: c.Claim, gate: Gate, path: str, text: str
) -> Finding | None:
    spec = vocab.spec
    for rule in spec.escalation.rules:
        if claim.kind == c.THRESHOLD and gate.name in rule.when_fails:
            if claim.failures == rule.after:
                return None
            times = "failure" if rule.after == 1 else f"{rule.after} failures"
            message = (
                f"says {gate.title} escalates when it fails {claim.words[0].text}; "
                f"the spec's escalation rule waits for {times}"
            )
            hint_want = f"escalation after {times} (escalation.rules: after: {rule.after})"
            return _finding(claim, path, text, message, (), hint_want)
        if claim.kind == c.TARGET and gate.name == rule.reroute:
            if claim.tier == rule.to:
                return None
            assert claim.tier is not None
            said = _said(claim.words[0].text, claim.tier)
            to = _describe(spec.tiers[rule.to])
            message = (
                f"says an escalation re-runs {gate.title} on {said}; "
                f"the spec's escalation rule re-runs it on {to}"
            )
            return _finding(claim, path, text, message, (), to)
    return None


def _finding(
    claim: c.Claim,
    path: str,
    text: str,
    message: str,
    edits: tuple[Edit, ...],
    want: str,
    hint: str | None = None,
) -> Finding:
    code = CODES[claim.kind]
    start = claim.words[0].start
    column = start - text.rfind("\n", 0, start)  # 1-based
    if hint is None:
        silence = f"<!-- routecfg:ignore {code} --> on or above the line marks a deliberate mention"
        if edits:
            hint = f"fixable: `routecfg build --fix` writes {want}; {silence}"
        else:
            hint = f"not fixable automatically: make the line say {want}; {silence}"
    diagnostic = Diagnostic(path, claim.line, column, Severity.ERROR, code, message, hint)
    return Finding(diagnostic, edits)


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _amount(value: Decimal, like: str) -> str:
    """``value`` written like ``like``: as many decimals (``$0.80`` → ``1.00``, ``$4`` → ``5``),
    more only when the value needs them (``5.50``)."""
    decimals = len(like.partition(".")[2])
    normalized = value.normalize()
    needed = max(0, -normalized.as_tuple().exponent)  # type: ignore[operator]
    places = max(decimals, needed)
    if needed and decimals == 0:
        places = max(2, needed)
    return f"{value:.{places}f}"
