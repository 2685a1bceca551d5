"""Rate limits: counted in PostgreSQL, so replicas on one database share them."""

from __future__ import annotations

import asyncio
import re

from litestar.testing import AsyncTestClient

from service.auth import keys
from tests.auth.conftest import MakeKey, Started, problem
from tests.conftest import Keyless

# A day-long window: the test cannot straddle two windows unless run at midnight UTC.
LIMITS = {"rate_window": 86400, "rate_read": 5, "rate_ingest": 3, "rate_anonymous": 4}
RATE = re.compile(r'^"(\w+)";r=(\d+);t=(\d+)$')
POLICY = re.compile(r'^"(\w+)";q=(\d+);w=(\d+)$')


async def test_every_counted_response_carries_the_headers(
    anon_client: Keyless,
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    for response in (
        await client.get("/v1/claims"),
        await client.get("/v1/articles/987654"),  # a 404
        await client.get("/v1/articles", params={"limit": 0}),  # a 400
        await client.post("/v1/keys", json={"name": "x", "scopes": []}),  # a 400 from admin
        await anon_client.get("/v1/claims", headers={"X-API-Key": keys.generate()}),  # a 401
    ):
        assert POLICY.match(response.headers["ratelimit-policy"]), response.headers
        assert RATE.match(response.headers["ratelimit"]), response.headers
    policy = POLICY.match((await client.get("/v1/claims")).headers["ratelimit-policy"])
    assert policy is not None
    assert policy.group(1) == "read"


async def test_two_replicas_share_one_limit(start_app: Started, make_key: MakeKey) -> None:
    key = {"X-API-Key": await make_key("read", "ingest")}
    async with start_app(**LIMITS) as one, start_app(**LIMITS) as two:
        seen = []
        for i in range(5):
            r = await (one if i % 2 else two).get("/v1/claims", headers=key)
            assert r.status_code == 200, r.text
            seen.append(int(RATE.match(r.headers["ratelimit"]).group(2)))  # type: ignore[union-attr]
        assert seen == [4, 3, 2, 1, 0]
        for replica in (one, two):
            r = await replica.get("/v1/claims", headers=key)
            body = problem(r, 429)
            assert body["code"] == "rate_limited"
            assert 0 < int(r.headers["retry-after"]) <= 86400
            assert RATE.match(r.headers["ratelimit"]).group(2) == "0"  # type: ignore[union-attr]
        # Limits are per scope: ingest has its own count (3), untouched by the reads.
        for _ in range(3):
            r = await one.post("/v1/articles/batch", json={"urls": ["notaurl"]}, headers=key)
            assert r.status_code == 200, r.text
        problem(await two.post("/v1/articles/batch", json={"urls": ["notaurl"]}, headers=key), 429)


async def test_concurrent_requests_on_two_replicas_never_pass_the_limit(
    start_app: Started, make_key: MakeKey
) -> None:
    key = {"X-API-Key": await make_key("read")}
    async with start_app(**LIMITS) as one, start_app(**LIMITS) as two:
        responses = await asyncio.gather(
            *(c.get("/v1/companies", headers=key) for c in (one, two) * 10)
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 5 + [429] * 15


async def test_anonymous_callers_are_limited_per_client_ip(
    start_app: Started, make_key: MakeKey
) -> None:
    async with start_app(public_read=True, **LIMITS) as one, start_app(**LIMITS) as two:
        for _ in range(2):
            assert (await one.get("/v1/claims")).status_code == 200
        # Guessed keys spend the same per-IP allowance: guessing is throttled.
        problem(await two.get("/v1/claims", headers={"X-API-Key": keys.generate()}), 401)
        problem(
            await two.get("/v1/claims", headers={"Authorization": f"Bearer {keys.generate()}"}), 401
        )
        # Missing and malformed keys are refused before any query, so they count for nothing.
        for _ in range(5):
            problem(await two.get("/v1/claims"), 401)
            problem(await two.get("/v1/claims", headers={"X-API-Key": "olk_guess"}), 401)
        r = await one.get("/v1/claims")
        problem(r, 429)
        assert r.headers["ratelimit-policy"] == '"anonymous";q=4;w=86400'
        # A key has its own allowance.
        key = {"X-API-Key": await make_key("read")}
        assert (await one.get("/v1/claims", headers=key)).status_code == 200
