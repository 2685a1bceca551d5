"""HTTP routes for articles: submit one or many, list, read."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from datetime import date
from typing import Annotated, Literal

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from service import pagination
from service.articles import queries, urls
from service.articles import reprocess as reprocessing
from service.articles.reprocess import Outcome
from service.articles.schemas import (
    Article,
    ArticleCreate,
    ArticleDetail,
    ArticleError,
    ArticlePage,
    BatchCreate,
    BatchItem,
    BatchResult,
)
from service.auth import idempotency, require_scope
from service.claims import queries as claims
from service.docs import examples as ex
from service.errors import FieldError, ProblemError, not_found, problem_responses
from service.figures import refresh as figures
from service.http import Conn, Cursor, Limit
from service.jobs.runner import parse_pool


def _invalid_url(exc: urls.InvalidURL, field: str = "url") -> ProblemError:
    return ProblemError(
        422,
        "invalid_url",
        str(exc),
        errors=[FieldError(field=field, source="body", message=str(exc))],
    )


async def _submit(
    conn: Conn, *, url: str, html: str | None, published: date | None
) -> tuple[Article, bool]:
    """The article for `url`, and whether this call queued work (a new article, or a page
    handed over for a known article that has none yet)."""
    key = urls.normalise(url)
    # In a thread: a page of a few MB takes the CPU for tens of ms.
    raw = (
        await asyncio.to_thread(queries.pack_page, html.encode("utf-8"))
        if html is not None
        else None
    )
    for _ in range(3):  # a row deleted between the insert and the read: try again
        created = await queries.insert(
            conn, url=urls.check(url), url_key=key, raw_html=raw, published_hint=published
        )
        if created is not None:
            return created, True
        if raw is not None:
            # The partner's page is not dropped when we failed to fetch the URL ourselves.
            supplied = await queries.supply_page(
                conn, url_key=key, raw_html=raw, published_hint=published
            )
            if supplied is not None:
                return supplied, True
        existing = await queries.get_by_key(conn, key)
        if existing is not None:
            return existing, False
    raise ProblemError(409, "conflict", "the article changed while it was submitted; retry")


async def _executor(state: State) -> Executor:
    """The worker's parse processes, or (on an API-only replica) one started on first use."""
    if state.executor is not None:
        return state.executor  # type: ignore[no-any-return]
    if state.get("own_executor") is None:
        pool = await parse_pool(1)
        if state.get("own_executor") is None:
            state.own_executor = pool
        else:
            pool.shutdown(wait=False)
    return state.own_executor  # type: ignore[no-any-return]


ArticleId = Annotated[int, ex.article_id()]


