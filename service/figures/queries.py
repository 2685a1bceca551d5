"""Reading figures, company series and group checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from service.claims.schemas import CompanyRef
from service.figures.schemas import (
    Cited,
    CompanyFigures,
    Figure,
    GroupFigure,
    MemberFigure,
    Point,
    Series,
    Usd,
)

# Whether a figure is the one of record among its company, year and category.
OF_RECORD = """
f.status = (SELECT g.status FROM figure g
            WHERE g.company_id = f.company_id AND g.year = f.year AND g.category = f.category
            ORDER BY figure_record_rank(g.status, g.year) LIMIT 1)
"""

# Every claim behind a figure, in order of publication (as history orders them), read when the
# figure is served: `claim_figure_key` finds them.
SUPPORT = """
(SELECT coalesce(json_agg(json_build_object(
            'claim_id', c.id, 'article_id', a.id, 'title', a.title,
            'url', coalesce(a.canonical_url, a.url), 'published', a.published,
            'amount_low', c.amount_low, 'amount_high', c.amount_high, 'currency', c.currency,
            'usd', CASE WHEN r.per_usd IS NULL THEN NULL ELSE json_build_object(
                'amount_low', round(c.amount_low / r.per_usd)::bigint,
                'amount_high', round(c.amount_high / r.per_usd)::bigint) END,
            'evidence', c.evidence_text, 'copy_of', a.duplicate_of)
            ORDER BY a.published IS NOT NULL, a.published, a.id, c.amount_high, c.id), '[]')
 FROM claim c
 JOIN article a ON a.id = c.article_id
 -- As usd() converts, with one rate lookup for both ends of the range.
 CROSS JOIN LATERAL (SELECT fx_per_usd(c.currency, c.year) AS per_usd) r
 WHERE c.company_id = f.company_id AND c.year = f.year AND c.category = f.category
   AND c.status = f.status AND c.period = 'year')
"""

SELECT_FIGURE = f"""
SELECT f.id, json_build_object('slug', co.slug, 'name', co.name) AS company, f.year,
       f.category, f.status, f.amount_low, f.amount_high, f.currency,
       CASE WHEN f.usd_low IS NULL THEN NULL
            ELSE json_build_object('amount_low', f.usd_low, 'amount_high', f.usd_high) END AS usd,
       {OF_RECORD} AS of_record, f.published, f.article_id, f.claims,
       cardinality(f.article_ids) AS sources, cardinality(f.origin_ids) AS independent,
       f.conflict, f.conflicts, f.history, {SUPPORT} AS support
FROM figure f
JOIN company co ON co.id = f.company_id
"""

SELECT_FIGURE_FLAT = f"""
SELECT f.id, co.slug AS "company.slug", co.name AS "company.name", f.year, f.category,
       f.status, f.amount_low, f.amount_high, f.currency, f.usd_low AS "usd.amount_low",
       f.usd_high AS "usd.amount_high", ({OF_RECORD})::text AS of_record, f.published,
       f.article_id, f.claims, cardinality(f.article_ids) AS sources,
       cardinality(f.origin_ids) AS independent, f.conflict::text AS conflict
FROM figure f
JOIN company co ON co.id = f.company_id
"""

# $1 companies (slugs), $2 year, $3 category, $4 status, $5 conflict, $6 record only,
# $7 year_from, $8 year_to.
FILTER = f"""
WHERE ($1::text[] IS NULL OR co.slug = ANY($1))
  AND ($2::int IS NULL OR f.year = $2)
  AND ($3::text IS NULL OR f.category = $3)
  AND ($4::text IS NULL OR f.status = $4)
  AND ($5::bool IS NULL OR f.conflict = $5)
  AND (NOT $6::bool OR {OF_RECORD})
  AND ($7::int IS NULL OR f.year >= $7)
  AND ($8::int IS NULL OR f.year <= $8)
"""


PAGE = " AND ($9::bigint IS NULL OR f.id < $9) ORDER BY f.id DESC LIMIT $10"


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    companies: list[str] | None = None
    year: int | None = None
    category: str | None = None
    status: str | None = None
    conflict: bool | None = None
    record: bool = False
    year_from: int | None = None
    year_to: int | None = None

    def args(self) -> tuple[Any, ...]:
        return (
            self.companies, self.year, self.category, self.status, self.conflict, self.record,
            self.year_from, self.year_to,
        )  # fmt: skip


def to_figures(rows: Sequence[asyncpg.Record]) -> list[Figure]:
    return msgspec.convert([dict(r) for r in rows], list[Figure], strict=False)


async def list_page(
    conn: asyncpg.Connection, filters: Filters, *, before_id: int | None, limit: int
) -> list[Figure]:
    rows = await conn.fetch(
        SELECT_FIGURE + FILTER + PAGE,
        *filters.args(), before_id, limit,
    )  # fmt: skip
    return to_figures(rows)


def export_queries(filters: Filters) -> tuple[str, str, tuple[Any, ...]]:
    """Every matching figure, for a streamed export: as in the JSON list, and flat."""
    order = " ORDER BY f.id DESC"
    return SELECT_FIGURE + FILTER + order, SELECT_FIGURE_FLAT + FILTER + order, filters.args()


async def by_ids(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, Figure]:
    rows = await conn.fetch(SELECT_FIGURE + " WHERE f.id = ANY($1::bigint[])", list(ids))
    return {f.id: f for f in to_figures(rows)}


async def unknown_companies(conn: asyncpg.Connection, slugs: Sequence[str]) -> list[str]:
    known = {
        r["slug"]
        for r in await conn.fetch("SELECT slug FROM company WHERE slug = ANY($1)", list(slugs))
    }
    return [s for s in slugs if s not in known]


def _point(year: int, figure: Figure | None) -> Point:
    if figure is None:
        return Point(year, None, None, None, None, None)
    return Point(
        year, figure.amount_low, figure.amount_high, figure.currency, figure.usd, figure.id
    )


async def company_figures(
    conn: asyncpg.Connection, company: CompanyRef, filters: Filters
) -> CompanyFigures:
    """The company's figures and, per category and status, a series over every year."""
    filters = msgspec.structs.replace(filters, companies=[company.slug])
    rows = await conn.fetch(
        SELECT_FIGURE + FILTER + " ORDER BY f.category, f.status, f.year", *filters.args()
    )
    figures = to_figures(rows)
    years = sorted({f.year for f in figures})
    lo = filters.year_from if filters.year_from is not None else (years[0] if years else None)
    hi = filters.year_to if filters.year_to is not None else (years[-1] if years else None)
    span = list(range(lo, hi + 1)) if lo is not None and hi is not None and lo <= hi else []
    by_series: dict[tuple[str, str], dict[int, Figure]] = {}
    for f in figures:
        by_series.setdefault((f.category, f.status), {})[f.year] = f
    series = [
        Series(category, status, [_point(y, found.get(y)) for y in span])  # type: ignore[arg-type]
        for (category, status), found in sorted(by_series.items())
    ]
    return CompanyFigures(company=company, years=span, series=series, figures=figures)


