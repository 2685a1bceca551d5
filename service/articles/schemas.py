"""Articles at the HTTP boundary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from service.claims.schemas import Claim

ArticleStatus = Literal["queued", "fetching", "parsed", "failed"]


class ArticleCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    url: Annotated[
        str, msgspec.Meta(max_length=2048, description="The article's address (http or https).")
    ]
    html: Annotated[
        str | None,
        msgspec.Meta(
            description="The page, when the partner already holds it: nothing is fetched."
        ),
    ] = None
    published: Annotated[
        date | None, msgspec.Meta(description="Publication date; wins over what the page says.")
    ] = None


class BatchCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    urls: Annotated[list[str], msgspec.Meta(min_length=1, max_length=1000)]


class ArticleError(msgspec.Struct, frozen=True):
    code: str
    message: str


class Article(msgspec.Struct, frozen=True):
    id: int
    url: str
    canonical_url: str | None
    status: ArticleStatus
    error: ArticleError | None
    title: str | None
    authors: list[str]
    published: date | None
    language: str | None
    claim_count: int
    created_at: datetime
    fetched_at: datetime | None


class ArticleDetail(Article, frozen=True):
    text: Annotated[
        str | None, msgspec.Meta(description="Body text; claim evidence offsets index it.")
    ]
    claims: list[Claim]


class ArticlePage(msgspec.Struct, frozen=True):
    items: list[Article]
    next_cursor: str | None


class BatchItem(msgspec.Struct, frozen=True):
    url: str
    result: Literal["created", "existing", "rejected"]
    article: Article | None = None
    error: ArticleError | None = None


class BatchResult(msgspec.Struct, frozen=True):
    items: list[BatchItem]
    created: int
    existing: int
    rejected: int
