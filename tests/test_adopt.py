"""`routecfg init`: bundled presets, and specs inferred from an existing repository's files.

The upstream snapshots are copied into a temporary root at test time; nothing from ../shared is
committed here.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from routecfg import adopt, adopt_render, model, report
from routecfg.diagnostics import RoutecfgError
from routecfg.validate import validate
from tests.conftest import REPO, SNAPSHOTS, TESTS, run

PRESET = "config/presets/default.json"
SCHEMA = "config/backlog.config.schema.json"
PROXY = "config/litellm/proxy-config.docker.yaml"
PATHS = adopt.TargetPaths(PRESET, SCHEMA, PROXY)
FROZEN = (PRESET, PROXY)  # what a build after init must leave byte for byte


def copy_snapshot(upstream: Path, snapshot: str, root: Path) -> Path:
    for relative in (PRESET, SCHEMA, PROXY):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upstream / snapshot / relative, root / relative)
    return root


def write_files(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def warnings_text(inferred: adopt.Inferred) -> str:
    return report.format_text(inferred.contradictions)


# ── the upstream snapshots ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_init_from_repo_then_build_leaves_preset_and_proxy_byte_identical(
    tmp_path: Path, upstream: Path, snapshot: str
) -> None:
    root = copy_snapshot(upstream, snapshot, tmp_path)
    init = run(["init", "--from-repo"], cwd=root)
    assert init.exit_code == 0, init.stderr
    assert (
        (root / "routecfg.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=./routecfg.schema.json\n")
    )
    validated = run(["validate"], cwd=root)
    # The spec is valid; upstream's proxy config itself has errors the LiteLLM config lint
    # reports (budgets where LiteLLM never reads them, a budget reset every minute).
    assert validated.exit_code == 2
    assert set(re.findall(r"error\[(RC\d+)\]", validated.stderr)) == {"RC751", "RC760"}
    build = run(["build", "--yes", "-q"], cwd=root)
    assert build.exit_code == 0, build.stderr
    for relative in FROZEN:
        assert (root / relative).read_bytes() == (upstream / snapshot / relative).read_bytes()
    assert run(["check", "-q"], cwd=root).exit_code == 0
    again = run(["init", "--from-repo", "--force", "-q"], cwd=root)
    assert (again.exit_code, again.stderr) == (0, "")  # the schema now agrees with the preset


def test_post_seed_reports_the_drifted_schema_defaults(tmp_path: Path, upstream: Path) -> None:
    root = copy_snapshot(upstream, "post-seed", tmp_path)
    result = run(["init", "--from-repo"], cwd=root)
    assert result.exit_code == 0
    schema = "config/backlog.config.schema.json"
    took = "and `routecfg build` sets the default to it"
    assert result.stderr == (
        f"{schema}:324:26: warning[RC601]: llmOps.routing.entryModelClassify: the schema's "
        f"default is 'cheap', the preset's value 'free'; the spec takes the preset's 'free', {took}\n"
        f"{schema}:329:26: warning[RC601]: llmOps.routing.entryModelDraft: the schema's "
        f"default is 'cheap', the preset's value 'free'; the spec takes the preset's 'free', {took}\n"
        f"{schema}:339:26: warning[RC601]: llmOps.routing.entryModelImplement: the schema's "
        f"default is 'balanced', the preset's value 'cheap'; the spec takes the preset's 'cheap', "
        f"{took}\n"
        f"{schema}:344:26: warning[RC601]: llmOps.routing.entryModelReview: the schema's "
        f"default is 'cheap', the preset's value 'balanced'; the spec takes the preset's "
        f"'balanced', {took}\n"
        "wrote routecfg.yaml (4 tiers, 5 gates, 1 alias group) from config/presets/default.json, "
        "config/backlog.config.schema.json, config/litellm/proxy-config.docker.yaml\n"
        "  4 contradictions: the spec takes the side each names, and `routecfg build` makes the "
        "files agree\n"
        "  10 guesses, marked `# guess:` in the spec: check them\n"
        "wrote routecfg.schema.json (the editor schema the spec's `$schema` line names)\n"
        "next: `routecfg check` shows what a build would change\n"
    )
    assert result.stdout == ""
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    schema_text = (root / schema).read_text()
    assert schema_text.count('"default": "free"') == 3  # classify, plan, draft


def test_pre_seed_files_agree(tmp_path: Path, upstream: Path) -> None:
    root = copy_snapshot(upstream, "pre-seed", tmp_path)
    result = run(["init", "--from-repo", "-q"], cwd=root)
    assert (result.exit_code, result.stderr) == (0, "")
    text = (root / "routecfg.yaml").read_text()
    assert "  implement: {title: Gate 2 IMPLEMENT, tier: balanced, needs: [tool_use]," in text
    assert "plan:" not in text  # pre-seed has no entryModelPlan


HEAD_SPEC = """\
# yaml-language-server: $schema=./routecfg.schema.json
#
# Inferred by `routecfg init --from-repo` from what these files already say:
#   preset: config/presets/default.json
#   schema: config/backlog.config.schema.json
#   proxy:  config/litellm/proxy-config.docker.yaml
# Lines marked `guess:` say what none of them states: check them.
version: 1

