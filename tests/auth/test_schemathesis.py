"""schemathesis, from the outside: every operation, its default checks and ours, over real HTTP.

It runs against a replica of its own (own database, no worker, so nothing it submits is
fetched) served by uvicorn on 127.0.0.1, holding an API key with every scope.

Some rules cannot be said in JSON Schema: a cursor is only one this list returned, a URL must
have a host, a company filter names a company Outlay knows, a currency is one with exchange
rates, `year_to` is not before
`year_from`, an expiry lies ahead, an Idempotency-Key is not reused for another body. For
schema-valid cases only, `realistic` below draws such values the way a client would get them
(explicit tests in tests/api and tests/auth prove their rejection); invalid cases go as drawn.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import hypothesis
import pytest
import schemathesis  # not optional: without it this module, and so the suite, fails
import uvicorn

from service.app import create_app
from service.auth import keys
from tests import conftest as suite


def _run(coro: Any) -> Any:
    """Run a coroutine on a loop of its own, off the suite's loop."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coro)))
    thread.start()
    thread.join()
    return result[0]


async def _create_db(url: str, name: str, *, drop: bool = False) -> None:
    conn = await asyncpg.connect(url)
    try:
        sql = (
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            if drop
            else f'CREATE DATABASE "{name}"'
        )
        await conn.execute(sql)
    finally:
        await conn.close()


# Made before collection, since schemathesis asks for credentials while it builds the tests;
# the fixture stores it in the fresh database, where it is the first key: id 1.
KEY = keys.generate()
KEY_ID = 1


async def _store_key(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(
            await conn.fetchval(
                "INSERT INTO api_key (name, prefix, secret_hash, scopes) "
                "VALUES ('schemathesis', $1, $2, '{read,ingest,admin}') RETURNING id",
                keys.lookup_prefix(KEY),
                keys.digest(KEY, suite.TEST_PEPPER.encode()),
            )
        )
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def served(database_url: str) -> Iterator[str]:
    name = f"outlay_st_{uuid.uuid4().hex[:10]}"
    _run(_create_db(database_url, name))
    parts = urlsplit(database_url)
    own_url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    settings = suite.test_settings(own_url, run_worker=False, parse_processes=1, db_pool_max=4)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("the API under test did not start")
            time.sleep(0.05)
        assert _run(_store_key(own_url)) == KEY_ID
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        _run(_create_db(database_url, name, drop=True))


def _document() -> dict[str, Any]:
    """The app's own OpenAPI document (what /schema/openapi.json serves)."""
    app = create_app(suite.test_settings("postgresql://unused"))
    return app.openapi_schema.to_schema()  # type: ignore[no-any-return]


schema = schemathesis.openapi.from_dict(_document())


@schema.auth()
class OutlayKey:
    def get(self, case: Any, ctx: Any) -> str:
        return KEY

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.hook
def filter_path_parameters(ctx: Any, path_parameters: dict[str, Any] | None) -> bool:
    # Everything else is fair game, but revoking the key the run uses would end the run.
    return not path_parameters or path_parameters.get("key_id") != KEY_ID


@schema.hook
def map_case(ctx: Any, case: Any) -> Any:
    return realistic(case)


def realistic(case: Any) -> Any:
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is None or not mode.is_positive:
        return case
    if case.query and "cursor" in case.query:
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    if case.query and isinstance(case.query.get("group_by"), str):
        case.query["group_by"] = "company"
    if case.query and "year_from" in case.query and "year_to" in case.query:
        low, high = case.query["year_from"], case.query["year_to"]
        if str(high).isdigit() and str(low).isdigit() and int(high) < int(low):
            case.query["year_from"], case.query["year_to"] = high, low
    if case.query and isinstance(case.query.get("currency"), str):
        case.query["currency"] = "EUR"  # one with exchange rates
    if case.query and isinstance(case.query.get("company"), str):
        case.query["company"] = "amazon"  # in the shipped registry
    if case.headers:
        for name in [n for n in case.headers if n.lower() == "idempotency-key"]:
            case.headers[name] = uuid.uuid4().hex
    body = case.body
    if isinstance(body, dict):
        if case.path == "/v1/articles" and "url" in body:
            body["url"] = f"https://news.example.com/{uuid.uuid4().hex}"
            if isinstance(body.get("html"), str) and not body["html"].strip():
                body["html"] = "<p>page</p>"
        if case.path == "/v1/keys" and body.get("expires_at") is not None:
            body["expires_at"] = "2999-01-01T00:00:00Z"
    return case


def problem_json_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    """Ours: every error is RFC 9457 problem+json whose `status` is the HTTP status."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/problem+json"), (
        f"{response.status_code} answered as {content_type!r}"
    )
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("status") == response.status_code, body
    for field in ("type", "title", "detail"):
        assert isinstance(body.get(field), str), (field, body)
        assert body[field], (field, body)
    return None


@schema.parametrize()
@hypothesis.settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api(case: Any, served: str) -> None:
    realistic(case)  # again: explicit examples (a fixed Idempotency-Key) skip map_case
    case.call_and_validate(base_url=served, additional_checks=[problem_json_errors])
