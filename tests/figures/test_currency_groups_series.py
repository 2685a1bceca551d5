"""USD beside every claim and figure, group claims against their members, and chartable series."""

from __future__ import annotations

import json
from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.figures.rates import RATES_PATH, sync_rates
from tests.figures.store import B, claim, figures, one_figure, store

pytestmark = pytest.mark.usefixtures("clean")

RATES = json.loads(RATES_PATH.read_text(encoding="utf-8"))["rates"]
CURRENCIES = ["USD", "EUR", "GBP", "CNY", "JPY", "KRW", "HKD", "TWD", "INR"]


def test_rates_cover_every_currency_and_year_with_their_source() -> None:
    document = json.loads(RATES_PATH.read_text(encoding="utf-8"))
    assert document["source"]
    assert document["how_compiled"]
    for currency in CURRENCIES[1:]:
        assert sorted(int(y) for y in RATES[currency]) == list(range(2015, date.today().year + 1))
        assert all(rate > 0 for rate in RATES[currency].values())


async def test_claims_and_figures_are_also_in_usd_at_their_years_rate(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    article = await store(
        db, "https://www.example.de/sap", date(2024, 3, 1),
        [claim("alibaba", 380, year=2024, currency="CNY"),
         claim("samsung-electronics", 53.6, year=2024, currency="KRW", scale=10**12),
         claim("meta", 39, year=2024, status="actual"),
         claim("alibaba", 10, year=2031, currency="CNY", category="investment")],
    )  # fmt: skip
    claims = (await client.get("/v1/claims", params={"article_id": article})).json()["items"]
    by_currency = {(c["currency"], c["year"]): c for c in claims}
    cny = by_currency[("CNY", 2024)]
    assert cny["amount_low"] == 380 * B  # the stated amount stays
    assert cny["usd"]["amount_low"] == round(380 * B / RATES["CNY"]["2024"])
    assert (cny["usd"]["rate"], cny["usd"]["rate_year"]) == (RATES["CNY"]["2024"], 2024)
    krw = by_currency[("KRW", 2024)]
    assert krw["usd"]["amount_high"] == round(53.6 * 10**12 / RATES["KRW"]["2024"])
    assert by_currency[("USD", 2024)]["usd"]["amount_low"] == 39 * B
    # A year past the table takes the latest rate there is.
    latest = max(RATES["CNY"])
    assert by_currency[("CNY", 2031)]["usd"]["rate_year"] == int(latest)

    alibaba = await one_figure(client, company="alibaba", year=2024)
    assert (alibaba["currency"], alibaba["amount_low"]) == ("CNY", 380 * B)
    assert alibaba["usd"]["amount_low"] == round(380 * B / RATES["CNY"]["2024"])
    assert alibaba["support"][0]["usd"] == alibaba["usd"]


async def test_totals_refuse_mixed_currencies_unless_converted(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    await store(
        db, "https://a.example.com/x", date(2024, 3, 1),
        [claim("alibaba", 380, year=2024, currency="CNY"), claim("meta", 39, year=2024),
         claim("amazon", 77, year=2024)],
    )  # fmt: skip
    params = {"group_by": "year", "year": 2024}
    refused = await client.get("/v1/totals", params=params)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "mixed_currencies"
    assert "CNY" in problem["detail"]
    assert "currency=USD" in problem["detail"]

    usd = (await client.get("/v1/totals", params={**params, "currency": "USD"})).json()
    [row] = usd["items"]
    expected = 116 * B + round(380 * B / RATES["CNY"]["2024"])
    assert (row["currency"], row["amount_low"], row["amount_high"]) == ("USD", expected, expected)
    assert row["usd"] == {"amount_low": expected, "amount_high": expected}
    assert row["figures"] == 3

    # Rows that each hold one currency need no conversion; each row says its own.
    by_company = (
        await client.get("/v1/totals", params={"group_by": "company", "year": 2024})
    ).json()
    assert {r["company"]["slug"]: r["currency"] for r in by_company["items"]} == {
        "alibaba": "CNY", "amazon": "USD", "meta": "USD",
    }  # fmt: skip
    unknown = await client.get("/v1/totals", params={**params, "currency": "XAU"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "currency"


async def test_a_group_claim_beside_its_members_sum(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    await store(
        db, "https://ai.example.com/big-tech-320b", date(2025, 2, 12),
        [claim(None, 320, group="big tech", category="ai_infrastructure"),
         claim(None, 246, year=2024, group="big tech", status="actual"),
         claim("amazon", 100), claim("microsoft", 80, category="ai_infrastructure"),
         claim("alphabet", 75), claim("alphabet", 58, status="estimate"), claim("meta", 60, 65),
         claim("amazon", 77, year=2024, status="actual"),
         claim("meta", 39, year=2024, status="actual")],
    )  # fmt: skip
    response = await client.get("/v1/groups/big tech")
    assert response.status_code == 200, response.text
    items = {(i["year"], i["status"]): i for i in response.json()["items"]}
    plan = items[(2025, "planned")]
    assert plan["claimed"]["amount_low"] == 320 * B
    assert plan["claimed"]["evidence"]
    assert {m["company"]["slug"] for m in plan["members"]} == {
        "amazon", "microsoft", "alphabet", "meta",
    }  # fmt: skip
    assert plan["members_sum"] == {"amount_low": 315 * B, "amount_high": 320 * B}
    assert plan["difference"] == {"amount_low": 5 * B, "amount_high": 0}
    assert plan["missing"] == []
    actual = items[(2024, "actual")]
    assert actual["members_sum"] == {"amount_low": 116 * B, "amount_high": 116 * B}
    assert actual["difference"]["amount_low"] == 130 * B
    assert sorted(actual["missing"]) == ["alphabet", "microsoft"]
    assert (await client.get("/v1/groups/nobody")).status_code == 404
    # A group claim is never a company figure.
    assert all(f["company"]["slug"] != "big tech" for f in await figures(client))


async def test_company_series_in_year_order_with_gaps_as_null(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    await store(
        db, "https://a.example.com/meta", date(2025, 2, 1),
        [claim("meta", 28, year=2022, status="actual"),
         claim("meta", 39, year=2024, status="actual"), claim("meta", 60, 65, year=2025),
         claim("meta", 5, year=2025, category="r_and_d")],
    )  # fmt: skip
    body = (await client.get("/v1/companies/meta/figures", params={"category": "capex"})).json()
    assert body["years"] == [2022, 2023, 2024, 2025]
    series = {s["status"]: s for s in body["series"]}
    assert [p["amount_low"] for p in series["actual"]["points"]] == [28 * B, None, 39 * B, None]
    assert [p["year"] for p in series["planned"]["points"]] == [2022, 2023, 2024, 2025]
    assert [p["amount_high"] for p in series["planned"]["points"]] == [None, None, None, 65 * B]
    assert all(s["category"] == "capex" for s in body["series"])

    totals = (
        await client.get(
            "/v1/totals",
            params={"group_by": "year", "company": "meta", "status": "actual", "year_to": 2025},
        )
    ).json()
    assert [(r["year"], r["amount_low"]) for r in totals["items"]] == [
        (2022, 28 * B), (2023, None), (2024, 39 * B), (2025, None),
    ]  # fmt: skip
    assert (await client.get("/v1/companies/nobody/figures")).status_code == 404


async def test_new_rates_recompute_every_figures_usd(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    await store(
        db,
        "https://a.example.com/x",
        date(2024, 3, 1),
        [claim("alibaba", 380, year=2024, currency="CNY")],
    )
    before = await one_figure(client, company="alibaba")
    document = json.loads(RATES_PATH.read_text(encoding="utf-8"))
    document["rates"]["CNY"]["2024"] = 8.0
    try:
        assert await sync_rates(db, raw=json.dumps(document).encode())
        after = await one_figure(client, company="alibaba")
        assert after["usd"]["amount_low"] == 380 * B // 8 != before["usd"]["amount_low"]
        assert after["amount_low"] == before["amount_low"]
    finally:
        assert await sync_rates(db)
    assert (await one_figure(client, company="alibaba"))["usd"] == before["usd"]
    broken = json.dumps({**document, "rates": {"CNY": {"2024": 7.1}, "EUR": {"2023": 0.9}}})
    with pytest.raises(ValueError, match="does not cover"):
        await sync_rates(db, raw=broken.encode())
