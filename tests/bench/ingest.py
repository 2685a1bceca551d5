"""Ingestion through the real pipeline, next to parsing alone; reads while it runs.

    .venv/bin/python tests/bench/ingest.py [--rounds N]

1. The 181 pages of shared/bench/article-extraction (decompressed) and the dev articles
   (rendered as HTML) are served from 127.0.0.1. `python -m service serve` with the worker's
   default settings fetches, parses, extracts and stores all of them after one batch POST;
   its articles/s is set against trafilatura alone over the same pages in a process pool of
   the same size (budget >= 0.85), and against Outlay's own parse + extract in that pool.
2. The same pool times parse() and extract() on every page: extraction must stay under 10%
   of parse time.
3. While the pipeline runs, a client reads the API (lists, an article, claims, totals) about
   twenty times a second: p99 must stay under 50 ms.

The machine is shared and noisy: pools are warmed before they are timed, trafilatura and
Outlay alternate in the pool every few pages, the pool runs once before and once after the
pipeline (which takes the pages `rounds` times), and the two are averaged. The figures are
printed as one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import functools
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.jobs.runner import lower_priority  # noqa: E402
from tests.bench import common  # noqa: E402
from tests.bench.body_quality import render_dev  # noqa: E402

DEFAULT_ROUNDS = 2
READ_INTERVAL = 0.05  # seconds between reads: about 20 requests/s
POOL = os.cpu_count() or 1  # the worker's default: OUTLAY_PARSE_PROCESSES unset, one per core
CHUNK = 24  # pages per alternation between trafilatura and Outlay in the pool


def pages(shared: Path) -> dict[str, bytes]:
    """File name -> page bytes, as the page server will serve them."""
    found: dict[str, bytes] = {}
    bench = shared / "bench" / "article-extraction" / "html"
    for path in sorted(bench.glob("*.html.gz")):
        found[path.name.removesuffix(".gz")] = gzip.decompress(path.read_bytes())
    for path in sorted((shared / "eval" / "claims-dev").glob("*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        found[f"dev-{path.stem}.html"] = render_dev(article).encode("utf-8")
    return found


# -- in the process pool ------------------------------------------------------------------


@functools.cache
def _registry() -> object:
    from service.companies.registry import load_registry  # noqa: PLC0415

    return load_registry()


def _warm(_: int) -> None:
    import trafilatura  # noqa: PLC0415

    from service.articles.parse import parse  # noqa: PLC0415

    trafilatura.extract("<html><body><p>warm</p></body></html>")
    parse("<html><body><p>warm</p></body></html>")
    _registry()


# The pages are UTF-8 (the page server sends them as they are); both sides read them alike.


def _trafilatura(path: str) -> float:
    import trafilatura  # noqa: PLC0415

    started = time.perf_counter()
    html = Path(path).read_text(encoding="utf-8", errors="replace")
    trafilatura.extract(html, include_comments=False)
    return time.perf_counter() - started


def _outlay(path: str) -> tuple[float, float, int]:
    """(parse s, extract s, claims) for one page, as the worker's analysis runs them."""
    from service.articles.parse import parse  # noqa: PLC0415
    from service.claims.extract import extract  # noqa: PLC0415

    started = time.perf_counter()
    html = Path(path).read_text(encoding="utf-8", errors="replace")
    parsed = parse(html)
    parsed_at = time.perf_counter()
    found = (
        extract(
            parsed.text, published=parsed.published, language=parsed.language,
            registry=_registry(),
        )
        if parsed.text
        else []
    )  # fmt: skip
    return parsed_at - started, time.perf_counter() - parsed_at, len(found)


