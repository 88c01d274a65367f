"""Issue 9: hostile files and failures. Nothing lost, nothing hung, nothing read from outside.

Every case asserts the exit code, the exact message and that every file of the repository is
byte-identical to before (or, for a completed build, to the full new state).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from routecfg import entry, write
from routecfg.diagnostics import RoutecfgError
from tests.conftest import REPO, run

EXAMPLE = REPO / "examples" / "backlog-toolkit"
PRESET = "config/presets/default.json"
SCHEMA = "config/backlog.config.schema.json"
PROXY = "config/litellm/proxy-config.yaml"
SKILL = "skills/backlog-implementer/SKILL.md"
TARGETS = (SCHEMA, PRESET, PROXY, SKILL)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    return tmp_path / "repo"


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file's bytes (a symlink: where it points), by path relative to the root."""
    found: dict[str, bytes | str] = {}
    for directory, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[relative] = "-> " + str(path.readlink())
            elif stat.S_ISREG(path.lstat().st_mode):
                found[relative] = path.read_bytes()
            elif not path.is_dir():
                found[relative] = "special"
    return found


@contextlib.contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail, rather than hang, when a read blocks (a FIFO, a device)."""

    def ring(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s: it hung")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def cheaper_haiku(root: Path) -> None:
    """A spec change that touches the proxy and SKILL.md (prices)."""
    edit(root / "routecfg.yaml", "price: {input: 1.00,", "price: {input: 1.10,")


def review_on_frontier(root: Path) -> None:
    """A spec change that touches every target."""
    cheaper_haiku(root)
    edit(
        root / "routecfg.yaml",
        "review:      {title: Gate 4 REVIEW,    tier: balanced,",
        "review:      {title: Gate 4 REVIEW,    tier: frontier,",
    )


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error[" in line or ": warning[" in line]


def use_templates(root: Path, **templates: str | bytes) -> Path:
    folder = root / "templates"
    folder.mkdir()
    for name, source in templates.items():
        data = source if isinstance(source, bytes) else source.encode()
        (folder / f"{name}.md.j2").write_bytes(data)
    edit(root / "routecfg.yaml", "  skills:", "  templates: templates\n  skills:")
    return folder


# --- 1, 2: FIFOs and devices are refused at once ---------------------------------------------

FIFO_LINE = f"{PROXY}: error[RC265]: not a regular file: it is a FIFO"
FIFO_RULE = (
    f"routecfg.yaml:69:10: error[RC265]: target '{PROXY}' is not a regular file: it is a FIFO"
)


@pytest.mark.parametrize("command", [["check"], ["check", "--no-cache"], ["diff"], ["build", "--yes"], ["validate"]])  # fmt: skip
def test_a_fifo_target_is_refused_not_waited_on(root: Path, command: list[str]) -> None:
    (root / PROXY).unlink()
    os.mkfifo(root / PROXY)
    before = snapshot(root)
    with no_hang():
        result = run(command, cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [FIFO_RULE]
    assert snapshot(root) == before


def test_the_plan_refuses_a_fifo_that_appears_after_validation(root: Path) -> None:
    from routecfg.plan import read_target

    os.mkfifo(root / "fifo")
    with no_hang(), pytest.raises(RoutecfgError) as caught:
        read_target(root / "fifo", "fifo", root)
    assert str(caught.value) == "not a regular file: it is a FIFO"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_target_in_the_cached_check_is_not_read(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    device: str,
) -> None:
    """Item 1: with a cache entry present, a target replaced by a symlink to /dev/zero grew
    `check` to 3 GB in 3 s, and /dev/urandom hung it."""
    monkeypatch.chdir(root)
    assert entry.cached_check(["check"], root) == 0  # stored
    (root / PROXY).unlink()
    (root / PROXY).symlink_to(device)
    capsys.readouterr()
    with no_hang():
        code = entry.cached_check(["check"], root)
    assert code == 2
    assert errors(capsys.readouterr().err) == [
        f"routecfg.yaml:69:10: error[RC262]: target path '{PROXY}' resolves through a symlink to "
        "a place outside the spec's folder"
    ]


def test_a_device_node_inside_the_root_is_refused(root: Path) -> None:
    (root / PROXY).unlink()
    try:
        os.mknod(root / PROXY, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # what /dev/zero is
    except OSError as error:
        pytest.skip(f"cannot make a device node here: {error.strerror}")
    before = snapshot(root)
    for command in (["check"], ["check", "--no-cache"], ["diff"], ["build", "--yes"]):
        with no_hang():
            result = run(command, cwd=root)
        assert result.exit_code == 2
        assert errors(result.stderr) == [
            f"routecfg.yaml:69:10: error[RC265]: target '{PROXY}' is not a regular file: it is a "
            "character device"
        ]
    assert snapshot(root) == before


def test_a_device_inside_the_root_is_not_read(root: Path) -> None:
    """A character device reached through a symlink inside the root: refused, not streamed."""
    (root / "zero").symlink_to("/dev/zero")
    from routecfg.plan import read_target

    with no_hang(), pytest.raises(RoutecfgError) as caught:
        read_target(root / "zero", "zero", None)
    assert str(caught.value) == "not a regular file: it is a character device"


def test_a_socket_target_is_refused(root: Path) -> None:
    (root / PROXY).unlink()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / PROXY))
        with no_hang():
            result = run(["check", "--no-cache"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"routecfg.yaml:69:10: error[RC265]: target '{PROXY}' is not a regular file: it is a socket"
    ]


def test_a_fifo_spec_is_refused(root: Path) -> None:
    os.mkfifo(root / "alt.yaml")
    with no_hang():
        result = run(["validate", "--spec", "alt.yaml"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        "alt.yaml: error[RC013]: spec file 'alt.yaml' is not a regular file: it is a FIFO"
    ]


# --- 5, 7: nothing read from outside -----------------------------------------------------------


def test_a_template_symlinked_out_of_its_folder_is_refused(root: Path) -> None:
    folder = use_templates(root)
    (folder / "prices.md.j2").symlink_to("/etc/passwd")
    before = snapshot(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{SKILL}:103:1: error[RC420]: template 'prices.md.j2' is a symlink to a place outside "
        "its templates folder"
    ]
    assert "root:" not in result.stdout + result.stderr
    assert snapshot(root) == before


def test_a_template_symlinked_inside_its_folder_is_read(root: Path) -> None:
    folder = use_templates(root, shared="Prices: see the proxy.\n")
    (folder / "prices.md.j2").symlink_to("shared.md.j2")
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "Prices: see the proxy.\n<!-- routecfg:end prices -->" in (root / SKILL).read_text()


def test_a_fifo_template_is_refused(root: Path) -> None:
    folder = use_templates(root)
    os.mkfifo(folder / "prices.md.j2")
    with no_hang():
        result = run(["check", "--no-cache"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{SKILL}:103:1: error[RC420]: template 'prices.md.j2' is not a regular file: it is a FIFO"
    ]


def test_the_cache_does_not_replay_after_a_target_became_a_symlink_out(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 7: the full run says RC262 (exit 2); the cache must not replay its old answer."""
    monkeypatch.chdir(root)
    assert entry.cached_check(["check"], root) == 0
    outside = tmp_path / "outside.yaml"
    shutil.copy(root / PROXY, outside)
    (root / PROXY).unlink()
    (root / PROXY).symlink_to(outside)
    assert entry.cached_check(["check"], root) == 2
    assert run(["check", "--no-cache"], cwd=root).exit_code == 2


