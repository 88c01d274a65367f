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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from routecfg import litellm_map
from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.model import MAX_FALLBACKS, RoutingSpec
from routecfg.plan import read_target
from routecfg.report import format_json as diagnostics_json
from routecfg.targets import proxy, yamledit
from routecfg.validate import Validated

# The kinds whose walk can be driven offline, and the mock error that makes a deployment fail
# with it. LiteLLM has no mock for a content policy error.
KINDS: Mapping[str, str] = {
    "fallbacks": "litellm.InternalServerError",
    "context_window_fallbacks": "litellm.ContextWindowExceededError",
}
WALK_DIFFERS = "RC701"
NOT_INSTALLED = "RC702"
NO_PROXY = "RC705"
INSTALL_HINT = (
    "pip install litellm==1.110.2 into routecfg's environment (in a clone of routecfg: "
    "pip install '.[litellm]')"
)
_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")
_MOCK_MODEL = "routecfg-verify-{}"
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
class FileReport:
    path: str
    walks: tuple[Walk, ...]

    @property
    def ok(self) -> bool:
        return all(walk.ok for walk in self.walks)


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
    model_map = litellm_map.installed_map()
    if model_map is None:  # verify() imported litellm; its data file is missing
        return VerifyReport(_version(), reports, ()), []
    findings = litellm_map.compare(spec, model_map)
    found = litellm_map.diagnostics(findings, validated.source, model_map.version)
    return VerifyReport(model_map.version, reports, findings), found


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
    the walk LiteLLM takes through the proxy config ``proxy_text`` beside routecfg's."""
    doc = yamledit.load(proxy_text, path)
    entries = yamledit.model_entries(doc)
    settings: dict[str, dict[str, list[str]]] = {
        kind: {name: list(targets) for name, targets in yamledit.chains(doc, kind).items()}
        for kind in yamledit.CHAIN_KINDS
    }
    max_fallbacks = _max_fallbacks(doc)
    _import_litellm(path)
    walks = []
    for kind in KINDS:
        for start in proxy.served_names(spec):
            observed = (
                litellm_walk(list(entries), settings, start, kind, max_fallbacks=max_fallbacks)
                if start in entries
                else None
            )
            line, column = _chain_position(doc, kind, start)
            expected = spec.proxy.walk(kind, start, max_fallbacks)
            walks.append(Walk(kind, start, expected, observed, line, column))
    return FileReport(path, tuple(walks))


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
    deployment failing with the error of ``kind``. A fresh Router, no retries and no cooldowns
    keep each walk independent of the others."""
    litellm = _import_litellm("routecfg verify")
    from litellm.integrations.custom_logger import CustomLogger

    # Each deployment gets a model of its own, so the logger can tell which one ran.
    deployments = {_MOCK_MODEL.format(i): name for i, name in enumerate(model_names)}
    tried: list[str] = []

    class Recorder(CustomLogger):  # type: ignore[misc]
        def log_pre_api_call(self, model: str, messages: Any, kwargs: Any) -> None:
            tried.append(deployments.get(model.rpartition("/")[2], model))

    model_list = [
        {
            "model_name": name,
            "litellm_params": {
                "model": f"openai/{mock}",
                "api_key": "routecfg-verify",
                "mock_response": KINDS[kind],
            },
        }
        for mock, name in deployments.items()
    ]
    with _quiet(litellm, Recorder()):
        router = litellm.Router(
            model_list=model_list,
            **{
                chain_kind: [{name: list(chain)} for name, chain in by_name.items()]
                for chain_kind, by_name in chains.items()
            },
            max_fallbacks=max_fallbacks,
            num_retries=0,
            disable_cooldowns=True,
        )
        with contextlib.suppress(Exception):
            router.completion(model=start, messages=_PROMPT)
    return tuple(tried[1:] if tried[:1] == [start] else tried)


@contextlib.contextmanager
def _quiet(litellm: Any, recorder: Any) -> Iterator[None]:
    """``recorder`` as litellm's only callback, its loggers and warnings silent, for one call."""
    callbacks = litellm.callbacks
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    levels = [logger.level for logger in loggers]
    litellm.callbacks = [recorder]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        litellm.callbacks = callbacks
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# ── output ─────────────────────────────────────────────────────────────────────────────────


def _order(names: Sequence[str] | None) -> str:
    return " → ".join(names) if names else "no fallback"


def format_text(report: VerifyReport, *, quiet: bool = False) -> str:
    """Per file and kind, each walk: ``free: cheap → balanced → frontier  ok``, or both orders."""
    lines: list[str] = []
    for file in report.files:
        for kind in KINDS:
            walks = [w for w in file.walks if w.kind == kind and not (quiet and w.ok)]
            if walks:
                lines.append(f"{file.path}: {kind}, as LiteLLM {report.version} walks them")
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
    tiers = [t for t in report.tiers if not quiet or (t.prices or t.lacks_tool_use)]
    if tiers:
        lines.append(f"tiers against LiteLLM {report.version}'s model map")
    lines.extend(f"  {t.tier}: {t.model}  {t.status}" for t in tiers)
    return "".join(line + "\n" for line in lines)


def summary(report: VerifyReport) -> str:
    walks = report.walks
    differ = sum(1 for walk in walks if not walk.ok)
    if not differ:
        return f"{len(walks)} walks, all as routecfg computes them"
    return (
        f"{differ} of {len(walks)} walks differ from routecfg's\n"
        "hint: `routecfg check` shows how the file differs from the spec; if it is in sync, "
        "routecfg's walk is wrong: please report it"
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
