"""Figures, revisions, conflicts and group checks as the API shows them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from service.claims.schemas import Category, CompanyRef, Status


class Usd(msgspec.Struct, frozen=True):
    """An amount converted to US dollars at the yearly average rate of its year."""

    amount_low: int
    amount_high: int


class Cited(msgspec.Struct, frozen=True):
    """One claim behind a figure, with the article that makes it."""

    claim_id: int
    article_id: int
    title: str | None
    url: str | None
    published: date | None
    amount_low: int
    amount_high: int
    currency: str
    usd: Usd | None
    evidence: Annotated[str, msgspec.Meta(description="The sentence, verbatim.")]
    copy_of: Annotated[
        int | None,
        msgspec.Meta(description="The article this one is a syndicated copy of, if it is one."),
    ]


class Revision(msgspec.Struct, frozen=True):
    """A value the figure had, from the first independent article that published it."""

    published: date | None
    amount_low: int
    amount_high: int
    currency: str
    usd: Usd | None
    article_id: int
    claim_id: int
    title: str | None
    sources: Annotated[int, msgspec.Meta(description="Articles that stated this value.")]


class Figure(msgspec.Struct, frozen=True):
    id: int
    company: CompanyRef
    year: int
    category: Category
    status: Status
    amount_low: Annotated[int, msgspec.Meta(description="Current value, stated currency.")]
    amount_high: int
    currency: str
    usd: Usd | None
    of_record: Annotated[
        bool,
        msgspec.Meta(
            description=(
                "The figure to quote for this company, year and category: the actual once the "
                "year has ended, else the company's plan, else an estimate."
            )
        ),
    ]
    published: Annotated[date | None, msgspec.Meta(description="When the current value appeared.")]
    article_id: Annotated[int, msgspec.Meta(description="The article of the current value.")]
    claims: Annotated[int, msgspec.Meta(description="Claims from independent articles.")]
    sources: Annotated[int, msgspec.Meta(description="Articles behind it, copies included.")]
    independent: Annotated[
        int, msgspec.Meta(description="Distinct articles (distinct canonical URL and body).")
    ]
    conflict: Annotated[
        bool,
        msgspec.Meta(
            description="Sources published within 30 days of each other differ by more than 10%."
        ),
    ]
    conflicts: Annotated[list[Cited], msgspec.Meta(description="The disagreeing sources.")]
    history: Annotated[list[Revision], msgspec.Meta(description="Values in publication order.")]
    support: Annotated[list[Cited], msgspec.Meta(description="Every claim behind it.")]


class FigurePage(msgspec.Struct, frozen=True):
    items: list[Figure]
    next_cursor: str | None


class Point(msgspec.Struct, frozen=True):
    """One year of a series; the amounts are null where no figure exists."""

    year: int
    amount_low: int | None
    amount_high: int | None
    currency: str | None
    usd: Usd | None
    figure_id: int | None


class Series(msgspec.Struct, frozen=True):
    category: Category
    status: Status
    points: Annotated[list[Point], msgspec.Meta(description="Every year in order, gaps as null.")]


class CompanyFigures(msgspec.Struct, frozen=True):
    company: CompanyRef
    years: Annotated[list[int], msgspec.Meta(description="The span the series cover, in order.")]
    series: list[Series]
    figures: list[Figure]


class MemberFigure(msgspec.Struct, frozen=True):
    company: CompanyRef
    figure_id: int | None
    category: str | None
    amount_low: int | None
    amount_high: int | None
    currency: str | None
    usd: Usd | None


class GroupFigure(msgspec.Struct, frozen=True):
    year: int
    category: Category
    status: Status
    claimed: Annotated[Cited, msgspec.Meta(description="The group's latest claimed figure.")]
    sources: int
    members: Annotated[
        list[MemberFigure],
        msgspec.Meta(description="The companies the claim's article names, with their figures."),
    ]
    members_sum: Annotated[
        Usd | None, msgspec.Meta(description="Sum of the members' figures found, in USD.")
    ]
    missing: Annotated[list[str], msgspec.Meta(description="Members with no figure that year.")]
    difference: Annotated[
        Usd | None, msgspec.Meta(description="Claimed minus the members' sum, in USD.")
    ]
    difference_share: Annotated[
        float | None, msgspec.Meta(description="Difference of the midpoints over the claimed one.")
    ]


class Group(msgspec.Struct, frozen=True):
    name: str
    items: list[GroupFigure]
