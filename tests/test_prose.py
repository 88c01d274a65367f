"""The prose lint: golden cases (tests/cases/prose/<name>/) against the bundled cost-optimized
spec, the fix, silencing, and the CLI's handling of findings.

Each case holds SKILL.md, expected.txt (the diagnostics as `routecfg check` prints them) and, when
something is fixable, fixed.md (SKILL.md after `build --fix`). Regenerate after a deliberate change
with `ROUTECFG_REGEN=1 pytest tests/test_prose.py`, and read the diff by eye.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import textwrap
from pathlib import Path

import pytest

from routecfg import resources
from routecfg.model import Prose, RoutingSpec
from routecfg.prose.fix import apply_fixes
from routecfg.prose.lint import lint
from routecfg.report import format_text
from routecfg.validate import validate
from tests.conftest import TESTS, run

CASES = sorted(p for p in (TESTS / "cases" / "prose").iterdir() if p.is_dir())
REGEN = bool(os.environ.get("ROUTECFG_REGEN"))


@functools.cache
def cost_optimized() -> RoutingSpec:
    path = resources.preset_path("cost-optimized")
    assert path is not None
    return validate(path).spec


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_prose_case(case: Path) -> None:
    text = (case / "SKILL.md").read_text(encoding="utf-8")
    findings = lint(cost_optimized(), text, "SKILL.md")
    printed = format_text([f.diagnostic for f in findings])
    fixed = apply_fixes(text, findings)
    if REGEN:
        (case / "expected.txt").write_text(printed, encoding="utf-8")
        if fixed != text:
            (case / "fixed.md").write_text(fixed, encoding="utf-8")
    assert printed == (case / "expected.txt").read_text(encoding="utf-8")
    fixed_file = case / "fixed.md"
    assert fixed == (fixed_file.read_text(encoding="utf-8") if fixed_file.exists() else text)
    # A fix changes only the claimed characters: same lines, same length of every other line.
    flagged = {f.diagnostic.line for f in findings if f.fixable}
    for number, (before, after) in enumerate(
        zip(text.split("\n"), fixed.split("\n"), strict=True), start=1
    ):
        assert before == after or number in flagged
    # What is left after the fix is exactly the unfixable findings.
    left = lint(cost_optimized(), fixed, "SKILL.md")
    assert [f.diagnostic for f in left] == [f.diagnostic for f in findings if not f.fixable]


def test_the_agreeing_case_has_no_finding() -> None:
    assert (TESTS / "cases" / "prose" / "agreeing-lines" / "expected.txt").read_text() == ""


def test_every_claim_kind_has_a_golden_case() -> None:
    codes = {
        line.split("[")[1].split("]")[0]
        for case in CASES
        for line in (case / "expected.txt").read_text().splitlines()
        if "error[" in line
    }
    assert codes == {"RC800", "RC801", "RC802", "RC803", "RC804", "RC805", "RC806"}


def test_the_spec_can_silence_a_code_a_file_or_a_code_in_a_file() -> None:
    text = 'Gate 5 COMMIT: → always "cheap"\nHaiku in=$0.80/out=$4\n'
    spec = cost_optimized()

    def codes(*ignore: str, path: str = "skills/a/SKILL.md") -> list[str]:
        silenced = dataclasses.replace(spec, prose=Prose(ignore))
        return [f.diagnostic.code for f in lint(silenced, text, path)]

    assert codes() == ["RC802", "RC803"]
    assert codes("RC803") == ["RC802"]
    assert codes("skills/a/SKILL.md") == []
    assert codes("skills/a/SKILL.md:RC802") == ["RC803"]
    assert codes("skills/b/SKILL.md:RC802") == ["RC802", "RC803"]


def test_declared_names_and_roles_are_the_words_the_lint_reads() -> None:
    spec = cost_optimized()
    tiers = dict(spec.tiers)
    tiers["cheap"] = dataclasses.replace(tiers["cheap"], names=("Little Model",))
    gates = dict(spec.gates)
    gates["review"] = dataclasses.replace(gates["review"], roles=("auditor",))
    custom = dataclasses.replace(spec, tiers=tiers, gates=gates)
    text = "Spawn a Little Model auditor for the diff.\nSpawn a haiku reviewer.\n"
    [finding] = lint(custom, text, "SKILL.md")
    assert format_text([finding.diagnostic]) == dedent(
        """
        SKILL.md:1:9: error[RC800]: says auditor runs on Little Model (cheap); the spec routes Gate 4 REVIEW to balanced (sonnet)
          hint: not fixable automatically: make the line say the spec's balanced (sonnet); <!-- routecfg:ignore RC800 --> on or above the line marks a deliberate mention
        """
    )


def test_the_lint_is_linear_in_the_size_of_the_markdown() -> None:
    """Ten times the text makes ten times the findings, each at its own line (no quadratic
    look-back: the scanner keeps a bounded state)."""
    chunk = (TESTS / "cases" / "prose" / "task-model" / "SKILL.md").read_text()
    one = lint(cost_optimized(), chunk, "SKILL.md")
    ten = lint(cost_optimized(), chunk * 10, "SKILL.md")
    assert len(ten) == 10 * len(one)
    lines = chunk.count("\n")
    assert [f.diagnostic.line for f in ten[len(one) : 2 * len(one)]] == [
        f.diagnostic.line + lines for f in one
    ]


@pytest.mark.parametrize("word", ["FAILS", "fa\u0131ls"], ids=["upper-case", "dotless-i"])
def test_the_lines_worth_reading_are_found_whatever_the_case_of_their_words(word: str) -> None:
    """The lint reads only lines holding a claim's word, found in lower-cased text; a character
    that matches an ASCII letter without lower-casing to it (the dotless i) makes it read every
    line rather than miss one."""
    text = "# Review\n\nSome prose.\n\nHaiku IMPLEMENT fails Gate 3 (LINT) once: re-run it.\n"
    [plain] = lint(cost_optimized(), text, "SKILL.md")
    [written] = lint(cost_optimized(), text.replace("fails", word), "SKILL.md")
    assert (plain.diagnostic.code, plain.diagnostic.line, plain.diagnostic.column) == (
        "RC804",
        5,
        37,
    )
    assert written.diagnostic == plain.diagnostic


@pytest.mark.parametrize(
    "word", ["investigator", "Investigators", "INVESTIGATOR", "inve\u017ftigator"]
)
def test_a_role_is_found_in_any_case_and_with_a_long_s(word: str) -> None:
    """A name is tried where a word starts like it, compared lower-cased; the long s, which
    matches 's' without lower-casing to it, has the name tried all the same."""
    [finding] = lint(cost_optimized(), f"Spawn a sonnet {word}.\n", "SKILL.md")
    assert finding.diagnostic.column == 9
    assert finding.diagnostic.message == (
        f"says {word} {'run' if word.endswith('s') else 'runs'} on sonnet (balanced); "
        "the spec routes Gate 2 IMPLEMENT to cheap (haiku)"
    )


# --- the command line -----------------------------------------------------------------------


def _repo(tmp_path: Path, skill: str) -> Path:
    preset = resources.preset_path("cost-optimized")
    assert preset is not None
    spec = preset.read_text().split("\ntargets:")[0]
    (tmp_path / "routecfg.yaml").write_text(spec + "\ntargets:\n  skills: [SKILL.md]\n")
    (tmp_path / "SKILL.md").write_text(dedent(skill))
    return tmp_path


def test_check_names_what_it_read_of_a_skills_target_without_blocks(tmp_path: Path) -> None:
    _repo(tmp_path, '# A skill\n\nGate 3 LINT → always "cheap"\n')
    result = run(["check", "--no-cache"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr.endswith("SKILL.md: in sync (no blocks; prose checked)\n")


def test_check_fails_on_a_contradiction_and_says_it_is_fixable(tmp_path: Path) -> None:
    _repo(tmp_path, 'Gate 5 COMMIT:    → always "cheap"\n')
    result = run(["check", "--no-cache"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        dedent(
            """
            SKILL.md: in sync (no blocks; prose: 1 contradiction, 1 fixable)
            SKILL.md:1:29: error[RC802]: says Gate 5 COMMIT runs on cheap; the spec routes it to free (llm_call.sh)
              hint: fixable: `routecfg build --fix` writes free; <!-- routecfg:ignore RC802 --> on or above the line marks a deliberate mention
            prose: 1 contradiction in 1 file; 1 fixable with `routecfg build --fix`
            """
        )
    )
    validated = run(["validate"], cwd=tmp_path)
    assert validated.exit_code == 2
    assert "SKILL.md:1:29: error[RC802]" in validated.stderr


def test_build_fix_writes_the_fixes_and_reports_what_it_could_not_fix(tmp_path: Path) -> None:
    _repo(
        tmp_path,
        """
        Gate 5 COMMIT:    → always "cheap"
        Haiku IMPLEMENT fails Gate 3 (LINT) once: re-run it.
        """,
    )
    plain = run(["build", "--yes"], cwd=tmp_path)
    assert plain.exit_code == 2  # contradictions remain; nothing else to write
    assert (tmp_path / "SKILL.md").read_text().startswith('Gate 5 COMMIT:    → always "cheap"')
    result = run(["build", "--yes", "--fix"], cwd=tmp_path)
    assert result.exit_code == 2  # one contradiction is not fixable
    assert '+Gate 5 COMMIT:    → always "free"\n' in result.stdout
    assert "SKILL.md: stale (no blocks; prose: 2 contradictions, 1 fixed)\n" in result.stderr
    assert "error[RC804]" in result.stderr
    assert "error[RC802]" not in result.stderr
    assert "prose: 1 contradiction in 1 file, none fixable" in result.stderr
    assert (tmp_path / "SKILL.md").read_text() == dedent(
        """
        Gate 5 COMMIT:    → always "free"
        Haiku IMPLEMENT fails Gate 3 (LINT) once: re-run it.
        """
    )
    again = run(["check", "--no-cache"], cwd=tmp_path)
    assert again.exit_code == 2
    assert "1 contradiction, 0 fixable" in again.stderr


def test_check_json_and_github_carry_the_prose_findings(tmp_path: Path) -> None:
    _repo(tmp_path, 'Gate 5 COMMIT:    → always "cheap"\n')
    as_json = run(["check", "--no-cache", "--format", "json"], cwd=tmp_path)
    assert as_json.exit_code == 2
    assert '"code": "RC802"' in as_json.stdout
    github = run(["check", "--no-cache", "--format", "github"], cwd=tmp_path)
    assert github.stdout.splitlines()[-1].startswith(
        "::error file=SKILL.md,line=1,col=29,title=RC802::says Gate 5 COMMIT runs on cheap"
    )


@pytest.mark.parametrize(
    "line",
    [
        "a." * 25_000,
        "ARCH " * 10_000,
        'model: "sonnet" ' * 5_000,
        "sonnet write-agent " * 5_000,
        "Gate 4 " * 10_000,
        "|" * 50_000,
        "implementer (" * 5_000,
    ],
    ids=["dotted", "tags", "slots", "roles", "gates", "pipes", "parens"],
)
def test_a_pathological_line_stays_linear(line: str) -> None:
    """Look-behinds read a bounded window and a line yields at most 16 claims of a kind, so a
    50 KB line costs what 50 KB of prose costs (these took minutes when the scans were not
    bounded)."""
    findings = lint(cost_optimized(), line + "\n", "SKILL.md")
    assert len(findings) <= 16


@pytest.mark.parametrize(
    ("named", "model", "expected"),
    [
        ("Claude Opus 4", "bedrock/us.anthropic.claude-opus-4-6-v1", ("Opus 4", "Opus 4.6")),
        ("Claude Haiku 3.5", "claude-haiku-4-5-20251001", ("Haiku 3.5", "Haiku 4.5")),
        ("Sonnet 3.7", "anthropic.claude-3-5-sonnet-20241022-v2:0", ("Sonnet 3.7", "Sonnet 3.5")),
        ("Claude Sonnet 4", "claude-sonnet-4-20250514", None),  # the same version
        ("Sonnet 3.5", "anthropic.claude-3-5-sonnet-20241022-v2:0", None),  # a date is no version
        ("Opus 4.1", "vertex_ai/claude-opus-4-1@20250805", None),
        ("Haiku", "claude-haiku-4-5", None),  # no version named
        ("Opus 4", "openai/gpt-5", None),  # the id names no version of the family
        ("Sonnet 4", "claude-opus-4-6", None),  # another family: not a version question
    ],
)
def test_a_price_for_another_version_names_both(
    named: str, model: str, expected: tuple[str, str] | None
) -> None:
    from routecfg.prose.lint import _other_version

    assert _other_version(named, model) == expected
