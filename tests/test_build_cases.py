"""Golden build cases: tests/cases/build/<name>/ holds a spec (routecfg.yaml), the target files
as they are (input/), and either the files as `routecfg build` must leave them (expected/) or,
for bad input (a name starting `bad-`), the exact diagnostics (expected.txt) and the promise that
nothing is written.

Every case also runs with CRLF line endings, and checks that a second build changes nothing
and that `check` right after `build` exits 0.

Regenerate after a deliberate change with `ROUTECFG_REGEN=1 pytest tests/test_build_cases.py`,
then read every changed file before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import TESTS, run

CASES = sorted(p for p in (TESTS / "cases" / "build").iterdir() if p.is_dir())
REGEN = bool(os.environ.get("ROUTECFG_REGEN"))


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def lay_out(case: Path, root: Path, *, crlf: bool) -> None:
    shutil.copytree(case / "input", root, dirs_exist_ok=True)
    if crlf:
        for path in root.rglob("*"):
            if path.is_file():
                path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    shutil.copyfile(case / "routecfg.yaml", root / "routecfg.yaml")


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_build_case(case: Path, crlf: bool, tmp_path: Path) -> None:
    lay_out(case, tmp_path, crlf=crlf)
    before = files_under(tmp_path)
    result = run(["build", "--yes"], cwd=tmp_path)
    assert "Traceback" not in result.stderr
    if case.name.startswith("bad-"):
        if REGEN and not crlf:
            (case / "expected.txt").write_text(result.stderr)
        assert result.stderr == (case / "expected.txt").read_text()
        assert result.exit_code in (2, 3)
        assert files_under(tmp_path) == before, "bad input must leave every file untouched"
        return
    assert result.exit_code == 0, result.stderr
    produced = files_under(tmp_path)
    del produced["routecfg.yaml"]
    if REGEN and not crlf:
        shutil.rmtree(case / "expected", ignore_errors=True)
        for name, data in produced.items():
            (case / "expected" / name).parent.mkdir(parents=True, exist_ok=True)
            (case / "expected" / name).write_bytes(data)
    expected = files_under(case / "expected")
    if crlf:
        expected = {name: data.replace(b"\n", b"\r\n") for name, data in expected.items()}
    assert produced == expected
    written = files_under(tmp_path)
    second = run(["build", "--yes"], cwd=tmp_path)
    assert second.exit_code == 0
    assert files_under(tmp_path) == written, "a second build must change nothing"
    assert run(["check", "-q"], cwd=tmp_path).exit_code == 0
