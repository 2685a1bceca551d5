"""Totals as the API shows them."""

from __future__ import annotations

from typing import Annotated

import msgspec

from service.claims.schemas import CompanyRef


class TotalRow(msgspec.Struct, frozen=True, omit_defaults=True):
    status: str
    currency: str
    amount_low: int
    amount_high: int
    figures: Annotated[int, msgspec.Meta(description="Consolidated figures summed in this row.")]
    claims: Annotated[int, msgspec.Meta(description="Claims behind those figures.")]
    articles: Annotated[int, msgspec.Meta(description="Distinct articles those claims come from.")]
    company: CompanyRef | None = None
    year: int | None = None
    category: str | None = None


class Totals(msgspec.Struct, frozen=True):
    group_by: list[str]
    items: list[TotalRow]
