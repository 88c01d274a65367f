"""The YAML reader the proxy lint uses (routecfg/targets/yamlread.py): libyaml's events, else
ruamel.yaml's pure-Python parser, else ruamel.yaml's round-trip loader, which the lint always read
through. Every reader must give the same tree, positions and numbers, and the lint the same
findings, on every YAML file of the test corpus, the example and upstream's proxy configs."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from routecfg.diagnostics import RoutecfgError
from routecfg.router import lint
from routecfg.targets import yamledit, yamlread
from routecfg.targets.yamlnodes import Position
from routecfg.targets.yamlread import Map, Seq
from tests.conftest import SNAPSHOTS, TESTS, UPSTREAM

REPO = TESTS.parent
PARSERS = ("libyaml", "python")


def _corpus() -> list[Path]:
    found = []
    for folder in (TESTS, REPO / "examples"):
        for root, _, names in os.walk(folder):  # symlinks to folders are not followed
            for name in sorted(names):
                path = Path(root) / name
                if path.suffix in (".yaml", ".yml") and not path.is_symlink() and _text(path):
                    found.append(path)
    if UPSTREAM.is_dir():
        found += [UPSTREAM / s / "config" / "litellm" / n for s in SNAPSHOTS for n in _PROXIES]
    return sorted(found)


def _text(path: Path) -> str:
    """The file as routecfg reads it (CRLF kept); "" for one that is not UTF-8 text."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return "" if "\x00" in text else text


_PROXIES = ("proxy-config.docker.yaml", "proxy-config.template.yaml")
CORPUS = _corpus()
PROXY_CONFIGS = [
    path for path in CORPUS if any(key in _text(path) for key in ("model_list", "router_settings"))
]


def _shape(node: Any, seen: dict[int, str]) -> Any:
    """What the lint can tell of a tree: kinds, values, exact numbers, positions, anchors."""
    if isinstance(node, Map | Seq):
        if id(node) in seen:  # an alias: the same object again
            return seen[id(node)]
        seen[id(node)] = f"<alias of the node at {len(seen)}>"
        if isinstance(node, Seq):
            items = [_shape(item, seen) for item in node]
            where = [yamlread.item_position(node, i) for i in range(len(node))]
            return ("seq", node.anchor, items, where)
        return (
            "map",
            node.anchor,
            [
                (
                    repr(key),
                    _shape(value, seen),
                    yamlread.key_position(node, key),
                    yamlread.value_position(node, key),
                )
                for key, value in node.items()
            ],
        )
    kinds = (bool, int, float, str, type(None))
    kind = next((k.__name__ for k in kinds if isinstance(node, k)), type(node).__name__)
    return (kind, repr(node), str(yamlread.as_decimal(node)), yamlread.anchor(node))


def _read(text: str, parser: str) -> Any:
    try:
        return _shape(yamlread.read(text, "p.yaml", parser=parser), {})
    except RoutecfgError as error:
        return error.diagnostics


def _lint(text: str, parser: str, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    from routecfg.validate import model_map

    read = functools.partial(yamlread.read, parser=parser)
    with monkeypatch.context() as patch:
        patch.setattr(yamlread, "read", lambda text, path: read(text, path))
        return lint.lint(text, "p.yaml", environ={"HOME": "/"}, model_map=model_map)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) > 100
    assert len(PROXY_CONFIGS) > 25


@pytest.mark.parametrize("parser", PARSERS)
def test_every_reader_gives_the_round_trip_tree(parser: str) -> None:
    different = []
    for path in CORPUS:
        text = _text(path)
        if _read(text, parser) != _read(text, "round-trip"):
            different.append(str(path.relative_to(path.anchor)))
    assert different == []


@pytest.mark.parametrize("parser", PARSERS)
def test_the_lint_finds_the_same_through_every_reader(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    different = []
    for path in PROXY_CONFIGS:
        text = _text(path)
        if _lint(text, parser, monkeypatch) != _lint(text, "round-trip", monkeypatch):
            different.append(str(path))
    assert different == []


def test_the_fast_readers_read_most_proxy_configs_themselves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The round-trip loader is the exception (anchors, errors, odd numbers), not the rule."""
    fallbacks = []
    monkeypatch.setattr(yamlread, "_round_trip", lambda text, path: fallbacks.append(path))
    for path in PROXY_CONFIGS:
        yamlread.read(_text(path), str(path), parser="libyaml")
    assert len(fallbacks) < len(PROXY_CONFIGS) // 5, fallbacks


def test_values_and_positions() -> None:
    text = textwrap.dedent(
        """\
        model_list:
          - model_name: "cheap"
            litellm_params: {model: openai/x, input_cost_per_token: 1.50e-6, rpm: 012}
            model_info:
              mode: >
                chat
              on: yes
              empty:
        """
    )
    root = yamlread.read(text, "p.yaml", parser="libyaml")
    entry = root["model_list"][0]
    params = entry["litellm_params"]
    assert isinstance(root, Map)
    assert isinstance(root["model_list"], Seq)
    assert yamlread.item_position(root["model_list"], 0) == Position(2, 5)
    assert yamlread.item_position(root["model_list"], 1) == Position(0, 0)
    assert yamlread.key_position(entry, "model_name") == Position(2, 5)
    assert yamlread.value_position(entry, "model_name") == Position(2, 17)
    assert yamlread.value_position(params, "rpm") == Position(3, 75)
    assert yamlread.key_position(params, "absent") == Position(0, 0)
    assert params == {"model": "openai/x", "input_cost_per_token": 1.5e-6, "rpm": 12}
    assert yamlread.as_decimal(params["input_cost_per_token"]) == Decimal("0.00000150")
    assert str(yamlread.as_decimal(params["input_cost_per_token"])) == "0.00000150"
    assert entry["model_info"] == {"mode": "chat\n", "on": "yes", "empty": None}
    assert yamlread.as_decimal(True) is None


def test_what_the_plain_reading_leaves_to_the_round_trip_loader() -> None:
    duplicate = "model_list: []\nrouter_settings:\n  a: 1\n  a: 2\n"
    with pytest.raises(RoutecfgError) as raised:
        yamlread.read(duplicate, "p.yaml", parser="libyaml")
    assert [(d.line, d.column, d.code, d.message) for d in raised.value.diagnostics] == [
        (4, 3, "RC312", "duplicate 'a' in the mapping at line 3, column 3")
    ]
    anchored = yamlread.read("x: &base {a: 1}\ny: *base\nz: 0x1F\n", "p.yaml", parser="libyaml")
    assert anchored["x"].anchor == "base"
    assert anchored["y"] is anchored["x"]
    assert anchored["z"] == 31
    assert yamlread.as_decimal(anchored["z"]) == Decimal(31)


def test_the_round_trip_loader_reads_as_yamledit_does() -> None:
    text = "a: 1.50\nb: [x, 'y']\n"
    tree = yamlread.read(text, "p.yaml", parser="round-trip")
    assert tree == yamledit.parse(text, "p.yaml")
    assert yamlread.as_decimal(tree["a"]) == Decimal("1.50")  # the text it was written as
    assert str(yamlread.as_decimal(yamledit.parse(text, "p")["a"])) == "1.50"


def test_an_in_sync_check_imports_neither_ruamel_nor_importlib_metadata(tmp_path: Path) -> None:
    import shutil

    root = Path(shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path / "example"))
    probe = (
        "import sys; from routecfg import entry; code = entry.run(['check', '-q', '--no-cache']);"
        "print(code, [m for m in ('ruamel.yaml', 'importlib.metadata') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.stdout == "0 []\n", done.stderr
