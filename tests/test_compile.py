"""check, diff and build on the preset and schema targets, with upstream's real files.

Fixture files are copied into a temporary root at test time (a spec's targets live inside its
root); nothing from ../shared is committed here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, TESTS, run

TARGETS = (
    "targets:\n  preset: config/presets/default.json\n  schema: config/backlog.config.schema.json\n"
)


def make_root(tmp_path: Path, upstream: Path, snapshot: str, spec: str) -> Path:
    for name in ("presets/default.json", "backlog.config.schema.json"):
        (tmp_path / "config" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upstream / snapshot / "config" / name, tmp_path / "config" / name)
    (tmp_path / "routecfg.yaml").write_text(spec + TARGETS)
    return tmp_path


def seed_routing() -> str:
    text = (REPO / "presets" / "cost-optimized.yaml").read_text()
    return text[: text.index("\ncost:")] + "\n"


def snapshot_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_seed_routing_on_pre_seed_gives_post_seed_preset(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    assert run(["check", "-q"], cwd=root).exit_code == 1
    build = run(["build", "--yes", "-q"], cwd=root)
    assert build.exit_code == 0, build.stderr
    preset = (root / "config" / "presets" / "default.json").read_bytes()
    assert preset == (upstream / "post-seed" / "config" / "presets" / "default.json").read_bytes()
    schema = (root / "config" / "backlog.config.schema.json").read_text()
    assert (
        '            "entryModelPlan": {\n'
        '              "type": "string",\n'
        '              "description": "Model alias for planning gates (text-only, no tool_use). '
        'Supports Ollama/local models.",\n'
        '              "default": "free"\n'
        "            },\n"
    ) in schema
    again = run(["check"], cwd=root)
    assert again.exit_code == 0
    assert again.stderr == (
        "config/backlog.config.schema.json: in sync\nconfig/presets/default.json: in sync\n"
    )
    before = snapshot_files(root)
    assert run(["build", "--yes"], cwd=root).exit_code == 0
    assert snapshot_files(root) == before


def test_post_seed_spec_changes_only_drifted_schema_defaults(
    tmp_path: Path, upstream: Path
) -> None:
    spec = (TESTS / "upstream" / "post-seed.yaml").read_text()
    root = make_root(tmp_path, upstream, "post-seed", spec)
    result = run(["check"], cwd=root)
    assert result.exit_code == 1
    assert result.stderr == (
        "config/backlog.config.schema.json: stale\n"
        "  properties.llmOps.properties.routing.properties.entryModelClassify.default: "
        "'cheap' → 'free'\n"
        "  properties.llmOps.properties.routing.properties.entryModelDraft.default: "
        "'cheap' → 'free'\n"
        "  properties.llmOps.properties.routing.properties.entryModelImplement.default: "
        "'balanced' → 'cheap'\n"
        "  properties.llmOps.properties.routing.properties.entryModelReview.default: "
        "'cheap' → 'balanced'\n"
        "config/presets/default.json: in sync\n"
        "hint: run `routecfg build` to update the stale files\n"
    )
    old = (upstream / "post-seed" / "config" / "backlog.config.schema.json").read_text()
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    new = (root / "config" / "backlog.config.schema.json").read_text()
    old_lines, new_lines = old.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [
        ('              "default": "cheap"', '              "default": "free"'),
        ('              "default": "cheap"', '              "default": "free"'),
        ('              "default": "balanced"', '              "default": "cheap"'),
        ('              "default": "cheap"', '              "default": "balanced"'),
    ]
    preset = upstream / "post-seed" / "config" / "presets" / "default.json"
    assert (root / "config" / "presets" / "default.json").read_bytes() == preset.read_bytes()


def test_crlf_and_bom_are_kept(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    preset = root / "config" / "presets" / "default.json"
    preset.write_bytes(b"\xef\xbb\xbf" + preset.read_bytes().replace(b"\n", b"\r\n"))
    assert run(["build", "--yes", "-q"], cwd=root).exit_code == 0
    data = preset.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    expected = (upstream / "post-seed" / "config" / "presets" / "default.json").read_bytes()
    assert data == b"\xef\xbb\xbf" + expected.replace(b"\n", b"\r\n")
    assert run(["check", "-q"], cwd=root).exit_code == 0


def test_a_malformed_target_writes_nothing_and_points_into_it(
    tmp_path: Path, upstream: Path
) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    preset = root / "config" / "presets" / "default.json"
    preset.write_text(preset.read_text().replace('"stack": "generic"', '"stack": "generic",,'))
    before = snapshot_files(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("config/presets/default.json:5:24: error[RC301]: ")
    assert snapshot_files(root) == before


def test_a_preset_that_breaks_the_schema_is_refused(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    preset = root / "config" / "presets" / "default.json"
    preset.write_text(preset.read_text().replace('"version": "1.1"', '"version": "9"'))
    before = snapshot_files(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "config/presets/default.json:2:14: error[RC305]: version: '9' is not one of ['1.0', '1.1'] "
        "(checked against config/backlog.config.schema.json)\n"
    )
    assert snapshot_files(root) == before


def test_build_without_a_terminal_or_yes_writes_nothing(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    before = snapshot_files(root)
    result = run(["build"], cwd=root)
    assert result.exit_code == 1
    assert result.stderr.endswith("not written: no terminal to confirm on; run with --yes\n")
    assert snapshot_files(root) == before


def test_diff_exit_code_and_github_annotations(tmp_path: Path, upstream: Path) -> None:
    root = make_root(tmp_path, upstream, "pre-seed", seed_routing())
    assert run(["diff"], cwd=root).exit_code == 0
    assert run(["diff", "--exit-code"], cwd=root).exit_code == 1
    github = run(["check", "--format", "github"], cwd=root)
    assert github.exit_code == 1
    lines = github.stdout.splitlines()
    assert lines[1].startswith(
        "::error file=config/presets/default.json,line=86,title=routecfg::"
        "config/presets/default.json is stale: llmOps.routing.entryModelClassify: 'cheap' → 'free'; "
    )


@pytest.mark.parametrize("kind", ["proxy", "skills"])
def test_targets_not_compiled_yet_are_refused_clearly(tmp_path: Path, kind: str) -> None:
    (tmp_path / "x.txt").write_text("x\n")
    (tmp_path / "routecfg.yaml").write_text(seed_routing() + f"targets:\n  {kind}: x.txt\n")
    result = run(["check"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"x.txt: error[RC390]: this version of routecfg does not compile {kind} targets yet\n"
    )


def test_the_example_repository_is_in_sync() -> None:
    result = run(["check", "--spec", str(REPO / "examples" / "backlog-toolkit" / "routecfg.yaml")])
    assert result.exit_code == 0
    assert result.stderr == (
        "config/backlog.config.schema.json: in sync\nconfig/presets/default.json: in sync\n"
    )
