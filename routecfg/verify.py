"""`routecfg verify`: a proxy config run through the real LiteLLM Router, offline.

For each kind of chain and each model name the spec serves, a fresh ``litellm.Router`` is built
from the file's ``model_list`` and ``router_settings`` with every deployment mocked to fail with
that kind's error, so the walk goes on until LiteLLM gives up; a logger records the model groups
it tries, in order. That order is compared with routecfg's computed walk
(:meth:`routecfg.model.Proxy.walk`). litellm is imported here alone, and only when a walk runs:
the import takes seconds.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from routecfg import litellm_map
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import MAX_FALLBACKS, RoutingSpec
from routecfg.plan import read_target
from routecfg.report import format_json as diagnostics_json
from routecfg.router import proxy_targets, resilience
from routecfg.targets import proxy, yamledit
from routecfg.validate import Validated

# The kinds of failure driven through the Router: the chain kind routecfg walks for it, and what
# each deployment raises. A provider's content filter that answers a plain 400 (Bedrock's "Output
# blocked by content filtering policy") is a BadRequestError, not a content policy violation.
KINDS: Mapping[str, str] = {
    "fallbacks": "fallbacks",
    "context_window_fallbacks": "context_window_fallbacks",
    "content_policy_fallbacks": "content_policy_fallbacks",
    "content_filter": "fallbacks",
}
KIND_TITLES: Mapping[str, str] = {
    "fallbacks": "fallbacks (a server error)",
    "context_window_fallbacks": "context_window_fallbacks (a context window error)",
    "content_policy_fallbacks": "content_policy_fallbacks (a ContentPolicyViolationError)",
    "content_filter": "a provider's content filter as a plain 400 BadRequestError",
}
WALK_DIFFERS = "RC701"
NOT_INSTALLED = "RC702"
NO_PROXY = "RC705"
SERIES_DIFFERS = "RC706"
INSTALL_HINT = (
    "pip install litellm==1.110.2 into routecfg's environment (in a clone of routecfg: "
    "pip install '.[litellm]')"
)
_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")
_PROVIDER = "routecfgverify"  # a custom LiteLLM provider whose deployments fail on purpose
_PROMPT = [{"role": "user", "content": "routecfg verify"}]


@dataclass(frozen=True)
class Walk:
    """One model name made to fail: what routecfg computes, what LiteLLM tried.

    ``litellm`` is None when the file has no model_list entry for ``start``."""

    kind: str
    start: str
    routecfg: tuple[str, ...]
    litellm: tuple[str, ...] | None
    line: int = 0  # of the chain for ``start`` in the file (0: it has none)
    column: int = 0

    @property
    def ok(self) -> bool:
        return self.litellm == self.routecfg


@dataclass(frozen=True)
class Series:
    """A series of requests to ``start`` with the file's own retry and cooldown settings, every
    deployment failing with a server error: the groups of each request's attempts as routecfg
    computes them (None: not predictable, a group has several deployments) and as LiteLLM made
    them; the backoff of the first request, computed (least, most per sleep) and slept."""

    start: str
    routecfg: tuple[tuple[str, ...], ...] | None
    litellm: tuple[tuple[str, ...], ...]
    sleeps: tuple[tuple[Decimal, Decimal], ...] | None  # None: the first request was cut short
    slept: tuple[float, ...]

    @property
    def backoff_ok(self) -> bool:
        if self.sleeps is None:
            return True
        return len(self.sleeps) == len(self.slept) and all(
            low <= Decimal(repr(seconds)) <= high
            for (low, high), seconds in zip(self.sleeps, self.slept, strict=True)
        )

    @property
    def ok(self) -> bool:
        return (self.routecfg is None or self.routecfg == self.litellm) and self.backoff_ok


@dataclass(frozen=True)
class FileReport:
    path: str
    walks: tuple[Walk, ...]
    settings: resilience.Settings = field(default_factory=resilience.Settings)
    series: tuple[Series, ...] = ()

    @property
    def ok(self) -> bool:
        return all(walk.ok for walk in self.walks) and all(s.ok for s in self.series)


@dataclass(frozen=True)
class VerifyReport:
    version: str
    files: tuple[FileReport, ...]
    tiers: tuple[litellm_map.TierFinding, ...]

    @property
    def walks(self) -> tuple[Walk, ...]:
        return tuple(walk for report in self.files for walk in report.walks)

    @property
    def ok(self) -> bool:
        return all(report.ok for report in self.files)


def verify_targets(
    validated: Validated, proxies: Sequence[str], cwd: Path
) -> tuple[VerifyReport, list[Diagnostic]]:
    """Every named proxy file (relative to ``cwd``), else every proxy target of the spec, as it
    is on disk; and the tiers against LiteLLM's model map. Returns the report and its warnings."""
    spec = validated.spec
    files = (
        [(cwd / name, name) for name in proxies]
        if proxies
        else [(spec.root / name, name) for name in spec.targets.proxy]
    )
    if not files:
        raise RoutecfgError(
            [
                validated.source.diagnostic(
                    ("targets",),
                    NO_PROXY,
                    "nothing to verify: the spec has no proxy target",
                    "add `targets.proxy`, or name a LiteLLM proxy config with --proxy",
                    key=True,
                )
            ]
        )
    texts = [(_read(absolute, display), display) for absolute, display in files]
    reports = tuple(verify(text, display, spec) for text, display in texts)
    groups = [
        finding
        for text, display in texts
        for finding in proxy_targets.group_prices(
            yamledit.load(text, display), spec.for_proxy(display)
        )
    ]
    model_map = litellm_map.installed_map()
    if model_map is None:  # verify() imported litellm; its data file is missing
        return VerifyReport(_version(), reports, ()), groups
    findings = litellm_map.compare(spec, model_map)
    found = litellm_map.diagnostics(findings, validated.source, model_map.version)
    return VerifyReport(model_map.version, reports, findings), [*groups, *found]


