"""Companies as the API shows them."""

from __future__ import annotations

from typing import Annotated

import msgspec


class Company(msgspec.Struct, frozen=True):
    slug: str
    name: str
    kind: str
    tickers: list[str]
    wikidata: Annotated[str | None, msgspec.Meta(description="Wikidata item id, e.g. Q3884.")]
    fiscal_year_end_month: Annotated[int, msgspec.Meta(ge=1, le=12)]
    parent: Annotated[str | None, msgspec.Meta(description="Slug of the company it rolls up to.")]
    country: str | None
    verified: Annotated[
        bool,
        msgspec.Meta(
            description="False for a spender first seen in an article, not in the registry."
        ),
    ]
    aliases: list[str]


class YearFigure(msgspec.Struct, frozen=True):
    """One consolidated number: the latest-published claim for a year, category and status."""

    year: int
    category: str
    status: str
    currency: str
    amount_low: int
    amount_high: int
    claims: int
    articles: int


class CompanyDetail(Company, frozen=True):
    figures: list[YearFigure]


class CompanyPage(msgspec.Struct, frozen=True):
    items: list[Company]
    next_cursor: str | None


class AliasCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    alias: Annotated[
        str,
        msgspec.Meta(
            min_length=1, max_length=200, description="Another name the company goes by in news."
        ),
    ]
