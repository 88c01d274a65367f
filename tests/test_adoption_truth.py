"""Adoption is zero-byte on preset and proxy wherever the files agree, and each disagreement is
a warning that says what the next build changes. Small reproductions of what `init --from-repo`
met on upstream's history (dbaf86e, b15acb4, 9c0e221, 0b3cae3 …), on synthetic files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run, writable_copy

ROUTING = {
    "entryModelImplement": "cheap",
    "entryModelReview": "balanced",
    "escalationModel": "frontier",
    "maxEscalationsPerTicket": 1,
}

PROXY = """\
model_list:
  - model_name: cheap
    litellm_params:
      model: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0
      input_cost_per_token: 0.000001        # $1/MTok
      output_cost_per_token: 0.000005       # $5/MTok
  - model_name: balanced
    litellm_params:
      model: bedrock/us.anthropic.claude-sonnet-4-6
      input_cost_per_token: 0.000003        # $3/MTok
      output_cost_per_token: 0.000015       # $15/MTok
  - model_name: frontier
    litellm_params:
      model: bedrock/us.anthropic.claude-opus-4-6-v1
      input_cost_per_token: 0.000005        # $5/MTok
      output_cost_per_token: 0.000025       # $25/MTok
router_settings:
  fallbacks:
    - cheap: [balanced]
    - balanced: [frontier]