def _read(absolute: Path, display: str) -> str:
    text, _ = read_target(absolute, display)
    if text is None:
        raise RoutecfgError(
            [
                Diagnostic(
                    display,
                    0,
                    0,
                    Severity.ERROR,
                    "RC263",
                    f"proxy file '{display}' does not exist",
                    "run `routecfg build`, or fix the path",
                )
            ]
        )
    return text


def verify(proxy_text: str, path: str, spec: RoutingSpec) -> FileReport:
    """Each tier and alias of ``spec`` made to fail in turn, for each kind in :data:`KINDS`:
    the walk LiteLLM takes through the proxy config ``proxy_text`` beside routecfg's. The spec
    is taken as that file serves it (:meth:`RoutingSpec.for_proxy`)."""
    spec = spec.for_proxy(path)
    doc = yamledit.load(proxy_text, path)
    entries = yamledit.model_entries(doc)
    settings: dict[str, dict[str, list[str]]] = {
        kind: {name: list(targets) for name, targets in yamledit.chains(doc, kind).items()}
        for kind in yamledit.CHAIN_KINDS
    }
    max_fallbacks = _max_fallbacks(doc)
    _import_litellm(path)
    walks = []
    served = [name for name in proxy.served_names(spec) if name in entries]
    for kind in KINDS:
        found = litellm_walks(list(entries), settings, served, kind, max_fallbacks=max_fallbacks)
        observed_walks = dict(zip(served, found, strict=True))
        for start in proxy.served_names(spec):
            observed = observed_walks.get(start)
            line, column = _chain_position(doc, KINDS[kind], start)
            expected = spec.proxy.walk(KINDS[kind], start, max_fallbacks)
            walks.append(Walk(kind, start, expected, observed, line, column))
    retry_settings = resilience.read_settings(doc)
    series = tuple(
        _series(spec, entries, settings, retry_settings, start, max_fallbacks)
        for start in proxy.served_names(spec)
        if start in entries
    )
    return FileReport(path, tuple(walks), retry_settings, series)


def _series(
    spec: RoutingSpec,
    entries: Mapping[str, Sequence[object]],
    chains: Mapping[str, Mapping[str, Sequence[str]]],
    settings: resilience.Settings,
    start: str,
    max_fallbacks: int,
) -> Series:
    deployments = {name: len(nodes) for name, nodes in entries.items()}
    names = [name for name, nodes in entries.items() for _ in nodes]
    order = (start, *spec.proxy.walk("fallbacks", start, max_fallbacks))
    count = resilience.series_length(settings)
    runs = litellm_requests(
        names, chains, [start] * count, "fallbacks", settings, max_fallbacks=max_fallbacks
    )
    has_fallbacks = {name: bool(chain) for name, chain in chains.get("fallbacks", {}).items()}
    expected = (
        resilience.series(order, settings, has_fallbacks, deployments, count)
        if resilience.predictable(order, deployments)
        else None
    )
    retries = settings.retries("fallbacks")
    full = tuple(name for name in order for _ in range(retries + 1))
    sleeps = (
        resilience.sleep_bounds(order, settings, deployments) if runs[0].attempts == full else None
    )
    return Series(start, expected, tuple(run.attempts for run in runs), sleeps, runs[0].sleeps)


