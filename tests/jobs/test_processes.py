"""Real service processes: killed mid-job, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.databases import free_port
from tests.fetch.server import Request, Server, page
from tests.jobs.conftest import queue_urls, start, worker_env

Processes = list[subprocess.Popen[bytes]]


async def wait_for(condition, within: float, what: str, logs: list[Path] = ()) -> None:  # type: ignore[no-untyped-def,assignment]
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            told = "\n".join(f"--- {p}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
            raise AssertionError(f"{what} not within {within} s\n{told}")
        await asyncio.sleep(0.05)


async def exited(process: subprocess.Popen[bytes], within: float) -> int:
    deadline = time.monotonic() + within
    while process.poll() is None:
        assert time.monotonic() < deadline, f"process {process.pid} still running"
        await asyncio.sleep(0.05)
    return process.returncode


@pytest.fixture
async def server() -> Server:
    s = await Server().start()
    yield s  # type: ignore[misc]
    await s.close()


async def test_worker_killed_mid_job_the_article_completes_on_another(
    jobs_url: str,
    jdb: asyncpg.Connection,
    server: Server,
    spawn: Processes,
    tmp_path: Path,
    shared: Path,
) -> None:
    html = (shared / "fixtures" / "seed" / "page.html").read_bytes()
    first_hit = asyncio.Event()

    async def article(request: Request, writer: asyncio.StreamWriter) -> None:
        if not first_hit.is_set():
            first_hit.set()
            await asyncio.sleep(3600)  # the worker that asked is killed while it waits
        await page(html)(request, writer)

    url = server.add("/news/capex", article)
    env = worker_env(jobs_url, lease_seconds="1.5")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = [start(spawn, "worker", env, str(log)) for log in logs]
    by_pid = {p.pid: p for p in workers}
    [article_id] = await queue_urls(jdb, url)

    await asyncio.wait_for(first_hit.wait(), 60)
    name = await jdb.fetchval(
        "SELECT worker FROM article_attempt WHERE article_id = $1", article_id
    )
    victim = by_pid[int(name.split(":")[1])]
    os.kill(victim.pid, signal.SIGKILL)
    assert await exited(victim, 10) == -signal.SIGKILL

    async def done() -> bool:
        status = await jdb.fetchval("SELECT status FROM article WHERE id = $1", article_id)
        return status in ("parsed", "failed")

    await wait_for(done, 30, "the article completing on the other worker", logs)
    row = await jdb.fetchrow(
        "SELECT status, attempts, claim_count FROM article WHERE id = $1", article_id
    )
    assert (row["status"], row["attempts"]) == ("parsed", 2)
    history = await jdb.fetch(
        "SELECT attempt, worker, outcome FROM article_attempt WHERE article_id = $1 ORDER BY id",
        article_id,
    )
    assert [(h["attempt"], h["outcome"]) for h in history] == [(1, "lease_expired"), (2, "parsed")]
    assert history[0]["worker"] != history[1]["worker"]
    # Claims stored once: as many rows as the article counts, and no two alike.
    claims = await jdb.fetch(
        "SELECT evidence_start, evidence_end, amount_low, company_id, group_name, year"
        " FROM claim WHERE article_id = $1",
        article_id,
    )
    assert len(claims) == row["claim_count"]
    assert len({tuple(c) for c in claims}) == len(claims)


async def test_sigterm_worker_finishes_or_hands_back_its_jobs(
    jobs_url: str, jdb: asyncpg.Connection, server: Server, spawn: Processes, tmp_path: Path
) -> None:
    arrived: set[str] = set()

    async def quick(request: Request, writer: asyncio.StreamWriter) -> None:
        arrived.add("quick")
        await page(b"<html><body><p>" + b"Quick page. " * 40 + b"</p></body></html>", delay=0.5)(
            request, writer
        )

    async def stuck(request: Request, writer: asyncio.StreamWriter) -> None:
        arrived.add("stuck")
        await asyncio.sleep(3600)

    quick_id, stuck_id = await queue_urls(
        jdb, server.add("/quick", quick), server.add("/stuck", stuck)
    )
    log = tmp_path / "worker.log"
    # A grace period long enough for the quick job to finish on a loaded machine.
    grace = 8
    worker = start(spawn, "worker", worker_env(jobs_url, shutdown_grace=str(grace)), str(log))

    async def both_arrived() -> bool:
        return arrived == {"quick", "stuck"}

    await wait_for(both_arrived, 60, "both fetches", [log])
    stopping = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert await exited(worker, grace + 15) == 0, log.read_text()
    took = time.monotonic() - stopping
    rows = {
        r["id"]: r for r in await jdb.fetch("SELECT id, status, attempts, lease_token FROM article")
    }
    assert rows[quick_id]["status"] == "parsed"  # finished within the grace period
    assert (rows[stuck_id]["status"], rows[stuck_id]["attempts"]) == ("queued", 0)  # handed back
    assert await jdb.fetchval("SELECT count(*) FROM article WHERE status = 'fetching'") == 0
    assert took < grace + 5
    print(f"worker stopped {took:.2f} s after SIGTERM")


async def test_sigterm_api_finishes_requests_in_flight(
    jobs_url: str, jdb: asyncpg.Connection, server: Server, spawn: Processes, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = worker_env(jobs_url, port=str(port), shutdown_grace="2")
    api = start(spawn, "serve", env, str(log))
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def ready() -> bool:
            try:
                return (await http.get("/health/ready")).status_code == 200
            except httpx.TransportError:
                return False

        await wait_for(ready, 60, "the API", [log])
        stuck = server.add("/stuck", lambda _r, _w: asyncio.sleep(3600))
        [stuck_id] = await queue_urls(jdb, stuck)

        async def fetching() -> bool:
            return bool(server.hits("/stuck"))

        await wait_for(fetching, 30, "the worker fetching", [log])
        # A request that cannot finish until we let it: the table it reads is locked.
        locker = await asyncpg.connect(jobs_url)
        lock = locker.transaction()
        await lock.start()
        await locker.execute("LOCK TABLE company IN ACCESS EXCLUSIVE MODE")
        in_flight = asyncio.create_task(http.get("/v1/companies"))
        await asyncio.sleep(0.3)
        api.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.7)
        assert api.poll() is None, "the API quit with a request in flight"
        assert not in_flight.done()
        await lock.rollback()
        await locker.close()
        response = await in_flight
        assert response.status_code == 200
        # uvicorn re-raises the SIGTERM once it has shut down cleanly, as supervisors expect.
        assert await exited(api, 15) in (0, -signal.SIGTERM), log.read_text()
        assert "handing back unfinished jobs" in log.read_text()
    row = await jdb.fetchrow("SELECT status, lease_token FROM article WHERE id = $1", stuck_id)
    assert row["status"] == "queued"
    assert row["lease_token"] is None
    assert await jdb.fetchval("SELECT count(*) FROM article WHERE status = 'fetching'") == 0
