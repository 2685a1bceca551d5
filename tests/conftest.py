"""Shared test fixtures: a real PostgreSQL database per run, the app, and a local web server.

The database is TEST_DATABASE_URL when set, else the local server on 127.0.0.1:5432 when it
answers, else an embedded PostgreSQL; each run creates its own database and drops it at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from service import config
from service.app import create_app
from service.claims.eval import find_shared
from tests import databases
from tests.support import Site


def shared_dir() -> Path:
    """The shared data folder (OUTLAY_SHARED, default ../shared beside the checkout)."""
    path = find_shared()
    if not (path / "CLAIMS.md").is_file():
        pytest.fail(f"shared data not found at {path}: set OUTLAY_SHARED to the shared/ folder")
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    server = databases.server_url(prefix="outlay-test-pg-")
    async with databases.scratch_database(server, "outlay_test") as url:
        yield url


TEST_PEPPER = "test-pepper-for-the-suite-only-0123456789"


def test_settings(database_url: str, **overrides: object) -> config.Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "fetch_allow": ("127.0.0.1/32",),
        # Test servers listen on ephemeral ports; production keeps 80 and 443.
        "fetch_ports": ("80", "443", "1024-65535"),
        "poll_interval": 0.2,
        "retry_base_delay": 0.05,
        "retry_max_delay": 0.2,
        "retry_max_attempts": 3,
        "shutdown_grace": 5.0,
        "parse_processes": 2,
        "log_format": "json",
        "log_level": "warning",
        "key_pepper": TEST_PEPPER,
        # Auth is on, as in production; limits high enough that only rate tests meet them.
        "rate_read": 1_000_000,
        "rate_ingest": 1_000_000,
        "rate_admin": 1_000_000,
        "rate_anonymous": 1_000_000,
    }
    values.update(overrides)
    return config.from_env({}, **values)


async def new_key(database_url: str, *scopes: str, name: str = "test", **extra: object) -> str:
    """A fresh API key (the secret) with `scopes`, made as `keys create` makes one."""
    from service.auth import queries as auth  # noqa: PLC0415

    conn = await asyncpg.connect(database_url)
    try:
        _, secret = await auth.create_key(
            conn,
            pepper=TEST_PEPPER.encode(),
            name=name,
            scopes=scopes or ("read", "ingest", "admin"),
            expires_at=extra.get("expires_at"),  # type: ignore[arg-type]
        )
    finally:
        await conn.close()
    return secret


@pytest.fixture(scope="session")
async def client(database_url: str) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """The app with auth on, called with a key that has every scope."""
    app = create_app(test_settings(database_url))
    async with AsyncTestClient(app=app, timeout=30) as test_client:
        test_client.headers["X-API-Key"] = await new_key(database_url, name="suite")
        yield test_client


class Keyless:
    """The shared client without its key (the app runs in the client's own event loop)."""

    def __init__(self, client: AsyncTestClient) -> None:  # type: ignore[type-arg]
        self.client = client

    async def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        request = self.client.build_request(method, url, **kwargs)  # type: ignore[arg-type]
        if "x-api-key" in request.headers and "x-api-key" not in {
            k.lower()
            for k in dict(kwargs.get("headers") or {})  # type: ignore[call-overload]
        }:
            del request.headers["x-api-key"]
        return await self.client.send(request)

    async def get(self, url: str, **kwargs: object) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: object) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def options(self, url: str, **kwargs: object) -> httpx.Response:
        return await self.request("OPTIONS", url, **kwargs)


@pytest.fixture
def anon_client(client: AsyncTestClient) -> Keyless:  # type: ignore[type-arg]
    """The same running app, called without a key unless a request sends one."""
    return Keyless(client)


@pytest.fixture
def make_key(database_url: str) -> Callable[..., Awaitable[str]]:
    """`await make_key("read")`: a new key with those scopes (all three when none given)."""

    async def make(*scopes: str, **extra: object) -> str:
        return await new_key(database_url, *scopes, **extra)

    return make


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_url)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def clean(client: AsyncTestClient, db: asyncpg.Connection) -> None:  # type: ignore[type-arg]
    """Start a test with no articles and no spenders learnt from articles."""
    await db.execute("TRUNCATE article CASCADE")
    await db.execute("DELETE FROM company WHERE NOT verified")


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()
