"""HTTP route for totals."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter
from litestar.serialization import encode_json

from service import export
from service.auth import require_scope
from service.claims.schemas import CompanyRef
from service.docs import examples as ex
from service.errors import FieldError, ProblemError, bad_param, problem_responses
from service.figures import queries as figures
from service.figures.api import ExportFormat, parse_companies
from service.figures.schemas import Usd
from service.http import CategoryFilter, CompaniesFilter, Conn, StatusFilter, Year
from service.observability import metrics
from service.totals import examples, queries
from service.totals.cache import TotalsCache, accepts_gzip
from service.totals.schemas import Coverage, TotalRow, Totals

# A kept answer may be sent gzipped: caches between us and the client must tell them apart.
VARY = {"Vary": "Accept-Encoding"}
CSV_COLUMNS = [
    "company.slug", "company.name", "year", "category", "status", "currency", "amount_low",
    "amount_high", "usd.amount_low", "usd.amount_high", "figures", "claims", "articles",
    "missing",
]  # fmt: skip


def parse_group_by(value: str) -> list[str]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    unknown = [p for p in parts if p not in queries.GROUP_KEYS]
    if not parts or unknown or len(set(parts)) != len(parts):
        raise bad_param(
            "group_by",
            "a comma-separated, non-empty set of company, year, category"
            + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
        )
    return parts


def _row(r: Any, groups: list[str], expected: list[str] | None) -> TotalRow:
    usd = Usd(r["usd_low"], r["usd_high"]) if r["usd_low"] is not None else None
    return TotalRow(
        status=r["status"],
        currency=r["currency"],
        amount_low=r["amount_low"],
        amount_high=r["amount_high"],
        usd=usd,
        figures=r["figures"],
        claims=r["claims"],
        articles=len(set(r["origins"].split())),
        company=CompanyRef(r["company_slug"], r["company_name"]) if "company" in groups else None,
        year=r["year"] if "year" in groups else None,
        category=r["category"] if "category" in groups else None,
        missing=[s for s in expected if s not in r["slugs"]]
        if expected is not None and "company" not in groups
        else None,
    )


def fill_years(
    rows: list[TotalRow], groups: list[str], year_from: int | None, year_to: int | None
) -> list[TotalRow]:
    """Every year of each series in order, a year without figures as a row of nulls."""
    if "year" not in groups or not rows:
        return rows
    years = [r.year for r in rows if r.year is not None]
    lo = year_from if year_from is not None else min(years)
    hi = year_to if year_to is not None else max(years)

    def series(r: TotalRow) -> tuple[str, str, str]:
        return (r.company.slug if r.company else "", r.category or "", r.status)

    by_series: dict[tuple[str, str, str], dict[int, TotalRow]] = {}
    for r in rows:
        by_series.setdefault(series(r), {})[r.year or 0] = r
    filled: list[TotalRow] = []
    for found in by_series.values():
        template = next(iter(found.values()))
        for year in range(lo, hi + 1):
            filled.append(
                found.get(year)
                or TotalRow(
                    status=template.status,
                    currency=None,
                    amount_low=None,
                    amount_high=None,
                    usd=None,
                    figures=0,
                    claims=0,
                    articles=0,
                    company=template.company,
                    year=year,
                    category=template.category,
                    missing=None if template.missing is None else [],
                )
            )
    order = {name: i for i, name in enumerate(groups)}

    def sort_key(r: TotalRow) -> tuple[Any, ...]:
        parts: list[Any] = [None] * len(groups)
        parts[order["year"]] = r.year
        if "company" in order:
            parts[order["company"]] = r.company.slug if r.company else ""
        if "category" in order:
            parts[order["category"]] = r.category or ""
        return (*parts, r.status)

    return sorted(filled, key=sort_key)


class TotalsController(Controller):
    path = "/v1/totals"
    tags = ["totals"]
    guards = [require_scope("read")]

    @get(
        "/",
        summary="Sum figures",
        operation_id="getTotals",
        operation_class=export.ExportOperation,
        description=(
            "Sums figures (see /v1/figures): one-year amounts of named companies, one number per "
            "company, year, category and status, so a figure repeated by many articles counts "
            "once. Rows are split by status. Ranges carry through: lows sum lows, highs sum "
            "highs. Every row also gives the sum in USD. Summing figures in different currencies "
            "needs `currency` (e.g. `USD`): each figure is then converted at the yearly average "
            "rate of its year; without it such a sum is refused with 400 `mixed_currencies`. "
            "With `company=a,b,c` a `coverage` block names the companies with no figure, and "
            "rows grouped by year carry `missing`. Grouped by year, every year of the span is "
            "present, in order, a year without figures as nulls. Also as CSV or NDJSON."
        ),
        responses={
            200: ResponseSpec(
                Totals,
                description="The sums.",
                examples=[examples.BY_COMPANY, examples.SERIES],
                generate_examples=False,
            ),
            **problem_responses(400, 503),
        },
    )
    async def totals(
        self,
        conn: Conn,
        request: Request[Any, Any, Any],
        group_by: Annotated[
            str,
            QueryParameter(
                description="Comma-separated: company, year, category.",
                examples=ex.param("company,year"),
            ),
        ] = "company,year",
        year: Year = None,
        year_from: Year = None,
        year_to: Year = None,
        category: CategoryFilter = None,
        status: StatusFilter = None,
        record: Annotated[
            bool,
            QueryParameter(
                description="Only figures of record (the actual once a year has ended, else the "
                "plan, else an estimate).",
                examples=ex.param(True),
            ),
        ] = False,
        company: CompaniesFilter = None,
        currency: Annotated[
            str | None,
            QueryParameter(
                pattern="^[A-Z]{3}$",
                description="Express every figure in this currency (USD, EUR, CNY, ...).",
                examples=ex.param("USD"),
            ),
        ] = None,
        explain: Annotated[
            bool,
            QueryParameter(
                description="Add each row's figures and their claims.", examples=ex.param(True)
            ),
        ] = False,
        format: ExportFormat = None,
    ) -> Response[Any]:
        fmt = export.negotiate(request, format)
        groups = parse_group_by(group_by)
        companies = parse_companies(company)
        if companies:
            unknown = await figures.unknown_companies(conn, companies)
            if unknown:
                raise bad_param("company", f"no such company: {', '.join(unknown)}")
        if currency is not None and not await queries.known_currency(conn, currency):
            raise bad_param("currency", f"no exchange rates for {currency}")
        if year_from is not None and year_to is not None and year_from > year_to:
            raise bad_param("year_to", "must not be before year_from")
        filters = figures.Filters(
            companies=companies, year=year, category=category, status=status, record=record,
            year_from=year_from, year_to=year_to,
        )  # fmt: skip
        cache: TotalsCache = request.app.state.totals_cache
        key = (
            tuple(groups), tuple(companies or ()), year, year_from, year_to, category, status,
            record, currency, explain,
        )  # fmt: skip
        if fmt == "json" and (kept := await cache.get(key)) is not None:
            metrics.TOTALS_ANSWERS.labels("kept").inc()
            if kept.gzipped is not None and accepts_gzip(request.headers.get("accept-encoding")):
                return Response(
                    kept.gzipped,
                    media_type=MediaType.JSON,
                    headers={**VARY, "Content-Encoding": "gzip"},
                )
            return Response(kept.body, media_type=MediaType.JSON, headers=VARY)
        metrics.TOTALS_ANSWERS.labels("computed").inc()
        generation = cache.generation
        # One snapshot for the sums and their explanation: a store committing in between
        # must not leave a row explained by figures other than the ones it adds up.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            records = await queries.totals(
                conn, group_by=groups, filters=filters, currency=currency, explain=explain
            )
            await _refuse_mixed(conn, records, filters, currency)
            found = (
                await figures.by_ids(conn, [i for r in records for i in r["figure_ids"]])
                if explain and fmt == "json"
                else {}
            )
        rows = [_row(r, groups, companies) for r in records]
        if found:
            rows = [
                msgspec.structs.replace(row, explain=[found[i] for i in r["figure_ids"]])
                for row, r in zip(rows, records, strict=True)
            ]
        rows = fill_years(rows, groups, year_from, year_to)
        coverage = None
        if companies:
            covered = sorted({s for r in records for s in r["slugs"]})
            coverage = Coverage(
                expected=companies,
                covered=[s for s in companies if s in covered],
                missing=[s for s in companies if s not in covered],
            )
        if fmt != "json":
            return export.rows_response(
                (msgspec.to_builtins(r) for r in rows), fmt=fmt, columns=CSV_COLUMNS, name="totals"
            )
        totals = Totals(group_by=groups, items=rows, currency=currency, coverage=coverage)
        body = encode_json(totals)
        cache.put(key, body, generation=generation)
        return Response(body, media_type=MediaType.JSON, headers=VARY)


async def _refuse_mixed(
    conn: Conn, records: list[Any], filters: figures.Filters, currency: str | None
) -> None:
    """A sum across currencies means nothing unless every figure is converted first."""
    if currency is None and any(r["mixed"] for r in records):
        mixed = await queries.currencies(conn, filters)
        raise ProblemError(
            400,
            "mixed_currencies",
            f"these figures are in several currencies ({', '.join(mixed)}) and cannot be added "
            "as stated: pass currency=USD (or another code) to sum them converted at the yearly "
            "average rate of each figure's year",
            errors=[FieldError(field="currency", source="query", message="required to mix")],
        )
    if currency is not None and any(r["unconvertible"] for r in records):
        no_rate = await queries.currencies(conn, filters, unconvertible_to=currency)
        raise ProblemError(
            400,
            "no_exchange_rate",
            f"no exchange rate for {', '.join(no_rate)}: these figures cannot be converted",
            errors=[FieldError(field="currency", source="query", message="cannot convert")],
        )
