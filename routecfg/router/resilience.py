"""Retries, backoff and cooldowns as LiteLLM 1.110.2 runs them: what a proxy file's settings do
to a walk.

Read from LiteLLM's source and measured through its Router (``routecfg verify`` checks each
figure against the real Router on every run):

- a server error (a 5xx: what ``fallbacks`` catches) is retried in its group ``num_retries``
  times (``router_settings``, else ``litellm_settings``, else LiteLLM's default of 2;
  ``retry_policy.InternalServerErrorRetries`` wins over both). Context window and content policy
  errors, and every other 400, are never retried: the walk moves on at once;
- a group with one deployment sleeps before each retry and once more after its last one (the
  first sleep comes after the first failure): ``0.5 × 2^k`` seconds for k = 0, 1, …, at most 8,
  plus a random jitter of up to 0.75 s (``litellm.utils.calculate_retry_after``,
  ``INITIAL_RETRY_DELAY``, ``MAX_RETRY_DELAY``, ``JITTER``); a group with another deployment to
  try does not sleep. The worst case assumes no ``Retry-After`` header (a provider's header of
  up to 60 s replaces the backoff) and leaves out the time each failed attempt itself takes;
- cooldowns (``router_utils/cooldown_handlers.py``): with ``allowed_fails`` set in
  ``router_settings`` and ``disable_cooldowns`` off, a deployment that fails more than
  ``allowed_fails`` times within ``cooldown_time`` seconds (default 5) with a 5xx, 429, 401, 404
  or 408 is cooled down for ``cooldown_time`` seconds, every attempt counting; a cooled group is
  skipped, its requests going straight on down the chain. LiteLLM's safety net never cools the
  only deployment of a group that has no ``fallbacks`` entry of its own (the last tier).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ruamel.yaml.comments import CommentedMap

from routecfg.targets.yamlnodes import ProxyDoc

INITIAL_RETRY_DELAY = Decimal("0.5")
MAX_RETRY_DELAY = Decimal(8)
JITTER = Decimal("0.75")
DEFAULT_NUM_RETRIES = 2
DEFAULT_COOLDOWN_TIME = Decimal(5)
SERVER_ERROR_POLICY = "InternalServerErrorRetries"
RETRIED_KIND = "fallbacks"  # the only kind of error LiteLLM retries in its group
MAX_SERIES = 6  # requests in a cooldown series, at most


@dataclass(frozen=True)
class Settings:
    """A proxy file's retry and cooldown settings, with LiteLLM's defaults where it has none."""

    num_retries: int = DEFAULT_NUM_RETRIES
    num_retries_from: str = "LiteLLM's default"
    retry_policy: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    allowed_fails: int | None = None
    cooldown_time: Decimal | None = None
    disable_cooldowns: bool = False

    def retries(self, kind: str) -> int:
        """How often a group is retried on the error that walks ``kind``."""
        if kind != RETRIED_KIND:
            return 0
        return self.retry_policy.get(SERVER_ERROR_POLICY, self.num_retries)

    @property
    def cooldown_seconds(self) -> Decimal:
        return self.cooldown_time if self.cooldown_time is not None else DEFAULT_COOLDOWN_TIME

    @property
    def cools_down(self) -> bool:
        """Whether failures count towards a cooldown (LiteLLM's allowed-fails logic)."""
        return self.allowed_fails is not None and not self.disable_cooldowns

    def describe(self) -> str:
        """``num_retries 2 (litellm_settings), allowed_fails 3, cooldown_time 60 s``."""
        parts = [f"num_retries {self.num_retries} ({self.num_retries_from})"]
        if SERVER_ERROR_POLICY in self.retry_policy:
            parts.append(
                f"retry_policy {SERVER_ERROR_POLICY} {self.retry_policy[SERVER_ERROR_POLICY]}"
            )
        if self.disable_cooldowns:
            parts.append("cooldowns disabled")
        elif self.allowed_fails is None:
            parts.append("no allowed_fails (no cooldown on a short series)")
        else:
            window = seconds(self.cooldown_seconds)
            parts.append(f"allowed_fails {self.allowed_fails}, cooldown_time {window}")
        return ", ".join(parts)

    def router_kwargs(self) -> dict[str, object]:
        """The same settings as ``litellm.Router`` arguments."""
        kwargs: dict[str, object] = {
            "num_retries": self.num_retries,
            "disable_cooldowns": self.disable_cooldowns,
        }
        if self.retry_policy:
            kwargs["retry_policy"] = dict(self.retry_policy)
        if self.allowed_fails is not None:
            kwargs["allowed_fails"] = self.allowed_fails
        if self.cooldown_time is not None:
            kwargs["cooldown_time"] = float(self.cooldown_time)
        return kwargs


def seconds(value: Decimal) -> str:
    """``60 s``, ``10.5 s``."""
    text = f"{value.normalize():f}"
    return f"{text} s"


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value))
    return number if number >= 0 else None


def read_settings(doc: ProxyDoc) -> Settings:
    """The settings of a loaded proxy file. A value of the wrong type counts as absent (the
    proxy lint reports it)."""
    router = doc.root.get("router_settings")
    router = router if isinstance(router, CommentedMap) else CommentedMap()
    general = doc.root.get("litellm_settings")
    general = general if isinstance(general, CommentedMap) else CommentedMap()
    num_retries, source = DEFAULT_NUM_RETRIES, "LiteLLM's default"
    for name, section in (("router_settings", router), ("litellm_settings", general)):
        found = _integer(section.get("num_retries"))
        if found is not None:
            num_retries, source = found, name
            break
    raw_policy = router.get("retry_policy")
    policy = {
        str(key): number
        for key, value in (raw_policy.items() if isinstance(raw_policy, CommentedMap) else ())
        if (number := _integer(value)) is not None
    }
    disable = router.get("disable_cooldowns")
    return Settings(
        num_retries=num_retries,
        num_retries_from=source,
        retry_policy=MappingProxyType(policy),
        allowed_fails=_integer(router.get("allowed_fails")),
        cooldown_time=_number(router.get("cooldown_time")),
        disable_cooldowns=disable is True,
    )


