"""HTTP routes for companies."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter, QueryParameter

from service import pagination
from service.auth import require_scope
from service.companies import aliases, queries
from service.companies.schemas import (
    AliasCreate,
    Company,
    CompanyDetail,
    CompanyPage,
    YearFigure,
)
from service.docs import examples as ex
from service.errors import FieldError, ProblemError, not_found, problem_responses
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


_ALIAS = ex.example("A spelling the registry lacks", {"alias": "Amazon.com Inc."})


class CompanyAliasController(Controller):
    """Aliases an admin adds without a release; the extractor knows them from the next job."""

    path = "/v1/companies/{slug:str}/aliases"
    tags = ["companies"]
    guards = [require_scope("admin")]

    @post(
        "/",
        status_code=201,
        summary="Add an alias to a company",
        operation_id="addCompanyAlias",
        description=(
            "Teaches Outlay another name of a company (a spelling, a translation, a brand), so "
            "that articles naming it that way are attributed to the company. Articles read "
            "before keep their claims until they are reprocessed. An alias that already names "
            "another company is refused with 409."
        ),
        responses={
            201: ex.ok(
                Company,
                "The company with its aliases.",
                ex.example("Amazon with the new alias", {**ex.COMPANY_WITH_ALIAS}),
            ),
            **problem_responses(400, 404, 409, 422, 503),
        },
    )
    async def add(
        self,
        slug: Annotated[
            str,
            PathParameter(description="The company's slug.", examples=ex.param("amazon")),
        ],
        data: Annotated[AliasCreate, Body(media_type=RequestEncodingType.JSON, examples=[_ALIAS])],
        conn: Conn,
    ) -> Company:
        try:
            await aliases.add_alias(conn, slug=slug, alias=data.alias)
        except LookupError as exc:
            raise not_found(f"company {slug!r}") from exc
        except aliases.AliasError as exc:
            taken = "already names" in str(exc)
            raise ProblemError(
                409 if taken else 422,
                "alias_taken" if taken else "invalid_alias",
                str(exc),
                errors=[FieldError(field="alias", source="body", message=str(exc))],
            ) from exc
        company = await queries.get(conn, slug)
        assert company is not None
        return company
