"""Prometheus metrics: request latency, queue depth, fetch outcomes, analysis time, claims found.

The metrics live in the process's default registry: the API process serves them at `/metrics`
(with the queue depth read from PostgreSQL at scrape time); a worker started alone serves them
on `OUTLAY_METRICS_PORT`. Parse and extraction run in the process pool, so they are timed there
and the durations come back with the analysis.
"""

from __future__ import annotations

import time
from typing import Any

import asyncpg
from litestar import Response, get
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)

from service import log

logger = log.get("service.access")

ARTICLE_STATUSES = ("queued", "fetching", "parsed", "failed")

REQUEST_SECONDS = Histogram(
    "outlay_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ARTICLES = Gauge(
    "outlay_articles",
    "Articles by status: queued and fetching are the queue's depth.",
    ["status"],
)
FETCHES = Counter(
    "outlay_fetches_total",
    "Page fetches by outcome: ok, or the error code the article fails with.",
    ["outcome"],
)
PARSE_SECONDS = Histogram(
    "outlay_parse_duration_seconds",
    "Time to turn a page into text and metadata (in the process pool).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EXTRACT_SECONDS = Histogram(
    "outlay_extract_duration_seconds",
    "Time to find the claims in an article's text (in the process pool).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
TOTALS_ANSWERS = Counter(
    "outlay_totals_answers_total",
    "Totals answered from what the process kept (kept) or computed from figures (computed).",
    ["source"],
)
CLAIMS_PER_ARTICLE = Histogram(
    "outlay_claims_per_article",
    "Claims found in each parsed article.",
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55),
)

COUNT_BY_STATUS = "SELECT status, count(*) AS n FROM article GROUP BY status"


def fetched(outcome: str) -> None:
    FETCHES.labels(outcome=outcome).inc()


def analysed(*, parse_seconds: float, extract_seconds: float, claims: int) -> None:
    PARSE_SECONDS.observe(parse_seconds)
    EXTRACT_SECONDS.observe(extract_seconds)
    CLAIMS_PER_ARTICLE.observe(claims)


class Stopwatch:
    """Seconds since it was made; for timing inside the process pool."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        seconds, self.start = now - self.start, now
        return seconds


async def update_queue_depth(conn: asyncpg.Connection) -> None:
    counts = {r["status"]: r["n"] for r in await conn.fetch(COUNT_BY_STATUS)}
    for status in ARTICLE_STATUSES:
        ARTICLES.labels(status=status).set(counts.get(status, 0))


@get("/metrics", include_in_schema=False, cache=False)
async def metrics(state: State) -> Response[bytes]:
    try:
        async with state.pool.acquire(timeout=2) as conn:
            await update_queue_depth(conn)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        # The other metrics still answer; the gauges keep their last values.
        logger.warning("queue depth unavailable", error=str(exc))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def middleware(app: ASGIApp) -> ASGIApp:
    """Time every routed request and write one log line for it (with the request id)."""

    async def timed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - start
            route = scope.get("path_template") or "unmatched"
            method = scope.get("method", "")
            REQUEST_SECONDS.labels(route=route, method=method, status=str(status)).observe(seconds)
            if route != "/metrics" and not route.startswith("/health"):
                logger.info(
                    "request",
                    method=method,
                    route=route,
                    path=scope.get("path"),
                    status=status,
                    ms=round(seconds * 1000, 1),
                )

    return timed


def serve_standalone(port: int, host: str) -> Any:
    """An exporter for a worker that runs without the API."""
    return start_http_server(port, addr=host)
