"""write.py: atomic writes that keep the mode, the lock, and refusing a file that moved."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from routecfg import write
from routecfg.diagnostics import RoutecfgError
from routecfg.plan import Change, Encoding, State


def change(path: Path, old: str | None, new: str) -> Change:
    return Change("preset", path.name, path, old, new, Encoding(), State.STALE)


def test_write_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "default.json"
    target.write_text("{}\n")
    target.chmod(0o640)
    spec = tmp_path / "routecfg.yaml"
    spec.write_text("version: 1\n")
    outcome = write.apply([change(target, "{}\n", '{"a": 1}\n')], tmp_path)
    assert [c.path for c in outcome.written] == ["default.json"]
    assert target.read_text() == '{"a": 1}\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["default.json", "routecfg.yaml"]


def test_unchanged_files_are_not_touched(tmp_path: Path) -> None:
    target = tmp_path / "default.json"
    target.write_text("{}\n")
    os.utime(target, ns=(1, 1))
    spec = tmp_path / "routecfg.yaml"
    spec.write_text("version: 1\n")
    assert write.apply([change(target, "{}\n", "{}\n")], tmp_path) == write.Outcome((), ())
    assert target.stat().st_mtime_ns == 1


def test_a_file_that_changed_since_planning_is_not_overwritten(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text("1\n")
    second.write_text("someone else wrote this\n")
    spec = tmp_path / "routecfg.yaml"
    spec.write_text("version: 1\n")
    plan = [change(first, "1\n", "2\n"), change(second, "1\n", "2\n")]
    with pytest.raises(RoutecfgError) as caught:
        write.apply(plan, tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.code) == ("b.json", "RC320")
    assert first.read_text() == "1\n"  # nothing is written when any file moved
    assert second.read_text() == "someone else wrote this\n"


def test_a_second_writer_waits_for_the_lock(tmp_path: Path) -> None:
    spec = tmp_path  # the lock is the root folder's, whatever the spec file
    waiter = (
        "import sys; from pathlib import Path; from routecfg import write\n"
        "print('waiting', flush=True)\n"
        "with write.locked(Path(sys.argv[1])):\n"
        "    print('locked', flush=True)\n"
    )
    with write.locked(spec):
        process = subprocess.Popen(
            [sys.executable, "-c", waiter, str(spec)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
        assert process.stdout is not None
        assert process.stdout.readline() == "waiting\n"
        time.sleep(0.5)
        assert process.poll() is None  # blocked on the lock this test holds
    out, _ = process.communicate(timeout=30)
    assert out == "locked\n"
