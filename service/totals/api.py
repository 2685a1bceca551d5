"""HTTP route for totals."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from service.auth import require_scope
from service.claims.schemas import Category, CompanyRef, Status
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
    guards = [require_scope("read")]

    @get(
        "/",
        summary="Sum spending",
        description=(
            "Sums one-year amounts of named companies (never quarters, multi-year pledges, undated "
            "costs or group claims). Claims are first consolidated to one figure per company, "
            "year, category, status and currency, from the most recently published article, so a "
            "figure repeated by many articles counts once. Rows are always split by status and "
            "currency."
        ),
        responses=problem_responses(400, 503),
    )
    async def totals(
        self,
        conn: Conn,
        group_by: Annotated[
            str, QueryParameter(description="Comma-separated: company, year, category.")
        ] = "company,year",
        year: Annotated[int | None, QueryParameter(ge=1900, le=2200)] = None,
        category: FromQuery[Category | None] = None,
        status: FromQuery[Status | None] = None,
        company: Annotated[
            str | None, QueryParameter(description="Slug, or several comma-separated.")
        ] = None,
        currency: Annotated[str | None, QueryParameter(pattern="^[A-Z]{3}$")] = None,
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
