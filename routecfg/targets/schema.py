"""The backlog config JSON Schema target: one routing property per owned key, its default kept
equal to the spec; missing properties added in the style of their neighbours."""

from __future__ import annotations

from routecfg.diagnostics import RoutecfgError
from routecfg.model import RoutingSpec
from routecfg.targets import jsontext
from routecfg.targets.jsonedit import require_object, schema_problems, set_members
from routecfg.targets.routing import SCHEMA_ROUTING_PATH, routing_values, schema_property

WHERE = "properties.llmOps.properties.routing.properties"


def render(spec: RoutingSpec, text: str, path: str) -> str:
    doc = jsontext.parse(text, path)
    problems = list(schema_problems(doc))  # positions in the file as it is
    if problems:
        raise RoutecfgError(problems)
    require_object(doc, SCHEMA_ROUTING_PATH, WHERE)
    for key, value in routing_values(spec).items():
        doc = jsontext.reparse(doc, text, path)  # parsed again only after an edit
        if doc.kind((*SCHEMA_ROUTING_PATH, key)) is None:
            new = {key: schema_property(spec, key, value)}
            text = set_members(text, path, SCHEMA_ROUTING_PATH, new, doc)
        else:
            require_object(doc, (*SCHEMA_ROUTING_PATH, key), f"{WHERE}.{key}")
            text = set_members(text, path, (*SCHEMA_ROUTING_PATH, key), {"default": value}, doc)
    return text
