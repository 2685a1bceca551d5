"""Totals: sums of figures (service/figures), never of raw claims.

A figure is already one number per company, year, category and status, from the most
recently published independent source, so a story repeated by many articles counts once.
Rows are split by status: a plan and an analyst's estimate of the same money are two views of
it, not two amounts to add.
"""

from __future__ import annotations

import asyncpg

from service.figures.queries import FILTER, Filters

# Group keys (from a whitelist) and the SQL that gives each.
GROUP_COLUMNS = {
    "company": ["f.company_id", "co.slug", "co.name"],
    "year": ["f.year"],
    "category": ["f.category"],
}
OUTPUT = {
    "company": "f.company_id, co.slug AS company_slug, co.name AS company_name",
    "year": "f.year",
    "category": "f.category",
}


def _in(target: str, column: str) -> str:
    """An amount in the target currency: as stated when it is in it, else through USD."""
    return (
        f"CASE WHEN f.currency = {target} THEN f.amount_{column} "
        f"ELSE round(f.usd_{column} * fx_per_usd({target}, f.year)) END"
    )


async def totals(
    conn: asyncpg.Connection, *, group_by: list[str], filters: Filters, currency: str | None
) -> list[asyncpg.Record]:
    """One row per group and status, with what a caller needs to judge it.

    With `currency`, every figure is expressed in it (converted at its year's average rate);
    without, amounts are summed as stated and `currencies` tells whether a row mixed them.
    """
    keys = [c for g in group_by for c in GROUP_COLUMNS[g]]
    group = ", ".join([*keys, "f.status"])
    select = ", ".join([OUTPUT[g] for g in group_by])
    order = ", ".join(["co.slug" if g == "company" else f"f.{g}" for g in group_by] + ["f.status"])
    low = "f.amount_low" if currency is None else _in("$9", "low")
    high = "f.amount_high" if currency is None else _in("$9", "high")
    sql = f"""
        SELECT {select}, f.status,
               count(DISTINCT f.currency)::int AS currencies,
               coalesce($9, min(f.currency)) AS currency,
               array_agg(DISTINCT f.currency ORDER BY f.currency) AS stated_currencies,
               sum({low})::bigint AS amount_low, sum({high})::bigint AS amount_high,
               CASE WHEN bool_and(f.usd_low IS NOT NULL) THEN sum(f.usd_low)::bigint END
                   AS usd_low,
               CASE WHEN bool_and(f.usd_high IS NOT NULL) THEN sum(f.usd_high)::bigint END
                   AS usd_high,
               array_remove(array_agg(DISTINCT CASE
                   WHEN $9::text IS NOT NULL AND f.currency <> $9
                        AND ({low}) IS NULL THEN f.currency END), NULL) AS no_rate,
               count(*)::int AS figures, sum(f.claims)::int AS claims,
               string_agg(array_to_string(f.origin_ids, ' '), ' ') AS origins,
               array_agg(f.id ORDER BY co.slug, f.year, f.category) AS figure_ids,
               array_agg(DISTINCT co.slug) AS slugs
        FROM figure f
        JOIN company co ON co.id = f.company_id
        {FILTER}
        GROUP BY {group}
        ORDER BY {order}
    """
    rows: list[asyncpg.Record] = await conn.fetch(sql, *filters.args(), currency)
    return rows


async def known_currency(conn: asyncpg.Connection, code: str) -> bool:
    return code == "USD" or bool(
        await conn.fetchval("SELECT EXISTS (SELECT 1 FROM fx_rate WHERE currency = $1)", code)
    )


async def company_figures(conn: asyncpg.Connection, *, slug: str) -> list[asyncpg.Record]:
    """A company's figures by year, category and status, oldest year first."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT f.year, f.category, f.status, f.currency, f.amount_low, f.amount_high,
                  f.claims, cardinality(f.origin_ids) AS articles
           FROM figure f JOIN company co ON co.id = f.company_id
           WHERE co.slug = $1
           ORDER BY f.year, f.category, f.status""",
        slug,
    )
    return rows