tiers:
  free:
    model: ollama/qwen3-coder:30b
    capabilities: [text]            # guess: a local Ollama model has no tool_use
    price: {input: 0, output: 0}
  cheap:
    model: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0
    capabilities: [text, tool_use]  # guess: a hosted model uses tools
    task_model: haiku               # guess: from the model id
    price: {input: 1.10, output: 5.50, cache_read: 0.11, cache_write: 1.375}
  balanced:
    model: bedrock/us.anthropic.claude-sonnet-4-6
    capabilities: [text, tool_use]  # guess: a hosted model uses tools
    task_model: sonnet              # guess: from the model id
    price: {input: 3.30, output: 16.50, cache_read: 0.33, cache_write: 4.125}
  frontier:
    model: bedrock/us.anthropic.claude-opus-4-6-v1
    capabilities: [text, tool_use]  # guess: a hosted model uses tools
    task_model: opus                # guess: from the model id
    price: {input: 5.50, output: 27.50, cache_read: 0.55, cache_write: 6.875}

gates:                        # from llmOps.routing, in the order skills run them
  plan:      {title: Gate 1 PLAN,      tier: free,     config_key: entryModelPlan}                          # guess: title
  implement: {title: Gate 2 IMPLEMENT, tier: cheap,    needs: [tool_use], config_key: entryModelImplement}  # guess: title, needs
  review:    {title: Gate 4 REVIEW,    tier: balanced, needs: [tool_use], config_key: entryModelReview}     # guess: title, needs
  classify:  {title: Classification,   tier: free,     config_key: entryModelClassify}                      # guess: title
  draft:     {title: Drafts,           tier: free,     config_key: entryModelDraft}                         # guess: title

escalation:
  model: balanced             # llmOps.routing.escalationModel
  max_per_ticket: 1           # llmOps.routing.maxEscalationsPerTicket

proxy:                        # the proxy's router_settings
  fallbacks:                {free: [cheap, balanced], cheap: [balanced, frontier], balanced: [frontier]}
  context_window_fallbacks: {free: [cheap], cheap: [balanced], balanced: [frontier]}
  content_policy_fallbacks: {cheap: [balanced]}
  aliases:                    # further model_names served like a tier
    bedrock:                  # guess: bedrock's own model ids
      cheap: [us.anthropic.claude-haiku-4-5-20251001-v1:0]
      balanced: [us.anthropic.claude-sonnet-4-6]
      frontier: [us.anthropic.claude-opus-4-6-v1]
    claude-code:              # guess: the short names Claude Code sends
      cheap: [claude-haiku-4-5, claude-haiku-4-5-20251001]
      balanced: [claude-sonnet-4-6]
      frontier: [claude-opus-4-6]

targets:
  preset: config/presets/default.json
  schema: config/backlog.config.schema.json
  proxy: config/litellm/proxy-config.docker.yaml
  editor_schema: routecfg.schema.json

cost:
  tickets: 50
  profile:                    # guess: tokens per call, calls per ticket; measure them (`routecfg actuals`)
    plan:      {input: 5000, output: 2000}             # guess: the design's estimate
    implement: {input: 30000, output: 5000, calls: 2}  # guess: the design's estimate
    review:    {input: 10000, output: 1000, calls: 2}  # guess: the design's estimate
    classify:  {input: 5000, output: 1000}             # guess: a typical gate
    draft:     {input: 5000, output: 1000}             # guess: a typical gate
