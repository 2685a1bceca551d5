"""Keeping figures fresh inside the transaction that changes an article's claims.

The caller (storing, reprocessing or deleting an article) holds the transaction, so a reader
sees the old figures and totals until it commits and the new ones after: never half of each.
Only the figures the article touches are recomputed, from all of their claims: the few
columns the rules need of each, and the title, URL and evidence only of the sources that
history and conflicts cite. The list of every source is not stored; the API reads it from
`claim` (service/figures/queries.py), so a figure quoted by a thousand articles costs a store
a thousand small rows, not a thousand evidence sentences read and written again.

Two articles about the same company stored at once would each recompute its figures from a
snapshot without the other's claims; a transaction-scoped advisory lock per company makes the
second wait, and its next statement then sees the first one's claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import asyncpg
import msgspec

from service.figures.derive import Derived, Key, Source, derive

# Lock space for figure refreshes (the two-integer advisory lock form: class, company id).
LOCK_CLASS = 4004
# One statement for every company, taken in the order given (ascending).
LOCK = """
SELECT pg_advisory_xact_lock($1, (c % 2147483647)::int)
FROM unnest($2::bigint[]) WITH ORDINALITY AS u(c, n) ORDER BY n
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
), src AS (
    SELECT c.id AS claim_id, c.company_id, c.year, c.category, c.status, c.amount_low,
           c.amount_high, c.currency, a.id AS article_id, a.duplicate_of, a.published
    FROM k
    JOIN claim c ON c.company_id = k.company_id AND c.year = k.year
                AND c.category = k.category AND c.status = k.status
    JOIN article a ON a.id = c.article_id
    WHERE c.period = 'year'
), rate AS (
    -- As usd() converts, but looked up once per currency and year rather than per claim.
    SELECT currency, year, fx_per_usd(currency, year) AS per_usd
    FROM (SELECT DISTINCT currency, year FROM src) d
)
SELECT src.*, round(src.amount_low / rate.per_usd)::bigint AS usd_low,
       round(src.amount_high / rate.per_usd)::bigint AS usd_high
FROM src JOIN rate USING (currency, year)
"""

CITED = """
SELECT c.id, a.title, coalesce(a.canonical_url, a.url) AS url, c.evidence_text AS evidence
FROM claim c JOIN article a ON a.id = c.article_id
WHERE c.id = ANY($1::bigint[])
"""

UPSERT = """
INSERT INTO figure (company_id, year, category, status, amount_low, amount_high, currency,
                    usd_low, usd_high, claim_id, article_id, published, claims, article_ids,
                    origin_ids, conflict, conflicts, history, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())
ON CONFLICT (company_id, year, category, status) DO UPDATE SET
    amount_low = EXCLUDED.amount_low, amount_high = EXCLUDED.amount_high,
    currency = EXCLUDED.currency, usd_low = EXCLUDED.usd_low, usd_high = EXCLUDED.usd_high,
    claim_id = EXCLUDED.claim_id, article_id = EXCLUDED.article_id,
    published = EXCLUDED.published, claims = EXCLUDED.claims,
    article_ids = EXCLUDED.article_ids, origin_ids = EXCLUDED.origin_ids,
    conflict = EXCLUDED.conflict, conflicts = EXCLUDED.conflicts, history = EXCLUDED.history,
    updated_at = now()
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
        f.origin_ids, f.conflict, f.conflicts, f.history,
    )  # fmt: skip


async def _cite(conn: asyncpg.Connection, figures: Iterable[Derived]) -> None:
    """Give the sources that history and conflicts cite their title, URL and evidence."""
    figures = list(figures)
    wanted = {e["claim_id"] for f in figures for e in (*f.history, *f.conflicts)}
    if not wanted:
        return
    cited = {r["id"]: r for r in await conn.fetch(CITED, sorted(wanted))}
    for f in figures:
        for step in f.history:
            step["title"] = cited[step["claim_id"]]["title"]
        for entry in f.conflicts:
            row = cited[entry["claim_id"]]
            entry.update(title=row["title"], url=row["url"], evidence=row["evidence"])


async def lock_companies(conn: asyncpg.Connection, company_ids: Iterable[int]) -> None:
    # Always in ascending order, so two transactions never wait on each other in a circle.
    await conn.execute(LOCK, LOCK_CLASS, sorted(set(company_ids)))


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
        await _cite(conn, figures.values())
        await conn.executemany(UPSERT, [_row(f) for f in figures.values()])
    return figures


