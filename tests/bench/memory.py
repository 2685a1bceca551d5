"""Worker memory across 10,000 ingested articles.

    .venv/bin/python tests/bench/memory.py [--articles N]

`python -m service worker` (default settings) ingests N articles fetched from 127.0.0.1,
submitted through the API of a separate `serve` without a worker. Pages are the dev articles
rendered as HTML with varied numbers, names and paragraphs, and one in fifty of the
benchmark's real pages (served under a new URL each time). The worker's resident memory (its
own process, and with its parse processes) is sampled every half second against the count of
finished articles. Budget: under 400 MB throughout; a leak shows as growth between the first
and the last thousand articles. The figures are printed as one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench import common  # noqa: E402
from tests.bench.body_quality import render_dev  # noqa: E402
from tests.bench.ingest import pages  # noqa: E402

BUDGET_MB = 400
DEADLINE_S = 900  # bounded: on a crowded machine the figures cover the articles done by then
SPENDERS = ("Amazon", "Microsoft", "Alphabet", "Meta", "Oracle", "TSMC", "Alibaba", "Tencent")


def write_pages(folder: Path, count: int, shared: Path) -> list[str]:
    """`count` distinct pages in `folder`; returns their file names in submission order."""
    rnd = random.Random(11)
    real = pages(shared)
    bench_pages = [n for n in sorted(real) if not n.startswith("dev-")]
    for name in bench_pages:
        (folder / name).write_bytes(real[name])
    devs = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((shared / "eval" / "claims-dev").glob("*.json"))
    ]
    names: list[str] = []
    for i in range(count):
        if i % 50 == 49:
            names.append(f"{bench_pages[i % len(bench_pages)]}?n={i}")
            continue
        article = dict(devs[i % len(devs)])
        spender = rnd.choice(SPENDERS)
        extra = (
            f"{spender} said on day {i} it plans to spend ${rnd.randint(2, 120)} billion on "
            f"data centres in {rnd.choice((2025, 2026, 2027))}, article number {i}."
        )
        article["title"] = f"{article.get('title') or 'Spending'} ({i})"
        article["text"] = f"{extra}\n{article.get('text') or ''}"
        name = f"gen-{i}.html"
        (folder / name).write_text(render_dev(article), encoding="utf-8")
        names.append(name)
    return names


async def sample(pid: int, url: str, stop: asyncio.Event,
                 out: list[tuple[int, float, float, float]]) -> None:  # fmt: skip
    """(articles finished, worker RSS, worker + pool RSS, worker + pool PSS) in MB, every
    half second."""
    conn = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            done = await conn.fetchval(
                "SELECT count(*) FROM article WHERE status IN ('parsed', 'failed')"
            )
            own = common.rss_mb(pid)
            children = common.descendants(pid)
            total = own + sum(common.rss_mb(c) for c in children)
            pss = common.pss_mb(pid) + sum(common.pss_mb(c) for c in children)
            out.append((done, own, total, pss))
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def run(count: int) -> dict[str, object]:
    shared = common.shared_dir()
    folder = Path(tempfile.mkdtemp(prefix="outlay-bench-pages-"))
    atexit.register(shutil.rmtree, folder, True)  # the pages go; the servers' logs stay
    names = write_pages(folder, count, shared)
    logs = Path(tempfile.mkdtemp(prefix="outlay-bench-"))
    async with common.bench_database("outlay_bench_memory") as url:
        await common.migrate(url)
        key = await common.api_key(url)
        port = common.free_port()
        api = common.Process(
            [common.PYTHON, "-m", "service", "serve"],
            env=common.service_env(url, port=str(port), run_worker="false"),
            log=logs / "api.log",
        )
        worker = common.Process(
            [common.PYTHON, "-m", "service", "worker"],
            env=common.service_env(url, fetch_allow="127.0.0.1/32", fetch_ports="1024-65535"),
            log=logs / "worker.log",
        )
        base = f"http://127.0.0.1:{port}"
        samples: list[tuple[int, float, float, float]] = []
        try:
            await common.wait_ready(base, api)
            with common.page_server(folder) as site:
                async with httpx.AsyncClient(
                    base_url=base, timeout=60, trust_env=False,
                    headers={"Authorization": f"Bearer {key}"},
                ) as client:  # fmt: skip
                    stop = asyncio.Event()
                    sampler = asyncio.create_task(sample(worker.pid, url, stop, samples))
                    started = time.perf_counter()
                    urls = [f"{site}/{n}" for n in names]
                    for i in range(0, len(urls), 1000):
                        r = await client.post(
                            "/v1/articles/batch", json={"urls": urls[i : i + 1000]}
                        )
                        r.raise_for_status()
                    deadline = time.monotonic() + DEADLINE_S
                    while (samples[-1][0] if samples else 0) < count:
                        if not worker.alive():
                            raise RuntimeError(f"the worker exited:\n{worker.tail()}")
                        if time.monotonic() > deadline:
                            # A crowded machine: report on the articles done, and say so.
                            common.note(f"memory: deadline reached at {samples[-1][0]} articles")
                            break
                        await asyncio.sleep(1)
                    elapsed = time.perf_counter() - started
                    stop.set()
                    await sampler
        finally:
            worker.stop()
            api.stop()
    return {"samples": samples, "elapsed": elapsed}


def window(samples: list[tuple[int, float, float, float]], lo: int, hi: int, k: int) -> float:
    values = [s[k] for s in samples if lo <= s[0] < hi]
    return round(statistics.fmean(values), 1) if values else float("nan")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--articles", type=int, default=10_000)
    opts = args.parse_args()
    wanted = opts.articles
    out = asyncio.run(run(wanted))
    samples = out["samples"]  # type: ignore[assignment]
    n = max(s[0] for s in samples)
    thousand = min(1000, n // 5)
    first_own, last_own = window(samples, 0, thousand, 1), window(samples, n - thousand, n + 1, 1)
    first_all, last_all = window(samples, 0, thousand, 2), window(samples, n - thousand, n + 1, 2)
    first_pss, last_pss = window(samples, 0, thousand, 3), window(samples, n - thousand, n + 1, 3)
    peak_own = max(s[1] for s in samples)
    peak_all = max(s[2] for s in samples)
    peak_pss = max(s[3] for s in samples)
    common.emit(
        {
            "bench": "memory",
            "articles": n,
            "complete": n >= wanted,
            "elapsed_s": round(out["elapsed"], 1),  # type: ignore[arg-type]
            "articles_per_s": round(n / out["elapsed"], 2),  # type: ignore[operator]
            "samples": len(samples),
            "worker_first_mb": first_own,
            "worker_last_mb": last_own,
            "worker_growth_mb": round(last_own - first_own, 1),
            "worker_peak_mb": round(peak_own, 1),
            "with_pool_first_mb": first_all,
            "with_pool_last_mb": last_all,
            "with_pool_growth_mb": round(last_all - first_all, 1),
            "with_pool_peak_mb": round(peak_all, 1),
            "with_pool_pss_first_mb": first_pss,
            "with_pool_pss_last_mb": last_pss,
            "with_pool_pss_growth_mb": round(last_pss - first_pss, 1),
            "with_pool_pss_peak_mb": round(peak_pss, 1),
            # The curve: growth that levels off is warm-up, growth that keeps on is a leak.
            "worker_by_thousand_mb": [
                window(samples, lo, lo + thousand, 1) for lo in range(0, n, thousand)
            ],
            "with_pool_pss_by_thousand_mb": [
                window(samples, lo, lo + thousand, 3) for lo in range(0, n, thousand)
            ],
            "budget_worker_lt_400mb": peak_own < BUDGET_MB,
            "budget_with_pool_pss_lt_400mb": peak_pss < BUDGET_MB,
            "with_pool_rss_sum_lt_400mb": peak_all < BUDGET_MB,
        }
    )


if __name__ == "__main__":
    main()