# The group's own figure: its latest claim per year, category and status, from an
# independent article; the members are the companies that same article has claims about.
GROUP_CLAIMS = """
WITH src AS (
    SELECT c.id AS claim_id, c.year, c.category, c.status, c.amount_low, c.amount_high,
           c.currency, usd(c.amount_low, c.currency, c.year) AS usd_low,
           usd(c.amount_high, c.currency, c.year) AS usd_high, a.id AS article_id, a.title,
           coalesce(a.canonical_url, a.url) AS url, a.published, c.evidence_text AS evidence,
           a.duplicate_of AS copy_of
    FROM claim c JOIN article a ON a.id = c.article_id
    WHERE lower(c.group_name) = lower($1) AND c.company_id IS NULL AND c.period = 'year'
      AND c.year IS NOT NULL
), latest AS (
    SELECT DISTINCT ON (year, category, status) *
    FROM src
    ORDER BY year, category, status, (copy_of IS NULL) DESC, published DESC NULLS LAST,
             article_id DESC, amount_high DESC
)
SELECT l.*, (SELECT count(DISTINCT s.article_id) FROM src s
             WHERE (s.year, s.category, s.status) = (l.year, l.category, l.status)) AS sources,
       (SELECT coalesce(array_agg(DISTINCT co.slug ORDER BY co.slug), '{}')
        FROM claim m JOIN company co ON co.id = m.company_id
        WHERE m.article_id = l.article_id) AS members
FROM latest l
ORDER BY l.year, l.category, l.status
"""

# A member's figure to compare: the same category, else capex and AI build-out stand in for
# each other (reports call the same money either), never another kind of spending.
MEMBER_FIGURES = """
SELECT DISTINCT ON (co.slug) co.slug, co.name, f.id, f.category, f.amount_low, f.amount_high,
       f.currency, f.usd_low, f.usd_high
FROM company co
LEFT JOIN figure f ON f.company_id = co.id AND f.year = $2 AND f.status = $3
     AND (f.category = $4 OR (f.category IN ('capex', 'ai_infrastructure')
                              AND $4 IN ('capex', 'ai_infrastructure')))
WHERE co.slug = ANY($1::text[])
ORDER BY co.slug, (f.category = $4) DESC NULLS LAST
"""


def _usd(low: int | None, high: int | None) -> Usd | None:
    return Usd(low, high) if low is not None and high is not None else None


async def group(conn: asyncpg.Connection, name: str) -> list[GroupFigure]:
    items: list[GroupFigure] = []
    for row in await conn.fetch(GROUP_CLAIMS, name):
        members_rows = await conn.fetch(
            MEMBER_FIGURES, row["members"], row["year"], row["status"], row["category"]
        )
        members = [
            MemberFigure(
                company=CompanyRef(m["slug"], m["name"]),
                figure_id=m["id"],
                category=m["category"],
                amount_low=m["amount_low"],
                amount_high=m["amount_high"],
                currency=m["currency"],
                usd=_usd(m["usd_low"], m["usd_high"]),
            )
            for m in members_rows
        ]
        found = [m.usd for m in members if m.usd is not None]
        total = Usd(sum(u.amount_low for u in found), sum(u.amount_high for u in found))
        members_sum = total if found else None
        claimed_usd = _usd(row["usd_low"], row["usd_high"])
        difference = share = None
        if members_sum is not None and claimed_usd is not None:
            difference = Usd(
                claimed_usd.amount_low - members_sum.amount_low,
                claimed_usd.amount_high - members_sum.amount_high,
            )
            mid = (claimed_usd.amount_low + claimed_usd.amount_high) / 2
            if mid:
                share = round((difference.amount_low + difference.amount_high) / 2 / mid, 4)
        items.append(
            GroupFigure(
                year=row["year"],
                category=row["category"],
                status=row["status"],
                claimed=msgspec.convert(
                    {**dict(row), "usd": msgspec.to_builtins(claimed_usd)}, Cited, strict=False
                ),
                sources=row["sources"],
                members=members,
                members_sum=members_sum,
                missing=[m.company.slug for m in members if m.usd is None],
                difference=difference,
                difference_share=share,
            )
        )
    return items
