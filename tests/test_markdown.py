"""Skill Markdown blocks rendered from Jinja2 templates, and the routing rows behind them."""

from __future__ import annotations

import dataclasses
import functools
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from routecfg import resources
from routecfg.diagnostics import Diagnostic, RoutecfgError
from routecfg.model import Escalation, EscalationRule, Price, RoutingSpec, Tier
from routecfg.tables import (
    display_name,
    escalation_rows,
    format_money,
    price_rows,
    routing_rows,
    times,
)
from routecfg.targets.markdown import render
from routecfg.targets.markers import find_blocks
from routecfg.validate import validate


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@functools.cache
def preset(name: str) -> RoutingSpec:
    path = resources.preset_path(name)
    assert path is not None
    return validate(path).spec


def block(label: str) -> str:
    """An empty block: ``label`` is the name and any parameters, e.g. ``gate-model gate=plan``."""
    name = label.split()[0]
    return f"<!-- routecfg:begin {label} -->\n<!-- routecfg:end {name} -->\n"


def body(label: str, spec: str = "cost-optimized", templates: Path | None = None) -> str:
    """The body the block ``label`` gets from the preset ``spec``."""
    rendered = render(preset(spec), block(label), "SKILL.md", templates)
    (found,) = find_blocks(rendered, "SKILL.md")
    return found.body


def shown(diagnostic: Diagnostic) -> str:
    d = diagnostic
    return f"{d.path}:{d.line}:{d.column}: {d.severity}[{d.code}]: {d.message}\n  hint: {d.hint}\n"


def problems(text: str, templates: Path | None = None) -> str:
    """Every diagnostic render raises for ``text``, as the report prints them."""
    with pytest.raises(RoutecfgError) as caught:
        render(preset("cost-optimized"), text, "SKILL.md", templates)
    return "".join(shown(d) for d in caught.value.diagnostics)


