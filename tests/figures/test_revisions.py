"""A figure revised by three articles, ingested in shuffled order: the latest published wins."""

from __future__ import annotations

import random
from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.figures.store import B, claim, one_figure, store
from tests.support import wait_done

pytestmark = pytest.mark.usefixtures("clean")

META_2025 = [
    (date(2025, 1, 29), 60, 65),
    (date(2025, 4, 30), 64, 72),
    (date(2025, 7, 30), 66, 72),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_revisions_in_any_order_of_ingestion(
    client: AsyncTestClient, db: asyncpg.Connection, seed: int
) -> None:  # type: ignore[type-arg]
    order = META_2025[:]
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible order, not a secret
    seen: list[tuple[date, int, int]] = []
    for published, low, high in order:
        await store(
            db, f"https://news.example.com/meta-{published}", published, [claim("meta", low, high)]
        )
        seen.append((published, low, high))
        figure = await one_figure(client, company="meta", year=2025)
        latest = max(seen)
        assert (figure["amount_low"], figure["amount_high"]) == (latest[1] * B, latest[2] * B)
        assert figure["published"] == latest[0].isoformat()
        history = [(h["published"], h["amount_low"], h["amount_high"]) for h in figure["history"]]
        assert history == [(p.isoformat(), lo * B, hi * B) for p, lo, hi in sorted(seen)]
        assert figure["sources"] == figure["independent"] == len(seen)
        assert figure["conflict"] is False
    detail = (await client.get("/v1/companies/meta/figures")).json()
    assert [f["amount_high"] for f in detail["figures"]] == [72 * B]


async def test_a_restated_value_is_one_step_of_history(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    for day, (low, high) in [(10, (60, 65)), (20, (60, 65)), (25, (60, 65))]:
        await store(
            db, f"https://wire{day}.example.com/meta", date(2025, 2, day),
            [claim("meta", low, high)], body=f"Story {day} about Meta's plans, told its own way.",
        )  # fmt: skip
    figure = await one_figure(client, company="meta")
    assert [(h["published"], h["sources"]) for h in figure["history"]] == [("2025-02-10", 3)]
    assert figure["published"] == "2025-02-25"


PAGE = """<html><head><title>Meta's outlook, {published}</title></head><body><article>
<p>Meta updated its outlook on {published}, when it reported results for the quarter.</p>
<p>Meta expects 2025 capital expenditures of ${low}-{high} billion, the company said.</p>
<p>Shares moved after the call as investors weighed the cost of its data-centre build-out.</p>
</article></body></html>"""


async def test_revisions_submitted_over_http_in_shuffled_order(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    order = [META_2025[1], META_2025[2], META_2025[0]]
    seen: list[tuple[date, int, int]] = []
    for published, low, high in order:
        html = PAGE.format(published=published.isoformat(), low=low, high=high)
        response = await client.post(
            "/v1/articles",
            json={
                "url": f"https://news.example.com/meta/{published}",
                "html": html,
                "published": published.isoformat(),
            },
        )
        assert response.status_code == 202
        article = await wait_done(client, response.json()["id"])
        assert article["status"] == "parsed"
        seen.append((published, low, high))
        figure = await one_figure(client, company="meta", year=2025, category="capex")
        latest = max(seen)
        assert (figure["amount_low"], figure["amount_high"]) == (latest[1] * B, latest[2] * B)
        assert [(h["published"], h["amount_low"], h["amount_high"]) for h in figure["history"]] == [
            (p.isoformat(), lo * B, hi * B) for p, lo, hi in sorted(seen)
        ]
    totals = (await client.get("/v1/totals", params={"company": "meta", "year": 2025})).json()
    assert [(r["amount_low"], r["amount_high"], r["articles"]) for r in totals["items"]] == [
        (66 * B, 72 * B, 3)
    ]


async def test_reprocess_over_http_refreshes_the_figure(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    published, low, high = META_2025[0]
    response = await client.post(
        "/v1/articles",
        json={
            "url": "https://news.example.com/meta/reprocessed",
            "html": PAGE.format(published=published.isoformat(), low=low, high=high),
            "published": published.isoformat(),
        },
    )
    article = await wait_done(client, response.json()["id"])
    # Claims left by an older extractor with the high end wrong, and a figure made from them.
    await db.execute("UPDATE claim SET amount_high = 99e9 WHERE article_id = $1", article["id"])
    await db.execute("UPDATE figure SET amount_high = 99e9")
    assert (await one_figure(client, company="meta"))["amount_high"] == 99 * B
    reprocessed = await client.post(f"/v1/articles/{article['id']}/reprocess")
    assert reprocessed.status_code == 200, reprocessed.text
    figure = await one_figure(client, company="meta")
    assert (figure["amount_low"], figure["amount_high"]) == (low * B, high * B)
