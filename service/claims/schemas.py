"""Claims as the API shows them. Field meanings follow the claim contract (CLAIMS.md)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Category = Literal["capex", "ai_infrastructure", "r_and_d", "investment", "acquisition", "other"]
Status = Literal["actual", "planned", "estimate"]
Period = Literal["year", "quarter", "half", "multi_year"]


class CompanyRef(msgspec.Struct, frozen=True):
    slug: str
    name: str


class Evidence(msgspec.Struct, frozen=True):
    text: Annotated[str, msgspec.Meta(description="The sentence the claim comes from, verbatim.")]
    start: Annotated[int, msgspec.Meta(description="Offset of the sentence in the article text.")]
    end: Annotated[int, msgspec.Meta(description="End offset: text == article.text[start:end].")]


class ClaimUsd(msgspec.Struct, frozen=True):
    """The amount in US dollars at the yearly average rate of the claim's year."""

    amount_low: int
    amount_high: int
    rate: Annotated[float, msgspec.Meta(description="Units of the stated currency per USD.")]
    rate_year: Annotated[
        int | None,
        msgspec.Meta(description="The year whose rate was used (the latest for a recent year)."),
    ]


class Claim(msgspec.Struct, frozen=True):
    id: int
    article_id: int
    company: Annotated[
        CompanyRef | None,
        msgspec.Meta(
            description="The spender, rolled up to the parent that reports it; null for a group."
        ),
    ]
    group: Annotated[str | None, msgspec.Meta(description='A group of spenders ("big tech").')]
    amount_low: Annotated[
        int, msgspec.Meta(description="Whole currency units; equal to amount_high unless a range.")
    ]
    amount_high: int
    currency: Annotated[str, msgspec.Meta(description="ISO 4217 code of the stated currency.")]
    usd: Annotated[ClaimUsd | None, msgspec.Meta(description="Null for a currency without rates.")]
    year: Annotated[
        int | None, msgspec.Meta(description="Calendar or fiscal year; null for multi-year spans.")
    ]
    fiscal: bool
    period: Period | None
    quarter: int | None
    category: Category
    status: Status
    evidence: Evidence
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)]
    extractor_version: str


class ClaimPage(msgspec.Struct, frozen=True):
    items: list[Claim]
    next_cursor: str | None
