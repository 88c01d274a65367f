"""Where the bundled data lives: schemas, presets and block templates.

In an installed wheel the data sits in ``routecfg/_data/``; in a source checkout (and an editable
install) it sits at the repository root. Nothing else in routecfg knows about the two layouts.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

PRESET_SUFFIX = ".yaml"
SPEC_SCHEMA = "routecfg.schema.json"
BACKLOG_SCHEMA = "backlog.config.schema.json"


@functools.cache
def data_root() -> Path:
    package = Path(__file__).resolve().parent
    installed = package / "_data"
    return installed if installed.is_dir() else package.parent


def schema_path(name: str) -> Path:
    return data_root() / "schemas" / name


@functools.cache
def load_schema(name: str) -> Any:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


def templates_dir() -> Path:
    return data_root() / "templates"


def preset_names() -> tuple[str, ...]:
    folder = data_root() / "presets"
    return tuple(
        sorted(p.name.removesuffix(PRESET_SUFFIX) for p in folder.glob("*" + PRESET_SUFFIX))
    )


def preset_path(name: str) -> Path | None:
    """The bundled preset called ``name`` (with or without ``.yaml``), if there is one."""
    stem = name.removesuffix(PRESET_SUFFIX)
    return data_root() / "presets" / (stem + PRESET_SUFFIX) if stem in preset_names() else None


def is_bundled_preset(path: Path) -> bool:
    """Whether ``path`` is one of the bundled presets (a starting point, with no targets)."""
    return path.resolve().parent == (data_root() / "presets").resolve()
