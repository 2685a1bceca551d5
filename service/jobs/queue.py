"""The queue is the article table: a queued row is a job, a lease marks who works on it.

A claim takes a lease (a fresh token and an expiry) and opens a row in article_attempt.
Every later write names the token (`WHERE lease_token = $2`), so a worker whose lease ran
out and was given to another changes nothing when it finally answers. The attempt row is
closed in the same statement as the article, so history and state never disagree.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

import asyncpg
import msgspec

from service.config import Settings

CHANNEL = "outlay_article"

# SKIP LOCKED lets any number of workers take disjoint rows without waiting on each other.
CLAIM = """
WITH next AS (
    SELECT id FROM article
    WHERE status = 'queued' AND run_at <= now()
    ORDER BY run_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE article a
    SET status = 'fetching', attempts = a.attempts + 1, lease_token = gen_random_uuid(),
        lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
    FROM next
    WHERE a.id = next.id
    RETURNING a.id, a.lease_token, a.attempts, a.attempts_before_retry
), opened AS (
    INSERT INTO article_attempt (article_id, attempt, lease_token, worker)
    SELECT id, attempts, lease_token, $3 FROM claimed
)
SELECT * FROM claimed ORDER BY id
"""

RENEW = """
UPDATE article SET lease_expires_at = now() + make_interval(secs => $3)
WHERE id = $1 AND lease_token = $2
"""

# A worker that died leaves its lease to run out; the job goes back to the queue, or ends
# failed when it has used its attempts (a page that kills every worker must stop somewhere).
REAP = """
WITH expired AS (
    SELECT id, lease_token, attempts - attempts_before_retry >= $1 AS spent FROM article
    WHERE status = 'fetching' AND lease_expires_at < now()
    FOR UPDATE SKIP LOCKED
), settled AS (
    UPDATE article a
    SET status = CASE WHEN expired.spent THEN 'failed' ELSE 'queued' END,
        error_code = 'lease_expired', error_message = $2,
        lease_token = NULL, lease_expires_at = NULL, run_at = now(), updated_at = now()
    FROM expired
    WHERE a.id = expired.id
    RETURNING a.id, expired.lease_token
), closed AS (
    UPDATE article_attempt t
    SET finished_at = now(), outcome = 'lease_expired', error_code = 'lease_expired',
        error_message = $2
    FROM settled
    WHERE t.lease_token = settled.lease_token AND t.finished_at IS NULL
)
SELECT count(*) FROM settled
"""
LEASE_EXPIRED = "the worker stopped renewing its lease (it died or lost the database)"

# The three ways a worker lets go of a job that did not end parsed: failed for good,
# queued again after a delay, or handed back untouched (shutdown) without using an attempt.
FAIL = """
WITH done AS (
    UPDATE article
    SET status = 'failed', error_code = $3, error_message = $4,
        lease_token = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = $1 AND lease_token = $2
    RETURNING id
), closed AS (
    UPDATE article_attempt SET finished_at = now(), outcome = 'failed', error_code = $3,
        error_message = $4
    WHERE lease_token = $2 AND EXISTS (SELECT 1 FROM done)
)
SELECT count(*) FROM done
"""

RETRY = """
WITH done AS (
    UPDATE article
    SET status = 'queued', error_code = $3, error_message = $4,
        run_at = now() + make_interval(secs => $5),
        lease_token = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = $1 AND lease_token = $2
    RETURNING id, run_at
), closed AS (
    UPDATE article_attempt t SET finished_at = now(), outcome = 'retry', error_code = $3,
        error_message = $4, retry_at = done.run_at
    FROM done
    WHERE t.lease_token = $2
)
SELECT count(*) FROM done
"""

RELEASE = """
WITH done AS (
    UPDATE article
    SET status = 'queued', attempts = attempts - 1, lease_token = NULL,
        lease_expires_at = NULL, run_at = now(), updated_at = now()
    WHERE id = $1 AND lease_token = $2
    RETURNING id
), closed AS (
    UPDATE article_attempt SET finished_at = now(), outcome = 'released'
    WHERE lease_token = $2 AND EXISTS (SELECT 1 FROM done)
), woken AS (
    SELECT pg_notify('outlay_article', id::text) FROM done
)
SELECT count(*) FROM woken  -- one per article changed; selecting it is what sends it
"""

CLOSE_PARSED = """
UPDATE article_attempt SET finished_at = now(), outcome = 'parsed'
WHERE lease_token = $1 AND finished_at IS NULL
"""

# A person asks for another go: a fresh run of attempts, starting now.
REQUEUE_FAILED = """
WITH done AS (
    UPDATE article
    SET status = 'queued', run_at = now(), attempts_before_retry = attempts,
        error_code = NULL, error_message = NULL, updated_at = now()
    WHERE id = $1 AND status = 'failed'
    RETURNING id
), woken AS (
    SELECT pg_notify('outlay_article', id::text) FROM done
)
SELECT count(*) FROM woken  -- one per article changed; selecting it is what sends it
"""

ATTEMPTS = """
SELECT attempt, worker, started_at, finished_at, outcome, retry_at,
       CASE WHEN error_code IS NULL THEN NULL
            ELSE json_build_object('code', error_code, 'message', error_message) END AS error