# --- 6: bad input is exit 2 with a position, never exit 4 -----------------------------------


def test_a_huge_price(root: Path) -> None:
    edit(root / "routecfg.yaml", "price: {input: 1.00,", "price: {input: 1e30,")
    before = snapshot(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        "routecfg.yaml:18:20: error[RC014]: '1e30' is too large: routecfg accepts numbers below "
        "10^12"
    ]
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ('"config/litellm/proxy\\0.yaml"', "'config/litellm/proxy\\0.yaml' cannot be used: it holds a NUL byte"),
        ("config/" + "a" * 300 + ".yaml", "'config/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaa.yaml' cannot be used: File name too long"),
    ],
)  # fmt: skip
def test_unusable_target_paths(root: Path, path: str, reason: str) -> None:
    edit(root / "routecfg.yaml", f"  proxy: {PROXY}", f"  proxy: {path}")
    before = snapshot(root)
    for command in (["validate"], ["check", "--no-cache"], ["build", "--yes"]):
        result = run(command, cwd=root)
        assert result.exit_code == 2
        assert errors(result.stderr) == [f"routecfg.yaml:69:10: error[RC266]: target path {reason}"]
    assert snapshot(root) == before


def test_a_symlink_loop_as_a_target(root: Path) -> None:
    (root / PROXY).unlink()
    (root / PROXY).symlink_to("proxy-config.yaml")
    before = snapshot(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"routecfg.yaml:69:10: error[RC266]: target path '{PROXY}' cannot be used: it is a "
        "symlink loop"
    ]
    assert snapshot(root) == before


