"""granian against uvicorn for the API, under the same load, in one run.

    .venv/bin/python tests/bench/servers.py [--seconds S]

The same app (tests/bench/app.py: the product plus the SELECT 1 floor) on a generated database
of 20,000 articles and 100,000 claims, served in turn by uvicorn and granian with one and two
worker processes. wrk (or the async client) drives the floor, a claims list and an article
read with the same connections for the same time. One-process servers run twice,
A B ... B A around the two-process runs, so drift falls on both alike. Requests/s are reported as
ratios to uvicorn with one worker (how `python -m service serve` runs). The figures are printed
as one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench import common  # noqa: E402
from tests.bench.generate import generate  # noqa: E402

CONNECTIONS = 16
CONFIGS = [("uvicorn", 1), ("granian", 1), ("uvicorn", 2), ("granian", 2)]
# One process each, A B B A around the two-process runs: the comparison that picks the server
# gets two samples each; the two-process runs, one.
ORDER = [("uvicorn", 1), ("granian", 1), ("uvicorn", 2), ("granian", 2), ("granian", 1),
         ("uvicorn", 1)]  # fmt: skip
PATHS = {
    "floor": ["/bench/floor"],
    "claims": [f"/v1/claims?company={c}&year=2025" for c in ("amazon", "meta", "oracle")],
    "article": [f"/v1/articles/{i}" for i in (17, 4_242, 12_345, 19_999)],
}


async def one_server(url: str, server: str, workers: int, seconds: int) -> dict[str, dict]:  # type: ignore[type-arg]
    port = common.free_port()
    # Each worker process has its own pool: keep the database connections the same in total.
    env = common.service_env(url, run_worker="false", db_pool_max=str(max(2, 10 // workers)))
    log = Path(tempfile.mkdtemp(prefix="outlay-bench-")) / f"{server}-{workers}.log"
    proc = common.Process(
        [common.PYTHON, "tests/bench/app.py", server, "--port", str(port), "--workers",
         str(workers)],
        env=env, log=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await common.wait_ready(base, proc)
        for paths in PATHS.values():  # warm every worker's pool and statement cache
            await common.load(base, paths, connections=CONNECTIONS, seconds=1)
        return {
            name: await common.load(base, paths, connections=CONNECTIONS, seconds=seconds)
            for name, paths in PATHS.items()
        }
    finally:
        proc.stop()


async def run(seconds: int) -> dict[tuple[str, int], list[dict]]:  # type: ignore[type-arg]
    runs: dict[tuple[str, int], list[dict]] = {c: [] for c in CONFIGS}  # type: ignore[type-arg]
    async with common.bench_database("outlay_bench_servers") as url:
        await common.migrate(url)
        await generate(url, articles=20_000, claims=100_000, figures=False)
        for server, workers in ORDER:
            result = await one_server(url, server, workers, seconds)
            common.note(f"servers: {server} x{workers} {json.dumps(result)}")
            runs[(server, workers)].append(result)
    return runs


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--seconds", type=int, default=3)
    opts = args.parse_args()
    runs = asyncio.run(run(opts.seconds))
    figures: dict[str, object] = {
        "bench": "servers",
        "client": "wrk" if common.have_wrk() else "httpx",
        "connections": CONNECTIONS,
    }
    base = {name: statistics.fmean(r[name]["rps"] for r in runs[("uvicorn", 1)]) for name in PATHS}
    for (server, workers), results in runs.items():
        for name in PATHS:
            rps = statistics.fmean(r[name]["rps"] for r in results)
            p99 = max(r[name]["p99_ms"] for r in results)
            key = f"{server}{workers}_{name}"
            figures[f"{key}_rps"] = round(rps, 1)
            figures[f"{key}_p99_ms"] = p99
            figures[f"{key}_ratio"] = round(rps / base[name], 3)
    one = [figures[f"granian1_{n}_ratio"] for n in PATHS]
    figures["granian1_over_uvicorn1_mean"] = round(statistics.fmean(one), 3)  # type: ignore[arg-type]
    common.emit(figures)


if __name__ == "__main__":
    main()
