"""Fetch-test fixtures: a rude local server, a stub resolver, and a spy under the transport."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable

import httpcore
import pytest

from service.fetch import Fetcher
from service.fetch.guard import IPAddress
from service.fetch.transport import Unresolvable
from tests.fetch.server import Server


class StubResolver:
    """Answers from a table instead of DNS; a list of answers is served one per lookup."""

    def __init__(self, table: dict[str, list[str] | list[list[str]]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        entry = self.table.get(host)
        if entry is None:
            raise Unresolvable(f"{host} is not in the stub table")
        if entry and isinstance(entry[0], list):
            answers = entry[0] if len(entry) == 1 else entry.pop(0)  # type: ignore[arg-type]
        else:
            answers = entry
        return [ipaddress.ip_address(a) for a in answers]  # type: ignore[arg-type]


class Spy(httpcore.AsyncNetworkBackend):
    """Under the guard: records every connection attempt, and makes none off loopback."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connections: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connections.append((host, port))
        if not ipaddress.ip_address(host).is_loopback:
            raise httpcore.ConnectError(f"the spy refuses {host}: tests stay on loopback")
        return await self.inner.connect_tcp(
            host,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,  # type: ignore[arg-type]
        )

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    s = await Server().start()
    yield s
    await s.close()


@pytest.fixture
def spy() -> Spy:
    return Spy()


FetcherFactory = Callable[..., Fetcher]


@pytest.fixture
async def make_fetcher(spy: Spy) -> AsyncIterator[FetcherFactory]:
    """Fetchers over the spy that open the test server's address and any port, robots off."""
    made: list[Fetcher] = []

    def make(**options: object) -> Fetcher:
        defaults: dict[str, object] = {
            "allow": [ipaddress.ip_network("127.0.0.1/32")],
            "ports": [(1, 65535)],
            "robots": False,
            "network": spy,
        }
        defaults.update(options)
        fetcher = Fetcher(**defaults)  # type: ignore[arg-type]
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()
