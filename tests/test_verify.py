"""`routecfg verify`: the proxy config run through the real LiteLLM Router, offline.

Tests that need litellm skip without it, and fail without it under CI=true (CI installs the
`litellm` extra). The walk itself and the model-map comparison are tested without it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from routecfg import litellm_map, verify
from routecfg.model import Proxy, effective_walk
from routecfg.validate import validate
from tests.conftest import REPO, TESTS, run

EXAMPLE = REPO / "examples" / "backlog-toolkit"
PROXY = "config/litellm/proxy-config.yaml"
UPSTREAM_PROXY = "proxy-config.docker.yaml"


@pytest.fixture
def litellm() -> None:
    """litellm must be importable; skipped in a user's checkout, a failure under CI=true."""
    if importlib.util.find_spec("litellm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("litellm is not installed (CI=true: CI installs '.[test,litellm]')")
        pytest.importorskip("litellm")


# ── the walk routecfg computes, and LiteLLM's on the same graphs ─────────────────────────────

Chains = Mapping[str, Sequence[str]]
# (fallbacks, context_window_fallbacks, kind, start, the order litellm 1.110.2 tried, measured)
GRAPHS: dict[str, tuple[Chains, Chains, str, str, tuple[str, ...]]] = {
    # A target with no chain of its own goes on along the chain of the model that was asked
    # for, so a sibling comes before the rest of the target's chain: not depth-first.
    "no-own-chain-resumes-the-requested-chain": (
        {"a": ["b", "c"], "b": ["e", "f"]},
        {},
        "fallbacks",
        "a",
        ("b", "e", "c", "f"),
    ),
    "upstream-post-seed-free": (
        {
            "free": ["cheap", "balanced"],
            "cheap": ["balanced", "frontier"],
            "balanced": ["frontier"],
        },
        {},
        "fallbacks",
        "free",
        ("cheap", "balanced", "frontier"),
    ),
    # Each target tried goes one level deeper than the one before it: 'f' is tried at depth 5
    # and falls back no further, so 'g' is never tried.
    "siblings-count-towards-the-depth": (
        {"a": ["b", "c", "d", "e", "f"], "f": ["g"]},
        {},
        "fallbacks",
        "a",
        ("b", "c", "d", "e", "f"),
    ),
    "a-straight-chain-stops-five-deep": (
        {"a": ["b"], "b": ["c"], "c": ["d"], "d": ["e"], "e": ["f"], "f": ["g"]},
        {},
        "fallbacks",
        "a",
        ("b", "c", "d", "e", "f"),
    ),
    "each-model-once": ({"a": ["b"], "b": ["a", "c"]}, {}, "fallbacks", "a", ("b", "c")),
    "an-unknown-target-is-skipped-but-its-chain-followed": (
        {"a": ["nowhere", "b"], "nowhere": ["c"]},
        {},
        "fallbacks",
        "a",
        ("c", "b"),
    ),
    # Context window errors follow context_window_fallbacks, and the generic fallbacks where
    # neither the model nor the one asked for has a context-window chain.
    "context-window-then-generic": (
        {"a": ["d"], "d": ["e"], "b": ["x"]},
        {"b": ["c"]},
        "context_window_fallbacks",
        "a",
        ("d", "e"),
    ),
    "context-window-chain-of-the-requested-model-wins": (
        {"b": ["c"]},
        {"a": ["b"]},
        "context_window_fallbacks",
        "a",
        ("b",),
    ),
}
SERVED = ("a", "b", "c", "d", "e", "f", "g", "x", "free", "cheap", "balanced", "frontier")


def _walk(fallbacks: Chains, windows: Chains, kind: str, start: str) -> tuple[str, ...]:
    if kind == "fallbacks":
        return effective_walk(fallbacks, start, served=SERVED)
    return effective_walk(windows, start, generic=fallbacks, served=SERVED)


@pytest.mark.parametrize("name", GRAPHS)
def test_routecfg_walk_is_the_measured_one(name: str) -> None:
    fallbacks, windows, kind, start, measured = GRAPHS[name]
    assert _walk(fallbacks, windows, kind, start) == measured


@pytest.mark.usefixtures("litellm")
@pytest.mark.parametrize("name", GRAPHS)
def test_litellm_walks_the_graph_as_routecfg_computes(name: str) -> None:
    fallbacks, windows, kind, start, measured = GRAPHS[name]
    chains = {"fallbacks": fallbacks, "context_window_fallbacks": windows}
    assert verify.litellm_walk(SERVED, chains, start, kind) == measured


# Content policy errors, measured on litellm 1.110.2 with deployments that raise
# ContentPolicyViolationError: (fallbacks, content_policy_fallbacks, start, the order tried).
POLICY_GRAPHS: dict[str, tuple[Chains, Chains, str, tuple[str, ...]]] = {
    # No content policy chain for the model (nor for the one asked for): no fallback at all,
    # though `fallbacks` has one. LiteLLM answers 400 "No fallback was attempted".
    "no-policy-chain-no-fallback": ({"a": ["b"]}, {"x": ["y"]}, "a", ()),
    # A target's generic chain is not followed either.
    "policy-chain-then-stop": ({"b": ["c"]}, {"a": ["b"]}, "a", ("b",)),
    # Otherwise resolved like the other kinds: own chain, else the requested model's.
    "no-own-chain-resumes-the-requested-chain": (
        {},
        {"a": ["b", "c"], "b": ["e"]},
        "a",
        ("b", "e", "c"),
    ),
    "each-model-once": ({}, {"a": ["b"], "b": ["a", "c"]}, "a", ("b", "c")),
    "five-deep": (
        {},
        {"a": ["b"], "b": ["c"], "c": ["d"], "d": ["e"], "e": ["f"], "f": ["g"]},
        "a",
        ("b", "c", "d", "e", "f"),
    ),
    # With no content_policy_fallbacks at all, the error walks `fallbacks`.
    "no-policy-chains-walks-fallbacks": (
        {"a": ["b", "c"], "b": ["e"]},
        {},
        "a",
        ("b", "e", "c"),
    ),
    "upstream-free": (
        {"free": ["cheap", "balanced"], "cheap": ["balanced", "frontier"]},
        {"cheap": ["balanced"]},
        "free",
        (),
    ),
    "upstream-cheap": (
        {"free": ["cheap", "balanced"], "cheap": ["balanced", "frontier"]},
        {"cheap": ["balanced"]},
        "cheap",
        ("balanced",),
    ),
}


def _proxy(fallbacks: Chains, policy: Chains) -> Proxy:
    chains = {
        "fallbacks": {k: tuple(v) for k, v in fallbacks.items()},
        "content_policy_fallbacks": {k: tuple(v) for k, v in policy.items()},
    }
    return Proxy(chains)


@pytest.mark.parametrize("name", POLICY_GRAPHS)
def test_routecfg_content_policy_walk_is_the_measured_one(name: str) -> None:
    fallbacks, policy, start, measured = POLICY_GRAPHS[name]
    assert _proxy(fallbacks, policy).walk("content_policy_fallbacks", start) == measured


@pytest.mark.usefixtures("litellm")
@pytest.mark.parametrize("name", POLICY_GRAPHS)
def test_litellm_walks_content_policy_as_routecfg_computes(name: str) -> None:
    fallbacks, policy, start, measured = POLICY_GRAPHS[name]
    chains = {"fallbacks": fallbacks, "content_policy_fallbacks": policy}
    assert verify.litellm_walk(SERVED, chains, start, "content_policy_fallbacks") == measured


@pytest.mark.usefixtures("litellm")
def test_a_content_filter_as_a_bad_request_walks_the_generic_chain() -> None:
    """Bedrock's "Output blocked by content filtering policy" is a BadRequestError: it walks
    `fallbacks`, not `content_policy_fallbacks`."""
    chains = {
        "fallbacks": {"free": ["cheap", "balanced"], "cheap": ["balanced", "frontier"]},
        "content_policy_fallbacks": {"cheap": ["balanced"]},
    }
    assert verify.litellm_walk(SERVED, chains, "free", "content_filter") == (
        "cheap",
        "balanced",
        "frontier",
    )
    assert _proxy(chains["fallbacks"], chains["content_policy_fallbacks"]).walk(
        "fallbacks", "free"
    ) == ("cheap", "balanced", "frontier")


def test_max_fallbacks_cuts_the_walk() -> None:
    chains = {"a": ["b"], "b": ["c"], "c": ["d"]}
    assert effective_walk(chains, "a", max_fallbacks=2) == ("b", "c")


# ── routecfg verify on real files ────────────────────────────────────────────────────────────

POST_SEED_WALKS = """\
{path}: fallbacks (a server error), as LiteLLM 1.110.2 walks it
  free: cheap → balanced → frontier  ok
  cheap: balanced → frontier  ok
  balanced: frontier  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-sonnet-4-6: claude-opus-4-6  ok
  claude-opus-4-6: no fallback  ok
{path}: context_window_fallbacks (a context window error), as LiteLLM 1.110.2 walks it
  free: cheap → balanced → frontier  ok
  cheap: balanced → frontier  ok
  balanced: frontier  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-sonnet-4-6: claude-opus-4-6  ok
  claude-opus-4-6: no fallback  ok
{path}: content_policy_fallbacks (a ContentPolicyViolationError), as LiteLLM 1.110.2 walks it
  free: no fallback  ok
  cheap: balanced  ok
  balanced: no fallback  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6  ok
  claude-sonnet-4-6: no fallback  ok
  claude-opus-4-6: no fallback  ok
{path}: a provider's content filter as a plain 400 BadRequestError, as LiteLLM 1.110.2 walks it
  free: cheap → balanced → frontier  ok
  cheap: balanced → frontier  ok
  balanced: frontier  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-sonnet-4-6: claude-opus-4-6  ok
  claude-opus-4-6: no fallback  ok
{path}: 3 requests in a row, every deployment failing with a server error, with the file's num_retries 2 (litellm_settings), allowed_fails 3, cooldown_time 60 s, as LiteLLM 1.110.2 runs them
  free: ok
    1: free ×3 → cheap ×3 → balanced ×3 → frontier ×3
    2: free → cheap → balanced → frontier ×3
    3: frontier ×3
  cheap: ok
    1: cheap ×3 → balanced ×3 → frontier ×3
    2: cheap → balanced → frontier ×3
    3: frontier ×3
  balanced: ok
    1: balanced ×3 → frontier ×3
    2: balanced → frontier ×3
    3: frontier ×3
  frontier: ok
    1: frontier ×3
    2: frontier ×3
    3: frontier ×3
  claude-haiku-4-5: ok
    1: claude-haiku-4-5 ×3 → claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
    2: claude-haiku-4-5 → claude-sonnet-4-6 → claude-opus-4-6 ×3
    3: claude-opus-4-6 ×3
  claude-haiku-4-5-20251001: ok
    1: claude-haiku-4-5-20251001 ×3 → claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
    2: claude-haiku-4-5-20251001 → claude-sonnet-4-6 → claude-opus-4-6 ×3
    3: claude-opus-4-6 ×3
  claude-sonnet-4-6: ok
    1: claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
    2: claude-sonnet-4-6 → claude-opus-4-6 ×3
    3: claude-opus-4-6 ×3
  claude-opus-4-6: ok
    1: claude-opus-4-6 ×3
    2: claude-opus-4-6 ×3
    3: claude-opus-4-6 ×3
tiers against LiteLLM 1.110.2's model map
  free: ollama/qwen3-coder:30b  unknown to the map
  cheap: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0  4 prices differ
  balanced: bedrock/us.anthropic.claude-sonnet-4-6  4 prices differ
  frontier: bedrock/us.anthropic.claude-opus-4-6-v1  4 prices differ
"""
# The example: no context-window chain to a model whose window is no larger (RC759), and no
# allowed_fails on its one-deployment tiers (RC758), so a short series cools nothing down.
EXAMPLE_WALKS = """\
{path}: fallbacks (a server error), as LiteLLM 1.110.2 walks it
  free: cheap → balanced → frontier  ok
  cheap: balanced → frontier  ok
  balanced: frontier  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-sonnet-4-6: claude-opus-4-6  ok
  claude-opus-4-6: no fallback  ok
{path}: context_window_fallbacks (a context window error), as LiteLLM 1.110.2 walks it
  free: cheap → balanced  ok
  cheap: balanced  ok
  balanced: frontier  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6  ok
  claude-sonnet-4-6: claude-opus-4-6  ok
  claude-opus-4-6: no fallback  ok
{path}: content_policy_fallbacks (a ContentPolicyViolationError), as LiteLLM 1.110.2 walks it
  free: no fallback  ok
  cheap: balanced  ok
  balanced: no fallback  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6  ok
  claude-sonnet-4-6: no fallback  ok
  claude-opus-4-6: no fallback  ok
{path}: a provider's content filter as a plain 400 BadRequestError, as LiteLLM 1.110.2 walks it
  free: cheap → balanced → frontier  ok
  cheap: balanced → frontier  ok
  balanced: frontier  ok
  frontier: no fallback  ok
  claude-haiku-4-5: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-haiku-4-5-20251001: claude-sonnet-4-6 → claude-opus-4-6  ok
  claude-sonnet-4-6: claude-opus-4-6  ok
  claude-opus-4-6: no fallback  ok
{path}: 2 requests in a row, every deployment failing with a server error, with the file's num_retries 2 (litellm_settings), no allowed_fails (no cooldown on a short series), as LiteLLM 1.110.2 runs them
  free: ok
    1: free ×3 → cheap ×3 → balanced ×3 → frontier ×3
    2: free ×3 → cheap ×3 → balanced ×3 → frontier ×3
  cheap: ok
    1: cheap ×3 → balanced ×3 → frontier ×3
    2: cheap ×3 → balanced ×3 → frontier ×3
  balanced: ok
    1: balanced ×3 → frontier ×3
    2: balanced ×3 → frontier ×3
  frontier: ok
    1: frontier ×3
    2: frontier ×3
  claude-haiku-4-5: ok
    1: claude-haiku-4-5 ×3 → claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
    2: claude-haiku-4-5 ×3 → claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
  claude-haiku-4-5-20251001: ok
    1: claude-haiku-4-5-20251001 ×3 → claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
    2: claude-haiku-4-5-20251001 ×3 → claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
  claude-sonnet-4-6: ok
    1: claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
    2: claude-sonnet-4-6 ×3 → claude-opus-4-6 ×3
  claude-opus-4-6: ok
    1: claude-opus-4-6 ×3
    2: claude-opus-4-6 ×3
tiers against LiteLLM 1.110.2's model map
  free: ollama/qwen3-coder:30b  unknown to the map
  cheap: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0  4 prices differ
  balanced: bedrock/us.anthropic.claude-sonnet-4-6  4 prices differ
  frontier: bedrock/us.anthropic.claude-opus-4-6-v1  4 prices differ
"""
HINT = (
    "  hint: the proxy config carries the spec's prices, so spend is tracked with them; "
    "check which figure is the provider's current price\n"
)
PRICE_WARNINGS = (
    "routecfg.yaml:{cheap}: warning[RC703]: tier 'cheap' "
    "(bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0) is priced unlike LiteLLM 1.110.2's "
    "model map ('us.anthropic.claude-haiku-4-5-20251001-v1:0'), per million tokens here vs "
    "there: input $1.00 vs $1.10, output $5.00 vs $5.50, cache_read $0.10 vs $0.11, "
    "cache_write $1.25 vs $1.375\n" + HINT + "routecfg.yaml:{balanced}: warning[RC703]: tier "
    "'balanced' (bedrock/us.anthropic.claude-sonnet-4-6) is priced unlike LiteLLM 1.110.2's "
    "model map ('us.anthropic.claude-sonnet-4-6'), per million tokens here vs there: input "
    "$3.00 vs $3.30, output $15.00 vs $16.50, cache_read $0.30 vs $0.33, cache_write $3.75 vs "
    "$4.125\n" + HINT + "routecfg.yaml:{frontier}: warning[RC703]: tier 'frontier' "
    "(bedrock/us.anthropic.claude-opus-4-6-v1) is priced unlike LiteLLM 1.110.2's model map "
    "('us.anthropic.claude-opus-4-6-v1'), per million tokens here vs there: input $5.00 vs "
    "$5.50, output $25.00 vs $27.50, cache_read $0.50 vs $0.55, cache_write $6.25 vs $6.875\n"
    + HINT
)


@pytest.mark.usefixtures("litellm")
def test_example_repository_walks_as_routecfg_computes() -> None:
    result = run(["verify"], cwd=EXAMPLE)
    assert result.stdout == EXAMPLE_WALKS.format(path=PROXY)
    assert result.stderr == (
        PRICE_WARNINGS.format(cheap="18:12", balanced="24:12", frontier="30:12")
        + "32 walks and 8 series of requests, all as routecfg computes them\n"
    )
    assert result.exit_code == 0


@pytest.mark.usefixtures("litellm")
def test_upstream_post_seed_proxy_walks_as_routecfg_computes(
    upstream: Path, tmp_path: Path
) -> None:
    """Upstream's own file: a failing `free` ends on Opus, as routecfg's RC224 says."""
    shutil.copyfile(TESTS / "upstream" / "post-seed.yaml", tmp_path / "routecfg.yaml")
    source = upstream / "post-seed" / "config" / "litellm" / UPSTREAM_PROXY
    shutil.copyfile(source, tmp_path / UPSTREAM_PROXY)
    result = run(["verify", "--proxy", UPSTREAM_PROXY], cwd=tmp_path)
    assert result.stdout == POST_SEED_WALKS.format(path=UPSTREAM_PROXY)
    assert result.stderr == (
        "routecfg.yaml:53:30: warning[RC224]: gates on 'free' (wave_plan, plan, commit, "
        "classify, draft) can end on 'frontier' (bedrock/us.anthropic.claude-opus-4-6-v1): "
        "LiteLLM tries cheap → balanced → frontier, though 'free' declares only [cheap, "
        "balanced]\n"
        "  hint: LiteLLM follows each fallback's own chain; list the whole chain you want "
        "(e.g. [cheap, balanced, frontier]) or shorten the chains it passes through\n"
        + PRICE_WARNINGS.format(cheap="15:12", balanced="21:12", frontier="27:12")
        + "32 walks and 8 series of requests, all as routecfg computes them\n"
    )
    assert result.exit_code == 0


@pytest.mark.usefixtures("litellm")
def test_chains_edited_by_hand_are_caught(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    proxy = tmp_path / PROXY
    text = proxy.read_text()
    assert text.count("    - cheap: [balanced, frontier]\n") == 1
    # allowed_fails as upstream sets it (the example leaves it out, RC758), for a series that
    # cools groups down
    text = text.replace("  cooldown_time: 60\n", "  allowed_fails: 3\n  cooldown_time: 60\n")
    proxy.write_text(
        text.replace("    - cheap: [balanced, frontier]\n", "    - cheap: [frontier]\n")
    )
    result = run(["verify", "-q"], cwd=tmp_path)
    assert result.stdout == textwrap.dedent(
        f"""\
        {PROXY}: fallbacks (a server error), as LiteLLM 1.110.2 walks it
          free: differs
            routecfg: cheap → balanced → frontier
            LiteLLM:  cheap → frontier → balanced
          cheap: differs
            routecfg: balanced → frontier
            LiteLLM:  frontier
        {PROXY}: a provider's content filter as a plain 400 BadRequestError, as LiteLLM 1.110.2 walks it
          free: differs
            routecfg: cheap → balanced → frontier
            LiteLLM:  cheap → frontier → balanced
          cheap: differs
            routecfg: balanced → frontier
            LiteLLM:  frontier
        {PROXY}: 3 requests in a row, every deployment failing with a server error, with the file's num_retries 2 (litellm_settings), allowed_fails 3, cooldown_time 60 s, as LiteLLM 1.110.2 runs them
          free: differs
            1: routecfg: free ×3 → cheap ×3 → balanced ×3 → frontier ×3
               LiteLLM:  free ×3 → cheap ×3 → frontier ×3 → balanced ×3
            2: routecfg: free → cheap → balanced → frontier ×3
               LiteLLM:  free → cheap → frontier ×3 → balanced
            3: frontier ×3
          cheap: differs
            1: routecfg: cheap ×3 → balanced ×3 → frontier ×3
               LiteLLM:  cheap ×3 → frontier ×3
            2: routecfg: cheap → balanced → frontier ×3
               LiteLLM:  cheap → frontier ×3
            3: frontier ×3
        tiers against LiteLLM 1.110.2's model map
          cheap: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0  4 prices differ
          balanced: bedrock/us.anthropic.claude-sonnet-4-6  4 prices differ
          frontier: bedrock/us.anthropic.claude-opus-4-6-v1  4 prices differ
        """
    )
    assert result.stderr.endswith(
        "4 of 32 walks and 2 of 8 series of requests differ from routecfg's\n"
        "hint: `routecfg check` shows how the file differs from the spec; if it is in sync, "
        "routecfg's model of LiteLLM is wrong: please report it\n"
    )
    assert result.exit_code == 1
    github = run(["verify", "--format", "github"], cwd=tmp_path)
    assert github.exit_code == 1
    assert github.stdout.splitlines()[:2] == [
        f"::error file={PROXY},line=137,col=7,title=RC701::fallbacks: when 'free' fails, "
        "LiteLLM 1.110.2 tries cheap → frontier → balanced, routecfg computes cheap → balanced "
        "→ frontier%0Ahint: `routecfg check` shows how the file differs from the spec",
        f"::error file={PROXY},line=138,col=7,title=RC701::fallbacks: when 'cheap' fails, "
        "LiteLLM 1.110.2 tries frontier, routecfg computes balanced → frontier%0Ahint: "
        "`routecfg check` shows how the file differs from the spec",
    ]


@pytest.mark.usefixtures("litellm")
def test_a_model_name_missing_from_the_file_is_a_mismatch(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    proxy = tmp_path / PROXY
    proxy.write_text(proxy.read_text().replace("model_name: claude-opus-4-6\n", "model_name: x\n"))
    result = run(["verify", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1
    assert '"model": "claude-opus-4-6",\n          "routecfg": [],\n          "litellm": null' in (
        result.stdout
    )


def test_without_litellm_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "litellm", None)  # makes `import litellm` fail
    result = run(["verify"], cwd=EXAMPLE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "  hint: pip install litellm==1.110.2 into routecfg's environment (in a clone of "
        "routecfg: pip install '.[litellm]')"
    )
    assert result.stderr.startswith(
        f"{PROXY}: error[RC702]: `routecfg verify` runs LiteLLM's Router, and litellm cannot "
        "be imported"
    )


def test_a_missing_proxy_file_is_invalid_input() -> None:
    result = run(["verify", "--proxy", "missing.yaml"], cwd=EXAMPLE)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "missing.yaml: error[RC263]: proxy file 'missing.yaml' does not exist\n"
        "  hint: run `routecfg build`, or fix the path\n"
    )


def test_a_spec_without_a_proxy_target_has_nothing_to_verify() -> None:
    result = run(["verify", "--spec", str(TESTS / "upstream" / "post-seed.yaml")])
    assert result.exit_code == 2
    assert "error[RC705]: nothing to verify: the spec has no proxy target" in result.stderr


# ── LiteLLM's model map ──────────────────────────────────────────────────────────────────────


def test_tiers_against_the_model_map() -> None:
    validated = validate(EXAMPLE / "routecfg.yaml")
    model_map = litellm_map.ModelMap(
        "9.9.9",
        {
            # cheap: found without its provider prefix; its output price differs
            "us.anthropic.claude-haiku-4-5-20251001-v1:0": {
                "litellm_provider": "bedrock_converse",
                "input_cost_per_token": 1e-06,
                "output_cost_per_token": 5.5e-06,
                "supports_function_calling": True,
            },
            # balanced: same prices, but no function calling
            "bedrock/us.anthropic.claude-sonnet-4-6": {
                "input_cost_per_token": 3e-06,
                "output_cost_per_token": 1.5e-05,
                "supports_function_calling": False,
            },
            # frontier: another provider's model of the same name is not it
            "us.anthropic.claude-opus-4-6-v1": {"litellm_provider": "azure"},
        },
    )
    findings = litellm_map.compare(validated.spec, model_map)
    assert [(f.tier, f.key, f.status) for f in findings] == [
        ("free", None, "unknown to the map"),
        ("cheap", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "1 price differs"),
        ("balanced", "bedrock/us.anthropic.claude-sonnet-4-6", "tool_use differs"),
        ("frontier", None, "unknown to the map"),
    ]
    assert findings[1].prices == (
        litellm_map.PriceDifference("output", Decimal("5.00"), Decimal("5.5")),
    )
    found = litellm_map.diagnostics(findings, validated.source, "9.9.9")
    assert [f"{d.line}:{d.column} {d.code} {d.message}" for d in found] == [
        "18:12 RC703 tier 'cheap' (bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0) is "
        "priced unlike LiteLLM 9.9.9's model map ('us.anthropic.claude-haiku-4-5-20251001-v1:0'), "
        "per million tokens here vs there: output $5.00 vs $5.50",
        "22:19 RC704 tier 'balanced' (bedrock/us.anthropic.claude-sonnet-4-6) has tool_use, but "
        "LiteLLM 9.9.9's model map says 'bedrock/us.anthropic.claude-sonnet-4-6' does not "
        "support function calling",
    ]


def test_dollars_keep_cents_and_every_digit() -> None:
    amounts = [Decimal("1"), Decimal("1.1"), Decimal("1.375"), Decimal("0.10"), Decimal("15")]
    assert [litellm_map.dollars(a) for a in amounts] == [
        "$1.00",
        "$1.10",
        "$1.375",
        "$0.10",
        "$15.00",
    ]


@pytest.mark.usefixtures("litellm")
def test_the_installed_map_is_read_as_data_without_importing_litellm() -> None:
    code = (
        "import sys; from routecfg import litellm_map; m = litellm_map.installed_map(); "
        "print(m.version, len(m.models) > 1000, m.lookup('ollama/qwen3-coder:30b'), "
        "'litellm' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout == "1.110.2 True None False\n"


@pytest.mark.usefixtures("litellm")
def test_upstream_docker_and_template_walk_as_routecfg_computes(
    upstream: Path, tmp_path: Path
) -> None:
    """Both of upstream head's proxy files, each as it serves the one spec: every walk, content
    policy included, and every series with the files' own retries and cooldowns agree."""
    from tests.test_upstream import lay_out_two_proxies

    lay_out_two_proxies(upstream, tmp_path)
    result = run(["verify", "-q", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert [(f["path"], len(f["walks"]), len(f["series"])) for f in report["files"]] == [
        ("config/litellm/proxy-config.docker.yaml", 44, 11),
        ("config/litellm/proxy-config.template.yaml", 12, 3),
    ]
    template = report["files"][1]
    assert {
        w["model"]: w["litellm"]
        for w in template["walks"]
        if w["kind"] == "content_policy_fallbacks"
    } == {
        "cheap": ["balanced"],
        "balanced": [],
        "frontier": [],
    }
    assert template["series"][0] == {
        "model": "cheap",
        "routecfg": [
            ["cheap"] * 3 + ["balanced"] * 3 + ["frontier"] * 3,
            ["cheap", "balanced"] + ["frontier"] * 3,
            ["frontier"] * 3,
        ],
        "litellm": [
            ["cheap"] * 3 + ["balanced"] * 3 + ["frontier"] * 3,
            ["cheap", "balanced"] + ["frontier"] * 3,
            ["frontier"] * 3,
        ],
        "backoff_ok": True,
        "ok": True,
    }