async def article_changed(conn: asyncpg.Connection, article_id: int) -> None:
    """Bring every figure the article feeds, or fed, up to its claims as they are now.

    Call it inside the transaction that stored, replaced or deleted the article's claims,
    after the change.
    """
    keys = await _keys_of(conn, article_id)
    if keys:
        await lock_companies(conn, [k[0] for k in keys])
        await recompute(conn, keys)


async def _keys_of(conn: asyncpg.Connection, article_id: int) -> list[Key]:
    """The figures an article feeds or fed. Only transactions that change this article's
    claims change these, so they are read before the companies' locks are taken."""
    rows = await conn.fetch(KEYS_OF_ARTICLE, article_id)
    return sorted({(r["company_id"], r["year"], r["category"], r["status"]) for r in rows})


# A copy's figures that have an independent source: the copy changes none of their values,
# only who is behind them (see copy_added).
HELD = """
SELECT f.company_id, f.year, f.category, f.status, f.history
FROM figure f
JOIN unnest($1::bigint[], $2::int[], $3::text[], $4::text[])
     AS k(company_id, year, category, status)
  ON f.company_id = k.company_id AND f.year = k.year AND f.category = k.category
 AND f.status = k.status
WHERE f.claims > 0
"""

# The original's voice in each figure: its highest claim there (derive's one per article).
VOICES_OF_ORIGINAL = """
SELECT c.company_id, c.year, c.category, c.status, max(c.amount_high) AS amount_high,
       a.published
FROM claim c JOIN article a ON a.id = c.article_id
WHERE c.article_id = $1 AND c.company_id IS NOT NULL AND c.period = 'year'
  AND c.year IS NOT NULL
GROUP BY c.company_id, c.year, c.category, c.status, a.published
"""

ADD_COPY = """
UPDATE figure f SET
    article_ids = ARRAY(SELECT DISTINCT x FROM unnest(f.article_ids || $5::bigint) x ORDER BY x),
    origin_ids = ARRAY(SELECT DISTINCT x FROM unnest(f.origin_ids || $6::bigint) x ORDER BY x),
    history = $7, updated_at = now()
WHERE f.company_id = $1 AND f.year = $2 AND f.category = $3 AND f.status = $4
"""


def _step_recency(step: dict[str, Any]) -> tuple[bool, date, int, int]:
    """The recency (derive._recency) of the first source a history step stands for."""
    published = step["published"]
    day = date.fromisoformat(published) if isinstance(published, str) else published
    return (day is not None, day or date.min, step["article_id"], step["amount_high"])


def count_copy(
    history: list[dict[str, Any]], voice: tuple[bool, date, int, int]
) -> list[dict[str, Any]]:
    """History with one more copy of the source whose recency is `voice`: the step it falls
    in (steps are runs of sources in order of recency) counts one more source."""
    steps = [dict(step) for step in history]
    for step in reversed(steps):
        if _step_recency(step) <= voice:
            step["sources"] += 1
            break
    return steps


async def copy_added(conn: asyncpg.Connection, article_id: int, original: int) -> None:
    """Bring figures up to a newly stored copy of `original` that had no claims before.

    A copy is never a voice: where a figure already has an independent source, its value,
    claims, history steps and conflicts stay as they are, and the copy only joins its
    articles and adds one to the sources of the step its original stands in. That is a few
    rows whatever the figure's size; a syndicated story is most of what a busy figure is fed.
    Any other figure the copy touches is recomputed from its claims.
    """
    keys = await _keys_of(conn, article_id)
    if not keys:
        return
    await lock_companies(conn, [k[0] for k in keys])
    held = {
        (r["company_id"], r["year"], r["category"], r["status"]): r["history"]
        for r in await conn.fetch(HELD, *_columns(keys))
    }
    if held:
        voices = {
            (r["company_id"], r["year"], r["category"], r["status"]): (
                r["published"] is not None,
                r["published"] or date.min,
                original,
                r["amount_high"],
            )
            for r in await conn.fetch(VOICES_OF_ORIGINAL, original)
        }
        rows = []
        for key, history in held.items():
            voice = voices.get(key)
            steps = history if voice is None else count_copy(history, voice)
            rows.append((*key, article_id, original, steps))
        await conn.executemany(ADD_COPY, rows)
    await recompute(conn, [k for k in keys if k not in held])


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
