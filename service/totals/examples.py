"""Examples for the OpenAPI document."""

from __future__ import annotations

# Examples keep their null fields in the OpenAPI document (Litestar would drop them).
from service.docs.examples import keeping_nulls as Example

B = 1_000_000_000


def _row(slug: str, name: str, low: int, high: int) -> dict:  # type: ignore[type-arg]
    return {
        "status": "planned",
        "currency": "USD",
        "amount_low": low * B,
        "amount_high": high * B,
        "usd": {"amount_low": low * B, "amount_high": high * B},
        "figures": 1,
        "claims": 2,
        "articles": 2,
        "company": {"slug": slug, "name": name},
        "year": 2025,
    }


BY_COMPANY = Example(
    summary="Big tech's 2025 plans, one company without a figure",
    description="GET /v1/totals?group_by=company,year&year=2025&status=planned"
    "&company=amazon,microsoft,alphabet,meta&currency=USD",
    value={
        "group_by": ["company", "year"],
        "currency": "USD",
        "items": [
            _row("amazon", "Amazon", 100, 100),
            _row("meta", "Meta", 64, 72),
            _row("microsoft", "Microsoft", 80, 80),
        ],
        "coverage": {
            "expected": ["amazon", "microsoft", "alphabet", "meta"],
            "covered": ["amazon", "microsoft", "meta"],
            "missing": ["alphabet"],
        },
    },
)

SERIES = Example(
    summary="A yearly series with a gap",
    description="GET /v1/totals?group_by=year&company=meta&status=actual&category=capex",
    value={
        "group_by": ["year"],
        "items": [
            {**_row("meta", "Meta", 28, 28), "status": "actual", "year": 2023, "company": None,
             "missing": []},
            {"status": "actual", "currency": None, "amount_low": None, "amount_high": None,
             "usd": None, "figures": 0, "claims": 0, "articles": 0, "year": 2024, "missing": []},
            {**_row("meta", "Meta", 39, 39), "status": "actual", "year": 2025, "company": None,
             "missing": []},
        ],
        "coverage": {"expected": ["meta"], "covered": ["meta"], "missing": []},
    },
)  # fmt: skip
