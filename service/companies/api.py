"""HTTP routes for companies."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from service import pagination
from service.auth import require_scope
from service.companies import queries
from service.companies.schemas import CompanyDetail, CompanyPage, Figure
from service.errors import not_found, problem_responses
from service.http import Conn, Cursor, Limit
from service.totals import queries as totals


class CompanyController(Controller):
    path = "/v1/companies"
    tags = ["companies"]
    guards = [require_scope("read")]

    @get(
        "/",
        summary="List companies",
        description="By slug; `q` matches names and aliases.",
        responses=problem_responses(400, 503),
    )
    async def list_companies(
        self,
        conn: Conn,
        q: Annotated[str | None, QueryParameter(max_length=200)] = None,
        limit: Limit = pagination.DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> CompanyPage:
        rows = await queries.list_page(
            conn, q=q or None, after=pagination.decode_str(cursor, "companies"), limit=limit + 1
        )
        items, next_cursor = pagination.page(
            rows, limit=limit, kind="companies", key=lambda c: c.slug
        )
        return CompanyPage(items=items, next_cursor=next_cursor)

    @get(
        "/{slug:str}",
        summary="Read a company",
        description="Name, tickers, aliases, and its consolidated figures by year and category.",
        responses=problem_responses(404, 503),
    )
    async def detail(self, slug: FromPath[str], conn: Conn) -> CompanyDetail:
        company = await queries.get(conn, slug)
        if company is None:
            raise not_found(f"company {slug!r}")
        figures = msgspec.convert(
            [dict(r) for r in await totals.company_figures(conn, slug=slug)], list[Figure]
        )
        return CompanyDetail(
            **{f: getattr(company, f) for f in company.__struct_fields__}, figures=figures
        )
