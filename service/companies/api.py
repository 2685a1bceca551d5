"""HTTP routes for companies."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import PathParameter, QueryParameter

from service import pagination
from service.auth import require_scope
from service.companies import queries
from service.companies.schemas import CompanyDetail, CompanyPage, YearFigure
from service.docs import examples as ex
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
        operation_id="listCompanies",
        description=(
            "The spenders Outlay knows (the shipped registry and those first seen in articles), "
            "by slug; `q` matches names and aliases in any language."
        ),
        responses={
            200: ex.ok(
                CompanyPage,
                "A page of companies.",
                ex.example("Amazon", ex.page([ex.COMPANY], "companies", "amazon")),
            ),
            **problem_responses(400, 503),
        },
    )
    async def list_companies(
        self,
        conn: Conn,
        q: Annotated[
            str | None,
            QueryParameter(
                max_length=200,
                description="Part of a name or alias, any case.",
                examples=ex.param("amazon"),
            ),
        ] = None,
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
        operation_id="getCompany",
        description="Name, tickers, aliases, and its consolidated figures by year and category.",
        responses={
            200: ex.ok(
                CompanyDetail,
                "The company and its figures.",
                ex.example("Amazon after the seed article", {**ex.COMPANY, "figures": [ex.FIGURE]}),
            ),
            **problem_responses(400, 404, 503),
        },
    )
    async def detail(
        self,
        slug: Annotated[
            str,
            PathParameter(description="The company's slug.", examples=ex.param("amazon")),
        ],
        conn: Conn,
    ) -> CompanyDetail:
        company = await queries.get(conn, slug)
        if company is None:
            raise not_found(f"company {slug!r}")
        figures = msgspec.convert(
            [dict(r) for r in await totals.company_figures(conn, slug=slug)], list[YearFigure]
        )
        return CompanyDetail(
            **{f: getattr(company, f) for f in company.__struct_fields__}, figures=figures
        )
