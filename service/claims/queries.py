"""Claim storage and reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from service.claims.extract import Extracted
from service.claims.schemas import Claim

# The yearly average rate of the claim's year, else the nearest year there is (the latest for
# the current year). Every currency covers the same span of years: see figures/rates.py.
FX_JOIN = """
LEFT JOIN fx_rate fx ON fx.currency = c.currency
    AND fx.year = least(greatest(coalesce(c.year, 9999), (SELECT min(year) FROM fx_rate)),
                        (SELECT max(year) FROM fx_rate))
"""

# The one shape every claim read returns; callers add WHERE/ORDER/LIMIT.
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


def to_claims(rows: Sequence[asyncpg.Record]) -> list[Claim]:
    return msgspec.convert([dict(r) for r in rows], list[Claim])


async def replace_for_article(
    conn: asyncpg.Connection,
    *,
    article_id: int,
    claims: Sequence[Extracted],
    company_ids: dict[str, int],
    extractor_version: str,
) -> None:
    """Swap an article's claims for a new set; the caller holds the transaction."""
    await conn.execute("DELETE FROM claim WHERE article_id = $1", article_id)
    if not claims:
        return
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


async def for_article(conn: asyncpg.Connection, article_id: int) -> list[Claim]:
    rows = await conn.fetch(SELECT_CLAIM + " WHERE c.article_id = $1 ORDER BY c.id", article_id)
    return to_claims(rows)
