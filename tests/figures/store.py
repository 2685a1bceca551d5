"""Storing articles with known claims through the real store transaction (ingest.store).

Tests about figures, not extraction, give the claims themselves: the article goes through the
same transaction a worker uses, so figures are refreshed exactly as in production.
"""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg
from litestar.testing import AsyncTestClient

from service import db
from service.articles import ingest
from service.articles.parse import Parsed
from service.claims.extract import Extracted

B = 1_000_000_000


def claim(
    company: str | None,
    low: float,
    high: float | None = None,
    *,
    year: int | None = 2025,
    currency: str = "USD",
    category: str = "capex",
    status: str = "planned",
    group: str | None = None,
    period: str | None = "year",
    scale: int = B,
) -> Extracted:
    amount_low = round(low * scale)
    amount_high = round((high if high is not None else low) * scale)
    name = company.capitalize() if company else None
    evidence = f"{name or group} puts {year} {category} at {low}-{high} {currency}."
    return Extracted(
        company_slug=company, company=name, group=group, amount_low=amount_low,
        amount_high=amount_high, currency=currency, year=year, fiscal=False, period=period,
        quarter=None, category=category, status=status, start=0, end=len(evidence),
        evidence=evidence, confidence=0.9,
    )  # fmt: skip


async def store(
    conn: asyncpg.Connection,
    url: str,
    published: date | None,
    claims: list[Extracted],
    *,
    body: str | None = None,
    title: str | None = None,
    canonical: str | None = None,
) -> int:
    """An article with these claims, stored the way the worker stores one; its id."""
    text = body if body is not None else f"{url} " + " ".join(c.evidence for c in claims)
    await db._init_connection(conn)  # the codecs the app pool gives its connections
    lease = uuid.uuid4()
    article_id = await conn.fetchval(
        """INSERT INTO article (url, url_key, source, status, lease_token)
           VALUES ($1, $1, 'submitted', 'fetching', $2) RETURNING id""",
        url, lease,
    )  # fmt: skip
    result = ingest.Analysis(
        parsed=Parsed(title=title or f"Story {url}", authors=[], published=published,
                      language="en", text=text),
        published=published,
        claims=claims,
        body_hash=ingest.body_hash(text),
        canonical_url=canonical or url,
        extractor_version="test",
    )  # fmt: skip
    assert await ingest.store(conn, article_id=article_id, lease=lease, result=result)
    return int(article_id)


async def figures(client: AsyncTestClient, **params: object) -> list[dict]:  # type: ignore[type-arg]
    response = await client.get("/v1/figures", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


async def one_figure(client: AsyncTestClient, **params: object) -> dict:  # type: ignore[type-arg]
    found = await figures(client, **params)
    assert len(found) == 1, found
    return found[0]


async def restore(conn: asyncpg.Connection, article_id: int, claims: list[Extracted]) -> None:
    """Store an article again with other claims, as reprocessing it does."""
    lease = uuid.uuid4()
    row = await conn.fetchrow(
        """UPDATE article SET status = 'fetching', lease_token = $2 WHERE id = $1
           RETURNING url, published, title, body, canonical_url""",
        article_id, lease,
    )  # fmt: skip
    result = ingest.Analysis(
        parsed=Parsed(title=row["title"], authors=[], published=row["published"],
                      language="en", text=row["body"]),
        published=row["published"],
        claims=claims,
        body_hash=ingest.body_hash(row["body"]),
        canonical_url=row["canonical_url"],
        extractor_version="test-2",
    )  # fmt: skip
    assert await ingest.store(conn, article_id=article_id, lease=lease, result=result)
