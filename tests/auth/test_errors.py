"""Errors a client can program against: problem+json, fields, and a 500 that leaks nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
import structlog
from litestar import get
from litestar.testing import AsyncTestClient

from tests.auth.conftest import Started, problem


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the service logs, one JSON object a line, as in production."""
    saved = structlog.get_config()
    out = io.StringIO()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    try:
        yield out
    finally:
        structlog.configure(**saved)


@get("/v1/boom", include_in_schema=False)
async def boom() -> None:
    raise RuntimeError("SELECT secret_hash FROM api_key WHERE prefix = 'olk_x' -- failed")


async def test_a_500_leaks_nothing_and_logs_one_line(
    start_app: Started, log_lines: io.StringIO
) -> None:
    async with start_app() as c:
        c.app.register(boom)
        r = await c.get("/v1/boom", headers={"X-Request-ID": "req-500-a"})
    body = problem(r, 500)
    assert r.headers["x-request-id"] == body["request_id"] == "req-500-a"
    assert "SELECT" not in r.text
    assert "Traceback" not in r.text
    assert "secret_hash" not in r.text
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines() if line.strip()]
    errors = [line for line in lines if line.get("level") == "error"]
    assert len(errors) == 1, lines
    assert errors[0]["request_id"] == "req-500-a"


async def test_a_request_id_is_made_when_none_is_sent(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/v1/articles/77777777")
    assert problem(r, 404)["request_id"] == r.headers["x-request-id"]
    assert len(r.headers["x-request-id"]) >= 16
    # An unusable id is replaced rather than echoed.
    r = await client.get("/v1/articles/77777777", headers={"X-Request-ID": "bad id\twith space"})
    assert r.headers["x-request-id"] != "bad id\twith space"


async def test_validation_errors_name_each_field(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.post("/v1/keys", json={"name": "x", "scopes": ["root"]})
    body = problem(r, 400)
    assert body["code"] == "validation_error"
    assert any("scopes" in (e["field"] or "") or "scopes" in e["message"] for e in body["errors"])
    r = await client.get("/v1/claims", params={"limit": 0})
    body = problem(r, 400)
    assert body["errors"][0]["field"] == "limit"
    assert body["errors"][0]["source"] == "query"


async def test_wrong_method_is_a_problem_too(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.delete("/v1/claims")
    problem(r, 405)
    assert "GET" in r.headers["allow"]