"""


def schema(defaults: dict[str, object], rag: bool = False) -> str:
    routing = {
        key: {"type": "integer" if isinstance(v, int) else "string", "default": v}
        for key, v in defaults.items()
    }
    properties: dict[str, object] = {
        "routing": {"type": "object", "additionalProperties": False, "properties": routing}
    }
    if rag:
        properties["ragPolicy"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {"enabled": {"type": "boolean"}},
        }
    llm_ops = {"type": "object", "properties": properties}
    return json.dumps({"type": "object", "properties": {"llmOps": llm_ops}}, indent=2) + "\n"


def lay_out(root: Path, preset: object, schema_text: str, proxy: str = PROXY) -> dict[str, bytes]:
    files = {
        "config/presets/default.json": json.dumps(preset, indent=2) + "\n",
        "config/backlog.config.schema.json": schema_text,
        "config/litellm/proxy-config.docker.yaml": proxy,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return {name: (root / name).read_bytes() for name in files}


def adopt_and_build(root: Path) -> tuple[str, str, str]:
    """init --from-repo, check, build --yes: the init warnings, check's and build's stderr."""
    init = run(["init", "--from-repo", "-q"], cwd=root)
    assert init.exit_code == 0, init.stderr
    check = run(["check", "--no-cache"], cwd=root)
    assert (check.exit_code, check.stdout) == (0, ""), check.stderr
    build = run(["build", "--yes"], cwd=root)
    assert build.exit_code == 0, build.stderr
    return init.stderr, check.stderr, build.stderr


def files(root: Path, before: dict[str, bytes]) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in before}


def test_a_schema_key_the_preset_does_not_route_is_reported(tmp_path: Path) -> None:
    # dbaf86e: the schema gained entryModelPlan; the preset did not route it yet.
    before = lay_out(
        tmp_path, {"llmOps": {"routing": ROUTING}}, schema({**ROUTING, "entryModelPlan": "free"})
    )
    warnings, _, _ = adopt_and_build(tmp_path)
    assert warnings == (
        "config/backlog.config.schema.json:29:26: warning[RC607]: llmOps.routing.entryModelPlan: "
        "the schema defines it (default 'free'), but the preset does not state it; the spec has "
        "no gate for it, and `routecfg build` leaves both files as they are (add a gate with "
        "`config_key: entryModelPlan` to route it)\n"
    )
    assert files(tmp_path, before) == before


def test_a_preset_that_breaks_its_schema_outside_routing_is_a_warning_not_the_spec(
    tmp_path: Path,
) -> None:
    # b15acb4: ragPolicy.serverUrl, which the schema did not allow yet.
    preset = {
        "llmOps": {"ragPolicy": {"enabled": True, "serverUrl": "http://x"}, "routing": ROUTING}
    }
    before = lay_out(tmp_path, preset, schema(ROUTING, rag=True))
    warning = (
        "config/presets/default.json:3:18: warning[RC608]: llmOps.ragPolicy: Additional "
        "properties are not allowed ('serverUrl' was unexpected) (checked against "
        "config/backlog.config.schema.json)\n"
        "  hint: the preset breaks its schema here already, outside llmOps.routing, which is all "
        "routecfg owns: fix the preset by hand (routecfg leaves it as it is)\n"
    )
    init, check, build = adopt_and_build(tmp_path)
    assert init == warning
    assert warning in check
    assert warning in build
    assert run(["validate"], cwd=tmp_path).exit_code == 0
    assert files(tmp_path, before) == before


def test_a_violation_the_spec_causes_is_still_an_error(tmp_path: Path) -> None:
    schema_text = schema(ROUTING).replace(
        '"default": "balanced"', '"default": "balanced",\n          "enum": ["cheap", "balanced"]'
    )
    lay_out(tmp_path, {"llmOps": {"routing": ROUTING}}, schema_text)
    assert run(["init", "--from-repo", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    text = spec.read_text()
    spec.write_text(
        text.replace(
            "tier: balanced, needs: [tool_use], config_key: entryModelReview",
            "tier: frontier, needs: [tool_use], config_key: entryModelReview",
        )
    )
    before = {p: p.read_bytes() for p in (tmp_path / "config").rglob("*") if p.is_file()}
    result = run(["build", "--yes"], cwd=tmp_path)
    assert {p: p.read_bytes() for p in before} == before
    assert result.exit_code == 2
    assert (
        "error[RC305]: llmOps.routing.entryModelReview: 'frontier' is not one of "
        "['cheap', 'balanced']" in result.stderr
    )
    assert "warning[RC608]" not in result.stderr


def test_a_preset_without_routing_is_left_out_and_untouched(tmp_path: Path) -> None:
    # 9c0e221: the schema had routing defaults, the preset no llmOps at all.
    before = lay_out(tmp_path, {"version": "1.0"}, schema(ROUTING))
    warnings, check, _ = adopt_and_build(tmp_path)
    assert "warning[RC605]: the preset has no llmOps.routing object" in warnings
    assert "config/presets/default.json" not in check  # no target now
    assert files(tmp_path, before) == before
    spec = (tmp_path / "routecfg.yaml").read_text()
    assert "  # preset: config/presets/default.json\n" in spec


def test_prices_in_litellm_params_only_stay_there(tmp_path: Path) -> None:
    # 0b3cae3, 4829876, b8a562c, b6f2928: no model_info prices before 300a466.
    before = lay_out(tmp_path, {"llmOps": {"routing": ROUTING}}, schema(ROUTING))
    warnings, _, _ = adopt_and_build(tmp_path)
    assert warnings == ""
    assert files(tmp_path, before) == before
    spec = (tmp_path / "routecfg.yaml").read_text()
    assert "  model_info_prices: where-stated  # as the file: some entries price" in spec


def test_where_stated_still_keeps_stated_model_info_prices_true(tmp_path: Path) -> None:
    proxy = PROXY.replace(
        "      output_cost_per_token: 0.000005       # $5/MTok\n",
        "      output_cost_per_token: 0.000005       # $5/MTok\n"
        "    model_info:\n      input_cost_per_token: 0.000001\n",
    )
    lay_out(tmp_path, {"llmOps": {"routing": ROUTING}}, schema(ROUTING), proxy)
    assert run(["init", "--from-repo", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("input: 1.00", "input: 1.10"))
    assert run(["build", "--yes", "-q"], cwd=tmp_path).exit_code == 0
    text = (tmp_path / "config/litellm/proxy-config.docker.yaml").read_text()
    assert text.count("input_cost_per_token: 0.0000011") == 2  # litellm_params and model_info
    assert "model_info" not in text.split("model_name: balanced")[1]


@pytest.mark.parametrize("snapshot", ["pre-seed", "post-seed", "head"])
def test_adopting_upstream_is_zero_byte_on_preset_and_proxy(
    upstream: Path, tmp_path: Path, snapshot: str
) -> None:

    writable_copy(upstream / snapshot / "config", tmp_path / "config")
    names = ["config/presets/default.json", "config/litellm/proxy-config.docker.yaml"]
    before = {name: (tmp_path / name).read_bytes() for name in names}
    assert run(["init", "--from-repo", "-q"], cwd=tmp_path).exit_code == 0
    assert run(["build", "--yes", "-q"], cwd=tmp_path).exit_code == 0
    assert {name: (tmp_path / name).read_bytes() for name in names} == before