FROM article_attempt WHERE article_id = $1 ORDER BY id
"""


class Job(msgspec.Struct, frozen=True):
    article_id: int
    lease: uuid.UUID
    attempt: int  # counting every attempt ever made at this article
    attempt_in_run: int  # counting from the last manual retry; the limit applies to this


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    max_attempts: int = 5
    base_delay: float = 30.0
    max_delay: float = 3600.0

    @classmethod
    def of(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_attempts=settings.retry_max_attempts,
            base_delay=settings.retry_base_delay,
            max_delay=settings.retry_max_delay,
        )


def backoff(
    attempt: int,
    policy: RetryPolicy,
    *,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds before attempt `attempt + 1`: exponential, with jitter so that jobs that
    failed together do not come back together; never sooner than a Retry-After asks."""
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** max(0, attempt - 1))
    delay = ceiling / 2 + rand() * ceiling / 2
    if retry_after is not None:
        delay = max(delay, min(retry_after, 86_400.0))
    return delay


async def claim(
    conn: asyncpg.Connection, *, limit: int, lease_seconds: float, worker: str
) -> list[Job]:
    rows = await conn.fetch(CLAIM, limit, lease_seconds, worker)
    return [
        Job(r["id"], r["lease_token"], r["attempts"], r["attempts"] - r["attempts_before_retry"])
        for r in rows
    ]


async def renew(conn: asyncpg.Connection, job: Job, *, lease_seconds: float) -> bool:
    status: str = await conn.execute(RENEW, job.article_id, job.lease, lease_seconds)
    return status.endswith(" 1")


async def reap(conn: asyncpg.Connection, *, max_attempts: int) -> int:
    return int(await conn.fetchval(REAP, max_attempts, LEASE_EXPIRED))


async def release(conn: asyncpg.Connection, job: Job) -> bool:
    """Hand a job back untouched (shutdown): queued again at once, the attempt not counted."""
    return bool(await conn.fetchval(RELEASE, job.article_id, job.lease))


async def fail(conn: asyncpg.Connection, job: Job, *, code: str, message: str) -> bool:
    return bool(await conn.fetchval(FAIL, job.article_id, job.lease, code, message[:1000]))


async def retry(
    conn: asyncpg.Connection, job: Job, *, code: str, message: str, delay: float
) -> bool:
    return bool(await conn.fetchval(RETRY, job.article_id, job.lease, code, message[:1000], delay))


async def settle_failure(
    conn: asyncpg.Connection,
    job: Job,
    *,
    code: str,
    message: str,
    permanent: bool,
    policy: RetryPolicy,
    retry_after: float | None = None,
) -> str:
    """Fail at once (permanent, or attempts used up) or queue for a later attempt.

    Returns the article's new status, or "lost" when the lease had already gone elsewhere.
    """
    if permanent or job.attempt_in_run >= policy.max_attempts:
        if not permanent:
            message = f"{message} (gave up after {job.attempt_in_run} attempts)"
        return "failed" if await fail(conn, job, code=code, message=message) else "lost"
    delay = backoff(job.attempt_in_run, policy, retry_after=retry_after)
    done = await retry(conn, job, code=code, message=message, delay=delay)
    return "queued" if done else "lost"


async def close_parsed(conn: asyncpg.Connection, lease: uuid.UUID) -> None:
    """Close the attempt as parsed; call in the transaction that stored the result."""
    await conn.execute(CLOSE_PARSED, lease)


async def requeue_failed(conn: asyncpg.Connection, article_id: int) -> bool:
    return bool(await conn.fetchval(REQUEUE_FAILED, article_id))


async def attempts(conn: asyncpg.Connection, article_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(ATTEMPTS, article_id))
