"""One article through the pipeline: fetch, analyse (in the process pool), store."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import uuid
import zlib
from concurrent.futures import Executor
from datetime import date
from html import unescape
from urllib.parse import urljoin

import asyncpg
import msgspec

from service import fetch, log
from service.articles import queries as articles
from service.articles import urls
from service.articles.parse import Parsed, parse
from service.claims import queries as claims
from service.claims.extract import VERSION, Extracted, extract
from service.companies import aliases
from service.companies import queries as companies
from service.companies.registry import Registry, load_registry
from service.config import Settings
from service.fetch import encoding
from service.figures import refresh as figures
from service.jobs import queue
from service.observability import metrics

logger = log.get(__name__)


class Analysis(msgspec.Struct, frozen=True, kw_only=True):
    parsed: Parsed
    published: date | None
    claims: list[Extracted]
    body_hash: str | None
    canonical_url: str | None
    extractor_version: str
    # Measured here, in the process pool, and reported by the worker.
    parse_seconds: float = 0.0
    extract_seconds: float = 0.0


_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical\b)[^>]*\bhref\s*=\s*["']([^"'>\s]+)""", re.I
)


def canonical_url(html: str, page_url: str) -> str | None:
    match = _CANONICAL.search(html[:200_000])
    if not match:
        return None
    try:
        return urls.normalise(urljoin(page_url, unescape(match.group(1))))
    except urls.InvalidURL:
        return None


