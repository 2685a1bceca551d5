"""Lists: filters a frontend relies on, and cursors that walk every item exactly once."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.support import wait_done

pytestmark = pytest.mark.usefixtures("clean")


def page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


ARTICLES = [
    (
        "Meta lifts spending",
        "Meta plans to spend $65 billion on capital expenditure in 2025, the company said.",
        "2025-01-24",
    ),
    (
        "Microsoft data centres",
        "Microsoft will spend $80 billion on AI data centres in fiscal 2025, it said.",
        "2025-01-03",
    ),
    (
        "Quiet markets",
        "Shares drifted as investors waited for the central bank; little else happened.",
        "2025-03-10",
    ),
]


async def load(client: AsyncTestClient) -> list[dict]:  # type: ignore[type-arg]
    ids = []
    for i, (title, body, published) in enumerate(ARTICLES):
        response = await client.post(
            "/v1/articles",
            json={
                "url": f"https://news.example.com/{i}",
                "html": page(title, body),
                "published": published,
            },
        )
        ids.append(response.json()["id"])
    return [await wait_done(client, i) for i in ids]


async def test_article_filters(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    meta, microsoft, quiet = await load(client)

    async def ids(**params: object) -> list[int]:
        response = await client.get("/v1/articles", params=params)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["items"]]

    assert await ids() == [quiet["id"], microsoft["id"], meta["id"]]  # newest first
    assert await ids(company="meta") == [meta["id"]]
    assert await ids(published_from="2025-01-10") == [quiet["id"], meta["id"]]
    assert await ids(published_to="2025-01-10") == [microsoft["id"]]
    assert await ids(q="data centres") == [microsoft["id"]]
    assert await ids(q="shares investors") == [quiet["id"]]
    assert await ids(status="queued") == []
    assert meta["text"]


async def test_cursor_walks_every_item_once(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    urls = [f"https://walk.example.com/{i}" for i in range(7)]
    await client.post("/v1/articles/batch", json={"urls": urls})
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/v1/articles", params=params)).json()
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


async def test_claim_filters_and_company_search(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await load(client)
    claims = (await client.get("/v1/claims", params={"company": "microsoft"})).json()["items"]
    assert claims
    assert all(c["company"]["slug"] == "microsoft" for c in claims)
    assert (await client.get("/v1/claims", params={"year": 1999})).json()["items"] == []
    by_article = (
        await client.get("/v1/claims", params={"article_id": claims[0]["article_id"]})
    ).json()
    assert {c["id"] for c in by_article["items"]} >= {claims[0]["id"]}
    found = (await client.get("/v1/companies", params={"q": "亚马逊"})).json()["items"]
    assert {c["slug"] for c in found} == {"amazon", "aws"}  # 亚马逊云 is AWS
    first = (await client.get("/v1/companies", params={"limit": 2})).json()
    second = (
        await client.get("/v1/companies", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert first["items"][-1]["slug"] < second["items"][0]["slug"]
