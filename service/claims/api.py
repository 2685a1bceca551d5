"""HTTP routes for claims."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from service import pagination
from service.claims import queries
from service.claims.schemas import Category, ClaimPage, Status
from service.errors import problem_responses
from service.http import Conn, Cursor, Limit


class ClaimController(Controller):
    path = "/v1/claims"
    tags = ["claims"]

    @get(
        "/",
        summary="List claims",
        description=(
            "Every spending claim found, newest first, each with the sentence it comes from. "
            "Group claims (company null) are listed with `group`."
        ),
        responses=problem_responses(400, 503),
    )
    async def list_claims(
        self,
        conn: Conn,
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
    ) -> ClaimPage:
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
        return ClaimPage(items=items, next_cursor=next_cursor)
