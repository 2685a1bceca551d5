"""Aliases added without a release: by an operator (CLI) or an admin (API)."""

from __future__ import annotations

import asyncpg

from service.companies.registry import fold


class AliasError(ValueError):
    pass


ADD = """
WITH target AS (SELECT id FROM company WHERE slug = $1)
INSERT INTO company_alias (company_id, alias, folded, source)
SELECT id, $2, $3, 'admin' FROM target
ON CONFLICT (folded) DO NOTHING
RETURNING company_id
"""


async def add_alias(conn: asyncpg.Connection, *, slug: str, alias: str) -> None:
    """Add `alias` to the company; refused when it is empty or names another company."""
    alias = " ".join(alias.split())
    if not alias or len(alias) > 200:
        raise AliasError("an alias is 1 to 200 characters")
    async with conn.transaction():
        company_id = await conn.fetchval("SELECT id FROM company WHERE slug = $1", slug)
        if company_id is None:
            raise LookupError(slug)
        owner = await conn.fetchrow(
            """SELECT c.slug FROM company_alias a JOIN company c ON c.id = a.company_id
               WHERE a.folded = $1""",
            fold(alias),
        )
        if owner is not None:
            if owner["slug"] == slug:
                return
            raise AliasError(f"{alias!r} already names {owner['slug']}")
        await conn.fetchval(ADD, slug, alias, fold(alias))


async def admin_aliases(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """(alias, slug) pairs added by operators, for the extractor to know as well."""
    rows = await conn.fetch(
        """SELECT a.alias, c.slug FROM company_alias a JOIN company c ON c.id = a.company_id
           WHERE a.source = 'admin' ORDER BY a.alias"""
    )
    return [(r["alias"], r["slug"]) for r in rows]
