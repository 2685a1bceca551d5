"""Through the API, as a client sees it: precise failures, retries, the retry route."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from litestar.testing import AsyncTestClient

from tests.fetch.server import Handler, Request, Server, head, page, redirect
from tests.fetch.test_limits import png, stream
from tests.support import wait_done

pytestmark = pytest.mark.usefixtures("clean")

HTML = (
    b"<html><head><title>Capex</title></head><body><article><p>"
    + b"A page about spending. " * 30
    + b"</p></article></body></html>"
)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    s = await Server().start()
    yield s
    await s.close()


async def attempts(client: AsyncTestClient, article_id: int) -> list[dict]:  # type: ignore[type-arg]
    response = await client.get(f"/v1/articles/{article_id}/attempts")
    assert response.status_code == 200
    return response.json()["items"]  # type: ignore[no-any-return]


def robots(_: Server) -> str:
    _.add("/robots.txt", page(b"User-agent: *\nDisallow: /members/\n", content_type="text/plain"))
    return _.add("/members/page", page(HTML))


CASES = {
    "loopback outside the allow list": (lambda s: f"http://127.0.0.2:{s.port}/x", "ssrf_blocked"),
    "hex literal": (lambda s: f"http://0x7f000002:{s.port}/x", "ssrf_blocked"),
    "mapped IPv6 literal": (lambda s: f"http://[::ffff:127.0.0.2]:{s.port}/", "ssrf_blocked"),
    "redirect to loopback": (
        lambda s: s.add("/go", redirect(f"http://127.0.0.2:{s.port}/x")),
        "ssrf_blocked",
    ),
    "redirect to gopher": (
        lambda s: s.add("/g", redirect("gopher://127.0.0.1:70/")),
        "bad_redirect",
    ),
    "20 MB": (lambda s: s.add("/big", stream(20_000_000, length=True, sent=[0])), "too_large"),
    "PNG": (lambda s: s.add("/img", page(png(), content_type="image/png")), "bad_content_type"),
    "robots.txt": (robots, "robots_disallowed"),
    "404": (lambda s: s.url("/nothing-here"), "http_error"),
}


@pytest.mark.parametrize("case", CASES)
async def test_refused_articles_fail_with_a_precise_code_and_are_not_retried(
    client: AsyncTestClient,  # type: ignore[type-arg]
    server: Server,
    case: str,
) -> None:
    make_url, code = CASES[case]
    response = await client.post("/v1/articles", json={"url": make_url(server)})
    assert response.status_code == 202, response.text
    article = await wait_done(client, response.json()["id"])
    assert article["status"] == "failed"
    assert article["error"]["code"] == code
    tried = await attempts(client, article["id"])
    assert [(a["attempt"], a["outcome"], a["error"]["code"]) for a in tried] == [
        (1, "failed", code)
    ]
    failed = (await client.get("/v1/articles", params={"status": "failed"})).json()["items"]
    assert [(a["id"], a["error"]["code"]) for a in failed] == [(article["id"], code)]


def switchable(state: dict[str, Handler]) -> Handler:
    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        await state["now"](request, writer)

    return handler


async def test_transient_failures_retry_then_fail_and_can_be_queued_again(
    client: AsyncTestClient,  # type: ignore[type-arg]
    server: Server,
) -> None:
    state = {"now": page(b"down for maintenance", status=503)}
    url = server.add("/flaky", switchable(state))
    created = (await client.post("/v1/articles", json={"url": url})).json()
    article = await wait_done(client, created["id"])
    assert article["status"] == "failed"
    assert article["error"]["code"] == "http_error"
    assert "gave up after 3 attempts" in article["error"]["message"]
    tried = await attempts(client, article["id"])
    assert [(a["attempt"], a["outcome"]) for a in tried] == [
        (1, "retry"),
        (2, "retry"),
        (3, "failed"),
    ]
    assert all("503" in a["error"]["message"] for a in tried)
    assert all(a["retry_at"] for a in tried[:2])
    assert len(server.hits("/flaky")) == 3

    state["now"] = page(HTML)
    again = await client.post(f"/v1/articles/{article['id']}/retry")
    assert again.status_code == 202
    assert again.json()["status"] == "queued"
    assert again.json()["error"] is None
    article = await wait_done(client, article["id"])
    assert article["status"] == "parsed"
    tried = await attempts(client, article["id"])
    assert [(a["attempt"], a["outcome"]) for a in tried][-1] == (4, "parsed")

    conflict = await client.post(f"/v1/articles/{article['id']}/retry")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "not_failed"
    missing = await client.post("/v1/articles/987654321/retry")
    assert missing.status_code == 404
    assert (await client.get("/v1/articles/987654321/attempts")).status_code == 404


async def test_429_retry_after_is_honoured(client: AsyncTestClient, server: Server) -> None:  # type: ignore[type-arg]
    seen: list[float] = []

    async def limited(request: Request, writer: asyncio.StreamWriter) -> None:
        seen.append(time.monotonic())
        if len(seen) == 1:
            writer.write(head(429, {"Retry-After": "1", "Content-Length": "0"}))
        else:
            await page(HTML)(request, writer)

    url = server.add("/limited", limited)
    created = (await client.post("/v1/articles", json={"url": url})).json()
    article = await wait_done(client, created["id"])
    assert article["status"] == "parsed"
    tried = await attempts(client, article["id"])
    assert [(a["outcome"], (a["error"] or {}).get("code")) for a in tried] == [
        ("retry", "rate_limited"),
        ("parsed", None),
    ]
    waited = datetime.fromisoformat(tried[0]["retry_at"]) - datetime.fromisoformat(
        tried[0]["finished_at"]
    )
    assert waited.total_seconds() >= 1.0  # not the 0.05 s backoff of the test settings
    assert seen[1] - seen[0] >= 1.0


@pytest.mark.parametrize(
    "url", ["http://xn--zz.com/", "http://0177.0.0.1/", "http://[::1/", "http://exa%00mple.com/"]
)
async def test_a_url_httpx_rejects_is_a_422(client: AsyncTestClient, url: str) -> None:  # type: ignore[type-arg]
    response = await client.post("/v1/articles", json={"url": url})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_url"
    batch = (await client.post("/v1/articles/batch", json={"urls": [url]})).json()
    assert batch["rejected"] == 1
