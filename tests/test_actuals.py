"""`routecfg actuals` on a ledger checked by hand (tests/actuals/).

tests/actuals/mixed.jsonl mixes every source routecfg reads: the implementer skill's shape (line
1, no cost: priced from the spec), the toolkit schema's (lines 2, 4, 9; line 4's phase
`generate` is mapped to review by `actuals.gates`), the callback's (lines 5, 6, 11: line 5 fell
back from cheap to balanced, line 6 is that request's failed attempt, line 11 has no ticket) and a
/spend/logs row (line 8, its gate from a `gate:` tag), with junk: a cut-off line (3), a sentinel
row that is no call (10), a JSON array (12), and a blank line (7, not counted).

The figures, by hand (prices per million tokens: cheap 1/5, balanced 3/15):

- line 1: 10,000 × 1 + 2,000 × 5 = 20,000 → $0.020 (priced); lines 2, 4, 5, 8, 9, 11 state
  0.027, 0.03, 0.06, 0.033, 0.045, 0.018; line 6 (failure) 0.
- tickets T-1 = 0.020 + 0.027 + 0.03 = 0.077; T-2 = 0.06 + 0 + 0.033 = 0.093; T-3 = 0.045.
  Ticketed 0.215; mean 0.215 / 3 = 0.0716666…; median 0.077; p90 (rank ⌈2.7⌉ = 3) 0.093.
  Total with line 11: 0.233.
- estimate per ticket: implement 2 × (10,000 × 1 + 2,000 × 5) / 1M = 0.04, review
  (5,000 × 3 + 1,000 × 15) / 1M = 0.03, so 0.07; × 3 tickets: 0.12 and 0.09.
- implement: answered lines 1, 2, 5, 9 = 4 calls, 1 failure; tokens in 42,000 / 4 = 10,500, out
  8,000 / 4 = 2,000; actual 0.152, delta +0.032; 4 ticketed calls / 3 tickets.
- review: lines 4, 8, 11 = 3 calls; in 12,000 / 3 = 4,000, out 1,000; actual 0.081, delta −0.009.
- models: Sonnet 0.03 + 0.06 + 0.033 + 0.045 + 0.018 = 0.186 (5 calls), share 0.186 / 0.233
  = 0.798283 (79.8%); Haiku 0.047 (2 calls, 1 failure), 0.201717 (20.2%).
- rounds: T-1 two on cheap, T-2 one on balanced (the fallback), T-3 one on balanced: 4 / 3 all,
  cheap 2 / 1, balanced 2 / 2.
- escalations: T-2 (IMPLEMENT served by balanced, the rule's target) and T-3 (also an
  escalation_reason): 2 / 3.
- fallbacks: requested cheap 1 answered, fell back 1 → 1.0; requested balanced 1, 0 → 0.0.
"""

from __future__ import annotations

import json
import shutil
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.conftest import TESTS, run

CASE = TESTS / "actuals"

WARNINGS = """\
mixed.jsonl:3:29: warning[RC900]: line not read: not JSON: Expecting value
  hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
mixed.jsonl:10:1: warning[RC900]: line not read: no model or model_alias: not a call
  hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
mixed.jsonl:12:1: warning[RC900]: line not read: not a JSON object
  hint: a ledger line is one JSON object for one call (README: `routecfg actuals`)
"""

