"""HTTP route for totals."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from service.claims.schemas import Category, CompanyRef, Status
from service.docs import examples as ex
from service.errors import bad_param, problem_responses
from service.http import Conn
from service.totals import queries
from service.totals.schemas import TotalRow, Totals


def parse_group_by(value: str) -> list[str]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    unknown = [p for p in parts if p not in queries.GROUP_COLUMNS]
    if not parts or unknown or len(set(parts)) != len(parts):
        raise bad_param(
            "group_by",
            "a comma-separated, non-empty set of company, year, category"
            + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
        )
    return parts


class TotalsController(Controller):
    path = "/v1/totals"
    tags = ["totals"]

    @get(
        "/",
        summary="Sum spending",
        operation_id="getTotals",
        description=(
            "Sums one-year amounts of named companies (never quarters, multi-year pledges, undated "
            "costs or group claims). Claims are first consolidated to one figure per company, "
            "year, category, status and currency, from the most recently published article, so a "
            "figure repeated by many articles counts once. Rows are always split by status and "
            "currency."
        ),
        responses={
            200: ex.ok(
                Totals,
                "One row per group, status and currency.",
                ex.example("2025 by company, after the seed article", ex.TOTALS),
            ),
            **problem_responses(400, 503),
        },
    )
    async def totals(
        self,
        conn: Conn,
        group_by: Annotated[
            str,
            QueryParameter(
                description="Comma-separated: company, year, category.",
                examples=ex.param("company,year"),
            ),
        ] = "company,year",
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
        company: Annotated[
            str | None,
            QueryParameter(
                description="Slug, or several comma-separated.", examples=ex.param("amazon,meta")
            ),
        ] = None,
        currency: Annotated[
            str | None,
            QueryParameter(
                pattern="^[A-Z]{3}$", description="ISO 4217 code.", examples=ex.param("USD")
            ),
        ] = None,
    ) -> Totals:
        groups = parse_group_by(group_by)
        companies = [s.strip() for s in company.split(",") if s.strip()] if company else None
        rows = await queries.totals(
            conn,
            group_by=groups,
            year=year,
            category=category,
            status=status,
            companies=companies,
            currency=currency,
        )
        items = [
            TotalRow(
                status=r["status"],
                currency=r["currency"],
                amount_low=r["amount_low"],
                amount_high=r["amount_high"],
                figures=r["figures"],
                claims=r["claims"],
                articles=r["articles"],
                company=CompanyRef(r["company_slug"], r["company_name"])
                if "company" in groups
                else None,
                year=r["year"] if "year" in groups else None,
                category=r["category"] if "category" in groups else None,
            )
            for r in rows
        ]
        return Totals(group_by=groups, items=items)
