"""What a block template sees, in the spec's words: printed by `routecfg templates`, and used to
turn a template's failure into a message about the spec (never a Python class name).

Every variable of the context and every field of the records it holds is described here; a test
keeps this list equal to what :func:`routecfg.targets.markdown` really passes.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping

from routecfg import model, tables
from routecfg.diagnostics import did_you_mean


@dataclasses.dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # in words: "list of routing rows"
    says: str


@dataclasses.dataclass(frozen=True)
class Record:
    """A kind of value a template meets, named as the spec would name it."""

    cls: type
    words: str  # "a routing row"
    where: str  # how a template reaches one
    fields: Mapping[str, str]  # field -> what it holds


VARIABLES = (
    Variable("routing", "list of routing rows", "one per gate, in the spec's gate order"),
    Variable(
        "route_groups",
        "list of route groups",
        "the routing rows grouped by the route of their own tier, in order of first use",
    ),
    Variable("prices", "list of price rows", "one per tier, in the spec's tier order"),
    Variable("escalations", "list of escalation rows", "one per rule of escalation.rules"),
    Variable(
        "escalation_model",
        "route, or none",
        "how skills reach escalation.model; none when the spec sets no escalation model",
    ),
    Variable("escalation", "the escalation section", "escalation as the spec writes it"),
    Variable("tiers", "mapping: tier name -> tier", "tiers as the spec writes them"),
    Variable("gates", "mapping: gate name -> gate", "gates as the spec writes them"),
    Variable("proxy", "the proxy section", "proxy as the spec writes it"),
    Variable("display", "mapping: tier name -> text", "each tier's model as people say it (Haiku)"),
    Variable(
        "in_fence",
        "true or false",
        "whether the block sits inside a code fence (then a template writes no fence of its own)",
    ),
    Variable(
        "gate",
        "routing row",
        "a block parameter: gate=NAME on the begin marker gives that gate's routing row",
    ),
)

OTHER_PARAMETERS = (
    "Any other name a template reads that is not above is a block parameter: the begin marker "
    "must give it (KEY=VALUE), and it arrives as text."
)

FILTERS = {
    "money": "an amount in USD as the tables print it ($1.00, $0.10); none becomes —",
    "cell": "a value made safe in a Markdown table cell: one line, pipes escaped",
}

_ROUTE_FIELDS = {
    "tier": "the tier's name",
    "model": "the model as people say it: Haiku, Ollama",
    "mechanism": 'how skills reach it: Task(model: "haiku") or llm_call.sh --model free',
    "task_model": "the tier's task_model, or none",
    "is_shell": "true when reached through llm_call.sh (no task_model)",
    "markdown": "the mechanism as Markdown, a command in a code span",
}

RECORDS = (
    Record(
        tables.RoutingRow,
        "a routing row",
        "an item of `routing`, or `gate` in a gate=NAME block",
        {
            "gate": "the gate's name (its key under gates)",
            "title": "the gate's title",
            "tier": "the gate's tier",
            "route": "a route: how skills reach the gate's tier",
            "fallbacks": "list of routes: the gate's fallback tiers, in order",
            "fallback_template": "the gate's fallback_template, or none",
            "config_key": "the gate's config_key, or none",
            "needs_note": 'e.g. "needs tool_use", when a need rules out every cheaper tier',
            "roles": "list of the gate's roles",
            "roles_text": "the roles in words: implementers, investigators and write-agents",
            "note": "the gate's note, or none",
            "model": "the Model column of the seed's table: Ollama → Haiku fallback",
            "mechanism": "the Mechanism column as plain text",
            "mechanism_markdown": "the Mechanism column as Markdown",
            "fallback_steps": "list of what is tried after the tier fails, as text",
            "fallback_steps_markdown": "the same as Markdown",
        },
    ),
    Record(
        tables.Route, "a route", "a row's `route`, `fallbacks`, a group's `route`", _ROUTE_FIELDS
    ),
    Record(
        tables.RouteGroup,
        "a route group",
        "an item of `route_groups`",
        {
            "route": "the route its gates share",
            "gates": "list of the routing rows on it",
            "roles": "every role of its gates, each once",
            "roles_text": "those roles in words",
        },
    ),
    Record(
        tables.PriceRow,
        "a price row",
        "an item of `prices`",
        {
            "tier": "the tier's name",
            "model": "the model as people say it",
            "litellm_model": "the tier's model as LiteLLM names it",
            "input": "USD per million input tokens",
            "output": "USD per million output tokens",
            "cache_read": "USD per million cached input tokens read, or none",
            "cache_write": "USD per million input tokens written to the cache, or none",
        },
    ),
    Record(
        tables.EscalationRow,
        "an escalation row",
        "an item of `escalations`",
        {
            "trigger": "the rule in words: Haiku fails Gate 3 LINT or Gate 4 REVIEW more than once",
            "failing_model": "the model that fails, as people say it",
            "failed_gates": "list of the titles of the gates in when_fails",
            "after": "the rule's after",
            "reroute": "the title of the gate re-run",
            "to": "the route of the tier it is re-run on",
            "counter": "the rule's counter, or none",
            "counters": "every counter the rule increments: counter, then counters",
            "increments": "one step per counter: Increment `x`",
            "log": "the rule's log message, or none",
        },
    ),
    Record(
        model.Tier,
        "a tier",
        "a value of `tiers`",
        {
            "name": "its name",
            "model": "its model",
            "capabilities": "list of its capabilities",
            "price": "its price",
            "task_model": "its task_model, or none",
            "description": "its description, or none",
            "names": "list of other names prose uses for its model (Claude Haiku 4.5)",
            "deployments": "list of further deployments serving it (model, price, params)",
            "params": "mapping: further litellm_params routecfg writes for it",
            "is_local": "true for a free tier with no task_model",
            "mechanism": "how skills reach it",
        },
    ),
    Record(
        model.Price,
        "a price",
        "a tier's `price`",
        {
            "input": "USD per million input tokens",
            "output": "USD per million output tokens",
            "cache_read": "or none",
            "cache_write": "or none",
            "is_free": "true when input and output cost nothing",
        },
    ),
    Record(
        model.Gate,
        "a gate as the spec writes it",
        "a value of `gates`; its routing row, with the route, is in `routing`",
        {
            "name": "its name",
            "title": "its title",
            "tier": "its tier's name",
            "fallback": "list of fallback tier names",
            "needs": "list of capabilities",
            "config_key": "or none",
            "fallback_template": "or none",
            "description": "or none",
            "roles": "list of roles",
            "note": "or none",
        },
    ),
    Record(
        model.Escalation,
        "the escalation section",
        "`escalation`",
        {
            "model": "the escalation tier's name, or none",
            "max_per_ticket": "or none",
            "rules": "list of escalation rules as the spec writes them",
        },
    ),
    Record(
        model.EscalationRule,
        "an escalation rule as the spec writes it",
        "an item of `escalation.rules`; in words, `escalations`",
        {
            "when_fails": "list of gate names",
            "reroute": "the gate name re-run",
            "to": "the tier name",
            "after": "how many failures",
            "counter": "or none",
            "log": "or none",
            "counters": "list of further counters",
        },
    ),
    Record(
        model.Proxy,
        "the proxy section",
        "`proxy`",
        {
            "chains": "mapping: fallbacks | context_window_fallbacks | content_policy_fallbacks "
            "-> tier -> list of tiers",
            "alias_groups": "list of alias groups",
            "ledger": "the JSONL file routecfg's LiteLLM callback appends to, or none",
            "model_info_prices": "always, or where-stated",
        },
    ),
    Record(
        model.AliasGroup,
        "an alias group",
        "an item of `proxy.alias_groups`",
        {"name": "its name", "aliases": "mapping: tier -> list of alias names"},
    ),
)

_BY_CLASS = {record.cls.__name__: record for record in RECORDS}
_NO_ATTRIBUTE = re.compile(r"'(?P<cls>[\w.]+) object' has no attribute '(?P<attr>[^']+)'")
_UNDEFINED = re.compile(r"'(?P<name>\w+)' is undefined")
_MAPPINGS = ("dict", "mappingproxy")
_LISTS = ("tuple", "list")


def describe() -> str:
    """The template context, as `routecfg templates` prints it."""
    width = max(len(v.name) for v in VARIABLES)
    lines = ["Variables every block template sees:", ""]
    lines += [f"  {v.name.ljust(width)}  {v.kind}: {v.says}" for v in VARIABLES]
    lines += ["", _wrap(OTHER_PARAMETERS), "", "Filters:", ""]
    lines += [f"  {name.ljust(width)}  {says}" for name, says in FILTERS.items()]
    for record in RECORDS:
        name = record.words.removeprefix("a ").removeprefix("an ").removeprefix("the ")
        lines += ["", f"{name[:1].upper()}{name[1:]} ({record.where}):", ""]
        field_width = max(len(f) for f in record.fields)
        lines += [f"  {f.ljust(field_width)}  {says}" for f, says in record.fields.items()]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 96) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def record_fields(cls: type) -> tuple[str, ...]:
    """A record's fields and public properties, as a template reaches them."""
    names = [f.name for f in dataclasses.fields(cls)]
    names += [n for n, v in vars(cls).items() if isinstance(v, property) and n[0] != "_"]
    return tuple(dict.fromkeys(names))


