"""The config keys LiteLLM reads, as data: ``litellm_keys.json``, generated from the installed
litellm by ``scripts/litellm_keys.py`` (litellm itself is never imported at run time)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path

from routecfg.frozen import record

DATA_FILE = Path(__file__).with_name("litellm_keys.json")

# The sections whose every key LiteLLM reads by name: an unknown one is ignored.
STRICT_SECTIONS = ("top_level", "router_settings", "litellm_settings", "general_settings")
# Free-form sections: LiteLLM passes unknown litellm_params on to the provider, and model_info
# is metadata, so only a near miss of a known key is a finding there.
LENIENT_SECTIONS = ("litellm_params", "model_info")


@record
class KnownKeys:
    litellm_version: str
    sections: Mapping[str, frozenset[str]]
    pricing_fields: frozenset[str]
    routing_strategies: tuple[str, ...]
    defaults: Mapping[str, int]

    def section_of(self, key: str, *, besides: str) -> str | None:
        """The strict section other than ``besides`` that reads ``key``, if one does."""
        for section in STRICT_SECTIONS:
            if section != besides and key in self.sections[section]:
                return section
        return None


@functools.cache
def known_keys() -> KnownKeys:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    names = (*STRICT_SECTIONS, *LENIENT_SECTIONS, "model_entry")
    return KnownKeys(
        litellm_version=str(data["litellm_version"]),
        sections={name: frozenset(data[name]) for name in names},
        pricing_fields=frozenset(data["pricing_fields"]),
        routing_strategies=tuple(data["routing_strategies"]),
        defaults={str(k): int(v) for k, v in data["defaults"].items()},
    )
