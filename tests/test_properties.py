"""Properties over mutated specs and targets (hypothesis, bounded for CI): whatever the input,
no internal error and no traceback; a rejected input changes no byte; after a build that wrote,
a second build is a no-op."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, run

EXAMPLE = REPO / "examples" / "backlog-toolkit"
FILES = (
    "routecfg.yaml",
    "config/presets/default.json",
    "config/backlog.config.schema.json",
    "config/litellm/proxy-config.yaml",
    "skills/backlog-implementer/SKILL.md",
)
TOKENS = ["null", "[]", "{}", "- x", "&a", "*a", "<<: *a", "1e400", "1e30", "-1", "'", '"', ":",
          "\t", "!!binary", "? x", "~", ".nan", "{tier: nope}", "\x00", "\ufeff", "\r", "\r\n",
          ",", "}", "]", "#", "```", "<!-- routecfg:begin prices -->", "<!-- routecfg:end prices -->",
          "9" * 5000, "0.0000011", "free", "frontier", "cheap", "digest=sha256:000000000000",
          "model_list:", "- model_name: cheap", '"entryModelReview": "frontier"']  # fmt: skip

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, bytes]:
    """One of the repository's files, damaged in one to three places."""
    name = draw(st.sampled_from(FILES))
    data = (EXAMPLE / name).read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["token", "text", "bytes", "cut", "line"]))
        if kind == "token":
            data = data[:at] + draw(st.sampled_from(TOKENS)).encode() + data[at:]
        elif kind == "text":
            data = data[:at] + draw(st.text(max_size=12)).encode() + data[at:]
        elif kind == "bytes":
            data = data[:at] + draw(st.binary(max_size=6)) + data[at:]
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        else:  # a whole line again, somewhere else
            lines = data.splitlines(keepends=True)
            line = lines[draw(st.integers(0, len(lines) - 1))]
            data = data[:at] + line + data[at:]
    return name, data


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@SETTINGS
@given(mutation())
def test_a_damaged_repository_never_crashes_and_never_half_writes(
    damage: tuple[str, bytes],
) -> None:
    name, data = damage
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        shutil.copytree(EXAMPLE, root)
        (root / name).write_bytes(data)
        before = snapshot(root)
        for command in (["check", "--no-cache"], ["build", "--yes"]):
            result = run(command, cwd=root)
            output = result.stdout + result.stderr
            assert result.exit_code in (0, 1, 2, 3), output
            assert "Traceback" not in output
            assert "internal error" not in output
            if result.exit_code in (1, 2, 3):
                assert snapshot(root) == before, command
        if result.exit_code == 0:
            again = run(["build", "--yes"], cwd=root)
            assert again.exit_code == 0, again.stderr
            assert again.stderr.endswith("in sync; nothing to write\n"), again.stderr
