"""Speed of `routecfg check` against check-jsonschema, and at scale (product.md §10).

Run from the repository root in an environment with routecfg and check-jsonschema installed:

    pip install . check-jsonschema
    python bench/bench_check.py            # all measurements
    python bench/bench_check.py --runs 31  # more runs per median

Measurements (each command in a fresh process, interleaved so drift hits both alike):

1. cold: `routecfg check` on the example repository vs
   `check-jsonschema --schemafile <backlog schema> <preset>` on the same files;
2. unchanged: the same check again with nothing changed since the last run;
3. scale: a generated spec with 1,000 gates and 200 skill files of 5 blocks each, and ten times
   that input, with the peak memory of the check.

It prints medians and ratios; it asserts nothing (budgets are read by people, not by tests).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "backlog-toolkit"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed: pip install . check-jsonschema")
    return found


def timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of one run in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def peak_memory(command: list[str], cwd: Path) -> int:
    """Peak resident memory (KiB) of one run, measured by a child that runs only it."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True
    )
    return int(done.stdout.strip() or 0)


def medians(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, cwd))
    return {name: statistics.median(values) for name, values in times.items()}


def copy_example(into: Path) -> Path:
    shutil.copytree(EXAMPLE, into, dirs_exist_ok=True)
    return into


def cold_and_unchanged(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(Path(folder))
        routecfg = [tool("routecfg"), "check", "-q"]
        peer = [
            tool("check-jsonschema"),
            "--schemafile",
            "config/backlog.config.schema.json",
            "config/presets/default.json",
        ]
        # Cold: no cache from an earlier run may serve it.
        cold = [*routecfg, "--no-cache"] if _has_no_cache_flag() else routecfg
        result = medians({"routecfg check": cold, "check-jsonschema": peer}, root, runs)
        print(f"cold, median of {runs} runs each:")
        _report(result, "routecfg check", "check-jsonschema", budget=0.6)
        timed(routecfg, root)  # warm the cache, if there is one
        result = medians({"routecfg check": routecfg, "check-jsonschema": peer}, root, runs)
        print(f"unchanged since the last run, median of {runs} runs each:")
        _report(result, "routecfg check", "check-jsonschema", budget=0.15)


def _has_no_cache_flag() -> bool:
    done = subprocess.run([tool("routecfg"), "check", "--help"], capture_output=True, text=True)
    return "--no-cache" in done.stdout


def _report(result: dict[str, float], ours: str, peer: str, budget: float) -> None:
    ratio = result[ours] / result[peer]
    for name, seconds in result.items():
        print(f"  {name:<20} {seconds * 1000:8.1f} ms")
    verdict = "within" if ratio <= budget else "OVER"
    print(f"  ratio {ratio:.2f} (budget {budget}: {verdict})\n")


# -- scale -------------------------------------------------------------------------------------


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


def scale(runs: int) -> None:
    results = {}
    for factor in (1, 10):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            generate(root, 1000 * factor, 200 * factor)
            build = [tool("routecfg"), "build", "--yes", "-q"]
            subprocess.run(build, cwd=root, check=False, capture_output=True)
            check = [tool("routecfg"), "check", "-q", "--no-cache"]  # the work, not the cache
            seconds = statistics.median(timed(check, root) for _ in range(max(3, runs // 5)))
            peak = peak_memory(check, root)
            results[factor] = seconds
            print(
                f"scale x{factor}: {1000 * factor} gates, {200 * factor} skill files: "
                f"{seconds:.2f} s, peak memory {peak / 1024:.0f} MiB"
            )
    print(
        f"  x10 input costs x{results[10] / results[1]:.1f} the time (budget: 12; x1 under 2.5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    cold_and_unchanged(args.runs)
    if not args.skip_scale:
        scale(args.runs)


if __name__ == "__main__":
    main()
