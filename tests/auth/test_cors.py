"""Browsers: CORS for the configured origins, preflight included, never with credentials."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.auth.conftest import MakeKey, Started

ORIGIN = "https://dashboard.example.org"


async def test_preflight_and_simple_requests(start_app: Started, make_key: MakeKey) -> None:
    async with start_app(cors_origins=(ORIGIN, "https://other.example.org")) as c:
        r = await c.options(
            "/v1/articles",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
            },
        )
        assert r.status_code in (200, 204), r.text
        assert r.headers["access-control-allow-origin"] == ORIGIN
        allowed = r.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed
        assert "idempotency-key" in allowed
        assert "POST" in r.headers["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in r.headers

        key = await make_key("read")
        r = await c.get("/v1/claims", headers={"Origin": ORIGIN, "X-API-Key": key})
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == ORIGIN
        exposed = r.headers["access-control-expose-headers"].lower()
        assert "ratelimit" in exposed
        assert "x-request-id" in exposed
        assert "access-control-allow-credentials" not in r.headers

        r = await c.options(
            "/v1/claims",
            headers={"Origin": "https://evil.example.net", "Access-Control-Request-Method": "GET"},
        )
        assert r.headers.get("access-control-allow-origin") != "https://evil.example.net"
        r = await c.get(
            "/v1/claims", headers={"Origin": "https://evil.example.net", "X-API-Key": key}
        )
        assert "access-control-allow-origin" not in r.headers


async def test_no_origins_no_cors(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/v1/claims", headers={"Origin": ORIGIN})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
