"""What `routecfg explain` says about the proxy: each tier's walk per kind of error, the attempts
and the worst-case backoff before the last model answers, and where cooldowns cut a chain short.

Pure: the spec's compiled chains and each proxy file's settings (:mod:`resilience`) in, text or
records out. ``routecfg verify`` proves every figure against the real Router.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routecfg.diagnostics import RoutecfgError
from routecfg.model import CONTENT_POLICY, RoutingSpec
from routecfg.plan import read_target
from routecfg.router import resilience
from routecfg.router.resilience import Settings, seconds
from routecfg.targets import yamledit


@dataclass(frozen=True)
class ProxyFile:
    """A proxy target as explain reads it: its path, its settings, and how they were found."""

    path: str
    settings: Settings
    note: str | None = None  # e.g. "unreadable: LiteLLM's defaults assumed"
    deployments: Mapping[str, int] | None = None


def read_proxy_files(spec: RoutingSpec) -> list[ProxyFile]:
    """Each proxy target's settings and deployments, as on disk (validation has made sure each
    exists); LiteLLM's defaults for a file that cannot be read (`check` reports why)."""
    files = []
    for name in spec.targets.proxy:
        try:
            text, _ = read_target(spec.root / name, name, spec.root)
            doc = yamledit.load(text or "", name)
            deployments = {n: len(nodes) for n, nodes in yamledit.model_entries(doc).items()}
        except RoutecfgError:
            files.append(ProxyFile(name, Settings(), "unreadable: LiteLLM's defaults assumed"))
            continue
        files.append(ProxyFile(name, resilience.read_settings(doc), None, deployments))
    return files


def _walk_text(walk: Sequence[str]) -> str:
    return " → ".join(walk) if walk else "no fallback"


def _timing_line(spec: RoutingSpec, tier: str, file: ProxyFile) -> str:
    walk = spec.proxy.walk("fallbacks", tier)
    if not walk:
        retries = file.settings.retries("fallbacks")
        return f"{tier}: {tier} ×{retries + 1}, no fallback" if retries else f"{tier}: no fallback"
    timing = resilience.timing(tier, walk, file.settings, "fallbacks", file.deployments)
    last = timing.order[-1]
    wait = (
        "no backoff"
        if not timing.sleeps
        else f"{seconds(timing.least_wait).removesuffix(' s')}–{seconds(timing.worst_wait)} "
        "of backoff"
    )
    failed = timing.failed_attempts
    return (
        f"{tier}: {timing.steps()}: {failed} failed attempt{'s' if failed != 1 else ''} and "
        f"{wait} before {last} answers"
    )


def _cooldown_lines(spec: RoutingSpec, file: ProxyFile) -> list[str]:
    settings = file.settings
    if settings.disable_cooldowns:
        return ["cooldowns: disabled (disable_cooldowns)"]
    if settings.allowed_fails is None:
        return [
            "cooldowns: no allowed_fails, so LiteLLM cools a one-deployment model down only "
            "when all of at least 1,000 requests in a minute fail"
        ]
    chains = spec.proxy.compiled_chains("fallbacks")
    deployments = file.deployments or {}
    coolable = [tier for tier in spec.tiers if chains.get(tier) or deployments.get(tier, 1) > 1]
    if not coolable:
        return ["cooldowns: no tier can be cooled down (one deployment and no fallbacks entry)"]
    fails = settings.allowed_fails + 1
    per_request = settings.retries("fallbacks") + 1
    requests = -(-fails // per_request)
    window = seconds(settings.cooldown_seconds)
    plural = len(coolable) > 1
    lines = [
        f"cooldowns: {_either(coolable)} (a fallbacks entry of {'their' if plural else 'its'} "
        f"own) {'are' if plural else 'is'} cooled down after {fails} failed attempts "
        f"within {window} ({requests} failing request{'s' if requests != 1 else ''}); then, "
        f"for {window}:"
    ]
    for tier in spec.tiers:
        order = (tier, *spec.proxy.walk("fallbacks", tier))
        if tier not in coolable:
            continue
        rest = [name for name in order if name not in coolable]
        where = f"straight to {rest[0]}" if rest else 'nowhere: 429 "All deployments … cooldown"'
        lines.append(f"  requests to {tier} go {where}")
    return lines


def _either(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def proxy_lines(spec: RoutingSpec, file: ProxyFile) -> list[str]:
    """The text of one proxy file's section (without indentation for Markdown to add)."""
    settings = file.settings
    retries = settings.retries("fallbacks")
    heading = f"LiteLLM proxy {file.path}: {settings.describe()}"
    if file.note:
        heading += f" ({file.note})"
    tried = "once" if retries == 0 else f"{retries + 1} times, with backoff"
    lines = [heading, f"  a server error walks fallbacks; each model is tried {tried}:"]
    lines += [f"    {_timing_line(spec, tier, file)}" for tier in spec.tiers]
    if retries:
        lines.append(
            "    (a one-deployment model sleeps 0.5 × 2^k s before retry k + 1 and once more after "
            "its last, at most 8 s, plus up to 0.75 s of jitter; no Retry-After header assumed, "
            "the attempts' own time not counted)"
        )
    lines.append(
        "  a context window error walks context_window_fallbacks (fallbacks where neither the "
        "model nor the one asked for has one), without retries:"
    )
    lines += [
        f"    {tier}: {_walk_text(spec.proxy.walk('context_window_fallbacks', tier))}"
        for tier in spec.tiers
    ]
    policy = spec.proxy.compiled_chains(CONTENT_POLICY)
    if policy:
        lines.append(
            "  a ContentPolicyViolationError walks content_policy_fallbacks only, without retries:"
        )
        for tier in spec.tiers:
            walk = spec.proxy.walk(CONTENT_POLICY, tier)
            text = (
                _walk_text(walk)
                if walk
                else 'no fallback: LiteLLM answers 400 "No fallback was attempted"'
            )
            lines.append(f"    {tier}: {text}")
    else:
        lines.append(
            "  a ContentPolicyViolationError walks fallbacks (no content_policy_fallbacks), "
            "without retries"
        )
    lines.append(
        "  a provider's content filter that arrives as a plain 400 bad request (Bedrock's "
        '"Output blocked by content filtering policy") is no ContentPolicyViolationError: it '
        "walks fallbacks, without retries"
    )
    lines += [f"  {line}" for line in _cooldown_lines(spec, file)]
    return lines


def format_text(spec: RoutingSpec, files: Sequence[ProxyFile]) -> str:
    return "".join(
        "\n" + "".join(f"{line}\n" for line in proxy_lines(spec.for_proxy(f.path), f))
        for f in files
    )


def format_markdown(spec: RoutingSpec, files: Sequence[ProxyFile]) -> str:
    blocks = []
    for file in files:
        heading, *rest = proxy_lines(spec.for_proxy(file.path), file)
        body = "".join(f"{line}\n" for line in rest)
        blocks.append(f"\n### {heading}\n\n```text\n{body}```\n")
    return "".join(blocks)
