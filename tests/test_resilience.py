"""Retries, backoff and cooldowns as LiteLLM runs them (`routecfg.router.resilience`), and what
`routecfg explain` says about them. `tests/test_verify.py` runs the same figures through the real
Router; these tests need no litellm."""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

from routecfg.router import resilience
from routecfg.router.resilience import Settings
from routecfg.targets import yamledit
from tests.conftest import REPO, run

EXAMPLE = REPO / "examples" / "backlog-toolkit"
PROXY = "config/litellm/proxy-config.yaml"


def _settings(text: str) -> Settings:
    return resilience.read_settings(yamledit.load(textwrap.dedent(text), "p.yaml"))


def test_settings_come_from_router_settings_then_litellm_settings() -> None:
    settings = _settings(
        """\
        router_settings:
          allowed_fails: 3
          cooldown_time: 60
          retry_policy: {InternalServerErrorRetries: 1, TimeoutErrorRetries: oops}
        litellm_settings:
          num_retries: 4
        """
    )
    assert settings == Settings(
        num_retries=4,
        num_retries_from="litellm_settings",
        retry_policy={"InternalServerErrorRetries": 1},
        allowed_fails=3,
        cooldown_time=Decimal(60),
    )
    assert settings.retries("fallbacks") == 1
    assert settings.retries("context_window_fallbacks") == 0
    assert settings.describe() == (
        "num_retries 4 (litellm_settings), retry_policy InternalServerErrorRetries 1, "
        "allowed_fails 3, cooldown_time 60 s"
    )
    assert settings.router_kwargs() == {
        "num_retries": 4,
        "disable_cooldowns": False,
        "retry_policy": {"InternalServerErrorRetries": 1},
        "allowed_fails": 3,
        "cooldown_time": 60.0,
    }


def test_defaults_and_values_of_the_wrong_type() -> None:
    settings = _settings(
        """\
        router_settings: {num_retries: -1, allowed_fails: yes, cooldown_time: soon, disable_cooldowns: true}
        litellm_settings: []
        """
    )
    assert settings == Settings(disable_cooldowns=True)
    assert settings.describe() == "num_retries 2 (LiteLLM's default), cooldowns disabled"
    assert _settings("model_list: []\n").describe() == (
        "num_retries 2 (LiteLLM's default), no allowed_fails (no cooldown on a short series)"
    )
    assert _settings("router_settings: {num_retries: 0}\n").num_retries_from == "router_settings"


def test_backoff_doubles_from_half_a_second_to_at_most_eight() -> None:
    assert resilience.backoff(0) == ()
    assert resilience.backoff(2) == (Decimal("0.5"), Decimal(1), Decimal(2))
    assert resilience.backoff(5)[-2:] == (Decimal(8), Decimal(8))


def test_timing_before_the_last_tier_answers() -> None:
    settings = Settings(num_retries=2)
    timing = resilience.timing("free", ("cheap", "balanced", "frontier"), settings, "fallbacks")
    assert timing.steps() == "free ×3 → cheap ×3 → balanced ×3 → frontier"
    assert timing.failed_attempts == 9
    assert (timing.least_wait, timing.worst_wait) == (Decimal("10.5"), Decimal("17.25"))
    # a group with another deployment to try does not sleep; other kinds are never retried
    shared = resilience.timing("cheap", ("frontier",), settings, "fallbacks", {"cheap": 2})
    assert (shared.steps(), shared.sleeps) == ("cheap ×3 → frontier", ())
    window = resilience.timing("cheap", ("frontier",), settings, "context_window_fallbacks")
    assert (window.steps(), window.sleeps) == ("cheap → frontier", ())


def test_sleep_bounds_with_jitter() -> None:
    bounds = resilience.sleep_bounds(("a", "b"), Settings(num_retries=1), {"b": 2})
    assert bounds == (
        (Decimal("0.5"), Decimal("1.25")),
        (Decimal(1), Decimal("1.75")),
        (Decimal(0), Decimal(0)),
        (Decimal(0), Decimal(0)),
    )


def test_a_series_cools_the_groups_with_a_chain_down() -> None:
    settings = Settings(num_retries=2, allowed_fails=3, cooldown_time=Decimal(60))
    order = ("free", "cheap", "frontier")
    has_fallbacks = {"free": True, "cheap": True}
    assert resilience.series_length(settings) == 3
    runs = resilience.series(order, settings, has_fallbacks)
    assert [resilience.steps(r) for r in runs] == [
        "free ×3 → cheap ×3 → frontier ×3",
        "free → cheap → frontier ×3",
        "frontier ×3",
    ]
    # without allowed_fails nothing cools down; a group with two deployments always can
    assert resilience.series_length(Settings()) == 2
    assert resilience.series(order, Settings(), has_fallbacks)[1] == runs[0]
    shared = resilience.series(
        ("frontier",), Settings(num_retries=0, allowed_fails=0), {}, {"frontier": 2}, 2
    )
    assert [resilience.steps(r) for r in shared] == ["frontier", "nothing tried"]
    assert not resilience.predictable(order, {"cheap": 2})


