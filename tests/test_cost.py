"""The cost model and `routecfg cost` / `routecfg explain`: the design's tables, reproduced."""

from __future__ import annotations

import json
import random
import subprocess
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from routecfg import cost
from routecfg.validate import validate
from tests.conftest import REPO, run

PRESETS = REPO / "presets"

COST_OPTIMIZED = """\
Cost per ticket: cost-optimized

Gate              Model                 Input tok  Output tok  Calls    Cost
Wave Planning     Ollama                      700         330      1  $0.000
Gate 1 PLAN       Ollama → Haiku (20%)      5,000       2,000      1  $0.003
Gate 2 IMPLEMENT  Haiku                    30,000       5,000      2  $0.110
Gate 3 LINT       Haiku                     2,000         500      1  $0.005
Gate 4 REVIEW     Sonnet                   10,000       1,000      2  $0.090
Gate 5 COMMIT     Ollama                    1,000         200      1  $0.000
Write-agents      Haiku                     1,000         670      1  $0.004
Total                                                                 $0.212

$0.212 per ticket; $10.60 for 50 tickets.

Assumptions:
- tokens per call and calls per ticket from cost.profile
- prices per million tokens from tiers
- plan: 20% of calls served by cheap
- not counted (no cost.profile entry): classify, draft

"""


def test_cost_optimized_reproduces_the_design_breakdown() -> None:
    result = run(["cost", "--spec", "cost-optimized", "-q"])
    assert result.exit_code == 0
    assert result.stdout == COST_OPTIMIZED + textwrap.dedent("""\
        Cost estimates per ticket

        Scenario                       Cost/ticket  50 tickets
        cost-optimized                      $0.212      $10.60
        cost-optimized (conservative)       $0.289      $14.45
        """)


