"""A real Outlay server (uvicorn, API and worker) on 127.0.0.1 over the test database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from tests.conftest import TEST_PEPPER, new_key
from tests.databases import free_port
from tests.support import ROOT


class Server:
    def __init__(self, base: str, log: Path, env: dict[str, str], database_url: str) -> None:
        self.base = base
        self.log = log
        self.env = env
        self.database_url = database_url
        # A key with every scope (reads are open: OUTLAY_PUBLIC_READ), as a partner sends it.
        self.key = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key}

    def wait_done(self, article_id: int, timeout: float = 60) -> dict[str, Any]:
        """Poll the article until the worker has finished with it, as a client would."""
        deadline = time.monotonic() + timeout
        while True:
            body: dict[str, Any] = httpx.get(f"{self.base}/v1/articles/{article_id}").json()
            if body["status"] in ("parsed", "failed"):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"article {article_id} still {body['status']}")
            time.sleep(0.1)

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()


def _run(coro: Any) -> Any:
    """Run a coroutine on a loop of its own, off the suite's loop."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coro)))
    thread.start()
    thread.join()
    return result[0]


def service_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTLAY_")}
    env.update(
        DATABASE_URL=database_url,
        OUTLAY_LOG_FORMAT="json",
        OUTLAY_KEY_PEPPER=TEST_PEPPER,
        OUTLAY_PUBLIC_READ="true",
        OUTLAY_LOG_LEVEL="info",
        OUTLAY_PARSE_PROCESSES="1",
        OUTLAY_POLL_INTERVAL="0.2",
        OUTLAY_FETCH_ALLOW="127.0.0.1/32",
        # Test servers listen on ephemeral ports; production keeps 80 and 443.
        OUTLAY_FETCH_PORTS="80,443,1024-65535",
        OUTLAY_RETRY_BASE_DELAY="0.05",
        OUTLAY_RETRY_MAX_DELAY="0.2",
        OUTLAY_RETRY_MAX_ATTEMPTS="3",
        **extra,
    )
    return env


@pytest.fixture(scope="session")
async def ops_database_url(database_url: str) -> AsyncIterator[str]:
    """A database of its own beside the suite's, so that only this server's worker touches it
    and the metrics it reports are about work it did."""
    name = f"outlay_test_ops_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(database_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def server(ops_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    env = service_env(ops_database_url, OUTLAY_HOST="127.0.0.1", OUTLAY_PORT=str(port))
    log = tmp_path_factory.mktemp("server") / "server.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not become ready:\n{log.read_text()}")
            time.sleep(0.2)
        server = Server(base, log, env, ops_database_url)
        server.key = _run(new_key(ops_database_url, name="ops"))
        env["OUTLAY_API_KEY"] = server.key  # what `python -m service ingest` sends
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
