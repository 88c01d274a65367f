"""Speed of `routecfg check` against check-jsonschema, and at scale (product.md §10).

Run from the repository root in an environment with routecfg and check-jsonschema installed
(both are in the test extras):

    pip install '.[test]'
    python bench/bench_check.py                     # every measurement
    python bench/bench_check.py --runs 31           # more runs per median
    python bench/bench_check.py --upstream PATH     # upstream's files (default: the fixtures)

Two repositories, each checked cold (`--no-cache`) in fresh processes, interleaved with
`check-jsonschema --schemafile <its backlog schema> <its preset>` and `python -c pass` (the
floor: what starting Python costs), so that drift on a shared machine hits all of them alike:

1. the example repository (examples/backlog-toolkit);
2. upstream's head files (tests' upstream fixtures, `head/`) with the spec `routecfg init
   --from-repo` infers from them, its eight SKILL.md files added as skills targets, built once
   so that the check finds everything in sync (what most pre-commit and CI runs see).

Each is committed to a git repository, as pre-commit and CI see it, and checked as the hook runs
it (`routecfg check`, not `-q`: the cost line and its "before" from HEAD are part of the work).

Then the same checks with nothing changed since the last run (the cache may answer), the scale
case (1,000 gates and 200 skill files of 5 blocks, and ten times that) with its growth, and
peak memory. Every command runs from bytecode, as a pip install leaves it (a temporary
PYTHONPYCACHEPREFIX, warmed once), whatever PYTHONDONTWRITEBYTECODE says; `--as-is` runs in the
environment as given instead.

It prints medians and ratios to check-jsonschema; it asserts nothing (budgets are read by people,
not by tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "backlog-toolkit"
BIN = Path(sys.executable).parent
SCHEMA = "config/backlog.config.schema.json"
PRESET = "config/presets/default.json"

COLD_BUDGET = 0.5
CACHED_BUDGET = 0.1


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed: pip install '.[test]'")
    return found


def default_upstream() -> Path | None:
    shared = os.environ.get("ROUTECFG_SHARED")
    candidates = [Path(shared)] if shared else []
    candidates += [REPO.parent / "shared", REPO.parents[1] / "shared"]
    for base in candidates:
        head = base / "fixtures" / "upstream" / "head"
        if head.is_dir():
            return head
    return None


class Runner:
    """Runs commands in fresh processes with one environment (bytecode, a private cache)."""

    def __init__(self, workdir: Path, as_is: bool) -> None:
        self.env = dict(os.environ)
        self.env["ROUTECFG_CACHE_DIR"] = str(workdir / "cache")
        if not as_is:
            self.env.pop("PYTHONDONTWRITEBYTECODE", None)
            self.env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")

    def run(self, command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(command, cwd=cwd, env=self.env, capture_output=True, check=False)

    def timed(self, command: list[str], cwd: Path) -> float:
        """Wall seconds of one run in a fresh process."""
        started = time.perf_counter()
        done = self.run(command, cwd)
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 1, 2, 3):
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
        return elapsed

    def medians(
        self, commands: Mapping[str, tuple[list[str], Path]], runs: int
    ) -> dict[str, float]:
        for command, cwd in commands.values():  # warm: bytecode written, files in the page cache
            self.run(command, cwd)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (command, cwd) in commands.items():
                times[name].append(self.timed(command, cwd))
        return {name: statistics.median(values) for name, values in times.items()}

    def peak_memory(self, command: list[str], cwd: Path) -> int:
        """Peak resident memory (KiB) of one run, measured by a child that runs only it."""
        probe = (
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe, *command],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
        )
        return int(done.stdout.strip() or 0)


def peer(root: Path) -> tuple[list[str], Path]:
    return [tool("check-jsonschema"), "--schemafile", SCHEMA, PRESET], root


def check(root: Path, *extra: str) -> tuple[list[str], Path]:
    """`routecfg check` as the pre-commit hook runs it: not `-q`, so the cost line (and the
    "before" it reads from HEAD or the targets) is part of what is measured."""
    return [tool("routecfg"), "check", *extra], root


# -- the repositories --------------------------------------------------------------------------


def writable_copy(source: Path, target: Path) -> Path:
    """A copy as a user's checkout is: writable. The shared fixtures are read-only, and a copy
    keeps their mode bits, so `build` would refuse every target (RC325) and the bench would
    measure a repository that was never built."""
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return target


def example_repo(into: Path, runner: Runner) -> Path:
    root = writable_copy(EXAMPLE, into / "example")
    in_sync(root, runner, "example")
    committed(root, runner)
    return root


def upstream_repo(head: Path, into: Path, runner: Runner) -> Path:
    """upstream's head files, the spec init infers from them with the eight skills as targets
    (added here when init does not list them), built with their prose fixed."""
    root = writable_copy(head, into / "upstream")
    runner.run([tool("routecfg"), "init", "--from-repo", "-q"], root)
    spec = root / "routecfg.yaml"
    text = spec.read_text(encoding="utf-8")
    skills = sorted(p.relative_to(root).as_posix() for p in root.glob("skills/*/SKILL.md"))
    if "  skills:" not in text:
        lines = "".join(f"    - {path}\n" for path in skills)
        spec.write_text(text.rstrip("\n") + "\n  skills:\n" + lines, encoding="utf-8")
    runner.run([tool("routecfg"), "build", "--yes", "--fix", "-q"], root)
    in_sync(root, runner, "upstream")
    committed(root, runner)
    print(f"upstream: {head} with {len(skills)} skills as targets\n")
    return root


def in_sync(root: Path, runner: Runner, label: str) -> None:
    """Every target in sync, or no bench: a check of a repository that was never built (a
    read-only copy, a build that refused) measures something else than what users run. The
    check's exit code may still be 2: upstream's proxy and prose hold problems a build cannot fix,
    and the check does all its work either way."""
    done = runner.run([tool("routecfg"), "check", "--no-cache", "--format", "json"], root)
    try:
        files = json.loads(done.stdout)["files"]
    except (ValueError, KeyError):
        sys.exit(f"check on {label} printed no plan ({done.returncode}):\n{done.stderr.decode()}")
    behind = [f"{f['path']}: {f['state']}" for f in files if f["state"] != "in sync"]
    if behind or not files:
        sys.exit(
            f"{label} is not built, the bench would measure nothing real:\n" + "\n".join(behind)
        )
    print(f"{label}: {len(files)} targets in sync; check exits {done.returncode}")


def committed(root: Path, runner: Runner) -> None:
    """The repository committed, as pre-commit and CI see it: the cost line's "before" is then
    the spec at HEAD. Without git, the check reads the before from the targets instead."""
    git = shutil.which("git")
    if git is None:
        print("note: git not found; the cost line's before comes from the targets")
        return
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "bench"]):
        done = runner.run([git, *command], root)
        if done.returncode != 0:
            sys.exit(f"git {' '.join(command)} failed in {root}:\n{done.stderr.decode()}")


# -- measurements ------------------------------------------------------------------------------


def report(title: str, result: Mapping[str, float], budget: float | None) -> float:
    base = result["check-jsonschema"]
    print(title)
    for name, seconds in result.items():
        print(f"  {name:<24} {seconds * 1000:8.1f} ms   {seconds / base:5.2f}x")
    ratio = result["routecfg check"] / base
    if budget is not None:
        verdict = "within" if ratio <= budget else "OVER"
        print(f"  ratio {ratio:.2f} (budget {budget}: {verdict})")
    print()
    return ratio


def cold_and_cached(repos: Mapping[str, Path], runner: Runner, runs: int) -> dict[str, float]:
    ratios: dict[str, float] = {}
    floor = [sys.executable, "-c", "pass"]
    for label, root in repos.items():
        commands = {
            "routecfg check": check(root, "--no-cache"),
            "check-jsonschema": peer(root),
            "python -c pass": (floor, root),
        }
        result = runner.medians(commands, runs)
        ratios[f"cold {label}"] = report(
            f"cold, {label}: median of {runs} runs each", result, COLD_BUDGET
        )
    for label, root in repos.items():
        runner.run(check(root)[0], root)  # store the result
        commands = {"routecfg check": check(root), "check-jsonschema": peer(root)}
        result = runner.medians(commands, runs)
        ratios[f"cached {label}"] = report(
            f"unchanged since the last run, {label}: median of {runs} runs each",
            result,
            CACHED_BUDGET,
        )
    for label, root in repos.items():
        peak = runner.peak_memory(check(root, "--no-cache")[0], root)
        print(f"peak memory, cold check of {label}: {peak / 1024:.0f} MiB")
    print()
    return ratios


def generate(root: Path, gates: int, skills: int) -> None:
    """A spec with ``gates`` gates and ``skills`` SKILL.md files of 5 blocks each."""
    lines = [
        "version: 1",
        "tiers:",
        "  free: {model: ollama/qwen3-coder:30b, capabilities: [text],"
        " price: {input: 0, output: 0}}",
        "  cheap: {model: bedrock/haiku, capabilities: [text, tool_use], task_model: haiku,"
        " price: {input: 1, output: 5}}",
        "  balanced: {model: bedrock/sonnet, capabilities: [text, tool_use], task_model: sonnet,"
        " price: {input: 3, output: 15}}",
        "gates:",
    ]
    tiers = ("free", "cheap", "balanced")
    for n in range(gates):
        tier = tiers[n % 3]
        fallback = ", fallback: [cheap]" if tier == "free" else ""
        lines.append(f"  gate_{n}: {{title: Gate {n}, tier: {tier}{fallback}}}")
    lines += ["proxy:", "  fallbacks: {free: [cheap], cheap: [balanced]}", "targets:", "  skills:"]
    folder = root / "skills"
    folder.mkdir(parents=True)
    for n in range(skills):
        name = f"skill-{n}.md"
        lines.append(f"    - skills/{name}")
        blocks = [f"gate-model gate=gate_{(n * 5 + k) % gates}" for k in range(3)] + [
            "prices",
            "escalation",
        ]
        body = "".join(
            f"## Part {k}\n\nHand-written text.\n\n<!-- routecfg:begin {b} -->\n"
            f"<!-- routecfg:end {b.split()[0]} -->\n\n"
            for k, b in enumerate(blocks)
        )
        (folder / name).write_text(f"# Skill {n}\n\n{body}")
    (root / "routecfg.yaml").write_text("\n".join(lines) + "\n")


def scale(runner: Runner, workdir: Path, runs: int) -> None:
    results = {}
    for factor in (1, 10):
        root = workdir / f"scale-{factor}"
        generate(root, 1000 * factor, 200 * factor)
        runner.run([tool("routecfg"), "build", "--yes", "-q"], root)
        command = check(root, "--no-cache")[0]  # the work, not the cache
        runner.run(command, root)
        seconds = statistics.median(runner.timed(command, root) for _ in range(max(3, runs // 5)))
        peak = runner.peak_memory(command, root)
        results[factor] = seconds
        print(
            f"scale x{factor}: {1000 * factor} gates, {200 * factor} skill files: "
            f"{seconds:.2f} s, peak memory {peak / 1024:.0f} MiB"
        )
    print(
        f"  x10 input costs x{results[10] / results[1]:.1f} the time "
        "(budget: 12; x1 under 2.5 s; peak under 100 MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--upstream", type=Path, default=default_upstream(), metavar="HEAD")
    parser.add_argument("--as-is", action="store_true", help="keep PYTHONDONTWRITEBYTECODE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        runner = Runner(workdir, args.as_is)
        repos = {"example": example_repo(workdir, runner)}
        if args.upstream is not None:
            repos["upstream head"] = upstream_repo(args.upstream, workdir, runner)
        else:
            print("upstream fixtures not found (--upstream HEAD): the example alone\n")
        ratios = cold_and_cached(repos, runner, args.runs)
        if not args.skip_scale:
            scale(runner, workdir, args.runs)
        print("\nratios to check-jsonschema, this run:")
        for name, ratio in ratios.items():
            print(f"  {name:<24} {ratio:.2f}")


if __name__ == "__main__":
    main()