def in_spec_words(message: str, names: Iterable[str] = ()) -> str | None:
    """A Jinja failure about a Python object, said about the spec; None when it is not one.

    ``names`` are the spec's tier and gate names, for a did-you-mean on a mapping lookup."""
    undefined = _UNDEFINED.fullmatch(message)
    if undefined is not None:
        name = undefined["name"]
        meant = did_you_mean(name, [v.name for v in VARIABLES])
        said = (
            f"'{name}' is no variable of the template context, and the begin marker gives no "
            f"{name}=VALUE"
        )
        return f"{said}; did you mean '{meant}'?" if meant else said
    match = _NO_ATTRIBUTE.search(message)
    if match is None:
        return None
    cls, attr = match["cls"].rpartition(".")[2], match["attr"]
    record = _BY_CLASS.get(cls)
    if record is not None:
        fields = list(record.fields)
        close = difflib.get_close_matches(attr, fields, n=1, cutoff=0.8)
        elsewhere = [r for r in RECORDS if attr in r.fields and r is not record]
        said = f"{record.words} ({record.where}) has no field '{attr}'"
        if elsewhere:
            other = elsewhere[0]
            return f"{said}; '{attr}' is a field of {other.words} ({other.where})"
        if close:
            return f"{said}; did you mean '{close[0]}'?"
        return f"{said}; its fields: {', '.join(fields)}"
    if cls in _MAPPINGS:
        meant = did_you_mean(attr, list(names))
        said = f"no entry '{attr}' in a mapping of the spec (tiers, gates, display …)"
        return f"{said}; did you mean '{meant}'?" if meant else said
    if cls in _LISTS:
        return f"a list (routing, route_groups, prices …) has no field '{attr}'; loop over it"
    return f"a value of the spec has no field '{attr}'"
