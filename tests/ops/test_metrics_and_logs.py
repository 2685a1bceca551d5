"""/metrics tells an operator what the service did; the JSON log ties lines to requests and jobs."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.ops.conftest import Server
from tests.support import Page, Site

ARTICLE = (
    b"<html><head><title>Capex</title></head><body><article><p>"
    + b"Amazon plans to spend $100 billion on capital expenditure in 2025. " * 5
    + b"</p></article></body></html>"
)


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(server: Server) -> Samples:
    response = httpx.get(f"{server.base}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _counts(database_url: str) -> dict[str, int]:
    conn = await asyncpg.connect(database_url)
    try:
        return dict(await conn.fetch("SELECT status, count(*) FROM article GROUP BY status"))
    finally:
        await conn.close()


def test_metrics_count_requests_queue_fetches_and_analysis(server: Server, site: Site) -> None:
    before = scrape(server)
    ok_url = site.add("/ops/metrics-ok", Page(ARTICLE))
    missing_url = site.base + "/ops/metrics-missing"
    ids = []
    for url in (ok_url, missing_url):
        response = httpx.post(
            f"{server.base}/v1/articles", json={"url": url}, headers=server.headers
        )
        assert response.status_code == 202
        ids.append(response.json()["id"])
    done = [server.wait_done(i) for i in ids]
    assert [d["status"] for d in done] == ["parsed", "failed"]
    failed_code = done[1]["error"]["code"]
    assert httpx.get(f"{server.base}/v1/articles/987654321").status_code == 404

    after = scrape(server)
    route = "/v1/articles/{article_id}"
    hist = "outlay_http_request_duration_seconds_count"
    assert value(after, hist, route=route, method="GET", status="404") >= 1
    assert value(after, hist, route=route, method="GET", status="200") >= 2
    assert value(after, hist, route="/v1/articles", method="POST", status="202") >= 2

    fetches = "outlay_fetches_total"
    assert value(after, fetches, outcome="ok") == value(before, fetches, outcome="ok") + 1
    assert value(after, fetches, outcome=failed_code) == (
        value(before, fetches, outcome=failed_code) + 1
    )
    for name in ("outlay_parse_duration_seconds_count", "outlay_extract_duration_seconds_count"):
        assert value(after, name) == value(before, name) + 1
    assert value(after, "outlay_parse_duration_seconds_sum") > value(
        before, "outlay_parse_duration_seconds_sum"
    )
    claims = "outlay_claims_per_article"
    assert value(after, f"{claims}_count") == value(before, f"{claims}_count") + 1
    assert value(after, f"{claims}_sum") == value(before, f"{claims}_sum") + done[0]["claim_count"]

    counts = asyncio.run(_counts(server.database_url))
    for status in ("queued", "fetching", "parsed", "failed"):
        assert value(after, "outlay_articles", status=status) == counts.get(status, 0), status


def test_log_lines_carry_request_id_article_id_and_attempt(server: Server, site: Site) -> None:
    url = site.add("/ops/logged", Page(ARTICLE.replace(b"Capex", b"Logged")))
    response = httpx.post(
        f"{server.base}/v1/articles",
        json={"url": url},
        headers={**server.headers, "X-Request-ID": "ops-log-1"},
    )
    assert response.headers["x-request-id"] == "ops-log-1"
    article_id = response.json()["id"]
    server.wait_done(article_id)

    lines = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
    request = [e for e in lines if e.get("request_id") == "ops-log-1"]
    assert request, "no log line carries the request id"
    assert request[0]["event"] == "request"
    assert request[0]["route"] == "/v1/articles"
    assert request[0]["status"] == 202
    job = [e for e in lines if e.get("article_id") == article_id]
    assert job, "no log line carries the article id"
    assert all(e["attempt"] == 1 for e in job)
    assert any(e["event"] == "article parsed" for e in job)