"""


def test_head_spec_has_both_alias_groups(tmp_path: Path, upstream: Path) -> None:
    root = copy_snapshot(upstream, "head", tmp_path)
    result = run(["init", "--from-repo"], cwd=root)
    assert result.exit_code == 0
    assert (root / "routecfg.yaml").read_text() == HEAD_SPEC
    assert result.stderr.splitlines()[-5] == (
        "wrote routecfg.yaml (4 tiers, 5 gates, 2 alias groups) from config/presets/default.json, "
        "config/backlog.config.schema.json, config/litellm/proxy-config.docker.yaml"
    )
    # head's preset escalates to balanced; its schema still says frontier
    assert result.stderr.splitlines()[4].endswith(
        "llmOps.routing.escalationModel: the schema's default is 'frontier', the preset's value "
        "'balanced'; the spec takes the preset's 'balanced', and `routecfg build` sets the "
        "default to it"
    )


@pytest.mark.parametrize("snapshot", ["post-seed", "head"])
def test_inferred_routing_equals_the_hand_written_spec(
    tmp_path: Path, upstream: Path, snapshot: str
) -> None:
    root = copy_snapshot(upstream, snapshot, tmp_path)
    assert run(["init", "--from-repo", "-q"], cwd=root).exit_code == 0
    inferred = validate(root / "routecfg.yaml").spec
    by_hand = validate(TESTS / "upstream" / f"{snapshot}.yaml").spec
    for name, tier in by_hand.tiers.items():
        got = inferred.tiers[name]
        assert (got.model, got.price, got.capabilities, got.task_model) == (
            tier.model,
            tier.price,
            tier.capabilities,
            tier.task_model,
        )
    for kind in model.PROXY_CHAIN_KINDS:
        assert inferred.proxy.compiled_chains(kind) == by_hand.proxy.compiled_chains(kind)
    assert inferred.proxy.alias_tiers() == by_hand.proxy.alias_tiers()
    for gate in inferred.gates.values():  # fallbacks live in the skills' prose, not the files
        hand = by_hand.gates[gate.name]
        assert (gate.title, gate.tier, gate.needs, gate.config_key) == (
            hand.title,
            hand.tier,
            hand.needs,
            hand.config_key,
        )
    assert inferred.escalation.model == by_hand.escalation.model


# ── contradictions, one kind at a time ──────────────────────────────────────────────────────

ROUTING = '{"llmOps": {"routing": {"entryModelImplement": "cheap", "entryModelReview": "dear"}}}\n'
PROXY_TEXT = """\
model_list:
  - model_name: cheap
    litellm_params:
      model: bedrock/haiku
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000005
    model_info:
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000005
  - model_name: dear
    litellm_params:
      model: bedrock/opus
      input_cost_per_token: 0.000005
      output_cost_per_token: 0.000025
    model_info:
      input_cost_per_token: 0.000005
      output_cost_per_token: 0.000025
  - model_name: claude-haiku
    litellm_params:
      model: bedrock/haiku
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000005
    model_info:
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000005
  - model_name: claude-opus
    litellm_params:
      model: bedrock/opus
      input_cost_per_token: 0.000005
      output_cost_per_token: 0.000025
    model_info:
      input_cost_per_token: 0.000005
      output_cost_per_token: 0.000025
router_settings:
  fallbacks:
    - cheap: [dear]
    - claude-haiku: [claude-opus]