def _max_fallbacks(doc: yamledit.ProxyDoc) -> int:
    settings = doc.root.get("router_settings")
    value = settings.get("max_fallbacks") if isinstance(settings, CommentedMap) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else MAX_FALLBACKS


def _chain_position(doc: yamledit.ProxyDoc, kind: str, start: str) -> tuple[int, int]:
    """Where the file gives ``start``'s chain of ``kind``; (0, 0) when it gives none."""
    settings = doc.root.get("router_settings")
    sequence = settings.get(kind) if isinstance(settings, CommentedMap) else None
    for entry in sequence if isinstance(sequence, CommentedSeq) else ():
        if isinstance(entry, CommentedMap) and start in entry:
            line, column = entry.lc.key(start)
            return int(line) + 1, int(column) + 1
    return 0, 0


def _version() -> str:
    try:
        return importlib.metadata.version("litellm")
    except importlib.metadata.PackageNotFoundError:
        return "(unknown version)"


def _import_litellm(path: str) -> Any:
    """litellm, imported offline; RC702 when it is not installed."""
    # Read at import time: the bundled cost map instead of a download, and no other network.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    os.environ["LITELLM_OFFLINE_MODE"] = "true"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import litellm
            from litellm.integrations.custom_logger import CustomLogger  # noqa: F401
    except ImportError as error:
        raise RoutecfgError(
            [
                Diagnostic(
                    path,
                    0,
                    0,
                    Severity.ERROR,
                    NOT_INSTALLED,
                    f"`routecfg verify` runs LiteLLM's Router, and litellm cannot be imported "
                    f"({error})",
                    INSTALL_HINT,
                )
            ]
        ) from None
    litellm.suppress_debug_info = True
    return litellm


def litellm_walk(
    model_names: Sequence[str],
    chains: Mapping[str, Mapping[str, Sequence[str]]],
    start: str,
    kind: str,
    *,
    max_fallbacks: int = MAX_FALLBACKS,
) -> tuple[str, ...]:
    """The model groups a real Router tries after ``start`` fails, in order: one deployment per
    entry of ``model_names`` (a model_list), ``chains`` by kind (router_settings), and every
    deployment failing with the error of ``kind`` (a key of :data:`KINDS`). A fresh Router, no
    retries and no cooldowns keep each walk independent of the others."""
    return litellm_walks(model_names, chains, [start], kind, max_fallbacks=max_fallbacks)[0]


def litellm_walks(
    model_names: Sequence[str],
    chains: Mapping[str, Mapping[str, Sequence[str]]],
    starts: Sequence[str],
    kind: str,
    *,
    max_fallbacks: int = MAX_FALLBACKS,
) -> tuple[tuple[str, ...], ...]:
    """:func:`litellm_walk` for each of ``starts``, through one Router: without retries and
    cooldowns, one request leaves nothing behind that changes the next."""
    settings = resilience.Settings(num_retries=0, disable_cooldowns=True)
    runs = litellm_requests(
        model_names, chains, starts, kind, settings, max_fallbacks=max_fallbacks
    )
    walks = []
    for start, run in zip(starts, runs, strict=True):
        tried = list(run.attempts)
        walks.append(tuple(tried[1:] if tried[:1] == [start] else tried))
    return tuple(walks)


@dataclass(frozen=True)
class Run:
    """One request through a real Router: the group of each attempt, and each backoff sleep."""

    attempts: tuple[str, ...]
    sleeps: tuple[float, ...]