def test_legacy_reproduces_the_design_current_column() -> None:
    result = run(["cost", "--spec", "legacy", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout == textwrap.dedent("""\
        ## Cost per ticket: legacy

        | Gate | Model | Input tok | Output tok | Calls | Cost |
        |------|-------|-----------|------------|-------|------|
        | Wave Planning | Sonnet | 700 | 330 | 1 | $0.007 |
        | Gate 1 PLAN | Sonnet | 5,000 | 2,000 | 1 | $0.045 |
        | Gate 2 IMPLEMENT | Sonnet | 30,000 | 5,000 | 2 | $0.330 |
        | Gate 3 LINT | Haiku | 2,000 | 500 | 1 | $0.005 |
        | Gate 4 REVIEW | Haiku | 10,000 | 1,000 | 2 | $0.030 |
        | Gate 5 COMMIT | Haiku | 1,000 | 200 | 1 | $0.002 |
        | Write-agents | Sonnet | 1,000 | 670 | 1 | $0.013 |
        | **Total** |  |  |  |  | **$0.432** |

        $0.432 per ticket; $21.60 for 50 tickets.

        Assumptions:
        - tokens per call and calls per ticket from cost.profile
        - prices per million tokens from tiers
        - not counted (no cost.profile entry): classify, draft

        """)


def test_against_legacy_shows_the_51_percent_saving() -> None:
    result = run(["cost", "--spec", "cost-optimized", "--against", "legacy", "-q"])
    assert result.exit_code == 0
    assert result.stdout.endswith(
        textwrap.dedent("""\
        Cost estimates per ticket

        Scenario                       Cost/ticket  50 tickets  Savings
        legacy                              $0.432      $21.60        —
        cost-optimized                      $0.212      $10.60      51%
        cost-optimized (conservative)       $0.289      $14.45      33%
        """)
    )


def test_scenario_adds_the_escalation_round_and_says_so() -> None:
    result = run(["cost", "--spec", "cost-optimized", "--scenario", "conservative", "-q"])
    assert "Escalation (scenario)" in result.stdout
    assert "$0.289 per ticket; $14.45 for 50 tickets." in result.stdout
    assert (
        "- conservative: 47% of tickets re-run one implement round on balanced (+$0.078)\n"
    ) in result.stdout
    unknown = run(["cost", "--spec", "cost-optimized", "--scenario", "pessimistic"])
    assert unknown.exit_code == 2
    assert unknown.stderr.endswith(
        "presets/cost-optimized.yaml:77:3: error[RC502]: unknown scenario 'pessimistic'\n"
        "  hint: known scenarios: conservative\n"
        "Found 1 error.\n"
    )


def test_json_holds_exact_and_rounded_figures() -> None:
    result = run(["cost", "--spec", "cost-optimized", "--format", "json", "-q"])
    data = json.loads(result.stdout)
    assert data["breakdown"]["per_ticket_exact"] == "0.21185"
    assert data["breakdown"]["per_ticket"] == "0.212"
    assert data["breakdown"]["total"] == "10.60"
    assert [g["cost"] for g in data["breakdown"]["gates"]] == [
        "0", "0.0030", "0.110", "0.0045", "0.090", "0", "0.00435",
    ]  # fmt: skip
    assert [e["per_ticket"] for e in data["comparison"]] == ["0.212", "0.289"]


def over_budget(tmp_path: Path) -> Path:
    text = (PRESETS / "legacy.yaml").read_text() + "  budget: {max_per_ticket: 0.30}\n"
    (tmp_path / "routecfg.yaml").write_text(text)
    return tmp_path


def test_over_budget_fails_cost_with_1_and_validate_with_2(tmp_path: Path) -> None:
    root = over_budget(tmp_path)
    result = run(["cost", "-q"], cwd=root)
    assert result.exit_code == 1
    assert result.stderr == (  # a spec kept for estimates alone: it works, with a word
        "routecfg.yaml:6:1: warning[RC507]: the spec has no targets: there is nothing to "
        "compile or check\n"
        "  hint: name the files routecfg keeps in sync under `targets:` (preset, schema, proxy, "
        "skills); `routecfg init --from-repo` finds them\n"
        "over budget: $0.432 per ticket > $0.30 (cost.budget.max_per_ticket)\n"
    )
    validated = run(["validate"], cwd=root)
    assert validated.exit_code == 2
    assert validated.stderr == (
        "routecfg.yaml:65:28: error[RC290]: estimated cost per ticket $0.432 is over the budget "
        "of $0.30 (cost.budget.max_per_ticket)\n"
        "  hint: route a gate to a cheaper tier, or raise the budget; `routecfg cost` shows where "
        "the money goes\n"
        "Found 1 error.\n"
    )
    assert run(["check"], cwd=root).exit_code == 2


def test_against_a_git_ref_and_the_cost_delta_in_plans(tmp_path: Path) -> None:
    example = REPO / "examples" / "backlog-toolkit"
    subprocess.run(["cp", "-r", f"{example}/.", str(tmp_path)], check=True)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "routing"], check=True)
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(
        spec.read_text().replace(
            "review:      {title: Gate 4 REVIEW,    tier: balanced,",
            "review:      {title: Gate 4 REVIEW,    tier: frontier,",
        )
    )
    check = run(["check"], cwd=tmp_path)
    assert check.exit_code == 1
    assert check.stderr.startswith("est. cost/ticket $0.212 → $0.272 (+28%)\n")
    against = run(["cost", "--against", "HEAD", "-q"], cwd=tmp_path)
    assert against.stdout.endswith(
        textwrap.dedent("""\
        Scenario                      Cost/ticket  50 tickets  Savings
        HEAD                               $0.212      $10.60        —
        routecfg.yaml                      $0.272      $13.60     -28%
        routecfg.yaml (conservative)       $0.349      $17.45     -65%
        """)
    )


