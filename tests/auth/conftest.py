"""Fixtures for partner access: more app instances on the suite's database, keys, keyless calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.conftest import test_settings

Started = Callable[..., AbstractAsyncContextManager[AsyncTestClient]]  # type: ignore[type-arg]


@pytest.fixture
def start_app(database_url: str) -> Started:
    """`async with start_app(public_read=True) as c:` another replica on the same database.

    No worker: these replicas only answer requests, and nothing they queue is fetched.
    """

    @asynccontextmanager
    async def start(**overrides: object) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
        settings = test_settings(database_url, run_worker=False, parse_processes=1, **overrides)
        async with AsyncTestClient(app=create_app(settings), timeout=30) as c:
            yield c

    return start


def problem(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"]
    assert body["title"]
    assert body["detail"]
    return body


MakeKey = Callable[..., Awaitable[str]]
