"""A generator of articles and claims at scale, loaded by COPY into the documented tables.

    .venv/bin/python tests/bench/generate.py DATABASE_URL [--articles N] [--claims M]

The distributions follow what the service sees: a few spenders (the hyperscalers) in most
claims and a long tail of the registry's companies (Zipf), more articles in recent years,
about five claims per article with a tenth of articles holding none, years near the
publication date, mostly one-year figures in US dollars, some group claims ("big tech"),
a few failed and syndicated articles. Words are drawn (Zipf again) from a vocabulary of real
article text so full-text search has realistic selectivity. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import hashlib
import itertools
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench.common import shared_dir  # noqa: E402

# The spenders news writes about most, first; the rest of the registry follows in id order.
HEADLINERS = (
    "amazon", "microsoft", "alphabet", "meta", "oracle", "apple", "tsmc", "nvidia", "alibaba",
    "tencent", "samsung-electronics", "sk-hynix", "softbank", "xai", "openai", "bytedance",
    "intel", "baidu", "tesla", "ibm",
)  # fmt: skip
GROUPS = ("big tech", "hyperscalers", "chipmakers", "cloud providers")
CATEGORIES = (
    ("capex", 40), ("ai_infrastructure", 25), ("investment", 15), ("r_and_d", 8),
    ("acquisition", 7), ("other", 5),
)  # fmt: skip
STATUSES = (("planned", 50), ("actual", 35), ("estimate", 15))
PERIODS = (("year", 70), ("quarter", 15), ("multi_year", 8), ("half", 2), (None, 5))
# A company's figures come in its home currency, or in dollars (group claims: dollars);
# only currencies the service has exchange rates for, so totals in USD can convert them all.
HOME_CURRENCY = {
    "CN": "CNY", "JP": "JPY", "KR": "KRW", "IN": "INR", "DE": "EUR", "FR": "EUR", "NL": "EUR",
    "FI": "EUR", "ES": "EUR", "GB": "GBP", "TW": "TWD",
}  # fmt: skip
FIRST_DAY = date(2018, 1, 1)
LAST_DAY = date(2026, 11, 1)

ARTICLE_COLUMNS = (
    "id", "url", "url_key", "canonical_url", "source", "status", "error_code", "error_message",
    "title", "published", "language", "body", "body_hash", "duplicate_of", "claim_count",
    "extractor_version", "attempts", "fetched_at", "parsed_at",
)  # fmt: skip
CLAIM_COLUMNS = (
    "id", "article_id", "company_id", "group_name", "amount_low", "amount_high", "currency",
    "year", "fiscal", "period", "quarter", "category", "status", "evidence_text",
    "evidence_start", "evidence_end", "confidence", "extractor_version",
)  # fmt: skip


# Secondary indexes of the bulk-loaded tables (constraint indexes stay: they are the keys).
INDEXES = """
SELECT i.indexname, i.indexdef, i.tablename FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename IN ('article', 'claim')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
ORDER BY i.indexname
"""


class Picker:
    """Weighted choice with a precomputed cumulative table (random.choices is slow per call)."""

    def __init__(self, items: Sequence[object], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rnd: random.Random) -> object:
        return self.items[bisect.bisect_right(self.cum, rnd.random() * self.total)]


def zipf(items: Sequence[object], s: float = 1.1) -> Picker:
    return Picker(items, [1 / (rank**s) for rank in range(1, len(items) + 1)])


def vocabulary() -> list[str]:
    """Words of real article bodies, most frequent first."""
    bench = shared_dir() / "bench" / "article-extraction" / "ground-truth.json"
    counts: Counter[str] = Counter()
    truth = json.loads(bench.read_text(encoding="utf-8"))
    for page in truth.values():
        counts.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", page["articleBody"]))
    return [w for w, _ in counts.most_common(20_000)]


def spread_dates(rnd: random.Random, n: int) -> list[date]:
    """Publication dates, denser in recent years (news volume grows roughly linearly)."""
    days = (LAST_DAY - FIRST_DAY).days
    return [FIRST_DAY + timedelta(days=int(days * math.sqrt(rnd.random()))) for _ in range(n)]


async def company_order(conn: asyncpg.Connection) -> list[tuple[int, str, str]]:
    rows = await conn.fetch("SELECT id, slug, country FROM company WHERE verified ORDER BY id")
    by_slug = {
        r["slug"]: (r["id"], r["slug"], HOME_CURRENCY.get(r["country"], "USD")) for r in rows
    }
    first = [by_slug[s] for s in HEADLINERS if s in by_slug]
    seen = {s for _, s, _ in first}
    return first + [by_slug[r["slug"]] for r in rows if r["slug"] not in seen]


def claims_per_article(rnd: random.Random, n_articles: int, n_claims: int) -> list[int]:
    """About n_claims / n_articles each, a tenth with none, a long tail of claim-heavy pieces."""
    mean = n_claims / n_articles / 0.9
    counts = [0 if rnd.random() < 0.1 else max(1, int(rnd.expovariate(1 / mean) + 0.5))
              for _ in range(n_articles)]  # fmt: skip
    # Adjust to the exact total so figures are comparable run to run.
    diff = n_claims - sum(counts)
    step = 1 if diff > 0 else -1
    i = 0
    while diff:
        j = (i * 7919) % n_articles
        if step > 0 or counts[j] > 1:
            counts[j] += step
            diff -= step
        i += 1
    return counts


def article_rows(
    rnd: random.Random,
    words: Sequence[str],
    dates: Sequence[date],
    counts: Sequence[int],
    first_id: int,
) -> Iterator[tuple[object, ...]]:
    word = zipf(words, 1.0)
    for i, (published, n_claims) in enumerate(zip(dates, counts, strict=True), start=first_id):
        roll = rnd.random()
        status = "failed" if roll < 0.02 else "parsed"
        title = " ".join(str(word(rnd)) for _ in range(rnd.randint(6, 12))).capitalize()
        body = " ".join(str(word(rnd)) for _ in range(rnd.randint(30, 130))) + "."
        # An earlier article of the same stream: the other stream's rows are not committed yet.
        duplicate = (
            rnd.randint(first_id, i - 1) if i > first_id + 10 and rnd.random() < 0.04 else None
        )
        url = f"https://news{i % 97}.example/{published:%Y/%m}/story-{i}"
        yield (
            i, url, url, url, "fetch", status,
            "http_error" if status == "failed" else None,
            "the server answered 404" if status == "failed" else None,
            title if status == "parsed" else None,
            published if status == "parsed" else None,
            "zh" if rnd.random() < 0.08 else "en",
            body if status == "parsed" else None,
            hashlib.sha256(body.encode()).hexdigest() if status == "parsed" else None,
            duplicate if status == "parsed" else None,
            n_claims if status == "parsed" else 0,
            "bench", 1, None, None,
        )  # fmt: skip


def claim_rows(
    rnd: random.Random,
    companies: Sequence[tuple[int, str, str]],
    dates: Sequence[date],
    counts: Sequence[int],
    first_article: int,
    first_claim: int,
) -> Iterator[tuple[object, ...]]:
    company = zipf(companies, 1.1)
    category, status, period = (
        Picker([item for item, _ in table], [weight for _, weight in table])
        for table in (CATEGORIES, STATUSES, PERIODS)
    )
    claim_id = first_claim - 1
    for article_id, (published, n) in enumerate(
        zip(dates, counts, strict=True), start=first_article
    ):
        for k in range(n):
            claim_id += 1
            is_group = rnd.random() < 0.06
            company_id, slug, home = (None, None, "USD") if is_group else company(rnd)  # type: ignore[misc]
            currency = home if rnd.random() < 0.8 else "USD"
            group = GROUPS[claim_id % len(GROUPS)] if is_group else None
            span = period(rnd)
            year = None if span == "multi_year" else published.year + rnd.choice((-1, 0, 0, 1))
            low = int(math.exp(rnd.uniform(math.log(5e7), math.log(2e11))))
            high = low if rnd.random() < 0.85 else int(low * rnd.uniform(1.05, 1.3))
            evidence = (
                f"{slug or group} will spend {low / 1e9:.1f} billion in {year or 'coming years'}."
            )
            start = 40 * k
            yield (
                claim_id, article_id, company_id, group, low, high, currency, year,
                rnd.random() < 0.1, span, rnd.randint(1, 4) if span == "quarter" else None,
                category(rnd), status(rnd), evidence, start, start + len(evidence),
                round(rnd.uniform(0.5, 1.0), 2), "bench",
            )  # fmt: skip


async def _copy(conn: asyncpg.Connection, table: str, columns: Sequence[str],
                rows: Iterator[tuple[object, ...]], chunk: int = 20_000) -> None:  # fmt: skip
    while batch := list(itertools.islice(rows, chunk)):
        await conn.copy_records_to_table(table, records=batch, columns=list(columns))


async def _copy_new(
    url: str, table: str, columns: Sequence[str], rows: Iterator[tuple[object, ...]]
) -> None:
    """COPY on a connection of its own, so two streams run in parallel."""
    other = await asyncpg.connect(url)
    try:
        # The rows are consistent by construction: skip the per-row foreign-key triggers when
        # the role may (a superuser, as the benchmark's own database server usually has).
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await other.execute("SET session_replication_role = replica")
        await _copy(other, table, columns, rows)
    finally:
        await other.close()


async def _build(url: str, statements: Sequence[str]) -> None:
    other = await asyncpg.connect(url)
    try:
        await other.execute("SET maintenance_work_mem = '256MB'")
        for statement in statements:
            await other.execute(statement)
    finally:
        await other.close()


async def derive_figures(url: str) -> tuple[int, float]:
    """Figures from the loaded claims, as the service derives them (its figure table is kept
    by the transaction that stores an article, which COPY goes around). Nothing to do for a
    service without figures."""
    try:
        from service.figures import refresh  # noqa: PLC0415
    except ImportError:
        return 0, 0.0
    from service import db  # noqa: PLC0415

    started = time.perf_counter()
    pool = await db.create_pool(url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            count = await refresh.recompute_all(conn)
            await conn.execute("VACUUM (ANALYZE) figure")
    finally:
        await pool.close()
    return count, time.perf_counter() - started


async def generate(
    url: str, *, articles: int, claims: int, seed: int = 7, figures: bool = True
) -> dict[str, float]:
    """Load `articles` and `claims` into an empty, migrated database, then (with `figures`)
    derive the service's figures from them; returns timings (s)."""
    conn = await asyncpg.connect(url)
    try:
        loaded = await _generate(conn, url, articles=articles, claims=claims, seed=seed)
    finally:
        await conn.close()
    count, seconds = await derive_figures(url) if figures else (0, 0.0)
    return {**loaded, "figures": count, "figures_s": round(seconds, 1)}


