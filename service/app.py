"""create_app(settings): the one place where the service is put together."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator

import msgspec
import structlog
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Example, Tag
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service import config, db, errors, log
from service.articles.api import ArticleController
from service.auth import AuthPlugin
from service.claims.api import ClaimController
from service.companies.api import CompanyAliasController, CompanyController
from service.companies.sync import sync_registry
from service.config import Settings
from service.docs import pages as docs_pages
from service.figures.api import FigureController
from service.figures.rates import sync_rates
from service.jobs.api import JobController
from service.jobs.runner import running_worker, worker_pool
from service.listen import keep_listening
from service.observability import metrics
from service.totals.api import TotalsController
from service.totals.cache import CHANNEL as TOTALS_CHANNEL
from service.totals.cache import TotalsCache

logger = log.get(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (the client's X-Request-ID when it is sane) for logs and replies."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
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


class Health(msgspec.Struct, frozen=True, omit_defaults=True):
    status: str
    database: str | None = None


@get(
    "/health/live",
    tags=["health"],
    summary="Liveness",
    operation_id="live",
    security=[{}],  # open to anyone: probes carry no credentials
    description="The process answers; it does not look at the database. For liveness probes.",
    responses={
        200: ResponseSpec(
            Health,
            description="Alive.",
            examples=[Example(value={"status": "ok"})],
            generate_examples=False,
        ),
        **errors.problem_responses(),
    },
)
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/health/ready",
    tags=["health"],
    summary="Readiness: the database answers",
    operation_id="ready",
    security=[{}],  # open to anyone: probes carry no credentials
    description="200 once the database answers a query within 2 s. For readiness probes.",
    responses={
        200: ResponseSpec(
            Health,
            description="Ready.",
            examples=[Example(value={"status": "ok", "database": "ok"})],
            generate_examples=False,
        ),
        **errors.problem_responses(503),
    },
)
async def ready(state: State) -> dict[str, str]:
    wait = min(2.0, state.acquire_timeout)
    try:
        async with state.pool.acquire(timeout=wait) as conn:
            await conn.fetchval("SELECT 1", timeout=wait)
    except db.UNAVAILABLE as exc:
        raise db.unavailable_problem(exc) from exc
    return {"status": "ok", "database": "ok"}


@contextlib.asynccontextmanager
async def kept_totals(
    cache: TotalsCache, database_url: str, settings: Settings
) -> AsyncIterator[None]:
    """The totals cache's LISTEN connection, in a pool of its own: held for the process's
    life, it must not take one of the connections requests share. Without it (the setting
    off) the cache never keeps anything."""
    if not settings.totals_cache:
        yield
        return
    async with db.service_pool(database_url, settings, min_size=1, max_size=1) as pool:
        listening = asyncio.create_task(
            keep_listening(
                pool, TOTALS_CHANNEL, cache.changed, cache.connected,
                acquire_timeout=settings.db_acquire_timeout, retry_every=1.0,
            )
        )  # fmt: skip
        try:
            yield
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening


def create_app(settings: Settings) -> Litestar:
    if not settings.database_url:
        raise ValueError("settings.database_url is required; __main__ resolves the embedded one")
    database_url = settings.database_url

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with db.service_pool(
            database_url, settings, min_size=settings.db_pool_min, max_size=settings.db_pool_max
        ) as pool:
            async with pool.acquire() as conn:
                await db.migrate(conn)
                await sync_registry(conn)
                await sync_rates(conn)
            app.state.pool = pool
            app.state.acquire_timeout = settings.db_acquire_timeout
            app.state.totals_cache = cache = TotalsCache()
            # Parse processes for the API's own CPU work (reprocessing): the worker's when it
            # runs here, else started on first use, so an API-only replica pays nothing idle.
            app.state.executor = None
            try:
                async with kept_totals(cache, database_url, settings):
                    if not settings.run_worker:
                        yield
                        return
                    async with (
                        worker_pool(database_url, settings) as pool_of_jobs,
                        running_worker(pool_of_jobs, settings) as worker,
                    ):
                        app.state.worker = worker  # `serve` stops it from claiming at SIGTERM
                        app.state.executor = worker.executor
                        yield
            finally:
                own = app.state.get("own_executor")
                if own is not None:
                    own.shutdown(wait=True, cancel_futures=True)

    return Litestar(
        route_handlers=[
            ArticleController,
            JobController,
            ClaimController,
            CompanyController,
            CompanyAliasController,
            FigureController,
            TotalsController,
            live,
            ready,
            *docs_pages.routes(),
            metrics.metrics,
        ],
        dependencies={"conn": Provide(db.provide_connection)},
        exception_handlers={**errors.exception_handlers, **db.exception_handlers},
        middleware=[request_id_middleware, metrics.middleware],
        lifespan=[lifespan],
        plugins=[AuthPlugin(settings)],
        openapi_config=openapi_config(),
        request_max_body_size=12_000_000,
        logging_config=None,  # logging is service.log's, set up once by the command line
        debug=False,
    )


def from_environment() -> Litestar:
    """The app for an ASGI server that imports it, e.g. `granian --interface asgi --factory
    service.app:from_environment`: settings from the environment, DATABASE_URL required."""
    settings = config.from_env()
    log.configure(fmt=settings.log_format, level=settings.log_level)
    return create_app(settings)


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
            Tag(name="figures", description="One sourced number per company, year and kind."),
            Tag(name="totals", description="Consolidated sums of one-year figures."),
            Tag(name="health", description="Liveness and readiness."),
        ],
        path=docs_pages.SCHEMA_PATH,
        render_plugins=docs_pages.render_plugins(),
        use_handler_docstrings=False,
    )
