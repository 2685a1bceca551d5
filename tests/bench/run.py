"""`make bench`: every benchmark in sequence, each in a process of its own.

    .venv/bin/python tests/bench/run.py [--only NAME ...] [--quick]

Each benchmark prints its figures as one JSON line last; this collects those lines, prints
them again together with the commit, and exits non-zero only when a benchmark could not run
(a budget that does not hold is a figure to read, not a crash). `--quick` runs every
benchmark at a small size to check that they work; its figures are not the benchmark's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = Path(__file__).resolve().parent

# name, script, arguments, arguments for --quick
BENCHMARKS: list[tuple[str, str, list[str], list[str]]] = [
    ("body_quality", "body_quality.py", [], []),
    ("ingest", "ingest.py", [], ["--rounds", "1"]),
    ("reads", "reads.py", [], ["--articles", "20000", "--claims", "100000", "--seconds", "3"]),
    ("servers", "servers.py", [], ["--seconds", "3"]),
    ("memory", "memory.py", [], ["--articles", "500"]),
]


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def last_json(output: str) -> dict[str, object] | None:
    for raw in reversed(output.strip().splitlines()):
        line = raw.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--only", nargs="*", choices=[b[0] for b in BENCHMARKS])
    args.add_argument("--quick", action="store_true")
    opts = args.parse_args()
    started = time.monotonic()
    print(f"bench: commit {commit()}  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    figures: dict[str, dict[str, object] | None] = {}
    failed: list[str] = []
    for name, script, full, quick in BENCHMARKS:
        if opts.only and name not in opts.only:
            continue
        print(f"\n== {name}", flush=True)
        began = time.monotonic()
        # stdout is collected for the figures; progress on stderr goes straight to the terminal.
        proc = subprocess.run(
            [sys.executable, str(BENCH / script), *(quick if opts.quick else full)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        sys.stdout.write(proc.stdout)
        result = last_json(proc.stdout)
        if proc.returncode != 0 or result is None:
            failed.append(name)
        else:
            result["seconds"] = round(time.monotonic() - began, 1)
        figures[name] = result
    total = time.monotonic() - started
    print("\n== figures", flush=True)
    for name, result in figures.items():
        print(json.dumps({"bench": name, **(result or {"error": "did not finish"})}))
    budgets = {
        f"{name}.{key.removeprefix('budget_')}": value
        for name, result in figures.items()
        for key, value in (result or {}).items()
        if key.startswith("budget_")
    }
    print(
        json.dumps(
            {
                "bench": "all",
                "commit": commit(),
                "quick": opts.quick,
                "seconds": round(total, 1),
                "failed": failed,
                "budgets_not_holding": sorted(k for k, v in budgets.items() if v is False),
            }
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