def body_hash(text: str) -> str | None:
    """Equal for bodies that differ only in white space and case: a syndicated copy."""
    folded = " ".join(text.split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest() if folded else None


@functools.lru_cache(maxsize=4)
def _registry(extra_aliases: tuple[tuple[str, str], ...]) -> Registry:
    # Built once per set of operator-added aliases, so the extractor's compiled patterns are reused.
    return load_registry().with_aliases(extra_aliases)


def analyse(
    compressed: bytes,
    *,
    charset: str | None,
    url: str,
    published_hint: date | None,
    extra_aliases: tuple[tuple[str, str], ...] = (),
) -> Analysis:
    """The CPU-bound part, pure: page bytes in, text and claims out. Runs in the process pool."""
    clock = metrics.Stopwatch()
    html = encoding.decode(zlib.decompress(compressed), charset)
    parsed = parse(html, url=url)
    parse_seconds = clock.lap()
    published = published_hint or parsed.published
    registry = _registry(extra_aliases)
    found = (
        extract(parsed.text, published=published, language=parsed.language, registry=registry)
        if parsed.text
        else []
    )
    extract_seconds = clock.lap()
    return Analysis(
        parsed=parsed,
        published=published,
        claims=found,
        body_hash=body_hash(parsed.text),
        canonical_url=canonical_url(html, url) or urls.normalise(url),
        extractor_version=VERSION,
        parse_seconds=parse_seconds,
        extract_seconds=extract_seconds,
    )


STORE_ARTICLE = """
UPDATE article SET status = 'parsed', error_code = NULL, error_message = NULL,
       title = $3, authors = $4, published = $5, language = $6, body = $7, body_hash = $8,
       canonical_url = $9, duplicate_of = $10, claim_count = $11, extractor_version = $12,
       parsed_at = now(), updated_at = now(), lease_token = NULL, lease_expires_at = NULL
WHERE id = $1 AND lease_token = $2
"""

FIND_ORIGINAL = """
SELECT id FROM article
WHERE id <> $1 AND status = 'parsed' AND duplicate_of IS NULL
  AND (body_hash = $2 OR canonical_url = $3)
ORDER BY id LIMIT 1
"""


async def store(
    conn: asyncpg.Connection, *, article_id: int, lease: uuid.UUID, result: Analysis
) -> bool:
    """Write the analysis and the claims in one transaction; False if the lease was lost."""
    async with conn.transaction():
        # Two copies of one story stored at once must not both become the original.
        await conn.execute(
            """SELECT pg_advisory_xact_lock(hashtext(k))
               FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n""",
            sorted(k for k in (result.body_hash, result.canonical_url) if k),
        )
        original = await conn.fetchval(
            FIND_ORIGINAL, article_id, result.body_hash, result.canonical_url
        )
        p = result.parsed
        status = await conn.execute(
            STORE_ARTICLE,
            article_id, lease, p.title, p.authors, result.published, p.language, p.text,
            result.body_hash, result.canonical_url, original, len(result.claims),
            result.extractor_version,
        )  # fmt: skip
        if not status.endswith(" 1"):
            return False
        await queue.close_parsed(conn, lease)
        ids = await companies.ids_for_claims(conn, result.claims)
        replaced = await claims.replace_for_article(
            conn,
            article_id=article_id,
            claims=result.claims,
            company_ids=ids,
            extractor_version=result.extractor_version,
        )
        if replaced or original is None:
            await figures.article_changed(conn, article_id)
        else:
            await figures.copy_added(conn, article_id, original)
    return True


async def process(
    job: queue.Job,
    *,
    pool: asyncpg.Pool,
    fetcher: fetch.Fetcher,
    executor: Executor,
    settings: Settings,
) -> str:
    """Take one claimed article to `parsed`, `failed`, or back to `queued` for a later
    attempt; returns the new status ("lost" when the lease went to another worker)."""
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT url, raw_html, raw_encoding, published_hint FROM article WHERE id = $1",
            job.article_id,
        )
        extra = tuple(await aliases.admin_aliases(conn))
    if row is None:
        return "gone"
    raw, charset = row["raw_html"], row["raw_encoding"]
    if raw is None:
        try:
            page = await fetcher.fetch(row["url"])
        except fetch.FetchError as exc:
            metrics.fetched(exc.code)
            logger.info("fetch failed", code=exc.code, reason=exc.message)
            return await _settle(pool, job, settings, exc)
        metrics.fetched("ok")
        # In a thread (zlib lets go of the GIL): a large page took the event loop for tens of ms.
        raw, charset = await asyncio.to_thread(articles.pack_page, page.content), page.encoding
        async with pool.acquire() as conn:
            await articles.set_fetched(
                conn, article_id=job.article_id, lease=job.lease, raw=raw, encoding=charset
            )
    loop = asyncio.get_running_loop()
    try:
        result = await loop.run_in_executor(
            executor,
            analyse_call,
            raw, charset, row["url"], row["published_hint"], extra,
        )  # fmt: skip
    except Exception as exc:  # a page that breaks the parser must not stop the worker
        logger.exception("analysis failed")
        error = fetch.FetchError("parse_error", str(exc) or type(exc).__name__, permanent=True)
        return await _settle(pool, job, settings, error)
    async with pool.acquire() as conn:
        stored = await store(conn, article_id=job.article_id, lease=job.lease, result=result)
    if not stored:
        logger.warning("lease lost before store")
        return "lost"
    metrics.analysed(
        parse_seconds=result.parse_seconds,
        extract_seconds=result.extract_seconds,
        claims=len(result.claims),
    )
    logger.info("article parsed", claims=len(result.claims))
    return "parsed"


def ready() -> bool:
    """Run in a new parse process to start it (importing this module is the work)."""
    return True


def analyse_call(
    raw: bytes,
    charset: str | None,
    url: str,
    published_hint: date | None,
    extra_aliases: tuple[tuple[str, str], ...] = (),
) -> Analysis:
    """analyse() with positional arguments, as run_in_executor passes them."""
    return analyse(
        raw, charset=charset, url=url, published_hint=published_hint, extra_aliases=extra_aliases
    )


async def _settle(
    pool: asyncpg.Pool, job: queue.Job, settings: Settings, error: fetch.FetchError
) -> str:
    async with pool.acquire() as conn:
        return await queue.settle_failure(
            conn,
            job,
            code=error.code,
            message=error.message,
            permanent=error.permanent,
            retry_after=error.retry_after,
            policy=queue.RetryPolicy.of(settings),
        )
