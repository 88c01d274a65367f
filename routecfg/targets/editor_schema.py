"""The editor schema target: routecfg.yaml's JSON Schema, narrowed to this spec's names.

A static schema cannot know which tiers a spec defines; this one lists them (and the gates) as
enums where the spec refers to them, so an editor with the YAML language server flags
`tier: cheapo` as you type. routecfg owns the whole file: it is rendered from scratch, and a
build creates it when it is missing. Text in, text out.
"""

from __future__ import annotations

import json
from typing import Any

from routecfg import resources
from routecfg.model import RoutingSpec

FILENAME = "routecfg.schema.json"


def render(spec: RoutingSpec, text: str, path: str) -> str:
    del text, path  # the file is routecfg's alone: nothing of it is kept
    schema: dict[str, Any] = dict(resources.load_schema(resources.SPEC_SCHEMA))
    tiers, gates = list(spec.tiers), list(spec.gates)
    definitions = _own(schema, "definitions")
    gate = _own(definitions, "gate", "properties")
    _names(_own(gate, "tier"), tiers, "tier")
    _names(_own(gate, "fallback", "items"), tiers, "tier")
    _names(_own(definitions, "escalation", "properties", "model"), tiers, "tier")
    rule = _own(definitions, "rule", "properties")
    _names(_own(rule, "to"), tiers, "tier")
    _names(_own(rule, "reroute"), gates, "gate")
    _names(_own(rule, "when_fails", "items"), gates, "gate")
    profile = _own(definitions, "cost", "properties", "profile")
    profile["propertyNames"] = {**profile.get("propertyNames", {}), "enum": gates}
    schema.pop("$id", None)  # not the published schema: an editor must not confuse the two
    schema["title"] = "routecfg.yaml, with this spec's tiers and gates"
    schema["$comment"] = (
        "Written by `routecfg build` from routecfg.yaml (targets.editor_schema); do not edit. "
        f"Tiers: {', '.join(tiers)}. Gates: {', '.join(gates)}. A new tier or gate is known "
        "here after the next build."
    )
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _own(node: dict[str, Any], *path: str) -> dict[str, Any]:
    """The object at ``path`` below ``node`` (a copy already), copied on the way down: only
    what render changes is copied, never the schema resources caches."""
    for key in path:
        node[key] = dict(node[key])
        node = node[key]
    return node


def _names(node: dict[str, Any], names: list[str], kind: str) -> None:
    node["enum"] = names
    described = node.get("description", "")
    node["description"] = f"{described} One of this spec's {kind}s: {', '.join(names)}.".strip()
