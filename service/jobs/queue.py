"""The queue is the article table: a queued row is a job, a lease marks who works on it."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

CHANNEL = "outlay_article"

# SKIP LOCKED lets any number of workers take disjoint rows without waiting on each other.
CLAIM = """
WITH next AS (
    SELECT id FROM article
    WHERE status = 'queued' AND run_at <= now()
    ORDER BY run_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
)
UPDATE article a
SET status = 'fetching', attempts = a.attempts + 1, lease_token = gen_random_uuid(),
    lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
FROM next
WHERE a.id = next.id
RETURNING a.id, a.lease_token, a.attempts
"""

RENEW = """
UPDATE article SET lease_expires_at = now() + make_interval(secs => $3)
WHERE id = $1 AND lease_token = $2
"""

# A worker that died leaves its lease to run out; the job then goes back to the queue.
REAP = """
UPDATE article SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, updated_at = now()
WHERE status = 'fetching' AND lease_expires_at < now()
"""

RELEASE = """
UPDATE article SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, updated_at = now()
WHERE id = $1 AND lease_token = $2
"""


class Job(msgspec.Struct, frozen=True):
    article_id: int
    lease: uuid.UUID
    attempt: int


async def claim(conn: asyncpg.Connection, *, limit: int, lease_seconds: float) -> list[Job]:
    rows = await conn.fetch(CLAIM, limit, lease_seconds)
    return [Job(r["id"], r["lease_token"], r["attempts"]) for r in rows]


async def renew(conn: asyncpg.Connection, job: Job, *, lease_seconds: float) -> bool:
    return (await conn.execute(RENEW, job.article_id, job.lease, lease_seconds)).endswith(" 1")


async def release(conn: asyncpg.Connection, job: Job) -> None:
    await conn.execute(RELEASE, job.article_id, job.lease)


async def reap(conn: asyncpg.Connection) -> int:
    return int((await conn.execute(REAP)).split()[-1])
