"""A 200,000-claim export streams: the server's memory does not grow with the row count.

The service runs as its own process (the real command line, on 127.0.0.1) so that its
resident memory can be read from /proc while a client downloads the export over HTTP.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.databases import free_port
from tests.support import ROOT

pytestmark = pytest.mark.usefixtures("clean")

SMALL, LARGE = 20_000, 200_000

# Claims of one article, numbered n; no figures are needed for a claims export.
ADD_CLAIMS = """
INSERT INTO claim (article_id, company_id, amount_low, amount_high, currency, year, period,
                   category, status, evidence_text, evidence_start, evidence_end, confidence,
                   extractor_version)
SELECT $1, (SELECT id FROM company WHERE slug = 'amazon'), n * 1000, n * 1000 + 500,
       CASE WHEN n % 3 = 0 THEN 'EUR' ELSE 'USD' END, 2015 + n % 11, 'year', 'capex', 'planned',
       'Amazon plans to spend $' || n || ' thousand on capital expenditure, a filler sentence '
       || 'long enough to look like the evidence a real article would give.', 0, 120, 0.9, 't'
FROM generate_series($2::int, $3::int) AS n
"""


async def add_claims(db: asyncpg.Connection, article: int, first: int, last: int) -> None:
    # Test data only: the rows are valid by construction, so skip the per-row foreign-key
    # triggers that would make loading 200,000 of them the slowest part of the test.
    async with db.transaction():
        await db.execute("SET LOCAL session_replication_role = replica")
        await db.execute(ADD_CLAIMS, article, first, last)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OUTLAY_PORT": str(port),
        "OUTLAY_RUN_WORKER": "false",
        "OUTLAY_PUBLIC_READ": "true",  # the export is read anonymously
        "OUTLAY_PARSE_PROCESSES": "1",
        "OUTLAY_LOG_FORMAT": "json",
        "OUTLAY_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen([sys.executable, "-m", "service", "serve"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def export_peak(base: str, pid: int) -> tuple[int, int]:
    """Rows received, and the server's peak resident memory (KiB) while sending them."""
    peak = rss_kib(pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kib(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    lines = 0
    try:
        with httpx.stream("GET", base + "/v1/claims?format=csv", timeout=120) as response:
            assert response.status_code == 200
            for line in response.iter_lines():
                lines += 1 if line else 0
    finally:
        done.set()
        sampler.join()
    return lines - 1, peak  # less the header


async def test_export_memory_does_not_grow_with_the_count(
    server: tuple[str, int], db: asyncpg.Connection
) -> None:
    base, pid = server
    article = await db.fetchval(
        """INSERT INTO article (url, url_key, source, status, published)
           VALUES ('https://bulk.example.com/', 'https://bulk.example.com/', 'submitted',
                   'parsed', '2025-01-01') RETURNING id"""
    )
    await add_claims(db, article, 1, SMALL)
    rows, small_peak = await asyncio.to_thread(export_peak, base, pid)
    assert rows == SMALL
    await add_claims(db, article, SMALL + 1, LARGE)
    rows, large_peak = await asyncio.to_thread(export_peak, base, pid)
    assert rows == LARGE
    growth_mib = (large_peak - small_peak) / 1024
    print(f"server peak RSS: {small_peak / 1024:.1f} MiB for {SMALL:,} claims, "
          f"{large_peak / 1024:.1f} MiB for {LARGE:,} (growth {growth_mib:.1f} MiB)")  # fmt: skip
    # Ten times the rows: a buffered export would need ~100 MiB more; a streamed one, none.
    assert growth_mib < 16
