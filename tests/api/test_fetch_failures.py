"""Pages that cannot be had end as failed with a code, and the worker goes on."""

from __future__ import annotations

import socket

import pytest
from litestar.testing import AsyncTestClient

from tests.support import Page, Site, wait_done

pytestmark = pytest.mark.usefixtures("clean")

GOOD = (
    b"<html><head><title>Fine</title></head><body><article><p>"
    + b"A page. " * 40
    + b"</p></article></body></html>"
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda site: f"http://127.0.0.1:{closed_port()}/gone", "connection_error"),
        (lambda site: site.base + "/missing", "http_error"),
        (
            lambda site: site.add(
                "/report.pdf", Page(b"%PDF-1.7 ...", content_type="application/pdf")
            ),
            "bad_content_type",
        ),
    ],
)
async def test_unreachable_page_fails_with_code_and_worker_goes_on(
    client: AsyncTestClient,
    site: Site,
    setup,
    code: str,  # type: ignore[no-untyped-def,type-arg]
) -> None:
    bad = await client.post("/v1/articles", json={"url": setup(site)})
    good = await client.post("/v1/articles", json={"url": site.add("/fine", Page(GOOD))})
    failed = await wait_done(client, bad.json()["id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == code
    assert failed["error"]["message"]
    assert (await wait_done(client, good.json()["id"]))["status"] == "parsed"
    listed = (await client.get("/v1/articles", params={"status": "failed"})).json()["items"]
    assert [a["id"] for a in listed] == [bad.json()["id"]]


async def test_public_addresses_only_unless_allowed(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    # 127.0.0.2 is loopback but outside the test's allowed 127.0.0.1/32.
    response = await client.post("/v1/articles", json={"url": "http://127.0.0.2:9/x"})
    failed = await wait_done(client, response.json()["id"])
    assert failed["error"]["code"] == "ssrf_blocked"


async def test_html_sent_for_a_failed_article_is_used(client: AsyncTestClient, site: Site) -> None:  # type: ignore[type-arg]
    url = site.base + "/later"
    first = await client.post("/v1/articles", json={"url": url})
    assert (await wait_done(client, first.json()["id"]))["status"] == "failed"
    again = await client.post("/v1/articles", json={"url": url, "html": GOOD.decode()})
    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    article = await wait_done(client, first.json()["id"])
    assert article["status"] == "parsed"
    assert article["error"] is None
    assert "A page." in article["text"]
