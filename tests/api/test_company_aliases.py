"""Admins add company aliases over the API; the next article read knows them."""

from __future__ import annotations

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.support import wait_done

pytestmark = pytest.mark.usefixtures("clean")

PAGE = (
    "<html><head><title>Blorvex</title></head><body><article>"
    "<p>Blorvex will spend $7 billion on AI data centres in 2025, the company said on Monday.</p>"
    "</article></body></html>"
)


async def alias_count(db: asyncpg.Connection) -> int:
    return int(await db.fetchval("SELECT count(*) FROM company_alias WHERE source = 'admin'"))


async def test_admin_alias_reaches_the_extractor(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    response = await client.post("/v1/companies/microsoft/aliases", json={"alias": "Blorvex"})
    assert response.status_code == 201, response.text
    assert "Blorvex" in response.json()["aliases"]
    try:
        created = await client.post(
            "/v1/articles",
            json={"url": "https://example.com/blorvex", "html": PAGE, "published": "2025-03-03"},
        )
        article = await wait_done(client, created.json()["id"])
        spenders = {c["company"]["slug"] for c in article["claims"] if c["company"]}
        assert spenders == {"microsoft"}
    finally:
        await db.execute("DELETE FROM company_alias WHERE source = 'admin'")


@pytest.mark.parametrize(
    ("slug", "body", "status", "code"),
    [
        ("no-such-company", {"alias": "Whatever"}, 404, "not_found"),
        ("microsoft", {"alias": "亚马逊"}, 409, "alias_taken"),  # Amazon's already
        ("microsoft", {"alias": "   "}, 422, "invalid_alias"),
        ("microsoft", {"alias": ""}, 400, "validation_error"),
        ("microsoft", {"alias": "x", "extra": 1}, 400, "validation_error"),
    ],
)
async def test_bad_alias_is_refused_and_nothing_stored(
    client: AsyncTestClient,
    db: asyncpg.Connection,
    slug: str,
    body: dict,
    status: int,
    code: str,  # type: ignore[type-arg]
) -> None:
    response = await client.post(f"/v1/companies/{slug}/aliases", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert await alias_count(db) == 0
