"""The backlog preset JSON target: ``llmOps.routing`` set from the spec, every other byte kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routecfg.diagnostics import RoutecfgError
from routecfg.model import RoutingSpec
from routecfg.targets import jsontext
from routecfg.targets.jsonedit import insert_member, require_object, schema_errors, set_members
from routecfg.targets.routing import ROUTING_PATH, routing_values


def render(
    spec: RoutingSpec, text: str, path: str, backlog_schema: Mapping[str, Any], schema_name: str
) -> str:
    """The preset with the spec's routing; raises when the result breaks the backlog schema."""
    wanted = routing_values(spec)
    doc = jsontext.parse(text, path)
    if wanted:
        text = _ensure_routing_object(doc, text, path)
        text = set_members(text, path, ROUTING_PATH, wanted, doc)
        doc = jsontext.reparse(doc, text, path)
    problems = list(schema_errors(doc, backlog_schema, schema_name))
    if problems:
        raise RoutecfgError(problems)
    return text


def _ensure_routing_object(doc: jsontext.JsonDoc, text: str, path: str) -> str:
    require_object(doc, (), "the preset")
    if doc.node(("llmOps",)) is None:
        return insert_member(doc, (), "llmOps", {"routing": {}})
    require_object(doc, ("llmOps",), "llmOps")
    if doc.node(ROUTING_PATH) is None:
        return insert_member(doc, ("llmOps",), "routing", {})
    require_object(doc, ROUTING_PATH, "llmOps.routing")
    return text
