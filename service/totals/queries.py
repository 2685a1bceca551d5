"""Totals: sums of figures (service/figures), never of raw claims.

A figure is already one number per company, year, category and status, from the most
recently published independent source, so a story repeated by many articles counts once.
Rows are split by status: a plan and an analyst's estimate of the same money are two views of
it, not two amounts to add.
"""

from __future__ import annotations

import asyncpg

from service.figures.queries import FILTER, Filters

# Group keys (from a whitelist): what a group is made of, and what a row shows of it.
GROUP_KEYS = {"company": "f.company_id", "year": "f.year", "category": "f.category"}
ORDER = {"company": "co.slug", "year": "g.year", "category": "g.category"}


def _in(target: str, column: str) -> str:
    """An amount in the target currency: as stated when it is in it, else through USD at
    the rate of its year (joined once per year, not looked up per figure)."""
    return (
        f"CASE WHEN f.currency = {target} THEN f.amount_{column} "
        f"ELSE round(f.usd_{column} * r.per_usd) END"
    )


async def totals(
    conn: asyncpg.Connection,
    *,
    group_by: list[str],
    filters: Filters,
    currency: str | None,
    explain: bool = False,
) -> list[asyncpg.Record]:
    """One row per group and status, with what a caller needs to judge it.

    With `currency`, every figure is expressed in it (converted at its year's average rate);
    without, amounts are summed as stated and `mixed` tells whether a row mixed currencies.
    Figures are grouped by ids before the company's slug and name are joined to the (far
    fewer) rows; a row's figure ids come only with `explain`, its companies' slugs only when
    the filter names companies (for `missing` and `coverage`).
    """
    keys = ", ".join([GROUP_KEYS[g] for g in group_by] + ["f.status"])
    order = ", ".join([ORDER[g] for g in group_by] + ["g.status"])
    converted = currency is not None
    rate = (
        "JOIN (SELECT y.year, fx_per_usd($9, y.year) AS per_usd"
        " FROM (SELECT DISTINCT year FROM figure) y) r ON r.year = f.year"
        if converted
        else ""
    )
    low = _in("$9", "low") if converted else "f.amount_low"
    high = _in("$9", "high") if converted else "f.amount_high"
    extra = ""
    if explain:
        extra += ", array_agg(f.id ORDER BY co.slug, f.year, f.category) AS figure_ids"
    if filters.companies:
        extra += ", array_agg(DISTINCT co.slug) AS slugs"
    company = "company" in group_by
    sql = f"""
        WITH g AS (
            SELECT {keys},
                   {"$9::text" if converted else "min(f.currency)"} AS currency,
                   min(f.currency) <> max(f.currency) AS mixed,
                   sum({low})::bigint AS amount_low, sum({high})::bigint AS amount_high,
                   CASE WHEN bool_and(f.usd_low IS NOT NULL) THEN sum(f.usd_low)::bigint END
                       AS usd_low,
                   CASE WHEN bool_and(f.usd_high IS NOT NULL) THEN sum(f.usd_high)::bigint END
                       AS usd_high,
                   {"bool_or(f.currency <> $9 AND f.usd_low IS NULL)" if converted else "false"}
                       AS unconvertible,
                   count(*)::int AS figures, sum(f.claims)::int AS claims,
                   string_agg(array_to_string(f.origin_ids, ' '), ' ') AS origins{extra}
            FROM figure f
            JOIN company co ON co.id = f.company_id
            {rate}
            {FILTER}
            GROUP BY {keys}
        )
        SELECT g.*{", co.slug AS company_slug, co.name AS company_name" if company else ""}
        FROM g {"JOIN company co ON co.id = g.company_id" if company else ""}
        ORDER BY {order}
    """
    args = (*filters.args(), currency) if converted else filters.args()
    rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
    return rows


async def currencies(
    conn: asyncpg.Connection, filters: Filters, *, unconvertible_to: str | None = None
) -> list[str]:
    """The currencies of the figures a filter selects (with `unconvertible_to`: only those
    without a rate to convert them), for the message that refuses a sum."""
    sql = f"""SELECT DISTINCT f.currency FROM figure f JOIN company co ON co.id = f.company_id
              {FILTER} {"AND f.currency <> $9 AND f.usd_low IS NULL" if unconvertible_to else ""}
              ORDER BY 1"""
    args = filters.args() + ((unconvertible_to,) if unconvertible_to else ())
    return [r[0] for r in await conn.fetch(sql, *args)]


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
