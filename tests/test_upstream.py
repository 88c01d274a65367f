"""Specs that state upstream's real routing validate cleanly and agree with upstream's files.

The upstream files are read in place from ../shared/fixtures/upstream (never copied here).
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from routecfg.model import MILLION, PROXY_CHAIN_KINDS, RoutingSpec
from routecfg.validate import validate
from tests.conftest import TESTS, run, without_lint

SPECS = {
    "post-seed": TESTS / "upstream" / "post-seed.yaml",
    "head": TESTS / "upstream" / "head.yaml",
}
PRICE_KEYS = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
}


@pytest.mark.parametrize("snapshot", SPECS)
def test_spec_of_upstream_routing_validates_with_the_walk_warning(snapshot: str) -> None:
    result = run(["validate", "--spec", str(SPECS[snapshot])])
    assert result.exit_code == 0
    warning, hint, no_targets, _, summary = result.stderr.splitlines()
    assert no_targets.endswith(
        ":2:1: warning[RC507]: the spec has no targets: there is nothing to compile or check"
    )
    assert warning.endswith(
        ":53:30: warning[RC224]: gates on 'free' (wave_plan, plan, commit, classify, draft) can "
        "end on 'frontier' (bedrock/us.anthropic.claude-opus-4-6-v1): LiteLLM tries cheap → "
        "balanced → frontier, though 'free' declares only [cheap, balanced]"
    )
    assert hint.startswith("  hint: LiteLLM follows each fallback's own chain")
    assert summary.endswith(f"{snapshot}.yaml: valid (4 tiers, 9 gates, 2 warnings)")


def _proxy(upstream: Path, snapshot: str) -> Any:
    text = (upstream / snapshot / "config" / "litellm" / "proxy-config.docker.yaml").read_text()
    return YAML(typ="safe").load(text)


@pytest.mark.parametrize("snapshot", SPECS)
def test_spec_matches_the_upstream_preset(upstream: Path, snapshot: str) -> None:
    spec = validate(SPECS[snapshot]).spec
    preset = json.loads((upstream / snapshot / "config" / "presets" / "default.json").read_text())
    expected: dict[str, str | int | None] = {
        g.config_key: g.tier for g in spec.gates.values() if g.config_key
    }
    expected["escalationModel"] = spec.escalation.model
    expected["maxEscalationsPerTicket"] = spec.escalation.max_per_ticket
    assert preset["llmOps"]["routing"] == expected


@pytest.mark.parametrize("snapshot", SPECS)
def test_spec_matches_the_upstream_proxy(upstream: Path, snapshot: str) -> None:
    spec = validate(SPECS[snapshot]).spec
    proxy = _proxy(upstream, snapshot)
    assert _served(proxy) == _served_by_spec(spec)
    for kind in PROXY_CHAIN_KINDS:
        entries = proxy["router_settings"][kind]
        declared = {name: tuple(chain) for entry in entries for name, chain in entry.items()}
        assert declared == spec.proxy.compiled_chains(kind), kind


def _served(proxy: Any) -> dict[str, tuple[str, dict[str, Decimal]]]:
    served = {}
    for entry in proxy["model_list"]:
        params = entry["litellm_params"]
        prices = {k: Decimal(str(params[v])) for k, v in PRICE_KEYS.items() if v in params}
        info = {
            k: Decimal(str(entry["model_info"][v])) for k, v in PRICE_KEYS.items() if v in params
        }
        assert prices == info, entry["model_name"]
        served[entry["model_name"]] = (params["model"], prices)
    return served


def _served_by_spec(spec: RoutingSpec) -> dict[str, tuple[str, dict[str, Decimal]]]:
    served = {}
    names = {name: name for name in spec.tiers} | spec.proxy.alias_tiers()
    for name, tier_name in names.items():
        tier = spec.tiers[tier_name]
        prices = {
            key: value / MILLION for key, value in vars(tier.price).items() if value is not None
        }
        served[name] = (tier.model, prices)
    return served


def test_effective_walk_of_upstream_free_ends_on_frontier() -> None:
    spec = validate(SPECS["post-seed"]).spec
    assert spec.proxy.walk("fallbacks", "free") == ("cheap", "balanced", "frontier")
    assert spec.proxy.walk("fallbacks", "frontier") == ()


TWO_PROXIES = TESTS / "upstream" / "head-two-proxies.yaml"
DOCKER = "config/litellm/proxy-config.docker.yaml"
TEMPLATE = "config/litellm/proxy-config.template.yaml"


def lay_out_two_proxies(upstream: Path, root: Path) -> None:
    """Upstream head's docker and template proxy files, and the one spec of both."""
    (root / "config" / "litellm").mkdir(parents=True)
    for name in (DOCKER, TEMPLATE):
        shutil.copyfile(upstream / "head" / name, root / name)
    shutil.copyfile(TWO_PROXIES, root / "routecfg.yaml")


def test_docker_and_template_compile_from_one_spec(upstream: Path, tmp_path: Path) -> None:
    """The template serves Anthropic's API ids without prices, no `free` and no aliases: per-
    target differences of one spec. Both compile with zero diff; the template's missing `free`
    is reported, since five gates run on it."""
    lay_out_two_proxies(upstream, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in (DOCKER, TEMPLATE)}
    result = run(["check", "--no-cache"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    lines = without_lint(result.stderr).splitlines()
    assert lines[2:] == [
        "routecfg.yaml:73:14: warning[RC707]: proxy file "
        "'config/litellm/proxy-config.template.yaml' does not serve tier 'free', which gates "
        "wave_plan, plan, commit, classify, draft run on: a request for 'free' through it fails",
        "  hint: add 'free' to its tiers, or route those gates to a tier it serves",
        f"{DOCKER}: in sync",
        f"{TEMPLATE}: in sync",
    ]
    assert run(["build", "--yes"], cwd=tmp_path).exit_code == 0
    assert {name: (tmp_path / name).read_bytes() for name in (DOCKER, TEMPLATE)} == before


def test_a_tier_changed_for_one_target_only(upstream: Path, tmp_path: Path) -> None:
    """An override changes the template's model only; the docker file stays as it is."""
    lay_out_two_proxies(upstream, tmp_path)
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(
        spec.read_text().replace("anthropic/claude-opus-4,", "anthropic/claude-opus-4-6,")
    )
    result = run(["diff"], cwd=tmp_path)
    assert result.stdout == (
        f"--- a/{TEMPLATE}\n"
        f"+++ b/{TEMPLATE}\n"
        "@@ -22,7 +22,7 @@\n"
        "   # FRONTIER — 5% of calls: complex architecture, security audit, escalation\n"
        "   - model_name: frontier\n"
        "     litellm_params:\n"
        "-      model: anthropic/claude-opus-4\n"
        "+      model: anthropic/claude-opus-4-6\n"
        "       api_key: os.environ/ANTHROPIC_API_KEY\n"
        " \n"
        "   # CODE FRONTIER — specialized code model (optional)\n"
    )
