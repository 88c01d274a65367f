"""LiteLLM's bundled model map (prices per token, capabilities), read as data.

The map ships inside the litellm package as JSON. It is found where importlib.metadata finds the
installed distribution (its ``.dist-info`` folder on ``sys.path``), without importing either that
module or litellm, which takes seconds. A record is decoded when a rule asks for it, located in the
file's bytes (:mod:`routecfg.jsonlocate`) rather than parsed with the file's 3 MB: a check asks for
a handful of models.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from routecfg.diagnostics import Diagnostic, Severity
from routecfg.frozen import record
from routecfg.jsonlocate import TopLevel, Unsure
from routecfg.model import MILLION, RoutingSpec, Tier
from routecfg.spec import Source
from routecfg.targets.proxy import PRICE_FIELDS

MAP_FILE = "model_prices_and_context_window_backup.json"
PRICE_DIFFERS = "RC703"
NO_TOOL_USE = "RC704"


@record
class ModelMap:
    """The map of one installed litellm: model key -> its record."""

    version: str
    models: Mapping[str, Mapping[str, Any]]

    def lookup(self, model: str) -> tuple[str, Mapping[str, Any]] | None:
        """The record LiteLLM keeps for ``model`` and its key: the model as written, else
        without its provider prefix when the record is that provider's
        (``bedrock/us.anthropic.…`` is ``us.anthropic.…`` of ``bedrock_converse``)."""
        record = self.models.get(model)
        if record is not None:
            return model, record
        provider, _, bare = model.partition("/")
        record = self.models.get(bare) if bare else None
        if record is not None and str(record.get("litellm_provider", "")).startswith(provider):
            return bare, record
        return None


# Where the installed litellm was looked for, and its map: a cached check result depends on
# them (routecfg.cache compares them before it replays one).
_SEARCHED: list[str] = []  # the sys.path folders looked in, in order, up to litellm's
_READ: dict[str, None] = {}  # the map file


def consulted() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the ``sys.path`` folders searched for litellm, as absolute paths in order, up to and
    including the one it was found in; the map file)."""
    return tuple(_SEARCHED), tuple(_READ)


def installed_map() -> ModelMap | None:
    """The map of the installed litellm, or None when litellm is not installed."""
    found = _distribution()
    if found is None:
        return None
    version, site = found
    path = site / "litellm" / MAP_FILE
    _READ[str(path)] = None
    if not path.is_file():
        return None
    return ModelMap(version, _MapFile(path))


class _MapFile(Mapping[str, Mapping[str, Any]]):
    """The map's records: each located in the file's bytes when asked for; the whole file parsed
    when all are needed (iteration, length) or when the locator cannot vouch for its answer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._records: dict[str, Mapping[str, Any]] | None = None
        self._located: TopLevel | None = None

    def _all(self) -> dict[str, Mapping[str, Any]]:
        if self._records is None:
            with self.path.open(encoding="utf-8") as file:
                self._records = json.load(file)
        return self._records

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        if self._records is None:
            if self._located is None:
                self._located = TopLevel(self.path.read_bytes())
            try:
                found: Mapping[str, Any] = self._located.member(key)
            except Unsure:
                pass
            else:
                return found
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _distribution() -> tuple[str, Path] | None:
    """(version, the folder holding it) of the first litellm distribution on ``sys.path``, as
    ``importlib.metadata.distribution("litellm")`` finds it: its ``.dist-info`` (or ``.egg-info``)
    folder, whose metadata states the version."""
    _SEARCHED.clear()
    for entry in sys.path:
        root = Path(entry or ".")
        _SEARCHED.append(os.path.abspath(entry or "."))  # noqa: PTH100 - as routecfg.cache spells it
        try:
            names = [child.name for child in root.iterdir()]
        except OSError:
            continue
        for name in names:
            low = name.lower()
            stem, dot, suffix = low.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            if stem.partition("-")[0].replace(".", "_").replace("-", "_") != "litellm":
                continue
            version = _version(root / name)
            if version is not None:
                return version, root
    return None


def _version(folder: Path) -> str | None:
    for file_name in ("METADATA", "PKG-INFO"):
        try:
            with (folder / file_name).open(encoding="utf-8") as file:
                for line in file:
                    if not line.strip():
                        break
                    header, _, value = line.partition(":")
                    if header.lower() == "version":
                        return value.strip()
        except OSError:
            continue
    return None


@record
class PriceDifference:
    field: str  # input, output, cache_read, cache_write
    spec: Decimal  # USD per million tokens
    litellm: Decimal


@record
class TierFinding:
    """How one tier's model compares with the map: ``unknown`` when the map has no record."""

    tier: str
    model: str
    key: str | None
    prices: tuple[PriceDifference, ...] = ()
    lacks_tool_use: bool = False

    @property
    def status(self) -> str:
        if self.key is None:
            return "unknown to the map"
        problems = []
        if self.prices:
            problems.append(f"{len(self.prices)} price{'s' if len(self.prices) != 1 else ''}")
        if self.lacks_tool_use:
            problems.append("tool_use")
        if not problems:
            return "ok"
        plural = len(problems) > 1 or len(self.prices) > 1
        return f"{' and '.join(problems)} {'differ' if plural else 'differs'}"


