"""Idempotency-Key on submissions: one article however often a partner retries."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.auth.conftest import MakeKey, problem
from tests.conftest import Keyless
from tests.support import Page, Site

pytestmark = pytest.mark.usefixtures("clean")

PAGE = "<html><body><p>Nothing to count here.</p></body></html>"


async def count(db: asyncpg.Connection) -> int:
    return int(await db.fetchval("SELECT count(*) FROM article"))


async def test_same_key_and_body_replays_the_first_response(
    client: AsyncTestClient,
    db: asyncpg.Connection,  # type: ignore[type-arg]
) -> None:
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"url": "https://example.com/news/one", "html": PAGE}
    first = await client.post("/v1/articles", json=body, headers=headers)
    assert first.status_code == 202
    again = await client.post("/v1/articles", json=body, headers=headers)
    assert again.status_code == 202  # without the key a repeat would be a 200
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await count(db) == 1
    # Without the key the same body is simply the existing article.
    assert (await client.post("/v1/articles", json=body)).status_code == 200


async def test_same_key_with_another_body_is_a_422(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    headers = {"Idempotency-Key": "order-42"}
    ok = await client.post(
        "/v1/articles", json={"url": "https://example.com/a", "html": PAGE}, headers=headers
    )
    assert ok.status_code == 202
    r = await client.post(
        "/v1/articles", json={"url": "https://example.com/b", "html": PAGE}, headers=headers
    )
    assert problem(r, 422)["code"] == "idempotency_key_reused"
    # The key is bound to the path too.
    r = await client.post(
        "/v1/articles/batch", json={"urls": ["https://example.com/a"]}, headers=headers
    )
    problem(r, 422)
    assert await count(db) == 1


async def test_errors_are_replayed_too(client: AsyncTestClient, db: asyncpg.Connection) -> None:  # type: ignore[type-arg]
    headers = {"Idempotency-Key": "bad-url-1"}
    first = await client.post("/v1/articles", json={"url": "ftp://example.com/a"}, headers=headers)
    problem(first, 422)
    again = await client.post("/v1/articles", json={"url": "ftp://example.com/a"}, headers=headers)
    assert again.status_code == 422
    assert again.content == first.content
    assert again.headers["content-type"].startswith("application/problem+json")
    assert await count(db) == 0


async def test_keys_belong_to_one_api_key(
    anon_client: Keyless, make_key: MakeKey, db: asyncpg.Connection
) -> None:
    body = {"url": "https://example.com/shared", "html": PAGE}
    one, two = await make_key("ingest"), await make_key("ingest")
    r1 = await anon_client.post(
        "/v1/articles", json=body, headers={"X-API-Key": one, "Idempotency-Key": "k"}
    )
    r2 = await anon_client.post(
        "/v1/articles", json=body, headers={"X-API-Key": two, "Idempotency-Key": "k"}
    )
    assert (r1.status_code, r2.status_code) == (202, 200)  # the second ran: it found the article
    assert "idempotent-replayed" not in r2.headers
    assert await count(db) == 1


async def test_concurrent_duplicates_get_409_or_the_replay(
    client: AsyncTestClient,
    db: asyncpg.Connection,  # type: ignore[type-arg]
) -> None:
    headers = {"Idempotency-Key": "race"}
    body = {"url": "https://example.com/race", "html": PAGE}
    responses = await asyncio.gather(
        *(client.post("/v1/articles", json=body, headers=headers) for _ in range(8))
    )
    codes = [r.status_code for r in responses]
    assert codes.count(202) >= 1, codes
    assert set(codes) <= {202, 409}, codes
    for r in responses:
        if r.status_code == 409:
            assert problem(r, 409)["code"] == "idempotency_in_progress"
            assert r.headers["retry-after"] == "1"
    first = next(r for r in responses if r.status_code == 202)
    assert all(r.content == first.content for r in responses if r.status_code == 202)
    assert await count(db) == 1


async def test_batch_is_idempotent(
    client: AsyncTestClient, db: asyncpg.Connection, site: Site
) -> None:  # type: ignore[type-arg]
    urls = [site.add(f"/idem/{i}", Page(PAGE.encode())) for i in range(3)]
    headers = {"Idempotency-Key": "batch-1"}
    first = await client.post("/v1/articles/batch", json={"urls": urls}, headers=headers)
    assert first.json()["created"] == 3
    again = await client.post("/v1/articles/batch", json={"urls": urls}, headers=headers)
    assert again.json() == first.json()  # still "created": the first answer, replayed
    assert await count(db) == 3


async def test_records_expire_after_24_hours(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    headers = {"Idempotency-Key": "old"}
    body = {"url": "https://example.com/old", "html": PAGE}
    assert (await client.post("/v1/articles", json=body, headers=headers)).status_code == 202
    await db.execute(
        "UPDATE idempotency_record SET created_at = now() - interval '25 hours' "
        "WHERE idempotency_key = 'old'"
    )
    r = await client.post(
        "/v1/articles", json={**body, "url": "https://example.com/new"}, headers=headers
    )
    assert r.status_code == 202  # another body is fine once the record is gone
    assert await count(db) == 2


@pytest.mark.parametrize("value", [b"", b"a" * 256, b"with space", "naïve".encode()])
async def test_bad_idempotency_keys_are_refused(
    client: AsyncTestClient,
    db: asyncpg.Connection,
    value: bytes,  # type: ignore[type-arg]
) -> None:
    r = await client.post(
        "/v1/articles",
        json={"url": "https://example.com/x", "html": PAGE},
        headers={"Idempotency-Key": value},
    )
    assert problem(r, 400)["errors"][0]["field"] == "Idempotency-Key"
    assert await count(db) == 0
