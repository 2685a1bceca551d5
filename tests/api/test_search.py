"""Full-text search pages: the same articles, in the same order, as the plain query.

`/v1/articles?q=` reads the newest block of ids first, then wider windows of older blocks, and
stops when the page is full (service/articles/queries.py, search_page). These tests hold it
to what a reader of the API would get from the plain statement
`WHERE search @@ websearch_to_tsquery(...) ORDER BY id DESC`: on articles whose ids are spread
over a hundred blocks, with words frequent enough to fill a page from the newest blocks, words that
need the windows to widen to the oldest articles, and words that match nothing.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, timedelta

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.articles import queries

# 2,500 ids out of 200,000, and the edges of blocks, so that pages cross block boundaries.
BLOCK = 1 << queries.SEARCH_BLOCK_BITS
EDGES = [1, 2, *(k * BLOCK + d for k in (1, 2, 32) for d in (-1, 0, 1)), 199_999, 200_000]
SPREAD = random.Random(11).sample(range(3, 199_999), 2_500)  # noqa: S311 - reproducible, not secret
IDS = sorted(set(SPREAD) | set(EDGES))

QUERIES = [
    "alpha",  # every parsed article: a page from the newest block
    "bravo",  # one in four: a first page over several windows
    "charlie",  # one in a hundred: fewer than a page, so every window and the oldest articles
    "delta",  # the three oldest articles only
    "echo",  # the newest article only
    "golf",  # titles only
    "foxtrot",  # nothing
    "the",  # stop words only: no lexeme, no match
    "bravo charlie",
    "bravo or charlie",
    '"alpha bravo"',  # a phrase
    "alpha -bravo",
    "-alpha",  # a negation alone: the articles without the word, failed ones included
]


def words(i: int, n: int) -> tuple[str, str]:
    """The title and body of the i-th oldest of n articles."""
    body = ["alpha"]
    if i % 8 == 0:
        body.append("bravo")
    elif i % 8 == 1:
        body += ["sits", "between", "bravo"]  # both words, not a phrase
    if i % 100 == 3:
        body.append("charlie")
    if i < 3:
        body.append("delta")
    if i == n - 1:
        body.append("echo")
    title = "Golf news" if i % 5 == 0 else "Market news"
    return title, " ".join(body) + "."


def rows() -> list[tuple[object, ...]]:
    out = []
    for i, article_id in enumerate(IDS):
        failed = i % 50 == 7 and i < len(IDS) - 1
        title, body = words(i, len(IDS))
        url = f"https://search.example.com/{article_id}"
        out.append(
            (
                article_id, url, url, "fetch",
                "failed" if failed else "parsed",
                "http_error" if failed else None,
                None if failed else title,
                None if failed else body,
                None if failed else date(2020, 1, 1) + timedelta(days=i // 2),
            )
        )  # fmt: skip
    return out


@pytest.fixture(scope="module")
async def articles(database_url: str, client: AsyncTestClient) -> AsyncIterator[None]:  # type: ignore[type-arg]
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("TRUNCATE article CASCADE")
        await conn.copy_records_to_table(
            "article",
            records=rows(),
            columns=[
                "id", "url", "url_key", "source", "status", "error_code", "title", "body",
                "published",
            ],
        )  # fmt: skip
        # Later articles take ids after these, as they would after a restore.
        await conn.execute("SELECT setval(pg_get_serial_sequence('article', 'id'), $1)", IDS[-1])
        await conn.execute("ANALYZE article")
        yield
        await conn.execute("TRUNCATE article CASCADE")
    finally:
        await conn.close()


async def plain(conn: asyncpg.Connection, q: str, **filters: object) -> list[int]:
    """Every match, newest first, by the statement a search page must agree with."""
    where = ["search @@ websearch_to_tsquery('english', $1)"]
    args: list[object] = [q]
    for column, op in (("status", "="), ("published_from", ">="), ("published_to", "<=")):
        if filters.get(column) is not None:
            args.append(filters[column])
            where.append(f"{column.split('_')[0]} {op} ${len(args)}")
    sql = f"SELECT id FROM article WHERE {' AND '.join(where)} ORDER BY id DESC"
    return [r["id"] for r in await conn.fetch(sql, *args)]


@pytest.mark.usefixtures("articles")
@pytest.mark.parametrize("q", QUERIES)
async def test_pages_are_the_plain_query_cut_by_the_cursor(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
    q: str,
) -> None:
    everything = await plain(db, q)
    for limit, pages in ((50, 60), (7, 4), (1, 3), (200, 2)):
        seen: list[int] = []
        cursor = None
        for _ in range(pages):
            params: dict[str, object] = {"q": q, "limit": limit}
            if cursor:
                params["cursor"] = cursor
            response = await client.get("/v1/articles", params=params)
            assert response.status_code == 200, response.text
            body = response.json()
            items = [a["id"] for a in body["items"]]
            assert items == everything[len(seen) : len(seen) + limit], (q, limit, len(seen))
            seen += items
            cursor = body["next_cursor"]
            if cursor is None:
                break
        if cursor is None:
            assert seen == everything, (q, limit)


@pytest.mark.usefixtures("articles")
async def test_the_dataset_makes_the_windows_widen(db: asyncpg.Connection) -> None:
    """The cases above cover what they claim: first pages that span a few blocks and many,
    matches fewer than a page and older than every window, and none."""
    newest = IDS[-1] >> queries.SEARCH_BLOCK_BITS
    windowed = 1 + sum(queries.SEARCH_WINDOWS)  # blocks read before the oldest articles

    async def blocks(q: str, limit: int | None = None) -> set[int]:
        return {i >> queries.SEARCH_BLOCK_BITS for i in (await plain(db, q))[:limit]}

    three_windows = 1 + queries.SEARCH_WINDOWS[0] + queries.SEARCH_WINDOWS[1]
    assert 1 < len(await blocks("alpha", 51)) <= three_windows
    assert three_windows < len(await blocks("bravo", 51)) < windowed
    assert len(await plain(db, "charlie")) < 51
    assert min(await blocks("charlie")) < newest - windowed
    assert await blocks("delta") == {0}
    assert await blocks("echo") == {newest}
    assert await blocks("foxtrot") == await blocks("the") == set()


@pytest.mark.usefixtures("articles")
@pytest.mark.parametrize("q", ["alpha", "bravo", "charlie", "delta", "-alpha", "foxtrot"])
async def test_any_cursor_and_filter(db: asyncpg.Connection, q: str) -> None:
    """Cursors anywhere (block edges, before the first id, past the last), with the other
    filters, through the query the route runs."""
    cursors = [None, *EDGES, 0, -5, 3_000, 65_000, 150_000, 10**12]
    cursors += random.Random(q).sample(IDS, 12)  # noqa: S311 - reproducible, not secret
    filters: list[dict[str, object]] = [
        {},
        {"status": "failed"},
        {"status": "parsed", "published_from": date(2020, 6, 1)},
        {"published_to": date(2021, 1, 1)},
    ]
    for given in filters:
        everything = await plain(db, q, **given)
        for before in cursors:
            for limit in (1, 51):
                page = await queries.list_page(
                    db,
                    status=given.get("status"),  # type: ignore[arg-type]
                    company=None,
                    published_from=given.get("published_from"),  # type: ignore[arg-type]
                    published_to=given.get("published_to"),  # type: ignore[arg-type]
                    q=q,
                    before_id=before,
                    limit=limit,
                )
                want = [i for i in everything if before is None or i < before][:limit]
                assert [a.id for a in page] == want, (q, given, before, limit)
