"""Keeping figures fresh inside the transaction that changes an article's claims.

The caller (storing, reprocessing or deleting an article) holds the transaction, so a reader
sees the old figures and totals until it commits and the new ones after: never half of each.
Only the figures the article touches are recomputed, from all of their claims.

Two articles about the same company stored at once would each recompute its figures from a
snapshot without the other's claims; a transaction-scoped advisory lock per company makes the
second wait, and its next statement then sees the first one's claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg
import msgspec

from service.figures.derive import Derived, Key, Source, derive

# Lock space for figure refreshes (the two-integer advisory lock form: class, company id).
LOCK_CLASS = 4004
LOCK = "SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::int)"

COMPANIES_OF_ARTICLE = """
SELECT company_id FROM claim WHERE article_id = $1 AND company_id IS NOT NULL
UNION
SELECT company_id FROM figure WHERE article_ids @> ARRAY[$1::bigint]
"""

# The claims a figure is made of: one-year amounts of named companies. An article's claims
# count from the transaction that stores them until the one that replaces or deletes them,
# whatever its status meanwhile (a reprocess or a refetch in progress keeps them).
KEYS_OF_ARTICLE = """
SELECT company_id, year, category, status FROM claim
WHERE article_id = $1 AND company_id IS NOT NULL AND period = 'year' AND year IS NOT NULL
UNION
SELECT company_id, year, category, status FROM figure WHERE article_ids @> ARRAY[$1::bigint]
"""

SOURCES = """
WITH k AS (
    SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[])
        AS k(company_id, year, category, status)
)
SELECT c.id AS claim_id, c.company_id, c.year, c.category, c.status, c.amount_low,
       c.amount_high, c.currency, usd(c.amount_low, c.currency, c.year) AS usd_low,
       usd(c.amount_high, c.currency, c.year) AS usd_high, a.id AS article_id, a.duplicate_of,
       a.published, a.title, coalesce(a.canonical_url, a.url) AS url, c.evidence_text AS evidence
FROM k
JOIN claim c ON c.company_id = k.company_id AND c.year = k.year AND c.category = k.category
            AND c.status = k.status
JOIN article a ON a.id = c.article_id
WHERE c.period = 'year'
"""

UPSERT = """
INSERT INTO figure (company_id, year, category, status, amount_low, amount_high, currency,
                    usd_low, usd_high, claim_id, article_id, published, claims, article_ids,
                    origin_ids, conflict, conflicts, history, support, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        now())
ON CONFLICT (company_id, year, category, status) DO UPDATE SET
    amount_low = EXCLUDED.amount_low, amount_high = EXCLUDED.amount_high,
    currency = EXCLUDED.currency, usd_low = EXCLUDED.usd_low, usd_high = EXCLUDED.usd_high,
    claim_id = EXCLUDED.claim_id, article_id = EXCLUDED.article_id,
    published = EXCLUDED.published, claims = EXCLUDED.claims,
    article_ids = EXCLUDED.article_ids, origin_ids = EXCLUDED.origin_ids,
    conflict = EXCLUDED.conflict, conflicts = EXCLUDED.conflicts, history = EXCLUDED.history,
    support = EXCLUDED.support, updated_at = now()
"""

DELETE = """
DELETE FROM figure f
USING unnest($1::bigint[], $2::int[], $3::text[], $4::text[])
    AS k(company_id, year, category, status)
WHERE f.company_id = k.company_id AND f.year = k.year AND f.category = k.category
  AND f.status = k.status
"""


def _columns(keys: Sequence[Key]) -> tuple[list[int], list[int], list[str], list[str]]:
    return (
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
    )


def _row(f: Derived) -> tuple[object, ...]:
    return (
        f.company_id, f.year, f.category, f.status, f.amount_low, f.amount_high, f.currency,
        f.usd_low, f.usd_high, f.claim_id, f.article_id, f.published, f.claims, f.article_ids,
        f.origin_ids, f.conflict, f.conflicts, f.history, f.support,
    )  # fmt: skip


async def lock_companies(conn: asyncpg.Connection, company_ids: Iterable[int]) -> None:
    # Always in ascending order, so two transactions never wait on each other in a circle.
    for company_id in sorted(set(company_ids)):
        await conn.execute(LOCK, LOCK_CLASS, company_id)


async def recompute(conn: asyncpg.Connection, keys: Iterable[Key]) -> dict[Key, Derived]:
    """Rewrite the figures for `keys` from their claims; keys left without claims go away."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await conn.fetch(SOURCES, *_columns(wanted))
    figures = derive(msgspec.convert([dict(r) for r in rows], list[Source]))
    gone = [k for k in wanted if k not in figures]
    if gone:
        await conn.execute(DELETE, *_columns(gone))
    if figures:
        await conn.executemany(UPSERT, [_row(f) for f in figures.values()])
    return figures


async def article_changed(conn: asyncpg.Connection, article_id: int) -> None:
    """Bring every figure the article feeds, or fed, up to its claims as they are now.

    Call it inside the transaction that stored, replaced or deleted the article's claims,
    after the change.
    """
    companies = [r["company_id"] for r in await conn.fetch(COMPANIES_OF_ARTICLE, article_id)]
    if not companies:
        return
    await lock_companies(conn, companies)
    rows = await conn.fetch(KEYS_OF_ARTICLE, article_id)
    await recompute(conn, [(r["company_id"], r["year"], r["category"], r["status"]) for r in rows])


async def recompute_all(conn: asyncpg.Connection) -> int:
    """Every figure from scratch (after the exchange rates change); one company at a time."""
    companies = [
        r["company_id"]
        for r in await conn.fetch(
            """SELECT DISTINCT company_id FROM claim
               WHERE company_id IS NOT NULL UNION SELECT company_id FROM figure"""
        )
    ]
    count = 0
    for company_id in sorted(companies):
        async with conn.transaction():
            await lock_companies(conn, [company_id])
            rows = await conn.fetch(
                """SELECT company_id, year, category, status FROM claim
                   WHERE company_id = $1 AND period = 'year' AND year IS NOT NULL
                   UNION SELECT company_id, year, category, status FROM figure
                   WHERE company_id = $1""",
                company_id,
            )
            count += len(
                await recompute(
                    conn, [(r["company_id"], r["year"], r["category"], r["status"]) for r in rows]
                )
            )
    return count
