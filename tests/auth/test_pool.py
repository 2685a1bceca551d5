"""A read counts itself and answers on one pooled connection, and every request gives it back."""

from __future__ import annotations

import asyncpg

from tests.auth.conftest import MakeKey, Started, problem


async def test_a_read_needs_one_connection_and_always_returns_it(
    start_app: Started, make_key: MakeKey
) -> None:
    # One connection: a read whose route asked the pool for a second one would wait for it,
    # and one left checked out would leave the next request waiting, each until a 503.
    async with start_app(db_pool_max=1, db_acquire_timeout=2.0, rate_read=3) as client:
        pool: asyncpg.Pool = client.app.state.pool
        # A key of its own, made once the app has migrated: a count no other test shares.
        key = {"X-API-Key": await make_key("read", "ingest")}
        for path in ("/v1/articles", "/v1/claims", "/v1/companies"):
            response = await client.get(path, params={"limit": 1}, headers=key)
            assert response.status_code == 200, response.text
        # Refused after counting: the route never ran, and the connection still went back.
        problem(await client.get("/v1/articles", headers=key), 429)
        problem(await client.get("/v1/claims", headers=key), 429)
        # A write hands its connection back before its idempotency claim takes one.
        batch = await client.post("/v1/articles/batch", json={"urls": ["notaurl"]}, headers=key)
        assert batch.status_code == 200, batch.text
        assert pool.get_idle_size() == pool.get_size() == 1
