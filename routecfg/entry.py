"""The console entry point: `routecfg check` answered from the cache before anything heavy loads.

A plain `routecfg check` that the cache cannot answer goes to :mod:`routecfg.commands` without
click; everything else goes to :mod:`routecfg.cli`. This module and :mod:`routecfg.cache` import
only what a cache hit needs.
"""

from __future__ import annotations

import gc
import os
import sys

from routecfg import cache


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["check"]:
        # A check is a short process that leaves little cyclic garbage (5 MiB more at peak for
        # 10,000 gates and 2,000 skill files): the collector's passes over every object its
        # imports made would cost more (~5% of a cold check) than the memory they give back.
        gc.disable()
    if argv[:1] == ["check"] and cache.enabled(argv):
        try:
            code = cache.replay(argv, os.getcwd(), sys.stdout, sys.stderr)
        except BrokenPipeError:  # `routecfg check | head`: the reader has gone; so do we
            os._exit(141)
        if code is not None:
            sys.exit(code)
    _exit_like_unix_tools_on_sigpipe()
    if argv[:1] == ["check"] and cache.enabled(argv):
        sys.exit(checked_and_stored(argv, os.getcwd()))
    sys.exit(run(argv))


def run(argv: list[str]) -> int:
    """The command: a plain `routecfg check` straight to the core, anything else through click."""
    if argv[:1] == ["check"]:
        from routecfg import commands

        plain = commands.plain_check(argv)
        if plain is not None:
            return commands.run_plain_check(*plain)
    from routecfg.cli import main as cli_main

    return cli_main(argv)


def _exit_like_unix_tools_on_sigpipe() -> None:
    """End quietly when a pipe closes (`routecfg diff | head`), as Unix tools do."""
    # _signal is what signal.signal calls: the signal module around it would build its enums
    # (most of a millisecond) for this one call.
    import _signal  # type: ignore[import-not-found]  # a built-in module, without a stub

    if hasattr(_signal, "SIGPIPE"):
        _signal.signal(_signal.SIGPIPE, _signal.SIG_DFL)


def cached_check(argv: list[str], cwd: str | os.PathLike[str]) -> int:
    """`routecfg check`, replayed from the cache when nothing changed, else run and stored."""
    code = cache.replay(argv, cwd, sys.stdout, sys.stderr)
    if code is not None:
        return code
    return checked_and_stored(argv, cwd)


def checked_and_stored(argv: list[str], cwd: str | os.PathLike[str]) -> int:
    cache.INPUTS.clear()
    cache.SEARCHED.clear()
    cache.OUTSIDE.clear()
    with cache.recording() as (out, err):
        code = run(argv)
    if cache.INPUTS:
        import contextlib

        with contextlib.suppress(Exception):  # a cache that cannot be written is no cache
            cache.store(
                argv, cwd, cache.INPUTS, code, out.text, err.text, cache.SEARCHED, cache.OUTSIDE
            )
    return code