def test_a_5000_digit_integer_in_the_preset(root: Path) -> None:
    preset = root / PRESET
    text = preset.read_text()
    preset.write_text(text.replace("{", '{"big": ' + "9" * 5000 + ",", 1))
    before = snapshot(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{PRESET}:1:9: error[RC307]: an integer of 5000 digits, too long to read"
    ]
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (b"x \xff\n", "error[RC421]: template 'prices.md.j2' is not UTF-8: byte 0xff at line 1, column 3 cannot be decoded"),
        (b"{{ 10 ** (10 ** 5) }}\n", "error[RC424]: template 'prices.md.j2': 10 ** 100000 is over the sandbox's bounds"),
        (b"{{ 'a' * 300000000 }}\n", "error[RC424]: template 'prices.md.j2': a value repeated so many times is over the sandbox's bounds"),
        (b"{{ [0] * 10 ** 9 }}\n", "error[RC424]: template 'prices.md.j2': a value repeated so many times is over the sandbox's bounds"),
        (b"{{ 'x' | center(10 ** 9) }}\n", "error[RC424]: template 'prices.md.j2': a width of 1000000000 is over the sandbox's bounds"),
        (b"{{ 'x'.ljust(10 ** 9) }}\n", "error[RC424]: template 'prices.md.j2': a width of 1000000000 is over the sandbox's bounds"),
        (b"{{ '%999999999s' % 'x' }}\n", "error[RC424]: template 'prices.md.j2': a %-format with a very wide or computed width is over the sandbox's bounds"),
        (b"{{ '{:>999999999}'.format('x') }}\n", "error[RC424]: template 'prices.md.j2': a format with a very wide or computed width is over the sandbox's bounds"),
        (b"{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n", "error[RC424]: template 'prices.md.j2': a value joined with ~ is over the sandbox's bounds"),
        (b"{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}\n", "error[RC424]: template 'prices.md.j2': a value joined to another is over the sandbox's bounds"),
        (b"{{ ('a' * 100000) | replace('a', 'a' * 1000) }}\n", "error[RC424]: template 'prices.md.j2': a replace is over the sandbox's bounds"),
        (b"{% for i in range(2000) %}{{ 'a' * 1000 }}{% endfor %}\n", "error[RC422]: template 'prices.md.j2': the block's output is over the 1 MiB limit"),
    ],
)  # fmt: skip
def test_templates_are_bounded(root: Path, source: bytes, line: str) -> None:
    use_templates(root, prices=source)
    before = snapshot(root)
    with no_hang(60):
        result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [f"{SKILL}:103:1: {line}"]
    assert snapshot(root) == before


def test_a_template_that_runs_too_long(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from routecfg.targets import bounded

    monkeypatch.setattr(bounded, "TIME_BUDGET", 0.5)
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    use_templates(root, prices=loops)
    before = snapshot(root)
    with no_hang(30):
        result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{SKILL}:103:1: error[RC423]: template 'prices.md.j2': rendering took longer than 0.5 s"
    ]
    assert snapshot(root) == before


def test_a_template_that_needs_too_much_memory(root: Path) -> None:
    pytest.importorskip("resource")  # the memory ceiling is an address-space limit (Unix)
    hoard = (
        "{% set l = [] %}{% for i in range(3000) %}{% set _ = l.append('a' * 1000000) %}"
        "{% endfor %}{{ l | join }}\n"
    )
    use_templates(root, prices=hoard)
    before = snapshot(root)
    with no_hang(60):
        result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{SKILL}:103:1: error[RC423]: template 'prices.md.j2': rendering needed too much memory"
    ]
    assert snapshot(root) == before


