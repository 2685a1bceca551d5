"""create_app(settings): the one place where the service is put together."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import re
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor

import structlog
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Tag
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service import db, errors, log
from service.articles import fetch
from service.articles.api import ArticleController
from service.auth import AuthPlugin
from service.claims.api import ClaimController
from service.companies.api import CompanyController
from service.companies.sync import sync_registry
from service.config import Settings
from service.jobs.worker import Worker
from service.totals.api import TotalsController

logger = log.get(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (the client's X-Request-ID when it is sane) for logs and replies."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await app(scope, receive, send_with_id)

    return middleware


@get("/health/live", tags=["health"], summary="Liveness", include_in_schema=True)
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", tags=["health"], summary="Readiness: the database answers")
async def ready(state: State) -> dict[str, str]:
    try:
        async with state.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1", timeout=2)
    except Exception as exc:
        raise errors.ProblemError(
            503, "database_unavailable", "the database is not reachable"
        ) from exc
    return {"status": "ok", "database": "ok"}


def create_app(settings: Settings) -> Litestar:
    if not settings.database_url:
        raise ValueError("settings.database_url is required; __main__ resolves the embedded one")
    database_url = settings.database_url

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with db.pool_lifespan(
            database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max
        ) as pool:
            async with pool.acquire() as conn:
                await db.migrate(conn)
                await sync_registry(conn)
            app.state.pool = pool
            processes = settings.parse_processes or os.cpu_count() or 1
            executor = ProcessPoolExecutor(
                max_workers=processes, mp_context=multiprocessing.get_context("forkserver")
            )
            app.state.executor = executor
            client = fetch.make_client(
                user_agent=settings.user_agent,
                connect_timeout=settings.fetch_connect_timeout,
                read_timeout=settings.fetch_timeout,
            )
            worker_task: asyncio.Task[None] | None = None
            worker: Worker | None = None
            if settings.run_worker:
                worker = Worker(pool=pool, client=client, executor=executor, settings=settings)
                worker_task = asyncio.create_task(worker.run())
            try:
                yield
            finally:
                if worker is not None and worker_task is not None:
                    worker.stop()
                    await worker_task
                await client.aclose()
                executor.shutdown(wait=True, cancel_futures=True)

    return Litestar(
        route_handlers=[
            ArticleController,
            ClaimController,
            CompanyController,
            TotalsController,
            live,
            ready,
        ],
        dependencies={"conn": Provide(db.provide_connection)},
        exception_handlers=errors.exception_handlers,
        middleware=[request_id_middleware],
        lifespan=[lifespan],
        plugins=[AuthPlugin(settings)],
        openapi_config=openapi_config(),
        request_max_body_size=12_000_000,
        logging_config=None,  # logging is service.log's, set up once by the command line
        debug=False,
    )


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Outlay",
        version="0.1.0",
        description=(
            "Sourced figures of what companies spend, read from news articles. Submit an article; "
            "Outlay fetches and parses it, finds every spending claim with the sentence it comes "
            "from, and serves articles, companies, claims and consolidated totals."
        ),
        tags=[
            Tag(name="articles", description="Submit and read articles."),
            Tag(name="claims", description="Spending claims with their evidence."),
            Tag(name="companies", description="The spenders and their figures."),
            Tag(name="totals", description="Consolidated sums of one-year figures."),
            Tag(name="health", description="Liveness and readiness."),
        ],
        path="/schema",
        use_handler_docstrings=False,
    )
