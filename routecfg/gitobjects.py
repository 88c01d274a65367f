"""A file as committed at HEAD, read from the repository's files instead of running git.

`git show HEAD:./name` costs a process (≈ 2 ms of a cold `check`); reading the objects it would
read costs a few file reads. :func:`head_text` answers only where the answer is certain: no
repository around the file (git would find none), or a plain repository whose HEAD commit is a
loose or packed object (zlib, pack index v2, offset and reference deltas). Anything it does not
vouch for (git's environment variables, another user's repository, extensions, alternates,
replace refs, a symbolic link in the tree, an object it cannot find) raises :class:`Undecided`,
and the caller asks git as before.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import mmap

Buffer: TypeAlias = "mmap.mmap | bytes"

_GIT_ENVIRONMENT = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_REPLACE_REF_BASE",
)
_PACK_TYPES = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}
_OFS_DELTA, _REF_DELTA = 6, 7
_MAX_DELTA_CHAIN = 10_000


class Undecided(Exception):
    """Not for this reader to say: ask git."""


def head_text(path: Path) -> str | None:
    """The text of ``path`` as ``git show HEAD:./<name>`` run in its folder prints it (decoded
    as subprocess's text mode decodes, universal newlines); None where git would fail: no
    repository, no commit yet, or the file not in HEAD's tree. Raises :class:`Undecided`."""
    if any(name in os.environ for name in _GIT_ENVIRONMENT):
        raise Undecided
    resolved = path.resolve()
    found = _find_repository(resolved.parent)
    if found is None:
        return None
    top, git_dir = found
    common = _common_dir(git_dir)
    _require_plain(top, git_dir, common)
    commit = _head_commit(git_dir, common)
    if commit is None:
        return None
    objects = _Objects(common / "objects")
    kind, body = objects.read(commit)
    if kind != b"commit" or not body.startswith(b"tree "):
        raise Undecided
    tree = body[5:45].decode("ascii")
    parts = resolved.relative_to(top).parts
    blob = _tree_path(objects, tree, [os.fsencode(p) for p in parts])
    if blob is None:
        return None
    kind, content = objects.read(blob)
    if kind != b"blob":
        raise Undecided
    return _as_subprocess_text(content)


def _as_subprocess_text(content: bytes) -> str | None:
    """What ``subprocess.run(..., text=True)`` makes of git's output; None where decoding fails
    (the caller's git path treats the ValueError the same way)."""
    import io

    # The encoding subprocess's text mode decodes with: a TextIOWrapper's default (not the
    # locale module: a millisecond to import on a cold path).
    try:
        text = content.decode(io.TextIOWrapper(io.BytesIO()).encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _find_repository(folder: Path) -> tuple[Path, Path] | None:
    """The work tree's top and its git directory, found as git discovers them; None when git
    would find none (it stops at a file system's boundary too). A folder that could itself be
    a git directory is undecided."""
    try:
        device = folder.stat().st_dev
        for candidate in (folder, *folder.parents):
            if candidate.stat().st_dev != device:
                return None
            dot_git = candidate / ".git"
            if dot_git.is_dir():
                return candidate, dot_git
            if dot_git.is_file():
                return candidate, _git_file_target(dot_git)
            if dot_git.is_symlink() or dot_git.exists() or (candidate / "HEAD").exists():
                raise Undecided  # a bare repository, a broken link: git's to say
    except OSError:
        raise Undecided from None
    return None


def _git_file_target(dot_git: Path) -> Path:
    text = _read_text(dot_git)
    if not text.startswith("gitdir: "):
        raise Undecided
    target = Path(text[len("gitdir: ") :].strip())
    return target if target.is_absolute() else dot_git.parent / target


def _common_dir(git_dir: Path) -> Path:
    common = git_dir / "commondir"
    if not common.exists():
        return git_dir
    target = Path(_read_text(common).strip())
    return target if target.is_absolute() else git_dir / target


def _require_plain(top: Path, git_dir: Path, common: Path) -> None:
    """A repository of this user's, with no setting that changes what `git show` reads."""
    uid = os.geteuid()
    for folder in (top, git_dir, common):
        try:
            if folder.stat().st_uid != uid:
                raise Undecided  # git's safe.directory check decides
        except OSError:
            raise Undecided from None
    if _settings_matter(_read_text(common / "config")):
        raise Undecided
    if (common / "objects" / "info" / "alternates").exists() or (
        common / "refs" / "replace"
    ).exists():
        raise Undecided


def _settings_matter(config: str) -> bool:
    """Extensions (object format, ref storage), included files, a work tree set elsewhere, a
    bare repository: the reader leaves them to git."""
    for line in config.lower().splitlines():
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if line.startswith("["):
            section = line[1:].replace("]", " ").replace('"', " ").split()
            if section and section[0] in ("extensions", "include", "includeif"):
                return True
            continue
        key, equals, value = line.partition("=")
        if key.strip() == "worktree" or (key.strip() == "bare" and value.strip() != "false"):
            return True
        if not equals and key.strip() == "bare":  # a key alone is true
            return True
    return False


def _head_commit(git_dir: Path, common: Path) -> str | None:
    """HEAD's commit id; None on an unborn branch."""
    head = _read_text(git_dir / "HEAD").strip()
    for _ in range(5):
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            return head
        if not head.startswith("ref: refs/"):
            raise Undecided
        name = head[len("ref: ") :]
        if not name.startswith("refs/heads/"):
            raise Undecided  # per-worktree and other refs: git's rules
        loose = common / name
        if loose.is_file():
            head = _read_text(loose).strip()
            continue
        packed = _packed_ref(common, name)
        if packed is None:
            return None  # git show HEAD:… fails on an unborn branch
        head = packed
    raise Undecided


def _packed_ref(common: Path, name: str) -> str | None:
    path = common / "packed-refs"
    if not path.exists():
        return None
    for line in _read_text(path).splitlines():
        if line.startswith("^") or line.startswith("#"):
            continue
        if line.startswith("ref: ") or " refs/replace/" in line:
            raise Undecided
        value, _, ref = line.partition(" ")
        if ref == name:
            return value
    return None


def _tree_path(objects: _Objects, tree: str, parts: list[bytes]) -> str | None:
    """The blob id at ``parts`` under ``tree``; None when git show would find no such path."""
    for index, part in enumerate(parts):
        kind, body = objects.read(tree)
        if kind != b"tree":
            raise Undecided
        entry = _tree_entry(body, part)
        if entry is None:
            return None
        mode, object_id = entry
        last = index == len(parts) - 1
        if last and mode in (b"100644", b"100755"):
            return object_id
        if not last and mode == b"40000":
            tree = object_id
            continue
        raise Undecided  # a link, a submodule, a folder where a file was asked
    raise Undecided


def _tree_entry(body: bytes, name: bytes) -> tuple[bytes, str] | None:
    position = 0
    while position < len(body):
        space = body.index(b" ", position)
        nul = body.index(b"\0", space)
        if body[space + 1 : nul] == name:
            return body[position:space], body[nul + 1 : nul + 21].hex()
        position = nul + 21
    return None


class _Objects:
    """Loose objects and packs (index version 2) of one object directory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._packs: list[tuple[Buffer, Buffer]] | None = None

    def read(self, object_id: str) -> tuple[bytes, bytes]:
        import zlib  # only where there is a repository

        loose = self.folder / object_id[:2] / object_id[2:]
        try:
            raw = zlib.decompress(loose.read_bytes())
        except FileNotFoundError:
            return self._packed(bytes.fromhex(object_id))
        except (OSError, zlib.error):
            raise Undecided from None
        header, _, body = raw.partition(b"\0")
        kind, _, size = header.partition(b" ")
        if not size.isdigit() or int(size) != len(body):
            raise Undecided
        return kind, body

    def _packed(self, binary_id: bytes) -> tuple[bytes, bytes]:
        for index, pack in self._pack_files():
            offset = _index_offset(index, binary_id)
            if offset is not None:
                return _pack_object(self, pack, offset)
        raise Undecided  # not here: a partial clone, or written since

    def _pack_files(self) -> list[tuple[Buffer, Buffer]]:
        if self._packs is None:
            self._packs = []
            folder = self.folder / "pack"
            names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
            for index in (folder / n for n in names if n.endswith(".idx")):
                self._packs.append((_map(index), _map(index.with_suffix(".pack"))))
        return self._packs


def _map(path: Path) -> Buffer:
    import mmap

    try:
        with path.open("rb") as file:
            return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        raise Undecided from None


def _index_offset(index: Buffer, binary_id: bytes) -> int | None:
    if index[:8] != b"\xfftOc\x00\x00\x00\x02":
        raise Undecided
    first = binary_id[0]
    fanout = 8
    low = _be(index, fanout + 4 * (first - 1), 4) if first else 0
    high = _be(index, fanout + 4 * first, 4)
    count = _be(index, fanout + 1020, 4)
    ids = fanout + 1024
    while low < high:
        middle = (low + high) // 2
        found = index[ids + 20 * middle : ids + 20 * middle + 20]
        if found == binary_id:
            offsets = ids + 24 * count  # after the ids and their CRCs
            offset = _be(index, offsets + 4 * middle, 4)
            if offset & 0x80000000:
                large = offsets + 4 * count + 8 * (offset & 0x7FFFFFFF)
                offset = _be(index, large, 8)
            return offset
        if found < binary_id:
            low = middle + 1
        else:
            high = middle
    return None


def _be(data: Buffer, start: int, size: int) -> int:
    return int.from_bytes(data[start : start + size], "big")


def _pack_object(objects: _Objects, pack: Buffer, offset: int) -> tuple[bytes, bytes]:
    deltas: list[bytes] = []
    for _ in range(_MAX_DELTA_CHAIN):
        kind, size, position = _entry_header(pack, offset)
        if kind == _OFS_DELTA:
            distance, position = _offset_distance(pack, position)
            deltas.append(_inflate(pack, position, size))
            offset -= distance
            continue
        if kind == _REF_DELTA:
            base_id = bytes(pack[position : position + 20]).hex()
            deltas.append(_inflate(pack, position + 20, size))
            base_kind, body = objects.read(base_id)
            return base_kind, _apply_all(body, deltas)
        if kind not in _PACK_TYPES:
            raise Undecided
        return _PACK_TYPES[kind], _apply_all(_inflate(pack, position, size), deltas)
    raise Undecided


def _entry_header(pack: Buffer, offset: int) -> tuple[int, int, int]:
    byte = pack[offset]
    kind = (byte >> 4) & 7
    size = byte & 0x0F
    shift = 4
    offset += 1
    while byte & 0x80:
        byte = pack[offset]
        size |= (byte & 0x7F) << shift
        shift += 7
        offset += 1
    return kind, size, offset


def _offset_distance(pack: Buffer, offset: int) -> tuple[int, int]:
    byte = pack[offset]
    distance = byte & 0x7F
    offset += 1
    while byte & 0x80:
        byte = pack[offset]
        distance = ((distance + 1) << 7) | (byte & 0x7F)
        offset += 1
    return distance, offset


def _inflate(pack: Buffer, offset: int, size: int) -> bytes:
    import zlib

    inflater = zlib.decompressobj()
    chunk = max(size + 64, 4096)
    out = b""
    try:
        while not inflater.eof:
            piece = pack[offset : offset + chunk]
            if not piece:
                raise Undecided
            out += inflater.decompress(piece)
            offset += chunk
    except zlib.error:
        raise Undecided from None
    if len(out) != size:
        raise Undecided
    return out


def _apply_all(body: bytes, deltas: list[bytes]) -> bytes:
    for delta in reversed(deltas):
        body = _apply_delta(body, delta)
    return body


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def _apply_delta(base: bytes, delta: bytes) -> bytes:
    base_size, position = _varint(delta, 0)
    result_size, position = _varint(delta, position)
    if base_size != len(base):
        raise Undecided
    out = bytearray()
    while position < len(delta):
        op = delta[position]
        position += 1
        if op & 0x80:  # copy from the base
            start = length = 0
            for bit in range(4):
                if op & (1 << bit):
                    start |= delta[position] << (8 * bit)
                    position += 1
            for bit in range(3):
                if op & (0x10 << bit):
                    length |= delta[position] << (8 * bit)
                    position += 1
            length = length or 0x10000
            out += base[start : start + length]
        elif op:  # insert
            out += delta[position : position + op]
            position += op
        else:
            raise Undecided
    if len(out) != result_size:
        raise Undecided
    return bytes(out)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise Undecided from None