def test_the_spec_as_its_own_target(root: Path) -> None:
    """Item 12: it passed validate and then failed with a misleading RC313."""
    edit(root / "routecfg.yaml", f"  proxy: {PROXY}", "  proxy: routecfg.yaml")
    before = snapshot(root)
    for command in (["validate"], ["check", "--no-cache"], ["build", "--yes"]):
        result = run(command, cwd=root)
        assert result.exit_code == 2
        assert errors(result.stderr) == [
            "routecfg.yaml:69:10: error[RC267]: target path 'routecfg.yaml' is the spec file itself"
        ]
    assert snapshot(root) == before


# --- 9: links and modes --------------------------------------------------------------------------


def test_a_symlinked_target_is_written_through(root: Path) -> None:
    real = root / "config" / "real-proxy.yaml"
    (root / PROXY).rename(real)
    (root / PROXY).symlink_to("../real-proxy.yaml")
    cheaper_haiku(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert str((root / PROXY).readlink()) == "../real-proxy.yaml"  # still a link
    assert "input_cost_per_token: 0.0000011" in real.read_text()
    assert run(["check", "--no-cache"], cwd=root).exit_code == 0


def test_a_hard_linked_target_is_refused(root: Path) -> None:
    os.link(root / PROXY, root / "config" / "copy.yaml")
    cheaper_haiku(root)
    before = snapshot(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{PROXY}: error[RC324]: the file has 2 hard links; writing a new file would split them, "
        "leaving the others old; nothing was written"
    ]
    assert snapshot(root) == before
    assert (root / PROXY).stat().st_nlink == 2


def test_a_read_only_target_is_refused_unless_forced(root: Path) -> None:
    (root / PROXY).chmod(0o444)
    cheaper_haiku(root)
    before = snapshot(root)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{PROXY}: error[RC325]: the file is read-only; nothing was written"
    ]
    assert snapshot(root) == before
    forced = run(["build", "--yes", "--force"], cwd=root)
    assert forced.exit_code == 0, forced.stderr
    assert stat.S_IMODE((root / PROXY).stat().st_mode) == 0o444
    assert "input_cost_per_token: 0.0000011" in (root / PROXY).read_text()


# --- 10: leftovers -------------------------------------------------------------------------------


def test_leftover_temporary_files_are_removed_and_reported(root: Path) -> None:
    folder = root / "config" / "litellm"
    (folder / ".proxy-config.yaml.routecfg-ab12cd34.tmp").write_text("half")
    (folder / ".proxy-config.yaml.x1y2z3w4.tmp").write_text("an older routecfg's")
    (folder / ".other.yaml.routecfg-ab12cd34.tmp").write_text("not a target's: kept")
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 0
    assert errors(result.stderr) == [
        f"config/litellm/.proxy-config.yaml.routecfg-ab12cd34.tmp: warning[RC326]: removed a "
        f"temporary file an interrupted build of {PROXY} left behind",
        f"config/litellm/.proxy-config.yaml.x1y2z3w4.tmp: warning[RC326]: removed a temporary "
        f"file an interrupted build of {PROXY} left behind",
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        ".other.yaml.routecfg-ab12cd34.tmp",
        "proxy-config.yaml",
    ]


# --- 3: write failures: all or nothing ---------------------------------------------------------


def fail_on(monkeypatch: pytest.MonkeyPatch, name: str, error: int, nth: int = 1) -> None:
    """Make ``os.NAME`` raise ``error`` from its ``nth`` call on (inside write.py only)."""
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] >= nth:
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)


def temporaries(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("name", "error", "nth", "path", "reason", "hint"),
    [
        ("fsync", errno.ENOSPC, 3, PROXY, "No space left on device", "free some space on the disk, then build again"),
        ("fsync", errno.EDQUOT, 1, SCHEMA, "Disk quota exceeded", "free some space (you are over your disk quota), then build again"),
        ("fchmod", errno.EROFS, 2, PRESET, "Read-only file system", "the file system is mounted read-only; build where it can be written"),
        ("fsync", errno.EACCES, 4, SKILL, "Permission denied", "you cannot write in the file's folder; fix its permissions"),
    ],
)  # fmt: skip
def test_a_write_failure_leaves_every_target_untouched(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    error: int,
    nth: int,
    path: str,
    reason: str,
    hint: str,
) -> None:
    review_on_frontier(root)
    before = snapshot(root)
    fail_on(monkeypatch, name, error, nth)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"{path}: error[RC321]: cannot write the file: {reason}; nothing was written\n"
        f"  hint: {hint}\n"
        "Found 1 error.\n"
    )
    assert snapshot(root) == before
    assert temporaries(root) == []


