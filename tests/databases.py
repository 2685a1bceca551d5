"""Where the suite and the benchmarks find PostgreSQL, and databases of their own on it."""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from urllib.parse import urlsplit, urlunsplit

import asyncpg

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_url(env: Sequence[str] = ("TEST_DATABASE_URL",), *, prefix: str = "outlay-pg-") -> str:
    """The first of the `env` variables that is set, else the local server on 5432 when it
    answers, else an embedded PostgreSQL in a new temporary folder."""
    for name in env:
        if os.environ.get(name):
            return os.environ[name]
    if answers("127.0.0.1", 5432):
        return LOCAL_POSTGRES
    from service.db import embedded_url  # noqa: PLC0415 - only without a server

    return embedded_url(tempfile.mkdtemp(prefix=prefix))


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextlib.asynccontextmanager
async def scratch_database(server: str, prefix: str) -> AsyncIterator[str]:
    """A new database on `server`, dropped at the end even when the caller fails."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield with_database(server, name)
    finally:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