EXPLAIN_PROXY = """
LiteLLM proxy config/litellm/proxy-config.yaml: num_retries 2 (litellm_settings), allowed_fails 3, cooldown_time 60 s
  a server error walks fallbacks; each model is tried 3 times, with backoff:
    free: free ×3 → cheap ×3 → balanced ×3 → frontier: 9 failed attempts and 10.5–17.25 s of backoff before frontier answers
    cheap: cheap ×3 → balanced ×3 → frontier: 6 failed attempts and 7–11.5 s of backoff before frontier answers
    balanced: balanced ×3 → frontier: 3 failed attempts and 3.5–5.75 s of backoff before frontier answers
    frontier: frontier ×3, no fallback
    (a one-deployment model sleeps 0.5 × 2^k s before retry k + 1 and once more after its last, at most 8 s, plus up to 0.75 s of jitter; no Retry-After header assumed, the attempts' own time not counted)
  a context window error walks context_window_fallbacks (fallbacks where neither the model nor the one asked for has one), without retries:
    free: cheap → balanced
    cheap: balanced
    balanced: frontier
    frontier: no fallback
  a ContentPolicyViolationError walks content_policy_fallbacks only, without retries:
    free: no fallback: LiteLLM answers 400 "No fallback was attempted"
    cheap: balanced
    balanced: no fallback: LiteLLM answers 400 "No fallback was attempted"
    frontier: no fallback: LiteLLM answers 400 "No fallback was attempted"
  a provider's content filter that arrives as a plain 400 bad request (Bedrock's "Output blocked by content filtering policy") is no ContentPolicyViolationError: it walks fallbacks, without retries
  cooldowns: free, cheap and balanced (a fallbacks entry of their own) are cooled down after 4 failed attempts within 60 s (2 failing requests); then, for 60 s:
    requests to free go straight to frontier
    requests to cheap go straight to frontier
    requests to balanced go straight to frontier
"""


def test_explain_shows_retries_cooldowns_and_content_policy(tmp_path: Path) -> None:
    # The example with allowed_fails set (it leaves it out: lint-proxy's RC758 warns of it).
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    proxy = tmp_path / PROXY
    text = proxy.read_text()
    assert text.count("  cooldown_time: 60\n") == 1
    proxy.write_text(
        text.replace("  cooldown_time: 60\n", "  allowed_fails: 3\n  cooldown_time: 60\n")
    )
    result = run(["explain", "-q"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.endswith("entryModelDraft\n" + EXPLAIN_PROXY)
    markdown = run(["explain", "-q", "--format", "markdown"], cwd=tmp_path).stdout
    heading = EXPLAIN_PROXY.splitlines()[1]
    assert f"\n### {heading}\n\n```text\n  a server error walks fallbacks;" in markdown


def test_explain_without_cooldowns_or_a_readable_file(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    proxy = tmp_path / PROXY
    text = proxy.read_text()
    proxy.write_text(
        text.replace("  cooldown_time: 60\n", "  disable_cooldowns: true\n").replace(
            "  num_retries: 2\n", "  num_retries: 0\n"
        )
    )
    lines = run(["explain", "-q"], cwd=tmp_path).stdout.splitlines()
    assert lines[11] == (
        f"LiteLLM proxy {PROXY}: num_retries 0 (litellm_settings), cooldowns disabled"
    )
    assert lines[12:14] == [
        "  a server error walks fallbacks; each model is tried once:",
        "    free: free → cheap → balanced → frontier: 3 failed attempts and no backoff before "
        "frontier answers",
    ]
    assert lines[-1] == "  cooldowns: disabled (disable_cooldowns)"
    proxy.write_text(text.replace("  allowed_fails: 3\n", ""))
    lines = run(["explain", "-q"], cwd=tmp_path).stdout.splitlines()
    assert lines[-1] == (
        "  cooldowns: no allowed_fails, so LiteLLM cools a one-deployment model down only when "
        "all of at least 1,000 requests in a minute fail"
    )
    proxy.write_text("model_list: [\n")
    lines = run(["explain", "-q"], cwd=tmp_path).stdout.splitlines()
    assert lines[11] == (
        f"LiteLLM proxy {PROXY}: num_retries 2 (LiteLLM's default), no allowed_fails (no "
        "cooldown on a short series) (unreadable: LiteLLM's defaults assumed)"
    )
