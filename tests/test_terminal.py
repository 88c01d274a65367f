"""`routecfg build` on a terminal asks before it writes: a real pseudo-terminal, a real answer."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def build_on_a_terminal(root: Path, answer: bytes) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "routecfg", "build", "-q"],
        cwd=root,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 60
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 1)
        if ready:
            seen += os.read(primary, 4096)
    os.write(primary, answer)
    code = process.wait(timeout=60)
    with_rest = seen
    while True:
        ready, _, _ = select.select([primary], [], [], 0.2)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        with_rest += chunk
    os.close(primary)
    return code, with_rest.decode(errors="replace")


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path, dirs_exist_ok=True)
    spec = tmp_path / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("tier: balanced, needs", "tier: frontier, needs"))
    return tmp_path


def test_yes_writes(stale: Path) -> None:
    code, screen = build_on_a_terminal(stale, b"y\n")
    assert "Write 3 files? [y/N]:" in screen
    assert code == 0
    preset = (stale / "config" / "presets" / "default.json").read_text()
    assert '"entryModelReview": "frontier"' in preset


def test_no_writes_nothing(stale: Path) -> None:
    before = (stale / "config" / "presets" / "default.json").read_bytes()
    code, screen = build_on_a_terminal(stale, b"n\n")
    assert "Write 3 files? [y/N]:" in screen
    assert "not written (answered no)" in screen
    assert code == 1
    assert (stale / "config" / "presets" / "default.json").read_bytes() == before