"""
ONLY = adopt.TargetPaths(PRESET, None, PROXY)


def infer(
    preset: str | None = ROUTING, schema: str | None = None, proxy: str | None = PROXY_TEXT
) -> adopt.Inferred:
    return adopt.infer_spec(preset, schema, proxy, PATHS)


def test_files_that_agree_give_no_contradictions() -> None:
    inferred = infer()
    assert inferred.contradictions == ()
    assert inferred.tiers == ("cheap", "dear")
    assert inferred.gates == ("implement", "review")
    assert inferred.alias_groups == ("claude-code",)
    assert "  fallbacks: {cheap: [dear]}\n" in inferred.text
    assert "    claude-code:              # guess: the short names Claude Code sends\n" in (
        inferred.text
    )


def test_schema_default_unlike_the_preset_takes_the_preset() -> None:
    schema = textwrap.dedent("""\
        {"properties": {"llmOps": {"properties": {"routing": {"properties": {
          "entryModelImplement": {"type": "string", "default": "dear"},
          "entryModelReview": {"type": "string", "default": "dear"}
        }}}}}}
        """)
    assert warnings_text(infer(schema=schema)) == (
        "config/backlog.config.schema.json:2:56: warning[RC601]: llmOps.routing."
        "entryModelImplement: the schema's default is 'dear', the preset's value 'cheap'; "
        "the spec takes the preset's 'cheap', and `routecfg build` sets the default to it\n"
    )


def test_schema_without_the_property_or_its_default_says_build_adds_it() -> None:
    schema = textwrap.dedent("""\
        {"properties": {"llmOps": {"properties": {"routing": {"properties": {
          "entryModelImplement": {"type": "string"}
        }}}}}}
        """)
    assert warnings_text(infer(schema=schema)) == (
        "config/backlog.config.schema.json: warning[RC605]: llmOps.routing.entryModelReview: the "
        "schema has no property for it; `routecfg build` adds one with the default 'dear'\n"
        "config/backlog.config.schema.json:2:26: warning[RC605]: llmOps.routing."
        "entryModelImplement: the schema has no default for it; `routecfg build` adds the "
        "default 'cheap'\n"
    )


def test_alias_priced_unlike_its_tier_takes_the_tier() -> None:
    proxy = PROXY_TEXT.replace(
        "  - model_name: claude-haiku\n"
        "    litellm_params:\n"
        "      model: bedrock/haiku\n"
        "      input_cost_per_token: 0.000001\n",
        "  - model_name: claude-haiku\n"
        "    litellm_params:\n"
        "      model: bedrock/haiku\n"
        "      input_cost_per_token: 0.000002\n",
    ).replace(
        "      input_cost_per_token: 0.000001\n      output_cost_per_token: 0.000005\n"
        "  - model_name: claude-opus",
        "      input_cost_per_token: 0.000002\n      output_cost_per_token: 0.000005\n"
        "  - model_name: claude-opus",
    )
    inferred = infer(proxy=proxy)
    assert warnings_text(inferred) == (
        "config/litellm/proxy-config.docker.yaml:21:7: warning[RC602]: 'claude-haiku' is served "
        "like tier 'cheap' (bedrock/haiku) but priced unlike it: input_cost_per_token 0.000002 "
        "(tier: 0.000001); the spec takes the tier's prices, and `routecfg build` reprices "
        "'claude-haiku'\n"
    )
    assert "  cheap:\n    model: bedrock/haiku\n" in inferred.text
    assert "    price: {input: 1.00, output: 5.00}\n" in inferred.text


def test_litellm_params_unlike_model_info_takes_litellm_params() -> None:
    proxy = PROXY_TEXT.replace(
        "    model_info:\n      input_cost_per_token: 0.000005\n      output_cost_per_token: 0.000025\n"
        "  - model_name: claude-haiku",
        "    model_info:\n      input_cost_per_token: 0.000004\n  - model_name: claude-haiku",
    )
    assert warnings_text(infer(proxy=proxy)) == (
        "config/litellm/proxy-config.docker.yaml:16:7: warning[RC603]: 'dear': litellm_params and "
        "model_info state different prices (input_cost_per_token 0.000005 in litellm_params, "
        "0.000004 in model_info; output_cost_per_token only in litellm_params); the spec takes "
        "the litellm_params prices (model_info's where litellm_params has none), and `routecfg "
        "build` writes them to both\n"
    )


def test_entries_sharing_a_name_that_differ_are_reported() -> None:
    second = "  - model_name: dear\n    litellm_params:\n      model: bedrock/opus-2\n"
    proxy = PROXY_TEXT.replace("router_settings:", second + "router_settings:")
    assert warnings_text(infer(proxy=proxy)) == (
        "config/litellm/proxy-config.docker.yaml:10:5: warning[RC605]: 'dear' has several "
        "model_list entries that differ; the spec states the first, and `routecfg build` makes "
        "every entry serve it\n"
    )


def test_an_entry_without_model_info_prices_is_no_contradiction() -> None:
    # The spec says so (model_info_prices: where-stated), so a build leaves model_info as it
    # is: adoption is zero-byte, and there is nothing to warn of.
    proxy = PROXY_TEXT.replace(
        "    model_info:\n      input_cost_per_token: 0.000005\n      output_cost_per_token: 0.000025\n"
        "  - model_name: claude-haiku",
        "  - model_name: claude-haiku",
    )
    inferred = infer(proxy=proxy)
    assert warnings_text(inferred) == ""
    line = (
        "  model_info_prices: where-stated  # as the file: some entries price litellm_params only\n"
    )
    assert line in inferred.text
    assert "model_info_prices" not in infer().text


def test_alias_chains_that_do_not_mirror_take_the_mirror() -> None:
    proxy = PROXY_TEXT.replace(
        "    - claude-haiku: [claude-opus]\n", "    - claude-haiku: [dear]\n"
    )
    proxy += "    - claude-opus: [claude-haiku]\n"
    assert warnings_text(infer(proxy=proxy)) == (
        "config/litellm/proxy-config.docker.yaml:37:7: warning[RC604]: fallbacks: 'claude-haiku' "
        "falls back to [dear], but its tier's chain mirrored in group 'claude-code' falls back to "
        "[claude-opus]; the spec takes the mirror, and `routecfg build` rewrites it\n"
        "config/litellm/proxy-config.docker.yaml:38:7: warning[RC604]: fallbacks: 'claude-opus' "
        "falls back to [claude-haiku], but its tier's chain mirrored in group 'claude-code' has "
        "no chain; the spec takes the mirror, and `routecfg build` removes it\n"
    )
    missing = PROXY_TEXT.replace("    - claude-haiku: [claude-opus]\n", "")
    assert warnings_text(infer(proxy=missing)) == (
        "config/litellm/proxy-config.docker.yaml:18:5: warning[RC604]: fallbacks: 'claude-haiku' "
        "has no chain, but its tier's chain mirrored in group 'claude-code' falls back to "
        "[claude-opus]; the spec takes the mirror, and `routecfg build` adds it\n"
    )


def test_a_tier_without_a_model_list_entry_is_guessed_and_reported() -> None:
    inferred = infer(preset=ROUTING.replace('"dear"', '"free"'))
    assert warnings_text(inferred) == (
        "config/litellm/proxy-config.docker.yaml: warning[RC605]: 'free' is a tier (the preset "
        "or a fallback chain names it), but no model_list entry says its model; the spec guesses "
        "'free': correct it before `routecfg build` adds an entry with it\n"
    )
    assert (
        "  free:\n"
        "    model: free                     # guess: no model_list entry says which model; "
        "write the LiteLLM model\n"
        "    capabilities: [text]            # guess: named like a local model: no tool_use\n"
        "    price: {input: 0, output: 0}    # guess: no price stated; write USD per million "
        "tokens\n"
    ) in inferred.text
    # review needs tool_use, which the local tier is guessed to lack: the spec leaves it out
    assert (
        "  review:    {title: Gate 4 REVIEW,    tier: free,  fallback: [cheap], "
        "config_key: entryModelReview}     # guess: title, no needs: tier 'free' is guessed to "
        "lack tool_use, fallback: 'free' is local, and no chain leaves it\n"
    ) in inferred.text


def test_an_entry_without_prices_is_guessed_free_and_reported() -> None:
    proxy = "model_list:\n  - model_name: cheap\n    litellm_params:\n      model: anthropic/claude-haiku-4-5\n"
    inferred = adopt.infer_spec(
        '{"llmOps": {"routing": {"entryModelDraft": "cheap"}}}', None, proxy, ONLY
    )
    assert warnings_text(inferred) == (
        "config/litellm/proxy-config.docker.yaml:2:5: warning[RC605]: 'cheap' states no input "
        "or no output price; the spec guesses 0: correct it before `routecfg build` writes it\n"
    )
    assert "    task_model: haiku               # guess: from the model id\n" in inferred.text


def test_values_no_spec_can_state_are_left_out() -> None:
    preset = '{"llmOps": {"routing": {"entryModelDraft": "dear", "entryModelReview": null, "maxEscalationsPerTicket": true}}}'
    inferred = adopt.infer_spec(preset, None, PROXY_TEXT, ONLY)
    assert warnings_text(inferred) == (
        "config/presets/default.json:1:72: warning[RC605]: llmOps.routing.entryModelReview is "
        "null, which no spec can state; it is left out of the spec, and `routecfg build` leaves "
        "it as it is\n"
        "config/presets/default.json:1:105: warning[RC605]: llmOps.routing.maxEscalationsPerTicket "
        "is true, which no spec can state; it is left out of the spec, and `routecfg build` "
        "leaves it as it is\n"
    )
    assert inferred.gates == ("draft",)


def test_nothing_to_infer_gates_from_is_an_error() -> None:
    with pytest.raises(RoutecfgError) as raised:
        adopt.infer_spec(None, None, PROXY_TEXT, PATHS)
    assert report.format_text(raised.value.diagnostics) == (
        "config/litellm/proxy-config.docker.yaml: error[RC606]: no llmOps.routing value routes "
        "a gate: there is nothing to infer gates from\n"
        "  hint: name the preset (--preset-file), or start from a bundled preset (--preset)\n"
    )


def test_without_a_preset_the_schema_defaults_are_the_routing() -> None:
    schema = (
        '{"properties": {"llmOps": {"properties": {"routing": {"properties": {'
        '"entryModelImplement": {"type": "string", "default": "cheap"}}}}}}}'
    )
    inferred = adopt.infer_spec(None, schema, PROXY_TEXT, PATHS)
    assert inferred.contradictions == ()
    assert inferred.guesses[0] == "the routing is the schema's defaults: no preset says it"
    assert inferred.gates == ("implement",)
    assert "#   schema: config/backlog.config.schema.json\n" in inferred.text
    assert "preset:" not in inferred.text


def test_a_preset_without_routing_takes_the_schema_defaults_and_says_so() -> None:
    schema = (
        '{"properties": {"llmOps": {"properties": {"routing": {"properties": {'
        '"entryModelImplement": {"type": "string", "default": "cheap"}}}}}}}'
    )
    inferred = adopt.infer_spec('{"name": "x"}', schema, PROXY_TEXT, PATHS)
    assert warnings_text(inferred) == (
        "config/presets/default.json:1:1: warning[RC605]: the preset has no llmOps.routing "
        "object; the spec takes the schema's defaults and leaves the preset out of its targets "
        "(commented out), so `routecfg build` does not touch it; uncomment it to have build "
        "write the routing there\n"
    )
    assert inferred.text.endswith(
        "targets:\n"
        "  # preset: config/presets/default.json\n"
        "  #   no target: it has no llmOps.routing (the schema's defaults apply); uncomment to "
        "have `routecfg build` write the routing into it\n"
        "  schema: config/backlog.config.schema.json\n"
        "  proxy: config/litellm/proxy-config.docker.yaml\n"
        "  editor_schema: routecfg.schema.json\n"
        "\n"
        "cost:\n"
        "  tickets: 50\n"
        "  profile:                    # guess: tokens per call, calls per ticket; measure them "
        "(`routecfg actuals`)\n"
        "    implement: {input: 30000, output: 5000, calls: 2}  # guess: the design's estimate\n"
    )


def test_unknown_routing_keys_become_gates_named_after_the_key() -> None:
    preset = (
        '{"llmOps": {"routing": {"entryModelWavePlan": "cheap", "triageModel": "dear", '
        '"entryModelPlan": "cheap", "plan": "dear", "9": "dear"}}}'
    )
    inferred = adopt.infer_spec(preset, None, PROXY_TEXT, ONLY)
    assert inferred.gates == ("plan", "wave_plan", "triage_model", "plan_", "gate_9")
    assert (
        "  wave_plan:    {title: Wave Plan,    tier: cheap, config_key: entryModelWavePlan}  "
        "# guess: name and title from the key\n"
        "  triage_model: {title: Triage Model, tier: dear,  config_key: triageModel}         "
        "# guess: name and title from the key\n"
    ) in inferred.text


def test_group_names_follow_how_aliases_are_written() -> None:
    assert adopt._group_name(
        "us.anthropic.claude-sonnet-4-6", "bedrock/us.anthropic.claude-sonnet-4-6"
    ) == ("bedrock", "guess: bedrock's own model ids")
    assert (
        adopt._group_name("claude-sonnet-4-6", "bedrock/us.anthropic.claude-sonnet-4-6")[0]
        == "claude-code"
    )
    assert adopt._group_name("sonnet", "bedrock/us.anthropic.claude-sonnet-4-6")[0] == "aliases"
    assert adopt._group_name("m", "Vertex_AI/m")[0] == "vertex_ai"


def test_names_that_are_not_plain_yaml_are_quoted() -> None:
    assert adopt_render._scalar("us.anthropic.claude-haiku-4-5-20251001-v1:0") == (
        "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    )
    assert adopt_render._scalar("Gate 1 PLAN") == "Gate 1 PLAN"
    assert adopt_render._scalar("yes") == '"yes"'
    assert adopt_render._scalar("a: b") == '"a: b"'
    assert adopt_render._scalar("x #y") == '"x #y"'
    assert adopt_render._scalar("1.10") == '"1.10"'


def test_money_is_written_as_the_presets_write_it() -> None:
    from decimal import Decimal

    assert [
        adopt_render._money(Decimal(t)) for t in ("0", "1", "0.11", "1.375", "27.5", "1E+2")
    ] == [
        "0",
        "1.00",
        "0.11",
        "1.375",
        "27.50",
        "100.00",
    ]


# ── the command line ────────────────────────────────────────────────────────────────────────


def test_an_odd_model_name_round_trips_through_init_and_build(tmp_path: Path) -> None:
    proxy = PROXY_TEXT.replace("bedrock/opus", "'openai/o: dear #1'")
    root = write_files(tmp_path, {PRESET: ROUTING, PROXY: proxy})
    assert run(["init", "--from-repo", "-q"], cwd=root).exit_code == 0
    assert '    model: "openai/o: dear #1"\n' in (root / "routecfg.yaml").read_text()
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    assert (root / PROXY).read_text() == proxy


def test_after_a_build_the_files_agree(tmp_path: Path) -> None:
    proxy = PROXY_TEXT.replace(
        "    - claude-haiku: [claude-opus]\n", "    - claude-haiku: [dear]\n"
    )
    root = write_files(tmp_path, {PRESET: ROUTING, PROXY: proxy})
    first = run(["init", "--from-repo", "-q"], cwd=root)
    assert first.stderr.startswith("config/litellm/proxy-config.docker.yaml:37:7: warning[RC604]")
    spec = (root / "routecfg.yaml").read_text()
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    assert (root / PROXY).read_text() == PROXY_TEXT
    again = run(["init", "--from-repo", "--force", "-q"], cwd=root)
    assert (again.exit_code, again.stderr) == (0, "")
    assert (root / "routecfg.yaml").read_text() == spec


def test_named_files_and_the_second_usual_proxy_path(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {"my/preset.json": ROUTING, "config/litellm/proxy-config.yaml": PROXY_TEXT},
    )
    result = run(["init", "--preset-file", "my/preset.json", "-o", "spec.yaml"], cwd=root)
    assert result.exit_code == 0, result.stderr
    text = (root / "spec.yaml").read_text()
    assert "targets:\n  preset: my/preset.json\n  proxy: config/litellm/proxy-config.yaml\n" in text
    assert run(["validate", "--spec", "spec.yaml"], cwd=root).exit_code == 0


def test_the_output_folder_is_the_root(tmp_path: Path) -> None:
    root = write_files(tmp_path, {f"repo/{PRESET}": ROUTING, f"repo/{PROXY}": PROXY_TEXT})
    result = run(["init", "--from-repo", "-q", "--output", "repo/routecfg.yaml"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert f"  preset: {PRESET}\n" in (root / "repo" / "routecfg.yaml").read_text()


def test_a_named_file_outside_the_root_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, {"outside.json": ROUTING})
    (tmp_path / "repo").mkdir()
    result = run(["init", "--preset-file", "../outside.json"], cwd=tmp_path / "repo")
    assert result.exit_code == 2
    assert result.stderr == (
        f"../outside.json: error[RC261]: '../outside.json' is outside {tmp_path / 'repo'}, the "
        "folder routecfg.yaml is written to\n"
        "  hint: a spec's targets live inside its folder: choose another --output\n"
        "Found 1 error.\n"
    )
    assert not (tmp_path / "repo" / "routecfg.yaml").exists()


def test_no_files_found_writes_nothing(tmp_path: Path) -> None:
    result = run(["init", "--from-repo"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "routecfg.yaml: not written: found no preset, schema or proxy config at the usual paths "
        "under its folder; name them with --preset-file, --schema-file, --proxy-file\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_does_not_parse_is_invalid_input(tmp_path: Path) -> None:
    root = write_files(tmp_path, {PRESET: '{"llmOps": }'})
    result = run(["init", "--from-repo"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("config/presets/default.json:1:12: error[RC301]: ")
    assert not (root / "routecfg.yaml").exists()


def test_a_spec_the_files_make_invalid_is_written_and_reported(tmp_path: Path) -> None:
    cycle = PROXY_TEXT + "    - dear: [cheap]\n"
    root = write_files(tmp_path, {PRESET: ROUTING, PROXY: cycle})
    result = run(["init", "--from-repo"], cwd=root)
    assert result.exit_code == 2
    assert "error[RC223]: proxy.fallbacks has a cycle: cheap → dear → cheap" in result.stderr
    assert result.stderr.endswith(
        "routecfg.yaml: written, but it does not validate; fix the problems above\n"
    )


def test_contradictions_as_json_on_stdout(tmp_path: Path) -> None:
    proxy = PROXY_TEXT.replace("    - claude-haiku: [claude-opus]\n", "")
    root = write_files(tmp_path, {PRESET: ROUTING, PROXY: proxy})
    result = run(["init", "--from-repo", "--format", "json"], cwd=root)
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [(r["code"], r["line"], r["severity"]) for r in records] == [("RC604", 18, "warning")]
    assert result.stderr == ""


def starter(preset: str) -> bytes:
    """A bundled preset as init writes it: `$schema` beside it, the editor schema a target."""
    text = (REPO / "presets" / f"{preset}.yaml").read_text()
    first, _, rest = text.partition("\n")
    assert first == "# yaml-language-server: $schema=../schemas/routecfg.schema.json"
    return (
        "# yaml-language-server: $schema=./routecfg.schema.json\n"
        + rest
        + "\ntargets:                      # the files `routecfg build` keeps in sync with this spec\n"
        "  editor_schema: routecfg.schema.json  # for editors: this spec's tiers and gates as enums\n"
    ).encode()


def test_preset_writes_the_bundled_preset_with_its_header(tmp_path: Path) -> None:
    result = run(["init", "--preset", "legacy"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr == (
        "wrote routecfg.yaml from the bundled preset 'legacy'\n"
        "wrote routecfg.schema.json (the editor schema the spec's `$schema` line names)\n"
        "next: name your files under `targets:` (preset, schema, proxy, skills), then "
        "`routecfg build`\n"
    )
    written = (tmp_path / "routecfg.yaml").read_bytes()
    assert written == starter("legacy")
    assert run(["validate"], cwd=tmp_path).exit_code == 0


def test_init_without_options_writes_the_cost_optimized_preset(tmp_path: Path) -> None:
    assert run(["init", "-q"], cwd=tmp_path).exit_code == 0
    assert (tmp_path / "routecfg.yaml").read_bytes() == starter("cost-optimized")


def test_an_existing_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    spec = tmp_path / "routecfg.yaml"
    spec.write_text("mine\n")
    for args in (["init"], ["init", "--preset", "legacy"], ["init", "--from-repo"]):
        result = run(args, cwd=tmp_path)
        assert result.exit_code == 2
        assert result.stderr == (
            "routecfg.yaml: already exists; not overwritten (--force replaces it)\n"
        )
        assert spec.read_text() == "mine\n"
    forced = run(["init", "--preset", "legacy", "--force", "-q"], cwd=tmp_path)
    assert (forced.exit_code, forced.stderr) == (0, "")
    assert spec.read_bytes() == starter("legacy")


def test_preset_and_from_repo_together_are_a_usage_error(tmp_path: Path) -> None:
    result = run(["init", "--preset", "legacy", "--proxy-file", "x.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "Error: Invalid value for '--proxy-file'" in result.stderr  # x.yaml does not exist
    (tmp_path / "x.yaml").write_text("model_list: []\n")
    result = run(["init", "--preset", "legacy", "--proxy-file", "x.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: --preset writes a bundled preset; it takes no --from-repo or files\n"
    )
    assert not (tmp_path / "routecfg.yaml").exists()


def test_an_unknown_preset_suggests_the_nearest(tmp_path: Path) -> None:
    result = run(["init", "--preset", "legcy"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for --preset: no bundled preset 'legcy'; did you mean 'legacy'?\n"
    )


def test_help_shows_examples() -> None:
    result = run(["init", "--help"])
    assert result.exit_code == 0
    assert "  routecfg init --from-repo " in result.stdout
    assert "--force" in result.stdout
