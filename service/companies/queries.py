"""Company reads, and the companies that claims refer to."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import asyncpg
import msgspec

from service.claims.extract import Extracted
from service.companies.schemas import Company

SELECT_COMPANY = """
SELECT c.slug, c.name, c.kind, c.tickers, c.wikidata, c.fiscal_year_end_month,
       p.slug AS parent, c.country, c.verified,
       coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM company_alias a
                 WHERE a.company_id = c.id AND a.alias <> c.name), '{}') AS aliases
FROM company c
LEFT JOIN company p ON p.id = c.parent_id
"""

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """An ASCII slug for a name; names without Latin letters get a stable hashed one."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = _NON_SLUG.sub("-", ascii_name).strip("-")
    if not slug:
        slug = "co-" + hashlib.sha256(name.encode()).hexdigest()[:10]
    return slug[:80]


async def get(conn: asyncpg.Connection, slug: str) -> Company | None:
    row = await conn.fetchrow(SELECT_COMPANY + " WHERE c.slug = $1", slug)
    return msgspec.convert(dict(row), Company) if row else None


async def list_page(
    conn: asyncpg.Connection, *, q: str | None, after: str | None, limit: int
) -> list[Company]:
    rows = await conn.fetch(
        SELECT_COMPANY
        + """
        WHERE ($1::text IS NULL
               OR c.name ILIKE '%' || $1 || '%' OR c.slug ILIKE '%' || $1 || '%'
               OR EXISTS (SELECT 1 FROM company_alias a
                          WHERE a.company_id = c.id AND a.alias ILIKE '%' || $1 || '%'))
          AND ($2::text IS NULL OR c.slug > $2)
        ORDER BY c.slug
        LIMIT $3
        """,
        q, after, limit,
    )  # fmt: skip
    return msgspec.convert([dict(r) for r in rows], list[Company])


async def ids_for_claims(conn: asyncpg.Connection, claims: Sequence[Extracted]) -> dict[str, int]:
    """Company ids keyed by registry slug, or by name for spenders the registry lacks.

    A spender the text names but the registry does not know becomes an unverified company,
    so its claim is kept rather than lost.
    """
    slugs = sorted({c.company_slug for c in claims if c.company_slug})
    names = sorted({c.company for c in claims if not c.company_slug and c.company})
    ids: dict[str, int] = {}
    if slugs:
        for row in await conn.fetch("SELECT slug, id FROM company WHERE slug = ANY($1)", slugs):
            ids[row["slug"]] = row["id"]
    for name in names:
        slug = slugify(name)
        company_id = await conn.fetchval(
            """INSERT INTO company (slug, name, verified) VALUES ($1, $2, false)
               ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id""",
            slug, name,
        )  # fmt: skip
        ids[name] = company_id
    missing = [s for s in slugs if s not in ids]
    if missing:
        raise LookupError(f"registry companies missing from the database: {missing}")
    return ids
