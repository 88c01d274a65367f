"""Editors: `init` writes a spec whose `$schema` line resolves offline, and the editor schema
target gives the language server the spec's own tier and gate names. The last tests drive the
real yaml-language-server over LSP (installed by .ci/run from npm); elsewhere they skip, saying
why."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import REPO, run
from tests.lsp import SERVER_ENV, diagnose, find_server

HEADER = "# yaml-language-server: $schema=./routecfg.schema.json\n"


def schema_line_target(spec: Path) -> Path:
    first = spec.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    return spec.parent / first.partition("$schema=")[2]


@pytest.mark.parametrize(
    "spec",
    [
        REPO / "presets" / "cost-optimized.yaml",
        REPO / "presets" / "legacy.yaml",
        REPO / "examples" / "backlog-toolkit" / "routecfg.yaml",
    ],
    ids=["cost-optimized", "legacy", "example"],
)
def test_bundled_specs_name_a_schema_file_that_exists(spec: Path) -> None:
    assert schema_line_target(spec).resolve() == (REPO / "schemas" / "routecfg.schema.json")


def test_init_writes_the_spec_and_its_editor_schema_beside_it(tmp_path: Path) -> None:
    result = run(["init"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr == (
        "wrote routecfg.yaml from the bundled preset 'cost-optimized'\n"
        "wrote routecfg.schema.json (the editor schema the spec's `$schema` line names)\n"
        "next: name your files under `targets:` (preset, schema, proxy, skills), then "
        "`routecfg build`\n"
    )
    spec = tmp_path / "routecfg.yaml"
    assert spec.read_text().startswith(HEADER)
    assert spec.read_text().endswith(
        "\n\ntargets:                      # the files `routecfg build` keeps in sync with this spec\n"
        "  editor_schema: routecfg.schema.json  # for editors: this spec's tiers and gates as enums\n"
    )
    schema = json.loads(schema_line_target(spec).read_text())
    gate = schema["definitions"]["gate"]["properties"]
    assert gate["tier"]["enum"] == ["free", "cheap", "balanced", "frontier"]
    assert gate["fallback"]["items"]["enum"] == ["free", "cheap", "balanced", "frontier"]
    rule = schema["definitions"]["rule"]["properties"]
    assert rule["reroute"]["enum"][:3] == ["wave_plan", "plan", "implement"]
    assert "$id" not in schema
    check = run(["check", "-q"], cwd=tmp_path)
    assert (check.exit_code, check.stdout) == (0, "")  # the schema it wrote is in sync


def test_init_from_repo_writes_the_editor_schema_and_a_guessed_cost_section(
    tmp_path: Path,
) -> None:
    example = REPO / "examples" / "backlog-toolkit"
    import shutil

    shutil.copytree(example / "config", tmp_path / "config")
    result = run(["init", "--from-repo"], cwd=tmp_path)
    assert result.exit_code == 0
    text = (tmp_path / "routecfg.yaml").read_text()
    assert text.startswith(HEADER)
    assert text.endswith(
        "  editor_schema: routecfg.schema.json\n"
        "\n"
        "cost:\n"
        "  tickets: 50\n"
        "  profile:                    # guess: tokens per call, calls per ticket; measure them "
        "(`routecfg actuals`)\n"
        "    plan:      {input: 5000, output: 2000}             # guess: the design's estimate\n"
        "    implement: {input: 30000, output: 5000, calls: 2}  # guess: the design's estimate\n"
        "    review:    {input: 10000, output: 1000, calls: 2}  # guess: the design's estimate\n"
        "    classify:  {input: 5000, output: 1000}             # guess: a typical gate\n"
        "    draft:     {input: 5000, output: 1000}             # guess: a typical gate\n"
    )
    assert (tmp_path / "routecfg.schema.json").is_file()
    assert run(["check", "-q"], cwd=tmp_path).exit_code == 0


def test_build_keeps_the_editor_schema_in_step_with_the_tiers(tmp_path: Path) -> None:
    assert run(["init", "-q"], cwd=tmp_path).exit_code == 0
    schema = tmp_path / "routecfg.schema.json"
    schema.unlink()  # written whole by routecfg: a build makes it again
    assert run(["check", "-q"], cwd=tmp_path).stderr.endswith("\nroutecfg.schema.json: stale\n")
    assert run(["build", "--yes", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(
        spec.read_text().replace(
            "tiers:\n",
            "tiers:\n  mini:\n    model: openai/gpt-5-mini\n    capabilities: [text, tool_use]\n"
            "    price: {input: 0.25, output: 2.00}\n",
            1,
        )
    )
    check = run(["check", "--format", "github"], cwd=tmp_path)
    assert check.exit_code == 1
    assert "title=RC503::routecfg.schema.json is stale" in check.stdout
    assert run(["build", "--yes", "-q"], cwd=tmp_path).exit_code == 0
    tiers = json.loads(schema.read_text())["definitions"]["gate"]["properties"]["tier"]["enum"]
    assert tiers == ["mini", "free", "cheap", "balanced", "frontier"]


def test_rendering_leaves_the_bundled_schema_as_it_is() -> None:
    # render copies only what it changes of the schema resources caches: two specs' renders
    # neither change that schema nor each other.
    from routecfg import resources
    from routecfg.frozen import replace
    from routecfg.targets import editor_schema
    from routecfg.validate import validate

    bundled = json.loads(resources.schema_path(resources.SPEC_SCHEMA).read_text())
    spec = validate(resources.preset_path("legacy") or Path(), missing_targets=False).spec
    renders = []
    for tiers in (spec.tiers, {"mini": spec.tiers["cheap"]}):
        rendered = editor_schema.render(replace(spec, tiers=tiers), "", "routecfg.schema.json")
        renders.append(json.loads(rendered))
        assert resources.load_schema(resources.SPEC_SCHEMA) == bundled
    tier_enums = [r["definitions"]["gate"]["properties"]["tier"]["enum"] for r in renders]
    assert tier_enums == [list(spec.tiers), ["mini"]]
    for render in renders:
        assert render["definitions"]["tier"] == bundled["definitions"]["tier"]
        assert "$id" not in render
    assert "$id" in bundled


# -- the real yaml-language-server ---------------------------------------------------------------


@pytest.fixture
def server() -> str:
    found = find_server()
    if found is None:
        reason = (
            f"yaml-language-server not found (npm install yaml-language-server; or set "
            f"{SERVER_ENV}); .ci/run installs it"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: the editor test must run)")
        pytest.skip(reason)
    return found


def test_the_language_server_flags_an_unknown_tier_in_a_spec_init_wrote(
    server: str, tmp_path: Path
) -> None:
    assert run(["init", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    line = "  implement:   {title: Gate 2 IMPLEMENT, tier: cheap,"
    text = spec.read_text()
    assert text.count(line) == 1
    spec.write_text(text.replace(line, line.replace("tier: cheap,", "tier: cheapo,")))
    number = (
        spec.read_text()
        .splitlines()
        .index(next(s for s in spec.read_text().splitlines() if "tier: cheapo," in s))
    )
    found, _ = diagnose(server, spec)
    assert [(d["range"]["start"], d["range"]["end"], d["message"]) for d in found] == [
        (
            {"line": number, "character": 47},
            {"line": number, "character": 53},
            'Value is not accepted. Valid values: "free", "cheap", "balanced", "frontier".',
        )
    ]
    assert found[0]["data"]["schemaUri"] == [(tmp_path / "routecfg.schema.json").as_uri()]


def test_the_language_server_finds_nothing_in_a_spec_init_wrote(
    server: str, tmp_path: Path
) -> None:
    assert run(["init", "-q"], cwd=tmp_path).exit_code == 0
    spec = tmp_path / "routecfg.yaml"
    line = spec.read_text().splitlines().index("tiers:")
    found, hover = diagnose(server, spec, hover_at=(line, 2))
    assert found == []
    # The schema was loaded from the file beside the spec, offline: its description shows.
    assert "Model tiers by name" in hover["contents"]["value"]