def test_against_something_unknown_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "routecfg.yaml").write_text((PRESETS / "legacy.yaml").read_text())
    result = run(["cost", "--against", "no-such-thing"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "routecfg.yaml:6:1: warning[RC507]: the spec has no targets: there is nothing to "
        "compile or check\n"
        "  hint: name the files routecfg keeps in sync under `targets:` (preset, schema, proxy, "
        "skills); `routecfg init --from-repo` finds them\n"
        "no-such-thing: error[RC501]: 'no-such-thing' is not a spec file, a bundled preset or a "
        "git ref ("
    )


EXPLAIN = """\
|  | Gate | legacy Model | cost-optimized Model | Mechanism | Fallbacks | Config key |
|--|------|--------------|----------------------|-----------|-----------|------------|
| \\* | Wave Planning | balanced: Sonnet | free: Ollama → Haiku fallback | `llm_call.sh --model free` → Task(model: "haiku") | cheap (proxy: cheap → balanced → frontier) | — |
| \\* | Gate 1 PLAN | balanced: Sonnet | free: Ollama → Haiku fallback | `llm_call.sh --model free` → Task(model: "haiku") | cheap (proxy: cheap → balanced → frontier) | `entryModelPlan` |
| \\* | Gate 2 IMPLEMENT | balanced: Sonnet | cheap: Haiku | Task(model: "haiku") — needs tool_use | — (proxy: balanced → frontier) | `entryModelImplement` |
|  | Gate 3 LINT | cheap: Haiku | cheap: Haiku | Task(model: "haiku") | — (proxy: balanced → frontier) | — |
| \\* | Gate 4 REVIEW | cheap: Haiku | balanced: Sonnet | Task(model: "sonnet") | — (proxy: frontier) | `entryModelReview` |
| \\* | Gate 5 COMMIT | cheap: Haiku | free: Ollama → static template | `llm_call.sh --model free` → template fallback | template (proxy: cheap → balanced → frontier) | — |
| \\* | Write-agents | balanced: Sonnet | cheap: Haiku | Task(model: "haiku") | — (proxy: balanced → frontier) | — |
| \\* | Classification | cheap: Haiku | free: Ollama | `llm_call.sh --model free` | — (proxy: cheap → balanced → frontier) | `entryModelClassify` |
| \\* | Drafts | cheap: Haiku | free: Ollama | `llm_call.sh --model free` | — (proxy: cheap → balanced → frontier) | `entryModelDraft` |

\\* routing differs from legacy
"""


def test_explain_holds_the_design_routing_table() -> None:
    result = run(
        ["explain", "--spec", "cost-optimized", "--against", "legacy", "--format", "markdown", "-q"]
    )
    assert result.exit_code == 0
    assert result.stdout == EXPLAIN


def test_explain_json() -> None:
    result = run(["explain", "--spec", "cost-optimized", "--format", "json", "-q"])
    rows = json.loads(result.stdout)
    assert rows[1] == {
        "gate": "plan",
        "title": "Gate 1 PLAN",
        "tier": "free",
        "model": "Ollama",
        "mechanism": 'llm_call.sh --model free → Task(model: "haiku")',
        "fallbacks": ["cheap"],
        "fallback_template": None,
        "proxy_walk": ["cheap", "balanced", "frontier"],
        "config_key": "entryModelPlan",
    }


# -- the arithmetic, against an independent exact computation -------------------------------------


def half_up(value: Fraction, places: int) -> Decimal:
    scaled = value * 10**places
    whole = scaled.numerator // scaled.denominator
    if (scaled - whole) * 2 >= 1:
        whole += 1
    return (Decimal(whole) / Decimal(10**places)).quantize(Decimal(1).scaleb(-places))


@pytest.mark.parametrize("seed", range(20))
def test_random_profiles_match_exact_arithmetic(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    prices = {
        t: (Fraction(rng.randint(0, 3000), 100), Fraction(rng.randint(0, 9000), 100))
        for t in ("free", "cheap", "balanced")
    }
    prices["free"] = (Fraction(0), Fraction(0))
    profile_lines, expected = [], Fraction(0)
    gates = {"plan": ("free", "cheap"), "implement": ("cheap", None), "review": ("balanced", None)}
    for gate, (tier, fallback) in gates.items():
        tokens_in, tokens_out, calls = (
            rng.randint(0, 50000),
            rng.randint(0, 9000),
            rng.randint(1, 4),
        )
        rate = Fraction(rng.randint(0, 100), 100) if fallback else Fraction(0)
        line = f"    {gate}: {{input: {tokens_in}, output: {tokens_out}, calls: {calls}"
        line += f", fallback_rate: {float(rate)}}}" if fallback else "}"
        profile_lines.append(line)

        def price(t: str) -> Fraction:
            return (tokens_in * prices[t][0] + tokens_out * prices[t][1]) / 1_000_000  # noqa: B023

        charged = (1 - rate) * price(tier) + (rate * price(fallback) if fallback else 0)
        expected += charged * calls
    tiers = "".join(
        f"  {t}:\n    model: m/{t}\n    capabilities: [text, tool_use]\n"
        + ("" if t == "free" else f"    task_model: {t}\n")
        + f"    price: {{input: {float(i)}, output: {float(o)}}}\n"
        for t, (i, o) in prices.items()
    )
    spec = (
        "version: 1\ntiers:\n" + tiers
        + "gates:\n  plan: {tier: free, fallback: [cheap]}\n  implement: {tier: cheap}\n"
        "  review: {tier: balanced}\ncost:\n  tickets: 37\n  profile:\n" + "\n".join(profile_lines) + "\n"
    )  # fmt: skip
    (tmp_path / "routecfg.yaml").write_text(spec)
    estimate = cost.estimate(validate(tmp_path / "routecfg.yaml").spec, "x")
    assert Fraction(estimate.exact_per_ticket) == expected
    assert estimate.per_ticket == half_up(expected, 3)
    assert estimate.total == half_up(expected, 3) * 37
    assert cost.round_half_up(Decimal("0.0045")) == Decimal("0.005")
    assert cost.round_half_up(Decimal("0.00449"), cost.CENT_TENTHS) == Decimal("0.004")
    assert Decimal(0).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) == estimate.per_ticket * 0
