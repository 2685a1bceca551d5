"""`python -m service export claims --format csv|ndjson`: every claim, to stdout.

Reads the database directly (DATABASE_URL) with a server-side cursor, so an export of any size
streams in constant memory. Each claim is the one `GET /v1/claims` shows; CSV flattens the
company and the evidence into columns.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from typing import Any, TextIO

import msgspec

from service import config, db
from service.claims import queries
from service.claims.schemas import Claim

CSV_COLUMNS = [
    "id", "article_id", "article_url", "company_slug", "company_name", "group",
    "amount_low", "amount_high", "currency", "year", "fiscal", "period", "quarter",
    "category", "status", "evidence_text", "evidence_start", "evidence_end",
    "confidence", "extractor_version",
]  # fmt: skip

SELECT = f"""
SELECT claims.*, a.url AS article_url
FROM ({queries.SELECT_CLAIM}) AS claims
JOIN article a ON a.id = claims.article_id
ORDER BY claims.id
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="write data out")
    what = p.add_subparsers(dest="export_what", required=True)
    claims = what.add_parser("claims", help="every claim, with its evidence, to stdout")
    claims.add_argument("--format", choices=["csv", "ndjson"], default="ndjson")


class Exported(Claim, frozen=True):
    article_url: str


def _csv_row(claim: Exported) -> list[Any]:
    company = claim.company
    return [
        claim.id, claim.article_id, claim.article_url,
        company.slug if company else "", company.name if company else "", claim.group or "",
        claim.amount_low, claim.amount_high, claim.currency,
        "" if claim.year is None else claim.year, str(claim.fiscal).lower(), claim.period or "",
        "" if claim.quarter is None else claim.quarter, claim.category, claim.status,
        claim.evidence.text, claim.evidence.start, claim.evidence.end,
        round(claim.confidence, 4), claim.extractor_version,
    ]  # fmt: skip


async def export_claims(url: str, fmt: str, out: TextIO) -> int:
    count = 0
    writer = csv.writer(out, lineterminator="\n")
    if fmt == "csv":
        writer.writerow(CSV_COLUMNS)
    encoder = msgspec.json.Encoder()
    async with (
        db.pool_lifespan(url, min_size=1, max_size=1) as pool,
        pool.acquire() as conn,
        conn.transaction(readonly=True),
    ):
        async for row in conn.cursor(SELECT, prefetch=500):
            claim = msgspec.convert(dict(row), Exported)
            if fmt == "csv":
                writer.writerow(_csv_row(claim))
            else:
                out.write(encoder.encode(claim).decode() + "\n")
            count += 1
    out.flush()
    return count


def run(settings: config.Settings, args: argparse.Namespace) -> int:
    url = settings.database_url or db.embedded_url(settings.data_dir)
    count = asyncio.run(export_claims(url, args.format, sys.stdout))
    print(f"{count} claims exported", file=sys.stderr)
    return 0
