"""HTTP routes for claims."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from service import export, pagination
from service.auth import require_scope
from service.claims import queries
from service.claims.schemas import ClaimPage
from service.docs import examples as ex
from service.errors import problem_responses
from service.http import CategoryFilter, Conn, Cursor, Limit, StatusFilter

FILTER = """
WHERE ($1::text IS NULL OR c.company_id = (SELECT id FROM company WHERE slug = $1))
  AND ($2::text IS NULL OR c.group_name = $2)
  AND ($3::int IS NULL OR c.year = $3)
  AND ($4::text IS NULL OR c.category = $4)
  AND ($5::text IS NULL OR c.status = $5)
  AND ($6::text IS NULL OR c.currency = $6)
  AND ($7::bigint IS NULL OR c.article_id = $7)
  AND ($8::bigint IS NULL OR c.id < $8)
"""

ExportFormat = Annotated[
    export.Format | None,
    QueryParameter(description=export.FORMAT_DESCRIPTION, examples=ex.param("csv")),
]


class ClaimController(Controller):
    path = "/v1/claims"
    tags = ["claims"]
    guards = [require_scope("read")]

    @get(
        "/",
        summary="List claims",
        operation_id="listClaims",
        operation_class=export.ExportOperation,
        description=(
            "Every spending claim found, newest first, each with the sentence it comes from. "
            "Group claims (company null) are listed with `group`."
        ),
        responses={
            200: ex.ok(
                ClaimPage,
                "A page of claims; as CSV or NDJSON, every matching claim.",
                ex.example("Claims of the seed article", ex.page(ex.CLAIMS, "claims", 1)),
            ),
            **problem_responses(400, 503),
        },
    )
    async def list_claims(
        self,
        conn: Conn,
        request: Request[Any, Any, Any],
        state: State,
        company: Annotated[
            str | None, QueryParameter(description="Company slug.", examples=ex.param("amazon"))
        ] = None,
        group: Annotated[
            str | None,
            QueryParameter(
                description='Group name, e.g. "big tech".', examples=ex.param("big tech")
            ),
        ] = None,
        year: Annotated[
            int | None,
            QueryParameter(
                ge=1900,
                le=2200,
                description="The year the spending belongs to.",
                examples=ex.param(2025),
            ),
        ] = None,
        category: CategoryFilter = None,
        status: StatusFilter = None,
        currency: Annotated[
            str | None,
            QueryParameter(
                pattern="^[A-Z]{3}$", description="ISO 4217 code.", examples=ex.param("USD")
            ),
        ] = None,
        article_id: Annotated[
            int | None,
            QueryParameter(description="Only claims of this article.", examples=ex.param(1)),
        ] = None,
        limit: Limit = pagination.DEFAULT_LIMIT,
        cursor: Cursor = None,
        format: ExportFormat = None,
    ) -> Response[Any]:
        fmt = export.negotiate(request, format)
        args = (company, group, year, category, status, currency, article_id)
        if fmt != "json":
            return export.cursor_response(
                state.pool,
                json_sql=queries.SELECT_CLAIM + FILTER + " ORDER BY c.id DESC",
                csv_sql=queries.SELECT_CLAIM_FLAT + FILTER + " ORDER BY c.id DESC",
                args=(*args, None), fmt=fmt, name="claims",
            )  # fmt: skip
        rows = await queries.list_page(
            conn,
            company=company,
            group=group,
            year=year,
            category=category,
            status=status,
            currency=currency,
            article_id=article_id,
            before_id=pagination.decode_int(cursor, "claims"),
            limit=limit + 1,
        )
        items, next_cursor = pagination.page(rows, limit=limit, kind="claims", key=lambda c: c.id)
        return Response(ClaimPage(items=items, next_cursor=next_cursor))
