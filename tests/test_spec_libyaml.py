"""libyaml and ruamel.yaml read every YAML file alike: the same data, positions and diagnostics.

routecfg reads specs (and proxies, for summaries) with libyaml where it is installed and with
ruamel.yaml where it is not; each case here is read both ways and compared whole.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode

from routecfg import spec
from routecfg.diagnostics import RoutecfgError
from tests.conftest import REPO, TESTS


def _read(text: str, *, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What parse_yaml gives: (data, values, keys), or the diagnostics it raises."""
    with monkeypatch.context() as patch:
        if not libyaml:
            patch.setattr(spec, "_libyaml_parser", lambda: None)
        try:
            data, positions = spec.parse_yaml(text, "routecfg.yaml")
        except RoutecfgError as error:
            return ("error", error.diagnostics)
    return (data, positions.values, positions.keys)


def _same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    fast = _read(text, libyaml=True, monkeypatch=monkeypatch)
    slow = _read(text, libyaml=False, monkeypatch=monkeypatch)
    assert fast == slow
    # Types too: True is not 1, Decimal("1") is not 1.
    assert repr(fast) == repr(slow)
    return fast


def _corpus(upstream: Path | None) -> Iterator[Path]:
    roots = [TESTS / "cases", REPO / "presets", REPO / "examples"]
    if upstream is not None:
        roots.append(upstream)
    for root in roots:
        for pattern in ("*.yaml", "*.yml"):
            yield from sorted(root.rglob(pattern))


def test_libyaml_is_used_here() -> None:
    assert spec._libyaml_parser() is not None


def test_every_spec_and_proxy_reads_the_same_both_ways(
    upstream: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = list(_corpus(upstream))
    assert len(files) > 80
    for path in files:
        try:
            text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
        try:
            _same_both_ways(text, monkeypatch)
        except AssertionError as failure:
            raise AssertionError(f"{path}: {failure}") from None


CASES = [
    "",
    "# only a comment\n",
    "version: 1\n",
    "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n",
    "a: &x [1, 2]\nb: {<<: [*x]}\n",
    "a: *nothing\n",
    "a: &x\n  b: *x\n",
    "a: 1\n---\nb: 2\n",
    "? [a, b]\n: 1\n",
    "{[a]: 1}\n",
    "*x : 1\n",
    "a: !!binary aGVsbG8=\n",
    "a: !custom 1\n",
    "a: !!str 1\nb: !!int '2'\nc: !!float '3'\n",
    "a: ! 1\nb: !!map {c: 1}\nd: !!seq [1]\n",
    "a: .inf\nb: -.Inf\nc: .nan\n",
    "a: 1e3\nb: 1.5e-3\nc: 0x1F\nd: 0o17\ne: 017\nf: 1_000\ng: +5\nh: 0b101\n",
    "a: yes\nb: no\nc: on\nd: off\ne: y\nf: ~\ng: Null\nh: TRUE\ni: tRuE\n",
    "a: 2024-01-01\nb: 2024-01-01 10:00:00\nc: 12:30\nd: 1:20:30\n",
    "a: =\nb: '!'\nc: <<\n",
    "a: 'single ''quoted'''\nb: \"double \\u00e9 \\n\"\nc: plain text\n",
    "a: |\n  literal\n  text\nb: >-\n  folded\n  text\n\nc: |+\n  kept\n\n",
    "name: caf\u00e9 \u2014 \u65e5\u672c\nnext: [\u00e9, \u00e8]\nlast: 1\n",
    "a:\n\tb: 1\n",
    "a: 1\n b: 2\n",
    "a: [1, 2\nb: 3\n",
    "a: {b: 1\n",
    "a: b: c\n",
    "key without colon\nnext: 1\n",
    "a: \x07\n",
    "a: '\x01'\n",
    "\ufeffa: 1\n",
    "%YAML 1.1\n---\na: yes\n",
    "%TAG ! tag:example.com,2000:\n---\na: !x 1\n",
    "- a\n- b\n",
    "just a scalar\n",
    "a: 1\r\nb: 2\r\n",
    "a:\n  - b: 1\n    c: [x, {y: z}]\n  - - nested\n    - list\n",
    "a: -\nb: - x\n",
    "a: @x\n",
    "a: `x\n",
    "a: [1, 2,]\nb: {c: 1,}\n",
    "a: 1 # comment\n# between\nb: 2\n",
    "'quoted key': 1\n\"other\": 2\n? complex\n: 3\n",
    "a: 0.30\nb: 1.25\nc: -0.0\nd: 10.\n",
    "a: 1.0e+3\nb: 1.e5\nc: .5\n",
    "a: 123456789012345678901234567890\n",
]


@pytest.mark.parametrize("text", CASES)
def test_tricky_documents_read_the_same_both_ways(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_both_ways(text, monkeypatch)


def test_nesting_and_alias_bomb_limits_hold_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = "a: " + "[" * 70 + "]" * 70 + "\n"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
        f" *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
        f" *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    for text in (deep, bomb):
        found = _same_both_ways(text, monkeypatch)
        assert found[0] == "error"
        codes = {d.code for d in found[1]}
        assert codes == {"RC008"} if text is deep else {"RC007"}


def _scalars() -> Iterator[str]:
    yield from ("", "~", "<<", "=", "!", "&", "*", "null", "NULL", "nUll", "True", "yes", "No")
    yield from ("0", "-0", "+1", "0x_", "0o", "0b", "0b2", "1_", "_1", "1__0", "0x1g", "09")
    yield from ("1.", ".1", "-.5", "1e5", "1E+5", "1e", ".e1", ".inf", "+.nan", ".NaN", "-.nan")
    yield from (
        "1.5e-3",
        "1:30",
        "2024-1-1",
        "2024-01-01",
        "2024-01-01T10:00:00Z",
        "2024-01-01 1:00:00",
    )
    yield from ("2024-01-01 10:00:00.5 +01:00", "2024-01-01t10:00:00", "20240101", "1.2.3")
    yield from ("12", "1.25", "0.", "00.50", "1.2e", "1..2", "1.-2", "\u0661\u0662", "1.\u0662")
    yield from ("1m", "2h", "1Z", "0xAF", "0XAF", "0xaf", "1.5x", "-1m", "+.inf", "-.INF", ".Inf")
    yield from ("2024-01-01\t10:00:00Z", "1e5\n", "0b101\n", "0o17", "1:2:3", "2024-01-01T1:00:00")
    yield from ("true\n", "true\n\n", "null\n", "~\n", "\n", "<<\n", "=\n", "*\n", "12\n", "1.5\n")
    alphabet = "01_.eE+-xob:T \tZtnNiIFAmX\n" + string.ascii_letters[:6]
    for first in alphabet:
        for second in alphabet:
            yield first + second
            for third in "0.e5":
                yield first + second + third


def test_plain_scalars_resolve_as_ruamel_resolves_them() -> None:
    resolver = YAML(typ="rt").resolver
    for value in _scalars():
        expected = str(resolver.resolve(ScalarNode, value, (True, False)))
        assert spec.resolve_plain(value) == expected, value


def test_a_folded_scalar_reads_as_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """ruamel.yaml marks folds with '\\a' in its events; no value keeps one."""
    found = _same_both_ways("a: >-\n  folded\n  text\n", monkeypatch)
    assert found[0] == {"a": "folded text"}