TEXT = """\
Actual cost against the estimate

8 records from 1 ledger: 7 calls, 1 failure, 3 tickets; 3 lines skipped; 1 record without a cost priced with the spec's tiers.

Gate              Calls  Failures  In/call  Out/call   Actual  Estimate     Delta
Gate 2 IMPLEMENT      4         1   10,500     2,000  $0.1520   $0.1200   $0.0320
Gate 4 REVIEW         3         0    4,000     1,000  $0.0810   $0.0900  -$0.0090
Total                 7         1                     $0.2330   $0.2100   $0.0230

Estimate: the gate's estimated cost per ticket × the tickets read.

Per ticket (3 tickets)   Actual  Estimate    Delta
mean                    $0.0717   $0.0700  $0.0017
median                  $0.0770   $0.0700  $0.0070
p90                     $0.0930   $0.0700  $0.0230

Mean $0.0717 per ticket is within the budget of $0.10 (cost.budget.max_per_ticket).

Model                                                Tier      Calls  Failures    Spend  Share
bedrock/us.anthropic.claude-sonnet-4-6               balanced      5         0  $0.1860  79.8%
bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0  cheap         2         1  $0.0470  20.2%

Review rounds (implement calls)  Tickets  Calls  Per ticket
all tiers                              3      4        1.33
served by cheap                        1      2        2.00
served by balanced                     2      2        1.00

Escalations: 2 of 3 tickets (67%): a call of gate 'implement' served by balanced, or an escalation_reason
Fallbacks (served by another tier than requested): cheap 1 of 1 (100%); balanced 0 of 1 (0%)
Failures: 1 ($0.0000, counted as actual cost)
"""

