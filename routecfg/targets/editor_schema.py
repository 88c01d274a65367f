"""The editor schema target: routecfg.yaml's JSON Schema, narrowed to this spec's names.

A static schema cannot know which tiers a spec defines; this one lists them (and the gates) as
enums where the spec refers to them, so an editor with the YAML language server flags
`tier: cheapo` as you type. routecfg owns the whole file: it is rendered from scratch, and a
build creates it when it is missing. Text in, text out.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from routecfg import resources
from routecfg.model import RoutingSpec

FILENAME = "routecfg.schema.json"


def render(spec: RoutingSpec, text: str, path: str) -> str:
    del text, path  # the file is routecfg's alone: nothing of it is kept
    schema: dict[str, Any] = copy.deepcopy(resources.load_schema(resources.SPEC_SCHEMA))
    tiers, gates = list(spec.tiers), list(spec.gates)
    definitions = schema["definitions"]
    gate = definitions["gate"]["properties"]
    _names(gate["tier"], tiers, "tier")
    _names(gate["fallback"]["items"], tiers, "tier")
    _names(definitions["escalation"]["properties"]["model"], tiers, "tier")
    rule = definitions["rule"]["properties"]
    _names(rule["to"], tiers, "tier")
    _names(rule["reroute"], gates, "gate")
    _names(rule["when_fails"]["items"], gates, "gate")
    profile = definitions["cost"]["properties"]["profile"]
    profile["propertyNames"] = {**profile.get("propertyNames", {}), "enum": gates}
    schema.pop("$id", None)  # not the published schema: an editor must not confuse the two
    schema["title"] = "routecfg.yaml, with this spec's tiers and gates"
    schema["$comment"] = (
        "Written by `routecfg build` from routecfg.yaml (targets.editor_schema); do not edit. "
        f"Tiers: {', '.join(tiers)}. Gates: {', '.join(gates)}. A new tier or gate is known "
        "here after the next build."
    )
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _names(node: dict[str, Any], names: list[str], kind: str) -> None:
    node["enum"] = names
    described = node.get("description", "")
    node["description"] = f"{described} One of this spec's {kind}s: {', '.join(names)}.".strip()
