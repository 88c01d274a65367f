"""The console entry point: `routecfg check` answered from the cache before anything heavy loads.

Everything else goes straight to :mod:`routecfg.cli`.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from routecfg import cache


def main() -> None:
    # Exit as Unix tools do when a pipe closes (`routecfg diff | head`).
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    argv = sys.argv[1:]
    if argv[:1] == ["check"] and cache.enabled(argv):
        sys.exit(cached_check(argv, Path.cwd()))
    from routecfg.cli import main as cli_main

    sys.exit(cli_main(argv))


def cached_check(argv: list[str], cwd: Path) -> int:
    code = cache.replay(argv, cwd, sys.stdout, sys.stderr)
    if code is not None:
        return code
    from routecfg.cli import main as cli_main

    cache.INPUTS.clear()
    with cache.recording() as (out, err):
        code = cli_main(argv)
    if cache.INPUTS:
        import contextlib  # here, not on the replay path, which it would slow

        with contextlib.suppress(Exception):  # a cache that cannot be written is no cache
            cache.store(argv, cwd, cache.INPUTS, code, out.text, err.text)
    return code
