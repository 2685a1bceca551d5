"""Claim storage and reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from service.claims.extract import Extracted
from service.claims.schemas import Claim, ClaimUsd, CompanyRef, Evidence

# The yearly average rate of the claim's year, else the nearest year there is (the latest for
# the current year). Every currency covers the same span of years: see figures/rates.py.
FX_JOIN = """
LEFT JOIN fx_rate fx ON fx.currency = c.currency
    AND fx.year = least(greatest(coalesce(c.year, 9999), (SELECT min(year) FROM fx_rate)),
                        (SELECT max(year) FROM fx_rate))
"""

# A claim as the API shows it, in JSON built by PostgreSQL: the NDJSON export writes these rows
# as they come (row_to_json). Callers add WHERE/ORDER/LIMIT.
SELECT_CLAIM = (
    """
SELECT c.id, c.article_id,
       CASE WHEN co.id IS NULL THEN NULL
            ELSE json_build_object('slug', co.slug, 'name', co.name) END AS company,
       c.group_name AS "group", c.amount_low, c.amount_high, c.currency,
       CASE WHEN fx.per_usd IS NULL THEN NULL
            ELSE json_build_object('amount_low', round(c.amount_low / fx.per_usd)::bigint,
                                   'amount_high', round(c.amount_high / fx.per_usd)::bigint,
                                   'rate', fx.per_usd, 'rate_year', fx.year) END AS usd,
       c.year, c.fiscal,
       c.period, c.quarter, c.category, c.status,
       json_build_object('text', c.evidence_text, 'start', c.evidence_start, 'end', c.evidence_end)
           AS evidence,
       round(c.confidence::numeric, 4)::float8 AS confidence, c.extractor_version
FROM claim c
LEFT JOIN company co ON co.id = c.company_id
"""
    + FX_JOIN
)

# The same claims flat, for CSV: one column per field, named by the JSON path.
SELECT_CLAIM_FLAT = (
    """
SELECT c.id, c.article_id, co.slug AS "company.slug", co.name AS "company.name",
       c.group_name AS "group", c.amount_low, c.amount_high, c.currency,
       round(c.amount_low / fx.per_usd)::bigint AS "usd.amount_low",
       round(c.amount_high / fx.per_usd)::bigint AS "usd.amount_high", fx.per_usd AS "usd.rate",
       c.year, c.fiscal::text AS fiscal, c.period, c.quarter, c.category, c.status,
       c.evidence_text AS "evidence.text", c.evidence_start AS "evidence.start",
       c.evidence_end AS "evidence.end", round(c.confidence::numeric, 4) AS confidence,
       c.extractor_version
FROM claim c
LEFT JOIN company co ON co.id = c.company_id
"""
    + FX_JOIN
)

# The same claims as SELECT_CLAIM in plain columns, for the JSON pages: PostgreSQL builds no
# JSON objects, asyncpg decodes no JSON text and the structs are made without a dict or a
# validating convert (the table's constraints already hold). A page of 50 costs about half the
# CPU on both sides. claim_from_row reads the columns by position, in this order.
SELECT_CLAIM_ROW = (
    """
SELECT c.id, c.article_id, co.slug, co.name, c.group_name, c.amount_low, c.amount_high,
       c.currency, round(c.amount_low / fx.per_usd)::bigint,
       round(c.amount_high / fx.per_usd)::bigint, fx.per_usd::float8, fx.year,
       c.year, c.fiscal, c.period, c.quarter, c.category, c.status,
       c.evidence_text, c.evidence_start, c.evidence_end,
       round(c.confidence::numeric, 4)::float8, c.extractor_version
