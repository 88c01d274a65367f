"""`routecfg actuals` on long ledgers: time and peak memory (issue #10: a million lines in bounded
time, under 150 MiB).

Run from the repository root in an environment with routecfg installed:

    python bench/bench_actuals.py                   # 100,000 and 1,000,000 lines
    python bench/bench_actuals.py --lines 200000    # one size

Each size is a generated ledger mixing the toolkit's two shapes, the callback's rows (a fifth of
them fallbacks) and a junk line per thousand, over 10,000 tickets. `routecfg actuals --format json`
runs on it in a fresh process; the peak resident memory is that process's (getrusage). Reading
streams, so the peak should not grow with the file. It prints the figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "tests" / "actuals" / "routecfg.yaml"

SCHEMA_ROW = (
    '{{"timestamp": "2026-02-19T10:00:00Z", "workflow": "ticket", "phase": "implement", '
    '"ticket_id": "T-{t}", "model_alias": "cheap", "provider": "anthropic", '
    '"model": "claude-haiku-4-5", "input_tokens": {i}, "output_tokens": 2000, '
    '"cached_input_tokens": 0, "cost_usd": 0.0{c:04d}, "cache_hit": false, '
    '"batch_job_id": null, "escalation_reason": null, "status": "ok"}}\n'
)
IMPLEMENTER_ROW = (
    '{{"ticket_id": "T-{t}", "gate": "review", "model": "sonnet", "input_tokens": {i}, '
    '"output_tokens": 1000, "date": "2026-02-19"}}\n'
)
CALLBACK_ROW = (
    '{{"ledger": 1, "trace_id": "x{n}", "status": "success", "model": "bedrock/m", '
    '"model_group": "{served}", "original_model_group": "cheap", "attempted_fallbacks": 0, '
    '"response_cost": 0.00{c:04d}, "prompt_tokens": {i}, "completion_tokens": 500, '
    '"startTime": "2026-02-19T11:00:01Z", "request_tags": [], '
    '"spend_logs_metadata": {{"ticket_id": "T-{t}", "gate": "implement"}}}}\n'
)


def generate(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(lines):
            t, i, c = n % 10_000, 1000 + n % 9000, n % 10_000
            if n % 1000 == 999:
                out.write('{"ticket_id": "T-1", "gate":\n')
            elif n % 3 == 0:
                out.write(SCHEMA_ROW.format(t=t, i=i, c=c))
            elif n % 3 == 1:
                out.write(IMPLEMENTER_ROW.format(t=t, i=i))
            else:
                served = "balanced" if n % 5 == 0 else "cheap"
                out.write(CALLBACK_ROW.format(n=n, t=t, i=i, c=c, served=served))


def measure(folder: Path, lines: int) -> None:
    ledger = folder / f"ledger-{lines}.jsonl"
    started = time.perf_counter()
    generate(ledger, lines)
    made = time.perf_counter() - started
    command = [sys.executable, "-m", "routecfg", "actuals", str(ledger), "--spec", str(SPEC)]
    command += ["--format", "json", "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        sys.exit(f"routecfg actuals failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
    figures = json.loads(done.stdout)
    size = ledger.stat().st_size / 1024 / 1024
    note = "" if peak > before else " (not above an earlier run's)"
    print(
        f"{lines:>9,} lines ({size:,.0f} MiB, written in {made:.1f} s): {elapsed:.1f} s, "
        f"{lines / elapsed:,.0f} lines/s, peak RSS {peak / 1024:.0f} MiB{note}; "
        f"{figures['records']:,} records, {figures['skipped']:,} skipped, "
        f"{figures['tickets']:,} tickets"
    )
    ledger.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, action="append", help="ledger length (repeatable)")
    sizes = parser.parse_args().lines or [100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as folder:
        for lines in sorted(sizes):
            measure(Path(folder), lines)


if __name__ == "__main__":
    main()
