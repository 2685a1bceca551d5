"""HTTP routes for figures, a company's series, and group checks."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from service import export, pagination
from service.auth import require_scope
from service.claims.schemas import CompanyRef
from service.companies import queries as companies
from service.docs import examples as ex
from service.errors import bad_param, not_found, problem_responses
from service.figures import examples, queries
from service.figures.schemas import CompanyFigures, FigurePage, Group
from service.http import CategoryFilter, CompaniesFilter, Conn, Cursor, Limit, StatusFilter, Year

ExportFormat = Annotated[
    export.Format | None,
    QueryParameter(description=export.FORMAT_DESCRIPTION, examples=ex.param("csv")),
]


def parse_companies(value: str | None) -> list[str] | None:
    if value is None:
        return None
    slugs = list(dict.fromkeys(s.strip() for s in value.split(",") if s.strip()))
    if not slugs:
        raise bad_param("company", "one or more company slugs, comma-separated")
    return slugs


class FigureController(Controller):
    path = "/v1"
    tags = ["figures"]
    guards = [require_scope("read")]

    @get(
        "/figures",
        summary="List figures",
        operation_id="listFigures",
        operation_class=export.ExportOperation,
        description=(
            "One current figure per company, year, category and status, derived from every "
            "claim: the most recently published independent source gives the value; each "
            "figure carries its history in order of publication, the claims behind it, how "
            "many independent articles back it, and `conflict` when sources published within "
            "30 days of each other differ by more than 10%. Newest first. Also as CSV or NDJSON."
        ),
        responses={
            200: ResponseSpec(
                FigurePage,
                description="A page of figures.",
                examples=[examples.FIGURE_PAGE],
                generate_examples=False,
            ),
            **problem_responses(400, 503),
        },
    )
    async def list_figures(
        self,
        conn: Conn,
        request: Request[Any, Any, Any],
        state: State,
        company: CompaniesFilter = None,
        year: Year = None,
        category: CategoryFilter = None,
        status: StatusFilter = None,
        conflict: Annotated[
            bool | None,
            QueryParameter(
                description="Only figures whose sources disagree.", examples=ex.param(True)
            ),
        ] = None,
        record: Annotated[
            bool,
            QueryParameter(
                description="Only the figure of record per company, year, category.",
                examples=ex.param(True),
            ),
        ] = False,
        limit: Limit = pagination.DEFAULT_LIMIT,
        cursor: Cursor = None,
        format: ExportFormat = None,
    ) -> Response[Any]:
        fmt = export.negotiate(request, format)
        filters = queries.Filters(
            companies=parse_companies(company),
            year=year,
            category=category,
            status=status,
            conflict=conflict,
            record=record,
        )
        if fmt != "json":
            json_sql, csv_sql, args = queries.export_queries(filters)
            return export.cursor_response(
                state.pool, json_sql=json_sql, csv_sql=csv_sql, args=args, fmt=fmt, name="figures"
            )
        rows = await queries.list_page(
            conn,
            filters,
            before_id=pagination.decode_int(cursor, "figures"),
            limit=limit + 1,
        )
        items, next_cursor = pagination.page(rows, limit=limit, kind="figures", key=lambda f: f.id)
        return Response(FigurePage(items=items, next_cursor=next_cursor))

    @get(
        "/companies/{slug:str}/figures",
        summary="A company's figures and series",
        operation_id="getCompanyFigures",
        description=(
            "Every figure of the company, and per category and status a series over every year "
            "from the first to the last (or `year_from` to `year_to`), in order, with null where "
            "no figure exists: ready to chart."
        ),
        responses={
            200: ResponseSpec(
                CompanyFigures,
                description="The company's figures and series.",
                examples=[examples.COMPANY_FIGURES],
                generate_examples=False,
            ),
            **problem_responses(400, 404, 503),
        },
    )
    async def company_figures(
        self,
        slug: Annotated[
            str,
            PathParameter(description="The company's slug.", examples=ex.param("amazon")),
        ],
        conn: Conn,
        category: CategoryFilter = None,
        status: StatusFilter = None,
        year_from: Year = None,
        year_to: Year = None,
    ) -> CompanyFigures:
        company = await companies.get(conn, slug)
        if company is None:
            raise not_found(f"company {slug!r}")
        if year_from is not None and year_to is not None and year_from > year_to:
            raise bad_param("year_to", "must not be before year_from")
        filters = queries.Filters(
            category=category, status=status, year_from=year_from, year_to=year_to
        )
        return await queries.company_figures(conn, CompanyRef(company.slug, company.name), filters)

    @get(
        "/groups/{name:str}",
        summary="A group's claimed figures beside its members' sum",
        operation_id="getGroup",
        description=(
            'A claim about a group ("big tech will spend $320B in 2025") against the sum of the '
            "figures of the companies its article names, for the same year and status, with the "
            "difference in USD and the members that have no figure."
        ),
        responses={
            200: ResponseSpec(
                Group,
                description="The group's figures by year, category and status.",
                examples=[examples.GROUP],
                generate_examples=False,
            ),
            **problem_responses(400, 404, 503),
        },
    )
    async def group(
        self,
        name: Annotated[
            str, PathParameter(description="The group's name.", examples=ex.param("big tech"))
        ],
        conn: Conn,
    ) -> Group:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            items = await queries.group(conn, name)
        if not items:
            raise not_found(f"group {name!r}")
        return Group(name=name, items=items)
