"""Every list filter is answered from an index, on data of the shape the service meets.

The benchmark's generator (tests/bench/generate.py) loads 20,000 articles and 100,000 claims
into a database of this test's own. The list queries run through the service's own query
functions, and PostgreSQL's auto_explain hands back the plan each statement actually ran
with, so the test sees the real statements and the real plans, including the generic plan a
prepared statement switches to after five runs. Nothing is timed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import asyncpg
import pytest

from service import db
from service.articles import queries as articles
from service.claims import queries as claims
from tests.bench.common import bench_database, migrate
from tests.bench.generate import generate

BIG_TABLES = {"article", "claim"}
RUNS = 7  # past the five custom plans PostgreSQL tries before it may keep a generic one


@pytest.fixture(scope="module")
async def conn() -> AsyncIterator[tuple[asyncpg.Connection, list[dict[str, Any]]]]:
    async with bench_database("outlay_test_indexes") as url:
        await migrate(url)
        await generate(url, articles=20_000, claims=100_000, figures=False)
        pool = await db.create_pool(url, min_size=1, max_size=1)
        try:
            # Held for the whole module: released, asyncpg would reset the settings below.
            connection = await pool.acquire()
            try:
                await connection.execute("LOAD 'auto_explain'")
            except asyncpg.InsufficientPrivilegeError:
                pytest.skip("auto_explain needs a superuser; run against a local server")
            await connection.execute(
                "SET auto_explain.log_min_duration = 0; SET auto_explain.log_format = 'json';"
                "SET auto_explain.log_level = 'notice'; SET client_min_messages = 'notice'"
            )
            plans: list[dict[str, Any]] = []

            def collect(_: object, message: asyncpg.PostgresLogMessage) -> None:
                text = str(message)
                if "plan:" in text and "{" in text:
                    plans.append(json.loads(text[text.index("{") :])["Plan"])

            connection.add_log_listener(collect)
            yield connection, plans
            connection.remove_log_listener(collect)
            await pool.release(connection)
        finally:
            await pool.close()


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(nodes(child))
    return found


List = Callable[[asyncpg.Connection], Awaitable[object]]


def article_list(**filters: Any) -> List:
    given = {
        "status": None, "company": None, "published_from": None, "published_to": None,
        "q": None, "before_id": None, **filters,
    }  # fmt: skip
    return lambda c: articles.list_page(c, limit=51, **given)


def claim_list(**filters: Any) -> List:
    return lambda c: claims.list_page(c, limit=51, **filters)


# filter -> the call, and the indexes that answer it (the primary key where the filter keeps
# most rows: walking ids newest first then finds a page at once).
CASES: dict[str, tuple[List, set[str]]] = {
    "articles?company= (frequent)": (article_list(company="amazon"), {"claim_company_article"}),
    "articles?company= (rare)": (article_list(company="ibm"), {"claim_company_article"}),
    "articles?q=": (article_list(q="data centres"), {"article_search_block"}),
    "articles?q=&cursor=": (
        article_list(q="data centres", before_id=15_000),
        {"article_search_block"},
    ),
    "articles?q=&status=": (article_list(q="capital", status="parsed"), {"article_search_block"}),
    "articles?status=failed": (article_list(status="failed"), {"article_status"}),
    "articles?status=parsed": (article_list(status="parsed"), {"article_status", "article_pkey"}),
    "articles?published_from=&published_to=": (
        article_list(published_from=date(2019, 3, 1), published_to=date(2019, 3, 31)),
        {"article_published"},
    ),
    "articles?cursor=": (article_list(before_id=5_000), {"article_pkey"}),
    "claims?company=&year=": (claim_list(company="microsoft", year=2024), {"claim_company_year"}),
    "claims?company=": (claim_list(company="ibm"), {"claim_company_id"}),
    "claims?year=": (claim_list(year=2019), {"claim_year", "claim_pkey"}),
    "claims?group=": (claim_list(group="big tech"), {"claim_group", "claim_pkey"}),
    "claims?article_id=": (claim_list(article_id=12_345), {"claim_article"}),
    "claims?category=": (claim_list(category="acquisition"), {"claim_pkey"}),
    "claims?status=": (claim_list(status="estimate"), {"claim_pkey"}),
    "claims?currency=": (claim_list(currency="EUR"), {"claim_pkey"}),
    "claims?cursor=": (claim_list(before_id=50_000), {"claim_pkey"}),
}


async def run_and_explain(
    connection: asyncpg.Connection, plans: list[dict[str, Any]], call: Any
) -> None:
    """Run one list query and wait for the plans auto_explain sends for it."""
    plans.clear()
    await call(connection)
    # The log listener runs on the next turn of the loop.
    for _ in range(5):
        if plans:
            break
        await asyncio.sleep(0.01)
    assert plans, "auto_explain sent no plan"


@pytest.mark.parametrize("case", list(CASES))
async def test_list_filter_uses_an_index(
    conn: tuple[asyncpg.Connection, list[dict[str, Any]]], case: str
) -> None:
    connection, plans = conn
    call, wanted = CASES[case]
    for _ in range(RUNS):
        await run_and_explain(connection, plans, call)
        scans = [n for plan in plans for n in nodes(plan)]
        full = [
            n["Relation Name"]
            for n in scans
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in BIG_TABLES
        ]
        assert not full, f"{case}: sequential scan of {full}"
        used = {n["Index Name"] for n in scans if "Index Name" in n}
        assert used & wanted, f"{case}: plan uses {sorted(used)}, not any of {sorted(wanted)}"


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("articles?q=")])
async def test_search_windows_run_in_order(
    conn: tuple[asyncpg.Connection, list[dict[str, Any]]], case: str
) -> None:
    """A search page is its windows' rows in the order UNION ALL lists them (search_page in
    service/articles/queries.py): one Append, run in order by this process, never by parallel
    workers or merged by key, also in the generic plan."""
    connection, plans = conn
    call, _ = CASES[case]
    for _ in range(RUNS):
        await run_and_explain(connection, plans, call)
        kinds = [n["Node Type"] for plan in plans for n in nodes(plan)]
        assert kinds.count("Append") == 1, kinds
        assert not {"Gather", "Gather Merge", "Merge Append"} & set(kinds), kinds


# The windows' scans of the search index, and the walk of the primary key (the newest id,
# read once for every search, is an index-only scan).
WINDOWS = ("Bitmap Index Scan", "article_search_block")
WALK = ("Index Scan", "article_pkey")


@pytest.mark.parametrize(
    ("filters", "runs", "idle"),
    [
        # A word: the windows read the index; the walk does not run.
        ({"q": "capital"}, WINDOWS, WALK),
        # No word every match must hold: the index could only be read whole; the walk runs.
        ({"q": "-capital"}, WALK, WINDOWS),
        ({"q": "capital or -spending"}, WALK, WINDOWS),
        # A rare word past the windows, with a filter most articles pass: the filter's index
        # is not read (a bitmap of every article before the date).
        (
            {"q": "hotelier", "published_to": date(2026, 1, 1)},
            WINDOWS,
            ("Bitmap Index Scan", "article_published"),
        ),
    ],
)
async def test_search_reads_the_index_only_for_words_it_can_look_up(
    conn: tuple[asyncpg.Connection, list[dict[str, Any]]],
    filters: dict[str, Any],
    runs: tuple[str, str],
    idle: tuple[str, str],
) -> None:
    connection, plans = conn
    await connection.execute("SET auto_explain.log_analyze = on")
    try:
        for _ in range(RUNS):
            plans.clear()
            await article_list(**filters)(connection)
            for _ in range(5):
                if plans:
                    break
                await asyncio.sleep(0.01)
            ran = {
                (n["Node Type"], n["Index Name"])
                for plan in plans
                for n in nodes(plan)
                if "Index Name" in n and n.get("Actual Loops", 0) > 0
            }
            assert runs in ran, (filters, sorted(ran))
            assert idle not in ran, (filters, sorted(ran))
    finally:
        await connection.execute("SET auto_explain.log_analyze = off")
