"""Golden cases: each folder under tests/cases/validate/ holds a spec and the exact output of
`routecfg validate` run in that folder. Exit code 2 when an error is expected, else 0.

Regenerate after a deliberate change with `ROUTECFG_REGEN=1 pytest tests/test_validate_cases.py`,
then read every changed expected.txt before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import TESTS, run

CASES = sorted(p for p in (TESTS / "cases" / "validate").iterdir() if p.is_dir())


def test_every_case_has_expectations() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert (case / "routecfg.yaml").exists(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_case(case: Path) -> None:
    result = run(["validate"], cwd=case)
    expected_file = case / "expected.txt"
    if os.environ.get("ROUTECFG_REGEN"):
        expected_file.write_text(result.stderr, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert result.stderr == expected
    assert result.stdout == ""
    assert result.exit_code == (2 if "error[" in expected else 0)
    assert "Traceback" not in result.stderr
