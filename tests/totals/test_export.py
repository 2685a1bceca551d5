"""Claims, figures and totals as CSV and NDJSON (Accept header or ?format=)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.figures.store import B, claim, store

pytestmark = pytest.mark.usefixtures("clean")


@pytest.fixture
async def stored(db: asyncpg.Connection) -> int:
    return await store(
        db, "https://a.example.com/capex", date(2025, 1, 30),
        [claim("amazon", 100), claim("meta", 60, 65), claim("alibaba", 380, currency="CNY"),
         claim(None, 320, group="big tech")],
    )  # fmt: skip


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_claims_as_csv_by_accept_header(client: AsyncTestClient, stored: int) -> None:  # type: ignore[type-arg]
    response = await client.get("/v1/claims", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = read_csv(response.text)
    assert len(rows) == 4
    meta = next(r for r in rows if r["company.slug"] == "meta")
    assert (meta["amount_low"], meta["amount_high"], meta["currency"]) == (
        str(60 * B), str(65 * B), "USD",
    )  # fmt: skip
    assert meta["evidence.text"].startswith("Meta")
    group = next(r for r in rows if r["group"] == "big tech")
    assert group["company.slug"] == ""
    alibaba = next(r for r in rows if r["company.slug"] == "alibaba")
    assert int(alibaba["usd.amount_low"]) < 380 * B


async def test_claims_as_ndjson_by_format(client: AsyncTestClient, stored: int) -> None:  # type: ignore[type-arg]
    response = await client.get("/v1/claims", params={"format": "ndjson", "company": "meta"})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 1
    listed = (await client.get("/v1/claims", params={"company": "meta"})).json()["items"]
    assert lines == listed  # the same claims the JSON list shows


async def test_figures_and_totals_export(client: AsyncTestClient, stored: int) -> None:  # type: ignore[type-arg]
    figures = read_csv((await client.get("/v1/figures", params={"format": "csv"})).text)
    assert sorted(r["company.slug"] for r in figures) == ["alibaba", "amazon", "meta"]
    assert {r["company.slug"]: r["independent"] for r in figures}["meta"] == "1"
    ndjson = await client.get("/v1/figures", headers={"Accept": "application/x-ndjson"})
    items = [json.loads(line) for line in ndjson.text.splitlines()]
    assert {i["company"]["slug"] for i in items} == {"alibaba", "amazon", "meta"}
    assert all(i["support"] and i["history"] for i in items)

    totals = await client.get(
        "/v1/totals", params={"group_by": "company", "currency": "USD", "format": "csv"}
    )
    rows = read_csv(totals.text)
    assert [r["company.slug"] for r in rows] == ["alibaba", "amazon", "meta"]
    assert [r["currency"] for r in rows] == ["USD"] * 3
    assert rows[2]["amount_high"] == str(65 * B)
    lines = (
        await client.get("/v1/totals", params={"group_by": "year", "currency": "USD"},
                         headers={"Accept": "application/x-ndjson"})
    ).text.splitlines()  # fmt: skip
    assert len(lines) == 1
    assert json.loads(lines[0])["figures"] == 3


async def test_an_export_refused_is_a_problem_not_a_stream(
    client: AsyncTestClient, stored: int
) -> None:  # type: ignore[type-arg]
    response = await client.get("/v1/totals", params={"group_by": "year", "format": "csv"})
    assert response.status_code == 400  # CNY and USD together, unconverted
    assert response.json()["code"] == "mixed_currencies"