def template_folder(tmp_path: Path, **templates: str) -> Path:
    """A spec templates folder holding ``NAME.md.j2`` for each keyword (``_`` stands for ``-``)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, source in templates.items():
        (folder / f"{name.replace('_', '-')}.md.j2").write_text(source, encoding="utf-8")
    return folder


# --- the bundled templates on cost-optimized ---------------------------------------------------


def test_routing_table_holds_the_seed_rows() -> None:
    assert body("routing-table") == dedent(
        """
        | Gate | Model | Mechanism |
        |------|-------|-----------|
        | Wave Planning | Ollama → Haiku fallback | `llm_call.sh --model free` → Task(model: "haiku") |
        | Gate 1 PLAN | Ollama → Haiku fallback | `llm_call.sh --model free` → Task(model: "haiku") |
        | Gate 2 IMPLEMENT | Haiku | Task(model: "haiku") — needs tool_use |
        | Gate 3 LINT | Haiku | Task(model: "haiku") |
        | Gate 4 REVIEW | Sonnet | Task(model: "sonnet") |
        | Gate 5 COMMIT | Ollama → static template | `llm_call.sh --model free` → template fallback |
        | Write-agents | Haiku | Task(model: "haiku") |
        | Classification | Ollama | `llm_call.sh --model free` |
        | Drafts | Ollama | `llm_call.sh --model free` |
        """
    )


def test_model_rules() -> None:
    assert body("model-rules") == dedent(
        """
        ```
        model: "haiku"   → Gate 2 IMPLEMENT, Gate 3 LINT, Write-agents
        model: "sonnet"  → Gate 4 REVIEW

        OLLAMA (free tier, via llm_call.sh --model free; text only):
          - Wave Planning: If Ollama fails → fallback to Task(model: "haiku")
          - Gate 1 PLAN: If Ollama fails → fallback to Task(model: "haiku")
          - Gate 5 COMMIT: If Ollama fails → static template "{type}({area}): implement {ticket_id}"
          - Classification
          - Drafts
        ```
        """
    )


def test_gate_routing() -> None:
    assert body("gate-routing") == dedent(
        """
        ```
        Wave Planning    → "free" (Ollama) via llm_call.sh --model free; fallback: Task(model: "haiku")
        Gate 1 PLAN      → config.llmOps.routing.entryModelPlan (default: "free", Ollama) via llm_call.sh --model free; fallback: Task(model: "haiku")
        Gate 2 IMPLEMENT → config.llmOps.routing.entryModelImplement (default: "cheap", Haiku) via Task(model: "haiku")
        Gate 3 LINT      → "cheap" (Haiku) via Task(model: "haiku")
        Gate 4 REVIEW    → config.llmOps.routing.entryModelReview (default: "balanced", Sonnet) via Task(model: "sonnet")
        Gate 5 COMMIT    → "free" (Ollama) via llm_call.sh --model free; fallback: static template "{type}({area}): implement {ticket_id}"
        Write-agents     → "cheap" (Haiku) via Task(model: "haiku")
        Classification   → config.llmOps.routing.entryModelClassify (default: "free", Ollama) via llm_call.sh --model free
        Drafts           → config.llmOps.routing.entryModelDraft (default: "free", Ollama) via llm_call.sh --model free
        ```
        """
    )


@pytest.mark.parametrize(
    ("gate", "expected"),
    [
        ("implement", '**Model**: `entryModelImplement` (cheap/Haiku) via Task(model: "haiku").\n'),
        (
            "plan",
            "**Model**: `entryModelPlan` (free/Ollama) via `llm_call.sh --model free`."
            ' If Ollama fails → fallback to Task(model: "haiku").\n',
        ),
        ("review", '**Model**: `entryModelReview` (balanced/Sonnet) via Task(model: "sonnet").\n'),
        ("lint", '**Model**: cheap/Haiku via Task(model: "haiku").\n'),
        (
            "commit",
            "**Model**: free/Ollama via `llm_call.sh --model free`."
            ' If Ollama fails → static template "{type}({area}): implement {ticket_id}".\n',
        ),
    ],
)
def test_gate_model(gate: str, expected: str) -> None:
    assert body(f"gate-model gate={gate}") == expected


def test_escalation() -> None:
    assert body("escalation") == dedent(
        """
        If Haiku fails Gate 3 LINT or Gate 4 REVIEW more than once on a ticket:

        1. Increment `localModelStats.escalatedToCloud`
        2. Re-route that ticket's Gate 2 IMPLEMENT to Sonnet via Task(model: "sonnet")
        3. Log: "Haiku failed on {ticket_id} at {gate}. Escalated to Sonnet."

        Escalation model (`config.llmOps.routing.escalationModel`): `frontier` (Opus, Task(model: "opus")).
        At most 1 escalation per ticket (`config.llmOps.routing.maxEscalationsPerTicket`).
        """
    )


def test_prices() -> None:
    assert body("prices") == dedent(
        """
        | Tier | Model | Input $/MTok | Output $/MTok | Cache read | Cache write |
        |------|-------|--------------|---------------|------------|-------------|
        | free | Ollama | $0.00 | $0.00 | — | — |
        | cheap | Haiku | $1.00 | $5.00 | $0.10 | $1.25 |
        | balanced | Sonnet | $3.00 | $15.00 | $0.30 | $3.75 |
        | frontier | Opus | $5.00 | $25.00 | $0.50 | $6.25 |
        """
    )


# --- the bundled templates on legacy -----------------------------------------------------------


def test_legacy_routing_table() -> None:
    assert body("routing-table", "legacy") == dedent(
        """
        | Gate | Model | Mechanism |
        |------|-------|-----------|
        | Wave Planning | Sonnet | Task(model: "sonnet") |
        | Gate 1 PLAN | Sonnet | Task(model: "sonnet") |
        | Gate 2 IMPLEMENT | Sonnet | Task(model: "sonnet") |
        | Gate 3 LINT | Haiku | Task(model: "haiku") |
        | Gate 4 REVIEW | Haiku | Task(model: "haiku") — needs tool_use |
        | Gate 5 COMMIT | Haiku | Task(model: "haiku") |
        | Write-agents | Sonnet | Task(model: "sonnet") |
        | Classification | Haiku | Task(model: "haiku") |
        | Drafts | Haiku | Task(model: "haiku") |
        """
    )


def test_legacy_model_rules_have_no_local_section() -> None:
    assert body("model-rules", "legacy") == dedent(
        """
        ```
        model: "sonnet"  → Wave Planning, Gate 1 PLAN, Gate 2 IMPLEMENT, Write-agents
        model: "haiku"   → Gate 3 LINT, Gate 4 REVIEW, Gate 5 COMMIT, Classification, Drafts
        ```
        """
    )


def test_legacy_escalation_without_rules() -> None:
    assert body("escalation", "legacy") == dedent(
        """
        No escalation rules.

        Escalation model (`config.llmOps.routing.escalationModel`): `frontier` (Opus, Task(model: "opus")).
        At most 1 escalation per ticket (`config.llmOps.routing.maxEscalationsPerTicket`).
        """
    )


def test_a_task_gate_with_a_fallback_and_a_bare_escalation_rule() -> None:
    cost_optimized = preset("cost-optimized")
    gates = dict(cost_optimized.gates)
    gates["implement"] = dataclasses.replace(gates["implement"], fallback=("balanced",))
    rule = EscalationRule(when_fails=("review",), reroute="implement", to="frontier")
    spec = dataclasses.replace(cost_optimized, gates=gates, escalation=Escalation(rules=(rule,)))
    text = block("model-rules") + block("escalation")
    rendered = render(spec, text, "SKILL.md")
    model_rules, escalation = (found.body for found in find_blocks(rendered, "SKILL.md"))
    assert model_rules.splitlines()[1:4] == [
        'model: "haiku"   → Gate 2 IMPLEMENT, Gate 3 LINT, Write-agents',
        '                   Gate 2 IMPLEMENT: If Haiku fails → fallback to Task(model: "sonnet")',
        'model: "sonnet"  → Gate 4 REVIEW',
    ]
    assert escalation == dedent(
        """
        If Haiku fails Gate 4 REVIEW once on a ticket:

        1. Re-route that ticket's Gate 2 IMPLEMENT to Opus via Task(model: "opus")
        """
    )


# --- the document around the blocks ------------------------------------------------------------

EVERY_BLOCK = (
    "# Implementer\n\nProse before.\n\n"
    + "\nBetween.\n\n".join(
        block(label)
        for label in (
            "model-rules",
            "gate-routing",
            "gate-model gate=plan",
            "gate-model gate=implement",
            "escalation",
            "routing-table",
            "prices",
        )
    )
    + "\nProse after, no final newline."
)


@pytest.mark.parametrize("spec", ["cost-optimized", "legacy"])
def test_rendering_again_changes_nothing(spec: str) -> None:
    once = render(preset(spec), EVERY_BLOCK, "SKILL.md")
    assert once != EVERY_BLOCK
    assert render(preset(spec), once, "SKILL.md") == once


def test_text_outside_the_blocks_is_kept() -> None:
    rendered = render(preset("cost-optimized"), EVERY_BLOCK, "SKILL.md")
    blocks = find_blocks(rendered, "SKILL.md")
    assert len(blocks) == 7
    outside = [rendered[: blocks[0].begin_marker_start], rendered[blocks[-1].body_end :]]
    assert outside == [
        "# Implementer\n\nProse before.\n\n",
        "<!-- routecfg:end prices -->\n\nProse after, no final newline.",
    ]


def test_same_inputs_same_bytes() -> None:
    renders = {render(preset("cost-optimized"), EVERY_BLOCK, "SKILL.md") for _ in range(3)}
    assert len(renders) == 1


def test_text_without_blocks_is_returned_as_is() -> None:
    text = "# Nothing generated here\r\n"
    assert render(preset("cost-optimized"), text, "SKILL.md") is text


def test_crlf_stays_crlf() -> None:
    text = "# Skill\r\n\r\n" + block("gate-model gate=implement").replace("\n", "\r\n")
    rendered = render(preset("cost-optimized"), text, "SKILL.md")
    assert rendered.startswith(
        "# Skill\r\n\r\n<!-- routecfg:begin gate-model gate=implement digest="
    )
    assert rendered.endswith(
        ' -->\r\n**Model**: `entryModelImplement` (cheap/Haiku) via Task(model: "haiku").\r\n'
        "<!-- routecfg:end gate-model -->\r\n"
    )
    assert "\n" not in rendered.replace("\r\n", "")
    assert render(preset("cost-optimized"), rendered, "SKILL.md") == rendered


def test_upstream_model_rules_section_is_replaced_in_place(upstream: Path) -> None:
    skill = upstream / "post-seed" / "skills" / "backlog-implementer" / "SKILL.md"
    original = skill.read_text(encoding="utf-8")
    heading = "## MODEL RULES FOR TASK TOOL\n\n"
    start = original.index(heading) + len(heading)
    end = original.index("```\n", original.index("```\n", start) + 4) + 4  # past the fence
    marked = (
        original[:start]
        + "<!-- routecfg:begin model-rules -->\n"
        + original[start:end]
        + "<!-- routecfg:end model-rules -->\n"
        + original[end:]
    )
    rendered = render(preset("cost-optimized"), marked, "SKILL.md")
    (found,) = find_blocks(rendered, "SKILL.md")
    assert found.body == body("model-rules")
    assert rendered[: found.begin_marker_start] == original[:start]
    assert rendered[found.body_end :] == "<!-- routecfg:end model-rules -->\n" + original[end:]


# --- the spec's own templates ------------------------------------------------------------------


def test_spec_template_overrides_the_bundled_one(tmp_path: Path) -> None:
    source = "{% for row in prices %}{{ row.model }}: {{ row.input | money }}\n{% endfor %}"
    folder = template_folder(tmp_path, prices=source)
    overridden = "Ollama: $0.00\nHaiku: $1.00\nSonnet: $3.00\nOpus: $5.00\n"
    assert body("prices", templates=folder) == overridden
    # Blocks the folder has no template for still use the bundled ones.
    assert body("routing-table", templates=folder) == body("routing-table")


def test_spec_template_with_its_own_parameters(tmp_path: Path) -> None:
    source = "{{ who }} reviews {{ gate.title }} on {{ display[gate.tier] }}.\n"
    folder = template_folder(tmp_path, reviewer=source)
    assert body('reviewer who="code-reviewer" gate=review', templates=folder) == (
        "code-reviewer reviews Gate 4 REVIEW on Sonnet.\n"
    )


# --- errors ------------------------------------------------------------------------------------

BUNDLED = ", ".join(
    ["escalation", "gate-model", "gate-routing", "model-rules", "prices", "routing-table"]
)


def test_rc410_no_template_for_the_block() -> None:
    assert problems("# Skill\n\n" + block("price")) == (
        "SKILL.md:3:1: error[RC410]: no template for block 'price'\n"
        "  hint: did you mean 'prices'? or add price.md.j2 to the spec's templates folder\n"
    )


def test_rc410_lists_the_spec_templates_too(tmp_path: Path) -> None:
    folder = template_folder(tmp_path, team="team\n")
    assert problems(block("nope"), folder) == (
        "SKILL.md:1:1: error[RC410]: no template for block 'nope'\n"
        f"  hint: known blocks: {BUNDLED}, team; or add nope.md.j2 to the spec's templates folder\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("line one\n{% if %}\n", "line 2: Expected an expression, got 'end of statement block'"),
        # An undefined name or a missing field is said in the spec's words, the sandbox's
        # refusals of `spec` and `lipsum` among them: tests/test_template_context.py
        ("{{ 1 / 0 }}\n", "line 1: division by zero"),
        ("{{ [1, 2] | random }}\n", "line 1: No filter named 'random'."),
    ],
)
def test_rc411_template_errors(tmp_path: Path, source: str, message: str) -> None:
    folder = template_folder(tmp_path, broken=source)
    assert problems("x\n" + block("broken"), folder) == (
        f"SKILL.md:2:1: error[RC411]: template 'broken.md.j2', {message}\n"
        f"  hint: template file: {folder / 'broken.md.j2'}\n"
    )


def test_rc411_the_sandbox_refuses_internals(tmp_path: Path) -> None:
    folder = template_folder(tmp_path, escape="{{ ''.__class__.__mro__ }}\n")
    assert problems(block("escape"), folder) == (
        "SKILL.md:1:1: error[RC411]: template 'escape.md.j2', line 1: "
        "access to attribute '__class__' of 'str' object is unsafe.\n"
        f"  hint: template file: {folder / 'escape.md.j2'}\n"
    )


def test_rc411_names_the_imported_template_that_failed(tmp_path: Path) -> None:
    # A price row has no route: the bundled macro fails, not the template calling it.
    source = '{% import "_macros.j2" as m %}\n{{ m.if_fails(prices[0], []) }}\n'
    folder = template_folder(tmp_path, macro=source)
    assert problems(block("macro"), folder) == (
        "SKILL.md:1:1: error[RC411]: template '_macros.j2', line 3: "
        "a price row (an item of `prices`) has no field 'route'; 'route' is a field of a "
        "routing row (an item of `routing`, or `gate` in a gate=NAME block)\n"
        f"  hint: template file: {resources.templates_dir() / '_macros.j2'}; "
        "`routecfg templates` lists every variable and field a template can read\n"
    )


def test_rc411_a_body_holding_a_marker(tmp_path: Path) -> None:
    folder = template_folder(tmp_path, sneaky="<!-- routecfg:end sneaky -->\n")
    assert problems(block("sneaky"), folder) == (
        "SKILL.md:1:1: error[RC411]: template 'sneaky.md.j2' rendered an unusable body: "
        "the new body of block 'sneaky' holds a routecfg marker on its line 1\n"
        "  hint: a body must not hold routecfg markers or leave a code fence open\n"
    )


GATES = "wave_plan, plan, implement, lint, review, commit, write_agent, classify, draft"


@pytest.mark.parametrize(
    ("label", "message", "hint"),
    [
        (
            "gate-model gate=nope",
            "unknown gate 'nope' in block 'gate-model'",
            f"known gates: {GATES}",
        ),
        (
            "gate-model gate=implemnt",
            "unknown gate 'implemnt' in block 'gate-model'",
            "did you mean 'implement'?",
        ),
        (
            "gate-model gat=plan",
            "block 'gate-model' takes no parameter 'gat'",
            "did you mean 'gate'?",
        ),
        (
            "gate-model",
            "block 'gate-model' needs a parameter gate=NAME",
            f"add gate=NAME to its begin marker; known gates: {GATES}",
        ),
        (
            "prices gate=plan",
            "block 'prices' takes no parameter 'gate'",
            "this block takes no parameters; remove it from the begin marker",
        ),
    ],
)
def test_rc412_bad_parameters(label: str, message: str, hint: str) -> None:
    assert problems("# Skill\n" + block(label)) == (
        f"SKILL.md:2:1: error[RC412]: {message}\n  hint: {hint}\n"
    )


def test_every_problem_is_reported_at_its_block(tmp_path: Path) -> None:
    text = "".join(
        [
            block("prices"),
            "  " + block("nope"),
            block("gate-model gate=nope"),
            block("routing-table"),
        ]
    )
    assert problems(text) == (
        "SKILL.md:3:3: error[RC410]: no template for block 'nope'\n"
        f"  hint: known blocks: {BUNDLED}; or add nope.md.j2 to the spec's templates folder\n"
        "SKILL.md:5:1: error[RC412]: unknown gate 'nope' in block 'gate-model'\n"
        f"  hint: known gates: {GATES}\n"
    )


def test_marker_problems_come_from_the_marker_parser() -> None:
    assert problems("<!-- routecfg:begin prices -->\n") == (
        "SKILL.md:1:1: error[RC402]: begin marker 'prices' on line 1 is never closed\n"
        "  hint: add '<!-- routecfg:end prices -->' on its own line after the block's body\n"
    )


# --- the rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1.00", "$1.00"),
        ("1", "$1.00"),
        ("0.1", "$0.10"),
        ("0.10", "$0.10"),
        ("1.375", "$1.375"),
        ("1.3750", "$1.375"),
        ("0", "$0.00"),
        ("-0", "$0.00"),
        ("15", "$15.00"),
        ("1E+2", "$100.00"),
        ("0.000001", "$0.000001"),
        ("-0.5", "-$0.50"),
    ],
)
def test_format_money(amount: str, text: str) -> None:
    assert format_money(Decimal(amount)) == text


def test_format_money_refuses_what_is_not_money() -> None:
    with pytest.raises(ValueError, match="not an amount of money: NaN"):
        format_money(Decimal("NaN"))


def tier(name: str, model: str, task_model: str | None = None) -> Tier:
    return Tier(name, model, ("text",), Price(Decimal(0), Decimal(0)), task_model)


@pytest.mark.parametrize(
    ("tier_", "name"),
    [
        (tier("cheap", "bedrock/claude-haiku", "haiku"), "Haiku"),
        (tier("free", "ollama/qwen3-coder:30b"), "Ollama"),
        (tier("free", "ollama_chat/llama3"), "Ollama"),
        (tier("mini", "openai/gpt-4o-mini"), "mini"),
    ],
)
def test_display_name(tier_: Tier, name: str) -> None:
    assert display_name(tier_) == name


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "once"), (2, "more than once"), (3, "more than twice"), (4, "4 or more times")],
)
def test_times(count: int, words: str) -> None:
    assert times(count) == words


def test_routing_rows_for_explain() -> None:
    plan = routing_rows(preset("cost-optimized"))[1]
    assert (plan.gate, plan.title, plan.tier, plan.config_key) == (
        "plan",
        "Gate 1 PLAN",
        "free",
        "entryModelPlan",
    )
    assert [route.tier for route in plan.fallbacks] == ["cheap"]
    assert plan.model == "Ollama → Haiku fallback"
    assert plan.mechanism == 'llm_call.sh --model free → Task(model: "haiku")'
    assert plan.mechanism_markdown == '`llm_call.sh --model free` → Task(model: "haiku")'


def test_price_and_escalation_rows() -> None:
    cheap = price_rows(preset("cost-optimized"))[1]
    assert (cheap.tier, cheap.model, cheap.litellm_model) == (
        "cheap",
        "Haiku",
        "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
    )
    assert (cheap.input, cheap.cache_read) == (Decimal("1.00"), Decimal("0.10"))
    (rule,) = escalation_rows(preset("cost-optimized"))
    assert rule.trigger == "Haiku fails Gate 3 LINT or Gate 4 REVIEW more than once on a ticket"
    assert (rule.reroute, rule.to.tier, rule.to.model) == ("Gate 2 IMPLEMENT", "balanced", "Sonnet")
    assert escalation_rows(preset("legacy")) == ()
