"""HTTP routes for the life of an article as a job: its attempts, and asking for another."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post

from service.articles import queries as articles
from service.articles.schemas import Article, ArticleError
from service.auth import require_scope
from service.docs import examples as ex
from service.errors import ProblemError, not_found, problem_responses
from service.http import Conn
from service.jobs import queue


class Attempt(msgspec.Struct, frozen=True):
    attempt: int
    worker: str
    started_at: datetime
    finished_at: datetime | None
    outcome: Literal["parsed", "failed", "retry", "lease_expired", "released"] | None
    error: ArticleError | None
    retry_at: datetime | None


class AttemptList(msgspec.Struct, frozen=True):
    article_id: int
    items: list[Attempt]


class JobController(Controller):
    path = "/v1/articles"
    tags = ["articles"]

    @post(
        "/{article_id:int}/retry",
        guards=[require_scope("ingest")],
        status_code=202,
        summary="Queue a failed article again",
        operation_id="retryArticle",
        description=(
            "A failed article goes back to the queue with a fresh run of attempts. "
            "Its earlier attempts stay listed under `/attempts`. 409 unless it is `failed`."
        ),
        responses={
            202: ex.ok(
                Article, "Queued again.", ex.example("A failed article, queued", ex.RETRIED)
            ),
            **problem_responses(400, 404, 409, 503),
        },
    )
    async def retry(self, article_id: Annotated[int, ex.article_id()], conn: Conn) -> Article:
        if not await queue.requeue_failed(conn, article_id):
            existing = await articles.get_by_id(conn, article_id)
            if existing is None:
                raise not_found(f"article {article_id}")
            raise ProblemError(
                409, "not_failed", f"article {article_id} is {existing.status}, not failed"
            )
        article = await articles.get_by_id(conn, article_id)
        assert article is not None
        return article

    @get(
        "/{article_id:int}/attempts",
        guards=[require_scope("read")],
        summary="An article's attempts",
        operation_id="listAttempts",
        description="Every attempt at fetching and parsing it, oldest first, with its error.",
        responses={
            200: ex.ok(
                AttemptList,
                "The attempts, oldest first.",
                ex.example("A connection error, then parsed", ex.ATTEMPTS),
            ),
            **problem_responses(400, 404, 503),
        },
    )
    async def attempts(
        self, article_id: Annotated[int, ex.article_id()], conn: Conn
    ) -> AttemptList:
        rows = await queue.attempts(conn, article_id)
        if not rows and await articles.get_by_id(conn, article_id) is None:
            raise not_found(f"article {article_id}")
        return AttemptList(
            article_id=article_id, items=[msgspec.convert(dict(r), Attempt) for r in rows]
        )