def litellm_requests(
    model_names: Sequence[str],
    chains: Mapping[str, Mapping[str, Sequence[str]]],
    requests: Sequence[str],
    kind: str,
    settings: resilience.Settings,
    *,
    max_fallbacks: int = MAX_FALLBACKS,
) -> tuple[Run, ...]:
    """``requests`` sent in turn to one Router built with ``settings``, every deployment failing
    with the error of ``kind``. Backoff sleeps are recorded, never slept."""
    litellm = _import_litellm("routecfg verify")
    from litellm import router_python_host
    from litellm.llms.custom_llm import CustomLLM

    attempts: list[str] = []
    error = _error_factory(litellm, kind)

    class Failing(CustomLLM):  # type: ignore[misc]
        def completion(self, *args: Any, **kwargs: Any) -> Any:
            index = int(str(kwargs.get("model", "")).rpartition("/")[2])
            attempts.append(model_names[index])
            raise error(model_names[index])

    model_list = [
        {"model_name": name, "litellm_params": {"model": f"{_PROVIDER}/{index}"}}
        for index, name in enumerate(model_names)
    ]
    runs = []
    sleeps: list[float] = []
    host = router_python_host.PythonHost

    async def record_sleep(_: Any, seconds: float) -> None:
        sleeps.append(seconds)

    with (
        _quiet(litellm, Failing()),
        _patched(host, "sleep", record_sleep),
        _patched(host, "sleep_sync", lambda _, seconds: sleeps.append(seconds)),
    ):
        router = litellm.Router(
            model_list=model_list,
            **{
                chain_kind: [{name: list(chain)} for name, chain in by_name.items()]
                for chain_kind, by_name in chains.items()
                if by_name
            },
            max_fallbacks=max_fallbacks,
            **settings.router_kwargs(),
        )
        for start in requests:
            attempts.clear()
            sleeps.clear()
            with contextlib.suppress(Exception):
                router.completion(model=start, messages=_PROMPT)
            runs.append(Run(tuple(attempts), tuple(sleeps)))
    return tuple(runs)


def _error_factory(litellm: Any, kind: str) -> Any:
    """A function from a model name to the exception a deployment raises for ``kind``."""
    classes = {
        "fallbacks": (litellm.InternalServerError, "routecfg verify: a server error"),
        "context_window_fallbacks": (
            litellm.ContextWindowExceededError,
            "routecfg verify: the prompt is too long",
        ),
        "content_policy_fallbacks": (
            litellm.ContentPolicyViolationError,
            "routecfg verify: refused by the content policy",
        ),
        "content_filter": (
            litellm.BadRequestError,
            "Output blocked by content filtering policy",
        ),
    }
    cls, message = classes[kind]
    return lambda model: cls(message=message, model=model, llm_provider="bedrock")


@contextlib.contextmanager
def _patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextlib.contextmanager
def _quiet(litellm: Any, handler: Any) -> Iterator[None]:
    """``handler`` serving the failing provider, no callbacks, loggers and warnings silent."""
    callbacks = litellm.callbacks
    providers = litellm.custom_provider_map
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    levels = [logger.level for logger in loggers]
    litellm.callbacks = []
    litellm.custom_provider_map = [{"provider": _PROVIDER, "custom_handler": handler}]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        litellm.callbacks = callbacks
        litellm.custom_provider_map = providers
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# ── output ─────────────────────────────────────────────────────────────────────────────────


def _order(names: Sequence[str] | None) -> str:
    return " → ".join(names) if names else "no fallback"


def format_text(report: VerifyReport, *, quiet: bool = False) -> str:
    """Per file and kind, each walk: ``free: cheap → balanced → frontier  ok``, or both orders;
    then each series of requests with the file's own retries and cooldowns."""
    lines: list[str] = []
    for file in report.files:
        for kind in KINDS:
            walks = [w for w in file.walks if w.kind == kind and not (quiet and w.ok)]
            if walks:
                lines.append(
                    f"{file.path}: {KIND_TITLES[kind]}, as LiteLLM {report.version} walks it"
                )
            for walk in walks:
                if walk.ok:
                    lines.append(f"  {walk.start}: {_order(walk.routecfg)}  ok")
                    continue
                lines.append(f"  {walk.start}: differs")
                lines.append(f"    routecfg: {_order(walk.routecfg)}")
                observed = (
                    _order(walk.litellm)
                    if walk.litellm is not None
                    else f"'{walk.start}' has no model_list entry"
                )
                lines.append(f"    LiteLLM:  {observed}")
        lines.extend(_series_lines(file, report.version, quiet=quiet))
    tiers = [t for t in report.tiers if not quiet or (t.prices or t.lacks_tool_use)]
    if tiers:
        lines.append(f"tiers against LiteLLM {report.version}'s model map")
    lines.extend(f"  {t.tier}: {t.model}  {t.status}" for t in tiers)
    return "".join(line + "\n" for line in lines)