# ── one request: attempts and backoff ────────────────────────────────────────────────────────


def backoff(retries: int) -> tuple[Decimal, ...]:
    """The sleeps of a one-deployment group retried ``retries`` times, without jitter."""
    if retries <= 0:
        return ()
    return tuple(min(INITIAL_RETRY_DELAY * 2**k, MAX_RETRY_DELAY) for k in range(retries + 1))


@dataclass(frozen=True)
class Timing:
    """One request whose every group fails until the last of ``order`` answers."""

    order: tuple[str, ...]  # the requested group, then its walk
    attempts: tuple[int, ...]  # per group of ``order``; the last answers at its first
    sleeps: tuple[Decimal, ...]  # the backoff before the last group answers, without jitter

    @property
    def failed_attempts(self) -> int:
        return sum(self.attempts[:-1])

    @property
    def least_wait(self) -> Decimal:
        return sum(self.sleeps, Decimal(0))

    @property
    def worst_wait(self) -> Decimal:
        return self.least_wait + JITTER * len(self.sleeps)

    def steps(self) -> str:
        """``free ×3 → cheap ×3 → frontier``."""
        return " → ".join(
            name if count == 1 else f"{name} ×{count}"
            for name, count in zip(self.order, self.attempts, strict=True)
        )


def timing(
    start: str,
    walk: Sequence[str],
    settings: Settings,
    kind: str,
    deployments: Mapping[str, int] | None = None,
) -> Timing:
    """What a request to ``start`` costs before the last model of its walk answers."""
    order = (start, *walk)
    retries = settings.retries(kind)
    sleeps: list[Decimal] = []
    for name in order[:-1]:
        if (deployments or {}).get(name, 1) <= 1:
            sleeps.extend(backoff(retries))
    attempts = tuple([retries + 1] * (len(order) - 1) + [1])
    return Timing(order, attempts, tuple(sleeps))


def sleep_bounds(
    order: Sequence[str], settings: Settings, deployments: Mapping[str, int]
) -> tuple[tuple[Decimal, Decimal], ...]:
    """The least and most of each sleep when every group of ``order`` fails a server error on
    every attempt (the last group sleeps too)."""
    retries = settings.retries(RETRIED_KIND)
    bounds: list[tuple[Decimal, Decimal]] = []
    for name in order:
        if deployments.get(name, 1) > 1:
            bounds.extend([(Decimal(0), Decimal(0))] * (retries + 1 if retries else 0))
        else:
            bounds.extend((base, base + JITTER) for base in backoff(retries))
    return tuple(bounds)


# ── a series of failing requests: cooldowns ──────────────────────────────────────────────────


def series(
    order: Sequence[str],
    settings: Settings,
    has_fallbacks: Mapping[str, bool],
    deployments: Mapping[str, int] | None = None,
    requests: int | None = None,
) -> tuple[tuple[str, ...], ...]:
    """The groups each of a series of requests tries (one entry per attempt) when every
    deployment fails with a server error: ``order`` is the requested group and its walk.

    Cooled groups are skipped; a group is cooled once its fails exceed ``allowed_fails``, unless
    it has one deployment and no ``fallbacks`` entry of its own. Each group is taken to have
    one deployment (several are load-balanced at random: :func:`predictable` says so)."""
    retries = settings.retries(RETRIED_KIND)
    fails: dict[str, int] = {}
    cooled: set[str] = set()
    result = []
    for _ in range(requests if requests is not None else series_length(settings)):
        attempts: list[str] = []
        for group in order:
            for _ in range(retries + 1):
                if group in cooled:
                    break
                attempts.append(group)
                fails[group] = fails.get(group, 0) + 1
                coolable = (deployments or {}).get(group, 1) > 1 or has_fallbacks.get(group, False)
                if (
                    settings.cools_down
                    and coolable
                    and fails[group] > (settings.allowed_fails or 0)
                ):
                    cooled.add(group)
        result.append(tuple(attempts))
    return tuple(result)


def series_length(settings: Settings) -> int:
    """Enough requests to see the first cooldown and one request after it; at most
    :data:`MAX_SERIES`. Without cooldowns, two (each like the other)."""
    if not settings.cools_down:
        return 2
    per_request = settings.retries(RETRIED_KIND) + 1
    needed = -(-((settings.allowed_fails or 0) + 1) // per_request)  # ceiling division
    return min(needed + 1, MAX_SERIES)


def predictable(order: Sequence[str], deployments: Mapping[str, int]) -> bool:
    """A series is predictable when each group of ``order`` has one deployment."""
    return all(deployments.get(name, 1) <= 1 for name in order)


def steps(attempts: Sequence[str]) -> str:
    """Runs of the same group as ``free ×3 → cheap``; ``nothing tried`` when empty."""
    runs: list[tuple[str, int]] = []
    for name in attempts:
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + 1)
        else:
            runs.append((name, 1))
    if not runs:
        return "nothing tried"
    return " → ".join(name if count == 1 else f"{name} ×{count}" for name, count in runs)
