"""HTTP routes for claims."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from service import pagination
from service.claims import queries
from service.claims.schemas import Category, ClaimPage, Status
from service.docs import examples as ex
from service.errors import problem_responses
from service.http import Conn, Cursor, Limit


class ClaimController(Controller):
    path = "/v1/claims"
    tags = ["claims"]

    @get(
        "/",
        summary="List claims",
        operation_id="listClaims",
        description=(
            "Every spending claim found, newest first, each with the sentence it comes from. "
            "Group claims (company null) are listed with `group`."
        ),
        responses={
            200: ex.ok(
                ClaimPage,
                "A page of claims.",
                ex.example("Claims of the seed article", ex.page(ex.CLAIMS, "claims", 1)),
            ),
            **problem_responses(400, 503),
        },
    )
    async def list_claims(
        self,
        conn: Conn,
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
        category: Annotated[
            Category | None,
            QueryParameter(
                description="capex, ai_infrastructure, r_and_d, …", examples=ex.param("capex")
            ),
        ] = None,
        status: Annotated[
            Status | None,
            QueryParameter(
                description="actual, planned or estimate.", examples=ex.param("planned")
            ),
        ] = None,
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
    ) -> ClaimPage:
        rows = await conn.fetch(
            queries.SELECT_CLAIM
            + """
            WHERE ($1::text IS NULL OR c.company_id = (SELECT id FROM company WHERE slug = $1))
              AND ($2::text IS NULL OR c.group_name = $2)
              AND ($3::int IS NULL OR c.year = $3)
              AND ($4::text IS NULL OR c.category = $4)
              AND ($5::text IS NULL OR c.status = $5)
              AND ($6::text IS NULL OR c.currency = $6)
              AND ($7::bigint IS NULL OR c.article_id = $7)
              AND ($8::bigint IS NULL OR c.id < $8)
            ORDER BY c.id DESC
            LIMIT $9
            """,
            company, group, year, category, status, currency, article_id,
            pagination.decode_int(cursor, "claims"), limit + 1,
        )  # fmt: skip
        items, next_cursor = pagination.page(
            queries.to_claims(rows), limit=limit, kind="claims", key=lambda c: c.id
        )
        return ClaimPage(items=items, next_cursor=next_cursor)