async def _generate(
    conn: asyncpg.Connection, url: str, *, articles: int, claims: int, seed: int
) -> dict[str, float]:
    rnd = random.Random(seed)
    started = time.perf_counter()
    words = vocabulary()
    companies = await company_order(conn)
    dates = sorted(spread_dates(rnd, articles))
    counts = claims_per_article(rnd, articles, claims)
    prepared = time.perf_counter()
    # Bulk-load practice: drop the secondary indexes, COPY, build them again in one pass each.
    indexes = await conn.fetch(INDEXES)
    for row in indexes:
        await conn.execute(f'DROP INDEX "{row["indexname"]}"')
    # Two streams at once: computing the search vectors and checking the keys is the database's
    # CPU work, and there are two cores.
    cut = articles // 2
    halves = ((0, cut), (cut, articles))
    await asyncio.gather(*(
        _copy_new(url, "article", ARTICLE_COLUMNS, article_rows(
            random.Random(seed + 1 + k), words, dates[lo:hi], counts[lo:hi], lo + 1))
        for k, (lo, hi) in enumerate(halves)
    ))  # fmt: skip
    articles_done = time.perf_counter()
    await asyncio.gather(*(
        _copy_new(url, "claim", CLAIM_COLUMNS, claim_rows(
            random.Random(seed + 11 + k), companies, dates[lo:hi], counts[lo:hi], lo + 1,
            sum(counts[:lo]) + 1))
        for k, (lo, hi) in enumerate(halves)
    ))  # fmt: skip
    claims_done = time.perf_counter()
    await asyncio.gather(*(
        _build(url, [r["indexdef"] for r in indexes if r["tablename"] == table])
        for table in ("article", "claim")
    ))  # fmt: skip
    indexed = time.perf_counter()
    # Identity columns were given explicitly; later inserts must not collide.
    await conn.execute("SELECT setval(pg_get_serial_sequence('article', 'id'), $1)", articles)
    await conn.execute("SELECT setval(pg_get_serial_sequence('claim', 'id'), $1)", claims)
    # As autovacuum would have left an older table: statistics, and the visibility map that
    # lets index-only scans skip the heap.
    await conn.execute("VACUUM (ANALYZE) article")
    await conn.execute("VACUUM (ANALYZE) claim")
    finished = time.perf_counter()
    return {
        "prepare_s": round(prepared - started, 1),
        "copy_articles_s": round(articles_done - prepared, 1),
        "copy_claims_s": round(claims_done - articles_done, 1),
        "index_s": round(indexed - claims_done, 1),
        "analyze_s": round(finished - indexed, 1),
        "load_s": round(finished - started, 1),
    }


async def _main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("database_url")
    args.add_argument("--articles", type=int, default=200_000)
    args.add_argument("--claims", type=int, default=1_000_000)
    opts = args.parse_args()
    print(json.dumps(await generate(opts.database_url, articles=opts.articles, claims=opts.claims)))


if __name__ == "__main__":
    asyncio.run(_main())