MARKDOWN = """\
## Actual cost against the estimate

8 records from 1 ledger: 7 calls, 1 failure, 3 tickets; 3 lines skipped; 1 record without a cost priced with the spec's tiers.

```mermaid
xychart-beta
    title "Cost per gate, USD for 3 tickets: bars actual, line estimate"
    x-axis ["implement", "review"]
    y-axis "USD" 0 --> 0.1672
    bar [0.1520, 0.0810]
    line [0.1200, 0.0900]
```

| Gate | Calls | Failures | In/call | Out/call | Actual | Estimate | Delta |
|------|-------|----------|---------|----------|--------|----------|-------|
| Gate 2 IMPLEMENT | 4 | 1 | 10,500 | 2,000 | $0.1520 | $0.1200 | $0.0320 |
| Gate 4 REVIEW | 3 | 0 | 4,000 | 1,000 | $0.0810 | $0.0900 | -$0.0090 |
| **Total** | 7 | 1 |  |  | **$0.2330** | **$0.2100** | **$0.0230** |

Estimate: the gate's estimated cost per ticket × the tickets read.

| Per ticket (3 tickets) | Actual | Estimate | Delta |
|------------------------|--------|----------|-------|
| mean | $0.0717 | $0.0700 | $0.0017 |
| median | $0.0770 | $0.0700 | $0.0070 |
| p90 | $0.0930 | $0.0700 | $0.0230 |

Mean $0.0717 per ticket is within the budget of $0.10 (cost.budget.max_per_ticket).

| Model | Tier | Calls | Failures | Spend | Share |
|-------|------|-------|----------|-------|-------|
| bedrock/us.anthropic.claude-sonnet-4-6 | balanced | 5 | 0 | $0.1860 | 79.8% |
| bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0 | cheap | 2 | 1 | $0.0470 | 20.2% |

| Review rounds (implement calls) | Tickets | Calls | Per ticket |
|---------------------------------|---------|-------|------------|
| all tiers | 3 | 4 | 1.33 |
| served by cheap | 1 | 2 | 2.00 |
| served by balanced | 2 | 2 | 1.00 |

- Escalations: 2 of 3 tickets (67%): a call of gate 'implement' served by balanced, or an escalation_reason
- Fallbacks (served by another tier than requested): cheap 1 of 1 (100%); balanced 0 of 1 (0%)
- Failures: 1 ($0.0000, counted as actual cost)
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(CASE, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_text_figures_are_the_hand_checked_ones(root: Path) -> None:
    result = run(["actuals"], cwd=root)
    assert result.exit_code == 0
    assert result.stdout == TEXT
    assert result.stderr == WARNINGS


def test_markdown_has_the_same_figures_and_a_mermaid_chart(root: Path) -> None:
    result = run(["actuals", "mixed.jsonl", "--format", "markdown"], cwd=root)
    assert result.exit_code == 0
    assert result.stdout == MARKDOWN


def test_json_has_the_exact_figures(root: Path) -> None:
    result = run(["actuals", "--format", "json"], cwd=root)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["tickets"] == 3
    assert data["skipped"] == 3
    assert (data["records"], data["calls"], data["failures"]) == (8, 7, 1)
    assert data["total"] == "0.233000"
    assert data["per_ticket"] == {
        "actual": "0.071666666667",
        "median": "0.077000",
        "p90": "0.093000",
        "estimate": "0.070000",
        "budget": "0.100000",
        "over_budget": False,
    }
    assert data["gates"] == [
        {
            "gate": "implement",
            "title": "Gate 2 IMPLEMENT",
            "mapped": True,
            "calls": 4,
            "failures": 1,
            "mean_input_tokens": "10500",
            "mean_output_tokens": "2000",
            "calls_per_ticket": "1.333333333333",
            "fallback_rate": 1.0,
            "actual": "0.152000",
            "estimate": "0.120000",
            "estimate_per_ticket": "0.040000",
            "delta": "0.032000",
        },
        {
            "gate": "review",
            "title": "Gate 4 REVIEW",
            "mapped": True,
            "calls": 3,
            "failures": 0,
            "mean_input_tokens": "4000",
            "mean_output_tokens": "1000",
            "calls_per_ticket": "0.666666666667",
            "fallback_rate": 0.0,
            "actual": "0.081000",
            "estimate": "0.090000",
            "estimate_per_ticket": "0.030000",
            "delta": "-0.009000",
        },
    ]
    assert [
        (m["tier"], m["calls"], m["failures"], m["spend"], m["share"]) for m in data["models"]
    ] == [
        ("balanced", 5, 0, "0.186000", 0.798283),
        ("cheap", 2, 1, "0.047000", 0.201717),
    ]
    assert data["review_rounds"]["by_tier"] == [
        {"tier": None, "tickets": 3, "calls": 4, "per_ticket": "1.333333333333"},
        {"tier": "cheap", "tickets": 1, "calls": 2, "per_ticket": "2"},
        {"tier": "balanced", "tickets": 2, "calls": 2, "per_ticket": "1"},
    ]
    assert data["escalation_rate"] == 0.666667
    assert data["escalated_tickets"] == 2
    assert data["fallback_rate"] == {"cheap": 1.0, "balanced": 0.0}
    assert len(data["per_ticket"]["actual"].partition(".")[2]) >= 6


def test_the_svg_chart_has_a_bar_pair_per_gate(root: Path) -> None:
    result = run(["actuals", "-q", "--chart", "out/chart.svg"], cwd=root)
    assert result.exit_code == 0
    svg = ElementTree.parse(root / "out" / "chart.svg").getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    groups = svg.findall("svg:g", ns)
    assert [g.get("data-gate") for g in groups] == ["implement", "review"]
    bars = [
        [(r.get("class"), r.get("data-usd"), r.get("width")) for r in g.findall("svg:rect", ns)]
        for g in groups
    ]
    # The widest bar (implement's actual, $0.152) spans the plot: 460 px.
    assert bars == [
        [("estimate", "0.1200", "363.2"), ("actual", "0.1520", "460.0")],
        [("estimate", "0.0900", "272.4"), ("actual", "0.0810", "245.1")],
    ]
    labels = [t.text for g in groups for t in g.findall("svg:text", ns)]
    assert labels == [
        "Gate 2 IMPLEMENT",
        "$0.1200",
        "$0.1520",
        "Gate 4 REVIEW",
        "$0.0900",
        "$0.0810",
    ]


def test_over_budget_is_exit_1(root: Path) -> None:
    spec = root / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("max_per_ticket: 0.10", "max_per_ticket: 0.07"))
    result = run(["actuals", "-q", "--format", "json"], cwd=root)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["per_ticket"]["over_budget"] is True
    assert result.stderr == WARNINGS + (
        "over budget: $0.0717 per ticket > $0.07 (cost.budget.max_per_ticket)\n"
    )


CALIBRATED_DIFF = """\
--- a/routecfg.yaml
+++ b/routecfg.yaml
@@ -23,6 +23,8 @@
   gates: {generate: review}   # the toolkit's phase name
 cost:
   profile:
