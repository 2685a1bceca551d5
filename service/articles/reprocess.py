"""Running parse and extraction again over the stored page, e.g. after the extractor improved.

Safe while the service runs: the worker only takes queued rows, and a reprocess takes its own
lease on a parsed (or failed) row, so the store that swaps the claims is the same
lease-checked transaction as at ingestion, and readers see the old claims or the new ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from concurrent.futures import Executor

import asyncpg
import msgspec

from service.articles import ingest
from service.companies import aliases

TAKE = """
UPDATE article SET lease_token = gen_random_uuid(), lease_expires_at = now() + interval '10 minutes'
WHERE id = $1 AND status IN ('parsed', 'failed') AND raw_html IS NOT NULL
RETURNING lease_token, raw_html, raw_encoding, url, published_hint
"""

CLAIM_VIEW = """
SELECT c.company_id, c.group_name, c.amount_low, c.amount_high, c.currency, c.evidence_start,
       c.year, c.fiscal, c.period, c.quarter, c.category, c.status
FROM claim c WHERE c.article_id = $1
"""


class Outcome(msgspec.Struct, frozen=True):
    article_id: int
    status: str  # reprocessed | skipped
    added: int = 0
    removed: int = 0
    changed: int = 0
    extractor_version: str | None = None
    reason: str | None = None


def diff(before: list[asyncpg.Record], after: list[asyncpg.Record]) -> tuple[int, int, int]:
    """Added, removed and changed claims. A claim is the same claim when it has the same
    spender, amount, currency and sentence; it changed when its year, period or labels did."""

    def index(rows: list[asyncpg.Record]) -> dict[Hashable, tuple[object, ...]]:
        return {tuple(r.values())[:6]: tuple(r.values())[6:] for r in rows}

    old, new = index(before), index(after)
    added = sum(1 for k in new if k not in old)
    removed = sum(1 for k in old if k not in new)
    changed = sum(1 for k in new if k in old and new[k] != old[k])
    return added, removed, changed


async def reprocess(pool: asyncpg.Pool, executor: Executor, article_id: int) -> Outcome:
    async with pool.acquire() as conn:
        taken = await conn.fetchrow(TAKE, article_id)
        if taken is None:
            return Outcome(article_id, "skipped", reason="not parsed or failed with a stored page")
        before = await conn.fetch(CLAIM_VIEW, article_id)
        extra = tuple(await aliases.admin_aliases(conn))
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(
        executor,
        ingest.analyse_call,
        taken["raw_html"], taken["raw_encoding"], taken["url"], taken["published_hint"], extra,
    )  # fmt: skip
    async with pool.acquire() as conn:
        if not await ingest.store(
            conn, article_id=article_id, lease=taken["lease_token"], result=result
        ):
            return Outcome(
                article_id, "skipped", reason="reprocessed concurrently by another caller"
            )
        after = await conn.fetch(CLAIM_VIEW, article_id)
    added, removed, changed = diff(before, after)
    return Outcome(
        article_id,
        "reprocessed",
        added,
        removed,
        changed,
        extractor_version=result.extractor_version,
    )


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Orders "0.10.0" after "0.9.2", which text comparison would not."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.replace("-", ".").split(".")
    )


async def select_ids(
    conn: asyncpg.Connection, *, article: int | None, before_version: str | None
) -> list[int]:
    """The articles to reprocess: one, those extracted before a version, or all."""
    if article is not None:
        return [article]
    rows = await conn.fetch(
        """SELECT id, extractor_version FROM article
           WHERE status IN ('parsed', 'failed') AND raw_html IS NOT NULL ORDER BY id"""
    )
    if before_version is None:
        return [r["id"] for r in rows]
    bound = version_key(before_version)
    return [
        r["id"]
        for r in rows
        if r["extractor_version"] is None or version_key(r["extractor_version"]) < bound
    ]
