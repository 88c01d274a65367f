"""The bundled templates' Python renderers (routecfg.targets.bundled) render what Jinja renders
from templates/*.j2, byte for byte, and are used only where they apply.

When a template changes, this file fails until its renderer is updated and its digest in
``bundled.SOURCES`` is the new text's (`python -m tests.test_bundled` prints the digests).
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from routecfg import model, report, resources
from routecfg.diagnostics import RoutecfgError
from routecfg.model import RoutingSpec
from routecfg.targets import bounded, bundled, markdown
from routecfg.validate import validate
from tests.conftest import REPO, SNAPSHOTS, run, writable_copy

GATE_MODEL = "gate-model.md.j2"


def _digests() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(resources.templates_dir().glob("*.j2"))
    }


@functools.cache
def _jinja() -> SandboxedEnvironment:
    return markdown._environment(None)


# --- the renderers are for the templates as they are --------------------------------------------


def test_each_renderer_was_written_for_the_template_text_as_it_is() -> None:
    assert _digests() == bundled.SOURCES, (
        "a bundled template changed: update its renderer in routecfg/targets/bundled.py, then "
        "its digest in bundled.SOURCES (`python -m tests.test_bundled` prints them)"
    )


def test_every_bundled_block_template_has_a_renderer() -> None:
    blocks = {name for name in _digests() if name.endswith(markdown.TEMPLATE_SUFFIX)}
    assert set(bundled.RENDERERS) == blocks


@pytest.mark.parametrize("name", sorted(bundled.RENDERERS))
def test_a_renderer_reads_and_imports_what_its_template_does(name: str) -> None:
    env = _jinja()
    source = (resources.templates_dir() / name).read_text(encoding="utf-8")
    parsed = env.parse(source)
    reads = meta.find_undeclared_variables(parsed) - env.globals.keys()
    imports = sorted(str(f) for f in meta.find_referenced_templates(parsed))
    assert bundled.RENDERERS[name].reads == reads
    assert bundled.RENDERERS[name].files == (name, *imports)


def test_the_output_cap_is_the_sandboxs() -> None:
    assert bundled.MAX_OUTPUT == bounded.MAX_OUTPUT


# --- Jinja's output == the renderers' output ----------------------------------------------------


def _renders(spec: RoutingSpec) -> Iterator[tuple[str, str, str]]:
    """(what, Jinja's output, the renderer's output) for every bundled template, in and out of
    a fence, a gate-model block for every gate."""
    context = markdown._context(spec)
    for name, python in sorted(bundled.RENDERERS.items()):
        rows = context["routing"] if name == GATE_MODEL else [None]
        for in_fence in (False, True):
            for row in rows:
                params: dict[str, Any] = {} if row is None else {"gate": row}
                full = {**context, "in_fence": in_fence, **params}
                what = f"{name} in_fence={in_fence}" + (f" gate={row.gate}" if row else "")
                template = _jinja().get_template(name)
                yield what, bounded.render(template, full), python.render(full)


def _differences(spec: RoutingSpec) -> list[tuple[str, str, str]]:
    return [(what, jinja, python) for what, jinja, python in _renders(spec) if jinja != python]


@functools.cache
def _corpus_specs() -> dict[str, RoutingSpec]:
    """Every YAML file of the tests and the examples that is a valid spec."""
    specs: dict[str, RoutingSpec] = {}
    for path in sorted([*(REPO / "tests").rglob("*.yaml"), *(REPO / "examples").rglob("*.yaml")]):
        try:
            specs[path.relative_to(REPO).as_posix()] = validate(path, missing_targets=False).spec
        except RoutecfgError:
            continue  # a case of bad input
    return specs


def test_jinja_and_the_renderers_agree_on_every_spec_of_the_corpus() -> None:
    specs = _corpus_specs()
    assert len(specs) >= 45, sorted(specs)  # the corpus, not a corner of it
    assert {p for p in specs if p.startswith("examples/")} == {
        "examples/backlog-toolkit/routecfg.yaml"
    }
    assert {p for p, s in specs.items() if _differences(s)} == set()


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_jinja_and_the_renderers_agree_on_upstreams_routing(
    upstream: Path, tmp_path: Path, snapshot: str
) -> None:
    root = writable_copy(upstream / snapshot, tmp_path / snapshot)
    assert run(["init", "--from-repo", "-q"], cwd=root).exit_code == 0
    spec = validate(root / "routecfg.yaml", missing_targets=False).spec
    assert len(spec.gates) >= 4
    assert _differences(spec) == []


def test_jinja_and_the_renderers_agree_on_every_skills_file_of_the_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whole files through markdown.render, blocks, parameters and fences as they are written
    (errors too), once with the renderers and once with Jinja alone."""
    rendered = 0
    for label, spec in _corpus_specs().items():
        # A build case's files are in input/ and expected/ beside its spec.
        for root in (spec.root, spec.root / "input", spec.root / "expected"):
            folder = root / spec.targets.templates if spec.targets.templates else None
            for relative in spec.targets.skills:
                if not (root / relative).is_file():
                    continue
                text = (root / relative).read_text(encoding="utf-8")
                with monkeypatch.context() as patched:
                    python = _outcome(spec, text, relative, folder)
                    patched.setattr(bundled, "for_block", lambda *args: None)
                    jinja = _outcome(spec, text, relative, folder)
                assert python == jinja, f"{label}: {root / relative}"
                rendered += 1
    assert rendered >= 10


