"""The check cache: a result is replayed only while every input it read is unchanged."""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routecfg import cache, entry
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "backlog-toolkit"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    return tmp_path / "repo"


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = entry.cached_check(["check", *args], root)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def no_full_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(argv: list[str]) -> int:
        raise AssertionError("the check ran in full; the cache should have answered")

    monkeypatch.setattr("routecfg.cli.main", refuse)


def test_an_unchanged_check_is_replayed(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root)
    first = check(root, capsys)
    assert first[0] == 0
    assert "skills/backlog-implementer/SKILL.md: in sync (8 blocks; prose checked)\n" in first[2]
    no_full_run(monkeypatch)
    assert check(root, capsys) == first


def test_a_changed_target_or_spec_is_checked_again(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root)
    assert check(root, capsys)[0] == 0
    preset = root / "config" / "presets" / "default.json"
    preset.write_text(
        preset.read_text().replace('"entryModelReview": "balanced"', '"entryModelReview": "cheap"')
    )
    code, _, err = check(root, capsys)
    assert code == 1
    assert "llmOps.routing.entryModelReview: 'cheap' → 'balanced'" in err
    spec = root / "routecfg.yaml"
    spec.write_text(spec.read_text() + "\n# a comment changes the key\n")
    assert check(root, capsys)[0] == 1


def test_a_new_commit_invalidates_the_cost_line(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    monkeypatch.chdir(root)
    head = cache.git_head(root)
    assert len(head) == 40
    assert check(root, capsys)[2].startswith("est. cost/ticket $0.212 (unchanged)\n")
    spec = root / "routecfg.yaml"
    committed = spec.read_text()
    spec.write_text(committed.replace("input: 1.00, output: 5.00", "input: 2.00, output: 5.00"))
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    spec.write_text(committed)  # the working spec is as before; HEAD moved on
    assert cache.git_head(root) != head
    _, _, err = check(root, capsys)
    assert err.startswith("est. cost/ticket $0.276 → $0.212 (−23%)\n")


def test_no_cache_and_a_broken_cache_file(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    private_cache: Path,
) -> None:
    monkeypatch.chdir(root)
    assert check(root, capsys, "--no-cache")[0] == 0
    assert list(private_cache.iterdir()) == []
    assert check(root, capsys)[0] == 0
    (stored,) = private_cache.iterdir()
    stored.write_text("{not json")
    assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) is None
    assert check(root, capsys)[0] == 0  # checked in full, and stored again
    assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) == 0


def test_invalid_specs_are_not_stored(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "routecfg.yaml").write_text("version: 1\n")
    monkeypatch.chdir(tmp_path)
    assert entry.cached_check(["check"], tmp_path) == 2
    assert list(private_cache.iterdir()) == []


def test_a_new_template_in_the_spec_templates_folder_is_seen(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "my-templates").mkdir()
    spec = root / "routecfg.yaml"
    spec.write_text(spec.read_text().replace("targets:\n", "targets:\n  templates: my-templates\n"))
    monkeypatch.chdir(root)
    assert check(root, capsys)[0] == 0
    (root / "my-templates" / "prices.md.j2").write_text("Prices live in the proxy config.\n")
    code, _, err = check(root, capsys)
    assert code == 1
    assert "skills/backlog-implementer/SKILL.md: stale (8 blocks; prose checked)\n" in err


def test_no_home_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROUTECFG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert not cache.enabled(["check"])
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/somewhere")
    assert cache.enabled(["check"])
    assert not cache.enabled(["check", "--no-cache"])
    monkeypatch.setenv("ROUTECFG_NO_CACHE", "1")
    assert not cache.enabled(["check"])


def test_a_cut_short_or_foreign_entry_is_not_replayed(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    private_cache: Path,
) -> None:
    monkeypatch.chdir(root)
    assert check(root, capsys)[0] == 0
    (stored,) = private_cache.iterdir()
    assert stored.suffix == ".marshal"
    whole = stored.read_bytes()
    assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) == 0
    stored.write_bytes(whole[:-1])  # cut short: the end marker is gone
    assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) is None
    foreigns: list[tuple[object, ...] | list[object]] = [
        (1, "", [], 0, "", "", "end"),  # an older format
        (2, "", [("x", 3)], 0, "", "", "end"),  # a digest that is not text
        (2, "", [], "0", "", "", "end"),  # an exit code that is not a number
        [2, "", [], 0, "", "", "end"],  # not the record at all
    ]
    for foreign in foreigns:
        stored.write_bytes(marshal.dumps(foreign))  # type: ignore[arg-type]
        assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) is None, foreign
    stored.write_bytes(whole)
    out = io.StringIO()
    assert cache.replay(["check"], root, out, io.StringIO()) == 0


