"""Jobs-test fixtures: a database of their own (the app's worker must not steal their jobs)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from service import config, db
from service.articles import queries as articles
from service.articles import urls
from tests.conftest import TEST_PEPPER
from tests.support import ROOT


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
async def jobs_url(database_url: str) -> AsyncIterator[str]:
    """A fresh, migrated database on the test server, dropped afterwards."""
    name = f"outlay_jobs_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(database_url, name)
    conn = await asyncpg.connect(url)
    try:
        await db.migrate(conn)
    finally:
        await conn.close()
    try:
        yield url
    finally:
        admin = await asyncpg.connect(database_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def jdb(jobs_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(jobs_url)
    try:
        yield conn
    finally:
        await conn.close()


def job_settings(url: str, **overrides: object) -> config.Settings:
    defaults: dict[str, object] = {
        "database_url": url,
        "fetch_allow": ("127.0.0.1/32",),
        "fetch_ports": ("80", "443", "1024-65535"),
        "poll_interval": 0.2,
        "lease_seconds": 3.0,
        "retry_base_delay": 0.05,
        "retry_max_delay": 0.2,
        "retry_max_attempts": 3,
        "shutdown_grace": 2.0,
        "parse_processes": 1,
        "log_format": "json",
        "log_level": "warning",
        # Auth is on (tests.conftest.new_key makes a key); load tests stay under the limits.
        "key_pepper": TEST_PEPPER,
        "rate_read": 1_000_000,
        "rate_ingest": 1_000_000,
    }
    defaults.update(overrides)
    return config.from_env({}, **defaults)


async def queue_urls(conn: asyncpg.Connection, *addresses: str) -> list[int]:
    ids = []
    for url in addresses:
        created = await articles.insert(
            conn, url=url, url_key=urls.normalise(url), raw_html=None, published_hint=None
        )
        assert created is not None
        ids.append(created.id)
    return ids


def worker_env(url: str, **settings: str) -> dict[str, str]:
    """The environment of a `python -m service worker` process for these tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTLAY_")}
    env.update(
        {
            "DATABASE_URL": url,
            "OUTLAY_FETCH_ALLOW": "127.0.0.1/32",
            "OUTLAY_FETCH_PORTS": "80,443,1024-65535",
            "OUTLAY_POLL_INTERVAL": "0.2",
            "OUTLAY_PARSE_PROCESSES": "1",
            "OUTLAY_WORKER_CONCURRENCY": "2",
            "OUTLAY_LOG_FORMAT": "json",
            "OUTLAY_LOG_LEVEL": "info",
            # These processes are only read from over HTTP (anonymously); jobs go in by SQL.
            "OUTLAY_PUBLIC_READ": "true",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update({f"OUTLAY_{k.upper()}": v for k, v in settings.items()})
    return env


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start service processes; any still running at the end are killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def start(
    started: list[subprocess.Popen[bytes]], command: str, env: dict[str, str], log: str
) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "service", command], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    started.append(process)
    return process