FROM claim c
LEFT JOIN company co ON co.id = c.company_id
"""
    + FX_JOIN
)


def claim_from_row(r: asyncpg.Record) -> Claim:
    """A SELECT_CLAIM_ROW row as the API shows it; the same value SELECT_CLAIM's JSON gives."""
    return Claim(
        id=r[0],
        article_id=r[1],
        company=None if r[2] is None else CompanyRef(slug=r[2], name=r[3]),
        group=r[4],
        amount_low=r[5],
        amount_high=r[6],
        currency=r[7],
        usd=None if r[10] is None else ClaimUsd(r[8], r[9], rate=r[10], rate_year=r[11]),
        year=r[12],
        fiscal=r[13],
        period=r[14],
        quarter=r[15],
        category=r[16],
        status=r[17],
        evidence=Evidence(text=r[18], start=r[19], end=r[20]),
        confidence=r[21],
        extractor_version=r[22],
    )


INSERT_CLAIMS = """
INSERT INTO claim (article_id, company_id, group_name, amount_low, amount_high, currency, year,
                   fiscal, period, quarter, category, status, evidence_text, evidence_start,
                   evidence_end, confidence, extractor_version)
SELECT $1, u.company_id, u.group_name, u.amount_low, u.amount_high, u.currency, u.year, u.fiscal,
       u.period, u.quarter, u.category, u.status, u.evidence_text, u.evidence_start,
       u.evidence_end, u.confidence, $2
FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::int[],
            $9::bool[], $10::text[], $11::smallint[], $12::text[], $13::text[], $14::text[],
            $15::int[], $16::int[], $17::real[])
     AS u(company_id, group_name, amount_low, amount_high, currency, year, fiscal, period,
          quarter, category, status, evidence_text, evidence_start, evidence_end, confidence)
"""


async def replace_for_article(
    conn: asyncpg.Connection,
    *,
    article_id: int,
    claims: Sequence[Extracted],
    company_ids: dict[str, int],
    extractor_version: str,
) -> int:
    """Swap an article's claims for a new set; the caller holds the transaction. Returns how
    many claims the article had before."""
    status: str = await conn.execute("DELETE FROM claim WHERE article_id = $1", article_id)
    replaced = int(status.rsplit(" ", 1)[-1])
    if not claims:
        return replaced
    columns: list[list[Any]] = [[] for _ in range(15)]
    for c in claims:
        key = c.company_slug or c.company
        row = (
            company_ids.get(key) if key else None, c.group, c.amount_low, c.amount_high,
            c.currency, c.year, c.fiscal, c.period, c.quarter, c.category, c.status,
            c.evidence, c.start, c.end, c.confidence,
        )  # fmt: skip
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    await conn.execute(INSERT_CLAIMS, article_id, extractor_version, *columns)
    return replaced


async def for_article(conn: asyncpg.Connection, article_id: int) -> list[Claim]:
    rows = await conn.fetch(SELECT_CLAIM_ROW + " WHERE c.article_id = $1 ORDER BY c.id", article_id)
    return [claim_from_row(r) for r in rows]


# Column of each list filter; only the filters given go into the statement (see list_page).
LIST_FILTERS = {
    "company": "c.company_id = (SELECT id FROM company WHERE slug = {})",
    "group": "c.group_name = {}",
    "year": "c.year = {}",
    "category": "c.category = {}",
    "status": "c.status = {}",
    "currency": "c.currency = {}",
    "article_id": "c.article_id = {}",
    "before_id": "c.id < {}",
}


async def list_page(conn: asyncpg.Connection, *, limit: int, **filters: object) -> list[Claim]:
    """Newest first (by id), so a cursor is the last id seen; filters combine with AND.

    A statement holds only the filters given, rather than `$n IS NULL OR ...` for each: it is
    planned in a fraction of the time, and its generic plan (which PostgreSQL switches to after
    five runs of a prepared statement) still uses the index for the filters it has.
    """
    unknown = set(filters) - set(LIST_FILTERS)
    if unknown:
        raise TypeError(f"unknown claim filters: {sorted(unknown)}")
    given = [(name, value) for name, value in filters.items() if value is not None]
    where = [LIST_FILTERS[name].format(f"${i}") for i, (name, _) in enumerate(given, start=1)]
    sql = (
        SELECT_CLAIM_ROW
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY c.id DESC LIMIT ${len(given) + 1}"
    )
    rows = await conn.fetch(sql, *(value for _, value in given), limit)
    return [claim_from_row(r) for r in rows]