def compare(spec: RoutingSpec, model_map: ModelMap) -> tuple[TierFinding, ...]:
    """Each tier's prices and tool_use against the map, in the spec's order."""
    return tuple(_compare_tier(tier, model_map) for tier in spec.tiers.values())


def _compare_tier(tier: Tier, model_map: ModelMap) -> TierFinding:
    found = model_map.lookup(tier.model)
    if found is None:
        return TierFinding(tier.name, tier.model, None)
    key, record = found
    differences = []
    for field, map_key in PRICE_FIELDS.items():
        ours: Decimal | None = getattr(tier.price, field)
        theirs = _per_million(record.get(map_key))
        if ours is not None and theirs is not None and ours != theirs:
            differences.append(PriceDifference(field, ours, theirs))
    # Only a claim the map contradicts: a model it does not mark either way is not "no tool_use".
    lacks_tool_use = "tool_use" in tier.capabilities and (
        record.get("supports_function_calling") is False
    )
    return TierFinding(tier.name, tier.model, key, tuple(differences), lacks_tool_use)


def _per_million(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return (Decimal(str(value)) * MILLION).normalize()
    except InvalidOperation:
        return None


def dollars(amount: Decimal) -> str:
    """``$1.00``, ``$1.10``, ``$1.375``: cents always, more digits only when they are there."""
    text = f"{amount.normalize():f}"
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def diagnostics(
    findings: tuple[TierFinding, ...], source: Source, version: str
) -> list[Diagnostic]:
    """Warnings at the spec's tiers, with both figures."""
    found: list[Diagnostic] = []
    for finding in findings:
        where = f"tier '{finding.tier}' ({finding.model})"
        if finding.prices:
            figures = ", ".join(
                f"{d.field} {dollars(d.spec)} vs {dollars(d.litellm)}" for d in finding.prices
            )
            found.append(
                source.diagnostic(
                    ("tiers", finding.tier, "price"),
                    PRICE_DIFFERS,
                    f"{where} is priced unlike LiteLLM {version}'s model map "
                    f"('{finding.key}'), per million tokens here vs there: {figures}",
                    "the proxy config carries the spec's prices, so spend is tracked with them; "
                    "check which figure is the provider's current price",
                    severity=Severity.WARNING,
                )
            )
        if finding.lacks_tool_use:
            found.append(
                source.diagnostic(
                    ("tiers", finding.tier, "capabilities"),
                    NO_TOOL_USE,
                    f"{where} has tool_use, but LiteLLM {version}'s model map says "
                    f"'{finding.key}' does not support function calling",
                    f"check the model's documentation; if it has none, remove tool_use from "
                    f"tiers.{finding.tier}.capabilities",
                    severity=Severity.WARNING,
                )
            )
    return found
