"""Reads at scale: 200,000 articles and 1,000,000 claims, four read endpoints against a floor.

    .venv/bin/python tests/bench/reads.py [--articles N] [--claims M] [--seconds S]
        [--endpoints NAME ...]

generate.py loads the data by COPY (budget: under 2 minutes). The product's app, plus a
`/bench/floor` route that runs SELECT 1 through the same pool and serialiser (tests/bench/app.py),
is served by uvicorn as `python -m service serve` does, without a worker. wrk (or an async
client when wrk is missing) drives each endpoint with the same connections for the same time,
cycling through popular and rare values; every endpoint's requests/s is reported as a ratio to
the floor's, measured in the same run. Budgets: totals p99 < 25 ms; list endpoints >= 0.5 of
the floor's requests/s. The figures are printed as one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench import common  # noqa: E402
from tests.bench.generate import generate  # noqa: E402

CONNECTIONS = 4
ENDPOINTS = ("totals", "claims_company_year", "articles_q", "articles_company")
LISTS = ("claims_company_year", "articles_q", "articles_company")
SLOW_S = 0.25
SLICES = 4
PROBES = 5


async def query_values(url: str) -> dict[str, list[str]]:
    """Values to ask for, read from the documented tables: popular, middling and rare."""
    conn = await asyncpg.connect(url)
    try:
        ranked = await conn.fetch(
            """SELECT co.slug, count(*) AS n FROM claim c JOIN company co ON co.id = c.company_id
               GROUP BY co.slug ORDER BY n DESC"""
        )
        slugs = [r["slug"] for r in ranked]
        picks = [slugs[0], slugs[2], slugs[len(slugs) // 4], slugs[len(slugs) // 2], slugs[-1]]
        words = await conn.fetch(
            """SELECT word, ndoc FROM ts_stat($$SELECT search FROM article WHERE id % 50 = 0$$)
               WHERE length(word) > 4 ORDER BY ndoc DESC LIMIT 2000"""
        )
        terms = [words[i]["word"] for i in (5, 50, 200, 800, 1500) if i < len(words)]
    finally:
        await conn.close()
    return {"companies": picks, "terms": terms}


def endpoint_paths(values: dict[str, list[str]]) -> dict[str, list[str]]:
    companies, terms = values["companies"], values["terms"]
    years = (2023, 2024, 2025, 2026)
    return {
        "floor": ["/bench/floor"],
        # Figures come in several currencies: the sum a reader asks for is in one (USD). The
        # questions a chart asks: every company by year, one year's ranking, the series of
        # a few companies, spending by category.
        "totals": [
            "/v1/totals?group_by=company,year&currency=USD",
            "/v1/totals?group_by=company&year=2025&status=planned&currency=USD",
            f"/v1/totals?group_by=year&company={','.join(companies[:4])}&currency=USD",
            "/v1/totals?group_by=category,year&year_from=2022&currency=USD",
        ],
        "claims_company_year": [
            f"/v1/claims?company={c}&year={y}" for c in companies for y in years
        ],
        "articles_q": [f"/v1/articles?q={t}" for t in terms],
        "articles_company": [f"/v1/articles?company={c}" for c in companies],
    }


async def probe(base: str, paths: list[str], *, count: int = PROBES) -> dict[str, float]:
    """A few requests one after another, each allowed a minute: how slow is one request?"""
    times, errors = [], 0
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:
        for i in range(count):
            path = paths[i % len(paths)]
            started = time.perf_counter()
            response = await client.get(path)
            times.append(time.perf_counter() - started)
            errors += response.status_code >= 400
    figures = common.latency_figures(times)
    return {
        "rps": round(len(times) / sum(times), 2),
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["max_ms"],
        "errors": errors,
        "probe_only": True,
    }


async def measure(base: str, paths: dict[str, list[str]], seconds: int) -> dict[str, dict]:  # type: ignore[type-arg]
    """Each endpoint in SLICES short runs alternating with the floor's, so both see the same
    machine: its ratio is its requests over the floor's requests in the slices around it."""
    results: dict[str, dict] = {}  # type: ignore[type-arg]
    floor = paths["floor"]
    first_floor = await common.load(base, floor, connections=CONNECTIONS, seconds=2)
    for name, group in paths.items():
        if name == "floor":
            continue
        # Kept answers (totals) are computed on the first request, as on a server that has
        # been answering: every path is asked once before the probe. What a request costs
        # when nothing is kept is measured apart (uncached_totals).
        for path in group:
            await probe(base, [path], count=1)
        # An endpoint slower than SLOW_S a request is not put under load: its probe is the figure.
        probed = await probe(base, group)
        if probed["p99_ms"] > SLOW_S * 1000:
            ratio = probed["rps"] / first_floor["rps"] if first_floor["rps"] else float("nan")
            results[name] = {**probed, "floor_rps": first_floor["rps"], "ratio": round(ratio, 4)}
            common.note(f"reads: {name} too slow for load, probe only {json.dumps(probed)}")
            continue
        await common.load(base, group, connections=CONNECTIONS, seconds=1)  # warm
        slice_s = max(1, seconds // SLICES)
        ours, floors = [], []
        for _ in range(SLICES):
            floors.append(await common.load(base, floor, connections=CONNECTIONS, seconds=slice_s))
            ours.append(await common.load(base, group, connections=CONNECTIONS, seconds=slice_s))
        floor_rps = statistics.fmean(f["rps"] for f in floors)
        rps = statistics.fmean(o["rps"] for o in ours)
        results[name] = {
            "rps": round(rps, 1),
            "p50_ms": statistics.median(o["p50_ms"] for o in ours),
            "p99_ms": max(o["p99_ms"] for o in ours),
            "errors": sum(o["errors"] + o.get("timeouts", 0) for o in ours),
            "floor_rps": round(floor_rps, 1),
            "floor_p99_ms": max(f["p99_ms"] for f in floors),
            "ratio": round(rps / floor_rps, 3) if floor_rps else float("nan"),
        }
        common.note(f"reads: {name} {json.dumps(results[name])}")
    return results


async def run(
    articles: int, claims: int, seconds: int, endpoints: Sequence[str] = ENDPOINTS
) -> dict[str, object]:
    totals = "totals" in endpoints
    async with common.bench_database("outlay_bench_reads") as url:
        await common.migrate(url)
        loaded = await generate(url, articles=articles, claims=claims, figures=totals)
        common.note(f"reads: loaded {json.dumps(loaded)}")
        values = await query_values(url)
        paths = {
            name: group
            for name, group in endpoint_paths(values).items()
            if name == "floor" or name in endpoints
        }
        async with serving(url, "reads") as base:
            results = await measure(base, paths, seconds)
        if totals:
            # What a totals request costs when nothing is kept: the first after a store.
            async with serving(url, "uncached", totals_cache="false") as base:
                uncached = await probe(base, paths["totals"], count=2 * len(paths["totals"]))
            common.note(f"reads: totals uncached {json.dumps(uncached)}")
            results["totals_uncached"] = uncached
    return {"loaded": loaded, "values": values, "results": results}


@contextlib.asynccontextmanager
async def serving(url: str, name: str, **settings: str) -> AsyncIterator[str]:
    """The benchmark's app on a free port, without a worker; its base URL."""
    port = common.free_port()
    env = common.service_env(url, run_worker="false", **settings)
    log = Path(tempfile.mkdtemp(prefix="outlay-bench-")) / f"{name}.log"
    server = common.Process(
        [common.PYTHON, "tests/bench/app.py", "uvicorn", "--port", str(port)], env=env, log=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await common.wait_ready(base, server)
        yield base
    finally:
        server.stop()


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--articles", type=int, default=200_000)
    args.add_argument("--claims", type=int, default=1_000_000)
    args.add_argument("--seconds", type=int, default=8)
    args.add_argument("--endpoints", nargs="+", choices=ENDPOINTS, default=list(ENDPOINTS))
    opts = args.parse_args()
    out = asyncio.run(run(opts.articles, opts.claims, opts.seconds, opts.endpoints))
    results = out["results"]
    figures: dict[str, object] = {
        "bench": "reads",
        "articles": opts.articles,
        "claims": opts.claims,
        "client": "wrk" if common.have_wrk() else "httpx",
        "connections": CONNECTIONS,
        "load_s": out["loaded"]["load_s"],  # type: ignore[index]
        "budget_load_lt_120s": out["loaded"]["load_s"] < 120,  # type: ignore[index]
        "figures": out["loaded"].get("figures"),  # type: ignore[union-attr]
        "figures_s": out["loaded"].get("figures_s"),  # type: ignore[union-attr]
    }
    for name, r in results.items():  # type: ignore[union-attr]
        if r.get("probe_only") and name == "totals_uncached":
            figures["totals_uncached_p50_ms"] = r["p50_ms"]
            figures["totals_uncached_max_ms"] = r["p99_ms"]
            continue
        for key in ("rps", "p50_ms", "p99_ms", "floor_rps", "floor_p99_ms", "ratio"):
            if key in r:
                figures[f"{name}_{key}"] = r[key]
        if r["errors"]:
            figures[f"{name}_errors"] = r["errors"]
        if r.get("probe_only"):
            figures[f"{name}_probe_only"] = True
    if "totals" in results:  # type: ignore[operator]
        figures["budget_totals_p99_lt_25ms"] = (
            results["totals"]["p99_ms"] < 25 and not results["totals"]["errors"]  # type: ignore[index]
        )
    # An endpoint that answered errors (a 429, a 400) measured the error path: no budget.
    lists = [n for n in LISTS if n in results]  # type: ignore[operator]
    if lists:
        figures["budget_lists_ge_half_floor"] = all(
            results[n]["ratio"] >= 0.5 and not results[n]["errors"]  # type: ignore[index]
            for n in lists
        )
    common.emit(figures)


if __name__ == "__main__":
    main()
