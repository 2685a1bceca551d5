"""Reprocessing re-runs parse and extraction over the stored page and reports the change."""

from __future__ import annotations

import os
import subprocess
import sys

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.support import ROOT, wait_done

pytestmark = pytest.mark.usefixtures("clean")

PAGE = """<html><head><title>Zorblax builds</title></head><body><article>
<p>Zorblax will spend $5 billion on data centres in 2025, the company said on Tuesday.</p>
<p>Amazon plans $100 billion of capital expenditure in 2025, up from $77 billion last year.</p>
</article></body></html>"""


async def submit(client: AsyncTestClient, url: str) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        "/v1/articles", json={"url": url, "html": PAGE, "published": "2025-03-04"}
    )
    assert response.status_code == 202
    article = await wait_done(client, response.json()["id"])
    assert article["status"] == "parsed"
    return article


async def test_reprocess_restores_what_the_extractor_finds(
    client: AsyncTestClient,
    db: asyncpg.Connection,  # type: ignore[type-arg]
) -> None:
    article = await submit(client, "https://example.com/zorblax")
    found = {
        (c["company"]["slug"] if c["company"] else None, c["amount_low"]) for c in article["claims"]
    }
    assert ("amazon", 100_000_000_000) in found
    # What an older extractor might have left: one claim missing, one mislabelled, one wrong.
    ids = [c["id"] for c in article["claims"]]
    await db.execute("DELETE FROM claim WHERE id = $1", ids[0])
    await db.execute("UPDATE claim SET category = 'other' WHERE id = $1", ids[1])
    await db.execute(
        """INSERT INTO claim (article_id, group_name, amount_low, amount_high, currency, category,
                              status, evidence_text, evidence_start, evidence_end, confidence,
                              extractor_version)
           VALUES ($1, 'big tech', 1, 1, 'USD', 'capex', 'planned', 'x', 0, 1, 0.1, '0')""",
        article["id"],
    )
    response = await client.post(f"/v1/articles/{article['id']}/reprocess")
    assert response.status_code == 200, response.text
    assert (response.json()["added"], response.json()["removed"], response.json()["changed"]) == (
        1,
        1,
        1,
    )
    again = (await client.get(f"/v1/articles/{article['id']}")).json()
    assert again["claims"]
    assert len(again["claims"]) == len(article["claims"])
    assert {(c["category"], c["amount_low"]) for c in again["claims"]} == {
        (c["category"], c["amount_low"]) for c in article["claims"]
    }


async def test_reprocess_unknown_or_unprocessed_article(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await client.post("/v1/articles/987654/reprocess")).status_code == 404
    queued = await client.post("/v1/articles", json={"url": "http://127.0.0.2:9/never"})
    # Refused while it has no stored page (the fetch of this address fails as ssrf_blocked).
    await wait_done(client, queued.json()["id"])
    response = await client.post(f"/v1/articles/{queued.json()['id']}/reprocess")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "OUTLAY_LOG_LEVEL": "warning"}
    return subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [sys.executable, "-m", "service", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


async def test_operator_alias_then_reprocess_attributes_the_claim(
    client: AsyncTestClient,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    article = await submit(client, "https://example.com/zorblax-2")

    def spenders(claims: list[dict]) -> set[str | None]:  # type: ignore[type-arg]
        """Who the $5 billion sentence is attributed to."""
        return {
            c["company"]["slug"] if c["company"] else None
            for c in claims
            if c["amount_low"] == 5_000_000_000
        }

    assert "amazon" not in spenders(article["claims"])

    added = run_cli(database_url, "companies", "add-alias", "amazon", "Zorblax")
    assert added.returncode == 0, added.stderr
    refused = run_cli(database_url, "companies", "add-alias", "microsoft", "zorblax")
    assert refused.returncode == 1
    assert "already names amazon" in refused.stderr
    amazon = (await client.get("/v1/companies/amazon")).json()
    assert "Zorblax" in amazon["aliases"]

    done = run_cli(database_url, "reprocess", "--article", str(article["id"]))
    assert done.returncode == 0, done.stderr
    assert "1 reprocessed" in done.stdout
    assert "1 claims added" in done.stdout
    claims = (await client.get("/v1/claims", params={"article_id": article["id"]})).json()["items"]
    assert spenders(claims) == {"amazon"}
