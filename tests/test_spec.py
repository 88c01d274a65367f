"""Loading routecfg.yaml: finding it, guarding against hostile input, keeping positions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from routecfg import spec
from routecfg.diagnostics import RoutecfgError
from tests.conftest import TESTS, run

OK_SPEC = (TESTS / "cases" / "validate" / "ok-minimal" / "routecfg.yaml").read_text()


def diagnostics_of(text: str) -> list[str]:
    with pytest.raises(RoutecfgError) as caught:
        spec.parse_yaml(text, "routecfg.yaml")
    return [f"{d.line}:{d.column} {d.code} {d.message}" for d in caught.value.diagnostics]


def test_values_keep_their_positions() -> None:
    data, positions = spec.parse_yaml("a:\n  b: [x, 2.50]\n  c: 2026-02-19\n", "f.yaml")
    assert data == {"a": {"b": ["x", Decimal("2.50")], "c": "2026-02-19"}}
    assert positions.values[("a", "b", 1)] == (2, 10)
    assert positions.keys[("a", "c")] == (3, 3)
    assert positions.of(("a", "b", 7, "missing")) == (2, 6)


def test_scalars_resolve_as_yaml_1_2_without_datetimes() -> None:
    data, _ = spec.parse_yaml(
        "a: yes\nb: true\nc: ~\nd: 0x1F\ne: 1_000\nf: '12'\ng: 2026-02-19T10:00:00Z\nh: 1e-6\n",
        "f.yaml",
    )
    assert data == {
        "a": "yes",
        "b": True,
        "c": None,
        "d": 31,
        "e": 1000,
        "f": "12",
        "g": "2026-02-19T10:00:00Z",
        "h": Decimal("0.000001"),
    }


def test_aliases_share_values_and_merge_keys_fill_gaps() -> None:
    data, positions = spec.parse_yaml(
        "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nagain: *b\n", "f.yaml"
    )
    assert data == {"base": {"x": 1, "y": 2}, "use": {"x": 1, "y": 3}, "again": {"x": 1, "y": 2}}
    assert positions.of(("again", "x")) == (5, 8)


def test_every_duplicate_key_is_reported() -> None:
    assert diagnostics_of("a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n") == [
        "3:1 RC006 duplicate key 'a' (first defined on line 1)",
        "6:3 RC006 duplicate key 'd' (first defined on line 5)",
    ]


def test_a_control_character_is_reported_with_its_position() -> None:
    assert diagnostics_of("a: 1\nb: x\x07y\n") == [
        "2:5 RC005 YAML cannot contain this character: special characters are not allowed"
    ]


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 12):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    (tmp_path / "routecfg.yaml").write_text("\n".join(lines) + "\n")
    result = run(["validate"], cwd=tmp_path)  # a real expansion (10^12 values) would never end
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "routecfg.yaml:6:10: error[RC007]: the document expands to more than 200,000 values"
    )


def test_a_50_mib_spec_is_refused_without_reading_it(tmp_path: Path) -> None:
    chunk = "# " + "x" * 1021 + "\n"
    with (tmp_path / "routecfg.yaml").open("w") as stream:
        stream.write(OK_SPEC)
        for _ in range(50 * 1024):
            stream.write(chunk)
    result = run(["validate"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "routecfg.yaml:1:1: error[RC001]: file is 50.0 MiB, over the 1 MiB limit for a spec\n"
        "  hint: a routing spec is a few kilobytes; is this the right file?\n"
        "Found 1 error.\n"
    )


def test_deep_nesting_beyond_the_parser_recursion_is_a_diagnostic() -> None:
    assert diagnostics_of("a: " + "[" * 5000 + "]" * 5000 + "\n") == [
        "1:67 RC008 the document is nested more than 64 levels deep"
    ]


def test_find_spec_walks_up(tmp_path: Path) -> None:
    (tmp_path / "routecfg.yaml").write_text(OK_SPEC)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert spec.find_spec(nested) == tmp_path / "routecfg.yaml"
    assert run(["validate", "-q"], cwd=nested).exit_code == 0


def test_a_folder_given_as_spec_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    result = run(["validate", "--spec", "configs"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "configs: error[RC009]: spec file 'configs' is a folder, not a file\n"
        "  hint: name a routecfg.yaml file, or a bundled preset: cost-optimized, legacy\n"
        "Found 1 error.\n"
    )


def test_an_unreadable_spec_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "routecfg.yaml"
    target.symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(RoutecfgError) as caught:
        spec.load(target)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.message) == (
        "RC009",
        "cannot read the file: No such file or directory",
    )


def test_a_local_file_wins_over_a_preset_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "legacy").write_text("version: 1\n")
    assert spec.locate("legacy", tmp_path) == tmp_path / "legacy"
    assert spec.locate("legacy.yaml", tmp_path).name == "legacy.yaml"