def test_a_temporary_file_that_cannot_be_created(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_on_frontier(root)
    before = snapshot(root)
    real = tempfile.mkstemp

    def refuse_in_litellm(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if str(kwargs["dir"]).endswith("litellm"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse_in_litellm)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{PROXY}: error[RC321]: cannot write the file: Permission denied; nothing was written"
    ]
    assert snapshot(root) == before
    assert temporaries(root) == []


def full_new_state(root: Path, tmp_path: Path) -> dict[str, bytes | str]:
    """What a build from a clean copy writes: the state a completed build must reach."""
    clean = tmp_path / "clean"
    shutil.copytree(root, clean)
    assert run(["build", "--yes"], cwd=clean).exit_code == 0
    return snapshot(clean)


def test_a_rename_failure_names_what_was_written_and_the_next_build_completes(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_on_frontier(root)
    expected = full_new_state(root, tmp_path)
    real = write._replace

    def refuse_the_proxy(temporary: Path, destination: Path) -> None:
        if destination.name == "proxy-config.yaml":
            raise OSError(errno.EIO, "Input/output error")
        real(temporary, destination)

    monkeypatch.setattr(write, "_replace", refuse_the_proxy)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"{PROXY}: error[RC322]: cannot replace the file: Input/output error; written: "
        f"{SCHEMA}, {PRESET}; not written: {PROXY}, {SKILL}\n"
        "  hint: fix the cause; `routecfg build` then writes the files not written\n"
        "Found 1 error.\n"
    )
    assert temporaries(root) == []
    monkeypatch.setattr(write, "_replace", real)
    again = run(["build", "--yes"], cwd=root)
    assert again.exit_code == 0, again.stderr
    assert snapshot(root) == expected
    assert run(["build", "--yes"], cwd=root).stderr.endswith("4 files in sync; nothing to write\n")


def test_an_immutable_target_is_refused_before_anything_is_written(root: Path) -> None:
    cheaper_haiku(root)
    if subprocess.run(["chattr", "+i", str(root / PROXY)], capture_output=True).returncode:
        pytest.skip("chattr +i is not permitted here")
    try:
        before = snapshot(root)
        result = run(["build", "--yes"], cwd=root)
    finally:
        subprocess.run(["chattr", "-i", str(root / PROXY)], check=True)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{PROXY}: error[RC327]: the file is immutable or append-only (chattr +i / +a); nothing "
        "was written"
    ]
    assert snapshot(root) == before


# --- killed builds, concurrent builds, a tiny file system (real processes) ---------------------

# A build whose renames wait: it writes MARKER once every temporary file is written, then sleeps
# before each rename, so a test can kill it, or start a second build, at that moment.
SLOW_BUILD = """
import sys, time
from pathlib import Path
from typing import Any
from routecfg import write
from routecfg.cli import main

marker, pause = Path(sys.argv[1]), float(sys.argv[2])
real = write._replace

def slow(temporary, destination):
    if not marker.exists():
        marker.write_text("renaming")
    time.sleep(pause)
    real(temporary, destination)

write._replace = slow
sys.exit(main(sys.argv[3:]))
"""


