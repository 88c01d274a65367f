"""The backlog preset JSON target: ``llmOps.routing`` set from the spec, every other byte kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import replace
from routecfg.model import RoutingSpec
from routecfg.targets import jsontext
from routecfg.targets.jsonedit import insert_member, require_object, schema_errors, set_members
from routecfg.targets.routing import ROUTING_PATH, routing_values

INHERITED = "RC608"


def render(
    spec: RoutingSpec, text: str, path: str, backlog_schema: Mapping[str, Any], schema_name: str
) -> str:
    """The preset with the spec's routing; raises when the result breaks the backlog schema."""
    return _render(spec, text, path, backlog_schema, schema_name)[0]


def render_checked(
    spec: RoutingSpec, text: str, path: str, backlog_schema: Mapping[str, Any], schema_name: str
) -> tuple[str, tuple[Diagnostic, ...]]:
    """:func:`render`, and the :func:`inherited_problems` of the preset as it is: none when the
    render leaves it as it is and finds it valid (the same text against the same schema is not
    checked twice)."""
    new, valid = _render(spec, text, path, backlog_schema, schema_name)
    if valid and new == text:
        return new, ()
    return new, inherited_problems(text, path, backlog_schema, schema_name)


def _render(
    spec: RoutingSpec, text: str, path: str, backlog_schema: Mapping[str, Any], schema_name: str
) -> tuple[str, bool]:
    """The rendered preset, and whether it breaks the backlog schema nowhere."""
    wanted = routing_values(spec)
    original = text
    doc = jsontext.parse(text, path)
    if wanted:
        text = _ensure_routing_object(doc, text, path)
        text = set_members(text, path, ROUTING_PATH, wanted, doc)
        doc = jsontext.reparse(doc, text, path)
    problems = list(schema_errors(doc, backlog_schema, schema_name))
    valid = not problems
    if problems:  # the file's own problems outside the routing are not the spec's
        inherited = {
            d.message for d in inherited_problems(original, path, backlog_schema, schema_name)
        }
        problems = [d for d in problems if d.message not in inherited]
    if problems:
        raise RoutecfgError(problems)
    return text, valid


def inherited_problems(
    text: str, path: str, backlog_schema: Mapping[str, Any], schema_name: str
) -> tuple[Diagnostic, ...]:
    """Where the preset as it is already breaks the backlog schema outside llmOps.routing, as
    warnings (RC608): routecfg owns only the routing, so these are the file's, not the spec's,
    and they do not stop a build."""
    try:
        doc = jsontext.parse(text, path)
    except RoutecfgError:
        return ()  # render reports it
    if not isinstance(doc.value, dict):
        return ()
    return tuple(
        replace(
            d,
            severity=Severity.WARNING,
            code=INHERITED,
            hint="the preset breaks its schema here already, outside llmOps.routing, which is "
            "all routecfg owns: fix the preset by hand (routecfg leaves it as it is)",
        )
        for d in schema_errors(doc, backlog_schema, schema_name)
        if d.code == "RC305" and not _owned(d.message)
    )


def _owned(message: str) -> bool:
    where = message.partition(":")[0]
    return where == ".".join(ROUTING_PATH) or where.startswith(".".join(ROUTING_PATH) + ".")


def _ensure_routing_object(doc: jsontext.JsonDoc, text: str, path: str) -> str:
    require_object(doc, (), "the preset")
    if doc.kind(("llmOps",)) is None:
        return insert_member(doc, (), "llmOps", {"routing": {}})
    require_object(doc, ("llmOps",), "llmOps")
    if doc.kind(ROUTING_PATH) is None:
        return insert_member(doc, ("llmOps",), "routing", {})
    require_object(doc, ROUTING_PATH, "llmOps.routing")
    return text
