"""Totals kept between requests are never older than the data a request could see.

To tell a kept answer from a computed one, a test changes a figure in a session with
triggers off (session_replication_role = replica), which sends no notification: a kept
answer still shows the old amount, a computed one the new.
"""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.totals.cache import accepts_gzip
from tests.figures.store import B, claim, store

pytestmark = pytest.mark.usefixtures("clean")

PARAMS = {"group_by": "company,year", "currency": "USD"}
LISTENER = """SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND query LIKE '%outlay_totals%'
                AND pid <> pg_backend_pid()"""


async def amazon(client: AsyncTestClient) -> int:  # type: ignore[type-arg]
    response = await client.get("/v1/totals", params=PARAMS)
    assert response.status_code == 200
    rows = [r for r in response.json()["items"] if r["company"]["slug"] == "amazon"]
    return int(sum(r["amount_low"] for r in rows))


async def answers(client: AsyncTestClient, source: str) -> float:  # type: ignore[type-arg]
    """The app's count of totals answered from `source`, as /metrics reports it."""
    text = (await client.get("/metrics")).text
    line = f'outlay_totals_answers_total{{source="{source}"}} '
    return next((float(x.removeprefix(line)) for x in text.splitlines() if x.startswith(line)), 0)


async def change_silently(database_url: str, amount: int) -> None:
    """Amazon's figure set to `amount` without the notification a real change sends."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SET session_replication_role = replica")
        done = await conn.execute(
            """UPDATE figure SET amount_low = $1, amount_high = $1, usd_low = $1, usd_high = $1
               WHERE company_id = (SELECT id FROM company WHERE slug = 'amazon')""",
            amount,
        )
        assert done == "UPDATE 1"
    finally:
        await conn.close()


async def wait_for_listener(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
    *,
    other_than: int | None = None,
) -> int:
    """The pid of the app's LISTEN connection, once the app listens on it."""
    async with asyncio.timeout(15):
        while True:
            pids = [r["pid"] for r in await db.fetch(LISTENER) if r["pid"] != other_than]
            if pids and client.app.state.totals_cache.listening:
                return int(pids[0])
            await asyncio.sleep(0.05)


async def test_a_kept_total_is_served_until_a_store_commits_then_the_store_shows(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
    database_url: str,
) -> None:
    await wait_for_listener(client, db)
    await store(db, "https://a.example.com/capex", date(2025, 1, 30), [claim("amazon", 100)])
    assert await amazon(client) == 100 * B

    await change_silently(database_url, 7 * B)
    kept = await answers(client, "kept")
    assert await amazon(client) == 100 * B  # kept: nothing told the app of the change
    assert await answers(client, "kept") == kept + 1

    # A real store sends the notification; the very next request sees it, no waiting.
    await store(db, "https://b.example.com/capex", date(2025, 2, 1), [claim("meta", 60)])
    assert await amazon(client) == 7 * B
    body = (await client.get("/v1/totals", params=PARAMS)).json()
    assert {r["company"]["slug"] for r in body["items"]} == {"amazon", "meta"}


async def test_an_article_deleted_over_the_api_leaves_the_next_total(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
) -> None:
    await wait_for_listener(client, db)
    gone = await store(db, "https://a.example.com/capex", date(2025, 1, 30), [claim("amazon", 9)])
    await store(db, "https://b.example.com/capex", date(2025, 1, 30), [claim("meta", 60)])
    assert await amazon(client) == 9 * B
    assert (await client.delete(f"/v1/articles/{gone}")).status_code == 204
    assert await amazon(client) == 0


async def test_without_its_listener_the_app_keeps_nothing_until_it_listens_again(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
    database_url: str,
) -> None:
    first = await wait_for_listener(client, db)
    await store(db, "https://a.example.com/capex", date(2025, 1, 30), [claim("amazon", 100)])
    assert await amazon(client) == 100 * B
    assert await amazon(client) == 100 * B

    assert await db.fetchval("SELECT pg_terminate_backend($1)", first)
    await change_silently(database_url, 7 * B)
    # Notifications sent while nobody listens are lost: the app must compute, not keep.
    assert await amazon(client) == 7 * B

    await wait_for_listener(client, db, other_than=first)
    assert await amazon(client) == 7 * B
    await change_silently(database_url, 8 * B)
    assert await amazon(client) == 7 * B  # kept again once listening


async def test_a_kept_total_goes_gzipped_to_clients_that_accept_it(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
) -> None:
    await wait_for_listener(client, db)
    # Figures years apart: grouped by year, every year between is a row, so the answer is
    # long enough to be worth compressing.
    await store(
        db, "https://a.example.com/capex", date(2025, 1, 30),
        [claim("amazon", 100), claim("amazon", 20, year=1995), claim("meta", 60)],
    )  # fmt: skip
    plain = await client.get("/v1/totals", params=PARAMS, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    async with asyncio.timeout(10):  # compressed in a thread after the first answer
        while True:
            response = await client.get(
                "/v1/totals", params=PARAMS, headers={"Accept-Encoding": "br, gzip;q=0.8"}
            )
            if response.headers.get("content-encoding") == "gzip":
                break
            await asyncio.sleep(0.05)
    assert response.json() == plain.json()  # httpx undoes the gzip, as any client does
    assert int(response.headers["content-length"]) < len(plain.content) / 3
    refused = await client.get("/v1/totals", params=PARAMS, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    assert refused.content == plain.content


@pytest.mark.parametrize(
    ("header", "gzip"),
    [
        (None, False), ("", False), ("identity", False), ("gzip", True), ("GZIP", True),
        ("deflate, gzip;q=0.5", True), ("gzip;q=0", False), ("gzip; q=0.0", False), ("*", True),
        ("br;q=1.0, *;q=0", False), ("gzip;q=x", False),
    ],
)  # fmt: skip
def test_accept_encoding(header: str | None, gzip: bool) -> None:
    assert accepts_gzip(header) is gzip
