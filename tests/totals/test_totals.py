"""Totals built on figures: ranges, explain, coverage of a named set of companies."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.figures.store import B, claim, store

pytestmark = pytest.mark.usefixtures("clean")

BIG_TECH = "amazon,microsoft,alphabet,meta"


@pytest.fixture
async def three_of_four(db: asyncpg.Connection) -> list[int]:
    first = await store(
        db, "https://a.example.com/capex", date(2025, 1, 30),
        [claim("amazon", 100), claim("meta", 60, 65), claim("microsoft", 80),
         claim("meta", 50, status="estimate")],
    )  # fmt: skip
    second = await store(
        db, "https://b.example.com/capex", date(2025, 4, 30),
        [claim("meta", 64, 72), claim("amazon", 100)],
    )  # fmt: skip
    return [first, second]


async def test_ranges_carry_through_and_status_splits_rows(
    client: AsyncTestClient, three_of_four: list[int]
) -> None:  # type: ignore[type-arg]
    body = (await client.get("/v1/totals", params={"group_by": "year"})).json()
    rows = {r["status"]: r for r in body["items"]}
    planned = rows["planned"]
    # Meta counts once, at its latest value; Amazon's repeated figure counts once.
    assert (planned["amount_low"], planned["amount_high"]) == (244 * B, 252 * B)
    assert planned["usd"] == {"amount_low": 244 * B, "amount_high": 252 * B}
    assert (planned["figures"], planned["claims"], planned["articles"]) == (3, 5, 2)
    assert (rows["estimate"]["amount_low"], rows["estimate"]["figures"]) == (50 * B, 1)


async def test_explain_lists_each_rows_figures_and_their_claims(
    client: AsyncTestClient, three_of_four: list[int]
) -> None:  # type: ignore[type-arg]
    params = {"group_by": "year", "status": "planned", "explain": "true"}
    [row] = (await client.get("/v1/totals", params=params)).json()["items"]
    explained = {f["company"]["slug"]: f for f in row["explain"]}
    assert set(explained) == {"amazon", "meta", "microsoft"}
    assert sum(f["amount_low"] for f in explained.values()) == row["amount_low"]
    meta = explained["meta"]
    assert [c["article_id"] for c in meta["support"]] == three_of_four
    assert all(c["evidence"] and c["published"] for c in meta["support"])
    assert [h["amount_high"] for h in meta["history"]] == [65 * B, 72 * B]
    plain = (await client.get("/v1/totals", params={"group_by": "year"})).json()
    assert all("explain" not in r for r in plain["items"])


async def test_coverage_names_the_companies_without_a_figure(
    client: AsyncTestClient, three_of_four: list[int]
) -> None:  # type: ignore[type-arg]
    params = {"group_by": "company", "year": 2025, "status": "planned", "company": BIG_TECH}
    body = (await client.get("/v1/totals", params=params)).json()
    assert [r["company"]["slug"] for r in body["items"]] == ["amazon", "meta", "microsoft"]
    assert body["coverage"] == {
        "expected": ["amazon", "microsoft", "alphabet", "meta"],
        "covered": ["amazon", "microsoft", "meta"],
        "missing": ["alphabet"],
    }
    by_year = (
        await client.get("/v1/totals", params={**params, "group_by": "year", "currency": "USD"})
    ).json()
    assert [(r["year"], r["missing"]) for r in by_year["items"]] == [(2025, ["alphabet"])]
    without = (await client.get("/v1/totals", params={"group_by": "company"})).json()
    assert "coverage" not in without

    unknown = await client.get("/v1/totals", params={"company": "amazon,acme-nonexistent"})
    assert unknown.status_code == 400
    assert "acme-nonexistent" in unknown.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"year_from": 2026, "year_to": 2024},
        {"explain": "maybe"},
        {"format": "xml"},
        {"company": ","},
        {"currency": "usd"},
    ],
)
async def test_bad_totals_query_is_a_400(client: AsyncTestClient, params: dict) -> None:  # type: ignore[type-arg]
    response = await client.get("/v1/totals", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