def test_an_entry_written_by_another_python_is_not_read(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(root)
    assert check(root, capsys)[0] == 0
    assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) == 0
    monkeypatch.setattr(sys, "version", "3.99.0 (another build)")
    assert cache.replay(["check"], root, io.StringIO(), io.StringIO()) is None


def test_the_digest_is_blake2b_of_the_bytes() -> None:
    assert cache.digest(b"routecfg") == hashlib.blake2b(b"routecfg", digest_size=32).hexdigest()
    assert cache.digest(b"routecfg\n") != cache.digest(b"routecfg")


def test_a_replay_imports_neither_json_nor_re_nor_hashlib(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a hit costs is mostly what it imports: json pulls in re, hashlib loads OpenSSL."""
    monkeypatch.chdir(root)
    assert check(root, capsys)[0] == 0
    probe = (
        "import io, sys\n"
        "from routecfg import entry, cache\n"
        "code = cache.replay(['check'], '.', io.StringIO(), io.StringIO())\n"
        "heavy = ('json', 're', 'hashlib', '_hashlib', 'typing', 'pathlib', 'enum', 'tempfile')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    # The cache key holds the package's own files, so the probe imports this test's routecfg;
    # the entry is stored by a process like it (the same sys.path, where litellm is looked for).
    python(root, STORE)
    assert python(root, probe) == "0 []\n"


STORE = "import os\nfrom routecfg import entry\nentry.cached_check(['check'], os.getcwd())\n"
REPLAY = (
    "import io, os\nfrom routecfg import cache\n"
    "print(cache.replay(['check'], os.getcwd(), io.StringIO(), io.StringIO()))\n"
)


def python(root: Path, code: str, *path: Path) -> str:
    """What ``code`` prints in a new Python in ``root``, with ``path`` and the routecfg this
    test imported (a checkout's, not an installed copy's) on PYTHONPATH."""
    package_parent = str(Path(cache.__file__).resolve().parents[1])
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, path), package_parent])}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return done.stdout


def test_a_change_to_the_installed_litellm_is_checked_again(root: Path, tmp_path: Path) -> None:
    """The proxy lint reads the installed litellm's model map: a result is replayed only while
    the same folders are searched for it and they, and the map, are unchanged."""
    site = tmp_path / "site"
    (site / "litellm-9.9.9.dist-info").mkdir(parents=True)
    (site / "litellm-9.9.9.dist-info" / "METADATA").write_text("Name: litellm\nVersion: 9.9.9\n")
    (site / "litellm").mkdir()
    model_map = site / "litellm" / "model_prices_and_context_window_backup.json"
    model_map.write_text("{}")

    def replayed(*front: Path) -> str:
        return python(root, REPLAY, *front, site).strip()

    python(root, STORE, site)
    assert replayed() == "0"
    model_map.write_text('{"gpt-4o": {"mode": "chat"}}')  # another map: litellm upgraded
    assert replayed() == "None"
    python(root, STORE, site)
    assert replayed() == "0"
    other = tmp_path / "other"
    other.mkdir()
    assert replayed(other) == "None"  # a folder searched first may hold another litellm
    shutil.rmtree(site / "litellm-9.9.9.dist-info")  # litellm removed: its folder changed
    assert replayed() == "None"


@pytest.mark.parametrize(
    ("argv", "collecting"), [(["check", "-q", "--no-cache"], False), (["--version"], True)]
)
def test_a_check_runs_without_the_cycle_collector(
    root: Path, argv: list[str], collecting: bool
) -> None:
    """A check is short and leaves little cyclic garbage: no collector passes over everything
    its imports made. Other commands (a ledger of any size) keep it."""
    probe = (
        "import gc, sys\n"
        f"sys.argv = ['routecfg', *{argv!r}]\n"
        "from routecfg.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    print(done.code, gc.isenabled(), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stderr.splitlines()[-1] == f"0 {collecting}"