def start(root: Path, *args: str, slow: float | None = None) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "ROUTECFG_NO_CACHE": "1"}
    if slow is None:
        command = [sys.executable, "-m", "routecfg", *args]
    else:
        marker = root.parent / "marker"
        command = [sys.executable, "-c", SLOW_BUILD, str(marker), str(slow), *args]
    return subprocess.Popen(
        command,
        cwd=root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never reached its renames"
        time.sleep(0.05)


def test_a_build_killed_between_writing_and_renaming(root: Path, tmp_path: Path) -> None:
    review_on_frontier(root)
    expected = full_new_state(root, tmp_path)
    before = snapshot(root)
    process = start(root, "build", "--yes", slow=30)
    wait_for(root.parent / "marker", process)
    process.kill()
    process.communicate(timeout=30)
    left = temporaries(root)
    assert len(left) == 4  # every new text was written before the first rename
    assert all(re.fullmatch(r"\.[\w.-]+\.routecfg-\w+\.tmp", name) for name in left)
    assert {k: v for k, v in snapshot(root).items() if not k.endswith(".tmp")} == before
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 0, result.stderr
    removed = [line for line in errors(result.stderr) if "warning[RC326]" in line]
    assert len(removed) == 4
    assert temporaries(root) == []
    assert snapshot(root) == expected
    assert run(["build", "--yes"], cwd=root).stderr.endswith("4 files in sync; nothing to write\n")


def test_two_builds_with_different_spec_files_do_not_interleave(root: Path, tmp_path: Path) -> None:
    """Item 4: the lock was on the spec file, so `--spec alt.yaml` did not wait."""
    shutil.copy(root / "routecfg.yaml", root / "alt.yaml")
    review_on_frontier(root)  # routecfg.yaml: every target changes; alt.yaml: as the files are
    edit(root / "alt.yaml", "price: {input: 1.00,", "price: {input: 1.20,")
    alt_state = tmp_path / "alt"
    shutil.copytree(root, alt_state)
    assert run(["build", "--yes", "--spec", "alt.yaml"], cwd=alt_state).exit_code == 0
    first = start(root, "build", "--yes", slow=0.5)
    wait_for(root.parent / "marker", first)
    second = start(root, "build", "--yes", "--spec", "alt.yaml")
    _, second_err = second.communicate(timeout=120)
    _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    assert f"routecfg: waiting for another routecfg build in {root} to finish" in second_err
    # The second build planned after the first had written: its result is alt.yaml's whole
    # state, never a mix of the two.
    expected = snapshot(alt_state)
    expected["routecfg.yaml"] = (root / "routecfg.yaml").read_bytes()
    assert snapshot(root) == expected


def test_a_second_build_gives_up_after_the_timeout(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "LOCK_TIMEOUT", 0.3)
    cheaper_haiku(root)
    before = snapshot(root)
    with write.locked(root):
        # A lock taken on another open of the folder, as another process would hold it.
        result = run(["build", "--yes", "--spec", "routecfg.yaml"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr == (
        f"routecfg: waiting for another routecfg build in {root} to finish (at most 0.3 s)\n"
        f"{root}: error[RC323]: another routecfg build in this folder held its lock for over "
        "0.3 s; nothing was written\n"
        "  hint: let the other build finish (or end it), then run the command again\n"
        "Found 1 error.\n"
    )
    assert snapshot(root) == before


def test_a_folder_that_cannot_be_locked(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.open

    def refuse_folders(path: object, flags: int, *args: Any) -> int:
        if flags & getattr(os, "O_DIRECTORY", 0):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path, flags, *args)  # type: ignore[arg-type]

    cheaper_haiku(root)
    before = snapshot(root)
    monkeypatch.setattr(os, "open", refuse_folders)
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    assert errors(result.stderr) == [
        f"{root}: error[RC323]: cannot lock the folder for writing: Permission denied; nothing "
        "was written"
    ]
    assert snapshot(root) == before


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs, where the machine allows mounting one (root in a container, Linux)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_leaves_every_target_untouched(tiny_filesystem: Path) -> None:
    root = tiny_filesystem / "repo"
    shutil.copytree(EXAMPLE, root)
    review_on_frontier(root)
    before = snapshot(root)
    free = shutil.disk_usage(tiny_filesystem).free
    (tiny_filesystem / "filler").write_bytes(b"\0" * (free - 12 * 1024))
    result = run(["build", "--yes"], cwd=root)
    assert result.exit_code == 2
    (line,) = errors(result.stderr)
    assert re.fullmatch(
        r"config/\S+: error\[RC321\]: cannot write the file: No space left on device; nothing was "
        r"written",
        line,
    )
    assert snapshot(root) == before
    assert temporaries(root) == []
    (tiny_filesystem / "filler").unlink()
    assert run(["build", "--yes"], cwd=root).exit_code == 0
