"""Reading a spec as committed at a git ref (`--against main`, the "before" of a plan)."""

from __future__ import annotations

from pathlib import Path

GIT_TIMEOUT = 20


class GitUnavailable(Exception):
    """Not a git repository, no git, or the ref or file does not exist there."""


def _git(folder: Path, *args: str) -> str:
    import subprocess  # only where git runs

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitUnavailable(str(error)) from None
    if done.returncode != 0:
        raise GitUnavailable(done.stderr.strip() or f"git {args[0]} failed")
    return done.stdout


def spec_at(ref: str, spec_path: Path) -> tuple[str, str]:
    """The text of ``spec_path`` as committed at ``ref``, and its name (``main:routecfg.yaml``)."""
    if ref.startswith("-"):
        raise GitUnavailable(f"'{ref}' is not a git ref")
    resolved = spec_path.resolve()
    label = f"{ref}:{spec_path.name}"
    if ref == "HEAD":  # read from git's own files where they answer for certain: no process
        from routecfg import gitobjects

        try:
            text = gitobjects.head_text(resolved)
        except gitobjects.Undecided:
            pass
        else:
            if text is None:
                raise GitUnavailable(f"{spec_path.name} is not committed at HEAD")
            return text, label
    # `REF:./name` is relative to the folder git runs in: one process, no rev-parse.
    return _git(resolved.parent, "show", f"{ref}:./{resolved.name}"), label
