"""Claims as the API shows them. Field meanings follow the claim contract (CLAIMS.md)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Category = Literal["capex", "ai_infrastructure", "r_and_d", "investment", "acquisition", "other"]
Status = Literal["actual", "planned", "estimate"]
Period = Literal["year", "quarter", "half", "multi_year"]


class CompanyRef(msgspec.Struct, frozen=True):
    slug: Annotated[
        str, msgspec.Meta(description="The company's id in URLs: /v1/companies/{slug}.")
    ]
    name: Annotated[str, msgspec.Meta(description='Canonical short name ("Amazon", "TSMC").')]


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
    """A sentence in which a named spender is said to have spent, spend or plan to spend money."""

    id: Annotated[int, msgspec.Meta(description="The claim's id.")]
    article_id: Annotated[int, msgspec.Meta(description="The article the claim was read from.")]
    company: Annotated[
        CompanyRef | None,
        msgspec.Meta(
            description=(
                "The spender, rolled up to the parent that reports the spending (AWS → Amazon, "
                "Google → Alphabet, Instagram → Meta); null when the spender is a group."
            )
        ),
    ]
    group: Annotated[
        str | None,
        msgspec.Meta(
            description='The group of spenders when there is no one company ("big tech").'
        ),
    ]
    amount_low: Annotated[
        int,
        msgspec.Meta(
            description=(
                "The amount in whole currency units; equal to amount_high unless the text gives a "
                'range ("$60-65 billion" → 60e9). "About", "over", "nearly" keep the stated figure.'
            )
        ),
    ]
    amount_high: Annotated[
        int, msgspec.Meta(description="The top of a range, else equal to amount_low.")
    ]
    currency: Annotated[
        str,
        msgspec.Meta(
            description="ISO 4217 code of the stated currency (USD for $, CNY for 元, EUR for €)."
        ),
    ]
    usd: Annotated[
        ClaimUsd | None,
        msgspec.Meta(
            description=(
                "The amount in US dollars at the yearly average rate; null for a currency "
                "without rates."
            )
        ),
    ]
    year: Annotated[
        int | None,
        msgspec.Meta(
            description=(
                "The calendar or fiscal year the spending belongs to, resolved against the "
                'publication date ("last year" in a February 2025 article → 2024); null when none '
                "is given and for a multi-year span."
            )
        ),
    ]
    fiscal: Annotated[
        bool, msgspec.Meta(description='True when the text says fiscal year ("FY2025").')
    ]
    period: Annotated[
        Period | None,
        msgspec.Meta(
            description=(
                "The span the amount covers: year, quarter (see `quarter`), half, multi_year "
                "(a span or a cumulative total; year is then null), or null when the text gives "
                "none (an acquisition price, a project's cost). Totals add up `year` figures only."
            )
        ),
    ]
    quarter: Annotated[
        int | None, msgspec.Meta(description="1 to 4 when period is quarter, else null.")
    ]
    category: Annotated[
        Category,
        msgspec.Meta(
            description=(
                "capex; ai_infrastructure (AI, data centres, compute, chips); r_and_d; "
                "investment (stakes, funds, projects in others); acquisition (the payer is the "
                "claimant); other."
            )
        ),
    ]
    status: Annotated[
        Status,
        msgspec.Meta(
            description=(
                "actual (already spent or reported); planned (the company's own plan, budget, "
                "guidance, pledge); estimate (a third party's expectation or forecast)."
            )
        ),
    ]
    evidence: Annotated[
        Evidence, msgspec.Meta(description="The sentence, with its offsets in the article text.")
    ]
    confidence: Annotated[
        float, msgspec.Meta(ge=0, le=1, description="The extractor's confidence, 0 to 1.")
    ]
    extractor_version: Annotated[
        str, msgspec.Meta(description="The extractor that found the claim.")
    ]


class ClaimPage(msgspec.Struct, frozen=True):
    items: list[Claim]
    next_cursor: Annotated[
        str | None,
        msgspec.Meta(description="Pass back as `cursor` for the next page; null at the end."),
    ]
