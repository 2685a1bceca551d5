"""Article rows: submission, reads, and the result of processing."""

from __future__ import annotations

import uuid
import zlib
from datetime import date

import asyncpg

from service.articles.schemas import Article, ArticleError

# Plain columns, made into an Article by to_article: no JSON built by PostgreSQL and decoded
# again here, which a list page would pay 50 times.
ARTICLE_COLUMNS = """
a.id, a.url, a.canonical_url, a.status, a.error_code, a.error_message,
a.title, a.authors, a.published, a.language, a.claim_count, a.created_at, a.fetched_at
"""

# Inserting a queued row and waking the workers happen in one statement's transaction.
INSERT_ARTICLE = f"""
WITH inserted AS (
    INSERT INTO article AS a (url, url_key, source, raw_html, raw_encoding, published_hint)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (url_key) DO NOTHING
    RETURNING {ARTICLE_COLUMNS}
), woken AS (
    SELECT pg_notify('outlay_article', id::text) FROM inserted
)
SELECT inserted.*, (SELECT count(*) FROM woken) AS woken FROM inserted
"""


def to_article(row: asyncpg.Record) -> Article:
    """An ARTICLE_COLUMNS row as the API shows it. Built directly rather than through a dict and
    a validating convert: the table's constraints already hold, and a page makes 50 of these."""
    code = row["error_code"]
    return Article(
        id=row["id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        status=row["status"],
        error=None if code is None else ArticleError(code, row["error_message"]),
        title=row["title"],
        authors=row["authors"],
        published=row["published"],
        language=row["language"],
        claim_count=row["claim_count"],
        created_at=row["created_at"],
        fetched_at=row["fetched_at"],
    )


async def insert(
    conn: asyncpg.Connection,
    *,
    url: str,
    url_key: str,
    raw_html: bytes | None,
    published_hint: date | None,
) -> Article | None:
    """The new article, or None when one with the same normalised URL exists."""
    row = await conn.fetchrow(
        INSERT_ARTICLE,
        url, url_key, "submitted" if raw_html is not None else "fetch",
        raw_html, "utf-8" if raw_html is not None else None, published_hint,
    )  # fmt: skip
    return to_article(row) if row else None


SUPPLY_PAGE = f"""
WITH supplied AS (
    UPDATE article AS a
    SET raw_html = $2, raw_encoding = 'utf-8', source = 'submitted', status = 'queued',
        published_hint = coalesce($3, a.published_hint), error_code = NULL, error_message = NULL,
        run_at = now(), updated_at = now()
    WHERE a.url_key = $1 AND a.raw_html IS NULL AND a.status IN ('queued', 'failed')
    RETURNING {ARTICLE_COLUMNS}
), woken AS (
    SELECT pg_notify('outlay_article', id::text) FROM supplied
)
SELECT supplied.*, (SELECT count(*) FROM woken) AS woken FROM supplied
"""


async def supply_page(
    conn: asyncpg.Connection, *, url_key: str, raw_html: bytes, published_hint: date | None
) -> Article | None:
    """Give a known article without a page the page a partner sent, and queue it again."""
    row = await conn.fetchrow(SUPPLY_PAGE, url_key, raw_html, published_hint)
    return to_article(row) if row else None


async def get_by_key(conn: asyncpg.Connection, url_key: str) -> Article | None:
    row = await conn.fetchrow(
        f"SELECT {ARTICLE_COLUMNS} FROM article a WHERE a.url_key = $1", url_key
    )
    return to_article(row) if row else None


async def get_by_id(conn: asyncpg.Connection, article_id: int) -> Article | None:
    row = await conn.fetchrow(
        f"SELECT {ARTICLE_COLUMNS} FROM article a WHERE a.id = $1", article_id
    )
    return to_article(row) if row else None


async def get_with_text(
    conn: asyncpg.Connection, article_id: int
) -> tuple[Article, str | None] | None:
    row = await conn.fetchrow(
        f"SELECT {ARTICLE_COLUMNS}, a.body FROM article a WHERE a.id = $1", article_id
    )
    return (to_article(row), row["body"]) if row else None


# Full-text search reads ids in blocks of 2**SEARCH_BLOCK_BITS, the second column of the
# article_search_block index (0010_search_blocks.sql): the newest block first, then windows of
# SEARCH_WINDOWS blocks each, older and four times wider (34,816 ids in all), then everything
# older. A window is one GIN scan per block (the word's matches in the block, without reading
# its other matches) and a sort of what it found; windows run in order and PostgreSQL stops at
# the first that fills the page. Narrow windows first keep a frequent word from fetching
# hundreds of rows it does not show; wider ones after keep a rare word to 17 scans, and a word
# rarer still to what the plain query cost it: every match, read from the index.
SEARCH_BLOCK_BITS = 11
SEARCH_WINDOWS = (1, 3, 12)


def search_page(where: list[str], query: str, before: str | None, limit: str) -> str:
    """The statement of a search page: the newest `limit` rows matching the text `query`,
    meeting `where`, with ids below `before` when given, newest first. Same rows, same order as
    `WHERE ... ORDER BY a.id DESC LIMIT n`, which tests/api/test_search.py checks it against.

    The windows partition the ids, each is sorted newest first, and UNION ALL's Append runs
    them in order, so their concatenation cut at `limit` is that page. The plan must suit every
    word, rare or frequent, as one generic plan: the id conditions of the windows are written
    `a.id + 0` so that none can be planned on the primary key (a walk that a rare word would
    take to the oldest article, or a bitmap of every id below a bound), and the query and the
    limit reach the windows through `search`, so that a plan made for one word's figures is no
    cheaper than the generic one (PostgreSQL then keeps the generic plan after five runs
    instead of planning every request).

    A query with no word that every match must hold (`-word`, `a or -b`: querytree() is 'T')
    cannot be looked up in the index, only read from all of it (180 ms), and matches most
    articles: it skips the windows and walks the newest articles, as the plain query did.
    """
    bits = SEARCH_BLOCK_BITS
    block = f"(a.id >> {bits})"
    if before is None:
        newest = f"(SELECT coalesce(max(id), 0) FROM article) >> {bits}"
        windows = [f"{block} >= (SELECT n FROM search)"]
        walk, below = [], []
    else:
        newest = f"{before}::bigint >> {bits}"
        windows = [f"{block} = (SELECT n FROM search)"]
        walk, below = [f"a.id < {before}"], [f"a.id + 0 < {before}"]
    done = 1
    for size in SEARCH_WINDOWS:
        windows.append(
            f"{block} = ANY(ARRAY(SELECT generate_series(n - {done}, n - {done + size - 1}, -1)"
            " FROM search))"
        )
        done += size
    windows.append(f"a.id + 0 < ((SELECT n FROM search) - {done - 1}) << {bits}")

    def part(conditions: list[str], order: str, source: str = "article a") -> str:
        return (
            f"(SELECT {ARTICLE_COLUMNS} FROM {source} WHERE {' AND '.join(conditions)}"
            f" ORDER BY {order} DESC LIMIT (SELECT size FROM search))"
        )

    found = ["(SELECT indexed FROM search)", "a.search @@ (SELECT query FROM search)"]
    parts = []
    for window in windows:
        inside = " AND ".join([*found, *below, window])
        if not where:
            parts.append(part([inside], "a.id + 0"))
            continue
        # The other filters apply to what the window found (OFFSET 0 keeps them out of the
        # subquery): in the generic plan they would AND the window with a bitmap of every
        # article the filter keeps (123,000 for a published_to, 6 ms).
        source = f"(SELECT {ARTICLE_COLUMNS} FROM article a WHERE {inside} OFFSET 0) a"
        parts.append(part(where, "a.id + 0", source))
    # ts_match_vq is the function behind @@, which the index cannot answer: a walk.
    unindexed = [
        "NOT (SELECT indexed FROM search)",
        "ts_match_vq(a.search, (SELECT query FROM search))",
    ]
    parts.append(part([*unindexed, *where, *walk], "a.id"))
    return (
        "WITH search AS (SELECT q.query, querytree(q.query) <> 'T' AS indexed,"
        f" {limit}::int AS size, {newest} AS n"
        f" FROM (SELECT websearch_to_tsquery('english', {query}) AS query) q)"
        f" SELECT * FROM ({' UNION ALL '.join(parts)}) page LIMIT (SELECT size FROM search)"
    )


async def list_page(
    conn: asyncpg.Connection,
    *,
    status: str | None,
    company: str | None,
    published_from: date | None,
    published_to: date | None,
    q: str | None,
    before_id: int | None,
    limit: int,
) -> list[Article]:
    """Newest first (by id), so a cursor is the last id seen.

    Only the filters given go into the statement: a `$n IS NULL OR ...` condition keeps
    PostgreSQL from planning each filter with the index it has.
    """
    args: list[object] = []

    def arg(value: object) -> str:
        args.append(value)
        return f"${len(args)}"

    source = "article a"
    where = []
    if company is not None:
        # The company's article ids newest first, straight from claim (company_id, article_id),
        # and each article fetched by its key until the page is full: ~1 ms for any company,
        # where a semi-join walked the newest articles looking for a rare company's (10-90 ms
        # at 200,000 articles) and needed the company's id looked up first to be planned well.
        # The cursor bounds the ids inside, where the index can use it.
        bound = "" if before_id is None else f" AND c.article_id < {arg(before_id)}"
        source = (
            "(SELECT DISTINCT c.article_id FROM claim c"
            f" WHERE c.company_id = (SELECT id FROM company WHERE slug = {arg(company)}){bound}"
            " ORDER BY c.article_id DESC) ids JOIN article a ON a.id = ids.article_id"
        )
    if status is not None:
        where.append(f"a.status = {arg(status)}")
    if published_from is not None:
        where.append(f"a.published >= {arg(published_from)}")
    if published_to is not None:
        where.append(f"a.published <= {arg(published_to)}")
    if q is not None and company is None:
        cursor = None if before_id is None else arg(before_id)
        rows = await conn.fetch(search_page(where, arg(q), cursor, arg(limit)), *args)
        return [to_article(r) for r in rows]
    if company is None and before_id is not None:
        where.append(f"a.id < {arg(before_id)}")
    if q is not None:
        where.append(f"a.search @@ websearch_to_tsquery('english', {arg(q)})")
    rows = await conn.fetch(
        f"""
        SELECT {ARTICLE_COLUMNS} FROM {source}
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY a.id DESC
        LIMIT {arg(limit)}
        """,
        *args,
    )
    return [to_article(r) for r in rows]


# Pages are kept zlib-compressed. Level 1 against 6: 0.9 ms instead of 2.3 ms for the
# benchmark's average 170 KB page, kept at 0.235 of its size instead of 0.197; a worker spends
# its CPU on every page it stores, and disk is the cheaper of the two.
PAGE_LEVEL = 1


def pack_page(raw: bytes) -> bytes:
    return zlib.compress(raw, PAGE_LEVEL)


async def raw_html(conn: asyncpg.Connection, article_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT url, source, raw_html, raw_encoding, published_hint FROM article WHERE id = $1",
        article_id,
    )


async def set_fetched(
    conn: asyncpg.Connection, *, article_id: int, lease: uuid.UUID, raw: bytes, encoding: str | None
) -> bool:
    status: str = await conn.execute(
        """UPDATE article SET raw_html = $3, raw_encoding = $4, fetched_at = now(),
                  updated_at = now()
           WHERE id = $1 AND lease_token = $2""",
        article_id, lease, raw, encoding,
    )  # fmt: skip
    return status.endswith(" 1")


# Copies of a deleted article now copy the earliest of them, which becomes the original.
REPOINT_COPIES = """
WITH copies AS (SELECT id FROM article WHERE duplicate_of = $1),
heir AS (SELECT min(id) AS id FROM copies)
UPDATE article a SET duplicate_of = CASE WHEN a.id = heir.id THEN NULL ELSE heir.id END,
       updated_at = now()
FROM heir WHERE a.id IN (SELECT id FROM copies)
RETURNING a.id
"""


async def delete(conn: asyncpg.Connection, article_id: int) -> list[int] | None:
    """Delete the article and its claims; the ids of its copies, or None if there was none.

    The caller holds the transaction and brings the figures up to date.
    """
    copies = [r["id"] for r in await conn.fetch(REPOINT_COPIES, article_id)]
    status = await conn.execute("DELETE FROM article WHERE id = $1", article_id)
    return copies if status.endswith(" 1") else None