-    implement: {input: 10000, output: 2000, calls: 2}   # two rounds
-    review:    {input: 5000,  output: 1000}
+    implement: {input: 10500, output: 2000, calls: 1.33} # two rounds
+    review: {input: 4000, output: 1000, calls: 0.67}
   budget: {max_per_ticket: 0.10}
+  scenarios:
+    measured: {escalation_rate: 0.67}
"""


def test_calibrate_shows_the_diff_and_writes_only_when_confirmed(root: Path) -> None:
    spec = root / "routecfg.yaml"
    before = spec.read_text()
    shown = run(["actuals", "-q", "--calibrate", "--format", "json"], cwd=root)
    assert shown.exit_code == 1  # no terminal to confirm on, no --yes
    assert shown.stderr == WARNINGS + CALIBRATED_DIFF + (
        "not written: no terminal to confirm on; run with --yes\n"
    )
    assert spec.read_text() == before
    written = run(["actuals", "--calibrate", "--yes"], cwd=root)
    assert written.exit_code == 0
    assert written.stdout == TEXT + CALIBRATED_DIFF
    assert written.stderr == WARNINGS + "wrote routecfg.yaml\n"
    # Every line but the calibrated ones is kept byte for byte, comments and alignment included.
    after = spec.read_text()
    assert after == before.replace(
        "    implement: {input: 10000, output: 2000, calls: 2}   # two rounds\n"
        "    review:    {input: 5000,  output: 1000}\n",
        "    implement: {input: 10500, output: 2000, calls: 1.33} # two rounds\n"
        "    review: {input: 4000, output: 1000, calls: 0.67}\n",
    ).replace(
        "  budget: {max_per_ticket: 0.10}\n",
        "  budget: {max_per_ticket: 0.10}\n  scenarios:\n    measured: {escalation_rate: 0.67}\n",
    )
    again = run(["actuals", "-q", "--calibrate"], cwd=root)
    assert again.exit_code == 0
    assert again.stderr == WARNINGS
    cost = run(["cost", "--scenario", "measured", "--format", "json"], cwd=root)
    # implement 1.33 × (10,500 × 1 + 2,000 × 5) / 1M = 0.027265;
    # review 0.67 × (4,000 × 3 + 1,000 × 15) / 1M = 0.01809
    gates = json.loads(cost.stdout)["breakdown"]["gates"]
    assert [(g["gate"], g["cost"]) for g in gates] == [
        ("implement", "0.027265"),
        ("review", "0.01809"),
    ]


def test_calibrate_with_nothing_on_a_ticket_is_exit_2(root: Path) -> None:
    (root / "anon.jsonl").write_text('{"gate": "implement", "model": "cheap", "cost_usd": 0.01}\n')
    result = run(["actuals", "anon.jsonl", "-q", "--calibrate", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr == textwrap.dedent("""\
        routecfg.yaml: error[RC907]: nothing to calibrate: no spec gate has answered calls on a ticket
          hint: the ledgers need ticket ids and gate names (fields, spend_logs_metadata or `ticket:`/`gate:` tags) that map to the spec's gates
        Found 1 error.
        """)


def test_calibrate_adds_a_cost_section_to_a_spec_without_one(root: Path) -> None:
    spec = root / "routecfg.yaml"
    text = spec.read_text()
    spec.write_text(text[: text.index("cost:")])
    result = run(["actuals", "-q", "--calibrate", "--yes"], cwd=root)
    assert result.exit_code == 0
    assert spec.read_text() == text[: text.index("cost:")] + textwrap.dedent("""\

        cost:
          profile:
            implement: {input: 10500, output: 2000, calls: 1.33}
            review: {input: 4000, output: 1000, calls: 0.67}
          scenarios:
            measured: {escalation_rate: 0.67}
        """)
