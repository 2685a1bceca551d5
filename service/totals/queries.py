"""Totals: claims consolidated to one figure each, then summed.

A figure is one number per company, year, category, status and currency: the claim from the
most recently published article that states it. Summing figures rather than claims is what
keeps a story repeated by many articles from being counted many times. Only one-year amounts
of named companies count; syndicated copies (duplicate_of set) are left out entirely.
"""

from __future__ import annotations

import asyncpg

GROUP_COLUMNS = {"company": "company_id", "year": "year", "category": "category"}

FIGURES = """
WITH eligible AS (
    SELECT c.company_id, c.year, c.category, c.status, c.currency, c.amount_low, c.amount_high,
           c.article_id, a.published
    FROM claim c
    JOIN article a ON a.id = c.article_id
    WHERE c.company_id IS NOT NULL AND c.period = 'year' AND c.year IS NOT NULL
      AND a.status = 'parsed' AND a.duplicate_of IS NULL
      AND ($1::int IS NULL OR c.year = $1)
      AND ($2::text IS NULL OR c.category = $2)
      AND ($3::text IS NULL OR c.status = $3)
      AND ($4::text[] IS NULL OR c.company_id IN (SELECT id FROM company WHERE slug = ANY($4)))
      AND ($5::text IS NULL OR c.currency = $5)
),
figure AS (
    SELECT DISTINCT ON (company_id, year, category, status, currency)
           company_id, year, category, status, currency, amount_low, amount_high
    FROM eligible
    ORDER BY company_id, year, category, status, currency,
             published DESC NULLS LAST, article_id DESC, amount_high DESC
),
support AS (
    SELECT company_id, year, category, status, currency,
           count(*) AS claims, array_agg(DISTINCT article_id) AS articles
    FROM eligible
    GROUP BY company_id, year, category, status, currency
),
figures AS (
    SELECT f.*, s.claims, s.articles
    FROM figure f
    JOIN support s USING (company_id, year, category, status, currency)
)
"""


async def totals(
    conn: asyncpg.Connection,
    *,
    group_by: list[str],
    year: int | None,
    category: str | None,
    status: str | None,
    companies: list[str] | None,
    currency: str | None,
) -> list[asyncpg.Record]:
    """One row per group, status and currency.

    Status and currency always split rows: a plan and an analyst's estimate of the same
    spending are two views of one number, and amounts in different currencies do not add.
    """
    keys = [GROUP_COLUMNS[g] for g in group_by]  # names from the whitelist only
    cols = ", ".join([*keys, "status", "currency"])
    order = ", ".join(
        ["co.slug" if k == "company_id" else f"s.{k}" for k in keys] + ["s.status", "s.currency"]
    )
    sql = (
        FIGURES
        + f"""
        , sums AS (
            SELECT {cols}, sum(amount_low)::bigint AS amount_low,
                   sum(amount_high)::bigint AS amount_high, count(*)::int AS figures,
                   sum(claims)::int AS claims
            FROM figures GROUP BY {cols}
        ), sources AS (
            SELECT {cols}, count(DISTINCT article_id)::int AS articles
            FROM eligible GROUP BY {cols}
        )
        SELECT s.*, src.articles, co.slug AS company_slug, co.name AS company_name
        FROM sums s
        JOIN sources src USING ({cols})
        LEFT JOIN company co ON co.id = {"s.company_id" if "company_id" in keys else "NULL"}
        ORDER BY {order}
        """
    )
    return await conn.fetch(sql, year, category, status, companies, currency)


async def company_figures(conn: asyncpg.Connection, *, slug: str) -> list[asyncpg.Record]:
    """A company's figures by year, category, status and currency, oldest year first."""
    sql = (
        FIGURES
        + """
        SELECT year, category, status, currency, amount_low, amount_high, claims::int,
               cardinality(articles) AS articles
        FROM figures ORDER BY year, category, status, currency
        """
    )
    return await conn.fetch(sql, None, None, None, [slug], None)