def _outcome(spec: RoutingSpec, text: str, relative: str, folder: Path | None) -> str:
    markdown._LAST_RENDERER.clear()
    try:
        return markdown.render(spec, text, relative, folder)
    except RoutecfgError as error:
        return report.format_text(error.diagnostics)
    finally:
        markdown._LAST_RENDERER.clear()


_NAMES = st.text("abcdefghij_", min_size=1, max_size=6)
# Text as a spec may hold it: pipes, backticks, spaces and line breaks, other scripts, nothing.
_TEXT = st.text(st.sampled_from([*"ab |`→\n\t-éü中"]), max_size=10)
_MONEY = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def _specs(draw: st.DrawFn) -> RoutingSpec:
    tier_names = draw(st.lists(_NAMES, min_size=1, max_size=4, unique=True))
    tiers: dict[str, dict[str, Any]] = {}
    for name in tier_names:
        price: dict[str, Decimal] = {"input": draw(_MONEY), "output": draw(_MONEY)}
        for key in ("cache_read", "cache_write"):
            if draw(st.booleans()):
                price[key] = draw(_MONEY)
        tier: dict[str, Any] = {
            "model": draw(st.sampled_from(["ollama/qwen", "ollama_chat/q", "bedrock/claude", "x"])),
            "capabilities": draw(
                st.lists(st.sampled_from(["text", "tool_use", "vision"]), unique=True, max_size=3)
            ),
            "price": price,
        }
        task_model = draw(st.none() | st.sampled_from(["haiku", "sonnet", "opus", "h"]) | _NAMES)
        if task_model is not None:  # else a shell route: llm_call.sh
            tier["task_model"] = task_model
        tiers[name] = tier
    gate_names = draw(st.lists(_NAMES, max_size=6, unique=True))
    gates: dict[str, dict[str, Any]] = {}
    for name in gate_names:
        gate: dict[str, Any] = {
            "title": draw(_TEXT | st.sampled_from(["Gate 1 PLAN", "Write-agents", "x"])),
            "tier": draw(st.sampled_from(tier_names)),
            "fallback": draw(st.lists(st.sampled_from(tier_names), unique=True, max_size=3)),
            "needs": draw(st.lists(st.sampled_from(["text", "tool_use"]), unique=True, max_size=2)),
            "roles": draw(
                st.lists(
                    st.sampled_from(["implementer", "investigators", "wave planning subagents"])
                    | _TEXT,
                    max_size=3,
                )
            ),
        }
        for key in ("config_key", "fallback_template", "note"):
            value = draw(st.none() | _TEXT)
            if value is not None:
                gate[key] = value
        gates[name] = gate
    rules = []
    if gate_names:
        for _ in range(draw(st.integers(0, 3))):
            rule: dict[str, Any] = {
                "when_fails": draw(
                    st.lists(st.sampled_from(gate_names), min_size=1, max_size=3, unique=True)
                ),
                "reroute": draw(st.sampled_from(gate_names)),
                "to": draw(st.sampled_from(tier_names)),
                "after": draw(st.integers(1, 5)),
                "counters": draw(st.lists(_TEXT | st.just("fail_[gate]"), max_size=2)),
            }
            for key in ("counter", "log"):
                value = draw(st.none() | _TEXT)
                if value is not None:
                    rule[key] = value
            rules.append(rule)
    escalation = {
        "model": draw(st.none() | st.sampled_from(tier_names)),
        "max_per_ticket": draw(st.none() | st.just(1) | st.integers(0, 5)),
        "rules": rules,
    }
    data = {"version": 1, "tiers": tiers, "gates": gates, "escalation": escalation}
    return model.build(data, Path("/nonexistent"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_specs())
def test_jinja_and_the_renderers_agree_on_generated_specs(spec: RoutingSpec) -> None:
    assert _differences(spec) == []


def test_generated_specs_reach_the_edge_cases() -> None:
    """The strategy above draws what the templates branch on (a check that it can)."""
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(_specs())
    def draw(spec: RoutingSpec) -> None:
        rows = markdown._context(spec)["routing"]
        seen.update(
            name
            for name, hit in {
                "no gates": not rows,
                "no rules": not spec.escalation.rules,
                "rules": bool(spec.escalation.rules),
                "no fallbacks": any(not row.fallback_steps for row in rows),
                "fallbacks": any(row.fallbacks for row in rows),
                "template only": any(row.fallback_template and not row.fallbacks for row in rows),
                "notes": any(row.note for row in rows),
                "roles": any(row.roles for row in rows),
                "shell": any(row.route.is_shell for row in rows),
                "task": any(not row.route.is_shell for row in rows),
                "max 1": spec.escalation.max_per_ticket == 1,
                "max none": spec.escalation.max_per_ticket is None,
                "max other": spec.escalation.max_per_ticket not in (1, None),
                "log": any(rule.log for rule in spec.escalation.rules),
            }.items()
            if hit
        )

    draw()
    assert seen == {
        "no gates",
        "no rules",
        "rules",
        "no fallbacks",
        "fallbacks",
        "template only",
        "notes",
        "roles",
        "shell",
        "task",
        "max 1",
        "max none",
        "max other",
        "log",
    }


# --- used where they apply, Jinja elsewhere -----------------------------------------------------

SKILL = "<!-- routecfg:begin prices -->\n<!-- routecfg:end prices -->\n"


def _render(folder: Path | None = None) -> str:
    spec = validate(REPO / "examples" / "backlog-toolkit" / "routecfg.yaml").spec
    markdown._LAST_RENDERER.clear()
    try:
        return markdown.render(spec, SKILL, "SKILL.md", folder)
    finally:
        markdown._LAST_RENDERER.clear()


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The prices renderer writes a mark, so a test sees which engine rendered."""
    renderers = dict(bundled.RENDERERS)
    renderers["prices.md.j2"] = renderers["prices.md.j2"]._replace(render=lambda c: "python\n")
    monkeypatch.setattr(bundled, "RENDERERS", renderers)
    bundled._as_written.cache_clear()
    yield
    bundled._as_written.cache_clear()


@pytest.mark.usefixtures("marked")
def test_a_bundled_template_renders_in_python() -> None:
    assert _render().splitlines()[1] == "python"


@pytest.mark.usefixtures("marked")
def test_an_edited_bundled_template_renders_in_jinja(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundled, "SOURCES", {**bundled.SOURCES, "prices.md.j2": "0" * 64})
    assert _render().splitlines()[1] == (
        "| Tier | Model | Input $/MTok | Output $/MTok | Cache read | Cache write |"
    )


@pytest.mark.usefixtures("marked")
def test_a_template_of_the_spec_renders_in_jinja(tmp_path: Path) -> None:
    (tmp_path / "prices.md.j2").write_text("own {{ prices | length }}\n", encoding="utf-8")
    assert _render(tmp_path).splitlines()[1] == "own 4"


def test_a_shadowed_macro_file_sends_its_importers_to_jinja(tmp_path: Path) -> None:
    (tmp_path / "_macros.j2").write_text(
        "{% macro if_fails(row, steps) %}mine{% endmacro %}", encoding="utf-8"
    )
    spec = validate(REPO / "examples" / "backlog-toolkit" / "routecfg.yaml").spec
    text = "<!-- routecfg:begin gate-model gate=plan -->\n<!-- routecfg:end gate-model -->\n"
    markdown._LAST_RENDERER.clear()
    try:
        body = markdown.render(spec, text, "SKILL.md", tmp_path).splitlines()[1]
    finally:
        markdown._LAST_RENDERER.clear()
    assert body == (
        "**Model**: `entryModelPlan` (free/Ollama) via `llm_call.sh --model free`. mine."
    )


def refusal(spec: RoutingSpec, text: str) -> str:
    """What rendering ``text`` is refused with, rendered afresh (no renderer kept from before)."""
    markdown._LAST_RENDERER.clear()
    with pytest.raises(RoutecfgError) as raised:
        markdown.render(spec, text, "SKILL.md")
    markdown._LAST_RENDERER.clear()
    return report.format_text(raised.value.diagnostics)


def test_a_parameter_a_bundled_template_does_not_read_is_refused_as_before() -> None:
    spec = validate(REPO / "examples" / "backlog-toolkit" / "routecfg.yaml").spec
    text = "<!-- routecfg:begin prices tier=free -->\n<!-- routecfg:end prices -->\n"
    assert refusal(spec, text) == (
        "SKILL.md:1:1: error[RC412]: block 'prices' takes no parameter 'tier'\n"
        "  hint: this block takes no parameters; remove it from the begin marker\n"
    )


def test_a_body_over_the_cap_is_refused_as_before() -> None:
    data = {
        "version": 1,
        "tiers": {"free": {"model": "ollama/q", "price": {"input": 0, "output": 0}}},
        "gates": {"plan": {"tier": "free", "note": "n" * bounded.MAX_OUTPUT}},
    }
    spec = model.build(data, REPO)
    text = "<!-- routecfg:begin gate-routing -->\n<!-- routecfg:end gate-routing -->\n"
    assert refusal(spec, text) == (
        "SKILL.md:1:1: error[RC422]: template 'gate-routing.md.j2': the block's output is over "
        "the 1 MiB limit\n"
        "  hint: templates are small UTF-8 text files that render a block of Markdown\n"
    )


# --- a check of bundled templates never imports Jinja -------------------------------------------

_CHECK = (
    "import sys; sys.argv = ['routecfg', 'check', '-q', '--no-cache']\n"
    "from routecfg.entry import main\n"
    "try:\n    main()\nexcept SystemExit as exit:\n    print(exit.code, 'jinja2' in sys.modules)"
)


def _check_imports_jinja(root: Path) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHECK],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def test_a_check_of_the_example_does_not_import_jinja(tmp_path: Path) -> None:
    root = writable_copy(REPO / "examples" / "backlog-toolkit", tmp_path / "example")
    assert _check_imports_jinja(root) == "0 False\n"


def test_a_check_with_a_template_of_the_spec_imports_jinja(tmp_path: Path) -> None:
    case = REPO / "tests" / "cases" / "build" / "skills-own-templates"
    root = writable_copy(case / "expected", tmp_path / "case")
    (root / "routecfg.yaml").write_bytes((case / "routecfg.yaml").read_bytes())
    assert _check_imports_jinja(root) == "0 True\n"


if __name__ == "__main__":
    for name, digest in _digests().items():
        print(f'    "{name}": "{digest}",')
