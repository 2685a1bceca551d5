"""HTTP routes for claims."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from service import export, pagination
from service.auth import require_scope
from service.claims import queries
from service.claims.schemas import Category, ClaimPage, Status
from service.errors import problem_responses
from service.http import Conn, Cursor, Limit

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
    export.Format | None, QueryParameter(description=export.FORMAT_DESCRIPTION)
]


class ClaimController(Controller):
    path = "/v1/claims"
    tags = ["claims"]
    guards = [require_scope("read")]

    @get(
        "/",
        summary="List claims",
        operation_class=export.ExportOperation,
        description=(
            "Every spending claim found, newest first, each with the sentence it comes from. "
            "Group claims (company null) are listed with `group`."
        ),
        responses={
            200: ResponseSpec(
                ClaimPage,
                description="A page of claims; as CSV or NDJSON, every matching claim.",
                generate_examples=False,
            ),
            **problem_responses(400, 503),
        },
    )
    async def list_claims(
        self,
        conn: Conn,
        request: Request[Any, Any, Any],
        state: State,
        company: Annotated[str | None, QueryParameter(description="Company slug.")] = None,
        group: Annotated[
            str | None, QueryParameter(description='Group name, e.g. "big tech".')
        ] = None,
        year: Annotated[int | None, QueryParameter(ge=1900, le=2200)] = None,
        category: FromQuery[Category | None] = None,
        status: FromQuery[Status | None] = None,
        currency: Annotated[str | None, QueryParameter(pattern="^[A-Z]{3}$")] = None,
        article_id: FromQuery[int | None] = None,
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
        rows = await conn.fetch(
            queries.SELECT_CLAIM + FILTER + " ORDER BY c.id DESC LIMIT $9",
            *args, pagination.decode_int(cursor, "claims"), limit + 1,
        )  # fmt: skip
        items, next_cursor = pagination.page(
            queries.to_claims(rows), limit=limit, kind="claims", key=lambda c: c.id
        )
        return Response(ClaimPage(items=items, next_cursor=next_cursor))