def pool_phases(paths: list[str], rounds: int) -> dict[str, object]:
    """trafilatura alone and Outlay's parse + extract over the same pages in the same pool,
    alternating in chunks so that both meet the same load on a shared machine."""
    chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
    trafilatura_s = outlay_s = 0.0
    timings: list[tuple[str, tuple[float, float, int]]] = []
    # At the worker's CPU priority: the pipeline's parse processes run niced, and on a shared
    # machine a pool at normal priority would take the CPU others leave it and flatter the
    # baseline (same code measured 0.29 under load 3-5 against 0.35 on a quiet machine).
    with ProcessPoolExecutor(POOL, initializer=lower_priority) as pool:
        list(pool.map(_warm, range(POOL * 2)))
        for _ in range(rounds):
            for chunk in chunks:
                started = time.perf_counter()
                list(pool.map(_trafilatura, chunk))
                trafilatura_s += time.perf_counter() - started
                started = time.perf_counter()
                timings.extend(zip(chunk, pool.map(_outlay, chunk), strict=True))
                outlay_s += time.perf_counter() - started
    n = len(paths) * rounds
    parse_s = [t[0] for _, t in timings]
    extract_s = [t[1] for _, t in timings]
    # The dev articles are short and dense with claims: extraction weighs most there.
    dev = [t for path, t in timings if "/dev-" in path]
    return {
        "trafilatura_pages_per_s": round(n / trafilatura_s, 2),
        "outlay_pages_per_s": round(n / outlay_s, 2),
        "parse_ms_mean": round(statistics.fmean(parse_s) * 1000, 2),
        "extract_ms_mean": round(statistics.fmean(extract_s) * 1000, 2),
        "extract_ms_p90": round(common.percentile(extract_s, 90) * 1000, 2),
        "extract_share_of_parse": round(sum(extract_s) / sum(parse_s), 3),
        "extract_share_max_page": round(
            max(e / p for p, e, _ in (t for _, t in timings) if p > 0), 3
        ),
        "extract_share_of_parse_dev": round(sum(t[1] for t in dev) / sum(t[0] for t in dev), 3)
        if dev
        else None,
        "claims_per_page": round(statistics.fmean(t[2] for _, t in timings), 2),
    }


