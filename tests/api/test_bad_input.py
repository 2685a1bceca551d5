"""Bad input: a clear 4xx problem document, and nothing stored."""

from __future__ import annotations

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service import pagination

pytestmark = pytest.mark.usefixtures("clean")


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    return body


async def article_count(db: asyncpg.Connection) -> int:
    return int(await db.fetchval("SELECT count(*) FROM article"))


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"url": "ftp://example.com/a"}, 422, "url"),
        ({"url": "javascript:alert(1)"}, 422, "url"),
        ({"url": "https://example.com/" + "a" * 2048}, 400, "url"),
        ({"url": "https:///no-host"}, 422, "url"),
        ({"url": "https://user:pw@example.com/a"}, 422, "url"),
        ({"url": "https://example.com/a", "colour": "red"}, 400, None),
        ({"url": "https://example.com/a", "published": "12 Feb 2025"}, 400, "published"),
        ({"url": "https://example.com/a", "html": "   "}, 422, "html"),
        ({}, 400, "url"),
        ({"url": 42}, 400, "url"),
    ],
)
async def test_bad_article_is_refused_and_nothing_stored(
    client: AsyncTestClient,
    db: asyncpg.Connection,
    payload: dict,
    status: int,
    field: str | None,  # type: ignore[type-arg]
) -> None:
    body = assert_problem(await client.post("/v1/articles", json=payload), status)
    if field:
        assert field in body["detail"] or any(e["field"] == field for e in body.get("errors", []))
    assert await article_count(db) == 0


async def test_not_json_is_refused(client: AsyncTestClient, db: asyncpg.Connection) -> None:  # type: ignore[type-arg]
    response = await client.post(
        "/v1/articles",
        content=b"url=https://example.com",
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400)
    assert await article_count(db) == 0


async def test_batch_reports_each_url(client: AsyncTestClient, db: asyncpg.Connection) -> None:  # type: ignore[type-arg]
    urls = [
        "https://news.example.com/a",
        "https://NEWS.example.com/a/?utm_campaign=x",
        "gopher://news.example.com/b",
        "https://news.example.com/c",
    ]
    response = await client.post("/v1/articles/batch", json={"urls": urls})
    assert response.status_code == 200
    body = response.json()
    assert [item["result"] for item in body["items"]] == [
        "created",
        "existing",
        "rejected",
        "created",
    ]
    assert body["items"][0]["article"]["id"] == body["items"][1]["article"]["id"]
    assert body["items"][2]["error"]["code"] == "invalid_url"
    assert (body["created"], body["existing"], body["rejected"]) == (2, 1, 1)
    assert await article_count(db) == 2


@pytest.mark.parametrize("urls", [[], ["https://example.com/x"] * 1001])
async def test_batch_size_is_bounded(
    client: AsyncTestClient, db: asyncpg.Connection, urls: list[str]
) -> None:  # type: ignore[type-arg]
    assert_problem(await client.post("/v1/articles/batch", json={"urls": urls}), 400)
    assert await article_count(db) == 0


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/articles", {"limit": 0}),
        ("/v1/articles", {"limit": 10000}),
        ("/v1/articles", {"cursor": "not-a-cursor"}),
        ("/v1/articles", {"status": "finished"}),
        ("/v1/articles", {"published_from": "yesterday"}),
        ("/v1/claims", {"limit": 201}),
        ("/v1/claims", {"cursor": "eyJrIjoiYXJ0aWNsZXMiLCJ2IjoxfQ"}),  # another list's cursor
        ("/v1/articles", {"cursor": pagination.encode("articles", 2**63)}),  # past bigint
        ("/v1/articles", {"cursor": pagination.encode("articles", -(2**70)), "q": "spend"}),
        ("/v1/claims", {"cursor": pagination.encode("claims", 2**70)}),
        ("/v1/claims", {"category": "snacks"}),
        ("/v1/companies", {"cursor": "%%%"}),
        ("/v1/totals", {"group_by": "planet"}),
        ("/v1/totals", {"group_by": ""}),
        ("/v1/totals", {"group_by": "company,company"}),
        ("/v1/totals", {"currency": "dollars"}),
    ],
)
async def test_bad_query_is_a_400(client: AsyncTestClient, path: str, params: dict) -> None:  # type: ignore[type-arg]
    assert_problem(await client.get(path, params=params), 400)


@pytest.mark.parametrize(
    "path", ["/v1/articles/999999", "/v1/companies/no-such-company", "/v1/nothing-here"]
)
async def test_unknown_id_or_slug_is_a_404(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    assert_problem(await client.get(path), 404)


async def test_request_id_is_echoed(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/v1/articles/424242", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json()["request_id"] == "abc-123"
