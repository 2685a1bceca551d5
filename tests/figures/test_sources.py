"""Sources, conflicts, the figure of record, and keeping figures fresh on reprocess and delete."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.figures.store import B, claim, figures, one_figure, restore, store
from tests.support import wait_done

pytestmark = pytest.mark.usefixtures("clean")

STORY = "Alphabet expects to invest about $75 billion in capital expenditures in 2025. " * 3


async def test_a_syndicated_story_is_one_figure_with_many_sources(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    original = await store(
        db, "https://wire.example.com/alphabet", date(2025, 2, 5), [claim("alphabet", 75)],
        body=STORY,
    )  # fmt: skip
    copies = [
        await store(
            db,
            f"https://paper{i}.example.com/tech/alphabet",
            date(2025, 2, 6),
            [claim("alphabet", 75)],
            body=STORY.upper(),
        )
        for i in range(3)
    ]
    # Same canonical URL, another body (a page with the story's comments): still a copy.
    by_canonical = await store(
        db, "https://wire.example.com/alphabet?page=comments", date(2025, 2, 7),
        [claim("alphabet", 75)], body=STORY + " Comments (3)", canonical="https://wire.example.com/alphabet",
    )  # fmt: skip
    figure = await one_figure(client, company="alphabet")
    assert figure["sources"] == 5
    assert figure["independent"] == 1
    assert figure["claims"] == 1
    assert figure["article_id"] == original  # a copy published later is not a newer source
    copy_of = {c["article_id"]: c["copy_of"] for c in figure["support"]}
    assert copy_of == {original: None, **dict.fromkeys([*copies, by_canonical], original)}
    assert all(c["evidence"] and c["title"] for c in figure["support"])
    assert [h["sources"] for h in figure["history"]] == [5]

    other = await store(
        db, "https://other.example.com/alphabet-capex", date(2025, 2, 8), [claim("alphabet", 75)],
        body="Alphabet's own words: $75 billion of capital expenditures in 2025.",
    )  # fmt: skip
    figure = await one_figure(client, company="alphabet")
    assert (figure["sources"], figure["independent"], figure["claims"]) == (6, 2, 2)
    assert figure["article_id"] == other
    totals = (await client.get("/v1/totals", params={"company": "alphabet"})).json()["items"]
    assert [(t["figures"], t["claims"], t["articles"]) for t in totals] == [(1, 2, 2)]


async def test_sources_that_disagree_within_30_days_are_a_conflict(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    a = await store(db, "https://a.example.com/x", date(2025, 2, 5), [claim("alphabet", 75)])
    b = await store(
        db, "https://b.example.com/x", date(2025, 2, 20),
        [claim("alphabet", 58, status="planned")],
    )  # fmt: skip
    # Close agreement (under 10%) and an old disagreement are not conflicts.
    await store(db, "https://c.example.com/x", date(2025, 2, 1), [claim("meta", 60, 65)])
    await store(db, "https://d.example.com/x", date(2025, 2, 15), [claim("meta", 61, 66)])
    await store(db, "https://e.example.com/x", date(2025, 1, 2), [claim("amazon", 80)])
    await store(db, "https://f.example.com/x", date(2025, 3, 20), [claim("amazon", 100)])

    flagged = await figures(client, conflict="true")
    assert [f["company"]["slug"] for f in flagged] == ["alphabet"]
    conflict = flagged[0]
    assert conflict["conflict"] is True
    assert {(c["article_id"], c["amount_low"]) for c in conflict["conflicts"]} == {
        (a, 75 * B),
        (b, 58 * B),
    }
    assert all(c["published"] and c["evidence"] for c in conflict["conflicts"])
    calm = await figures(client, conflict="false")
    assert {f["company"]["slug"] for f in calm} == {"meta", "amazon"}


async def test_actual_is_the_figure_of_record_for_an_ended_year(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    await store(
        db, "https://a.example.com/plan", date(2024, 2, 1),
        [claim("amazon", 75, year=2024), claim("amazon", 100, year=2025)],
    )  # fmt: skip
    await store(
        db, "https://b.example.com/results", date(2025, 2, 6),
        [claim("amazon", 77, year=2024, status="actual"),
         claim("amazon", 90, year=2025, status="estimate")],
    )  # fmt: skip
    found = {(f["year"], f["status"]): f for f in await figures(client, company="amazon")}
    assert found[(2024, "actual")]["of_record"] is True
    assert found[(2024, "planned")]["of_record"] is False  # the plan stays visible beside it
    assert found[(2025, "planned")]["of_record"] is True
    assert found[(2025, "estimate")]["of_record"] is False
    record = await figures(client, company="amazon", record="true")
    assert sorted((f["year"], f["status"]) for f in record) == [(2024, "actual"), (2025, "planned")]
    totals = await client.get("/v1/totals", params={"group_by": "year", "record": "true"})
    rows = [r for r in totals.json()["items"] if r["amount_low"] is not None]
    assert [(r["year"], r["status"], r["amount_low"]) for r in rows] == [
        (2024, "actual", 77 * B), (2025, "planned", 100 * B),
    ]  # fmt: skip


async def test_reprocess_and_delete_keep_figures_and_totals_fresh(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    early = await store(
        db, "https://a.example.com/meta", date(2025, 1, 29), [claim("meta", 60, 65)]
    )
    late = await store(db, "https://b.example.com/meta", date(2025, 4, 30), [claim("meta", 64, 72)])
    assert (await one_figure(client, company="meta"))["amount_high"] == 72 * B

    await restore(db, late, [claim("meta", 66, 72)])  # the extractor now reads it otherwise
    figure = await one_figure(client, company="meta")
    assert (figure["amount_low"], figure["sources"]) == (66 * B, 2)

    response = await client.delete(f"/v1/articles/{late}")
    assert response.status_code == 204
    figure = await one_figure(client, company="meta")
    assert (figure["amount_low"], figure["amount_high"], figure["sources"]) == (60 * B, 65 * B, 1)
    assert [h["article_id"] for h in figure["history"]] == [early]
    totals = (await client.get("/v1/totals", params={"company": "meta"})).json()["items"]
    assert [(t["amount_low"], t["amount_high"]) for t in totals] == [(60 * B, 65 * B)]
    assert (await client.get(f"/v1/articles/{late}")).status_code == 404

    assert (await client.delete(f"/v1/articles/{early}")).status_code == 204
    assert await figures(client, company="meta") == []
    assert (await client.get("/v1/totals", params={"company": "meta"})).json()["items"] == []
    missing = await client.delete(f"/v1/articles/{early}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_deleting_an_original_leaves_its_copies_as_one_source(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    original = await store(
        db, "https://wire.example.com/a", date(2025, 2, 5), [claim("meta", 60, 65)], body=STORY
    )
    for i in range(2):
        await store(
            db, f"https://copy{i}.example.com/a", date(2025, 2, 6), [claim("meta", 60, 65)],
            body=STORY,
        )  # fmt: skip
    assert (await client.delete(f"/v1/articles/{original}")).status_code == 204
    figure = await one_figure(client, company="meta")
    assert (figure["sources"], figure["independent"], figure["claims"]) == (2, 1, 1)


async def test_readers_see_the_old_figure_until_the_store_commits(
    client: AsyncTestClient, db: asyncpg.Connection, database_url: str
) -> None:  # type: ignore[type-arg]
    await store(db, "https://a.example.com/meta", date(2025, 1, 29), [claim("meta", 60, 65)])
    writer = await asyncpg.connect(database_url)
    try:
        transaction = writer.transaction()
        await transaction.start()
        await store(
            writer, "https://b.example.com/meta", date(2025, 4, 30), [claim("meta", 64, 72)]
        )
        during = await one_figure(client, company="meta")
        during_totals = (await client.get("/v1/totals", params={"company": "meta"})).json()
        await transaction.commit()
    finally:
        await writer.close()
    assert (during["amount_high"], during["sources"]) == (65 * B, 1)
    assert during_totals["items"][0]["amount_high"] == 65 * B
    after = await one_figure(client, company="meta")
    assert (after["amount_high"], after["sources"]) == (72 * B, 2)


async def test_articles_stored_at_once_both_count(
    client: AsyncTestClient, database_url: str
) -> None:  # type: ignore[type-arg]
    conns = [await asyncpg.connect(database_url) for _ in range(4)]
    try:
        await asyncio.gather(
            *(
                store(c, f"https://n{i}.example.com/meta", date(2025, 3, 1 + i),
                      [claim("meta", 60 + i, 70)])
                for i, c in enumerate(conns)
            )
        )  # fmt: skip
    finally:
        for c in conns:
            await c.close()
    figure = await one_figure(client, company="meta")
    assert (figure["sources"], figure["amount_low"]) == (4, 63 * B)


async def test_an_article_submitted_over_http_can_be_deleted(
    client: AsyncTestClient,
) -> None:  # type: ignore[type-arg]
    response = await client.post(
        "/v1/articles",
        json={
            "url": "https://news.example.com/a",
            "html": "<html><body><p>Hello.</p></body></html>",
        },
    )
    article = await wait_done(client, response.json()["id"])
    assert (await client.delete(f"/v1/articles/{article['id']}")).status_code == 204
    assert (await client.get("/v1/articles")).json()["items"] == []


async def test_an_article_being_reprocessed_still_counts_when_another_is_stored(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    first = await store(
        db, "https://a.example.com/meta", date(2025, 4, 30), [claim("meta", 64, 72)]
    )
    await db.execute("UPDATE article SET status = 'fetching' WHERE id = $1", first)  # taken
    await store(db, "https://b.example.com/meta", date(2025, 1, 29), [claim("meta", 60, 65)])
    figure = await one_figure(client, company="meta")
    assert (figure["sources"], figure["amount_high"]) == (2, 72 * B)
