"""SQL for keys, rate-limit counters and idempotency records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from service.auth import keys
from service.auth.schemas import ApiKey

_KEY_COLUMNS = """
    id, name, prefix, scopes, created_at, expires_at, revoked_at, last_used_at, rotated_to,
    CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
         WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired'
         ELSE 'active' END AS status
"""

INSERT_KEY = f"""
INSERT INTO api_key (name, prefix, secret_hash, scopes, expires_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (prefix) DO NOTHING
RETURNING {_KEY_COLUMNS}
"""


async def create_key(
    conn: asyncpg.Connection,
    *,
    pepper: bytes,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime | None,
) -> tuple[ApiKey, str]:
    """A new key and its secret, which exists only in the return value from here on."""
    while True:  # a prefix collision (1 in 62**8) just draws again
        secret = keys.generate()
        row = await conn.fetchrow(
            INSERT_KEY,
            name,
            keys.lookup_prefix(secret),
            keys.digest(secret, pepper),
            [s for s in keys.SCOPES if s in scopes],
            expires_at,
        )
        if row is not None:
            return msgspec.convert(row, ApiKey, from_attributes=True), secret


async def get_key(conn: asyncpg.Connection, key_id: int) -> ApiKey | None:
    row = await conn.fetchrow(f"SELECT {_KEY_COLUMNS} FROM api_key WHERE id = $1", key_id)
    return None if row is None else msgspec.convert(row, ApiKey, from_attributes=True)


async def list_keys(conn: asyncpg.Connection, *, before_id: int | None, limit: int) -> list[ApiKey]:
    rows = await conn.fetch(
        f"SELECT {_KEY_COLUMNS} FROM api_key WHERE $1::bigint IS NULL OR id < $1 "
        "ORDER BY id DESC LIMIT $2",
        before_id,
        limit,
    )
    return [msgspec.convert(r, ApiKey, from_attributes=True) for r in rows]


REVOKE = f"""
UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
RETURNING {_KEY_COLUMNS}
"""


async def revoke_key(conn: asyncpg.Connection, key_id: int) -> ApiKey | None:
    row = await conn.fetchrow(REVOKE, key_id)
    return None if row is None else msgspec.convert(row, ApiKey, from_attributes=True)


class NotRotatable(Exception):
    """The key is revoked or expired: there is nothing left to rotate."""


async def rotate_key(
    conn: asyncpg.Connection, *, pepper: bytes, key_id: int, grace: timedelta
) -> tuple[ApiKey, str] | None:
    """A new key with the old one's name, scopes and expiry; the old one ends after `grace`."""
    async with conn.transaction():
        old = await conn.fetchrow(
            "SELECT name, scopes, expires_at, revoked_at IS NULL "
            "AND (expires_at IS NULL OR expires_at > now()) AS active "
            "FROM api_key WHERE id = $1 FOR UPDATE",
            key_id,
        )
        if old is None:
            return None
        if not old["active"]:
            raise NotRotatable
        new, secret = await create_key(
            conn,
            pepper=pepper,
            name=old["name"],
            scopes=old["scopes"],
            expires_at=old["expires_at"],
        )
        await conn.execute(
            "UPDATE api_key SET rotated_to = $2, "
            "expires_at = least(coalesce(expires_at, 'infinity'), now() + $3::interval) "
            "WHERE id = $1",
            key_id,
            new.id,
            grace,
        )
    return new, secret


# Whether the row exists, matches, is usable, and whether last_used_at is due an update.
FIND_FOR_AUTH = """
SELECT id, name, secret_hash, scopes,
       revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AS active,
       last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS touch
FROM api_key WHERE prefix = $1
"""


async def find_for_auth(conn: asyncpg.Connection, prefix: str) -> asyncpg.Record | None:
    return await conn.fetchrow(FIND_FOR_AUTH, prefix)


# Several requests in the same minute may all see `touch`; the WHERE keeps it to one write.
TOUCH = """
UPDATE api_key SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
"""


async def touch(conn: asyncpg.Connection, key_id: int) -> None:
    await conn.execute(TOUCH, key_id)


# One statement, so replicas sharing the database share the count: the row lock taken by
# ON CONFLICT serialises concurrent hits on one bucket and window.
HIT = """
INSERT INTO rate_limit_counter AS c (bucket, window_start, hits)
VALUES ($1, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2::int) * $2::int), 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
RETURNING c.hits,
          ceil(extract(epoch FROM c.window_start) + $2::int
               - extract(epoch FROM clock_timestamp()))::int AS reset
"""

FORGET_OLD_WINDOWS = """
DELETE FROM rate_limit_counter WHERE window_start < now() - make_interval(secs => $1::int)
"""


async def hit(conn: asyncpg.Connection, *, bucket: str, window: int) -> tuple[int, int]:
    """Count one request; the count so far in this window and the seconds until it ends."""
    row = await conn.fetchrow(HIT, bucket, window)
    assert row is not None
    hits, reset = int(row["hits"]), max(1, int(row["reset"]))
    if hits == 1:  # a new window for this bucket: a cheap moment to drop finished ones
        await conn.execute(FORGET_OLD_WINDOWS, 2 * window)
    return hits, reset


# Idempotency records live 24 hours; an older one no longer binds its key.
IDEMPOTENCY_TTL = "24 hours"


async def claim_idempotency(
    conn: asyncpg.Connection, *, api_key_id: int, key: str, request_hash: str
) -> asyncpg.Record | None:
    """None when this request now owns the key; else the record that holds it."""
    while True:  # the holder may be released between our insert and our read: try again
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM idempotency_record "
                f"WHERE created_at < now() - interval '{IDEMPOTENCY_TTL}' "
                "AND (api_key_id, idempotency_key) = ($1, $2)",
                api_key_id,
                key,
            )
            claimed = await conn.fetchval(
                "INSERT INTO idempotency_record (api_key_id, idempotency_key, request_hash) "
                "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true",
                api_key_id,
                key,
                request_hash,
            )
        if claimed:
            await conn.execute(
                "DELETE FROM idempotency_record "
                f"WHERE created_at < now() - interval '{IDEMPOTENCY_TTL}'"
            )
            return None
        held = await conn.fetchrow(
            "SELECT request_hash, status, headers, body FROM idempotency_record "
            "WHERE api_key_id = $1 AND idempotency_key = $2",
            api_key_id,
            key,
        )
        if held is not None:
            return held


async def finish_idempotency(
    conn: asyncpg.Connection,
    *,
    api_key_id: int,
    key: str,
    status: int,
    headers: dict[str, Any],
    body: bytes,
) -> None:
    await conn.execute(
        "UPDATE idempotency_record SET status = $3, headers = $4, body = $5 "
        "WHERE api_key_id = $1 AND idempotency_key = $2",
        api_key_id,
        key,
        status,
        headers,
        body,
    )


async def release_idempotency(conn: asyncpg.Connection, *, api_key_id: int, key: str) -> None:
    await conn.execute(
        "DELETE FROM idempotency_record WHERE api_key_id = $1 AND idempotency_key = $2 "
        "AND status IS NULL",
        api_key_id,
        key,
    )
