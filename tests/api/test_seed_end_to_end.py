"""The seed article from URL to totals, through the real queue, fetch, parse and store."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from tests.support import Page, Site, wait_done

pytestmark = pytest.mark.usefixtures("clean")

B = 1_000_000_000


@pytest.fixture
def seed_html(shared: Path) -> bytes:
    return (shared / "fixtures" / "seed" / "page.html").read_bytes()


async def test_seed_url_to_totals(client: AsyncTestClient, site: Site, seed_html: bytes) -> None:  # type: ignore[type-arg]
    url = site.add("/news/big-tech-320b", Page(seed_html))

    response = await client.post("/v1/articles", json={"url": url})
    assert response.status_code == 202
    queued = response.json()
    assert queued["status"] == "queued"
    assert response.headers["location"] == f"/v1/articles/{queued['id']}"

    article = await wait_done(client, queued["id"])
    assert article["status"] == "parsed", article["error"]
    assert article["title"] == "Big tech’s $320B AI spend defies efficiency race"
    assert article["published"] == "2025-02-12"
    text = article["text"]
    assert "Amazon is flexing its financial muscle" in text
    assert "登录" not in text  # navigation stays out of the body
    assert "首页" not in text
    assert article["claim_count"] == len(article["claims"]) > 0
    for claim in article["claims"]:
        evidence = claim["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]

    meta = (await client.get("/v1/claims", params={"company": "meta"})).json()["items"]
    amounts = {(c["year"], c["amount_low"], c["amount_high"]) for c in meta}
    assert amounts == {(2025, 60 * B, 65 * B), (2024, 39 * B, 39 * B)}

    amazon = (await client.get("/v1/companies/amazon")).json()
    assert amazon["name"] == "Amazon"
    assert "AMZN" in amazon["tickers"]
    assert {(f["year"], f["status"], f["amount_low"]) for f in amazon["figures"]} >= {
        (2025, "planned", 100 * B),
        (2024, "actual", 77 * B),
    }

    totals = (
        await client.get(
            "/v1/totals", params={"group_by": "company", "year": 2025, "status": "planned"}
        )
    ).json()
    rows = {
        row["company"]["slug"]: (row["amount_low"], row["amount_high"]) for row in totals["items"]
    }
    assert rows == {
        "amazon": (100 * B, 100 * B),
        "microsoft": (80 * B, 80 * B),
        "alphabet": (75 * B, 75 * B),
        "meta": (60 * B, 65 * B),
    }
    assert sum(low for low, _ in rows.values()) == 315 * B
    assert sum(high for _, high in rows.values()) == 320 * B


async def test_same_page_twice_is_one_article_and_html_copy_does_not_change_totals(
    client: AsyncTestClient,
    site: Site,
    seed_html: bytes,  # type: ignore[type-arg]
) -> None:
    url = site.add("/story/seed/", Page(seed_html))
    first = await client.post("/v1/articles", json={"url": url + "?utm_source=newsletter#top"})
    assert first.status_code == 202
    await wait_done(client, first.json()["id"])
    again = await client.post(
        "/v1/articles", json={"url": url.upper().replace("/STORY/SEED/", "/story/seed")}
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    listed = (await client.get("/v1/articles")).json()["items"]
    assert len(listed) == 1

    params = {"group_by": "company,year"}
    before = (await client.get("/v1/totals", params=params)).json()
    copy = await client.post(
        "/v1/articles",
        json={
            "url": "https://syndication.example.org/a/123",
            "html": seed_html.decode(),
            "published": "2025-02-12",
        },
    )
    assert copy.status_code == 202
    copied = await wait_done(client, copy.json()["id"])
    assert copied["status"] == "parsed"
    assert copied["claim_count"] > 0
    assert len((await client.get("/v1/articles")).json()["items"]) == 2
    after = (await client.get("/v1/totals", params=params)).json()
    assert after == before