class ArticleController(Controller):
    path = "/v1/articles"
    tags = ["articles"]

    @post(
        "/",
        guards=[require_scope("ingest")],
        before_request=idempotency.claim,
        middleware=[idempotency.middleware],
        status_code=202,
        summary="Submit an article",
        operation_id="submitArticle",
        description=(
            "Queue an article by URL, or send the page's HTML to skip the fetch. "
            "The same URL (after normalising case, default port, trailing slash, fragment and "
            "tracking parameters) returns the existing article with 200 instead of a new one. "
            "HTML sent for a known article that has no page yet (its fetch failed) is taken: "
            "the article is queued again and the answer is 202."
        ),
        responses={
            202: ex.ok(
                Article,
                "Queued: the article, with a Location header to poll.",
                ex.example("A new article, queued", ex.QUEUED),
            ),
            200: ex.ok(
                Article,
                "The URL was known: the existing article.",
                ex.example("The seed article, already parsed", ex.ARTICLE),
            ),
            **problem_responses(400, 422, 503),
        },
    )
    async def create(
        self,
        data: Annotated[
            ArticleCreate,
            Body(
                media_type=RequestEncodingType.JSON,
                examples=[ex.CREATE_BY_URL, ex.CREATE_WITH_HTML],
            ),
        ],
        conn: Conn,
    ) -> Response[Article]:
        if data.html is not None and not data.html.strip():
            raise ProblemError(
                422,
                "invalid_html",
                "html is empty; leave it out to have the page fetched",
                errors=[FieldError(field="html", source="body", message="empty")],
            )
        try:
            article, created = await _submit(
                conn, url=data.url, html=data.html, published=data.published
            )
        except urls.InvalidURL as exc:
            raise _invalid_url(exc) from exc
        return Response(
            article,
            status_code=202 if created else 200,
            headers={"Location": f"/v1/articles/{article.id}"},
        )

    @post(
        "/batch",
        guards=[require_scope("ingest")],
        before_request=idempotency.claim,
        middleware=[idempotency.middleware],
        status_code=200,
        summary="Submit up to 1,000 URLs",
        operation_id="submitArticles",
        description=(
            "One entry per URL, in order: created, existing, or rejected with the reason. "
            "A rejected URL does not stop the others."
        ),
        responses={
            200: ex.ok(BatchResult, "One entry per URL, and the counts.", ex.BATCH_RESULT),
            **problem_responses(400, 503),
        },
    )
    async def batch(
        self,
        data: Annotated[
            BatchCreate, Body(media_type=RequestEncodingType.JSON, examples=[ex.BATCH])
        ],
        conn: Conn,
    ) -> BatchResult:
        items: list[BatchItem] = []
        counts: dict[Literal["created", "existing", "rejected"], int] = {
            "created": 0, "existing": 0, "rejected": 0,
        }  # fmt: skip
        for url in data.urls:
            try:
                article, created = await _submit(conn, url=url, html=None, published=None)
            except urls.InvalidURL as exc:
                items.append(
                    BatchItem(
                        url=url, result="rejected", error=ArticleError("invalid_url", str(exc))
                    )
                )
                counts["rejected"] += 1
                continue
            result: Literal["created", "existing"] = "created" if created else "existing"
            items.append(BatchItem(url=url, result=result, article=article))
            counts[result] += 1
        return BatchResult(items=items, **counts)

    @get(
        "/",
        guards=[require_scope("read")],
        summary="List articles",
        operation_id="listArticles",
        description=(
            "Newest first; filters combine with AND. Pass `next_cursor` back as `cursor` for "
            "the next page."
        ),
        responses={
            200: ex.ok(
                ArticlePage,
                "A page of articles.",
                ex.example("The seed article", ex.page([ex.ARTICLE], "articles", 1)),
            ),
            **problem_responses(400, 503),
        },
    )
    async def list_articles(
        self,
        conn: Conn,
        status: Annotated[
            Literal["queued", "fetching", "parsed", "failed"] | None,
            QueryParameter(description="Only articles in this state.", examples=ex.param("parsed")),
        ] = None,
        company: Annotated[
            str | None, QueryParameter(description="Company slug.", examples=ex.param("amazon"))
        ] = None,
        published_from: Annotated[
            date | None,
            QueryParameter(
                description="Published on or after this day.", examples=ex.param("2025-01-01")
            ),
        ] = None,
        published_to: Annotated[
            date | None,
            QueryParameter(
                description="Published on or before this day.", examples=ex.param("2025-12-31")
            ),
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(
                description="Full-text search over title and body.",
                max_length=500,
                examples=ex.param("capital expenditure"),
            ),
        ] = None,
        limit: Limit = pagination.DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> ArticlePage:
        rows = await queries.list_page(
            conn,
            status=status,
            company=company,
            published_from=published_from,
            published_to=published_to,
            q=q or None,
            before_id=pagination.decode_int(cursor, "articles"),
            limit=limit + 1,
        )
        items, next_cursor = pagination.page(rows, limit=limit, kind="articles", key=lambda a: a.id)
        return ArticlePage(items=items, next_cursor=next_cursor)

    @post(
        "/{article_id:int}/reprocess",
        guards=[require_scope("admin")],
        status_code=200,
        summary="Parse and extract an article again",
        operation_id="reprocessArticle",
        description=(
            "Runs parse and extraction again over the stored page (after an extractor release) "
            "and swaps the article's claims in one transaction. Answers how many claims were "
            "added, removed and changed."
        ),
        responses={
            200: ex.ok(
                Outcome,
                "What changed in the article's claims.",
                ex.example("The seed article after an extractor release", ex.REPROCESSED),
            ),
            **problem_responses(400, 404, 409, 503),
        },
    )
    async def reprocess(self, article_id: ArticleId, conn: Conn, state: State) -> Outcome:
        if await conn.fetchval("SELECT status FROM article WHERE id = $1", article_id) is None:
            raise not_found(f"article {article_id}")
        outcome = await reprocessing.reprocess(state.pool, await _executor(state), article_id)
        if outcome.status != "reprocessed":
            raise ProblemError(409, "not_reprocessable", f"article {article_id}: {outcome.reason}")
        return outcome

    @get(
        "/{article_id:int}",
        guards=[require_scope("read")],
        summary="Read an article",
        operation_id="getArticle",
        description=(
            "With its body text and its claims; each claim's evidence offsets index the text. "
            "`status` tells how far the worker got: queued, fetching, parsed or failed (then "
            "`error` says why)."
        ),
        responses={
            200: ex.ok(
                ArticleDetail,
                "The article, its text and its claims.",
                ex.example("The seed article and its claims", ex.ARTICLE_DETAIL),
            ),
            **problem_responses(400, 404, 503),
        },
    )
    async def detail(self, article_id: ArticleId, conn: Conn) -> ArticleDetail:
        found = await queries.get_with_text(conn, article_id)
        if found is None:
            raise not_found(f"article {article_id}")
        article, text = found
        return ArticleDetail(
            **{f: getattr(article, f) for f in article.__struct_fields__},
            text=text,
            claims=await claims.for_article(conn, article_id),
        )

    @delete(
        "/{article_id:int}",
        guards=[require_scope("admin")],
        status_code=204,
        summary="Delete an article",
        operation_id="deleteArticle",
        description=(
            "Removes the article and its claims, and takes them out of every figure and total in "
            "the same transaction. Copies of it stay, the earliest becoming the original."
        ),
        responses=problem_responses(400, 404, 503),
    )
    async def remove(self, article_id: ArticleId, conn: Conn) -> None:
        async with conn.transaction():
            copies = await queries.delete(conn, article_id)
            if copies is None:
                raise not_found(f"article {article_id}")
            for changed in (article_id, *copies):
                await figures.article_changed(conn, changed)
