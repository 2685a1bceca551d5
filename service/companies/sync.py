"""Copying the shipped registry into the company tables, once per registry version."""

from __future__ import annotations

import hashlib

import asyncpg

from service import log
from service.companies.registry import REGISTRY_PATH, Registry, fold, parse_registry, validate

logger = log.get(__name__)

UPSERT_COMPANY = """
INSERT INTO company (slug, name, kind, tickers, wikidata, fiscal_year_end_month, country, verified)
VALUES ($1, $2, $3, $4, $5, $6, $7, true)
ON CONFLICT (slug) DO UPDATE SET
    name = EXCLUDED.name, kind = EXCLUDED.kind, tickers = EXCLUDED.tickers,
    wikidata = EXCLUDED.wikidata, fiscal_year_end_month = EXCLUDED.fiscal_year_end_month,
    country = EXCLUDED.country, verified = true, updated_at = now()
"""

SET_PARENT = """
UPDATE company c SET parent_id = p.id
FROM company p WHERE c.slug = $1 AND p.slug = $2 AND c.parent_id IS DISTINCT FROM p.id
"""

# Registry spellings take precedence over extracted ones; an admin's alias is never overwritten.
UPSERT_ALIAS = """
INSERT INTO company_alias (company_id, alias, folded, source)
SELECT id, $2, $3, 'registry' FROM company WHERE slug = $1
ON CONFLICT (folded) DO UPDATE SET company_id = EXCLUDED.company_id, alias = EXCLUDED.alias,
    source = 'registry'
WHERE company_alias.source <> 'admin'
"""


async def sync_registry(conn: asyncpg.Connection, *, raw: bytes | None = None) -> bool:
    """Bring the company tables up to the registry file; returns whether anything was done."""
    raw = REGISTRY_PATH.read_bytes() if raw is None else raw
    checksum = hashlib.sha256(raw).hexdigest()
    async with conn.transaction():
        # Replicas starting together: one syncs, the others wait and then find it done.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('outlay.registry'))")
        current = await conn.fetchval("SELECT checksum FROM registry_state")
        if current == checksum:
            return False
        registry = validate(parse_registry(raw))
        await _write(conn, registry)
        await conn.execute(
            """INSERT INTO registry_state (checksum) VALUES ($1)
               ON CONFLICT (singleton) DO UPDATE SET checksum = $1, synced_at = now()""",
            checksum,
        )
    logger.info("registry synced", companies=len(registry.companies))
    return True


async def _write(conn: asyncpg.Connection, registry: Registry) -> None:
    await conn.executemany(
        UPSERT_COMPANY,
        [
            (
                c.slug,
                c.name,
                c.kind,
                list(c.tickers),
                c.wikidata,
                c.fiscal_year_end_month,
                c.country,
            )
            for c in registry.companies
        ],
    )
    await conn.executemany(SET_PARENT, [(c.slug, c.parent) for c in registry.companies if c.parent])
    await conn.executemany(
        UPSERT_ALIAS,
        [
            (c.slug, alias, fold(alias))
            for c in registry.companies
            for alias in dict.fromkeys((c.name, *c.aliases.all()))
        ],
    )