def merge_pool(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    """The pool figures measured before and after the pipeline, averaged: they bracket it."""
    merged: dict[str, object] = {}
    for key, value in before.items():
        other = after[key]
        if isinstance(value, float | int) and isinstance(other, float | int):
            merged[key] = round((value + other) / 2, 3)
        else:
            merged[key] = value
    return merged


# -- the pipeline -------------------------------------------------------------------------


async def reader(client: httpx.AsyncClient, stop: asyncio.Event, latencies: list[float]) -> None:
    """What a dashboard does while articles come in; each request timed from send to body."""
    paths = [
        "/v1/articles?limit=20",
        "/v1/claims?limit=20",
        "/v1/totals?group_by=company,year&currency=USD",
        "/v1/articles/1",
        "/v1/claims?company=amazon&year=2025",
        "/v1/articles?status=parsed&limit=50",
        "/v1/companies/microsoft",
        "/health/live",
    ]
    i = 0
    deadline = time.monotonic() + 900  # bounded: never more than 15 minutes of reads
    while not stop.is_set() and time.monotonic() < deadline:
        started = time.perf_counter()
        response = await client.get(paths[i % len(paths)])
        await response.aread()
        latencies.append(time.perf_counter() - started)
        i += 1
        await asyncio.sleep(READ_INTERVAL)


async def pending(client: httpx.AsyncClient) -> int:
    total = 0
    for status in ("queued", "fetching"):
        body = (await client.get("/v1/articles", params={"status": status, "limit": 200})).json()
        total += len(body["items"])
    return total


async def drain(client: httpx.AsyncClient, urls: list[str], timeout: float) -> float:
    """Submit `urls` in batches and wait until none is queued or being fetched; seconds taken."""
    started = time.perf_counter()
    for i in range(0, len(urls), 1000):
        response = await client.post("/v1/articles/batch", json={"urls": urls[i : i + 1000]})
        response.raise_for_status()
        assert response.json()["created"] == len(urls[i : i + 1000]), response.text[:500]
    deadline = time.monotonic() + timeout
    while await pending(client):
        if time.monotonic() > deadline:
            raise RuntimeError(f"ingestion did not finish in {timeout} s")
        await asyncio.sleep(0.25)
    return time.perf_counter() - started


async def pipeline(names: list[str], folder: Path, rounds: int) -> dict[str, object]:
    async with common.bench_database("outlay_bench_ingest") as url:
        await common.migrate(url)
        key = await common.api_key(url)
        port = common.free_port()
        env = common.service_env(
            url, port=str(port), fetch_allow="127.0.0.1/32", fetch_ports="1024-65535"
        )
        log = Path(tempfile.mkdtemp(prefix="outlay-bench-")) / "serve.log"
        server = common.Process([common.PYTHON, "-m", "service", "serve"], env=env, log=log)
        base = f"http://127.0.0.1:{port}"
        try:
            await common.wait_ready(base, server)
            with common.page_server(folder) as site:
                async with httpx.AsyncClient(
                    base_url=base, timeout=30, trust_env=False,
                    headers={"Authorization": f"Bearer {key}"},
                ) as client:  # fmt: skip
                    # Warm-up: the pool's processes start and import on their first pages.
                    warm = [f"{site}/{n}?warm=1" for n in names if n.startswith("dev-")]
                    await drain(client, warm, timeout=120)
                    urls = [f"{site}/{n}?round={r}" for r in range(rounds) for n in names]
                    stop, latencies = asyncio.Event(), []
                    serving = server.pid
                    ledger = common.CpuLedger(
                        {
                            "api_and_worker": lambda: [serving],
                            "parse_pool": lambda: common.descendants(serving),
                            "postgres": common.postgres_pids,
                            "page_server": lambda: [site.pid],
                            "bench_client": lambda: [os.getpid()],
                        }
                    )
                    reading = asyncio.create_task(reader(client, stop, latencies))
                    elapsed = await drain(client, urls, timeout=600)
                    stop.set()
                    await reading
                    cpu = ledger.spent()
                    counts: dict[str, int] = {}
                    for status in ("parsed", "failed"):
                        cursor, n = None, 0
                        while True:
                            params = {"status": status, "limit": 200}
                            if cursor:
                                params["cursor"] = cursor
                            body = (await client.get("/v1/articles", params=params)).json()
                            n += len(body["items"])
                            cursor = body["next_cursor"]
                            if not cursor:
                                break
                        counts[status] = n
        finally:
            server.stop()
    return {
        "articles": len(urls),
        "elapsed_s": round(elapsed, 1),
        "articles_per_s": round(len(urls) / elapsed, 2),
        "parsed": counts["parsed"] - len(warm),
        "failed": counts["failed"],
        "reads": common.latency_figures(latencies),
        # CPU milliseconds per article, by who spent them (PostgreSQL counts every database
        # on the server, so other work on the machine shows there too).
        "cpu_ms_per_article": {k: round(1000 * v / len(urls), 1) for k, v in cpu.items()},
    }


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    opts = args.parse_args()
    shared = common.shared_dir()
    folder = Path(tempfile.mkdtemp(prefix="outlay-bench-pages-"))
    atexit.register(shutil.rmtree, folder, True)  # the pages go; the servers' logs stay
    served = pages(shared)
    for name, body in served.items():
        (folder / name).write_bytes(body)
    names = sorted(served)
    paths = [str(folder / n) for n in names]
    common.note(f"ingest: {len(names)} pages x {opts.rounds} rounds, pool of {POOL}")

    # Parse-only throughput before and after the pipeline, so the two bracket it in time.
    before = pool_phases(paths, 1)
    common.note(f"ingest: pool before {json.dumps(before)}")
    piped = asyncio.run(pipeline(names, folder, opts.rounds))
    common.note(f"ingest: pipeline {json.dumps(piped)}")
    after = pool_phases(paths, 1)
    common.note(f"ingest: pool after {json.dumps(after)}")
    pool = merge_pool(before, after)

    ratio = piped["articles_per_s"] / pool["trafilatura_pages_per_s"]  # type: ignore[operator]
    own = piped["articles_per_s"] / pool["outlay_pages_per_s"]  # type: ignore[operator]
    reads = piped["reads"]
    common.emit(
        {
            "bench": "ingest",
            "pages": len(names),
            "rounds": opts.rounds,
            "pool": POOL,
            **{k: v for k, v in piped.items() if k != "reads"},
            **pool,
            "ratio_to_trafilatura": round(ratio, 3),
            "ratio_to_outlay_parse": round(own, 3),
            "budget_ingest_ratio_ge_0_85": ratio >= 0.85,
            "budget_extract_lt_10pct_of_parse": pool["extract_share_of_parse"] < 0.10,  # type: ignore[operator]
            "reads_n": reads["n"],  # type: ignore[index]
            "reads_p50_ms": reads["p50_ms"],  # type: ignore[index]
            "reads_p99_ms": reads["p99_ms"],  # type: ignore[index]
            "reads_max_ms": reads["max_ms"],  # type: ignore[index]
            "budget_reads_p99_lt_50ms": reads["p99_ms"] < 50,  # type: ignore[index]
        }
    )


if __name__ == "__main__":
    main()
