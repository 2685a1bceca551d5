"""The queue and the worker loop, in-process, on a database of their own."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import asyncpg
import pytest

from service import db
from service.articles import ingest
from service.articles import queries as articles
from service.jobs import queue
from service.jobs.worker import Worker
from tests.jobs.conftest import job_settings, queue_urls

POLICY = queue.RetryPolicy(max_attempts=3, base_delay=10, max_delay=100)


async def finish(conn: asyncpg.Connection, job: queue.Job) -> bool:
    """What a successful pipeline does to the row, minus the pipeline: lease-guarded."""
    async with conn.transaction():
        status = await conn.execute(
            "UPDATE article SET status = 'parsed', lease_token = NULL, lease_expires_at = NULL"
            " WHERE id = $1 AND lease_token = $2",
            job.article_id,
            job.lease,
        )
        if status.endswith(" 1"):
            await queue.close_parsed(conn, job.lease)
            return True
    return False


async def test_2000_articles_8_workers_each_processed_exactly_once(
    jobs_url: str, jdb: asyncpg.Connection
) -> None:
    await jdb.execute(
        """INSERT INTO article (url, url_key, source)
           SELECT 'https://example.com/' || i, 'https://example.com/' || i, 'fetch'
           FROM generate_series(1, 2000) i"""
    )
    settings = job_settings(jobs_url, worker_concurrency=4, poll_interval=0.1)
    handled: list[tuple[int, str]] = []
    workers: list[Worker] = []
    pools = [await db.create_pool(jobs_url, min_size=1, max_size=6) for _ in range(8)]
    try:
        for i, pool in enumerate(pools):  # eight workers, each on connections of its own

            def make(pool: asyncpg.Pool, name: str):  # type: ignore[no-untyped-def]
                async def handle(job: queue.Job) -> None:
                    handled.append((job.article_id, name))
                    await asyncio.sleep(0)
                    async with pool.acquire() as conn:
                        assert await finish(conn, job)

                return handle

            workers.append(
                Worker(pool=pool, handle=make(pool, f"w{i}"), settings=settings, name=f"w{i}")
            )
        started = time.monotonic()
        for worker in workers:
            worker.start()
        while await jdb.fetchval("SELECT count(*) FROM article WHERE status <> 'parsed'"):
            assert time.monotonic() - started < 120, "the queue did not drain"
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*(w.task for w in workers if w.task))
        for pool in pools:
            await pool.close()

    counts = Counter(article_id for article_id, _ in handled)
    assert len(counts) == 2000
    assert set(counts.values()) == {1}  # none twice
    assert len({name for _, name in handled}) == 8  # all eight took part
    attempts = await jdb.fetch(
        "SELECT article_id, count(*) AS n, min(worker) AS worker FROM article_attempt"
        " GROUP BY article_id"
    )
    assert len(attempts) == 2000
    assert {r["n"] for r in attempts} == {1}  # one claim each
    assert await jdb.fetchval("SELECT max(attempts) FROM article") == 1
    assert (
        await jdb.fetchval("SELECT count(*) FROM article_attempt WHERE outcome = 'parsed'") == 2000
    )
    print(f"2000 articles, 8 workers: {elapsed:.1f} s")


async def test_a_stale_workers_late_write_changes_nothing(
    jobs_url: str, jdb: asyncpg.Connection
) -> None:
    [article_id] = await queue_urls(jdb, "https://example.com/stale")
    [old] = await queue.claim(jdb, limit=1, lease_seconds=60, worker="old")
    # The old worker stalls; its lease runs out and another worker takes the article.
    await jdb.execute("UPDATE article SET lease_expires_at = now() - interval '1 s'")
    assert await queue.reap(jdb, max_attempts=5) == 1
    [new] = await queue.claim(jdb, limit=1, lease_seconds=60, worker="new")
    assert (new.article_id, new.attempt) == (article_id, 2)
    assert new.lease != old.lease
    before = dict(await jdb.fetchrow("SELECT * FROM article WHERE id = $1", article_id))
    history = [dict(r) for r in await jdb.fetch("SELECT * FROM article_attempt ORDER BY id")]

    # Everything the old worker could still say, with its old lease:
    assert not await articles.set_fetched(
        jdb, article_id=article_id, lease=old.lease, raw=b"x", encoding=None
    )
    assert not await queue.fail(jdb, old, code="http_error", message="late")
    assert not await queue.retry(jdb, old, code="timeout", message="late", delay=0)
    assert not await queue.release(jdb, old)
    assert (
        await queue.settle_failure(
            jdb, old, code="timeout", message="late", permanent=False, policy=POLICY
        )
        == "lost"
    )
    result = ingest.Analysis(
        parsed=ingest.Parsed(title="late", text="late", language="en", published=None, authors=[]),
        published=None,
        claims=[],
        body_hash=None,
        canonical_url=None,
        extractor_version="x",
    )
    assert not await ingest.store(jdb, article_id=article_id, lease=old.lease, result=result)
    assert not await queue.renew(jdb, old, lease_seconds=60)

    after = dict(await jdb.fetchrow("SELECT * FROM article WHERE id = $1", article_id))
    assert after == before
    assert [
        dict(r) for r in await jdb.fetch("SELECT * FROM article_attempt ORDER BY id")
    ] == history
    assert [r["outcome"] for r in history] == ["lease_expired", None]
    # The new worker's writes still count.
    assert await finish(jdb, new)


async def test_expired_leases_go_back_to_the_queue_until_attempts_run_out(
    jdb: asyncpg.Connection,
) -> None:
    [article_id] = await queue_urls(jdb, "https://example.com/poison")
    for attempt in range(1, 4):
        [job] = await queue.claim(jdb, limit=1, lease_seconds=60, worker="w")
        assert job.attempt == attempt
        await jdb.execute("UPDATE article SET lease_expires_at = now() - interval '1 s'")
        await queue.reap(jdb, max_attempts=3)
    row = await jdb.fetchrow("SELECT status, error_code FROM article WHERE id = $1", article_id)
    assert (row["status"], row["error_code"]) == ("failed", "lease_expired")
    outcomes = await jdb.fetch("SELECT outcome FROM article_attempt ORDER BY id")
    assert [r["outcome"] for r in outcomes] == ["lease_expired"] * 3


async def test_transient_failures_back_off_then_fail_and_every_error_is_kept(
    jdb: asyncpg.Connection,
) -> None:
    [article_id] = await queue_urls(jdb, "https://example.com/flaky")
    delays = []
    for attempt in range(1, 4):
        await jdb.execute("UPDATE article SET run_at = now() WHERE id = $1", article_id)
        [job] = await queue.claim(jdb, limit=1, lease_seconds=60, worker="w")
        status = await queue.settle_failure(
            jdb, job, code="timeout", message=f"slow {attempt}", permanent=False, policy=POLICY
        )
        row = await jdb.fetchrow(
            "SELECT status, extract(epoch FROM run_at - now()) AS wait FROM article WHERE id = $1",
            article_id,
        )
        assert status == row["status"] == ("queued" if attempt < 3 else "failed")
        delays.append(float(row["wait"]))
    # 10 s then 20 s ceilings, with jitter in the upper half of each.
    assert 5 <= delays[0] <= 10.5
    assert 10 <= delays[1] <= 20.5
    history = await jdb.fetch(
        "SELECT attempt, outcome, error_code, error_message FROM article_attempt ORDER BY id"
    )
    assert [(r["attempt"], r["outcome"], r["error_code"]) for r in history] == [
        (1, "retry", "timeout"),
        (2, "retry", "timeout"),
        (3, "failed", "timeout"),
    ]
    assert [r["error_message"] for r in history][:2] == ["slow 1", "slow 2"]
    assert "gave up after 3 attempts" in history[2]["error_message"]


async def test_permanent_failures_are_not_retried(jdb: asyncpg.Connection) -> None:
    [article_id] = await queue_urls(jdb, "https://example.com/blocked")
    [job] = await queue.claim(jdb, limit=1, lease_seconds=60, worker="w")
    status = await queue.settle_failure(
        jdb, job, code="ssrf_blocked", message="no", permanent=True, policy=POLICY
    )
    assert status == "failed"
    assert await jdb.fetchval("SELECT attempts FROM article WHERE id = $1", article_id) == 1


def test_backoff_is_exponential_with_jitter_and_honours_retry_after() -> None:
    policy = queue.RetryPolicy(max_attempts=10, base_delay=2, max_delay=60)
    assert [queue.backoff(n, policy, rand=lambda: 1.0) for n in range(1, 7)] == [
        2,
        4,
        8,
        16,
        32,
        60,
    ]
    assert [queue.backoff(n, policy, rand=lambda: 0.0) for n in range(1, 4)] == [1, 2, 4]
    assert queue.backoff(1, policy, retry_after=30, rand=lambda: 0.5) == 30
    assert queue.backoff(5, policy, retry_after=1, rand=lambda: 1.0) == 32  # never sooner
    spread = {round(queue.backoff(3, policy), 3) for _ in range(50)}
    assert len(spread) > 10
    assert all(4 <= d <= 8 for d in spread)


async def test_heartbeat_keeps_a_long_job_and_a_lost_lease_stops_it(
    jobs_url: str, jdb: asyncpg.Connection
) -> None:
    await queue_urls(jdb, "https://example.com/long", "https://example.com/stolen")
    settings = job_settings(jobs_url, lease_seconds=0.6, worker_concurrency=2)
    finished: list[int] = []
    cancelled: list[int] = []
    long_id, stolen_id = await jdb.fetchval("SELECT array_agg(id ORDER BY id) FROM article")

    async with db.pool_lifespan(jobs_url, min_size=1, max_size=6) as pool:

        async def handle(job: queue.Job) -> None:
            try:
                if job.article_id == stolen_id:
                    # Another party takes the lease, as a reaper would after a long stall.
                    async with pool.acquire() as conn:
                        await conn.execute(
                            "UPDATE article SET lease_token = gen_random_uuid(),"
                            " lease_expires_at = now() + interval '1 hour' WHERE id = $1",
                            stolen_id,
                        )
                await asyncio.sleep(2.0)  # more than three lease lengths
                async with pool.acquire() as conn:
                    assert await finish(conn, job)
                finished.append(job.article_id)
            except asyncio.CancelledError:
                cancelled.append(job.article_id)
                raise

        worker = Worker(pool=pool, handle=handle, settings=settings)
        worker.start()
        for _ in range(50):
            if finished and cancelled:
                break
            await asyncio.sleep(0.1)
        worker.stop()
        assert worker.task is not None
        await worker.task
    assert finished == [long_id]
    assert cancelled == [stolen_id]  # abandoned within a heartbeat, not run to the end
    assert await jdb.fetchval("SELECT attempts FROM article WHERE id = $1", long_id) == 1


async def test_stop_finishes_short_jobs_and_hands_back_long_ones(
    jobs_url: str, jdb: asyncpg.Connection
) -> None:
    short_id, long_id = await queue_urls(
        jdb, "https://example.com/short", "https://example.com/long"
    )
    settings = job_settings(jobs_url, shutdown_grace=0.5, worker_concurrency=2)
    started: set[int] = set()
    both = asyncio.Event()
    async with db.pool_lifespan(jobs_url, min_size=1, max_size=6) as pool:

        async def handle(job: queue.Job) -> None:
            started.add(job.article_id)
            if len(started) == 2:
                both.set()
            await asyncio.sleep(0.2 if job.article_id == short_id else 3600)
            async with pool.acquire() as conn:
                await finish(conn, job)

        worker = Worker(pool=pool, handle=handle, settings=settings)
        worker.start()
        await asyncio.wait_for(both.wait(), 10)
        stopping = time.monotonic()
        worker.stop()
        assert worker.task is not None
        await worker.task
        took = time.monotonic() - stopping
    assert took < 1.5
    rows = {r["id"]: r for r in await jdb.fetch("SELECT * FROM article")}
    assert rows[short_id]["status"] == "parsed"
    assert rows[long_id]["status"] == "queued"  # handed back, not left fetching
    assert rows[long_id]["lease_token"] is None
    assert rows[long_id]["attempts"] == 0  # a hand-back does not use an attempt
    outcome = await jdb.fetchval(
        "SELECT outcome FROM article_attempt WHERE article_id = $1", long_id
    )
    assert outcome == "released"
    assert await jdb.fetchval("SELECT count(*) FROM article WHERE status = 'fetching'") == 0


async def test_killed_listen_connection_new_article_still_picked_up(
    jobs_url: str, jdb: asyncpg.Connection
) -> None:
    poll = 1.0
    settings = job_settings(jobs_url, poll_interval=poll)
    claimed_at: dict[int, float] = {}
    async with db.pool_lifespan(jobs_url, min_size=1, max_size=6) as pool:

        async def handle(job: queue.Job) -> None:
            claimed_at[job.article_id] = time.monotonic()
            async with pool.acquire() as conn:
                await finish(conn, job)

        worker = Worker(pool=pool, handle=handle, settings=settings)
        worker.start()
        await asyncio.wait_for(worker.listening.wait(), 10)
        listeners = await listen_backends(jdb)
        assert len(listeners) == 1
        assert await jdb.fetchval("SELECT pg_terminate_backend($1)", listeners[0])
        await asyncio.sleep(0.05)  # the worker has not noticed yet, or just has

        queued_at = time.monotonic()
        [article_id] = await queue_urls(jdb, "https://example.com/after-kill")
        while article_id not in claimed_at:
            assert time.monotonic() - queued_at < poll + 1, "not picked up within the interval"
            await asyncio.sleep(0.02)
        latency = claimed_at[article_id] - queued_at

        # And the worker listens again on a new connection.
        for _ in range(50):
            again = await listen_backends(jdb)
            if again and again != listeners:
                break
            await asyncio.sleep(0.1)
        assert again
        assert again[0] != listeners[0]
        worker.stop()
        assert worker.task is not None
        await worker.task
    assert latency < poll + 0.5
    print(f"picked up {latency:.2f} s after the LISTEN connection was killed")


async def listen_backends(conn: asyncpg.Connection) -> list[int]:
    rows = await conn.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
    )
    return [r["pid"] for r in rows]


pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
