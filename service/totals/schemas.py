"""Totals as the API shows them."""

from __future__ import annotations

from typing import Annotated

import msgspec

from service.claims.schemas import CompanyRef
from service.figures.schemas import Figure, Usd


class TotalRow(msgspec.Struct, frozen=True, omit_defaults=True):
    status: str
    currency: Annotated[
        str | None,
        msgspec.Meta(description="The currency of the amounts; null for a year with no figure."),
    ]
    amount_low: Annotated[
        int | None,
        msgspec.Meta(description="Sum of the figures' lows; null where a series has a gap."),
    ]
    amount_high: Annotated[int | None, msgspec.Meta(description="Sum of the figures' highs.")]
    usd: Annotated[Usd | None, msgspec.Meta(description="The same sum with every figure in USD.")]
    figures: Annotated[int, msgspec.Meta(description="Figures summed in this row.")]
    claims: Annotated[int, msgspec.Meta(description="Claims behind those figures.")]
    articles: Annotated[
        int, msgspec.Meta(description="Independent articles those claims come from.")
    ]
    company: CompanyRef | None = None
    year: int | None = None
    category: str | None = None
    missing: Annotated[
        list[str] | None,
        msgspec.Meta(description="Companies asked for (`company=`) with no figure in this row."),
    ] = None
    explain: Annotated[
        list[Figure] | None,
        msgspec.Meta(description="With explain=true: the figures summed, with their claims."),
    ] = None


class Coverage(msgspec.Struct, frozen=True):
    """Which of the companies asked for have a figure, so a gap is seen, not a smaller sum."""

    expected: list[str]
    covered: list[str]
    missing: list[str]


class Totals(msgspec.Struct, frozen=True, omit_defaults=True):
    group_by: list[str]
    items: list[TotalRow]
    currency: Annotated[str | None, msgspec.Meta(description="The currency asked for, if any.")] = (
        None
    )
    coverage: Coverage | None = None