def _series_lines(file: FileReport, version: str, *, quiet: bool) -> list[str]:
    shown = [s for s in file.series if not (quiet and s.ok)]
    if not shown:
        return []
    count = len(file.series[0].litellm)
    lines = [
        f"{file.path}: {count} requests in a row, every deployment failing with a server error, "
        f"with the file's {file.settings.describe()}, as LiteLLM {version} runs them"
    ]
    for series in shown:
        lines.append(f"  {series.start}: {'ok' if series.ok else 'differs'}")
        expected = series.routecfg or (None,) * len(series.litellm)
        for number, (observed, computed) in enumerate(
            zip(series.litellm, expected, strict=True), start=1
        ):
            if computed is None or computed == observed:
                note = "" if computed is not None else "  (several deployments: not computed)"
                lines.append(f"    {number}: {resilience.steps(observed)}{note}")
            else:
                lines.append(f"    {number}: routecfg: {resilience.steps(computed)}")
                lines.append(f"       LiteLLM:  {resilience.steps(observed)}")
        if not series.backoff_ok:
            computed_sleeps = ", ".join(
                f"{low.normalize():f}–{high.normalize():f}" for low, high in series.sleeps or ()
            )
            slept = ", ".join(f"{seconds:.2f}" for seconds in series.slept)
            lines.append(f"    backoff differs: routecfg {computed_sleeps} s; LiteLLM {slept} s")
    return lines


def summary(report: VerifyReport) -> str:
    walks = report.walks
    series = [s for file in report.files for s in file.series]
    differ = sum(1 for walk in walks if not walk.ok)
    series_differ = sum(1 for s in series if not s.ok)
    if not differ and not series_differ:
        return (
            f"{len(walks)} walks and {len(series)} series of requests, all as routecfg "
            "computes them"
        )
    return (
        f"{differ} of {len(walks)} walks and {series_differ} of {len(series)} series of "
        "requests differ from routecfg's\n"
        "hint: `routecfg check` shows how the file differs from the spec; if it is in sync, "
        "routecfg's model of LiteLLM is wrong: please report it"
    )


def walk_diagnostics(report: VerifyReport) -> list[Diagnostic]:
    """An error at each chain whose walk differs, for --format json and github."""
    return [
        Diagnostic(
            file.path,
            walk.line,
            walk.column,
            Severity.ERROR,
            WALK_DIFFERS,
            f"{walk.kind}: when '{walk.start}' fails, LiteLLM {report.version} tries "
            + (
                _order(walk.litellm)
                if walk.litellm is not None
                else f"nothing ('{walk.start}' has no model_list entry)"
            )
            + f", routecfg computes {_order(walk.routecfg)}",
            "`routecfg check` shows how the file differs from the spec",
        )
        for file in report.files
        for walk in file.walks
        if not walk.ok
    ] + [
        Diagnostic(
            file.path,
            0,
            0,
            Severity.ERROR,
            SERIES_DIFFERS,
            f"retries and cooldowns: requests to '{series.start}' with the file's "
            f"{file.settings.describe()} are run by LiteLLM {report.version} unlike routecfg "
            "computes them",
            "`routecfg verify` shows both; please report it",
        )
        for file in report.files
        for series in file.series
        if not series.ok
    ]


def format_json(report: VerifyReport, diagnostics: Sequence[Diagnostic]) -> str:
    document = {
        "litellm": report.version,
        "ok": report.ok,
        "files": [
            {
                "path": file.path,
                "walks": [
                    {
                        "kind": walk.kind,
                        "model": walk.start,
                        "routecfg": list(walk.routecfg),
                        "litellm": list(walk.litellm) if walk.litellm is not None else None,
                        "ok": walk.ok,
                    }
                    for walk in file.walks
                ],
                "series": [
                    {
                        "model": series.start,
                        "routecfg": [list(r) for r in series.routecfg]
                        if series.routecfg is not None
                        else None,
                        "litellm": [list(r) for r in series.litellm],
                        "backoff_ok": series.backoff_ok,
                        "ok": series.ok,
                    }
                    for series in file.series
                ],
            }
            for file in report.files
        ],
        "tiers": [
            {
                "tier": t.tier,
                "model": t.model,
                "map_key": t.key,
                "status": t.status,
                "prices": [
                    {"field": d.field, "spec": str(d.spec), "litellm": str(d.litellm)}
                    for d in t.prices
                ],
                "lacks_tool_use": t.lacks_tool_use,
            }
            for t in report.tiers
        ],
        "diagnostics": json.loads(diagnostics_json(diagnostics)),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
