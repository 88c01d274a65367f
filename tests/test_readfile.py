"""The guarded reader: regular files only, a size cap, nothing outside the root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from routecfg import readfile


def refusal(
    path: Path, root: Path | None = None, limit: int = readfile.MAX_BYTES
) -> tuple[str, str]:
    with pytest.raises(readfile.Refused) as caught:
        readfile.read_bytes(path, root, limit=limit)
    return caught.value.why, caught.value.reason


def test_a_regular_file_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"one\ntwo\n")
    assert readfile.read_bytes(tmp_path / "a.txt", tmp_path) == b"one\ntwo\n"
    assert list(readfile.lines(tmp_path / "a.txt", tmp_path)) == [b"one\n", b"two\n"]


def test_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    assert refusal(tmp_path / "fifo") == (readfile.NOT_REGULAR, "a FIFO")
    assert refusal(Path("/dev/null")) == (readfile.NOT_REGULAR, "a character device")
    assert refusal(tmp_path) == (readfile.NOT_REGULAR, "a folder")


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        readfile.read_bytes(tmp_path / "nope")


def test_symlinks_must_stay_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret").write_text("outside")
    (root / "inside").write_text("inside")
    (root / "out").symlink_to(tmp_path / "secret")
    (root / "in").symlink_to("inside")
    (root / "loop").symlink_to("loop")
    assert readfile.read_bytes(root / "in", root) == b"inside"
    assert refusal(root / "out", root) == (
        readfile.OUTSIDE_ROOT,
        f"it resolves to {tmp_path / 'secret'}",
    )
    assert refusal(root / "loop", root)[0] == readfile.UNREADABLE
    assert readfile.read_bytes(root / "out") == b"outside"  # no root: no such limit


def test_the_size_cap(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 2048)
    assert refusal(tmp_path / "big", limit=1024) == (readfile.TOO_LARGE, "over 1 KiB")
    assert refusal(tmp_path / "big", limit=1000) == (readfile.TOO_LARGE, "over 1000 bytes")
    with pytest.raises(readfile.Refused) as caught:
        list(readfile.lines(tmp_path / "big", limit=4096, line_limit=100))
    assert caught.value.reason == "a line over 100 bytes"
    with readfile.open_guarded(tmp_path / "big", limit=None) as stream:  # a streaming reader
        assert len(stream.read()) == 2048


def test_a_name_the_system_refuses(tmp_path: Path) -> None:
    assert refusal(tmp_path / ("a" * 300)) == (readfile.UNREADABLE, "File name too long")
    assert refusal(Path("a\0b")) == (readfile.UNREADABLE, "the path holds a NUL byte")
